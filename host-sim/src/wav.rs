//! WAV in and out: reads a caller's audio (16-bit mono PCM at 8 or 16 kHz) and writes a
//! recording in the same format.

use std::io::Read;
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
    // hound has read the header and stands at the first sample; the data is read in blocks
    // of 64 KiB and converted block by block, not sample by sample through an iterator.
    let total = reader.len() as usize * 2;
    let mut samples = Vec::with_capacity(total / 2);
    let mut data = reader.into_inner();
    let mut block = vec![0u8; 1 << 16];
    let mut left = total;
    while left > 0 {
        let chunk = &mut block[..left.min(1 << 16)];
        data.read_exact(chunk).map_err(|e| {
            bad(format!(
                "truncated or damaged sample data ({} of {total} bytes: {e})",
                total - left
            ))
        })?;
        samples.extend(
            chunk
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]])),
        );
        left -= chunk.len();
    }
    Ok(CallerAudio { rate, samples })
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
