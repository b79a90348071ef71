//! A bank of eight Goertzel resonators (one per DTMF frequency) over one analysis block,
//! plus the block's energy.
//!
//! Fixed point: input samples are shifted left by the rate's `input_shift`, the resonator
//! state is an `i32` bounded by 2^29 over one block (see `coeffs`), and the feedback
//! multiply keeps the high word of a 32×32→64 product with cos(ω) in Q31, so each sample
//! costs one long multiply, one add and one subtract per frequency. Frequencies are run two
//! at a time so that a Cortex-M core keeps both resonators in registers.

use super::coeffs::{RateCoeffs, ToneCoeffs, TONE_COUNT};

/// The complex output of one resonator at the end of a block, in input units
/// (|re|, |im| ≤ 2^24 at 8 kHz and 2^25 at 16 kHz).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Bin {
    /// Real part.
    pub re: i32,
    /// Imaginary part.
    pub im: i32,
}

impl Bin {
    /// |bin|², at most 2^51.
    pub fn power(self) -> u64 {
        let re = self.re as i64;
        let im = self.im as i64;
        (re * re) as u64 + (im * im) as u64
    }

    /// The same direction, scaled down by a power of two so that both parts are below 2^15.
    pub fn normalized_q15(self) -> Bin {
        let largest = self.re.unsigned_abs().max(self.im.unsigned_abs());
        let bits = 32 - largest.leading_zeros();
        let shift = bits.saturating_sub(15);
        Bin {
            re: self.re >> shift,
            im: self.im >> shift,
        }
    }
}

/// Resonator state of all eight frequencies, and the energy of the block so far.
#[derive(Clone, Debug, Default)]
pub(crate) struct GoertzelBank {
    /// s[n-1] per frequency (scaled by 2^input_shift).
    s1: [i32; TONE_COUNT],
    /// s[n-2] per frequency.
    s2: [i32; TONE_COUNT],
    /// (s1, s2) per frequency at the middle of the block.
    middle: [(i32, i32); TONE_COUNT],
    /// Σ x² over the block so far (input units squared).
    energy: u64,
}

/// The outputs of a block: whole block and energy; first-half outputs on demand (only the
/// two candidate tones need them).
#[derive(Clone, Copy, Debug)]
pub(crate) struct BlockBins {
    /// Each frequency's output over the whole block.
    pub whole: [Bin; TONE_COUNT],
    /// Σ x² over the block.
    pub energy: u64,
    /// Resonator states at the middle of the block.
    middle: [(i32, i32); TONE_COUNT],
    /// The coefficients the block was run with.
    coeffs: &'static RateCoeffs,
}

impl BlockBins {
    /// Frequency `k`'s output over the first half of the block alone.
    pub fn first_half(&self, k: usize) -> Option<Bin> {
        let t = self.coeffs.tones.get(k)?;
        let &(s1, s2) = self.middle.get(k)?;
        Some(output(t, s1, s2, self.coeffs.input_shift))
    }
}

/// y = s1 − e^{−jω}·s2 = Σ x[n] e^{jω(L−1−n)} over the L samples run, in input units.
fn output(t: &ToneCoeffs, s1: i32, s2: i32, shift: u32) -> Bin {
    let s1 = s1 as i64;
    let s2 = s2 as i64;
    let re = s1 - ((t.cos_q31 as i64 * s2) >> 31);
    let im = (t.sin_q31 as i64 * s2) >> 31;
    Bin {
        re: (re >> shift) as i32,
        im: (im >> shift) as i32,
    }
}

/// Σ x² of `samples` (at most 128 · 2^30 for the samples of one block). Signed 64-bit
/// multiply-accumulate (one SMLAL per sample on Arm), eight samples per loop turn so that
/// the loop's count and branch are paid once per eight products.
pub(crate) fn energy(samples: &[i16]) -> u64 {
    let mut energy = 0i64;
    let (eights, tail) = samples.as_chunks::<8>();
    for &[a, b, c, d, e, f, g, h] in eights {
        let sq = |x: i16| x as i64 * x as i64;
        energy = energy
            .wrapping_add(sq(a))
            .wrapping_add(sq(b))
            .wrapping_add(sq(c))
            .wrapping_add(sq(d))
            .wrapping_add(sq(e))
            .wrapping_add(sq(f))
            .wrapping_add(sq(g))
            .wrapping_add(sq(h));
    }
    for &x in tail {
        let x = x as i64;
        energy = energy.wrapping_add(x * x);
    }
    energy as u64
}

/// An upper bound, in input units, on how far the real and the imaginary part of a
/// whole-block [`Bin`] can each lie from the exact DFT Σ x[n] e^{jω(L−1−n)} of the block.
///
/// Derivation (state units are input units × 2^shift): each resonator step computes
/// 4·⌊s·c/2^32⌋ for 2cos(ω)·s, off by less than 4 from the truncation plus at most
/// 2·2^29·2^−32 = 0.25 from rounding cos(ω) to Q31, since |s| < 2^29: an error δ with
/// |δ| ≤ 4.25 per step. The error of the state after L steps is Σ δ[n]·h[L−1−n], with the
/// resonator's impulse response h[k] = sin((k+1)ω)/sin ω, so at most L·4.25/sin ω for both
/// s1 and s2. The output s1 − e^{−jω}·s2 adds the two (|cos|, |sin| ≤ 1), less than 1 for
/// the Q31 products' truncation and 1/8 for their coefficients' rounding, and the final
/// shift to input units adds less than 1. The bound uses the smallest sin ω of the rate (the
/// lowest tone) and rounds up.
pub(crate) fn max_bin_error(coeffs: &RateCoeffs) -> u64 {
    let mut sin_min_q31 = i32::MAX;
    for t in coeffs.tones.iter() {
        sin_min_q31 = sin_min_q31.min(t.sin_q31);
    }
    let sin_min_q31 = sin_min_q31.max(1) as u64;
    // 2 · L · 4.25 / sin ω in state units = 2 · L · 17 · 2^31 / (4 · sin_q31), rounded up,
    // plus 2 for the output's truncations.
    let l = coeffs.block_len as u64;
    let state = (2 * l * 17 * (1u64 << 31)).div_ceil(4 * sin_min_q31) + 2;
    // To input units (rounded up), plus 1 for the final shift.
    state.div_ceil(1u64 << coeffs.input_shift) + 1
}

/// High word of the 64-bit product: (a · b) >> 32.
#[cfg_attr(not(target_arch = "arm"), allow(dead_code))]
#[inline(always)]
fn mul_hi(a: i32, b: i32) -> i32 {
    ((a as i64 * b as i64) >> 32) as i32
}

/// How many resonators run side by side over a run of samples off Arm (Arm runs them in
/// pairs, [`run_pair`]). Results do not depend on it (each resonator is independent); it
/// only trades registers for instruction-level parallelism: eight suit out-of-order cores.
#[cfg(not(target_arch = "arm"))]
pub(crate) const GROUP: usize = 8;

/// Runs one group of resonators with 64-bit state, which gives the same bits as the 32-bit
/// loops (tested). `shift` is the rate's input shift (5 or 7, checked by the coefficient
/// tests).
#[cfg(not(target_arch = "arm"))]
#[inline(always)]
fn run<const G: usize>(
    samples: &[i16],
    shift: u32,
    cos_q31: &[i32; G],
    s1: &mut [i32; G],
    s2: &mut [i32; G],
) {
    match shift {
        5 => run_group_wide::<G, 5>(samples, cos_q31, s1, s2),
        _ => run_group_wide::<G, 7>(samples, cos_q31, s1, s2),
    }
}

/// Runs `G` resonators over `samples` with 32-bit state (one SMULL per step on Arm); `s1`,
/// `s2` are their last two states. The reference the pair loop and the 64-bit loop are
/// tested against.
#[cfg(test)]
pub(crate) fn run_group<const G: usize, const SHIFT: u32>(
    samples: &[i16],
    cos_q31: &[i32; G],
    s1: &mut [i32; G],
    s2: &mut [i32; G],
) {
    let mut last = *s1;
    let mut before = *s2;
    // Two samples per turn, swapping the roles of the two state registers instead of moving.
    let (pairs, tail) = samples.as_chunks::<2>();
    for &[x0, x1] in pairs {
        let x0 = (x0 as i32) << SHIFT;
        let x1 = (x1 as i32) << SHIFT;
        for ((l, b), &c) in last.iter_mut().zip(before.iter_mut()).zip(cos_q31.iter()) {
            // s0 = x + 2cos(ω)·s1 − s2, with 2cos(ω)·s1 = 4 · hi(s1 · cos_q31).
            *b = x0
                .wrapping_sub(*b)
                .wrapping_add(mul_hi(*l, c).wrapping_mul(4));
            *l = x1
                .wrapping_sub(*l)
                .wrapping_add(mul_hi(*b, c).wrapping_mul(4));
        }
    }
    for &x in tail {
        let x = (x as i32) << SHIFT;
        for ((l, b), &c) in last.iter_mut().zip(before.iter_mut()).zip(cos_q31.iter()) {
            let s0 = x
                .wrapping_sub(*b)
                .wrapping_add(mul_hi(*l, c).wrapping_mul(4));
            *b = *l;
            *l = s0;
        }
    }
    *s1 = last;
    *s2 = before;
}

/// One resonator step: s0 = x + 2cos(ω)·s1 − s2, with 2cos(ω)·s1 = 4 · hi(s1 · cos_q31).
#[inline(always)]
fn step(x: i32, s1: i32, s2: i32, cos_q31: i32) -> i32 {
    x.wrapping_sub(s2)
        .wrapping_add(mul_hi(s1, cos_q31).wrapping_mul(4))
}

/// [`run_group`] for two resonators, written out with one local per state so that the loop
/// keeps all of them in registers at every optimization level (the same bits, tested): this
/// is the Arm resonator loop.
#[cfg_attr(not(target_arch = "arm"), allow(dead_code))]
#[inline(always)]
pub(crate) fn run_pair<const SHIFT: u32>(
    samples: &[i16],
    cos_q31: &[i32; 2],
    s1: &mut [i32; 2],
    s2: &mut [i32; 2],
) {
    let [c0, c1] = *cos_q31;
    let [mut last0, mut last1] = *s1;
    let [mut before0, mut before1] = *s2;
    // Two samples per turn, swapping the roles of the two state registers instead of moving.
    let (pairs, tail) = samples.as_chunks::<2>();
    for &[x0, x1] in pairs {
        let x0 = (x0 as i32) << SHIFT;
        let x1 = (x1 as i32) << SHIFT;
        before0 = step(x0, last0, before0, c0);
        before1 = step(x0, last1, before1, c1);
        last0 = step(x1, before0, last0, c0);
        last1 = step(x1, before1, last1, c1);
    }
    for &x in tail {
        let x = (x as i32) << SHIFT;
        let next0 = step(x, last0, before0, c0);
        let next1 = step(x, last1, before1, c1);
        before0 = last0;
        before1 = last1;
        last0 = next0;
        last1 = next1;
    }
    *s1 = [last0, last1];
    *s2 = [before0, before1];
}

/// `run_group` with the state held in 64-bit registers: the same results (the state is
/// bounded by 2^29, so the 32-bit version never wraps, and the high-word product is the
/// same), with a shorter dependency chain on 64-bit cores (no sign extension per step).
#[cfg_attr(target_arch = "arm", allow(dead_code))]
#[inline(always)]
pub(crate) fn run_group_wide<const G: usize, const SHIFT: u32>(
    samples: &[i16],
    cos_q31: &[i32; G],
    s1: &mut [i32; G],
    s2: &mut [i32; G],
) {
    let mut last = s1.map(i64::from);
    let mut before = s2.map(i64::from);
    let cos = cos_q31.map(i64::from);
    // Two samples per turn, swapping the roles of the two state registers instead of moving.
    let (pairs, tail) = samples.as_chunks::<2>();
    for &[x0, x1] in pairs {
        let x0 = ((x0 as i32) << SHIFT) as i64;
        let x1 = ((x1 as i32) << SHIFT) as i64;
        for ((l, b), &c) in last.iter_mut().zip(before.iter_mut()).zip(cos.iter()) {
            *b = x0 - *b + (((*l * c) >> 32) << 2);
            *l = x1 - *l + (((*b * c) >> 32) << 2);
        }
    }
    for &x in tail {
        let x = ((x as i32) << SHIFT) as i64;
        for ((l, b), &c) in last.iter_mut().zip(before.iter_mut()).zip(cos.iter()) {
            let s0 = x - *b + (((*l * c) >> 32) << 2);
            *b = *l;
            *l = s0;
        }
    }
    *s1 = last.map(|v| v as i32);
    *s2 = before.map(|v| v as i32);
}

impl GoertzelBank {
    /// Feeds samples that all belong to the current block: resonators and energy. With
    /// `fresh`, they are the block's first and the resonators start from rest.
    pub fn accumulate(&mut self, coeffs: &RateCoeffs, samples: &[i16], fresh: bool) {
        self.run_resonators(coeffs, samples, fresh);
        self.energy = self.energy.wrapping_add(energy(samples));
    }

    /// Feeds samples that all belong to the current block to the resonators only; the
    /// caller accounts for their energy with [`add_energy`](Self::add_energy). With
    /// `fresh`, they are the block's first and the resonators start from rest (their state
    /// is not cleared between blocks, which saves a 64-byte clear per block).
    pub fn run_resonators(&mut self, coeffs: &RateCoeffs, samples: &[i16], fresh: bool) {
        #[cfg(target_arch = "arm")]
        {
            // The shift is a constant in the loop, so it folds into the subtract.
            let (cos, _) = coeffs.cos_q31.as_chunks::<2>();
            let (s1, _) = self.s1.as_chunks_mut::<2>();
            let (s2, _) = self.s2.as_chunks_mut::<2>();
            for ((s1, s2), c) in s1.iter_mut().zip(s2.iter_mut()).zip(cos.iter()) {
                if fresh {
                    *s1 = [0; 2];
                    *s2 = [0; 2];
                }
                match coeffs.input_shift {
                    5 => run_pair::<5>(samples, c, s1, s2),
                    _ => run_pair::<7>(samples, c, s1, s2),
                }
            }
        }
        #[cfg(not(target_arch = "arm"))]
        {
            if fresh {
                self.s1 = [0; TONE_COUNT];
                self.s2 = [0; TONE_COUNT];
            }
            self.accumulate_grouped::<GROUP>(coeffs, samples);
        }
    }

    /// Σ x² of the block so far.
    pub fn energy(&self) -> u64 {
        self.energy
    }

    /// Adds the energy of samples fed with [`run_resonators`](Self::run_resonators).
    pub fn add_energy(&mut self, energy: u64) {
        // Σ x² ≤ 128 · 2^30 over a block: no overflow.
        self.energy = self.energy.wrapping_add(energy);
    }

    /// Forgets the block in progress: its energy (the resonators start from rest with the
    /// next block's first, `fresh`, run).
    pub fn clear(&mut self) {
        self.energy = 0;
    }

    /// Runs the resonators over `samples`, `G` of them side by side (off Arm).
    #[cfg(not(target_arch = "arm"))]
    #[inline(always)]
    pub(crate) fn accumulate_grouped<const G: usize>(
        &mut self,
        coeffs: &RateCoeffs,
        samples: &[i16],
    ) {
        let shift = coeffs.input_shift;
        let (cos, _) = coeffs.cos_q31.as_chunks::<G>();
        let (s1, _) = self.s1.as_chunks_mut::<G>();
        let (s2, _) = self.s2.as_chunks_mut::<G>();
        for ((s1, s2), c) in s1.iter_mut().zip(s2.iter_mut()).zip(cos.iter()) {
            run(samples, shift, c, s1, s2);
        }
    }

    /// Records the resonator state at the middle of the block (call once, after exactly
    /// half a block).
    pub fn mark_middle(&mut self) {
        for ((m, &s1), &s2) in self
            .middle
            .iter_mut()
            .zip(self.s1.iter())
            .zip(self.s2.iter())
        {
            *m = (s1, s2);
        }
    }

    /// Ends the block: returns each frequency's complex output over the whole block and over
    /// its first half, and the block energy; clears the state for the next block.
    pub fn finish(&mut self, coeffs: &'static RateCoeffs) -> BlockBins {
        let shift = coeffs.input_shift;
        // Built in place (a zeroed array filled afterwards costs a 64-byte clear).
        let whole: [Bin; TONE_COUNT] =
            core::array::from_fn(
                |k| match (coeffs.tones.get(k), self.s1.get(k), self.s2.get(k)) {
                    (Some(t), Some(&s1), Some(&s2)) => output(t, s1, s2, shift),
                    _ => Bin::default(),
                },
            );
        let out = BlockBins {
            whole,
            energy: self.energy,
            middle: self.middle,
            coeffs,
        };
        // The middle states are overwritten half-way through the next block.
        self.clear();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::coeffs::{for_rate, TONE_HZ};
    use super::*;
    use crate::synth::Lcg;
    use crate::SampleRate;
    use std::f64::consts::PI;

    /// The fixed-point bins match an f64 DFT of the same block within 0.1 % of full scale
    /// of a bin (A·N/2), for tones, noise-like input and a full-scale square wave.
    /// Grouping resonators differently gives bit-identical state.
    #[test]
    fn grouping_does_not_change_results() {
        let c = for_rate(SampleRate::Hz8000);
        let x: Vec<i16> = (0..50)
            .map(|i| ((i * 7919) % 65536 - 32768) as i16)
            .collect();
        let mut banks = [
            GoertzelBank::default(),
            GoertzelBank::default(),
            GoertzelBank::default(),
        ];
        banks[0].accumulate_grouped::<1>(c, &x);
        banks[1].accumulate_grouped::<2>(c, &x);
        banks[2].accumulate_grouped::<8>(c, &x);
        let mut reference = GoertzelBank::default();
        reference.accumulate(c, &x, true);
        for b in &banks {
            assert_eq!(b.s1, reference.s1);
            assert_eq!(b.s2, reference.s2);
        }
        assert_eq!(reference.energy(), energy(&x));
        assert_ne!(reference.s1, [0; TONE_COUNT]);
    }

    /// The 32-bit (Arm) and 64-bit resonator loops give the same bits, on random full-scale
    /// input and on the worst case for the state bound (x[n] = ±32767 following the sign of
    /// the resonator's impulse response, which drives the state to its largest value).
    #[test]
    fn narrow_and_wide_loops_agree() {
        for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
            let c = for_rate(rate);
            let n = c.block_len;
            let cos = c.tones.map(|t| t.cos_q31);
            let mut inputs: Vec<Vec<i16>> = Vec::new();
            let mut rng = Lcg::new(99);
            for _ in 0..20 {
                inputs.push((0..n).map(|_| (rng.next_u32() >> 16) as i16).collect());
            }
            for hz in TONE_HZ {
                let w = 2.0 * PI * hz as f64 / rate.hz() as f64;
                let worst: Vec<i16> = (0..n)
                    .map(|i| {
                        if (w * (n - i) as f64).sin() >= 0.0 {
                            32767
                        } else {
                            -32768
                        }
                    })
                    .collect();
                inputs.push(worst);
            }
            for x in &inputs {
                let (mut a1, mut a2) = ([0i32; TONE_COUNT], [0i32; TONE_COUNT]);
                let (mut b1, mut b2) = ([0i32; TONE_COUNT], [0i32; TONE_COUNT]);
                if c.input_shift == 5 {
                    run_group::<TONE_COUNT, 5>(x, &cos, &mut a1, &mut a2);
                    run_group_wide::<TONE_COUNT, 5>(x, &cos, &mut b1, &mut b2);
                } else {
                    run_group::<TONE_COUNT, 7>(x, &cos, &mut a1, &mut a2);
                    run_group_wide::<TONE_COUNT, 7>(x, &cos, &mut b1, &mut b2);
                }
                assert_eq!((a1, a2), (b1, b2));
                let (mut p1, mut p2) = ([0i32; TONE_COUNT], [0i32; TONE_COUNT]);
                for k in (0..TONE_COUNT).step_by(2) {
                    let (mut q1, mut q2) = ([p1[k], p1[k + 1]], [p2[k], p2[k + 1]]);
                    let pc = [cos[k], cos[k + 1]];
                    if c.input_shift == 5 {
                        run_pair::<5>(x, &pc, &mut q1, &mut q2);
                    } else {
                        run_pair::<7>(x, &pc, &mut q1, &mut q2);
                    }
                    [p1[k], p1[k + 1]] = q1;
                    [p2[k], p2[k + 1]] = q2;
                }
                assert_eq!((p1, p2), (a1, a2));
                for v in a1.iter().chain(a2.iter()) {
                    assert!(v.unsigned_abs() < 1 << 29, "{v}");
                }
            }
        }
    }

    /// Every whole-block bin lies within `max_bin_error` of the exact DFT in each part, and
    /// so no block that `Thresholds::is_too_quiet` calls quiet has a bin at the level floor:
    /// tone pairs and single tones at every frequency and many phases, random noise, and
    /// the worst case for the state, at levels from full scale down to the floor.
    #[test]
    fn bin_error_is_within_the_bound() {
        use super::super::config::{DtmfConfig, Thresholds};
        for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
            let c = for_rate(rate);
            let n = c.block_len;
            let fs = rate.hz() as f64;
            let bound = max_bin_error(c) as f64;
            let limits = Thresholds::new(&DtmfConfig::default(), c);
            let mut inputs: Vec<Vec<i16>> = Vec::new();
            let mut rng = Lcg::new(777);
            for amp in [32767.0, 16000.0, 3000.0, 300.0, 60.0, 20.0] {
                for &f1 in TONE_HZ.iter().chain([500.0 as u32, 1100, 2000].iter()) {
                    for &f2 in &TONE_HZ[4..] {
                        let p1 = (rng.next_u32() % 1000) as f64 / 1000.0 * 2.0 * PI;
                        let p2 = (rng.next_u32() % 1000) as f64 / 1000.0 * 2.0 * PI;
                        inputs.push(
                            (0..n)
                                .map(|i| {
                                    let t = i as f64 / fs;
                                    let v = amp / 2.0 * (2.0 * PI * f1 as f64 * t + p1).sin()
                                        + amp / 2.0 * (2.0 * PI * f2 as f64 * t + p2).sin();
                                    v.round().clamp(-32768.0, 32767.0) as i16
                                })
                                .collect(),
                        );
                    }
                }
                for _ in 0..50 {
                    inputs.push(
                        (0..n)
                            .map(|_| ((rng.next_u32() >> 16) as i16 as f64 * amp / 32768.0) as i16)
                            .collect(),
                    );
                }
            }
            for hz in TONE_HZ {
                let w = 2.0 * PI * hz as f64 / fs;
                inputs.push(
                    (0..n)
                        .map(|i| {
                            if (w * (n - i) as f64).sin() >= 0.0 {
                                32767
                            } else {
                                -32768
                            }
                        })
                        .collect(),
                );
            }
            let mut quiet = 0;
            for x in &inputs {
                let mut bank = GoertzelBank::default();
                bank.accumulate(c, x, true);
                let out = bank.finish(c);
                let too_quiet = limits.is_too_quiet(out.energy, n);
                quiet += too_quiet as usize;
                for (k, bin) in out.whole.iter().enumerate() {
                    let w = 2.0 * PI * TONE_HZ[k] as f64 / fs;
                    let (mut re, mut im) = (0.0, 0.0);
                    for (i, &v) in x.iter().enumerate() {
                        let a = w * (n - 1 - i) as f64;
                        re += v as f64 * a.cos();
                        im += v as f64 * a.sin();
                    }
                    assert!(
                        (bin.re as f64 - re).abs() <= bound,
                        "{k} re {} vs {re}",
                        bin.re
                    );
                    assert!(
                        (bin.im as f64 - im).abs() <= bound,
                        "{k} im {} vs {im}",
                        bin.im
                    );
                    if too_quiet {
                        assert!(bin.power() < limits.min_bin_power, "{k}: quiet block");
                    }
                }
            }
            assert!(quiet > 100, "{quiet} quiet blocks");
        }
    }

    #[test]
    fn bins_match_f64_dft() {
        for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
            let c = for_rate(rate);
            let n = c.block_len;
            let fs = rate.hz() as f64;
            let mut rng = Lcg::new(12345);
            let inputs: Vec<Vec<i16>> = vec![
                (0..n)
                    .map(|i| (20000.0 * (2.0 * PI * 700.0 * i as f64 / fs).sin()) as i16)
                    .collect(),
                (0..n)
                    .map(|i| if (i / 3) % 2 == 0 { 32767 } else { -32768 })
                    .collect(),
                (0..n).map(|_| (rng.next_u32() >> 16) as i16).collect(),
                (0..n)
                    .map(|i| (50.0 * (2.0 * PI * 1633.0 * i as f64 / fs).cos()) as i16)
                    .collect(),
            ];
            for x in &inputs {
                let mut bank = GoertzelBank::default();
                // Split the block to check accumulation across calls.
                bank.accumulate(c, &x[..n / 3], true);
                bank.accumulate(c, &x[n / 3..n / 2], false);
                bank.mark_middle();
                bank.accumulate(c, &x[n / 2..], false);
                let out = bank.finish(c);
                let (bins, energy) = (out.whole, out.energy);
                let e_ref: u64 = x.iter().map(|&v| (v as i64 * v as i64) as u64).sum();
                assert_eq!(energy, e_ref);
                for (k, bin) in bins.iter().enumerate() {
                    let w = 2.0 * PI * TONE_HZ[k] as f64 / fs;
                    let (mut re, mut im) = (0.0, 0.0);
                    for (i, &v) in x.iter().enumerate() {
                        let a = w * (n - 1 - i) as f64;
                        re += v as f64 * a.cos();
                        im += v as f64 * a.sin();
                    }
                    let tol = 32768.0 * n as f64 / 2.0 * 1e-3;
                    assert!(
                        (bin.re as f64 - re).abs() < tol,
                        "{k} re {} vs {re}",
                        bin.re
                    );
                    assert!(
                        (bin.im as f64 - im).abs() < tol,
                        "{k} im {} vs {im}",
                        bin.im
                    );
                }
            }
        }
    }
}
