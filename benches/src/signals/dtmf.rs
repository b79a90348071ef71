//! Test signals for DTMF detectors: dual tones at given levels, frequencies and durations,
//! silence, band-limited-level white noise, and G.711 (μ-law and A-law) round trips through
//! the core's codec.
//!
//! Levels are in dBm0 with a full-scale sine at +3.17 dBm0. Signals are built in f64 and
//! rounded once, saturating at the 16-bit range (so two 0 dBm0 tones clip, as they would on a
//! real 16-bit line). Everything is deterministic: noise and tone phases come from seeds.

use super::noise::box_muller;
use recresp_core::synth::dtmf_frequencies;
use recresp_core::Digit;
use recresp_core::Law;
use recresp_harness::rng::SplitMix64 as Rng;

/// Amplitude of a sine at `dbm0` (0 dBm0 → 22 747).
pub fn dbm0_to_amplitude(dbm0: f64) -> f64 {
    32767.0 * 10f64.powf((dbm0 - 3.17) / 20.0)
}

/// Nominal (low, high) frequencies of a key, in Hz.
pub fn key_freqs(d: Digit) -> (f64, f64) {
    let (lo, hi) = dtmf_frequencies(d);
    (lo as f64, hi as f64)
}

/// A key's (low, high) tones at nominal frequencies and the given levels.
pub fn key_sines(d: Digit, low_dbm0: f64, high_dbm0: f64) -> (Sine, Sine) {
    let (lo, hi) = key_freqs(d);
    (
        Sine {
            hz: lo,
            dbm0: low_dbm0,
        },
        Sine {
            hz: hi,
            dbm0: high_dbm0,
        },
    )
}

/// All eight DTMF frequencies: rows (the keys of the first column) then columns (the keys
/// of the first row), from the core's keypad.
pub const DTMF_HZ: [f64; 8] = {
    let rows = [Digit::D1, Digit::D4, Digit::D7, Digit::Star];
    let columns = [Digit::D1, Digit::D2, Digit::D3, Digit::A];
    let mut hz = [0.0; 8];
    let mut i = 0;
    while i < 4 {
        hz[i] = dtmf_frequencies(rows[i]).0 as f64;
        hz[4 + i] = dtmf_frequencies(columns[i]).1 as f64;
        i += 1;
    }
    hz
};

/// A standard normal draw from `rng`. Its first uniform is floored at 1e-300 rather than
/// taken as 1 − u (as the line-noise generators do): the suite's signals, and the
/// fingerprints pinned on them, are built with this draw.
fn gaussian(rng: &mut Rng) -> f64 {
    let u1 = rng.uniform().max(1e-300);
    box_muller(u1, rng.uniform())
}

/// One sinusoid of a tone burst.
#[derive(Clone, Copy, Debug)]
pub struct Sine {
    /// Frequency in Hz.
    pub hz: f64,
    /// Level in dBm0.
    pub dbm0: f64,
}

/// Builds a signal piece by piece, in f64, at one sample rate.
#[derive(Clone, Debug)]
pub struct SignalBuilder {
    rate_hz: u32,
    samples: Vec<f64>,
    rng: Rng,
}

impl SignalBuilder {
    /// An empty signal at `rate_hz`; `seed` drives tone phases and noise.
    pub fn new(rate_hz: u32, seed: u64) -> Self {
        SignalBuilder {
            rate_hz,
            samples: Vec::new(),
            rng: Rng::new(seed),
        }
    }

    /// Samples in `ms` milliseconds (may be fractional).
    pub fn samples_in_ms(&self, ms: f64) -> usize {
        (ms * self.rate_hz as f64 / 1000.0).round() as usize
    }

    /// Current length in samples.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether nothing was added yet.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Appends `n` samples of silence.
    pub fn silence_samples(&mut self, n: usize) -> &mut Self {
        self.samples.extend(std::iter::repeat_n(0.0, n));
        self
    }

    /// Appends `ms` of silence.
    pub fn silence(&mut self, ms: f64) -> &mut Self {
        let n = self.samples_in_ms(ms);
        self.silence_samples(n)
    }

    /// Appends `ms` of the sum of `sines`, each with a random starting phase.
    pub fn tones(&mut self, sines: &[Sine], ms: f64) -> &mut Self {
        let n = self.samples_in_ms(ms);
        let fs = self.rate_hz as f64;
        let parts: Vec<(f64, f64, f64)> = sines
            .iter()
            .map(|s| {
                let phase = self.rng.uniform() * 2.0 * std::f64::consts::PI;
                (
                    2.0 * std::f64::consts::PI * s.hz / fs,
                    dbm0_to_amplitude(s.dbm0),
                    phase,
                )
            })
            .collect();
        for i in 0..n {
            let v: f64 = parts
                .iter()
                .map(|&(w, a, p)| a * (w * i as f64 + p).sin())
                .sum();
            self.samples.push(v);
        }
        self
    }

    /// Appends `ms` of a key's two tones at (low, high) levels, with relative frequency
    /// offsets (e.g. 0.015 for +1.5 %) and absolute offsets in Hz.
    pub fn key(&mut self, d: Digit, low_dbm0: f64, high_dbm0: f64, ms: f64) -> &mut Self {
        let (lo, hi) = key_sines(d, low_dbm0, high_dbm0);
        self.tones(&[lo, hi], ms)
    }

    /// Adds white Gaussian noise over the whole signal so far, at a level of `dbm0` measured in
    /// the 300–3400 Hz band (the full-band level is higher by 10·log10((fs/2)/3100)).
    pub fn add_noise_in_band(&mut self, dbm0: f64) -> &mut Self {
        let band_power = dbm0_to_amplitude(dbm0).powi(2) / 2.0;
        let full_power = band_power * (self.rate_hz as f64 / 2.0) / 3100.0;
        let sigma = full_power.sqrt();
        for s in self.samples.iter_mut() {
            *s += sigma * gaussian(&mut self.rng);
        }
        self
    }

    /// Multiplies the whole signal by `db` of gain.
    pub fn gain(&mut self, db: f64) -> &mut Self {
        let g = 10f64.powf(db / 20.0);
        for s in self.samples.iter_mut() {
            *s *= g;
        }
        self
    }

    /// The signal as 16-bit samples, rounded and saturated.
    pub fn to_i16(&self) -> Vec<i16> {
        self.samples.iter().map(|&v| saturate(v)).collect()
    }
}

/// Rounds and saturates to i16.
pub fn saturate(v: f64) -> i16 {
    v.round().clamp(-32768.0, 32767.0) as i16
}

/// Applies `db` of gain to 16-bit samples, saturating.
pub fn apply_gain(samples: &[i16], db: f64) -> Vec<i16> {
    let g = 10f64.powf(db / 20.0);
    samples.iter().map(|&s| saturate(s as f64 * g)).collect()
}

/// Doubles the sample rate: zero-stuffing, then a 63-tap windowed-sinc (Blackman) lowpass at
/// the old Nyquist frequency, so speech at 8 kHz becomes the same speech at 16 kHz.
pub fn upsample_2x(x: &[i16]) -> Vec<i16> {
    const HALF: i64 = 31;
    let taps: Vec<f64> = (-HALF..=HALF)
        .map(|k| {
            let t = k as f64 / 2.0;
            let sinc = if k == 0 {
                1.0
            } else {
                (std::f64::consts::PI * t).sin() / (std::f64::consts::PI * t)
            };
            let n = (k + HALF) as f64 / (2 * HALF) as f64;
            let w = 0.42 - 0.5 * (2.0 * std::f64::consts::PI * n).cos()
                + 0.08 * (4.0 * std::f64::consts::PI * n).cos();
            sinc * w
        })
        .collect();
    let len = x.len() * 2;
    (0..len as i64)
        .map(|i| {
            let mut acc = 0.0;
            for (j, &h) in taps.iter().enumerate() {
                let src = i - (j as i64 - HALF);
                if src >= 0 && src % 2 == 0 && ((src / 2) as usize) < x.len() {
                    acc += h * x[(src / 2) as usize] as f64;
                }
            }
            saturate(acc)
        })
        .collect()
}

/// μ-law encode then decode every sample.
pub fn ulaw_round_trip(samples: &[i16]) -> Vec<i16> {
    samples
        .iter()
        .map(|&s| Law::Ulaw.decode(Law::Ulaw.encode(s)))
        .collect()
}

/// A-law encode then decode every sample.
pub fn alaw_round_trip(samples: &[i16]) -> Vec<i16> {
    samples
        .iter()
        .map(|&s| Law::Alaw.decode(Law::Alaw.encode(s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g711_round_trips_are_close() {
        for s in (-32768i32..=32767).step_by(7) {
            let s = s as i16;
            for (name, r) in [
                ("ulaw", ulaw_round_trip(&[s])[0]),
                ("alaw", alaw_round_trip(&[s])[0]),
            ] {
                let err = (r as i32 - s as i32).abs();
                // Quantization step is at most 1/16 of the magnitude (plus the small-signal step).
                let bound = (s as i32).abs() / 16 + 16;
                assert!(err <= bound, "{name} {s} → {r}");
            }
        }
    }

    #[test]
    fn upsampling_keeps_a_tone_and_its_level() {
        let mut b = SignalBuilder::new(8000, 3);
        b.tones(
            &[Sine {
                hz: 1000.0,
                dbm0: -10.0,
            }],
            500.0,
        );
        let x = upsample_2x(&b.to_i16());
        let mid = &x[2000..6000];
        let rms = (mid.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / mid.len() as f64).sqrt();
        let want = dbm0_to_amplitude(-10.0) / 2f64.sqrt();
        assert!((rms / want - 1.0).abs() < 0.01, "{rms} vs {want}");
        // The image at 7 kHz is gone: correlate with it.
        let (mut re, mut im) = (0.0, 0.0);
        for (i, &v) in mid.iter().enumerate() {
            let a = 2.0 * std::f64::consts::PI * 7000.0 * i as f64 / 16000.0;
            re += v as f64 * a.cos();
            im += v as f64 * a.sin();
        }
        let image = (re * re + im * im).sqrt() * 2.0 / mid.len() as f64;
        assert!(image < want * 2f64.sqrt() * 1e-3, "{image}");
    }

    #[test]
    fn tone_level_is_right() {
        let mut b = SignalBuilder::new(8000, 1);
        b.tones(
            &[Sine {
                hz: 1000.0,
                dbm0: 0.0,
            }],
            1000.0,
        );
        let x = b.to_i16();
        let rms = (x.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / x.len() as f64).sqrt();
        let want = dbm0_to_amplitude(0.0) / 2f64.sqrt();
        assert!((rms / want - 1.0).abs() < 1e-3);
    }

    #[test]
    fn noise_level_is_right() {
        let mut b = SignalBuilder::new(8000, 7);
        b.silence(2000.0).add_noise_in_band(-20.0);
        let x = b.to_i16();
        let power = x.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / x.len() as f64;
        let band = power * 3100.0 / 4000.0;
        let want = dbm0_to_amplitude(-20.0).powi(2) / 2.0;
        assert!((10.0 * (band / want).log10()).abs() < 0.1);
    }
}
