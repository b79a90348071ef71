//! Continuity: whether a block goes on the run of the block before it, which turns what
//! `block` finds in one block into a [`BlockClass`].
//!
//! A whole block continues the previous block's key when both tones kept their frequency
//! from one block to the next. Frequency is checked from phase: for a tone at f + Δf, each
//! bin turns by 2π·(f+Δf)·8 ms from one block to the next; after removing the nominal turn,
//! what is left (2π·Δf·8 ms) must be within the per-frequency limit of `coeffs::BLOCK_PHASE`.
//! This resolves offsets of 1 % with blocks of only 8 ms, which a bin's magnitude alone
//! cannot. A run of consecutive whole blocks of one key goes on only while the two tones'
//! powers summed over it keep within the run's twist limits, which are tighter than one
//! block's (`config::RUN_TWIST_MARGIN_DB10`): a block's leakage error partly cancels over a
//! run, a voice's strong and weak harmonics do not; while each tone's phase turn from block
//! to block stays that of the run's first two blocks (see [`MAX_GLIDE_COS_Q15`]): a
//! generator's tones are steady, a voice's harmonics glide; and while each tone's level keeps
//! within [`MAX_LEVEL_SPREAD_Q2`]. A block that is not whole but holds the previous block's
//! key with the edge share (`block::MIN_EDGE_SHARE_Q8`) is an edge: the start or end of a
//! tone that fills it in part; a whole block after such a block has a `lead`.

use super::{BlockClass, CONFIRM_BLOCKS};
use crate::dtmf::block::{self, key_at, share_passes, Candidates, MIN_EDGE_SHARE_Q8};
use crate::dtmf::coeffs::{BlockPhase, BLOCK_PHASE, TONE_COUNT};
use crate::dtmf::config::Thresholds;
use crate::dtmf::goertzel::{Bin, BlockBins};

/// The previous block's key and its two bins, normalized to Q15, and the run of whole
/// blocks of that key it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PreviousKey {
    row: u8,
    col: u8,
    row_bin: Q15,
    col_bin: Q15,
    run: RunPowers,
    /// Each tone's weakest and strongest power (`log_q2`) over the consecutive whole blocks
    /// of this key up to this one, and over those before a single edge block between them
    /// (a tone that dips under the whole-block share for one block is still the same tone):
    /// row low, row high, column low, column high.
    levels: [u8; 4],
    /// Each tone's turn (see [`turn`]) from the run's first block to its second; set from
    /// the run's second block on.
    row_turn: Q15,
    col_turn: Q15,
}

impl PreviousKey {
    /// The whole key of row `row` and column `col` (see `block::Candidates::is_whole`),
    /// with its bins, as the first block of a run.
    fn whole(bins: &BlockBins, row: usize, col: usize) -> Option<PreviousKey> {
        Some(PreviousKey {
            row: row as u8,
            col: col as u8,
            row_bin: Q15::of(*bins.whole.get(row)?),
            col_bin: Q15::of(*bins.whole.get(4 + col)?),
            run: RunPowers::default(),
            levels: [0; 4],
            row_turn: Q15::default(),
            col_turn: Q15::default(),
        })
    }

    /// Whether this is kept across an edge block (its run is empty): only its levels count.
    fn bridged(&self) -> bool {
        self.run.blocks == 0
    }
}

/// A Q15-normalized [`Bin`] (both parts within ±2^15), stored in half the bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Q15 {
    re: i16,
    im: i16,
}

impl Q15 {
    /// `b` normalized to Q15.
    fn of(b: Bin) -> Self {
        let n = b.normalized_q15();
        // normalized_q15 leaves both parts within ±(2^15 − 1): the clamp changes nothing.
        let part = |v: i32| v.clamp(-0x7FFF, 0x7FFF) as i16;
        Q15 {
            re: part(n.re),
            im: part(n.im),
        }
    }
}

/// The two tones' powers summed over a run of consecutive whole blocks of one key (each
/// sum as a [`compact`] number), and the run's length.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct RunPowers {
    row: u16,
    col: u16,
    blocks: u8,
}

/// v as a 16-bit float: a 6-bit shift above a 10-bit value, within 0.2 % (truncated).
fn compact(v: u64) -> u16 {
    let shift = (64 - v.leading_zeros()).saturating_sub(10);
    ((shift << 10) as u64 | (v >> shift)) as u16
}

/// The value of a [`compact`] number.
fn expand(c: u16) -> u64 {
    ((c & 0x3FF) as u64) << (c >> 10)
}

impl RunPowers {
    /// A run of one block with tone powers `row`, `col`.
    fn first(row: u64, col: u64) -> Self {
        RunPowers {
            row: compact(row),
            col: compact(col),
            blocks: 1,
        }
    }

    /// This run, one block longer.
    fn add(self, row: u64, col: u64) -> Self {
        RunPowers {
            row: compact(expand(self.row).saturating_add(row)),
            col: compact(expand(self.col).saturating_add(col)),
            blocks: self.blocks.saturating_add(1),
        }
    }

    /// Whether the run is too short to be judged, or its summed powers pass the run's
    /// twist limits (see [`Thresholds::run_twist_passes`]).
    fn twist_passes(&self, limits: &Thresholds) -> bool {
        self.blocks < CONFIRM_BLOCKS || limits.run_twist_passes(expand(self.row), expand(self.col))
    }
}

/// Classifies blocks, remembering the previous block's key for the phase check, and, when
/// it held no whole key, its tone powers for the edge check.
#[derive(Clone, Debug, Default)]
pub(crate) struct Continuity {
    previous: Option<PreviousKey>,
    earlier: PowerLogs,
}

/// The eight tone powers and the energy times the length of a block, each as a 2-bit
/// mantissa and an exponent (`log_q2`): within 12.5 % (0.5 dB), in 9 bytes. `e_n` is 0 when
/// the block was quiet, a whole block, or one where no pair of tones passes the edge checks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct PowerLogs {
    tones: [u8; TONE_COUNT],
    e_n: u8,
}

/// v as 4·⌊log2 v⌋ + (the two bits after the leading one) + 1; 0 for 0. Values below 2^62.
fn log_q2(v: u64) -> u8 {
    if v == 0 {
        return 0;
    }
    let b = 63 - v.leading_zeros();
    let frac = if b >= 2 { (v >> (b - 2)) & 3 } else { 0 };
    (4 * b as u64 + frac + 1).min(255) as u8
}

/// The middle of the range of values that `log_q2` maps to `code`.
fn exp_q2(code: u8) -> u64 {
    let Some(c) = code.checked_sub(1) else {
        return 0;
    };
    let (b, frac) = ((c / 4) as u32, (c % 4) as u64);
    if b < 3 {
        return 1u64 << b;
    }
    // (4 + frac + 1/2) · 2^(b−2) = (9 + 2·frac) · 2^(b−3).
    (9 + 2 * frac) << (b - 3)
}

impl PowerLogs {
    /// Whether row `row` and column `col` pass the edge checks (see [`share_passes`]).
    fn edge_passes(&self, row: u8, col: u8, limits: &Thresholds) -> bool {
        if self.e_n == 0 {
            return false;
        }
        let r = self.tones.get(row as usize).copied().unwrap_or(0);
        let c = self.tones.get(4 + col as usize).copied().unwrap_or(0);
        share_passes(
            exp_q2(r),
            exp_q2(c),
            exp_q2(self.e_n),
            MIN_EDGE_SHARE_Q8,
            limits,
        )
    }
}

/// A tone's turn from the block whose Q15-normalized bin is `before` to the next one's,
/// `now`: now·conj(before), normalized to Q15 (its angle is 2π·f·8 ms, modulo 2π).
fn turn(before: Q15, now: Q15) -> Q15 {
    let (br, bi) = (before.re as i64, before.im as i64);
    let (nr, ni) = (now.re as i64, now.im as i64);
    // Parts below 2 · 2^30: they fit an i32.
    Q15::of(Bin {
        re: (nr * br + ni * bi) as i32,
        im: (ni * br - nr * bi) as i32,
    })
}

/// Whether a tone whose turn from block to block is `z` (see [`turn`]) kept its frequency:
/// the phase of z·e^{−jωN} must lie within ±θ of the frequency's limit.
fn frequency_held(z: Q15, phase: &BlockPhase) -> bool {
    let (zr, zi) = (z.re as i64, z.im as i64);
    // Remove the nominal turn: z · (cos ωN − j sin ωN); each part below 2^31.
    let (tc, ts) = (phase.turn_cos_q15 as i64, phase.turn_sin_q15 as i64);
    let dr = zr * tc + zi * ts;
    let di = zi * tc - zr * ts;
    // |arg d| ≤ θ  ⇔  Re d · sin θ ≥ |Im d| · cos θ  (for 0 < θ < π); below 2^47.
    dr * phase.max_drift_sin_q15 as i64 >= di.abs() * phase.max_drift_cos_q15 as i64
}

/// Largest spread, in `log_q2` steps, of each tone's power over consecutive whole blocks of
/// one key: 9. A spread of 10 steps crosses eight whole steps, two octaves, so any tone whose
/// power keeps within 6 dB passes; 9 steps span at most 7.5 dB.
///
/// A generator's tones keep their level; over the whole blocks of a Q.24 key each tone's power
/// varies by at most 4.8 dB (the weaker tone, from the stronger one's leakage, at −8 dB twist
/// with both tones 1.5 % off; see `run_margins`). Two notes of a chord that beat within one
/// 8 ms bin swing by 8 dB.
const MAX_LEVEL_SPREAD_Q2: u8 = 9;

/// cos and sin, in Q15, of the largest change of the two tones' turns, summed, that a run
/// accepts from its first pair of blocks to any later pair: 78°.
///
/// A DTMF generator's tones keep their frequency, so their turn from block to block stays
/// the same up to noise and the leakage of one tone into the other's bin: over four whole
/// blocks, the two changes add up to at most 66° for the Q.24 worst cases (−8 dB twist, both
/// tones 1.5 % off) and 60° at 12 dB SNR (see `run_margins`). A voice at the top of its pitch range glides: its
/// two harmonics change together, by 90° over the same blocks in a `0` that a synthetic voice
/// held for 40 ms.
const MAX_GLIDE_COS_Q15: i64 = 6813;
const MAX_GLIDE_SIN_Q15: i64 = 32052;

/// Whether the two tones' turns `row`, `col` changed by at most the run's limit, summed,
/// from the run's first turns `row_first`, `col_first` (see [`MAX_GLIDE_COS_Q15`]).
fn steady(row_first: Q15, row: Q15, col_first: Q15, col: Q15) -> bool {
    // The change of one turn, with its angle folded into 0…90°; None beyond 90°.
    let change = |first: Q15, now: Q15| {
        let (fr, fi) = (first.re as i64, first.im as i64);
        let (nr, ni) = (now.re as i64, now.im as i64);
        let re = nr * fr + ni * fi;
        let im = (ni * fr - nr * fi).abs();
        // Parts below 2 · 2^30: they fit an i32.
        (re >= 0).then(|| {
            Bin {
                re: re as i32,
                im: im as i32,
            }
            .normalized_q15()
        })
    };
    let (Some(a), Some(b)) = (change(row_first, row), change(col_first, col)) else {
        return false;
    };
    // The product's angle is the sum of the two (0…180°); parts below 2^31.
    let (ar, ai, br, bi) = (a.re as i64, a.im as i64, b.re as i64, b.im as i64);
    let pr = ar * br - ai * bi;
    let pi = ar * bi + ai * br;
    // arg p ≤ φ  ⇔  Re p · sin φ ≥ Im p · cos φ  (Im p ≥ 0, 0 < φ < π); below 2^47.
    pr * MAX_GLIDE_SIN_Q15 >= pi * MAX_GLIDE_COS_Q15
}

impl Continuity {
    /// Classifies one block from its bins (rows 0–3, columns 4–7) and energy.
    pub fn classify(
        &mut self,
        bins: &BlockBins,
        block_len: usize,
        limits: &Thresholds,
    ) -> BlockClass {
        let previous = self.previous.take();
        let Some(found) = block::candidates(bins, block_len, limits) else {
            self.earlier.e_n = 0;
            return BlockClass::Nothing;
        };
        let whole = if found.is_whole(bins, limits) {
            PreviousKey::whole(bins, found.row, found.col)
        } else {
            None
        };
        let Candidates { power, e_n, .. } = found;
        let (rows, cols) = power.split_at(4);
        let Some(now) = whole else {
            // Not a whole block: the end of the previous block's key, or the start of the
            // next block's (kept for its edge check).
            self.earlier = PowerLogs {
                tones: power.map(log_q2),
                e_n: log_q2(e_n),
            };
            let Some(before) = previous.filter(|b| !b.bridged()) else {
                return BlockClass::Nothing;
            };
            let r = rows.get(before.row as usize).copied().unwrap_or(0);
            let c = cols.get(before.col as usize).copied().unwrap_or(0);
            return match key_at(before.row as usize, before.col as usize) {
                Some(digit) if share_passes(r, c, e_n, MIN_EDGE_SHARE_Q8, limits) => {
                    // The key's levels so far carry over one edge block to the next whole
                    // block of the key (see `PreviousKey::levels`).
                    self.previous = Some(PreviousKey {
                        run: RunPowers::default(),
                        ..before
                    });
                    BlockClass::Edge { digit }
                }
                _ => BlockClass::Nothing,
            };
        };
        let mut now = now;
        let earlier = self.earlier;
        self.earlier.e_n = 0;
        let Some(digit) = key_at(now.row as usize, now.col as usize) else {
            self.previous = Some(now);
            return BlockClass::Nothing;
        };
        let (row_now, col_now) = (
            rows.get(now.row as usize).copied().unwrap_or(0),
            cols.get(now.col as usize).copied().unwrap_or(0),
        );
        let bridge = previous.filter(|b| b.bridged());
        let previous = previous.filter(|b| !b.bridged());
        let (mut continued, lead, turns) = match previous {
            Some(before) if before.row == now.row && before.col == now.col => {
                let row_turn = turn(before.row_bin, now.row_bin);
                let col_turn = turn(before.col_bin, now.col_bin);
                let row_phase = BLOCK_PHASE.get(now.row as usize);
                let col_phase = BLOCK_PHASE.get(4 + now.col as usize);
                let held = match (row_phase, col_phase) {
                    (Some(rp), Some(cp)) => {
                        frequency_held(row_turn, rp) && frequency_held(col_turn, cp)
                    }
                    _ => false,
                };
                (held, true, Some((row_turn, col_turn)))
            }
            Some(_) => (false, false, None),
            None => (false, earlier.edge_passes(now.row, now.col, limits), None),
        };
        // The run goes on only while its summed powers keep within the run's twist limits
        // and its tones keep their turn from block to block; otherwise a new run starts here.
        now.run = RunPowers::first(row_now, col_now);
        let (r, c) = (log_q2(row_now), log_q2(col_now));
        now.levels = [r, r, c, c];
        if let Some(before) = previous
            .filter(|_| turns.is_some())
            .or(bridge.filter(|b| b.row == now.row && b.col == now.col))
        {
            let [rl, rh, cl, ch] = before.levels;
            now.levels = [rl.min(r), rh.max(r), cl.min(c), ch.max(c)];
        }
        let [rl, rh, cl, ch] = now.levels;
        if rh.saturating_sub(rl) > MAX_LEVEL_SPREAD_Q2
            || ch.saturating_sub(cl) > MAX_LEVEL_SPREAD_Q2
        {
            continued = false;
        }
        if let (true, Some(before), Some((row_turn, col_turn))) = (continued, previous, turns) {
            let run = before.run.add(row_now, col_now);
            let first_pair = before.run.blocks < 2;
            if run.twist_passes(limits)
                && (first_pair || steady(before.row_turn, row_turn, before.col_turn, col_turn))
            {
                now.run = run;
                (now.row_turn, now.col_turn) = if first_pair {
                    (row_turn, col_turn)
                } else {
                    (before.row_turn, before.col_turn)
                };
            } else {
                continued = false;
            }
        }
        self.previous = Some(now);
        BlockClass::Key {
            digit,
            continued,
            lead,
        }
    }

    /// Whether nothing is kept from earlier blocks: no key in the block before and no edge
    /// kept for the next block's check. So it is after [`quiet_block`](Self::quiet_block)
    /// and after any block without candidates (`block::candidates`).
    pub fn is_idle(&self) -> bool {
        self.previous.is_none() && self.earlier.e_n == 0
    }

    /// Classifies a block that holds no candidates, without its bins: one too quiet to hold
    /// a key (see `Thresholds::is_too_quiet`), or one `block::candidates` found none in.
    /// The same as [`classify`](Self::classify) on such a block.
    pub fn quiet_block(&mut self) -> BlockClass {
        self.previous = None;
        self.earlier.e_n = 0;
        BlockClass::Nothing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The glide limit's constants are cos and sin of 78°, and `steady` accepts two turns
    /// whose changes add up to less and rejects them beyond.
    #[test]
    fn glide_limit_is_78_degrees() {
        let deg = 78f64.to_radians();
        assert_eq!(MAX_GLIDE_COS_Q15, (deg.cos() * 32768.0).round() as i64);
        assert_eq!(MAX_GLIDE_SIN_Q15, (deg.sin() * 32768.0).round() as i64);
        let at = |a: f64| {
            let a = a.to_radians();
            Q15::of(Bin {
                re: (a.cos() * 20000.0) as i32,
                im: (a.sin() * 20000.0) as i32,
            })
        };
        for base in [0.0, 100.0, -170.0] {
            for (row, col, ok) in [
                (10.0, 20.0, true),
                (-40.0, 35.0, true),
                (50.0, -30.0, false),
                (-20.0, -60.0, false),
                (95.0, 0.0, false),
            ] {
                let got = steady(at(base), at(base + row), at(-base), at(-base + col));
                assert_eq!(got, ok, "{base} {row} {col}");
            }
        }
    }

    /// `exp_q2(log_q2(v))` lies within 12.5 % of v (1/8 of a bucket that spans 25 %), and
    /// codes grow with v.
    #[test]
    fn power_logs_round_trip_within_an_eighth() {
        let mut v = 1u64;
        let mut last = 0u8;
        while v < 1 << 56 {
            for w in [v, v + v / 3, v + v / 2, v + 2 * v / 3] {
                let code = log_q2(w);
                assert!(code >= last, "{w}");
                last = code;
                if w >= 8 {
                    let back = exp_q2(code) as f64;
                    assert!((back / w as f64 - 1.0).abs() <= 0.125, "{w} -> {back}");
                }
            }
            v *= 2;
        }
        assert_eq!(log_q2(0), 0);
        assert_eq!(exp_q2(0), 0);
    }
}
