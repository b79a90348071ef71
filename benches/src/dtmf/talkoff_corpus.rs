//! The talk-off corpus beyond the English prompts: espeak-ng speech in 34 languages and
//! music from Debian packages, built by `scripts/make-talkoff-corpus.sh` at 8 and 16 kHz.
//! Each corpus has a tuning part and a held-out part (speech by language and voice, music
//! by track); see the script for which is which.

use std::path::PathBuf;

use crate::corpus;

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

/// Where the corpus lives: `$RECRESP_TALKOFF_DIR`, or `target/talkoff-corpus` in the
/// workspace.
pub fn dir() -> PathBuf {
    corpus::built_dir("RECRESP_TALKOFF_DIR", "talkoff-corpus")
}

/// Builds the corpus with `scripts/make-talkoff-corpus.sh` unless it is there already (the
/// script returns at once then), and returns its folder.
pub fn ensure() -> Result<PathBuf, String> {
    corpus::build("make-talkoff-corpus.sh", dir())
}

/// Every clip of `kind`/`part` at `rate_hz`, sorted by name; builds the corpus first if
/// needed. An empty or missing folder is an error, so an evaluation never passes on no data.
pub fn load(kind: Kind, part: Part, rate_hz: u32) -> Result<Vec<Clip>, String> {
    let folder = ensure()?
        .join(kind.name())
        .join(part.name())
        .join(rate_hz.to_string());
    let mut clips = Vec::new();
    for path in corpus::wav_files(&folder)? {
        let samples = corpus::read_wav(&path, rate_hz)?;
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
