//! The outside check: recresp's detectors on audio that no threshold, test or evaluation of
//! the project is built on, with its peers beside it. Asterisk's French and Spanish prompts
//! (Debian's `asterisk-core-sounds-fr-wav`, `asterisk-core-sounds-es-wav`) and its music on
//! hold (`asterisk-moh-opsound-wav`). It prints figures and checks nothing: a number here
//! that moved a threshold would stop being an outside check.
//!
//! - DTMF talk-off: false digits on every file under the twelve 8 kHz conditions (−20, −10,
//!   0, +6 dB; linear, μ-law, A-law), recresp and SpanDSP.
//! - Speech detection: 100 French and 100 Spanish prompts (picked as `speech_eval` picks its
//!   reported draw) at 10, 5 and 0 dB pink noise and with the music on hold 10 dB under the
//!   speech, scored as `speech_eval` scores; and each music-on-hold track alone (30 s from
//!   its 10th second at −45, −30 and −20 dBFS), where any onset is a failure. recresp and the
//!   WebRTC VAD (mode 3) behind the same endpointing.
//!
//! Run: `cargo run --release -p recresp-benches --bin outside_check` (after
//! `apt-get install asterisk-core-sounds-fr-wav asterisk-core-sounds-es-wav
//! asterisk-moh-opsound-wav`).

use std::path::Path;

use recresp_benches::corpus::{load, Prompt};
use recresp_benches::dtmf::recresp;
use recresp_benches::dtmf::talkoff::{false_digits, Condition as Line};
use recresp_benches::peers::spandsp;
use recresp_benches::signals::noise::{colored, rms, NoiseKind, Rng};
use recresp_benches::speech::score::{judge, run_recresp, run_webrtc, Answer, Emitted, Verdict};
use recresp_benches::speech::testset::{mix_case, select, LEAD_SAMPLES, TAIL_SAMPLES};
use recresp_core::SampleRate;

const FRENCH: &str = "/usr/share/asterisk/sounds/fr";
const SPANISH: &str = "/usr/share/asterisk/sounds/es";
const MUSIC_ON_HOLD: &str = "/usr/share/asterisk/moh";

/// A detector behind the endpointing: the events it emits over a file.
type Detector = fn(&[i16]) -> Result<Vec<Emitted>, String>;

const DETECTORS: [(&str, Detector); 2] = [
    ("recresp", |x| Ok(run_recresp(x, LEAD_SAMPLES))),
    ("WebRTC mode 3", |x| run_webrtc(x, 3)),
];

fn main() {
    if let Err(e) = run() {
        eprintln!("outside_check: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let french = load(Path::new(FRENCH))?;
    let spanish = load(Path::new(SPANISH))?;
    let music = load(Path::new(MUSIC_ON_HOLD))?;
    talk_off(&[
        ("French prompts", &french),
        ("Spanish prompts", &spanish),
        ("music on hold", &music),
    ]);
    println!();
    speech(&[("French", &french), ("Spanish", &spanish)], &music)?;
    println!();
    music_alone(&music)
}

fn minutes(files: &[Prompt]) -> f64 {
    files.iter().map(|p| p.samples.len()).sum::<usize>() as f64 / 8000.0 / 60.0
}

fn talk_off(corpora: &[(&str, &Vec<Prompt>)]) {
    println!("DTMF talk-off: false digits over the 12 conditions at 8 kHz (outside check)");
    println!(
        "{:<18} {:>6} {:>8} {:>9} {:>9}",
        "corpus", "files", "minutes", "recresp", "spandsp"
    );
    for (name, files) in corpora {
        let samples: Vec<Vec<i16>> = files.iter().map(|p| p.samples.clone()).collect();
        let (mut ours, mut theirs) = (Vec::new(), 0);
        for line in Line::all() {
            for f in false_digits(&samples, line, &mut |x| {
                recresp::digits(SampleRate::Hz8000, x)
                    .into_iter()
                    .map(|d| d.as_char())
                    .collect()
            }) {
                ours.push(format!(
                    "  recresp: {} in {} ({})",
                    f.digit,
                    files[f.prompt].path.display(),
                    line.label()
                ));
            }
            theirs += false_digits(&samples, line, &mut |x| {
                spandsp::digits(x)
                    .into_iter()
                    .map(|d| d.as_char())
                    .collect()
            })
            .len();
        }
        println!(
            "{:<18} {:>6} {:>8.1} {:>9} {:>9}",
            name,
            files.len(),
            minutes(files),
            ours.len(),
            theirs
        );
        for line in ours {
            println!("{line}");
        }
    }
}

/// `len` samples of music on hold from a place `rng` picks, at unit RMS.
fn music_noise(music: &[Prompt], len: usize, rng: &mut Rng) -> Vec<f64> {
    let track = &music[rng.below(music.len())].samples;
    let start = rng.below(track.len().saturating_sub(len).max(1));
    let x: Vec<f64> = (0..len)
        .map(|i| track.get(start + i).map_or(0.0, |&s| s as f64))
        .collect();
    let level = rms(&x).max(1.0);
    x.into_iter().map(|v| v / level).collect()
}

fn speech(corpora: &[(&str, &Vec<Prompt>)], music: &[Prompt]) -> Result<(), String> {
    println!("Speech detection (outside check): success = onset within -100..+300 ms and end");
    println!("within -300..+1000 ms, as in speech_eval; 3 s of the noise before, 2 s after.");
    println!(
        "| prompts | condition | {} |",
        DETECTORS.map(|(name, _)| name).join(" | ")
    );
    println!("| --- | --- |{}", " ---: |".repeat(DETECTORS.len()));
    let conditions = [
        ("pink 10 dB", Some(NoiseKind::Pink), 10.0),
        ("pink 5 dB", Some(NoiseKind::Pink), 5.0),
        ("pink 0 dB", Some(NoiseKind::Pink), 0.0),
        ("brown 0 dB", Some(NoiseKind::Brown), 0.0),
        ("music on hold 10 dB", None, 10.0),
    ];
    for (name, corpus) in corpora {
        let set = select(corpus, 0);
        for (ci, (label, kind, snr)) in conditions.iter().enumerate() {
            let mut wins = [0usize; DETECTORS.len()];
            for (pi, (prompt, truth)) in set.prompts.iter().enumerate() {
                let seed = 900_000 + (ci * 1_000 + pi) as u64;
                let len = LEAD_SAMPLES + prompt.samples.len() + TAIL_SAMPLES;
                let noise = match kind {
                    Some(kind) => colored(*kind, len, seed),
                    None => music_noise(music, len, &mut Rng::new(seed)),
                };
                let case = mix_case(prompt, *truth, &noise, Some(*snr));
                for ((_, detect), win) in DETECTORS.iter().zip(&mut wins) {
                    let answer = Answer::from_events(&detect(&case.samples)?, LEAD_SAMPLES as u64);
                    *win += (judge(answer, case.onset, case.end) == Verdict::Success) as usize;
                }
            }
            let n = set.prompts.len().max(1);
            let cells: Vec<String> = wins
                .iter()
                .map(|w| format!("{:.0} %", 100.0 * *w as f64 / n as f64))
                .collect();
            println!("| {name} | {label} | {} |", cells.join(" | "));
        }
    }
    Ok(())
}

fn music_alone(music: &[Prompt]) -> Result<(), String> {
    println!("Music on hold alone: 3 s lead, then 30 s; lines with any onset (outside check)");
    let mut lines = 0;
    let mut onsets = [0usize; DETECTORS.len()];
    for track in music {
        let from = 10 * 8000;
        let Some(part) = track.samples.get(from..from + LEAD_SAMPLES + 30 * 8000) else {
            continue;
        };
        let x: Vec<f64> = part.iter().map(|&s| s as f64).collect();
        let level = rms(&x).max(1.0);
        for dbfs in [-45.0, -30.0, -20.0] {
            let gain = 32768.0 * 10f64.powf(dbfs / 20.0) / level;
            let line: Vec<i16> = x
                .iter()
                .map(|v| (v * gain).round().clamp(-32768.0, 32767.0) as i16)
                .collect();
            lines += 1;
            for ((_, detect), count) in DETECTORS.iter().zip(&mut onsets) {
                let answer = Answer::from_events(&detect(&line)?, LEAD_SAMPLES as u64);
                *count += answer.onset.is_some() as usize;
            }
        }
    }
    for ((name, _), count) in DETECTORS.iter().zip(onsets) {
        println!("  {name}: onsets on {count} of {lines} lines");
    }
    Ok(())
}
