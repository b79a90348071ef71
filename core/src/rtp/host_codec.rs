//! The host's own codecs on an RTP stream: payload types the core does not decode itself
//! (Opus, G.729, AMR-WB, ...) reach the receiver through a [`HostCodec`], which says each
//! one's RTP clock and decodes a packet's payload into 16-bit PCM at the sink's rate. The
//! receiver does the rest as for its own codecs: reordering, loss and silence on the
//! timeline (converted from the payload's clock to the sink's samples), keys, the host's
//! clock.

/// Most samples a [`HostCodec`] may return for one packet: 60 ms at 16 kHz (the receiver
/// decodes into a buffer of this size on the stack).
pub const HOST_FRAME_SAMPLES: usize = 960;

/// A codec the host brings. Implement it for the decoders your platform has.
pub trait HostCodec {
    /// The RTP clock rate in Hz of `payload_type`, if this codec decodes it (for example
    /// 48,000 for Opus, 8,000 for G.729, 16,000 for AMR-WB).
    fn clock_hz(&self, payload_type: u8) -> Option<u32>;

    /// Decodes one packet's payload of `payload_type` into `out` (16-bit PCM at the sink's
    /// rate, at most [`HOST_FRAME_SAMPLES`]); returns how many samples it wrote. Packets come
    /// in sequence order; a lost packet is simply not decoded (a codec with concealment can
    /// produce it on the next call).
    fn decode(&mut self, payload_type: u8, payload: &[u8], out: &mut [i16]) -> usize;

    /// The stream restarted (a new source, or a new operation): forget the decoding state.
    fn reset(&mut self) {}
}

/// No codec of the host's: only the core's own payload types are played.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NoHostCodec;

impl HostCodec for NoHostCodec {
    fn clock_hz(&self, _payload_type: u8) -> Option<u32> {
        None
    }

    fn decode(&mut self, _payload_type: u8, _payload: &[u8], _out: &mut [i16]) -> usize {
        0
    }
}
