//! Line-noise generators for the speech-detector evaluation: white, pink and brown noise
//! band-limited to the telephone band (300–3400 Hz), and babble made from other prompts.
//!
//! Everything is deterministic (a seeded generator, `f64` arithmetic) so an evaluation run
//! gives the same table every time. Signals are produced at unit RMS; the caller scales them.

/// A colour of stationary noise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoiseKind {
    /// Flat spectrum.
    White,
    /// −3 dB per octave (equal power per octave).
    Pink,
    /// −6 dB per octave (integrated white noise).
    Brown,
}

impl NoiseKind {
    /// All colours, in table order.
    pub const ALL: [NoiseKind; 3] = [NoiseKind::White, NoiseKind::Pink, NoiseKind::Brown];

    /// Lower-case name for tables.
    pub fn name(self) -> &'static str {
        match self {
            NoiseKind::White => "white",
            NoiseKind::Pink => "pink",
            NoiseKind::Brown => "brown",
        }
    }
}

/// The benches' deterministic generator (SplitMix64), from the harness.
pub use recresp_harness::rng::SplitMix64 as Rng;

/// A standard normal value from two uniform ones (Box–Muller): `u1` in (0, 1], `u2` in
/// [0, 1).
pub fn box_muller(u1: f64, u2: f64) -> f64 {
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// A standard normal draw from `rng`.
fn gaussian(rng: &mut Rng) -> f64 {
    let u1 = 1.0 - rng.uniform();
    box_muller(u1, rng.uniform())
}

/// A direct-form-I biquad in `f64`.
#[derive(Clone, Debug)]
struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    x: [f64; 2],
    y: [f64; 2],
}

impl Biquad {
    /// Butterworth-section high-pass or low-pass at `fc` with quality `q` (bilinear transform).
    fn new(fc: f64, q: f64, fs: f64, high: bool) -> Self {
        let w0 = 2.0 * std::f64::consts::PI * fc / fs;
        let (sin, cos) = w0.sin_cos();
        let alpha = sin / (2.0 * q);
        let a0 = 1.0 + alpha;
        let (b0, b1) = if high {
            ((1.0 + cos) / 2.0, -(1.0 + cos))
        } else {
            ((1.0 - cos) / 2.0, 1.0 - cos)
        };
        Biquad {
            b: [b0 / a0, b1 / a0, b0 / a0],
            a: [-2.0 * cos / a0, (1.0 - alpha) / a0],
            x: [0.0; 2],
            y: [0.0; 2],
        }
    }

    fn run(&mut self, x: f64) -> f64 {
        let y = self.b[0] * x + self.b[1] * self.x[0] + self.b[2] * self.x[1]
            - self.a[0] * self.y[0]
            - self.a[1] * self.y[1];
        self.x = [x, self.x[0]];
        self.y = [y, self.y[0]];
        y
    }
}

/// The telephone band-pass: 4th-order Butterworth high-pass at 300 Hz and 4th-order
/// Butterworth low-pass at 3400 Hz, at 8 kHz.
#[derive(Clone, Debug)]
pub struct TelephoneBand {
    sections: [Biquad; 4],
}

impl Default for TelephoneBand {
    fn default() -> Self {
        Self::new()
    }
}

impl TelephoneBand {
    /// A fresh filter at 8 kHz.
    pub fn new() -> Self {
        // Quality factors of the two sections of a 4th-order Butterworth filter.
        let (q1, q2) = (0.541_196_1, 1.306_563);
        TelephoneBand {
            sections: [
                Biquad::new(300.0, q1, 8000.0, true),
                Biquad::new(300.0, q2, 8000.0, true),
                Biquad::new(3400.0, q1, 8000.0, false),
                Biquad::new(3400.0, q2, 8000.0, false),
            ],
        }
    }

    /// Filters one sample.
    pub fn run(&mut self, x: f64) -> f64 {
        self.sections.iter_mut().fold(x, |acc, s| s.run(acc))
    }
}

/// Root mean square of `x` (0 for an empty slice).
pub fn rms(x: &[f64]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    (x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64).sqrt()
}

fn normalize(mut x: Vec<f64>) -> Vec<f64> {
    let r = rms(&x);
    if r > 0.0 {
        x.iter_mut().for_each(|v| *v /= r);
    }
    x
}

/// `len` samples of `kind` noise at 8 kHz, band-limited to 300–3400 Hz, at unit RMS.
pub fn colored(kind: NoiseKind, len: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut band = TelephoneBand::new();
    // One second of settling so the filters start in their steady state.
    let warm = 8000;
    let mut out = Vec::with_capacity(len);
    match kind {
        NoiseKind::White => {
            for i in 0..len + warm {
                let y = band.run(gaussian(&mut rng));
                if i >= warm {
                    out.push(y);
                }
            }
        }
        NoiseKind::Pink => {
            // A sum of independent one-pole low-passes with corners an octave apart and
            // gains ∝ 1/√corner approximates a 1/f spectrum across the band.
            let corners: Vec<f64> = (0..10).map(|k| 20.0 * 2f64.powi(k)).collect();
            let poles: Vec<f64> = corners
                .iter()
                .map(|fc| (-2.0 * std::f64::consts::PI * fc / 8000.0).exp())
                .collect();
            let gains: Vec<f64> = corners
                .iter()
                .zip(&poles)
                .map(|(fc, p)| (1.0 - p) / fc.sqrt())
                .collect();
            let mut state = vec![0.0; corners.len()];
            for i in 0..len + warm {
                let mut sum = 0.0;
                for k in 0..state.len() {
                    state[k] = poles[k] * state[k] + gaussian(&mut rng);
                    sum += gains[k] * state[k];
                }
                let y = band.run(sum);
                if i >= warm {
                    out.push(y);
                }
            }
        }
        NoiseKind::Brown => {
            // A leaky integrator (corner ≈ 1.3 Hz): −6 dB per octave over the band.
            let mut s = 0.0;
            for i in 0..len + warm {
                s = 0.999 * s + gaussian(&mut rng);
                let y = band.run(s);
                if i >= warm {
                    out.push(y);
                }
            }
        }
    }
    normalize(out)
}

/// `len` samples of babble at unit RMS: `talkers` prompts from `pool`, each looped from a
/// random offset, normalized to equal RMS, summed and band-limited to 300–3400 Hz.
pub fn babble(pool: &[&[i16]], talkers: usize, len: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut sum = vec![0.0; len];
    let usable: Vec<&[i16]> = pool.iter().copied().filter(|p| !p.is_empty()).collect();
    if usable.is_empty() {
        return sum;
    }
    for _ in 0..talkers {
        let voice = usable[rng.below(usable.len())];
        let r = rms(&voice.iter().map(|&s| s as f64).collect::<Vec<_>>());
        if r == 0.0 {
            continue;
        }
        let mut at = rng.below(voice.len());
        for v in sum.iter_mut() {
            *v += voice[at] as f64 / r;
            at = (at + 1) % voice.len();
        }
    }
    let mut band = TelephoneBand::new();
    let filtered = sum.into_iter().map(|v| band.run(v)).collect();
    normalize(filtered)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Power of `x` in the band `lo..hi` Hz, by a plain DFT over a 2048-point block average.
    fn band_power(x: &[f64], lo: f64, hi: f64) -> f64 {
        let n = 512;
        let mut total = 0.0;
        for block in x.chunks_exact(n).take(32) {
            let k_lo = (lo / 8000.0 * n as f64) as usize;
            let k_hi = (hi / 8000.0 * n as f64) as usize;
            for k in k_lo..k_hi {
                let w = 2.0 * std::f64::consts::PI * k as f64 / n as f64;
                let (mut re, mut im) = (0.0, 0.0);
                for (i, v) in block.iter().enumerate() {
                    re += v * (w * i as f64).cos();
                    im -= v * (w * i as f64).sin();
                }
                total += re * re + im * im;
            }
        }
        total
    }

    fn octave_slope_db(kind: NoiseKind) -> f64 {
        let x = colored(kind, 512 * 32, 7);
        let low = band_power(&x, 500.0, 1000.0);
        let high = band_power(&x, 1000.0, 2000.0);
        // Power per Hz, one octave apart.
        10.0 * ((high / 1000.0) / (low / 500.0)).log10()
    }

    #[test]
    fn colours_have_their_slopes() {
        let white = octave_slope_db(NoiseKind::White);
        let pink = octave_slope_db(NoiseKind::Pink);
        let brown = octave_slope_db(NoiseKind::Brown);
        assert!(white.abs() < 1.0, "white slope {white:.2} dB/oct");
        assert!((pink + 3.0).abs() < 1.0, "pink slope {pink:.2} dB/oct");
        assert!((brown + 6.0).abs() < 1.0, "brown slope {brown:.2} dB/oct");
    }

    #[test]
    fn band_limited_and_unit_rms() {
        for kind in NoiseKind::ALL {
            let x = colored(kind, 512 * 32, 3);
            assert!((rms(&x) - 1.0).abs() < 1e-9);
            let inside = band_power(&x, 300.0, 3400.0);
            let below = band_power(&x, 0.0, 150.0);
            let above = band_power(&x, 3800.0, 4000.0);
            assert!(below < inside * 0.01, "{kind:?}: too much below 150 Hz");
            assert!(above < inside * 0.01, "{kind:?}: too much above 3800 Hz");
        }
    }
}
