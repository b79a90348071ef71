//! The record beep: a 1000 Hz sine, 200 ms long, peaking at −9 dBFS (amplitude 11 627),
//! with 10 ms linear fades at both ends so it starts and stops without a click.
//!
//! 1000 Hz divides both sample rates, so one period is 8 (or 16) samples: that period is
//! computed once at construction (with micromath, so it needs no FPU) and repeated, with an
//! integer fade; there is no phase drift, and the samples are the same on every target.

use crate::SampleRate;

/// Frequency of the beep in Hz.
pub const BEEP_HZ: u32 = 1000;
/// Length of the beep in milliseconds.
pub const BEEP_MS: u32 = 200;
/// Peak amplitude of the beep (−9 dBFS).
pub const BEEP_PEAK: i32 = 11_627;
/// Length of each fade in milliseconds.
pub const BEEP_FADE_MS: u32 = 10;

/// Samples in one period of the beep at the highest rate.
const MAX_PERIOD: usize = 16;

/// A beep being played: yields its samples in order, then nothing.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Beep {
    /// One period of the sine at full level.
    period: [i16; MAX_PERIOD],
    period_len: u32,
    /// Samples produced so far.
    pos: u32,
    len: u32,
    fade: u32,
}

impl Beep {
    /// A beep at `rate`, from its first sample.
    pub fn new(rate: SampleRate) -> Self {
        let period_len = rate.hz() / BEEP_HZ;
        let mut period = [0i16; MAX_PERIOD];
        for (k, slot) in period.iter_mut().enumerate().take(period_len as usize) {
            let phase = 2.0 * core::f32::consts::PI * k as f32 / period_len as f32;
            let s = micromath::F32Ext::sin(phase) * BEEP_PEAK as f32;
            *slot = micromath::F32Ext::round(s) as i16;
        }
        Beep {
            period,
            period_len,
            pos: 0,
            len: Beep::len(rate),
            fade: rate.per_ms() * BEEP_FADE_MS,
        }
    }

    /// The beep's length in samples at `rate`.
    pub const fn len(rate: SampleRate) -> u32 {
        rate.per_ms() * BEEP_MS
    }

    /// Samples not yet produced.
    pub fn remaining(&self) -> u32 {
        self.len - self.pos
    }

    /// Fills `out` with the next samples; returns how many were written (fewer than
    /// `out.len()` only at the end of the beep).
    pub fn fill(&mut self, out: &mut [i16]) -> usize {
        let n = out.len().min(self.remaining() as usize);
        for slot in out.iter_mut().take(n) {
            *slot = self.next_sample();
        }
        n
    }

    fn next_sample(&mut self) -> i16 {
        let full = self
            .period
            .get((self.pos % self.period_len.max(1)) as usize)
            .copied()
            .unwrap_or(0) as i32;
        let gain = self.pos.min(self.len - self.pos).min(self.fade) as i32;
        self.pos += 1;
        (full * gain / self.fade.max(1) as i32) as i16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(rate: SampleRate) -> Vec<i16> {
        let mut b = Beep::new(rate);
        let mut out = vec![0i16; Beep::len(rate) as usize + 10];
        let n = b.fill(&mut out);
        out.truncate(n);
        out
    }

    #[test]
    fn matches_a_float_sine_within_a_few_lsb() {
        for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
            let out = render(rate);
            assert_eq!(out.len() as u32, Beep::len(rate));
            let fade = (rate.per_ms() * BEEP_FADE_MS) as f64;
            let mut worst = 0f64;
            for (n, &s) in out.iter().enumerate() {
                let w = 2.0 * std::f64::consts::PI * BEEP_HZ as f64 / rate.hz() as f64;
                let g = (n as f64).min((out.len() - n) as f64).min(fade) / fade;
                let want = (w * n as f64).sin() * BEEP_PEAK as f64 * g;
                worst = worst.max((s as f64 - want).abs());
            }
            assert!(worst < 40.0, "{rate:?}: worst error {worst}");
        }
    }

    #[test]
    fn is_at_its_level_and_ends() {
        let out = render(SampleRate::Hz8000);
        let peak = out.iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!((11_500..=11_700).contains(&peak), "peak {peak}");
        assert!(out[0].unsigned_abs() < 1000 && out[out.len() - 1].unsigned_abs() < 1000);
        let mut b = Beep::new(SampleRate::Hz8000);
        let mut sink = [0i16; 2000];
        assert_eq!(b.fill(&mut sink), 1600);
        assert_eq!(b.fill(&mut sink), 0);
    }
}
