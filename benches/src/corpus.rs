//! The speech corpus: Debian's `asterisk-core-sounds-en-wav` (8 kHz, 16-bit mono prompts),
//! read in a stable order.

use std::path::{Path, PathBuf};

/// Where Debian installs the prompts.
pub const ASTERISK_SOUNDS: &str = "/usr/share/asterisk/sounds/en_US_f_Allison";

/// One prompt of the corpus.
pub struct Prompt {
    /// The file it came from.
    pub path: PathBuf,
    /// Its samples at 8 kHz.
    pub samples: Vec<i16>,
}

/// Every WAV under `dir` (recursively), sorted by path, read as 16-bit mono 8 kHz.
/// Returns an error if the folder is missing or empty, or if any file cannot be read or is
/// in another format, so an evaluation never runs on less data than it says.
pub fn load(dir: &Path) -> Result<Vec<Prompt>, String> {
    let mut paths = Vec::new();
    collect(dir, &mut paths).map_err(|e| {
        format!(
            "{}: {e} (install Debian's asterisk-core-sounds-en-wav)",
            dir.display()
        )
    })?;
    paths.sort();
    let mut prompts = Vec::new();
    for path in paths {
        let reader =
            hound::WavReader::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let spec = reader.spec();
        if spec.channels != 1 || spec.sample_rate != 8000 || spec.bits_per_sample != 16 {
            return Err(format!(
                "{}: {} channels, {} Hz, {} bits: not 16-bit mono 8 kHz",
                path.display(),
                spec.channels,
                spec.sample_rate,
                spec.bits_per_sample
            ));
        }
        let samples = reader
            .into_samples::<i16>()
            .collect::<Result<Vec<i16>, _>>()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        prompts.push(Prompt { path, samples });
    }
    if prompts.is_empty() {
        return Err(format!(
            "{}: no 8 kHz mono WAV prompts found",
            dir.display()
        ));
    }
    Ok(prompts)
}

/// The default corpus, from [`ASTERISK_SOUNDS`].
pub fn load_default() -> Result<Vec<Prompt>, String> {
    load(Path::new(ASTERISK_SOUNDS))
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "wav") {
            out.push(path);
        }
    }
    Ok(())
}
