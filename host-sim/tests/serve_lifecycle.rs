//! `recresp-sim serve`: a bot's whole call. The caller dials the bot (incoming call), the bot
//! answers, rejects or redirects; the call goes establishing → established; either side hangs
//! up and the call is notified terminated with resultInfo. Also what every answer and
//! notification carries (request ids, Graph's id form, a signed token, v1.0 shapes).

mod common;

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use hmac::{Hmac, Mac};
use recresp_core::SampleRate;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(30);
/// The documented default signing secret of notification tokens.
const SECRET: &str = "recresp-sim-notification-signing-key";

/// A server whose callers `ids` have audio (written in the test folder `name`, which is
/// returned with it and must outlive it), and the bot it notifies.
async fn start_with_callers(name: &str, ids: &[&str]) -> (Dir, Server, Bot) {
    let dir = Dir::new(name);
    write_callers(&dir, ids, SampleRate::Hz8000);
    let audio = dir.path("audio");
    let server = Server::start(&["--audio", audio.to_str().unwrap()]);
    let bot = Bot::start(BotMode::Ok).await;
    (dir, server, bot)
}

async fn post_json(c: &reqwest::Client, url: &str, body: &Value) -> (u16, Value) {
    let r = c.post(url).json(body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// POSTs a new call with `body` to `path` on the server: the caller dialling in
/// (`/recresp/calls`) or the bot placing it.
async fn new_call(c: &reqwest::Client, server: &Server, path: &str, body: Value) -> (u16, Value) {
    post_json(c, &server.url(path), &body).await
}

/// POSTs a new call to `path`, asserts that it is created (201) and returns the call.
async fn created_call(c: &reqwest::Client, server: &Server, path: &str, body: Value) -> Value {
    let (s, call) = new_call(c, server, path, body).await;
    assert_eq!(s, 201, "{call}");
    call
}

/// GETs the call `id`.
async fn get_call(c: &reqwest::Client, server: &Server, id: &str) -> reqwest::Response {
    let url = server.url(&format!("/v1.0/communications/calls/{id}"));
    c.get(url).send().await.unwrap()
}

/// The resultInfo code and subcode of the call notification `n`.
fn result_info(n: &Value) -> (Value, Value) {
    let info = &n["value"][0]["resourceData"]["resultInfo"];
    (info["code"].clone(), info["subcode"].clone())
}

/// The id in a call notification's resourceUrl.
fn id_in(n: &Value) -> String {
    n["value"][0]["resourceUrl"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incoming_call_answer_record_caller_hangs_up() {
    let (_dir, server, bot) = start_with_callers("incoming", &["in-1"]).await;
    let c = client();
    // The caller dials the bot.
    let call_body = json!({"id": "in-1", "callbackUri": bot.url});
    let call = created_call(&c, &server, "/recresp/calls", call_body).await;
    assert_eq!(call["state"], "incoming");
    assert_eq!(call["direction"], "incoming");
    let all = bot.wait_for(WAIT, |a| !a.is_empty()).await;
    let n = &all[0]["value"][0];
    assert_eq!(n["changeType"], "created");
    assert_eq!(n["resourceUrl"], "/communications/calls/IN1");
    let data = &n["resourceData"];
    assert_eq!(data["@odata.type"], "#microsoft.graph.call");
    assert_eq!(data["@odata.id"], "/communications/calls/IN1");
    assert_eq!(data["state"], "incoming");
    assert_eq!(data["direction"], "incoming");
    assert!(data["source"]["identity"]["user"]["id"].is_string());
    assert!(data["targets"][0]["identity"]["application"]["id"].is_string());

    // Media before the answer is refused.
    let (s, _, e) = act(&c, &server, "in-1", "recordResponse", "{}").await;
    assert_eq!(s, 400, "{e}");
    // An app-hosted answer is refused, as recordResponse needs service-hosted media.
    let app_hosted = json!({"callbackUri": bot.url, "acceptedModalities": ["audio"],
        "mediaConfig": {"@odata.type": "#microsoft.graph.appHostedMediaConfig", "blob": "x"}});
    let id = id_in(&all[0]);
    let answer_url = server.url(&format!("/v1.0/communications/calls/{id}/answer"));
    let (s, e) = post_json(&c, &answer_url, &app_hosted).await;
    assert_eq!(s, 400, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("serviceHostedMediaConfig"),
        "{e}"
    );
    // The bot answers with the id as the notification gave it (Graph's form).
    let answer = json!({"callbackUri": bot.url, "acceptedModalities": ["audio"],
        "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}});
    let r = c.post(&answer_url).json(&answer).send().await.unwrap();
    assert_eq!(r.status(), 202);
    // A second answer is refused.
    let (s, _) = post_json(&c, &answer_url, &answer).await;
    assert_eq!(s, 400);
    let all = bot.wait_for(WAIT, |a| call_states(a).len() >= 3).await;
    assert_eq!(
        call_states(&all),
        ["incoming", "establishing", "established"]
    );
    for n in &all[1..3] {
        assert_eq!(n["value"][0]["changeType"], "updated");
    }
    let got: Value = get_call(&c, &server, "in-1").await.json().await.unwrap();
    assert_eq!(got["state"], "established");

    // A recordResponse on /v1.0: the stop tone ends it; no completionReason in v1.0.
    let r = c
        .post(server.url("/v1.0/communications/calls/in-1/recordResponse"))
        .header("content-type", "application/json")
        .body(r##"{"stopTones":["#"],"playBeep":false,"maxSilenceTimeoutInSeconds":5}"##)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let op: Value = r.json().await.unwrap();
    assert!(op.get("completionReason").is_none(), "{op}");
    let op_id = op["id"].as_str().unwrap().to_string();
    let all = bot.wait_for(WAIT, |a| !about(a, &op_id).is_empty()).await;
    let data = &about(&all, &op_id)[0];
    assert_eq!(data["status"], "completed");
    assert_eq!(data["resultInfo"]["subcode"], 8514, "stop tone");
    assert!(data.get("completionReason").is_none(), "{data}");

    // The caller hangs up: terminated, with who ended it.
    let r = c
        .post(server.url("/recresp/calls/in-1/hangUp"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let all = bot.wait_for_call_end(WAIT).await;
    assert_eq!(
        call_states(&all),
        ["incoming", "establishing", "established", "terminated"]
    );
    let last = all.last().unwrap();
    assert_eq!(last["value"][0]["changeType"], "deleted");
    assert_eq!(result_info(last), (json!(200), json!(4521)));
    assert_eq!(get_call(&c, &server, "in-1").await.status(), 404);
    // Every notification carried a bearer token signed with the documented secret.
    let auths = bot.authorizations.lock().unwrap().clone();
    assert_eq!(auths.len(), all.len());
    for a in &auths {
        let token = a.strip_prefix("Bearer ").expect("a bearer token");
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3, "{token}");
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap())
            .expect("the signature verifies");
        let claims: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["iss"], "https://api.botframework.com");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_placed_call_reject_redirect_and_bot_hang_up() {
    let server = Server::start(&[]);
    let bot = Bot::start(BotMode::Ok).await;
    let c = client();
    // A call the bot places: establishing → established, direction outgoing.
    let call_body = json!({"id": "0fe0623f-d628-42ed-b4bd-8ac290072cc5", "callbackUri": bot.url});
    let call = created_call(&c, &server, "/beta/communications/calls", call_body).await;
    assert_eq!(call["direction"], "outgoing");
    assert_eq!(call["state"], "establishing");
    // The bot hangs up: terminating, then terminated.
    let r = c
        .delete(server.url("/beta/communications/calls/0FE0623FD62842EDB4BD8AC290072CC5"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "either id form names the call");
    let all = bot.wait_for(WAIT, |a| call_states(a).len() >= 4).await;
    assert_eq!(
        call_states(&all),
        ["establishing", "established", "terminating", "terminated"]
    );
    assert_eq!(
        all[0]["value"][0]["resourceUrl"],
        "/communications/calls/0FE0623FD62842EDB4BD8AC290072CC5"
    );
    let info = &all[3]["value"][0]["resourceData"]["resultInfo"];
    assert_eq!(info["subcode"], 5001);

    // Reject and redirect end a ringing call; an established one cannot be rejected.
    for (id, action, body) in [
        ("rj", "reject", json!({"reason": "busy"})),
        (
            "rd",
            "redirect",
            json!({"targets": [{"identity": {"user": {"id": "x"}}}]}),
        ),
    ] {
        let bot = Bot::start(BotMode::Ok).await;
        let call_body = json!({"id": id, "callbackUri": bot.url});
        created_call(&c, &server, "/recresp/calls", call_body).await;
        let r = c
            .post(server.url(&format!("/v1.0/communications/calls/{id}/{action}")))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202, "{action}");
        let all = bot.wait_for(WAIT, |a| call_states(a).len() >= 2).await;
        assert_eq!(call_states(&all), ["incoming", "terminated"], "{action}");
        let (s, _, _) = act(&c, &server, id, "subscribeToTone", "{}").await;
        assert_eq!(s, 404, "{action}: the call is gone");
    }
    create_call(&c, &server, "est", &bot.url).await;
    let (s, _, e) = act(&c, &server, "est", "reject", "{}").await;
    assert_eq!(s, 400, "{e}");
    // keepAlive is 200; other call actions a Graph-shaped 400.
    let (s, _, _) = act(&c, &server, "est", "keepAlive", "").await;
    assert_eq!(s, 200);
    let (s, _, e) = act(&c, &server, "est", "transfer", "{}").await;
    assert_eq!(s, 400);
    assert_eq!(e["error"]["code"], "NotSupported");
    // A callbackUri that is not http(s) is refused at create.
    for bad in ["ftp://x/y", "not a url", "file:///etc/passwd"] {
        let call_body = json!({"callbackUri": bad});
        let (s, e) = new_call(&c, &server, "/v1.0/communications/calls", call_body).await;
        assert_eq!(s, 400, "{bad}: {e}");
        assert!(e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("callbackUri"));
    }
    let call_body = json!({"callbackUri": "https://bot.example.com/api/calls"});
    let (s, _) = new_call(&c, &server, "/v1.0/communications/calls", call_body).await;
    assert_eq!(s, 201, "https is taken");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_has_request_ids_and_refusals_are_graph_errors() {
    let server = Server::start(&[]);
    let c = client();
    let bot = Bot::start(BotMode::Ok).await;
    create_call(&c, &server, "w1", &bot.url).await;
    // Success: request-id and the client's client-request-id echoed.
    let r = c
        .get(server.url("/v1.0/communications/calls/w1"))
        .header("client-request-id", "mine-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("request-id"));
    assert_eq!(r.headers()["client-request-id"], "mine-1");
    // 405 with Allow and a Graph error body.
    for (method, path, allow) in [
        ("GET", "/v1.0/communications/calls", "POST"),
        ("PATCH", "/v1.0/communications/calls/w1", "GET"),
        ("GET", "/v1.0/communications/calls/w1/operations", "POST"),
    ] {
        let r = c
            .request(method.parse().unwrap(), server.url(path))
            .header("client-request-id", "mine-2")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "{method} {path}");
        assert!(
            r.headers()["allow"].to_str().unwrap().contains(allow),
            "{method} {path}"
        );
        assert_eq!(r.headers()["client-request-id"], "mine-2");
        let rid = r.headers()["request-id"].to_str().unwrap().to_string();
        assert_eq!(r.headers()["content-type"], "application/json");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], "MethodNotAllowed");
        assert_eq!(e["error"]["innerError"]["request-id"], rid);
        assert_eq!(e["error"]["innerError"]["client-request-id"], "mine-2");
    }
    // A path that does not decode (invalid UTF-8 after percent-decoding).
    let r = get_call(&c, &server, "%FF%FE").await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().contains_key("request-id"));
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "BadRequest");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirecting_bot_is_a_failed_attempt_and_redirects_are_not_followed() {
    let server = Server::start(&["--retries", "3", "--backoff-ms", "20"]);
    let bot = Bot::start(BotMode::RedirectFirst(2)).await;
    let c = client();
    create_call(&c, &server, "rdr", &bot.url).await;
    let all = bot.wait_for(WAIT, |a| call_states(a).len() >= 2).await;
    assert_eq!(call_states(&all), ["establishing", "established"]);
    // Each of the two notifications: 302, 302, then 200.
    assert_eq!(bot.attempts.load(std::sync::atomic::Ordering::SeqCst), 6);
    assert_eq!(
        bot.redirected.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the redirect target was never called"
    );
    let s: Value = c
        .get(server.url("/recresp/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(s["notifications"]["retried"], 4);
    assert_eq!(s["notifications"]["delivered"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_calls_expire() {
    let server = Server::start(&["--call-ttl", "1"]);
    let bot = Bot::start(BotMode::Ok).await;
    let c = client();
    create_call(&c, &server, "ttl", &bot.url).await;
    let all = bot.wait_for_call_end(Duration::from_secs(10)).await;
    assert_eq!(
        call_states(&all),
        ["establishing", "established", "terminated"]
    );
    assert_eq!(result_info(all.last().unwrap()), (json!(408), json!(8537)));
    assert_eq!(get_call(&c, &server, "ttl").await.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_caller_can_hang_up_when_their_audio_ends() {
    let (_dir, server, bot) = start_with_callers("audio-ends", &["bye"]).await;
    let c = client();
    let call_body = json!({"id": "bye", "callbackUri": bot.url, "hangUpWhenAudioEnds": true});
    created_call(&c, &server, "/recresp/calls", call_body).await;
    let r = c
        .post(server.url("/beta/communications/calls/bye/answer"))
        .json(&json!({"acceptedModalities": ["audio"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    // No stop tone and a long silence timeout: the caller's 4 s of audio run out first,
    // while the answer is being captured.
    let (s, _, op) = act(
        &c,
        &server,
        "bye",
        "recordResponse",
        r#"{"stopTones":[],"playBeep":false,"maxSilenceTimeoutInSeconds":10,"maxRecordDurationInSeconds":60}"#,
    )
    .await;
    assert_eq!(s, 200, "{op}");
    let op_id = op["id"].as_str().unwrap().to_string();
    let all = bot.wait_for_call_end(WAIT).await;
    assert_eq!(
        call_states(&all),
        ["incoming", "establishing", "established", "terminated"]
    );
    let data = &about(&all, &op_id)[0];
    assert_eq!(data["status"], "completed", "{data}");
    assert_eq!(data["completionReason"], "operationCanceled");
    assert_eq!(data["resultInfo"]["subcode"], 8528);
    // The operation is notified before the call's end.
    let at = |pred: &dyn Fn(&Value) -> bool| all.iter().position(pred).unwrap();
    let op_at = at(&|n| n["value"][0]["resourceData"]["id"] == op_id.as_str());
    let end_at = at(&|n| n["value"][0]["resourceData"]["state"] == "terminated");
    assert!(op_at < end_at);
    let info = &all[end_at]["value"][0]["resourceData"]["resultInfo"];
    assert_eq!(info["subcode"], 4521);
}
