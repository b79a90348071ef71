//! Settings of the DTMF detector, and the integer thresholds derived from them once, when a
//! detector is made.
//!
//! Levels are in dBm0 per tone, with a full-scale sine at +3.17 dBm0 (G.711's reference),
//! so a 0 dBm0 tone has an amplitude of 22 747.

use super::coeffs::RateCoeffs;

/// Settings of a [`DtmfDetector`](super::DtmfDetector).
///
/// The defaults accept what ITU-T Q.24 asks (twist from +4 dB to −8 dB, levels down to
/// −30 dBm0 per tone) and ignore tones below −45 dBm0. The twist limits are 4 dB wider than
/// Q.24's because a weak tone's 8 ms bin also picks up up to ±2 dB of leakage from the strong
/// one, so a −8 dB twist can measure −10 dB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DtmfConfig {
    /// Weakest accepted level of each tone, in dBm0 (default −45). Clamped to −90…+3.
    pub min_level_dbm0: i8,
    /// Largest accepted normal twist, in dB: how far the high (column) tone may be below the
    /// low (row) tone (default 12). Clamped to 0…20.
    pub max_normal_twist_db: u8,
    /// Largest accepted reverse twist, in dB: how far the high tone may be above the low
    /// tone (default 8). Clamped to 0…20.
    pub max_reverse_twist_db: u8,
}

impl Default for DtmfConfig {
    fn default() -> Self {
        DtmfConfig {
            min_level_dbm0: -45,
            max_normal_twist_db: 12,
            max_reverse_twist_db: 8,
        }
    }
}

/// 10^(k/10) in Q16 for k = 0…9.
const TENTH_DB_STEPS_Q16: [u64; 10] = [
    65536, 82505, 103868, 130762, 164619, 207243, 260904, 328458, 413504, 520571,
];

/// Power ratio 10^(db/10) times `base`, in integers; `db` is clamped to −120…+40.
pub(crate) fn scale_by_db(base: u64, db: i32) -> u64 {
    let db = db.clamp(-120, 40);
    let decades = db.div_euclid(10);
    let rest = db.rem_euclid(10) as usize;
    let step = TENTH_DB_STEPS_Q16.get(rest).copied().unwrap_or(65536);
    // base ≤ 2^45 in use, step < 2^19: the product fits in u64.
    let mut v = base.saturating_mul(step) >> 16;
    if decades >= 0 {
        for _ in 0..decades {
            v = v.saturating_mul(10);
        }
    } else {
        for _ in 0..(-decades) {
            v /= 10;
        }
    }
    v
}

/// |bin|² of a 0 dBm0 tone at its nominal frequency over a whole block:
/// (22 747.7 · N / 2)². Exact in integers up to the rounding of the amplitude.
fn zero_dbm0_bin_power(block_len: usize) -> u64 {
    // Amplitude of 0 dBm0 in units of 1/2: 32767 · 10^(−3.17/20) · 2 ≈ 45 495.
    const AMPLITUDE_X2: u64 = 45_495;
    let n = block_len as u64;
    // (A·N/2)² = (2A · N / 4)².
    let bin = AMPLITUDE_X2 * n / 4;
    bin * bin
}

/// Integer thresholds used on each block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Thresholds {
    /// Smallest accepted |bin|² of each tone.
    pub min_bin_power: u64,
    /// 10^(normal twist / 10) in Q8.
    pub normal_twist_q8: u64,
    /// 10^(reverse twist / 10) in Q8.
    pub reverse_twist_q8: u64,
}

impl Thresholds {
    /// The thresholds for `config` at the block length of `coeffs`.
    pub fn new(config: &DtmfConfig, coeffs: &RateCoeffs) -> Self {
        let level = (config.min_level_dbm0 as i32).clamp(-90, 3);
        Thresholds {
            min_bin_power: scale_by_db(zero_dbm0_bin_power(coeffs.block_len), level),
            normal_twist_q8: scale_by_db(256, config.max_normal_twist_db.min(20) as i32),
            reverse_twist_q8: scale_by_db(256, config.max_reverse_twist_db.min(20) as i32),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_steps_match_f64() {
        for (k, &v) in TENTH_DB_STEPS_Q16.iter().enumerate() {
            let r = (10f64.powf(k as f64 / 10.0) * 65536.0).round() as u64;
            assert_eq!(v, r);
        }
        for db in -60..=30 {
            let got = scale_by_db(1 << 40, db) as f64;
            let want = (1u64 << 40) as f64 * 10f64.powf(db as f64 / 10.0);
            assert!((got / want - 1.0).abs() < 1e-4, "{db}: {got} vs {want}");
        }
    }

    #[test]
    fn zero_dbm0_power_matches_f64() {
        let a = 32767.0 * 10f64.powf(-3.17 / 20.0);
        for n in [64usize, 128] {
            let want = (a * n as f64 / 2.0).powi(2);
            let got = zero_dbm0_bin_power(n) as f64;
            assert!((got / want - 1.0).abs() < 1e-4, "{got} vs {want}");
        }
    }
}
