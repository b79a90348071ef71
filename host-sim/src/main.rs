//! `recresp-sim`: runs the recresp core on WAV files and speaks Graph's JSON.
//!
//! `run` plays one recordResponse operation over a caller's WAV and prints what Graph would
//! answer and then notify (and, with `--timeline`, draws what the recorder decided); `demo`
//! does the same on a built-in example; `dtmf` and `speech` print what the detectors find in
//! a file.
mod demo;
mod dtmf_cmd;
mod error;
mod http;
mod rtp_capture;
mod serve;
mod simulate;
mod speech_cmd;
mod timeline;
mod wav;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::SimError;
use crate::simulate::{Plan, RunOptions};

/// Runs Microsoft Graph's `call: recordResponse` on WAV files with the recresp core.
#[derive(Parser, Debug)]
#[command(name = "recresp-sim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run one recordResponse request over a caller's audio.
    ///
    /// Prints the HTTP response Graph returns (status line, Location header, the running
    /// recordOperation), then the completion notification. An invalid request prints Graph's
    /// 400 error body and exits with status 2; an unreadable WAV or capture, or a capture of
    /// which no audio can be played, exits with status 1.
    Run(RunArgs),
    /// Run a built-in example (a prompt, a spoken answer, a stop key) and write its inputs
    /// and outputs to a folder.
    Demo {
        /// Folder for the example's files.
        #[arg(long, default_value = "recresp-demo")]
        out: PathBuf,
    },
    /// Print the DTMF keys the stop-tone detector finds in a WAV, one JSON line each:
    /// {"digit":"#","start_ms":...,"end_ms":...}.
    Dtmf {
        /// 16-bit mono PCM WAV at 8000 or 16000 Hz.
        file: PathBuf,
    },
    /// Print the speech segments the speech detector finds in a WAV, one JSON line each:
    /// {"start_ms":...,"end_ms":...}.
    Speech {
        /// 16-bit mono PCM WAV at 8000 or 16000 Hz.
        file: PathBuf,
    },
    /// Serve Graph's call media actions on a local address, backed by the core: a Graph SDK
    /// can create a call, run recordResponse and friends, receive the notifications at its
    /// callback URI and download the recordings.
    Serve(serve::ServeArgs),
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// The recordResponse request body (JSON).
    #[arg(long, value_name = "REQUEST.json")]
    request: PathBuf,
    /// The caller's audio: 16-bit mono PCM WAV at 8000 or 16000 Hz.
    #[arg(long, value_name = "CALLER.wav", required_unless_present = "rtp")]
    caller: Option<PathBuf>,
    #[command(flatten)]
    rtp: rtp_capture::RtpArgs,
    /// Folder where the prompt's mediaInfo.uri is found by its last path segment.
    #[arg(long, value_name = "DIR")]
    media: Option<PathBuf>,
    /// Write the recording here (16-bit mono WAV at the caller's rate), if there is one.
    #[arg(long, value_name = "OUT.wav")]
    recording: Option<PathBuf>,
    /// Write the completion notification (commsNotifications JSON) here.
    #[arg(long, value_name = "OUT.json")]
    notification: Option<PathBuf>,
    /// Draw the operation's timeline here (SVG): the caller's waveform, the phases, the
    /// speech detector's verdicts, the keys, the clocks and the recording window, with the
    /// completion reason. Not with --rtp.
    #[arg(long, value_name = "OUT.svg", conflicts_with = "rtp")]
    timeline: Option<PathBuf>,
    /// The call's id, used in the Location header and resource URLs.
    #[arg(
        long,
        value_name = "ID",
        default_value = "57dab8b1-894c-409a-b240-bd8beae78896"
    )]
    call_id: String,
    /// Hang up when the caller's audio ends (by default the line stays open and silent
    /// until a timeout ends the operation).
    #[arg(long)]
    hang_up_at_end: bool,
    /// Also print every event of the recorder.
    #[arg(long, short)]
    verbose: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(&args),
        Command::Demo { out } => demo::run(&out),
        Command::Dtmf { file } => {
            dtmf_cmd::run(&file, &mut std::io::stdout().lock()).map(|()| ExitCode::SUCCESS)
        }
        Command::Speech { file } => {
            speech_cmd::run(&file, &mut std::io::stdout().lock()).map(|()| ExitCode::SUCCESS)
        }
        Command::Serve(args) => Ok(serve::run(&args)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("recresp-sim: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &RunArgs) -> Result<ExitCode, SimError> {
    // Outputs of an earlier run never survive this one, whatever happens.
    for path in [&args.recording, &args.notification, &args.timeline]
        .into_iter()
        .flatten()
    {
        wav::remove_stale(path)?;
    }
    let request = std::fs::read(&args.request).map_err(|source| SimError::Io {
        path: args.request.clone(),
        source,
    })?;
    let opts = RunOptions {
        media_dir: args.media.clone(),
        call_id: args.call_id.clone(),
        hang_up_at_end: args.hang_up_at_end,
        recording_location: args.recording.as_ref().map(|p| http::file_url(p)),
    };
    let mut out = std::io::stdout().lock();
    let plan = match Plan::new(&request, &opts) {
        Ok(plan) => plan,
        Err(bad) => {
            eprintln!("HTTP/1.1 400 Bad Request");
            writeln!(out, "{}", http::bad_request_body(&bad.0))?;
            return Ok(ExitCode::from(2));
        }
    };
    let caller = rtp_capture::CallerInput::load(args.caller.as_deref(), &args.rtp)?;
    let outcome = match (&args.timeline, &caller) {
        (Some(path), rtp_capture::CallerInput::Wav(audio)) => {
            let (outcome, timeline) = plan.run_timeline(audio);
            timeline::write(&timeline, path)?;
            outcome
        }
        _ => caller.run(&plan, args.verbose)?,
    };
    // The files are complete, or the run fails, before anything says 200.
    if let (Some(path), Some(samples)) = (&args.recording, &outcome.recording) {
        wav::write_wav(path, outcome.rate, samples)?;
    }
    if let Some(path) = &args.notification {
        wav::write_file(path, format!("{}\n", outcome.notification).as_bytes())?;
    }
    http::print_response(&mut out, &opts.call_id, &plan)?;
    if args.verbose {
        for line in &outcome.log {
            eprintln!("{line}");
        }
    }
    http::print_notification(&mut out, &outcome.notification)?;
    Ok(ExitCode::SUCCESS)
}
