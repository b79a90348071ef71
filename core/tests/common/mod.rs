//! Shared pieces of the recorder tests: drives a recorder over a signal in given chunk sizes
//! (with the harness's drive loop) and collects everything it reports; the callers' voice
//! and keys as harness scripts.
#![allow(dead_code)]

use recresp_core::Completion;
use recresp_core::MediaInput;
use recresp_core::PromptAudio;
use recresp_core::{Digit, Event, RecordOptions, Recorder, SampleRate};
use recresp_harness::{drive, Feed, Script, Sink, Step, Then};

/// After the caller's audio, the line stays silent until the operation ends, for at most
/// this many 20 ms pushes.
pub const SILENCE_AFTER: Then = Then::Silence {
    max_frames: 100_000,
};

/// Everything an operation reported, with audio gathered into one recording.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Run {
    /// Non-audio events other than the completion, in order.
    pub notices: Vec<String>,
    /// The captured audio, concatenated.
    pub audio: Vec<i16>,
    /// Completions seen (exactly one expected).
    pub completions: Vec<Completion>,
    /// Events seen after the completion.
    pub after_completion: usize,
}

impl Run {
    /// The single completion.
    pub fn completion(&self) -> Completion {
        assert_eq!(
            self.completions.len(),
            1,
            "exactly one completion: {self:?}"
        );
        self.completions[0]
    }

    /// Whether a `ToneDetected` event reported `digit`.
    pub fn tone_detected(&self, digit: Digit) -> bool {
        let prefix = format!("ToneDetected {{ digit: {digit:?},");
        self.notices.iter().any(|n| n.starts_with(&prefix))
    }

    /// The first `SpeechStarted` event's (onset, recording_start).
    pub fn speech_started(&self) -> Option<(u64, u64)> {
        self.notices.iter().find_map(|n| {
            let rest = n.strip_prefix("SpeechStarted { onset: ")?;
            let (onset, rest) = rest.split_once(", recording_start: ")?;
            Some((
                onset.parse().ok()?,
                rest.trim_end_matches(" }").parse().ok()?,
            ))
        })
    }

    /// Every `SpeechEnded` end position.
    pub fn speech_ends(&self) -> Vec<u64> {
        self.notices
            .iter()
            .filter_map(|n| {
                n.strip_prefix("SpeechEnded { end: ")?
                    .trim_end_matches(" }")
                    .parse()
                    .ok()
            })
            .collect()
    }

    /// The recording: the captured audio cut to the completion's length.
    pub fn recording(&self) -> &[i16] {
        let n = self.completion().recorded_samples as usize;
        &self.audio[..n.min(self.audio.len())]
    }
}

/// Collects one event.
pub fn record_event(run: &mut Run, e: Event<'_>) {
    if !run.completions.is_empty() {
        run.after_completion += 1;
    }
    match e {
        Event::Captured(s) => run.audio.extend_from_slice(s),
        Event::CaptureDiscarded { .. } => {
            run.audio.clear();
            run.notices.push(format!("{e:?}"));
        }
        Event::Completed(c) => run.completions.push(c),
        other => run.notices.push(format!("{other:?}")),
    }
}

impl Sink for Run {
    fn event(&mut self, event: Event<'_>) {
        record_event(self, event);
    }
}

/// Runs an operation over `input`, pushing it in chunks whose sizes cycle through `chunks`
/// and polling after every push; then feeds silence until the operation completes.
pub fn run_chunked(
    rate: SampleRate,
    options: RecordOptions,
    prompt: PromptAudio,
    input: &[i16],
    chunks: &[usize],
) -> Run {
    let mut rec: Recorder = Recorder::new(rate).unwrap();
    rec.start(options, prompt);
    let mut run = Run::default();
    let feed = Feed::new(chunks).then(SILENCE_AFTER);
    drive(&mut rec, &[MediaInput::Pcm(input)], &feed, &mut run);
    run
}

/// Runs in 160-sample frames.
pub fn run_simple(
    rate: SampleRate,
    options: RecordOptions,
    prompt: PromptAudio,
    input: &[i16],
) -> Run {
    run_chunked(rate, options, prompt, input, &[160])
}

/// Options with no beep and the given timeouts (seconds).
pub fn options(initial: u32, silence: u32, max: u32) -> RecordOptions {
    RecordOptions {
        initial_silence_timeout_s: initial,
        max_silence_timeout_s: silence,
        max_record_duration_s: max,
        play_beep: false,
        ..RecordOptions::default()
    }
}

/// `ms` milliseconds of samples at `rate`.
pub fn ms(rate: SampleRate, ms: u32) -> usize {
    rate.samples_in_ms(ms) as usize
}

/// Silence with the voice from `from_ms` for `len_ms`.
pub fn voice_at(rate: SampleRate, total_ms: u32, from_ms: u32, len_ms: u32) -> Vec<i16> {
    let mut s = vec![0i16; ms(rate, total_ms)];
    let voice = Step::voice(len_ms, 9000, 5);
    Script::new(&[Step::Quiet(from_ms), voice]).add_to(rate, &mut s);
    s
}

/// Silence with the key `d` from `at_ms` for `len_ms`.
pub fn key_in_silence(
    rate: SampleRate,
    total_ms: u32,
    d: Digit,
    at_ms: u32,
    len_ms: u32,
) -> Vec<i16> {
    let mut s = vec![0i16; ms(rate, total_ms)];
    key_at(&mut s, rate, d, at_ms, len_ms);
    s
}

/// Adds a key press of `len_ms` at `at_ms`.
pub fn key_at(s: &mut [i16], rate: SampleRate, d: Digit, at_ms: u32, len_ms: u32) {
    let key = Step::key(d, len_ms, 6000);
    Script::new(&[Step::Quiet(at_ms), key]).add_to(rate, s);
}
