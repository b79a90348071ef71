//! `recresp-sim`: runs the recresp core on WAV files and speaks Graph's JSON.
mod dtmf_cmd;
mod error;
mod wav;

fn main() {}
