//! The recorder's tracing getters, read after every 10 ms block: `deadlines` says where each
//! clock fires and `speech_frame` what the speech detector made of the block, and both agree
//! with the events and the completion.

mod common;

use common::*;
use recresp_core::media::feed;
use recresp_core::speech::{FrameLevel, FrameTrace, DB_Q16};
use recresp_core::CompletionReason as R;
use recresp_core::{ClockDeadlines, PromptAudio, Recorder, SampleRate, SpeechDetector};
use recresp_core::{MediaInput, MediaSink};
use recresp_harness::{drive, Feed};

const RATES: [SampleRate; 2] = [SampleRate::Hz8000, SampleRate::Hz16000];

/// What the host sees after pushing one block.
struct Block {
    /// The recorder's position after the push.
    pos: u64,
    deadlines: ClockDeadlines,
    frame: Option<FrameTrace>,
    events: Run,
}

/// Runs an operation over `input` (then silence), one 10 ms block per push, reading the
/// getters after each.
fn run_by_block(rate: SampleRate, input: &[i16], seconds: u32) -> Vec<Block> {
    let mut rec: Recorder = Recorder::new(rate).unwrap();
    rec.start(options(5, 2, 30), PromptAudio::None);
    let mut line = input.to_vec();
    line.resize(ms(rate, seconds * 1000), 0);
    let mut blocks = Vec::new();
    for chunk in line.chunks(ms(rate, 10)) {
        let mut events = Run::default();
        drive(
            &mut rec,
            &[MediaInput::Pcm(chunk)],
            &Feed::new(&[]),
            &mut events,
        );
        blocks.push(Block {
            pos: rec.position(),
            deadlines: rec.deadlines(),
            frame: rec.speech_frame(),
            events,
        });
        if !rec.is_running() {
            break;
        }
    }
    blocks
}

/// The index of the first block whose events include `prefix`.
fn block_with(blocks: &[Block], prefix: &str) -> usize {
    blocks
        .iter()
        .position(|b| b.events.notices.iter().any(|n| n.starts_with(prefix)))
        .unwrap_or_else(|| panic!("no {prefix}"))
}

#[test]
fn the_deadlines_say_where_each_clock_fires() {
    for rate in RATES {
        let hz = rate.hz() as u64;
        let blocks = run_by_block(rate, &voice_at(rate, 3000, 500, 1500), 10);
        let last = blocks.last().unwrap();
        let c = last.events.completion();
        assert_eq!(c.reason, R::MaxSilenceTimeout);

        // Listening from the first sample: only the initial-silence clock runs.
        let expect_listening = ClockDeadlines {
            initial_silence: Some(5 * hz),
            ..ClockDeadlines::default()
        };
        assert_eq!(blocks[0].deadlines, expect_listening);

        let started = block_with(&blocks, "SpeechStarted");
        let (_, recording_start) = blocks[started].events.speech_started().unwrap();
        assert_eq!(blocks[started - 1].deadlines, expect_listening);
        let capturing = ClockDeadlines {
            max_duration: Some(recording_start + 30 * hz),
            ..ClockDeadlines::default()
        };
        // Until the speech is confirmed the capture is provisional: the initial-silence
        // clock still runs (no earlier than 1 s after the recording's start).
        let provisional = ClockDeadlines {
            initial_silence: Some((5 * hz).max(recording_start + hz)),
            ..capturing
        };
        assert_eq!(blocks[started].deadlines, provisional);
        let confirmed = started
            + blocks[started..]
                .iter()
                .position(|b| b.deadlines == capturing)
                .expect("the speech is confirmed");
        assert!(blocks[started..confirmed]
            .iter()
            .all(|b| b.deadlines == provisional));

        let ended = block_with(&blocks, "SpeechEnded");
        let end = blocks[ended].events.speech_ends()[0];
        assert_eq!(blocks[ended - 1].deadlines, capturing);
        let pausing = ClockDeadlines {
            max_silence: Some(end + 2 * hz),
            ..capturing
        };
        for b in &blocks[ended..blocks.len() - 1] {
            assert_eq!(b.deadlines, pausing);
        }
        // It fired where it said it would, and nothing runs once the operation is done.
        assert_eq!(Some(c.at), pausing.max_silence);
        assert_eq!(last.deadlines, ClockDeadlines::default());
    }
}

#[test]
fn the_media_timeout_deadline_is_where_lost_media_ends_the_operation() {
    for rate in RATES {
        let mut rec: Recorder = Recorder::new(rate).unwrap();
        let o = options(30, 2, 30);
        rec.start(o, PromptAudio::None);
        let block = rate.samples_in_ms(10);
        feed(
            &mut rec,
            MediaInput::Pcm(&vec![0; block as usize]),
            &mut |_| {},
        );
        assert_eq!(rec.deadlines().media_timeout, None);
        rec.push(MediaInput::Lost(block));
        let deadline = block + rate.samples_in_ms(o.media_timeout_ms);
        assert_eq!(rec.deadlines().media_timeout, Some(deadline));
        let mut completion = None;
        while rec.is_running() {
            rec.push(MediaInput::Lost(block));
            while let Some(e) = rec.poll() {
                if let recresp_core::Event::Completed(c) = e {
                    completion = Some(c);
                }
            }
        }
        let c = completion.unwrap();
        assert_eq!((c.reason, c.at), (R::MediaReceiveTimeout, deadline));
    }
}

#[test]
fn the_speech_frames_explain_the_speech_events() {
    for rate in RATES {
        let blocks = run_by_block(rate, &voice_at(rate, 3000, 500, 1500), 10);
        let frames: Vec<FrameTrace> = blocks.iter().map(|b| b.frame.unwrap()).collect();
        // Each block's frame is the one that just ended, judged against the same thresholds:
        // 5 dB strong at the default sensitivity, the weak one a third of it.
        for (b, f) in blocks.iter().zip(&frames) {
            assert_eq!(f.end, b.pos);
            assert_eq!(f.weak_q16, f.strong_q16 / 3);
            assert!((f.strong_q16 as f64 / DB_Q16 as f64 - 5.0).abs() < 0.01);
        }
        // The first 200 ms are learnt as the line's noise; the silence after it is noise.
        for (i, f) in frames.iter().enumerate().take(50) {
            assert_eq!(f.learning, i < 20, "frame {i}");
            assert_eq!(f.level, FrameLevel::Noise, "frame {i}");
            assert!(f.excess_q16 < f.weak_q16, "frame {i}: {f:?}");
        }
        // Speech starts on the third strong frame in a row (min_speech_ms 30)...
        let started = block_with(&blocks, "SpeechStarted");
        let levels = |from: usize, to: usize| -> Vec<FrameLevel> {
            frames[from..to].iter().map(|f| f.level).collect()
        };
        assert_eq!(levels(started - 2, started + 1), [FrameLevel::Strong; 3]);
        assert_ne!(levels(started - 3, started), [FrameLevel::Strong; 3]);
        for f in &frames[started - 2..=started] {
            assert!(f.excess_q16 >= f.weak_q16, "{f:?}");
        }
        // ...and ends on the thirtieth noise frame in a row (hang_ms 300).
        let ended = block_with(&blocks, "SpeechEnded");
        assert_eq!(levels(ended - 29, ended + 1), [FrameLevel::Noise; 30]);
        assert_ne!(frames[ended - 30].level, FrameLevel::Noise);
    }
}

#[test]
fn the_detector_reports_its_last_whole_frame_whatever_the_pushes() {
    for rate in RATES {
        let frame = ms(rate, 10);
        let input = voice_at(rate, 1500, 400, 800);
        // The frames seen when the detector is read after every push.
        let traces = |chunk: usize| {
            let mut d = SpeechDetector::new(rate);
            let mut seen: Vec<FrameTrace> = Vec::new();
            assert_eq!(d.last_frame(), None);
            for piece in input.chunks(chunk) {
                d.push(piece, &mut |_| {});
                let last = d.last_frame();
                assert_eq!(last.is_none(), (d.position() as usize) < frame);
                if let Some(f) = last.filter(|f| seen.last().is_none_or(|s| s.end < f.end)) {
                    assert_eq!(f.end, d.position() - d.position() % frame as u64);
                    seen.push(f);
                }
            }
            seen
        };
        let by_frame = traces(frame);
        assert_eq!(by_frame.len(), input.len() / frame);
        assert!(by_frame.iter().any(|f| f.level == FrameLevel::Strong));
        // Pushes shorter than a frame are read at every frame's end too.
        for chunk in [1, 37, frame - 1] {
            assert_eq!(traces(chunk), by_frame, "pushes of {chunk}");
        }
        // A reset forgets it.
        let mut d = SpeechDetector::new(rate);
        d.push(&input[..frame], &mut |_| {});
        assert!(d.last_frame().is_some());
        d.reset();
        assert_eq!(d.last_frame(), None);
    }
}
