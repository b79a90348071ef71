//! recresp's evaluation lab: the corpora, test signals and peer detectors that the detector
//! evaluations, the release tests and the criterion benches share, laid out by subject.
//!
//! - [`dtmf`]: the DTMF receiver's suite (ITU-T Q.24), talk-off and fingerprints.
//! - [`speech`]: the speech detector's test set, scoring, "never deaf" scenarios and the
//!   evaluation by source.
//! - [`peers`]: the detectors and codecs recresp is compared with (SpanDSP, WebRTC VAD,
//!   Silero VAD), through minimal bindings.
//! - [`signals`]: generated signals: DTMF tones and line coding, noise, music.
//! - [`corpus`]: the Asterisk speech prompts that both detectors are measured on.
//!
//! The binaries under `src/bin/` print the evaluation tables; the tests under `tests/`
//! hold the results as assertions; the criterion benches under `benches/` time the code.
pub mod corpus;
pub mod dtmf;
pub mod peers;
pub mod signals;
pub mod speech;
