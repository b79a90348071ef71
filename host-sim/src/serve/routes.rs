//! The HTTP routes: Graph's call and call-action paths under `/v1.0`, `/beta` and the
//! deprecated `/app`, and the simulator's own under `/recresp` (the caller's side: dialling
//! the bot, its audio, hanging up; recordings; delivery counts), and the page at `/` with
//! what it shows. Every refusal is a Graph error body.
//!
//! Checks run in Graph's order: authentication (401), the call (404), the body's size (413)
//! and type (415), then its content (400).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use futures_util::StreamExt;
use serde_json::Value;

use super::calls::Call;
use super::driver::{check_media_config, CallState};
use super::errors::GraphError;
use super::lifecycle::{Direction, EndReason};
use super::recordings::FetchError;
use super::version::ApiVersion;
use super::Shared;
use crate::wav::{decode_wav, read_wav};

/// Largest body of a Graph request: the largest request the core parses.
pub const MAX_BODY: usize = recresp_core::json::REQUEST_MAX_LEN;
/// Largest caller-audio upload (over 15 minutes at 16 kHz).
pub const MAX_UPLOAD: usize = 32 * 1024 * 1024;
/// How much of an oversized body is read and discarded before the 413 is sent, so that a
/// client still writing its body reads the answer instead of a reset connection.
const DRAIN_MAX: usize = 64 * 1024 * 1024;

/// Where Graph's call paths live.
const CALL_ROOTS: [&str; 4] = [
    "/v1.0/communications/calls",
    "/beta/communications/calls",
    "/app/communications/calls",
    "/app/calls",
];

/// Graph's call actions the simulator does not carry out: a Graph-shaped 400 says so.
const UNSUPPORTED_ACTIONS: [&str; 12] = [
    "transfer",
    "mute",
    "unmute",
    "sendDtmfTones",
    "updateRecordingStatus",
    "changeScreenSharingRole",
    "addLargeGalleryView",
    "invite",
    "logTeleconferenceDeviceQuality",
    "startHoldMusic",
    "stopHoldMusic",
    "record",
];

type Reply = Result<Response, GraphError>;

/// All routes.
pub fn router(shared: Arc<Shared>) -> Router {
    let mut app = Router::new();
    for root in CALL_ROOTS {
        app = app
            .route(root, post(create_call))
            .route(&format!("{root}/{{id}}"), get(get_call).delete(delete_call))
            .route(&format!("{root}/{{id}}/{{action}}"), post(action))
            .route(
                &format!("{root}/{{id}}/operations/{{op}}"),
                get(get_operation),
            );
    }
    app.route("/recresp/calls", post(dial))
        .route("/recresp/calls/{id}/audio", put(upload_audio))
        .route("/recresp/calls/{id}/hangUp", post(caller_hangs_up))
        .route("/recresp/recordings/{id}", get(get_recording))
        .route("/recresp/stats", get(stats))
        .route("/", get(super::page::page))
        .route(
            "/recresp/page/recordings/{id}",
            get(super::page::recording_audio),
        )
        .route(
            "/recresp/page/timelines/{id}",
            get(super::page::timeline_picture),
        )
        .fallback(not_found)
        .layer(axum::middleware::from_fn(detach))
        .layer(axum::middleware::from_fn(super::wire::graph_wire))
        .with_state(shared)
}

/// Runs each request in a task of its own, so that a client that goes away once its request
/// is in does not cut the handling short: the request takes effect or, if its body never
/// arrived, nothing happens.
async fn detach(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Runs a handler's body and turns its error into Graph's error response.
fn reply(headers: &HeaderMap, r: Reply) -> Response {
    r.unwrap_or_else(|e| e.for_request(headers).into_response())
}

fn authenticated(headers: &HeaderMap) -> Result<(), GraphError> {
    match headers.get(header::AUTHORIZATION) {
        Some(v) if !v.as_bytes().is_empty() => Ok(()),
        _ => Err(GraphError::unauthenticated(
            "Authorization header is missing: send a bearer token (any token is accepted)",
        )),
    }
}

fn live_call(shared: &Shared, id: &str) -> Result<Arc<Call>, GraphError> {
    shared
        .calls
        .get(id)
        .ok_or_else(|| GraphError::not_found(format!("call {id} not found")))
}

/// The body, or 413 when it is over `limit`, or 408 when it has not all arrived within the
/// server's body timeout (any other failure to read it is 400).
async fn read_body(shared: &Shared, body: Body, limit: usize) -> Result<Bytes, GraphError> {
    let timeout = shared.body_timeout;
    tokio::time::timeout(timeout, read_body_unbounded(body, limit))
        .await
        .unwrap_or(Err(GraphError::request_timeout(timeout)))
}

/// The body, or 413 when it is over `limit`. An oversized body is still read to its end (up
/// to [`DRAIN_MAX`]) and dropped, so the client gets the 413 rather than a broken pipe while
/// it writes.
async fn read_body_unbounded(body: Body, limit: usize) -> Result<Bytes, GraphError> {
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            GraphError::bad_request(format!("the request body could not be read ({e})"))
        })?;
        total = total.saturating_add(chunk.len());
        if total <= limit {
            kept.extend_from_slice(&chunk);
        } else if total > DRAIN_MAX {
            break;
        }
    }
    if total > limit {
        Err(GraphError::too_large(limit))
    } else {
        Ok(Bytes::from(kept))
    }
}

/// The body as JSON text: 415 unless it is `application/json`; an empty body counts as
/// `{}` when `empty_ok`.
fn json_text(headers: &HeaderMap, body: &Bytes, empty_ok: bool) -> Result<String, GraphError> {
    if body.is_empty() && empty_ok {
        return Ok("{}".to_string());
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(GraphError::unsupported_media_type("application/json"));
    }
    String::from_utf8(body.to_vec())
        .map_err(|_| GraphError::bad_request("the request body is not UTF-8"))
}

fn parse_json(text: &str) -> Result<Value, GraphError> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        GraphError::bad_request(format!("the request body is not valid JSON ({e})"))
    })?;
    if v.is_object() {
        Ok(v)
    } else {
        Err(GraphError::bad_request(
            "the request body must be a JSON object",
        ))
    }
}

/// `.../calls` from the request's path (the Location of what is created under it).
fn calls_root(uri: &axum::http::Uri) -> String {
    let path = uri.path();
    match path.find("/calls") {
        Some(i) => path[..i + "/calls".len()].to_string(),
        None => "/v1.0/communications/calls".to_string(),
    }
}

fn json_response(status: StatusCode, location: Option<String>, body: String) -> Response {
    let mut r = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if let Some(v) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// A call id the simulator takes from the client: letters, digits, `-`, `_`, `.`.
fn valid_call_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        && !id.starts_with('.')
}

/// A `callbackUri`: an `http` or `https` URL.
fn callback_uri(v: &Value, required: bool) -> Result<Option<String>, GraphError> {
    let Some(raw) = v.get("callbackUri") else {
        return if required {
            Err(GraphError::bad_request("callbackUri is required"))
        } else {
            Ok(None)
        };
    };
    let text = raw
        .as_str()
        .ok_or_else(|| GraphError::bad_request("callbackUri must be a string"))?;
    match reqwest::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(Some(text.to_string()))
        }
        _ => Err(GraphError::bad_request(format!(
            "callbackUri must be an absolute http:// or https:// URL, not {text:?}"
        ))),
    }
}

/// The call's id from the body (`id`), or a fresh GUID; 409 when a live call has it.
fn new_call_id(shared: &Shared, v: &Value) -> Result<String, GraphError> {
    let id = match v.get("id") {
        None | Some(Value::Null) => super::ids::guid(),
        Some(Value::String(id)) if valid_call_id(id) => id.clone(),
        Some(_) => {
            return Err(GraphError::bad_request(
                "id: 1 to 64 letters, digits, '-', '_' or '.'",
            ))
        }
    };
    if shared.calls.get(&id).is_some() {
        return Err(GraphError::conflict(format!("call {id} already exists")));
    }
    Ok(id)
}

/// The caller's audio for a new call: the body's `audio` (a file name in `--audio DIR`), or
/// `DIR/ID.wav` if there is one, or none (silence).
fn caller_audio(
    shared: &Shared,
    v: &Value,
    id: &str,
) -> Result<Option<crate::wav::CallerAudio>, GraphError> {
    let named = match v.get("audio") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) if valid_call_id(name) => Some(name.clone()),
        Some(_) => {
            return Err(GraphError::bad_request(
                "audio: the name of a WAV file in the server's --audio folder",
            ))
        }
    };
    let Some(dir) = &shared.audio_dir else {
        return match named {
            Some(_) => Err(GraphError::bad_request(
                "audio: the server was started without --audio",
            )),
            None => Ok(None),
        };
    };
    let path = match named {
        Some(name) => {
            let p = dir.join(&name);
            if !p.is_file() {
                return Err(GraphError::bad_request(format!(
                    "audio: no file {name} in the --audio folder"
                )));
            }
            p
        }
        None => {
            let p = dir.join(format!("{id}.wav"));
            if !p.is_file() {
                return Ok(None);
            }
            p
        }
    };
    read_wav(&path)
        .map(Some)
        .map_err(|e| GraphError::bad_request(e.to_string()))
}

/// Creates a call and posts its first notifications; 201 with the call and its Location.
fn start_call(
    shared: &Arc<Shared>,
    v: &Value,
    direction: Direction,
    version: ApiVersion,
    calls_root: &str,
) -> Reply {
    let callback = callback_uri(v, true)?.unwrap_or_default();
    check_media_config(v)?;
    let id = new_call_id(shared, v)?;
    let audio = caller_audio(shared, v, &id)?;
    let hang_up_when_audio_ends = match v.get("hangUpWhenAudioEnds") {
        _ if direction == Direction::Outgoing => false,
        None | Some(Value::Null | Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(_) => {
            return Err(GraphError::bad_request(
                "hangUpWhenAudioEnds must be true or false",
            ))
        }
    };
    let initial = match direction {
        Direction::Incoming => "incoming",
        Direction::Outgoing => "establishing",
    };
    let log = shared
        .journal
        .start(&id, direction.as_str(), initial, &callback);
    let notify = shared
        .notifier
        .start_call(callback.clone(), Arc::clone(&log));
    let mut state = CallState::new(&id, audio, notify, direction, &callback, version);
    if hang_up_when_audio_ends {
        state.hang_up_when_audio_ends();
    }
    let mut body = state.body();
    if direction == Direction::Outgoing {
        body["state"] = Value::from("establishing");
    }
    if shared.calls.add(&id, state, Arc::clone(shared)).is_none() {
        shared.journal.forget(&log);
        return Err(GraphError::conflict(format!("call {id} already exists")));
    }
    let location = format!("{}{calls_root}/{id}", shared.base_url);
    Ok(json_response(
        StatusCode::CREATED,
        Some(location),
        body.to_string(),
    ))
}

/// `POST /communications/calls`: the bot places a call (to the simulated caller) with a
/// `callbackUri`, and the client's `id` if it gives one. The call goes `establishing` →
/// `established` at once (both notified); its caller audio is `--audio DIR/ID.wav` if present.
async fn create_call(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let body = read_body(&shared, body, MAX_BODY).await;
    let r = (|| {
        authenticated(&headers)?;
        let body = body?;
        let v = parse_json(&json_text(&headers, &body, false)?)?;
        start_call(
            &shared,
            &v,
            Direction::Outgoing,
            ApiVersion::of_path(uri.path()),
            &calls_root(&uri),
        )
    })();
    reply(&headers, r)
}

/// `POST /recresp/calls`: the caller dials the bot. `{"callbackUri", "id"?, "audio"?,
/// "hangUpWhenAudioEnds"?}`: the incoming call is notified to `callbackUri` (the bot's calling
/// webhook), ringing until the bot answers, rejects or redirects it. No `Authorization` is
/// needed (this is the caller's side, not Graph's API).
async fn dial(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Body) -> Response {
    let body = read_body(&shared, body, MAX_BODY).await;
    let r = (|| {
        let body = body?;
        let v = parse_json(&json_text(&headers, &body, false)?)?;
        start_call(
            &shared,
            &v,
            Direction::Incoming,
            ApiVersion::V1,
            "/v1.0/communications/calls",
        )
    })();
    reply(&headers, r)
}

/// `POST /recresp/calls/{id}/hangUp`: the caller hangs up. Running operations end as the
/// core ends them on a hang-up, and the call is notified `terminated`.
async fn caller_hangs_up(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let r = end_call(&shared, &id, EndReason::CallerHungUp);
    reply(&headers, r)
}

/// Ends the live call `id` for `reason`; 204.
fn end_call(shared: &Shared, id: &str, reason: EndReason) -> Reply {
    if shared.calls.end(id, reason, shared) {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(GraphError::not_found(format!("call {id} not found")))
    }
}

/// `GET /communications/calls/{id}`.
async fn get_call(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let r = (|| {
        authenticated(&headers)?;
        let body = live_call(&shared, &id)?.lock().body();
        Ok(json_response(StatusCode::OK, None, body.to_string()))
    })();
    reply(&headers, r)
}

/// `DELETE /communications/calls/{id}`: the bot hangs up; running and queued operations
/// are notified, then the call (`terminating`, `terminated`), and the call's recordings are
/// deleted.
async fn delete_call(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let r = authenticated(&headers).and_then(|()| end_call(&shared, &id, EndReason::BotHungUp));
    reply(&headers, r)
}

/// `POST /communications/calls/{id}/{action}`: the media actions (an operation, 200 with
/// its Location), answer, reject and redirect (202), keepAlive (200), and a Graph-shaped 400
/// for the other call actions.
async fn action(
    State(shared): State<Arc<Shared>>,
    Path((id, action)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let body = read_body(&shared, body, MAX_BODY).await;
    let version = ApiVersion::of_path(uri.path());
    let r = (|| {
        authenticated(&headers)?;
        let call = live_call(&shared, &id)?;
        let body = body?;
        let media = shared.media_dir.as_deref();
        let gone = || GraphError::not_found(format!("call {id} not found"));
        let (op_id, doc) = match action.as_str() {
            "recordResponse" => {
                let text = json_text(&headers, &body, false)?;
                let mut state = call.lock();
                if state.ended() {
                    return Err(gone());
                }
                state.record(&text, media, version)?
            }
            "playPrompt" | "cancelMediaProcessing" | "subscribeToTone" => {
                let empty_ok = action != "playPrompt";
                let v = parse_json(&json_text(&headers, &body, empty_ok)?)?;
                let mut state = call.lock();
                if state.ended() {
                    return Err(gone());
                }
                match action.as_str() {
                    "playPrompt" => state.play_prompt(&v, media, version)?,
                    "cancelMediaProcessing" => state.cancel_media_processing(&v, &shared)?,
                    _ => state.subscribe_to_tone(&v)?,
                }
            }
            "answer" | "reject" | "redirect" => {
                let v = parse_json(&json_text(&headers, &body, action != "answer")?)?;
                let callback = callback_uri(&v, false)?;
                {
                    let mut state = call.lock();
                    if state.ended() {
                        return Err(gone());
                    }
                    match action.as_str() {
                        "answer" => state.answer(&v, callback, version, &shared)?,
                        "reject" => state.decline(&shared, EndReason::Rejected)?,
                        _ => {
                            if !v.get("targets").is_some_and(Value::is_array) {
                                return Err(GraphError::bad_request(
                                    "targets: the redirect's targets are required",
                                ));
                            }
                            state.decline(&shared, EndReason::Redirected)?
                        }
                    }
                }
                if action != "answer" {
                    // Already hung up (declined): this takes it out of the registry.
                    shared.calls.end(&id, EndReason::Rejected, &shared);
                }
                call.wake();
                return Ok(StatusCode::ACCEPTED.into_response());
            }
            "keepAlive" => {
                if call.lock().ended() {
                    return Err(gone());
                }
                return Ok(StatusCode::OK.into_response());
            }
            other if UNSUPPORTED_ACTIONS.contains(&other) => {
                return Err(GraphError::not_supported(other))
            }
            other => {
                return Err(GraphError::not_found(format!(
                    "no action {other} on a call"
                )))
            }
        };
        call.wake();
        let location = format!(
            "{}{}/{id}/operations/{op_id}",
            shared.base_url,
            calls_root(&uri)
        );
        let doc = serde_json::from_str(&doc).map_or(doc, |v| version.shape(v).to_string());
        Ok(json_response(StatusCode::OK, Some(location), doc))
    })();
    reply(&headers, r)
}

/// `GET /communications/calls/{id}/operations/{op}`: the operation as it is now (running,
/// or its final state once notified).
async fn get_operation(
    State(shared): State<Arc<Shared>>,
    Path((id, op)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let r = (|| {
        authenticated(&headers)?;
        let call = live_call(&shared, &id)?;
        let doc = call
            .lock()
            .document(&op)
            .cloned()
            .ok_or_else(|| GraphError::not_found(format!("operation {op} not found")))?;
        let doc = ApiVersion::of_path(uri.path()).shape(doc);
        Ok(json_response(StatusCode::OK, None, doc.to_string()))
    })();
    reply(&headers, r)
}

/// `PUT /recresp/calls/{id}/audio`: gives a call its caller audio (a WAV body), before its
/// first media operation.
async fn upload_audio(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let body = read_body(&shared, body, MAX_UPLOAD).await;
    let r = (|| {
        let call = live_call(&shared, &id)?;
        let body = body?;
        let audio = decode_wav(&body).map_err(GraphError::bad_request)?;
        call.lock().set_audio(audio)?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })();
    reply(&headers, r)
}

/// `GET /recresp/recordings/{id}` with `Authorization: Bearer <recordingAccessToken>`.
async fn get_recording(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let r = match shared.recordings.fetch(&id, auth) {
        Ok(wav) => Ok((
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/octet-stream")],
            wav.as_ref().clone(),
        )
            .into_response()),
        Err(FetchError::NotFound) => Err(GraphError::not_found("recording not found")),
        Err(FetchError::NoToken) => Err(GraphError::unauthenticated(
            "send the recordingAccessToken as a bearer token",
        )),
        Err(FetchError::WrongToken) => Err(GraphError::forbidden(
            "the token does not open this recording",
        )),
    };
    reply(&headers, r)
}

/// `GET /recresp/stats`: live calls, stored recordings and notification delivery counts.
async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    let body = serde_json::json!({
        "calls": shared.calls.len(),
        "recordings": shared.recordings.len(),
        "notifications": shared.notifier.stats().to_json(),
    });
    json_response(StatusCode::OK, None, body.to_string())
}

async fn not_found(headers: HeaderMap, uri: Uri) -> Response {
    reply(
        &headers,
        Err(GraphError::not_found(format!(
            "no resource at {}",
            uri.path()
        ))),
    )
}
