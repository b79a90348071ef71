//! A deterministic fuzzer for the recorder's call sequences, run in CI by
//! `scripts/test-fuzz.sh` (10 million executions; `RECORDER_FUZZ_EXECS` sets another count,
//! `RECORDER_FUZZ_SEED` another seed).
//!
//! Each execution is one call into a long-lived recorder chosen at random: a push of any
//! input (PCM cut from voice, keys, noise and silence; G.711 bytes of either law; silence;
//! lost media; an out-of-band key with any onset) of any size, a pause (up to 1.75 s of
//! silence pushed in full, polling whenever the recorder stops short, as a host does when
//! the caller stops talking), a command (`cancel`,
//! `hang_up`, `beep_failed`, `fail`), a new operation with random options and prompt, or a
//! poll of some of the output (output may also be left waiting). Recorders at 8 and 16 kHz,
//! 16-bit and μ-law storage, take turns. The run fails on any panic (the `fuzz` profile keeps
//! overflow checks and debug assertions on) and checks, for every operation:
//! - exactly one `Completed`, and it is the last event;
//! - positions never go back (the recorder's, and those the events carry are never ahead
//!   of it);
//! - the recording is never longer than `maxRecordDurationInSeconds`, and the audio handed
//!   out is at least the recording (trimmed trailing silence is the only excess);
//! - a push consumes nothing while the operation is not running, and at most what it got.
//!
//! `#[ignore]`d in the ordinary test run; run with
//! `cargo test --profile fuzz -p recresp-core --test recorder_fuzz -- --ignored --nocapture`.

use recresp_core::synth::{add_dtmf, add_noise, add_voice, Lcg};
use recresp_core::{
    CompletionReason, Digit, DigitSet, Event, Law, MediaInput, MediaSink, PromptAudio,
    RecordOptions, Recorder, SampleRate, Store, Ulaw,
};
use recresp_harness::SplitMix64;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The fuzzer's random numbers: the high half of SplitMix64's output.
struct Rng(SplitMix64);

impl Rng {
    fn next_u32(&mut self) -> u32 {
        (self.0.next_u64() >> 32) as u32
    }
}

/// Audio to cut pushes from: voice, keys, noise and silence, 4 s at the rate.
fn material(rate: SampleRate) -> Vec<i16> {
    let s = |ms: u32| rate.samples_in_ms(ms) as usize;
    let mut x = vec![0i16; s(4000)];
    add_noise(&mut x, 60, &mut Lcg::new(3));
    add_voice(&mut x[s(500)..s(1500)], 9000, rate, 11);
    add_dtmf(&mut x[s(1700)..s(1850)], Digit::Pound, 7000, rate);
    add_dtmf(&mut x[s(2000)..s(2100)], Digit::D5, 7000, rate);
    add_voice(&mut x[s(2300)..s(3300)], 2500, rate, 12);
    x
}

fn options(rng: &mut Rng) -> RecordOptions {
    let mut r = || rng.next_u32();
    let mut keys = DigitSet::EMPTY;
    for d in Digit::ALL {
        if r() % 4 == 0 {
            keys = keys.with(d);
        }
    }
    RecordOptions {
        initial_silence_timeout_s: 1 + r() % 4,
        max_silence_timeout_s: 1 + r() % 3,
        max_record_duration_s: 1 + r() % 5,
        play_beep: r() % 2 == 0,
        barge_in_allowed: r() % 2 == 0,
        stop_tones: keys,
        trim_trailing_silence: r() % 2 == 0,
        trailing_guard_ms: r() % 1000,
        media_timeout_ms: 200 + r() % 3000,
    }
}

/// What a push carries.
#[derive(Clone, Copy)]
enum Kind {
    Pcm,
    /// μ-law (true) or A-law.
    G711(bool),
    Silence,
    Lost,
    Digit(Digit),
}

/// What one operation has shown so far.
#[derive(Default)]
struct Op {
    running: bool,
    max_samples: u64,
    completions: u32,
    captured: u64,
    after_completion: bool,
}

/// Completions seen over the run, by reason, and recordings with audio.
#[derive(Default)]
struct Seen {
    reasons: std::collections::BTreeMap<String, u64>,
    recordings: u64,
}

/// One recorder under test, with its operation's bookkeeping.
struct Subject<const N: usize, S: Store> {
    rec: Recorder<N, S>,
    op: Op,
    seen: Seen,
    last_pos: u64,
    audio: Vec<i16>,
    ulaw: Vec<u8>,
    alaw: Vec<u8>,
}

impl<const N: usize, S: Store> Subject<N, S> {
    fn new(rate: SampleRate) -> Self {
        let audio = material(rate);
        Subject {
            rec: Recorder::new(rate).unwrap(),
            op: Op::default(),
            seen: Seen::default(),
            last_pos: 0,
            ulaw: audio.iter().map(|&s| Law::Ulaw.encode(s)).collect(),
            alaw: audio.iter().map(|&s| Law::Alaw.encode(s)).collect(),
            audio,
        }
    }

    fn start(&mut self, rng: &mut Rng) {
        let o = options(rng);
        let prompt = match rng.next_u32() % 4 {
            0 => PromptAudio::Failed,
            1 => PromptAudio::Ready {
                samples: u64::from(rng.next_u32() % 20_000),
            },
            _ => PromptAudio::None,
        };
        self.rec.start(o, prompt);
        self.op = Op {
            running: true,
            max_samples: self.rec.rate().samples_in_s(o.max_record_duration_s),
            ..Op::default()
        };
        self.last_pos = 0;
    }

    /// Polls up to `max` events and checks each.
    fn poll(&mut self, max: usize, exec: u64) {
        for _ in 0..max {
            let pos = self.rec.position();
            let Some(e) = self.rec.poll() else { break };
            assert!(
                !self.op.after_completion,
                "exec {exec}: an event after Completed: {e:?}"
            );
            match e {
                Event::Captured(a) => self.op.captured += a.len() as u64,
                Event::CaptureDiscarded { at } => {
                    assert!(at <= pos, "exec {exec}: event ahead of the position: {e:?}");
                    self.op.captured = 0;
                }
                Event::Completed(c) => {
                    *self
                        .seen
                        .reasons
                        .entry(format!("{:?}", c.reason))
                        .or_default() += 1;
                    self.seen.recordings += u64::from(c.recorded_samples > 0);
                    self.op.completions += 1;
                    self.op.after_completion = true;
                    assert!(c.at <= pos, "exec {exec}: completed ahead at {}", c.at);
                    assert!(
                        c.recorded_samples <= self.op.max_samples,
                        "exec {exec}: recording of {} samples over the {} maximum",
                        c.recorded_samples,
                        self.op.max_samples
                    );
                    assert!(
                        self.op.captured >= c.recorded_samples,
                        "exec {exec}: handed out {} < recorded {}",
                        self.op.captured,
                        c.recorded_samples
                    );
                    if c.reason == CompletionReason::MaxRecordDurationReached {
                        assert_eq!(c.recorded_samples, self.op.max_samples, "exec {exec}");
                    }
                }
                Event::PromptFinished { at }
                | Event::BeepStarted { at }
                | Event::BeepFinished { at }
                | Event::Listening { at }
                | Event::SpeechEnded { end: at }
                | Event::ToneDetected { onset: at, .. } => {
                    assert!(at <= pos, "exec {exec}: event ahead of the position: {e:?}");
                }
                Event::SpeechStarted {
                    onset,
                    recording_start,
                } => {
                    assert!(
                        recording_start <= onset && onset <= pos,
                        "exec {exec}: {e:?} at {pos}"
                    );
                }
            }
        }
    }

    /// The operation has ended and its output is drained: exactly one completion.
    fn settle(&mut self, exec: u64) {
        if self.op.running && !self.rec.is_running() && !self.rec.has_output() {
            assert_eq!(self.op.completions, 1, "exec {exec}: completions");
            self.op.running = false;
        }
    }

    fn exec(&mut self, rng: &mut Rng, exec: u64) {
        let r = rng.next_u32();
        let len = self.audio.len();
        let from = rng.next_u32() as usize % len;
        let n = (rng.next_u32() as usize % 700).min(len - from);
        let running = self.rec.is_running();
        // Mostly media, so operations run to their clocks; now and then a command.
        match r % 400 {
            0..=199 => self.push(Kind::Pcm, from, n, exec),
            200..=239 => self.push(Kind::G711(r.is_multiple_of(2)), from, n, exec),
            240..=269 => self.push(Kind::Silence, from, n, exec),
            270..=279 => self.pause(n * 20, exec),
            280..=289 => self.push(Kind::Lost, from, rng.next_u32() as usize % 20_000, exec),
            290..=294 => {
                let digit = Digit::ALL[rng.next_u32() as usize % 16];
                self.push(Kind::Digit(digit), from, n * 40, exec);
            }
            295 | 296 => {
                let result = match rng.next_u32() % 4 {
                    0 => self.rec.cancel(),
                    1 => self.rec.hang_up(),
                    2 => self.rec.beep_failed(),
                    _ => self.rec.fail(),
                };
                if !running {
                    assert!(
                        result.is_err(),
                        "exec {exec}: a command without an operation"
                    );
                }
            }
            297 if !self.op.running => self.start(rng),
            _ => {
                let max = rng.next_u32() as usize % 8;
                self.poll(max, exec);
            }
        }
        assert!(
            self.rec.position() >= self.last_pos,
            "exec {exec}: position went back"
        );
        self.last_pos = self.rec.position();
        self.settle(exec);
    }

    /// A pause of `n` samples of silence (up to 1.75 s at 8 kHz): the caller stops talking,
    /// and the host pushes all of it, polling whenever the recorder stops short.
    fn pause(&mut self, n: usize, exec: u64) {
        let mut left = n;
        while left > 0 && self.rec.is_running() {
            let used = self.rec.push(MediaInput::Silence(left as u64)) as usize;
            self.poll(usize::MAX, exec);
            if used == 0 && self.rec.is_running() && !self.rec.has_output() {
                break;
            }
            left -= used.min(left);
        }
    }

    /// Pushes `n` samples of `kind` (material from `from`), or a key `n` samples ago.
    fn push(&mut self, kind: Kind, from: usize, n: usize, exec: u64) {
        let input = match kind {
            Kind::Pcm => MediaInput::Pcm(&self.audio[from..from + n]),
            Kind::G711(true) => MediaInput::G711(&self.ulaw[from..from + n], Law::Ulaw),
            Kind::G711(false) => MediaInput::G711(&self.alaw[from..from + n], Law::Alaw),
            Kind::Silence => MediaInput::Silence(n as u64),
            Kind::Lost => MediaInput::Lost(n as u64),
            Kind::Digit(digit) => MediaInput::Digit {
                digit,
                ago: n as u64,
            },
        };
        let running = self.rec.is_running();
        let used = self.rec.push(input);
        assert!(used <= input.len(), "exec {exec}: consumed more than given");
        if !running && !matches!(input, MediaInput::Digit { .. }) {
            // Input after the end is accepted and ignored.
            assert_eq!(self.rec.position(), self.last_pos, "exec {exec}");
        }
        if used < input.len() {
            // Stopped short: output must be polled (or the operation ended).
            self.poll(usize::MAX, exec);
        }
    }
}

#[test]
#[ignore = "long: scripts/test-fuzz.sh runs it (fuzz profile)"]
fn recorder_call_sequences() {
    let execs = env_u64("RECORDER_FUZZ_EXECS", 10_000_000);
    let mut rng = Rng(SplitMix64::new(env_u64("RECORDER_FUZZ_SEED", 0xF0CA)));
    let mut narrow: Subject<{ recresp_core::required_capacity(SampleRate::Hz8000) }, Ulaw> =
        Subject::new(SampleRate::Hz8000);
    let mut wide: Subject<{ recresp_core::DEFAULT_CAPACITY }, recresp_core::Linear> =
        Subject::new(SampleRate::Hz16000);
    let mut operations = 0u64;
    for i in 0..execs {
        // Long stretches on one recorder, so operations run to their clocks.
        if (i / 5000) % 2 == 0 {
            if !narrow.op.running {
                narrow.start(&mut rng);
                operations += 1;
            }
            narrow.exec(&mut rng, i);
        } else {
            if !wide.op.running {
                wide.start(&mut rng);
                operations += 1;
            }
            wide.exec(&mut rng, i);
        }
    }
    let mut reasons = narrow.seen.reasons.clone();
    for (k, v) in &wide.seen.reasons {
        *reasons.entry(k.clone()).or_default() += v;
    }
    let recordings = narrow.seen.recordings + wide.seen.recordings;
    println!(
        "recorder fuzz: {execs} executions, {operations} operations, {recordings} with a \
         recording; completions {reasons:?}"
    );
    if execs >= 100_000 {
        // Every way an operation ends was reached, and recordings were made.
        assert_eq!(reasons.len(), 9, "reasons reached: {reasons:?}");
        assert!(recordings > operations / 100, "{recordings} recordings");
    }
}
