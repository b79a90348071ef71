//! `recresp-sim serve` under load and faults: 200 concurrent calls from one client with no
//! lost or duplicated notification, a bot endpoint that fails, is down or is slow, and
//! clients that disconnect mid-request. Run with `--nocapture` to see the figures.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use recresp_core::SampleRate;
use serde_json::Value;

/// The tests of this file run one at a time: each measures a server under its own load.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const PROMPT: &str = r##"{"prompts":[{"@odata.type":"#microsoft.graph.mediaPrompt","mediaInfo":{"uri":"https://x/beep.wav"}}]}"##;
const RECORD: &str = r##"{"stopTones":["#"],"playBeep":false,"maxRecordDurationInSeconds":10}"##;

fn setup(name: &str, ids: &[String]) -> Dir {
    let dir = Dir::new(name);
    std::fs::create_dir_all(dir.path("audio")).unwrap();
    std::fs::create_dir_all(dir.path("media")).unwrap();
    write_wav(
        &dir.path("media/beep.wav"),
        SampleRate::Hz8000,
        &prompt(SampleRate::Hz8000, 500),
    );
    write_wav(
        &dir.path("caller.wav"),
        SampleRate::Hz8000,
        &caller(SampleRate::Hz8000),
    );
    for id in ids {
        std::fs::copy(dir.path("caller.wav"), dir.path(&format!("audio/{id}.wav"))).unwrap();
    }
    dir
}

fn start(dir: &Dir, extra: &[&str]) -> Server {
    let audio = dir.path("audio");
    let media = dir.path("media");
    let mut args = vec![
        "--audio",
        audio.to_str().unwrap(),
        "--media",
        media.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    Server::start(&args)
}

/// Counts notifications per operation id.
fn per_operation(all: &[Value]) -> HashMap<String, usize> {
    let mut n = HashMap::new();
    for v in all {
        let id = v["value"][0]["resourceData"]["id"]
            .as_str()
            .unwrap_or("")
            .to_string();
        *n.entry(id).or_default() += 1;
    }
    n
}

async fn stats(c: &reqwest::Client, server: &Server) -> Value {
    c.get(server.url("/recresp/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_calls_lose_and_duplicate_nothing() {
    let _serial = ONE_AT_A_TIME.lock().await;
    const CALLS: usize = 200;
    let ids: Vec<String> = (0..CALLS).map(|i| format!("load-{i}")).collect();
    let dir = setup("load", &ids);
    // Delivery is at least once: a bot that has not answered within the callback timeout gets
    // the notification again. The bot here shares the test machine with 200 calls' worth of
    // decoding, so it is given 30 s: this test is about the server losing or duplicating
    // nothing by itself.
    let server = start(&dir, &["--callback-timeout-ms", "30000"]);
    let bot = Bot::start(BotMode::Ok).await;
    let c = client();
    let mut tasks = Vec::new();
    for id in &ids {
        let (c, bot, id) = (c.clone(), bot.clone(), id.clone());
        let base = server.base.clone();
        tasks.push(tokio::spawn(async move {
            create_call(&c, &base, &id, &bot.url).await;
            let mut ops = Vec::new();
            for (action, body) in [("playPrompt", PROMPT), ("recordResponse", RECORD)] {
                let (s, _, v) = act(&c, &base, &id, action, body).await;
                assert_eq!(s, 200);
                ops.push(v["id"].as_str().unwrap().to_string());
            }
            ops
        }));
    }
    let mut ops = Vec::new();
    for t in tasks {
        ops.extend(t.await.unwrap());
    }
    let all = media_only(
        &bot.wait_for(Duration::from_secs(150), |a| {
            media_only(a).len() >= ops.len()
        })
        .await,
    );
    // Let any duplicate arrive before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let everything = bot.all();
    let all_after = media_only(&everything);
    let counts = per_operation(&all_after);
    let lost = ops.iter().filter(|id| !counts.contains_key(*id)).count();
    let duplicated = counts.values().filter(|&&n| n > 1).count();
    // Every recording is fetchable and the same (every call hears the same audio).
    let mut wavs = std::collections::HashSet::new();
    for v in &all {
        let data = &v["value"][0]["resourceData"];
        if data["@odata.type"] == "#microsoft.graph.recordOperation" {
            assert_eq!(data["completionReason"], "stopToneDetected", "{data}");
            let r = get_recording(&c, data).await;
            assert_eq!(r.status(), 200);
            wavs.insert(r.bytes().await.unwrap().to_vec());
        }
    }
    let s = stats(&c, &server).await;
    println!(
        "serve load: {CALLS} concurrent calls, {} operations: {} notifications received, \
         {lost} lost, {duplicated} duplicated, {} distinct recordings; server counts {}",
        ops.len(),
        all_after.len(),
        wavs.len(),
        s["notifications"]
    );
    assert_eq!(lost, 0);
    assert_eq!(duplicated, 0);
    assert_eq!(all_after.len(), 2 * CALLS);
    assert_eq!(wavs.len(), 1, "every call's recording is the same");
    // Each call also had its establishing and established notifications.
    assert_eq!(
        call_states(&everything).len(),
        2 * CALLS,
        "establishing and established per call"
    );
    assert_eq!(s["notifications"]["delivered"], 4 * CALLS);
}

async fn record_on_call(c: &reqwest::Client, server: &Server, id: &str, bot_url: &str) -> String {
    create_call(c, server, id, bot_url).await;
    let (s, _, v) = act(c, server, id, "recordResponse", RECORD).await;
    assert_eq!(s, 200);
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_down_and_slow_bots_get_retries_and_the_server_keeps_serving() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let ids: Vec<String> = ["f500", "fdown", "fslow", "fok"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let dir = setup("faults", &ids);
    let server = start(
        &dir,
        &[
            "--retries",
            "3",
            "--backoff-ms",
            "50",
            "--callback-timeout-ms",
            "10000",
        ],
    );
    let c = client();
    // 500 twice per notification, then 200: delivered once, after two retries.
    let failing = Bot::start(BotMode::FailFirst(2)).await;
    let op = record_on_call(&c, &server, "f500", &failing.url).await;
    // Nothing listens here: every attempt fails, the server gives up after the retries.
    let down_url = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/api/calls", l.local_addr().unwrap())
    };
    let _ = record_on_call(&c, &server, "fdown", &down_url).await;
    // Slow: the bot holds its answer; meanwhile another call is served and notified.
    let gate = Arc::new(tokio::sync::watch::channel(false).0);
    let slow = Bot::start(BotMode::Held(gate.clone())).await;
    let slow_op = record_on_call(&c, &server, "fslow", &slow.url).await;
    let ok = Bot::start(BotMode::Ok).await;
    let ok_op = record_on_call(&c, &server, "fok", &ok.url).await;
    let got = ok
        .wait_for(Duration::from_secs(20), |a| !about(a, &ok_op).is_empty())
        .await;
    assert_eq!(about(&got, &ok_op).len(), 1);
    // The slow bot got its POST and has not answered it yet.
    let deadline = Instant::now() + Duration::from_secs(20);
    while slow.attempts.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(slow.attempts.load(Ordering::SeqCst), 1);
    assert!(slow.all().is_empty());
    gate.send_replace(true);

    // Each call posts three notifications: establishing, established, the operation's end.
    let got = failing
        .wait_for(Duration::from_secs(20), |a| !about(a, &op).is_empty())
        .await;
    assert_eq!(about(&got, &op).len(), 1);
    assert_eq!(failing.attempts.load(Ordering::SeqCst), 3 * 3);
    let got = slow
        .wait_for(Duration::from_secs(20), |a| !about(a, &slow_op).is_empty())
        .await;
    assert_eq!(about(&got, &slow_op).len(), 1);
    // The down bot: 1 + 3 attempts per notification with pauses of 50, 100, 200 ms.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut s = stats(&c, &server).await;
    while s["notifications"]["abandoned"] != 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        s = stats(&c, &server).await;
    }
    println!(
        "serve faults: bot 500 twice → 3 notifications delivered after {} attempts; bot down → {}; a bot \
         holding its answer did not hold up another call, and got each notification once ({} \
         attempts for its 3 notifications)",
        failing.attempts.load(Ordering::SeqCst),
        s["notifications"],
        slow.attempts.load(Ordering::SeqCst),
    );
    assert_eq!(s["notifications"]["abandoned"], 3);
    assert_eq!(s["notifications"]["delivered"], 3 * 3);
    assert_eq!(s["notifications"]["retried"], 3 * 2 + 3 * 3);
    // Still serving.
    let (st, _, _) = act(&c, &server, "fok", "subscribeToTone", "{}").await;
    assert_eq!(st, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_disconnect_mid_request_change_nothing() {
    let _serial = ONE_AT_A_TIME.lock().await;
    const N: usize = 20;
    let ids: Vec<String> = (0..N).map(|i| format!("d{i}")).collect();
    let dir = setup("disconnect", &ids);
    let server = start(&dir, &[]);
    let bot = Bot::start(BotMode::Ok).await;
    let c = client();
    for id in &ids {
        create_call(&c, &server, id, &bot.url).await;
    }
    let addr = server.base.trim_start_matches("http://").to_string();
    let abandoned = r##"{"clientContext":"abandoned","stopTones":["#"],"playBeep":false}"##;
    let normal = r##"{"clientContext":"normal","stopTones":["#"],"playBeep":false}"##;
    let raw = |id: &str, body: &str, send: usize| {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        let head = format!(
            "POST /v1.0/communications/calls/{id}/recordResponse HTTP/1.1\r\nHost: {addr}\r\n\
             Authorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(&body.as_bytes()[..send]).unwrap();
        // Closed without reading the answer.
        drop(s);
    };
    for (i, id) in ids.iter().enumerate() {
        if i % 2 == 0 {
            // Half a body, then gone: no operation.
            raw(id, abandoned, abandoned.len() / 2);
        } else {
            // The whole request, then gone at once: it takes effect as if the client had
            // waited for the answer.
            raw(id, abandoned, abandoned.len());
        }
    }
    // A normal request on each call afterwards.
    for id in &ids {
        let (s, _, _) = act(&c, &server, id, "recordResponse", normal).await;
        assert_eq!(s, 200);
    }
    bot.wait_for(Duration::from_secs(30), |a| {
        a.iter()
            .filter(|n| n["value"][0]["resourceData"]["clientContext"] == "normal")
            .count()
            >= N
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let all = bot.all();
    let count = |id: &str, context: &str| {
        all.iter()
            .filter(|n| {
                let v = &n["value"][0];
                v["resourceData"]["clientContext"] == context
                    && v["resourceUrl"].as_str().is_some_and(|u| {
                        u.starts_with(&format!("/communications/calls/{}/", graph_form(id)))
                    })
            })
            .count()
    };
    let mut applied = 0;
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(count(id, "normal"), 1, "{id}");
        let a = count(id, "abandoned");
        if i % 2 == 0 {
            assert_eq!(a, 0, "{id}: half a body must not start an operation");
        } else {
            assert_eq!(a, 1, "{id}: a whole request takes effect");
            applied += a;
        }
    }
    for n in &media_only(&all) {
        let data = &n["value"][0]["resourceData"];
        assert!(data["resultInfo"]["code"].is_u64(), "{data}");
        // The abandoned requests came in on /v1.0, which has no completionReason; the normal
        // ones on /beta.
        let beta = data["clientContext"] == "normal";
        assert_eq!(data["completionReason"].is_string(), beta, "{data}");
        assert_eq!(data.get("completionReason").is_some(), beta, "{data}");
    }
    println!(
        "serve disconnects: {} clients sent half a body and left: 0 operations; {} sent the whole \
         request and left: {applied} carried out; every later request answered and notified once",
        N / 2,
        N / 2,
    );
}
