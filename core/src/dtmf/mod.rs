//! DTMF detection: finds the sixteen keys (0–9, `*`, `#`, A–D) in caller audio at 8 or
//! 16 kHz and reports each one's start, as soon as it is confirmed, and its end.
//!
//! Design: the audio is cut into fixed 8 ms blocks counted from `new`/`reset`, so the result
//! never depends on how the caller chunks its `push` calls. On each block a bank of eight
//! fixed-point Goertzel resonators (`goertzel`) measures the DTMF frequencies. The layers
//! above take the bins one way, none importing from the one above it:
//! - `block`: what one block holds on its own (level, twist, the share of the block's energy
//!   in the two tones, each tone's frequency within the block); no state;
//! - `run`: whether the block goes on the run before it (each tone's frequency from the phase
//!   turn between blocks, the run's summed twist, steady turns and levels: a voice's harmonics
//!   glide, a generator's tones do not), and the counting that confirms a key after four
//!   consecutive whole blocks and one more block of it beside them (a tone of 36 ms or more)
//!   and ends it after four blocks without it;
//! - the detector here: cuts the blocks, runs the resonators, and decides which blocks need
//!   measuring. From idle, fewer blocks than a confirmation needs cannot cause an event, so a
//!   group of four is measured only if its last block may hold a tone: voice and noise mostly
//!   cost one block in four. A caller that holds the audio itself (the recorder) asks
//!   `DtmfDetector::wanted` which samples to hand over and gives them to
//!   `DtmfDetector::take`.
//!
//! Coefficients are `static` tables (`coeffs`), shared by every channel; the per-channel
//! state is [`DtmfDetector`] itself (at most 256 bytes).
//!
//! Assumes: 16-bit linear PCM (decode G.711 first); levels in dBm0 with a full-scale sine at
//! +3.17 dBm0. Arithmetic is integer only, with explicit wrapping where a bound is proven and
//! saturation elsewhere, so any input is safe and gives the same events on every target.

mod block;
mod coeffs;
mod config;
mod event;
mod goertzel;
mod run;

#[cfg(test)]
mod run_margins;

pub use config::DtmfConfig;
pub use event::DtmfEvent;

/// Blocks judged as a group from an idle detector: all are measured only if the last may
/// hold a key. From idle, the blocks before it are fewer than a key's confirmation needs,
/// so none of them can cause an event (`run` tests this).
const GROUP_BLOCKS: usize = run::CONFIRM_BLOCKS as usize;

use crate::SampleRate;
use coeffs::RateCoeffs;
use config::Thresholds;
use goertzel::GoertzelBank;
use run::{BlockClass, Continuity, DigitTracker};

/// Per-channel DTMF detector.
///
/// Feed it audio with [`push`](DtmfDetector::push); it calls back with a
/// [`DtmfEvent::Start`] at most [`MAX_ONSET_DELAY_MS`](DtmfDetector::MAX_ONSET_DELAY_MS)
/// after the reported onset, and a [`DtmfEvent::End`] 32 ms after the tone stops.
/// [`finish`](DtmfDetector::finish) ends a digit still sounding at the end of the input.
#[derive(Clone, Debug)]
pub struct DtmfDetector {
    rate: SampleRate,
    config: DtmfConfig,
    coeffs: &'static RateCoeffs,
    limits: Thresholds,
    bank: GoertzelBank,
    /// First sample of the current block.
    block_start: u64,
    /// Samples of the current block received so far.
    block_fill: u16,
    /// The last block of the group from `block_start` may hold a tone (see
    /// [`take`](Self::take)): the group is wanted whole.
    group_due: bool,
    continuity: Continuity,
    tracker: DigitTracker,
}

impl DtmfDetector {
    /// Upper bound on (report position − onset) of a `Start` event, in milliseconds: a key is
    /// confirmed at the end of the fifth 8 ms block that holds it (four whole blocks and one
    /// beside them), and the onset is the first of those blocks' start.
    pub const MAX_ONSET_DELAY_MS: u32 = (run::CONFIRM_BLOCKS as u32 + 1) * coeffs::BLOCK_MS;

    /// (report position − end) of an `End` event, in milliseconds, when the digit ends in
    /// anything but another key: a digit ends after four 8 ms blocks without it. (When
    /// another key is confirmed first, the `End` comes just before that key's `Start`.)
    pub const END_REPORT_DELAY_MS: u32 = run::END_GAP_BLOCKS as u32 * coeffs::BLOCK_MS;

    /// A detector for audio at `rate`, with the default [`DtmfConfig`].
    pub fn new(rate: SampleRate) -> Self {
        Self::with_config(rate, DtmfConfig::default())
    }

    /// A detector for audio at `rate` with `config`.
    pub fn with_config(rate: SampleRate, config: DtmfConfig) -> Self {
        let coeffs = coeffs::for_rate(rate);
        DtmfDetector {
            rate,
            config,
            coeffs,
            limits: Thresholds::new(&config, coeffs),
            bank: GoertzelBank::default(),
            block_start: 0,
            block_fill: 0,
            group_due: false,
            continuity: Continuity::default(),
            tracker: DigitTracker::default(),
        }
    }

    /// The sample rate this detector was made for.
    pub fn rate(&self) -> SampleRate {
        self.rate
    }

    /// The settings this detector was made with.
    pub fn config(&self) -> DtmfConfig {
        self.config
    }

    /// Samples consumed since `new`/`reset`.
    pub fn position(&self) -> u64 {
        self.block_start.saturating_add(self.block_fill as u64)
    }

    /// The samples to hand over next, as `(from, to)`, to report every event due by position
    /// `pos`; `None` when none is wanted now. Give them to [`take`](Self::take), in order
    /// and in as many pieces as convenient; samples beyond `to` wait for a later call.
    ///
    /// Mostly these are the samples from [`position`](Self::position) to the end of the
    /// last whole block by `pos`: a block in progress waits, so each block arrives in one
    /// piece and a quiet one skips the resonators at once (see [`push`](Self::push)). When
    /// the detector is idle ([`is_idle`](Self::is_idle)), whole blocks also wait until a group
    /// of [`GROUP_BLOCKS`] ends by `pos`, and only the group's last block is wanted first: if
    /// it cannot hold a key or an edge, the group is passed over unmeasured; otherwise the
    /// group is wanted next, whole. The blocks that wait cannot cause an event (fewer than a
    /// key needs, from idle), and the blocks after a group passed over neither, so every event
    /// comes when its block is handed over, with the same position as if fed all at once.
    #[inline]
    pub(crate) fn wanted(&self, pos: u64) -> Option<(u64, u64)> {
        let len = self.coeffs.block_len as u64;
        let group_end = self.block_start + GROUP_BLOCKS as u64 * len;
        if self.group_due {
            return Some((self.block_start, group_end));
        }
        if self.is_idle() {
            return (group_end <= pos).then_some((group_end - len, group_end));
        }
        let since = pos.saturating_sub(self.block_start);
        // A 32-bit division when it fits (one UDIV on a Cortex-M3, not a library call).
        let blocks = match u32::try_from(since) {
            Ok(since) => (since / len as u32) as u64,
            Err(_) => since / len,
        };
        let to = self.block_start + blocks * len;
        let from = self.position();
        (to > from).then_some((from, to))
    }

    /// Takes `samples`, the first at position `at`, within a span [`wanted`](Self::wanted)
    /// gave, calling `on_event` for each event in order. From the detector's position they are
    /// pushed; ahead of it they are the last block of an idle group (see
    /// [`look_ahead`](Self::look_ahead)).
    pub(crate) fn take(&mut self, at: u64, samples: &[i16], on_event: &mut impl FnMut(DtmfEvent)) {
        if at == self.position() {
            self.push(samples, on_event);
        } else {
            self.look_ahead(at, samples, on_event);
        }
    }

    /// Given samples from `at`, ahead of the detector's position: passes over the group from
    /// the position if they are its last block whole and that block cannot hold a key or an
    /// edge; otherwise makes the group wanted. Not inlined, so its bins do not add to the
    /// stack of [`push`](Self::push).
    #[inline(never)]
    fn look_ahead(&mut self, at: u64, samples: &[i16], on_event: &mut impl FnMut(DtmfEvent)) {
        if self.group_due {
            return;
        }
        let len = self.coeffs.block_len as u64;
        let last = self.block_start + (GROUP_BLOCKS as u64 - 1) * len;
        if !(at == last && self.skip_group(samples, on_event)) {
            // The block may hold a tone (or came in pieces): the group is measured.
            self.group_due = true;
        }
    }

    /// Given the samples of a group's last block, passes over the whole group if that block
    /// cannot hold a key or an edge, and returns whether it did; otherwise changes nothing
    /// (the group is then pushed as usual).
    #[inline(always)]
    fn skip_group(&mut self, probe: &[i16], on_event: &mut impl FnMut(DtmfEvent)) -> bool {
        if probe.len() != self.coeffs.block_len || !self.is_idle() || self.may_hold_tones(probe) {
            return false;
        }
        // Every block of the group is `Nothing` to the tracker, and `continuity` stays idle.
        for _ in 0..GROUP_BLOCKS {
            let class = self.continuity.quiet_block();
            self.next_block(class, on_event);
        }
        true
    }

    /// Whether no key is sounding or building up and no block is in progress: then the next
    /// [`GROUP_BLOCKS`] − 1 blocks cannot cause an event, and if the block after them holds no
    /// pair of tones strong enough for an edge, neither do they (see [`push`](Self::push)).
    fn is_idle(&self) -> bool {
        self.block_fill == 0 && self.continuity.is_idle() && self.tracker.is_idle()
    }

    /// Forgets all state; positions restart at 0.
    pub fn reset(&mut self) {
        *self = DtmfDetector::with_config(self.rate, self.config);
    }

    /// Feeds samples, calling `on_event` for each event in order.
    ///
    /// A block that ends within `samples` is measured first: if its energy is too low for
    /// any key to pass the level check (`Thresholds::is_too_quiet`), its remaining samples
    /// skip the resonators, which cannot change the block's class.
    ///
    /// When the detector is idle and `samples` hold a group of four whole blocks
    /// from the current position, its last block is measured first: if even its strongest
    /// pair of tones fails the edge checks, it is `Nothing` whatever came before it, the
    /// blocks before it cannot cause an event (fewer than a key needs), and all leave the
    /// detector idle, so they are never measured. Voice and noise are mostly such blocks,
    /// so this saves most of the resonators' work on them.
    ///
    /// Blocks are cut at the same positions whatever the chunking, and neither shortcut
    /// changes a block's class as seen by the events, so the events do not depend on it.
    pub fn push(&mut self, samples: &[i16], on_event: &mut impl FnMut(DtmfEvent)) {
        self.group_due = false;
        let block_len = self.coeffs.block_len;
        let mut rest = samples;
        while !rest.is_empty() {
            if let Some((group, later)) = rest.split_at_checked(GROUP_BLOCKS * block_len) {
                let probe = group.get(group.len() - block_len..).unwrap_or(&[]);
                if self.skip_group(probe, on_event) {
                    rest = later;
                    continue;
                }
            }
            let fill = self.block_fill as usize;
            let needed = block_len.saturating_sub(fill);
            if rest.len() < needed {
                // The block goes on in a later push.
                self.feed(fill, rest, true);
                self.block_fill = (fill + rest.len()) as u16;
                return;
            }
            let (now, later) = rest.split_at(needed);
            rest = later;
            self.complete_block(fill, now, on_event);
        }
    }

    /// Ends the current block with `now`, the samples from `fill` to its end: measured,
    /// classified, tracked.
    fn complete_block(&mut self, fill: usize, now: &[i16], on_event: &mut impl FnMut(DtmfEvent)) {
        let energy = self.bank.energy().wrapping_add(goertzel::energy(now));
        if self.limits.is_too_quiet(energy, self.coeffs.block_len) {
            self.bank.clear();
            let class = self.continuity.quiet_block();
            self.next_block(class, on_event);
        } else {
            self.feed(fill, now, false);
            self.bank
                .add_energy(energy.wrapping_sub(self.bank.energy()));
            self.end_block(on_event);
        }
    }

    /// Whether a whole block may hold a key or an edge whatever came before it: it is not
    /// too quiet and its strongest pair of tones passes the edge checks. Leaves the bank
    /// ready for a block.
    fn may_hold_tones(&mut self, block: &[i16]) -> bool {
        let block_len = self.coeffs.block_len;
        let energy = goertzel::energy(block);
        if self.limits.is_too_quiet(energy, block_len) {
            return false;
        }
        self.feed(0, block, false);
        self.bank.add_energy(energy);
        let bins = self.bank.finish(self.coeffs);
        block::candidates(&bins, block_len, &self.limits).is_some()
    }

    /// Runs the resonators (and, with `with_energy`, the energy) over `samples`, which
    /// continue the current block from sample `fill` and do not go past its end; records
    /// the middle state on reaching half the block.
    fn feed(&mut self, fill: usize, samples: &[i16], with_energy: bool) {
        let half = self.coeffs.block_len / 2;
        let (first, second) = if fill < half {
            samples.split_at(half.saturating_sub(fill).min(samples.len()))
        } else {
            (&[][..], samples)
        };
        // The block's first samples start the resonators from rest (`fresh`).
        for (part, fresh, ends_at_half) in [
            (first, fill == 0, fill < half && fill + first.len() == half),
            (second, fill == 0 && first.is_empty(), false),
        ] {
            if with_energy {
                self.bank.accumulate(self.coeffs, part, fresh);
            } else {
                self.bank.run_resonators(self.coeffs, part, fresh);
            }
            if ends_at_half {
                self.bank.mark_middle();
            }
        }
    }

    /// Ends a digit that is still sounding (call at the end of the input). The partial
    /// block in progress is ignored.
    pub fn finish(&mut self, on_event: &mut impl FnMut(DtmfEvent)) {
        self.tracker.finish(on_event);
    }

    /// Classifies the block that just ended from its bins and moves on to the next.
    fn end_block(&mut self, on_event: &mut impl FnMut(DtmfEvent)) {
        let bins = self.bank.finish(self.coeffs);
        let class = self
            .continuity
            .classify(&bins, self.coeffs.block_len, &self.limits);
        self.next_block(class, on_event);
    }

    /// Hands the class of the block that just ended to the tracker; the next block starts.
    fn next_block(&mut self, class: BlockClass, on_event: &mut impl FnMut(DtmfEvent)) {
        let start = self.block_start;
        let end = start.saturating_add(self.coeffs.block_len as u64);
        self.tracker.block(start, end, class, on_event);
        self.block_start = end;
        self.block_fill = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Digit;

    #[test]
    fn state_fits_256_bytes() {
        let size = core::mem::size_of::<DtmfDetector>();
        println!("DtmfDetector: {size} bytes");
        assert!(size <= 256, "{size}");
    }

    /// `#` (941 + 1477 Hz) for 2 whole blocks with both tones at −10 dBm0, one block where a
    /// third tone takes the share down to an edge, then 6 whole blocks with the 1477 Hz tone
    /// at `later_hi_dbm0`; returns the digits found.
    fn pound_after_an_edge(later_hi_dbm0: f64) -> std::vec::Vec<Digit> {
        let amp = |dbm0: f64| 22747.7 * 10f64.powf(dbm0 / 20.0);
        let tau = 2.0 * core::f64::consts::PI;
        let x: std::vec::Vec<i16> = (0..64 * 10)
            .map(|i| {
                let block = i / 64;
                let t = i as f64 / 8000.0;
                let hi = if block < 3 { -10.0 } else { later_hi_dbm0 };
                let third = if block == 2 { amp(-10.0) } else { 0.0 };
                let v = amp(-10.0) * (tau * 941.0 * t).sin()
                    + amp(hi) * (tau * 1477.0 * t).sin()
                    + third * (tau * 600.0 * t).sin();
                if block == 9 {
                    0
                } else {
                    v.round() as i16
                }
            })
            .collect();
        let mut d = DtmfDetector::new(SampleRate::Hz8000);
        let mut digits = std::vec::Vec::new();
        d.push(&x, &mut |e| {
            if let DtmfEvent::Start { digit, .. } = e {
                digits.push(digit);
            }
        });
        digits
    }

    /// A tone pair whose level holds is a key after an edge block; one whose column tone
    /// dropped by 8 dB across that edge block is not (the level spread counts the whole
    /// blocks before the edge).
    #[test]
    fn a_level_swing_across_one_edge_block_is_not_a_key() {
        assert_eq!(pound_after_an_edge(-10.0), [Digit::Pound]);
        assert_eq!(pound_after_an_edge(-12.0), [Digit::Pound]);
        assert!(pound_after_an_edge(-18.0).is_empty());
    }

    /// Handing over what `wanted` asks for at every 10 ms, whole or in pieces, gives the events
    /// of one push of everything: keys from a group's first sample and from inside groups,
    /// beside voice and noise. `wanted` never asks for samples beyond the position given.
    #[test]
    fn wanted_samples_give_the_events_of_one_push() {
        use crate::synth::{add_dtmf, add_noise, add_voice, Lcg};
        for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
            let at = |ms: u32| rate.samples_in_ms(ms) as usize;
            let mut x = std::vec![0i16; at(2000)];
            add_voice(&mut x[at(900)..at(1500)], 8000, rate, 3);
            for (from, to, digit) in [
                (0, 60, Digit::D5),
                (203, 250, Digit::Pound),
                (700, 745, Digit::D1),
                (1100, 1300, Digit::A),
            ] {
                add_dtmf(&mut x[at(from)..at(to)], digit, 6000, rate);
            }
            add_noise(&mut x, 200, &mut Lcg::new(9));
            let mut expected = std::vec::Vec::new();
            let mut whole = DtmfDetector::new(rate);
            whole.push(&x, &mut |e| expected.push(e));
            whole.finish(&mut |e| expected.push(e));
            let mut d = DtmfDetector::new(rate);
            let mut got = std::vec::Vec::new();
            for pos in (at(10)..=x.len()).step_by(at(10)) {
                let mut asked = 0;
                while let Some((from, to)) = d.wanted(pos as u64) {
                    assert!(from < to && to <= pos as u64, "{from}..{to} by {pos}");
                    asked += 1;
                    assert!(asked <= 3, "asked again and again at {pos}");
                    // Whole at every other step, in pieces of 37 samples otherwise.
                    let piece_len = if pos % at(20) == 0 { 37 } else { x.len() };
                    let mut start = from;
                    for piece in x[from as usize..to as usize].chunks(piece_len) {
                        d.take(start, piece, &mut |e| got.push(e));
                        start += piece.len() as u64;
                    }
                }
            }
            let rest = x.get(d.position() as usize..).unwrap_or(&[]);
            d.push(rest, &mut |e| got.push(e));
            d.finish(&mut |e| got.push(e));
            assert_eq!(expected.len(), 8, "{expected:?}");
            assert_eq!(got, expected);
        }
    }
}
