//! RTP in: the caller's media as a SIP phone or gateway receives it, packet by packet.
//!
//! [`RtpReceiver::packet`] takes each UDP payload as it arrives and drives a
//! [`Recorder`](crate::Recorder): [`header`] parses RFC 3550 packets (CSRCs, extension,
//! padding), [`reorder`] puts them back in sequence order within a window whose capacity is
//! a const generic, [`comfort_noise`] turns RFC 3389 packets into line noise, and
//! [`receiver`] plays the result on a timeline of RTP timestamps: audio as G.711, gaps as
//! lost media, RFC 4733 telephone events as keys (through
//! [`Rfc4733Tracker`](crate::rfc4733::Rfc4733Tracker)).
//!
//! Assumes narrowband G.711 (PCMU/PCMA) at 8 kHz, one stream per receiver (the host
//! demultiplexes by port or SSRC), and a recorder at 8 kHz. Every malformed or unsupported
//! packet is an [`RtpError`] and leaves the receiver as it was; nothing allocates or panics,
//! and the same packets give the same recorder input on every target.

pub mod comfort_noise;
pub mod header;
pub mod receiver;
pub mod reorder;

pub use header::{RtpError, RtpPacket};
pub use receiver::{Fate, RtpConfig, RtpReceiver, RtpStats};
