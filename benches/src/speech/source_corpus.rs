//! The speech detector's corpus by source: the music, non-speech sounds and voices listed in
//! `benches/speech-sources.tsv`, built by `scripts/make-speech-corpus.sh` as 8 kHz WAV. Each
//! source is either trained on (`train`) or held out (`held`): never trained or tuned on,
//! so the evaluation on it measures a source the detector has not met.

use std::path::{Path, PathBuf};

use crate::corpus::{self, Prompt};

/// What a source holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Music.
    Music,
    /// Sounds that are not speech (machines, traffic, impacts, crowds, alerts).
    Sound,
    /// A voice: utterances of one synthesizer voice, or the English Asterisk prompts.
    Voice,
}

/// Whether a source may be trained on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The network may be trained and tuned on it.
    Train,
    /// Never trained or tuned on.
    Held,
}

/// One line of the sources file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceInfo {
    /// Short name (file or folder name in the corpus).
    pub name: String,
    /// What it holds.
    pub kind: Kind,
    /// The Debian package it comes from.
    pub package: String,
    /// Its style, in words.
    pub style: String,
    /// Train or held out.
    pub role: Role,
}

/// A source with its audio.
pub struct Source {
    /// Its line in the sources file.
    pub info: SourceInfo,
    /// Music and sound: one clip (the excerpts joined). Voice: one clip per utterance.
    pub clips: Vec<Prompt>,
}

/// The sources file.
pub fn sources_file() -> PathBuf {
    corpus::workspace_root()
        .join("benches")
        .join("speech-sources.tsv")
}

/// Where the corpus lives: `$RECRESP_SPEECH_CORPUS`, or `target/speech-corpus`.
pub fn dir() -> PathBuf {
    corpus::built_dir("RECRESP_SPEECH_CORPUS", "speech-corpus")
}

/// Parses the sources file's text (tab-separated: name, kind, package, files, style, role;
/// `#` starts a comment line).
pub fn parse(text: &str) -> Result<Vec<SourceInfo>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [name, kind, package, _files, style, role] = cols[..] else {
            return Err(format!("line {}: {} columns, not 6", i + 1, cols.len()));
        };
        let kind = match kind {
            "music" => Kind::Music,
            "sound" => Kind::Sound,
            "voice" => Kind::Voice,
            k => return Err(format!("line {}: kind {k:?}", i + 1)),
        };
        let role = match role {
            "train" => Role::Train,
            "held" => Role::Held,
            r => return Err(format!("line {}: role {r:?}", i + 1)),
        };
        out.push(SourceInfo {
            name: name.into(),
            kind,
            package: package.into(),
            style: style.into(),
            role,
        });
    }
    Ok(out)
}

/// Every source listed in the sources file.
pub fn list() -> Result<Vec<SourceInfo>, String> {
    let path = sources_file();
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text)
}

/// Builds the corpus with `scripts/make-speech-corpus.sh` unless it is there already (the
/// script returns at once then), and returns its folder.
pub fn ensure() -> Result<PathBuf, String> {
    corpus::build("make-speech-corpus.sh", dir())
}

/// One 8 kHz clip of the corpus.
fn read_wav(path: &Path) -> Result<Prompt, String> {
    Ok(Prompt {
        path: path.to_path_buf(),
        samples: corpus::read_wav(path, 8000)?,
    })
}

/// Loads `info`'s audio from the built corpus at `root` (the Asterisk prompts from where
/// Debian installs them). A source without audio is an error, so an evaluation never passes
/// on no data.
pub fn load(root: &Path, info: &SourceInfo) -> Result<Source, String> {
    let clips = match info.kind {
        Kind::Music | Kind::Sound => {
            let folder = if info.kind == Kind::Music {
                "music"
            } else {
                "sound"
            };
            vec![read_wav(
                &root.join(folder).join(format!("{}.wav", info.name)),
            )?]
        }
        Kind::Voice if info.package == "asterisk-core-sounds-en-wav" => corpus::load_default()?,
        Kind::Voice => {
            let folder = root.join("voice").join(&info.name);
            corpus::wav_files(&folder)?
                .iter()
                .map(|p| read_wav(p))
                .collect::<Result<_, _>>()?
        }
    };
    if clips.is_empty() || clips.iter().any(|c| c.samples.is_empty()) {
        return Err(format!("speech corpus: {}: no audio", info.name));
    }
    Ok(Source {
        info: info.clone(),
        clips,
    })
}

/// The sources of `kind` and `role` (the Asterisk prompts left out: the existing test set
/// and training use them directly), built first if needed, in the file's order.
pub fn sources(kind: Kind, role: Role) -> Result<Vec<Source>, String> {
    let root = ensure()?;
    list()?
        .iter()
        .filter(|s| s.kind == kind && s.role == role)
        .filter(|s| s.package != "asterisk-core-sounds-en-wav")
        .map(|s| load(&root, s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sources_file_parses_and_holds_out_a_third_of_each_kind() {
        let all = list().expect("sources file");
        for kind in [Kind::Music, Kind::Sound, Kind::Voice] {
            let of_kind: Vec<_> = all.iter().filter(|s| s.kind == kind).collect();
            let held = of_kind.iter().filter(|s| s.role == Role::Held).count();
            assert!(of_kind.len() >= 6, "{kind:?}: {} sources", of_kind.len());
            assert!(3 * held >= of_kind.len(), "{kind:?}: {held} held");
        }
        let mut names: Vec<_> = all.iter().map(|s| &s.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len(), "names are unique");
        // The outside check's packages are never a source.
        assert!(all.iter().all(|s| !s.package.starts_with("asterisk-moh")
            && (!s.package.starts_with("asterisk-core-sounds")
                || s.package == "asterisk-core-sounds-en-wav")));
    }

    #[test]
    fn a_bad_line_is_an_error() {
        assert!(parse("a\tmusic\tp\tf\ts\ttrain\n").is_ok());
        assert!(parse("a\tnoise\tp\tf\ts\ttrain\n").is_err());
        assert!(parse("a\tmusic\tp\tf\ts\tmaybe\n").is_err());
        assert!(parse("a\tmusic\tp\n").is_err());
    }
}
