//! The speech detector measured by source: the lines and answers `speech_sources` scores
//! for one role (held out or trained) of the corpus of `benches/speech-sources.tsv`.
//!
//! - Music or sound alone: 3 s of it (learnt as noise, as during the prompt and beep), then
//!   30 s more at −45, −30 and −20 dBFS; any onset after the lead is a failure.
//! - Answers: the utterances of the role's voices, taken in turn voice by voice, mixed as
//!   `speech_eval` mixes its prompts (3 s lead, the answer, 2 s more) over the role's music or
//!   sounds (each answer over the next source in turn, from its own offset), or babble of
//!   six utterances of the role's other voices, at an SNR; or clean, at −30 dB and at +12 dB
//!   (clipped) from the corpus level (−6 dBFS peak). Scored with `score::judge`.
//! - Through the recorder ([`RecorderLine`]): a prompt of 1.5 s and the beep, then the line
//!   as heard after listening starts. The level of a source is its RMS over the frames within
//!   40 dB of its loudest frame (the rule the speech truth uses), so sparse impacts are
//!   measured by their sound, not by the gaps between them.

use recresp_core::MediaInput;
use recresp_core::{CompletionReason, Event, PromptAudio, RecordOptions, Recorder, SampleRate};
use recresp_harness::{drive, Feed, Then};

use crate::corpus::Prompt;
use crate::signals::noise::{self, NoiseKind, Rng};
use crate::speech::deaf::clicks;
use crate::speech::source_corpus::Source;
use crate::speech::testset::{ground_truth, mix_case, Case, Truth, FRAME, LEAD_SAMPLES, PER_MS};

/// Levels of the music-only and sound-only lines, dBFS.
pub const ALONE_DBFS: [f64; 3] = [-45.0, -30.0, -20.0];
/// Seconds of each music-only or sound-only line after its lead.
pub const ALONE_SECONDS: usize = 30;
/// Answers per row.
pub const ANSWERS: usize = 30;
/// Voices summed into babble.
pub const BABBLE_TALKERS: usize = 6;

/// RMS of the frames of `x` within 40 dB of its loudest frame.
pub fn active_rms(x: &[f64]) -> f64 {
    let energies: Vec<f64> = x
        .chunks(FRAME)
        .map(|f| f.iter().map(|v| v * v).sum::<f64>() / f.len() as f64)
        .collect();
    let peak = energies.iter().copied().fold(0.0, f64::max);
    let active: Vec<f64> = energies
        .into_iter()
        .filter(|&e| e > 0.0 && e >= peak * 1e-4)
        .collect();
    if active.is_empty() {
        return 0.0;
    }
    (active.iter().sum::<f64>() / active.len() as f64).sqrt()
}

/// `len` samples of `clip` looped from `offset`, at unit [`active_rms`].
pub fn excerpt(clip: &[i16], len: usize, offset: usize) -> Vec<f64> {
    if clip.is_empty() {
        return vec![0.0; len];
    }
    let x: Vec<f64> = (0..len)
        .map(|i| clip[(offset + i) % clip.len()] as f64)
        .collect();
    let r = active_rms(&x);
    if r == 0.0 {
        return x;
    }
    x.into_iter().map(|v| v / r).collect()
}

fn to_i16(x: f64) -> i16 {
    x.round().clamp(i16::MIN as f64, i16::MAX as f64) as i16
}

/// Where the excerpt of a line starts in its source: spread by `k` over the source.
fn offset(source_len: usize, k: usize) -> usize {
    (k * 7919 * FRAME) % source_len.max(1)
}

/// A music-only or sound-only line: the 3 s lead and [`ALONE_SECONDS`] more of `source`
/// at `dbfs`, from an offset chosen by `k`.
pub fn alone_line(source: &Source, dbfs: f64, k: usize) -> Vec<i16> {
    let clip = &source.clips[0].samples;
    let len = LEAD_SAMPLES + ALONE_SECONDS * 8000;
    let gain = 32768.0 * 10f64.powf(dbfs / 20.0);
    excerpt(clip, len, offset(clip.len(), k))
        .into_iter()
        .map(|v| to_i16(gain * v))
        .collect()
}

/// The music-only or sound-only lines of the `si`th source of a row, one per level of
/// [`ALONE_DBFS`].
pub fn alone_lines(source: &Source, si: usize) -> Vec<Vec<i16>> {
    ALONE_DBFS
        .iter()
        .enumerate()
        .map(|(li, &dbfs)| alone_line(source, dbfs, si * ALONE_DBFS.len() + li))
        .collect()
}

/// One answer: a voice's utterance with its truth, and which voice it is.
#[derive(Clone, Copy)]
pub struct Answer<'a> {
    /// Index of its voice among the voices given to [`answers`].
    pub voice: usize,
    /// The utterance.
    pub prompt: &'a Prompt,
    /// Its truth.
    pub truth: Truth,
}

/// [`ANSWERS`] answers from `voices`: their utterances taken in turn voice by voice (the
/// first utterance of each voice, then the second, ...), repeated if there are fewer.
pub fn answers(voices: &[Source]) -> Vec<Answer<'_>> {
    let most = voices.iter().map(|v| v.clips.len()).max().unwrap_or(0);
    let mut all = Vec::new();
    for u in 0..most {
        for (voice, v) in voices.iter().enumerate() {
            if let Some(prompt) = v.clips.get(u) {
                if let Some(truth) = ground_truth(&prompt.samples) {
                    all.push(Answer {
                        voice,
                        prompt,
                        truth,
                    });
                }
            }
        }
    }
    if all.is_empty() {
        return all;
    }
    (0..ANSWERS).map(|i| all[i % all.len()]).collect()
}

/// What is under the answer.
#[derive(Clone, Copy)]
pub enum Under<'a> {
    /// Nothing (digital silence), the talker at a gain in dB from the corpus level.
    Silence(f64),
    /// The given music or sound sources, answer `i` over source `i mod n`, at an SNR in dB.
    Sources(&'a [Source], f64),
    /// Babble of [`BABBLE_TALKERS`] utterances of the other voices, at an SNR in dB.
    Babble(&'a [Source], f64),
}

/// Answer number `i` of a row over `under`.
pub fn speech_case(answer: &Answer<'_>, i: usize, under: Under<'_>) -> Case {
    let len = LEAD_SAMPLES + answer.prompt.samples.len() + crate::speech::testset::TAIL_SAMPLES;
    match under {
        Under::Silence(gain_db) => {
            let g = 10f64.powf(gain_db / 20.0);
            let scaled = Prompt {
                path: answer.prompt.path.clone(),
                samples: answer
                    .prompt
                    .samples
                    .iter()
                    .map(|&s| to_i16(s as f64 * g))
                    .collect(),
            };
            mix_case(&scaled, answer.truth, &vec![0.0; len], None)
        }
        Under::Sources(sources, snr) => {
            let clip = &sources[i % sources.len()].clips[0].samples;
            let noise = excerpt(clip, len, offset(clip.len(), i + 1));
            mix_case(answer.prompt, answer.truth, &noise, Some(snr))
        }
        Under::Babble(voices, snr) => {
            let pool: Vec<&[i16]> = voices
                .iter()
                .enumerate()
                .filter(|(v, _)| *v != answer.voice)
                .flat_map(|(_, s)| s.clips.iter().map(|c| &c.samples[..]))
                .collect();
            let noise = noise::babble(&pool, BABBLE_TALKERS, len, 31_000 + i as u64);
            mix_case(answer.prompt, answer.truth, &noise, Some(snr))
        }
    }
}

/// Options of the recorder runs: a 5 s initial silence, 2 s max silence, 30 s at most.
pub fn recorder_options() -> RecordOptions {
    RecordOptions {
        initial_silence_timeout_s: 5,
        max_silence_timeout_s: 2,
        max_record_duration_s: 30,
        play_beep: true,
        ..RecordOptions::default()
    }
}

/// The prompt of the recorder runs: 1.5 s.
pub const PROMPT_SAMPLES: u64 = 12_000;

/// What the recorder made of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecorderResult {
    /// Where listening began.
    pub listen: u64,
    /// First sample of the recording, if speech started (and the capture was not discarded
    /// after it).
    pub recording_start: Option<u64>,
    /// Samples recorded.
    pub recorded: u64,
    /// How the operation ended (`None`: it had not ended after 60 s of silence).
    pub reason: Option<CompletionReason>,
}

impl RecorderResult {
    /// Whether the operation ended `initialSilenceTimeout`: nobody spoke, nothing recorded.
    pub fn ended_silent(&self) -> bool {
        self.reason == Some(CompletionReason::InitialSilenceTimeout)
    }
}

/// Runs a fresh recorder (prompt, beep, [`recorder_options`]) over `line`, then over
/// silence until it ends (60 s at most), 10 ms per push.
pub fn run_recorder(line: &[i16]) -> RecorderResult {
    let mut recorder: Recorder = match Recorder::new(SampleRate::Hz8000) {
        Ok(r) => r,
        Err(_) => {
            return RecorderResult {
                listen: 0,
                recording_start: None,
                recorded: 0,
                reason: None,
            }
        }
    };
    recorder.start(
        recorder_options(),
        PromptAudio::Ready {
            samples: PROMPT_SAMPLES,
        },
    );
    let mut result = RecorderResult {
        listen: 0,
        recording_start: None,
        recorded: 0,
        reason: None,
    };
    let mut sink = |e: Event<'_>| match e {
        Event::Listening { at } => result.listen = at,
        Event::SpeechStarted {
            recording_start, ..
        } => {
            result.recording_start.get_or_insert(recording_start);
        }
        Event::CaptureDiscarded { .. } => result.recording_start = None,
        Event::Completed(c) => {
            result.reason.get_or_insert(c.reason);
            result.recorded = c.recorded_samples;
        }
        _ => {}
    };
    let feed = Feed::new(&[FRAME])
        .stop_when_done()
        .then(Then::Silence { max_frames: 3000 });
    drive(&mut recorder, &[MediaInput::Pcm(line)], &feed, &mut sink);
    result
}

/// Where listening starts for the recorder of [`run_recorder`] (after the prompt and beep).
pub fn listen_at() -> u64 {
    run_recorder(&vec![0; 8 * 8000]).listen
}

/// A short sound on a line with nothing else on it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Blip {
    /// Nothing but the line noise (the control).
    Nothing,
    /// A 0.5 s tone: frequency in Hz, RMS in dBFS.
    Tone(f64, f64),
    /// A 0.3 s burst of clicks at −6 dBFS peak.
    Click,
    /// A 0.3 s burst of pink noise at −20 dBFS.
    NoiseBurst,
}

impl Blip {
    /// Row label.
    pub fn label(self) -> String {
        match self {
            Blip::Tone(f, db) => format!("0.5 s {f:.0} Hz tone at {db:.0} dBFS"),
            Blip::Nothing => "nothing".into(),
            Blip::Click => "0.3 s click".into(),
            Blip::NoiseBurst => "0.3 s noise burst at -20 dBFS".into(),
        }
    }

    /// Its samples.
    pub fn samples(self, seed: u64) -> Vec<f64> {
        match self {
            Blip::Tone(f, db) => {
                let amp = 32768.0 * 10f64.powf(db / 20.0) * std::f64::consts::SQRT_2;
                (0..4000)
                    .map(|n| amp * (2.0 * std::f64::consts::PI * f * n as f64 / 8000.0).sin())
                    .collect()
            }
            Blip::Nothing => Vec::new(),
            Blip::Click => clicks(0.3, 16384.0, &mut Rng::new(seed)),
            Blip::NoiseBurst => {
                let g = 32768.0 * 10f64.powf(-20.0 / 20.0);
                noise::colored(NoiseKind::Pink, 2400, seed)
                    .into_iter()
                    .map(|v| v * g)
                    .collect()
            }
        }
    }
}

/// Line noise under every recorder line: pink, −65 dBFS.
const LINE_NOISE_DBFS: f64 = -65.0;

/// A line for the recorder: line noise from the start, `blip` 0.5 s after listening
/// starts, and `answer` (if any) with its truth onset 1.5 s after the blip ends; then 1 s
/// more of line noise.
pub struct RecorderLine {
    /// The samples.
    pub samples: Vec<i16>,
    /// The answer's truth onset and end on the line.
    pub truth: Option<(u64, u64)>,
}

/// Builds a [`RecorderLine`] (listening starts at `listen`).
pub fn recorder_line(
    blip: Blip,
    answer: Option<&Answer<'_>>,
    listen: u64,
    seed: u64,
) -> RecorderLine {
    let blip_at = listen as usize + 500 * PER_MS;
    let sound = blip.samples(seed);
    let blip_end = blip_at + sound.len();
    let answer_start = answer.map(|a| blip_end + 1500 * PER_MS - a.truth.onset);
    let len = answer_start
        .zip(answer)
        .map_or(blip_end, |(s, a)| s + a.prompt.samples.len())
        + 1000 * PER_MS;
    let g = 32768.0 * 10f64.powf(LINE_NOISE_DBFS / 20.0);
    let mut x: Vec<f64> = noise::colored(NoiseKind::Pink, len, seed ^ 0x11E)
        .into_iter()
        .map(|v| v * g)
        .collect();
    for (o, v) in x.iter_mut().skip(blip_at).zip(sound) {
        *o += v;
    }
    let mut truth = None;
    if let (Some(start), Some(a)) = (answer_start, answer) {
        for (o, &s) in x.iter_mut().skip(start).zip(&a.prompt.samples) {
            *o += s as f64;
        }
        truth = Some(((start + a.truth.onset) as u64, (start + a.truth.end) as u64));
    }
    RecorderLine {
        samples: x.into_iter().map(to_i16).collect(),
        truth,
    }
}

/// The sounds put alone on a line through the recorder (the first is the control).
pub const LONE_BLIPS: [Blip; 7] = [
    Blip::Nothing,
    Blip::Tone(440.0, -20.0),
    Blip::Tone(440.0, -45.0),
    Blip::Tone(1100.0, -20.0),
    Blip::Tone(1100.0, -45.0),
    Blip::Click,
    Blip::NoiseBurst,
];

/// The sounds put before an answer through the recorder (the first is the control).
pub const BEFORE_BLIPS: [Blip; 5] = [
    Blip::Nothing,
    Blip::Tone(440.0, -20.0),
    Blip::Tone(1100.0, -20.0),
    Blip::Click,
    Blip::NoiseBurst,
];

/// Lines of each sound alone through the recorder.
pub const LONE_RUNS: usize = 5;
/// Answers each sound is put before through the recorder.
pub const BEFORE_ANSWERS: usize = 15;

/// The `k`th line of `blip` alone ([`LONE_RUNS`] per sound).
pub fn lone_line(blip: Blip, listen: u64, k: usize) -> RecorderLine {
    recorder_line(blip, None, listen, 40_000 + k as u64)
}

/// The line of `blip` before answer number `k`.
pub fn before_answer_line(blip: Blip, answer: &Answer<'_>, listen: u64, k: usize) -> RecorderLine {
    recorder_line(blip, Some(answer), listen, 50_000 + k as u64)
}

/// Whether a detector without a recorder would start a recording on a line where
/// listening starts at `listen`: an onset after it (as [`crate::speech::score::Answer`]
/// reads the events).
pub fn peer_onset(events: &[crate::speech::score::Emitted], listen: u64) -> Option<u64> {
    crate::speech::score::Answer::from_events(events, listen).onset
}

/// Whether an onset is within −100…+300 ms of the truth onset.
pub fn onset_in_window(onset: Option<u64>, truth_onset: u64) -> bool {
    onset.is_some_and(|o| {
        let err = o as i64 - truth_onset as i64;
        (-100 * PER_MS as i64..=300 * PER_MS as i64).contains(&err)
    })
}

/// Whether the recording of `result` is the answer: it starts within −150…+300 ms of the
/// truth onset (the onset window and the 50 ms pre-roll), the operation ends on max
/// silence, and the recording ends within −300…+1000 ms of the truth end plus the max
/// silence.
pub fn records_the_answer(result: &RecorderResult, truth: (u64, u64)) -> bool {
    let ms = |ms: i64| ms * PER_MS as i64;
    let Some(start) = result.recording_start else {
        return false;
    };
    let start_err = start as i64 - truth.0 as i64;
    let end = (start + result.recorded) as i64;
    let silence = ms(1000 * recorder_options().max_silence_timeout_s as i64);
    let end_err = end - (truth.1 as i64 + silence);
    (ms(-150)..=ms(300)).contains(&start_err)
        && result.reason == Some(CompletionReason::MaxSilenceTimeout)
        && (ms(-300)..=ms(1000)).contains(&end_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_rms_ignores_the_gaps() {
        let mut x = vec![0.0; 8000];
        for v in &mut x[..800] {
            *v = 100.0;
        }
        assert!((active_rms(&x) - 100.0).abs() < 1e-9);
        assert_eq!(active_rms(&[0.0; 160]), 0.0);
    }

    #[test]
    fn a_silent_line_ends_on_initial_silence() {
        let listen = listen_at();
        assert!(listen >= PROMPT_SAMPLES, "{listen}");
        let r = run_recorder(&vec![0; 2000]);
        assert_eq!(r.reason, Some(CompletionReason::InitialSilenceTimeout));
        assert_eq!(r.recording_start, None);
    }

    /// Each sound of the "through the recorder" rows, alone on the line: the operation ends
    /// on initial silence with nothing recorded.
    #[test]
    fn a_tone_a_click_or_a_noise_burst_alone_ends_on_initial_silence() {
        let listen = listen_at();
        for blip in LONE_BLIPS {
            let r = run_recorder(&lone_line(blip, listen, 0).samples);
            assert_eq!(
                (r.reason, r.recording_start, r.recorded),
                (Some(CompletionReason::InitialSilenceTimeout), None, 0),
                "{}",
                blip.label()
            );
        }
    }
}
