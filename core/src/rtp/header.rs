//! The RTP fixed header (RFC 3550 §5.1) and what may follow it: CSRCs, one header extension
//! (§5.3.1) and padding. [`RtpPacket::parse`] borrows the packet and checks every length
//! field against the bytes actually there, so a packet that parses has a payload slice that
//! is exactly the media; any inconsistency is an [`RtpError`].
//!
//! Assumes one RTP packet per buffer (what a UDP datagram carries); trailing bytes beyond
//! what the header describes are payload, as RFC 3550 defines.

use core::fmt;

/// Length of the fixed header.
pub const FIXED_HEADER_LEN: usize = 12;

/// Why a packet was refused. Every variant leaves the receiver exactly as it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RtpError {
    /// Shorter than the 12-byte fixed header.
    TooShort {
        /// Bytes received.
        len: usize,
    },
    /// The version field is not 2.
    Version {
        /// The version found.
        version: u8,
    },
    /// The CSRC count says more identifiers than the packet holds.
    CsrcOverrun {
        /// The CSRC count.
        count: u8,
    },
    /// The X bit is set but the extension header or its data runs past the end.
    ExtensionOverrun {
        /// The extension length in 32-bit words (0 if its header itself is cut).
        words: u16,
    },
    /// The P bit is set but the padding count is 0 or larger than what follows the headers.
    Padding {
        /// The padding count (last byte of the packet).
        count: u8,
    },
    /// A payload type the receiver does not take (only PCMU 0, PCMA 8, CN 13 and the
    /// telephone-event type the host set).
    PayloadType {
        /// The payload type.
        pt: u8,
    },
    /// An audio packet without any sample.
    EmptyPayload,
    /// An audio payload longer than the receiver's slots.
    PayloadTooLong {
        /// Payload bytes.
        len: usize,
        /// Slot capacity in bytes.
        capacity: usize,
    },
    /// A comfort-noise payload (RFC 3389) that is empty or has a level above 127.
    ComfortNoise,
    /// A telephone-event payload (RFC 4733) shorter than 4 bytes or not a DTMF key (0–15).
    TelephoneEvent,
    /// The recorder runs at a rate other than 8 kHz, the clock of PCMU and PCMA.
    Rate,
}

impl fmt::Display for RtpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RtpError::TooShort { len } => {
                write!(f, "RTP packet of {len} bytes (the fixed header needs 12)")
            }
            RtpError::Version { version } => write!(f, "RTP version {version} (needs 2)"),
            RtpError::CsrcOverrun { count } => {
                write!(f, "{count} CSRCs do not fit in the packet")
            }
            RtpError::ExtensionOverrun { words } => {
                write!(f, "header extension of {words} words runs past the packet")
            }
            RtpError::Padding { count } => {
                write!(f, "padding count {count} does not fit the packet")
            }
            RtpError::PayloadType { pt } => write!(f, "payload type {pt} is not taken"),
            RtpError::EmptyPayload => f.write_str("audio packet without samples"),
            RtpError::PayloadTooLong { len, capacity } => {
                write!(f, "payload of {len} bytes (slots hold {capacity})")
            }
            RtpError::ComfortNoise => f.write_str("comfort-noise payload without a valid level"),
            RtpError::TelephoneEvent => {
                f.write_str("telephone-event payload is short or not a DTMF key")
            }
            RtpError::Rate => f.write_str(
                "the codec's rate is not the recorder's (PCMU/PCMA: 8000 Hz, G.722: 16000 Hz)",
            ),
        }
    }
}

impl core::error::Error for RtpError {}

/// One parsed RTP packet, borrowing the datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    /// M bit (for audio: first packet of a talkspurt).
    pub marker: bool,
    /// Payload type (7 bits).
    pub payload_type: u8,
    /// Sequence number.
    pub sequence: u16,
    /// Timestamp of the first payload sample, in clock ticks.
    pub timestamp: u32,
    /// Synchronization source.
    pub ssrc: u32,
    /// The contributing sources, 4 bytes each, big-endian (see [`RtpPacket::csrc`]).
    pub csrc_bytes: &'a [u8],
    /// The header extension (profile-defined 16 bits, data), if the X bit is set.
    pub extension: Option<(u16, &'a [u8])>,
    /// The media, without padding.
    pub payload: &'a [u8],
}

impl<'a> RtpPacket<'a> {
    /// Parses one packet, checking every length against `bytes`.
    pub fn parse(bytes: &'a [u8]) -> Result<RtpPacket<'a>, RtpError> {
        let Some((fixed, mut rest)) = bytes.split_first_chunk::<FIXED_HEADER_LEN>() else {
            return Err(RtpError::TooShort { len: bytes.len() });
        };
        let version = fixed[0] >> 6;
        if version != 2 {
            return Err(RtpError::Version { version });
        }
        let padded = fixed[0] & 0x20 != 0;
        let extended = fixed[0] & 0x10 != 0;
        let count = fixed[0] & 0x0F;
        let csrc_len = 4 * count as usize;
        let csrc_bytes = rest
            .get(..csrc_len)
            .ok_or(RtpError::CsrcOverrun { count })?;
        rest = rest.get(csrc_len..).unwrap_or(&[]);
        let extension = if extended {
            let Some((ext, after)) = rest.split_first_chunk::<4>() else {
                return Err(RtpError::ExtensionOverrun { words: 0 });
            };
            let profile = u16::from_be_bytes([ext[0], ext[1]]);
            let words = u16::from_be_bytes([ext[2], ext[3]]);
            let len = 4 * words as usize;
            let data = after
                .get(..len)
                .ok_or(RtpError::ExtensionOverrun { words })?;
            rest = after.get(len..).unwrap_or(&[]);
            Some((profile, data))
        } else {
            None
        };
        let payload = if padded {
            let count = rest.last().copied().unwrap_or(0);
            if count == 0 || count as usize > rest.len() {
                return Err(RtpError::Padding { count });
            }
            rest.get(..rest.len() - count as usize).unwrap_or(&[])
        } else {
            rest
        };
        Ok(RtpPacket {
            marker: fixed[1] & 0x80 != 0,
            payload_type: fixed[1] & 0x7F,
            sequence: u16::from_be_bytes([fixed[2], fixed[3]]),
            timestamp: u32::from_be_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]),
            ssrc: u32::from_be_bytes([fixed[8], fixed[9], fixed[10], fixed[11]]),
            csrc_bytes,
            extension,
            payload,
        })
    }

    /// Number of contributing sources.
    pub fn csrc_count(&self) -> usize {
        self.csrc_bytes.len() / 4
    }

    /// The `i`th contributing source, if there is one.
    pub fn csrc(&self, i: usize) -> Option<u32> {
        let b = self.csrc_bytes.get(4 * i..)?.first_chunk::<4>()?;
        Some(u32::from_be_bytes(*b))
    }
}

/// Writes a packet without CSRCs, extension or padding into `out`; returns its length, or
/// `None` if `out` is too small. For tests and hosts that send RTP.
pub fn write_packet(
    out: &mut [u8],
    payload_type: u8,
    marker: bool,
    sequence: u16,
    timestamp: u32,
    ssrc: u32,
    payload: &[u8],
) -> Option<usize> {
    let len = FIXED_HEADER_LEN + payload.len();
    let out = out.get_mut(..len)?;
    let (head, body) = out.split_at_mut(FIXED_HEADER_LEN);
    head[0] = 0x80;
    head[1] = (payload_type & 0x7F) | if marker { 0x80 } else { 0 };
    head[2..4].copy_from_slice(&sequence.to_be_bytes());
    head[4..8].copy_from_slice(&timestamp.to_be_bytes());
    head[8..12].copy_from_slice(&ssrc.to_be_bytes());
    body.copy_from_slice(payload);
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fixed_header_fields() {
        let mut buf = [0u8; 64];
        let n = write_packet(
            &mut buf,
            8,
            true,
            0xBEEF,
            0xDEAD_0001,
            0x1234_5678,
            &[1, 2, 3],
        )
        .unwrap();
        let p = RtpPacket::parse(&buf[..n]).unwrap();
        assert!(p.marker);
        assert_eq!(p.payload_type, 8);
        assert_eq!(p.sequence, 0xBEEF);
        assert_eq!(p.timestamp, 0xDEAD_0001);
        assert_eq!(p.ssrc, 0x1234_5678);
        assert_eq!(p.csrc_count(), 0);
        assert_eq!(p.extension, None);
        assert_eq!(p.payload, &[1, 2, 3]);
        assert!(write_packet(&mut buf[..13], 0, false, 0, 0, 0, &[1, 2]).is_none());
    }

    #[test]
    fn csrcs_extension_and_padding() {
        // V=2, P, X, CC=2; PT 0; two CSRCs; extension profile 0xBEDE with 1 word; 2 bytes of
        // payload; 3 bytes of padding.
        let mut p = vec![0xB2, 0x00, 0, 7, 0, 0, 0, 160, 0, 0, 0, 9];
        p.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 2]);
        p.extend_from_slice(&[0xBE, 0xDE, 0, 1, 0x10, 0xAA, 0, 0]);
        p.extend_from_slice(&[0x55, 0x66, 0, 0, 3]);
        let r = RtpPacket::parse(&p).unwrap();
        assert_eq!(r.csrc_count(), 2);
        assert_eq!(r.csrc(0), Some(1));
        assert_eq!(r.csrc(1), Some(2));
        assert_eq!(r.csrc(2), None);
        assert_eq!(r.extension, Some((0xBEDE, &[0x10, 0xAA, 0, 0][..])));
        assert_eq!(r.payload, &[0x55, 0x66]);
        assert_eq!(r.sequence, 7);
        assert_eq!(r.timestamp, 160);
    }

    #[test]
    fn every_inconsistency_is_typed() {
        assert_eq!(
            RtpPacket::parse(&[0x80; 11]),
            Err(RtpError::TooShort { len: 11 })
        );
        let mut h = [0x80u8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        h[0] = 0x40;
        assert_eq!(RtpPacket::parse(&h), Err(RtpError::Version { version: 1 }));
        h[0] = 0x81;
        assert_eq!(
            RtpPacket::parse(&h),
            Err(RtpError::CsrcOverrun { count: 1 })
        );
        h[0] = 0x90;
        assert_eq!(
            RtpPacket::parse(&h),
            Err(RtpError::ExtensionOverrun { words: 0 })
        );
        let mut e = h.to_vec();
        e.extend_from_slice(&[0, 0, 0, 2, 1, 2, 3, 4]);
        assert_eq!(
            RtpPacket::parse(&e),
            Err(RtpError::ExtensionOverrun { words: 2 })
        );
        h[0] = 0xA0;
        assert_eq!(RtpPacket::parse(&h), Err(RtpError::Padding { count: 0 }));
        let mut pad = h.to_vec();
        pad.extend_from_slice(&[1, 2, 4]);
        assert_eq!(RtpPacket::parse(&pad), Err(RtpError::Padding { count: 4 }));
        pad[14] = 3; // padding that is the whole payload
        assert_eq!(RtpPacket::parse(&pad).unwrap().payload, &[] as &[u8]);
        for e in [
            RtpError::TooShort { len: 3 },
            RtpError::PayloadType { pt: 99 },
            RtpError::Rate,
        ] {
            assert!(!e.to_string().is_empty());
        }
    }

    proptest! {
        /// Whatever the bytes, parsing returns (never panics), and a parsed payload is a
        /// sub-slice that ends where the padding starts.
        #[test]
        fn any_bytes_parse_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Ok(p) = RtpPacket::parse(&bytes) {
                let header = FIXED_HEADER_LEN + p.csrc_bytes.len()
                    + p.extension.map_or(0, |(_, d)| 4 + d.len());
                let padding = if bytes[0] & 0x20 != 0 { *bytes.last().unwrap() as usize } else { 0 };
                prop_assert_eq!(header + p.payload.len() + padding, bytes.len());
            }
        }

        /// What `write_packet` writes, `parse` reads back.
        #[test]
        fn round_trip(pt in 0u8..128, m: bool, seq: u16, ts: u32, ssrc: u32,
                      payload in proptest::collection::vec(any::<u8>(), 0..64)) {
            let mut buf = [0u8; 80];
            let n = write_packet(&mut buf, pt, m, seq, ts, ssrc, &payload).unwrap();
            let p = RtpPacket::parse(&buf[..n]).unwrap();
            prop_assert_eq!((p.payload_type, p.marker, p.sequence, p.timestamp, p.ssrc),
                            (pt, m, seq, ts, ssrc));
            prop_assert_eq!(p.payload, &payload[..]);
        }
    }
}
