//! A channel's operation: start it with settings and the prompt, send it commands (cancel,
//! hang-up, beep failure, host failure), and read its state and completion.
//!
//! Every event a call causes (the beep or listening notice of a start, the completion of a
//! command) goes to the channel's callback before the call returns.

use recresp_core::{CommandError, PromptAudio, RecordOptions, Recorder, Store};

use crate::channel::{enter, get, recresp_channel, with_body, Body, Source};
use crate::event::{recresp_completion, MESSAGE_CAPACITY};
use crate::guard::{guard, handle_ref};
use crate::result::recresp_result;
use crate::settings::recresp_settings;

/// What the host did with the request's prompt, for `recresp_channel_start`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum recresp_prompt {
    /// The request has no prompt (`prompt_samples` is ignored).
    None = 0,
    /// The host loaded the prompt; it lasts `prompt_samples` samples at the channel's rate.
    Ready = 1,
    /// The host could not load or play it: the operation ends `playPromptFailed`.
    Failed = 2,
}

impl<const N: usize, S: Store> Body<Recorder<N, S>> {
    /// Hands every event the recorder has to the callback.
    pub(crate) fn drain(&mut self) {
        while let Some(e) = self.recorder.poll() {
            self.out.emit(&e);
        }
    }

    fn start(&mut self, options: RecordOptions, prompt: PromptAudio, context: &str) {
        self.out.client_context.clear();
        // Both hold Graph's longest clientContext.
        let _ = self.out.client_context.push_str(context);
        self.out.completion = None;
        self.out.message = [0; MESSAGE_CAPACITY];
        self.out.started = true;
        self.receiver.restart();
        self.source = Source::Unset;
        self.recorder.start(options, prompt);
        self.drain();
    }

    fn command(
        &mut self,
        f: impl FnOnce(&mut Recorder<N, S>) -> Result<(), CommandError>,
    ) -> Result<(), recresp_result> {
        let result = f(&mut self.recorder).map_err(|e| match e {
            CommandError::NotRunning => recresp_result::NotRunning,
            CommandError::NotPlayingBeep => recresp_result::NotPlayingBeep,
        });
        self.drain();
        result
    }
}

/// Starts an operation with `settings` (validated again; their code otherwise) and the
/// prompt: `prompt` is a `recresp_prompt` (`RECRESP_RESULT_INVALID_ARGUMENT` otherwise)
/// and `prompt_samples` its length when `RECRESP_PROMPT_READY`. An operation still running
/// is dropped without a completion. The RTP receiver restarts: the next packet begins the
/// new operation's timeline, and time before it is not lost media. The first events (the
/// beep to play, or listening) go to the callback before this returns. The settings may be
/// changed or freed afterwards.
///
/// # Safety
/// `channel` and `settings` must each be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_start(
    channel: *mut recresp_channel,
    settings: *const recresp_settings,
    prompt: u32,
    prompt_samples: u64,
) -> recresp_result {
    guard(|| {
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
        let context = &s.settings().client_context;
        // SAFETY: forwarded contract.
        unsafe {
            enter(channel, |a| {
                with_body!(a, b => b.start(options, prompt, context));
                Ok(())
            })
        }
    })
}

/// Runs a command on a channel's recorder.
///
/// # Safety
/// `channel` must be NULL or a live handle.
unsafe fn run_command(
    channel: *mut recresp_channel,
    command: fn(&mut dyn Commands) -> Result<(), CommandError>,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        unsafe { enter(channel, |a| with_body!(a, b => b.command(|r| command(r)))) }
    })
}

/// The recorder's commands, whatever its storage.
trait Commands {
    fn cancel(&mut self) -> Result<(), CommandError>;
    fn hang_up(&mut self) -> Result<(), CommandError>;
    fn beep_failed(&mut self) -> Result<(), CommandError>;
    fn fail(&mut self) -> Result<(), CommandError>;
}

impl<const N: usize, S: Store> Commands for Recorder<N, S> {
    fn cancel(&mut self) -> Result<(), CommandError> {
        Recorder::cancel(self)
    }
    fn hang_up(&mut self) -> Result<(), CommandError> {
        Recorder::hang_up(self)
    }
    fn beep_failed(&mut self) -> Result<(), CommandError> {
        Recorder::beep_failed(self)
    }
    fn fail(&mut self) -> Result<(), CommandError> {
        Recorder::fail(self)
    }
}

/// Cancels the operation (cancelMediaProcessing or a barge-in): it ends
/// `operationCanceled`, status failed. `RECRESP_RESULT_NOT_RUNNING` if none is running.
///
/// # Safety
/// `channel` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_cancel(channel: *mut recresp_channel) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { run_command(channel, |r| r.cancel()) }
}

/// The call ended: the operation completes now, `operationCanceled` with subcode 8528,
/// keeping what was captured (status completed if the caller's speech was being
/// recorded). `RECRESP_RESULT_NOT_RUNNING` if none is running.
///
/// # Safety
/// `channel` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_hang_up(channel: *mut recresp_channel) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { run_command(channel, |r| r.hang_up()) }
}

/// The host could not play the beep: the operation ends `playBeepFailed`.
/// `RECRESP_RESULT_NOT_PLAYING_BEEP` unless the beep is playing.
///
/// # Safety
/// `channel` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_beep_failed(
    channel: *mut recresp_channel,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { run_command(channel, |r| r.beep_failed()) }
}

/// An internal error in the host (for example its recording sink failed): the operation
/// ends `unspecifiedError`. `RECRESP_RESULT_NOT_RUNNING` if none is running.
///
/// # Safety
/// `channel` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_fail(channel: *mut recresp_channel) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { run_command(channel, |r| r.fail()) }
}

/// Stores the last operation's completion in `*completion`;
/// `RECRESP_RESULT_NOT_COMPLETED` until its `COMPLETED` event was handed out. Its message
/// stays valid until the channel is started again or freed.
///
/// # Safety
/// `channel` must be NULL or a live handle; `completion` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_completion(
    channel: *mut recresp_channel,
    completion: *mut recresp_completion,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe {
        get(channel, completion, |mut a| {
            let out = a.out();
            Ok(recresp_completion::new(
                out.completion()?,
                out.message_ptr(),
            ))
        })
    }
}

/// Stores in `*running` whether an operation is running (started and not completed).
///
/// # Safety
/// `channel` must be NULL or a live handle; `running` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_is_running(
    channel: *mut recresp_channel,
    running: *mut bool,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe {
        get(channel, running, |a| {
            Ok(with_body!(a, b => b.recorder.is_running()))
        })
    }
}

/// Stores in `*position` the samples consumed since the operation started.
///
/// # Safety
/// `channel` must be NULL or a live handle; `position` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_position(
    channel: *mut recresp_channel,
    position: *mut u64,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe {
        get(channel, position, |a| {
            Ok(with_body!(a, b => b.recorder.position()))
        })
    }
}
