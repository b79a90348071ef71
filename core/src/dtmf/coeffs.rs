//! Constant tables of the DTMF detector, shared by every channel: the eight DTMF
//! frequencies, their Goertzel coefficients at each sample rate, and the per-block phase
//! turn and drift limits used to check each tone's frequency.
//!
//! Assumes blocks of 8 ms at both rates (64 samples at 8 kHz, 128 at 16 kHz), so the phase
//! tables are the same for both rates. The integers were computed in f64 and rounded; the
//! unit tests recompute them and check every entry.

use crate::SampleRate;

/// Number of DTMF frequencies: four rows (low group) then four columns (high group).
pub(crate) const TONE_COUNT: usize = 8;

/// Nominal DTMF frequencies in Hz: rows 697–941, then columns 1209–1633 (the order of every
/// table here).
#[cfg(test)]
pub(crate) const TONE_HZ: [u32; TONE_COUNT] = [697, 770, 852, 941, 1209, 1336, 1477, 1633];

/// Length of one analysis block, in milliseconds.
pub(crate) const BLOCK_MS: u32 = 8;

/// Goertzel coefficients of one frequency at one sample rate.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ToneCoeffs {
    /// cos(ω) in Q31, ω = 2π f / fs.
    pub cos_q31: i32,
    /// sin(ω) in Q31.
    pub sin_q31: i32,
}

/// Coefficients of all eight frequencies at one sample rate.
#[derive(Debug)]
pub(crate) struct RateCoeffs {
    /// Samples per analysis block (8 ms).
    pub block_len: usize,
    /// Left shift applied to input samples before they enter the resonators, chosen so that
    /// the resonator state stays below 2^29 for any full-scale input over one block
    /// (bound: block_len · 2^15 / sin(ω_min) · 2^shift).
    pub input_shift: u32,
    /// Per-frequency coefficients, in [`TONE_HZ`] order.
    pub tones: [ToneCoeffs; TONE_COUNT],
    /// cos(ω) of each frequency in Q31 (the same as in `tones`), laid out for the resonator
    /// loop.
    pub cos_q31: [i32; TONE_COUNT],
}

/// The `cos_q31` of each entry of `tones`, at compile time.
const fn cosines(tones: &[ToneCoeffs; TONE_COUNT]) -> [i32; TONE_COUNT] {
    let mut out = [0; TONE_COUNT];
    let mut i = 0;
    while i < TONE_COUNT {
        out[i] = tones[i].cos_q31;
        i += 1;
    }
    out
}

/// Phase constants of one frequency for one 8 ms block (the same at both rates).
#[derive(Clone, Copy, Debug)]
pub(crate) struct BlockPhase {
    /// cos(ω·N) in Q15: the nominal phase turn of the tone over one block.
    pub turn_cos_q15: i32,
    /// sin(ω·N) in Q15.
    pub turn_sin_q15: i32,
    /// cos(ω·N/2) in Q15: the nominal phase turn over half a block.
    pub half_turn_cos_q15: i32,
    /// sin(ω·N/2) in Q15.
    pub half_turn_sin_q15: i32,
    /// sin(φ) in Q15, φ = the largest accepted phase drift from the first half of a block to
    /// the second, beyond the nominal half-block turn: 0.4 rad short of the drift at which
    /// the block-to-block check starts to pass again by wrapping (offset 125 Hz − Δf).
    pub max_half_drift_sin_q15: i32,
    /// cos(φ) in Q15.
    pub max_half_drift_cos_q15: i32,
    /// sin(θ) in Q15, θ = the largest accepted phase drift per block beyond the nominal
    /// turn. θ = 2π · Δf · 8 ms with Δf halfway between the Q.24 must-accept offset
    /// (1.5 %, plus 2 Hz at 1633 Hz) and the must-reject offset (3.5 %).
    pub max_drift_sin_q15: i32,
    /// cos(θ) in Q15.
    pub max_drift_cos_q15: i32,
}

/// Coefficients at 8 kHz.
/// Per-frequency coefficients at 8 kHz.
const TONES_8K: [ToneCoeffs; TONE_COUNT] = [
    ToneCoeffs {
        cos_q31: 1833669510,
        sin_q31: 1117739748,
    },
    ToneCoeffs {
        cos_q31: 1766607061,
        sin_q31: 1220977277,
    },
    ToneCoeffs {
        cos_q31: 1684364823,
        sin_q31: 1332141569,
    },
    ToneCoeffs {
        cos_q31: 1587210069,
        sin_q31: 1446530406,
    },
    ToneCoeffs {
        cos_q31: 1249947177,
        sin_q31: 1746229674,
    },
    ToneCoeffs {
        cos_q31: 1069844367,
        sin_q31: 1862020152,
    },
    ToneCoeffs {
        cos_q31: 857509966,
        sin_q31: 1968848058,
    },
    ToneCoeffs {
        cos_q31: 610457346,
        sin_q31: 2058889955,
    },
];

pub(crate) static RATE_8K: RateCoeffs = RateCoeffs {
    block_len: 64,
    input_shift: 7,
    tones: TONES_8K,
    cos_q31: cosines(&TONES_8K),
};

/// Coefficients at 16 kHz.
/// Per-frequency coefficients at 16 kHz.
const TONES_16K: [ToneCoeffs; TONE_COUNT] = [
    ToneCoeffs {
        cos_q31: 2067542177,
        sin_q31: 580478565,
    },
    ToneCoeffs {
        cos_q31: 2050054364,
        sin_q31: 639502245,
    },
    ToneCoeffs {
        cos_q31: 2028402319,
        sin_q31: 705173774,
    },
    ToneCoeffs {
        cos_q31: 2002522620,
        sin_q31: 775621798,
    },
    ToneCoeffs {
        cos_q31: 1909964285,
        sin_q31: 981693663,
    },
    ToneCoeffs {
        cos_q31: 1858649954,
        sin_q31: 1075688787,
    },
    ToneCoeffs {
        cos_q31: 1796270393,
        sin_q31: 1176902160,
    },
    ToneCoeffs {
        cos_q31: 1720847638,
        sin_q31: 1284667048,
    },
];

pub(crate) static RATE_16K: RateCoeffs = RateCoeffs {
    block_len: 128,
    input_shift: 5,
    tones: TONES_16K,
    cos_q31: cosines(&TONES_16K),
};

/// Per-block phase constants, in [`TONE_HZ`] order.
pub(crate) static BLOCK_PHASE: [BlockPhase; TONE_COUNT] = [
    BlockPhase {
        turn_cos_q15: -29102,
        turn_sin_q15: -15060,
        half_turn_cos_q15: 7750,
        half_turn_sin_q15: -31838,
        max_half_drift_sin_q15: 24355,
        max_half_drift_cos_q15: -21922,
        max_drift_sin_q15: 25169,
        max_drift_cos_q15: 20982,
    },
    BlockPhase {
        turn_cos_q15: 17558,
        turn_sin_q15: 27667,
        half_turn_cos_q15: 28715,
        half_turn_sin_q15: 15786,
        max_half_drift_sin_q15: 25335,
        max_half_drift_cos_q15: -20782,
        max_drift_sin_q15: 26986,
        max_drift_cos_q15: 18588,
    },
    BlockPhase {
        turn_cos_q15: 13202,
        turn_sin_q15: -29991,
        half_turn_cos_q15: -27444,
        half_turn_sin_q15: 17904,
        max_half_drift_sin_q15: 26371,
        max_half_drift_cos_q15: -19450,
        max_drift_sin_q15: 28754,
        max_drift_cos_q15: 15714,
    },
    BlockPhase {
        turn_cos_q15: -32262,
        turn_sin_q15: -5735,
        half_turn_cos_q15: 2879,
        half_turn_sin_q15: -32641,
        max_half_drift_sin_q15: 27417,
        max_half_drift_cos_q15: -17945,
        max_drift_sin_q15: 30329,
        max_drift_cos_q15: 12406,
    },
    BlockPhase {
        turn_cos_q15: -15424,
        turn_sin_q15: -28911,
        half_turn_cos_q15: 16857,
        half_turn_sin_q15: -28099,
        max_half_drift_sin_q15: 30037,
        max_half_drift_cos_q15: -13096,
        max_drift_sin_q15: 32725,
        max_drift_cos_q15: 1688,
    },
    BlockPhase {
        turn_cos_q15: -12445,
        turn_sin_q15: -30313,
        half_turn_cos_q15: -18248,
        half_turn_sin_q15: 27217,
        max_half_drift_sin_q15: 30985,
        max_half_drift_cos_q15: -10660,
        max_drift_sin_q15: 32577,
        max_drift_cos_q15: -3534,
    },
    BlockPhase {
        turn_cos_q15: 13202,
        turn_sin_q15: -29991,
        half_turn_cos_q15: 27444,
        half_turn_sin_q15: -17904,
        max_half_drift_sin_q15: 31807,
        max_half_drift_cos_q15: -7877,
        max_drift_sin_q15: 31444,
        max_drift_cos_q15: -9221,
    },
    BlockPhase {
        turn_cos_q15: 30154,
        turn_sin_q15: 12825,
        half_turn_cos_q15: -32108,
        half_turn_sin_q15: -6544,
        max_half_drift_sin_q15: 32534,
        max_half_drift_cos_q15: -3910,
        max_drift_sin_q15: 28247,
        max_drift_cos_q15: -16609,
    },
];

/// The coefficient table for `rate`.
pub(crate) fn for_rate(rate: SampleRate) -> &'static RateCoeffs {
    match rate {
        SampleRate::Hz8000 => &RATE_8K,
        SampleRate::Hz16000 => &RATE_16K,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn q(v: f64, bits: u32) -> i64 {
        ((v * (1u64 << bits) as f64).round() as i64).min((1i64 << bits) - 1)
    }

    fn drift_limit_hz(hz: f64) -> f64 {
        let accept = 0.015 * hz + if hz == 1633.0 { 2.0 } else { 0.0 };
        let reject = 0.035 * hz;
        (accept + reject) / 2.0
    }

    #[test]
    fn tables_match_f64() {
        for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
            let c = for_rate(rate);
            let fs = rate.hz() as f64;
            assert_eq!(c.block_len as u32, rate.per_ms() * BLOCK_MS);
            // The resonator loop is specialised for these two shifts.
            assert!(c.input_shift == 5 || c.input_shift == 7);
            // Resonator bound stays below 2^29.
            let w_min = 2.0 * PI * TONE_HZ[0] as f64 / fs;
            let bound = c.block_len as f64 * 32768.0 / w_min.sin() * (1u32 << c.input_shift) as f64;
            assert!(bound < (1u64 << 29) as f64, "{bound}");
            for (i, t) in c.tones.iter().enumerate() {
                let w = 2.0 * PI * TONE_HZ[i] as f64 / fs;
                assert_eq!(t.cos_q31 as i64, q(w.cos(), 31));
                assert_eq!(t.sin_q31 as i64, q(w.sin(), 31));
                let wn = w * c.block_len as f64;
                let p = &BLOCK_PHASE[i];
                assert_eq!(p.turn_cos_q15 as i64, q(wn.cos(), 15));
                assert_eq!(p.turn_sin_q15 as i64, q(wn.sin(), 15));
                assert_eq!(p.half_turn_cos_q15 as i64, q((wn / 2.0).cos(), 15));
                assert_eq!(p.half_turn_sin_q15 as i64, q((wn / 2.0).sin(), 15));
                let theta = 2.0 * PI * drift_limit_hz(TONE_HZ[i] as f64) * BLOCK_MS as f64 / 1000.0;
                assert_eq!(p.max_drift_sin_q15 as i64, q(theta.sin(), 15));
                assert_eq!(p.max_drift_cos_q15 as i64, q(theta.cos(), 15));
                let block_hz = 1000.0 / BLOCK_MS as f64;
                let half_s = BLOCK_MS as f64 / 2000.0;
                let phi = 2.0 * PI * (block_hz - drift_limit_hz(TONE_HZ[i] as f64)) * half_s - 0.4;
                assert_eq!(p.max_half_drift_sin_q15 as i64, q(phi.sin(), 15));
                assert_eq!(p.max_half_drift_cos_q15 as i64, q(phi.cos(), 15));
                // The limit stays well above the largest drift of an accepted tone.
                let accept = 0.015 * TONE_HZ[i] as f64 + if TONE_HZ[i] == 1633 { 2.0 } else { 0.0 };
                assert!(phi > 2.0 * PI * accept * half_s + 1.0);
            }
        }
    }
}
