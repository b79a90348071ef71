//! The G.722 decoder: code octets in, 16 kHz samples out, two samples per octet.

use super::band::{G722Rate, HighBand, LowBand};
use super::predictor::saturate_i16;
use super::qmf::QmfDelayLine;
use crate::codec::BufferTooSmall;

/// A G.722 decoder for one channel: its whole state, `Copy`, with no reference to anything
/// else, so a `static` or an array of channels holds it directly.
///
/// Every octet is a valid code word (bits 7–6: the upper band, bits 5–0: the lower band), so
/// decoding never fails on content; it fails only when the output buffer is too small.
/// The output depends only on the octets, never on how they were split between calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct G722Decoder {
    low: LowBand,
    high: HighBand,
    synthesis: QmfDelayLine,
    rate: G722Rate,
}

impl Default for G722Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl G722Decoder {
    /// A decoder at rest, for 64 kbit/s (the rate of RTP's payload type 9).
    pub const fn new() -> Self {
        Self::with_rate(G722Rate::Kbit64)
    }

    /// A decoder at rest for `rate`. At 56 and 48 kbit/s the octets keep the 64 kbit/s
    /// layout and their auxiliary data bits are ignored.
    pub const fn with_rate(rate: G722Rate) -> Self {
        G722Decoder {
            low: LowBand::new(),
            high: HighBand::new(),
            synthesis: QmfDelayLine::new(),
            rate,
        }
    }

    /// The rate this decoder reads.
    pub const fn rate(&self) -> G722Rate {
        self.rate
    }

    /// Decodes `codes` into `out`, two 16 kHz samples per octet, and returns the number of
    /// samples written (`2 * codes.len()`). When `out` holds fewer, nothing is decoded and the
    /// state is unchanged.
    pub fn decode(&mut self, codes: &[u8], out: &mut [i16]) -> Result<usize, BufferTooSmall> {
        let needed = codes.len().saturating_mul(2);
        if out.len() < needed {
            return Err(BufferTooSmall {
                needed,
                available: out.len(),
            });
        }
        for (&octet, pair) in codes.iter().zip(out.chunks_exact_mut(2)) {
            let [first, second] = self.decode_octet(octet);
            pair[0] = first;
            pair[1] = second;
        }
        Ok(needed)
    }

    /// Decodes one octet into its two 16 kHz samples, oldest first.
    pub fn decode_octet(&mut self, octet: u8) -> [i16; 2] {
        let low = self.low.reconstruct(octet, self.rate);
        self.low.adapt(octet);
        let high = self.high.decode(octet >> 6);
        let difference = saturate_i16(i32::from(low) - i32::from(high));
        let sum = saturate_i16(i32::from(low) + i32::from(high));
        let (first_q13, second_q13) = self.synthesis.push(difference, sum);
        // Q13 taps, the synthesis gain of 2, and the 15-bit band signals back to 16 bits:
        // a shift right by 13 − 1 − 1.
        [
            saturate_i16(first_q13 >> 11),
            saturate_i16(second_q13 >> 11),
        ]
    }
}
