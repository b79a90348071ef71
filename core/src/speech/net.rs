//! The speech/non-speech network: a two-layer perceptron in integer arithmetic over a
//! frame's [`features`](super::features), giving a logit (Q8: 256 = one natural-log unit of
//! odds) that the frame is speech rather than noise or music.
//!
//! The weights ([`super::net_weights`]) are `const` (flash, not per-channel state), trained
//! offline by `scripts/train-speech-net.sh` on features dumped by the very code below, and
//! chosen by the generator so that no sum can overflow: |feature| ≤ 8191, |weight| ≤ 4095,
//! |bias| ≤ 2^29, at most 23 inputs and 8 hidden units, hidden units ≤ 32767.

use super::features::{Features, FEATURE_COUNT};
use super::net_weights::{
    HIDDEN, HIDDEN_BIAS, HIDDEN_SHIFT, HIDDEN_WEIGHTS, OUT_BIAS, OUT_SHIFT, OUT_WEIGHTS,
};

/// Largest value of a hidden unit.
const HIDDEN_LIMIT: i32 = 32_767;

/// The network's logit for `features`, Q8 (positive: speech more likely than not).
pub fn logit_q8(features: &Features) -> i32 {
    let mut out: i32 = OUT_BIAS;
    for ((row, bias), w_out) in HIDDEN_WEIGHTS.iter().zip(HIDDEN_BIAS).zip(OUT_WEIGHTS) {
        let mut acc: i32 = bias;
        for (&w, &x) in row.iter().zip(features.iter()) {
            acc += w as i32 * x as i32;
        }
        let hidden = (acc >> HIDDEN_SHIFT).clamp(0, HIDDEN_LIMIT);
        out += hidden * w_out as i32;
    }
    out >> OUT_SHIFT
}

const _: () = assert!(HIDDEN <= 8 && FEATURE_COUNT <= 23);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speech::features::FEATURE_LIMIT;

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
