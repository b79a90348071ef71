//! RFC 3389 comfort noise: the sender stops sending audio during a pause and sends the level
//! of the background noise instead; the receiver plays noise at that level until the next
//! packet. For the recorder this is line noise, as if the audio had been sent.
//!
//! The level byte is the noise power in −dBov (0–127); recresp reads it as an RMS of
//! `32767 × 10^(−level/20)` for 16-bit samples. Spectral coefficients that may follow are
//! ignored: the noise is white. It comes from a fixed-seed xorshift generator scaled by an
//! integer gain from a table built at compile time, so the same packets give the same
//! samples on every target.

use super::header::RtpError;

/// Reads the noise level (−dBov) of a comfort-noise payload.
pub fn parse_level(payload: &[u8]) -> Result<u8, RtpError> {
    match payload.first() {
        Some(&level) if level <= 127 => Ok(level),
        _ => Err(RtpError::ComfortNoise),
    }
}

/// Q24 gain applied to a uniform sample in [−32768, 32767] for each level: uniform noise of
/// peak `a` has an RMS of `a / √3`, so the gain is `√3 × 10^(−level/20)`, clamped below 1.
const GAIN_Q24: [u32; 128] = gain_table();

const fn gain_table() -> [u32; 128] {
    // 10^(−1/20), and √3.
    const STEP: f64 = 0.891_250_938_133_745_5;
    const SQRT3: f64 = 1.732_050_807_568_877_2;
    let mut table = [0u32; 128];
    let mut amplitude = 1.0f64;
    let mut level = 0;
    while level < 128 {
        let g = amplitude * SQRT3 * 16_777_216.0;
        table[level] = if g >= 16_777_215.0 {
            16_777_215
        } else {
            (g + 0.5) as u32
        };
        amplitude *= STEP;
        level += 1;
    }
    table
}

/// Deterministic white noise at a comfort-noise level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoiseSource {
    state: u32,
}

impl Default for NoiseSource {
    fn default() -> Self {
        Self::new()
    }
}

impl NoiseSource {
    /// A generator with the fixed seed.
    pub const fn new() -> Self {
        NoiseSource { state: 0x2545_F491 }
    }

    /// Fills `out` with noise at `level` (−dBov, 0–127; larger values are silence).
    pub fn fill(&mut self, level: u8, out: &mut [i16]) {
        let gain = GAIN_Q24.get(level as usize).copied().unwrap_or(0) as i64;
        for s in out.iter_mut() {
            let mut x = self.state;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            self.state = x;
            let uniform = (x >> 16) as u16 as i16 as i64;
            *s = ((uniform * gain) >> 24) as i16;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert_eq!(parse_level(&[40]), Ok(40));
        assert_eq!(parse_level(&[127, 1, 2, 3]), Ok(127));
        assert_eq!(parse_level(&[]), Err(RtpError::ComfortNoise));
        assert_eq!(parse_level(&[128]), Err(RtpError::ComfortNoise));
    }

    /// The RMS of the generated noise is the level's, within 0.2 dB down to −60 dBov and
    /// 0.5 dB below (where the gain has few bits), against an f64 reference.
    #[test]
    fn rms_matches_level() {
        for level in [10u8, 20, 30, 40, 50, 60, 70, 80] {
            let mut n = NoiseSource::new();
            let mut buf = vec![0i16; 80_000];
            n.fill(level, &mut buf);
            let rms =
                (buf.iter().map(|&s| (s as f64).powi(2)).sum::<f64>() / buf.len() as f64).sqrt();
            let want = 32767.0 * 10f64.powf(-(level as f64) / 20.0);
            let db = 20.0 * (rms / want).log10();
            let bound = if level <= 60 { 0.2 } else { 0.5 };
            assert!(db.abs() < bound, "level {level}: {db:.3} dB off");
        }
        let mut n = NoiseSource::new();
        let mut buf = [1i16; 16];
        n.fill(200, &mut buf);
        assert_eq!(buf, [0; 16]);
    }

    #[test]
    fn deterministic() {
        let (mut a, mut b) = (NoiseSource::new(), NoiseSource::new());
        let mut x = [0i16; 100];
        let mut y = [0i16; 100];
        a.fill(30, &mut x[..37]);
        a.fill(30, &mut x[37..]);
        b.fill(30, &mut y);
        assert_eq!(x, y, "chunking does not change the noise");
        assert_eq!(x[0], {
            let mut c = NoiseSource::new();
            let mut z = [0i16; 1];
            c.fill(30, &mut z);
            z[0]
        });
    }
}
