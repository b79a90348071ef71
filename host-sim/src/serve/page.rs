//! The page at `/`: every call the journal lists (newest first), its operations in order with
//! their status and completion reason, each recordResponse's recording (an audio player) and
//! timeline picture while they are kept, and every notification with each delivery attempt
//! and what the bot answered. Server-rendered HTML with no external assets; the recordings
//! and the pictures it shows are served under `/recresp/page/`, without the recording's
//! token: the page shows everything to whoever can reach the server.

use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::errors::GraphError;
use super::journal::{
    Attempt, CallRecord, NotificationRow, OperationRow, ENDED_CALLS, NOTIFICATIONS_PER_CALL,
};
use super::Shared;

/// Where the page's recordings are served (`/{id}`).
const RECORDINGS: &str = "/recresp/page/recordings";
/// Where the page's timeline pictures are served (`/{operation id}`).
const TIMELINES: &str = "/recresp/page/timelines";

const STYLE: &str = "
body { font-family: sans-serif; font-size: 15px; margin: 1.5em; color: #1a1a1a; max-width: 1500px; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin: 0 0 0.3em 0; }
h3 { font-size: 1em; margin: 1em 0 0.3em 0; }
code { font-size: 0.92em; }
.call { border: 1px solid #bbb; border-radius: 6px; padding: 0.8em 1em; margin: 1.2em 0; }
.meta, .note { color: #555; margin: 0.2em 0; }
.state { padding: 0.1em 0.5em; border-radius: 4px; font-size: 0.85em; background: #ddd; }
.state-established { background: #cde8cd; }
.state-incoming, .state-establishing { background: #f7e3b5; }
.state-terminated { background: #e6cccc; }
table { border-collapse: collapse; margin: 0.3em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.attempts { margin: 0; padding: 0; list-style: none; display: flex; gap: 0.3em; flex-wrap: wrap; }
.attempt { padding: 0 0.4em; border-radius: 3px; }
.ok { background: #cde8cd; }
.failed { background: #f3c9c9; }
.pending { color: #777; }
.recording { margin: 0.8em 0; padding: 0.6em 0; border-top: 1px dashed #ccc; }
.recording audio { display: block; margin: 0.4em 0; width: 480px; }
.recording img { width: 100%; max-width: 1400px; border: 1px solid #ddd; }
";

/// `GET /`: the page.
pub async fn page(State(shared): State<Arc<Shared>>) -> Response {
    let calls = shared.journal.list();
    let records: Vec<_> = calls.iter().map(|c| c.lock()).collect();
    let stats = shared.notifier.stats().to_json();
    let count = |k: &str| stats.get(k).and_then(|v| v.as_u64()).unwrap_or(0);
    let live = records.iter().filter(|r| r.state != "terminated").count();
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "recresp-sim serve" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { "recresp-sim serve" }
                p.meta {
                    (live) " live calls, " (records.len() - live) " ended (the last "
                    (ENDED_CALLS) " that ended are kept); notifications: "
                    (count("delivered")) " delivered, " (count("retried")) " retried, "
                    (count("abandoned")) " abandoned. Reload for news."
                }
                @if records.is_empty() {
                    p.note { "No calls yet: dial the bot with " code { "POST /recresp/calls" } "." }
                }
                @for r in &records {
                    (call(r, &shared))
                }
            }
        }
    };
    Html(markup.into_string()).into_response()
}

/// The time of day (UTC) to the millisecond; the whole date in its tooltip.
fn time(t: SystemTime) -> Markup {
    let full = humantime::format_rfc3339_millis(t).to_string();
    let day_time = full.split_once('T').map_or(full.as_str(), |(_, t)| t);
    html! { span title=(full) { (day_time) } }
}

fn call(r: &CallRecord, shared: &Shared) -> Markup {
    html! {
        section.call id={ "call-" (r.id) } data-call-id=(r.id) data-state=(r.state) {
            h2 {
                "Call " code { (r.id) } " "
                span class={ "state state-" (r.state) } { (r.state) }
            }
            p.meta {
                (r.direction) ", created " (humantime::format_rfc3339_seconds(r.created).to_string())
                ", notifications to "
                code { (r.callback) }
            }
            h3 { "Operations" }
            @if r.operations.is_empty() {
                p.note { "None yet." }
            } @else {
                table.operations {
                    tr { th { "#" } th { "operation" } th { "id" } th { "clientContext" }
                         th { "status" } th { "completion reason" } }
                    @for (i, op) in r.operations.iter().enumerate() {
                        tr.operation data-operation-id=(op.id) data-kind=(op.kind)
                            data-status=(op.status) data-reason=(op.reason) {
                            td { (i + 1) }
                            td { (op.kind) }
                            td { code { (op.id) } }
                            td { (op.client_context) }
                            td { (op.status) }
                            td { (op.reason) }
                        }
                    }
                }
            }
            h3 { "Notifications" }
            @if r.dropped > 0 {
                p.note { (r.dropped) " older notifications are not kept (a call keeps its last "
                    (NOTIFICATIONS_PER_CALL) ")." }
            }
            @if r.notifications.is_empty() {
                p.note { "None yet." }
            } @else {
                table.notifications {
                    tr { th { "#" } th { "queued" } th { "changeType" } th { "resourceUrl" }
                         th { "what" } th { "attempts: the bot's answer" } }
                    @for n in &r.notifications {
                        (notification(n))
                    }
                }
            }
            @for op in r.operations.iter().filter(|o| o.kind == "recordResponse" && o.status != "running") {
                (recording(op, shared))
            }
        }
    }
}

fn recording(op: &OperationRow, shared: &Shared) -> Markup {
    let wav = op
        .recording
        .as_deref()
        .filter(|id| shared.recordings.wav(id).is_some());
    let timeline = op.timeline && shared.recordings.timeline(&op.id).is_some();
    if op.recording.is_none() && !op.timeline {
        // Cancelled before it started, or ended with its call: nothing to show.
        return html! {};
    }
    html! {
        div.recording data-operation-id=(op.id) {
            h3 { "recordResponse " code { (op.id) } ": " (op.reason) }
            @if let Some(id) = wav {
                audio controls preload="auto" src={ (RECORDINGS) "/" (id) }
                    onloadedmetadata="this.dataset.duration = this.duration.toFixed(3)" {}
            } @else if op.recording.is_none() {
                p.note { "No recording." }
            }
            @if (op.recording.is_some() && wav.is_none()) || (op.timeline && !timeline) {
                p.note { "Its recording and timeline are no longer kept (its call ended, or their retention time passed)." }
            }
            @if timeline {
                a href={ (TIMELINES) "/" (op.id) } {
                    img.timeline src={ (TIMELINES) "/" (op.id) } alt="the operation's timeline"
                        onload="this.dataset.loaded = 'yes'";
                }
            }
        }
    }
}

fn notification(n: &NotificationRow) -> Markup {
    let delivered = n
        .attempts
        .last()
        .is_some_and(|a| matches!(a, Attempt::Status(s) if (200..300).contains(s)));
    let outcome = if delivered {
        "delivered"
    } else if n.abandoned {
        "abandoned"
    } else {
        "pending"
    };
    html! {
        tr.notification data-attempts=(n.attempts.len()) data-outcome=(outcome) {
            td { (n.seq) }
            td { (time(n.queued)) }
            td { (n.change_type) }
            td { code { (n.resource) } }
            td { (n.summary) }
            td {
                ol.attempts {
                    @for a in &n.attempts {
                        @match a {
                            Attempt::Status(s) => li class={ "attempt " @if (200..300).contains(s) { "ok" } @else { "failed" } } { (s) },
                            Attempt::NoAnswer(why) => li.attempt.failed { (why) },
                        }
                    }
                    @if n.abandoned {
                        li.attempt.failed { "given up" }
                    } @else if !delivered {
                        li.attempt.pending { "sending" }
                    }
                }
            }
        }
    }
}

/// `GET /recresp/page/recordings/{id}`: a recording for the page's player (`audio/wav`).
pub async fn recording_audio(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match shared.recordings.wav(&id) {
        Some(wav) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "audio/wav")],
            wav.as_ref().clone(),
        )
            .into_response(),
        None => GraphError::not_found(format!("recording {id} not found"))
            .for_request(&headers)
            .into_response(),
    }
}

/// `GET /recresp/page/timelines/{operation id}`: a recordResponse's timeline picture
/// (`image/svg+xml`), drawn when asked for.
pub async fn timeline_picture(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(timeline) = shared.recordings.timeline(&id) else {
        return GraphError::not_found(format!("no timeline for operation {id}"))
            .for_request(&headers)
            .into_response();
    };
    let drawn = tokio::task::spawn_blocking(move || timeline.svg()).await;
    match drawn {
        Ok(Ok(svg)) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "image/svg+xml")],
            svg,
        )
            .into_response(),
        Ok(Err(e)) => GraphError::for_status(StatusCode::INTERNAL_SERVER_ERROR, e)
            .for_request(&headers)
            .into_response(),
        Err(_) => GraphError::for_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            "drawing the timeline failed",
        )
        .for_request(&headers)
        .into_response(),
    }
}
