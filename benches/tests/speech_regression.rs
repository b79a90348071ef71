//! Whole-corpus regression test of recresp's speech detector: the evaluation's goals that
//! the detector meets (and, for goals not met yet, the level it has reached), checked on the
//! same test set as `speech_eval` prints, with the detector
//! learning the noise during each file's 3 s lead as the recorder does (run in release:
//! `cargo test --release -p recresp-benches --test speech_regression`).

use recresp_benches::corpus;
use recresp_benches::signals::music::Style;
use recresp_benches::signals::noise::NoiseKind;
use recresp_benches::speech::score::{judge, run_recresp, Answer, Verdict};
use recresp_benches::speech::testset::{
    make_case, music_only, noise_only, select, Condition, LEAD_SAMPLES,
};

fn success_percent(condition: Condition) -> f64 {
    let corpus = corpus::load_default().expect("speech corpus");
    let set = select(&corpus, 0);
    let ci = Condition::all()
        .iter()
        .position(|c| *c == condition)
        .expect("a table condition");
    let mut ok = 0;
    for (pi, (prompt, truth)) in set.prompts.iter().enumerate() {
        // Same seeds as `speech_eval` with --seed 0.
        let case = make_case(
            prompt,
            *truth,
            condition,
            (ci * 10_000 + pi) as u64,
            &set.babble_pool,
        );
        let answer = Answer::from_events(
            &run_recresp(&case.samples, LEAD_SAMPLES),
            LEAD_SAMPLES as u64,
        );
        ok += (judge(answer, case.onset, case.end) == Verdict::Success) as usize;
    }
    100.0 * ok as f64 / set.prompts.len() as f64
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn clean_and_20_db_are_all_found() {
    let mut conditions = vec![Condition::Clean];
    conditions.extend(NoiseKind::ALL.map(|k| Condition::Colored(k, 20.0)));
    for c in conditions {
        let p = success_percent(c);
        assert_eq!(p, 100.0, "{}: {p} %", c.label());
    }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn ten_db_coloured_noise_is_at_least_95_percent() {
    for kind in NoiseKind::ALL {
        let c = Condition::Colored(kind, 10.0);
        let p = success_percent(c);
        assert!(p >= 95.0, "{}: {p} %", c.label());
    }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn five_db_coloured_noise_is_at_least_98_percent() {
    // Issue 9's goal is 95 %; 100 % for white and pink on this draw, 99 % for brown.
    for kind in NoiseKind::ALL {
        let c = Condition::Colored(kind, 5.0);
        let p = success_percent(c);
        assert!(p >= 98.0, "{}: {p} %", c.label());
    }
}

/// Issue 9's goal is 80 % for every colour at 0 dB: met (96, 89 and 86 % on this draw);
/// white must not fall below 95 %, pink below 85 %, brown below 85 %.
#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn zero_db_is_at_least_80_percent_white_95_pink_and_brown_85() {
    for (kind, goal) in [
        (NoiseKind::White, 95.0),
        (NoiseKind::Pink, 85.0),
        (NoiseKind::Brown, 85.0),
    ] {
        let c = Condition::Colored(kind, 0.0);
        let p = success_percent(c);
        assert!(p >= goal, "{}: {p} %", c.label());
    }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn babble_at_10_db_is_at_least_90_percent() {
    // Issue 9's goal is 80 %; 95 % on this draw.
    let c = Condition::Babble(10.0);
    let p = success_percent(c);
    assert!(p >= 90.0, "{}: {p} %", c.label());
}

/// Issue 9's goal is 90 % with music 10 dB under the speech: met (97 % on this draw),
/// which must not fall below 95 %.
#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn music_at_10_db_is_at_least_95_percent() {
    let c = Condition::Music(10.0);
    let p = success_percent(c);
    assert!(p >= 95.0, "{}: {p} %", c.label());
}

/// Issue 9's goal: no onset on 30 s of music alone at −45, −30 and −20 dBFS, after the
/// 3 s lead the detector learns from (the music-only rows of `speech_eval`, same seeds).
#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn music_alone_never_starts() {
    for dbfs in [-45.0, -30.0, -20.0] {
        for (si, style) in Style::ALL.into_iter().enumerate() {
            let x = music_only(style, dbfs, 30, 8_000 + si as u64 * 100 + (-dbfs) as u64);
            let events = run_recresp(&x, LEAD_SAMPLES);
            let answer = Answer::from_events(&events, LEAD_SAMPLES as u64);
            assert_eq!(
                answer.onset,
                None,
                "{} {dbfs} dBFS: {events:?}",
                style.name()
            );
        }
    }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn noise_alone_never_starts() {
    for kind in NoiseKind::ALL {
        for dbfs in [-50.0, -40.0, -30.0] {
            let x = noise_only(kind, dbfs, 60, 9_000 + (-dbfs) as u64);
            // Without learning (only the first 200 ms) and with a 3 s learning lead.
            for learn in [0, LEAD_SAMPLES] {
                let events = run_recresp(&x, learn);
                assert!(
                    events.is_empty(),
                    "{kind:?} {dbfs} dBFS {learn}: {events:?}"
                );
            }
        }
    }
}
