//! One recordResponse operation, run end to end on the host: parse the request, load the
//! prompt, drive the core's recorder over the caller's audio, and build Graph's JSON.
//!
//! After the caller's audio ends the line stays open and silent (the recorder hears digital
//! silence) until a clock ends the operation, unless `hang_up_at_end` asks for a hang-up.

use std::path::{Path, PathBuf};

use recresp_core::json::{self, OperationRef, Recording};
use recresp_core::{Completion, Event, Recorder, SampleRate, TICK_MS};
use recresp_core::{MediaInput, PromptAudio};
use recresp_harness::{drive, Feed, Then};

use crate::timeline::Timeline;
use crate::wav::{read_wav, CallerAudio};

/// Samples handed to the recorder per push, like a 20 ms RTP packet at 8 kHz.
const FRAME: usize = 160;

/// How to run the operation.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Folder where a prompt's `mediaInfo.uri` is looked up by its last path segment.
    pub media_dir: Option<PathBuf>,
    /// The call's id.
    pub call_id: String,
    /// Hang up when the caller's audio ends instead of keeping the line open.
    pub hang_up_at_end: bool,
    /// Where the recording will be stored (its `recordingLocation`), if anywhere.
    pub recording_location: Option<String>,
}

/// What the operation produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The `commsNotifications` posted at completion (JSON).
    pub notification: String,
    /// How the operation ended.
    pub completion: Completion,
    /// The recording, if the operation produced one.
    pub recording: Option<Vec<i16>>,
    /// The caller's sample rate.
    pub rate: SampleRate,
    /// Every notice the recorder gave, one line each, for `--verbose`.
    pub log: Vec<String>,
}

/// The request was refused: Graph answers 400 BadRequest with this message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRequest(pub String);

/// A request that passed Graph's validation, ready to run on a caller's audio.
#[derive(Clone, Debug)]
pub struct Plan {
    request: json::Request,
    operation_id: String,
    opts: RunOptions,
}

impl Plan {
    /// Parses and validates a request body (bytes as received: a body that is not UTF-8 is
    /// refused like any other bad body). `Err` is what Graph answers with 400 BadRequest.
    pub fn new(body: &(impl AsRef<[u8]> + ?Sized), opts: &RunOptions) -> Result<Plan, BadRequest> {
        let body = body.as_ref();
        let request = json::parse_request(body).map_err(|e| BadRequest(e.to_string()))?;
        // The parser accepted it, so it is UTF-8.
        let text = String::from_utf8_lossy(body);
        Ok(Plan {
            request,
            operation_id: json::derive_operation_id(&opts.call_id, &text).to_string(),
            opts: opts.clone(),
        })
    }

    /// The operation's id.
    pub fn operation_id(&self) -> &str {
        &self.operation_id
    }

    fn operation_ref(&self) -> OperationRef<'_> {
        OperationRef {
            call_id: &self.opts.call_id,
            operation_id: &self.operation_id,
            client_context: self.request.settings.client_context.as_str(),
        }
    }

    /// The `recordOperation` returned at start (status `running`), as JSON.
    pub fn running_operation(&self) -> String {
        running_operation_json(&self.operation_ref())
    }

    /// Runs the operation on the caller's audio.
    pub fn run(&self, caller: &CallerAudio) -> Outcome {
        self.run_with(caller.rate, |recorder, mut on_event| {
            let feed = Feed::new(&[FRAME]).stop_when_done();
            drive(
                recorder,
                &[MediaInput::Pcm(&caller.samples)],
                &feed,
                &mut on_event,
            );
        })
    }

    /// Runs the operation on the caller's audio as [`run`](Self::run) does, one 10 ms block
    /// per push (the core's results do not depend on the push sizes), and gathers its
    /// timeline: the events, and after each block the recorder's clocks and its speech
    /// detector's verdict on the block.
    pub fn run_timeline(&self, caller: &CallerAudio) -> (Outcome, Timeline) {
        let rate = caller.rate;
        let mut timeline = Timeline::new(rate, self.request.options, &caller.samples);
        let prompt = self.request.settings.prompt.as_ref();
        if let Some(audio) =
            prompt.and_then(|p| read_prompt(p.uri.as_str(), self.opts.media_dir.as_deref()))
        {
            timeline.prompt(audio);
        }
        let block = rate.samples_in_ms(TICK_MS) as usize;
        let silence = vec![0i16; block];
        let outcome = self.run_with(rate, |recorder, on_event| {
            let mut audio = caller.samples.chunks(block);
            loop {
                let running = recorder.is_running();
                // The caller's audio, then the line after it: silence, or a hang-up.
                let (piece, then) = match audio.next() {
                    _ if !running => (&[][..], Then::Stop),
                    Some(piece) => (piece, Then::Stop),
                    None if self.opts.hang_up_at_end => (&[][..], Then::HangUp),
                    // Up to the next block boundary, whatever the length of the audio.
                    None => {
                        let into_block = recorder.position() as usize % block;
                        (&silence[into_block..], Then::Stop)
                    }
                };
                let mut sink = |e: Event<'_>| {
                    timeline.event(e);
                    on_event(e);
                };
                drive(
                    recorder,
                    &[MediaInput::Pcm(piece)],
                    &Feed::new(&[]).then(then),
                    &mut sink,
                );
                timeline.observe(recorder);
                if !running || !recorder.is_running() {
                    break;
                }
            }
        });
        (outcome, timeline)
    }

    /// Runs the operation on caller audio at `rate` that `feed` pushes into the recorder
    /// (handing every event to the callback it gets), e.g. from RTP packets.
    pub fn run_with(
        &self,
        rate: SampleRate,
        feed: impl FnOnce(&mut Recorder, &mut dyn FnMut(Event<'_>)),
    ) -> Outcome {
        let prompt = match &self.request.settings.prompt {
            None => PromptAudio::None,
            Some(p) => load_prompt(p.uri.as_str(), self.opts.media_dir.as_deref(), rate),
        };
        let mut recorder: Recorder =
            Recorder::new(rate).expect("the default capacity fits every rate");
        recorder.start(self.request.options, prompt);
        let mut audio: Vec<i16> = Vec::new();
        let mut log = Vec::new();
        let mut completion = None;
        let mut on_event = |e: Event<'_>| match e {
            Event::Captured(samples) => audio.extend_from_slice(samples),
            Event::CaptureDiscarded { .. } => {
                audio.clear();
                log.push(format!("{e:?}"));
            }
            Event::Completed(c) => completion = Some(c),
            other => log.push(format!("{other:?}")),
        };
        feed(&mut recorder, &mut on_event);
        // The line after the caller's audio: hung up, or open and silent until a clock ends
        // the operation.
        let then = if self.opts.hang_up_at_end {
            Then::HangUp
        } else {
            Then::Silence {
                max_frames: usize::MAX,
            }
        };
        drive(
            &mut recorder,
            &[],
            &Feed::new(&[]).then(then),
            &mut on_event,
        );
        let completion = completion.expect("a recorder that stopped running has completed");
        audio.truncate(completion.recorded_samples as usize);
        let recording = completion.has_recording().then_some(audio);
        let token = format!("recresp-sim-{}", &self.operation_id[..8]);
        let location = self
            .opts
            .recording_location
            .clone()
            .unwrap_or_else(|| format!("recresp://recordings/{}.wav", self.operation_id));
        let rec_ref = recording.as_ref().map(|_| Recording {
            location: &location,
            access_token: &token,
        });
        Outcome {
            notification: notification_json(&self.operation_ref(), &completion, rec_ref),
            completion,
            recording,
            rate,
            log,
        }
    }
}

/// The `recordOperation` returned when a recordResponse starts (status `running`), as JSON.
pub fn running_operation_json(op: &OperationRef<'_>) -> String {
    let capacity = json::running_operation_capacity(
        json::escaped_len(op.operation_id),
        json::escaped_len(op.client_context),
    );
    let mut buf = vec![0u8; capacity];
    let n = json::write_running_operation(op, &mut buf)
        .expect("the core's capacity holds the document");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// The `commsNotifications` posted when a recordResponse ends, as JSON.
pub fn notification_json(
    op: &OperationRef<'_>,
    completion: &Completion,
    recording: Option<Recording<'_>>,
) -> String {
    let location = recording.map_or("", |r| r.location);
    let token = recording.map_or("", |r| r.access_token);
    let capacity = json::notification_capacity(
        json::escaped_len(op.call_id),
        json::escaped_len(op.operation_id),
        json::escaped_len(op.client_context),
        json::escaped_len(location),
        json::escaped_len(token),
    );
    let mut buf = vec![0u8; capacity];
    let n = json::write_notification(op, completion, recording, &mut buf)
        .expect("the core's capacity holds the document");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// Finds the prompt by the last path segment of its URI in `media_dir` and measures it in
/// caller samples. Anything that goes wrong is `Failed` (the operation ends playPromptFailed).
pub fn load_prompt(uri: &str, media_dir: Option<&Path>, caller_rate: SampleRate) -> PromptAudio {
    match read_prompt(uri, media_dir) {
        Some(prompt) => PromptAudio::Ready {
            samples: prompt.samples.len() as u64 * caller_rate.hz() as u64
                / prompt.rate.hz() as u64,
        },
        None => PromptAudio::Failed,
    }
}

/// The prompt's audio, found by the last path segment of its URI in `media_dir`, if it can
/// be read.
pub fn read_prompt(uri: &str, media_dir: Option<&Path>) -> Option<CallerAudio> {
    let name = uri
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("");
    let (Some(dir), false) = (media_dir, name.is_empty()) else {
        return None;
    };
    read_wav(&dir.join(name)).ok()
}
