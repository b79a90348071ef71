//! `recresp-sim serve` end to end over HTTP: Graph's responses and errors, the media queue's
//! notifications, the recordings and their tokens, and the same recording as `recresp-sim run`.

mod common;

use std::time::Duration;

use common::*;
use recresp_core::SampleRate;
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(20);

/// Files for calls `ids`: their caller audio, the seed's prompt (`beep.wav`, 1 s) and a
/// longer one (`long.wav`, 3 s: long enough for the queue tests' requests to reach a busy
/// queue on a loaded machine).
fn inputs(dir: &Dir, ids: &[&str], rate: SampleRate) {
    write_callers(dir, ids, rate);
    std::fs::create_dir_all(dir.path("media")).unwrap();
    write_wav(
        &dir.path("media/beep.wav"),
        SampleRate::Hz16000,
        &prompt(SampleRate::Hz16000, 1000),
    );
    write_wav(
        &dir.path("media/long.wav"),
        SampleRate::Hz16000,
        &prompt(SampleRate::Hz16000, 3000),
    );
}

fn server_args(dir: &Dir) -> Vec<String> {
    vec![
        "--audio".into(),
        dir.path("audio").to_str().unwrap().into(),
        "--media".into(),
        dir.path("media").to_str().unwrap().into(),
    ]
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recording_is_what_run_writes_and_needs_its_token() {
    // As fast as possible at both rates, and once paced at real time.
    for (rate, realtime) in [
        (SampleRate::Hz8000, false),
        (SampleRate::Hz16000, false),
        (SampleRate::Hz8000, true),
    ] {
        let dir = Dir::new(&format!("seed-{}-{realtime}", rate.hz()));
        inputs(&dir, &["seed-call"], rate);
        // What `recresp-sim run` writes for the same request and caller audio.
        std::fs::write(dir.path("request.json"), SEED_REQUEST).unwrap();
        let files = [
            ("--media", "media"),
            ("--recording", "run.wav"),
            ("--notification", "run.json"),
        ];
        let out = run_in(&dir, "request.json", "audio/seed-call.wav", &files, &[]);
        assert!(out.status.success(), "{out:?}");
        let want = std::fs::read(dir.path("run.wav"))
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stdout)));
        let run_note: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path("run.json")).unwrap()).unwrap();
        let run_data = &run_note["value"][0]["resourceData"];
        assert_eq!(run_data["completionReason"], "stopToneDetected");

        let mut args = server_args(&dir);
        if realtime {
            args.push("--realtime".into());
        }
        let server = Server::start(&strs(&args));
        let bot = Bot::start(BotMode::Ok).await;
        let c = client();
        create_call(&c, &server, "seed-call", &bot.url).await;
        let (status, location, body) =
            act(&c, &server, "seed-call", "recordResponse", SEED_REQUEST).await;
        assert_eq!(status, 200, "{body}");
        let op_id = body["id"].as_str().unwrap().to_string();
        assert_eq!(body["@odata.type"], "#microsoft.graph.recordOperation");
        assert_eq!(body["status"], "running");
        assert_eq!(
            body["clientContext"],
            "d45324c1-fcb5-430a-902c-f20af696537c"
        );
        assert_eq!(
            location.unwrap(),
            server.url(&format!(
                "/beta/communications/calls/seed-call/operations/{op_id}"
            ))
        );
        assert_ne!(
            op_id, run_data["id"],
            "ids are random, not derived from the body"
        );

        let all = media_only(&bot.wait_for(WAIT, |a| !about(a, &op_id).is_empty()).await);
        let notes = about(&all, &op_id);
        assert_eq!(notes.len(), 1, "{all:?}");
        let data = &notes[0];
        let envelope = &all[0];
        assert_eq!(
            envelope["@odata.type"],
            "#microsoft.graph.commsNotifications"
        );
        assert_eq!(envelope["value"][0]["changeType"], "deleted");
        let path = format!(
            "/communications/calls/SEEDCALL/operations/{}",
            graph_form(&op_id)
        );
        assert_eq!(envelope["value"][0]["resourceUrl"], path);
        assert_eq!(data["@odata.id"], path);
        assert!(data["@odata.etag"].as_str().unwrap().starts_with("W/\""));
        for key in ["status", "completionReason", "resultInfo", "clientContext"] {
            assert_eq!(data[key], run_data[key], "{key}");
        }
        let location = data["recordingLocation"].as_str().unwrap();
        let token = data["recordingAccessToken"].as_str().unwrap();
        assert!(
            location.starts_with(&server.url("/recresp/recordings/")),
            "{location}"
        );
        assert!(token.len() >= 32, "{token}");

        // GET with the token: the same bytes as `run` wrote.
        let plain = reqwest::Client::builder().no_proxy().build().unwrap();
        let r = plain.get(location).bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/octet-stream");
        let got = r.bytes().await.unwrap();
        assert_eq!(got.len(), want.len());
        assert!(
            got.as_ref() == want.as_slice(),
            "the recording differs from run's"
        );
        // The operation can be fetched, in its final state.
        let r = c
            .get(server.url(&format!(
                "/v1.0/communications/calls/seed-call/operations/{op_id}"
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let op: Value = r.json().await.unwrap();
        assert_eq!(op["status"], "completed");
        // Other tokens.
        let r = plain.get(location).send().await.unwrap();
        assert_eq!(r.status(), 401);
        let r = plain
            .get(location)
            .bearer_auth("0".repeat(token.len()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let e: Value = r.json().await.unwrap();
        assert!(e["error"]["innerError"]["request-id"].is_string(), "{e}");
        // The call ends: the recording is gone.
        let r = c
            .delete(server.url("/v1.0/communications/calls/seed-call"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        let r = plain.get(location).bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), 404);
        let (status, _, _) = act(&c, &server, "seed-call", "recordResponse", SEED_REQUEST).await;
        assert_eq!(status, 404);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_graph_error_bodies() {
    let dir = Dir::new("errors");
    inputs(&dir, &["e1"], SampleRate::Hz8000);
    let server = Server::start(&strs(&server_args(&dir)));
    let bot = Bot::start(BotMode::Ok).await;
    let c = client();
    create_call(&c, &server, "e1", &bot.url).await;
    let plain = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = server.url("/v1.0/communications/calls/e1/recordResponse");
    let check = |status: u16, want: u16, e: &Value| {
        assert_eq!(status, want, "{e}");
        let inner = &e["error"]["innerError"];
        assert!(e["error"]["code"].is_string(), "{e}");
        assert!(e["error"]["message"].is_string(), "{e}");
        for k in ["date", "request-id", "client-request-id"] {
            assert!(inner[k].is_string(), "{k} in {e}");
        }
    };
    // 401 without Authorization.
    let r = plain
        .post(&url)
        .header("content-type", "application/json")
        .header("client-request-id", "crid-7")
        .body("{}")
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    let e: Value = r.json().await.unwrap();
    check(s, 401, &e);
    assert_eq!(e["error"]["innerError"]["client-request-id"], "crid-7");
    // 404 for an unknown call and an unknown operation.
    let (s, _, e) = act(&c, &server, "nope", "recordResponse", "{}").await;
    check(s, 404, &e);
    let r = c
        .get(server.url("/beta/communications/calls/e1/operations/nope"))
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    check(s, 404, &r.json().await.unwrap());
    // 415 for a body that is not JSON.
    let r = c
        .post(&url)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    check(s, 415, &r.json().await.unwrap());
    // 413 for a huge body.
    let huge = format!("{{\"clientContext\":\"{}\"}}", "x".repeat(1 << 20));
    let r = c
        .post(&url)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    check(s, 413, &r.json().await.unwrap());
    // 400 for an invalid request; nothing is notified.
    let (s, _, e) = act(
        &c,
        &server,
        "e1",
        "recordResponse",
        r#"{"maxRecordDurationInSeconds": 0}"#,
    )
    .await;
    check(s, 400, &e);
    assert_eq!(e["error"]["code"], "BadRequest");
    let (s, _, e) = act(&c, &server, "e1", "recordResponse", "[,\"#\"]").await;
    check(s, 400, &e);
    // Every prefix answers.
    for prefix in [
        "/v1.0/communications/calls",
        "/beta/communications/calls",
        "/app/calls",
    ] {
        let r = c
            .post(server.url(&format!("{prefix}/e1/subscribeToTone")))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{prefix}");
        assert!(r.headers()["location"].to_str().unwrap().contains(prefix));
        let body: Value = r.json().await.unwrap();
        assert_eq!(
            body["@odata.type"],
            "#microsoft.graph.subscribeToToneOperation"
        );
        assert_eq!(body["status"], "completed");
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(media_only(&bot.all()).is_empty(), "{:?}", bot.all());
}

/// A server paced at real time, so that requests reach a queue that is still busy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_order_barge_in_and_cancel() {
    let dir = Dir::new("queue");
    inputs(&dir, &[], SampleRate::Hz16000);
    let mut args = server_args(&dir);
    args.push("--realtime".into());
    let server = Server::start(&strs(&args));
    let bot = Bot::start(BotMode::Ok).await;
    let c = client();
    let prompt_body = r##"{"clientContext":"p","prompts":[{"@odata.type":"#microsoft.graph.mediaPrompt","mediaInfo":{"uri":"https://x/long.wav"}}]}"##;
    let short_record =
        r#"{"clientContext":"r","playBeep":false,"initialSilenceTimeoutInSeconds":1}"#;

    // In order: a prompt, then a record that waits for it.
    create_call(&c, &server, "order", &bot.url).await;
    let (_, _, p) = act(&c, &server, "order", "playPrompt", prompt_body).await;
    assert_eq!(p["@odata.type"], "#microsoft.graph.playPromptOperation");
    assert_eq!(p["status"], "running");
    let (_, _, r) = act(&c, &server, "order", "recordResponse", short_record).await;
    let (p, r) = (
        p["id"].as_str().unwrap().to_string(),
        r["id"].as_str().unwrap().to_string(),
    );
    let all = bot.wait_for(WAIT, |a| !about(a, &r).is_empty()).await;
    let pos = |id: &str| {
        all.iter()
            .position(|n| n["value"][0]["resourceData"]["id"] == id)
    };
    assert!(pos(&p).unwrap() < pos(&r).unwrap(), "{all:?}");
    assert_eq!(
        about(&all, &p)[0]["completionReason"],
        "completedSuccessfully"
    );
    assert_eq!(about(&all, &p)[0]["status"], "completed");
    assert_eq!(
        about(&all, &r)[0]["completionReason"],
        "initialSilenceTimeout"
    );

    // Barge-in: the running prompt and the queued record end cancelled.
    create_call(&c, &server, "barge", &bot.url).await;
    let (_, _, p) = act(&c, &server, "barge", "playPrompt", prompt_body).await;
    let (_, _, q) = act(&c, &server, "barge", "recordResponse", short_record).await;
    let barge = r#"{"clientContext":"b","bargeInAllowed":true,"playBeep":false,"initialSilenceTimeoutInSeconds":1}"#;
    let (_, _, b) = act(&c, &server, "barge", "recordResponse", barge).await;
    let ids: Vec<String> = [p, q, b]
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    let all = bot.wait_for(WAIT, |a| !about(a, &ids[2]).is_empty()).await;
    assert_eq!(
        about(&all, &ids[0])[0]["completionReason"],
        "mediaOperationCanceled"
    );
    assert_eq!(
        about(&all, &ids[1])[0]["completionReason"],
        "operationCanceled"
    );
    assert_eq!(about(&all, &ids[1])[0]["resultInfo"]["subcode"], 8508);
    assert_eq!(
        about(&all, &ids[2])[0]["completionReason"],
        "initialSilenceTimeout"
    );

    // cancelMediaProcessing: everything running or queued ends cancelled, at once.
    create_call(&c, &server, "cancel", &bot.url).await;
    let (_, _, p) = act(&c, &server, "cancel", "playPrompt", prompt_body).await;
    let (_, _, q) = act(&c, &server, "cancel", "recordResponse", short_record).await;
    let (s, loc, cm) = act(
        &c,
        &server,
        "cancel",
        "cancelMediaProcessing",
        r#"{"clientContext":"c"}"#,
    )
    .await;
    assert_eq!(s, 200);
    assert!(loc.is_some());
    assert_eq!(
        cm["@odata.type"],
        "#microsoft.graph.cancelMediaProcessingOperation"
    );
    assert_eq!(cm["status"], "completed");
    let ids: Vec<String> = [p, q]
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    let all = bot
        .wait_for(WAIT, |a| ids.iter().all(|id| !about(a, id).is_empty()))
        .await;
    assert_eq!(about(&all, &ids[0])[0]["status"], "failed");
    assert_eq!(
        about(&all, &ids[1])[0]["completionReason"],
        "operationCanceled"
    );
    assert_eq!(about(&all, &ids[1])[0]["recordingLocation"], "");

    // Exactly one notification per operation, over the whole test.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let all = media_only(&bot.all());
    let mut seen = std::collections::HashSet::new();
    for n in &all {
        assert!(
            seen.insert(n["value"][0]["resourceData"]["id"].to_string()),
            "{n}"
        );
    }
    assert_eq!(all.len(), 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tones_are_notified_after_subscribe_to_tone() {
    let dir = Dir::new("tones");
    inputs(&dir, &["t1"], SampleRate::Hz8000);
    let server = Server::start(&strs(&server_args(&dir)));
    let bot = Bot::start(BotMode::Ok).await;
    let c = client();
    create_call(&c, &server, "t1", &bot.url).await;
    let (s, _, _) = act(
        &c,
        &server,
        "t1",
        "subscribeToTone",
        r#"{"clientContext":"t"}"#,
    )
    .await;
    assert_eq!(s, 200);
    let (_, _, r) = act(
        &c,
        &server,
        "t1",
        "recordResponse",
        r##"{"stopTones":["#"],"playBeep":false}"##,
    )
    .await;
    let r = r["id"].as_str().unwrap().to_string();
    let all = bot.wait_for(WAIT, |a| !about(a, &r).is_empty()).await;
    let tones: Vec<&Value> = all
        .iter()
        .filter(|n| n["value"][0]["resourceData"]["toneInfo"].is_object())
        .collect();
    assert_eq!(tones.len(), 1, "{all:?}");
    let data = &tones[0]["value"][0]["resourceData"];
    assert_eq!(data["@odata.type"], "#microsoft.graph.call");
    assert_eq!(data["toneInfo"]["tone"], "pound");
    assert_eq!(data["toneInfo"]["sequenceId"], 1);
    assert_eq!(
        tones[0]["value"][0]["resourceUrl"], "/communications/calls/T1",
        "Graph's id form in paths"
    );
}

/// The call's one DTMF detector is the recorder's: a key pressed while only a playPrompt
/// runs is not heard, so not notified.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_heard_only_while_a_record_response_runs() {
    let dir = Dir::new("tones-prompt");
    inputs(&dir, &["t2"], SampleRate::Hz8000);
    let server = Server::start(&strs(&server_args(&dir)));
    let bot = Bot::start(BotMode::Ok).await;
    let c = client();
    create_call(&c, &server, "t2", &bot.url).await;
    let (s, _, _) = act(&c, &server, "t2", "subscribeToTone", "{}").await;
    assert_eq!(s, 200);
    // 6 s of prompt over the caller's 4 s (the key included), then a recordResponse that
    // hears the silence after it.
    let long = r##"{"@odata.type":"#microsoft.graph.mediaPrompt","mediaInfo":{"uri":"https://x/long.wav"}}"##;
    let (s, _, p) = act(
        &c,
        &server,
        "t2",
        "playPrompt",
        &format!(r#"{{"prompts":[{long},{long}]}}"#),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    let (_, _, r) = act(
        &c,
        &server,
        "t2",
        "recordResponse",
        r##"{"stopTones":["#"],"playBeep":false,"initialSilenceTimeoutInSeconds":1}"##,
    )
    .await;
    let r = r["id"].as_str().unwrap().to_string();
    let all = bot.wait_for(WAIT, |a| !about(a, &r).is_empty()).await;
    assert_eq!(
        about(&all, &r)[0]["completionReason"],
        "initialSilenceTimeout"
    );
    let p = p["id"].as_str().unwrap();
    assert_eq!(
        about(&all, p)[0]["completionReason"],
        "completedSuccessfully"
    );
    assert!(
        all.iter()
            .all(|n| n["value"][0]["resourceData"]["toneInfo"].is_null()),
        "{all:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploaded_audio_and_retention() {
    let dir = Dir::new("upload");
    inputs(&dir, &[], SampleRate::Hz8000);
    let mut args = server_args(&dir);
    args.extend(["--retention".to_string(), "1".to_string()]);
    let server = Server::start(&strs(&args));
    let bot = Bot::start(BotMode::Ok).await;
    let c = client();
    create_call(&c, &server, "u1", &bot.url).await;
    write_wav(
        &dir.path("up.wav"),
        SampleRate::Hz8000,
        &caller(SampleRate::Hz8000),
    );
    let r = c
        .put(server.url("/recresp/calls/u1/audio"))
        .header("content-type", "audio/wav")
        .body(std::fs::read(dir.path("up.wav")).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (_, _, r) = act(
        &c,
        &server,
        "u1",
        "recordResponse",
        r##"{"stopTones":["#"],"playBeep":false}"##,
    )
    .await;
    let r = r["id"].as_str().unwrap().to_string();
    let all = bot.wait_for(WAIT, |a| !about(a, &r).is_empty()).await;
    let data = &about(&all, &r)[0];
    assert_eq!(data["completionReason"], "stopToneDetected");
    let (loc, token) = (
        data["recordingLocation"].as_str().unwrap(),
        data["recordingAccessToken"].as_str().unwrap(),
    );
    let r = c.get(loc).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let r = c.get(loc).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 404);
    // The audio cannot change once a media operation ran.
    let r = c
        .put(server.url("/recresp/calls/u1/audio"))
        .body(std::fs::read(dir.path("up.wav")).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
}

/// The caller's audio goes to the operations in turn, sample for sample: a recordResponse
/// queued after a playPrompt hears the audio from the prompt's last sample on (the prompt
/// here, 4080 samples, is not a whole number of 20 ms frames).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_after_a_prompt_hears_the_audio_from_where_the_prompt_ended() {
    let rate = SampleRate::Hz8000;
    let dir = Dir::new("after-prompt");
    inputs(&dir, &["ap"], rate);
    write_wav(
        &dir.path("media/odd.wav"),
        SampleRate::Hz16000,
        &prompt(SampleRate::Hz16000, 510),
    );
    let request = r##"{"stopTones":["#"],"playBeep":false,"maxSilenceTimeoutInSeconds":1}"##;
    // What `run` records from the audio after the prompt.
    let after = caller(rate)[4080..].to_vec();
    write_wav(&dir.path("after.wav"), rate, &after);
    std::fs::write(dir.path("request.json"), request).unwrap();
    let files = [("--recording", "run.wav")];
    let out = run_in(&dir, "request.json", "after.wav", &files, &[]);
    assert!(out.status.success(), "{out:?}");
    let want = std::fs::read(dir.path("run.wav"))
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stdout)));

    let server = Server::start(&strs(&server_args(&dir)));
    let bot = Bot::start(BotMode::Ok).await;
    let c = client();
    create_call(&c, &server, "ap", &bot.url).await;
    let prompt_body = r##"{"prompts":[{"@odata.type":"#microsoft.graph.mediaPrompt","mediaInfo":{"uri":"https://x/odd.wav"}}]}"##;
    let (s, _, _) = act(&c, &server, "ap", "playPrompt", prompt_body).await;
    assert_eq!(s, 200);
    let (s, _, r) = act(&c, &server, "ap", "recordResponse", request).await;
    assert_eq!(s, 200);
    let r = r["id"].as_str().unwrap().to_string();
    let all = bot.wait_for(WAIT, |a| !about(a, &r).is_empty()).await;
    let data = &about(&all, &r)[0];
    assert_eq!(media_only(&all).len(), 2, "{all:?}");
    let got = get_recording(&c, data).await.bytes().await.unwrap();
    assert_eq!(got.len(), want.len(), "{data}");
    assert!(
        got.as_ref() == want.as_slice(),
        "the recording differs from run's"
    );
}
