//! Shared pieces of `recresp-sim`'s tests: the binary run once (`sim`) or as `serve` in a
//! child process, a bot's callback endpoint that records what it receives (and can fail on
//! purpose), temporary folders, and inputs (WAV files, the shared caller, a prompt).
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use recresp_core::SampleRate;
use recresp_harness::callers::ANSWER_THEN_POUND;
use serde_json::Value;

/// The seed's example request (Graph's docs); its prompt is served from the media folder as
/// `beep.wav`.
pub const SEED_REQUEST: &str = include_str!("../sdk/seed-request.json");

/// Runs `recresp-sim` with `args` to its end.
pub fn sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_recresp-sim"))
        .args(args)
        .output()
        .expect("recresp-sim runs")
}

/// A temporary folder, removed on drop.
pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("recresp-sim-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    /// The path of `name` in the folder, as a command-line argument.
    pub fn arg(&self, name: &str) -> String {
        self.path(name).to_str().unwrap().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A mono 16-bit WAV file at `rate`.
pub fn write_wav(path: &Path, rate: SampleRate, samples: &[i16]) {
    write_wav_as(path, rate.hz(), 1, samples);
}

/// A 16-bit WAV file of any rate and channel count (`samples` interleaved).
pub fn write_wav_as(path: &Path, rate_hz: u32, channels: u16, samples: &[i16]) {
    std::fs::write(path, wav_bytes(rate_hz, channels, samples)).unwrap();
}

/// The bytes of a 16-bit WAV file of any rate and channel count (`samples` interleaved).
pub fn wav_bytes(rate_hz: u32, channels: u16, samples: &[i16]) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate_hz,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut bytes = std::io::Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut bytes, spec).unwrap();
    for &s in samples {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
    bytes.into_inner()
}

/// The shared caller at `rate` as `audio/ID.wav` in `dir`, for each of the calls `ids` (the
/// folder `serve --audio` reads).
pub fn write_callers(dir: &Dir, ids: &[&str], rate: SampleRate) {
    std::fs::create_dir_all(dir.path("audio")).unwrap();
    for id in ids {
        write_wav(&dir.path(&format!("audio/{id}.wav")), rate, &caller(rate));
    }
}

/// `recresp-sim run` with `--request` and `--caller` the files `request` and `caller` in
/// `dir`, each option of `files` naming a file in `dir`, and `more` arguments.
pub fn run_in(
    dir: &Dir,
    request: &str,
    caller: &str,
    files: &[(&str, &str)],
    more: &[&str],
) -> Output {
    let mut args = vec!["run".to_string(), "--request".into(), dir.arg(request)];
    args.extend(["--caller".into(), dir.arg(caller)]);
    for (option, name) in files {
        args.extend([option.to_string(), dir.arg(name)]);
    }
    args.extend(more.iter().map(|a| a.to_string()));
    sim(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The shared caller: 1 s of silence, 1.5 s of voice, a pause, `#`, then silence: 4 s.
pub fn caller(rate: SampleRate) -> Vec<i16> {
    let mut s = vec![0i16; ANSWER_THEN_POUND.samples(rate)];
    ANSWER_THEN_POUND.add_to(rate, &mut s);
    s
}

/// `ms` of a quiet 440 Hz tone, a prompt.
pub fn prompt(rate: SampleRate, ms: usize) -> Vec<i16> {
    let n = ms * rate.per_ms() as usize;
    (0..n)
        .map(|i| {
            let t = i as f64 / rate.hz() as f64;
            (3000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16
        })
        .collect()
}

/// `recresp-sim serve` running as a child process; killed on drop.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_recresp-sim"))
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("recresp-sim serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .rsplit(' ')
            .next()
            .expect("the server prints its address")
            .to_string();
        assert!(base.starts_with("http://127.0.0.1:"), "{line}");
        Server { child, base }
    }
}

/// Where the tests' requests go: a running server, or its base URL (for tasks that cannot
/// borrow the `Server`).
pub trait Endpoint {
    /// The URL of `path` on the server.
    fn url(&self, path: &str) -> String;
}

impl Endpoint for Server {
    fn url(&self, path: &str) -> String {
        self.base.url(path)
    }
}

impl Endpoint for String {
    fn url(&self, path: &str) -> String {
        format!("{self}{path}")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How the bot's endpoint answers.
#[derive(Clone, Debug)]
pub enum BotMode {
    /// 200 at once.
    Ok,
    /// 500 to the first `n` attempts of every notification, then 200.
    FailFirst(usize),
    /// 302 (to an address that would take it) to the first `n` attempts of every
    /// notification, then 200.
    RedirectFirst(usize),
    /// Answers 200 only once the gate is opened (`send(true)`).
    Held(Arc<tokio::sync::watch::Sender<bool>>),
}

/// A bot's callback endpoint that keeps every notification it accepted.
#[derive(Clone)]
pub struct Bot {
    pub url: String,
    pub received: Arc<Mutex<Vec<Value>>>,
    pub attempts: Arc<AtomicUsize>,
    /// The `Authorization` header of every attempt.
    pub authorizations: Arc<Mutex<Vec<String>>>,
    /// Requests that came to the redirect target (none should).
    pub redirected: Arc<AtomicUsize>,
}

impl Bot {
    pub async fn start(mode: BotMode) -> Bot {
        let received = Arc::new(Mutex::new(Vec::new()));
        let attempts = Arc::new(AtomicUsize::new(0));
        let seen: Arc<Mutex<std::collections::HashMap<String, usize>>> = Arc::default();
        let authorizations: Arc<Mutex<Vec<String>>> = Arc::default();
        let redirected = Arc::new(AtomicUsize::new(0));
        let (r, a, au) = (received.clone(), attempts.clone(), authorizations.clone());
        let handler = move |headers: axum::http::HeaderMap, body: String| {
            let (r, a, seen, mode) = (r.clone(), a.clone(), seen.clone(), mode.clone());
            let au = au.clone();
            async move {
                a.fetch_add(1, Ordering::SeqCst);
                au.lock().unwrap().push(
                    headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string(),
                );
                let ok = (StatusCode::OK, [("location", "")]);
                match mode {
                    BotMode::Ok => {}
                    BotMode::RedirectFirst(n) => {
                        let mut seen = seen.lock().unwrap();
                        let k = seen.entry(body.clone()).or_default();
                        *k += 1;
                        if *k <= n {
                            return (StatusCode::FOUND, [("location", "/elsewhere")]);
                        }
                    }
                    BotMode::FailFirst(n) => {
                        let mut seen = seen.lock().unwrap();
                        let k = seen.entry(body.clone()).or_default();
                        *k += 1;
                        if *k <= n {
                            return (StatusCode::INTERNAL_SERVER_ERROR, ok.1);
                        }
                    }
                    BotMode::Held(gate) => {
                        let _ = gate.subscribe().wait_for(|open| *open).await;
                    }
                }
                r.lock().unwrap().push(serde_json::from_str(&body).unwrap());
                ok
            }
        };
        let rd = redirected.clone();
        let elsewhere = move || {
            rd.fetch_add(1, Ordering::SeqCst);
            async { StatusCode::OK }
        };
        let app = axum::Router::new()
            .route("/api/calls", axum::routing::post(handler))
            .route("/elsewhere", axum::routing::any(elsewhere));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Bot {
            url: format!("http://{addr}/api/calls"),
            received,
            attempts,
            authorizations,
            redirected,
        }
    }

    /// Every notification received so far.
    pub fn all(&self) -> Vec<Value> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (up to `limit`) until `pred` holds for the notifications received.
    pub async fn wait_for(&self, limit: Duration, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let start = tokio::time::Instant::now();
        loop {
            let all = self.all();
            if pred(&all) || start.elapsed() > limit {
                return all;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits (up to `limit`) until a call notification says the call is terminated.
    pub async fn wait_for_call_end(&self, limit: Duration) -> Vec<Value> {
        self.wait_for(limit, |a| call_states(a).contains(&"terminated".into()))
            .await
    }
}

/// The notifications about operations and tones: all but the call's own state changes.
pub fn media_only(all: &[Value]) -> Vec<Value> {
    all.iter()
        .filter(|n| {
            let data = &n["value"][0]["resourceData"];
            data["@odata.type"] != "#microsoft.graph.call" || !data["toneInfo"].is_null()
        })
        .cloned()
        .collect()
}

/// The states the call's own notifications carried, in order (`incoming`, `establishing`, ...).
pub fn call_states(all: &[Value]) -> Vec<String> {
    all.iter()
        .map(|n| &n["value"][0]["resourceData"])
        .filter(|d| d["@odata.type"] == "#microsoft.graph.call" && d["toneInfo"].is_null())
        .map(|d| d["state"].as_str().unwrap_or("?").to_string())
        .collect()
}

/// An id as Graph writes it in resource paths: upper case, no dashes.
pub fn graph_form(id: &str) -> String {
    id.replace('-', "").to_uppercase()
}

/// The resourceData of each notification about operation `op_id`.
pub fn about(all: &[Value], op_id: &str) -> Vec<Value> {
    all.iter()
        .flat_map(|n| n["value"].as_array().cloned().unwrap_or_default())
        .filter(|v| v["resourceData"]["id"] == op_id)
        .map(|v| v["resourceData"].clone())
        .collect()
}

/// A client that sends a bearer token, as an SDK does.
pub fn client() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "authorization",
        reqwest::header::HeaderValue::from_static("Bearer test-token"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .no_proxy()
        .build()
        .unwrap()
}

/// Creates a call with `id` whose notifications go to `callback`.
pub async fn create_call(c: &reqwest::Client, server: &impl Endpoint, id: &str, callback: &str) {
    let r = c
        .post(server.url("/v1.0/communications/calls"))
        .json(&serde_json::json!({"id": id, "callbackUri": callback}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

/// GETs the recording that a completed recordOperation's resource data `data` names, with
/// its access token.
pub async fn get_recording(c: &reqwest::Client, data: &Value) -> reqwest::Response {
    c.get(data["recordingLocation"].as_str().unwrap())
        .bearer_auth(data["recordingAccessToken"].as_str().unwrap())
        .send()
        .await
        .unwrap()
}

/// POSTs an action with a JSON body; returns status, Location and body.
pub async fn act(
    c: &reqwest::Client,
    server: &impl Endpoint,
    call: &str,
    action: &str,
    body: &str,
) -> (u16, Option<String>, Value) {
    let r = c
        .post(server.url(&format!("/beta/communications/calls/{call}/{action}")))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    let body = r.json().await.unwrap_or(Value::Null);
    (status, location, body)
}
