//! What the recorder tells its host, drained one at a time with `poll`.
//!
//! Positions are samples since the operation started (the first caller sample pushed after
//! `start` is position 0).

use crate::{CompletionReason, Digit, OperationStatus, ResultInfo};

/// One thing that happened. Audio comes out as [`Event::Captured`] slices, in order; append
/// them to the recording, and empty the recording on [`Event::CaptureDiscarded`].
/// [`Event::Completed`] is always the last event of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Event<'a> {
    /// The prompt finished playing.
    PromptFinished {
        /// Position where it ended.
        at: u64,
    },
    /// The beep should start playing now (see [`crate::beep::Beep`]).
    BeepStarted {
        /// Position where it starts.
        at: u64,
    },
    /// The beep finished.
    BeepFinished {
        /// Position where it ended.
        at: u64,
    },
    /// The recorder is listening for the caller; the initial-silence clock starts here.
    Listening {
        /// Position where listening began.
        at: u64,
    },
    /// The caller started speaking; the recording starts at `recording_start` (a short
    /// pre-roll before the onset, never before listening began).
    SpeechStarted {
        /// First sample of the speech.
        onset: u64,
        /// First sample of the recording.
        recording_start: u64,
    },
    /// The sound that started the recording was not speech after all: it stood above the
    /// line's noise but kept its level and spectrum (a steady tone, a burst of noise, a
    /// click), it ended before it was confirmed as speech, and no more sound started within
    /// [`UNCONFIRMED_GAP_MS`](crate::UNCONFIRMED_GAP_MS) of its end. (Sound that does start
    /// by then continues the same recording, with no new [`Event::SpeechStarted`]; once
    /// confirmed, it keeps the recording from the first onset.) Throw away every
    /// [`Event::Captured`] slice of this operation so far. The recorder listens again, the
    /// initial-silence clock still counting from [`Event::Listening`]; a later
    /// [`Event::SpeechStarted`] starts the recording afresh. A sound that goes on unconfirmed
    /// past the initial-silence timeout is dropped the same way, just before the operation
    /// completes with `initialSilenceTimeout` (see
    /// [`UNCONFIRMED_MAX_MS`](crate::UNCONFIRMED_MAX_MS)).
    CaptureDiscarded {
        /// Position where the recorder went back to listening: the unconfirmed sound's end
        /// plus `UNCONFIRMED_GAP_MS`, or where the initial-silence timeout ended a sound
        /// that went on unconfirmed.
        at: u64,
    },
    /// The caller paused; the max-silence clock starts at `end`.
    SpeechEnded {
        /// One past the last sample of the speech, as the speech detector places it: the
        /// end of the last 10 ms frame heard as speech plus 150 ms for the soft decay of the
        /// last syllable (see `speech::SpeechEvent::End`).
        end: u64,
    },
    /// A DTMF key was detected (in band) or received (RFC 4733).
    ToneDetected {
        /// The key.
        digit: Digit,
        /// First sample of the tone.
        onset: u64,
    },
    /// Caller audio to append to the recording.
    Captured(&'a [i16]),
    /// The operation ended.
    Completed(Completion),
}

/// How an operation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Completion {
    /// Graph's `completionReason`.
    pub reason: CompletionReason,
    /// Graph's final `status`.
    pub status: OperationStatus,
    /// Graph's `resultInfo`.
    pub result_info: ResultInfo,
    /// Position where the operation ended.
    pub at: u64,
    /// Length of the recording in samples. The [`Event::Captured`] audio can be longer when
    /// trailing silence was trimmed after it was handed out: keep only this many samples.
    pub recorded_samples: u64,
}

impl Completion {
    /// Whether the operation produced a recording the bot should fetch (status `completed`
    /// and at least one sample).
    pub fn has_recording(&self) -> bool {
        self.status == OperationStatus::Completed && self.recorded_samples > 0
    }
}

/// An [`Event`] other than audio and the completion, as the recorder queues it until it is
/// polled: 16 bytes instead of an `Event`'s 32 (the speech onset is kept as its distance
/// from the recording's start, which is at most the pre-roll).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Notice {
    PromptFinished(u64),
    BeepStarted(u64),
    BeepFinished(u64),
    Listening(u64),
    SpeechStarted { recording_start: u64, lead: u32 },
    SpeechEnded(u64),
    CaptureDiscarded(u64),
    ToneDetected { digit: Digit, onset: u64 },
}

impl Notice {
    /// The event it stands for.
    pub(crate) fn event(self) -> Event<'static> {
        match self {
            Notice::PromptFinished(at) => Event::PromptFinished { at },
            Notice::BeepStarted(at) => Event::BeepStarted { at },
            Notice::BeepFinished(at) => Event::BeepFinished { at },
            Notice::Listening(at) => Event::Listening { at },
            Notice::SpeechStarted {
                recording_start,
                lead,
            } => Event::SpeechStarted {
                onset: recording_start + lead as u64,
                recording_start,
            },
            Notice::SpeechEnded(end) => Event::SpeechEnded { end },
            Notice::CaptureDiscarded(at) => Event::CaptureDiscarded { at },
            Notice::ToneDetected { digit, onset } => Event::ToneDetected { digit, onset },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_is_half_an_event() {
        assert_eq!(core::mem::size_of::<Notice>(), 16);
        let n = Notice::SpeechStarted {
            recording_start: 1000,
            lead: 400,
        };
        assert_eq!(
            n.event(),
            Event::SpeechStarted {
                onset: 1400,
                recording_start: 1000
            }
        );
    }
}
