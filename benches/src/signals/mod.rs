//! Generated test signals, deterministic from a seed: DTMF tones and G.711 round trips,
//! line noise, music.
pub mod dtmf;
pub mod music;
pub mod noise;
