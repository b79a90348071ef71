//! The IP packets that carry a UDP datagram, as a host sends them: whole, or split into IPv4
//! fragments (RFC 791) or IPv6 fragments (RFC 8200 §4.5), for the tests of capture readers.
//! IPv4 goes from 127.0.0.1 to itself, IPv6 from fd…fd to fe…fe.

use std::vec::Vec;

use etherparse::PacketBuilder;

/// The IP version and fragmentation of a datagram's packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ip {
    /// One IPv4 packet.
    V4,
    /// One IPv6 packet.
    V6,
    /// IPv4 fragments of this many bytes of IP payload (a multiple of 8).
    V4Fragments(usize),
    /// IPv6 fragments of this many bytes of payload after the fragment header (a multiple
    /// of 8).
    V6Fragments(usize),
}

/// The IP packets of `ip` that carry the UDP datagram `src_port` → `dst_port` with
/// `payload`, in order; fragments carry the identification `id`.
pub fn udp_packets(ip: Ip, id: u32, src_port: u16, dst_port: u16, payload: &[u8]) -> Vec<Vec<u8>> {
    let v6 = matches!(ip, Ip::V6 | Ip::V6Fragments(_));
    let builder = if v6 {
        PacketBuilder::ipv6([0xFD; 16], [0xFE; 16], 64)
    } else {
        PacketBuilder::ipv4([127, 0, 0, 1], [127, 0, 0, 1], 64)
    }
    .udp(src_port, dst_port);
    let mut whole = Vec::with_capacity(builder.size(payload.len()));
    builder
        .write(&mut whole, payload)
        .expect("writing to a Vec does not fail");
    let size = match ip {
        Ip::V4 | Ip::V6 => return std::vec![whole],
        Ip::V4Fragments(n) | Ip::V6Fragments(n) => n,
    };
    let (header, udp) = whole.split_at(if v6 { 40 } else { 20 });
    udp.chunks(size)
        .enumerate()
        .map(|(i, chunk)| {
            let offset = (i * size / 8) as u16;
            let more = (i + 1) * size < udp.len();
            let mut p = header.to_vec();
            if v6 {
                // Next header: a fragment header (44), which names UDP (17).
                p[6] = 44;
                p[4..6].copy_from_slice(&((8 + chunk.len()) as u16).to_be_bytes());
                p.extend_from_slice(&[17, 0]);
                p.extend_from_slice(&(offset << 3 | u16::from(more)).to_be_bytes());
                p.extend_from_slice(&id.to_be_bytes());
            } else {
                p[2..4].copy_from_slice(&((20 + chunk.len()) as u16).to_be_bytes());
                p[4..6].copy_from_slice(&(id as u16).to_be_bytes());
                let flags = offset | if more { 0x2000 } else { 0 };
                p[6..8].copy_from_slice(&flags.to_be_bytes());
            }
            p.extend_from_slice(chunk);
            p
        })
        .collect()
}
