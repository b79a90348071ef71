//! What the host calls: construction, `start`, the input calls, the commands and `poll`.
//! Each input call hands its audio to the stepping loop (`step.rs`); each command ends the
//! operation through the recording window (`window.rs`).

use core::mem::MaybeUninit;

use heapless::Deque;

use super::clocks::Clock;
use super::{
    required_capacity, CapacityError, CommandError, DetectorConfig, Phase, PromptAudio, Recorder,
};
use crate::completion::{call_terminated, CompletionReason};
use crate::dtmf::DtmfDetector;
use crate::event::{Event, Notice};
use crate::holdback::{HoldBack, Store};
use crate::media::{MediaInput, MediaSink};
use crate::settings::RecordOptions;
use crate::speech::{FrameTrace, SpeechDetector};
use crate::SampleRate;

/// Where each of the operation's timeouts fires as things stand, in samples since
/// [`Recorder::start`]; `None` for a clock that is not running in the current phase (for
/// tracing and drawing: the recorder itself acts on them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ClockDeadlines {
    /// `initialSilenceTimeoutInSeconds` after listening began, while listening or while the
    /// capture is not yet confirmed as speech (then no earlier than
    /// [`UNCONFIRMED_MAX_MS`](crate::UNCONFIRMED_MAX_MS) after the recording's start).
    pub initial_silence: Option<u64>,
    /// `maxSilenceTimeoutInSeconds` after the caller's speech ended, while capturing and the
    /// caller pauses.
    pub max_silence: Option<u64>,
    /// `maxRecordDurationInSeconds` after the recording's start, while capturing.
    pub max_duration: Option<u64>,
    /// [`RecordOptions::media_timeout_ms`] after media stopped arriving, while it is lost.
    pub media_timeout: Option<u64>,
}

impl<const N: usize, S: Store> Recorder<N, S> {
    /// An idle recorder for caller audio at `rate`, with the detectors' default settings.
    pub fn new(rate: SampleRate) -> Result<Self, CapacityError> {
        Self::with_config(rate, DetectorConfig::default())
    }

    /// An idle recorder for caller audio at `rate`, with the given detector settings.
    pub fn with_config(rate: SampleRate, config: DetectorConfig) -> Result<Self, CapacityError> {
        Self::check_capacity(rate)?;
        Ok(Self::fresh(rate, config))
    }

    /// Checks that `N` holds the hold-back `rate` needs.
    fn check_capacity(rate: SampleRate) -> Result<(), CapacityError> {
        let required = required_capacity(rate);
        if N < required {
            return Err(CapacityError { required });
        }
        Ok(())
    }

    /// An idle recorder; `N` is known to be large enough. Always inlined, so that the
    /// caller's destination is where the fields are built.
    #[inline(always)]
    fn fresh(rate: SampleRate, config: DetectorConfig) -> Self {
        Recorder {
            rate,
            phase: Phase::Idle,
            options: RecordOptions::default(),
            pos: 0,
            tick_end: 0,
            phase_end: 0,
            listen_start: 0,
            recording_start: 0,
            speech_onset: 0,
            provisional: false,
            discard_unpolled: false,
            pause_start: None,
            lost_since: None,
            ring: HoldBack::new(),
            dtmf: DtmfDetector::with_config(rate, config.dtmf),
            speech: SpeechDetector::with_config(rate, config.speech),
            events: Deque::new(),
            completion: None,
            held_key: None,
            stop_key: None,
        }
    }

    /// [`Recorder::with_config`], written into `slot` (a static's, say) instead of returned,
    /// so the compiler can build the fields where they stay rather than in a temporary that
    /// is then copied: on a small target that temporary can be the deepest the stack goes.
    /// Returns the recorder, now initialised; on `Err`, `slot` is left as it was.
    pub fn with_config_in(
        slot: &mut MaybeUninit<Self>,
        rate: SampleRate,
        config: DetectorConfig,
    ) -> Result<&mut Self, CapacityError> {
        Self::check_capacity(rate)?;
        Ok(slot.write(Self::fresh(rate, config)))
    }

    /// The caller's sample rate.
    pub fn rate(&self) -> SampleRate {
        self.rate
    }

    /// Samples consumed since the operation started.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Where each timeout would fire as things stand now. Read after a push, it tells where
    /// the clocks stood at the end of it.
    pub fn deadlines(&self) -> ClockDeadlines {
        ClockDeadlines {
            initial_silence: self.deadline(Clock::InitialSilence),
            max_silence: self.deadline(Clock::MaxSilence),
            max_duration: self.deadline(Clock::MaxDuration),
            media_timeout: self.deadline(Clock::MediaTimeout),
        }
    }

    /// What the speech detector made of the last 10 ms frame it was given since `start` (its
    /// positions are the recorder's). The detector judges each tick when it ends, so after
    /// a push that ends on a tick boundary this is that tick's frame.
    pub fn speech_frame(&self) -> Option<FrameTrace> {
        self.speech.last_frame()
    }

    /// Whether an operation is running (started and not completed).
    pub fn is_running(&self) -> bool {
        !matches!(self.phase, Phase::Idle | Phase::Done)
    }

    /// Whether the recorder is capturing the caller's answer.
    pub fn is_capturing(&self) -> bool {
        self.phase == Phase::Capturing
    }

    /// Starts an operation with validated options and the prompt the host loaded. Any
    /// operation still running is dropped without a completion; pending output is discarded.
    pub fn start(&mut self, options: RecordOptions, prompt: PromptAudio) {
        self.options = options;
        self.pos = 0;
        self.tick_end = self.tick_len();
        self.provisional = false;
        self.discard_unpolled = false;
        self.pause_start = None;
        self.lost_since = None;
        self.ring.clear(0);
        self.dtmf.reset();
        self.speech.reset();
        self.events.clear();
        self.completion = None;
        self.held_key = self.stop_key.take();
        match prompt {
            PromptAudio::Failed => {
                self.phase = Phase::Prompt;
                self.complete_with(CompletionReason::PlayPromptFailed, 0);
            }
            PromptAudio::Ready { samples } if samples > 0 => {
                self.phase = Phase::Prompt;
                self.phase_end = samples;
                // The caller is not expected to speak over the prompt: what the line carries
                // meanwhile is its noise, and the speech detector learns it.
                self.speech.set_learning(true);
            }
            _ => self.after_prompt(),
        }
    }

    /// Cancels the operation (Graph's cancelMediaProcessing, or a barge-in): it ends
    /// `operationCanceled`, status `failed`.
    pub fn cancel(&mut self) -> Result<(), CommandError> {
        self.command(CompletionReason::OperationCanceled)
    }

    /// The host could not play the beep: the operation ends `playBeepFailed`.
    pub fn beep_failed(&mut self) -> Result<(), CommandError> {
        if self.phase != Phase::Beep {
            return Err(CommandError::NotPlayingBeep);
        }
        self.command(CompletionReason::PlayBeepFailed)
    }

    /// An internal error in the host (for example its recording sink failed): the operation
    /// ends `unspecifiedError`.
    pub fn fail(&mut self) -> Result<(), CommandError> {
        self.command(CompletionReason::UnspecifiedError)
    }

    /// The call ended. What was captured is kept and the operation completes now with reason
    /// `operationCanceled` and resultInfo subcode 8528: status `completed` (code 200) if the
    /// caller's speech was being recorded, `failed` (code 400) otherwise. Graph itself has no
    /// hang-up reason.
    pub fn hang_up(&mut self) -> Result<(), CommandError> {
        if !self.is_running() {
            return Err(CommandError::NotRunning);
        }
        let captured = self.phase == Phase::Capturing && self.pos > self.recording_start;
        let (status, result_info) = call_terminated(captured);
        self.finish(
            CompletionReason::OperationCanceled,
            status,
            result_info,
            self.pos,
        );
        Ok(())
    }

    /// Whether [`Recorder::poll`] has something to return.
    pub fn has_output(&self) -> bool {
        self.ring.released() > 0 || !self.events.is_empty() || self.completion.is_some()
    }

    /// The next event: captured audio first, then notices, and the completion last.
    pub fn poll(&mut self) -> Option<Event<'_>> {
        if self.ring.released() > 0 {
            return Some(Event::Captured(self.ring.take_released()));
        }
        if let Some(n) = self.events.pop_front() {
            if let Notice::CaptureDiscarded(_) = n {
                self.discard_unpolled = false;
            }
            return Some(n.event());
        }
        self.completion.take().map(Event::Completed)
    }

    fn command(&mut self, reason: CompletionReason) -> Result<(), CommandError> {
        if !self.is_running() {
            return Err(CommandError::NotRunning);
        }
        self.complete_with(reason, self.pos);
        Ok(())
    }
}

/// The recorder takes the caller's media for its operation. A push consumes everything,
/// unless output must be polled first or the operation ended part way (the rest belongs to
/// whatever runs next; pushing it again to this recorder ignores it). [`MediaInput::Lost`]
/// counts on every clock and is recorded as silence; [`RecordOptions::media_timeout_ms`] of
/// it in a row ends the operation `mediaReceiveTimeout`. A [`MediaInput::Digit`] is acted on
/// at once, at the current position, like an in-band detection at the end of a tick (its
/// onset no earlier than the operation's start).
impl<const N: usize, S: Store> MediaSink for Recorder<N, S> {
    type Event<'a>
        = Event<'a>
    where
        Self: 'a;

    fn rate(&self) -> SampleRate {
        self.rate
    }

    fn push(&mut self, input: MediaInput<'_>) -> u64 {
        self.consume(input)
    }

    fn poll(&mut self) -> Option<Event<'_>> {
        Recorder::poll(self)
    }
}
