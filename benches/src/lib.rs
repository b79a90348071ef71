//! Shared helpers for recresp's benchmarks and peer comparisons: the speech corpus and
//! signal generation.
pub mod corpus;
pub mod dtmf_fingerprint;
pub mod dtmf_recresp;
pub mod dtmf_signals;
pub mod dtmf_suite;
pub mod dtmf_talkoff;
pub mod music;
pub mod noise;
pub mod silero_vad;
pub mod spandsp;
pub mod speech_deaf;
pub mod speech_regression;
pub mod speech_score;
pub mod speech_testset;
pub mod talkoff_corpus;
pub mod webrtc_vad;
