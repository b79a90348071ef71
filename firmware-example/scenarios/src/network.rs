//! The caller's media as the phone's network interface hands it over: every 10 ms frame (80
//! bytes of G.711 or 80 octets of G.722) is sent as one RTP packet (its payload type,
//! sequence number, timestamp on the 8 kHz RTP clock, SSRC), and the network
//! loses, reorders and duplicates a few of them in a fixed pattern, so the same calls give
//! the same packets on every build and target.
//!
//! The sequence number and the timestamp start just below their wrap, so both wrap during a
//! call.

use recresp_core::rtp::write_packet;

use crate::runner::FRAME_BYTES;

/// Bytes of one packet: the 12-byte header and one frame.
pub const PACKET_BYTES: usize = 12 + FRAME_BYTES;
/// RTP clock ticks (8 kHz, for G.722 too: RFC 3551) in one frame.
pub const FRAME_TICKS: u32 = 80;
/// The caller's SSRC.
pub const SSRC: u32 = 0x5EC0_F1F0;
/// Sequence number of the first packet of a call.
pub const FIRST_SEQUENCE: u16 = 0xFFF0;
/// Timestamp of the first packet of a call.
pub const FIRST_TIMESTAMP: u32 = 0xFFFF_F000;
/// The impairment repeats every this many packets.
pub const PERIOD: u32 = 37;
/// Packet of each period that is lost.
pub const LOST: u32 = 11;
/// Packet of each period that arrives after the next one.
pub const LATE: u32 = 23;
/// Packet of each period that arrives twice.
pub const TWICE: u32 = 30;

/// Packetizes frames and delivers them as the network would. The packets are built in the
/// network's own two buffers (one may hold the late packet), not on the stack.
pub struct Network {
    payload_type: u8,
    sent: u32,
    packets: [[u8; PACKET_BYTES]; 2],
    /// The late packet: its buffer and length.
    held: Option<(usize, usize)>,
}

impl Network {
    /// A network at the start of a call whose packets carry `payload_type`.
    pub const fn new(payload_type: u8) -> Self {
        Network {
            payload_type,
            sent: 0,
            packets: [[0; PACKET_BYTES]; 2],
            held: None,
        }
    }

    /// Sends the next frame; `deliver` gets the packets that arrive meanwhile (none, one or
    /// two), in arrival order.
    pub fn send(&mut self, frame: &[u8], mut deliver: impl FnMut(&[u8])) {
        let k = self.sent;
        self.sent = self.sent.wrapping_add(1);
        // The buffer the late packet does not hold.
        let slot = match self.held {
            Some((0, _)) => 1,
            _ => 0,
        };
        let Some(packet) = self.packets.get_mut(slot) else {
            return;
        };
        let n = write_packet(
            packet,
            self.payload_type,
            false,
            FIRST_SEQUENCE.wrapping_add(k as u16),
            FIRST_TIMESTAMP.wrapping_add(k.wrapping_mul(FRAME_TICKS)),
            SSRC,
            frame,
        )
        .unwrap_or(0);
        let phase = k % PERIOD;
        if phase == LOST {
            return;
        }
        if phase == LATE {
            self.held = Some((slot, n));
            return;
        }
        let bytes = self.bytes(slot, n);
        deliver(bytes);
        if phase == TWICE {
            deliver(bytes);
        }
        if let Some((late, m)) = self.held.take() {
            deliver(self.bytes(late, m));
        }
    }

    /// The first `n` bytes of packet buffer `slot`.
    fn bytes(&self, slot: usize, n: usize) -> &[u8] {
        self.packets
            .get(slot)
            .and_then(|p| p.get(..n))
            .unwrap_or(&[])
    }
}
