//! Runs one scenario through the real recorder the way a phone does: parse the Graph request
//! body, answer with the running `recordOperation`, receive the caller's audio (G.711 at
//! 8 kHz, or G.722 at 16 kHz) as RTP packets of 10 ms (a few lost, late or duplicated: see
//! [`crate::network`]) through the core's `RtpReceiver`, append captured audio to the
//! recording, send the prompt, the beep and silence back through the core's `Playout` (one
//! 10 ms frame for each 10 ms of the caller's media the recorder has taken: the outbound
//! stream runs on the recorder's clock, which the receiver's reorder window holds back by a
//! few packets after a loss), and write Graph's completion notification.
//!
//! Nothing allocates. What a call keeps besides the recorder is the caller's: the parsed
//! request, the RTP receiver, the playout and the simulated network's packet buffers
//! ([`CallMemory`]) and the room for the JSON documents ([`JsonBuffer`]), so a firmware can
//! keep them in statics rather than on the stack; the rest is on the stack, a few hundred
//! bytes. The recording is not stored: its samples are counted and checksummed
//! ([`Fnv1a32`]) as they come out; so are the outbound frames.

use recresp_core::codec::G722Encoder;
use recresp_core::json::{
    derive_operation_id, parse_request_into, write_notification, write_running_operation,
    OperationRef, Recording, RequestError, WriteError, NOTIFICATION_MAX_LEN, OPERATION_MAX_LEN,
};
use recresp_core::rtp::{RtpConfig, RtpError, RtpReceiver};
use recresp_core::synth::add_noise;
use recresp_core::{required_capacity, Recorder, Store, UlawRecorder, TICK_MS};
use recresp_core::{Completion, Event, Playout, SampleRate};
use recresp_core::{CompletionReason, PromptAudio, RecordOptions, Settings};
use recresp_harness::rng::Lcg;
use recresp_harness::script::line_noise_g711;
use recresp_harness::{Fnv1a32, Tally};

use crate::network::Network;
use crate::scenarios::{Coding, Scenario, LAW, LINE_NOISE_PEAK, LINE_NOISE_SEED};

/// The recorder of one 8 kHz μ-law channel: the smallest hold-back ring the rate allows,
/// holding the μ-law bytes as they came (decoded on the way out, bit for bit).
pub type ChannelRecorder = UlawRecorder;

/// The recorder of one 16 kHz G.722 channel: the hold-back ring sized for 16 kHz, holding
/// the decoded 16-bit samples.
pub type WidebandRecorder = Recorder<{ required_capacity(SampleRate::Hz16000) }>;

/// Samples in one 10 ms frame of G.711 (one RTP packet).
pub const FRAME_SAMPLES: usize = 80;

/// Bytes in one 10 ms frame, either coding: 80 G.711 bytes, or 80 G.722 octets (160
/// samples at 16 kHz).
pub const FRAME_BYTES: usize = 80;

/// Milliseconds in a frame, and in a packet.
pub const FRAME_MS: u32 = TICK_MS;

/// The channel's RTP receiver: a reorder window of 8 packets of one frame each.
pub type ChannelReceiver = RtpReceiver<8, FRAME_BYTES>;

/// Longest a scenario may run before it counts as hung, in frames (30 s).
pub const MAX_FRAMES: u32 = 3000;

/// Room for the running `recordOperation` document: the core's bound for any request.
pub const OPERATION_JSON_CAPACITY: usize = OPERATION_MAX_LEN;
/// Room for the `commsNotifications` document: the core's bound for any request, with ids,
/// location and token within the core's limits.
pub const NOTIFICATION_JSON_CAPACITY: usize = NOTIFICATION_MAX_LEN;

/// Where recordings are published; the operation id and `.wav` follow.
pub const RECORDING_URL_PREFIX: &str = "https://recordings.recresp.invalid/";

/// What went out on the outbound stream, and when the beep ended there and in the recorder.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outbound {
    /// 10 ms frames sent.
    pub frames: u32,
    /// [`Fnv1a32`] of every byte sent.
    pub fnv: u32,
    /// The request asked for a beep.
    pub beep_requested: bool,
    /// Packet time (0 is the first) in which the frame that held the beep's last sample
    /// was sent.
    pub beep_sent: Option<u32>,
    /// Packet time of the packet whose media made the recorder say `BeepFinished`.
    pub beep_finished: Option<u32>,
}

impl Outbound {
    /// Whether the beep went out as the recorder heard it: when the request asked for one,
    /// the frame that ended it was sent in the packet time the recorder said
    /// `BeepFinished`; otherwise neither happened.
    pub fn beep_in_step(&self) -> bool {
        if self.beep_requested {
            self.beep_sent.is_some() && self.beep_sent == self.beep_finished
        } else {
            self.beep_sent.is_none() && self.beep_finished.is_none()
        }
    }
}

/// What one scenario produced: the three values the firmware and the host must agree on,
/// plus the checksum of the notification document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Graph's `completionReason`.
    pub reason: CompletionReason,
    /// Length of the recording in samples.
    pub recorded_samples: u64,
    /// [`Fnv1a32`] of the recording's samples as little-endian bytes.
    pub recording_fnv: u32,
    /// [`Fnv1a32`] of the `commsNotifications` JSON.
    pub notification_fnv: u32,
    /// 10 ms frames of caller audio pushed, up to and including the one that ended it.
    pub frames: u32,
    /// The outbound stream.
    pub outbound: Outbound,
}

/// Why a scenario could not run to its end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The request body was refused.
    Request(RequestError),
    /// A JSON document did not fit its buffer.
    Json(WriteError),
    /// The operation did not complete within [`MAX_FRAMES`].
    Hung,
    /// The RTP receiver refused a packet.
    Rtp(RtpError),
    /// The playout could not write a frame.
    Playout,
    /// The recorder handed out more audio than the recording keeps (trailing silence trimmed
    /// after release); this sink checksums audio as it comes and cannot take it back.
    CapturedMoreThanRecorded {
        /// Samples handed out.
        captured: u64,
        /// Samples the completion keeps.
        recorded: u64,
    },
}

/// What the board does around the recorder. Every method has an empty default.
pub trait Hooks {
    /// Called right before the recorder (through the RTP receiver) takes a packet, and
    /// again after each event it hands out.
    fn before_push(&mut self) {}
    /// Called right after the recorder took a packet, and before each event it hands out.
    fn after_push(&mut self) {}
    /// Whether the recorder is capturing, after every frame (a board lights a lamp).
    fn capturing(&mut self, _on: bool) {}
    /// An event other than captured audio and the completion.
    fn event(&mut self, _event: &Event<'_>) {}
    /// The running `recordOperation` returned to the bot.
    fn running_operation(&mut self, _json: &str) {}
    /// The `commsNotifications` posted to the bot at the end.
    fn notification(&mut self, _json: &str) {}
    /// The outbound frame that ended the beep was sent; `with_recorder` tells whether the
    /// recorder said `BeepFinished` in the same packet time.
    fn beep_sent(&mut self, _with_recorder: bool) {}
}

/// What one call keeps besides the recorder and the document buffer ([`JsonBuffer`]): the
/// parsed request (its `clientContext` is echoed in both documents), the channel's RTP
/// receiver and playout, and the simulated caller's network, G.722 encoder and line-noise
/// frame, as a device keeps its packet buffers. A firmware keeps it in a static,
/// initialised by the `const` [`CallMemory::new`] (so it is never built on the stack).
pub struct CallMemory {
    settings: Settings,
    receiver: ChannelReceiver,
    playout: Playout<'static>,
    /// The frame being sent.
    outbound: [u8; FRAME_BYTES],
    /// The simulated network's packets.
    network: Network,
    /// The caller's G.722 encoder, for the line noise of a G.722 call.
    caller_g722: G722Encoder,
    /// A frame of line noise, sent when the caller's clip is not playing.
    line_noise: [u8; FRAME_BYTES],
}

/// A receiver as a call starts with it: assigned from this constant, it is copied in place.
const FRESH_RECEIVER: ChannelReceiver = ChannelReceiver::new(RtpConfig::DEFAULT);

/// Room for either JSON document (the larger of the two bounds); one buffer holds each in
/// turn: the running operation, then the notification. All zero at first, so a static one
/// costs no flash.
pub type JsonBuffer = [u8; JSON_CAPACITY];

/// Bytes in a [`JsonBuffer`].
pub const JSON_CAPACITY: usize = if NOTIFICATION_JSON_CAPACITY > OPERATION_JSON_CAPACITY {
    NOTIFICATION_JSON_CAPACITY
} else {
    OPERATION_JSON_CAPACITY
};

impl CallMemory {
    /// Memory for a call: Graph's default settings, a fresh receiver, an idle playout.
    pub const fn new() -> Self {
        CallMemory {
            settings: Settings::new(),
            receiver: FRESH_RECEIVER,
            playout: Playout::new(Coding::G711.out_codec()),
            outbound: [0; FRAME_BYTES],
            network: Network::new(Coding::G711.payload_type()),
            caller_g722: G722Encoder::new(),
            line_noise: [0; FRAME_BYTES],
        }
    }
}

impl Default for CallMemory {
    fn default() -> Self {
        Self::new()
    }
}

/// Runs `scenario` with `clip` (its caller audio, coded as the scenario says) on `recorder`
/// (made for the coding's rate), with `memory` for the request, the receiver and the playout,
/// `json` for the documents, and `prompt` (at the coding's rate) as the prompt the caller
/// hears when the request has one. What a call before left there is reset: the request's
/// parameters (recresp's extensions are kept, and this runner sets none), the receiver and
/// the playout; the documents are overwritten.
///
/// The request is parsed straight into `memory`; the parse and the two documents are
/// written by functions that are never inlined, so their locals are not merged into the
/// frame that runs the recorder.
#[inline(never)]
pub fn run<const N: usize, S: Store>(
    recorder: &mut Recorder<N, S>,
    memory: &mut CallMemory,
    json: &mut JsonBuffer,
    scenario: &Scenario,
    clip: &[u8],
    prompt: &'static [i16],
    hooks: &mut impl Hooks,
) -> Result<Outcome, RunError> {
    let CallMemory {
        settings,
        receiver,
        playout,
        outbound: sent,
        network,
        caller_g722,
        line_noise: generated,
    } = memory;
    let options = parse(scenario.request, settings)?;
    let operation_id = derive_operation_id(scenario.call_id, scenario.request);
    let op = OperationRef {
        call_id: scenario.call_id,
        operation_id: &operation_id,
        client_context: &settings.client_context,
    };
    answer(&op, json, hooks)?;

    let coding = scenario.coding();
    restart(coding, playout, network, receiver, caller_g722);
    let with_prompt = settings.prompt.is_some();
    start(
        recorder,
        options,
        with_prompt,
        playout,
        prompt,
        coding,
        scenario,
    );

    let mut sink = Tally::default();
    let mut outbound = Outbound {
        beep_requested: options.play_beep,
        ..Outbound::default()
    };
    let mut outbound_fnv = Fnv1a32::default();
    let mut line_noise = Lcg::new(LINE_NOISE_SEED);
    let frame_samples = coding.rate().samples_in_ms(FRAME_MS);
    let lead_in_frames = scenario.lead_in_ms / FRAME_MS;
    let mut frames = clip.chunks(FRAME_BYTES);
    for frame_index in 0..MAX_FRAMES {
        let from_clip = if frame_index < lead_in_frames {
            None
        } else {
            frames.next()
        };
        let frame = match from_clip {
            Some(f) => f,
            None => {
                line_noise_frame(coding, &mut line_noise, caller_g722, generated);
                &generated[..]
            }
        };
        let mut completion = None;
        let mut refused = None;
        network.send(frame, |packet| {
            if completion.is_some() || refused.is_some() {
                return;
            }
            let mut on_event = |event: &Event<'_>| match event {
                Event::BeepStarted { .. } => playout.play_beep(),
                Event::BeepFinished { .. } => outbound.beep_finished = Some(frame_index),
                _ => {}
            };
            match push_packet(recorder, receiver, packet, &mut sink, &mut on_event, hooks) {
                Ok(c) => completion = c,
                Err(e) => refused = Some(e),
            }
        });
        if let Some(e) = refused {
            return Err(RunError::Rtp(e));
        }
        hooks.capturing(recorder.is_capturing());
        if let Some(c) = completion {
            outbound.fnv = outbound_fnv.0;
            return finish(
                scenario,
                &op,
                &c,
                &sink,
                outbound,
                json,
                hooks,
                frame_index + 1,
            );
        }
        // What the caller hears: a frame for each frame of media the recorder has taken, so
        // the outbound stream runs on the recorder's clock.
        let mut stream = OutboundStream {
            playout,
            sent,
            fnv: &mut outbound_fnv,
            report: &mut outbound,
        };
        stream.send_due(recorder.position() / frame_samples, frame_index, hooks)?;
    }
    Err(RunError::Hung)
}

/// The outbound stream of a call: the playout, the frame being sent, what has gone out.
struct OutboundStream<'a, 'p> {
    playout: &'a mut Playout<'p>,
    sent: &'a mut [u8; FRAME_BYTES],
    fnv: &'a mut Fnv1a32,
    report: &'a mut Outbound,
}

impl OutboundStream<'_, '_> {
    /// Sends frames until `due` have gone out, in packet time `now`: each is coded into
    /// `sent` and added to the checksum. Not inlined, so the coder's buffers stay out of the
    /// frame that runs the recorder.
    #[inline(never)]
    fn send_due(&mut self, due: u64, now: u32, hooks: &mut impl Hooks) -> Result<(), RunError> {
        while u64::from(self.report.frames) < due {
            let out = self
                .playout
                .next_frame(FRAME_MS, self.sent)
                .map_err(|_| RunError::Playout)?;
            self.fnv.bytes(self.sent.get(..out.len).unwrap_or(&[]));
            self.report.frames += 1;
            if out.beep_finished {
                self.report.beep_sent = Some(now);
                hooks.beep_sent(self.report.beep_finished == Some(now));
            }
        }
        Ok(())
    }
}

/// Fills `out` with the next frame of line noise, coded as `coding`: for G.722, 160 samples
/// at 16 kHz through the caller's own encoder, whose state runs on across frames.
#[inline(never)]
fn line_noise_frame(
    coding: Coding,
    rng: &mut Lcg,
    g722: &mut G722Encoder,
    out: &mut [u8; FRAME_BYTES],
) {
    match coding {
        Coding::G711 => line_noise_g711(rng, LINE_NOISE_PEAK, LAW, out),
        Coding::G722 => {
            let mut pcm = [0i16; 2 * FRAME_BYTES];
            add_noise(&mut pcm, LINE_NOISE_PEAK, rng);
            let _ = g722.encode(&pcm, out);
        }
    }
}

/// Starts the operation on `recorder`, and the prompt on `playout` when the request has one
/// (`scenario.prompt_ms` of it, as the recorder counts it). Not inlined, so the recorder's
/// fresh state is not built in the frame that runs it.
#[inline(never)]
fn start<const N: usize, S: Store>(
    recorder: &mut Recorder<N, S>,
    options: RecordOptions,
    with_prompt: bool,
    playout: &mut Playout<'static>,
    prompt: &'static [i16],
    coding: Coding,
    scenario: &Scenario,
) {
    let prompt_audio = if with_prompt {
        playout.play_prompt(prompt);
        PromptAudio::Ready {
            samples: coding.rate().samples_in_ms(scenario.prompt_ms),
        }
    } else {
        PromptAudio::None
    };
    recorder.start(options, prompt_audio);
}

/// Resets what a call before left for a call coded as `coding`. Not inlined, so the fresh
/// values are not built in the frame that runs the recorder.
#[inline(never)]
fn restart(
    coding: Coding,
    playout: &mut Playout<'static>,
    network: &mut Network,
    receiver: &mut ChannelReceiver,
    caller_g722: &mut G722Encoder,
) {
    *playout = Playout::new(coding.out_codec());
    *network = Network::new(coding.payload_type());
    *receiver = FRESH_RECEIVER;
    *caller_g722 = G722Encoder::new();
}

/// Parses and validates the request body straight into `settings`; returns what the
/// recorder runs on. Not inlined, so the parser's code and locals stay out of the function
/// that runs the recorder frame by frame.
#[inline(never)]
fn parse(request: &str, settings: &mut Settings) -> Result<RecordOptions, RunError> {
    parse_request_into(request, settings).map_err(RunError::Request)
}

/// Writes the running `recordOperation` returned to the bot, into `json`.
#[inline(never)]
fn answer(op: &OperationRef<'_>, json: &mut [u8], hooks: &mut impl Hooks) -> Result<(), RunError> {
    let n = write_running_operation(op, json).map_err(RunError::Json)?;
    hooks.running_operation(as_str(json, n));
    Ok(())
}

/// Hands one RTP packet to the receiver, which plays what is due into the recorder, and
/// drains the recorder's output: captured audio into the sink, every other event to
/// `on_event` (and then to the hooks); returns the completion if the operation ended.
fn push_packet<const N: usize, S: Store>(
    recorder: &mut Recorder<N, S>,
    receiver: &mut ChannelReceiver,
    packet: &[u8],
    sink: &mut Tally,
    on_event: &mut impl FnMut(&Event<'_>),
    hooks: &mut impl Hooks,
) -> Result<Option<Completion>, RtpError> {
    let mut completion = None;
    hooks.before_push();
    let result = receiver.packet(recorder, packet, |event| {
        // What the host does with an event is not the recorder's work: the hooks bracket
        // only the receiver and the recorder.
        hooks.after_push();
        match event {
            Event::Captured(audio) => sink.add(audio),
            Event::CaptureDiscarded { .. } => {
                sink.discard();
                on_event(&event);
                hooks.event(&event);
            }
            Event::Completed(c) => completion = Some(c),
            other => {
                on_event(&other);
                hooks.event(&other);
            }
        }
        hooks.before_push();
    });
    hooks.after_push();
    result.map(|_| completion)
}

/// Checks the recording against the completion and writes the notification.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn finish(
    scenario: &Scenario,
    op: &OperationRef<'_>,
    completion: &Completion,
    sink: &Tally,
    outbound: Outbound,
    json: &mut [u8],
    hooks: &mut impl Hooks,
    frames: u32,
) -> Result<Outcome, RunError> {
    if sink.samples != completion.recorded_samples {
        return Err(RunError::CapturedMoreThanRecorded {
            captured: sink.samples,
            recorded: completion.recorded_samples,
        });
    }
    let mut location = [0u8; 96];
    let location = recording_location(op.operation_id, &mut location);
    let recording = completion.has_recording().then_some(Recording {
        location,
        access_token: scenario.name,
    });
    let n = write_notification(op, completion, recording, json).map_err(RunError::Json)?;
    let text = as_str(json, n);
    hooks.notification(text);
    let mut notification_fnv = Fnv1a32::default();
    notification_fnv.bytes(text.as_bytes());
    Ok(Outcome {
        reason: completion.reason,
        recorded_samples: completion.recorded_samples,
        recording_fnv: sink.fnv.0,
        notification_fnv: notification_fnv.0,
        frames,
        outbound,
    })
}

/// Where the bot fetches the recording: `RECORDING_URL_PREFIX`, the operation id, `.wav`
/// (cut short if `buf` is too small).
fn recording_location<'b>(operation_id: &str, buf: &'b mut [u8]) -> &'b str {
    let parts = [RECORDING_URL_PREFIX, operation_id, ".wav"];
    let mut n = 0;
    for byte in parts.iter().flat_map(|p| p.bytes()) {
        if let Some(slot) = buf.get_mut(n) {
            *slot = byte;
            n += 1;
        }
    }
    as_str(buf, n)
}

/// The first `n` bytes of a JSON document the core wrote (always UTF-8).
fn as_str(buf: &[u8], n: usize) -> &str {
    core::str::from_utf8(buf.get(..n).unwrap_or(&[])).unwrap_or("")
}
