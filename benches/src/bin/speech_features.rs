//! Dumps the speech detector's per-frame network features with a speech/noise label, for
//! training the network (`scripts/train-speech-net.sh`).
//!
//! Run: `cargo run --release -p recresp-benches --bin speech_features -- OUT.bin`
//! (`--base-only`: the Asterisk part below alone, for the k-fold estimate of
//! `scripts/speech-kfold.sh`; `--sources A,B`: the corpus part of those sources alone, for
//! the same; neither: both parts, what `scripts/train-speech-net.sh` trains on).
//!
//! The training set keeps clear of everything `speech_eval` reports or is tuned on: it uses
//! only the usable Asterisk prompts that are in none of the draws at offsets 0 (the reported
//! table), 1 and 2 (the tuning draws) and not among `speech_deaf`'s answers, and seeds from
//! 900,000,000 up for the noise and music (the evaluation's draws use seeds below
//! 100,000,000). Each prompt is mixed as the evaluation mixes it (3 s lead learnt as noise,
//! the prompt, 2 s more) under every condition of the table and a few harder ones (the music
//! style varying with the prompt), and put in the "never deaf" situations of `speech_deaf`
//! (its `build`, with these prompts and seeds); noise and music alone are added at the
//! levels the table uses. Features come from `FrameClassifier::feed_with`, the detector's
//! own code, with an untrained network in the loop (every logit 0), or with `--network
//! WEIGHTS.rs` a trained one (a weights file in the form of `net_weights.rs`: the rounds of
//! `scripts/train-speech-net.sh`, so the network also sees the states it leads the detector
//! into, such as floors held after it took a sound for speech); frames of the learning lead
//! are skipped.
//!
//! Then the corpus part: every `train` source of `benches/speech-sources.tsv` (never a
//! `held` one). Music and sounds: alone at −45, −30 and −20 dBFS (20 s after the lead, two
//! excerpts each) and under every 8th training prompt at 15, 10, 5 and 0 dB in turn (their
//! frames labelled 5, recorded music or sound). Voices: each utterance clean, clipped at
//! +12 dB, and under pink noise at 10 dB, brown at 5 dB and white at 0 dB.
//!
//! Label of a frame: 1 (speech) if the clean prompt's frame is within 15 dB of the prompt's
//! speech RMS, 2 (ignored) if it is quieter but still above −55 dBFS and inside the truth
//! span (soft speech the noise may bury), else 0, or 3 where that noise is music (music
//! alone, or the music around a prompt), 4 where it is babble, 5 where it is the corpus's
//! recorded music or sound; the top bit (0x80) is set on
//! frames too quiet for the detector to consult the network. Output: `RSF1`, the feature
//! count (u32), then per frame the features (i16) and the label (u8), little-endian.

use std::io::Write;
use std::sync::OnceLock;

use recresp_benches::corpus::{self, Prompt};
use recresp_benches::signals::music::Style;
use recresp_benches::signals::noise::{self, NoiseKind};
use recresp_benches::speech::deaf::{self, Scenario};
use recresp_benches::speech::net_file::NetFile;
use recresp_benches::speech::source_corpus::{self, Kind, Role, Source};
use recresp_benches::speech::source_eval::excerpt;
use recresp_benches::speech::testset::{
    ground_truth, is_speech_prompt, make_case, mix_case, music_only, noise_only, select, Condition,
    Truth, FRAME, LEAD_SAMPLES, TAIL_SAMPLES,
};
use recresp_core::speech::FrameClassifier;
use recresp_core::speech::FEATURE_COUNT;
use recresp_core::SampleRate;

/// The "never deaf" scenarios in the training set (all but the click right after a reset,
/// which has no learning lead).
const DEAF_SCENARIOS: [Scenario; 4] = [
    Scenario::AlreadyTalking,
    Scenario::OverPrompt,
    Scenario::Click,
    Scenario::ToneBurst,
];

/// The network in the loop (`--network`); without it, an untrained one (every logit 0).
static NETWORK: OnceLock<NetFile> = OnceLock::new();

/// Seeds of the training draws start here.
const SEED_BASE: u64 = 900_000_000;

/// Labels of a frame of music, or of babble, without the answer's speech (noise to the
/// network, kept apart so the training can weigh these speech-like sounds).
const MUSIC: u8 = 3;
const BABBLE: u8 = 4;

/// Label of a frame of the corpus's recorded music or sounds without the answer's speech.
const RECORDED: u8 = 5;

/// Flag added to the label of a frame too quiet for the network to be consulted.
const QUIET: u8 = 0x80;

/// A frame's label under music or babble: its noise frames are `kind`.
fn noise_as(label: u8, kind: u8) -> u8 {
    if label == 0 {
        kind
    } else {
        label
    }
}

/// The label of each frame of a clean prompt (see the module docs).
fn frame_labels(prompt: &Prompt, truth: &Truth) -> Vec<u8> {
    let speech_db = 20.0 * (truth.speech_rms / 32768.0).log10();
    prompt
        .samples
        .chunks(FRAME)
        .enumerate()
        .map(|(f, fr)| {
            let db = frame_db(fr);
            let inside = (truth.onset..truth.end).contains(&(f * FRAME));
            if db >= speech_db - 15.0 {
                1
            } else if inside && db > -55.0 {
                2
            } else {
                0
            }
        })
        .collect()
}

fn frame_db(frame: &[i16]) -> f64 {
    let ms = frame.iter().map(|&s| (s as f64).powi(2)).sum::<f64>() / frame.len() as f64;
    10.0 * (ms / (32768.0 * 32768.0) + 1e-12).log10()
}

/// Runs the classifier over `x` (learning the first `LEAD_SAMPLES`) and writes each later
/// frame with `label(frame index)`.
fn dump(out: &mut Vec<u8>, x: &[i16], label: &dyn Fn(usize) -> u8) -> usize {
    let mut c = FrameClassifier::new(SampleRate::Hz8000, 50);
    c.set_learning(true);
    let mut n = 0;
    for (i, chunk) in x.chunks_exact(FRAME).enumerate() {
        if i * FRAME >= LEAD_SAMPLES {
            c.set_learning(false);
        }
        let (_, traced) = match NETWORK.get() {
            Some(net) => c.feed_with(chunk, |f| net.logit_q8(f), net.strong_offset_q8),
            None => c.feed_with(chunk, |_| 0, 0),
        };
        let Some((_, features, logit)) = traced else {
            continue;
        };
        if i * FRAME < LEAD_SAMPLES {
            continue;
        }
        for f in features {
            out.extend_from_slice(&f.to_le_bytes());
        }
        out.push(label(i) | if logit == i32::MIN { QUIET } else { 0 });
        n += 1;
    }
    n
}

/// Where excerpt `k` of a training line starts in a source of `len` samples (apart from
/// the evaluation's offsets).
fn train_offset(len: usize, k: usize) -> usize {
    ((k * 104_729 + 37) * FRAME) % len.max(1)
}

/// The corpus part for `sources` (see the module docs), under the training `prompts`.
fn dump_sources(out: &mut Vec<u8>, sources: &[Source], prompts: &[(&Prompt, Truth)]) -> usize {
    let mut frames = 0;
    for (si, source) in sources.iter().enumerate() {
        eprintln!("speech_features: corpus source {}", source.info.name);
        match source.info.kind {
            Kind::Music | Kind::Sound => {
                let clip = &source.clips[0].samples;
                for (li, dbfs) in [-45.0, -30.0, -20.0].into_iter().enumerate() {
                    for k in 0..2 {
                        let len = LEAD_SAMPLES + 20 * 8000;
                        let gain = 32768.0 * 10f64.powf(dbfs / 20.0);
                        let x: Vec<i16> = excerpt(clip, len, train_offset(clip.len(), li * 2 + k))
                            .into_iter()
                            .map(|v| (gain * v).round().clamp(-32768.0, 32767.0) as i16)
                            .collect();
                        frames += dump(out, &x, &|_| RECORDED);
                    }
                }
                for (pi, (prompt, truth)) in prompts.iter().enumerate().step_by(8) {
                    let labels = frame_labels(prompt, truth);
                    let len = LEAD_SAMPLES + prompt.samples.len() + TAIL_SAMPLES;
                    let noise = excerpt(clip, len, train_offset(clip.len(), 10 + pi + si));
                    let snr = [15.0, 10.0, 5.0, 0.0][(pi / 8) % 4];
                    let case = mix_case(prompt, *truth, &noise, Some(snr));
                    let label = |i: usize| {
                        let l = i
                            .checked_sub(LEAD_SAMPLES / FRAME)
                            .and_then(|j| labels.get(j))
                            .copied()
                            .unwrap_or(0);
                        noise_as(l, RECORDED)
                    };
                    frames += dump(out, &case.samples, &label);
                }
            }
            Kind::Voice => {
                for (ui, utterance) in source.clips.iter().enumerate() {
                    let Some(truth) = ground_truth(&utterance.samples) else {
                        continue;
                    };
                    let labels = frame_labels(utterance, &truth);
                    let label = |i: usize| {
                        i.checked_sub(LEAD_SAMPLES / FRAME)
                            .and_then(|j| labels.get(j))
                            .copied()
                            .unwrap_or(0)
                    };
                    let len = LEAD_SAMPLES + utterance.samples.len() + TAIL_SAMPLES;
                    let loud = Prompt {
                        path: utterance.path.clone(),
                        samples: utterance
                            .samples
                            .iter()
                            .map(|&v| (v as f64 * 4.0).clamp(-32768.0, 32767.0) as i16)
                            .collect(),
                    };
                    let seed = SEED_BASE + 80_000_000 + (si * 100 + ui) as u64;
                    let cases = [
                        mix_case(utterance, truth, &vec![0.0; len], None),
                        mix_case(&loud, truth, &vec![0.0; len], None),
                        mix_case(
                            utterance,
                            truth,
                            &noise::colored(NoiseKind::Pink, len, seed),
                            Some(10.0),
                        ),
                        mix_case(
                            utterance,
                            truth,
                            &noise::colored(NoiseKind::Brown, len, seed + 1),
                            Some(5.0),
                        ),
                        mix_case(
                            utterance,
                            truth,
                            &noise::colored(NoiseKind::White, len, seed + 2),
                            Some(0.0),
                        ),
                    ];
                    for case in cases {
                        frames += dump(out, &case.samples, &label);
                    }
                }
            }
        }
    }
    frames
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).cloned().ok_or(
        "usage: speech_features OUT.bin [--base-only | --sources A,B,...] [--network WEIGHTS.rs]",
    )?;
    if let Some(file) = args
        .iter()
        .position(|a| a == "--network")
        .map(|at| args.get(at + 1).ok_or("--network needs a weights file"))
    {
        let net = NetFile::read(file?)?;
        eprintln!(
            "speech_features: {} hidden units in the loop",
            net.hidden_bias.len()
        );
        let _ = NETWORK.set(net);
    }
    let base_only = args.iter().any(|a| a == "--base-only");
    let only: Option<Vec<String>> = args
        .iter()
        .position(|a| a == "--sources")
        .and_then(|at| args.get(at + 1))
        .map(|list| list.split(',').map(str::to_string).collect());
    let corpus = corpus::load_default()?;
    let mut excluded = std::collections::HashSet::new();
    for offset in 0..3 {
        for (p, _) in select(&corpus, offset).prompts {
            excluded.insert(p.path.clone());
        }
    }
    // Nor the answers of the "never deaf" scenarios (`speech_deaf`).
    for p in deaf::answers(&corpus) {
        excluded.insert(p.path.clone());
    }
    let pool = select(&corpus, 0).babble_pool;
    let train: Vec<_> = corpus
        .iter()
        .filter(|p| is_speech_prompt(p) && !excluded.contains(&p.path))
        .filter_map(|p| ground_truth(&p.samples).map(|t| (p, t)))
        .collect();
    let mut conditions = Condition::all();
    for snr in [-3.0, 2.0] {
        for kind in NoiseKind::ALL {
            conditions.push(Condition::Colored(kind, snr));
        }
    }
    conditions.extend([
        Condition::Babble(5.0),
        Condition::Music(5.0),
        Condition::Music(10.0),
        Condition::Music(15.0),
    ]);
    let mut out = b"RSF1".to_vec();
    out.extend_from_slice(&(FEATURE_COUNT as u32).to_le_bytes());
    let mut frames = 0;
    if !base_only {
        let mut sources = Vec::new();
        for kind in [Kind::Music, Kind::Sound, Kind::Voice] {
            sources.extend(source_corpus::sources(kind, Role::Train)?);
        }
        if let Some(only) = &only {
            for name in only {
                if !sources.iter().any(|s| &s.info.name == name) {
                    return Err(format!("--sources: {name} is not a train source"));
                }
            }
            sources.retain(|s| only.contains(&s.info.name));
        }
        frames += dump_sources(&mut out, &sources, &train);
    }
    if only.is_some() {
        return write(&path, &out, frames);
    }
    eprintln!("speech_features: the Asterisk prompts");
    for (pi, (prompt, truth)) in train.iter().enumerate() {
        let labels = frame_labels(prompt, truth);
        let lead_frames = LEAD_SAMPLES / FRAME;
        let label = |i: usize| {
            i.checked_sub(lead_frames)
                .and_then(|j| labels.get(j))
                .copied()
                .unwrap_or(0)
        };
        for (ci, &condition) in conditions.iter().enumerate() {
            // pi * 101: the music style (seed mod 5) varies with the prompt, so every
            // music condition covers every style.
            let seed = SEED_BASE + (pi * 101 + ci) as u64;
            let case = make_case(prompt, *truth, condition, seed, &pool);
            frames += match condition {
                Condition::Music(_) => {
                    dump(&mut out, &case.samples, &|i| noise_as(label(i), MUSIC))
                }
                Condition::Babble(_) => {
                    dump(&mut out, &case.samples, &|i| noise_as(label(i), BABBLE))
                }
                _ => dump(&mut out, &case.samples, &label),
            };
        }
    }
    // The "never deaf" situations (the caller already talking or talking over the prompt,
    // a click or a tone while learning), so the network also sees speech judged against
    // floors and means that learnt something loud.
    for (pi, (prompt, truth)) in train.iter().enumerate() {
        let labels = frame_labels(prompt, truth);
        let other = train[(pi + 1) % train.len()].0;
        for (si, scenario) in DEAF_SCENARIOS.into_iter().enumerate() {
            let seed = SEED_BASE + 70_000_000 + (pi * 10 + si) as u64;
            let Some(case) = deaf::build(scenario, prompt, other, seed) else {
                continue;
            };
            let label = |i: usize| {
                (i * FRAME)
                    .checked_sub(case.start)
                    .and_then(|at| labels.get(at / FRAME))
                    .copied()
                    .unwrap_or(0)
            };
            frames += dump(&mut out, &case.samples, &label);
        }
    }
    let none = |_: usize| 0u8;
    let music = |_: usize| MUSIC;
    for k in 0..4u64 {
        for (si, style) in Style::ALL.into_iter().enumerate() {
            for dbfs in [-45.0, -30.0, -20.0] {
                let seed = SEED_BASE + 50_000_000 + k * 1000 + si as u64 * 10 + (-dbfs) as u64;
                frames += dump(&mut out, &music_only(style, dbfs, 30, seed), &music);
            }
        }
        for kind in NoiseKind::ALL {
            for dbfs in [-50.0, -40.0, -30.0] {
                let seed = SEED_BASE + 60_000_000 + k * 1000 + kind as u64 * 10 + (-dbfs) as u64;
                frames += dump(&mut out, &noise_only(kind, dbfs, 20, seed), &none);
            }
        }
    }
    write(&path, &out, frames)
}

fn write(path: &str, out: &[u8], frames: usize) -> Result<(), String> {
    std::fs::File::create(path)
        .and_then(|mut f| f.write_all(out))
        .map_err(|e| format!("{path}: {e}"))?;
    eprintln!("speech_features: {frames} frames written to {path}");
    Ok(())
}
