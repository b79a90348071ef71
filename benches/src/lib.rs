//! Shared helpers for recresp's benchmarks and peer comparisons: the speech corpus and
//! signal generation.
pub mod corpus;
pub mod noise;
pub mod vad_regression;
pub mod vad_score;
pub mod vad_testset;
pub mod webrtc_vad;
