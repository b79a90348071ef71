//! The public surface a host programs against: every name below is imported from the crate
//! root (or from one of the public namespaces `json`, `rtp`, `dtmf`, `speech`), so this file
//! stops compiling when one of them is moved or made private. Each test also checks, through
//! those names only, one documented behaviour of what it imports. The input signals come
//! from `synth`, which is not part of that surface: the feature `synth`, on in the tests
//! (the harness, a dev-dependency, turns it on).
#![cfg(feature = "json")]

use recresp_core::limits::{
    CLIENT_CONTEXT_CAPACITY, CLIENT_CONTEXT_MAX_CHARS, MEDIA_TIMEOUT_DEFAULT_MS,
    MEDIA_TIMEOUT_MAX_MS, MEDIA_TIMEOUT_MIN_MS, RESOURCE_ID_CAPACITY, STOP_TONES_MAX,
    TIMEOUT_DEFAULT_S, TIMEOUT_MAX_S, TIMEOUT_MIN_S, TRAILING_GUARD_DEFAULT_MS,
    TRAILING_GUARD_MAX_MS, URI_CAPACITY,
};
use recresp_core::media::feed;
use recresp_core::synth::{add_dtmf, add_noise, add_voice, Lcg};
use recresp_core::{
    alaw_to_linear, call_terminated, derive_operation_id, linear_to_alaw, linear_to_ulaw,
    parse_request, parse_request_into, required_capacity, ulaw_to_linear, write_notification,
    write_running_operation, Beep, CapacityError, CommandError, Completion, CompletionReason,
    DetectorConfig, Digit, DigitSet, DtmfConfig, DtmfDetector, DtmfEvent, Event, Fate, Law, Linear,
    MediaOp, MediaPrompt, MediaQueue, NarrowbandRecorder, OpId, OperationRef, OperationStatus,
    Parameter, PlayPromptCompletionReason, PromptAudio, QueueEvent, QueueFull, RecordOptions,
    Recorder, Recording, Request, RequestError, ResultInfo, RtpConfig, RtpError, RtpPacket,
    RtpReceiver, RtpStats, SampleRate, Settings, SettingsError, SpeechConfig, SpeechDetector,
    SpeechEvent, Store, Ulaw, UlawRecorder, WriteError, DEFAULT_CAPACITY, PRE_ROLL_MS, TICK_MS,
};
use recresp_core::{json, rtp};
use recresp_core::{Carried, MediaInput, MediaSink, OutCodec, Playout};

const RATE: SampleRate = SampleRate::Hz8000;

/// `ms` of the speech-like voice followed by the `#` key, over line noise.
fn voice_then_key(voice_ms: u32, key_ms: u32) -> Vec<i16> {
    let voice = RATE.samples_in_ms(voice_ms) as usize;
    let key = RATE.samples_in_ms(key_ms) as usize;
    let mut x = vec![0i16; RATE.samples_in_ms(300) as usize + voice + key];
    add_noise(&mut x, 30, &mut Lcg::new(7));
    let start = RATE.samples_in_ms(300) as usize;
    add_voice(&mut x[start..start + voice], 6000, RATE, 3);
    add_dtmf(&mut x[start + voice..], Digit::Pound, 8000, RATE);
    x
}

/// Feeds `input` in 20 ms frames and returns the completion, if the operation ended.
fn run<const N: usize, S: Store>(rec: &mut Recorder<N, S>, input: &[i16]) -> Option<Completion> {
    let mut done = None;
    for frame in input.chunks(RATE.samples_in_ms(20) as usize) {
        feed(rec, MediaInput::Pcm(frame), &mut |e| {
            if let Event::Completed(c) = e {
                done = Some(c);
            }
        });
    }
    done
}

#[test]
fn a_request_becomes_settings_and_options() {
    let body = r##"{"maxRecordDurationInSeconds": 10, "stopTones": ["#"], "clientContext": "c1",
        "prompts": [{"@odata.type": "#microsoft.graph.mediaPrompt",
                     "mediaInfo": {"uri": "https://example.invalid/p.wav", "resourceId": "r"}}]}"##;
    let Request { settings, options } = parse_request(body).unwrap();
    assert_eq!(options.max_record_duration_s, 10);
    assert_eq!(options.stop_tones, DigitSet::EMPTY.with(Digit::Pound));
    assert_eq!(settings.client_context.as_str(), "c1");
    let MediaPrompt { uri, resource_id } = settings.prompt.clone().unwrap();
    assert_eq!(uri.as_str(), "https://example.invalid/p.wav");
    assert_eq!(resource_id.as_deref(), Some("r"));
    assert_eq!(uri.capacity(), URI_CAPACITY);
    assert_eq!(resource_id.unwrap().capacity(), RESOURCE_ID_CAPACITY);
    assert_eq!(settings.client_context.capacity(), CLIENT_CONTEXT_CAPACITY);

    // In place, keeping the host's extensions.
    let mut kept = Settings::new();
    kept.set_media_timeout_ms(MEDIA_TIMEOUT_MIN_MS).unwrap();
    let o: RecordOptions = parse_request_into(body, &mut kept).unwrap();
    assert_eq!(o.media_timeout_ms, MEDIA_TIMEOUT_MIN_MS);
    assert_eq!(kept.media_timeout_ms, MEDIA_TIMEOUT_MIN_MS);

    let too_long = format!(r#"{{"maxSilenceTimeoutInSeconds": {}}}"#, TIMEOUT_MAX_S + 1);
    assert_eq!(
        parse_request(&too_long),
        Err(RequestError::Invalid(SettingsError::OutOfRange {
            parameter: Parameter::MaxSilenceTimeout,
            value: (TIMEOUT_MAX_S + 1) as i64,
        }))
    );
    let n = json::validate(b"[1,", json::MAX_NESTING).unwrap_err();
    assert_eq!(n.kind, json::JsonErrorKind::UnexpectedEnd);
}

#[test]
fn settings_enforce_the_documented_limits() {
    let defaults = Settings::default().validate().unwrap();
    assert_eq!(defaults.initial_silence_timeout_s, TIMEOUT_DEFAULT_S as u32);
    assert_eq!(defaults.media_timeout_ms, MEDIA_TIMEOUT_DEFAULT_MS);
    assert_eq!(defaults.trailing_guard_ms, TRAILING_GUARD_DEFAULT_MS);

    let mut s = Settings::new();
    s.initial_silence_timeout_s = TIMEOUT_MIN_S as i64 - 1;
    assert!(matches!(
        s.validate(),
        Err(SettingsError::OutOfRange {
            parameter: Parameter::InitialSilenceTimeout,
            ..
        })
    ));
    let mut s = Settings::new();
    assert!(s.set_media_timeout_ms(MEDIA_TIMEOUT_MAX_MS).is_ok());
    assert!(s.set_media_timeout_ms(MEDIA_TIMEOUT_MAX_MS + 1).is_err());
    assert!(s
        .set_trim_trailing_silence(true, TRAILING_GUARD_MAX_MS)
        .is_ok());
    assert!(s
        .set_trim_trailing_silence(true, TRAILING_GUARD_MAX_MS + 1)
        .is_err());
    assert_eq!(
        s.set_stop_tones(std::iter::repeat_n("1", STOP_TONES_MAX + 1)),
        Err(SettingsError::TooManyStopTones {
            max: STOP_TONES_MAX
        })
    );
    let long = "x".repeat(CLIENT_CONTEXT_MAX_CHARS + 1);
    assert!(s.set_client_context(&long).is_err());
    assert!(s.set_client_context(&long[1..]).is_ok());
}

#[test]
fn a_recorder_records_until_the_stop_tone_and_writes_graphs_documents() {
    let options = parse_request(r##"{"stopTones": ["#"], "playBeep": false}"##)
        .unwrap()
        .options;
    let mut rec: Recorder = Recorder::with_config(RATE, DetectorConfig::default()).unwrap();
    rec.start(options, PromptAudio::None);
    assert!(rec.is_running());
    let c = run(&mut rec, &voice_then_key(1500, 200)).expect("the key ends the operation");
    assert_eq!(c.reason, CompletionReason::StopToneDetected);
    assert_eq!(c.status, OperationStatus::Completed);
    let info: ResultInfo = c.result_info;
    assert_eq!(info, CompletionReason::StopToneDetected.result_info());
    assert!(c.has_recording());
    // The recording starts at most the pre-roll before the voice (300 ms in) and ends at
    // the key's onset (1800 ms in).
    let (first, end) = (
        RATE.samples_in_ms(300 - PRE_ROLL_MS),
        RATE.samples_in_ms(1800),
    );
    assert!(c.recorded_samples <= end - first, "{c:?}");
    assert!(c.recorded_samples >= RATE.samples_in_ms(1000), "{c:?}");
    assert_eq!(rec.cancel(), Err(CommandError::NotRunning));

    let id = derive_operation_id("call-1", "{}");
    let op = OperationRef {
        call_id: "call-1",
        operation_id: &id,
        client_context: "c1",
    };
    let mut buf = [0u8; json::OPERATION_MAX_LEN];
    let n = write_running_operation(&op, &mut buf).unwrap();
    let running: serde_json::Value = serde_json::from_slice(&buf[..n]).unwrap();
    assert_eq!(running["status"], "running");
    assert_eq!(running["id"], id.as_str());
    let recording = Recording {
        location: "https://example.invalid/r.wav",
        access_token: "t",
    };
    let mut buf = [0u8; json::NOTIFICATION_MAX_LEN];
    let n = write_notification(&op, &c, Some(recording), &mut buf).unwrap();
    let note: serde_json::Value = serde_json::from_slice(&buf[..n]).unwrap();
    let data = &note["value"][0]["resourceData"];
    assert_eq!(data["completionReason"], "stopToneDetected");
    assert_eq!(data["recordingLocation"], recording.location);
    assert_eq!(
        write_notification(&op, &c, None, &mut [0u8; 16]),
        Err(WriteError)
    );

    let (status, info) = call_terminated(false);
    assert_eq!((status, info.code), (OperationStatus::Failed, 400));
}

#[test]
fn ring_capacity_and_storage_are_the_hosts_choice() {
    assert!(required_capacity(SampleRate::Hz8000) < DEFAULT_CAPACITY);
    assert_eq!(DEFAULT_CAPACITY, required_capacity(SampleRate::Hz16000));
    let small = Recorder::<{ required_capacity(SampleRate::Hz8000) }>::new(SampleRate::Hz16000);
    assert_eq!(
        small.err(),
        Some(CapacityError {
            required: DEFAULT_CAPACITY
        })
    );
    // The same call on the three storage layouts a host picks from, fed as G.711 μ-law.
    let input: Vec<u8> = voice_then_key(800, 200)
        .into_iter()
        .map(linear_to_ulaw)
        .collect();
    let options = RecordOptions {
        stop_tones: DigitSet::EMPTY.with(Digit::Pound),
        play_beep: false,
        ..RecordOptions::default()
    };
    fn g711<const N: usize, S: Store>(mut rec: Recorder<N, S>, o: RecordOptions, x: &[u8]) -> u64 {
        rec.start(o, PromptAudio::None);
        for frame in x.chunks((TICK_MS * RATE.per_ms()) as usize) {
            let mut rest = frame;
            while !rest.is_empty() {
                let n = rec.push(MediaInput::G711(rest, Law::Ulaw)) as usize;
                rest = &rest[n..];
                let mut polled = false;
                while let Some(e) = rec.poll() {
                    polled = true;
                    if let Event::Completed(c) = e {
                        return c.recorded_samples;
                    }
                }
                assert!(
                    n > 0 || polled,
                    "the recorder neither took input nor gave output"
                );
            }
        }
        panic!("the key did not end the operation");
    }
    let linear = g711(
        Recorder::<DEFAULT_CAPACITY, Linear>::new(RATE).unwrap(),
        options,
        &input,
    );
    let narrow = g711(NarrowbandRecorder::new(RATE).unwrap(), options, &input);
    let mulaw = g711(UlawRecorder::new(RATE).unwrap(), options, &input);
    let mulaw_generic = g711(
        Recorder::<{ required_capacity(RATE) }, Ulaw>::new(RATE).unwrap(),
        options,
        &input,
    );
    assert!(linear > 0);
    assert_eq!((narrow, mulaw, mulaw_generic), (linear, linear, linear));
}

#[test]
fn the_media_queue_runs_a_prompt_then_a_record() {
    // One operation runs, at most one more waits.
    let mut q: MediaQueue<1> = MediaQueue::new(RATE).unwrap();
    let prompt = q
        .submit(MediaOp::PlayPrompt {
            samples: RATE.samples_in_ms(100),
        })
        .unwrap();
    let record = q
        .submit(MediaOp::Record {
            options: RecordOptions::default(),
            prompt: PromptAudio::None,
        })
        .unwrap();
    assert_eq!((prompt, record), (OpId(1), OpId(2)));
    assert_eq!(q.submit(MediaOp::PlayPrompt { samples: 1 }), Err(QueueFull));
    let mut seen = vec![];
    let silence = vec![0i16; RATE.samples_in_ms(20) as usize];
    for _ in 0..10 {
        let mut rest = &silence[..];
        while !rest.is_empty() {
            let n = q.push(MediaInput::Pcm(rest)) as usize;
            rest = &rest[n..];
            let mut polled = false;
            while let Some(e) = q.poll() {
                polled = true;
                match e {
                    QueueEvent::Started { op } => seen.push(format!("started {}", op.0)),
                    QueueEvent::PromptCompleted { op, reason } => {
                        assert_eq!(reason, PlayPromptCompletionReason::CompletedSuccessfully);
                        seen.push(format!("prompt {} done", op.0));
                    }
                    QueueEvent::Record { .. } => {}
                }
            }
            assert!(
                n > 0 || polled,
                "the queue neither took input nor gave output"
            );
        }
    }
    assert_eq!(seen, ["started 1", "prompt 1 done", "started 2"]);
    assert_eq!(q.running(), Some(OpId(2)));
}

#[test]
fn rtp_packets_drive_a_recorder() {
    let mut rec: Recorder = Recorder::new(RATE).unwrap();
    rec.start(RecordOptions::default(), PromptAudio::None);
    let mut rx: RtpReceiver = RtpReceiver::new(RtpConfig::DEFAULT);
    let mut packet = [0u8; rtp::FIXED_HEADER_LEN + 160];
    let mut fates = vec![];
    // Out of order, then a copy of one already taken, which is dropped.
    for seq in [0u16, 2, 1, 1] {
        let n = rtp::write_packet(
            &mut packet,
            rtp::PT_PCMA,
            false,
            seq,
            160 * seq as u32,
            9,
            &[linear_to_alaw(0); 160],
        )
        .unwrap();
        let parsed = RtpPacket::parse(&packet[..n]).unwrap();
        assert_eq!((parsed.sequence, parsed.payload.len()), (seq, 160));
        fates.push(rx.packet(&mut rec, &packet[..n], |_| {}).unwrap());
    }
    assert_eq!(fates[..3], [Fate::Accepted; 3]);
    assert!(
        matches!(fates[3], Fate::Duplicate | Fate::Late),
        "{fates:?}"
    );
    rx.flush(&mut rec, |_| {});
    let stats: RtpStats = rx.stats();
    assert_eq!(stats.played, 3);
    assert_eq!(stats.lost_packets, 0);
    assert_eq!(stats.duplicates + stats.late, 1);
    assert_eq!(rec.position(), 480);
    assert!(matches!(
        rx.packet(&mut rec, &[0x80], |_| {}),
        Err(RtpError::TooShort { .. })
    ));
}

#[test]
fn g711_beep_and_detectors_work_standalone() {
    for s in [-32768i16, -1000, 0, 1000, 32767] {
        let u = ulaw_to_linear(linear_to_ulaw(s));
        let a = alaw_to_linear(linear_to_alaw(s));
        assert_eq!(Law::Ulaw.decode(Law::Ulaw.encode(s)), u);
        assert!((i32::from(u) - i32::from(s)).abs() <= 1024, "{s} → {u}");
        assert!((i32::from(a) - i32::from(s)).abs() <= 1024, "{s} → {a}");
    }

    let mut beep = Beep::new(RATE);
    let mut out = vec![0i16; 4000];
    assert_eq!(beep.fill(&mut out) as u32, Beep::len(RATE));
    assert_eq!(beep.remaining(), 0);

    let x = voice_then_key(1000, 200);
    let mut dtmf = DtmfDetector::with_config(RATE, DtmfConfig::default());
    let mut keys = vec![];
    dtmf.push(&x, &mut |e| keys.push(e));
    dtmf.finish(&mut |e| keys.push(e));
    assert!(
        matches!(
            keys[..],
            [
                DtmfEvent::Start {
                    digit: Digit::Pound,
                    ..
                },
                DtmfEvent::End {
                    digit: Digit::Pound,
                    ..
                }
            ]
        ),
        "{keys:?}"
    );

    let mut speech = SpeechDetector::with_config(RATE, SpeechConfig::default());
    let mut found = vec![];
    speech.push(&x, &mut |e| found.push(e));
    let Some(SpeechEvent::Start { onset }) = found.first().copied() else {
        panic!("no speech found: {found:?}");
    };
    let voice_at = RATE.samples_in_ms(300);
    assert!(
        onset.abs_diff(voice_at) <= RATE.samples_in_ms(100),
        "{onset}"
    );
}

#[test]
fn the_playout_sends_the_beep_while_the_recorder_plays_it() {
    // The host takes one 20 ms frame for every 20 ms of the caller's audio it pushes; the
    // frame that ends the beep comes with the recorder's BeepFinished.
    let options = RecordOptions {
        play_beep: true,
        ..RecordOptions::default()
    };
    let mut rec: Recorder = Recorder::new(RATE).unwrap();
    let prompt = vec![1000i16; 4000];
    rec.start(
        options,
        PromptAudio::Ready {
            samples: prompt.len() as u64,
        },
    );
    let mut out = Playout::new(OutCodec::G711(Law::Ulaw));
    out.play_prompt(&prompt);
    let mut frame = [0u8; 160];
    let silence = [0i16; 160];
    let (mut beep_sent, mut beep_finished) = (None, None);
    for k in 0..100 {
        let mut started = false;
        feed(&mut rec, MediaInput::Pcm(&silence), &mut |e| match e {
            Event::BeepStarted { .. } => started = true,
            Event::BeepFinished { .. } => beep_finished = Some(k),
            _ => {}
        });
        if started {
            out.play_beep();
        }
        let f = out.next_frame(20, &mut frame).unwrap();
        assert_eq!(f.len, OutCodec::G711(Law::Ulaw).frame_bytes(20));
        if f.beep_finished {
            beep_sent = Some(k);
        }
        if k < 25 {
            assert_eq!(f.carried, Carried::Prompt, "frame {k}");
        }
    }
    assert_eq!(beep_sent, Some(34));
    assert_eq!(beep_finished, beep_sent);
}

#[test]
fn every_error_type_is_an_error() {
    fn is_error<E: core::error::Error>(e: E) -> String {
        e.to_string()
    }
    let messages = [
        is_error(CapacityError { required: 9 }),
        is_error(CommandError::NotRunning),
        is_error(QueueFull),
        is_error(RtpError::EmptyPayload),
        is_error(rtp::Rfc4733Error::TooShort { len: 1 }),
        is_error(recresp_core::codec::BufferTooSmall {
            needed: 2,
            available: 1,
        }),
        is_error(recresp_core::FrameTooLong { needed: 160 }),
        is_error(WriteError),
    ];
    assert!(messages.iter().all(|m| !m.is_empty()));
    let _ = is_error::<RequestError>;
    let _ = is_error::<SettingsError>;
}
