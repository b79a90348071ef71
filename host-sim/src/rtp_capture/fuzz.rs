//! A deterministic mutation fuzzer for the capture reader (`run --rtp`), run in CI by
//! `scripts/test-fuzz.sh` under a 1.5 GB address-space limit (10 million captures;
//! `PCAP_FUZZ_EXECS` sets another count, `PCAP_FUZZ_SEED` another seed).
//!
//! Each execution mutates one of a seed corpus of captures written in memory the way
//! tcpdump and Wireshark write them: classic pcap (little- and big-endian, micro- and
//! nanosecond) over Ethernet, Linux cooked v1 and v2, raw IP and BSD loopback; pcapng with
//! several interfaces and timestamp resolutions, enhanced and simple packet blocks; RTP,
//! RTCP and RFC 4733 payloads; UDP datagrams split over IPv4 and IPv6 fragments, out of
//! order. The mutations: bit flips, interesting 32-bit values (lengths and counts of 0, 1,
//! 2^31, 2^32 - 1) anywhere, truncation, appended bytes, deleted bytes, and a copy of a
//! stretch of the capture pasted elsewhere (a packet or block repeated). Then the reader
//! reads it, and the stream is chosen from what it read as `run --rtp` does.
//!
//! The run fails on any panic (the `fuzz` profile keeps overflow checks and debug
//! assertions on) or allocation beyond the limit (a length taken from a header before it
//! was checked aborts), and checks that the datagrams read carry no more bytes than the
//! capture had (reassembled fragments included), and that every refusal says something.
//! At 100,000 executions or more, captures must be both read and refused, and reassembly
//! reached.
//!
//! In the test script (10 M captures, fuzz profile, on 2 shared cores): 16 s; 2.15 M
//! captures read (10.3 M datagrams, 1.16 M RTP packets reassembled from fragments), 7.85 M
//! refused, none failed. Seed 7, 100 M captures: 213 s, 21.5 M read (11.6 M RTP packets
//! reassembled), 78.5 M refused, none failed.
//!
//! `#[ignore]`d in the ordinary test run; run with
//! `cargo test --profile fuzz -p recresp-host-sim --bin recresp-sim capture_reader_fuzz --
//! --ignored --nocapture`.

use std::borrow::Cow;
use std::path::Path;
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::pcapng::blocks::simple_packet::SimplePacketBlock;
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::{DataLink, Endianness, TsResolution};
use recresp_core::rtp::write_packet;
use recresp_harness::ip::{udp_packets, Ip};
use recresp_harness::SplitMix64;

use super::{parse_capture, select, StreamFilter};

/// RTP packet `seq` of SSRC 7: 20 ms of PCMU, or (`event`) an RFC 4733 `#`.
fn rtp(seq: u16, event: bool) -> Vec<u8> {
    let mut buf = [0u8; 172];
    let (pt, payload): (u8, &[u8]) = if event {
        (101, &[11, 10, 0x02, 0x80])
    } else {
        (0, &[0x7F; 160])
    };
    let ts = u32::from(seq) * 160;
    let n = write_packet(&mut buf, pt, seq == 0, seq, ts, 7, payload).expect("fits");
    buf[..n].to_vec()
}

/// A receiver report (RTCP) of SSRC 9.
const RTCP: [u8; 8] = [0x80, 201, 0, 1, 0, 0, 0, 9];

/// The IP packet carrying `payload` from UDP port 40000 to 5004.
fn ip(v6: bool, payload: &[u8]) -> Vec<u8> {
    let ip = if v6 { Ip::V6 } else { Ip::V4 };
    udp_packets(ip, 0, 40000, 5004, payload).remove(0)
}

/// The fragments of the datagram `ip` gives, 64 bytes of payload each, in order.
fn fragments(v6: bool, id: u32, payload: &[u8]) -> Vec<Vec<u8>> {
    let ip = if v6 {
        Ip::V6Fragments(64)
    } else {
        Ip::V4Fragments(64)
    };
    udp_packets(ip, id, 40000, 5004, payload)
}

/// `ip` behind the link header of `link`.
fn frame(link: DataLink, v6: bool, ip: &[u8]) -> Vec<u8> {
    let ether: [u8; 2] = if v6 { [0x86, 0xDD] } else { [0x08, 0x00] };
    let mut f = match link {
        DataLink::ETHERNET => [&[0u8; 12][..], &ether].concat(),
        DataLink::LINUX_SLL => [&[0, 0, 3, 4, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0][..], &ether].concat(),
        DataLink::LINUX_SLL2 => [
            &ether[..],
            &[0, 0, 0, 0, 0, 1, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0],
        ]
        .concat(),
        DataLink::NULL => vec![if v6 { 30 } else { 2 }, 0, 0, 0],
        _ => Vec::new(),
    };
    f.extend_from_slice(ip);
    f
}

/// A classic pcap of link type `link` holding `frames`, 20 ms apart.
fn pcap(header: PcapHeader, frames: &[Vec<u8>]) -> Vec<u8> {
    let mut w = PcapWriter::with_header(Vec::new(), header).expect("writes to a Vec");
    for (i, f) in frames.iter().enumerate() {
        let t = Duration::from_millis(20 * i as u64);
        w.write_packet(&PcapPacket::new(t, f.len() as u32, f))
            .expect("writes to a Vec");
    }
    w.into_writer()
}

/// The index in [`seeds`] of the first of the two captures of fragments.
const FRAGMENTED: usize = 3;

/// The seed corpus.
fn seeds() -> Vec<Vec<u8>> {
    let stream: Vec<Vec<u8>> = (0..4)
        .map(|s| rtp(s, false))
        .chain([rtp(4, true)])
        .collect();
    let v4 = |link| -> Vec<Vec<u8>> {
        let mut frames: Vec<Vec<u8>> = stream
            .iter()
            .map(|p| frame(link, false, &ip(false, p)))
            .collect();
        frames.insert(2, frame(link, false, &ip(false, &RTCP)));
        frames
    };
    let header = |datalink| PcapHeader {
        datalink,
        ..Default::default()
    };
    let mut out = vec![
        pcap(header(DataLink::ETHERNET), &v4(DataLink::ETHERNET)),
        pcap(header(DataLink::NULL), &v4(DataLink::NULL)),
        pcap(
            PcapHeader {
                datalink: DataLink::RAW,
                ts_resolution: TsResolution::NanoSecond,
                endianness: Endianness::Big,
                ..Default::default()
            },
            &v4(DataLink::RAW),
        ),
    ];
    // Fragmented datagrams, interleaved with RTCP, over cooked captures: their RTP packets
    // are read only by reassembly.
    let cooked1: Vec<Vec<u8>> = fragments(false, 1, &stream[0])
        .into_iter()
        .rev()
        .chain([ip(false, &RTCP)])
        .chain(fragments(false, 2, &stream[2]).into_iter().rev())
        .map(|p| frame(DataLink::LINUX_SLL, false, &p))
        .collect();
    out.push(pcap(header(DataLink::LINUX_SLL), &cooked1));
    let cooked2: Vec<Vec<u8>> = fragments(true, 3, &stream[0])
        .into_iter()
        .chain([ip(true, &RTCP)])
        .chain(fragments(true, 4, &stream[2]))
        .map(|p| frame(DataLink::LINUX_SLL2, true, &p))
        .collect();
    out.push(pcap(header(DataLink::LINUX_SLL2), &cooked2));
    // pcapng: Ethernet in microseconds, raw IP in nanoseconds, BSD loopback in 2^-20 s; a
    // simple packet block on the first interface.
    let mut w = PcapNgWriter::new(Vec::new()).expect("writes to a Vec");
    for (link, resolution) in [
        (DataLink::ETHERNET, None),
        (DataLink::RAW, Some(9)),
        (DataLink::NULL, Some(0x80 | 20)),
    ] {
        let mut i = InterfaceDescriptionBlock::new(link, 0xFFFF);
        i.options
            .extend(resolution.map(InterfaceDescriptionOption::IfTsResol));
        w.write_pcapng_block(i).expect("writes to a Vec");
    }
    for (k, p) in stream.iter().enumerate() {
        let link = [DataLink::ETHERNET, DataLink::RAW, DataLink::NULL][k % 3];
        let data = frame(link, false, &ip(false, p));
        w.write_pcapng_block(EnhancedPacketBlock {
            interface_id: (k % 3) as u32,
            timestamp: Duration::from_millis(20 * k as u64),
            original_len: data.len() as u32,
            data: Cow::Owned(data),
            options: Vec::new(),
        })
        .expect("writes to a Vec");
    }
    let data = frame(DataLink::ETHERNET, false, &ip(false, &RTCP));
    w.write_pcapng_block(SimplePacketBlock {
        original_len: data.len() as u32,
        data: Cow::Owned(data),
    })
    .expect("writes to a Vec");
    out.push(w.into_inner());
    out
}

/// Applies one to three random mutations to `file`.
fn mutate(rng: &mut SplitMix64, file: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(file.len() + 1);
        match rng.below(7) {
            0 | 1 => {
                if let Some(b) = file.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            2 => {
                let v: u32 =
                    [0, 1, 2, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF][rng.below(7)];
                let bytes = if rng.below(2) == 0 {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                };
                for (k, b) in bytes.into_iter().enumerate() {
                    if let Some(slot) = file.get_mut(at + k) {
                        *slot = b;
                    }
                }
            }
            3 => file.truncate(at),
            4 => {
                let n = rng.below(64);
                file.extend((0..n).map(|_| rng.next_u64() as u8));
            }
            5 => {
                let n = rng.below(16).min(file.len() - at.min(file.len()));
                file.drain(at..at + n);
            }
            _ => {
                let from = rng.below(file.len() + 1);
                let n = rng.below(256).min(file.len() - from);
                let copy = file[from..from + n].to_vec();
                file.splice(at..at, copy);
            }
        }
    }
}

#[test]
#[ignore = "long: scripts/test-fuzz.sh runs it (fuzz profile, memory limit)"]
fn capture_reader_fuzz() {
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let execs = env("PCAP_FUZZ_EXECS", 10_000_000);
    let mut rng = SplitMix64::new(env("PCAP_FUZZ_SEED", 0x9CA9));
    let seeds = seeds();
    let path = Path::new("fuzz.pcap");
    let (mut read, mut refused, mut streams, mut datagrams) = (0u64, 0u64, 0u64, 0u64);
    // RTP packets read from the captures of fragments: reassembly reached.
    let mut reassembled = 0u64;
    let mut file = Vec::with_capacity(4096);
    for i in 0..execs {
        file.clear();
        let seed = rng.below(seeds.len());
        file.extend_from_slice(&seeds[seed]);
        mutate(&mut rng, &mut file);
        match parse_capture(&file, path) {
            Ok(got) => {
                read += 1;
                datagrams += got.len() as u64;
                let bytes: usize = got.iter().map(|d| d.payload.len()).sum();
                assert!(
                    bytes <= file.len(),
                    "exec {i}: {bytes} payload bytes from a {}-byte capture",
                    file.len()
                );
                if (FRAGMENTED..FRAGMENTED + 2).contains(&seed) {
                    reassembled += got.iter().filter(|d| d.payload.len() == 172).count() as u64;
                }
                if select(&got, StreamFilter::default(), path).is_ok() {
                    streams += 1;
                }
            }
            Err(e) => {
                refused += 1;
                assert!(!e.to_string().is_empty(), "exec {i}");
            }
        }
    }
    println!(
        "pcap fuzz: {execs} executions, {read} read ({datagrams} datagrams, {reassembled} \
         reassembled RTP packets, {streams} with one stream), {refused} refused"
    );
    if execs >= 100_000 {
        assert!(read > 0 && refused > 0 && streams > 0, "both sides reached");
        assert!(reassembled > 0, "reassembly reached");
    }
}
