//! The recorder end to end on synthetic calls: every completion reason with exact timing,
//! the recording's content and cuts, and invariance to how the audio is chunked.
mod common;

use common::*;
use proptest::prelude::*;
use recresp_core::media::feed;
use recresp_core::Beep;
use recresp_core::CompletionReason as R;
use recresp_core::Law;
use recresp_core::{Digit, OperationStatus, SampleRate};
use recresp_core::{MediaInput, MediaSink};
use recresp_core::{PromptAudio, Recorder, PRE_ROLL_MS};
use recresp_harness::{drive, Feed};

const RATES: [SampleRate; 2] = [SampleRate::Hz8000, SampleRate::Hz16000];

fn hz(rate: SampleRate) -> u64 {
    rate.hz() as u64
}

/// 4 s of a caller: the voice from 0.5 s to 2 s, then the key `d` at 2.5 s for 100 ms.
fn answer_then_key(rate: SampleRate, d: Digit) -> Vec<i16> {
    let mut input = voice_at(rate, 4000, 500, 1500);
    key_at(&mut input, rate, d, 2500, 100);
    input
}

#[test]
fn initial_silence_clock_starts_after_prompt_and_beep() {
    for rate in RATES {
        let silence = vec![0i16; 100];
        // No prompt, no beep: the clock starts at once.
        let r = run_simple(rate, options(3, 5, 5), PromptAudio::None, &silence);
        let c = r.completion();
        assert_eq!((c.reason, c.at), (R::InitialSilenceTimeout, 3 * hz(rate)));
        assert_eq!(c.status, OperationStatus::Failed);
        assert_eq!((c.result_info.code, c.result_info.subcode), (400, 8510));
        assert_eq!(c.recorded_samples, 0);
        assert!(r.audio.is_empty());
        // A prompt of 1.234 s and the beep come first.
        let prompt = PromptAudio::Ready {
            samples: rate.samples_in_ms(1234),
        };
        let mut o = options(2, 5, 5);
        o.play_beep = true;
        let r = run_simple(rate, o, prompt, &silence);
        let c = r.completion();
        let beep = Beep::len(rate) as u64;
        assert_eq!(c.at, rate.samples_in_ms(1234) + beep + 2 * hz(rate));
        let prompt_end = rate.samples_in_ms(1234);
        assert_eq!(
            r.notices,
            vec![
                format!("PromptFinished {{ at: {prompt_end} }}"),
                format!("BeepStarted {{ at: {prompt_end} }}"),
                format!("BeepFinished {{ at: {} }}", prompt_end + beep),
                format!("Listening {{ at: {} }}", prompt_end + beep),
            ]
        );
    }
}

#[test]
fn speech_during_the_prompt_does_not_stop_the_initial_silence_clock_early() {
    let rate = SampleRate::Hz8000;
    // The caller talks over a 2 s prompt and then stays silent.
    let input = voice_at(rate, 2000, 200, 1200);
    let prompt = PromptAudio::Ready {
        samples: rate.samples_in_ms(2000),
    };
    let r = run_simple(rate, options(1, 5, 5), prompt, &input);
    let c = r.completion();
    assert_eq!((c.reason, c.at), (R::InitialSilenceTimeout, 3 * hz(rate)));
}

#[test]
fn max_record_duration_cuts_at_exactly_the_cap() {
    for rate in RATES {
        let input = voice_at(rate, 12_000, 500, 11_000);
        let r = run_simple(rate, options(5, 5, 3), PromptAudio::None, &input);
        let c = r.completion();
        let (onset, start) = r.speech_started().expect("speech found");
        assert!(
            onset.abs_diff(rate.samples_in_ms(500)) <= rate.samples_in_ms(100),
            "onset {onset}"
        );
        assert_eq!(start, onset - rate.samples_in_ms(PRE_ROLL_MS).min(onset));
        assert_eq!(c.reason, R::MaxRecordDurationReached);
        assert_eq!((c.result_info.code, c.result_info.subcode), (200, 8515));
        assert_eq!(c.status, OperationStatus::Completed);
        assert_eq!(c.at, start + 3 * hz(rate));
        assert_eq!(c.recorded_samples, 3 * hz(rate));
        // A bit-exact copy of the caller from the recording's start.
        assert_eq!(
            r.recording(),
            &input[start as usize..(start + 3 * hz(rate)) as usize]
        );
        assert_eq!(r.audio.len(), r.recording().len());
        assert_eq!(r.after_completion, 0);
    }
}

#[test]
fn max_silence_ends_after_the_pause_and_trims_on_request() {
    for rate in RATES {
        let input = voice_at(rate, 3000, 500, 1500);
        let r = run_simple(rate, options(5, 2, 30), PromptAudio::None, &input);
        let c = r.completion();
        let end = *r.speech_ends().last().expect("speech ended");
        assert!(
            end.abs_diff(rate.samples_in_ms(2000)) <= rate.samples_in_ms(150),
            "end {end}"
        );
        assert_eq!((c.reason, c.at), (R::MaxSilenceTimeout, end + 2 * hz(rate)));
        assert_eq!(c.status, OperationStatus::Completed);
        let (_, start) = r.speech_started().unwrap();
        assert_eq!(c.recorded_samples, c.at - start);
        let mut padded = input.clone();
        padded.resize(c.at as usize, 0);
        assert_eq!(r.recording(), &padded[start as usize..c.at as usize]);

        let mut o = options(5, 2, 30);
        o.trim_trailing_silence = true;
        let t = run_simple(rate, o, PromptAudio::None, &input);
        let tc = t.completion();
        assert_eq!(tc.at, c.at);
        assert_eq!(tc.recorded_samples, end + rate.samples_in_ms(300) - start);
        assert_eq!(
            t.recording(),
            &r.recording()[..tc.recorded_samples as usize]
        );
    }
}

#[test]
fn a_stop_tone_is_cut_out_at_its_onset() {
    for rate in RATES {
        let input = answer_then_key(rate, Digit::Pound);
        let mut o = options(5, 5, 30);
        o.stop_tones = o.stop_tones.with(Digit::Pound).with(Digit::Star);
        let r = run_simple(rate, o, PromptAudio::None, &input);
        let c = r.completion();
        assert_eq!(c.reason, R::StopToneDetected);
        assert_eq!(
            (c.status, c.result_info.subcode),
            (OperationStatus::Completed, 8514)
        );
        let (_, start) = r.speech_started().unwrap();
        let end = start + c.recorded_samples;
        assert!(
            end.abs_diff(rate.samples_in_ms(2500)) <= rate.samples_in_ms(10),
            "cut at {end}"
        );
        // Confirmed within 45 ms of the tone's start.
        assert!(c.at <= rate.samples_in_ms(2545), "confirmed at {}", c.at);
        assert_eq!(r.recording(), &input[start as usize..end as usize]);
        assert!(r.tone_detected(Digit::Pound), "{:?}", r.notices);
    }
}

#[test]
fn other_keys_are_reported_but_do_not_stop() {
    let rate = SampleRate::Hz8000;
    let input = answer_then_key(rate, Digit::D1);
    let mut o = options(5, 1, 30);
    o.stop_tones = o.stop_tones.with(Digit::Pound);
    let r = run_simple(rate, o, PromptAudio::None, &input);
    assert_eq!(r.completion().reason, R::MaxSilenceTimeout);
    assert!(r.tone_detected(Digit::D1), "{:?}", r.notices);
}

#[test]
fn a_stop_tone_before_any_speech_ends_with_an_empty_recording() {
    for rate in RATES {
        let input = key_in_silence(rate, 2000, Digit::Star, 1000, 80);
        let mut o = options(5, 5, 30);
        o.stop_tones = o.stop_tones.with(Digit::Star);
        let r = run_simple(rate, o, PromptAudio::None, &input);
        let c = r.completion();
        assert_eq!((c.reason, c.recorded_samples), (R::StopToneDetected, 0));
        assert!(!c.has_recording());
    }
}

#[test]
fn commands_end_the_operation_with_their_reasons() {
    let rate = SampleRate::Hz8000;
    let mut rec: Recorder = Recorder::new(rate).unwrap();

    rec.start(options(5, 5, 5), PromptAudio::Failed);
    let c = completion_of(&mut rec);
    assert_eq!(
        (c.reason, c.at, c.status),
        (R::PlayPromptFailed, 0, OperationStatus::Failed)
    );
    assert_eq!(c.result_info.subcode, 8511);

    let mut o = options(5, 5, 5);
    o.play_beep = true;
    rec.start(o, PromptAudio::None);
    assert!(rec.push(MediaInput::Pcm(&[0; 400])) as usize == 400);
    while rec.poll().is_some() {}
    rec.beep_failed().unwrap();
    let c = completion_of(&mut rec);
    assert_eq!(
        (c.reason, c.at, c.result_info.subcode),
        (R::PlayBeepFailed, 400, 8512)
    );
    assert!(rec.beep_failed().is_err());

    rec.start(options(5, 5, 5), PromptAudio::None);
    assert!(rec.beep_failed().is_err(), "no beep is playing");
    rec.push(MediaInput::Pcm(&[0; 1000])) as usize;
    rec.cancel().unwrap();
    let c = completion_of(&mut rec);
    assert_eq!(
        (c.reason, c.at, c.status),
        (R::OperationCanceled, 1000, OperationStatus::Failed)
    );
    assert_eq!((c.result_info.code, c.result_info.subcode), (400, 8508));
    assert!(
        rec.cancel().is_err(),
        "a completed operation cannot be cancelled"
    );

    rec.start(options(5, 5, 5), PromptAudio::None);
    rec.fail().unwrap();
    let c = completion_of(&mut rec);
    assert_eq!(
        (c.reason, c.result_info.code, c.result_info.subcode),
        (R::UnspecifiedError, 500, 9999)
    );
}

fn completion_of(rec: &mut Recorder) -> recresp_core::Completion {
    let mut completions = vec![];
    while let Some(e) = rec.poll() {
        if let recresp_core::Event::Completed(c) = e {
            completions.push(c);
        }
    }
    assert_eq!(completions.len(), 1);
    assert!(rec.poll().is_none() && !rec.is_running());
    completions[0]
}

#[test]
fn lost_media_ends_with_media_receive_timeout() {
    let rate = SampleRate::Hz8000;
    let mut rec: Recorder = Recorder::new(rate).unwrap();
    let mut o = options(30, 5, 30);
    o.media_timeout_ms = 2000;
    rec.start(o, PromptAudio::None);
    rec.push(MediaInput::Pcm(&[0; 800])) as usize;
    // 1.5 s lost, media comes back, then lost for good.
    assert_eq!(rec.push(MediaInput::Lost(12_000)), 12_000);
    rec.push(MediaInput::Pcm(&[0; 80])) as usize;
    while rec.poll().is_some() {}
    let mut lost = 0;
    while rec.is_running() {
        lost += rec.push(MediaInput::Lost(160));
        while rec.poll().is_some() {}
    }
    assert_eq!(lost, 16_000);
    // The last lost run started at 800 + 12000 + 80.
    let mut rec2: Recorder = Recorder::new(rate).unwrap();
    rec2.start(o, PromptAudio::None);
    rec2.push(MediaInput::Pcm(&[0; 12_880])) as usize;
    rec2.push(MediaInput::Lost(100_000));
    let c = completion_of(&mut rec2);
    assert_eq!(
        (c.reason, c.at, c.result_info.subcode),
        (R::MediaReceiveTimeout, 12_880 + 16_000, 8513)
    );
}

#[test]
fn hang_up_keeps_what_was_captured() {
    let rate = SampleRate::Hz8000;
    let input = voice_at(rate, 3000, 500, 2500);
    let mut rec: Recorder = Recorder::new(rate).unwrap();
    rec.start(options(5, 5, 30), PromptAudio::None);
    let mut run = Run::default();
    feed(&mut rec, MediaInput::Pcm(&input), &mut |e| {
        record_event(&mut run, e)
    });
    rec.hang_up().unwrap();
    while let Some(e) = rec.poll() {
        record_event(&mut run, e);
    }
    let c = run.completion();
    assert_eq!(
        (c.reason, c.status, c.at),
        (R::OperationCanceled, OperationStatus::Completed, 24_000)
    );
    assert_eq!((c.result_info.code, c.result_info.subcode), (200, 8528));
    let (_, start) = run.speech_started().unwrap();
    assert_eq!(c.recorded_samples, 24_000 - start);
    assert_eq!(run.recording(), &input[start as usize..]);

    // Hanging up before the caller spoke: failed, nothing recorded.
    rec.start(options(5, 5, 30), PromptAudio::None);
    rec.push(MediaInput::Pcm(&[0; 4000])) as usize;
    rec.hang_up().unwrap();
    let c = completion_of(&mut rec);
    assert_eq!(
        (c.status, c.result_info.code, c.recorded_samples),
        (OperationStatus::Failed, 400, 0)
    );
}

#[test]
fn g711_input_matches_decoded_pcm() {
    let rate = SampleRate::Hz8000;
    let input = answer_then_key(rate, Digit::Pound);
    let mut o = options(5, 5, 30);
    o.stop_tones = o.stop_tones.with(Digit::Pound);
    for law in [Law::Ulaw, Law::Alaw] {
        let bytes: Vec<u8> = input.iter().map(|&s| law.encode(s)).collect();
        let decoded: Vec<i16> = bytes.iter().map(|&b| law.decode(b)).collect();
        let want = run_simple(rate, o, PromptAudio::None, &decoded);
        let mut rec: Recorder = Recorder::new(rate).unwrap();
        rec.start(o, PromptAudio::None);
        let mut got = Run::default();
        drive(
            &mut rec,
            &[MediaInput::G711(&bytes, law)],
            &Feed::new(&[160]),
            &mut got,
        );
        assert_eq!(got, want, "{law:?}");
        assert_eq!(got.completion().reason, R::StopToneDetected);
    }
}

#[test]
fn an_rfc4733_digit_stops_like_an_in_band_one() {
    let rate = SampleRate::Hz8000;
    let input = voice_at(rate, 2500, 500, 1500);
    let mut o = options(5, 5, 30);
    o.stop_tones = o.stop_tones.with(Digit::Pound);
    let mut rec: Recorder = Recorder::new(rate).unwrap();
    rec.start(o, PromptAudio::None);
    let mut run = Run::default();
    feed(&mut rec, MediaInput::Pcm(&input), &mut |e| {
        record_event(&mut run, e)
    });
    let ago = rec.position() - 19_600;
    let key = MediaInput::Digit {
        digit: Digit::Pound,
        ago,
    };
    feed(&mut rec, key, &mut |e| record_event(&mut run, e));
    let c = run.completion();
    let (_, start) = run.speech_started().unwrap();
    assert_eq!(
        (c.reason, start + c.recorded_samples),
        (R::StopToneDetected, 19_600)
    );
    // After the end, a key is ignored.
    assert_eq!(rec.push(key), 0);
    assert!(rec.poll().is_none());
}

#[test]
fn a_hold_back_too_small_for_the_rate_is_refused() {
    use recresp_core::required_capacity;
    let need8 = required_capacity(SampleRate::Hz8000);
    assert!(Recorder::<100>::new(SampleRate::Hz8000).is_err());
    let e = Recorder::<100>::new(SampleRate::Hz16000).unwrap_err();
    assert_eq!(e.required, required_capacity(SampleRate::Hz16000));
    assert!(need8 < e.required);
    assert!(Recorder::<{ required_capacity(SampleRate::Hz8000) }>::new(SampleRate::Hz8000).is_ok());
}

#[test]
fn a_recorder_built_in_place_runs_like_a_returned_one() {
    use core::mem::MaybeUninit;
    use recresp_core::{required_capacity, DetectorConfig};
    for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
        let mut small = MaybeUninit::<Recorder<100>>::uninit();
        let e = Recorder::<100>::with_config_in(&mut small, rate, DetectorConfig::default())
            .unwrap_err();
        assert_eq!(e.required, required_capacity(rate));

        let (input, o, prompt) = busy_call(rate);
        let mut slot = MaybeUninit::<Recorder>::uninit();
        let placed = Recorder::with_config_in(&mut slot, rate, DetectorConfig::default()).unwrap();
        let mut returned: Recorder = Recorder::new(rate).unwrap();
        let (mut a, mut b) = (Run::default(), Run::default());
        placed.start(o, prompt);
        returned.start(o, prompt);
        let silence = vec![0i16; input.len()];
        for frame in input.chunks(160).chain(silence.chunks(160)) {
            feed(placed, MediaInput::Pcm(frame), &mut |e| {
                record_event(&mut a, e)
            });
            feed(&mut returned, MediaInput::Pcm(frame), &mut |e| {
                record_event(&mut b, e)
            });
        }
        assert!(!placed.is_running());
        assert_eq!(a.completion(), b.completion());
        assert_eq!(a.completion().reason, R::StopToneDetected);
        assert!(!a.recording().is_empty());
        assert_eq!(a.recording(), b.recording());
    }
}

/// A call with a bit of everything: prompt, beep, speech with pauses, a stop key.
fn busy_call(rate: SampleRate) -> (Vec<i16>, recresp_core::RecordOptions, PromptAudio) {
    let mut input = voice_at(rate, 6000, 1600, 1200);
    let mut more = voice_at(rate, 6000, 3300, 900);
    for (a, b) in input.iter_mut().zip(more.drain(..)) {
        *a = a.saturating_add(b);
    }
    key_at(&mut input, rate, Digit::D5, 3000, 60);
    key_at(&mut input, rate, Digit::Pound, 4700, 90);
    let mut o = options(3, 2, 20);
    o.play_beep = true;
    o.stop_tones = o.stop_tones.with(Digit::Pound);
    (
        input,
        o,
        PromptAudio::Ready {
            samples: rate.samples_in_ms(987),
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn chunking_never_changes_the_result(
        chunks in proptest::collection::vec(1usize..700, 1..12),
        wide in any::<bool>(),
    ) {
        let rate = if wide { SampleRate::Hz16000 } else { SampleRate::Hz8000 };
        let (input, o, prompt) = busy_call(rate);
        let want = run_simple(rate, o, prompt, &input);
        let got = run_chunked(rate, o, prompt, &input, &chunks);
        prop_assert_eq!(&got, &want);
        prop_assert_eq!(want.completion().reason, R::StopToneDetected);
    }

    #[test]
    fn the_recording_never_exceeds_the_cap(
        cap in 1u32..4,
        from_ms in 0u32..3000,
        chunk in 1usize..400,
    ) {
        let rate = SampleRate::Hz8000;
        let input = voice_at(rate, 9000, from_ms, 9000 - from_ms);
        let r = run_chunked(rate, options(5, 5, cap), PromptAudio::None, &input, &[chunk]);
        let c = r.completion();
        prop_assert!(c.recorded_samples <= rate.samples_in_s(cap));
        prop_assert_eq!(r.audio.len() as u64, c.recorded_samples);
        prop_assert_eq!(r.after_completion, 0);
    }
}

#[test]
fn the_line_noise_is_learnt_during_the_prompt_and_beep() {
    use recresp_core::synth::add_voice;
    for rate in RATES {
        // Babble (six other voices, together 10 dB below the caller) throughout; the prompt lasts
        // 2 s, the beep 0.2 s, and the caller answers 1 s after listening began.
        let mut input = voice_at(rate, 6000, 3200, 1500);
        for seed in 21..27 {
            let from = ms(rate, 37 * seed);
            add_voice(&mut input[from..], 1200, rate, seed);
        }
        let prompt = PromptAudio::Ready {
            samples: rate.samples_in_ms(2000),
        };
        let mut o = options(5, 2, 30);
        o.play_beep = true;
        let r = run_simple(rate, o, prompt, &input);
        let (onset, _) = r
            .speech_started()
            .expect("the answer is found in the noise");
        let truth = rate.samples_in_ms(3200);
        assert!(
            onset.abs_diff(truth) <= rate.samples_in_ms(100),
            "{rate:?}: onset at {onset}, answer at {truth}"
        );
        assert_eq!(r.completion().reason, R::MaxSilenceTimeout);
    }
}

#[test]
fn lost_media_times_out_at_the_same_sample_however_it_is_reported() {
    let rate = SampleRate::Hz8000;
    let mut o = options(30, 5, 30);
    o.media_timeout_ms = 5;
    let end_of = |parts: &[u64]| {
        let mut rec: Recorder = Recorder::new(rate).unwrap();
        rec.start(o, PromptAudio::None);
        let mut run = Run::default();
        for &p in parts {
            let mut left = p;
            while left > 0 && rec.is_running() {
                left -= rec.push(MediaInput::Lost(left));
                while let Some(e) = rec.poll() {
                    record_event(&mut run, e);
                }
            }
        }
        run.completion()
    };
    let c = end_of(&[1001]);
    assert_eq!((c.reason, c.at), (R::MediaReceiveTimeout, 40));
    assert_eq!(end_of(&[1, 1000]), c);
    assert_eq!(end_of(&[3, 7, 1000]), c);
}

#[test]
fn a_stop_tone_is_not_overwritten_by_a_clock_in_the_same_step() {
    let rate = SampleRate::Hz8000;
    // The key (40 ms, the shortest Q.24 accepts) is confirmed at its end, 1032 ms, in the
    // same 10 ms step in which 8 ms of lost media run out.
    let input = key_in_silence(rate, 1032, Digit::Pound, 992, 40);
    let mut o = options(30, 5, 30);
    o.media_timeout_ms = 8;
    o.stop_tones = o.stop_tones.with(Digit::Pound);
    let mut rec: Recorder = Recorder::new(rate).unwrap();
    rec.start(o, PromptAudio::None);
    let mut run = Run::default();
    feed(&mut rec, MediaInput::Pcm(&input), &mut |e| {
        record_event(&mut run, e)
    });
    let mut left = 1000u64;
    while rec.is_running() && left > 0 {
        left -= rec.push(MediaInput::Lost(left));
        while let Some(e) = rec.poll() {
            record_event(&mut run, e);
        }
    }
    while let Some(e) = rec.poll() {
        record_event(&mut run, e);
    }
    assert_eq!(run.completion().reason, R::StopToneDetected);
}

#[test]
fn a_stop_key_that_began_over_the_beep_does_not_stop() {
    let rate = SampleRate::Hz8000;
    // The beep ends at 200 ms; the key sounds from 185 to 245 ms and is confirmed after it.
    let input = key_in_silence(rate, 1000, Digit::Pound, 185, 60);
    let mut o = options(1, 1, 30);
    o.play_beep = true;
    o.stop_tones = o.stop_tones.with(Digit::Pound);
    let r = run_simple(rate, o, PromptAudio::None, &input);
    assert!(r.tone_detected(Digit::Pound), "{r:?}");
    assert_ne!(
        r.completion().reason,
        R::StopToneDetected,
        "{:?}",
        r.notices
    );
}

/// Runs one operation on `rec` from `input`; returns its completion and how much of the input
/// it consumed (the rest belongs to the next operation).
fn run_op(rec: &mut Recorder, o: recresp_core::RecordOptions, input: &[i16]) -> (R, usize) {
    rec.start(o, PromptAudio::None);
    let mut used = 0;
    let mut reason = None;
    while reason.is_none() && used < input.len() {
        used += rec.push(MediaInput::Pcm(&input[used..(used + 80).min(input.len())])) as usize;
        while let Some(e) = rec.poll() {
            if let recresp_core::Event::Completed(c) = e {
                reason = Some(c.reason);
            }
        }
    }
    (reason.expect("the operation ended"), used)
}

#[test]
fn the_key_that_ended_an_operation_does_not_end_the_next_one() {
    for rate in RATES {
        // The caller presses # for 400 ms; the first operation ends on it, and the next one
        // starts at once (no prompt, no beep) while the key is still down.
        let input = key_in_silence(rate, 4000, Digit::Pound, 500, 400);
        let mut o = options(2, 1, 30);
        o.stop_tones = o.stop_tones.with(Digit::Pound);
        let mut rec: Recorder = Recorder::new(rate).unwrap();
        let (first, used) = run_op(&mut rec, o, &input);
        assert_eq!(first, R::StopToneDetected);
        assert!(used < ms(rate, 900), "the first ends while the key is down");
        let (second, _) = run_op(&mut rec, o, &input[used..]);
        assert_eq!(second, R::InitialSilenceTimeout, "rate {rate:?}");
        // A new press of the same key does end the operation after that.
        let mut again = vec![0i16; ms(rate, 2000)];
        key_at(&mut again, rate, Digit::Pound, 300, 100);
        assert_eq!(run_op(&mut rec, o, &again).0, R::StopToneDetected);
    }
}
