//! WAV in and out: reads a caller's audio (16-bit mono PCM at 8 or 16 kHz) and writes a
//! recording in the same format. Outputs are written atomically: into a temporary file in
//! the same folder, then renamed over the target, so a reader never sees half a file.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

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
fn check_and_read<R: Read>(reader: hound::WavReader<R>) -> Result<CallerAudio, String> {
    let spec = reader.spec();
    if spec.channels != 1 {
        return Err(format!(
            "{} channels; recresp takes mono audio",
            spec.channels
        ));
    }
    if spec.sample_format != hound::SampleFormat::Int || spec.bits_per_sample != 16 {
        return Err(format!(
            "{}-bit {:?} samples; recresp takes 16-bit integer PCM",
            spec.bits_per_sample, spec.sample_format
        ));
    }
    let rate = SampleRate::from_hz(spec.sample_rate)
        .ok_or_else(|| format!("{} Hz; recresp takes 8000 or 16000 Hz", spec.sample_rate))?;
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
            format!(
                "truncated or damaged sample data ({} of {total} bytes: {e})",
                total - left
            )
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

/// Writes 16-bit mono PCM at `rate`, atomically: the bytes of [`encode_wav`].
pub fn write_wav(path: &Path, rate: SampleRate, samples: &[i16]) -> Result<(), SimError> {
    write_file(path, &encode_wav(rate, samples))
}

/// Writes `bytes` to `path`, atomically.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), SimError> {
    write_atomically(path, |file| {
        let mut w = BufWriter::new(file);
        w.write_all(bytes)?;
        w.flush()
    })
}

/// Removes an output left by an earlier run, if there is one.
pub fn remove_stale(path: &Path) -> Result<(), SimError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(SimError::Io {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Runs `write` on a new temporary file next to `path` (same folder, so the rename cannot
/// cross file systems), syncs it, and renames it to `path`. On any failure the temporary
/// file is removed and `path` is untouched.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), SimError> {
    let fail = |source| SimError::Io {
        path: path.to_path_buf(),
        source,
    };
    let temp = temp_path(path);
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut file| {
            write(&mut file)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(fail)
}

/// `.NAME.PID.N.tmp` in the folder of `path`: unique per process and call.
fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("recresp-wav-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let d = dir("fail");
        let target = d.join("out.json");
        std::fs::write(&target, "old").unwrap();
        let r = write_atomically(&target, |f| {
            f.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        let names: Vec<_> = std::fs::read_dir(&d).unwrap().collect();
        assert_eq!(names.len(), 1, "only the target is left");
        write_file(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
        remove_stale(&target).unwrap();
        remove_stale(&target).unwrap();
        assert!(!target.exists());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_written_wav_reads_back() {
        let d = dir("wav");
        let target = d.join("rec.wav");
        let samples: Vec<i16> = (0..800).map(|i| (i * 37 % 2000) as i16 - 1000).collect();
        write_wav(&target, SampleRate::Hz8000, &samples).unwrap();
        let back = read_wav(&target).unwrap();
        assert_eq!(back.samples, samples);
        assert_eq!(back.rate, SampleRate::Hz8000);
        let _ = std::fs::remove_dir_all(&d);
    }
}
