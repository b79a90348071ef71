//! `recresp-sim demo`: the whole job on a built-in example. It writes a request, a prompt
//! and a caller's answer (a synthesized voice, then the `#` key), runs them exactly as
//! `recresp-sim run` would, and writes the recording, the notification and the timeline
//! picture beside them.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use recresp_core::{Digit, SampleRate};
use recresp_harness::{Script, Step};

use crate::error::SimError;
use crate::http;
use crate::simulate::{Plan, RunOptions};
use crate::timeline;
use crate::wav::{write_wav, CallerAudio};

/// The example request: a prompt, the beep, `#` or `*` to stop, 10 s at most.
const REQUEST: &str = r##"{
  "clientContext": "recresp-demo",
  "prompts": [
    {
      "@odata.type": "#microsoft.graph.mediaPrompt",
      "mediaInfo": { "uri": "https://cdn.example.com/prompts/leave-a-message.wav" }
    }
  ],
  "playBeep": true,
  "initialSilenceTimeoutInSeconds": 5,
  "maxSilenceTimeoutInSeconds": 3,
  "maxRecordDurationInSeconds": 10,
  "stopTones": ["#", "*"]
}
"##;

/// The prompt: 1.5 s of the voice (at 16 kHz, as Graph wants prompts).
const PROMPT: Script = Script::new(&[Step::voice(1_500, 6000, 7)]);

/// The caller (8 kHz): quiet line noise throughout; silent over the prompt and beep and for
/// 0.8 s after; 2.4 s of answer; a pause; then `#`.
const CALLER: Script = Script::new(&[
    Step::Quiet(1_500 + 200 + 800),
    Step::voice(2_400, 9000, 3),
    Step::Quiet(700),
    Step::key(Digit::Pound, 120, 5000),
    Step::Quiet(1_280),
])
.with_noise(60, 11);

/// `script` rendered at `rate`.
fn render(script: &Script, rate: SampleRate) -> Vec<i16> {
    let mut samples = vec![0i16; script.samples(rate)];
    script.add_to(rate, &mut samples);
    samples
}

/// Runs the example in `dir` and prints what happened.
pub fn run(dir: &Path) -> Result<ExitCode, SimError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SimError::Io { path, source }
    };
    let media = dir.join("media");
    std::fs::create_dir_all(&media).map_err(io(&media))?;
    let request_path = dir.join("request.json");
    std::fs::write(&request_path, REQUEST).map_err(io(&request_path))?;

    let prompt_rate = SampleRate::Hz16000;
    write_wav(
        &media.join("leave-a-message.wav"),
        prompt_rate,
        &render(&PROMPT, prompt_rate),
    )?;
    let rate = SampleRate::Hz8000;
    let caller = render(&CALLER, rate);
    let caller_path = dir.join("caller.wav");
    write_wav(&caller_path, rate, &caller)?;

    let recording_path = dir.join("recording.wav");
    let opts = RunOptions {
        media_dir: Some(media),
        call_id: "57dab8b1-894c-409a-b240-bd8beae78896".into(),
        hang_up_at_end: false,
        recording_location: Some(http::file_url(&recording_path)),
    };
    let plan = Plan::new(REQUEST, &opts).expect("the built-in request is valid");
    let mut out = std::io::stdout().lock();
    writeln!(out, "recresp demo: files in {}/", dir.display())?;
    writeln!(
        out,
        "  request.json, media/leave-a-message.wav (prompt), caller.wav (the caller)\n"
    )?;
    http::print_response(&mut out, &opts.call_id, &plan)?;
    let (outcome, timeline) = plan.run_timeline(&CallerAudio {
        rate,
        samples: caller,
    });
    let timeline_path = dir.join("timeline.svg");
    timeline::write(&timeline, &timeline_path)?;
    writeln!(out, "What the recorder saw:")?;
    for line in &outcome.log {
        writeln!(out, "  {line}")?;
    }
    writeln!(out)?;
    http::print_notification(&mut out, &outcome.notification)?;
    let notification_path = dir.join("notification.json");
    std::fs::write(&notification_path, format!("{}\n", outcome.notification))
        .map_err(io(&notification_path))?;
    let c = outcome.completion;
    writeln!(
        out,
        "\nCompleted: {} ({}, {} {}), at {:.3} s of the call",
        c.reason.as_str(),
        c.status.as_str(),
        c.result_info.code,
        c.result_info.subcode,
        c.at as f64 / rate.hz() as f64
    )?;
    if let Some(rec) = &outcome.recording {
        write_wav(&recording_path, rate, rec)?;
        writeln!(
            out,
            "Recording: {} ({:.3} s), notification: {}, timeline: {}",
            recording_path.display(),
            rec.len() as f64 / rate.hz() as f64,
            notification_path.display(),
            timeline_path.display()
        )?;
    } else {
        writeln!(
            out,
            "No recording; notification: {}, timeline: {}",
            notification_path.display(),
            timeline_path.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
