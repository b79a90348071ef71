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
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

#[cfg(all(feature = "defmt", test))]
compile_error!("the `defmt` feature is for firmware builds; run the tests without it");

#[allow(unused_imports)]
mod fmt;

pub mod beep;
pub mod completion;
pub mod digit;
pub mod dtmf;
pub mod event;
pub mod g711;
pub mod holdback;
#[cfg(feature = "json")]
pub mod json;
pub mod queue;
pub mod rate;
pub mod recorder;
pub mod rfc4733;
pub mod rtp;
pub mod settings;
pub mod speech;
pub mod synth;

pub use completion::{CompletionReason, OperationStatus, ResultInfo};
pub use digit::Digit;
pub use event::{Completion, Event};
pub use queue::{MediaOp, MediaQueue, OpId, QueueEvent};
pub use rate::SampleRate;
pub use recorder::{PromptAudio, Recorder};
pub use settings::{RecordOptions, Settings, SettingsError};
