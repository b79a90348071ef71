//! The G.722 encoder at 64 kbit/s: 16 kHz samples in, code octets out, one octet per two
//! samples.

use super::band::{HighBand, LowBand};
use super::predictor::saturate_i16;
use super::qmf::QmfDelayLine;
use crate::codec::BufferTooSmall;

/// A G.722 encoder for one channel at 64 kbit/s: its whole state, `Copy`.
///
/// Samples pair up into octets across calls: an odd sample at the end of one call waits in
/// the state for the next, so the octets depend only on the samples, never on how they were
/// split. Every `i16` is a valid input (full scale included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct G722Encoder {
    low: LowBand,
    high: HighBand,
    analysis: QmfDelayLine,
    /// The first sample of a pair whose second has not come yet.
    pending: Option<i16>,
}

impl Default for G722Encoder {
    fn default() -> Self {
        Self::new()
    }
}

impl G722Encoder {
    /// An encoder at rest.
    pub const fn new() -> Self {
        G722Encoder {
            low: LowBand::new(),
            high: HighBand::new(),
            analysis: QmfDelayLine::new(),
            pending: None,
        }
    }

    /// How many octets `encode` writes for `samples` more samples: the pairs they complete
    /// with the sample waiting, if any.
    pub const fn codes_for(&self, samples: usize) -> usize {
        let waiting = if self.pending.is_some() { 1 } else { 0 };
        (samples / 2) + ((samples % 2 + waiting) / 2)
    }

    /// Whether one sample waits for its pair.
    pub const fn has_pending_sample(&self) -> bool {
        self.pending.is_some()
    }

    /// Encodes `samples` (16 kHz) into `out` and returns the number of octets written,
    /// [`codes_for`](Self::codes_for)`(samples.len())`. When `out` holds fewer, nothing is
    /// encoded and the state is unchanged.
    pub fn encode(&mut self, samples: &[i16], out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let needed = self.codes_for(samples.len());
        if out.len() < needed {
            return Err(BufferTooSmall {
                needed,
                available: out.len(),
            });
        }
        let mut slots = out.iter_mut();
        for &sample in samples {
            match self.pending.take() {
                None => self.pending = Some(sample),
                Some(first) => {
                    let code = self.encode_pair(first, sample);
                    // There is a slot for every pair (checked above).
                    if let Some(slot) = slots.next() {
                        *slot = code;
                    }
                }
            }
        }
        Ok(needed)
    }

    /// Encodes two consecutive 16 kHz samples, oldest first, into one octet (a sample waiting
    /// from [`encode`](Self::encode) is not involved).
    pub fn encode_pair(&mut self, first: i16, second: i16) -> u8 {
        // The newer sample meets the even taps, the older one the odd taps.
        let (newer_q13, older_q13) = self.analysis.push(second, first);
        // Q13 taps, the sum of two filters, and 16-bit samples down to the codec's 15 bits:
        // a shift right by 13 + 1.
        let low = saturate_i16((newer_q13 + older_q13) >> 14);
        let high = saturate_i16((newer_q13 - older_q13) >> 14);

        let low_code = self.low.quantize(saturate_i16(
            i32::from(low) - i32::from(self.low.estimate()),
        ));
        self.low.adapt(low_code);
        let high_code = self.high.quantize(saturate_i16(
            i32::from(high) - i32::from(self.high.estimate()),
        ));
        self.high.decode(high_code);
        (high_code << 6) | low_code
    }
}
