//! Confirmation: turns the stream of block classes into digit events. A key is confirmed
//! by a run of [`CONFIRM_BLOCKS`] consecutive whole blocks of it (32 ms) plus one more block
//! of it right before or after the run, whole or an edge (a block the tone fills in part); it
//! ends after [`END_GAP_BLOCKS`] consecutive blocks without a whole block of it (32 ms).
//!
//! Why these numbers, with 8 ms blocks, a whole block accepted only when the tone fills
//! nearly all of it and an edge block when it fills about half of it or more: a tone of 40 ms
//! always covers four whole blocks and fills one of the two blocks beside them by half or
//! more, so it is confirmed, at most 40 + 8 · 0.5 = 44 ms after it began; a tone of 23 ms
//! covers at most two whole blocks, so it never is. A run of exactly four whole blocks with
//! nothing of the key beside it (32 to 35 ms of a steady tone pair) is not confirmed: ITU-T
//! Q.24 asks acceptance only from 40 ms, and such short runs are what voiced speech and music
//! produce when two of their harmonics fall on a key's pair. A 10 ms drop-out touches at most
//! three blocks, so it does not end a digit; a 40 ms pause always holds four, so it does.

use super::{BlockClass, CONFIRM_BLOCKS, END_GAP_BLOCKS};
use crate::dtmf::event::DtmfEvent;
use crate::Digit;

/// Run and digit state.
#[derive(Clone, Debug, Default)]
pub(crate) struct DigitTracker {
    /// Key of the current run of consecutive whole blocks, if any.
    run_digit: Option<Digit>,
    /// Whole blocks in the run (saturates).
    run_len: u8,
    /// First sample of the run's first block.
    run_start: u64,
    /// The block just before the run held the run's key (whole or edge): the run has its
    /// extra block in front, which starts one block before `run_start`.
    run_lead: bool,
    /// The run has been confirmed (its digit is or was active).
    run_confirmed: bool,
    /// The confirmed digit, if one is sounding.
    active: Option<Digit>,
    /// One past the last sample of the active digit's last block.
    active_end: u64,
    /// Blocks since the active digit was last seen.
    gap: u8,
}

impl DigitTracker {
    /// Takes one block, spanning samples `start..end`, and emits the events it causes.
    pub fn block(
        &mut self,
        start: u64,
        end: u64,
        class: BlockClass,
        on_event: &mut impl FnMut(DtmfEvent),
    ) {
        // The digit this block confirms, if any, and its onset.
        let mut confirm = None;
        let seen = match class {
            BlockClass::Nothing => {
                self.end_run();
                None
            }
            BlockClass::Edge { digit } => {
                // An edge after a run of whole blocks is that run's extra block.
                if self.run_digit == Some(digit)
                    && self.run_len >= CONFIRM_BLOCKS
                    && !self.run_confirmed
                {
                    confirm = Some((digit, self.run_start));
                }
                self.end_run();
                None
            }
            BlockClass::Key {
                digit,
                continued,
                lead,
            } => {
                if continued && self.run_digit == Some(digit) {
                    self.run_len = self.run_len.saturating_add(1);
                } else {
                    self.end_run();
                    self.run_digit = Some(digit);
                    self.run_len = 1;
                    self.run_start = start;
                    self.run_lead = lead;
                }
                if !self.run_confirmed && self.run_len >= CONFIRM_BLOCKS {
                    if self.run_lead {
                        let lead = self.run_start.saturating_sub(end.saturating_sub(start));
                        confirm = Some((digit, lead));
                    } else if self.run_len > CONFIRM_BLOCKS {
                        confirm = Some((digit, self.run_start));
                    }
                }
                Some(digit)
            }
        };
        if let Some(active) = self.active {
            if confirm.is_some_and(|(digit, _)| digit == active) {
                // A new run of the sounding key (after a drop-out) continues it.
                confirm = None;
                self.run_confirmed = true;
            }
            if seen == Some(active) {
                self.active_end = end;
                self.gap = 0;
            } else {
                self.gap = self.gap.saturating_add(1);
                // Another key confirmed, or the gap is long enough.
                if confirm.is_some() || self.gap >= END_GAP_BLOCKS {
                    on_event(DtmfEvent::End {
                        digit: active,
                        end: self.active_end,
                    });
                    self.active = None;
                }
            }
        }
        if self.active.is_none() {
            if let Some((digit, onset)) = confirm {
                on_event(DtmfEvent::Start { digit, onset });
                self.run_confirmed = true;
                self.active = Some(digit);
                self.active_end = end;
                self.gap = 0;
            }
        }
    }

    /// Whether no digit is sounding and no run of whole blocks is under way: then one block
    /// followed by [`BlockClass::Nothing`] causes no event and leaves the tracker as two
    /// `Nothing` blocks would (idle; the run's start is set afresh by the next run).
    pub fn is_idle(&self) -> bool {
        self.active.is_none() && self.run_digit.is_none()
    }

    /// Forgets the current run of whole blocks.
    fn end_run(&mut self) {
        self.run_digit = None;
        self.run_len = 0;
        self.run_lead = false;
        self.run_confirmed = false;
    }

    /// Ends the sounding digit, if any, at the end of its last block.
    pub fn finish(&mut self, on_event: &mut impl FnMut(DtmfEvent)) {
        if let Some(digit) = self.active.take() {
            on_event(DtmfEvent::End {
                digit,
                end: self.active_end,
            });
        }
        self.end_run();
        self.gap = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: u64 = 64;

    fn key(continued: bool, lead: bool) -> BlockClass {
        BlockClass::Key {
            digit: Digit::D5,
            continued,
            lead,
        }
    }

    /// Runs `classes` from block 0; returns the events.
    fn run(classes: &[BlockClass]) -> std::vec::Vec<DtmfEvent> {
        let mut t = DigitTracker::default();
        let mut out = std::vec::Vec::new();
        for (i, &c) in classes.iter().enumerate() {
            let start = i as u64 * B;
            t.block(start, start + B, c, &mut |e| out.push(e));
        }
        t.finish(&mut |e| out.push(e));
        out
    }

    fn starts(ev: &[DtmfEvent]) -> std::vec::Vec<u64> {
        ev.iter()
            .filter_map(|e| match e {
                DtmfEvent::Start { onset, .. } => Some(*onset),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn four_whole_blocks_alone_are_not_a_key() {
        let n = BlockClass::Nothing;
        let ev = run(&[
            n,
            key(false, false),
            key(true, true),
            key(true, true),
            key(true, true),
            n,
            n,
        ]);
        assert!(ev.is_empty(), "{ev:?}");
    }

    #[test]
    fn a_fifth_whole_block_or_an_edge_after_confirms() {
        let n = BlockClass::Nothing;
        let edge = BlockClass::Edge { digit: Digit::D5 };
        let whole = [
            key(false, false),
            key(true, true),
            key(true, true),
            key(true, true),
        ];
        let mut five = vec![n];
        five.extend(whole);
        five.extend([key(true, true), n]);
        assert_eq!(starts(&run(&five)), vec![B]);
        let mut trail = vec![n];
        trail.extend(whole);
        trail.extend([edge, n]);
        assert_eq!(starts(&run(&trail)), vec![B]);
        // An edge of another key does not count.
        let mut other = vec![n];
        other.extend(whole);
        other.extend([BlockClass::Edge { digit: Digit::D6 }, n]);
        assert!(starts(&run(&other)).is_empty());
    }

    #[test]
    fn an_edge_before_confirms_at_the_fourth_block_with_its_onset() {
        let n = BlockClass::Nothing;
        let ev = run(&[
            n,
            n,
            key(false, true),
            key(true, true),
            key(true, true),
            key(true, true),
            n,
        ]);
        // Onset at the edge block (block 1), reported at the end of block 5.
        assert_eq!(starts(&ev), vec![B]);
        assert!(matches!(ev.last(), Some(DtmfEvent::End { end, .. }) if *end == 6 * B));
    }

    #[test]
    fn a_drop_out_does_not_split_a_key() {
        let n = BlockClass::Nothing;
        let edge = BlockClass::Edge { digit: Digit::D5 };
        let mut c = vec![n, key(false, false)];
        c.extend([key(true, true); 4]);
        // The key comes back after an edge and a silent block, for four whole blocks and an
        // edge: one run that is not new.
        c.extend([edge, n, key(false, false)]);
        c.extend([key(true, true); 3]);
        c.extend([edge, n, n, n, n]);
        let ev = run(&c);
        assert_eq!(starts(&ev).len(), 1, "{ev:?}");
        assert_eq!(ev.len(), 2, "{ev:?}");
    }

    /// From idle, any CONFIRM_BLOCKS − 1 blocks followed by `Nothing` cause no event and
    /// leave the tracker idle: what lets the detector pass over such a group unmeasured.
    #[test]
    fn fewer_blocks_than_a_key_needs_cause_nothing_from_idle() {
        let mut classes = vec![BlockClass::Nothing];
        for digit in [Digit::D1, Digit::D5] {
            classes.push(BlockClass::Edge { digit });
            for (continued, lead) in [(false, false), (false, true), (true, false), (true, true)] {
                classes.push(BlockClass::Key {
                    digit,
                    continued,
                    lead,
                });
            }
        }
        let n = CONFIRM_BLOCKS as u32 - 1;
        for code in 0..classes.len().pow(n) {
            let mut t = DigitTracker::default();
            let mut events = 0;
            let mut k = code;
            for i in 0..=n as u64 {
                let class = if i < n as u64 {
                    let c = classes[k % classes.len()];
                    k /= classes.len();
                    c
                } else {
                    BlockClass::Nothing
                };
                t.block(i * B, (i + 1) * B, class, &mut |_| events += 1);
            }
            assert_eq!(events, 0, "sequence {code}");
            assert!(t.is_idle(), "sequence {code}");
        }
    }
}
