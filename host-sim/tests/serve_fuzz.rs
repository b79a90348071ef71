//! A bounded fuzz run of `recresp-sim serve` on loopback: a few thousand requests built from
//! the routes and bodies a bot sends, mutated (methods, path segments, percent-encoding,
//! headers, bodies cut, flipped, spliced), sent over raw TCP. Every answer must come within a
//! bound and be a success or a Graph error body with a `request-id`; the server must still be
//! up at the end. The run is seeded, so a failure replays.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use recresp_core::SampleRate;
use recresp_harness::rng::SplitMix64;
use serde_json::Value;

const REQUESTS: usize = 3000;
const SEED: u64 = 0x5eed_f022;
/// Far longer than any answer takes: an answer later than this is a hang.
const ANSWER_LIMIT: Duration = Duration::from_secs(15);

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"];

const PATHS: [&str; 22] = [
    "/v1.0/communications/calls",
    "/beta/communications/calls",
    "/app/calls",
    "/v1.0/communications/calls/fz-out",
    "/beta/communications/calls/FZOUT",
    "/v1.0/communications/calls/fz-out/recordResponse",
    "/beta/communications/calls/fz-out/playPrompt",
    "/beta/communications/calls/fz-out/cancelMediaProcessing",
    "/beta/communications/calls/fz-out/subscribeToTone",
    "/v1.0/communications/calls/fz-in/answer",
    "/v1.0/communications/calls/fz-in/reject",
    "/v1.0/communications/calls/fz-in/redirect",
    "/v1.0/communications/calls/fz-out/keepAlive",
    "/v1.0/communications/calls/fz-out/transfer",
    "/v1.0/communications/calls/fz-out/operations",
    "/v1.0/communications/calls/fz-out/operations/0fe0623f-d628-42ed-b4bd-8ac290072cc5",
    "/recresp/calls",
    "/recresp/calls/fz-in/audio",
    "/recresp/calls/fz-in/hangUp",
    "/recresp/recordings/0fe0623f-d628-42ed-b4bd-8ac290072cc5",
    "/recresp/stats",
    "/",
];

/// Pieces spliced into paths: all valid in a request line, many not valid once decoded.
const PATH_PIECES: [&str; 14] = [
    "%FF", "%", "%2", "%2F", "%00", "..", "/", "//", "%C3%28", "a%20b", "?x=%FF", "#", ";", "~",
];

fn bodies(wav: &[u8]) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        SEED_REQUEST,
        r##"{"stopTones":["#"],"playBeep":false}"##,
        r##"{"prompts":[{"@odata.type":"#microsoft.graph.mediaPrompt","mediaInfo":{"uri":"https://x/beep.wav"}}]}"##,
        r#"{"clientContext":"c"}"#,
        r##"{"callbackUri":"http://127.0.0.1:9/api","mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"}}"##,
        r##"{"callbackUri":"http://127.0.0.1:9/api","mediaConfig":{"@odata.type":"#microsoft.graph.appHostedMediaConfig"}}"##,
        r#"{"id":"fz-x","callbackUri":"http://127.0.0.1:9/api"}"#,
        r#"{"targets":[{"identity":{"user":{"id":"x"}}}]}"#,
        r#"{"reason":"busy"}"#,
        "{}",
        "[]",
        "",
        "null",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    v.push(wav.to_vec());
    v.push("[".repeat(5000).into_bytes());
    v
}

fn mutate(rng: &mut SplitMix64, mut b: Vec<u8>) -> Vec<u8> {
    for _ in 0..rng.below(4) {
        match rng.below(6) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            1 if !b.is_empty() => {
                let n = rng.below(b.len());
                b.truncate(n);
            }
            2 => {
                let i = rng.below(b.len() + 1);
                let junk: Vec<u8> = (0..rng.below(16)).map(|_| rng.next_u64() as u8).collect();
                b.splice(i..i, junk);
            }
            3 if !b.is_empty() => {
                let i = rng.below(b.len());
                let j = i + rng.below(b.len() - i);
                let copy = b[i..j].to_vec();
                b.extend_from_slice(&copy);
            }
            4 => {
                let i = rng.below(b.len() + 1);
                b.splice(i..i, *br#"{"a":"\uD800","n":1e999999}"#);
            }
            _ => {}
        }
    }
    b
}

fn mutate_path(rng: &mut SplitMix64, path: &str) -> String {
    let mut p = path.to_string();
    // Two in three paths are left whole, so that most requests reach a handler.
    let pieces = if rng.below(3) == 0 {
        1 + rng.below(3)
    } else {
        0
    };
    for _ in 0..pieces {
        let piece = PATH_PIECES[rng.below(PATH_PIECES.len())];
        // After the leading `/`: a request target that does not start with one is refused by
        // the HTTP parser before the server sees it.
        let mut at = 1 + rng.below(p.len());
        while !p.is_char_boundary(at) {
            at -= 1;
        }
        p.insert_str(at, piece);
    }
    if rng.below(20) == 0 {
        p.push_str(&"/x".repeat(rng.below(2000)));
    }
    p
}

/// One request; returns the raw answer, or `Err` if none came within the limit.
fn send(addr: &str, request: &[u8]) -> Result<Vec<u8>, String> {
    let mut s = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    s.set_read_timeout(Some(ANSWER_LIMIT)).unwrap();
    // The server may answer (413, 400) and close before reading everything.
    let _ = s.write_all(request);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut got = Vec::new();
    match s.read_to_end(&mut got) {
        Ok(_) => Ok(got),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset && !got.is_empty() => Ok(got),
        Err(e) => Err(format!("no answer: {e} (got {} bytes)", got.len())),
    }
}

/// Checks one answer; returns its status.
fn check(answer: &[u8], what: &str) -> u16 {
    let text = String::from_utf8_lossy(answer);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("{what}: no header end in {text:?}"));
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{what}: no status in {head:?}"));
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    assert!(
        header("request-id").is_some(),
        "{what}: no request-id: {head}"
    );
    assert!(
        header("client-request-id").is_some(),
        "{what}: no client-request-id: {head}"
    );
    if status >= 400 {
        assert_eq!(
            header("content-type").as_deref(),
            Some("application/json"),
            "{what}: {head}"
        );
        let e: Value = serde_json::from_str(body)
            .unwrap_or_else(|err| panic!("{what}: error body is not JSON ({err}): {body:?}"));
        assert!(e["error"]["code"].is_string(), "{what}: {e}");
        assert!(e["error"]["message"].is_string(), "{what}: {e}");
        assert!(
            e["error"]["innerError"]["request-id"].is_string(),
            "{what}: {e}"
        );
        assert!(status < 500, "{what}: a server error: {e}");
    } else {
        assert!((200..300).contains(&status), "{what}: status {status}");
        if header("content-type").as_deref() == Some("application/json") {
            serde_json::from_str::<Value>(body)
                .unwrap_or_else(|err| panic!("{what}: body is not JSON ({err}): {body:?}"));
        }
    }
    status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_mutated_requests_get_graph_answers() {
    let dir = Dir::new("fuzz");
    write_callers(&dir, &["fz-in"], SampleRate::Hz8000);
    let server = Server::start(&[
        "--audio",
        dir.path("audio").to_str().unwrap(),
        "--header-timeout-ms",
        "3000",
        "--body-timeout-ms",
        "3000",
    ]);
    let bot = Bot::start(BotMode::Ok).await;
    let c = client();
    let wav = wav_bytes(8000, 1, &caller(SampleRate::Hz8000)[..4000]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let bot_url = bot.url.clone();
    let (statuses, requests) = tokio::task::spawn_blocking(move || {
        let bodies = bodies(&wav);
        let mut rng = SplitMix64::new(SEED);
        let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
        for i in 0..REQUESTS {
            // Every so often, fresh calls to act on: one placed by the bot, one ringing.
            if i % 20 == 0 {
                for (path, id) in [
                    ("/v1.0/communications/calls", "fz-out"),
                    ("/recresp/calls", "fz-in"),
                ] {
                    let body = format!(r#"{{"id":"{id}","callbackUri":"{bot_url}"}}"#);
                    let req = format!(
                        "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\
                         Content-Type: application/json\r\nContent-Length: {}\r\n\
                         Connection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let answer = send(&addr, req.as_bytes()).unwrap();
                    check(&answer, "setup");
                }
            }
            let method = if rng.below(4) == 0 {
                METHODS[rng.below(METHODS.len())]
            } else {
                ["POST", "GET"][rng.below(2)]
            };
            let pick = rng.below(PATHS.len());
            let path = mutate_path(&mut rng, PATHS[pick]);
            let pick = rng.below(bodies.len());
            let body = mutate(&mut rng, bodies[pick].clone());
            let mut head =
                format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            if rng.below(5) != 0 {
                head.push_str("Authorization: Bearer fuzz\r\n");
            }
            match rng.below(4) {
                0 => {}
                1 => head.push_str("Content-Type: text/plain\r\n"),
                _ => head.push_str("Content-Type: application/json; charset=utf-8\r\n"),
            }
            if rng.below(3) == 0 {
                head.push_str(&format!("client-request-id: fz-{i}\r\n"));
            }
            // Mostly the true length; sometimes less than sent.
            let length = if rng.below(10) == 0 {
                body.len() / 2
            } else {
                body.len()
            };
            head.push_str(&format!("Content-Length: {length}\r\n\r\n"));
            let mut request = head.into_bytes();
            request.extend_from_slice(&body);
            let what = format!("request {i}: {method} {path}");
            let answer = send(&addr, &request).unwrap_or_else(|e| panic!("{what}: {e}"));
            *statuses.entry(check(&answer, &what)).or_default() += 1;
        }
        (statuses, REQUESTS)
    })
    .await
    .unwrap();
    println!(
        "serve fuzz: {requests} mutated requests (seed {SEED:#x}), answers by status: {statuses:?}"
    );
    // Still up and serving.
    let r = c.get(server.url("/recresp/stats")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(statuses.keys().any(|s| *s < 300), "some requests succeeded");
    assert!(statuses.keys().any(|s| *s >= 400), "some were refused");
}
