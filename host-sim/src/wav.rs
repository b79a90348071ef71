//! WAV in and out: reads a caller's audio (16-bit mono PCM at 8 or 16 kHz) and writes a
//! recording in the same format. Outputs are written atomically: into a temporary file in
//! the same folder, then renamed over the target, so a reader never sees half a file.

use std::io::{BufWriter, Write};
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
    let bytes = std::fs::read(path).map_err(|source| SimError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    decode_wav(&bytes).map_err(|reason| SimError::Wav {
        path: path.to_path_buf(),
        reason,
    })
}

/// Reads a WAV held in memory (an upload or a file's bytes), with the same rules as
/// [`read_wav`]; `Err` says what is wrong with it.
///
/// Nothing is allocated from the header's sizes: the data chunk's declared length is checked
/// against the bytes actually present before any sample is read, so a 100-byte file that
/// claims 4 GiB of samples is refused, not trusted.
pub fn decode_wav(bytes: &[u8]) -> Result<CallerAudio, String> {
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a readable WAV file ({e})"))?;
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
    // hound has read the header and stands at the first sample.
    let declared = u64::from(reader.len()) * 2;
    let cursor = reader.into_inner();
    let start = usize::try_from(cursor.position()).unwrap_or(bytes.len());
    let data = bytes.get(start..).unwrap_or_default();
    if declared > data.len() as u64 {
        return Err(format!(
            "truncated or damaged: the header declares {declared} bytes of samples, the file holds {}",
            data.len()
        ));
    }
    let samples = data[..declared as usize]
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
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

/// Writes `samples` to a WAV file named after `name`, runs the command `run` over it and
/// returns what it printed, one parsed JSON value a line, with the whole text.
#[cfg(test)]
pub(crate) fn json_lines_of_command(
    run: fn(&Path, &mut dyn Write) -> Result<(), SimError>,
    name: &str,
    rate: SampleRate,
    samples: &[i16],
) -> (Vec<serde_json::Value>, String) {
    let path = std::env::temp_dir().join(format!(
        "recresp-{name}-{}-{}.wav",
        rate.hz(),
        std::process::id()
    ));
    write_wav(&path, rate, samples).unwrap();
    let mut out = Vec::new();
    run(&path, &mut out).unwrap();
    std::fs::remove_file(&path).ok();
    let text = String::from_utf8(out).unwrap();
    let lines = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (lines, text)
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

    /// A WAV header for 16-bit mono PCM at 8 kHz whose RIFF and data sizes are given.
    fn header(riff_size: u32, data_size: u32) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend_from_slice(b"RIFF");
        h.extend_from_slice(&riff_size.to_le_bytes());
        h.extend_from_slice(b"WAVEfmt ");
        h.extend_from_slice(&16u32.to_le_bytes());
        h.extend_from_slice(&1u16.to_le_bytes());
        h.extend_from_slice(&1u16.to_le_bytes());
        h.extend_from_slice(&8000u32.to_le_bytes());
        h.extend_from_slice(&16000u32.to_le_bytes());
        h.extend_from_slice(&2u16.to_le_bytes());
        h.extend_from_slice(&16u16.to_le_bytes());
        h.extend_from_slice(b"data");
        h.extend_from_slice(&data_size.to_le_bytes());
        h
    }

    #[test]
    fn a_header_claiming_more_than_the_file_holds_is_refused() {
        let mut wav = header(u32::MAX, u32::MAX - 1);
        wav.resize(144, 0);
        let e = decode_wav(&wav).unwrap_err();
        assert!(e.contains("declares 4294967294 bytes"), "{e}");
        assert!(e.contains("holds 100"), "{e}");
        // One byte short of the declared size.
        let mut short = header(36 + 200, 200);
        short.resize(44 + 199, 0);
        assert!(decode_wav(&short).unwrap_err().contains("truncated"));
        // Exactly the declared size reads; bytes after the data chunk are ignored.
        let mut exact = header(36 + 200, 200);
        exact.resize(44 + 200, 1);
        assert_eq!(decode_wav(&exact).unwrap().samples.len(), 100);
        exact.extend_from_slice(b"LIST\x04\0\0\0abcd");
        assert_eq!(decode_wav(&exact).unwrap().samples, vec![0x0101; 100]);
    }

    #[test]
    fn odd_headers_are_errors_not_panics() {
        let good = header(36 + 4, 4);
        let cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"RIFF".to_vec(),
            good[..20].to_vec(),
            good[..43].to_vec(),
            {
                // A fmt chunk that claims 4 GiB.
                let mut h = good.clone();
                h[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
                h
            },
            {
                // An unknown chunk that claims 4 GiB before the data chunk.
                let mut h = good[..36].to_vec();
                h.extend_from_slice(b"junk");
                h.extend_from_slice(&u32::MAX.to_le_bytes());
                h.extend_from_slice(&[0; 16]);
                h
            },
            {
                // Zero channels, zero rate.
                let mut h = good.clone();
                h[22..24].copy_from_slice(&0u16.to_le_bytes());
                h[24..28].copy_from_slice(&0u32.to_le_bytes());
                h
            },
        ];
        for (i, wav) in cases.iter().enumerate() {
            let r = decode_wav(wav);
            assert!(r.is_err(), "case {i} was accepted: {r:?}");
        }
    }

    /// A deterministic mutation fuzzer for the WAV reader, run by `scripts/test-fuzz.sh`
    /// under a memory limit (10 million executions; `WAV_FUZZ_EXECS` sets another count,
    /// `WAV_FUZZ_SEED` another seed). Each execution mutates a valid file (with and without
    /// extra chunks): bit flips, interesting bytes (sizes of 0, 2^31, 2^32 − 1 written over
    /// any field), truncation, extension. The reader must never panic nor allocate from a
    /// header's claims (the limit turns that into an abort), and what it accepts is at
    /// most the bytes it was given.
    #[test]
    #[ignore = "long: scripts/test-fuzz.sh runs it (fuzz profile, memory limit)"]
    fn wav_reader_fuzz() {
        use recresp_harness::SplitMix64;
        let env = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let execs = env("WAV_FUZZ_EXECS", 10_000_000);
        let mut rng = SplitMix64::new(env("WAV_FUZZ_SEED", 0x3A7));
        let samples: Vec<i16> = (0..200).map(|i| (i * 331) as i16).collect();
        let plain = encode_wav(SampleRate::Hz8000, &samples);
        // The same with a LIST chunk before the data, as editors write it.
        let mut listed = plain[..36].to_vec();
        listed.extend_from_slice(b"LIST\x0a\0\0\0INFOabcdef");
        listed.extend_from_slice(&plain[36..]);
        let seeds = [
            plain,
            listed,
            encode_wav(SampleRate::Hz16000, &samples[..7]),
        ];
        let (mut accepted, mut refused) = (0u64, 0u64);
        let mut file = Vec::with_capacity(1024);
        for i in 0..execs {
            file.clear();
            file.extend_from_slice(&seeds[rng.below(seeds.len())]);
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(file.len() + 1);
                match rng.below(6) {
                    0 | 1 => {
                        if let Some(b) = file.get_mut(at) {
                            *b ^= 1 << rng.below(8);
                        }
                    }
                    2 => {
                        let v: u32 = [0, 1, 2, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF]
                            [rng.below(7)];
                        for (k, b) in v.to_le_bytes().into_iter().enumerate() {
                            if let Some(slot) = file.get_mut(at + k) {
                                *slot = b;
                            }
                        }
                    }
                    3 => file.truncate(at),
                    4 => {
                        let n = rng.below(64);
                        file.extend((0..n).map(|k| k as u8));
                    }
                    _ => {
                        let n = rng.below(8).min(file.len() - at.min(file.len()));
                        file.drain(at..at + n);
                    }
                }
            }
            match decode_wav(&file) {
                Ok(audio) => {
                    accepted += 1;
                    assert!(
                        audio.samples.len() * 2 <= file.len(),
                        "exec {i}: {} samples from {} bytes",
                        audio.samples.len(),
                        file.len()
                    );
                }
                Err(e) => {
                    refused += 1;
                    assert!(!e.is_empty(), "exec {i}");
                }
            }
        }
        println!("wav fuzz: {execs} executions, {accepted} accepted, {refused} refused");
        if execs >= 100_000 {
            assert!(accepted > 0 && refused > 0, "both sides reached");
        }
    }
}
