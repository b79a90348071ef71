//! The adaptive predictor of one G.722 sub-band: two poles and six zeros, adapted by the sign
//! algorithm after every quantized difference (the standard's block 4: reconstruction, pole
//! and zero updates, and the signal estimate for the next sample).
//!
//! Signals are the codec's 15-bit samples (±16,384 for a full-scale band signal) held in
//! `i16`; coefficients are Q14. Every sum saturates to `i16` where the standard's 16-bit
//! arithmetic does, and every product is floored (`>> 15`), so the result is the same bit for
//! bit on any target.

/// `x` limited to the `i16` range.
pub(super) fn saturate_i16(x: i32) -> i16 {
    x.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
}

/// The leak of the first pole and of the zeros per update, 1 − 2⁻⁸, Q15.
const LEAK_FAST_Q15: i32 = 32640;
/// The leak of the second pole per update, 1 − 2⁻⁷, Q15.
const LEAK_SLOW_Q15: i32 = 32512;
/// The largest |a2|, 0.75 in Q14.
const POLE2_LIMIT_Q14: i32 = 12288;
/// |a1| stays below this minus a2: 1 − 2⁻⁴ in Q14.
const POLE1_BOUND_Q14: i32 = 15360;
/// The second pole's sign step, 2⁻⁷ in Q14.
const POLE2_STEP_Q14: i32 = 128;
/// The first pole's sign step, 3·2⁻⁸ in Q14.
const POLE1_STEP_Q14: i32 = 192;
/// The zeros' sign step, 2⁻⁷ in Q14.
const ZERO_STEP_Q14: i32 = 128;

/// Predictor state of one sub-band.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Predictor {
    /// The signal estimate s for the next sample (poles plus zeros).
    estimate: i16,
    /// The zeros' share of `estimate`.
    zero_estimate: i16,
    /// The last reconstructed signal r(n−1).
    last_reconstructed: i16,
    /// The partially reconstructed signals p(n−1), p(n−2) (zeros' estimate plus difference).
    partial: [i16; 2],
    /// Pole coefficients a1, a2, Q14.
    pole_q14: [i16; 2],
    /// Zero coefficients b1..b6, Q14.
    zero_q14: [i16; 6],
    /// Quantized differences d(n−1)..d(n−6).
    difference: [i16; 6],
}

impl Predictor {
    /// A predictor at rest: every coefficient and every past value zero.
    pub(super) const fn new() -> Self {
        Predictor {
            estimate: 0,
            zero_estimate: 0,
            last_reconstructed: 0,
            partial: [0; 2],
            pole_q14: [0; 2],
            zero_q14: [0; 6],
            difference: [0; 6],
        }
    }

    /// The estimate of the next sample of the band.
    pub(super) fn estimate(&self) -> i16 {
        self.estimate
    }

    /// Takes this sample's quantized difference `d`, adapts the poles and zeros, and computes
    /// the estimate of the next sample.
    pub(super) fn update(&mut self, d: i16) {
        let reconstructed = saturate_i16(i32::from(self.estimate) + i32::from(d));
        let partial = saturate_i16(i32::from(self.zero_estimate) + i32::from(d));
        let flips_1 = (partial < 0) != (self.partial[0] < 0);
        let flips_2 = (partial < 0) != (self.partial[1] < 0);

        // Second pole: leak, then step with the sign of p(n)·p(n−2) and against a1's pull.
        let a1_pull = i32::from(saturate_i16(i32::from(self.pole_q14[0]) << 2));
        let a1_pull = if flips_1 { a1_pull } else { -a1_pull }.min(i32::from(i16::MAX));
        let step_2 = if flips_2 {
            -POLE2_STEP_Q14
        } else {
            POLE2_STEP_Q14
        };
        let a2 = (step_2 + (a1_pull >> 7) + ((i32::from(self.pole_q14[1]) * LEAK_SLOW_Q15) >> 15))
            .clamp(-POLE2_LIMIT_Q14, POLE2_LIMIT_Q14);

        // First pole: leak, then step with the sign of p(n)·p(n−1), bounded by 1 − 2⁻⁴ − a2.
        let step_1 = if flips_1 {
            -POLE1_STEP_Q14
        } else {
            POLE1_STEP_Q14
        };
        let a1 = i32::from(saturate_i16(
            step_1 + ((i32::from(self.pole_q14[0]) * LEAK_FAST_Q15) >> 15),
        ));
        let a1_bound = POLE1_BOUND_Q14 - a2;
        let a1 = a1.clamp(-a1_bound, a1_bound);

        // The poles' estimate, from r(n) and r(n−1) with the new coefficients.
        let twice_r = i32::from(saturate_i16(2 * i32::from(reconstructed)));
        let twice_r_prev = i32::from(saturate_i16(2 * i32::from(self.last_reconstructed)));
        let pole_estimate = saturate_i16(((a1 * twice_r) >> 15) + ((a2 * twice_r_prev) >> 15));

        self.last_reconstructed = reconstructed;
        self.pole_q14 = [a1 as i16, a2 as i16];
        self.partial = [partial, self.partial[0]];

        // Zeros: leak, then step with the sign of d(n)·d(n−k) (no step when d(n) is zero);
        // in the same pass, the history shifts by one and the zeros' estimate sums
        // b_k·d(n−k+1) with the new coefficients.
        let step = if d == 0 { 0 } else { ZERO_STEP_Q14 };
        let mut newer = d;
        let mut zero_sum = 0i32;
        for (b, past) in self.zero_q14.iter_mut().zip(self.difference.iter_mut()) {
            let older = *past;
            let signed_step = if (older < 0) != (d < 0) { -step } else { step };
            *b = saturate_i16(signed_step + ((i32::from(*b) * LEAK_FAST_Q15) >> 15));
            zero_sum += (i32::from(*b) * i32::from(saturate_i16(2 * i32::from(newer)))) >> 15;
            *past = newer;
            newer = older;
        }
        self.zero_estimate = saturate_i16(zero_sum);
        self.estimate = saturate_i16(i32::from(pole_estimate) + i32::from(self.zero_estimate));
    }
}
