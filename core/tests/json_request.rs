//! The request parser: Graph's documented example, defaults, every rule, unknown properties,
//! strict JSON, and the options it hands the recorder.
#![cfg(feature = "json")]

use recresp_core::json::{JsonErrorKind, REQUEST_MAX_LEN};
use recresp_core::{
    parse_request, parse_request_into, Digit, Parameter, RequestError, Settings, SettingsError,
};

fn settings(body: &str) -> Settings {
    parse_request(body).unwrap().settings
}

const GRAPH_EXAMPLE: &str = r##"{
  "bargeInAllowed": true,
  "clientContext": "d45324c1-fcb5-430a-902c-f20af696537c",
  "prompts": [
    {
      "@odata.type": "#microsoft.graph.mediaPrompt",
      "mediaInfo": {
        "uri": "https://cdn.contoso.com/beep.wav",
        "resourceId": "1D6DE2D4-CD51-4309-8DAA-70768651088E"
      }
    }
  ],
  "maxRecordDurationInSeconds": 10,
  "initialSilenceTimeoutInSeconds": 5,
  "maxSilenceTimeoutInSeconds": 2,
  "playBeep": true,
  "stopTones": [ "#", "1", "*" ]
}"##;

#[test]
fn graphs_example_parses() {
    let request = parse_request(GRAPH_EXAMPLE).unwrap();
    let s = &request.settings;
    assert!(s.barge_in_allowed && s.play_beep);
    assert_eq!(
        s.client_context.as_str(),
        "d45324c1-fcb5-430a-902c-f20af696537c"
    );
    let p = s.prompt.as_ref().unwrap();
    assert_eq!(p.uri.as_str(), "https://cdn.contoso.com/beep.wav");
    assert_eq!(
        p.resource_id.as_deref(),
        Some("1D6DE2D4-CD51-4309-8DAA-70768651088E")
    );
    assert_eq!(
        (
            s.max_record_duration_s,
            s.initial_silence_timeout_s,
            s.max_silence_timeout_s
        ),
        (10, 5, 2)
    );
    let tones: Vec<Digit> = s.stop_tones.iter().collect();
    assert_eq!(tones, vec![Digit::D1, Digit::Star, Digit::Pound]);
    // The options are the validated settings.
    assert_eq!(request.options, s.validate().unwrap());
    assert_eq!(request.options.max_silence_timeout_s, 2);
    assert!(request.options.barge_in_allowed);
}

#[test]
fn empty_body_gives_graphs_defaults() {
    let request = parse_request("{}").unwrap();
    let (s, o) = (&request.settings, request.options);
    assert!(s.prompt.is_none() && o.play_beep && !o.barge_in_allowed);
    assert_eq!(o.max_record_duration_s, 5);
}

#[test]
fn the_beta_sdk_body_and_nulls_parse() {
    // What msgraph-beta-sdk sends for an empty request body, plus explicit nulls.
    let s = settings(
        r#"{"bargeInAllowed": false, "playBeep": false, "streamWhileRecording": false,
            "clientContext": null, "prompts": null, "stopTones": null,
            "maxRecordDurationInSeconds": null}"#,
    );
    assert!(!s.play_beep && !s.stream_while_recording);
    assert_eq!(s.max_record_duration_s, 5);
}

#[test]
fn escaped_strings_are_unescaped() {
    let s = settings(r#"{"clientContext": "a\"b\\c\u00e9"}"#);
    assert_eq!(s.client_context.as_str(), "a\"b\\cé");
}

fn invalid(body: &str) -> SettingsError {
    match parse_request(body) {
        Err(RequestError::Invalid(e)) => e,
        other => panic!("{body}: {other:?}"),
    }
}

#[test]
fn every_rule_is_enforced() {
    for (name, parameter) in [
        (
            "initialSilenceTimeoutInSeconds",
            Parameter::InitialSilenceTimeout,
        ),
        ("maxSilenceTimeoutInSeconds", Parameter::MaxSilenceTimeout),
        ("maxRecordDurationInSeconds", Parameter::MaxRecordDuration),
    ] {
        for value in [0i64, 121, -1, 1800] {
            assert_eq!(
                invalid(&format!(r#"{{"{name}": {value}}}"#)),
                SettingsError::OutOfRange { parameter, value }
            );
        }
        for value in [1, 120] {
            assert!(parse_request(&format!(r#"{{"{name}": {value}}}"#)).is_ok());
        }
    }
    let prompt = r#"{"mediaInfo": {"uri": "https://x/a.wav"}}"#;
    assert_eq!(
        invalid(&format!(r#"{{"prompts": [{prompt}, {prompt}]}}"#)),
        SettingsError::TooManyPrompts { count: 2 }
    );
    assert!(settings(r#"{"prompts": []}"#).prompt.is_none());
    assert_eq!(
        invalid(r##"{"prompts": [{"@odata.type": "#microsoft.graph.mediaPrompt"}]}"##),
        SettingsError::Missing {
            parameter: Parameter::MediaInfo
        }
    );
    assert_eq!(
        invalid(r#"{"prompts": [{"mediaInfo": {"resourceId": "x"}}]}"#),
        SettingsError::Missing {
            parameter: Parameter::Uri
        }
    );
    assert_eq!(
        invalid(r##"{"stopTones": ["#", "11", "*"]}"##),
        SettingsError::InvalidStopTone { index: 1 }
    );
    assert_eq!(
        invalid(r#"{"stopTones": ["E"]}"#),
        SettingsError::InvalidStopTone { index: 0 }
    );
    let long = "x".repeat(257);
    assert_eq!(
        invalid(&format!(r#"{{"clientContext": "{long}"}}"#)),
        SettingsError::TooLong {
            parameter: Parameter::ClientContext,
            max: 256
        }
    );
    let ok = "x".repeat(256);
    assert!(parse_request(&format!(r#"{{"clientContext": "{ok}"}}"#)).is_ok());
}

#[test]
fn unknown_properties_are_named() {
    for (body, path) in [
        (r#"{"maxDuration": 5}"#, "maxDuration"),
        (
            r#"{"prompts": [{"mediaInfo": {"url": "x"}}]}"#,
            "prompts[0].mediaInfo.url",
        ),
        (r#"{"prompts": [{"media": {}}]}"#, "prompts[0].media"),
    ] {
        match parse_request(body) {
            Err(RequestError::UnknownProperty { path: p }) => assert_eq!(p.as_str(), path),
            other => panic!("{body}: {other:?}"),
        }
        let msg = parse_request(body).unwrap_err().to_string();
        assert!(msg.contains(path), "{msg}");
    }
}

#[test]
fn wrong_types_and_bad_json_are_errors_naming_the_place() {
    for (body, at) in [
        (r#"{"playBeep": "yes"}"#, "playBeep"),
        (
            r#"{"maxRecordDurationInSeconds": 2.5}"#,
            "maxRecordDurationInSeconds",
        ),
        (
            r#"{"maxRecordDurationInSeconds": 5e0}"#,
            "maxRecordDurationInSeconds",
        ),
        (
            r#"{"maxRecordDurationInSeconds": "5"}"#,
            "maxRecordDurationInSeconds",
        ),
        (
            r#"{"maxRecordDurationInSeconds": 99999999999999999999}"#,
            "maxRecordDurationInSeconds",
        ),
        (r##"{"stopTones": "#"}"##, "stopTones"),
        (r##"{"stopTones": ["#", 1]}"##, "stopTones[1]"),
        (r#"{"prompts": {}}"#, "prompts"),
        (r#"{"prompts": [1]}"#, "prompts[0]"),
        (
            r#"{"prompts": [{"mediaInfo": []}]}"#,
            "prompts[0].mediaInfo",
        ),
        (
            r#"{"prompts": [{"mediaInfo": {"uri": 7}}]}"#,
            "prompts[0].mediaInfo.uri",
        ),
        (r#"{"prompts": [{"loop": true}]}"#, "prompts[0].loop"),
        (r#"{"clientContext": ["x"]}"#, "clientContext"),
        ("[]", "the request body"),
        ("null", "the request body"),
    ] {
        match parse_request(body) {
            Err(RequestError::WrongType { path, .. }) => assert_eq!(path.as_str(), at, "{body}"),
            other => panic!("{body}: {other:?}"),
        }
        let msg = parse_request(body).unwrap_err().to_string();
        assert!(msg.contains(at), "{msg}");
    }
    for bad in [
        "",
        "{",
        "{\"playBeep\": true,}",
        "{} x",
        "{\"playBeep\": tru}",
    ] {
        assert!(
            matches!(parse_request(bad), Err(RequestError::Json(_))),
            "{bad:?}"
        );
    }
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    for body in [
        format!(
            r#"{{"@odata.type": {}{}}}"#,
            "[".repeat(5_000),
            "]".repeat(5_000)
        ),
        format!(
            r#"{{"prompts": [{{"mediaInfo": {{"uri": "x"}}}}, {}{}]}}"#,
            "{\"a\":".repeat(50),
            "1".to_string() + &"}".repeat(50)
        ),
    ] {
        assert_eq!(parse_request(&body).unwrap_err(), RequestError::TooDeep);
    }
    // Brackets inside strings do not count.
    let s = settings(&format!(
        r#"{{"clientContext": "{}\"{}"}}"#,
        "[".repeat(40),
        "{".repeat(40)
    ));
    assert!(s.client_context.starts_with("[[["));
    // Graph's own shapes are well inside the limit.
    assert!(parse_request(r#"{"prompts": [{"mediaInfo": {"uri": "https://x/a.wav"}}]}"#).is_ok());
}

#[test]
fn odata_type_annotations_must_be_strings() {
    assert!(parse_request(r##"{"@odata.type": "#microsoft.graph.x"}"##).is_ok());
    for body in [
        r#"{"@odata.type": bogus}"#,
        r#"{"@odata.type": 12}"#,
        r#"{"@odata.type": {}}"#,
    ] {
        assert!(parse_request(body).is_err(), "{body}");
    }
    assert!(matches!(
        parse_request(r#"{"@odata.type": 12}"#),
        Err(RequestError::WrongType { path, .. }) if path == "@odata.type"
    ));
    assert!(parse_request(
        r##"{"prompts": [{"@odata.type": "#microsoft.graph.mediaPrompt",
            "mediaInfo": {"@odata.type": "#microsoft.graph.mediaInfo", "uri": "u"}}]}"##
    )
    .is_ok());
}

#[test]
fn surrogate_pairs_decode_and_lone_surrogates_are_refused() {
    // What Python's json.dumps sends for an emoji, in a value and in a member name.
    let s = settings(r#"{"clientContext": "ok \ud83d\ude00 \u00e9\u4e2d"}"#);
    assert_eq!(s.client_context.as_str(), "ok 😀 é中");
    let s = settings(r#"{"play\u0042eep": false}"#);
    assert!(!s.play_beep);
    for bad in [
        r#"{"clientContext": "\ud83d"}"#,
        r#"{"clientContext": "\ude00\ud83d"}"#,
        r#"{"clientContext": "\ud83d\u0041"}"#,
        r#"{"clientContext": "\ud83dx"}"#,
    ] {
        match parse_request(bad) {
            Err(RequestError::Json(e)) => assert_eq!(e.kind, JsonErrorKind::LoneSurrogate),
            other => panic!("{bad}: {other:?}"),
        }
    }
    // 256 characters outside the BMP, each sent as a surrogate pair: at the limit.
    let emoji = r"\ud83d\ude00".repeat(256);
    let s = settings(&format!(r#"{{"clientContext": "{emoji}"}}"#));
    assert_eq!(s.client_context.chars().count(), 256);
    let more = format!(r#"{{"clientContext": "{emoji}x"}}"#);
    assert!(matches!(
        parse_request(&more),
        Err(RequestError::Invalid(SettingsError::TooLong { .. }))
    ));
}

#[test]
fn invalid_json_is_refused_before_anything_is_read() {
    for (bad, kind) in [
        (
            r##"{"stopTones": [,"#"]}"##,
            JsonErrorKind::UnexpectedCharacter,
        ),
        (
            r##"{"stopTones": ["#",]}"##,
            JsonErrorKind::UnexpectedCharacter,
        ),
        (
            r#"{"clientContext": "\u+0e9"}"#,
            JsonErrorKind::InvalidEscape,
        ),
        (
            "{\"clientContext\": \"a\tb\"}",
            JsonErrorKind::ControlCharacter,
        ),
        (
            "{\"clientContext\": \"a\nb\"}",
            JsonErrorKind::ControlCharacter,
        ),
        (r#"{"playBeep": true,}"#, JsonErrorKind::UnexpectedCharacter),
        (r#"{"playBeep" true}"#, JsonErrorKind::UnexpectedCharacter),
        (
            r#"{"maxRecordDurationInSeconds": 05}"#,
            JsonErrorKind::UnexpectedCharacter,
        ),
        (
            r#"{"maxRecordDurationInSeconds": +5}"#,
            JsonErrorKind::UnexpectedCharacter,
        ),
        (r#"{'playBeep': true}"#, JsonErrorKind::UnexpectedCharacter),
        // An unknown property with bad JSON in it is bad JSON first.
        (r#"{"x": [1,,2]}"#, JsonErrorKind::UnexpectedCharacter),
        (
            r#"{"playBeep": true} {}"#,
            JsonErrorKind::TrailingCharacters,
        ),
    ] {
        match parse_request(bad) {
            Err(RequestError::Json(e)) => assert_eq!(e.kind, kind, "{bad}"),
            other => panic!("{bad}: {other:?}"),
        }
        assert!(parse_request(bad)
            .unwrap_err()
            .to_string()
            .starts_with("the request body is not valid JSON"));
    }
}

#[test]
fn bodies_are_bytes_and_must_be_utf8_and_not_huge() {
    let body: &[u8] = b"{\"clientContext\": \"caf\xe9\"}";
    match parse_request(body) {
        Err(e @ RequestError::Json(_)) => {
            assert_eq!(
                e.to_string(),
                "the request body is not valid UTF-8 (at byte 22)"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(parse_request(b"{\"playBeep\": false}".as_slice()).is_ok());
    let mut big = String::from("{\"playBeep\": false}");
    big.push_str(&" ".repeat(REQUEST_MAX_LEN - big.len()));
    assert!(parse_request(&big).is_ok(), "exactly the limit is accepted");
    big.push(' ');
    assert_eq!(
        parse_request(&big).unwrap_err(),
        RequestError::TooLarge {
            len: REQUEST_MAX_LEN + 1
        }
    );
}

#[test]
fn parsing_into_settings_keeps_the_extensions_and_checks_them() {
    let mut s = Settings::default();
    s.set_media_timeout_ms(2000).unwrap();
    s.set_trim_trailing_silence(true, 100).unwrap();
    s.client_context.push_str("old").unwrap();
    let o = parse_request_into(r#"{"playBeep": false}"#, &mut s).unwrap();
    assert!(
        s.client_context.is_empty(),
        "the request's fields start over"
    );
    assert!(!o.play_beep);
    assert_eq!(
        (
            o.media_timeout_ms,
            o.trim_trailing_silence,
            o.trailing_guard_ms
        ),
        (2000, true, 100)
    );
    s.media_timeout_ms = 1;
    assert_eq!(
        parse_request_into("{}", &mut s),
        Err(RequestError::Invalid(SettingsError::OutOfRange {
            parameter: Parameter::MediaTimeout,
            value: 1
        }))
    );
}

#[test]
fn long_strings_are_refused_by_their_limit() {
    let uri = "u".repeat(1025);
    assert_eq!(
        invalid(&format!(
            r#"{{"prompts": [{{"mediaInfo": {{"uri": "{uri}"}}}}]}}"#
        )),
        SettingsError::TooLong {
            parameter: Parameter::Uri,
            max: 1024
        }
    );
    let id = "r".repeat(129);
    assert_eq!(
        invalid(&format!(
            r#"{{"prompts": [{{"mediaInfo": {{"uri": "u", "resourceId": "{id}"}}}}]}}"#
        )),
        SettingsError::TooLong {
            parameter: Parameter::ResourceId,
            max: 128
        }
    );
    assert_eq!(
        invalid(
            r#"{"stopTones": ["1","2","3","4","5","6","7","8","9","0","1","2","3","4","5","6","7"]}"#
        ),
        SettingsError::TooManyStopTones { max: 16 }
    );
    assert_eq!(
        invalid(r#"{"stopTones": ["1", "a very long stop tone"]}"#),
        SettingsError::InvalidStopTone { index: 1 }
    );
    let long_name = "n".repeat(200);
    match parse_request(&format!(r#"{{"{long_name}": 1}}"#)) {
        Err(RequestError::UnknownProperty { path }) => assert!(path.starts_with("nnnn")),
        other => panic!("{other:?}"),
    }
}
