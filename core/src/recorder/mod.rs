//! The recordResponse state machine for one operation on one channel.
//!
//! Phases: prompt → beep → listening (initial-silence clock) → capturing (max-silence and
//! max-duration clocks) → done. Capturing starts at the speech detector's onset, before the
//! detector has confirmed that the sound is speech. If its segment ends unconfirmed (a steady
//! tone, a noise burst, a click, or a first word drowned in noise), the recorder waits
//! [`UNCONFIRMED_GAP_MS`] for more speech: a segment that starts by then continues the same
//! capture (its confirmation confirms the capture); otherwise the capture is discarded and
//! the recorder listens again, its initial-silence clock still running from when listening
//! began. The host pushes caller audio in and polls events out; time is
//! the number of caller samples consumed since [`Recorder::start`]. Input is consumed in
//! steps; a step ends at the end of a 10 ms tick or at the next clock's deadline, whichever
//! comes first. Detectors run at the end of each tick (ticks are aligned to the start of the
//! operation), and what they report is acted on there; clocks fire at their
//! exact sample. Both depend only on positions, never on how the host cut the audio into
//! frames, so any chunking gives the same events and the same recording, bit for bit. The
//! recording is cut from a hold-back ring that keeps just enough audio for the cuts that are
//! known late (the pre-roll before a speech onset, a stop tone's onset).
//!
//! The module is split by job: `api` (what the host calls), `clocks` (the timeouts as data,
//! one deadline function), `step` (consuming input, running the detectors, the phases) and
//! `window` (the recording window: what the ring holds, releases and cuts).
//!
//! # Method groups
//! - Setup: [`Recorder::new`] or [`Recorder::with_config`], [`Recorder::start`].
//! - Input: [`MediaSink::push`](crate::MediaSink::push) of a [`MediaInput`](crate::MediaInput)
//!   (samples, G.711 bytes, silence, lost media, an out-of-band key; it returns how much it
//!   consumed).
//! - Commands: [`Recorder::cancel`], [`Recorder::hang_up`], [`Recorder::beep_failed`],
//!   [`Recorder::fail`].
//! - Output: [`Recorder::poll`], until it returns `None`, after every input or command.
//!   [`media::feed`](crate::media::feed) does push-and-poll in one call.
//! - Getters, for tracing: [`Recorder::position`], [`Recorder::deadlines`] (the clocks),
//!   [`Recorder::speech_frame`] (the speech detector's last frame).
//!
//! An input call consumes less than it was given when undrained output fills the recorder
//! (poll, then push the rest) or when the operation ended part way (the rest belongs to
//! whatever runs next).

mod api;
mod clocks;
mod step;
mod window;

use heapless::Deque;

use crate::completion::CompletionReason;
use crate::digit::Digit;
use crate::dtmf::{DtmfConfig, DtmfDetector};
use crate::event::{Completion, Notice};
use crate::holdback::{HoldBack, Store};
use crate::settings::RecordOptions;
use crate::speech::{SpeechConfig, SpeechDetector};
use crate::SampleRate;

pub use crate::holdback::{Linear, Ulaw};
pub use api::ClockDeadlines;

/// Length of the recorder's tick in milliseconds: the detectors run at the end of each.
pub const TICK_MS: u32 = 10;
/// Audio kept before the detected speech onset, in milliseconds.
pub const PRE_ROLL_MS: u32 = 50;
/// How long after an unconfirmed segment ends the recorder waits for more speech before it
/// discards the capture, in milliseconds, counted from the segment's reported end to the
/// report of the next start. The end keeps 150 ms of tail after the last sound, and the
/// detector's hang (300 ms) already joins words closer than that into one segment, so a
/// caller's next word after a short pause of up to about half a second (a first word drowned
/// in babble or machine sound, then the rest of the answer) continues the capture started at
/// the first word; a lone click or tone is followed by silence for longer than this.
pub const UNCONFIRMED_GAP_MS: u32 = 350;
/// How long a capture may stay unconfirmed once the initial-silence timeout has passed, in
/// milliseconds from the recording's start: a sound that goes on that long without
/// moving as a voice does (a machine, a hum) ends the operation on initial silence and its
/// capture is discarded. A voice confirms within a few hundred milliseconds.
pub const UNCONFIRMED_MAX_MS: u32 = 1000;
/// A stop tone that begins within this many milliseconds of the speech onset that started
/// the recording is what started it: the recording is then empty.
pub const TONE_IS_SPEECH_MS: u32 = 30;

/// Samples the hold-back ring must hold at `rate` when a detector reports, at the end of a
/// tick: the speech detector's onset delay plus the pre-roll (its 10 ms frames end with the
/// recorder's ticks), or the DTMF detector's onset delay plus the part of a tick its 8 ms
/// blocks may end before the tick's end, whichever is longer.
pub const fn hold_samples(rate: SampleRate) -> usize {
    let dtmf = DtmfDetector::MAX_ONSET_DELAY_MS + TICK_MS;
    let speech = SpeechDetector::MAX_ONSET_DELAY_MS + PRE_ROLL_MS;
    let ms = if dtmf > speech { dtmf } else { speech };
    (ms * rate.per_ms()) as usize
}

/// The smallest hold-back capacity a [`Recorder`] at `rate` accepts: the held audio plus one
/// tick of room for output not yet polled.
pub const fn required_capacity(rate: SampleRate) -> usize {
    hold_samples(rate) + (TICK_MS * rate.per_ms()) as usize
}

/// The default hold-back capacity: enough for 16 kHz (and so for 8 kHz).
pub const DEFAULT_CAPACITY: usize = required_capacity(SampleRate::Hz16000);

/// A recorder for 8 kHz audio only: the hold-back ring sized for 8 kHz (half the default's
/// samples), 16-bit storage, any input.
pub type NarrowbandRecorder = Recorder<{ required_capacity(SampleRate::Hz8000) }>;

/// A recorder for an 8 kHz G.711 μ-law channel: the hold-back ring keeps the μ-law bytes
/// (under 2 KiB of state per channel on a 32-bit target).
pub type UlawRecorder = Recorder<{ required_capacity(SampleRate::Hz8000) }, Ulaw>;

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

impl core::error::Error for CapacityError {}

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

impl core::error::Error for CommandError {}

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

/// Room kept in the event queue before each tick is processed: more than one step of
/// input can produce. A step ends at most one tick and fires the clocks due
/// at its end: at most one `ToneDetected` (a key needs four consecutive 8 ms DTMF blocks, so
/// no two keys are confirmed within one 10 ms tick), at most four speech events (the size
/// of the detector step's buffer), and at most two clock events (`PromptFinished` and
/// `BeepStarted`, or `BeepFinished` and `Listening`): seven, and one spare.
const EVENT_ROOM: usize = 8;

/// Events that may wait unpolled while input is still consumed: the one `start` queues
/// (`BeepStarted` or `Listening`) and a couple from earlier steps or an out-of-band key.
const EVENT_SLACK: usize = 3;

/// Capacity of a recorder's event queue. Input is consumed a step at a time, and a step
/// starts only with room for every event it can add, so no event is ever dropped; input keeps
/// being consumed while a few events wait to be polled.
pub const EVENT_QUEUE: usize = EVENT_ROOM + EVENT_SLACK;

/// One recordResponse operation on one channel. `N` is the hold-back capacity in samples
/// (at least [`required_capacity`] for the rate: an 8 kHz-only recorder can take
/// `required_capacity(SampleRate::Hz8000)`, about half the default). `S` is how the held
/// audio is stored: 16-bit PCM ([`Linear`], the default, any input bit for bit) or G.711
/// μ-law bytes ([`Ulaw`]: half the RAM, for channels whose audio is μ-law). All state lives
/// inside, so a recorder can be a `static`.
#[derive(Clone, Debug)]
pub struct Recorder<const N: usize = DEFAULT_CAPACITY, S: Store = Linear> {
    rate: SampleRate,
    phase: Phase,
    options: RecordOptions,
    /// Samples consumed since `start`.
    pos: u64,
    /// Where the current tick ends.
    tick_end: u64,
    /// Where the prompt, or the beep, ends (in those phases).
    phase_end: u64,
    listen_start: u64,
    recording_start: u64,
    speech_onset: u64,
    /// Whether the recording started on a segment the speech detector has not confirmed as
    /// speech yet: if the segment ends unconfirmed, the capture is discarded.
    provisional: bool,
    /// Whether a `CaptureDiscarded` notice waits to be polled: no input is taken until it is,
    /// so the host never gets audio of a new recording before it.
    discard_unpolled: bool,
    /// Set while the caller pauses after speech: where the pause began. In a provisional
    /// capture the pause ends it after [`UNCONFIRMED_GAP_MS`] unless speech starts again.
    pause_start: Option<u64>,
    /// Set while media is lost: where the loss began.
    lost_since: Option<u64>,
    ring: HoldBack<N, S>,
    dtmf: DtmfDetector,
    speech: SpeechDetector,
    events: Deque<Notice, EVENT_QUEUE>,
    completion: Option<Completion>,
    /// The stop key that ended the previous operation: its press is still going on when the
    /// next operation starts, and is not a new press there.
    held_key: Option<Digit>,
    /// The stop key that ended the current operation, if one did.
    stop_key: Option<Digit>,
}

impl<const N: usize, S: Store> Recorder<N, S> {
    /// Samples in one tick.
    fn tick_len(&self) -> u64 {
        (TICK_MS * self.rate.per_ms()) as u64
    }

    fn complete_with(&mut self, reason: CompletionReason, end: u64) {
        self.finish(reason, reason.status(), reason.result_info(), end);
    }

    fn push_event(&mut self, e: Notice) {
        // `consume` keeps EVENT_ROOM free before each tick, more than one tick produces.
        let _ = self.events.push_back(e);
    }
}
