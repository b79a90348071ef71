//! The ITU-T Q.24 suite (benches/src/dtmf/suite.rs) as assertions on recresp's detector at
//! 8 and 16 kHz: every must-accept and must-reject line, onset within ±10 ms and report no
//! later than 45 ms after the tone starts; SpanDSP's shim answers on the basics; and the
//! talk-off corpus (release only: `scripts/test.sh` runs it with `--release`).

use recresp_benches::corpus;
use recresp_benches::dtmf::recresp::{self, events};
use recresp_benches::dtmf::suite::{q24_suite, score};
use recresp_benches::dtmf::talkoff::{false_digits, Coding, Condition};
use recresp_benches::peers::spandsp;
use recresp_benches::signals::dtmf::upsample_2x;
use recresp_core::{DtmfConfig, DtmfEvent, SampleRate};

fn rate_of(hz: u32) -> SampleRate {
    SampleRate::from_hz(hz).unwrap()
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn recresp_meets_every_q24_line() {
    for hz in [8000, 16000] {
        let rate = rate_of(hz);
        for g in q24_suite(hz) {
            let s = score(&g, &mut |x| recresp::digits(rate, x));
            assert!(
                s.rate() >= g.required_pass_rate,
                "{hz} Hz, {}: {}/{} pass ({})",
                g.name,
                s.passed,
                s.total,
                g.requirement
            );
        }
    }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn onsets_within_10_ms_and_reports_within_45_ms() {
    for hz in [8000, 16000] {
        let rate = rate_of(hz);
        let per_ms = rate.per_ms() as i64;
        let mut worst_onset = 0i64;
        let mut worst_report = 0i64;
        for g in q24_suite(hz) {
            let with_keys = g.cases.iter().filter(|c| !c.expected.is_empty());
            // Cases whose keys were not all found have no timing to check; no more of them
            // than the group's pass rate allows (the noise group allows 1 %), so no group
            // passes here on cases it left out.
            let allowed =
                ((1.0 - g.required_pass_rate) * with_keys.clone().count() as f64).floor() as usize;
            let mut untimed = 0;
            for c in with_keys {
                // Chunks of 16 samples: a report is seen at most 15 samples late, which only
                // makes the check stricter.
                let ev = events(rate, DtmfConfig::default(), &c.signal, 16);
                let starts: Vec<(i64, i64)> = ev
                    .iter()
                    .filter_map(|t| match t.event {
                        DtmfEvent::Start { onset, .. } => Some((onset as i64, t.emitted_at as i64)),
                        _ => None,
                    })
                    .collect();
                if starts.len() != c.onsets.len() {
                    untimed += 1;
                    continue;
                }
                for ((onset, at), &truth) in starts.iter().zip(c.onsets.iter()) {
                    let truth = truth as i64;
                    worst_onset = worst_onset.max((onset - truth).abs());
                    worst_report = worst_report.max(at - truth);
                    assert!(
                        (onset - truth).abs() <= 10 * per_ms,
                        "{hz} Hz {}: onset {onset} vs {truth}",
                        g.name
                    );
                    assert!(
                        at - truth <= 45 * per_ms,
                        "{hz} Hz {}: reported {} ms after the start",
                        g.name,
                        (at - truth) as f64 / per_ms as f64
                    );
                }
            }
            assert!(
                untimed <= allowed,
                "{hz} Hz {}: {untimed} cases without all their onsets (allowed {allowed})",
                g.name
            );
        }
        println!(
            "{hz} Hz: worst onset error {:.2} ms, latest report {:.2} ms after the start",
            worst_onset as f64 / per_ms as f64,
            worst_report as f64 / per_ms as f64
        );
    }
}

#[test]
fn spandsp_shim_decodes_the_basics() {
    let suite = q24_suite(8000);
    let decode = suite.iter().find(|g| g.name == "decode 16 keys").unwrap();
    let s = score(decode, &mut |x| spandsp::digits(x));
    assert_eq!(s.passed, s.total);
    let dial = suite.iter().find(|g| g.name == "dial tone reject").unwrap();
    assert_eq!(
        score(dial, &mut |x| spandsp::digits(x)).passed,
        dial.cases.len()
    );
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn no_talk_off_on_the_speech_corpus() {
    let speech: Vec<Vec<i16>> = corpus::load_default()
        .expect("speech corpus")
        .into_iter()
        .map(|p| p.samples)
        .collect();
    assert_eq!(speech.len(), 568, "the corpus has 568 prompts");
    let mut total = 0;
    for c in Condition::all() {
        let f = false_digits(&speech, c, &mut |x| {
            recresp::digits(SampleRate::Hz8000, x)
                .into_iter()
                .map(|d| d.as_char())
                .collect()
        });
        println!("talk-off {}: {}", c.label(), f.len());
        total += f.len();
    }
    assert_eq!(total, 0, "false digits on speech");
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn no_talk_off_on_the_speech_corpus_at_16_khz() {
    let speech: Vec<Vec<i16>> = corpus::load_default()
        .expect("speech corpus")
        .into_iter()
        .map(|p| upsample_2x(&p.samples))
        .collect();
    let mut total = 0;
    for gain_db in [-20.0, -10.0, 0.0, 6.0] {
        let c = Condition {
            gain_db,
            coding: Coding::Linear,
        };
        let f = false_digits(&speech, c, &mut |x| {
            recresp::digits(SampleRate::Hz16000, x)
                .into_iter()
                .map(|d| d.as_char())
                .collect()
        });
        println!("talk-off 16 kHz {}: {}", c.label(), f.len());
        total += f.len();
    }
    assert_eq!(total, 0, "false digits on speech at 16 kHz");
}
