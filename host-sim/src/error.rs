//! The simulator's error type: each variant says what went wrong in one line.

use std::fmt;
use std::path::PathBuf;

/// Anything that stops a simulator command.
#[derive(Debug)]
pub enum SimError {
    /// A WAV file could not be read or has a format the core does not take.
    Wav {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A packet capture could not be read, or does not hold the stream asked for.
    Capture {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Writing to standard output failed.
    Output(std::io::Error),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Wav { path, reason } => write!(f, "{}: {}", path.display(), reason),
            SimError::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            SimError::Capture { path, reason } => write!(f, "{}: {}", path.display(), reason),
            SimError::Output(e) => write!(f, "writing output: {e}"),
        }
    }
}

impl std::error::Error for SimError {}

impl From<std::io::Error> for SimError {
    fn from(e: std::io::Error) -> Self {
        SimError::Output(e)
    }
}
