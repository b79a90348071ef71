//! The strict JSON reader against serde_json, on random and mutated texts: both must accept
//! and refuse the same inputs, and request strings must decode to what serde_json decodes.
#![cfg(feature = "json")]

use proptest::prelude::*;
use recresp_core::json::{parse_request, validate, RequestError, MAX_NESTING};

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

#[test]
fn nesting_at_serde_jsons_limit() {
    // serde_json accepts 127 levels; so does the validator at its widest.
    let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
    assert!(serde_accepts(deep(127).as_bytes()));
    assert!(ours_accepts(deep(127).as_bytes()));
}
