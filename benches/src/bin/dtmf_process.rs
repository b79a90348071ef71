//! Whole-process DTMF throughput: `recresp-sim dtmf FILE.wav` against SpanDSP's receiver in
//! a minimal C program (`benches/c/spandsp_dtmf.c`, built here with `cc -O2 -lspandsp`; both
//! read the WAV in blocks of 64 KiB) on
//! the same hour of 8 kHz audio, each run as its own process, alternately; prints the median
//! wall time and the median CPU time (user + system, from the children's times in
//! `/proc/self/stat`, 10 ms ticks) of each, and their ratios. On a busy machine the CPU time
//! is the steadier figure.
//!
//! Build the simulator first: `cargo build --release -p recresp-host-sim -p recresp-benches`,
//! then `target/release/dtmf_process [FILE.wav] [--runs N]`. Without a file, an hour of the
//! Asterisk speech corpus (Debian's asterisk-core-sounds-en-wav), looped, is written to a
//! temporary folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use recresp_benches::corpus;
use recresp_core::SampleRate;

fn die(msg: String) -> ! {
    eprintln!("dtmf_process: {msg}");
    std::process::exit(1)
}

/// One hour of 8 kHz speech prompts, looped.
fn write_hour(path: &Path) {
    let prompts = corpus::load_default().unwrap_or_else(|e| die(e));
    let hour = 3600 * 8000;
    let mut samples: Vec<i16> = Vec::with_capacity(hour);
    'fill: loop {
        for p in &prompts {
            for &s in &p.samples {
                if samples.len() == hour {
                    break 'fill;
                }
                samples.push(s);
            }
        }
    }
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SampleRate::Hz8000.hz(),
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap_or_else(|e| die(e.to_string()));
    let mut w16 = w.get_i16_writer(samples.len() as u32);
    for s in samples {
        w16.write_sample(s);
    }
    w16.flush().unwrap_or_else(|e| die(e.to_string()));
    w.finalize().unwrap_or_else(|e| die(e.to_string()));
}

/// User + system time of the waited-for children so far, in clock ticks (Linux).
fn children_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(") ").map_or("", |(_, a)| a);
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // Fields 16 and 17 of proc(5), cutime and cstime; `after` starts at field 3.
    f.get(13).copied().unwrap_or(0) + f.get(14).copied().unwrap_or(0)
}

/// Clock ticks per second of `/proc` times (USER_HZ; 100 on Linux).
const TICKS_PER_S: f64 = 100.0;

/// Wall and CPU time of one run of `cmd file`, its standard output discarded.
fn time(cmd: &Path, file: &Path) -> (Duration, Duration) {
    let ticks = children_ticks();
    let t = Instant::now();
    let mut command = Command::new(cmd);
    if cmd.ends_with("recresp-sim") {
        command.arg("dtmf");
    }
    let status = command
        .arg(file)
        .stdout(Stdio::null())
        .status()
        .unwrap_or_else(|e| die(format!("{}: {e}", cmd.display())));
    let wall = t.elapsed();
    let cpu = Duration::from_secs_f64((children_ticks() - ticks) as f64 / TICKS_PER_S);
    if !status.success() {
        die(format!("{} failed: {status}", cmd.display()));
    }
    (wall, cpu)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .map(|n| n.parse().unwrap_or_else(|_| die(format!("--runs {n}"))))
        .unwrap_or(7usize);
    let tmp = std::env::temp_dir().join(format!("recresp-dtmf-process-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap_or_else(|e| die(e.to_string()));
    let file = match args.iter().find(|a| a.ends_with(".wav")) {
        Some(f) => PathBuf::from(f),
        None => {
            let f = tmp.join("hour.wav");
            write_hour(&f);
            f
        }
    };
    let here = std::env::current_exe().unwrap_or_else(|e| die(e.to_string()));
    let dir = here.parent().unwrap_or(Path::new("."));
    let sim = dir.join("recresp-sim");
    if !sim.exists() {
        die(format!(
            "{} is missing: cargo build --release -p recresp-host-sim",
            sim.display()
        ));
    }
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("c/spandsp_dtmf.c");
    let peer = tmp.join("spandsp_dtmf");
    let cc = Command::new("cc")
        .args(["-O2", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&peer)
        .arg(&source)
        .arg("-lspandsp")
        .status()
        .unwrap_or_else(|e| die(format!("cc: {e}")));
    if !cc.success() {
        die("cc failed to build the SpanDSP peer".into());
    }
    let samples = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) / 2;
    // One warm-up run of each (page cache), then alternate.
    time(&sim, &file);
    time(&peer, &file);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ours.push(time(&sim, &file));
        theirs.push(time(&peer, &file));
    }
    let minutes = samples as f64 / 8000.0 / 60.0;
    println!("whole process over {minutes:.1} min of 8 kHz audio, median of {runs} runs each:");
    for (what, pick) in [
        (
            "wall",
            (|t: &(Duration, Duration)| t.0) as fn(&(Duration, Duration)) -> Duration,
        ),
        ("cpu ", |t| t.1),
    ] {
        let a = median(ours.iter().map(pick).collect());
        let b = median(theirs.iter().map(pick).collect());
        println!(
            "  {what}  recresp-sim dtmf {:.3} s  SpanDSP dtmf_rx {:.3} s  ratio recresp/spandsp {:.2}",
            a.as_secs_f64(),
            b.as_secs_f64(),
            a.as_secs_f64() / b.as_secs_f64()
        );
    }
    println!("  (goal: ratio <= 1.00)");
    let _ = std::fs::remove_dir_all(&tmp);
}
