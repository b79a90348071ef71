//! ITU-T G.722: 7 kHz wideband audio at 64 kbit/s, sub-band ADPCM.
//!
//! The encoder splits 16 kHz samples into a lower band (0–4 kHz) and an upper band (4–8 kHz)
//! with a 24-tap quadrature mirror filter (`qmf`), codes each band at 8 kHz with backward
//! adaptive ADPCM (`band`, `predictor`), 6 bits for the lower band and 2 for the upper,
//! and packs them into one octet per pair of samples: upper band in bits 7–6, lower band in
//! bits 5–0. The decoder runs the same band state from the same codes and recombines the two
//! bands with the mirror filter. Nothing is sent but the codes: encoder and decoder stay in
//! step because both adapt from the codes alone.
//!
//! Everything is the standard's 16-bit fixed-point arithmetic, in `i32` with explicit
//! saturation, so the output is the same bit for bit on any target; the release test
//! `benches/tests/g722_spandsp.rs` checks it against SpanDSP's implementation.
//!
//! State per channel: [`G722Decoder`] is 134 bytes, [`G722Encoder`] 136 bytes
//! (`core::mem::size_of`, checked by a test): two bands of 21 `i16` each (scale factor,
//! log scale factor, predictor), the 12 pairs of the mirror filter, and a rate or a sample
//! waiting for its pair.
//!
//! Cost on a Cortex-M3 (`scripts/g722-cost.sh`, opt-level `s`): 59,929 instructions per
//! 10 ms frame to decode, 66,934 to encode.
//!
//! RTP carries G.722 as payload type 9 (RFC 3551) on an 8 kHz clock although the audio is
//! sampled at 16 kHz: one RTP tick per octet, two samples per octet.

mod band;
mod decoder;
mod encoder;
mod predictor;
mod qmf;

pub use band::G722Rate;
pub use decoder::G722Decoder;
pub use encoder::G722Encoder;

/// The sample rate of G.722's audio, in Hz.
pub const G722_SAMPLE_RATE_HZ: u32 = 16_000;

/// The rate of G.722's code octets, in octets per second (also its RTP clock rate).
pub const G722_OCTET_RATE_HZ: u32 = 8_000;

/// 16 kHz samples per code octet.
pub const G722_SAMPLES_PER_OCTET: usize = 2;
