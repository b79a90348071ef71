//! Chunking invariance, path by path: however the host cuts the caller's audio into pushes,
//! and however late it polls, the recorder reports the same events and the same recording
//! as when fed in 10 ms frames and polled after each. Covered: the max-duration cap, max
//! silence (with and without trimming), lost media (gaps, and a loss that times out), G.711
//! input of both laws, and lazy polling (output drained only every few pushes, or only when
//! a push stops short). The μ-law store must give what the 16-bit store gives for μ-law input.
mod common;

use common::*;
use proptest::prelude::*;
use recresp_core::CompletionReason as R;
use recresp_core::Law;
use recresp_core::MediaInput;
use recresp_core::Store;
use recresp_core::{required_capacity, PromptAudio, Recorder, Ulaw};
use recresp_core::{Digit, RecordOptions, SampleRate};
use recresp_harness::{drive, Feed};

/// A piece of the caller's side of the call.
#[derive(Clone, Debug)]
enum Seg {
    Pcm(Vec<i16>),
    G711(Vec<u8>, Law),
    Lost(u64),
}

impl Seg {
    /// The piece as the drive loop takes it.
    fn input(&self) -> MediaInput<'_> {
        match self {
            Seg::Pcm(s) => MediaInput::Pcm(s),
            Seg::G711(b, law) => MediaInput::G711(b, *law),
            Seg::Lost(n) => MediaInput::Lost(*n),
        }
    }
}

/// How the host feeds the recorder.
#[derive(Clone, Debug)]
struct Feeding {
    /// Push sizes, cycled.
    chunks: Vec<usize>,
    /// Poll after every this many pushes (1: after each). A push that stops short is always
    /// followed by polling, as the API requires.
    poll_every: usize,
}

impl Feeding {
    /// 10 ms frames, polled after each: the reference.
    fn frames(rate: SampleRate) -> Feeding {
        Feeding {
            chunks: vec![rate.per_ms() as usize * 10],
            poll_every: 1,
        }
    }
}

/// Runs one operation over `call` fed as `feeding` says, then silence until it completes.
fn run_call<const N: usize, S: Store>(
    rate: SampleRate,
    options: RecordOptions,
    prompt: PromptAudio,
    call: &[Seg],
    feeding: &Feeding,
) -> Run {
    let mut rec: Recorder<N, S> = Recorder::new(rate).unwrap();
    rec.start(options, prompt);
    let mut run = Run::default();
    let inputs: Vec<MediaInput<'_>> = call.iter().map(Seg::input).collect();
    let feed = Feed::new(&feeding.chunks)
        .poll_every(feeding.poll_every)
        .then(SILENCE_AFTER);
    drive(&mut rec, &inputs, &feed, &mut run);
    run
}

/// The reference run: 16-bit store, default capacity, 10 ms frames polled after each.
fn reference(rate: SampleRate, o: RecordOptions, prompt: PromptAudio, call: &[Seg]) -> Run {
    run_call::<{ recresp_core::DEFAULT_CAPACITY }, recresp_core::Linear>(
        rate,
        o,
        prompt,
        call,
        &Feeding::frames(rate),
    )
}

fn chunked(
    rate: SampleRate,
    o: RecordOptions,
    prompt: PromptAudio,
    call: &[Seg],
    f: &Feeding,
) -> Run {
    run_call::<{ recresp_core::DEFAULT_CAPACITY }, recresp_core::Linear>(rate, o, prompt, call, f)
}

/// What must not depend on the feeding: every notice, the completion, and the recording
/// (the captured audio up to the completion's length). Audio handed out beyond that length
/// (when max silence trims trailing silence that was already released) is not part of the
/// recording and may be longer or shorter; it must still continue the recording's audio.
fn same_outcome(got: &Run, want: &Run) -> Result<(), TestCaseError> {
    prop_assert_eq!(&got.notices, &want.notices);
    prop_assert_eq!(&got.completions, &want.completions);
    prop_assert_eq!(got.after_completion, 0);
    let (g, w) = (got.recording(), want.recording());
    prop_assert_eq!(g.len(), w.len());
    if let Some(i) = g.iter().zip(w).position(|(a, b)| a != b) {
        prop_assert!(false, "recordings differ from sample {}", i);
    }
    let common = got.audio.len().min(want.audio.len());
    prop_assert!(
        got.audio[..common] == want.audio[..common],
        "surplus audio differs"
    );
    Ok(())
}

fn feeding() -> impl Strategy<Value = Feeding> {
    (proptest::collection::vec(1usize..500, 1..8), 1usize..5)
        .prop_map(|(chunks, poll_every)| Feeding { chunks, poll_every })
}

fn rate_of(wide: bool) -> SampleRate {
    if wide {
        SampleRate::Hz16000
    } else {
        SampleRate::Hz8000
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// The time cap, wherever the speech starts.
    #[test]
    fn max_duration(f in feeding(), wide in any::<bool>(), cap in 1u32..3, from_ms in 0u32..1500) {
        let rate = rate_of(wide);
        let call = [Seg::Pcm(voice_at(rate, 5000, from_ms, 5000 - from_ms))];
        let o = options(5, 5, cap);
        let want = reference(rate, o, PromptAudio::None, &call);
        prop_assert_eq!(want.completion().reason, R::MaxRecordDurationReached);
        prop_assert_eq!(want.completion().recorded_samples, rate.samples_in_s(cap));
        let got = chunked(rate, o, PromptAudio::None, &call, &f);
        same_outcome(&got, &want)?;
    }

    /// Max silence after speech, trimmed or not, behind a prompt and the beep.
    #[test]
    fn max_silence(f in feeding(), wide in any::<bool>(), trim in any::<bool>(), len_ms in 300u32..1500) {
        let rate = rate_of(wide);
        let call = [Seg::Pcm(voice_at(rate, 2500, 500, len_ms))];
        let mut o = options(5, 1, 30);
        o.play_beep = true;
        o.trim_trailing_silence = trim;
        let prompt = PromptAudio::Ready { samples: rate.samples_in_ms(333) };
        let want = reference(rate, o, prompt, &call);
        prop_assert_eq!(want.completion().reason, R::MaxSilenceTimeout);
        let got = chunked(rate, o, prompt, &call, &f);
        same_outcome(&got, &want)?;
    }

    /// Speech with lost packets inside it, then a loss long enough to time out.
    #[test]
    fn lost_media(
        f in feeding(),
        wide in any::<bool>(),
        gaps in proptest::collection::vec((1u32..150, 20u32..400), 1..4),
    ) {
        let rate = rate_of(wide);
        let voice = voice_at(rate, 3000, 300, 2500);
        let mut call = Vec::new();
        let mut at = 0usize;
        for &(gap_ms, every_ms) in &gaps {
            let next = (at + ms(rate, every_ms)).min(voice.len());
            call.push(Seg::Pcm(voice[at..next].to_vec()));
            call.push(Seg::Lost(rate.samples_in_ms(gap_ms)));
            at = next;
        }
        call.push(Seg::Pcm(voice[at..].to_vec()));
        call.push(Seg::Lost(rate.samples_in_ms(400)));
        let mut o = options(5, 5, 30);
        o.media_timeout_ms = 250;
        let want = reference(rate, o, PromptAudio::None, &call);
        prop_assert_eq!(want.completion().reason, R::MediaReceiveTimeout);
        let got = chunked(rate, o, PromptAudio::None, &call, &f);
        same_outcome(&got, &want)?;
    }

    /// G.711 input of either law, ended by a stop key: chunked, and as the decoded PCM.
    #[test]
    fn g711(f in feeding(), alaw in any::<bool>(), key_ms in 1800u32..2600) {
        let rate = SampleRate::Hz8000;
        let law = if alaw { Law::Alaw } else { Law::Ulaw };
        let mut pcm = voice_at(rate, 3500, 400, 1200);
        key_at(&mut pcm, rate, Digit::Pound, key_ms, 90);
        let bytes: Vec<u8> = pcm.iter().map(|&s| law.encode(s)).collect();
        let decoded: Vec<i16> = bytes.iter().map(|&b| law.decode(b)).collect();
        let mut o = options(5, 5, 30);
        o.stop_tones = o.stop_tones.with(Digit::Pound);
        let want = reference(rate, o, PromptAudio::None, &[Seg::Pcm(decoded)]);
        prop_assert_eq!(want.completion().reason, R::StopToneDetected);
        let call = [Seg::G711(bytes, law)];
        let got = chunked(rate, o, PromptAudio::None, &call, &f);
        same_outcome(&got, &want)?;
    }

    /// The μ-law store with the 8 kHz capacity gives what the 16-bit store gives, for μ-law
    /// input with lost packets, however it is fed.
    #[test]
    fn mulaw_store_is_bit_exact_for_mulaw(f in feeding(), gap_ms in 0u32..120, key in any::<bool>()) {
        let rate = SampleRate::Hz8000;
        let mut pcm = voice_at(rate, 3000, 300, 1500);
        if key {
            key_at(&mut pcm, rate, Digit::Star, 2200, 80);
        }
        let bytes: Vec<u8> = pcm.iter().map(|&s| Law::Ulaw.encode(s)).collect();
        let call = [
            Seg::G711(bytes[..8000].to_vec(), Law::Ulaw),
            Seg::Lost(rate.samples_in_ms(gap_ms)),
            Seg::G711(bytes[8000..].to_vec(), Law::Ulaw),
        ];
        let mut o = options(5, 1, 30);
        o.stop_tones = o.stop_tones.with(Digit::Star);
        let want = reference(rate, o, PromptAudio::None, &call);
        let got = run_call::<{ required_capacity(SampleRate::Hz8000) }, Ulaw>(
            rate, o, PromptAudio::None, &call, &f,
        );
        same_outcome(&got, &want)?;
        prop_assert!(!want.audio.is_empty());
    }
}
