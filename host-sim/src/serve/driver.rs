//! The media of one call, driven by the core's `MediaQueue`: operations are submitted by the
//! request handlers, and the call's task feeds the caller's audio to the queue while an
//! operation runs, turning the queue's events into Graph notifications.
//!
//! The caller's audio (a WAV, or silence when the call has none or it has run out) is
//! consumed only while a playPrompt or recordResponse runs, so the first recordResponse of a
//! call hears the WAV from its first sample, exactly as `recresp-sim run` does, and its
//! recording is the same bytes.
//!
//! The keys the caller presses are the recorder's own `ToneDetected` events: once the bot
//! subscribed to tones, each is notified. So keys are heard only while a recordResponse runs
//! (a playPrompt plays to the caller and listens to nothing), as the call has one DTMF
//! detector: the recorder's.
//!
//! Each recordResponse also gathers its timeline (its events, and after every 10 ms block the
//! recorder's clocks and speech frame), kept beside its recording for the page.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use recresp_core::json;
use recresp_core::limits::CLIENT_CONTEXT_MAX_CHARS;
use recresp_core::{
    CompletionReason, Event, MediaInput, MediaOp, MediaQueue, MediaSink, OpId, OperationRef,
    OperationStatus, PromptAudio, QueueEvent, Recording, SampleRate, TICK_MS,
};
use serde_json::Value;

use super::errors::GraphError;
use super::journal::CallLog;
use super::lifecycle::{self, Direction, EndReason};
use super::notifier::CallNotifications;
use super::operations::{self, OtherOp};
use super::version::ApiVersion;
use super::Shared;
use crate::simulate::{load_prompt, notification_json, read_prompt, running_operation_json};
use crate::timeline::Timeline;
use crate::wav::{encode_wav, CallerAudio};

/// Operations a call can hold waiting (the most the core's queue allows).
const QUEUE: usize = 6;
/// Samples pushed at once, at most: 10 ms at 16 kHz.
const FRAME: usize = 160;
/// Graph's limit on a playPrompt's prompts.
const MAX_PROMPTS: usize = 20;

/// What an operation in the queue is.
#[derive(Debug)]
enum Kind {
    Record {
        captured: Vec<i16>,
        timeline: Box<Timeline>,
    },
    Prompt {
        samples: u64,
        failed: bool,
    },
}

/// An operation submitted to the queue and not yet notified.
#[derive(Debug)]
struct Pending {
    graph_id: String,
    client_context: String,
    kind: Kind,
    /// The API version it was requested on, which its notification follows.
    version: ApiVersion,
}

/// Where the call is in its life (it has ended once `CallState::ended` is true).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Ringing: the bot has not answered, rejected or redirected it yet.
    Incoming,
    /// Connected: media actions run.
    Established,
}

/// The media state of one call.
pub struct CallState {
    call_id: String,
    queue: MediaQueue<QUEUE>,
    rate: SampleRate,
    audio: Vec<i16>,
    position: usize,
    pending: HashMap<OpId, Pending>,
    /// Every operation's latest document, for `GET .../operations/{id}`.
    documents: HashMap<String, Value>,
    /// The next tone `sequenceId`, once the bot subscribed to tones.
    tones: Option<u64>,
    /// A media operation was submitted (the caller's audio can no longer be replaced).
    touched: bool,
    /// Caller samples left in the running playPrompt. Frames are cut to end with it: the
    /// queue counts a frame that outlasts the last operation as consumed, and the audio after
    /// a prompt belongs to whatever runs next.
    prompt_left: Option<u64>,
    ended: bool,
    notify: CallNotifications,
    direction: Direction,
    phase: Phase,
    callback: String,
    /// The API version the call's own notifications (tones) follow.
    version: ApiVersion,
    /// The caller hangs up once the last sample of their audio has been heard.
    hang_up_when_audio_ends: bool,
}

impl CallState {
    /// A call with the caller's `audio` (silence when `None`, at 16 kHz) whose notifications
    /// go to `notify` (at `callback`): ringing when the caller placed it, established when
    /// the bot did. Nothing is notified yet: see [`CallState::announce`].
    pub fn new(
        call_id: &str,
        audio: Option<CallerAudio>,
        notify: CallNotifications,
        direction: Direction,
        callback: &str,
        version: ApiVersion,
    ) -> CallState {
        let audio = audio.unwrap_or(CallerAudio {
            rate: SampleRate::Hz16000,
            samples: Vec::new(),
        });
        CallState {
            call_id: call_id.to_string(),
            queue: MediaQueue::new(audio.rate).expect("the default capacity fits every rate"),
            rate: audio.rate,
            audio: audio.samples,
            position: 0,
            pending: HashMap::new(),
            documents: HashMap::new(),
            tones: None,
            touched: false,
            prompt_left: None,
            ended: false,
            notify,
            direction,
            phase: match direction {
                Direction::Incoming => Phase::Incoming,
                Direction::Outgoing => Phase::Established,
            },
            callback: callback.to_string(),
            version,
            hang_up_when_audio_ends: false,
        }
    }

    /// Makes the caller hang up once the last sample of their audio has been heard.
    pub fn hang_up_when_audio_ends(&mut self) {
        self.hang_up_when_audio_ends = true;
    }

    /// Whether the caller has hung up: asked to when their audio ends, and it has.
    pub fn caller_left(&self) -> bool {
        self.hang_up_when_audio_ends
            && !self.ended
            && !self.audio.is_empty()
            && self.position >= self.audio.len()
    }

    /// The call resource as it is now.
    pub fn body(&self) -> Value {
        let state = match (self.ended, self.phase) {
            (true, _) => "terminated",
            (false, Phase::Incoming) => "incoming",
            (false, Phase::Established) => "established",
        };
        lifecycle::call_body(&self.call_id, state, self.direction, &self.callback)
    }

    /// Posts the call's first notifications: the incoming call to the bot's callback when
    /// the caller placed it; `establishing` then `established` when the bot did.
    pub fn announce(&mut self, shared: &Shared) {
        match self.direction {
            Direction::Incoming => self.post(lifecycle::incoming(&self.call_id), shared),
            Direction::Outgoing => self.establish(shared),
        }
    }

    fn establish(&mut self, shared: &Shared) {
        self.phase = Phase::Established;
        self.log().state("established");
        for state in ["establishing", "established"] {
            self.post(lifecycle::state_changed(&self.call_id, state), shared);
        }
    }

    /// Posts a call notification (Graph's id form, an etag).
    fn post(&mut self, mut envelope: Value, shared: &Shared) {
        operations::finish(&mut envelope, shared.next_etag());
        self.notify.send(&self.version.shape(envelope));
    }

    /// Refuses what needs a ringing call once it was answered, and the reverse.
    fn require(&self, phase: Phase) -> Result<(), GraphError> {
        match (self.phase, phase) {
            (a, b) if a == b => Ok(()),
            (Phase::Incoming, _) => Err(GraphError::bad_request(
                "the call is not established (state: incoming): answer it first",
            )),
            (Phase::Established, _) => Err(GraphError::bad_request(
                "the call is not incoming: it was already answered",
            )),
        }
    }

    /// call: answer. `body` may give the `callbackUri` for what follows; its `mediaConfig`
    /// must be service-hosted. Posts `establishing` and `established`.
    pub fn answer(
        &mut self,
        body: &Value,
        callback: Option<String>,
        version: ApiVersion,
        shared: &Shared,
    ) -> Result<(), GraphError> {
        self.require(Phase::Incoming)?;
        check_media_config(body)?;
        if let Some(url) = callback {
            self.notify.set_callback(&url);
            self.callback = url;
        }
        self.version = version;
        self.establish(shared);
        Ok(())
    }

    /// call: reject or call: redirect: the call ends without being established.
    pub fn decline(&mut self, shared: &Shared, reason: EndReason) -> Result<(), GraphError> {
        self.require(Phase::Incoming)?;
        self.hang_up(shared, reason);
        Ok(())
    }

    /// The call's record for the page.
    pub fn log(&self) -> &Arc<CallLog> {
        self.notify.log()
    }

    /// The call's id, as it was given.
    pub fn id(&self) -> &str {
        &self.call_id
    }

    /// Whether the call has ended.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Whether an operation is running.
    pub fn busy(&self) -> bool {
        self.queue.running().is_some()
    }

    /// Samples of caller audio per second.
    pub fn rate(&self) -> SampleRate {
        self.rate
    }

    /// Replaces the caller's audio; only before the first media operation.
    pub fn set_audio(&mut self, audio: CallerAudio) -> Result<(), GraphError> {
        if self.touched {
            return Err(GraphError::conflict(
                "the caller's audio can only be given before the first media operation",
            ));
        }
        self.queue = MediaQueue::new(audio.rate).expect("the default capacity fits every rate");
        self.rate = audio.rate;
        self.audio = audio.samples;
        self.position = 0;
        Ok(())
    }

    /// An operation's latest document.
    pub fn document(&self, op_id: &str) -> Option<&Value> {
        self.documents.get(op_id)
    }

    fn queue_full() -> GraphError {
        GraphError::conflict("the call's media queue is full")
    }

    /// Submits a recordResponse; returns its id and the running recordOperation.
    pub fn record(
        &mut self,
        request: &str,
        media_dir: Option<&Path>,
        version: ApiVersion,
    ) -> Result<(String, String), GraphError> {
        self.require(Phase::Established)?;
        let json::Request { settings, options } =
            json::parse_request(request).map_err(|e| GraphError::bad_request(e.to_string()))?;
        let prompt = match &settings.prompt {
            None => PromptAudio::None,
            Some(p) => load_prompt(p.uri.as_str(), media_dir, self.rate),
        };
        let mut timeline = Box::new(Timeline::new(self.rate, options, &[]));
        if let Some(audio) = settings
            .prompt
            .as_ref()
            .and_then(|p| read_prompt(p.uri.as_str(), media_dir))
        {
            timeline.prompt(audio);
        }
        let op = self
            .queue
            .submit(MediaOp::Record { options, prompt })
            .map_err(|_| Self::queue_full())?;
        let graph_id = super::ids::guid();
        let client_context = settings.client_context.as_str().to_string();
        self.log()
            .operation(&graph_id, "recordResponse", &client_context, "running");
        let body = running_operation_json(&OperationRef {
            call_id: &self.call_id,
            operation_id: &graph_id,
            client_context: &client_context,
        });
        self.documents.insert(
            graph_id.clone(),
            serde_json::from_str(&body).unwrap_or(Value::Null),
        );
        self.pending.insert(
            op,
            Pending {
                graph_id: graph_id.clone(),
                client_context,
                kind: Kind::Record {
                    captured: Vec::new(),
                    timeline,
                },
                version,
            },
        );
        self.touched = true;
        Ok((graph_id, body))
    }

    /// Submits a playPrompt; returns its id and the running playPromptOperation.
    pub fn play_prompt(
        &mut self,
        body: &Value,
        media_dir: Option<&Path>,
        version: ApiVersion,
    ) -> Result<(String, String), GraphError> {
        self.require(Phase::Established)?;
        let client_context = client_context(body)?;
        let prompts = body
            .get("prompts")
            .and_then(Value::as_array)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| GraphError::bad_request("prompts: at least one prompt is required"))?;
        if prompts.len() > MAX_PROMPTS {
            return Err(GraphError::bad_request(format!(
                "prompts: at most {MAX_PROMPTS} prompts"
            )));
        }
        let mut samples = 0u64;
        let mut failed = false;
        for p in prompts {
            let uri = p
                .pointer("/mediaInfo/uri")
                .and_then(Value::as_str)
                .ok_or_else(|| GraphError::bad_request("prompts: each needs mediaInfo.uri"))?;
            match load_prompt(uri, media_dir, self.rate) {
                PromptAudio::Ready { samples: n } => samples += n,
                _ => failed = true,
            }
        }
        let op = self
            .queue
            .submit(MediaOp::PlayPrompt {
                samples: if failed { 0 } else { samples },
            })
            .map_err(|_| Self::queue_full())?;
        let graph_id = super::ids::guid();
        let doc = operations::started(OtherOp::PlayPrompt, &graph_id, &client_context);
        self.documents.insert(graph_id.clone(), doc.clone());
        self.log()
            .operation(&graph_id, "playPrompt", &client_context, "running");
        self.pending.insert(
            op,
            Pending {
                graph_id: graph_id.clone(),
                client_context,
                kind: Kind::Prompt {
                    samples: if failed { 0 } else { samples },
                    failed,
                },
                version,
            },
        );
        self.touched = true;
        Ok((graph_id, doc.to_string()))
    }

    /// cancelMediaProcessing: cancels the running operation and everything queued (each is
    /// notified now); returns the id and the completed operation.
    pub fn cancel_media_processing(
        &mut self,
        body: &Value,
        shared: &Shared,
    ) -> Result<(String, String), GraphError> {
        self.require(Phase::Established)?;
        let client_context = client_context(body)?;
        self.queue.cancel_all();
        self.drain(shared, false);
        Ok(self.completed_op(
            OtherOp::CancelMediaProcessing,
            "cancelMediaProcessing",
            &client_context,
        ))
    }

    /// subscribeToTone: every key the recorder hears from now on is notified (keys are
    /// heard while a recordResponse runs).
    pub fn subscribe_to_tone(&mut self, body: &Value) -> Result<(String, String), GraphError> {
        self.require(Phase::Established)?;
        let client_context = client_context(body)?;
        self.tones.get_or_insert(1);
        Ok(self.completed_op(OtherOp::SubscribeToTone, "subscribeToTone", &client_context))
    }

    fn completed_op(
        &mut self,
        kind: OtherOp,
        name: &'static str,
        client_context: &str,
    ) -> (String, String) {
        let graph_id = super::ids::guid();
        let doc = operations::started(kind, &graph_id, client_context);
        self.documents.insert(graph_id.clone(), doc.clone());
        let log = self.log();
        log.operation(&graph_id, name, client_context, "completed");
        log.finished(&graph_id, "completed", "", None, false);
        (graph_id, doc.to_string())
    }

    /// The call ended: the running recordResponse completes as the core says for a hang-up
    /// (without a recording to fetch, since the call's recordings go with it), everything
    /// queued is cancelled, and each is notified; then the call itself (`terminating` first
    /// when the bot hung up, then `terminated`).
    pub fn hang_up(&mut self, shared: &Shared, reason: EndReason) {
        if self.ended {
            return;
        }
        self.queue.hang_up();
        self.drain(shared, true);
        if reason == EndReason::BotHungUp {
            self.post(
                lifecycle::state_changed(&self.call_id, "terminating"),
                shared,
            );
        }
        self.post(lifecycle::terminated(&self.call_id, reason), shared);
        self.log().state("terminated");
        self.ended = true;
    }

    /// Feeds up to `budget` samples of caller audio to the running operations.
    pub fn step(&mut self, budget: usize, shared: &Shared) {
        self.drain(shared, false);
        let mut left = budget;
        let mut stalled = 0;
        let block = (self.rate.samples_in_ms(TICK_MS) as usize).min(FRAME);
        while left > 0 && self.busy() && stalled < 3 {
            let running = self.queue.running();
            let recording = running.filter(|op| {
                matches!(
                    self.pending.get(op),
                    Some(Pending {
                        kind: Kind::Record { .. },
                        ..
                    })
                )
            });
            // A recordResponse is fed up to the end of its recorder's current 10 ms block,
            // so that its timeline is read after each block.
            let n = match (self.prompt_left, recording) {
                (Some(p), _) => block.min(left).min(usize::try_from(p).unwrap_or(block)),
                (None, Some(_)) => {
                    let into = self.queue.recorder().position() as usize % block;
                    (block - into).min(left)
                }
                (None, None) => block.min(left),
            };
            let mut frame = [0i16; FRAME];
            if let Some(src) = self.audio.get(self.position..) {
                let k = src.len().min(n);
                frame[..k].copy_from_slice(&src[..k]);
            }
            let used = (self.queue.push(MediaInput::Pcm(&frame[..n])) as usize).min(n);
            if let Some(Pending {
                kind: Kind::Record { timeline, .. },
                ..
            }) = recording.and_then(|op| self.pending.get_mut(&op))
            {
                timeline.hear(&frame[..used]);
            }
            if let Some(p) = self.prompt_left.as_mut() {
                *p = p.saturating_sub(used as u64);
            }
            self.position += used;
            left -= used;
            stalled = if used == 0 { stalled + 1 } else { 0 };
            self.drain(shared, false);
            // Still running (an operation that ended was read as it completed).
            if let Some(Pending {
                kind: Kind::Record { timeline, .. },
                ..
            }) = recording
                .filter(|op| self.queue.running() == Some(*op))
                .and_then(|op| self.pending.get_mut(&op))
            {
                timeline.observe(self.queue.recorder());
            }
        }
    }

    /// Turns every pending queue event into notifications, in order.
    fn drain(&mut self, shared: &Shared, hanging_up: bool) {
        let CallState {
            call_id,
            queue,
            rate,
            pending,
            documents,
            notify,
            prompt_left,
            tones,
            version: call_version,
            ..
        } = self;
        while let Some(event) = queue.poll() {
            let (op, version, finished) = match event {
                QueueEvent::Started { op } => {
                    *prompt_left = match pending.get(&op) {
                        Some(Pending {
                            kind: Kind::Prompt { samples, .. },
                            ..
                        }) => Some(*samples),
                        _ => None,
                    };
                    continue;
                }
                QueueEvent::PromptCompleted { op, reason } => {
                    *prompt_left = None;
                    let Some(p) = pending.remove(&op) else {
                        continue;
                    };
                    let failed = matches!(p.kind, Kind::Prompt { failed: true, .. })
                        && reason.status() == OperationStatus::Completed;
                    let (status, info, name) = if failed {
                        let r = CompletionReason::PlayPromptFailed;
                        (r.status(), r.result_info(), "unknown")
                    } else {
                        (reason.status(), reason.result_info(), reason.as_str())
                    };
                    let data = operations::prompt_final(
                        call_id,
                        &p.graph_id,
                        &p.client_context,
                        status,
                        info,
                        name,
                    );
                    notify
                        .log()
                        .finished(&p.graph_id, status.as_str(), name, None, false);
                    let path = operations::operation_path(call_id, &p.graph_id);
                    (
                        p.graph_id,
                        p.version,
                        operations::envelope("deleted", &path, data),
                    )
                }
                QueueEvent::Record { op, event } => match event {
                    Event::Captured(samples) => {
                        if let Some(Pending {
                            kind: Kind::Record { captured, .. },
                            ..
                        }) = pending.get_mut(&op)
                        {
                            captured.extend_from_slice(samples);
                        }
                        continue;
                    }
                    Event::CaptureDiscarded { at } => {
                        if let Some(Pending {
                            kind: Kind::Record { captured, timeline },
                            ..
                        }) = pending.get_mut(&op)
                        {
                            captured.clear();
                            timeline.event(Event::CaptureDiscarded { at });
                        }
                        continue;
                    }
                    Event::Completed(completion) => {
                        let Some(p) = pending.remove(&op) else {
                            continue;
                        };
                        let (mut audio, timeline) = match p.kind {
                            Kind::Record { captured, timeline } => (captured, Some(timeline)),
                            Kind::Prompt { .. } => (Vec::new(), None),
                        };
                        // A recordResponse cancelled before it started has no timeline.
                        let timeline = timeline.filter(|t| t.heard() > 0).map(|mut t| {
                            t.event(Event::Completed(completion));
                            t.observe(queue.recorder());
                            t
                        });
                        audio.truncate(completion.recorded_samples as usize);
                        let stored = (completion.has_recording() && !hanging_up).then(|| {
                            let (id, token) =
                                shared.recordings.store(call_id, encode_wav(*rate, &audio));
                            (id, token)
                        });
                        let kept_timeline = match timeline {
                            Some(t) if !hanging_up => {
                                shared.recordings.store_timeline(call_id, &p.graph_id, *t);
                                true
                            }
                            _ => false,
                        };
                        notify.log().finished(
                            &p.graph_id,
                            completion.status.as_str(),
                            completion.reason.as_str(),
                            stored.as_ref().map(|(id, _)| id.clone()),
                            kept_timeline,
                        );
                        let stored = stored.map(|(id, token)| {
                            (
                                format!("{}/recresp/recordings/{id}", shared.base_url),
                                token,
                            )
                        });
                        let text = notification_json(
                            &OperationRef {
                                call_id,
                                operation_id: &p.graph_id,
                                client_context: &p.client_context,
                            },
                            &completion,
                            stored.as_ref().map(|(location, token)| Recording {
                                location,
                                access_token: token,
                            }),
                        );
                        (
                            p.graph_id,
                            p.version,
                            serde_json::from_str(&text).unwrap_or(Value::Null),
                        )
                    }
                    Event::ToneDetected { digit, onset } => {
                        if let Some(Pending {
                            kind: Kind::Record { timeline, .. },
                            ..
                        }) = pending.get_mut(&op)
                        {
                            timeline.event(Event::ToneDetected { digit, onset });
                        }
                        if let Some(seq) = tones.as_mut() {
                            let mut n = operations::tone_notification(call_id, *seq, digit);
                            *seq += 1;
                            operations::finish(&mut n, shared.next_etag());
                            notify.send(&call_version.shape(n));
                        }
                        continue;
                    }
                    other => {
                        if let Some(Pending {
                            kind: Kind::Record { timeline, .. },
                            ..
                        }) = pending.get_mut(&op)
                        {
                            timeline.event(other);
                        }
                        continue;
                    }
                },
            };
            let mut envelope = finished;
            let data = operations::finish(&mut envelope, shared.next_etag());
            documents.insert(op, data);
            notify.send(&version.shape(envelope));
        }
    }
}

/// Refuses a `mediaConfig` other than service-hosted: the simulator plays and records the
/// media itself, and recordResponse is only supported on calls with service-hosted media.
pub fn check_media_config(body: &Value) -> Result<(), GraphError> {
    match body
        .pointer("/mediaConfig/@odata.type")
        .and_then(Value::as_str)
    {
        None => Ok(()),
        Some(t) if t.eq_ignore_ascii_case("#microsoft.graph.serviceHostedMediaConfig") => Ok(()),
        Some(t) => Err(GraphError::bad_request(format!(
            "mediaConfig {t} is not supported: recresp-sim hosts the call's media itself, and \
             recordResponse is only supported for calls with serviceHostedMediaConfig"
        ))),
    }
}

/// The optional `clientContext` of an action's body, at most
/// [`CLIENT_CONTEXT_MAX_CHARS`] characters.
fn client_context(body: &Value) -> Result<String, GraphError> {
    match body.get("clientContext") {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) if s.chars().count() <= CLIENT_CONTEXT_MAX_CHARS => Ok(s.clone()),
        Some(Value::String(_)) => Err(GraphError::bad_request(format!(
            "clientContext: at most {CLIENT_CONTEXT_MAX_CHARS} characters"
        ))),
        Some(_) => Err(GraphError::bad_request("clientContext: must be a string")),
    }
}
