//! What a channel's callback receives: one plain struct per event, with a kind and the
//! fields that kind uses, and the completion with Graph's reason, status and resultInfo.
//!
//! The names of reasons and statuses are static NUL-terminated strings in Graph's spelling.

use core::ffi::c_char;

use recresp_core::{Completion, CompletionReason, Event, OperationStatus};

/// What a `recresp_event` reports.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum recresp_event_kind {
    /// Nothing (never handed to a callback; a zeroed event).
    None = 0,
    /// The prompt finished playing (`at`).
    PromptFinished = 1,
    /// The host should start playing the beep now (`at`).
    BeepStarted = 2,
    /// The beep finished (`at`).
    BeepFinished = 3,
    /// The recorder listens for the caller; the initial-silence clock starts at `at`.
    Listening = 4,
    /// The caller started speaking at `at`; the recording starts at `recording_start`.
    SpeechStarted = 5,
    /// The caller paused; the speech ended at `at`.
    SpeechEnded = 6,
    /// A DTMF key (`digit`, `digit_char`) began at `at`, detected in band or received as
    /// RFC 4733.
    ToneDetected = 7,
    /// `sample_count` samples at `samples` to append to the recording.
    Captured = 8,
    /// The operation ended: see `completion`. Always the last event of an operation.
    Completed = 9,
    /// The sound that started the recording was not speech (a steady tone, a noise burst, a
    /// click): throw away every `Captured` sample of this operation so far. The recorder
    /// listens again from `at`; its initial-silence clock still counts from `Listening`, and
    /// a later `SpeechStarted` starts the recording afresh.
    CaptureDiscarded = 10,
}

/// Graph's `recordCompletionReason`, in Graph's documented order.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum recresp_completion_reason {
    /// `operationCanceled`
    OperationCanceled = 0,
    /// `stopToneDetected`
    StopToneDetected = 1,
    /// `maxRecordDurationReached`
    MaxRecordDurationReached = 2,
    /// `initialSilenceTimeout`
    InitialSilenceTimeout = 3,
    /// `maxSilenceTimeout`
    MaxSilenceTimeout = 4,
    /// `playPromptFailed`
    PlayPromptFailed = 5,
    /// `playBeepFailed`
    PlayBeepFailed = 6,
    /// `mediaReceiveTimeout`
    MediaReceiveTimeout = 7,
    /// `unspecifiedError`
    UnspecifiedError = 8,
}

/// Graph's `operationStatus`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum recresp_operation_status {
    /// `notStarted`
    NotStarted = 0,
    /// `running`
    Running = 1,
    /// `completed`
    Completed = 2,
    /// `failed`
    Failed = 3,
}

/// Graph's names of the completion reasons, indexed by `recresp_completion_reason`.
const REASON_NAMES: [&str; 9] = [
    "operationCanceled\0",
    "stopToneDetected\0",
    "maxRecordDurationReached\0",
    "initialSilenceTimeout\0",
    "maxSilenceTimeout\0",
    "playPromptFailed\0",
    "playBeepFailed\0",
    "mediaReceiveTimeout\0",
    "unspecifiedError\0",
];

/// Graph's names of the statuses, indexed by `recresp_operation_status`.
const STATUS_NAMES: [&str; 4] = ["notStarted\0", "running\0", "completed\0", "failed\0"];

impl From<CompletionReason> for recresp_completion_reason {
    fn from(r: CompletionReason) -> Self {
        match r {
            CompletionReason::OperationCanceled => Self::OperationCanceled,
            CompletionReason::StopToneDetected => Self::StopToneDetected,
            CompletionReason::MaxRecordDurationReached => Self::MaxRecordDurationReached,
            CompletionReason::InitialSilenceTimeout => Self::InitialSilenceTimeout,
            CompletionReason::MaxSilenceTimeout => Self::MaxSilenceTimeout,
            CompletionReason::PlayPromptFailed => Self::PlayPromptFailed,
            CompletionReason::PlayBeepFailed => Self::PlayBeepFailed,
            CompletionReason::MediaReceiveTimeout => Self::MediaReceiveTimeout,
            CompletionReason::UnspecifiedError => Self::UnspecifiedError,
        }
    }
}

impl From<OperationStatus> for recresp_operation_status {
    fn from(s: OperationStatus) -> Self {
        match s {
            OperationStatus::NotStarted => Self::NotStarted,
            OperationStatus::Running => Self::Running,
            OperationStatus::Completed => Self::Completed,
            OperationStatus::Failed => Self::Failed,
        }
    }
}

/// Graph's name of a completion reason (such as `"stopToneDetected"`), a static
/// NUL-terminated string; NULL for a number that is not a `recresp_completion_reason`.
#[no_mangle]
pub extern "C" fn recresp_completion_reason_name(reason: u32) -> *const c_char {
    static_name(&REASON_NAMES, reason)
}

/// Graph's name of an operation status (such as `"completed"`), a static NUL-terminated
/// string; NULL for a number that is not a `recresp_operation_status`.
#[no_mangle]
pub extern "C" fn recresp_operation_status_name(status: u32) -> *const c_char {
    static_name(&STATUS_NAMES, status)
}

fn static_name(names: &[&'static str], i: u32) -> *const c_char {
    names
        .get(i as usize)
        .map_or(core::ptr::null(), |n| n.as_ptr().cast())
}

/// Longest completion message, in bytes, with its NUL.
pub(crate) const MESSAGE_CAPACITY: usize = 128;

/// How an operation ended.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct recresp_completion {
    /// Graph's `completionReason`.
    pub reason: recresp_completion_reason,
    /// Graph's final `status`.
    pub status: recresp_operation_status,
    /// `resultInfo.code` (200, 400 or 500).
    pub code: u16,
    /// `resultInfo.subcode`.
    pub subcode: u16,
    /// `resultInfo.message`, NUL-terminated; it lives in the channel and stays valid until
    /// the channel is started again or freed.
    pub message: *const c_char,
    /// Position where the operation ended (samples since start).
    pub at: u64,
    /// Length of the recording in samples: keep only this many of the captured samples
    /// (trailing silence may have been trimmed after it was handed out).
    pub recorded_samples: u64,
    /// Whether there is a recording for the bot to fetch (status completed and at least
    /// one sample).
    pub has_recording: bool,
}

impl recresp_completion {
    /// The C view of `c`, whose message was copied, NUL-terminated, to `message`.
    pub(crate) fn new(c: &Completion, message: *const c_char) -> Self {
        recresp_completion {
            reason: c.reason.into(),
            status: c.status.into(),
            code: c.result_info.code,
            subcode: c.result_info.subcode,
            message,
            at: c.at,
            recorded_samples: c.recorded_samples,
            has_recording: c.has_recording(),
        }
    }

    /// An all-zero completion, for events of other kinds.
    const fn empty() -> Self {
        recresp_completion {
            reason: recresp_completion_reason::OperationCanceled,
            status: recresp_operation_status::NotStarted,
            code: 0,
            subcode: 0,
            message: core::ptr::null(),
            at: 0,
            recorded_samples: 0,
            has_recording: false,
        }
    }
}

/// One event of a channel, handed to its callback. Fields a kind does not use are zero (NULL).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct recresp_event {
    /// What happened.
    pub kind: recresp_event_kind,
    /// Where it happened, in samples since the operation started (see each kind).
    pub at: u64,
    /// `SPEECH_STARTED`: first sample of the recording.
    pub recording_start: u64,
    /// `CAPTURED`: the audio, valid until the callback returns.
    pub samples: *const i16,
    /// `CAPTURED`: number of samples at `samples`.
    pub sample_count: usize,
    /// `TONE_DETECTED`: the key's RFC 4733 event code (0–9, 10 `*`, 11 `#`, 12–15 A–D).
    pub digit: u32,
    /// `TONE_DETECTED`: the keypad character.
    pub digit_char: c_char,
    /// `COMPLETED`: how the operation ended.
    pub completion: recresp_completion,
}

impl recresp_event {
    /// The `NONE` event (every field zero).
    pub const fn none() -> Self {
        recresp_event {
            kind: recresp_event_kind::None,
            at: 0,
            recording_start: 0,
            samples: core::ptr::null(),
            sample_count: 0,
            digit: 0,
            digit_char: 0,
            completion: recresp_completion::empty(),
        }
    }

    /// The C view of a core event; a completion's message pointer is `message`.
    pub(crate) fn new(e: &Event<'_>, message: *const c_char) -> Self {
        let at = |kind, at| recresp_event {
            kind,
            at,
            ..Self::none()
        };
        match *e {
            Event::PromptFinished { at: t } => at(recresp_event_kind::PromptFinished, t),
            Event::BeepStarted { at: t } => at(recresp_event_kind::BeepStarted, t),
            Event::BeepFinished { at: t } => at(recresp_event_kind::BeepFinished, t),
            Event::Listening { at: t } => at(recresp_event_kind::Listening, t),
            Event::SpeechStarted {
                onset,
                recording_start,
            } => recresp_event {
                recording_start,
                ..at(recresp_event_kind::SpeechStarted, onset)
            },
            Event::SpeechEnded { end } => at(recresp_event_kind::SpeechEnded, end),
            Event::CaptureDiscarded { at: t } => at(recresp_event_kind::CaptureDiscarded, t),
            Event::ToneDetected { digit, onset } => recresp_event {
                digit: digit.event_code() as u32,
                // Keypad characters are ASCII.
                digit_char: digit.as_char() as u8 as c_char,
                ..at(recresp_event_kind::ToneDetected, onset)
            },
            Event::Captured(samples) => recresp_event {
                samples: samples.as_ptr(),
                sample_count: samples.len(),
                ..Self::none()
            }
            .with_kind(recresp_event_kind::Captured),
            Event::Completed(c) => recresp_event {
                completion: recresp_completion::new(&c, message),
                ..at(recresp_event_kind::Completed, c.at)
            },
        }
    }

    const fn with_kind(self, kind: recresp_event_kind) -> Self {
        recresp_event { kind, ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_graphs() {
        for r in CompletionReason::ALL {
            let i = recresp_completion_reason::from(r) as usize;
            assert_eq!(REASON_NAMES[i], format!("{}\0", r.as_str()));
        }
        for s in [
            OperationStatus::NotStarted,
            OperationStatus::Running,
            OperationStatus::Completed,
            OperationStatus::Failed,
        ] {
            let i = recresp_operation_status::from(s) as usize;
            assert_eq!(STATUS_NAMES[i], format!("{}\0", s.as_str()));
        }
        assert!(recresp_completion_reason_name(9).is_null());
        assert!(recresp_operation_status_name(4).is_null());
    }
}
