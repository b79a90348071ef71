//! `recresp-sim serve`'s page at `/`: it lists a call's operations with their completion
//! reasons, every notification with its delivery attempts and the bot's answers, and the
//! recording (its player's audio is the recording's bytes) with its timeline picture; after
//! the call ends, the call and its history stay listed without the recording. The page's
//! routes answer Graph error bodies on bad input.

mod common;

use std::time::Duration;

use common::*;
use recresp_core::SampleRate;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(30);
/// The recordResponse of the page's call.
const RECORD: &str = r##"{"stopTones":["#"],"playBeep":false,"clientContext":"on the page"}"##;

/// The page's HTML.
async fn page(c: &reqwest::Client, server: &Server) -> String {
    let r = c.get(server.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{:?}",
        r.headers()
    );
    r.text().await.unwrap()
}

/// The page once no notification on it is still being delivered.
async fn settled_page(c: &reqwest::Client, server: &Server) -> String {
    let start = tokio::time::Instant::now();
    loop {
        let html = page(c, server).await;
        if !html.contains(r#"data-outcome="pending""#) || start.elapsed() > WAIT {
            return html;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The start tags named `tag` whose attributes contain `attr` (loosely: by text).
fn tags<'a>(html: &'a str, tag: &str, attr: &str) -> Vec<&'a str> {
    html.split(&format!("<{tag} "))
        .skip(1)
        .map(|rest| &rest[..rest.find('>').unwrap_or(rest.len())])
        .filter(|t| t.contains(attr))
        .collect()
}

/// The value of attribute `name` in a start tag's text.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
    Some(&tag[at..at + tag[at..].find('"')?])
}

/// The HTML of each table row with `class`.
fn row_html<'a>(html: &'a str, class: &str) -> Vec<&'a str> {
    html.split(&format!(r#"<tr class="{class}""#))
        .skip(1)
        .map(|rest| &rest[..rest.find("</tr>").unwrap_or(rest.len())])
        .collect()
}

/// The delivery attempts listed in a notification's row: the bot's answers.
fn attempts(row: &str) -> Vec<&str> {
    row.split(r#"<li class="attempt "#)
        .skip(1)
        .map(|li| {
            let text = &li[li.find('>').map_or(0, |i| i + 1)..];
            &text[..text.find("</li>").unwrap_or(text.len())]
        })
        .collect()
}

/// The text of each table row with `class` (tags stripped).
fn rows(html: &str, class: &str) -> Vec<String> {
    row_html(html, class)
        .into_iter()
        .map(|row| {
            let mut text = String::new();
            let mut in_tag = true;
            for ch in row.chars() {
                match ch {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        text.push(' ');
                    }
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text
        })
        .collect()
}

/// Every text of an SVG, in order, and how many elements it has.
fn labels(svg: &str) -> (usize, Vec<String>) {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect();
    (doc.descendants().filter(|n| n.is_element()).count(), texts)
}

async fn is_graph_error(r: reqwest::Response, status: u16, what: &str) {
    assert_eq!(r.status().as_u16(), status, "{what}");
    assert!(r.headers().contains_key("request-id"), "{what}");
    assert_eq!(r.headers()["content-type"], "application/json", "{what}");
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["code"].is_string(), "{what}: {e}");
    assert!(e["error"]["message"].is_string(), "{what}: {e}");
    assert!(
        e["error"]["innerError"]["request-id"].is_string(),
        "{what}: {e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_lists_a_calls_operations_notifications_and_recording() {
    let dir = Dir::new("page");
    write_callers(&dir, &["page-1"], SampleRate::Hz8000);
    let server = Server::start(&[
        "--audio",
        dir.path("audio").to_str().unwrap(),
        "--backoff-ms",
        "20",
    ]);
    // Every notification is refused once (500), then accepted.
    let bot = Bot::start(BotMode::FailFirst(1)).await;
    let c = client();
    let html = page(&c, &server).await;
    assert!(html.contains("No calls yet"), "{html}");

    let r = c
        .post(server.url("/recresp/calls"))
        .json(&json!({"id": "page-1", "callbackUri": bot.url}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let answer = json!({"acceptedModalities": ["audio"],
        "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}});
    let r = c
        .post(server.url("/v1.0/communications/calls/page-1/answer"))
        .json(&answer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let (s, _, tones) = act(&c, &server, "page-1", "subscribeToTone", "{}").await;
    assert_eq!(s, 200, "{tones}");
    let (s, _, op) = act(&c, &server, "page-1", "recordResponse", RECORD).await;
    assert_eq!(s, 200, "{op}");
    let op_id = op["id"].as_str().unwrap().to_string();
    let all = bot.wait_for(WAIT, |a| !about(a, &op_id).is_empty()).await;
    let done = &about(&all, &op_id)[0];
    assert_eq!(done["completionReason"], "stopToneDetected");

    let html = settled_page(&c, &server).await;
    // The call and its operations, in order, the recordResponse with its reason.
    let calls = tags(&html, "section", r#"data-call-id="page-1""#);
    assert_eq!(calls.len(), 1, "{html}");
    assert_eq!(attr(calls[0], "data-state"), Some("established"));
    let ops = rows(&html, "operation");
    assert_eq!(ops.len(), 2, "{ops:?}");
    assert!(ops[0].contains("subscribeToTone"), "{ops:?}");
    assert!(ops[1].contains("recordResponse"), "{ops:?}");
    assert!(ops[1].contains(&op_id), "{ops:?}");
    assert!(ops[1].contains("on the page"), "{ops:?}");
    assert!(ops[1].contains("stopToneDetected"), "{ops:?}");
    let row = tags(&html, "tr", &format!(r#"data-operation-id="{op_id}""#));
    assert_eq!(attr(row[0], "data-reason"), Some("stopToneDetected"));
    assert_eq!(attr(row[0], "data-status"), Some("completed"));

    // Every notification the bot accepted is listed with its two attempts: 500, then 200.
    let notes = rows(&html, "notification");
    let accepted = bot.all().len();
    assert_eq!(notes.len(), accepted, "{notes:?}");
    let raw = row_html(&html, "notification");
    for ((n, tag), row) in notes
        .iter()
        .zip(tags(&html, "tr", "data-attempts"))
        .zip(raw)
    {
        assert_eq!(attr(tag, "data-attempts"), Some("2"), "{n}");
        assert_eq!(attr(tag, "data-outcome"), Some("delivered"), "{n}");
        assert_eq!(attempts(row), ["500", "200"], "{n}");
    }
    for what in [
        "state incoming",
        "state establishing",
        "state established",
        "tone pound",
        "recordOperation, completed, stopToneDetected",
    ] {
        assert!(notes.iter().any(|n| n.contains(what)), "{what}: {notes:?}");
    }

    // The recording: the player's audio is the recording's bytes; the timeline is an SVG
    // that shows why it ended.
    let audio = tags(&html, "audio", "src=");
    assert_eq!(audio.len(), 1, "{html}");
    let src = attr(audio[0], "src").unwrap();
    let played = c.get(server.url(src)).send().await.unwrap();
    assert_eq!(played.status(), 200);
    assert_eq!(played.headers()["content-type"], "audio/wav");
    let played = played.bytes().await.unwrap();
    let fetched = get_recording(&c, done).await.bytes().await.unwrap();
    assert!(played.len() > 44, "{}", played.len());
    assert_eq!(played, fetched);
    let picture = tags(&html, "img", &format!("/recresp/page/timelines/{op_id}"));
    assert_eq!(picture.len(), 1, "{html}");
    let svg = c
        .get(server.url(attr(picture[0], "src").unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(svg.status(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let svg = svg.text().await.unwrap();
    assert!(svg.trim_start().starts_with("<svg"), "{}", &svg[..80]);
    assert!(svg.contains("stopToneDetected"));
    // The call's first recordResponse heard the WAV from its first sample: its picture is
    // the one `recresp-sim run --timeline` draws for the same request and WAV.
    std::fs::write(dir.path("request.json"), RECORD).unwrap();
    let files = [("--timeline", "run.svg")];
    let run = run_in(&dir, "request.json", "audio/page-1.wav", &files, &[]);
    assert!(run.status.success(), "{run:?}");
    // The same labels, element for element (what differs is only the caller's waveform
    // after the operation ended: `run` has the whole WAV, the server what the call heard).
    let run_svg = std::fs::read_to_string(dir.path("run.svg")).unwrap();
    let (ours, theirs) = (labels(&svg), labels(&run_svg));
    assert!(ours.1.len() > 20, "{ours:?}");
    assert_eq!(ours, theirs);

    // The caller hangs up: the call stays listed, terminated, with its history; its
    // recording and timeline went with it.
    let r = c
        .post(server.url("/recresp/calls/page-1/hangUp"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    bot.wait_for_call_end(WAIT).await;
    let html = settled_page(&c, &server).await;
    let calls = tags(&html, "section", r#"data-call-id="page-1""#);
    assert_eq!(attr(calls[0], "data-state"), Some("terminated"));
    assert!(rows(&html, "operation")[1].contains("stopToneDetected"));
    let notes = rows(&html, "notification");
    assert!(
        notes.iter().any(|n| n.contains("state terminated")),
        "{notes:?}"
    );
    assert!(tags(&html, "audio", "src=").is_empty(), "{html}");
    assert!(html.contains("no longer kept"), "{html}");
    is_graph_error(c.get(server.url(src)).send().await.unwrap(), 404, src).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_routes_answer_graph_errors_on_bad_input() {
    let server = Server::start(&[]);
    let c = client();
    for (method, path, status) in [
        ("GET", "/recresp/page/recordings/nope", 404),
        ("GET", "/recresp/page/recordings/", 404),
        ("GET", "/recresp/page/recordings/%FF%FE", 400),
        ("GET", "/recresp/page/timelines/nope", 404),
        ("GET", "/recresp/page/timelines/%FF%FE", 400),
        ("GET", "/recresp/page/timelines/a/b", 404),
        ("POST", "/", 405),
        ("DELETE", "/", 405),
        ("POST", "/recresp/page/recordings/nope", 405),
        ("PUT", "/recresp/page/timelines/nope", 405),
    ] {
        let r = c
            .request(method.parse().unwrap(), server.url(path))
            .body("x")
            .send()
            .await
            .unwrap();
        is_graph_error(r, status, &format!("{method} {path}")).await;
    }
}
