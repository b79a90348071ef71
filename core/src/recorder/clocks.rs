//! The recorder's clocks as data: each timeout is a [`Clock`], [`Recorder::deadline`] is the
//! one place that says where it fires, and both the stepping loop (how far a step may go)
//! and the firing (what is due now) read it.
//!
//! Assumes positions never come near `u64::MAX` (2^64 samples are millions of years).

use super::{Phase, Recorder, UNCONFIRMED_GAP_MS, UNCONFIRMED_MAX_MS};
use crate::completion::CompletionReason;
use crate::event::Notice;
use crate::holdback::Store;

/// A timeout of the operation. Which ones run depends on the phase; when several are due at
/// once, the one listed first here fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Clock {
    /// `media_timeout_ms` of lost media in a row (in every phase).
    MediaTimeout,
    /// The prompt finished.
    PromptEnd,
    /// The beep finished.
    BeepEnd,
    /// No speech within `initialSilenceTimeoutInSeconds` of listening.
    InitialSilence,
    /// A provisional capture whose segment ended unconfirmed waited
    /// [`UNCONFIRMED_GAP_MS`] for more speech in vain.
    UnconfirmedGap,
    /// The recording reached `maxRecordDurationInSeconds`.
    MaxDuration,
    /// The caller paused for `maxSilenceTimeoutInSeconds`.
    MaxSilence,
}

impl<const N: usize, S: Store> Recorder<N, S> {
    /// The clocks that can run in the current phase, in the order they are checked.
    fn running(&self) -> &'static [Clock] {
        match self.phase {
            Phase::Idle | Phase::Done => &[],
            Phase::Prompt => &[Clock::MediaTimeout, Clock::PromptEnd],
            Phase::Beep => &[Clock::MediaTimeout, Clock::BeepEnd],
            Phase::Listening => &[Clock::MediaTimeout, Clock::InitialSilence],
            // A pause ends a provisional capture by `UnconfirmedGap`, a confirmed one by
            // `MaxSilence`; a provisional capture that never confirms ends on initial silence.
            Phase::Capturing if self.provisional => &[
                Clock::MediaTimeout,
                Clock::UnconfirmedGap,
                Clock::InitialSilence,
                Clock::MaxDuration,
            ],
            Phase::Capturing => &[Clock::MediaTimeout, Clock::MaxDuration, Clock::MaxSilence],
        }
    }

    /// Where `clock` fires, if it runs now.
    pub(super) fn deadline(&self, clock: Clock) -> Option<u64> {
        let (rate, o) = (self.rate, &self.options);
        match (clock, self.phase) {
            (_, Phase::Idle | Phase::Done) => None,
            (Clock::MediaTimeout, _) => self
                .lost_since
                .map(|t| t + rate.samples_in_ms(o.media_timeout_ms)),
            (Clock::PromptEnd, Phase::Prompt) | (Clock::BeepEnd, Phase::Beep) => {
                Some(self.phase_end)
            }
            (Clock::InitialSilence, Phase::Listening) => {
                Some(self.listen_start + rate.samples_in_s(o.initial_silence_timeout_s))
            }
            // A sound that went on without ever confirming as speech (a machine, a steady
            // hum) is no answer: the operation ends on initial silence once its timeout has
            // passed and the capture has had `UNCONFIRMED_MAX_MS` to confirm.
            (Clock::InitialSilence, Phase::Capturing) if self.provisional => Some(
                (self.listen_start + rate.samples_in_s(o.initial_silence_timeout_s))
                    .max(self.recording_start + rate.samples_in_ms(UNCONFIRMED_MAX_MS)),
            ),
            (Clock::UnconfirmedGap, Phase::Capturing) if self.provisional => self
                .pause_start
                .map(|p| p + rate.samples_in_ms(UNCONFIRMED_GAP_MS)),
            (Clock::MaxDuration, Phase::Capturing) => {
                Some(self.recording_start + rate.samples_in_s(o.max_record_duration_s))
            }
            (Clock::MaxSilence, Phase::Capturing) if !self.provisional => self
                .pause_start
                .map(|p| p + rate.samples_in_s(o.max_silence_timeout_s)),
            _ => None,
        }
    }

    /// The earliest position at which a clock fires (`u64::MAX` if none runs). A clock
    /// already past fires at the next sample boundary, which is now.
    pub(super) fn next_deadline(&self) -> u64 {
        self.running()
            .iter()
            .filter_map(|&c| self.deadline(c))
            .min()
            .map_or(u64::MAX, |t| t.max(self.pos))
    }

    /// Fires the first clock that is due at the current position, if any.
    pub(super) fn fire_clocks(&mut self) {
        let due = self
            .running()
            .iter()
            .copied()
            .find(|&c| self.deadline(c).is_some_and(|t| self.pos >= t));
        if let Some(clock) = due {
            self.fire(clock);
        }
    }

    fn fire(&mut self, clock: Clock) {
        let pos = self.pos;
        match clock {
            Clock::MediaTimeout => self.complete_with(CompletionReason::MediaReceiveTimeout, pos),
            Clock::PromptEnd => {
                self.push_event(Notice::PromptFinished(pos));
                self.after_prompt();
            }
            Clock::BeepEnd => {
                self.push_event(Notice::BeepFinished(pos));
                self.listen();
            }
            Clock::InitialSilence => {
                if self.phase == Phase::Capturing {
                    self.discard_capture();
                }
                self.complete_with(CompletionReason::InitialSilenceTimeout, pos)
            }
            Clock::UnconfirmedGap => self.discard_capture(),
            Clock::MaxDuration => {
                self.complete_with(CompletionReason::MaxRecordDurationReached, pos)
            }
            Clock::MaxSilence => {
                let pause = self.pause_start.unwrap_or(pos);
                let end = if self.options.trim_trailing_silence {
                    (pause + self.rate.samples_in_ms(self.options.trailing_guard_ms)).min(pos)
                } else {
                    pos
                };
                self.complete_with(CompletionReason::MaxSilenceTimeout, end);
            }
        }
    }
}
