//! "Never deaf" scenarios for the speech detector: something loud on the line while it
//! learns the noise (the caller already talking, talking over the prompt, a click, a tone
//! burst, a click in the first 200 ms after a reset) must not hide the answer that follows.
//!
//! Each case is real speech from the Asterisk corpus at −30 dBFS over pink line noise 25 dB
//! below it. The detector learns during a 3 s lead (as the recorder does while
//! the prompt and beep play), except in [`Scenario::ClickAfterReset`], where only its first
//! 200 ms after the reset are learnt. The answer's reference onset is the first ground-truth
//! speech frame at or after the end of the lead (when the recorder starts listening); the
//! recorder's onset is read as in the evaluation ([`Answer::from_events`]); it must fall
//! within −100…+300 ms of the reference.

use crate::corpus::Prompt;
use crate::signals::noise::{self, NoiseKind, Rng};
use crate::speech::score::{run_recresp, Answer};
use crate::speech::testset::{ground_truth, Truth, FRAME, LEAD_SAMPLES, PER_MS};

/// The answer's speech level (RMS over its speech frames): a quiet caller, 20 dB under the
/// tone burst.
pub const ANSWER_DBFS: f64 = -30.0;

/// What is on the line while the detector learns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// The answer starts 1 s before listening starts and goes on after it.
    AlreadyTalking,
    /// The caller talks over the prompt (another utterance, 0.5 s into the lead, ending
    /// 0.3 s before it ends, 6 dB louder than the answer); the answer starts 0.5 s after
    /// listening starts.
    OverPrompt,
    /// A 0.3 s burst of clicks at −6 dBFS peak ending 0.2 s before listening starts; the
    /// answer 0.3 s after.
    Click,
    /// A 0.5 s 1 kHz tone at −10 dBFS ending when listening starts; the answer 0.3 s after.
    ToneBurst,
    /// No learning mode: a 0.15 s click burst in the first 200 ms after the reset, the
    /// answer 0.5 s after the reset.
    ClickAfterReset,
}

impl Scenario {
    /// Every scenario, in table order.
    pub const ALL: [Scenario; 5] = [
        Scenario::AlreadyTalking,
        Scenario::OverPrompt,
        Scenario::Click,
        Scenario::ToneBurst,
        Scenario::ClickAfterReset,
    ];

    /// Row label.
    pub fn label(self) -> &'static str {
        match self {
            Scenario::AlreadyTalking => "caller already talking",
            Scenario::OverPrompt => "talking over the prompt",
            Scenario::Click => "0.3 s click before the answer",
            Scenario::ToneBurst => "0.5 s tone before the answer",
            Scenario::ClickAfterReset => "click in the first 200 ms",
        }
    }
}

/// One built case.
pub struct DeafCase {
    /// The audio at 8 kHz.
    pub samples: Vec<i16>,
    /// Samples pushed in learning mode (0: only the detector's first 200 ms).
    pub learn: usize,
    /// Where the recorder starts awaiting speech.
    pub listen: usize,
    /// The reference onset.
    pub reference: usize,
    /// Where the answer's first sample lands (its clean frames start there).
    pub start: usize,
}

fn add_at(out: &mut [f64], at: usize, x: impl IntoIterator<Item = f64>) {
    for (o, v) in out.iter_mut().skip(at).zip(x) {
        *o += v;
    }
}

/// Clicks: decaying 2 kHz-ish ringing impulses every 4–12 ms for `seconds`, peak `peak`.
pub fn clicks(seconds: f64, peak: f64, rng: &mut Rng) -> Vec<f64> {
    let len = (seconds * 8000.0) as usize;
    let mut out = vec![0.0; len];
    let mut at = 0;
    while at < len {
        let sign = if rng.below(2) == 0 { 1.0 } else { -1.0 };
        let amp = peak * (0.5 + 0.5 * rng.uniform()) * sign;
        let ring = (0..40).map(|n| {
            let t = n as f64;
            amp * (-t / 6.0).exp() * (t * 1.4).cos()
        });
        add_at(&mut out, at, ring);
        at += 32 + rng.below(64);
    }
    out
}

/// Builds `scenario` with `answer` (and `other` for the talk-over), noise drawn from `seed`.
/// `None` if the answer has no speech or is too short for the scenario.
pub fn build(scenario: Scenario, answer: &Prompt, other: &Prompt, seed: u64) -> Option<DeafCase> {
    let truth = ground_truth(&answer.samples)?;
    let other_truth = ground_truth(&other.samples)?;
    let ms = |ms: usize| ms * PER_MS;
    // Where the answer's first speech sample lands.
    let (learn, answer_onset) = match scenario {
        Scenario::AlreadyTalking => (LEAD_SAMPLES, LEAD_SAMPLES - ms(1000)),
        Scenario::OverPrompt => (LEAD_SAMPLES, LEAD_SAMPLES + ms(500)),
        Scenario::Click | Scenario::ToneBurst => (LEAD_SAMPLES, LEAD_SAMPLES + ms(300)),
        Scenario::ClickAfterReset => (0, ms(500)),
    };
    if scenario == Scenario::AlreadyTalking && truth.end - truth.onset < ms(2500) {
        return None;
    }
    let start = answer_onset.checked_sub(truth.onset)?;
    let len = start + answer.samples.len() + ms(2000);
    let mut x = vec![0.0; len];
    let speech_rms = 32768.0 * 10f64.powf(ANSWER_DBFS / 20.0);
    let answer_gain = speech_rms / truth.speech_rms;
    add_at(
        &mut x,
        start,
        answer.samples.iter().map(|&s| s as f64 * answer_gain),
    );
    let noise_gain = speech_rms / 10f64.powf(25.0 / 20.0);
    add_at(
        &mut x,
        0,
        noise::colored(NoiseKind::Pink, len, seed)
            .into_iter()
            .map(|v| v * noise_gain),
    );
    let mut rng = Rng::new(seed ^ 0xC11C);
    match scenario {
        Scenario::OverPrompt => {
            let from = ms(500);
            let until = LEAD_SAMPLES - ms(300);
            let gain = 2.0 * speech_rms / other_truth.speech_rms;
            let talk = other.samples[other_truth.onset..]
                .iter()
                .take(until - from)
                .map(|&s| s as f64 * gain);
            add_at(&mut x, from, talk);
        }
        Scenario::Click => {
            let c = clicks(0.3, 16384.0, &mut rng);
            add_at(&mut x, LEAD_SAMPLES - ms(500), c);
        }
        Scenario::ToneBurst => {
            let amp = 32768.0 * 10f64.powf(-10.0 / 20.0) * std::f64::consts::SQRT_2;
            let tone =
                (0..ms(500)).map(|n| amp * (n as f64 * 2.0 * std::f64::consts::PI / 8.0).sin());
            add_at(&mut x, LEAD_SAMPLES - ms(500), tone);
        }
        Scenario::ClickAfterReset => {
            let c = clicks(0.15, 16384.0, &mut rng);
            add_at(&mut x, ms(30), c);
        }
        Scenario::AlreadyTalking => {}
    }
    let samples: Vec<i16> = x
        .iter()
        .map(|v| v.round().clamp(i16::MIN as f64, i16::MAX as f64) as i16)
        .collect();
    let listen = if learn > 0 { learn } else { 0 };
    // The first speech frame of the answer at or after `listen`.
    let reference = speech_frames(&answer.samples, truth)
        .map(|f| start + f * FRAME)
        .find(|&at| at >= listen)?;
    Some(DeafCase {
        samples,
        learn,
        listen,
        reference,
        start,
    })
}

/// Indices of the ground-truth speech frames of a clean prompt (the same rule as
/// [`ground_truth`]).
fn speech_frames(samples: &[i16], truth: Truth) -> impl Iterator<Item = usize> + '_ {
    let db = |f: &[i16]| {
        let ms = f.iter().map(|&s| (s as f64).powi(2)).sum::<f64>() / f.len() as f64;
        10.0 * (ms / (32768.0 * 32768.0)).log10()
    };
    let peak = samples
        .chunks_exact(FRAME)
        .map(db)
        .fold(f64::NEG_INFINITY, f64::max);
    samples
        .chunks_exact(FRAME)
        .enumerate()
        .filter(move |(i, f)| {
            let l = db(f);
            i * FRAME >= truth.onset && l > -55.0 && l >= peak - 40.0
        })
        .map(|(i, _)| i)
}

/// The recorder's onset error for `case`, in ms (`None`: no onset after listening starts).
pub fn onset_error_ms(case: &DeafCase) -> Option<i64> {
    let events = run_recresp(&case.samples, case.learn);
    let answer = Answer::from_events(&events, case.listen as u64);
    answer
        .onset
        .map(|o| (o as i64 - case.reference as i64) / PER_MS as i64)
}

/// Whether an onset error is within −100…+300 ms.
pub fn in_window(err_ms: Option<i64>) -> bool {
    err_ms.is_some_and(|e| (-100..=300).contains(&e))
}

/// Runs `scenario` over every usable answer among `answers` (each talking over with the
/// next answer, for [`Scenario::OverPrompt`]); returns each answer's path and onset error.
pub fn run(scenario: Scenario, answers: &[&Prompt]) -> Vec<(String, Option<i64>)> {
    let mut out = Vec::new();
    for (i, answer) in answers.iter().enumerate() {
        let other = answers[(i + 1) % answers.len()];
        if let Some(case) = build(scenario, answer, other, 500 + i as u64) {
            let name = answer
                .path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            out.push((name, onset_error_ms(&case)));
        }
    }
    out
}

/// The answers used by the regression test and `speech_deaf`: every 6th speech prompt of 3 s
/// or more in the sorted corpus (long enough for every scenario).
pub fn answers(corpus: &[Prompt]) -> Vec<&Prompt> {
    corpus
        .iter()
        .filter(|p| {
            !p.path.to_string_lossy().contains("/silence/")
                && ground_truth(&p.samples).is_some_and(|t| t.end - t.onset >= 3 * 8000)
                && p.samples.len() <= 10 * 8000
        })
        .step_by(6)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus;

    #[test]
    #[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
    fn nothing_on_the_line_while_learning_makes_the_detector_deaf() {
        let corpus = corpus::load_default().expect("speech corpus");
        let answers = answers(&corpus);
        assert_eq!(answers.len(), 15, "15 answers");
        let mut failures = Vec::new();
        for scenario in Scenario::ALL {
            let results = run(scenario, &answers);
            assert_eq!(results.len(), 15, "{scenario:?}: 15 cases");
            for (name, err) in results {
                if !in_window(err) {
                    failures.push(format!("{}: {name}: {err:?} ms", scenario.label()));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }
}
