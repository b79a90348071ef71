//! Per-frame band levels: the energy of each 10 ms frame in a low, a middle and a high band,
//! on a log2 scale.
//!
//! The bands come from the frame's autocorrelation at lags 0, s and 2s (s = 1 sample at
//! 8 kHz, 2 at 16 kHz), so each sample costs three multiply-accumulates and no filtering:
//! the energy of x filtered by (1 + z^-s)² (low), (1 − z^-2s) (middle) and (1 − z^-s)²
//! (high) is a fixed combination of those three sums. At 8 kHz the bands peak at 0, 2 and
//! 4 kHz; at 16 kHz the same shapes are used over the same frequencies in Hz. Each level is
//! normalized by its filter's white-noise gain and the frame length, so it reads as log2 of
//! the mean square per sample (30.0 = a full-scale square wave) whatever the band or rate.
//! Accumulators are 64-bit (one multiply-accumulate-long per product on Cortex-M3).

use super::log2::log2_q16;
use super::shape::{Shape, SHAPE_LAGS};
use crate::SampleRate;

/// How many bands each frame is split into.
pub const BAND_COUNT: usize = 3;

/// Frame length in milliseconds.
pub const FRAME_MS: u32 = 10;

/// Log2 of the mean square per sample of each band, in Q16 (see the module docs).
pub type BandLevelsQ16 = [i32; BAND_COUNT];

/// White-noise power gain of the low, middle and high band filters.
const BAND_GAIN: [u64; BAND_COUNT] = [6, 2, 6];

/// Accumulates samples into frames and reports each frame's band levels.
#[derive(Clone, Debug)]
pub struct BandAnalyzer {
    /// Lag step in samples: 1 at 8 kHz, 2 at 16 kHz.
    lag_step: u8,
    /// Samples per frame.
    frame_len: u16,
    /// Samples of the current frame consumed so far.
    filled: u16,
    /// The last four samples, newest first (they carry the lags across pushes).
    history: [i16; 4],
    /// The four samples before the current frame, newest first.
    history_at_start: [i16; 4],
    /// Running sums of x[n]·x[n−k·lag_step] for k = 0, 1, 2 over the current frame.
    lag_sums: [i64; 3],
    /// The frame's spectral shape, from the same samples and the sums above.
    shape: Shape,
}

/// log2(gain · frame_len) per band, Q16, subtracted to normalize: at 8 kHz (80 samples per
/// frame) and at 16 kHz (160); a test checks them against [`log2_q16`].
const NORM_8K_Q16: [i32; BAND_COUNT] = [583_722, 479_850, 583_722];
const NORM_16K_Q16: [i32; BAND_COUNT] = [649_258, 545_386, 649_258];

impl BandAnalyzer {
    /// An analyzer for audio at `rate`, at the start of its first frame.
    pub fn new(rate: SampleRate) -> Self {
        let frame_len = rate.per_ms() * FRAME_MS;
        BandAnalyzer {
            lag_step: if rate == SampleRate::Hz16000 { 2 } else { 1 },
            frame_len: frame_len as u16,
            filled: 0,
            history: [0; 4],
            history_at_start: [0; 4],
            lag_sums: [0; 3],
            shape: Shape::default(),
        }
    }

    /// The spectral shape of the frame [`feed`](Self::feed) last completed: its
    /// autocorrelation at lags 1..=SHAPE_LAGS over lag 0, Q12. Worked out on demand (the
    /// detector asks only when its network runs), from sums that the next frame's first
    /// sample clears.
    pub fn shape_q12(&self) -> [i16; SHAPE_LAGS] {
        self.shape.q12(self.lag_sums)
    }

    /// Samples per frame (80 at 8 kHz, 160 at 16 kHz).
    pub fn frame_len(&self) -> usize {
        self.frame_len as usize
    }

    /// Consumes samples from the front of `samples`, up to the end of the current frame.
    /// Returns how many were consumed and, if the frame is now complete, its band levels.
    pub fn feed(&mut self, samples: &[i16]) -> (usize, Option<BandLevelsQ16>) {
        let room = (self.frame_len - self.filled) as usize;
        let take = room.min(samples.len());
        let part = samples.get(..take).unwrap_or(&[]);
        if self.lag_step == 2 {
            self.accumulate::<2>(part);
            self.shape.push::<2>(part, self.filled == 0);
        } else {
            self.accumulate::<1>(part);
            self.shape.push::<1>(part, self.filled == 0);
        }
        self.filled += take as u16;
        if self.filled < self.frame_len {
            return (take, None);
        }
        self.filled = 0;
        let levels = self.finish_frame();
        self.history_at_start = self.history;
        (take, Some(levels))
    }

    // Kept out of line so that the sample loop has the registers to itself, whatever the
    // code it would be inlined into holds.
    #[inline(never)]
    fn accumulate<const STEP: usize>(&mut self, part: &[i16]) {
        // A frame's sums start at zero with its first sample (so finishing a frame need not
        // clear them).
        let [mut s0, mut s1, mut s2] = if self.filled == 0 {
            [0; 3]
        } else {
            self.lag_sums
        };
        let [h0, h1, h2, h3] = self.history;
        let [h0, h1, h2, h3] = [i32::from(h0), i32::from(h1), i32::from(h2), i32::from(h3)];
        // The products are widened before they are taken so each is one 32×32→64
        // multiply-accumulate (SMLAL on a Cortex-M3); the delayed samples live in locals.
        if STEP == 1 {
            let (mut p1, mut p2) = (h0, h1);
            // Four samples at a time, so the loop's own work is shared by four. The
            // products that share a sample are taken as one (a·p1 + b·a = a·(p1 + b); the
            // i32 sums of two samples cannot overflow).
            let (quads, rest) = part.as_chunks::<4>();
            for &[a, b, c, d] in quads {
                let (a, b, c, d) = (i32::from(a), i32::from(b), i32::from(c), i32::from(d));
                s0 += i64::from(a) * i64::from(a);
                s0 += i64::from(b) * i64::from(b);
                s0 += i64::from(c) * i64::from(c);
                s0 += i64::from(d) * i64::from(d);
                s1 += i64::from(a) * i64::from(p1 + b);
                s1 += i64::from(c) * i64::from(b + d);
                s2 += i64::from(a) * i64::from(p2 + c);
                s2 += i64::from(b) * i64::from(p1 + d);
                p2 = c;
                p1 = d;
            }
            for &x in rest {
                let x = i32::from(x);
                s0 += i64::from(x) * i64::from(x);
                s1 += i64::from(x) * i64::from(p1);
                s2 += i64::from(x) * i64::from(p2);
                p2 = p1;
                p1 = x;
            }
        } else {
            let (mut p1, mut p2, mut p3, mut p4) = (h0, h1, h2, h3);
            for &x in part {
                let x = i32::from(x);
                s0 += i64::from(x) * i64::from(x);
                s1 += i64::from(x) * i64::from(p2);
                s2 += i64::from(x) * i64::from(p4);
                p4 = p3;
                p3 = p2;
                p2 = p1;
                p1 = x;
            }
        }
        self.lag_sums = [s0, s1, s2];
        // The newest four samples, newest first.
        if let [.., a, b, c, d] = *part {
            self.history = [d, c, b, a];
        } else {
            for &x in part {
                self.history = [x, self.history[0], self.history[1], self.history[2]];
            }
        }
    }

    fn finish_frame(&mut self) -> BandLevelsQ16 {
        let [r0, r1, r2] = self.lag_sums;
        // The products that enter at the frame start and leave at its end when the window
        // is delayed: Σ x[n−a]·x[n−a−b] over the frame minus the lag sum Σ x[n]·x[n−b] is
        // Σ_{k<a} (x_start[k]·x_start[k+b] − x_end[k]·x_end[k+b]), from the four samples
        // before the frame (x_start, newest first) and its last four (x_end). Each product
        // of two samples fits i32.
        let [a0, a1, a2, a3] = self.history_at_start;
        let [e0, e1, e2, e3] = self.history;
        let edge = |x: i16, y: i16, u: i16, v: i16| {
            i64::from(i32::from(x) * i32::from(y)) - i64::from(i32::from(u) * i32::from(v))
        };
        // (a, b) = (s, 0), (2s, 0) and (s, s) for lag step s.
        let (delay_once, delay_twice, delay_cross) = if self.lag_step == 2 {
            let once = edge(a0, a0, e0, e0) + edge(a1, a1, e1, e1);
            let twice = once + edge(a2, a2, e2, e2) + edge(a3, a3, e3, e3);
            (once, twice, edge(a0, a2, e0, e2) + edge(a1, a3, e1, e3))
        } else {
            let once = edge(a0, a0, e0, e0);
            (once, once + edge(a1, a1, e1, e1), edge(a0, a1, e0, e1))
        };
        // Exact energies of the filtered frame: the lag sums plus the products at the frame
        // edges (so each is a true sum of squares, never negative). |r_k| ≤ 160 · 2^30 <
        // 2^38, so nothing here can overflow i64.
        let delayed_r0 = r0 + delay_once;
        let twice_delayed_r0 = r0 + delay_twice;
        let delayed_r1 = r1 + delay_cross;
        let squares = r0 + 4 * delayed_r0 + twice_delayed_r0;
        let cross = 4 * r1 + 4 * delayed_r1;
        let norms = if self.lag_step == 2 {
            NORM_16K_Q16
        } else {
            NORM_8K_Q16
        };
        let frame_len = u64::from(self.frame_len);
        // A bias of one LSB² per sample keeps digital silence finite (level 0).
        let level = |energy: i64, band: usize| {
            let gain = BAND_GAIN.get(band).copied().unwrap_or(1);
            let norm = norms.get(band).copied().unwrap_or(0);
            log2_q16(energy.max(0) as u64 + gain * frame_len) - norm
        };
        [
            level(squares + cross + 2 * r2, 0),
            level(r0 + twice_delayed_r0 - 2 * r2, 1),
            level(squares - cross + 2 * r2, 2),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::Lcg;

    fn levels_of(rate: SampleRate, f_hz: f64, amplitude: f64) -> BandLevelsQ16 {
        let mut a = BandAnalyzer::new(rate);
        let n = a.frame_len() * 4;
        let x: Vec<i16> = (0..n)
            .map(|i| {
                (amplitude
                    * (2.0 * std::f64::consts::PI * f_hz * i as f64 / rate.hz() as f64).sin())
                    as i16
            })
            .collect();
        let mut last = None;
        let mut rest = &x[..];
        while !rest.is_empty() {
            let (used, levels) = a.feed(rest);
            rest = &rest[used..];
            last = levels.or(last);
        }
        last.unwrap()
    }

    /// Float reference: the band filter's power response at `f_hz`, over its white gain.
    fn reference_level(band: usize, rate: SampleRate, f_hz: f64, amplitude: f64) -> f64 {
        let step = if rate == SampleRate::Hz16000 {
            2.0
        } else {
            1.0
        };
        let w = 2.0 * std::f64::consts::PI * f_hz / rate.hz() as f64 * step;
        let response = match band {
            0 => (2.0 + 2.0 * w.cos()).powi(2),
            1 => 2.0 - 2.0 * (2.0 * w).cos(),
            _ => (2.0 - 2.0 * w.cos()).powi(2),
        };
        let gain = BAND_GAIN[band] as f64;
        let mean_square = amplitude * amplitude / 2.0 * response / gain;
        (mean_square + 1.0).log2()
    }

    #[test]
    fn tones_land_in_their_bands_like_the_float_reference() {
        for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
            for f in [300.0, 700.0, 1500.0, 2000.0, 2900.0, 3400.0] {
                let got = levels_of(rate, f, 10_000.0);
                for (band, &level) in got.iter().enumerate() {
                    let want = reference_level(band, rate, f, 10_000.0);
                    let got_l2 = level as f64 / 65536.0;
                    // Within 0.05 octave (0.15 dB) where the band passes the tone (sine
                    // quantization and the 10 ms window dominate the error).
                    if want > 10.0 {
                        assert!(
                            (got_l2 - want).abs() < 0.05,
                            "{rate:?} {f} Hz band {band}: {got_l2:.3} vs {want:.3}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn levels_are_the_exact_filtered_energies() {
        let mut rng = Lcg::new(1);
        let signal: Vec<i16> = (0..2000)
            .map(|i| {
                let seed = rng.next_u32();
                // A strongly low-pass signal plus a little noise: the worst case for the
                // high band, whose energy is tiny next to the lag sums.
                let tone = 20_000.0 * (i as f64 * 0.05).sin();
                (tone + ((seed >> 16) as i16 / 512) as f64) as i16
            })
            .collect();
        for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
            let mut a = BandAnalyzer::new(rate);
            let n = a.frame_len();
            let step = if rate == SampleRate::Hz16000 { 2 } else { 1 };
            let at = |i: usize, back: usize| {
                i.checked_sub(back)
                    .and_then(|j| signal.get(j))
                    .map_or(0, |&v| v as i64)
            };
            let mut rest = &signal[..];
            let mut frame = 0;
            while rest.len() >= n {
                // Push in uneven pieces to exercise the carried history.
                let (used, levels) = a.feed(&rest[..n.min(rest.len()).min(37)]);
                rest = &rest[used..];
                let Some(levels) = levels else { continue };
                let mut want = [0i64; 3];
                for i in frame * n..(frame + 1) * n {
                    let (x0, x1, x2) = (at(i, 0), at(i, step), at(i, 2 * step));
                    want[0] += (x0 + 2 * x1 + x2).pow(2);
                    want[1] += (x0 - x2).pow(2);
                    want[2] += (x0 - 2 * x1 + x2).pow(2);
                }
                for band in 0..BAND_COUNT {
                    let biased = want[band] as u64 + BAND_GAIN[band] * n as u64;
                    let expect = log2_q16(biased) - log2_q16(BAND_GAIN[band] * n as u64);
                    assert_eq!(levels[band], expect, "{rate:?} frame {frame} band {band}");
                }
                frame += 1;
            }
            assert!(frame > 5);
        }
    }

    #[test]
    fn normalizations_are_log2_of_gain_times_frame_length() {
        for (norms, frame_len) in [(NORM_8K_Q16, 80), (NORM_16K_Q16, 160)] {
            for (norm, gain) in norms.into_iter().zip(BAND_GAIN) {
                assert_eq!(norm, log2_q16(gain * frame_len));
            }
        }
    }

    #[test]
    fn full_scale_extremes_do_not_overflow() {
        for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
            let mut a = BandAnalyzer::new(rate);
            let alternating: Vec<i16> = (0..a.frame_len())
                .map(|i| if i % 2 == 0 { i16::MIN } else { i16::MAX })
                .collect();
            let (_, levels) = a.feed(&alternating);
            assert!(levels.unwrap().iter().all(|&l| (0..=33 << 16).contains(&l)));
            let (_, levels) = a.feed(&vec![i16::MIN; a.frame_len()]);
            assert!(levels.unwrap().iter().all(|&l| (0..=33 << 16).contains(&l)));
        }
    }
}
