//! `recresp_rtp`: the caller's RTP stream into a `recresp_recorder`, one call per received
//! packet (the core's `RtpReceiver`: RFC 3550 header, reorder window of 8 packets, G.711
//! PCMU/PCMA, RFC 3389 comfort noise, RFC 4733 telephone events, lost packets as lost media).
//!
//! A packet can produce many recorder events (the audio it completes, a stop key, a
//! completion), so `recresp_rtp_push` hands each to a callback during the call instead of
//! leaving them to `recresp_recorder_poll`. A malformed or unsupported packet returns its
//! code and changes nothing.

use core::ffi::c_void;

use recresp_core::rtp::{PT_CN, PT_PCMA, PT_PCMU};
use recresp_core::{Fate, RtpConfig, RtpError, RtpReceiver};

use crate::event::recresp_event;
use crate::guard::{check_ptr, guard, guard_or, handle_mut, slice_in, write_out};
use crate::recorder::recresp_recorder;
use crate::result::recresp_result;
use crate::storage::{free_handle, init_in_caller_storage, new_in_heap, Handle, Origin};

/// Bytes of storage a `recresp_rtp` needs for `recresp_rtp_init_in` (on every target;
/// `recresp_rtp_storage_size` gives the exact size on this one).
pub const RECRESP_RTP_STORAGE_SIZE: usize = 4608;

/// `telephone_event_pt` for a stream without RFC 4733 telephone events.
pub const RECRESP_RTP_NO_EVENTS: u32 = 0xFFFF_FFFF;

/// An RTP receiver (opaque) for one caller stream. Create with `recresp_rtp_new` or
/// `recresp_rtp_init_in`.
#[allow(non_camel_case_types)]
pub struct recresp_rtp {
    receiver: RtpReceiver,
    origin: Origin,
}

const _: () = assert!(size_of::<recresp_rtp>() <= RECRESP_RTP_STORAGE_SIZE);
const _: () = assert!(align_of::<recresp_rtp>() <= crate::storage::RECRESP_STORAGE_ALIGN);

impl Handle for recresp_rtp {
    fn origin(&self) -> Origin {
        self.origin
    }
}

impl recresp_rtp {
    fn new(telephone_event_pt: u32, origin: Origin) -> Result<Self, recresp_result> {
        let pt = match telephone_event_pt {
            RECRESP_RTP_NO_EVENTS => None,
            pt if pt > 127 || [PT_PCMU, PT_PCMA, PT_CN].contains(&(pt as u8)) => {
                return Err(recresp_result::InvalidArgument)
            }
            pt => Some(pt as u8),
        };
        Ok(recresp_rtp {
            receiver: RtpReceiver::new(RtpConfig {
                telephone_event_pt: pt,
                ..RtpConfig::DEFAULT
            }),
            origin,
        })
    }
}

/// What became of an accepted packet (`recresp_rtp_push`).
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
            RtpError::PayloadTooLong { .. } => recresp_result::TooLong,
            RtpError::Rate => recresp_result::InvalidArgument,
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

/// Receives each recorder event during `recresp_rtp_push` and `recresp_rtp_flush`, with the
/// `user` pointer given there. The event, and the samples of a `CAPTURED` event, are valid
/// only during the call.
#[allow(non_camel_case_types)]
pub type recresp_event_fn =
    Option<unsafe extern "C" fn(user: *mut c_void, event: *const recresp_event)>;

/// Creates a receiver and stores the handle in `*out`. `telephone_event_pt` is the payload
/// type negotiated for telephone-event/8000 (96–127 usually; `RECRESP_RTP_NO_EVENTS` for
/// none; 0, 8, 13 and numbers above 127 are `RECRESP_RESULT_INVALID_ARGUMENT`). Free it
/// with `recresp_rtp_free`.
///
/// # Safety
/// `out` must be NULL or point to writable memory for one pointer.
#[no_mangle]
pub unsafe extern "C" fn recresp_rtp_new(
    telephone_event_pt: u32,
    out: *mut *mut recresp_rtp,
) -> recresp_result {
    guard(|| {
        let r = recresp_rtp::new(telephone_event_pt, Origin::Heap)?;
        // SAFETY: forwarded contract.
        unsafe { new_in_heap(r, out) }
    })
}

/// Creates a receiver in the caller's storage: `len` bytes at `buf`, aligned to
/// `RECRESP_STORAGE_ALIGN`, at least `RECRESP_RTP_STORAGE_SIZE` long; as
/// `recresp_recorder_init_in` otherwise.
///
/// # Safety
/// `buf` must be NULL or point to `len` writable bytes, used for nothing else while the
/// handle is in use; `out` must be NULL or point to writable memory for one pointer.
#[no_mangle]
pub unsafe extern "C" fn recresp_rtp_init_in(
    buf: *mut c_void,
    len: usize,
    telephone_event_pt: u32,
    out: *mut *mut recresp_rtp,
) -> recresp_result {
    // SAFETY: forwarded contract.
    guard(|| unsafe {
        init_in_caller_storage(buf, len, out, || {
            recresp_rtp::new(telephone_event_pt, Origin::Caller)
        })
    })
}

/// The exact number of bytes a `recresp_rtp` takes on this target (at most
/// `RECRESP_RTP_STORAGE_SIZE`).
#[no_mangle]
pub extern "C" fn recresp_rtp_storage_size() -> usize {
    size_of::<recresp_rtp>()
}

/// Releases a receiver made by `recresp_rtp_new`. NULL, and receivers made in caller
/// storage, are left alone.
///
/// # Safety
/// `rtp` must be NULL or a live handle, not used again after this call.
#[no_mangle]
pub unsafe extern "C" fn recresp_rtp_free(rtp: *mut recresp_rtp) {
    // SAFETY: forwarded contract.
    guard_or((), || unsafe { free_handle(rtp) })
}

/// Takes one received RTP packet (the UDP payload, `len` bytes) for `recorder`, whose
/// operation must be running (`RECRESP_RESULT_NOT_RUNNING` otherwise) at 8000 Hz
/// (`RECRESP_RESULT_INVALID_ARGUMENT` otherwise). Every recorder event the packet causes
/// goes to `on_event` (required) during the call; there is nothing to poll afterwards.
/// Stores the packet's `recresp_rtp_fate` in `*fate`. A malformed packet is
/// `RECRESP_RESULT_INVALID_PACKET`, a payload type other than PCMU (0), PCMA (8), CN (13)
/// and the telephone-event type is `RECRESP_RESULT_UNSUPPORTED_PAYLOAD_TYPE`, a payload
/// over 320 bytes `RECRESP_RESULT_TOO_LONG`; then nothing changes.
///
/// # Safety
/// `rtp` and `recorder` must each be NULL or a live handle; `packet` NULL or `len` readable
/// bytes; `on_event` safe to call with `user`; `fate` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_rtp_push(
    rtp: *mut recresp_rtp,
    recorder: *mut recresp_recorder,
    packet: *const u8,
    len: usize,
    on_event: recresp_event_fn,
    user: *mut c_void,
    fate: *mut u32,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let rx = unsafe { handle_mut(rtp) }?;
        // SAFETY: forwarded contract.
        let r = unsafe { handle_mut(recorder) }?;
        // SAFETY: forwarded contract.
        let bytes = unsafe { slice_in(packet, len) }?;
        check_ptr(fate)?;
        let callback = on_event.ok_or(recresp_result::NullPointer)?;
        let (recorder, mut outbox) = r.parts()?;
        let f = rx.receiver.packet(recorder, bytes, |e| {
            let ev = outbox.event(&e);
            // SAFETY: the caller's contract on `on_event` and `user`; `ev` lives across it.
            unsafe { callback(user, &ev) }
        })?;
        // SAFETY: checked above.
        unsafe { write_out(fate, recresp_rtp_fate::from(f) as u32) }
    })
}

/// The stream ended (or the host stops waiting for missing packets): plays every packet
/// still buffered, in order, handing the events to `on_event` as `recresp_rtp_push` does.
/// `RECRESP_RESULT_NOT_RUNNING` (and the packets stay buffered) if the recorder's operation
/// is not running.
///
/// # Safety
/// As `recresp_rtp_push`.
#[no_mangle]
pub unsafe extern "C" fn recresp_rtp_flush(
    rtp: *mut recresp_rtp,
    recorder: *mut recresp_recorder,
    on_event: recresp_event_fn,
    user: *mut c_void,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let rx = unsafe { handle_mut(rtp) }?;
        // SAFETY: forwarded contract.
        let r = unsafe { handle_mut(recorder) }?;
        let callback = on_event.ok_or(recresp_result::NullPointer)?;
        let (recorder, mut outbox) = r.parts()?;
        rx.receiver.flush(recorder, |e| {
            let ev = outbox.event(&e);
            // SAFETY: the caller's contract on `on_event` and `user`; `ev` lives across it.
            unsafe { callback(user, &ev) }
        });
        Ok(())
    })
}

/// Counters of a receiver, for `recresp_rtp_get_stats`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct recresp_rtp_stats {
    /// Packets played (audio, comfort noise and events).
    pub played: u64,
    /// Packets missing by sequence number.
    pub lost_packets: u64,
    /// Samples pushed as lost media.
    pub lost_samples: u64,
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
}

/// Stores the receiver's counters in `*stats`.
///
/// # Safety
/// `rtp` must be NULL or a live handle; `stats` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_rtp_get_stats(
    rtp: *mut recresp_rtp,
    stats: *mut recresp_rtp_stats,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let rx = unsafe { handle_mut(rtp) }?;
        let s = rx.receiver.stats();
        let out = recresp_rtp_stats {
            played: s.played,
            lost_packets: s.lost_packets,
            lost_samples: s.lost_samples,
            noise_samples: s.noise_samples,
            duplicates: s.duplicates,
            late: s.late,
            discontinuities: s.discontinuities,
            source_changes: s.source_changes,
        };
        // SAFETY: forwarded contract.
        unsafe { write_out(stats, out) }
    })
}
