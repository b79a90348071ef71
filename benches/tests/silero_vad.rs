//! The Silero VAD bridge (benches/src/peers/silero_vad.rs) on real speech at 8 kHz: it must load
//! from the venv `scripts/install-silero.sh` makes (and fail with that hint when it is
//! missing, never pass on no data), and find the speech in Asterisk prompts, clean and under
//! noise, within the evaluation's windows. Release only: `scripts/test.sh` installs Silero
//! and then runs it with `--release`.

use recresp_benches::corpus;
use recresp_benches::peers::silero_vad::{run_silero, SileroFrames, SileroVad, INSTALL_HINT};
use recresp_benches::signals::noise::NoiseKind;
use recresp_benches::speech::score::{judge, Answer, Verdict};
use recresp_benches::speech::testset::{
    ground_truth, make_case, noise_only, select, Condition, LEAD_SAMPLES,
};

fn silero() -> SileroVad {
    SileroVad::new(8000).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_missing_install_names_the_install_command() {
    let err = SileroVad::from_venv(std::path::Path::new("/nonexistent/venv"), 8000)
        .err()
        .expect("no Silero in a missing venv");
    assert!(err.contains(INSTALL_HINT), "{err}");
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn runs_at_8_khz_on_32_ms_windows() {
    let mut vad = silero();
    assert_eq!(vad.window_len(), 256);
    assert_eq!(vad.probability(&[0; 255]), None);
    // Digital silence is not speech.
    for _ in 0..10 {
        let p = vad.probability(&[0; 256]).unwrap();
        assert!((0.0..0.5).contains(&p), "p = {p} on silence");
    }
    // A prompt's loudest windows are speech, judged at 8 kHz.
    let corpus = corpus::load_default().expect("speech corpus");
    let prompt = corpus
        .iter()
        .find(|p| p.path.ends_with("vm-intro.wav"))
        .expect("vm-intro.wav in the corpus");
    let truth = ground_truth(&prompt.samples).expect("speech in vm-intro.wav");
    vad.reset();
    let (mut speech, mut windows) = (0, 0);
    for (i, w) in prompt.samples.chunks_exact(256).enumerate() {
        let p = vad.probability(w).unwrap();
        if i * 256 >= truth.onset && (i + 1) * 256 <= truth.end {
            windows += 1;
            speech += (p >= 0.5) as usize;
        }
    }
    assert!(
        speech * 10 >= windows * 7,
        "{speech} of {windows} windows inside the speech judged speech"
    );
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn finds_the_speech_in_prompts_behind_the_endpointing() {
    let corpus = corpus::load_default().expect("speech corpus");
    let set = select(&corpus, 0);
    let mut frames = SileroFrames::new(silero());
    let lead = LEAD_SAMPLES as u64;
    // Eight prompts of the test set, spread over it.
    for (pi, (prompt, truth)) in set.prompts.iter().enumerate().step_by(12) {
        for condition in [Condition::Clean, Condition::Colored(NoiseKind::Pink, 10.0)] {
            let case = make_case(prompt, *truth, condition, pi as u64, &set.babble_pool);
            let answer = Answer::from_events(&run_silero(&mut frames, &case.samples), lead);
            assert_eq!(
                judge(answer, case.onset, case.end),
                Verdict::Success,
                "{} {}: {answer:?}, truth {}..{}",
                prompt.path.display(),
                condition.label(),
                case.onset,
                case.end
            );
        }
    }
    // And no speech in 20 s of noise alone.
    let noise = noise_only(NoiseKind::White, -40.0, 20, 1);
    assert_eq!(run_silero(&mut frames, &noise), vec![]);
}
