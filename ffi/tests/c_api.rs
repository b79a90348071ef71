//! The C API driven from Rust through its `extern "C"` functions, checked against the core
//! driven directly: same recording, same completion, same notification JSON, for any frame
//! size and for G.711 input; and the error codes of the boundary checks.
#![allow(unsafe_code, missing_docs)]

use recresp_core::MediaInput;
use std::ffi::CStr;
use std::ptr;

use recresp::event::*;
use recresp::json::*;
use recresp::recorder::*;
use recresp::result::recresp_result_message;
use recresp::settings::*;
use recresp::*;
use recresp_core::json::{self as core_json, OperationRef, Recording};
use recresp_core::Law;
use recresp_core::PromptAudio;
use recresp_core::{Completion, Digit, Event, Recorder, SampleRate};
use recresp_harness::{drive, Feed, Script, Step, Then};

const REQUEST: &str = r##"{"clientContext":"c-api \"test\"","playBeep":true,
  "initialSilenceTimeoutInSeconds":3,"maxSilenceTimeoutInSeconds":2,
  "maxRecordDurationInSeconds":10,"stopTones":["#"]}"##;
const CALL_ID: &str = "57dab8b1-894c-409a-b240-bd8beae78896";

/// A caller: quiet noise, 0.6 s after the beep an answer of 2 s, then `#`.
const CALLER: Script = Script::new(&[
    Step::Quiet(800),
    Step::Voice {
        ms: 2_000,
        peak: 9000,
        seed: 5,
    },
    Step::Quiet(500),
    Step::Key {
        digit: Digit::Pound,
        ms: 120,
        peak: 5000,
    },
    Step::Quiet(1_580),
])
.with_noise(60, 3);

/// [`CALLER`] at `rate`.
fn caller(rate: SampleRate) -> Vec<i16> {
    let mut x = vec![0i16; CALLER.samples(rate)];
    CALLER.add_to(rate, &mut x);
    x
}

struct Outcome {
    audio: Vec<i16>,
    completion_reason: u32,
    recorded_samples: u64,
    has_recording: bool,
    notification: String,
    tones: Vec<(u32, u8)>,
}

fn check(r: recresp_result) {
    assert_eq!(r, recresp_result::Ok, "{}", r.message());
}

/// Runs the request through the C API, `frame` samples per push.
fn run_c(samples: &[i16], rate: SampleRate, frame: usize, g711: Option<Law>) -> Outcome {
    unsafe {
        let mut s = ptr::null_mut();
        check(recresp_settings_new(&mut s));
        check(recresp_settings_parse_json(
            s,
            REQUEST.as_ptr().cast(),
            REQUEST.len(),
        ));
        let mut r = ptr::null_mut();
        check(recresp_recorder_new(rate.hz(), &mut r));
        check(recresp_recorder_start(r, s, 0, 0));
        recresp_settings_free(s);
        let mut out = Outcome {
            audio: Vec::new(),
            completion_reason: u32::MAX,
            recorded_samples: 0,
            has_recording: false,
            notification: String::new(),
            tones: Vec::new(),
        };
        let bytes: Vec<u8> = g711.map_or(Vec::new(), |law| {
            samples.iter().map(|&x| law.encode(x)).collect()
        });
        let silence = vec![0i16; frame];
        let mut pos = 0;
        while recresp_recorder_is_running(r) {
            let n = frame.min(samples.len().saturating_sub(pos));
            let mut used = 0;
            let res = match (n, g711) {
                (0, _) => recresp_recorder_push_pcm(r, silence.as_ptr(), frame, &mut used),
                (n, Some(law)) => {
                    recresp_recorder_push_g711(r, bytes[pos..].as_ptr(), n, law as u32, &mut used)
                }
                (n, None) => recresp_recorder_push_pcm(r, samples[pos..].as_ptr(), n, &mut used),
            };
            check(res);
            if n > 0 {
                pos += used;
            }
            loop {
                let mut e = recresp_event::none();
                check(recresp_recorder_poll(r, &mut e));
                match e.kind {
                    recresp_event_kind::None => break,
                    recresp_event_kind::Captured => out
                        .audio
                        .extend_from_slice(std::slice::from_raw_parts(e.samples, e.sample_count)),
                    recresp_event_kind::ToneDetected => {
                        out.tones.push((e.digit, e.digit_char as u8))
                    }
                    recresp_event_kind::Completed => {
                        out.completion_reason = e.completion.reason as u32;
                        out.recorded_samples = e.completion.recorded_samples;
                        out.has_recording = e.completion.has_recording;
                        let msg = CStr::from_ptr(e.completion.message).to_str().unwrap();
                        assert!(msg.starts_with("Action "), "{msg}");
                    }
                    _ => {}
                }
            }
        }
        let op = derive_id(REQUEST);
        let (loc, tok) = ("file:///tmp/rec.wav", "token");
        let cap = recresp_recorder_notification_capacity(
            r,
            CALL_ID.len(),
            op.len(),
            loc.len(),
            tok.len(),
        );
        let mut buf = vec![0u8; cap];
        let mut n = 0;
        check(recresp_recorder_write_notification(
            r,
            CALL_ID.as_ptr().cast(),
            CALL_ID.len(),
            op.as_ptr().cast(),
            op.len(),
            loc.as_ptr().cast(),
            loc.len(),
            tok.as_ptr().cast(),
            tok.len(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut n,
        ));
        assert_eq!(buf[n], 0, "NUL-terminated");
        out.notification = String::from_utf8(buf[..n].to_vec()).unwrap();
        recresp_recorder_free(r);
        out
    }
}

fn derive_id(request: &str) -> String {
    let mut buf = [0u8; RECRESP_OPERATION_ID_LEN + 1];
    let mut n = 0;
    unsafe {
        check(recresp_derive_operation_id(
            CALL_ID.as_ptr().cast(),
            CALL_ID.len(),
            request.as_ptr().cast(),
            request.len(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut n,
        ));
    }
    assert_eq!(n, RECRESP_OPERATION_ID_LEN);
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

/// The same operation on the core's recorder, directly.
fn run_core(samples: &[i16], rate: SampleRate) -> (Vec<i16>, Completion, String) {
    let request = core_json::parse_request(REQUEST).unwrap();
    let settings = &request.settings;
    let mut rec: Recorder = Recorder::new(rate).unwrap();
    rec.start(request.options, PromptAudio::None);
    let mut audio = Vec::new();
    let mut on = |e: Event<'_>| {
        if let Event::Captured(x) = e {
            audio.extend_from_slice(x)
        }
    };
    let feed = Feed::new(&[]).then(Then::Silence {
        max_frames: usize::MAX,
    });
    let c = drive(&mut rec, &[MediaInput::Pcm(samples)], &feed, &mut on).unwrap();
    let op = core_json::derive_operation_id(CALL_ID, REQUEST);
    let mut buf = vec![0u8; 8192];
    let n = core_json::write_notification(
        &OperationRef {
            call_id: CALL_ID,
            operation_id: &op,
            client_context: &settings.client_context,
        },
        &c,
        c.has_recording().then_some(Recording {
            location: "file:///tmp/rec.wav",
            access_token: "token",
        }),
        &mut buf,
    )
    .unwrap();
    (audio, c, String::from_utf8(buf[..n].to_vec()).unwrap())
}

#[test]
fn c_api_matches_the_core_for_any_frame_size() {
    for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
        let x = caller(rate);
        let (audio, c, notification) = run_core(&x, rate);
        assert_eq!(
            c.reason.as_str(),
            "stopToneDetected",
            "the fixture must end on #"
        );
        assert!(c.recorded_samples > 0);
        for frame in [1, 7, 160, 333, 4096] {
            let out = run_c(&x, rate, frame, None);
            assert_eq!(out.audio, audio, "{rate:?} frame {frame}");
            assert_eq!(out.recorded_samples, c.recorded_samples);
            assert_eq!(
                out.completion_reason,
                recresp_completion_reason::StopToneDetected as u32
            );
            assert!(out.has_recording);
            assert_eq!(out.notification, notification);
            assert_eq!(out.tones, vec![(11, b'#')]);
        }
    }
}

#[test]
fn g711_input_is_decoded() {
    let rate = SampleRate::Hz8000;
    let x = caller(rate);
    for law in [Law::Ulaw, Law::Alaw] {
        let decoded: Vec<i16> = x.iter().map(|&s| law.decode(law.encode(s))).collect();
        let (audio, c, _) = run_core(&decoded, rate);
        let out = run_c(&x, rate, 160, Some(law));
        assert_eq!(out.audio, audio, "{law:?}");
        assert_eq!(out.recorded_samples, c.recorded_samples);
    }
}

#[test]
fn recorder_in_caller_storage_matches_the_heap_one() {
    #[repr(C, align(8))]
    struct Storage([u8; RECRESP_RECORDER_STORAGE_SIZE + 8]);
    let mut storage = Storage([0xa5; RECRESP_RECORDER_STORAGE_SIZE + 8]);
    let base = storage.0.as_mut_ptr();
    unsafe {
        let mut r = ptr::null_mut();
        let misaligned = recresp_recorder_init_in(
            base.add(1).cast(),
            RECRESP_RECORDER_STORAGE_SIZE,
            8000,
            &mut r,
        );
        assert_eq!(misaligned, recresp_result::StorageMisaligned);
        assert!(r.is_null());
        let small = recresp_recorder_init_in(
            base.cast(),
            recresp_recorder_storage_size() - 1,
            8000,
            &mut r,
        );
        assert_eq!(small, recresp_result::StorageTooSmall);
        let rate =
            recresp_recorder_init_in(base.cast(), RECRESP_RECORDER_STORAGE_SIZE, 11025, &mut r);
        assert_eq!(rate, recresp_result::InvalidArgument);
        check(recresp_recorder_init_in(
            base.cast(),
            RECRESP_RECORDER_STORAGE_SIZE,
            8000,
            &mut r,
        ));
        assert_eq!(r.cast::<u8>(), base);
        assert_eq!(recresp_recorder_sample_rate(r), 8000);

        let mut sbuf = [0u64; RECRESP_SETTINGS_STORAGE_SIZE / 8];
        let mut s = ptr::null_mut();
        check(recresp_settings_init_in(
            sbuf.as_mut_ptr().cast(),
            RECRESP_SETTINGS_STORAGE_SIZE,
            &mut s,
        ));
        check(recresp_settings_set_max_record_duration(s, 1));
        check(recresp_settings_set_play_beep(s, false));
        check(recresp_recorder_start(r, s, 0, 0));
        // Freeing caller-storage handles does nothing; they stay usable.
        recresp_settings_free(s);
        recresp_recorder_free(r);
        check(recresp_settings_set_initial_silence_timeout(s, 1));
        check(recresp_recorder_start(r, s, 0, 0));
        let silence = vec![0i16; 8000 * 3];
        let mut rest = &silence[..];
        let mut e = recresp_event::none();
        let mut last = recresp_event_kind::None;
        while !rest.is_empty() {
            let mut used = 0;
            let res = recresp_recorder_push_pcm(r, rest.as_ptr(), rest.len(), &mut used);
            if res == recresp_result::NotRunning {
                break;
            }
            check(res);
            rest = &rest[used..];
            loop {
                check(recresp_recorder_poll(r, &mut e));
                if e.kind == recresp_event_kind::None {
                    break;
                }
                last = e.kind;
            }
        }
        assert_eq!(last, recresp_event_kind::Completed);
        let mut c = e.completion;
        check(recresp_recorder_completion(r, &mut c));
        assert_eq!(c.reason, recresp_completion_reason::InitialSilenceTimeout);
        assert_eq!(c.status, recresp_operation_status::Failed);
        assert_eq!((c.code, c.subcode), (400, 8510));
    }
}

#[test]
fn boundary_checks_return_codes() {
    unsafe {
        let mut r = ptr::null_mut();
        assert_eq!(
            recresp_recorder_new(8000, ptr::null_mut()),
            recresp_result::NullPointer
        );
        check(recresp_recorder_new(8000, &mut r));
        let mut used = 0usize;
        let x = [0i16; 4];
        assert_eq!(
            recresp_recorder_push_pcm(r, ptr::null(), 4, &mut used),
            recresp_result::NullPointer
        );
        assert_eq!(
            recresp_recorder_push_pcm(r, x.as_ptr().cast::<u8>().add(1).cast(), 1, &mut used),
            recresp_result::MisalignedPointer
        );
        assert_eq!(
            recresp_recorder_push_pcm(r, x.as_ptr(), 4, &mut used),
            recresp_result::NotRunning
        );
        assert_eq!(recresp_recorder_cancel(r), recresp_result::NotRunning);
        assert_eq!(
            recresp_recorder_handle_digit(r, 16, 0),
            recresp_result::InvalidArgument
        );
        assert_eq!(
            recresp_recorder_push_g711(r, [0u8].as_ptr(), 1, 2, &mut used),
            recresp_result::InvalidArgument
        );

        let mut s = ptr::null_mut();
        check(recresp_settings_new(&mut s));
        for (body, code) in [
            ("{", recresp_result::InvalidJson),
            (r#"{"maxDuration":3}"#, recresp_result::UnknownProperty),
            (
                r#"{"maxRecordDurationInSeconds":0}"#,
                recresp_result::OutOfRange,
            ),
            (
                r###"{"stopTones":["##"]}"###,
                recresp_result::InvalidStopTone,
            ),
            (
                r#"{"prompts":[{"mediaInfo":{"uri":"a"}},{"mediaInfo":{"uri":"b"}}]}"#,
                recresp_result::TooManyPrompts,
            ),
            (r#"{"prompts":[{}]}"#, recresp_result::MissingValue),
        ] {
            assert_eq!(
                recresp_settings_parse_json(s, body.as_ptr().cast(), body.len()),
                code,
                "{body}"
            );
            let mut buf = [0u8; RECRESP_ERROR_MESSAGE_CAPACITY];
            let mut n = 0;
            check(recresp_settings_error_message(
                s,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut n,
            ));
            assert!(n > 0, "{body} has a message");
        }
        let bad = [0xffu8, b'{'];
        assert_eq!(
            recresp_settings_parse_json(s, bad.as_ptr().cast(), 2),
            recresp_result::InvalidUtf8
        );
        let msg = "maxRecordDurationInSeconds must be between 1 and 120 seconds (got 0)";
        let body = r#"{"maxRecordDurationInSeconds":0}"#;
        recresp_settings_parse_json(s, body.as_ptr().cast(), body.len());
        let mut small = [0u8; 8];
        let mut n = 99;
        assert_eq!(
            recresp_settings_error_message(s, small.as_mut_ptr().cast(), small.len(), &mut n),
            recresp_result::BufferTooSmall
        );
        assert_eq!(n, 0);
        let mut buf = [0u8; RECRESP_ERROR_MESSAGE_CAPACITY];
        check(recresp_settings_error_message(
            s,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut n,
        ));
        assert_eq!(&buf[..n], msg.as_bytes());
        assert_eq!(
            recresp_settings_set_initial_silence_timeout(s, 121),
            recresp_result::OutOfRange
        );
        assert_eq!(
            recresp_settings_set_stop_tones(s, "#x".as_ptr().cast(), 2),
            recresp_result::InvalidStopTone
        );
        check(recresp_settings_set_stop_tones(s, "#*".as_ptr().cast(), 2));

        check(recresp_recorder_start(r, s, 0, 0));
        assert_eq!(
            recresp_recorder_start(r, s, 3, 0),
            recresp_result::InvalidArgument
        );
        let mut out = [0u8; 16];
        let mut n = 0;
        assert_eq!(
            recresp_recorder_write_notification(
                r,
                "c".as_ptr().cast(),
                1,
                "o".as_ptr().cast(),
                1,
                "".as_ptr().cast(),
                0,
                "".as_ptr().cast(),
                0,
                out.as_mut_ptr().cast(),
                out.len(),
                &mut n
            ),
            recresp_result::NotCompleted
        );
        assert_eq!(
            recresp_recorder_write_running_operation(
                r,
                "c".as_ptr().cast(),
                1,
                "o".as_ptr().cast(),
                1,
                out.as_mut_ptr().cast(),
                0,
                &mut n,
            ),
            recresp_result::BufferTooSmall
        );
        recresp_settings_free(s);
        recresp_recorder_free(r);
        recresp_recorder_free(ptr::null_mut());
        recresp_settings_free(ptr::null_mut());
    }
    for code in 0..20u32 {
        let m = unsafe { CStr::from_ptr(recresp_result_message(code)) };
        assert!(!m.to_bytes().is_empty());
    }
    let unknown = unsafe { CStr::from_ptr(recresp_result_message(1000)) };
    assert_eq!(unknown.to_str().unwrap(), "unknown result code");
}

/// The last error message of a settings handle.
unsafe fn error_message(s: *const recresp_settings) -> String {
    let mut buf = [0u8; RECRESP_ERROR_MESSAGE_CAPACITY];
    let mut n = 0;
    // SAFETY: a live handle and a buffer of the stated length.
    check(unsafe { recresp_settings_error_message(s, buf.as_mut_ptr().cast(), buf.len(), &mut n) });
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

#[test]
fn the_request_is_parsed_strictly_and_keeps_the_extensions() {
    unsafe {
        let mut s = ptr::null_mut();
        check(recresp_settings_new(&mut s));
        check(recresp_settings_set_media_timeout_ms(s, 700));
        assert_eq!(
            recresp_settings_set_trim_trailing_silence(s, true, 10_001),
            recresp_result::OutOfRange
        );
        assert_eq!(
            error_message(s),
            "the trailing guard must be between 0 and 10000 ms (got 10001)"
        );
        check(recresp_settings_set_trim_trailing_silence(s, true, 120));
        let body = r#"{"clientContext": "\ud83d\ude00!", "playBeep": false}"#;
        check(recresp_settings_parse_json(
            s,
            body.as_ptr().cast(),
            body.len(),
        ));
        let mut buf = [0u8; 16];
        let mut n = 0;
        check(recresp_settings_client_context(
            s,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut n,
        ));
        assert_eq!(std::str::from_utf8(&buf[..n]).unwrap(), "😀!");
        for (bad, code) in [
            (
                r#"{"clientContext": "\ud83d"}"#,
                recresp_result::InvalidJson,
            ),
            (r##"{"stopTones": [,"#"]}"##, recresp_result::InvalidJson),
            (
                r#"{"clientContext": "\u+0e9"}"#,
                recresp_result::InvalidJson,
            ),
            ("{\"clientContext\": \"a\tb\"}", recresp_result::InvalidJson),
            (r#"{"playBeep": "no"}"#, recresp_result::InvalidJson),
        ] {
            assert_eq!(
                recresp_settings_parse_json(s, bad.as_ptr().cast(), bad.len()),
                code,
                "{bad}"
            );
            assert!(!error_message(s).is_empty());
        }
        let huge = format!("{{}}{}", " ".repeat(RECRESP_REQUEST_MAX_LEN));
        assert_eq!(
            recresp_settings_parse_json(s, huge.as_ptr().cast(), huge.len()),
            recresp_result::TooLong
        );
        // The refused bodies changed nothing; the extensions reach the recorder.
        let mut r = ptr::null_mut();
        check(recresp_recorder_new(8000, &mut r));
        check(recresp_recorder_start(r, s, 0, 0));
        let mut out = vec![0u8; RECRESP_OPERATION_MAX_LEN];
        check(recresp_recorder_write_running_operation(
            r,
            "c".as_ptr().cast(),
            1,
            "o".as_ptr().cast(),
            1,
            out.as_mut_ptr().cast(),
            out.len(),
            &mut n,
        ));
        let op = std::str::from_utf8(&out[..n]).unwrap();
        assert!(op.ends_with(r#""clientContext":"😀!"}"#), "{op}");
        // Lost media in 100 ms steps: the 700 ms timeout (not the default 5 s) ends it.
        let mut ended_after = None;
        for step in 1..=20u32 {
            let mut consumed = 0u64;
            let _ = recresp_recorder_push_lost(r, 800, &mut consumed);
            loop {
                let mut e = recresp_event::none();
                check(recresp_recorder_poll(r, &mut e));
                if e.kind == recresp_event_kind::None {
                    break;
                }
                if e.kind == recresp_event_kind::Completed {
                    assert_eq!(
                        e.completion.reason,
                        recresp_completion_reason::MediaReceiveTimeout
                    );
                    ended_after.get_or_insert(step);
                }
            }
        }
        let steps = ended_after.expect("the media timeout ended the operation");
        assert!((7..=9).contains(&steps), "ended after {steps} x 100 ms");
        recresp_recorder_free(r);
        recresp_settings_free(s);
    }
}

#[test]
fn beep_matches_the_core_at_any_offset() {
    use recresp::beep::*;
    use recresp_core::Beep;
    for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
        let len = Beep::len(rate) as usize;
        assert_eq!(recresp_beep_length(rate.hz()) as usize, len);
        let mut whole = vec![0i16; len];
        assert_eq!(Beep::new(rate).fill(&mut whole), len);
        for (offset, count) in [(0, len), (0, 10), (77, 100), (len - 5, 50), (len + 3, 10)] {
            let mut out = vec![i16::MIN; count];
            let mut n = usize::MAX;
            unsafe {
                check(recresp_beep_samples(
                    rate.hz(),
                    offset as u32,
                    out.as_mut_ptr(),
                    count,
                    &mut n,
                ));
            }
            let expect = whole
                .get(offset.min(len)..(offset + count).min(len))
                .unwrap_or(&[]);
            assert_eq!(&out[..n], expect, "{rate:?} {offset} {count}");
        }
    }
    assert_eq!(recresp_beep_length(44100), 0);
    let mut n = 0;
    let mut out = [0i16; 4];
    unsafe {
        assert_eq!(
            recresp_beep_samples(11025, 0, out.as_mut_ptr(), 4, &mut n),
            recresp_result::InvalidArgument
        );
        assert_eq!(
            recresp_beep_samples(8000, 0, ptr::null_mut(), 4, &mut n),
            recresp_result::NullPointer
        );
    }
}
