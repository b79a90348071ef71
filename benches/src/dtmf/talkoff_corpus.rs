//! The talk-off corpus beyond the English prompts: espeak-ng speech in 34 languages and
//! music from Debian packages, built by `scripts/make-talkoff-corpus.sh` at 8 and 16 kHz.
//! Each corpus has a tuning part and a held-out part (speech by language and voice, music
//! by track); see the script for which is which.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Which corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// espeak-ng speech.
    Speech,
    /// Music.
    Music,
}

/// Which part of a corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The part detector settings may be tuned on.
    Tune,
    /// The held-out part, never tuned on.
    Held,
}

impl Kind {
    /// Folder name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Speech => "speech",
            Kind::Music => "music",
        }
    }
}

impl Part {
    /// Folder name.
    pub fn name(self) -> &'static str {
        match self {
            Part::Tune => "tune",
            Part::Held => "held",
        }
    }
}

/// One file of the corpus.
pub struct Clip {
    /// Its name (file stem).
    pub name: String,
    /// Its samples.
    pub samples: Vec<i16>,
}

/// The workspace root (the parent of `benches/`).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where the corpus lives: `$RECRESP_TALKOFF_DIR`, or `target/talkoff-corpus` in the
/// workspace.
pub fn dir() -> PathBuf {
    match std::env::var_os("RECRESP_TALKOFF_DIR") {
        Some(d) => PathBuf::from(d),
        None => workspace_root().join("target").join("talkoff-corpus"),
    }
}

/// Builds the corpus with `scripts/make-talkoff-corpus.sh` unless it is there already (the
/// script returns at once then), and returns its folder.
pub fn ensure() -> Result<PathBuf, String> {
    let out = dir();
    let script = workspace_root()
        .join("scripts")
        .join("make-talkoff-corpus.sh");
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

/// Every clip of `kind`/`part` at `rate_hz`, sorted by name; builds the corpus first if
/// needed. An empty or missing folder is an error, so an evaluation never passes on no data.
pub fn load(kind: Kind, part: Part, rate_hz: u32) -> Result<Vec<Clip>, String> {
    let folder = ensure()?
        .join(kind.name())
        .join(part.name())
        .join(rate_hz.to_string());
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    paths.sort();
    let mut clips = Vec::new();
    for path in paths {
        let reader =
            hound::WavReader::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let spec = reader.spec();
        if spec.channels != 1 || spec.sample_rate != rate_hz || spec.bits_per_sample != 16 {
            return Err(format!(
                "{}: not 16-bit mono at {rate_hz} Hz",
                path.display()
            ));
        }
        let samples = reader
            .into_samples::<i16>()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        clips.push(Clip { name, samples });
    }
    if clips.is_empty() {
        return Err(format!("{}: no clips", folder.display()));
    }
    Ok(clips)
}
