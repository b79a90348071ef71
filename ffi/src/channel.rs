//! `recresp_channel`: everything recresp keeps for one caller's side of a call, in one
//! object: the recorder (one recordResponse operation at a time), the RTP receiver that
//! turns the caller's packets into its media, and the completion of the last operation.
//!
//! How the recorder stores its held-back audio is chosen when the channel is made
//! (`recresp_channel_kind`: 16-bit PCM at 16 or 8 kHz, or μ-law bytes at 8 kHz), and each
//! choice has its own size, so a channel takes only the memory its kind needs. The header
//! states each size as a constant valid on every target, with a union type of that size
//! and alignment for `static` storage.
//!
//! Every call that takes a channel goes through [`enter`]: it marks the channel in use for
//! the duration of the call, and refuses (`RECRESP_RESULT_CHANNEL_BUSY`, nothing done) a
//! call made while another is in progress, be it from the event callback or from another
//! thread. So the channel's state is only ever reached through one exclusive reference.

use core::ffi::{c_char, c_void};
use core::ptr::addr_of_mut;
use core::sync::atomic::{AtomicBool, Ordering};

use heapless::String;
use recresp_core::limits::CLIENT_CONTEXT_CAPACITY;
use recresp_core::rtp::{PT_CN, PT_G722, PT_PCMA, PT_PCMU};
use recresp_core::{
    Completion, Event, NarrowbandRecorder, Recorder, RtpConfig, RtpReceiver, SampleRate, Store,
    UlawRecorder,
};

use crate::event::{recresp_event, MESSAGE_CAPACITY};
use crate::guard::{check_ptr, guard, guard_or, write_out};
use crate::result::recresp_result;
use crate::storage::{init_in_caller_storage, new_in_heap, release_heap, Origin};

/// Bytes a `RECRESP_CHANNEL_KIND_PCM16K` channel takes: exactly on 64-bit targets, at most
/// on 32-bit ones (`recresp_channel_size` gives the exact size on each).
pub const RECRESP_CHANNEL_SIZE_PCM16K: usize = 11120;
/// Bytes a `RECRESP_CHANNEL_KIND_PCM8K` channel takes, as `RECRESP_CHANNEL_SIZE_PCM16K`.
pub const RECRESP_CHANNEL_SIZE_PCM8K: usize = 8880;
/// Bytes a `RECRESP_CHANNEL_KIND_ULAW8K` channel takes, as `RECRESP_CHANNEL_SIZE_PCM16K`.
pub const RECRESP_CHANNEL_SIZE_ULAW8K: usize = 7840;

/// `telephone_event_pt` for a stream without RFC 4733 telephone events.
// The cast makes cbindgen write the constant with its C type, `(uint32_t)4294967295u`.
#[allow(clippy::unnecessary_cast)]
pub const RECRESP_NO_TELEPHONE_EVENTS: u32 = 0xFFFF_FFFF_u32 as u32;

/// How a channel's recorder holds the caller's audio, which fixes its sample rate and its
/// size (`RECRESP_CHANNEL_SIZE_*`).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum recresp_channel_kind {
    /// 16 kHz, 16-bit PCM: wideband audio, G.722 RTP (payload type 9).
    Pcm16k = 0,
    /// 8 kHz, 16-bit PCM: any narrowband input kept bit for bit; G.711 RTP.
    Pcm8k = 1,
    /// 8 kHz, G.711 μ-law bytes: half the audio memory, bit for bit for μ-law input and
    /// lost media (other input is coded to μ-law); G.711 RTP.
    Ulaw8k = 2,
}

impl recresp_channel_kind {
    fn from_u32(kind: u32) -> Option<Self> {
        match kind {
            0 => Some(Self::Pcm16k),
            1 => Some(Self::Pcm8k),
            2 => Some(Self::Ulaw8k),
            _ => None,
        }
    }
}

/// Storage for a `RECRESP_CHANNEL_KIND_PCM16K` channel made by `recresp_channel_init_in`:
/// its size and alignment are what the channel needs (`static recresp_channel_storage_pcm16k
/// s;` will do). Its members are never used.
#[allow(non_camel_case_types, dead_code)]
#[repr(C)]
pub union recresp_channel_storage_pcm16k {
    align: u64,
    pointer: *mut c_void,
    bytes: [u8; RECRESP_CHANNEL_SIZE_PCM16K],
}

/// Storage for a `RECRESP_CHANNEL_KIND_PCM8K` channel, as `recresp_channel_storage_pcm16k`.
#[allow(non_camel_case_types, dead_code)]
#[repr(C)]
pub union recresp_channel_storage_pcm8k {
    align: u64,
    pointer: *mut c_void,
    bytes: [u8; RECRESP_CHANNEL_SIZE_PCM8K],
}

/// Storage for a `RECRESP_CHANNEL_KIND_ULAW8K` channel, as `recresp_channel_storage_pcm16k`.
#[allow(non_camel_case_types, dead_code)]
#[repr(C)]
pub union recresp_channel_storage_ulaw8k {
    align: u64,
    pointer: *mut c_void,
    bytes: [u8; RECRESP_CHANNEL_SIZE_ULAW8K],
}

/// Storage for a channel of any kind (the largest).
#[allow(non_camel_case_types)]
pub type recresp_channel_storage = recresp_channel_storage_pcm16k;

/// Receives every event of a channel, during the call that causes it, with the `user`
/// pointer given when the channel was made. The event, and the samples of a `CAPTURED`
/// event, are valid only until the callback returns. A call on the same channel from the
/// callback is refused with `RECRESP_RESULT_CHANNEL_BUSY`.
#[allow(non_camel_case_types)]
pub type recresp_event_fn =
    Option<unsafe extern "C" fn(user: *mut c_void, event: *const recresp_event)>;

/// A channel (opaque): one caller's side of a call. Create with `recresp_channel_new` or
/// `recresp_channel_init_in`.
#[allow(non_camel_case_types)]
pub struct recresp_channel {
    _opaque: [u8; 0],
}

/// What every channel starts with, whatever its kind: read before the kind is known, and
/// the only part reached while a call is in progress.
#[repr(C)]
struct Head {
    kind: recresp_channel_kind,
    origin: Origin,
    busy: AtomicBool,
}

/// A channel whose recorder is `R`; a `recresp_channel` pointer points to one of these.
#[repr(C)]
struct Channel<R> {
    head: Head,
    body: Body<R>,
}

const ALIGN: usize = align_of::<u64>();
const _: () = {
    assert!(size_of::<Channel<Recorder>>() <= RECRESP_CHANNEL_SIZE_PCM16K);
    assert!(size_of::<Channel<NarrowbandRecorder>>() <= RECRESP_CHANNEL_SIZE_PCM8K);
    assert!(size_of::<Channel<UlawRecorder>>() <= RECRESP_CHANNEL_SIZE_ULAW8K);
    assert!(align_of::<Channel<Recorder>>() <= ALIGN);
    assert!(align_of::<Channel<NarrowbandRecorder>>() <= ALIGN);
    assert!(align_of::<Channel<UlawRecorder>>() <= ALIGN);
    assert!(align_of::<recresp_channel_storage_pcm16k>() >= ALIGN);
    assert!(align_of::<recresp_channel_storage_pcm8k>() >= ALIGN);
    assert!(align_of::<recresp_channel_storage_ulaw8k>() >= ALIGN);
    assert!(size_of::<recresp_channel_storage_pcm16k>() == RECRESP_CHANNEL_SIZE_PCM16K);
    assert!(size_of::<recresp_channel_storage_pcm8k>() == RECRESP_CHANNEL_SIZE_PCM8K);
    assert!(size_of::<recresp_channel_storage_ulaw8k>() == RECRESP_CHANNEL_SIZE_ULAW8K);
};

/// Where this operation's media comes from: time must come from one path only, or it
/// would be counted twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// Nothing yet since the operation started.
    Unset,
    /// Samples, G.711 bytes and lost time pushed by the host.
    Pushed,
    /// RTP packets, with the host's clock (`recresp_channel_advance`).
    Rtp,
}

/// A channel's state behind its head.
pub(crate) struct Body<R> {
    pub(crate) recorder: R,
    pub(crate) receiver: RtpReceiver,
    pub(crate) source: Source,
    pub(crate) out: Outlet,
}

/// Where the recorder's events go, and what the channel keeps of the operation for C.
pub(crate) struct Outlet {
    on_event: unsafe extern "C" fn(user: *mut c_void, event: *const recresp_event),
    user: *mut c_void,
    /// Whether an operation was ever started.
    pub(crate) started: bool,
    /// The running or last operation's `clientContext`, for its JSON documents.
    pub(crate) client_context: String<CLIENT_CONTEXT_CAPACITY>,
    /// The last operation's completion, once handed out.
    pub(crate) completion: Option<Completion>,
    /// The completion's message with a NUL, which C events point into.
    pub(crate) message: [u8; MESSAGE_CAPACITY],
}

impl Outlet {
    /// Hands `e` to the host's callback, keeping a completion and its message (cut to fit,
    /// with a NUL).
    pub(crate) fn emit(&mut self, e: &Event<'_>) {
        if let Event::Completed(c) = e {
            let text = c.result_info.message.as_bytes();
            let n = text.len().min(MESSAGE_CAPACITY - 1);
            self.message = [0; MESSAGE_CAPACITY];
            if let (Some(dst), Some(src)) = (self.message.get_mut(..n), text.get(..n)) {
                dst.copy_from_slice(src);
            }
            self.completion = Some(*c);
        }
        let ev = recresp_event::new(e, self.message_ptr());
        // SAFETY: the host's contract on `on_event` and `user` (given at creation); `ev`
        // lives across the call, and a call back into this channel is refused by `enter`.
        unsafe { (self.on_event)(self.user, &ev) }
    }

    /// The completion's message, NUL-terminated.
    pub(crate) fn message_ptr(&self) -> *const c_char {
        self.message.as_ptr().cast()
    }

    /// The running or last operation's `clientContext`; `NotRunning` if never started.
    pub(crate) fn client_context(&self) -> Result<&str, recresp_result> {
        if self.started {
            Ok(&self.client_context)
        } else {
            Err(recresp_result::NotRunning)
        }
    }

    /// The last operation's completion, once handed out.
    pub(crate) fn completion(&self) -> Result<&Completion, recresp_result> {
        self.completion.as_ref().ok_or(recresp_result::NotCompleted)
    }
}

/// Exclusive access to a channel's body, by kind.
pub(crate) enum Access<'a> {
    Pcm16k(&'a mut Body<Recorder>),
    Pcm8k(&'a mut Body<NarrowbandRecorder>),
    Ulaw8k(&'a mut Body<UlawRecorder>),
}

/// Evaluates `$e` with `$b` bound to the body of `$access`, whatever its kind.
macro_rules! with_body {
    ($access:expr, $b:ident => $e:expr) => {
        match $access {
            $crate::channel::Access::Pcm16k($b) => $e,
            $crate::channel::Access::Pcm8k($b) => $e,
            $crate::channel::Access::Ulaw8k($b) => $e,
        }
    };
}
pub(crate) use with_body;

impl Access<'_> {
    /// The channel's outlet.
    pub(crate) fn out(&mut self) -> &mut Outlet {
        with_body!(self, b => &mut b.out)
    }
}

/// The head of a channel.
///
/// # Safety
/// A non-NULL `ch` must be a live channel.
unsafe fn head<'a>(ch: *const recresp_channel) -> Result<&'a Head, recresp_result> {
    let p = ch.cast::<Head>();
    check_ptr(p)?;
    // SAFETY: non-NULL and aligned (checked); a live channel starts with its head, which
    // is only ever reached through shared references.
    Ok(unsafe { &*p })
}

/// The body of a channel whose recorder is `R`.
///
/// # Safety
/// `ch` must be a live channel of that kind, whose body nothing else reaches during `'a`.
unsafe fn body<'a, R>(ch: *mut recresp_channel) -> &'a mut Body<R> {
    let p = ch.cast::<Channel<R>>();
    // SAFETY: caller's contract; the reference covers the body only, not the head.
    unsafe { &mut *addr_of_mut!((*p).body) }
}

/// Runs `f` on the channel, which is marked in use meanwhile: a call made before `f`
/// returns (from the event callback, or another thread) gets `ChannelBusy` and does
/// nothing. After a panic inside `f` the channel stays marked, and refuses every call.
///
/// # Safety
/// `ch` must be NULL or a live channel.
pub(crate) unsafe fn enter<T>(
    ch: *mut recresp_channel,
    f: impl FnOnce(Access<'_>) -> Result<T, recresp_result>,
) -> Result<T, recresp_result> {
    // SAFETY: forwarded contract.
    let head = unsafe { head(ch) }?;
    if head.busy.swap(true, Ordering::Acquire) {
        return Err(recresp_result::ChannelBusy);
    }
    // SAFETY: the channel is live and of this kind; the busy flag, just taken, keeps every
    // other call away from its body until it is released below.
    let access = unsafe {
        match head.kind {
            recresp_channel_kind::Pcm16k => Access::Pcm16k(body(ch)),
            recresp_channel_kind::Pcm8k => Access::Pcm8k(body(ch)),
            recresp_channel_kind::Ulaw8k => Access::Ulaw8k(body(ch)),
        }
    };
    let result = f(access);
    head.busy.store(false, Ordering::Release);
    result
}

/// The RTP configuration for a telephone-event payload type from C.
fn rtp_config(telephone_event_pt: u32) -> Result<RtpConfig, recresp_result> {
    let pt = match telephone_event_pt {
        RECRESP_NO_TELEPHONE_EVENTS => None,
        pt if pt > 127 || [PT_PCMU, PT_PCMA, PT_G722, PT_CN].contains(&(pt as u8)) => {
            return Err(recresp_result::InvalidArgument)
        }
        pt => Some(pt as u8),
    };
    Ok(RtpConfig {
        telephone_event_pt: pt,
        ..RtpConfig::DEFAULT
    })
}

/// What a new channel is made of, checked.
struct Plan {
    kind: recresp_channel_kind,
    rtp: RtpConfig,
    on_event: unsafe extern "C" fn(user: *mut c_void, event: *const recresp_event),
    user: *mut c_void,
    origin: Origin,
}

impl Plan {
    fn new(
        kind: u32,
        telephone_event_pt: u32,
        on_event: recresp_event_fn,
        user: *mut c_void,
        origin: Origin,
    ) -> Result<Self, recresp_result> {
        Ok(Plan {
            kind: recresp_channel_kind::from_u32(kind).ok_or(recresp_result::InvalidArgument)?,
            rtp: rtp_config(telephone_event_pt)?,
            on_event: on_event.ok_or(recresp_result::NullPointer)?,
            user,
            origin,
        })
    }

    /// The channel, with a recorder of `N` samples stored as `S`.
    fn make<const N: usize, S: Store>(self) -> Result<Channel<Recorder<N, S>>, recresp_result> {
        let rate = match self.kind {
            recresp_channel_kind::Pcm16k => SampleRate::Hz16000,
            recresp_channel_kind::Pcm8k | recresp_channel_kind::Ulaw8k => SampleRate::Hz8000,
        };
        Ok(Channel {
            head: Head {
                kind: self.kind,
                origin: self.origin,
                busy: AtomicBool::new(false),
            },
            body: Body {
                recorder: Recorder::new(rate).map_err(|_| recresp_result::InternalError)?,
                receiver: RtpReceiver::new(self.rtp),
                source: Source::Unset,
                out: Outlet {
                    on_event: self.on_event,
                    user: self.user,
                    started: false,
                    client_context: String::new(),
                    completion: None,
                    message: [0; MESSAGE_CAPACITY],
                },
            },
        })
    }

    /// Makes the channel on the heap, or in `len` bytes at `buf` for caller storage, and
    /// stores it in `*out`.
    ///
    /// # Safety
    /// As `recresp_channel_init_in` for caller storage; `out` NULL or writable.
    unsafe fn place(
        self,
        buf: *mut c_void,
        len: usize,
        out: *mut *mut recresp_channel,
    ) -> Result<(), recresp_result> {
        // SAFETY: forwarded contract.
        unsafe {
            match self.kind {
                recresp_channel_kind::Pcm16k => self
                    .put::<{ recresp_core::DEFAULT_CAPACITY }, recresp_core::Linear>(buf, len, out),
                recresp_channel_kind::Pcm8k => self.put::<{
                    recresp_core::required_capacity(SampleRate::Hz8000)
                }, recresp_core::Linear>(
                    buf, len, out
                ),
                recresp_channel_kind::Ulaw8k => self.put::<{
                    recresp_core::required_capacity(SampleRate::Hz8000)
                }, recresp_core::Ulaw>(
                    buf, len, out
                ),
            }
        }
    }

    /// As [`Plan::place`], for a recorder of `N` samples stored as `S`.
    ///
    /// # Safety
    /// As [`Plan::place`].
    unsafe fn put<const N: usize, S: Store>(
        self,
        buf: *mut c_void,
        len: usize,
        out: *mut *mut recresp_channel,
    ) -> Result<(), recresp_result> {
        let out = out.cast::<*mut Channel<Recorder<N, S>>>();
        match self.origin {
            // SAFETY: forwarded contract.
            Origin::Heap => unsafe { new_in_heap(self.make()?, out) },
            // SAFETY: forwarded contract.
            Origin::Caller => unsafe { init_in_caller_storage(buf, len, out, || self.make()) },
        }
    }
}

/// Creates a channel of `kind` (a `recresp_channel_kind`) on the heap and stores it in
/// `*out`. `telephone_event_pt` is the RTP payload type negotiated for
/// telephone-event/8000 (96–127 usually), or `RECRESP_NO_TELEPHONE_EVENTS`; 0, 8, 9, 13
/// and numbers above 127 are `RECRESP_RESULT_INVALID_ARGUMENT`, as is an unknown kind.
/// `on_event` (required) receives every event of the channel, with `user`. Free it with
/// `recresp_channel_free`.
///
/// # Safety
/// `on_event` must be safe to call with `user` for as long as the channel is used; `out`
/// must be NULL or point to writable memory for one pointer.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_new(
    kind: u32,
    telephone_event_pt: u32,
    on_event: recresp_event_fn,
    user: *mut c_void,
    out: *mut *mut recresp_channel,
) -> recresp_result {
    let plan = || Plan::new(kind, telephone_event_pt, on_event, user, Origin::Heap);
    // SAFETY: forwarded contract.
    unsafe { create(plan, core::ptr::null_mut(), 0, out) }
}

/// Creates a channel in the caller's storage (no allocation): `len` bytes at `buf`,
/// aligned to 8 bytes, at least `recresp_channel_size(kind)` long
/// (`RECRESP_CHANNEL_SIZE_*` always are; a `recresp_channel_storage_*` union has the size
/// and alignment). Returns `RECRESP_RESULT_STORAGE_TOO_SMALL` or
/// `RECRESP_RESULT_STORAGE_MISALIGNED` (and writes nothing) otherwise; other arguments as
/// `recresp_channel_new`. The storage must outlive every use of the channel;
/// `recresp_channel_free` on it does nothing.
///
/// # Safety
/// `buf` must be NULL or point to `len` writable bytes, used for nothing else while the
/// channel is in use; `on_event` and `out` as for `recresp_channel_new`.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_init_in(
    buf: *mut c_void,
    len: usize,
    kind: u32,
    telephone_event_pt: u32,
    on_event: recresp_event_fn,
    user: *mut c_void,
    out: *mut *mut recresp_channel,
) -> recresp_result {
    let plan = || Plan::new(kind, telephone_event_pt, on_event, user, Origin::Caller);
    // SAFETY: forwarded contract.
    unsafe { create(plan, buf, len, out) }
}

/// Creates the channel `plan` gives (once `out` is checked) in the storage at `buf` (`len`
/// bytes; none for the heap), for `recresp_channel_new` and `recresp_channel_init_in`.
///
/// # Safety
/// As `recresp_channel_init_in`.
unsafe fn create(
    plan: impl FnOnce() -> Result<Plan, recresp_result>,
    buf: *mut c_void,
    len: usize,
    out: *mut *mut recresp_channel,
) -> recresp_result {
    guard(|| {
        check_ptr(out)?;
        let plan = plan()?;
        // SAFETY: forwarded contract.
        unsafe { plan.place(buf, len, out) }
    })
}

/// The exact number of bytes a channel of `kind` takes on this target (at most its
/// `RECRESP_CHANNEL_SIZE_*`); 0 for a number that is not a `recresp_channel_kind`.
#[no_mangle]
pub extern "C" fn recresp_channel_size(kind: u32) -> usize {
    match recresp_channel_kind::from_u32(kind) {
        Some(recresp_channel_kind::Pcm16k) => size_of::<Channel<Recorder>>(),
        Some(recresp_channel_kind::Pcm8k) => size_of::<Channel<NarrowbandRecorder>>(),
        Some(recresp_channel_kind::Ulaw8k) => size_of::<Channel<UlawRecorder>>(),
        None => 0,
    }
}

/// Releases a channel made by `recresp_channel_new`. NULL, channels in caller storage,
/// and a channel whose call is in progress (`recresp_channel_free` from its own event
/// callback) are left alone.
///
/// # Safety
/// `channel` must be NULL or a live channel, not used again after this call (unless it
/// was left alone).
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_free(channel: *mut recresp_channel) {
    guard_or((), || {
        // SAFETY: forwarded contract.
        let Ok(head) = (unsafe { head(channel) }) else {
            return;
        };
        if head.origin != Origin::Heap || head.busy.swap(true, Ordering::Acquire) {
            return;
        }
        let kind = head.kind;
        // SAFETY: a heap channel of this kind, from `new_in_heap`, released once (caller's
        // contract); nothing refers to it any more.
        unsafe {
            match kind {
                recresp_channel_kind::Pcm16k => release_heap(channel.cast::<Channel<Recorder>>()),
                recresp_channel_kind::Pcm8k => {
                    release_heap(channel.cast::<Channel<NarrowbandRecorder>>())
                }
                recresp_channel_kind::Ulaw8k => {
                    release_heap(channel.cast::<Channel<UlawRecorder>>())
                }
            }
        }
    })
}

/// Writes `value` to `out` after `f` succeeded: a helper for the getters.
///
/// # Safety
/// `ch` as [`enter`]; `out` NULL or writable.
pub(crate) unsafe fn get<T>(
    ch: *mut recresp_channel,
    out: *mut T,
    f: impl FnOnce(Access<'_>) -> Result<T, recresp_result>,
) -> recresp_result {
    guard(|| {
        check_ptr(out)?;
        // SAFETY: forwarded contract.
        let value = unsafe { enter(ch, f) }?;
        // SAFETY: forwarded contract.
        unsafe { write_out(out, value) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ffi/README.md states what a μ-law channel is made of, on 64-bit targets.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn the_readme_states_the_parts_of_a_channel() {
        let readme = include_str!("../README.md").replace('\n', " ");
        let parts = format!(
            "a μ-law channel is its recorder ({} bytes), the RTP receiver ({}: a reorder \
             window of 8 slots of 480 bytes), the running operation's `clientContext` for the \
             notification ({}) and the completion's message ({}).",
            size_of::<UlawRecorder>(),
            size_of::<RtpReceiver>(),
            size_of::<String<CLIENT_CONTEXT_CAPACITY>>(),
            MESSAGE_CAPACITY,
        );
        assert!(readme.contains(&parts), "ffi/README.md should say: {parts}");
        let head = size_of::<Channel<UlawRecorder>>()
            - size_of::<UlawRecorder>()
            - size_of::<RtpReceiver>()
            - size_of::<String<CLIENT_CONTEXT_CAPACITY>>()
            - MESSAGE_CAPACITY;
        assert!(
            head <= 96,
            "{head} bytes besides the parts the README names"
        );
        assert_eq!(recresp_core::rtp::DEFAULT_PAYLOAD, 480);
        assert_eq!(recresp_core::rtp::DEFAULT_WINDOW, 8);
    }
}
