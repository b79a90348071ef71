//! The frame's spectral shape for the speech network: its autocorrelation at lags 1 to 7
//! (times the lag step: 1 sample at 8 kHz, 2 at 16 kHz) over lag 0, Q12.
//!
//! A voice's formants move from sound to sound and give the autocorrelation a shape that
//! drums, engines and most instruments do not have. Lags 0 to 2 are the band levels' sums
//! ([`super::bands`]); lags 3 to 7 are summed here, five multiply-accumulates per sample.
//! Inside a push the delayed samples are read from the pushed slice itself, in two sample
//! loops (lags 3 to 5, then 6 and 7) that each keep their sums in registers; only the first
//! samples of a push reach back into the history kept from the one before, through a small
//! buffer. The ratios are worked out only when the network runs.

/// Lags of the shape: 1..=SHAPE_LAGS, times the lag step.
pub const SHAPE_LAGS: usize = 7;

/// Lags summed here (3..=SHAPE_LAGS); the first two come from the band sums.
const OWN_LAGS: usize = SHAPE_LAGS - 2;

/// Samples of history: the longest lag at 16 kHz.
const HISTORY: usize = 2 * SHAPE_LAGS;

/// Sums of x[n]·x[n−k·step] for k = 3..=7 over the current frame (or the last one, until
/// the next one starts: the shape is worked out only when the network runs).
#[derive(Clone, Debug, Default)]
pub struct Shape {
    /// The last 7·step samples, oldest first, then room for as many of the next push: the
    /// products that reach back across pushes are taken here (kept in the state, not built
    /// on the stack, for the firmware's stack budget).
    head: [i16; 2 * HISTORY],
    /// Sums for lags 3..=7 over the frame so far.
    sums: [i64; OWN_LAGS],
}

impl Shape {
    /// The shape of the frame whose band sums at lags 0..=2 are `lag_sums`, the frame last
    /// pushed: r_k / r_0 for k = 1..=7, Q12 (−4096..=4096).
    pub fn q12(&self, lag_sums: [i64; 3]) -> [i16; SHAPE_LAGS] {
        let [r0, r1, r2] = lag_sums;
        let mut out = [0; SHAPE_LAGS];
        for (o, &rk) in out.iter_mut().zip([r1, r2].iter().chain(&self.sums)) {
            *o = ratio_q12(rk, r0);
        }
        out
    }

    /// Adds the samples of `part` (all within one frame; `starts_frame` if the first is the
    /// frame's first) to the sums, at lag step `STEP`.
    pub fn push<const STEP: usize>(&mut self, part: &[i16], starts_frame: bool) {
        if starts_frame {
            self.sums = [0; OWN_LAGS];
        }
        // The history, oldest first, then the first samples of the push: the products of
        // the samples whose delayed ones are in the history.
        let reach = SHAPE_LAGS * STEP;
        let first = part.len().min(reach);
        if let (Some(room), Some(src)) =
            (self.head.get_mut(reach..reach + first), part.get(..first))
        {
            room.copy_from_slice(src);
        }
        let head_len = reach + first;
        // Each pass takes the samples of the push from the first whose delayed samples for
        // its lags are all in it; the head gives it those before.
        let [s3, s4, s5, s6, s7] = self.sums;
        let head = &self.head;
        let within = |span: usize| {
            let from = reach - span;
            let to = head_len.min(reach + span);
            head.get(from..to).unwrap_or(&[])
        };
        let low = lags_3_to_5::<STEP>(within(5 * STEP), [s3, s4, s5]);
        let [s3, s4, s5] = lags_3_to_5::<STEP>(part, low);
        let high = lags_6_and_7::<STEP>(within(7 * STEP), [s6, s7]);
        let [s6, s7] = lags_6_and_7::<STEP>(part, high);
        self.sums = [s3, s4, s5, s6, s7];
        // The newest `reach` samples, oldest first, for the next push.
        if part.len() >= reach {
            let tail = part.get(part.len() - reach..).unwrap_or(&[]);
            if let Some(history) = self.head.get_mut(..reach) {
                history.copy_from_slice(tail);
            }
        } else {
            self.head.copy_within(first..first + reach, 0);
        }
    }
}

/// r_k / r_0 in Q12, rounded toward zero and clamped to ±4096 (a frame's lag sums need not
/// be a true autocorrelation, whose |r_k| ≤ r_0): exactly `((r_k << 12) / r_0)` in 64 bits,
/// but with one 32-bit division (in hardware on a Cortex-M3, where a 64-bit one is a
/// library call) and a correction by 64-bit products.
#[inline(never)]
fn ratio_q12(rk: i64, r0: i64) -> i16 {
    let r0 = r0.max(1);
    let magnitude = rk.unsigned_abs().min(r0.unsigned_abs()) as i64;
    let numerator = magnitude << 12;
    // Both scaled so that r0 < 2^19: the quotient of the scaled values is within one of
    // the exact one.
    let shift = (64 - r0.leading_zeros()).saturating_sub(19);
    let divisor = ((r0 >> shift) as i32).max(1);
    let mut q = i64::from((((magnitude >> shift) as i32) << 12) / divisor);
    for _ in 0..2 {
        if q * r0 > numerator {
            q -= 1;
        } else if (q + 1) * r0 <= numerator {
            q += 1;
        }
    }
    let q = q.clamp(0, 4096) as i16;
    if rk < 0 {
        -q
    } else {
        q
    }
}

/// Adds x[n]·x[n−3s], x[n]·x[n−4s] and x[n]·x[n−5s] (s = `STEP`) to the sums, for each
/// sample x[n] of `samples` whose delayed samples are in `samples`.
#[inline(always)]
fn lags_3_to_5<const STEP: usize>(samples: &[i16], sums: [i64; 3]) -> [i64; 3] {
    let [mut a, mut b, mut c] = sums;
    let newest = samples.get(5 * STEP..).unwrap_or(&[]);
    let lag3 = samples.get(2 * STEP..).unwrap_or(&[]);
    let lag4 = samples.get(STEP..).unwrap_or(&[]);
    for (((&x, &p3), &p4), &p5) in newest.iter().zip(lag3).zip(lag4).zip(samples) {
        let x = i64::from(x);
        a += x * i64::from(p3);
        b += x * i64::from(p4);
        c += x * i64::from(p5);
    }
    [a, b, c]
}

/// Adds x[n]·x[n−6s] and x[n]·x[n−7s] (s = `STEP`) to the sums, for each sample x[n] of
/// `samples` whose delayed samples are in `samples`.
#[inline(always)]
fn lags_6_and_7<const STEP: usize>(samples: &[i16], sums: [i64; 2]) -> [i64; 2] {
    let [mut a, mut b] = sums;
    let newest = samples.get(7 * STEP..).unwrap_or(&[]);
    let lag6 = samples.get(STEP..).unwrap_or(&[]);
    for ((&x, &p6), &p7) in newest.iter().zip(lag6).zip(samples) {
        let x = i64::from(x);
        a += x * i64::from(p6);
        b += x * i64::from(p7);
    }
    [a, b]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::Lcg;

    /// Direct sums over the whole signal, frame by frame, for lags 3..=7.
    fn reference(signal: &[i16], frame: usize, step: usize) -> Vec<[i64; OWN_LAGS]> {
        signal
            .chunks(frame)
            .enumerate()
            .map(|(f, chunk)| {
                let mut sums = [0i64; OWN_LAGS];
                for n in 0..chunk.len() {
                    let at = f * frame + n;
                    for (k, sum) in sums.iter_mut().enumerate() {
                        let lag = (k + 3) * step;
                        let past = if at >= lag { signal[at - lag] } else { 0 };
                        *sum += i64::from(signal[at]) * i64::from(past);
                    }
                }
                sums
            })
            .collect()
    }

    #[test]
    fn sums_match_direct_ones_however_the_frames_are_split() {
        let mut rng = Lcg::new(7);
        let signal: Vec<i16> = (0..1600).map(|_| rng.uniform(32_000)).collect();
        for (step, frame) in [(1usize, 80usize), (2, 160)] {
            let want = reference(&signal, frame, step);
            for split in [1usize, 3, 7, 13, 40, 80, 160] {
                let mut shape = Shape::default();
                let mut got = Vec::new();
                for chunk in signal.chunks(frame) {
                    for (i, part) in chunk.chunks(split).enumerate() {
                        if step == 2 {
                            shape.push::<2>(part, i == 0);
                        } else {
                            shape.push::<1>(part, i == 0);
                        }
                    }
                    got.push(shape.sums);
                }
                assert_eq!(got, want, "step {step}, pushes of {split}");
            }
        }
    }

    #[test]
    fn ratios_are_the_64_bit_quotients() {
        let mut rng = Lcg::new(11);
        let mut wide = || (u64::from(rng.next_u32()) << 32 | u64::from(rng.next_u32())) as i64;
        for n in 0..200_000 {
            let r0 = (wide() >> (n % 38 + 24)).abs();
            let rk = wide() >> (n % 38 + 24 + n % 2);
            let want = ((rk << 12) / r0.max(1)).clamp(-4096, 4096) as i16;
            assert_eq!(ratio_q12(rk, r0), want, "{rk} / {r0}");
        }
        for (rk, r0) in [
            (0, 0),
            (5, 0),
            (-5, 1),
            (1 << 38, 1 << 38),
            (-(1 << 38), (1 << 38) - 1),
        ] {
            let want = ((rk << 12) / r0.max(1)).clamp(-4096, 4096) as i16;
            assert_eq!(ratio_q12(rk, r0), want, "{rk} / {r0}");
        }
    }

    #[test]
    fn ratios_stay_within_one() {
        let shape = Shape {
            sums: [i64::MAX, i64::MIN, 5, -5, 0],
            ..Shape::default()
        };
        let q12 = shape.q12([1 << 40, -(1 << 41), 1 << 39]);
        assert_eq!(q12, [-4096, 2048, 4096, -4096, 0, 0, 0]);
        assert_eq!(Shape::default().q12([0, 0, 0]), [0; SHAPE_LAGS]);
    }
}
