//! Per-block classification: does this 8 ms block hold one DTMF key, and is its tone pair
//! the continuation (same key, same frequencies) of the previous block's?
//!
//! A block holds a key when the strongest row and column bins are each above the level
//! floor, their ratio is inside the twist limits, and together they carry at least
//! [`MIN_TONE_SHARE_Q8`] of the block's energy. The last check also makes a block that the
//! tone fills by less than that share fail, which is what bounds the shortest accepted tone.
//!
//! Frequency is checked from phase: for a tone at f + Δf, each bin turns by 2π·(f+Δf)·8 ms
//! from one block to the next; after removing the nominal turn, what is left (2π·Δf·8 ms) must
//! be within the per-frequency limit of `coeffs::BLOCK_PHASE`. This resolves offsets of 1 %
//! with blocks of only 8 ms, which a bin's magnitude alone cannot.

use super::coeffs::{BlockPhase, BLOCK_PHASE, TONE_COUNT};
use super::config::Thresholds;
use super::goertzel::{Bin, BlockBins};
use crate::Digit;

/// Smallest share of the block energy that the two tones must carry, in Q8 (0.65).
pub(crate) const MIN_TONE_SHARE_Q8: u64 = 166;

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

/// What one block holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockClass {
    /// No key.
    Nothing,
    /// A key; `continued` is true when the previous block held the same key and both tones
    /// kept their frequency across the two blocks.
    Key {
        /// The key.
        digit: Digit,
        /// Continuation of the previous block's tone pair.
        continued: bool,
    },
}

/// The previous block's key and its two bins, normalized to Q15.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PreviousKey {
    row: u8,
    col: u8,
    row_bin: Bin,
    col_bin: Bin,
}

/// Classifies blocks, remembering the previous block's key for the phase check.
#[derive(Clone, Debug, Default)]
pub(crate) struct BlockClassifier {
    previous: Option<PreviousKey>,
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

/// Whether the tone kept its frequency from `before` to `now` (both Q15-normalized bins):
/// the phase of now·conj(before)·e^{−jωN} must lie within ±θ of the frequency's limit.
fn frequency_held(before: Bin, now: Bin, phase: &BlockPhase) -> bool {
    let (br, bi) = (before.re as i64, before.im as i64);
    let (nr, ni) = (now.re as i64, now.im as i64);
    // z = now · conj(before); each part below 2^31.
    let zr = nr * br + ni * bi;
    let zi = ni * br - nr * bi;
    // Remove the nominal turn: z · (cos ωN − j sin ωN); each part below 2^47.
    let (tc, ts) = (phase.turn_cos_q15 as i64, phase.turn_sin_q15 as i64);
    let dr = zr * tc + zi * ts;
    let di = zi * tc - zr * ts;
    // |arg d| ≤ θ  ⇔  Re d · sin θ ≥ |Im d| · cos θ  (for 0 < θ < π); below 2^62.
    dr * phase.max_drift_sin_q15 as i64 >= di.abs() * phase.max_drift_cos_q15 as i64
}

/// Whether tone `k` keeps near its nominal frequency from the first half of the block to the
/// second (phase turn beyond nominal within the tone's half-block limit over 4 ms). This
/// removes the ambiguity of the block-to-block check, whose phase wraps for offsets of
/// 125 Hz ± its limit; the limit is wide because half blocks see more leakage from the
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

impl BlockClassifier {
    /// Classifies one block from its bins (rows 0–3, columns 4–7) and energy.
    pub fn classify(
        &mut self,
        bins: &BlockBins,
        block_len: usize,
        limits: &Thresholds,
    ) -> BlockClass {
        let current = Self::key_candidate(bins, block_len, limits);
        let previous = self.previous;
        self.previous = current;
        let Some(now) = current else {
            return BlockClass::Nothing;
        };
        let Some(digit) = key_at(now.row as usize, now.col as usize) else {
            return BlockClass::Nothing;
        };
        let continued = match previous {
            Some(before) if before.row == now.row && before.col == now.col => {
                let row_phase = BLOCK_PHASE.get(now.row as usize);
                let col_phase = BLOCK_PHASE.get(4 + now.col as usize);
                match (row_phase, col_phase) {
                    (Some(rp), Some(cp)) => {
                        frequency_held(before.row_bin, now.row_bin, rp)
                            && frequency_held(before.col_bin, now.col_bin, cp)
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        BlockClass::Key { digit, continued }
    }

    /// Classifies a block that is too quiet to hold a key without its bins (see
    /// `Thresholds::is_too_quiet`): the same as [`classify`](Self::classify) on such a
    /// block, whose level check always fails.
    pub fn quiet_block(&mut self) -> BlockClass {
        self.previous = None;
        BlockClass::Nothing
    }

    /// The key whose tones pass the level, twist and energy-share checks, if any.
    fn key_candidate(
        bins: &BlockBins,
        block_len: usize,
        limits: &Thresholds,
    ) -> Option<PreviousKey> {
        let energy = bins.energy;
        let mut power = [0u64; TONE_COUNT];
        for (p, b) in power.iter_mut().zip(bins.whole.iter()) {
            *p = b.power();
        }
        let (rows, cols) = power.split_at(4);
        let (row, row_power) = strongest(rows);
        let (col, col_power) = strongest(cols);
        if row_power < limits.min_bin_power || col_power < limits.min_bin_power {
            return None;
        }
        // Twist: col/row within [10^(−normal/10), 10^(reverse/10)]. Powers < 2^52.
        if col_power.saturating_mul(limits.normal_twist_q8) < row_power << 8
            || col_power << 8 > row_power.saturating_mul(limits.reverse_twist_q8)
        {
            return None;
        }
        // Energy share: |bin|²·2/N is the energy of a whole-block tone, so require
        // (P_row + P_col) · 2 ≥ share · E · N.
        let tones = (row_power + col_power).saturating_mul(2 << 8);
        let needed = energy
            .saturating_mul(block_len as u64)
            .saturating_mul(MIN_TONE_SHARE_Q8);
        if tones < needed {
            return None;
        }
        if !within_half_block(bins, row)? || !within_half_block(bins, 4 + col)? {
            return None;
        }
        let row_bin = bins.whole.get(row).copied()?.normalized_q15();
        let col_bin = bins.whole.get(4 + col).copied()?.normalized_q15();
        Some(PreviousKey {
            row: row as u8,
            col: col as u8,
            row_bin,
            col_bin,
        })
    }
}
