//! `recresp_recorder`: one recordResponse operation at a time on one channel, for C.
//!
//! It wraps the core's sans-IO recorder: start it with settings and the prompt the host
//! loaded, push the caller's audio (PCM or G.711) and RFC 4733 digits, send commands
//! (cancel, hang-up, beep failure, host failure), and poll events after each call until
//! `RECRESP_EVENT_KIND_NONE`. Nothing here allocates after the handle is made.

use core::ffi::{c_char, c_void};

use heapless::String;
use recresp_core::{
    CommandError, Completion, Digit, Event, Law, MediaInput, MediaSink, PromptAudio, Recorder,
    SampleRate, CLIENT_CONTEXT_CAPACITY,
};

use crate::event::{recresp_completion, recresp_event, MESSAGE_CAPACITY};
use crate::guard::{guard, guard_or, handle_mut, handle_ref, slice_in, write_out};
use crate::result::recresp_result;
use crate::settings::recresp_settings;
use crate::storage::{free_handle, init_in_caller_storage, new_in_heap, Handle, Origin};

/// Bytes of storage a `recresp_recorder` needs for `recresp_recorder_init_in` (on every
/// target; `recresp_recorder_storage_size` gives the exact size on this one).
pub const RECRESP_RECORDER_STORAGE_SIZE: usize = 10240;

/// A recorder (opaque): one operation at a time on one channel. Create with
/// `recresp_recorder_new` or `recresp_recorder_init_in`.
#[allow(non_camel_case_types)]
pub struct recresp_recorder {
    recorder: Recorder,
    /// Whether `start` was called at least once.
    started: bool,
    /// The running operation's `clientContext`, for its JSON documents.
    client_context: String<CLIENT_CONTEXT_CAPACITY>,
    /// The completion, once polled.
    completion: Option<Completion>,
    /// The completion's message with a NUL, which C events point into.
    message: [u8; MESSAGE_CAPACITY],
    origin: Origin,
}

const _: () = assert!(size_of::<recresp_recorder>() <= RECRESP_RECORDER_STORAGE_SIZE);
const _: () = assert!(align_of::<recresp_recorder>() <= crate::storage::RECRESP_STORAGE_ALIGN);

impl Handle for recresp_recorder {
    fn origin(&self) -> Origin {
        self.origin
    }
}

impl recresp_recorder {
    fn new(rate_hz: u32, origin: Origin) -> Result<Self, recresp_result> {
        let rate = SampleRate::from_hz(rate_hz).ok_or(recresp_result::InvalidArgument)?;
        Ok(recresp_recorder {
            recorder: Recorder::new(rate).map_err(|_| recresp_result::InternalError)?,
            started: false,
            client_context: String::new(),
            completion: None,
            message: [0; MESSAGE_CAPACITY],
            origin,
        })
    }

    /// The running or last operation's `clientContext`; `NotRunning` if never started.
    pub(crate) fn client_context(&self) -> Result<&str, recresp_result> {
        if self.started {
            Ok(&self.client_context)
        } else {
            Err(recresp_result::NotRunning)
        }
    }

    /// The last operation's completion, once polled.
    pub(crate) fn completion(&self) -> Result<&Completion, recresp_result> {
        self.completion.as_ref().ok_or(recresp_result::NotCompleted)
    }

    fn message_ptr(&self) -> *const c_char {
        self.message.as_ptr().cast()
    }

    fn poll(&mut self) -> recresp_event {
        let mut outbox = Outbox {
            completion: &mut self.completion,
            message: &mut self.message,
        };
        match self.recorder.poll() {
            None => recresp_event::none(),
            Some(e) => outbox.event(&e),
        }
    }

    /// The core recorder, and where its completion is kept for C (apart, so that a caller
    /// can drive the recorder and turn its events into C events at once).
    pub(crate) fn parts(&mut self) -> Result<(&mut Recorder, Outbox<'_>), recresp_result> {
        running(self)?;
        Ok((
            &mut self.recorder,
            Outbox {
                completion: &mut self.completion,
                message: &mut self.message,
            },
        ))
    }
}

/// Where a recorder's completion and its NUL-terminated message are kept once polled.
pub(crate) struct Outbox<'a> {
    completion: &'a mut Option<Completion>,
    message: &'a mut [u8; MESSAGE_CAPACITY],
}

impl Outbox<'_> {
    /// The C event for `e`, keeping a completion and its message (cut to fit, with a NUL).
    pub(crate) fn event(&mut self, e: &Event<'_>) -> recresp_event {
        if let Event::Completed(c) = e {
            let text = c.result_info.message.as_bytes();
            let n = text.len().min(MESSAGE_CAPACITY - 1);
            *self.message = [0; MESSAGE_CAPACITY];
            if let (Some(dst), Some(src)) = (self.message.get_mut(..n), text.get(..n)) {
                dst.copy_from_slice(src);
            }
            *self.completion = Some(*c);
        }
        recresp_event::new(e, self.message.as_ptr().cast())
    }
}

/// Turns a push on a recorder that is not running into `NotRunning`.
fn running(r: &recresp_recorder) -> Result<(), recresp_result> {
    if r.recorder.is_running() {
        Ok(())
    } else {
        Err(recresp_result::NotRunning)
    }
}

fn command(result: Result<(), CommandError>) -> Result<(), recresp_result> {
    result.map_err(|e| match e {
        CommandError::NotRunning => recresp_result::NotRunning,
        CommandError::NotPlayingBeep => recresp_result::NotPlayingBeep,
    })
}

/// Creates an idle recorder for caller audio at `sample_rate_hz` (8000 or 16000;
/// `RECRESP_RESULT_INVALID_ARGUMENT` otherwise) and stores the handle in `*out`. Free it
/// with `recresp_recorder_free`.
///
/// # Safety
/// `out` must be NULL or point to writable memory for one pointer.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_new(
    sample_rate_hz: u32,
    out: *mut *mut recresp_recorder,
) -> recresp_result {
    guard(|| {
        let r = recresp_recorder::new(sample_rate_hz, Origin::Heap)?;
        // SAFETY: forwarded contract.
        unsafe { new_in_heap(r, out) }
    })
}

/// Creates an idle recorder in the caller's storage: `len` bytes at `buf`, aligned to
/// `RECRESP_STORAGE_ALIGN`, at least `RECRESP_RECORDER_STORAGE_SIZE` long (a `static`
/// buffer will do). Returns `RECRESP_RESULT_STORAGE_TOO_SMALL` or
/// `RECRESP_RESULT_STORAGE_MISALIGNED` (and writes nothing) otherwise. The storage must
/// outlive every use of the handle; `recresp_recorder_free` on this handle does nothing.
///
/// # Safety
/// `buf` must be NULL or point to `len` writable bytes, used for nothing else while the
/// handle is in use; `out` must be NULL or point to writable memory for one pointer.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_init_in(
    buf: *mut c_void,
    len: usize,
    sample_rate_hz: u32,
    out: *mut *mut recresp_recorder,
) -> recresp_result {
    // SAFETY: forwarded contract.
    guard(|| unsafe {
        init_in_caller_storage(buf, len, out, || {
            recresp_recorder::new(sample_rate_hz, Origin::Caller)
        })
    })
}

/// The exact number of bytes a `recresp_recorder` takes on this target (at most
/// `RECRESP_RECORDER_STORAGE_SIZE`).
#[no_mangle]
pub extern "C" fn recresp_recorder_storage_size() -> usize {
    size_of::<recresp_recorder>()
}

/// The alignment, in bytes, storage for `_init_in` functions needs
/// (`RECRESP_STORAGE_ALIGN`).
#[no_mangle]
pub extern "C" fn recresp_storage_align() -> usize {
    crate::storage::RECRESP_STORAGE_ALIGN
}

/// Releases a recorder made by `recresp_recorder_new`. NULL, and recorders made in caller
/// storage, are left alone.
///
/// # Safety
/// `recorder` must be NULL or a live handle, not used again after this call.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_free(recorder: *mut recresp_recorder) {
    // SAFETY: forwarded contract.
    guard_or((), || unsafe { free_handle(recorder) })
}

/// What the host did with the request's prompt, for `recresp_recorder_start`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum recresp_prompt {
    /// The request has no prompt (`prompt_samples` is ignored).
    None = 0,
    /// The host loaded the prompt; it lasts `prompt_samples` samples at the caller's rate.
    Ready = 1,
    /// The host could not load or play it: the operation ends `playPromptFailed`.
    Failed = 2,
}

/// Starts an operation with `settings` (validated again; their code otherwise) and the
/// prompt: `prompt` is a `recresp_prompt` (`RECRESP_RESULT_INVALID_ARGUMENT` otherwise)
/// and `prompt_samples` its length when `RECRESP_PROMPT_READY`. An operation still running
/// is dropped without a completion, and pending events are discarded. The settings may be
/// changed or freed afterwards.
///
/// # Safety
/// `recorder` and `settings` must each be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_start(
    recorder: *mut recresp_recorder,
    settings: *const recresp_settings,
    prompt: u32,
    prompt_samples: u64,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let r = unsafe { handle_mut(recorder) }?;
        // SAFETY: forwarded contract.
        let s = unsafe { handle_ref(settings) }?;
        let prompt = match prompt {
            0 => PromptAudio::None,
            1 => PromptAudio::Ready {
                samples: prompt_samples,
            },
            2 => PromptAudio::Failed,
            _ => return Err(recresp_result::InvalidArgument),
        };
        let options = s.record_options()?;
        r.client_context.clear();
        r.client_context
            .push_str(&s.settings().client_context)
            .map_err(|_| recresp_result::InternalError)?;
        r.completion = None;
        r.message = [0; MESSAGE_CAPACITY];
        r.started = true;
        r.recorder.start(options, prompt);
        Ok(())
    })
}

/// Pushes `count` 16-bit PCM samples of caller audio and stores how many were consumed in
/// `*consumed`: all of them unless events must be polled first, or the operation ended
/// part way (the rest belongs to whatever runs next). `RECRESP_RESULT_NOT_RUNNING` (and
/// `*consumed` 0) when no operation is running.
///
/// # Safety
/// `recorder` must be NULL or a live handle; `samples` NULL or `count` readable samples;
/// `consumed` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_push_pcm(
    recorder: *mut recresp_recorder,
    samples: *const i16,
    count: usize,
    consumed: *mut usize,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let r = unsafe { handle_mut(recorder) }?;
        // SAFETY: forwarded contract.
        let frame = unsafe { slice_in(samples, count) }?;
        // SAFETY: forwarded contract.
        unsafe { write_out(consumed, 0) }?;
        running(r)?;
        let n = r.recorder.push(MediaInput::Pcm(frame)) as usize;
        // SAFETY: checked above.
        unsafe { write_out(consumed, n) }
    })
}

/// How G.711 bytes are coded, for `recresp_recorder_push_g711`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum recresp_law {
    /// μ-law (PCMU).
    Ulaw = 0,
    /// A-law (PCMA).
    Alaw = 1,
}

/// Pushes `count` G.711 bytes (one per sample) coded by `law` (a `recresp_law`;
/// `RECRESP_RESULT_INVALID_ARGUMENT` otherwise); as `recresp_recorder_push_pcm` otherwise.
///
/// # Safety
/// `recorder` must be NULL or a live handle; `bytes` NULL or `count` readable bytes;
/// `consumed` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_push_g711(
    recorder: *mut recresp_recorder,
    bytes: *const u8,
    count: usize,
    law: u32,
    consumed: *mut usize,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let r = unsafe { handle_mut(recorder) }?;
        // SAFETY: forwarded contract.
        let frame = unsafe { slice_in(bytes, count) }?;
        // SAFETY: forwarded contract.
        unsafe { write_out(consumed, 0) }?;
        let law = match law {
            0 => Law::Ulaw,
            1 => Law::Alaw,
            _ => return Err(recresp_result::InvalidArgument),
        };
        running(r)?;
        let n = r.recorder.push(MediaInput::G711(frame, law)) as usize;
        // SAFETY: checked above.
        unsafe { write_out(consumed, n) }
    })
}

/// Reports `samples` of time in which no media arrived (lost packets): it counts on every
/// clock and is recorded as silence; the media timeout of it in a row ends the operation
/// `mediaReceiveTimeout`. Stores how many were consumed in `*consumed`, as
/// `recresp_recorder_push_pcm`.
///
/// # Safety
/// `recorder` must be NULL or a live handle; `consumed` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_push_lost(
    recorder: *mut recresp_recorder,
    samples: u64,
    consumed: *mut u64,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let r = unsafe { handle_mut(recorder) }?;
        // SAFETY: forwarded contract.
        unsafe { write_out(consumed, 0) }?;
        running(r)?;
        let n = r.recorder.push(MediaInput::Lost(samples));
        // SAFETY: checked above.
        unsafe { write_out(consumed, n) }
    })
}

/// A DTMF key received out of band (RFC 4733): `event_code` 0–15 (0–9, 10 `*`, 11 `#`,
/// 12–15 A–D; `RECRESP_RESULT_INVALID_ARGUMENT` otherwise), whose tone began at `onset`
/// (samples since start; clamped to the current position). It acts exactly like an
/// in-band detection.
///
/// # Safety
/// `recorder` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_handle_digit(
    recorder: *mut recresp_recorder,
    event_code: u32,
    onset: u64,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let r = unsafe { handle_mut(recorder) }?;
        let digit =
            Digit::from_index(event_code as usize).ok_or(recresp_result::InvalidArgument)?;
        running(r)?;
        let ago = r.recorder.position().saturating_sub(onset);
        r.recorder.push(MediaInput::Digit { digit, ago });
        Ok(())
    })
}

/// Runs a command on a live recorder.
///
/// # Safety
/// `recorder` must be NULL or a live handle.
unsafe fn run_command(
    recorder: *mut recresp_recorder,
    f: impl FnOnce(&mut Recorder) -> Result<(), CommandError>,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let r = unsafe { handle_mut(recorder) }?;
        command(f(&mut r.recorder))
    })
}

/// Cancels the operation (cancelMediaProcessing or a barge-in): it ends
/// `operationCanceled`, status failed. `RECRESP_RESULT_NOT_RUNNING` if none is running.
///
/// # Safety
/// `recorder` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_cancel(
    recorder: *mut recresp_recorder,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { run_command(recorder, Recorder::cancel) }
}

/// The call ended: the operation completes now, `operationCanceled` with subcode 8528,
/// keeping what was captured (status completed if the caller's speech was being
/// recorded). `RECRESP_RESULT_NOT_RUNNING` if none is running.
///
/// # Safety
/// `recorder` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_hang_up(
    recorder: *mut recresp_recorder,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { run_command(recorder, Recorder::hang_up) }
}

/// The host could not play the beep: the operation ends `playBeepFailed`.
/// `RECRESP_RESULT_NOT_PLAYING_BEEP` unless the beep is playing.
///
/// # Safety
/// `recorder` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_beep_failed(
    recorder: *mut recresp_recorder,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { run_command(recorder, Recorder::beep_failed) }
}

/// An internal error in the host (for example its recording sink failed): the operation
/// ends `unspecifiedError`. `RECRESP_RESULT_NOT_RUNNING` if none is running.
///
/// # Safety
/// `recorder` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_fail(recorder: *mut recresp_recorder) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { run_command(recorder, Recorder::fail) }
}

/// Stores the next event in `*event`: captured audio first, then notices, the completion
/// last; kind `RECRESP_EVENT_KIND_NONE` when there is nothing left. Call after every push
/// and command until it returns NONE. A `CAPTURED` event's samples stay valid until the
/// next call that takes this recorder.
///
/// # Safety
/// `recorder` must be NULL or a live handle; `event` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_poll(
    recorder: *mut recresp_recorder,
    event: *mut recresp_event,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let r = unsafe { handle_mut(recorder) }?;
        crate::guard::check_ptr(event)?;
        let e = r.poll();
        // SAFETY: forwarded contract.
        unsafe { write_out(event, e) }
    })
}

/// Stores the last operation's completion in `*completion`;
/// `RECRESP_RESULT_NOT_COMPLETED` until the `COMPLETED` event was polled.
///
/// # Safety
/// `recorder` must be NULL or a live handle; `completion` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_completion(
    recorder: *const recresp_recorder,
    completion: *mut recresp_completion,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let r = unsafe { handle_ref(recorder) }?;
        let c = recresp_completion::new(r.completion()?, r.message_ptr());
        // SAFETY: forwarded contract.
        unsafe { write_out(completion, c) }
    })
}

/// Whether an operation is running (started and not completed); false for NULL.
///
/// # Safety
/// `recorder` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_is_running(recorder: *const recresp_recorder) -> bool {
    guard_or(false, || {
        // SAFETY: forwarded contract.
        unsafe { handle_ref(recorder) }.is_ok_and(|r| r.recorder.is_running())
    })
}

/// Samples consumed since the operation started; 0 for NULL.
///
/// # Safety
/// `recorder` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_position(recorder: *const recresp_recorder) -> u64 {
    guard_or(0, || {
        // SAFETY: forwarded contract.
        unsafe { handle_ref(recorder) }.map_or(0, |r| r.recorder.position())
    })
}

/// The caller's sample rate in Hz; 0 for NULL.
///
/// # Safety
/// `recorder` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_recorder_sample_rate(recorder: *const recresp_recorder) -> u32 {
    guard_or(0, || {
        // SAFETY: forwarded contract.
        unsafe { handle_ref(recorder) }.map_or(0, |r| r.recorder.rate().hz())
    })
}
