//! Lists every digit recresp and SpanDSP report on the tuning part of the talk-off corpus
//! (speech and music, 8 and 16 kHz, gains −20…+6 dB, 8 kHz also through μ-law and A-law),
//! with the clip, the time and the condition: the tool for finding out why a false digit
//! passes. The held-out part is not read.
//!
//! Run: `cargo run --release -p recresp-benches --bin dtmf_talkoff_scan`

use recresp_benches::dtmf::recresp::events;
use recresp_benches::dtmf::talkoff::{Coding, Condition};
use recresp_benches::dtmf::talkoff_corpus::{load, Kind, Part};
use recresp_benches::peers::spandsp;
use recresp_core::{DtmfConfig, DtmfEvent, SampleRate};

fn main() {
    for kind in [Kind::Speech, Kind::Music] {
        for hz in [8000u32, 16000] {
            let rate = SampleRate::from_hz(hz).expect("rate");
            let clips = match load(kind, Part::Tune, hz) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(2);
                }
            };
            let conditions: Vec<Condition> = Condition::all()
                .into_iter()
                .filter(|c| hz == 8000 || c.coding == Coding::Linear)
                .collect();
            let (mut r_total, mut s_total) = (0, 0);
            for c in &conditions {
                for clip in &clips {
                    let x = c.apply(&clip.samples);
                    let ev = events(rate, DtmfConfig::default(), &x, 160);
                    let mut start = None;
                    for t in ev {
                        match t.event {
                            DtmfEvent::Start { digit, onset } => start = Some((digit, onset)),
                            DtmfEvent::End { digit, end } => {
                                let onset = start.map(|s| s.1).unwrap_or(0);
                                r_total += 1;
                                println!(
                                    "recresp {} {hz} {} {:<40} {} at {:.3} s, {:.1} ms",
                                    kind.name(),
                                    c.label(),
                                    clip.name,
                                    digit.as_char(),
                                    onset as f64 / hz as f64,
                                    (end - onset) as f64 * 1000.0 / hz as f64
                                );
                            }
                        }
                    }
                    if hz == 8000 {
                        let s = spandsp::digits(&x);
                        s_total += s.len();
                        for d in s {
                            println!(
                                "spandsp {} {hz} {} {:<40} {}",
                                kind.name(),
                                c.label(),
                                clip.name,
                                d.as_char()
                            );
                        }
                    }
                }
            }
            println!(
                "TOTAL {} {hz}: recresp {r_total}, spandsp {s_total} ({} clips x {} conditions)",
                kind.name(),
                clips.len(),
                conditions.len()
            );
        }
    }
}
