//! `recresp-sim`: runs the recresp core on WAV files and speaks Graph's JSON.
mod error;
mod vad_cmd;
mod wav;

fn main() {}
