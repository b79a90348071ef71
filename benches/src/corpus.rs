//! The speech corpus: Debian's `asterisk-core-sounds-en-wav` (8 kHz, 16-bit mono prompts),
//! read in a stable order; and what every corpus of the evaluation reads its files with
//! (the workspace's folders, the script that builds a corpus, 16-bit mono WAV).

use std::path::{Path, PathBuf};
use std::process::Command;

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
        let samples = read_wav(&path, 8000)?;
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

/// The workspace root (the parent of `benches/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where a built corpus lives: the folder `$env_var` names, or `target/<name>` in the
/// workspace.
pub fn built_dir(env_var: &str, name: &str) -> PathBuf {
    match std::env::var_os(env_var) {
        Some(d) => PathBuf::from(d),
        None => workspace_root().join("target").join(name),
    }
}

/// Builds a corpus into `out` with `scripts/<script>` (which returns at once when it is
/// there already), and returns `out`.
pub fn build(script: &str, out: PathBuf) -> Result<PathBuf, String> {
    let script = workspace_root().join("scripts").join(script);
    let status = Command::new("bash")
        .arg(&script)
        .arg(&out)
        .status()
        .map_err(|e| format!("{}: {e}", script.display()))?;
    if !status.success() {
        return Err(format!("{} failed: {status}", script.display()));
    }
    Ok(out)
}

/// The WAV files directly in `folder`, sorted by path.
pub fn wav_files(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// The samples of a 16-bit mono WAV file at `rate_hz`; any other format is an error.
pub fn read_wav(path: &Path, rate_hz: u32) -> Result<Vec<i16>, String> {
    let reader = hound::WavReader::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let spec = reader.spec();
    if spec.channels != 1 || spec.sample_rate != rate_hz || spec.bits_per_sample != 16 {
        return Err(format!(
            "{}: {} channels, {} Hz, {} bits: not 16-bit mono at {rate_hz} Hz",
            path.display(),
            spec.channels,
            spec.sample_rate,
            spec.bits_per_sample
        ));
    }
    reader
        .into_samples::<i16>()
        .collect::<Result<Vec<i16>, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))
}
