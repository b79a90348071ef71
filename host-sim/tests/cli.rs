//! The `recresp-sim` command-line contract, end to end through the built binary.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;
use recresp_core::SampleRate;

/// A folder holding the request `req.json` (when given) and the shared caller at 8 kHz as
/// `caller.wav`.
fn call_dir(name: &str, request: Option<&str>) -> Dir {
    let d = Dir::new(name);
    if let Some(body) = request {
        std::fs::write(d.path("req.json"), body).unwrap();
    }
    write_wav(
        &d.path("caller.wav"),
        SampleRate::Hz8000,
        &caller(SampleRate::Hz8000),
    );
    d
}

/// `recresp-sim run` with the folder's `req.json` and the caller WAV `caller` in it, each
/// option of `files` naming a file in the folder, and `more` arguments.
fn run_call(d: &Dir, caller: &str, files: &[(&str, &str)], more: &[&str]) -> Output {
    run_in(d, "req.json", caller, files, more)
}

const REQUEST: &str = r##"{"clientContext": "ctx-1", "stopTones": ["#"], "playBeep": false,
  "maxRecordDurationInSeconds": 10}"##;

fn read_json(path: impl AsRef<Path>) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn run_prints_the_response_and_writes_the_outputs() {
    let d = call_dir("run", Some(REQUEST));
    let files = [("--recording", "rec.wav"), ("--notification", "note.json")];
    let out = run_call(&d, "caller.wav", &files, &["--call-id", "call-42"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("HTTP/1.1 200 OK"));
    let location = lines.next().unwrap();
    assert!(location.starts_with(
        "Location: https://graph.microsoft.com/beta/communications/calls/call-42/operations/"
    ));
    assert!(stdout.contains("\"status\": \"running\""));
    assert!(stdout.contains("\"status\": \"completed\""));

    let note = read_json(d.path("note.json"));
    assert_eq!(note["@odata.type"], "#microsoft.graph.commsNotifications");
    let n = &note["value"][0];
    assert_eq!(n["changeType"], "deleted");
    let op_id = location.rsplit('/').next().unwrap();
    let url = format!("/communications/calls/call-42/operations/{op_id}");
    assert_eq!(n["resourceUrl"], url.as_str());
    let data = &n["resourceData"];
    assert_eq!(data["@odata.type"], "#microsoft.graph.recordOperation");
    assert_eq!(data["@odata.id"], url.as_str());
    assert_eq!(data["id"], op_id);
    assert_eq!(data["status"], "completed");
    assert_eq!(data["completionReason"], "stopToneDetected");
    assert_eq!(data["clientContext"], "ctx-1");
    assert_eq!(data["resultInfo"]["code"], 200);
    assert_eq!(data["resultInfo"]["subcode"], 8514);
    assert!(data["recordingLocation"]
        .as_str()
        .unwrap()
        .ends_with("rec.wav"));
    assert!(!data["recordingAccessToken"].as_str().unwrap().is_empty());

    let rec = hound::WavReader::open(d.path("rec.wav")).unwrap();
    let spec = rec.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (1, 8000, 16)
    );
    let samples: Vec<i16> = rec.into_samples().map(|s| s.unwrap()).collect();
    // From a little before 1.0 s to the key at 3.0 s, copied exactly.
    let input = caller(SampleRate::Hz8000);
    assert!(
        (15_000..=16_400).contains(&samples.len()),
        "{} samples",
        samples.len()
    );
    let start = 24_000 - samples.len();
    assert_eq!(samples.as_slice(), &input[start..24_000]);
}

#[test]
fn the_same_inputs_give_byte_identical_outputs() {
    let d = Dir::new("same");
    std::fs::write(d.path("req.json"), REQUEST).unwrap();
    write_wav(
        &d.path("caller.wav"),
        SampleRate::Hz16000,
        &caller(SampleRate::Hz16000),
    );
    let go = |tag: &str| {
        let (rec, note) = (format!("{tag}.wav"), format!("{tag}.json"));
        let files = [("--recording", rec.as_str()), ("--notification", &note)];
        let out = run_call(&d, "caller.wav", &files, &[]);
        assert!(out.status.success());
        (
            std::fs::read(d.path(&format!("{tag}.wav"))).unwrap(),
            out.stdout,
        )
    };
    let (a, out_a) = go("a");
    let (b, _) = go("b");
    assert_eq!(a, b);
    assert!(String::from_utf8(out_a)
        .unwrap()
        .contains("stopToneDetected"));
}

#[test]
fn an_invalid_request_is_a_graph_bad_request() {
    let d = call_dir("bad", None);
    for (body, needle) in [
        (
            r#"{"maxRecordDurationInSeconds": 0}"#,
            "maxRecordDurationInSeconds",
        ),
        (r#"{"maxRecordDuration": 5}"#, "maxRecordDuration"),
        (r#"{"stopTones": ["pound"]}"#, "stopTones[0]"),
        (r#"{"playBeep": 1}"#, "playBeep"),
        (
            r#"{"playBeep": true"#,
            "not valid JSON (unexpected end at byte 17)",
        ),
        (r#"{"clientContext": "x",,}"#, "JSON"),
        (r#"{"clientContext": "\ud83d"}"#, "unpaired surrogate"),
    ] {
        std::fs::write(d.path("req.json"), body).unwrap();
        let files = [("--recording", "rec.wav"), ("--notification", "note.json")];
        let out = run_call(&d, "caller.wav", &files, &[]);
        assert_eq!(out.status.code(), Some(2), "{body}");
        let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(err["error"]["code"], "BadRequest");
        let msg = err["error"]["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{body}: {msg}");
        assert!(!d.path("rec.wav").exists());
        assert!(!d.path("note.json").exists());
    }
}

#[test]
fn a_body_that_is_not_utf8_is_a_bad_request() {
    let d = call_dir("utf8", None);
    std::fs::write(d.path("req.json"), b"{\"clientContext\": \"caf\xe9\"}").unwrap();
    let out = run_call(&d, "caller.wav", &[], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "BadRequest");
    assert_eq!(
        err["error"]["message"],
        "the request body is not valid UTF-8 (at byte 22)"
    );
}

#[test]
fn outputs_of_an_earlier_run_never_survive() {
    let d = call_dir("stale", None);
    let run = |body: &str, caller: &str| {
        std::fs::write(d.path("req.json"), body).unwrap();
        let files = [("--recording", "rec.wav"), ("--notification", "note.json")];
        run_call(&d, caller, &files, &[])
    };
    let exists = |name: &str| d.path(name).exists();
    assert!(run(REQUEST, "caller.wav").status.success());
    assert!(exists("rec.wav") && exists("note.json"));
    // A run that ends without a recording (the prompt cannot be found: playPromptFailed)
    // removes the old one and writes its own notification.
    let failing = r#"{"prompts": [{"mediaInfo": {"uri": "https://x/missing.wav"}}]}"#;
    let out = run(failing, "caller.wav");
    assert!(out.status.success());
    assert!(
        !exists("rec.wav"),
        "the earlier recording was left in place"
    );
    assert_eq!(
        read_json(d.path("note.json"))["value"][0]["resourceData"]["completionReason"],
        "playPromptFailed"
    );
    // A refused request and an unreadable caller leave no outputs at all.
    assert!(run(REQUEST, "caller.wav").status.success());
    assert_eq!(run("{", "caller.wav").status.code(), Some(2));
    assert!(!exists("rec.wav") && !exists("note.json"));
    assert!(run(REQUEST, "caller.wav").status.success());
    assert_eq!(run(REQUEST, "missing.wav").status.code(), Some(1));
    assert!(!exists("rec.wav") && !exists("note.json"));
    // No temporary files are left behind.
    let mut names: Vec<String> = std::fs::read_dir(&d.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["caller.wav", "req.json"]);
}

#[test]
fn an_output_that_cannot_be_written_never_says_200() {
    let d = call_dir("unwritable", Some(REQUEST));
    let files = [
        ("--recording", "no-such-folder/rec.wav"),
        ("--notification", "note.json"),
    ];
    let out = run_call(&d, "caller.wav", &files, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8(out.stderr).unwrap().contains("rec.wav"));
    assert!(!d.path("note.json").exists());
}

#[test]
fn a_bad_wav_is_a_one_line_error() {
    let d = Dir::new("wav");
    std::fs::write(d.path("req.json"), REQUEST).unwrap();
    write_wav_as(&d.path("stereo.wav"), 8000, 2, &[0; 800]);
    write_wav_as(&d.path("cd.wav"), 44100, 1, &[0; 800]);
    write_wav(&d.path("full.wav"), SampleRate::Hz8000, &[0; 8000]);
    let full = std::fs::read(d.path("full.wav")).unwrap();
    std::fs::write(d.path("cut.wav"), &full[..30]).unwrap();
    std::fs::write(d.path("text.wav"), b"this is not audio").unwrap();
    for (name, needle) in [
        ("stereo.wav", "mono"),
        ("cd.wav", "44100 Hz"),
        ("cut.wav", "cut.wav"),
        ("text.wav", "WAV"),
        ("missing.wav", "missing.wav"),
    ] {
        let out = run_call(&d, name, &[("--notification", "note.json")], &[]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(
            err.contains(needle) && !err.contains("panicked"),
            "{name}: {err}"
        );
        assert!(!d.path("note.json").exists());
    }
}

#[test]
fn prompts_are_found_in_the_media_folder_or_fail() {
    let d = Dir::new("prompt");
    std::fs::create_dir_all(d.path("media")).unwrap();
    write_wav(&d.path("media/hello.wav"), SampleRate::Hz16000, &[0; 16000]);
    write_wav(&d.path("caller.wav"), SampleRate::Hz8000, &[0; 8000]);
    let body = |uri: &str| {
        format!(
            r#"{{"prompts": [{{"mediaInfo": {{"uri": "{uri}"}}}}], "initialSilenceTimeoutInSeconds": 1}}"#
        )
    };
    let run = |uri: &str, media: bool| {
        std::fs::write(d.path("req.json"), body(uri)).unwrap();
        let media_dir = d.arg("media");
        let mut more = vec!["-v"];
        if media {
            more.extend(["--media", &media_dir]);
        }
        let out = run_call(&d, "caller.wav", &[("--notification", "note.json")], &more);
        assert!(out.status.success());
        (
            read_json(d.path("note.json")),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (note, log) = run("https://cdn.example.com/x/hello.wav?v=2", true);
    let data = &note["value"][0]["resourceData"];
    assert_eq!(data["completionReason"], "initialSilenceTimeout");
    // 1 s prompt (16 kHz file, 8 kHz call), 200 ms beep, then 1 s of silence.
    assert!(log.contains("PromptFinished { at: 8000 }"), "{log}");
    assert!(log.contains("Listening { at: 9600 }"), "{log}");
    for (uri, media) in [
        ("https://cdn.example.com/nope.wav", true),
        ("https://cdn.example.com/hello.wav", false),
    ] {
        let (note, _) = run(uri, media);
        let data = &note["value"][0]["resourceData"];
        assert_eq!(data["completionReason"], "playPromptFailed");
        assert_eq!(data["status"], "failed");
        assert_eq!(data["resultInfo"]["subcode"], 8511);
        assert_eq!(data["recordingLocation"], "");
    }
}

#[test]
fn demo_runs_on_its_built_in_example() {
    let d = Dir::new("demo");
    let out = sim(&["demo", "--out", &d.arg("out")]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("Completed: stopToneDetected"), "{stdout}");
    assert!(d.path("out/recording.wav").exists());
    let note = read_json(d.path("out/notification.json"));
    assert_eq!(note["value"][0]["resourceData"]["status"], "completed");
    let texts = svg_texts(&d.path("out/timeline.svg"));
    assert!(
        has(&texts, "completionReason: stopToneDetected"),
        "{texts:?}"
    );
    for phase in ["prompt", "beep", "listening", "capturing", "done"] {
        assert!(texts.iter().any(|t| t == phase), "{phase}: {texts:?}");
    }
}

#[test]
fn help_describes_the_commands() {
    let out = sim(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for word in ["run", "demo"] {
        assert!(text.contains(word));
    }
    let out = sim(&["run", "--help"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--request",
        "--caller",
        "--media",
        "--recording",
        "--notification",
        "--timeline",
        "--call-id",
    ] {
        assert!(text.contains(flag), "{flag}");
    }
}

/// Every text of the SVG at `path` (which must parse as XML, with an `svg` root), trimmed.
fn svg_texts(path: &Path) -> Vec<String> {
    let svg = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("the timeline is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// Whether one of `texts` contains `part`.
fn has(texts: &[String], part: &str) -> bool {
    texts.iter().any(|t| t.contains(part))
}

/// The number of seconds that follows `prefix` in the first text starting with it.
fn seconds_after(texts: &[String], prefix: &str) -> f64 {
    let text = texts
        .iter()
        .find_map(|t| t.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in {texts:?}"));
    let number: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    number.parse().unwrap()
}

#[test]
fn run_draws_what_the_recorder_decided() {
    let d = call_dir("timeline", Some(REQUEST));
    let files = [("--recording", "rec.wav"), ("--timeline", "timeline.svg")];
    let out = run_call(&d, "caller.wav", &files, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let texts = svg_texts(&d.path("timeline.svg"));
    // The completion, as the notification gives it.
    assert!(
        has(
            &texts,
            "completionReason: stopToneDetected   ·   status completed   ·   resultInfo 200/8514"
        ),
        "{texts:?}"
    );
    // The phases that happened, and only those (no prompt, no beep in this request).
    for phase in ["listening", "capturing", "done"] {
        assert!(texts.iter().any(|t| t == phase), "{phase}: {texts:?}");
    }
    for phase in ["prompt", "beep"] {
        assert!(!texts.iter().any(|t| t == phase), "{phase}: {texts:?}");
    }
    // The speech onset at 1 s and the # key at 3 s, from its onset to where it was acted on.
    let onset = seconds_after(&texts, "speech start");
    assert!((0.9..=1.05).contains(&onset), "speech start {onset}");
    let key = seconds_after(&texts, "key # (stop tone):");
    assert!((2.97..=3.03).contains(&key), "key onset {key}");
    assert!(has(&texts, "stop-tone cut"), "{texts:?}");
    // The recording the picture states is the one written, and it ends where the key began.
    let samples = hound::WavReader::open(d.path("rec.wav")).unwrap().len();
    let why = texts
        .iter()
        .find(|t| t.starts_with("Why it ended there: the caller pressed #"))
        .unwrap_or_else(|| panic!("{texts:?}"));
    let recording = format!("–{key:.2} s ({:.2} s).", samples as f64 / 8000.0);
    assert!(why.ends_with(&recording), "{why} / {recording}");
    // Every clock has its row; the two that ran while capturing would have fired later.
    for row in [
        "initial silence 5 s",
        "max silence 5 s",
        "max duration 10 s",
        "media timeout 5000 ms",
    ] {
        assert!(texts.iter().any(|t| t == row), "{row}: {texts:?}");
    }
    assert!(has(&texts, "would fire at"), "{texts:?}");
    assert!(!has(&texts, "fired at"), "{texts:?}");
    assert!(has(&texts, "did not run"), "{texts:?}");
    // The speech detector's verdicts: the threshold lines and its legend.
    for part in [
        "strong threshold 5.0 dB",
        "weak threshold 1.7 dB",
        "strong speech",
    ] {
        assert!(has(&texts, part), "{part}: {texts:?}");
    }
}

#[test]
fn drawing_the_timeline_changes_no_output() {
    let d = call_dir("timeline-same", Some(REQUEST));
    let run = |tag: &str, timeline: bool| {
        let (rec, note, svg) = (
            format!("{tag}.wav"),
            format!("{tag}.json"),
            format!("{tag}.svg"),
        );
        let mut files = vec![("--recording", rec.as_str()), ("--notification", &note)];
        if timeline {
            files.push(("--timeline", &svg));
        }
        let out = run_call(&d, "caller.wav", &files, &[]);
        assert!(out.status.success());
        // The outputs name the recording's file, which differs.
        let named = |text: String| text.replace(&format!("{tag}.wav"), "REC.wav");
        let stdout = named(String::from_utf8(out.stdout).unwrap());
        let note = named(std::fs::read_to_string(d.path(&note)).unwrap());
        (stdout, note, std::fs::read(d.path(&rec)).unwrap())
    };
    let (plain, drawn) = (run("plain", false), run("drawn", true));
    assert_eq!((&plain.0, &plain.1), (&drawn.0, &drawn.1));
    assert!(plain.2 == drawn.2, "the recordings differ");
}

#[test]
fn a_timeline_is_not_drawn_for_an_rtp_capture() {
    let out = sim(&[
        "run",
        "--request",
        "req.json",
        "--rtp",
        "call.pcap",
        "--timeline",
        "t.svg",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--timeline"));
}
