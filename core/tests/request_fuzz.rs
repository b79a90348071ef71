//! A deterministic mutation fuzzer for the Graph request reader and the JSON writers, run in
//! CI by `scripts/test-fuzz.sh` (10 million executions; `REQUEST_FUZZ_EXECS` sets another
//! count, `REQUEST_FUZZ_SEED` another seed).
//!
//! Each execution mutates a request body from a seed corpus (the seed's example, every
//! parameter at its limits, escapes and non-ASCII text): bit flips, interesting bytes and
//! tokens spliced in, bytes deleted, duplicated or truncated. The body is parsed. The run
//! fails on any panic (the `fuzz` profile keeps overflow checks and debug assertions on), on
//! an accepted body that serde_json (a strict reader nobody here wrote) refuses, on accepted
//! options outside Graph's limits, and on a running operation or notification written from
//! an accepted request that is not valid JSON echoing the request's `clientContext`. It also
//! fails if a seed parses differently from before mutation, or if nothing was accepted or
//! nothing refused (the mutations must reach both sides).
//!
//! `#[ignore]`d in the ordinary test run; run with
//! `cargo test --profile fuzz -p recresp-core --features json --test request_fuzz -- --ignored --nocapture`.
#![cfg(feature = "json")]

use recresp_core::json::{OperationRef, Recording};
use recresp_core::limits::{CLIENT_CONTEXT_MAX_CHARS, TIMEOUT_MAX_S, TIMEOUT_MIN_S};
use recresp_core::{
    parse_request, write_notification, write_running_operation, Completion, CompletionReason,
};
use recresp_harness::SplitMix64;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seeds() -> Vec<Vec<u8>> {
    [
        r##"{"bargeInAllowed": true, "clientContext": "d45324c1-fcb5-430a-902c-f20af696537c",
  "prompts": [{"@odata.type": "#microsoft.graph.mediaPrompt",
    "mediaInfo": {"uri": "https://cdn.contoso.com/beep.wav",
                  "resourceId": "1D6DE2D4-CD51-4309-8DAA-70768651088E"}}],
  "maxRecordDurationInSeconds": 10, "initialSilenceTimeoutInSeconds": 5,
  "maxSilenceTimeoutInSeconds": 2, "playBeep": true, "stopTones": [ "#", "1", "*" ]}"##,
        r#"{}"#,
        r#"{"maxRecordDurationInSeconds": 120, "initialSilenceTimeoutInSeconds": 1, "maxSilenceTimeoutInSeconds": 120, "playBeep": false}"#,
        r##"{"stopTones": ["0","1","2","3","4","5","6","7","8","9","*","#","A","B","C","D"], "clientContext": "\u00e9\ud83d\ude00 \"q\" \\ \/ \n"}"##,
        r#"{"prompts": [], "clientContext": "", "bargeInAllowed": false, "maxRecordDurationInSeconds": 1e1}"#,
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// Tokens spliced into bodies: JSON's punctuation and keywords, Graph's names, numbers at
/// and past the limits, escapes.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "null",
    "true",
    "false",
    "-0",
    "0",
    "1",
    "120",
    "121",
    "-1",
    "1e2",
    "1.5",
    "99999999999999999999",
    "\"#\"",
    "\"E\"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"prompts\"",
    "\"stopTones\"",
    "\"clientContext\"",
    "\"playBeep\"",
    "\"maxRecordDurationInSeconds\"",
    "\"@odata.type\"",
    "\"mediaInfo\"",
    "\"uri\"",
    " ",
    "\u{e9}",
    "\u{ff}",
];

fn mutate(body: &mut Vec<u8>, rng: &mut SplitMix64) {
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(body.len() + 1);
        match rng.below(8) {
            0 | 1 => {
                if let Some(b) = body.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            2 => {
                if let Some(b) = body.get_mut(at) {
                    *b = [0u8, b'"', b'\\', b'{', b'}', 0x7F, 0x80, 0xFF][rng.below(8)];
                }
            }
            3 | 4 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                body.splice(at..at, t.iter().copied());
            }
            5 => {
                let n = rng.below(16).min(body.len() - at.min(body.len()));
                body.drain(at..at + n);
            }
            6 => {
                let n = rng.below(32).min(body.len() - at.min(body.len()));
                let piece = body[at..at + n].to_vec();
                body.splice(at..at, piece);
            }
            _ => body.truncate(at),
        }
    }
}

#[test]
#[ignore = "long: scripts/test-fuzz.sh runs it (fuzz profile)"]
fn request_mutation_fuzz() {
    let execs = env_u64("REQUEST_FUZZ_EXECS", 10_000_000);
    let mut rng = SplitMix64::new(env_u64("REQUEST_FUZZ_SEED", 0x0DA7A));
    let seeds = seeds();
    let before: Vec<String> = seeds
        .iter()
        .map(|s| format!("{:?}", parse_request(s.as_slice()).map(|r| r.options)))
        .collect();
    let (mut accepted, mut refused) = (0u64, 0u64);
    let mut body = Vec::with_capacity(1024);
    let mut out = [0u8; 4096];
    for i in 0..execs {
        body.clear();
        body.extend_from_slice(&seeds[rng.below(seeds.len())]);
        mutate(&mut body, &mut rng);
        let request = match parse_request(body.as_slice()) {
            Ok(r) => r,
            Err(e) => {
                refused += 1;
                assert!(!e.to_string().is_empty(), "exec {i}");
                continue;
            }
        };
        accepted += 1;
        // Checking against serde_json and the writers costs more than the parse: now and then.
        if i % 64 != 0 {
            continue;
        }
        assert!(
            serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok(),
            "exec {i}: accepted what serde_json refuses: {:?}",
            String::from_utf8_lossy(&body)
        );
        let (s, o) = (&request.settings, &request.options);
        for t in [
            o.initial_silence_timeout_s,
            o.max_silence_timeout_s,
            o.max_record_duration_s,
        ] {
            assert!(
                (i64::from(TIMEOUT_MIN_S)..=i64::from(TIMEOUT_MAX_S)).contains(&i64::from(t)),
                "exec {i}: timeout {t}"
            );
        }
        let context = s.client_context.as_str();
        assert!(
            context.chars().count() <= CLIENT_CONTEXT_MAX_CHARS,
            "exec {i}"
        );
        let op = OperationRef {
            call_id: "call",
            operation_id: "op",
            client_context: context,
        };
        let n = write_running_operation(&op, &mut out).expect("room for the operation");
        let running: serde_json::Value = serde_json::from_slice(&out[..n]).expect("JSON");
        assert_eq!(running["clientContext"], context, "exec {i}");
        let reason = CompletionReason::StopToneDetected;
        let completion = Completion {
            reason,
            status: reason.status(),
            result_info: reason.result_info(),
            at: 0,
            recorded_samples: 1,
        };
        let recording = Recording {
            location: "https://example.invalid/r",
            access_token: "t",
        };
        let n = write_notification(&op, &completion, Some(recording), &mut out)
            .expect("room for the notification");
        let note: serde_json::Value = serde_json::from_slice(&out[..n]).expect("JSON");
        assert_eq!(
            note["value"][0]["resourceData"]["clientContext"], context,
            "exec {i}"
        );
    }
    let after: Vec<String> = seeds
        .iter()
        .map(|s| format!("{:?}", parse_request(s.as_slice()).map(|r| r.options)))
        .collect();
    assert_eq!(before, after);
    println!("request fuzz: {execs} executions, {accepted} accepted, {refused} refused");
    if execs >= 100_000 {
        assert!(
            accepted > execs / 100 && refused > execs / 100,
            "both sides reached"
        );
    }
}
