//! L16: uncompressed 16-bit big-endian samples (RFC 3551 §4.5.11), one per tick of the RTP
//! clock, on a payload type the SDP chose (`L16/8000`, `L16/16000`). It reaches the RTP
//! receiver as a [`HostCodec`](crate::rtp::HostCodec), the hook through which a host adds
//! payload types: it shows what such a codec is, and needs no state.

use crate::rtp::HostCodec;

/// L16 mono on payload type `pt` at `clock_hz` (the sink's rate: 8000 or 16000).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct L16 {
    /// The payload type the SDP gave `L16/<clock_hz>`.
    pub pt: u8,
    /// Its RTP clock, which is its sample rate.
    pub clock_hz: u32,
}

impl HostCodec for L16 {
    fn clock_hz(&self, payload_type: u8) -> Option<u32> {
        (payload_type == self.pt).then_some(self.clock_hz)
    }

    fn decode(&mut self, _payload_type: u8, payload: &[u8], out: &mut [i16]) -> usize {
        let mut n = 0;
        for (slot, pair) in out.iter_mut().zip(payload.chunks_exact(2)) {
            if let [hi, lo] = *pair {
                *slot = i16::from_be_bytes([hi, lo]);
                n += 1;
            }
        }
        n
    }
}
