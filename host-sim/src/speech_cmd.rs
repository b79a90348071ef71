//! `recresp-sim speech FILE.wav`: runs the speech detector (default settings) over a file and
//! prints each speech segment as a JSON line `{"start_ms":…,"end_ms":…}`.
//!
//! A segment runs from a `Start` onset to the following `End`; speech still going at the end
//! of the file is closed at the file's end. Milliseconds are rounded down.

use std::io::Write;
use std::path::Path;

use recresp_core::{SpeechDetector, SpeechEvent};

use crate::error::SimError;
use crate::wav::read_wav;

/// Reads `path` and writes one JSON line per detected speech segment to `out`.
pub fn run(path: &Path, out: &mut dyn Write) -> Result<(), SimError> {
    let audio = read_wav(path)?;
    let per_ms = audio.rate.per_ms() as u64;
    let mut detector = SpeechDetector::new(audio.rate);
    let mut segments = Vec::new();
    let mut open: Option<u64> = None;
    detector.push(&audio.samples, &mut |event| match event {
        SpeechEvent::Start { onset } => open = Some(onset),
        SpeechEvent::End { end } => {
            if let Some(start) = open.take() {
                segments.push((start, end));
            }
        }
        SpeechEvent::Confirmed { .. } => {}
    });
    if let Some(start) = open {
        segments.push((start, audio.samples.len() as u64));
    }
    for (start, end) in segments {
        let line = serde_json::json!({ "start_ms": start / per_ms, "end_ms": end / per_ms });
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wav::json_lines_of_command;
    use recresp_core::SampleRate;
    use recresp_harness::Lcg;

    fn tone_burst(rate: SampleRate, from_ms: usize, to_ms: usize, total_ms: usize) -> Vec<i16> {
        let per_ms = rate.per_ms() as usize;
        let mut rng = Lcg::new(5);
        (0..total_ms * per_ms)
            .map(|i| {
                let seed = rng.next_u32();
                let hiss = ((seed >> 16) as i16) / 256;
                let t = i as f64 / rate.hz() as f64;
                let on = (from_ms * per_ms..to_ms * per_ms).contains(&i);
                let voice = if on {
                    (0..8)
                        .map(|k| {
                            3000.0 * (2.0 * std::f64::consts::PI * 200.0 * (k + 1) as f64 * t).sin()
                                / (k + 1) as f64
                        })
                        .sum::<f64>()
                } else {
                    0.0
                };
                (voice as i16).saturating_add(hiss)
            })
            .collect()
    }

    #[test]
    fn prints_one_line_per_segment() {
        for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
            let mut x = tone_burst(rate, 1000, 1800, 2500);
            // Still speaking when the file ends: closed at the end.
            x.extend(tone_burst(rate, 100, 600, 600));
            let (lines, text) = json_lines_of_command(run, "speech-cmd", rate, &x);
            assert_eq!(lines.len(), 2, "{text}");
            let ms = |v: &serde_json::Value, k: &str| v[k].as_i64().unwrap();
            assert!((ms(&lines[0], "start_ms") - 1000).abs() <= 30, "{text}");
            // The speech detector reports the end 150 ms after the last frame it heard.
            assert!((ms(&lines[0], "end_ms") - 1950).abs() <= 30, "{text}");
            assert!((ms(&lines[1], "start_ms") - 2600).abs() <= 30, "{text}");
            assert_eq!(ms(&lines[1], "end_ms"), 3100, "{text}");
        }
    }

    #[test]
    fn bad_file_is_an_error() {
        let mut out = Vec::new();
        let err = run(Path::new("/nonexistent/recresp.wav"), &mut out).unwrap_err();
        assert!(matches!(err, SimError::Io { .. }), "{err}");
        assert!(out.is_empty());
    }
}
