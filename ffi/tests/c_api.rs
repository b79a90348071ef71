//! The C API driven from Rust through its `extern "C"` functions, checked against the core
//! driven directly: same recording, same completion, same notification JSON, for any frame
//! size, each channel kind, G.711 input and G.722 RTP; the channel's callback rules (a call
//! from the callback is refused); RTP with the host's clock; and the error codes of the
//! boundary checks.
#![allow(unsafe_code, missing_docs)]

use recresp_core::MediaInput;
use std::ffi::{c_void, CStr};
use std::ptr;

use recresp::channel::*;
use recresp::event::*;
use recresp::input::*;
use recresp::json::*;
use recresp::operation::*;
use recresp::result::recresp_result_message;
use recresp::settings::*;
use recresp::*;
use recresp_core::json::{self as core_json, OperationRef, Recording};
use recresp_core::rtp::write_packet;
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
    Step::voice(2_000, 9000, 5),
    Step::Quiet(500),
    Step::key(Digit::Pound, 120, 5000),
    Step::Quiet(1_580),
])
.with_noise(60, 3);

/// [`CALLER`] at `rate`.
fn caller(rate: SampleRate) -> Vec<i16> {
    let mut x = vec![0i16; CALLER.samples(rate)];
    CALLER.add_to(rate, &mut x);
    x
}

/// What a channel's callback saw, owned.
#[derive(Debug, Default)]
struct Seen {
    audio: Vec<i16>,
    kinds: Vec<recresp_event_kind>,
    tones: Vec<(u32, u8)>,
    completion: Option<recresp_completion>,
    /// The completion's message.
    message: String,
    /// Calls made on `channel` from inside the callback, and what they returned.
    from_callback: Vec<recresp_result>,
    /// When set, the callback calls into this channel on every event.
    channel: Option<*mut recresp_channel>,
}

unsafe extern "C" fn on_event(user: *mut c_void, event: *const recresp_event) {
    let seen = unsafe { &mut *user.cast::<Seen>() };
    let e = unsafe { &*event };
    seen.kinds.push(e.kind);
    match e.kind {
        recresp_event_kind::Captured => seen
            .audio
            .extend_from_slice(unsafe { std::slice::from_raw_parts(e.samples, e.sample_count) }),
        recresp_event_kind::ToneDetected => seen.tones.push((e.digit, e.digit_char as u8)),
        recresp_event_kind::Completed => {
            let msg = unsafe { CStr::from_ptr(e.completion.message) }
                .to_str()
                .unwrap();
            seen.message = msg.to_owned();
            seen.completion = Some(e.completion);
        }
        _ => {}
    }
    if let Some(ch) = seen.channel {
        let mut running = false;
        unsafe {
            seen.from_callback.push(recresp_channel_fail(ch));
            seen.from_callback
                .push(recresp_channel_is_running(ch, &mut running));
            seen.from_callback
                .push(recresp_channel_push_pcm(ch, [0i16; 4].as_ptr(), 4));
            // Refused too: the channel stays alive for the call in progress.
            recresp_channel_free(ch);
        }
    }
}

/// A heap channel of `kind` whose events go to `seen`.
unsafe fn channel(kind: recresp_channel_kind, pt: u32, seen: &mut Seen) -> *mut recresp_channel {
    let mut ch = ptr::null_mut();
    check(unsafe {
        recresp_channel_new(
            kind as u32,
            pt,
            Some(on_event),
            (seen as *mut Seen).cast(),
            &mut ch,
        )
    });
    ch
}

fn running(ch: *mut recresp_channel) -> bool {
    let mut r = false;
    check(unsafe { recresp_channel_is_running(ch, &mut r) });
    r
}

struct Outcome {
    seen: Seen,
    notification: String,
}

fn check(r: recresp_result) {
    assert_eq!(r, recresp_result::Ok, "{}", r.message());
}

fn kind_for(rate: SampleRate) -> recresp_channel_kind {
    match rate {
        SampleRate::Hz8000 => recresp_channel_kind::Pcm8k,
        SampleRate::Hz16000 => recresp_channel_kind::Pcm16k,
    }
}

/// Runs the request through a channel of `kind`, `frame` samples per push.
fn run_c(samples: &[i16], kind: recresp_channel_kind, frame: usize, g711: Option<Law>) -> Outcome {
    let mut seen = Box::new(Seen::default());
    unsafe {
        let mut s = ptr::null_mut();
        check(recresp_settings_new(&mut s));
        check(recresp_settings_parse_json(
            s,
            REQUEST.as_ptr().cast(),
            REQUEST.len(),
        ));
        let r = channel(kind, RECRESP_NO_TELEPHONE_EVENTS, &mut seen);
        check(recresp_channel_start(r, s, 0, 0));
        recresp_settings_free(s);
        let bytes: Vec<u8> = g711.map_or(Vec::new(), |law| {
            samples.iter().map(|&x| law.encode(x)).collect()
        });
        let silence = vec![0i16; frame];
        let mut pos = 0;
        while running(r) {
            let n = frame.min(samples.len().saturating_sub(pos));
            let res = match (n, g711) {
                (0, _) => recresp_channel_push_pcm(r, silence.as_ptr(), frame),
                (n, Some(law)) => {
                    recresp_channel_push_g711(r, bytes[pos..].as_ptr(), n, law as u32)
                }
                (n, None) => recresp_channel_push_pcm(r, samples[pos..].as_ptr(), n),
            };
            check(res);
            pos += n;
        }
        let op = derive_id(REQUEST);
        let (loc, tok) = ("file:///tmp/rec.wav", "token");
        let mut cap = 0;
        check(recresp_channel_notification_capacity(
            r,
            CALL_ID.len(),
            op.len(),
            loc.len(),
            tok.len(),
            &mut cap,
        ));
        let mut buf = vec![0u8; cap];
        let mut n = 0;
        check(recresp_channel_write_notification(
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
        recresp_channel_free(r);
        Outcome {
            seen: *seen,
            notification: String::from_utf8(buf[..n].to_vec()).unwrap(),
        }
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
    let mut on = |e: Event<'_>| match e {
        Event::Captured(x) => audio.extend_from_slice(x),
        Event::CaptureDiscarded { .. } => audio.clear(),
        _ => {}
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
            let out = run_c(&x, kind_for(rate), frame, None);
            assert_eq!(out.seen.audio, audio, "{rate:?} frame {frame}");
            let done = out.seen.completion.expect("completed");
            assert_eq!(done.recorded_samples, c.recorded_samples);
            assert_eq!(done.reason, recresp_completion_reason::StopToneDetected);
            assert!(done.has_recording);
            assert_eq!(out.notification, notification);
            assert_eq!(out.seen.tones, vec![(11, b'#')]);
            assert_eq!(out.seen.kinds.last(), Some(&recresp_event_kind::Completed));
            assert!(
                out.seen.message.starts_with("Action "),
                "{}",
                out.seen.message
            );
        }
    }
}

#[test]
fn g711_input_is_decoded_and_ulaw_channels_keep_it_exactly() {
    let rate = SampleRate::Hz8000;
    let x = caller(rate);
    for law in [Law::Ulaw, Law::Alaw] {
        let decoded: Vec<i16> = x.iter().map(|&s| law.decode(law.encode(s))).collect();
        let (audio, c, _) = run_core(&decoded, rate);
        let mut kinds = vec![recresp_channel_kind::Pcm8k];
        if law == Law::Ulaw {
            kinds.push(recresp_channel_kind::Ulaw8k);
        }
        for kind in kinds {
            let out = run_c(&x, kind, 160, Some(law));
            assert_eq!(out.seen.audio, audio, "{law:?} {kind:?}");
            assert_eq!(
                out.seen.completion.unwrap().recorded_samples,
                c.recorded_samples
            );
        }
    }
}

#[test]
fn sizes_are_within_the_header_constants() {
    for (kind, bound, storage) in [
        (
            recresp_channel_kind::Pcm16k,
            RECRESP_CHANNEL_SIZE_PCM16K,
            size_of::<recresp_channel_storage_pcm16k>(),
        ),
        (
            recresp_channel_kind::Pcm8k,
            RECRESP_CHANNEL_SIZE_PCM8K,
            size_of::<recresp_channel_storage_pcm8k>(),
        ),
        (
            recresp_channel_kind::Ulaw8k,
            RECRESP_CHANNEL_SIZE_ULAW8K,
            size_of::<recresp_channel_storage_ulaw8k>(),
        ),
    ] {
        let size = recresp_channel_size(kind as u32);
        assert!(size > 0 && size <= bound, "{kind:?}: {size} > {bound}");
        // The bound is the 64-bit size (32-bit targets take less), not a loose guess.
        #[cfg(target_pointer_width = "64")]
        assert_eq!(size, bound, "{kind:?}");
        assert_eq!(storage, bound);
    }
    assert_eq!(recresp_channel_size(3), 0);
}

#[test]
fn channel_in_caller_storage_matches_the_heap_one() {
    #[repr(C, align(8))]
    struct Storage([u8; RECRESP_CHANNEL_SIZE_PCM8K + 8]);
    let mut storage = Storage([0xa5; RECRESP_CHANNEL_SIZE_PCM8K + 8]);
    let base = storage.0.as_mut_ptr();
    let mut seen = Box::new(Seen::default());
    let user: *mut c_void = (&mut *seen as *mut Seen).cast();
    let pcm8k = recresp_channel_kind::Pcm8k as u32;
    let none = RECRESP_NO_TELEPHONE_EVENTS;
    unsafe {
        let mut r = ptr::null_mut();
        let misaligned = recresp_channel_init_in(
            base.add(1).cast(),
            RECRESP_CHANNEL_SIZE_PCM8K,
            pcm8k,
            none,
            Some(on_event),
            user,
            &mut r,
        );
        assert_eq!(misaligned, recresp_result::StorageMisaligned);
        assert!(r.is_null());
        let small = recresp_channel_init_in(
            base.cast(),
            recresp_channel_size(pcm8k) - 1,
            pcm8k,
            none,
            Some(on_event),
            user,
            &mut r,
        );
        assert_eq!(small, recresp_result::StorageTooSmall);
        for (kind, pt, callback, code) in [
            (
                3,
                none,
                Some(on_event as _),
                recresp_result::InvalidArgument,
            ),
            (
                pcm8k,
                13,
                Some(on_event as _),
                recresp_result::InvalidArgument,
            ),
            (
                pcm8k,
                9,
                Some(on_event as _),
                recresp_result::InvalidArgument,
            ),
            (
                pcm8k,
                128,
                Some(on_event as _),
                recresp_result::InvalidArgument,
            ),
            (pcm8k, 101, None, recresp_result::NullPointer),
        ] {
            let res = recresp_channel_init_in(
                base.cast(),
                RECRESP_CHANNEL_SIZE_PCM8K,
                kind,
                pt,
                callback,
                user,
                &mut r,
            );
            assert_eq!(res, code, "kind {kind} pt {pt}");
        }
        check(recresp_channel_init_in(
            base.cast(),
            RECRESP_CHANNEL_SIZE_PCM8K,
            pcm8k,
            101,
            Some(on_event),
            user,
            &mut r,
        ));
        assert_eq!(r.cast::<u8>(), base);

        let mut sbuf: recresp_settings_storage = std::mem::zeroed();
        let mut s = ptr::null_mut();
        check(recresp_settings_init_in(
            (&mut sbuf as *mut recresp_settings_storage).cast(),
            size_of::<recresp_settings_storage>(),
            &mut s,
        ));
        check(recresp_settings_set_max_record_duration(s, 1));
        check(recresp_settings_set_play_beep(s, false));
        check(recresp_channel_start(r, s, 0, 0));
        // Freeing caller-storage handles does nothing; they stay usable.
        recresp_settings_free(s);
        recresp_channel_free(r);
        check(recresp_settings_set_initial_silence_timeout(s, 1));
        check(recresp_channel_start(r, s, 0, 0));
        let silence = vec![0i16; 8000 * 3];
        check(recresp_channel_push_pcm(r, silence.as_ptr(), silence.len()));
        assert_eq!(seen.kinds.last(), Some(&recresp_event_kind::Completed));
        let mut c = seen.completion.unwrap();
        check(recresp_channel_completion(r, &mut c));
        assert_eq!(c.reason, recresp_completion_reason::InitialSilenceTimeout);
        assert_eq!(c.status, recresp_operation_status::Failed);
        assert_eq!((c.code, c.subcode), (400, 8510));
    }
}

/// A settings handle for `body`.
unsafe fn settings(body: &str) -> *mut recresp_settings {
    let mut s = ptr::null_mut();
    check(unsafe { recresp_settings_new(&mut s) });
    check(unsafe { recresp_settings_parse_json(s, body.as_ptr().cast(), body.len()) });
    s
}

#[test]
fn calls_from_the_callback_are_refused_and_change_nothing() {
    let mut seen = Box::new(Seen::default());
    unsafe {
        let ch = channel(
            recresp_channel_kind::Pcm8k,
            RECRESP_NO_TELEPHONE_EVENTS,
            &mut seen,
        );
        seen.channel = Some(ch);
        let s = settings(r#"{"playBeep":false,"initialSilenceTimeoutInSeconds":1}"#);
        check(recresp_channel_start(ch, s, 0, 0));
        // `Listening` came during the start, and every call from it was refused.
        assert_eq!(seen.kinds, vec![recresp_event_kind::Listening]);
        assert_eq!(seen.from_callback, vec![recresp_result::ChannelBusy; 3]);
        assert!(running(ch), "the refused fail did nothing");
        seen.channel = None;
        check(recresp_channel_fail(ch));
        let done = seen
            .completion
            .expect("fail, called after the callback, works");
        assert_eq!(done.reason, recresp_completion_reason::UnspecifiedError);
        assert_eq!(recresp_channel_fail(ch), recresp_result::NotRunning);
        recresp_channel_free(ch);
        recresp_settings_free(s);
    }
}

/// An RTP packet.
fn rtp(pt: u8, seq: u16, ts: u32, payload: &[u8]) -> Vec<u8> {
    let mut buf = vec![0u8; 12 + payload.len()];
    let n = write_packet(&mut buf, pt, false, seq, ts, 0x1234_5678, payload).unwrap();
    buf.truncate(n);
    buf
}

unsafe fn push_rtp(ch: *mut recresp_channel, packet: &[u8]) -> (recresp_result, u32) {
    let mut fate = u32::MAX;
    let res = unsafe { recresp_channel_push_rtp(ch, packet.as_ptr(), packet.len(), &mut fate) };
    (res, fate)
}

#[test]
fn rtp_errors_have_their_own_codes_and_always_a_fate() {
    let mut seen = Box::new(Seen::default());
    unsafe {
        let ch = channel(recresp_channel_kind::Ulaw8k, 101, &mut seen);
        let refused = recresp_rtp_fate::Refused as u32;
        let packet = rtp(0, 1, 160, &[0xff; 160]);
        assert_eq!(push_rtp(ch, &packet), (recresp_result::NotRunning, refused));
        let s = settings(r#"{"playBeep":false}"#);
        check(recresp_channel_start(ch, s, 0, 0));
        assert_eq!(
            push_rtp(ch, &rtp(0, 1, 160, &[0xff; 481])),
            (recresp_result::RtpPayloadTooLong, refused)
        );
        assert_eq!(
            push_rtp(ch, &rtp(9, 1, 160, &[0xff; 160])),
            (recresp_result::RateMismatch, refused)
        );
        assert_eq!(
            push_rtp(ch, &rtp(18, 1, 160, &[0xff; 20])),
            (recresp_result::UnsupportedPayloadType, refused)
        );
        assert_eq!(
            push_rtp(ch, &packet[..5]),
            (recresp_result::InvalidPacket, refused)
        );
        // Refused packets changed nothing, not even the media path: samples may still come.
        let s2 = settings(r#"{"playBeep":false}"#);
        check(recresp_channel_push_pcm(ch, [0i16; 4].as_ptr(), 4));
        check(recresp_channel_start(ch, s2, 0, 0));
        recresp_settings_free(s2);
        let mut fate = 7u32;
        assert_eq!(
            recresp_channel_push_rtp(ch, ptr::null(), 0, &mut fate),
            recresp_result::NullPointer
        );
        assert_eq!(fate, refused);
        assert_eq!(
            push_rtp(ch, &rtp(0, 1, 160, &[0xff; 480])),
            (recresp_result::Ok, recresp_rtp_fate::Accepted as u32)
        );
        assert_eq!(
            push_rtp(ch, &rtp(0, 1, 160, &[0xff; 480])),
            (recresp_result::Ok, recresp_rtp_fate::Duplicate as u32)
        );
        let rtcp = [0x80u8, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            push_rtp(ch, &rtcp),
            (recresp_result::Ok, recresp_rtp_fate::Rtcp as u32)
        );
        // This operation's media comes by RTP: pushed samples or lost time are refused.
        assert_eq!(
            recresp_channel_push_pcm(ch, [0i16; 4].as_ptr(), 4),
            recresp_result::MixedInput
        );
        assert_eq!(
            recresp_channel_push_lost(ch, 800),
            recresp_result::MixedInput
        );
        check(recresp_channel_handle_digit(ch, 1, 0));
        check(recresp_channel_flush(ch));
        let mut stats = recresp_rtp_stats::default();
        check(recresp_channel_rtp_stats(ch, &mut stats));
        assert_eq!((stats.played, stats.duplicates, stats.rtcp), (1, 1, 1));
        recresp_channel_free(ch);
        recresp_settings_free(s);
    }
}

/// Where the operation ended, and why.
fn ended(seen: &Seen) -> (u64, recresp_completion_reason) {
    let c = seen.completion.expect("completed");
    (c.at, c.reason)
}

#[test]
fn the_host_clock_runs_time_without_packets_and_a_start_restarts_the_receiver() {
    let mut seen = Box::new(Seen::default());
    let frame = [0xffu8; 160];
    unsafe {
        let ch = channel(
            recresp_channel_kind::Ulaw8k,
            RECRESP_NO_TELEPHONE_EVENTS,
            &mut seen,
        );
        let s = settings(r#"{"playBeep":false,"initialSilenceTimeoutInSeconds":10}"#);
        check(recresp_settings_set_media_timeout_ms(s, 1000));
        check(recresp_channel_start(ch, s, 0, 0));
        // 1 s of packets, each with 20 ms of the host's clock; then packets stop and
        // only the clock runs: once the jitter allowance (200 ms) is used up, the time is
        // lost media, and 1 s of it (the media timeout) ends the operation at 2 s of its
        // timeline, whatever the clock's step.
        for i in 0..50u16 {
            let p = rtp(0, i, u32::from(i) * 160, &frame);
            assert_eq!(push_rtp(ch, &p).0, recresp_result::Ok);
            check(recresp_channel_advance(ch, 160));
        }
        for _ in 0..2000 {
            check(recresp_channel_advance(ch, 7));
            if !running(ch) {
                break;
            }
        }
        assert_eq!(
            ended(&seen),
            (8000 + 8000, recresp_completion_reason::MediaReceiveTimeout)
        );
        let mut stats = recresp_rtp_stats::default();
        check(recresp_channel_rtp_stats(ch, &mut stats));
        // The last step of 7 ticks may reach past the timeout.
        let lost = stats.lost_samples;
        assert!((8000..8007).contains(&lost), "{lost}");

        // A new operation after a long idle time: its first packet starts its timeline,
        // the idle time is not lost media, and the same clock steps do not count twice.
        check(recresp_settings_set_media_timeout_ms(s, 5000));
        check(recresp_channel_start(ch, s, 0, 0));
        for i in 0..100u16 {
            let seq = 1000 + i;
            let p = rtp(0, seq, 5_000_000 + u32::from(i) * 160, &frame);
            assert_eq!(push_rtp(ch, &p).0, recresp_result::Ok);
            check(recresp_channel_advance(ch, 160));
        }
        let mut pos = 0;
        check(recresp_channel_position(ch, &mut pos));
        assert_eq!(pos, 100 * 160);
        check(recresp_channel_rtp_stats(ch, &mut stats));
        assert_eq!(
            stats.lost_samples, lost,
            "nothing lost in the second operation"
        );
        assert_eq!(
            recresp_channel_push_lost(ch, 10),
            recresp_result::MixedInput
        );
        recresp_channel_free(ch);
        recresp_settings_free(s);
    }
}

#[test]
fn boundary_checks_return_codes() {
    let mut seen = Box::new(Seen::default());
    unsafe {
        let pcm8k = recresp_channel_kind::Pcm8k as u32;
        assert_eq!(
            recresp_channel_new(
                pcm8k,
                RECRESP_NO_TELEPHONE_EVENTS,
                Some(on_event),
                ptr::null_mut(),
                ptr::null_mut()
            ),
            recresp_result::NullPointer
        );
        let r = channel(
            recresp_channel_kind::Pcm8k,
            RECRESP_NO_TELEPHONE_EVENTS,
            &mut seen,
        );
        let x = [0i16; 4];
        assert_eq!(
            recresp_channel_push_pcm(r, ptr::null(), 4),
            recresp_result::NullPointer
        );
        assert_eq!(
            recresp_channel_push_pcm(r, x.as_ptr().cast::<u8>().add(1).cast(), 1),
            recresp_result::MisalignedPointer
        );
        assert_eq!(
            recresp_channel_push_pcm(r, x.as_ptr(), 4),
            recresp_result::NotRunning
        );
        assert_eq!(recresp_channel_cancel(r), recresp_result::NotRunning);
        assert_eq!(recresp_channel_advance(r, 160), recresp_result::NotRunning);
        assert_eq!(
            recresp_channel_handle_digit(r, 16, 0),
            recresp_result::InvalidArgument
        );
        assert_eq!(
            recresp_channel_push_g711(r, [0u8].as_ptr(), 1, 2),
            recresp_result::InvalidArgument
        );
        assert_eq!(
            recresp_channel_is_running(ptr::null_mut(), &mut false),
            recresp_result::NullPointer
        );
        assert_eq!(
            recresp_channel_is_running(r, ptr::null_mut()),
            recresp_result::NullPointer
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

        check(recresp_channel_start(r, s, 0, 0));
        assert_eq!(
            recresp_channel_start(r, s, 3, 0),
            recresp_result::InvalidArgument
        );
        let mut out = [0u8; 16];
        let mut n = 0;
        assert_eq!(
            recresp_channel_write_notification(
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
            recresp_channel_write_running_operation(
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
        recresp_channel_free(r);
        recresp_channel_free(ptr::null_mut());
        recresp_settings_free(ptr::null_mut());
    }
    let mut messages = std::collections::HashSet::new();
    for code in 0..26u32 {
        let m = unsafe { CStr::from_ptr(recresp_result_message(code)) };
        assert!(!m.to_bytes().is_empty());
        assert!(
            messages.insert(m.to_bytes()),
            "code {code} has its own message"
        );
    }
    let unknown = unsafe { CStr::from_ptr(recresp_result_message(26)) };
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
        // The refused bodies changed nothing; the extensions reach the channel.
        let mut seen = Box::new(Seen::default());
        let r = channel(
            recresp_channel_kind::Pcm8k,
            RECRESP_NO_TELEPHONE_EVENTS,
            &mut seen,
        );
        check(recresp_channel_start(r, s, 0, 0));
        let mut out = vec![0u8; RECRESP_OPERATION_MAX_LEN];
        check(recresp_channel_write_running_operation(
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
            let _ = recresp_channel_push_lost(r, 800);
            if let Some(c) = seen.completion {
                assert_eq!(c.reason, recresp_completion_reason::MediaReceiveTimeout);
                ended_after.get_or_insert(step);
            }
        }
        let steps = ended_after.expect("the media timeout ended the operation");
        assert!((7..=9).contains(&steps), "ended after {steps} x 100 ms");
        recresp_channel_free(r);
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

#[test]
fn g722_rtp_on_a_wideband_channel_is_the_decoded_audio() {
    use recresp_core::codec::{G722Decoder, G722Encoder};
    let rate = SampleRate::Hz16000;
    let x = caller(rate);
    let mut encoder = G722Encoder::new();
    let mut octets = vec![0u8; x.len() / 2];
    let n = encoder.encode(&x[..octets.len() * 2], &mut octets).unwrap();
    octets.truncate(n);
    let mut decoder = G722Decoder::new();
    let decoded: Vec<i16> = octets
        .iter()
        .flat_map(|&o| decoder.decode_octet(o))
        .collect();
    let mut by_rtp = Box::new(Seen::default());
    let mut by_pcm = Box::new(Seen::default());
    unsafe {
        let s = settings(REQUEST);
        let rtp_ch = channel(recresp_channel_kind::Pcm16k, 101, &mut by_rtp);
        let pcm_ch = channel(recresp_channel_kind::Pcm16k, 101, &mut by_pcm);
        check(recresp_channel_start(rtp_ch, s, 0, 0));
        check(recresp_channel_start(pcm_ch, s, 0, 0));
        // 20 ms packets: 160 octets, 160 ticks of the 8 kHz RTP clock, 320 samples.
        for (i, chunk) in octets.chunks(160).enumerate() {
            if !running(rtp_ch) {
                break;
            }
            let p = rtp(9, i as u16, (i * 160) as u32, chunk);
            assert_eq!(
                push_rtp(rtp_ch, &p),
                (recresp_result::Ok, recresp_rtp_fate::Accepted as u32)
            );
        }
        check(recresp_channel_push_pcm(
            pcm_ch,
            decoded.as_ptr(),
            decoded.len(),
        ));
        let done = by_rtp
            .completion
            .expect("the G.722 stream completed the operation");
        assert_eq!(done.reason, recresp_completion_reason::StopToneDetected);
        assert!(done.recorded_samples > 0);
        assert_eq!(by_rtp.audio, by_pcm.audio);
        assert_eq!(by_rtp.tones, by_pcm.tones);
        assert_eq!(done.at, by_pcm.completion.unwrap().at);
        recresp_channel_free(rtp_ch);
        recresp_channel_free(pcm_ch);
        recresp_settings_free(s);
    }
}
