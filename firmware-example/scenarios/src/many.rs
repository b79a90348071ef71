//! Many channels in one image: [`CHANNELS`] recorders run side by side, each on its own
//! stream, the way a gateway serves many calls at once. Every 10 ms each channel still
//! running takes one frame of its own caller audio; the channels answer the four scenarios in
//! turn (channel `c` runs scenario `c % 4`), each with its own line noise and its own start
//! offset, so no two streams are alike.
//!
//! The frames go straight into the recorders as G.711 (no RTP). Each request is parsed once
//! and its options reused by its channels; the recordings are counted and checksummed as they
//! come out, never stored.

use recresp_core::json::parse_request_into;
use recresp_core::Event;
use recresp_core::TICK_MS;
use recresp_core::{CompletionReason, PromptAudio, RecordOptions, Settings};
use recresp_core::{MediaInput, MediaSink};
use recresp_harness::rng::Lcg;
use recresp_harness::script::line_noise_g711;
use recresp_harness::Fnv1a32;

use crate::runner::{ChannelRecorder, Hooks, RunError, FRAME_SAMPLES, MAX_FRAMES};
use crate::scenarios::{Scenario, LAW, LINE_NOISE_PEAK, LINE_NOISE_SEED, RATE, SCENARIOS};

/// Recorders in the image.
pub const CHANNELS: usize = 64;

/// How one channel's operation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelOutcome {
    /// The scenario the channel ran.
    pub scenario: &'static str,
    /// Graph's `completionReason`.
    pub reason: CompletionReason,
    /// Whether it is the scenario's expected reason.
    pub expected: bool,
    /// Length of the recording in samples.
    pub recorded_samples: u64,
    /// [`Fnv1a32`] of the recording's samples as little-endian bytes.
    pub recording_fnv: u32,
    /// 10 ms frames the channel took, up to and including the one that ended it.
    pub frames: u32,
}

/// One channel's caller stream and recording sink.
struct Stream {
    scenario: Scenario,
    clip: &'static [u8],
    /// Frames of line noise before the clip.
    lead_in_frames: u32,
    /// Bytes of the clip already sent.
    sent: usize,
    noise: Lcg,
    frames: u32,
    // Not a `recresp_harness::Tally`: one struct of a u64 and a u32 would take 16 bytes with
    // its padding, and 64 streams 512 bytes more than the fields side by side.
    samples: u64,
    fnv: Fnv1a32,
    done: bool,
}

/// The options and prompt of every scenario's request, parsed once, each in turn into
/// `settings` (the caller's: a firmware keeps them in a static, off the stack).
#[inline(never)]
fn parse_all(
    settings: &mut Settings,
) -> Result<[(RecordOptions, PromptAudio); SCENARIOS.len()], RunError> {
    let mut out = [(RecordOptions::default(), PromptAudio::None); SCENARIOS.len()];
    for (slot, s) in out.iter_mut().zip(&SCENARIOS) {
        let options = parse_request_into(s.request, settings).map_err(RunError::Request)?;
        let prompt = if settings.prompt.is_some() {
            PromptAudio::Ready {
                samples: RATE.samples_in_ms(s.prompt_ms),
            }
        } else {
            PromptAudio::None
        };
        *slot = (options, prompt);
    }
    Ok(out)
}

/// What the run keeps besides the recorders: the settings each request is parsed into, and
/// each channel's stream and outcome. About 8 KB on a 32-bit target: a firmware keeps it in
/// a static, initialised by the `const` [`ManyMemory::new`] (never built on the stack).
pub struct ManyMemory {
    settings: Settings,
    streams: [Option<Stream>; CHANNELS],
    outcomes: [Option<(CompletionReason, u64)>; CHANNELS],
}

impl ManyMemory {
    /// Memory for a run: Graph's default settings, no streams yet.
    pub const fn new() -> Self {
        ManyMemory {
            settings: Settings::new(),
            streams: [const { None }; CHANNELS],
            outcomes: [None; CHANNELS],
        }
    }
}

impl Default for ManyMemory {
    fn default() -> Self {
        Self::new()
    }
}

/// Runs channel `c` of `recorders` on scenario `c % 4` (its clip from `clips`, indexed like
/// `scenarios::CLIPS`), all channels side by side, frame by frame, until every one has
/// completed; `report` gets each channel's outcome, in channel order, at the end. What a run
/// before left in `memory` is overwritten.
pub fn run_many(
    recorders: &mut [ChannelRecorder; CHANNELS],
    memory: &mut ManyMemory,
    clips: &[&'static [u8]],
    hooks: &mut impl Hooks,
    mut report: impl FnMut(usize, &ChannelOutcome),
) -> Result<(), RunError> {
    let ManyMemory {
        settings,
        streams,
        outcomes,
    } = memory;
    let parsed = parse_all(settings)?;
    for (c, (slot, recorder)) in streams.iter_mut().zip(recorders.iter_mut()).enumerate() {
        let index = c % SCENARIOS.len();
        let (Some(scenario), Some(&(options, prompt))) = (SCENARIOS.get(index), parsed.get(index))
        else {
            return Err(RunError::Hung);
        };
        recorder.start(options, prompt);
        *slot = Some(Stream {
            scenario: *scenario,
            clip: clips.get(scenario.clip).copied().unwrap_or(&[]),
            // Channels of one scenario start 10 ms apart.
            lead_in_frames: scenario.lead_in_ms / TICK_MS + (c / SCENARIOS.len()) as u32,
            sent: 0,
            noise: Lcg::new(LINE_NOISE_SEED ^ (c as u32).wrapping_mul(0x9e37_79b9)),
            frames: 0,
            samples: 0,
            fnv: Fnv1a32::default(),
            done: false,
        });
    }
    let mut generated = [0u8; FRAME_SAMPLES];
    for outcome in outcomes.iter_mut() {
        *outcome = None;
    }
    for _ in 0..MAX_FRAMES {
        let mut running = 0;
        for ((stream, recorder), outcome) in streams
            .iter_mut()
            .flatten()
            .zip(recorders.iter_mut())
            .zip(outcomes.iter_mut())
        {
            if stream.done {
                continue;
            }
            running += 1;
            let frame = stream.next_frame(&mut generated);
            if let Some(end) = push_frame(recorder, frame, stream, hooks) {
                *outcome = Some(end);
                stream.done = true;
            }
        }
        if running == 0 {
            break;
        }
    }
    for (c, (stream, outcome)) in streams.iter().flatten().zip(outcomes.iter()).enumerate() {
        let Some((reason, recorded_samples)) = *outcome else {
            return Err(RunError::Hung);
        };
        if stream.samples != recorded_samples {
            return Err(RunError::CapturedMoreThanRecorded {
                captured: stream.samples,
                recorded: recorded_samples,
            });
        }
        report(
            c,
            &ChannelOutcome {
                scenario: stream.scenario.name,
                reason,
                expected: reason == stream.scenario.expected,
                recorded_samples,
                recording_fnv: stream.fnv.0,
                frames: stream.frames,
            },
        );
    }
    Ok(())
}

impl Stream {
    /// The channel's next 10 ms of caller audio: line noise before and after its clip.
    fn next_frame<'a>(&mut self, generated: &'a mut [u8; FRAME_SAMPLES]) -> &'a [u8] {
        self.frames += 1;
        if self.frames > self.lead_in_frames && self.sent < self.clip.len() {
            let end = (self.sent + FRAME_SAMPLES).min(self.clip.len());
            let frame = self.clip.get(self.sent..end).unwrap_or(&[]);
            self.sent = end;
            return frame;
        }
        line_noise_g711(&mut self.noise, LINE_NOISE_PEAK, LAW, generated);
        &generated[..]
    }
}

/// Pushes one frame into a channel's recorder and drains its output into the stream's sink;
/// returns the completion's reason and recording length if the operation ended.
fn push_frame(
    recorder: &mut ChannelRecorder,
    frame: &[u8],
    stream: &mut Stream,
    hooks: &mut impl Hooks,
) -> Option<(CompletionReason, u64)> {
    let mut rest = frame;
    let mut end = None;
    while !rest.is_empty() && end.is_none() {
        hooks.before_push();
        let used = recorder.push(MediaInput::G711(rest, LAW)) as usize;
        hooks.after_push();
        rest = rest.get(used..).unwrap_or(&[]);
        loop {
            hooks.before_push();
            let polled = recorder.poll();
            hooks.after_push();
            match polled {
                None => break,
                Some(Event::Captured(audio)) => {
                    stream.samples += audio.len() as u64;
                    stream.fnv.samples(audio);
                }
                Some(Event::CaptureDiscarded { .. }) => {
                    stream.samples = 0;
                    stream.fnv = Fnv1a32::default();
                }
                Some(Event::Completed(c)) => end = Some((c.reason, c.recorded_samples)),
                Some(_) => {}
            }
        }
    }
    end
}
