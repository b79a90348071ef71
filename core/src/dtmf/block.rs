//! What one 8 ms block holds on its own, from its bins alone: the checks that need no
//! earlier block. Nothing here keeps state.
//!
//! A block may hold a key when its strongest row and column bins are each above the level
//! floor and together carry at least [`MIN_EDGE_SHARE_Q8`] of the block's energy (the edge
//! checks, [`candidates`]); a block that fails them holds neither a key nor an edge,
//! whatever came before it. It holds a whole key ([`Candidates::is_whole`]) when the pair
//! also passes the twist limits, carries at least [`MIN_TONE_SHARE_Q8`], and each tone keeps
//! its frequency from the first half of the block to the second. Whether the block goes on
//! the blocks before it is `run`'s job.

use super::coeffs::{BLOCK_PHASE, TONE_COUNT};
use super::config::Thresholds;
use super::goertzel::{Bin, BlockBins};
use crate::Digit;

/// Smallest share of the block energy that the two tones must carry, in Q8 (0.80).
///
/// A whole block of a clean key measures 0.93 or more; the Q.24 worst case (40 ms, both
/// tones 1.5 % off, twist at a limit) 0.815, because an off-frequency tone loses up to 14 % of
/// its power in an 8 ms bin. Voiced speech whose two harmonics fall on a key pair keeps its
/// lower harmonics (the fundamental and the first formant) beside them, and music its other
/// notes and overtones: on the talk-off corpora such blocks measure 0.65 to 0.80.
pub(crate) const MIN_TONE_SHARE_Q8: u64 = 205;

/// Smallest share, in Q8 (0.30), for a block at the edge of a tone: the tone fills only part
/// of it, and the share falls with the part filled (a block half filled measures about 0.4 in
/// the worst case above). Such a block only lengthens a run of whole blocks (see `run`).
pub(crate) const MIN_EDGE_SHARE_Q8: u64 = 77;

/// Keypad layout: row (low tone) × column (high tone).
const KEYPAD: [[Digit; 4]; 4] = [
    [Digit::D1, Digit::D2, Digit::D3, Digit::A],
    [Digit::D4, Digit::D5, Digit::D6, Digit::B],
    [Digit::D7, Digit::D8, Digit::D9, Digit::C],
    [Digit::Star, Digit::D0, Digit::Pound, Digit::D],
];

/// The key at `row`, `col` (both 0–3).
pub(crate) fn key_at(row: usize, col: usize) -> Option<Digit> {
    KEYPAD.get(row).and_then(|r| r.get(col)).copied()
}

/// A block's tone powers, its energy times its length, and its strongest row and column:
/// what a block whose strongest pair passes the edge checks is judged on.
pub(crate) struct Candidates {
    /// |bin|² of the eight tones: rows 0–3, columns 4–7.
    pub power: [u64; TONE_COUNT],
    /// The block's energy times its length.
    pub e_n: u64,
    /// The strongest row (0–3) and its power.
    pub row: usize,
    pub row_power: u64,
    /// The strongest column (0–3) and its power.
    pub col: usize,
    pub col_power: u64,
}

/// The block's candidates, or `None` when even its strongest pair of tones fails the edge
/// checks: then no pair does, and the block holds nothing whatever came before it.
pub(crate) fn candidates(
    bins: &BlockBins,
    block_len: usize,
    limits: &Thresholds,
) -> Option<Candidates> {
    let power = bins.whole.map(Bin::power);
    let e_n = bins.energy.saturating_mul(block_len as u64);
    let (rows, cols) = power.split_at(4);
    let (row, row_power) = strongest(rows);
    let (col, col_power) = strongest(cols);
    share_passes(row_power, col_power, e_n, MIN_EDGE_SHARE_Q8, limits).then_some(Candidates {
        power,
        e_n,
        row,
        row_power,
        col,
        col_power,
    })
}

impl Candidates {
    /// Whether the strongest pair is a whole key: it passes the level floor, the twist
    /// limits and [`MIN_TONE_SHARE_Q8`], and both tones keep their frequency from the first
    /// half of the block to the second.
    pub fn is_whole(&self, bins: &BlockBins, limits: &Thresholds) -> bool {
        tones_pass(self.row_power, self.col_power, self.e_n, limits)
            && within_half_block(bins, self.row) == Some(true)
            && within_half_block(bins, 4 + self.col) == Some(true)
    }
}

/// Index of the largest power in `p`, and that power.
fn strongest(p: &[u64]) -> (usize, u64) {
    let mut best = (0, 0);
    for (i, &v) in p.iter().enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best
}

/// Whether tone `k` keeps near its nominal frequency from the first half of the block to the
/// second (phase turn beyond nominal within the tone's half-block limit over 4 ms). This
/// removes the ambiguity of the block-to-block check (`run`), whose phase wraps for offsets
/// of 125 Hz ± its limit; the limit is wide because half blocks see more leakage from the
/// other tone.
fn within_half_block(bins: &BlockBins, k: usize) -> Option<bool> {
    let whole = *bins.whole.get(k)?;
    let first = bins.first_half(k)?;
    let phase = BLOCK_PHASE.get(k)?;
    let (hc, hs) = (
        phase.half_turn_cos_q15 as i64,
        phase.half_turn_sin_q15 as i64,
    );
    // second = whole − first · e^{jωN/2}; parts below 2^26.
    let (fr, fi) = (first.re as i64, first.im as i64);
    let second = Bin {
        re: (whole.re as i64 - ((fr * hc - fi * hs) >> 15)) as i32,
        im: (whole.im as i64 - ((fr * hs + fi * hc) >> 15)) as i32,
    }
    .normalized_q15();
    let first = first.normalized_q15();
    let (ar, ai) = (first.re as i64, first.im as i64);
    let (br, bi) = (second.re as i64, second.im as i64);
    // z = second · conj(first) · e^{−jωN/2}; parts below 2^47.
    let zr = br * ar + bi * ai;
    let zi = bi * ar - br * ai;
    let dr = zr * hc + zi * hs;
    let di = zi * hc - zr * hs;
    // |arg d| ≤ φ  ⇔  Re d · sin φ ≥ |Im d| · cos φ; below 2^62.
    Some(dr * phase.max_half_drift_sin_q15 as i64 >= di.abs() * phase.max_half_drift_cos_q15 as i64)
}

/// Whether a row and a column tone of powers `row_power`, `col_power` (|bin|²) pass the
/// level floor and the twist limits, and carry `MIN_TONE_SHARE_Q8` of a block whose energy
/// times its length is `e_n`: the level checks of a whole block.
fn tones_pass(row_power: u64, col_power: u64, e_n: u64, limits: &Thresholds) -> bool {
    // Twist: col/row within [10^(−normal/10), 10^(reverse/10)]. Powers < 2^52.
    let twist_ok = col_power.saturating_mul(limits.normal_twist_q8 as u64) >= row_power << 8
        && col_power << 8 <= row_power.saturating_mul(limits.reverse_twist_q8 as u64);
    twist_ok && share_passes(row_power, col_power, e_n, MIN_TONE_SHARE_Q8, limits)
}

/// Whether both tones are above the level floor and carry `share_q8` of the block's energy:
/// (P_row + P_col) · 2 ≥ share · E · N, since |bin|²·2/N is the energy of a whole-block
/// tone. With [`MIN_EDGE_SHARE_Q8`], the checks of an edge block (which skip the twist: a
/// tone filling a block in part leaks more into the other tone's bin, and the whole blocks
/// beside it have checked the twist).
pub(crate) fn share_passes(
    row_power: u64,
    col_power: u64,
    e_n: u64,
    share_q8: u64,
    limits: &Thresholds,
) -> bool {
    row_power >= limits.min_bin_power
        && col_power >= limits.min_bin_power
        && (row_power + col_power).saturating_mul(2 << 8) >= e_n.saturating_mul(share_q8)
}
