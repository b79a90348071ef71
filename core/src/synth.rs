//! Deterministic signals for examples, tests and benchmarks: DTMF key presses, a speech-like
//! voice and white noise. Public with the feature `synth` only (the harness turns it on);
//! not for a host's build. Integer arithmetic only, so every target generates the same
//! samples (the firmware example and the host tests rely on it).
//!
//! The voice is a sum of harmonics of a pitch (100–140 Hz) that falls through each syllable,
//! weighted by two vowel formants that move from one syllable's vowel to the next (the first
//! syllable's stay put), under a syllabic envelope (about four syllables a second with short gaps). It is not speech, but
//! a detector of speech should take it for speech, and a DTMF detector must not take it for
//! a key. (A steady pitch under fixed formants, as an earlier version had, is a sung note:
//! what the speech network is trained to reject as synthesized music.)

use crate::{Digit, SampleRate};

/// sin(2π·`phase`/2³²) in Q15, within about 2·10⁻⁴ of the true value.
pub(crate) fn sin_q15(phase: u32) -> i32 {
    let quadrant = phase >> 30;
    // Position inside the quadrant, Q16 (0 ..= 65536).
    let mut x = ((phase >> 14) & 0xffff) as i64;
    if quadrant & 1 == 1 {
        x = 65536 - x;
    }
    // sin(π/2·x) ≈ x·(a − x²·(b − x²·c)), coefficients in Q16.
    let x2 = (x * x) >> 16;
    let mut t = 4_723i64;
    t = 42_115 - ((x2 * t) >> 16);
    t = 102_927 - ((x2 * t) >> 16);
    let y = ((x * t) >> 17) as i32;
    let y = y.min(32_767);
    if quadrant >= 2 {
        -y
    } else {
        y
    }
}

/// The phase step of `hz` at `rate`, for [`sin_q15`].
pub(crate) const fn phase_step(hz: u32, rate: SampleRate) -> u32 {
    ((hz as u64) << 32).wrapping_div(rate.hz() as u64) as u32
}

/// The (low, high) frequencies of a DTMF key in Hz.
pub const fn dtmf_frequencies(d: Digit) -> (u32, u32) {
    const LOW: [u32; 4] = [697, 770, 852, 941];
    const HIGH: [u32; 4] = [1209, 1336, 1477, 1633];
    let (row, col) = match d {
        Digit::D1 => (0, 0),
        Digit::D2 => (0, 1),
        Digit::D3 => (0, 2),
        Digit::A => (0, 3),
        Digit::D4 => (1, 0),
        Digit::D5 => (1, 1),
        Digit::D6 => (1, 2),
        Digit::B => (1, 3),
        Digit::D7 => (2, 0),
        Digit::D8 => (2, 1),
        Digit::D9 => (2, 2),
        Digit::C => (2, 3),
        Digit::Star => (3, 0),
        Digit::D0 => (3, 1),
        Digit::Pound => (3, 2),
        Digit::D => (3, 3),
    };
    (LOW[row], HIGH[col])
}

/// Adds a DTMF key press to `out`: both tones at peak amplitude `amplitude` each.
pub fn add_dtmf(out: &mut [i16], d: Digit, amplitude: i16, rate: SampleRate) {
    let (lo, hi) = dtmf_frequencies(d);
    let (step_lo, step_hi) = (phase_step(lo, rate), phase_step(hi, rate));
    let (mut p_lo, mut p_hi) = (0u32, 0u32);
    for s in out.iter_mut() {
        let v = ((sin_q15(p_lo) + sin_q15(p_hi)) * amplitude as i32) >> 15;
        *s = (*s as i32 + v).clamp(-32_768, 32_767) as i16;
        p_lo = p_lo.wrapping_add(step_lo);
        p_hi = p_hi.wrapping_add(step_hi);
    }
}

/// A 32-bit linear congruential generator (Numerical Recipes constants).
#[derive(Clone, Debug)]
pub struct Lcg(u32);

impl Lcg {
    /// A generator started from `seed`.
    pub const fn new(seed: u32) -> Self {
        Lcg(seed)
    }

    /// The next 32 random bits.
    pub fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        self.0
    }

    /// A uniform value in `-amplitude ..= amplitude`.
    pub fn uniform(&mut self, amplitude: i16) -> i16 {
        let r = (self.next_u32() >> 16) as i32 - 32_768;
        ((r * amplitude as i32) >> 15) as i16
    }
}

/// Adds uniform white noise of peak `amplitude` to `out`.
pub fn add_noise(out: &mut [i16], amplitude: i16, rng: &mut Lcg) {
    for s in out.iter_mut() {
        *s = (*s as i32 + rng.uniform(amplitude) as i32).clamp(-32_768, 32_767) as i16;
    }
}

/// Formant pairs (Hz) of the vowels the voice cycles through.
const VOWELS: [(u32, u32); 5] = [
    (730, 1090),
    (530, 1840),
    (270, 2290),
    (570, 840),
    (300, 870),
];

/// Adds the speech-like voice to `out`, peaking near `amplitude`. `seed` varies the pitch
/// and the vowel order.
pub fn add_voice(out: &mut [i16], amplitude: i16, rate: SampleRate, seed: u32) {
    let mut rng = Lcg::new(seed);
    let per_ms = rate.per_ms() as usize;
    let syllable = 180 * per_ms;
    let gap = 60 * per_ms;
    let mut pos = 0usize;
    let mut last = None;
    while pos < out.len() {
        let len = (syllable + (rng.next_u32() % 80) as usize * per_ms).min(out.len() - pos);
        let vowel = VOWELS[(rng.next_u32() % VOWELS.len() as u32) as usize];
        let f0 = 100 + rng.next_u32() % 40;
        if let Some(seg) = out.get_mut(pos..pos + len) {
            add_syllable(seg, amplitude, rate, f0, (last.unwrap_or(vowel), vowel));
        }
        last = Some(vowel);
        pos += len + gap;
    }
}

/// One voiced syllable: harmonics of a pitch that falls from 1.15·`f0` to 0.85·`f0` (the
/// intonation of a syllable), under formants that move from the first vowel of `vowels` to
/// the second over the syllable's first third, with a raised envelope. Pitch and formants
/// are updated every millisecond.
fn add_syllable(
    out: &mut [i16],
    amplitude: i16,
    rate: SampleRate,
    f0: u32,
    vowels: ((u32, u32), (u32, u32)),
) {
    let n = out.len().max(1) as i64;
    let step_len = rate.per_ms() as usize;
    let mut phases = [0u32; 40];
    let mut weights = [0i32; 40];
    let mut steps = [0u32; 40];
    let mut total = 1i32;
    let mut count = 0;
    for (i, s) in out.iter_mut().enumerate() {
        if i % step_len == 0 {
            // Where in the syllable, Q10 (0 ..= 1024).
            let t = (i as i64 * 1024 / n) as u32;
            let pitch = f0 * (1178 - 307 * t / 1024) / 1024;
            let moved = (t * 3).min(1024);
            let mix = |a: u32, b: u32| (a * (1024 - moved) + b * moved) / 1024;
            let ((a1, a2), (b1, b2)) = vowels;
            let formants = (mix(a1, b1), mix(a2, b2));
            total = 0;
            count = 0;
            for k in 1..=40u32 {
                let f = pitch * k;
                if f > 3400 || f >= rate.hz() / 2 {
                    break;
                }
                // Weight: 1/(1 + (distance to formant / 150 Hz)^2), summed over both
                // formants, Q10.
                let w = |fc: u32| {
                    let d = f.abs_diff(fc) as i64;
                    (1024 * 22_500 / (22_500 + d * d)) as i32
                };
                if let (Some(wt), Some(st)) = (weights.get_mut(count), steps.get_mut(count)) {
                    *wt = w(formants.0) + w(formants.1) / 2 + 16;
                    *st = phase_step(f, rate);
                    total += *wt;
                }
                count += 1;
            }
        }
        let mut acc = 0i64;
        for k in 0..count {
            acc += sin_q15(phases[k]) as i64 * weights[k] as i64;
            phases[k] = phases[k].wrapping_add(steps[k]);
        }
        // Envelope: sin(π·i/n), in Q15.
        let env = sin_q15(((i as i64) << 31).wrapping_div(n) as u32) as i64;
        let v = (acc / total.max(1) as i64 * env) >> 15;
        let v = (v * amplitude as i64) >> 15;
        *s = (*s as i64 + v * 2).clamp(-32_768, 32_767) as i16;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sine_is_accurate() {
        let mut worst = 0f64;
        for i in 0..4096u32 {
            let phase = i.wrapping_mul(1 << 20).wrapping_add(i * 977);
            let want = (phase as f64 / 4_294_967_296.0 * std::f64::consts::TAU).sin() * 32768.0;
            worst = worst.max((sin_q15(phase) as f64 - want).abs());
        }
        assert!(worst < 8.0, "worst error {worst} LSB");
    }

    #[test]
    fn voice_has_level_and_gaps() {
        let mut v = vec![0i16; 8000];
        add_voice(&mut v, 8000, SampleRate::Hz8000, 1);
        let peak = v.iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!((3000..=16000).contains(&peak), "peak {peak}");
        assert!(v.windows(400).any(|w| w.iter().all(|&s| s == 0)));
    }
}
