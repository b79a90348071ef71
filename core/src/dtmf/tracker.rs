//! Turns the stream of block classes into digit events: a key is confirmed after
//! [`CONFIRM_BLOCKS`] consecutive blocks of it (32 ms), and ends after [`END_GAP_BLOCKS`]
//! consecutive blocks without it (32 ms).
//!
//! Why these numbers, with 8 ms blocks and a block accepted only when the tone fills at least
//! 65 % of it: a tone of 40 ms always covers four whole blocks, so it is confirmed; a tone
//! of 23 ms covers at most two whole blocks and two partial ones, which together would need
//! 16 + 2 · 5.2 = 26.4 ms, so it never is. A 10 ms drop-out touches at most three blocks, so
//! it does not end a digit; a 40 ms pause always holds four silent blocks, so it does.

use super::classify::BlockClass;
use super::DtmfEvent;
use crate::Digit;

/// Consecutive blocks of one key needed to confirm it.
pub(crate) const CONFIRM_BLOCKS: u8 = 4;

/// Consecutive blocks without the key that end a confirmed digit.
pub(crate) const END_GAP_BLOCKS: u8 = 4;

/// Run and digit state.
#[derive(Clone, Debug, Default)]
pub(crate) struct DigitTracker {
    /// Key of the current run of consecutive blocks, if any.
    run_digit: Option<Digit>,
    /// Blocks in the run (saturates).
    run_len: u8,
    /// First sample of the run's first block.
    run_start: u64,
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
        let seen = match class {
            BlockClass::Nothing => {
                self.run_digit = None;
                self.run_len = 0;
                None
            }
            BlockClass::Key { digit, continued } => {
                if continued && self.run_digit == Some(digit) {
                    self.run_len = self.run_len.saturating_add(1);
                } else {
                    self.run_digit = Some(digit);
                    self.run_len = 1;
                    self.run_start = start;
                }
                Some(digit)
            }
        };
        if let Some(active) = self.active {
            if seen == Some(active) {
                self.active_end = end;
                self.gap = 0;
            } else {
                self.gap = self.gap.saturating_add(1);
                let other_confirmed = seen.is_some() && self.run_len >= CONFIRM_BLOCKS;
                if other_confirmed || self.gap >= END_GAP_BLOCKS {
                    on_event(DtmfEvent::End {
                        digit: active,
                        end: self.active_end,
                    });
                    self.active = None;
                }
            }
        }
        if self.active.is_none() && self.run_len >= CONFIRM_BLOCKS {
            if let Some(digit) = self.run_digit {
                on_event(DtmfEvent::Start {
                    digit,
                    onset: self.run_start,
                });
                self.active = Some(digit);
                self.active_end = end;
                self.gap = 0;
            }
        }
    }

    /// Ends the sounding digit, if any, at the end of its last block.
    pub fn finish(&mut self, on_event: &mut impl FnMut(DtmfEvent)) {
        if let Some(digit) = self.active.take() {
            on_event(DtmfEvent::End {
                digit,
                end: self.active_end,
            });
        }
        self.run_digit = None;
        self.run_len = 0;
        self.gap = 0;
    }
}
