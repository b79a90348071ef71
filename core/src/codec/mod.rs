//! Audio codecs: stateful decoders (and encoders) that turn coded frames into the 16-bit
//! samples the detectors and the recorder work on, and back.
//!
//! # Design
//!
//! A codec is a plain value per channel: its whole state is a small `Copy` struct built by a
//! `const fn new()`, so a firmware keeps one per channel in a `static` or in an array, and a
//! host can snapshot or reset a channel by assignment. Nothing allocates and nothing is
//! shared between channels; the immutable tables (quantizer levels, filter taps) are `const`
//! items the channels read.
//!
//! The caller owns both buffers. `decode(codes, out)` and `encode(samples, out)` check up
//! front that `out` is large enough and return [`BufferTooSmall`] otherwise, leaving the
//! state untouched, so a call either does all of its work or none of it. Every input is
//! valid: any octet is a code word and any `i16` a sample, so there is no other error, and no
//! input can make a codec panic.
//!
//! A codec's output depends only on the sequence of its inputs, never on how they were
//! split into calls: a frame boundary inside a code word (G.722's pair of samples per octet
//! when encoding) is carried over in the state. Arithmetic is the codec standard's own
//! integer arithmetic, so results are the same bit for bit on x86 and on Cortex-M and match
//! other conforming implementations exactly (the benches crate's release tests compare with
//! SpanDSP).
//!
//! - [`Law`]: ITU-T G.711 μ-law and A-law, one byte per 8 kHz sample (decoding by table;
//!   the recorder's μ-law hold-back keeps the bytes).
//! - [`L16`]: uncompressed 16-bit samples on a payload type the SDP chose; it plays through
//!   the RTP receiver's hook for the host's codecs ([`HostCodec`](crate::rtp::HostCodec)).
//! - [`G722Decoder`], [`G722Encoder`]: ITU-T G.722 (sub-band ADPCM, 16 kHz audio at 64
//!   kbit/s; the decoder also reads 56 and 48 kbit/s, [`G722Rate`]).

mod g711;
mod g722;
mod l16;

pub use g711::{
    alaw_to_linear, linear_to_alaw, linear_to_ulaw, ulaw_to_linear, Law, ALAW_TO_LINEAR,
    ULAW_TO_LINEAR,
};
pub use g722::{
    G722Decoder, G722Encoder, G722Rate, G722_OCTET_RATE_HZ, G722_SAMPLES_PER_OCTET,
    G722_SAMPLE_RATE_HZ,
};
pub use l16::L16;

use core::fmt;

/// The output buffer given to a codec is too small for the whole input; nothing was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct BufferTooSmall {
    /// The number of output elements the input needs.
    pub needed: usize,
    /// The number of output elements the buffer has.
    pub available: usize,
}

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "output buffer too small: {} needed, {} available",
            self.needed, self.available
        )
    }
}

impl core::error::Error for BufferTooSmall {}
