//! The result code every fallible C function returns, and its messages.
//!
//! Codes are stable numbers: a code, once published, keeps its number and meaning, and a
//! retired code is never reused. New codes are added at the end.

use core::ffi::c_char;

use recresp_core::json::JsonErrorKind;
use recresp_core::{RequestError, SettingsError};

/// What a C function did: `RECRESP_RESULT_OK` (0) or why it refused. Pass the number to
/// `recresp_result_message` for a sentence.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum recresp_result {
    /// Success.
    Ok = 0,
    /// A pointer argument that must not be NULL was NULL.
    NullPointer = 1,
    /// A pointer argument is not aligned for its type.
    MisalignedPointer = 2,
    /// The output buffer is too small; nothing was written.
    BufferTooSmall = 3,
    /// A string argument is not valid UTF-8.
    InvalidUtf8 = 4,
    /// A numeric argument is not one of the values the function accepts (a sample rate, a
    /// G.711 law, a prompt kind, an RFC 4733 event code).
    InvalidArgument = 5,
    /// The request body is not well-formed JSON, or a value has the wrong type.
    InvalidJson = 6,
    /// The request body has a property that recordResponse does not have.
    UnknownProperty = 7,
    /// A timeout (or other setting) is outside its allowed range.
    OutOfRange = 8,
    /// The request has more than one prompt.
    TooManyPrompts = 9,
    /// A required value is missing (a prompt without `mediaInfo` or `uri`, or no prompt).
    MissingValue = 10,
    /// A stop tone is not one keypad character, or there are too many.
    InvalidStopTone = 11,
    /// A string is longer than its limit.
    TooLong = 12,
    /// The storage given to an `_init_in` function is too small.
    StorageTooSmall = 13,
    /// The storage given to an `_init_in` function is not aligned enough.
    StorageMisaligned = 14,
    /// No operation is running: the channel was never started, or the operation completed.
    NotRunning = 15,
    /// The beep is not playing.
    NotPlayingBeep = 16,
    /// The operation has not completed yet (its completion event was not polled).
    NotCompleted = 17,
    /// recresp failed internally (a bug); the handle should not be used again (a channel
    /// refuses every later call with `RECRESP_RESULT_CHANNEL_BUSY`).
    InternalError = 18,
    /// This build of recresp has no heap (`no_std` firmware builds): use the `_init_in`
    /// functions.
    Unsupported = 19,
    /// An RTP packet is malformed: a header that does not fit, version other than 2, bad
    /// padding, an empty audio payload, or a bad comfort-noise or telephone-event payload.
    InvalidPacket = 20,
    /// An RTP packet's payload type is not PCMU, PCMA, G.722, comfort noise or the
    /// telephone-event type of the channel.
    UnsupportedPayloadType = 21,
    /// An RTP packet's payload is larger than the channel keeps (480 bytes: 60 ms of G.711
    /// or G.722).
    RtpPayloadTooLong = 22,
    /// The channel is in use by a call in progress: this call came from its event callback
    /// (or from another thread at the same time) and did nothing.
    ChannelBusy = 23,
    /// This operation's media already comes by the other path (RTP packets with
    /// `recresp_channel_advance`, or pushed samples with `recresp_channel_push_lost`):
    /// both carry time, which would be counted twice.
    MixedInput = 24,
    /// The RTP payload type's audio does not match the channel's rate: PCMU and PCMA need an
    /// 8 kHz channel, G.722 a 16 kHz one.
    RateMismatch = 25,
}

/// Every code, in numeric order.
pub(crate) const ALL_RESULTS: [recresp_result; 26] = [
    recresp_result::Ok,
    recresp_result::NullPointer,
    recresp_result::MisalignedPointer,
    recresp_result::BufferTooSmall,
    recresp_result::InvalidUtf8,
    recresp_result::InvalidArgument,
    recresp_result::InvalidJson,
    recresp_result::UnknownProperty,
    recresp_result::OutOfRange,
    recresp_result::TooManyPrompts,
    recresp_result::MissingValue,
    recresp_result::InvalidStopTone,
    recresp_result::TooLong,
    recresp_result::StorageTooSmall,
    recresp_result::StorageMisaligned,
    recresp_result::NotRunning,
    recresp_result::NotPlayingBeep,
    recresp_result::NotCompleted,
    recresp_result::InternalError,
    recresp_result::Unsupported,
    recresp_result::InvalidPacket,
    recresp_result::UnsupportedPayloadType,
    recresp_result::RtpPayloadTooLong,
    recresp_result::ChannelBusy,
    recresp_result::MixedInput,
    recresp_result::RateMismatch,
];

impl recresp_result {
    /// The code with this number, if there is one.
    pub fn from_u32(code: u32) -> Option<recresp_result> {
        ALL_RESULTS.get(code as usize).copied()
    }

    /// The message, NUL-terminated (for C).
    pub const fn message_nul(self) -> &'static str {
        match self {
            recresp_result::Ok => "success\0",
            recresp_result::NullPointer => "a required pointer argument is NULL\0",
            recresp_result::MisalignedPointer => "a pointer argument is not aligned for its type\0",
            recresp_result::BufferTooSmall => "the output buffer is too small\0",
            recresp_result::InvalidUtf8 => "a string argument is not valid UTF-8\0",
            recresp_result::InvalidArgument => "an argument is not one of the accepted values\0",
            recresp_result::InvalidJson => {
                "the request body is not valid JSON or a value has the wrong type\0"
            }
            recresp_result::UnknownProperty => {
                "the request body has a property recordResponse does not have\0"
            }
            recresp_result::OutOfRange => "a setting is outside its allowed range\0",
            recresp_result::TooManyPrompts => "the request has more than one prompt\0",
            recresp_result::MissingValue => "a required value is missing\0",
            recresp_result::InvalidStopTone => {
                "a stop tone is not one keypad character (0-9, *, #, A-D), or there are too many\0"
            }
            recresp_result::TooLong => "a string is longer than its limit\0",
            recresp_result::StorageTooSmall => "the storage is smaller than the handle needs\0",
            recresp_result::StorageMisaligned => {
                "the storage is not aligned enough for the handle\0"
            }
            recresp_result::NotRunning => "no operation is running\0",
            recresp_result::NotPlayingBeep => "the beep is not playing\0",
            recresp_result::NotCompleted => "the operation has not completed\0",
            recresp_result::InternalError => "internal error in recresp\0",
            recresp_result::Unsupported => "this build has no heap: use the _init_in functions\0",
            recresp_result::InvalidPacket => "the RTP packet is malformed\0",
            recresp_result::UnsupportedPayloadType => {
                "the RTP payload type is not PCMU, PCMA, G.722, CN or the telephone-event type\0"
            }
            recresp_result::RtpPayloadTooLong => {
                "the RTP payload is larger than the channel keeps (480 bytes)\0"
            }
            recresp_result::ChannelBusy => {
                "the channel is in use by a call in progress (a call from its event callback)\0"
            }
            recresp_result::MixedInput => {
                "this operation's media comes by the other path (RTP, or pushed samples)\0"
            }
            recresp_result::RateMismatch => {
                "the RTP payload type does not match the channel's rate (G.711 8 kHz, G.722 16 kHz)\0"
            }
        }
    }

    /// The message, without the NUL.
    pub fn message(self) -> &'static str {
        let m = self.message_nul();
        m.strip_suffix('\0').unwrap_or(m)
    }
}

impl From<SettingsError> for recresp_result {
    fn from(e: SettingsError) -> Self {
        match e {
            SettingsError::OutOfRange { .. } => recresp_result::OutOfRange,
            SettingsError::TooManyPrompts { .. } => recresp_result::TooManyPrompts,
            SettingsError::Missing { .. } => recresp_result::MissingValue,
            SettingsError::InvalidStopTone { .. } | SettingsError::TooManyStopTones { .. } => {
                recresp_result::InvalidStopTone
            }
            SettingsError::TooLong { .. } => recresp_result::TooLong,
        }
    }
}

impl From<&RequestError> for recresp_result {
    fn from(e: &RequestError) -> Self {
        match e {
            RequestError::Json(e) if e.kind == JsonErrorKind::NotUtf8 => {
                recresp_result::InvalidUtf8
            }
            RequestError::Json(_) | RequestError::TooDeep | RequestError::WrongType { .. } => {
                recresp_result::InvalidJson
            }
            RequestError::TooLarge { .. } => recresp_result::TooLong,
            RequestError::UnknownProperty { .. } => recresp_result::UnknownProperty,
            RequestError::Invalid(e) => (*e).into(),
        }
    }
}

/// A sentence saying what `result` means, as a static NUL-terminated string (never NULL;
/// an unknown number gives "unknown result code").
#[no_mangle]
pub extern "C" fn recresp_result_message(result: u32) -> *const c_char {
    match recresp_result::from_u32(result) {
        Some(r) => r.message_nul().as_ptr().cast(),
        None => c"unknown result code".as_ptr(),
    }
}
