//! The caller's media into a channel, by either of two paths, one per operation:
//!
//! - pushed by the host: 16-bit PCM, G.711 bytes, and time in which nothing arrived
//!   (`recresp_channel_push_pcm`, `_push_g711`, `_push_lost`), for hosts that decode
//!   their media themselves;
//! - RTP packets as they arrive (`recresp_channel_push_rtp`), with the host's clock
//!   (`recresp_channel_advance`) so that time runs on when packets stop, and
//!   `recresp_channel_flush` when the stream ends.
//!
//! The first push of an operation picks its path; a push by the other one is refused
//! (`RECRESP_RESULT_MIXED_INPUT`), since both carry time and it would be counted twice.
//! Keys received out of band (`recresp_channel_handle_digit`) take no time and go with
//! either. Every event a push causes goes to the channel's callback before it returns.

use recresp_core::media::feed;
use recresp_core::{Digit, Fate, Law, MediaInput, Recorder, RtpError, Store};

use crate::channel::{enter, get, recresp_channel, with_body, Body, Source};
use crate::guard::{guard, slice_in, write_out};
use crate::result::recresp_result;

/// How G.711 bytes are coded, for `recresp_channel_push_g711`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum recresp_law {
    /// μ-law (PCMU).
    Ulaw = 0,
    /// A-law (PCMA).
    Alaw = 1,
}

/// What became of an RTP packet (`recresp_channel_push_rtp`).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum recresp_rtp_fate {
    /// Buffered, and played if its turn had come.
    Accepted = 0,
    /// A copy of a packet still buffered; dropped.
    Duplicate = 1,
    /// Its turn had passed (played, or given up as lost); dropped.
    Late = 2,
    /// From the SSRC the stream just left; dropped.
    OldSource = 3,
    /// An RTCP packet sharing the port (RFC 5761); passed over.
    Rtcp = 4,
    /// Refused: the result code says why, and nothing changed.
    Refused = 5,
}

impl From<Fate> for recresp_rtp_fate {
    fn from(f: Fate) -> Self {
        match f {
            Fate::Accepted => recresp_rtp_fate::Accepted,
            Fate::Duplicate => recresp_rtp_fate::Duplicate,
            Fate::Late => recresp_rtp_fate::Late,
            Fate::OldSource => recresp_rtp_fate::OldSource,
            Fate::Rtcp => recresp_rtp_fate::Rtcp,
        }
    }
}

impl From<RtpError> for recresp_result {
    fn from(e: RtpError) -> Self {
        match e {
            RtpError::PayloadType { .. } => recresp_result::UnsupportedPayloadType,
            RtpError::PayloadTooLong { .. } => recresp_result::RtpPayloadTooLong,
            RtpError::Rate => recresp_result::RateMismatch,
            RtpError::TooShort { .. }
            | RtpError::Version { .. }
            | RtpError::CsrcOverrun { .. }
            | RtpError::ExtensionOverrun { .. }
            | RtpError::Padding { .. }
            | RtpError::EmptyPayload
            | RtpError::ComfortNoise
            | RtpError::TelephoneEvent => recresp_result::InvalidPacket,
        }
    }
}

/// Counters of a channel's RTP receiver, for `recresp_channel_rtp_stats`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct recresp_rtp_stats {
    /// Packets played (audio, comfort noise and events).
    pub played: u64,
    /// Packets missing by sequence number.
    pub lost_packets: u64,
    /// Samples pushed as lost media (missing packets, and time without packets).
    pub lost_samples: u64,
    /// Samples of silence for a sender's suppressed pauses and muted key spans.
    pub silence_samples: u64,
    /// Samples of comfort noise generated.
    pub noise_samples: u64,
    /// Duplicates dropped.
    pub duplicates: u64,
    /// Late packets dropped.
    pub late: u64,
    /// Timestamp jumps and sequence restarts.
    pub discontinuities: u64,
    /// SSRC changes.
    pub source_changes: u64,
    /// RTCP packets passed over.
    pub rtcp: u64,
}

impl<const N: usize, S: Store> Body<Recorder<N, S>> {
    /// Checks that an operation runs and that its media may come by `path` (which the
    /// first input taken then fixes).
    fn check(&self, path: Source) -> Result<(), recresp_result> {
        if !self.recorder.is_running() {
            Err(recresp_result::NotRunning)
        } else if self.source == Source::Unset || self.source == path {
            Ok(())
        } else {
            Err(recresp_result::MixedInput)
        }
    }

    /// Pushes media by the host's path.
    fn push(&mut self, input: MediaInput<'_>) -> Result<(), recresp_result> {
        self.check(Source::Pushed)?;
        self.source = Source::Pushed;
        let out = &mut self.out;
        feed(&mut self.recorder, input, &mut |e| out.emit(&e));
        Ok(())
    }

    /// Takes a packet; a refused one changes nothing, not even the path.
    fn packet(&mut self, bytes: &[u8]) -> Result<Fate, recresp_result> {
        self.check(Source::Rtp)?;
        let out = &mut self.out;
        let fate = self
            .receiver
            .packet(&mut self.recorder, bytes, |e| out.emit(&e))?;
        self.source = Source::Rtp;
        Ok(fate)
    }

    fn advance(&mut self, ticks: u64) -> Result<(), recresp_result> {
        self.check(Source::Rtp)?;
        self.source = Source::Rtp;
        let out = &mut self.out;
        self.receiver
            .advance(&mut self.recorder, ticks, |e| out.emit(&e));
        Ok(())
    }

    fn flush(&mut self) -> Result<(), recresp_result> {
        self.check(Source::Rtp)?;
        self.source = Source::Rtp;
        let out = &mut self.out;
        self.receiver.flush(&mut self.recorder, |e| out.emit(&e));
        Ok(())
    }

    fn digit(&mut self, digit: Digit, onset: u64) -> Result<(), recresp_result> {
        if !self.recorder.is_running() {
            return Err(recresp_result::NotRunning);
        }
        let ago = self.recorder.position().saturating_sub(onset);
        let out = &mut self.out;
        feed(
            &mut self.recorder,
            MediaInput::Digit { digit, ago },
            &mut |e| out.emit(&e),
        );
        Ok(())
    }
}

/// Pushes `input` into the channel.
///
/// # Safety
/// `channel` NULL or a live handle.
unsafe fn push(
    channel: *mut recresp_channel,
    input: Result<MediaInput<'_>, recresp_result>,
) -> Result<(), recresp_result> {
    let input = input?;
    // SAFETY: forwarded contract.
    unsafe { enter(channel, |a| with_body!(a, b => b.push(input))) }
}

/// Pushes `count` 16-bit PCM samples of caller audio at the channel's rate.
/// `RECRESP_RESULT_NOT_RUNNING` when no operation is running. If the operation ends part
/// way, the rest is ignored: the completion's `at` says where it ended.
///
/// # Safety
/// `channel` must be NULL or a live handle; `samples` NULL or `count` readable samples.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_push_pcm(
    channel: *mut recresp_channel,
    samples: *const i16,
    count: usize,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let input = unsafe { slice_in(samples, count) }.map(MediaInput::Pcm);
        // SAFETY: forwarded contract.
        unsafe { push(channel, input) }
    })
}

/// Pushes `count` G.711 bytes (one per sample) coded by `law` (a `recresp_law`;
/// `RECRESP_RESULT_INVALID_ARGUMENT` otherwise); as `recresp_channel_push_pcm` otherwise.
///
/// # Safety
/// `channel` must be NULL or a live handle; `bytes` NULL or `count` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_push_g711(
    channel: *mut recresp_channel,
    bytes: *const u8,
    count: usize,
    law: u32,
) -> recresp_result {
    guard(|| {
        let law = match law {
            0 => Ok(Law::Ulaw),
            1 => Ok(Law::Alaw),
            _ => Err(recresp_result::InvalidArgument),
        };
        // SAFETY: forwarded contract.
        let input = unsafe { slice_in(bytes, count) }.and_then(|b| Ok(MediaInput::G711(b, law?)));
        // SAFETY: forwarded contract.
        unsafe { push(channel, input) }
    })
}

/// Reports `samples` of time in which no media arrived (lost packets): it counts on every
/// clock and is recorded as silence; the media timeout of it in a row ends the operation
/// `mediaReceiveTimeout`. As `recresp_channel_push_pcm` otherwise. Not for channels fed
/// by RTP: there the host's clock is `recresp_channel_advance`.
///
/// # Safety
/// `channel` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_push_lost(
    channel: *mut recresp_channel,
    samples: u64,
) -> recresp_result {
    // SAFETY: forwarded contract.
    guard(|| unsafe { push(channel, Ok(MediaInput::Lost(samples))) })
}

/// A DTMF key received out of band (RFC 4733 by the host, SIP INFO): `event_code` 0–15
/// (0–9, 10 `*`, 11 `#`, 12–15 A–D; `RECRESP_RESULT_INVALID_ARGUMENT` otherwise), whose
/// tone began at `onset` (samples since start; clamped to the current position). It acts
/// exactly like an in-band detection, and goes with either media path.
///
/// # Safety
/// `channel` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_handle_digit(
    channel: *mut recresp_channel,
    event_code: u32,
    onset: u64,
) -> recresp_result {
    guard(|| {
        let digit =
            Digit::from_index(event_code as usize).ok_or(recresp_result::InvalidArgument)?;
        // SAFETY: forwarded contract.
        unsafe { enter(channel, |a| with_body!(a, b => b.digit(digit, onset))) }
    })
}

/// Takes one received RTP packet (the UDP payload, `len` bytes): reordering (8 packets),
/// loss, duplicates, silence suppression, comfort noise, RFC 4733 keys and RTCP on the
/// same port are handled. PCMU (0) and PCMA (8) need an 8 kHz channel and G.722 (9) a
/// 16 kHz one (`RECRESP_RESULT_RATE_MISMATCH` otherwise). Always stores the packet's
/// `recresp_rtp_fate` in `*fate` (required): `RECRESP_RTP_FATE_REFUSED` with any code
/// but OK. A malformed packet is `RECRESP_RESULT_INVALID_PACKET`, another
/// payload type `RECRESP_RESULT_UNSUPPORTED_PAYLOAD_TYPE`, a payload over 480 bytes (60
/// ms of G.711 or G.722) `RECRESP_RESULT_RTP_PAYLOAD_TOO_LONG`; then nothing changes.
///
/// # Safety
/// `channel` must be NULL or a live handle; `packet` NULL or `len` readable bytes; `fate`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_push_rtp(
    channel: *mut recresp_channel,
    packet: *const u8,
    len: usize,
    fate: *mut u32,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        unsafe { write_out(fate, recresp_rtp_fate::Refused as u32) }?;
        // SAFETY: forwarded contract.
        let bytes = unsafe { slice_in(packet, len) }?;
        // SAFETY: forwarded contract.
        let f = unsafe { enter(channel, |a| with_body!(a, b => b.packet(bytes))) }?;
        // SAFETY: checked above.
        unsafe { write_out(fate, recresp_rtp_fate::from(f) as u32) }
    })
}

/// The host's clock moved `ticks` ahead (8000 ticks a second, the RTP clock of G.711 and
/// G.722, whatever the channel's rate), packets or not: call it on a timer (every 20 ms,
/// say) for a channel fed by RTP. Once the media played falls more than 200 ms behind
/// this clock, the buffered packets are played and the rest of the shortfall is lost
/// media, so the operation's timeouts fire on hold or when the network dies. It counts
/// toward the media path of `recresp_channel_push_rtp`.
///
/// # Safety
/// `channel` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_advance(
    channel: *mut recresp_channel,
    ticks: u64,
) -> recresp_result {
    // SAFETY: forwarded contract.
    guard(|| unsafe { enter(channel, |a| with_body!(a, b => b.advance(ticks))) })
}

/// The stream ended (or the host stops waiting for missing packets): plays every packet
/// still buffered, in order. `RECRESP_RESULT_NOT_RUNNING` (and the packets stay buffered)
/// if no operation is running.
///
/// # Safety
/// `channel` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_flush(channel: *mut recresp_channel) -> recresp_result {
    // SAFETY: forwarded contract.
    guard(|| unsafe { enter(channel, |a| with_body!(a, b => b.flush())) })
}

/// Stores the RTP receiver's counters (since the channel was made) in `*stats`.
///
/// # Safety
/// `channel` must be NULL or a live handle; `stats` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_rtp_stats(
    channel: *mut recresp_channel,
    stats: *mut recresp_rtp_stats,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe {
        get(channel, stats, |a| {
            let s = with_body!(a, b => b.receiver.stats());
            Ok(recresp_rtp_stats {
                played: s.played,
                lost_packets: s.lost_packets,
                lost_samples: s.lost_samples,
                silence_samples: s.silence_samples,
                noise_samples: s.noise_samples,
                duplicates: s.duplicates,
                late: s.late,
                discontinuities: s.discontinuities,
                source_changes: s.source_changes,
                rtcp: s.rtcp,
            })
        })
    }
}
