//! recresp-core: Microsoft Graph's `call: recordResponse`, as a library that runs inside the
//! phone or gateway.
//!
//! The core is sans-IO: it never reads a clock, a file or a socket. The host pushes the
//! caller's audio in (16-bit PCM or G.711 bytes, in frames of any length) and drains events
//! out: the captured audio to append to the recording, speech and tone notices, and exactly
//! one completion per operation with Graph's `completionReason`, `status` and `resultInfo`.
//! Time is the number of caller samples consumed, so the same input gives the same events,
//! bit for bit, on any target and for any frame size.
//!
//! Data flows one way: frames in → detectors ([`dtmf`], [`speech`]) → state machine
//! ([`Recorder`], scheduled by [`MediaQueue`]) → [`Event`]s out.
//!
//! Everything is fixed-point, nothing allocates, and every buffer has a capacity fixed at
//! compile time.
//!
//! # What a host uses
//!
//! Everything a host needs is re-exported here, so one `use recresp_core::{...}` line
//! serves:
//! - The recorder: [`Recorder`] (and [`NarrowbandRecorder`], [`UlawRecorder`]), how its
//!   hold-back ring stores audio ([`Linear`], [`Ulaw`], the [`Store`] trait), its size
//!   ([`required_capacity`], [`DEFAULT_CAPACITY`]), [`PromptAudio`], [`DetectorConfig`],
//!   [`CommandError`], [`CapacityError`], [`TICK_MS`], [`PRE_ROLL_MS`], [`UNCONFIRMED_GAP_MS`],
//!   [`UNCONFIRMED_MAX_MS`].
//! - The request: [`Settings`] (with [`MediaPrompt`] and [`DigitSet`]), validated into
//!   [`RecordOptions`] or a [`SettingsError`] naming a [`Parameter`]; the limits
//!   of each parameter in [`limits`].
//! - What comes out: [`Event`], [`Completion`], [`CompletionReason`], [`OperationStatus`],
//!   [`ResultInfo`], [`call_terminated`].
//! - Several operations on one channel: [`MediaQueue`], [`MediaOp`], [`OpId`],
//!   [`QueueEvent`], [`QueueFull`], [`PlayPromptCompletionReason`].
//! - Audio: [`SampleRate`], [`Digit`], G.711 ([`Law`], [`linear_to_ulaw`],
//!   [`ulaw_to_linear`], [`linear_to_alaw`], [`alaw_to_linear`]) and the record [`Beep`].
//! - RTP in: [`RtpReceiver`], [`RtpConfig`], [`RtpStats`], [`Fate`], [`RtpPacket`],
//!   [`RtpError`].
//! - The detectors on their own: [`DtmfDetector`] ([`DtmfConfig`], [`DtmfEvent`]) and
//!   [`SpeechDetector`] ([`SpeechConfig`], [`SpeechEvent`]).
#![cfg_attr(
    feature = "json",
    doc = "- Graph's JSON (feature `json`): [`parse_request`], [`parse_request_into`], \
           [`Request`], [`RequestError`], [`write_running_operation`], \
           [`write_notification`], [`derive_operation_id`], [`OperationRef`], [`Recording`], \
           [`WriteError`]; the document sizes and the strict JSON check are in [`json`]."
)]
#![cfg_attr(
    not(feature = "json"),
    doc = "- Graph's JSON: with the feature `json` (off in this build)."
)]
//!
//! Besides `json`, four modules stay public as namespaces for what belongs to one
//! subsystem beyond those types: [`rtp`] (payload types, writing packets, RFC 4733
//! telephone events), [`codec`] (audio codecs: G.722), [`dtmf`] and [`speech`] (each
//! detector's design). Every other module is private: its items are internal unless
//! re-exported here.
//!
//! Two features are for the project's own tests and measurements, never for a host's
//! build: `synth` makes the module `synth` public (the deterministic test signals — keys, a
//! speech-like voice, noise — that demos, tests and benchmarks feed in), and
//! `eval-internals` exposes internals with no stability promise (the speech detector's
//! stages, for the evaluation under `benches/`; the hold-back ring `HoldBack`, for the
//! firmware example's footprint breakdown).
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

#[cfg(all(feature = "defmt", test))]
compile_error!("the `defmt` feature is for firmware builds; run the tests without it");

#[allow(unused_imports)]
mod fmt;

mod beep;
pub mod codec;
mod completion;
mod digit;
pub mod dtmf;
mod event;
mod holdback;
#[cfg(feature = "json")]
pub mod json;
pub mod limits;
pub mod media;
mod playout;
mod queue;
mod rate;
mod recorder;
pub mod rtp;
mod settings;
pub mod speech;
#[cfg(feature = "synth")]
pub mod synth;
#[cfg(all(test, not(feature = "synth")))]
mod synth;

pub use beep::Beep;
pub use codec::{alaw_to_linear, linear_to_alaw, linear_to_ulaw, ulaw_to_linear, Law};
pub use completion::{
    call_terminated, CompletionReason, OperationStatus, PlayPromptCompletionReason, ResultInfo,
};
pub use digit::{Digit, DigitSet};
pub use dtmf::{DtmfConfig, DtmfDetector, DtmfEvent};
pub use event::{Completion, Event};
pub use holdback::{Linear, Store, Ulaw};
#[cfg(feature = "json")]
pub use json::{
    derive_operation_id, parse_request, parse_request_into, write_notification,
    write_running_operation, OperationRef, Recording, Request, RequestError, WriteError,
};
pub use media::{MediaInput, MediaSink};
pub use playout::{Carried, Frame, FrameTooLong, OutCodec, Playout};
pub use queue::{MediaOp, MediaQueue, OpId, QueueEvent, QueueFull};
pub use rate::SampleRate;
pub use recorder::{
    required_capacity, CapacityError, ClockDeadlines, CommandError, DetectorConfig,
    NarrowbandRecorder, PromptAudio, Recorder, UlawRecorder, DEFAULT_CAPACITY, PRE_ROLL_MS,
    TICK_MS, UNCONFIRMED_GAP_MS, UNCONFIRMED_MAX_MS,
};
pub use rtp::{Fate, RtpConfig, RtpError, RtpPacket, RtpReceiver, RtpStats};
pub use settings::{MediaPrompt, Parameter, RecordOptions, Settings, SettingsError};
pub use speech::{SpeechConfig, SpeechDetector, SpeechEvent};

/// The hold-back ring, for the firmware example's footprint breakdown (the ring's share of a
/// recorder's bytes). Feature `eval-internals`: not for hosts, no stability promise.
#[cfg(feature = "eval-internals")]
pub use holdback::HoldBack;

/// What stays internal: each of these paths fails to compile outside the crate (the
/// counterpart of `tests/public_api.rs`, which uses every root re-export). Stable rustdoc
/// checks only that each fails; the error code (E0603, a private item) is checked on nightly.
/// What the features `synth` and `eval-internals` make public is not listed: a workspace
/// build turns them on for every member (the harness and the benches use them), so their
/// absence cannot be checked here; `cargo build -p recresp-core --no-default-features`
/// builds without them.
///
/// ```compile_fail,E0603
/// use recresp_core::recorder::Recorder;
/// ```
/// ```compile_fail,E0603
/// use recresp_core::settings::Settings;
/// ```
/// ```compile_fail,E0603
/// use recresp_core::g711::Law;
/// ```
/// ```compile_fail,E0603
/// use recresp_core::dtmf::goertzel::GoertzelBank;
/// ```
/// ```compile_fail,E0603
/// use recresp_core::speech::noise_floor::NoiseFloor;
/// ```
/// ```compile_fail,E0603
/// use recresp_core::rtp::reorder::ReorderWindow;
/// ```
/// ```compile_fail,E0603
/// use recresp_core::synth::sin_q15;
/// ```
#[cfg(doctest)]
pub struct InternalsArePrivate;
