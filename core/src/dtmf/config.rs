//! Settings of the DTMF detector, and the integer thresholds derived from them once, when a
//! detector is made.
//!
//! Levels are in dBm0 per tone, with a full-scale sine at +3.17 dBm0 (G.711's reference),
//! so a 0 dBm0 tone has an amplitude of 22 747.

use super::coeffs::RateCoeffs;
use super::goertzel::max_bin_error;

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
    pub normal_twist_q8: u16,
    /// 10^(reverse twist / 10) in Q8.
    pub reverse_twist_q8: u16,
    /// The normal twist limit of a run of whole blocks ([`RUN_TWIST_MARGIN_DB10`] tighter),
    /// as 10^(twist / 10) in Q8.
    pub run_normal_twist_q8: u16,
    /// The reverse twist limit of a run of whole blocks, as 10^(twist / 10) in Q8.
    pub run_reverse_twist_q8: u16,
    /// A block whose energy E satisfies N·E < `quiet_bound` cannot hold a key: see
    /// [`Thresholds::is_too_quiet`]. 0 (never quiet) when the level floor is within the
    /// bins' rounding error.
    pub quiet_bound: u64,
}

/// ⌊√v⌋, by bisection (init-time only).
fn isqrt(v: u64) -> u64 {
    let (mut lo, mut hi) = (0u64, 1u64 << 32);
    // Invariant: lo² ≤ v < hi².
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if mid.checked_mul(mid).is_some_and(|m| m <= v) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The [`Thresholds::quiet_bound`] for a level floor of `min_bin_power` at the rate of
/// `coeffs`.
///
/// Cauchy–Schwarz bounds the exact DFT of a block of N samples with energy E:
/// |X(f)|² ≤ N·E. A fixed-point bin lies within D ([`max_bin_error`]) of X in each part, so
/// within √2·D ≤ 1.5·D in magnitude: |bin| ≤ √(N·E) + 1.5·D. With m = ⌊√min_bin_power⌋ −
/// ⌈1.5·D⌉, N·E < m² gives |bin| < m + 1.5·D ≤ √min_bin_power for every frequency, so no
/// row or column bin reaches the level floor and the block is classified as holding no key
/// whatever its bins are.
fn quiet_bound(min_bin_power: u64, coeffs: &RateCoeffs) -> u64 {
    let margin = (3 * max_bin_error(coeffs)).div_ceil(2);
    let m = isqrt(min_bin_power).saturating_sub(margin);
    m * m
}

impl Thresholds {
    /// The thresholds for `config` at the block length of `coeffs`.
    pub fn new(config: &DtmfConfig, coeffs: &RateCoeffs) -> Self {
        let level = (config.min_level_dbm0 as i32).clamp(-90, 3);
        let min_bin_power = scale_by_db(zero_dbm0_bin_power(coeffs.block_len), level);
        Thresholds {
            min_bin_power,
            quiet_bound: quiet_bound(min_bin_power, coeffs),
            normal_twist_q8: twist_q8(config.max_normal_twist_db, 0),
            reverse_twist_q8: twist_q8(config.max_reverse_twist_db, 0),
            run_normal_twist_q8: twist_q8(config.max_normal_twist_db, RUN_TWIST_MARGIN_DB10),
            run_reverse_twist_q8: twist_q8(config.max_reverse_twist_db, RUN_TWIST_MARGIN_DB10),
        }
    }

    /// Whether a run's summed row and column powers are within the run's twist limits:
    /// col/row within [10^(−normal/10), 10^(reverse/10)].
    pub fn run_twist_passes(&self, row_sum: u64, col_sum: u64) -> bool {
        col_sum.saturating_mul(self.run_normal_twist_q8 as u64) >= row_sum.saturating_mul(256)
            && col_sum.saturating_mul(256)
                <= row_sum.saturating_mul(self.run_reverse_twist_q8 as u64)
    }
}

/// How much tighter, in tenths of a dB, the twist limits of a run of whole blocks are than
/// those of one block.
///
/// One 8 ms block sees the strong tone's leakage into the weak tone's bin with any phase, so
/// a key at Q.24's −8 dB twist with both tones 1.5 % off measures down to −10.9 dB in one
/// block; summed over the four whole blocks of a 40 ms key the leakage partly cancels and it
/// measures −9.8 dB at worst (+4.5 dB for a +4 dB twist; see `run_margins`). A synthetic voice whose strong
/// harmonic sits on a row tone and a weak one on a column tone keeps a twist of −10.9 dB
/// over its run. With the default limits (12 and 8 dB), runs are held to 10.3 and 6.3 dB.
pub(crate) const RUN_TWIST_MARGIN_DB10: u32 = 17;

/// 10^(limit / 10) in Q8 for a twist limit of `db` (clamped to 0…20 dB) tightened by
/// `margin_db10` tenths of a dB (down to 0 dB at most).
fn twist_q8(db: u8, margin_db10: u32) -> u16 {
    // 10^(t/100) in Q16 for t = 0…9 tenths of a dB.
    const TENTH_STEPS_Q16: [u64; 10] = [
        65536, 67063, 68625, 70223, 71859, 73533, 75245, 76998, 78792, 80627,
    ];
    let tenths = (db.min(20) as u32 * 10).saturating_sub(margin_db10);
    let q16 = scale_by_db(1 << 16, (tenths / 10) as i32);
    let step = TENTH_STEPS_Q16
        .get((tenths % 10) as usize)
        .copied()
        .unwrap_or(65536);
    // q16 ≤ 100 · 2^16, step < 2^17: no overflow; the result is at most 25 600.
    ((q16 * step) >> 24) as u16
}

impl Thresholds {
    /// Whether a block of `block_len` samples with energy Σx² = `energy` is too quiet for
    /// any key to pass the level check (see [`quiet_bound`]); such a block needs no
    /// resonators. N·E ≤ 128 · 128 · 2^30: no overflow.
    pub fn is_too_quiet(&self, energy: u64, block_len: usize) -> bool {
        energy.saturating_mul(block_len as u64) < self.quiet_bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isqrt_is_the_floor_of_the_square_root() {
        for v in (0..100_000u64).chain([u64::MAX, u64::MAX - 1, 1 << 62, (1 << 62) - 1]) {
            let r = isqrt(v);
            assert!(r * r <= v, "{v}");
            assert!((r + 1).checked_mul(r + 1).is_none_or(|s| s > v), "{v}");
        }
    }

    /// The quiet bound is below the level floor, and 0 for floors within the rounding
    /// error; at the default floor it skips blocks up to a few dB under the floor.
    #[test]
    fn quiet_bound_is_below_the_floor() {
        for c in [
            super::super::coeffs::for_rate(crate::SampleRate::Hz8000),
            super::super::coeffs::for_rate(crate::SampleRate::Hz16000),
        ] {
            for level in -90..=3 {
                let config = DtmfConfig {
                    min_level_dbm0: level,
                    ..DtmfConfig::default()
                };
                let t = Thresholds::new(&config, c);
                assert!(t.quiet_bound < t.min_bin_power, "{level}");
            }
            let t = Thresholds::new(&DtmfConfig::default(), c);
            // A sine's energy over a block is N·A²/2 and its bin power (A·N/2)², so a single
            // tone is quiet from 3 dB under the −45 dBm0 floor on (up to the margin).
            let e_at = |dbm0: f64| {
                let a = 22747.7 * 10f64.powf(dbm0 / 20.0);
                (c.block_len as f64 * a * a / 2.0) as u64
            };
            assert!(t.is_too_quiet(e_at(-50.0), c.block_len));
            assert!(!t.is_too_quiet(e_at(-46.0), c.block_len));
        }
    }

    #[test]
    fn twist_limits_match_f64() {
        for db in 0..=20u8 {
            for margin in [0u32, 5, 17, 23] {
                let got = twist_q8(db, margin) as f64;
                let limit = (db as f64 - margin as f64 / 10.0).max(0.0);
                let want = 256.0 * 10f64.powf(limit / 10.0);
                assert!(
                    (got - want).abs() <= want / 500.0 + 1.0,
                    "{db} {margin}: {got} vs {want}"
                );
            }
        }
    }

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
