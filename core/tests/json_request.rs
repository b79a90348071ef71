//! The request parser: Graph's documented example, defaults, every rule, unknown properties.
#![cfg(feature = "json")]

use recresp_core::digit::Digit;
use recresp_core::json::{parse_request, RequestError};
use recresp_core::settings::{Parameter, SettingsError};

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
    let s = parse_request(GRAPH_EXAMPLE).unwrap();
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
}

#[test]
fn empty_body_gives_graphs_defaults() {
    let s = parse_request("{}").unwrap();
    let o = s.validate().unwrap();
    assert!(s.prompt.is_none() && o.play_beep && !o.barge_in_allowed);
    assert_eq!(o.max_record_duration_s, 5);
}

#[test]
fn the_beta_sdk_body_and_nulls_parse() {
    // What msgraph-beta-sdk sends for an empty request body, plus explicit nulls.
    let s = parse_request(
        r#"{"bargeInAllowed": false, "playBeep": false, "streamWhileRecording": false,
            "clientContext": null, "prompts": null, "stopTones": null,
            "maxRecordDurationInSeconds": null}"#,
    )
    .unwrap();
    assert!(!s.play_beep && !s.stream_while_recording);
    assert_eq!(s.max_record_duration_s, 5);
}

#[test]
fn escaped_strings_are_unescaped() {
    let s = parse_request(r#"{"clientContext": "a\"b\\c\u00e9"}"#).unwrap();
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
    assert!(parse_request(r#"{"prompts": []}"#)
        .unwrap()
        .prompt
        .is_none());
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
    let e = parse_request(r#"{"playBeep": "yes"}"#).unwrap_err();
    assert!(
        matches!(&e, RequestError::Json { at, .. } if at.as_str() == "playBeep"),
        "{e:?}"
    );
    assert!(e.to_string().contains("playBeep"));
    let e = parse_request(r#"{"maxRecordDurationInSeconds": 2.5}"#).unwrap_err();
    assert!(e.to_string().contains("maxRecordDurationInSeconds"), "{e}");
    for bad in ["", "{", "[]", "{\"playBeep\": true,}", "{} x", "null"] {
        assert!(
            matches!(parse_request(bad), Err(RequestError::Json { .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    for body in [
        format!(
            r#"{{"@odata.type": {}{}}}"#,
            "[".repeat(20_000),
            "]".repeat(20_000)
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
    let s = parse_request(&format!(
        r#"{{"clientContext": "{}\"{}"}}"#,
        "[".repeat(40),
        "{".repeat(40)
    ))
    .unwrap();
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
        assert!(
            matches!(parse_request(body), Err(RequestError::Json { .. })),
            "{body}"
        );
    }
}
