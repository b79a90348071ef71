//! The strict JSON reader against serde_json, on random and mutated texts: both must accept
//! and refuse the same inputs, and request strings must decode to what serde_json decodes.
#![cfg(feature = "json")]

use proptest::prelude::*;
use recresp_core::json::{validate, MAX_NESTING};
use recresp_core::{parse_request, RequestError};

/// serde_json's verdict. Into a `Value` it refuses numbers beyond `f64`, which RFC 8259
/// allows: for those, its value-ignoring parse (which does not convert numbers) decides.
/// It refuses nesting of 128 or more; the generators stay below.
fn serde_accepts(text: &[u8]) -> bool {
    match serde_json::from_slice::<serde_json::Value>(text) {
        Ok(_) => true,
        Err(e) if e.to_string().contains("number out of range") => {
            serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok()
        }
        Err(_) => false,
    }
}

fn ours_accepts(text: &[u8]) -> bool {
    validate(text, MAX_NESTING).is_ok()
}

/// Pieces strings are made of: plain text, escapes of every kind (including surrogate
/// pairs, lone and reversed halves), raw control characters and non-ASCII text.
fn string_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 #*]{0,4}",
        Just("\\\"".to_string()),
        Just("\\\\".to_string()),
        Just("\\/".to_string()),
        Just("\\n\\t\\r\\b\\f".to_string()),
        Just("\\ud83d\\ude00".to_string()),
        Just("\\ud83d".to_string()),
        Just("\\ude00".to_string()),
        Just("\\u00e9".to_string()),
        Just("\\u+0e9".to_string()),
        Just("\\x".to_string()),
        Just("\\u12".to_string()),
        (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        (0u32..0x10000).prop_map(|u| format!("\\u{u:04x}")),
        any::<char>().prop_map(|c| c.to_string()),
        Just("é😀\u{7f}".to_string()),
    ]
}

fn json_string() -> impl Strategy<Value = String> {
    prop::collection::vec(string_piece(), 0..5).prop_map(|p| format!("\"{}\"", p.concat()))
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        (-1000i32..1000, 0u32..1000, -30i32..30).prop_map(|(i, f, e)| format!("{i}.{f}e{e}")),
        Just("-0".to_string()),
        Just("0.5E+3".to_string()),
        Just("01".to_string()),
        Just("1.".to_string()),
        Just(".5".to_string()),
        Just("-".to_string()),
        Just("1e".to_string()),
        Just("+1".to_string()),
    ]
}

fn whitespace() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just(String::new()),
        2 => "[ \t\r\n]{1,3}",
        1 => Just("\u{c}".to_string()),
        1 => Just("\u{a0}".to_string()),
    ]
}

/// A JSON-like text: mostly valid, with some invalid leaves.
fn value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        json_string(),
        number(),
        Just("true".to_string()),
        Just("false".to_string()),
        Just("null".to_string()),
        Just("nul".to_string()),
        Just("True".to_string()),
    ];
    leaf.prop_recursive(6, 48, 6, |inner| {
        let item = (whitespace(), inner.clone(), whitespace())
            .prop_map(|(a, v, b)| format!("{a}{v}{b}"))
            .boxed();
        prop_oneof![
            (prop::collection::vec(item.clone(), 0..5), any::<bool>()).prop_map(
                |(items, trailing)| {
                    let comma = if trailing && !items.is_empty() {
                        ","
                    } else {
                        ""
                    };
                    format!("[{}{comma}]", items.join(","))
                }
            ),
            prop::collection::vec((json_string(), whitespace(), item), 0..5).prop_map(|members| {
                let body: Vec<String> = members
                    .into_iter()
                    .map(|(k, w, v)| format!("{k}{w}:{v}"))
                    .collect();
                format!("{{{}}}", body.join(","))
            }),
        ]
    })
}

/// Edits that turn a valid text invalid (or keep it valid) in the ways bugs hide.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize),
    Insert(usize, u8),
    Replace(usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    let byte = prop_oneof![
        prop::sample::select(b",:[]{}\"\\u0123456789abcdefABCDEF+-.eE ntfrl\t\n".to_vec()),
        any::<u8>(),
    ];
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<usize>(), byte).prop_map(|(i, b)| Edit::Replace(i, b)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for e in edits {
        let len = bytes.len();
        match *e {
            Edit::Delete(i) if len > 0 => {
                bytes.remove(i % len);
            }
            Edit::Insert(i, b) => bytes.insert(i % (len + 1), b),
            Edit::Replace(i, b) if len > 0 => bytes[i % len] = b,
            _ => {}
        }
    }
    bytes
}

/// Encodes `s` the way Python's `json.dumps` does: ASCII only, `\uXXXX` escapes, surrogate
/// pairs outside the BMP.
fn ascii_json(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn generated_texts_are_judged_as_serde_json_judges_them(text in value(), ws in whitespace()) {
        let text = format!("{ws}{text}{ws}");
        prop_assert_eq!(ours_accepts(text.as_bytes()), serde_accepts(text.as_bytes()), "{:?}", text);
    }

    #[test]
    fn mutated_texts_are_judged_as_serde_json_judges_them(
        text in value(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let bytes = apply(&text, &edits);
        prop_assert_eq!(
            ours_accepts(&bytes),
            serde_accepts(&bytes),
            "{:?}",
            String::from_utf8_lossy(&bytes)
        );
    }

    #[test]
    fn token_soup_is_judged_as_serde_json_judges_it(
        tokens in prop::collection::vec(
            prop::sample::select(vec![
                "{", "}", "[", "]", ",", ":", " ", "\"a\"", "\"\\u00e9\"", "1", "-0.5", "true",
                "null", "\"\\ud83d\"", "\"\\ud83d\\ude00\"", "\"\t\"", "1e5", "\"",
            ]),
            0..24,
        )
    ) {
        let text = tokens.concat();
        prop_assert_eq!(ours_accepts(text.as_bytes()), serde_accepts(text.as_bytes()), "{:?}", text);
    }

    #[test]
    fn any_bytes_give_an_answer_not_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let ours = ours_accepts(&bytes);
        prop_assert_eq!(ours, serde_accepts(&bytes));
        // The request parser refuses every body the validator refuses.
        if !ours {
            prop_assert!(matches!(
                parse_request(bytes.as_slice()),
                Err(RequestError::Json(_) | RequestError::TooDeep)
            ));
        }
    }

    #[test]
    fn mutated_requests_never_panic_and_refuse_invalid_json(
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let body = r##"{"bargeInAllowed": true, "clientContext": "d45\u00e9",
            "prompts": [{"@odata.type": "#microsoft.graph.mediaPrompt",
            "mediaInfo": {"uri": "https://x/a.wav", "resourceId": "r"}}],
            "maxRecordDurationInSeconds": 10, "stopTones": ["#", "1"]}"##;
        let bytes = apply(body, &edits);
        let result = parse_request(bytes.as_slice());
        if !serde_accepts(&bytes) {
            prop_assert!(
                matches!(result, Err(RequestError::Json(_))),
                "{:?}: {:?}", String::from_utf8_lossy(&bytes), result
            );
        }
    }

    #[test]
    fn strings_decode_as_serde_json_decodes_them(s in "\\PC{0,40}", controls in "[\u{0}-\u{1f}]{0,3}") {
        let s = format!("{s}{controls}");
        for encoded in [ascii_json(&s), serde_json::to_string(&s).unwrap()] {
            let body = format!(r#"{{"clientContext": {encoded}}}"#);
            let parsed = parse_request(&body).unwrap();
            let reference: serde_json::Value = serde_json::from_str(&body).unwrap();
            prop_assert_eq!(parsed.settings.client_context.as_str(), reference["clientContext"].as_str().unwrap());
            prop_assert_eq!(parsed.settings.client_context.as_str(), s.as_str());
        }
    }
}

/// One property of a valid request, as JSON text, with a value of its own kind.
fn property() -> impl Strategy<Value = (String, String)> {
    let text = "\\PC{0,12}".prop_map(|s| {
        if s.len() % 2 == 0 {
            ascii_json(&s)
        } else {
            serde_json::to_string(&s).unwrap()
        }
    });
    let seconds = (1i64..=120).prop_map(|n| n.to_string());
    let flag = prop_oneof![Just("true"), Just("false"), Just("null")].prop_map(str::to_string);
    let tones = prop::collection::vec(
        prop::sample::select(vec!["\"#\"", "\"1\"", "\"*\"", "\"D\"", "\"\\u0023\""]),
        0..4,
    )
    .prop_map(|t| format!("[{}]", t.join(", ")));
    prop_oneof![
        flag.clone().prop_map(|v| ("bargeInAllowed".to_string(), v)),
        flag.clone().prop_map(|v| ("playBeep".to_string(), v)),
        flag.prop_map(|v| ("streamWhileRecording".to_string(), v)),
        seconds.clone().prop_map(|v| ("initialSilenceTimeoutInSeconds".to_string(), v)),
        seconds.clone().prop_map(|v| ("maxSilenceTimeoutInSeconds".to_string(), v)),
        seconds.prop_map(|v| ("maxRecordDurationInSeconds".to_string(), v)),
        text.clone().prop_map(|v| ("clientContext".to_string(), v)),
        tones.prop_map(|v| ("stopTones".to_string(), v)),
        (text.clone(), text).prop_map(|(u, r)| (
            "prompts".to_string(),
            format!(r##"[{{"@odata.type": "#microsoft.graph.mediaPrompt", "mediaInfo": {{"uri": "x{}, "resourceId": {r}}}}}]"##, &u[1..])
        )),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn valid_requests_read_as_serde_json_reads_them(
        props in prop::collection::vec((property(), "[ \t\r\n]{0,2}"), 0..10),
    ) {
        let body = format!(
            "{{{}}}",
            props.iter().map(|((k, v), w)| format!("{w}\"{k}\"{w}:{w}{v}{w}")).collect::<Vec<_>>().join(",")
        );
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let r = parse_request(&body).unwrap_or_else(|e| panic!("{body}: {e}"));
        let s = &r.settings;
        let flag = |k: &str, default: bool| v[k].as_bool().unwrap_or(default);
        let secs = |k: &str| v[k].as_i64().unwrap_or(5);
        prop_assert_eq!(s.barge_in_allowed, flag("bargeInAllowed", false));
        prop_assert_eq!(s.play_beep, flag("playBeep", true));
        prop_assert_eq!(s.stream_while_recording, flag("streamWhileRecording", false));
        prop_assert_eq!(s.initial_silence_timeout_s, secs("initialSilenceTimeoutInSeconds"));
        prop_assert_eq!(s.max_silence_timeout_s, secs("maxSilenceTimeoutInSeconds"));
        prop_assert_eq!(s.max_record_duration_s, secs("maxRecordDurationInSeconds"));
        prop_assert_eq!(s.client_context.as_str(), v["clientContext"].as_str().unwrap_or(""));
        let tones: String = v["stopTones"].as_array().map(|a| a.iter().map(|t| t.as_str().unwrap()).collect()).unwrap_or_default();
        let want: std::collections::BTreeSet<char> = tones.chars().collect();
        let got: std::collections::BTreeSet<char> = s.stop_tones.iter().map(|d| d.as_char()).collect();
        prop_assert_eq!(got, want);
        match (&s.prompt, v.get("prompts")) {
            (None, None) => {}
            (Some(p), Some(ps)) => {
                let info = &ps[0]["mediaInfo"];
                prop_assert_eq!(p.uri.as_str(), info["uri"].as_str().unwrap());
                prop_assert_eq!(p.resource_id.as_deref(), info["resourceId"].as_str());
            }
            other => prop_assert!(false, "{:?}", other),
        }
        prop_assert_eq!(r.options, s.validate().unwrap());
    }
}

#[test]
fn nesting_at_serde_jsons_limit() {
    // serde_json accepts 127 levels; so does the validator at its widest.
    let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
    assert!(serde_accepts(deep(127).as_bytes()));
    assert!(ours_accepts(deep(127).as_bytes()));
}
