//! WAV in and out: reads a caller's audio (16-bit mono PCM at 8 or 16 kHz) and writes a
//! recording in the same format.

use std::path::Path;

use recresp_core::SampleRate;

use crate::error::SimError;

/// A caller's audio, as the core takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerAudio {
    /// The sample rate of the file.
    pub rate: SampleRate,
    /// The samples, mono.
    pub samples: Vec<i16>,
}

/// Reads a 16-bit mono PCM WAV at 8 or 16 kHz. Any other format, a truncated file or a
/// file that is not WAV is a [`SimError::Wav`] that says why.
pub fn read_wav(path: &Path) -> Result<CallerAudio, SimError> {
    let bad = |reason: String| SimError::Wav {
        path: path.to_path_buf(),
        reason,
    };
    let reader = hound::WavReader::open(path).map_err(|e| match e {
        hound::Error::IoError(source) => SimError::Io {
            path: path.to_path_buf(),
            source,
        },
        other => bad(format!("not a readable WAV file ({other})")),
    })?;
    check_and_read(reader).map_err(bad)
}

/// Reads a WAV held in memory (an upload), with the same rules as [`read_wav`]; `Err` says
/// what is wrong with it.
pub fn decode_wav(bytes: &[u8]) -> Result<CallerAudio, String> {
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a readable WAV file ({e})"))?;
    check_and_read(reader)
}

/// Checks the format is one the core takes and reads the samples.
fn check_and_read<R: std::io::Read>(reader: hound::WavReader<R>) -> Result<CallerAudio, String> {
    let bad = |reason: String| reason;
    let spec = reader.spec();
    if spec.channels != 1 {
        return Err(bad(format!(
            "{} channels; recresp takes mono audio",
            spec.channels
        )));
    }
    if spec.sample_format != hound::SampleFormat::Int || spec.bits_per_sample != 16 {
        return Err(bad(format!(
            "{}-bit {:?} samples; recresp takes 16-bit integer PCM",
            spec.bits_per_sample, spec.sample_format
        )));
    }
    let rate = SampleRate::from_hz(spec.sample_rate).ok_or_else(|| {
        bad(format!(
            "{} Hz; recresp takes 8000 or 16000 Hz",
            spec.sample_rate
        ))
    })?;
    let samples = reader
        .into_samples::<i16>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(format!("truncated or damaged sample data ({e})")))?;
    Ok(CallerAudio { rate, samples })
}

/// The bytes of a 16-bit mono PCM WAV at `rate`, exactly as [`write_wav`] writes the file.
pub fn encode_wav(rate: SampleRate, samples: &[i16]) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate.hz(),
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = std::io::Cursor::new(Vec::with_capacity(44 + 2 * samples.len()));
    {
        let mut w = hound::WavWriter::new(&mut out, spec).expect("writing to memory cannot fail");
        for &s in samples {
            w.write_sample(s).expect("writing to memory cannot fail");
        }
        w.finalize().expect("writing to memory cannot fail");
    }
    out.into_inner()
}

/// Writes 16-bit mono PCM at `rate`.
pub fn write_wav(path: &Path, rate: SampleRate, samples: &[i16]) -> Result<(), SimError> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate.hz(),
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let io = |e: hound::Error| match e {
        hound::Error::IoError(source) => SimError::Io {
            path: path.to_path_buf(),
            source,
        },
        other => SimError::Wav {
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    };
    let mut w = hound::WavWriter::create(path, spec).map_err(io)?;
    for &s in samples {
        w.write_sample(s).map_err(io)?;
    }
    w.finalize().map_err(io)
}
