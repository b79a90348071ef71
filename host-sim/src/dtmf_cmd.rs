//! `recresp-sim dtmf FILE.wav`: runs the core's DTMF detector over a WAV file and prints one
//! JSON object per detected digit, e.g. `{"digit":"#","start_ms":1234.5,"end_ms":1334.0}`.
//!
//! Times are in milliseconds from the start of the file: the digit's reported onset and end
//! (each accurate to about one 8 ms analysis block).

use std::io::Write;
use std::path::Path;

use recresp_core::{DtmfDetector, DtmfEvent, SampleRate};

use crate::error::SimError;
use crate::wav::read_wav;

/// One detected digit, as printed.
#[derive(Clone, Debug, PartialEq)]
struct DigitLine {
    digit: char,
    start_ms: f64,
    end_ms: f64,
}

/// The digits in `samples` at `rate`, from start to end.
fn detect(rate: SampleRate, samples: &[i16]) -> Vec<DigitLine> {
    let per_ms = rate.per_ms() as f64;
    let mut det = DtmfDetector::new(rate);
    let mut lines: Vec<DigitLine> = Vec::new();
    let mut on_event = |e: DtmfEvent| match e {
        DtmfEvent::Start { digit, onset } => lines.push(DigitLine {
            digit: digit.as_char(),
            start_ms: onset as f64 / per_ms,
            end_ms: f64::NAN,
        }),
        DtmfEvent::End { end, .. } => {
            if let Some(last) = lines.last_mut() {
                last.end_ms = end as f64 / per_ms;
            }
        }
    };
    det.push(samples, &mut on_event);
    det.finish(&mut on_event);
    lines
}

/// Reads the WAV at `path` and writes one JSON line per detected digit to `out`.
pub fn run(path: &Path, out: &mut dyn Write) -> Result<(), SimError> {
    let audio = read_wav(path)?;
    for line in detect(audio.rate, &audio.samples) {
        let json = serde_json::json!({
            "digit": line.digit.to_string(),
            "start_ms": line.start_ms,
            "end_ms": line.end_ms,
        });
        writeln!(out, "{json}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wav::json_lines_of_command;

    /// Two keys (`#` then `5`) of 100 ms each at −10 dBm0, 200 ms apart, after 300 ms of
    /// silence.
    fn two_keys(rate: SampleRate) -> Vec<i16> {
        let fs = rate.hz() as f64;
        let amp = 32767.0 * 10f64.powf((-10.0 - 3.17) / 20.0);
        let mut x = vec![0i16; rate.samples_in_ms(300) as usize];
        for (lo, hi) in [(941.0, 1477.0), (770.0, 1336.0)] {
            let n = rate.samples_in_ms(100) as usize;
            x.extend((0..n).map(|i| {
                let t = i as f64 / fs;
                let v = amp
                    * ((2.0 * std::f64::consts::PI * lo * t).sin()
                        + (2.0 * std::f64::consts::PI * hi * t).sin());
                v.round() as i16
            }));
            x.extend(std::iter::repeat_n(0, rate.samples_in_ms(200) as usize));
        }
        x
    }

    #[test]
    fn prints_one_json_line_per_digit() {
        for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
            let (lines, text) = json_lines_of_command(run, "dtmf-cmd", rate, &two_keys(rate));
            assert_eq!(lines.len(), 2, "{text}");
            let want = [("#", 300.0, 400.0), ("5", 600.0, 700.0)];
            for (v, (digit, start, end)) in lines.iter().zip(want) {
                assert_eq!(v["digit"], digit);
                let s = v["start_ms"].as_f64().unwrap();
                let e = v["end_ms"].as_f64().unwrap();
                assert!((s - start).abs() <= 10.0, "{text}");
                assert!((e - end).abs() <= 10.0, "{text}");
            }
        }
    }

    #[test]
    fn missing_file_is_an_error() {
        let mut out = Vec::new();
        let err = run(Path::new("/nonexistent/recresp.wav"), &mut out).unwrap_err();
        assert!(err.to_string().contains("recresp.wav"));
        assert!(out.is_empty());
    }
}
