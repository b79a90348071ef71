//! The speech/non-speech network: a two-layer perceptron in integer arithmetic over a
//! frame's [`features`](super::features), giving a logit (Q8: 256 = one natural-log unit of
//! odds) that the frame is speech rather than noise or music.
//!
//! The weights ([`super::net_weights`]) are `const` (flash, not per-channel state), trained
//! offline by `scripts/train-speech-net.sh` on features dumped by the very code below, and
//! chosen by the generator so that no sum can overflow: |feature| ≤ 8191, |weight| ≤ 4095,
//! |bias| ≤ 2^29, at most 34 inputs and 16 hidden units, hidden units ≤ 32767 (and checked
//! at compile time below, on the weights themselves).

use super::features::{Features, FEATURE_COUNT, FEATURE_LIMIT};
use super::net_weights::{
    HIDDEN, HIDDEN_BIAS, HIDDEN_SHIFT, HIDDEN_WEIGHTS, OUT_BIAS, OUT_SHIFT, OUT_WEIGHTS,
};

/// Largest value of a hidden unit.
const HIDDEN_LIMIT: i32 = 32_767;

/// Hidden units as evaluated: [`HIDDEN`] padded with units of zero weight and bias (whose
/// value is 0 and adds nothing to the output), in groups of four: two up to 8 units, four
/// up to 16.
const UNITS: usize = if HIDDEN > 8 { 16 } else { 8 };
const GROUP: usize = 4;

/// [`HIDDEN_WEIGHTS`] by group and feature: each feature's weight in the four units of a
/// group, so a group's sums advance together in registers and each weight is read in turn.
const WEIGHTS_BY_FEATURE: [[[i16; GROUP]; FEATURE_COUNT]; UNITS / GROUP] = {
    let mut t = [[[0; GROUP]; FEATURE_COUNT]; UNITS / GROUP];
    let mut h = 0;
    while h < HIDDEN {
        let mut f = 0;
        while f < FEATURE_COUNT {
            t[h / GROUP][f][h % GROUP] = HIDDEN_WEIGHTS[h][f];
            f += 1;
        }
        h += 1;
    }
    t
};

/// [`HIDDEN_BIAS`] and [`OUT_WEIGHTS`] by group, padded with zeros.
const BIAS: [[i32; GROUP]; UNITS / GROUP] = {
    let mut t = [[0; GROUP]; UNITS / GROUP];
    let mut h = 0;
    while h < HIDDEN {
        t[h / GROUP][h % GROUP] = HIDDEN_BIAS[h];
        h += 1;
    }
    t
};
const OUT: [[i32; GROUP]; UNITS / GROUP] = {
    let mut t = [[0; GROUP]; UNITS / GROUP];
    let mut h = 0;
    while h < HIDDEN {
        t[h / GROUP][h % GROUP] = OUT_WEIGHTS[h] as i32;
        h += 1;
    }
    t
};

/// The network's logit for `features`, Q8 (positive: speech more likely than not).
pub fn logit_q8(features: &Features) -> i32 {
    let mut out: i32 = OUT_BIAS;
    for ((weights, bias), w_out) in WEIGHTS_BY_FEATURE.iter().zip(BIAS).zip(OUT) {
        let sums = group_sums(weights, bias, features);
        for (sum, w) in sums.into_iter().zip(w_out) {
            let hidden = (sum >> HIDDEN_SHIFT).clamp(0, HIDDEN_LIMIT);
            out += hidden * w;
        }
    }
    out >> OUT_SHIFT
}

/// The weighted sums of one group of four units; each sum takes the features in order, as
/// a row-by-row product would.
// Kept out of line so its four sums stay in registers whatever the caller holds.
#[inline(never)]
fn group_sums(
    weights: &[[i16; GROUP]; FEATURE_COUNT],
    bias: [i32; GROUP],
    features: &Features,
) -> [i32; GROUP] {
    let [mut s0, mut s1, mut s2, mut s3] = bias;
    for (&[w0, w1, w2, w3], &x) in weights.iter().zip(features) {
        let x = i32::from(x);
        s0 += i32::from(w0) * x;
        s1 += i32::from(w1) * x;
        s2 += i32::from(w2) * x;
        s3 += i32::from(w3) * x;
    }
    [s0, s1, s2, s3]
}

const _: () = assert!(HIDDEN <= 16 && FEATURE_COUNT <= 34);

// No sum can overflow, whatever the features: each hidden unit's largest sum (every feature
// at the limit with the sign of its weight) and the output's largest (every hidden unit at
// its limit) fit an i32.
const _: () = {
    let limit = i32::MAX as i64;
    let mut out = (OUT_BIAS as i64).abs();
    let mut h = 0;
    while h < HIDDEN {
        let mut sum = (HIDDEN_BIAS[h] as i64).abs();
        let mut f = 0;
        while f < FEATURE_COUNT {
            sum += (HIDDEN_WEIGHTS[h][f] as i64).abs() * FEATURE_LIMIT as i64;
            f += 1;
        }
        assert!(sum <= limit);
        out += (OUT_WEIGHTS[h] as i64).abs() * HIDDEN_LIMIT as i64;
        h += 1;
    }
    assert!(out <= limit);
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::Lcg;

    /// The network as written down: each hidden unit's row of weights in turn.
    fn logit_by_rows(features: &Features) -> i32 {
        let mut out: i32 = OUT_BIAS;
        for ((row, bias), w_out) in HIDDEN_WEIGHTS.iter().zip(HIDDEN_BIAS).zip(OUT_WEIGHTS) {
            let mut acc: i32 = bias;
            for (&w, &x) in row.iter().zip(features.iter()) {
                acc += w as i32 * x as i32;
            }
            out += (acc >> HIDDEN_SHIFT).clamp(0, HIDDEN_LIMIT) * w_out as i32;
        }
        out >> OUT_SHIFT
    }

    #[test]
    fn grouped_evaluation_matches_the_rows() {
        let mut rng = Lcg::new(12_345);
        let mut signs = [false; 2];
        for n in 0..20_000 {
            let f: Features = core::array::from_fn(|_| {
                let seed = rng.next_u32();
                // Small features (the usual range) and full-range ones in turn.
                let v = (seed >> 16) as i16 as i32;
                let v = if n % 2 == 0 { v / 16 } else { v };
                v.clamp(-FEATURE_LIMIT, FEATURE_LIMIT) as i16
            });
            let logit = logit_q8(&f);
            assert_eq!(logit, logit_by_rows(&f), "{f:?}");
            signs[usize::from(logit >= 0)] = true;
        }
        assert_eq!(signs, [true; 2], "both verdicts are exercised");
    }

    #[test]
    fn extreme_features_do_not_overflow() {
        // The largest sums either way: every feature at the limit with the sign of its
        // weight (per hidden unit), and against it.
        for sign in [1i32, -1] {
            for row in HIDDEN_WEIGHTS.iter() {
                let f: Features = core::array::from_fn(|i| {
                    let w = row.get(i).copied().unwrap_or(0) as i32;
                    (w.signum() * sign * FEATURE_LIMIT) as i16
                });
                let _ = logit_q8(&f);
            }
        }
        for row in HIDDEN_WEIGHTS
            .iter()
            .chain(core::iter::once(&[0; FEATURE_COUNT]))
        {
            assert!(row.iter().all(|w| w.unsigned_abs() <= 4095));
        }
        assert!(OUT_WEIGHTS.iter().all(|w| w.unsigned_abs() <= 4095));
        assert!(HIDDEN_BIAS.iter().all(|b| b.unsigned_abs() <= 1 << 29));
    }
}
