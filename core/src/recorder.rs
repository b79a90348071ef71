//! The recordResponse state machine for one operation on one channel.
//!
//! Phases: prompt → beep → listening (initial-silence clock) → capturing (max-silence and
//! max-duration clocks) → done. The host pushes caller audio in and polls events out; time is
//! the number of caller samples consumed since [`Recorder::start`].
//!
//! Detectors run on 10 ms blocks aligned to the start of the operation, and what they report
//! is acted on at the end of the block. Clocks fire at their exact sample. Both depend only on
//! positions, never on how the host cut the audio into frames, so any chunking gives the same
//! events and the same recording, bit for bit.
//!
//! # Method groups
//! - Setup: [`Recorder::new`] or [`Recorder::with_config`], [`Recorder::start`].
//! - Input: [`Recorder::push_pcm`], [`Recorder::push_g711`], [`Recorder::push_lost`]
//!   (each returns how much it consumed), [`Recorder::handle_digit`] (RFC 4733).
//! - Commands: [`Recorder::cancel`], [`Recorder::hang_up`], [`Recorder::beep_failed`],
//!   [`Recorder::fail`].
//! - Output: [`Recorder::poll`], until it returns `None`, after every input or command.
//!   [`Recorder::feed_pcm`] does push-and-poll in one call.
//!
//! An input call consumes less than it was given when undrained output fills the recorder
//! (poll, then push the rest) or when the operation ended part way (the rest belongs to
//! whatever runs next).

use heapless::Deque;

use crate::completion::{call_terminated, CompletionReason, OperationStatus};
use crate::dtmf::{DtmfConfig, DtmfDetector, DtmfEvent};
use crate::event::{Completion, Event};
use crate::g711::Law;
use crate::holdback::HoldBack;
use crate::settings::RecordOptions;
use crate::silence::{SpeechConfig, SpeechDetector, SpeechEvent};
use crate::{beep::Beep, Digit, SampleRate};

/// Length of a detector block in milliseconds.
pub const BLOCK_MS: u32 = 10;
/// Audio kept before the detected speech onset, in milliseconds.
pub const PRE_ROLL_MS: u32 = 50;
/// A stop tone that begins within this many milliseconds of the speech onset that started
/// the recording is what started it: the recording is then empty.
pub const TONE_IS_SPEECH_MS: u32 = 30;

/// Samples the hold-back ring must hold at `rate`: the longer of the stop-tone and the
/// speech-onset reporting delays (plus pre-roll), plus one block for alignment.
pub const fn hold_samples(rate: SampleRate) -> usize {
    let dtmf = DtmfDetector::MAX_ONSET_DELAY_MS;
    let speech = SpeechDetector::MAX_ONSET_DELAY_MS + PRE_ROLL_MS;
    let ms = if dtmf > speech { dtmf } else { speech };
    ((ms + BLOCK_MS) * rate.per_ms()) as usize
}

/// The smallest hold-back capacity a [`Recorder`] at `rate` accepts: the held audio plus one
/// block of room for output not yet polled.
pub const fn required_capacity(rate: SampleRate) -> usize {
    hold_samples(rate) + (BLOCK_MS * rate.per_ms()) as usize
}

/// The default hold-back capacity: enough for 16 kHz (and so for 8 kHz).
pub const DEFAULT_CAPACITY: usize = required_capacity(SampleRate::Hz16000);

/// The hold-back capacity given to [`Recorder::new`] is too small for the rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CapacityError {
    /// The capacity the rate needs ([`required_capacity`]).
    pub required: usize,
}

impl core::fmt::Display for CapacityError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "hold-back capacity too small: this rate needs at least {} samples",
            self.required
        )
    }
}

/// A command that does not apply in the recorder's current phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CommandError {
    /// No operation is running (never started, or already completed).
    NotRunning,
    /// The beep is not playing.
    NotPlayingBeep,
}

impl core::fmt::Display for CommandError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            CommandError::NotRunning => "no operation is running",
            CommandError::NotPlayingBeep => "the beep is not playing",
        })
    }
}

/// Settings of the two detectors (recresp extensions; Graph has none). The defaults suit
/// telephone lines; see [`DtmfConfig`] and [`SpeechConfig`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DetectorConfig {
    /// The stop-tone detector.
    pub dtmf: DtmfConfig,
    /// The speech detector behind the silence timeouts (its `sensitivity` is the knob).
    pub speech: SpeechConfig,
}

/// The prompt the host will play before the beep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PromptAudio {
    /// The request has no prompt.
    None,
    /// The host loaded the prompt; it lasts this many samples at the caller's rate.
    Ready {
        /// Length of the prompt in caller samples.
        samples: u64,
    },
    /// The host could not load or play the prompt: the operation ends `playPromptFailed`.
    Failed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    Prompt,
    Beep,
    Listening,
    Capturing,
    Done,
}

/// Where input samples come from.
#[derive(Clone, Copy)]
enum Source<'a> {
    Pcm(&'a [i16]),
    G711(&'a [u8], Law),
    Lost(u64),
}

impl Source<'_> {
    fn len(&self) -> u64 {
        match *self {
            Source::Pcm(s) => s.len() as u64,
            Source::G711(b, _) => b.len() as u64,
            Source::Lost(n) => n,
        }
    }
}

/// Room kept in the event queue before each block is processed: more than one step of
/// `consume` can produce. A step ends at most one detector block and fires the clocks due
/// at its end: at most one `ToneDetected` (a key needs four consecutive 8 ms DTMF blocks, so
/// no two keys are confirmed within one 10 ms block), at most four speech events (the size
/// of `run_detectors`' buffer), and at most two clock events (`PromptFinished` and
/// `BeepStarted`, or `BeepFinished` and `Listening`): seven, and one spare.
const EVENT_ROOM: usize = 8;

/// Events that may wait unpolled while input is still consumed: the one `start` queues
/// (`BeepStarted` or `Listening`) and a few from earlier steps or `handle_digit`.
const EVENT_SLACK: usize = 4;

/// Capacity of a recorder's event queue. Input is consumed a step at a time, and a step
/// starts only with room for every event it can add, so no event is ever dropped; input keeps
/// being consumed while a few events wait to be polled.
pub const EVENT_QUEUE: usize = EVENT_ROOM + EVENT_SLACK;

/// One recordResponse operation on one channel. `N` is the hold-back capacity in samples
/// (at least [`required_capacity`] for the rate); all state lives inside, so a recorder can
/// be a `static`.
#[derive(Clone, Debug)]
pub struct Recorder<const N: usize = DEFAULT_CAPACITY> {
    rate: SampleRate,
    options: RecordOptions,
    phase: Phase,
    /// Samples consumed since `start`.
    pos: u64,
    block: u64,
    /// Where the current detector block ends.
    block_end: u64,
    hold: usize,
    prompt_end: u64,
    beep_end: u64,
    listen_start: u64,
    recording_start: u64,
    speech_onset: u64,
    /// Set while the caller pauses after speech: where the pause began.
    pause_start: Option<u64>,
    /// Set while media is lost: where the loss began.
    lost_since: Option<u64>,
    ring: HoldBack<N>,
    dtmf: DtmfDetector,
    speech: SpeechDetector,
    events: Deque<Event<'static>, EVENT_QUEUE>,
    completion: Option<Completion>,
}

impl<const N: usize> Recorder<N> {
    /// An idle recorder for caller audio at `rate`, with the detectors' default settings.
    pub fn new(rate: SampleRate) -> Result<Self, CapacityError> {
        Self::with_config(rate, DetectorConfig::default())
    }

    /// An idle recorder for caller audio at `rate`, with the given detector settings.
    pub fn with_config(rate: SampleRate, config: DetectorConfig) -> Result<Self, CapacityError> {
        let required = required_capacity(rate);
        if N < required {
            return Err(CapacityError { required });
        }
        Ok(Recorder {
            rate,
            options: RecordOptions::default(),
            phase: Phase::Idle,
            pos: 0,
            block: (BLOCK_MS * rate.per_ms()) as u64,
            block_end: 0,
            hold: hold_samples(rate),
            prompt_end: 0,
            beep_end: 0,
            listen_start: 0,
            recording_start: 0,
            speech_onset: 0,
            pause_start: None,
            lost_since: None,
            ring: HoldBack::new(),
            dtmf: DtmfDetector::with_config(rate, config.dtmf),
            speech: SpeechDetector::with_config(rate, config.speech),
            events: Deque::new(),
            completion: None,
        })
    }

    /// The caller's sample rate.
    pub fn rate(&self) -> SampleRate {
        self.rate
    }

    /// Samples consumed since the operation started.
    pub fn position(&self) -> u64 {
        self.pos
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
        self.block_end = self.block;
        self.pause_start = None;
        self.lost_since = None;
        self.ring.clear(0);
        self.dtmf.reset();
        self.speech.reset();
        self.events.clear();
        self.completion = None;
        match prompt {
            PromptAudio::Failed => {
                self.phase = Phase::Prompt;
                self.complete_with(CompletionReason::PlayPromptFailed, 0);
            }
            PromptAudio::Ready { samples } if samples > 0 => {
                self.phase = Phase::Prompt;
                self.prompt_end = samples;
                // The caller is not expected to speak over the prompt: what the line carries
                // meanwhile is its noise, and the speech detector learns it.
                self.speech.set_learning(true);
            }
            _ => {
                self.prompt_end = 0;
                self.after_prompt();
            }
        }
    }

    /// Pushes 16-bit PCM caller audio; returns how many samples were consumed: all of them,
    /// unless output must be polled first or the operation ended part way (the rest belongs
    /// to whatever runs next; pushing it again to this recorder ignores it).
    pub fn push_pcm(&mut self, frame: &[i16]) -> usize {
        self.consume(Source::Pcm(frame)) as usize
    }

    /// Pushes G.711 caller audio (one byte per sample); returns how many bytes were consumed.
    pub fn push_g711(&mut self, bytes: &[u8], law: Law) -> usize {
        self.consume(Source::G711(bytes, law)) as usize
    }

    /// Reports `samples` of time in which no media arrived (lost packets). The time counts on
    /// every clock and is recorded as silence; [`RecordOptions::media_timeout_ms`] of it in a
    /// row ends the operation with `mediaReceiveTimeout`. Returns how many were consumed.
    pub fn push_lost(&mut self, samples: u64) -> u64 {
        self.consume(Source::Lost(samples))
    }

    /// Pushes PCM and hands every event to `on_event` until the whole frame is consumed.
    pub fn feed_pcm(&mut self, mut frame: &[i16], mut on_event: impl FnMut(Event<'_>)) {
        loop {
            let n = self.push_pcm(frame);
            frame = frame.get(n..).unwrap_or(&[]);
            while let Some(e) = self.poll() {
                on_event(e);
            }
            if frame.is_empty() {
                break;
            }
        }
    }

    /// A DTMF key received out of band (RFC 4733), whose tone began at `onset` (clamped to
    /// the current position). It is acted on at once, at the current position, like an
    /// in-band detection at the end of a block.
    pub fn handle_digit(&mut self, digit: Digit, onset: u64) -> Result<(), CommandError> {
        if !self.is_running() {
            return Err(CommandError::NotRunning);
        }
        self.on_tone(digit, onset.min(self.pos));
        Ok(())
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
        if let Some(e) = self.events.pop_front() {
            return Some(e);
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

    /// Consumes input until it is used up, the operation ends, or output must be polled.
    fn consume(&mut self, src: Source<'_>) -> u64 {
        let total = src.len();
        let mut used = 0;
        while used < total {
            if !self.is_running() {
                // Input after the end of an operation is accepted and ignored; input in the
                // call that ended it is left for whatever runs next.
                return if used == 0 { total } else { used };
            }
            self.settle_ring();
            if self.ring.space() == 0 || self.events.capacity() - self.events.len() < EVENT_ROOM {
                break;
            }
            // A run of lost media starts its clock before the step's length is chosen.
            if matches!(src, Source::Lost(_)) {
                self.lost_since.get_or_insert(self.pos);
            } else {
                self.lost_since = None;
            }
            let block_end = self.block_end;
            let until = block_end.min(self.next_deadline());
            let n = (until - self.pos)
                .min(total - used)
                .min(self.ring.space() as u64);
            // The ring has room for `n` samples. One loop per kind of source keeps the
            // per-sample work to the decoding.
            let (from, n_usize) = (used as usize, n as usize);
            let _ = match src {
                Source::Pcm(s) => {
                    let s = s.get(from..from + n_usize).unwrap_or(&[]);
                    self.ring.extend_from(s.iter().copied())
                }
                Source::G711(b, law) => {
                    let b = b.get(from..from + n_usize).unwrap_or(&[]);
                    let table = law.table();
                    self.ring.extend_from(b.iter().map(|&x| table[x as usize]))
                }
                Source::Lost(_) => self.ring.extend_from(core::iter::repeat_n(0, n_usize)),
            };
            used += n;
            self.pos += n;
            if self.pos == block_end {
                self.block_end += self.block;
                self.run_detectors();
            }
            self.fire_clocks();
        }
        used
    }

    /// Keeps at most `hold` samples held: older ones go to the recording while capturing,
    /// and are forgotten otherwise.
    fn settle_ring(&mut self) {
        let keep_from = self.ring.end().saturating_sub(self.hold as u64);
        if self.phase == Phase::Capturing {
            self.ring.release_before(keep_from);
        } else {
            self.ring.drop_before(keep_from);
        }
    }

    /// The earliest position at which a clock fires.
    fn next_deadline(&self) -> u64 {
        let rate = self.rate;
        let phase = match self.phase {
            Phase::Prompt => self.prompt_end,
            Phase::Beep => self.beep_end,
            Phase::Listening => {
                self.listen_start + rate.samples_in_s(self.options.initial_silence_timeout_s)
            }
            Phase::Capturing => {
                let cap =
                    self.recording_start + rate.samples_in_s(self.options.max_record_duration_s);
                match self.pause_start {
                    Some(p) => cap.min(p + rate.samples_in_s(self.options.max_silence_timeout_s)),
                    None => cap,
                }
            }
            Phase::Idle | Phase::Done => u64::MAX,
        };
        let media = self.lost_since.map_or(u64::MAX, |t| {
            t + rate.samples_in_ms(self.options.media_timeout_ms)
        });
        // A clock already past fires at the next sample boundary, which is now.
        phase.min(media).max(self.pos)
    }

    /// Acts on every clock that is due at the current position.
    fn fire_clocks(&mut self) {
        if !self.is_running() {
            // A detector ended the operation in this step.
            return;
        }
        let rate = self.rate;
        if let Some(t) = self.lost_since {
            if self.pos >= t + rate.samples_in_ms(self.options.media_timeout_ms) {
                self.complete_with(CompletionReason::MediaReceiveTimeout, self.pos);
                return;
            }
        }
        match self.phase {
            Phase::Prompt if self.pos >= self.prompt_end => {
                self.push_event(Event::PromptFinished { at: self.pos });
                self.after_prompt();
            }
            Phase::Beep if self.pos >= self.beep_end => {
                self.push_event(Event::BeepFinished { at: self.pos });
                self.listen();
            }
            Phase::Listening => {
                let t = rate.samples_in_s(self.options.initial_silence_timeout_s);
                if self.pos >= self.listen_start + t {
                    self.complete_with(CompletionReason::InitialSilenceTimeout, self.pos);
                }
            }
            Phase::Capturing => {
                let cap = rate.samples_in_s(self.options.max_record_duration_s);
                if self.pos >= self.recording_start + cap {
                    self.complete_with(CompletionReason::MaxRecordDurationReached, self.pos);
                } else if let Some(p) = self.pause_start {
                    if self.pos >= p + rate.samples_in_s(self.options.max_silence_timeout_s) {
                        let end = if self.options.trim_trailing_silence {
                            (p + rate.samples_in_ms(self.options.trailing_guard_ms)).min(self.pos)
                        } else {
                            self.pos
                        };
                        self.complete_with(CompletionReason::MaxSilenceTimeout, end);
                    }
                }
            }
            _ => {}
        }
    }

    fn after_prompt(&mut self) {
        if self.options.play_beep {
            // The beep is line noise to the speech detector too.
            self.speech.set_learning(true);
            self.phase = Phase::Beep;
            self.beep_end = self.pos + Beep::len(self.rate) as u64;
            self.push_event(Event::BeepStarted { at: self.pos });
        } else {
            self.listen();
        }
    }

    fn listen(&mut self) {
        self.speech.set_learning(false);
        self.phase = Phase::Listening;
        self.listen_start = self.pos;
        self.push_event(Event::Listening { at: self.pos });
    }

    /// Runs both detectors on the block that just ended and acts on what they report.
    fn run_detectors(&mut self) {
        let (a, b) = self.ring.newest(self.block as usize);
        let mut tones: Deque<DtmfEvent, 4> = Deque::new();
        let mut speech: Deque<SpeechEvent, 4> = Deque::new();
        for part in [a, b] {
            self.dtmf.push(part, &mut |e| {
                let _ = tones.push_back(e);
            });
            self.speech.push(part, &mut |e| {
                let _ = speech.push_back(e);
            });
        }
        for e in tones {
            if let DtmfEvent::Start { digit, onset } = e {
                self.on_tone(digit, onset);
            }
        }
        for e in speech {
            self.on_speech(e);
        }
    }

    fn on_tone(&mut self, digit: Digit, onset: u64) {
        if !self.is_running() {
            return;
        }
        self.push_event(Event::ToneDetected { digit, onset });
        if !self.options.stop_tones.contains(digit) {
            return;
        }
        if onset < self.listen_start {
            // Stop tones count once the recorder listens: a key that began over the prompt
            // or the beep is reported but does not end the operation.
            return;
        }
        match self.phase {
            Phase::Listening => self.complete_with(CompletionReason::StopToneDetected, self.pos),
            Phase::Capturing => {
                let tone_was_the_speech =
                    onset <= self.speech_onset + self.rate.samples_in_ms(TONE_IS_SPEECH_MS);
                let end = if tone_was_the_speech {
                    self.recording_start
                } else {
                    onset
                };
                self.complete_with(CompletionReason::StopToneDetected, end);
            }
            _ => {}
        }
    }

    fn on_speech(&mut self, e: SpeechEvent) {
        match (self.phase, e) {
            (Phase::Listening, SpeechEvent::Start { onset }) => self.start_capture(onset),
            (Phase::Capturing, SpeechEvent::Start { .. }) => self.pause_start = None,
            (Phase::Capturing, SpeechEvent::End { end }) => {
                self.pause_start = Some(end.min(self.pos));
                self.push_event(Event::SpeechEnded { end });
            }
            _ => {}
        }
    }

    fn start_capture(&mut self, onset: u64) {
        let pre_roll = self.rate.samples_in_ms(PRE_ROLL_MS);
        let start = onset
            .saturating_sub(pre_roll)
            .max(self.listen_start)
            .max(self.ring.start());
        self.ring.drop_before(start);
        self.phase = Phase::Capturing;
        self.recording_start = start;
        self.speech_onset = onset.max(start);
        self.pause_start = None;
        crate::fmt::debug!("speech at {}, recording from {}", onset, start);
        self.push_event(Event::SpeechStarted {
            onset: self.speech_onset,
            recording_start: start,
        });
    }

    fn complete_with(&mut self, reason: CompletionReason, end: u64) {
        self.finish(reason, reason.status(), reason.result_info(), end);
    }

    /// Ends the operation: the recording is cut at `end` and released, and the completion
    /// waits behind the remaining output.
    fn finish(
        &mut self,
        reason: CompletionReason,
        status: OperationStatus,
        result_info: crate::ResultInfo,
        end: u64,
    ) {
        let recorded_samples = if self.phase == Phase::Capturing {
            let end = end.clamp(self.recording_start, self.pos);
            self.ring.truncate_from(end);
            self.ring.release_before(end);
            end - self.recording_start
        } else {
            self.ring.drop_before(self.ring.end());
            0
        };
        self.ring
            .truncate_from(self.ring.start() + self.ring.released() as u64);
        self.phase = Phase::Done;
        crate::fmt::debug!("completed at {}: {}", self.pos, reason);
        self.completion = Some(Completion {
            reason,
            status,
            result_info,
            at: self.pos,
            recorded_samples,
        });
    }

    fn push_event(&mut self, e: Event<'static>) {
        // `consume` keeps EVENT_ROOM free before each block, more than one block produces.
        let _ = self.events.push_back(e);
    }
}
