//! `recresp-sim run --rtp CAPTURE`: replays the caller's RTP stream from a packet capture
//! (classic pcap or pcapng, as tcpdump or Wireshark write them) through the core's
//! [`RtpReceiver`] into the recorder, one packet at a time in capture order, on the
//! capture's own clock.
//!
//! UDP over IPv4 or IPv6 is taken from Ethernet, Linux cooked v1 (any device type) and v2
//! (`tcpdump -i any`), raw IP and BSD loopback captures; UDP datagrams split over IP
//! fragments are reassembled. RTCP (RFC 5761: packet types 192–223, on the RTP port or the
//! next) is never a stream. The stream is chosen by `--ssrc` or by `--port`, the UDP port it
//! is sent to; with neither, the capture must hold exactly one RTP source. Standard error
//! always says which stream was played and which packets were refused.
//!
//! Time: before each packet the receiver is told how much time passed since the previous
//! one by the capture's timestamps ([`RtpReceiver::advance`]), so packets that stop (hold, a
//! dead network) are lost media and end the operation `mediaReceiveTimeout`, as on a real
//! call. When the capture ends, the receiver plays what it still buffers and the line stays
//! open and silent, as after a `--caller` WAV.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use etherparse::defrag::IpDefragPool;
use etherparse::{EtherType, IpNumber, SlicedPacket, TransportSlice, UdpSlice};
use pcap_file::pcap::PcapParser;
use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionOption;
use pcap_file::pcapng::{Block, PcapNgParser};
use pcap_file::DataLink;
use recresp_core::rtp::{PT_G722, PT_PCMA, PT_PCMU};
use recresp_core::{Event, Fate, Recorder, RtpConfig, RtpError, RtpPacket, RtpReceiver};
use recresp_core::{RtpStats, SampleRate};

use crate::error::SimError;
use crate::simulate::{Outcome, Plan};
use crate::wav::{read_wav, CallerAudio};

/// Fragments of a UDP datagram not completed within this much capture time are dropped:
/// what reassembly holds at once is bounded by the fragments of this span.
const FRAGMENT_TIMEOUT: Duration = Duration::from_secs(5);

/// The RTP clock of the payloads the receiver plays, in ticks per second.
const RTP_CLOCK_HZ: u128 = 8000;

/// The `run` options for RTP input.
#[derive(clap::Args, Clone, Debug)]
pub struct RtpArgs {
    /// The caller's audio as an RTP stream (PCMU/PCMA, RFC 4733 events, comfort noise) in a
    /// packet capture, classic pcap or pcapng, instead of a WAV.
    #[arg(long, value_name = "CAPTURE.pcap", conflicts_with = "caller")]
    pub rtp: Option<PathBuf>,
    /// The stream's SSRC (decimal or 0x hex).
    #[arg(long, value_name = "SSRC", value_parser = parse_ssrc, requires = "rtp")]
    pub ssrc: Option<u32>,
    /// The UDP port the caller's stream is sent to (recresp's end of the call).
    #[arg(long, value_name = "PORT", requires = "rtp")]
    pub port: Option<u16>,
    /// The payload type of telephone-event/8000 (RFC 4733).
    #[arg(long, value_name = "PT", default_value_t = 101, requires = "rtp")]
    pub event_pt: u8,
}

/// The caller's side of a `run`: a WAV, or the packets of an RTP stream.
#[derive(Clone, Debug)]
pub enum CallerInput {
    /// 16-bit PCM.
    Wav(CallerAudio),
    /// RTP packets in capture order.
    Rtp {
        /// The packets of the chosen stream.
        stream: Vec<Datagram>,
        /// The receiver's configuration.
        config: RtpConfig,
        /// The capture, for messages.
        path: PathBuf,
    },
}

impl CallerInput {
    /// Reads the WAV at `caller`, or the capture `rtp` names.
    pub fn load(caller: Option<&Path>, rtp: &RtpArgs) -> Result<CallerInput, SimError> {
        match (&rtp.rtp, caller) {
            (Some(path), _) => {
                let filter = StreamFilter {
                    ssrc: rtp.ssrc,
                    port: rtp.port,
                };
                let stream = select(&read_capture(path)?, filter, path)?;
                let config = RtpConfig {
                    telephone_event_pt: Some(rtp.event_pt),
                    ..RtpConfig::DEFAULT
                };
                if !stream.iter().any(is_audio) {
                    return Err(bad(
                        path,
                        format!(
                            "nothing in the stream can be played: it carries no PCMU (0) or \
                             PCMA (8) audio, only {}",
                            describe_types(&stream)
                        ),
                    ));
                }
                Ok(CallerInput::Rtp {
                    stream,
                    config,
                    path: path.clone(),
                })
            }
            (None, Some(wav)) => Ok(CallerInput::Wav(read_wav(wav)?)),
            (None, None) => Err(SimError::Capture {
                path: PathBuf::new(),
                reason: "give the caller's audio with --caller or --rtp".into(),
            }),
        }
    }

    /// Runs the operation on this input. For RTP, standard error says which stream was
    /// played and which packets were refused; with `verbose`, also the receiver's counters
    /// and every refused packet. A stream of which no audio packet could be played is an
    /// error, not an outcome.
    pub fn run(&self, plan: &Plan, verbose: bool) -> Result<Outcome, SimError> {
        match self {
            CallerInput::Wav(audio) => Ok(plan.run(audio)),
            CallerInput::Rtp {
                stream,
                config,
                path,
            } => {
                eprintln!("rtp: playing {}", describe_stream(stream));
                let mut seen = Replay::default();
                let outcome = plan.run_with(stream_rate(stream), |rec, on_event| {
                    seen = replay(stream, *config, rec, on_event);
                });
                for (why, n) in &seen.refused {
                    eprintln!("rtp: {n} packets refused: {why}");
                }
                if verbose {
                    eprintln!("rtp: {:?}", seen.stats);
                    for e in &seen.errors {
                        eprintln!("rtp: {e}");
                    }
                }
                if seen.audio == 0 && !seen.refused.is_empty() {
                    let why: Vec<String> = seen
                        .refused
                        .iter()
                        .map(|(why, n)| format!("{why} ({n} packets)"))
                        .collect();
                    return Err(bad(
                        path,
                        format!("no audio packet could be played: {}", why.join("; ")),
                    ));
                }
                Ok(outcome)
            }
        }
    }
}

/// One UDP datagram from the capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datagram {
    /// When it was captured (its last fragment, if it came in several).
    pub time: Duration,
    /// UDP source port.
    pub src_port: u16,
    /// UDP destination port.
    pub dst_port: u16,
    /// The UDP payload.
    pub payload: Vec<u8>,
}

/// Which datagrams form the caller's stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamFilter {
    /// Only packets of this SSRC.
    pub ssrc: Option<u32>,
    /// Only datagrams sent to this UDP port.
    pub port: Option<u16>,
}

fn bad(path: &Path, reason: String) -> SimError {
    SimError::Capture {
        path: path.to_path_buf(),
        reason,
    }
}

/// The network layer of one captured frame of link type `link`, sliced; `None` if the link
/// type is not read or the frame holds no IP.
fn slice(link: DataLink, frame: &[u8]) -> Option<SlicedPacket<'_>> {
    match link {
        DataLink::ETHERNET => SlicedPacket::from_ethernet(frame).ok(),
        // Cooked v1: packet type, device type, address length, address (8), protocol.
        DataLink::LINUX_SLL => cooked(frame, 14, 16),
        // Cooked v2: protocol, reserved, interface index, device type, packet type,
        // address length, address (8).
        DataLink::LINUX_SLL2 => cooked(frame, 0, 20),
        DataLink::RAW | DataLink::IPV4 | DataLink::IPV6 => SlicedPacket::from_ip(frame).ok(),
        // BSD loopback: a 4-byte address family, then IP.
        DataLink::NULL | DataLink::LOOP => SlicedPacket::from_ip(frame.get(4..)?).ok(),
        _ => None,
    }
}

/// The network layer of a Linux cooked frame, whose protocol field (at `proto`) is an
/// EtherType whatever the device type, and whose header is `header` bytes long.
fn cooked(frame: &[u8], proto: usize, header: usize) -> Option<SlicedPacket<'_>> {
    let proto = u16::from_be_bytes(frame.get(proto..proto + 2)?.try_into().ok()?);
    SlicedPacket::from_ether_type(EtherType(proto), frame.get(header..)?).ok()
}

/// Whether the link type is one [`slice`] reads.
fn is_read(link: DataLink) -> bool {
    matches!(
        link,
        DataLink::ETHERNET
            | DataLink::LINUX_SLL
            | DataLink::LINUX_SLL2
            | DataLink::RAW
            | DataLink::IPV4
            | DataLink::IPV6
            | DataLink::NULL
            | DataLink::LOOP
    )
}

/// Turns captured frames into UDP datagrams, reassembling IP fragments.
struct Datagrams {
    out: Vec<Datagram>,
    fragments: IpDefragPool<Duration>,
    /// Frames on a link type that is not read.
    unread: BTreeSet<String>,
}

impl Datagrams {
    fn new() -> Self {
        Datagrams {
            out: Vec::new(),
            fragments: IpDefragPool::new(),
            unread: BTreeSet::new(),
        }
    }

    /// Takes one captured frame.
    fn frame(&mut self, link: DataLink, time: Duration, frame: &[u8]) {
        if !is_read(link) {
            self.unread.insert(format!("{link:?}"));
            return;
        }
        let Some(sliced) = slice(link, frame) else {
            return;
        };
        if let Some(TransportSlice::Udp(u)) = &sliced.transport {
            self.push(time, u);
            return;
        }
        self.fragments
            .retain(|&t| time.saturating_sub(t) <= FRAGMENT_TIMEOUT);
        // A fragment that does not fit the datagram it belongs to is dropped, as a host
        // drops it.
        if let Ok(Some(whole)) = self.fragments.process_sliced_packet(&sliced, time, ()) {
            if whole.ip_number == IpNumber::UDP {
                if let Ok(u) = UdpSlice::from_slice(&whole.payload) {
                    self.push(time, &u);
                }
            }
            self.fragments.return_buf(whole);
        }
    }

    fn push(&mut self, time: Duration, u: &UdpSlice<'_>) {
        self.out.push(Datagram {
            time,
            src_port: u.source_port(),
            dst_port: u.destination_port(),
            payload: u.payload().to_vec(),
        });
    }

    fn finish(self, path: &Path) -> Result<Vec<Datagram>, SimError> {
        if self.out.is_empty() && !self.unread.is_empty() {
            let links: Vec<String> = self.unread.into_iter().collect();
            return Err(bad(
                path,
                format!("link type {} is not read", links.join(", ")),
            ));
        }
        Ok(self.out)
    }
}

/// The time of a pcapng packet whose raw timestamp counts units of `resolution` (the
/// interface's `if_tsresol`: 10^-n s, or 2^-n s with the top bit set; microseconds when
/// absent).
fn pcapng_time(raw: u64, resolution: u8) -> Duration {
    let raw = u128::from(raw);
    let nanos = if resolution & 0x80 == 0 {
        let r = u32::from(resolution);
        if r <= 9 {
            raw * 10u128.pow(9 - r)
        } else {
            raw / 10u128.pow((r - 9).min(38))
        }
    } else {
        let r = u32::from(resolution & 0x7F).min(127);
        (raw * 1_000_000_000) >> r
    };
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// Reads every UDP datagram of a classic pcap or pcapng file, in capture order.
pub fn read_capture(path: &Path) -> Result<Vec<Datagram>, SimError> {
    let bytes = std::fs::read(path).map_err(|source| SimError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_capture(&bytes, path)
}

/// Every UDP datagram of the classic pcap or pcapng capture `bytes`, in capture order;
/// `path` names the capture in errors.
fn parse_capture(bytes: &[u8], path: &Path) -> Result<Vec<Datagram>, SimError> {
    let mut out = Datagrams::new();
    if bytes.starts_with(&[0x0A, 0x0D, 0x0D, 0x0A]) {
        let pcapng = |e| bad(path, format!("pcapng: {e}"));
        let (mut rest, mut parser) = PcapNgParser::new(bytes).map_err(pcapng)?;
        // Link type and timestamp resolution of the current section's interfaces, by
        // interface id.
        let mut interfaces: Vec<(DataLink, u8)> = Vec::new();
        while !rest.is_empty() {
            let (next, block) = parser.next_block(rest).map_err(pcapng)?;
            rest = next;
            let (interface, raw_time, data) = match &block {
                Block::SectionHeader(_) => {
                    interfaces.clear();
                    continue;
                }
                Block::InterfaceDescription(i) => {
                    let resolution = i
                        .options
                        .iter()
                        .find_map(|o| match o {
                            InterfaceDescriptionOption::IfTsResol(r) => Some(*r),
                            _ => None,
                        })
                        .unwrap_or(6);
                    interfaces.push((i.linktype, resolution));
                    continue;
                }
                // The parser takes the raw timestamp as nanoseconds.
                Block::EnhancedPacket(p) => (
                    p.interface_id,
                    u64::try_from(p.timestamp.as_nanos()).unwrap_or(u64::MAX),
                    &p.data,
                ),
                Block::SimplePacket(p) => (0, 0, &p.data),
                _ => continue,
            };
            let (link, resolution) = interfaces
                .get(interface as usize)
                .copied()
                .ok_or_else(|| bad(path, format!("packet on undeclared interface {interface}")))?;
            out.frame(link, pcapng_time(raw_time, resolution), data);
        }
    } else {
        let (mut rest, parser) = PcapParser::new(bytes)
            .map_err(|e| bad(path, format!("neither pcap nor pcapng ({e})")))?;
        let link = parser.header().datalink;
        while !rest.is_empty() {
            let (next, p) = parser
                .next_packet(rest)
                .map_err(|e| bad(path, format!("pcap: {e}")))?;
            rest = next;
            out.frame(link, p.timestamp, &p.data);
        }
    }
    out.finish(path)
}

/// Whether a datagram is RTCP (RFC 5761 §4: version 2 and a packet type in 192–223, which
/// no RTP payload type takes), whether it shares the RTP port or not.
fn is_rtcp(payload: &[u8]) -> bool {
    matches!(payload, [first, second, ..] if first >> 6 == 2 && (192..=223).contains(second))
}

/// The RTP header of a datagram that is RTP (not RTCP).
fn rtp_of(d: &Datagram) -> Option<RtpPacket<'_>> {
    if is_rtcp(&d.payload) {
        return None;
    }
    RtpPacket::parse(&d.payload).ok()
}

/// Whether a packet carries audio the receiver plays (PCMU or PCMA).
fn is_audio(d: &Datagram) -> bool {
    rtp_of(d).is_some_and(|p| matches!(p.payload_type, PT_PCMU | PT_PCMA | PT_G722))
}

/// The recorder's rate for a stream: 16 kHz if its first audio packet is G.722 (whose
/// recording is 16 kHz audio), 8 kHz otherwise.
fn stream_rate(stream: &[Datagram]) -> SampleRate {
    let first = stream.iter().filter(|d| is_audio(d)).find_map(rtp_of);
    match first {
        Some(p) if p.payload_type == PT_G722 => SampleRate::Hz16000,
        _ => SampleRate::Hz8000,
    }
}

/// The payload types of a stream with their packet counts: "0 (500 packets), 101 (12 packets)".
fn describe_types(stream: &[Datagram]) -> String {
    let mut types: BTreeMap<u8, usize> = BTreeMap::new();
    for p in stream.iter().filter_map(rtp_of) {
        *types.entry(p.payload_type).or_default() += 1;
    }
    let list: Vec<String> = types
        .iter()
        .map(|(pt, n)| format!("payload type {pt} ({n} packets)"))
        .collect();
    list.join(", ")
}

/// What a stream is, in one line: its sources, where it goes, its packets and payload types.
fn describe_stream(stream: &[Datagram]) -> String {
    let ssrcs: BTreeSet<u32> = stream
        .iter()
        .filter_map(|d| rtp_of(d).map(|p| p.ssrc))
        .collect();
    let ports: BTreeSet<u16> = stream.iter().map(|d| d.dst_port).collect();
    let join = |v: Vec<String>| v.join(", ");
    format!(
        "SSRC {} to port {}: {} packets, {}",
        join(ssrcs.iter().map(|s| format!("0x{s:08x}")).collect()),
        join(ports.iter().map(u16::to_string).collect()),
        stream.len(),
        describe_types(stream)
    )
}

/// The RTP packets of the chosen stream, RTCP never among them. With no SSRC and no port
/// given, the capture must hold exactly one RTP source; with a port, the stream is what is
/// sent to it.
pub fn select(
    datagrams: &[Datagram],
    filter: StreamFilter,
    path: &Path,
) -> Result<Vec<Datagram>, SimError> {
    let rtp = || {
        datagrams
            .iter()
            .filter_map(|d| rtp_of(d).map(|p| (d, p.ssrc)))
    };
    let mut filter = filter;
    if filter.ssrc.is_none() && filter.port.is_none() {
        let mut sources: BTreeMap<u32, usize> = BTreeMap::new();
        for (_, s) in rtp() {
            *sources.entry(s).or_default() += 1;
        }
        match sources.len() {
            1 => filter.ssrc = sources.keys().next().copied(),
            0 => return Err(bad(path, "no RTP packet in the capture".into())),
            _ => {
                let list: Vec<String> = sources
                    .iter()
                    .map(|(s, n)| format!("0x{s:08x} ({n} packets)"))
                    .collect();
                return Err(bad(
                    path,
                    format!(
                        "several RTP sources; choose one with --ssrc or --port: {}",
                        list.join(", ")
                    ),
                ));
            }
        }
    }
    let picked: Vec<Datagram> = rtp()
        .filter(|(d, _)| filter.port.is_none_or(|p| d.dst_port == p))
        .filter(|&(_, s)| filter.ssrc.is_none_or(|want| s == want))
        .map(|(d, _)| d.clone())
        .collect();
    if picked.is_empty() {
        let from = filter
            .port
            .map_or(0, |p| rtp().filter(|(d, _)| d.src_port == p).count());
        let hint = if from > 0 {
            format!(" ({from} RTP packets come from that port: give the port the caller's stream is sent to)")
        } else {
            String::new()
        };
        return Err(bad(path, format!("no packet of the chosen stream{hint}")));
    }
    Ok(picked)
}

/// What the replay saw besides the recorder's events.
#[derive(Clone, Debug, Default)]
pub struct Replay {
    /// The receiver's counters.
    pub stats: RtpStats,
    /// Audio packets (PCMU, PCMA, G.722) the receiver accepted.
    pub audio: u64,
    /// Packets refused, counted by why.
    pub refused: BTreeMap<String, u64>,
    /// Every packet refused, with why.
    pub errors: Vec<String>,
}

/// 8 kHz ticks from `from` to `to` (none if `to` is earlier).
fn ticks(from: Duration, to: Duration) -> u64 {
    let n = to.saturating_sub(from).as_nanos() * RTP_CLOCK_HZ / 1_000_000_000;
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Pushes the packets into `recorder` through an RTP receiver until the operation
/// completes, telling the receiver before each packet how much capture time passed since
/// the one before. If the capture ends first, the stream has ended: the receiver is
/// flushed, so the packets it still holds are played. Once the operation has completed,
/// nothing more is played, and packets still in the reorder window (waiting for one not yet
/// arrived) are neither played nor counted as lost.
pub fn replay(
    stream: &[Datagram],
    config: RtpConfig,
    recorder: &mut Recorder,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Replay {
    let mut rx: RtpReceiver = RtpReceiver::new(config);
    let mut seen = Replay::default();
    let start = stream.first().map_or(Duration::ZERO, |d| d.time);
    // Capture time told to the receiver so far, in ticks; a packet captured before the one
    // ahead of it moves no time.
    let mut told = 0u64;
    for (i, d) in stream.iter().enumerate() {
        let now = ticks(start, d.time);
        if now > told {
            rx.advance(recorder, now - told, &mut *on_event);
            told = now;
        }
        if !recorder.is_running() {
            break;
        }
        match rx.packet(recorder, &d.payload, &mut *on_event) {
            Ok(Fate::Accepted) if is_audio(d) => seen.audio += 1,
            Ok(_) => {}
            Err(e) => {
                let pt = rtp_of(d).map(|p| p.payload_type);
                *seen.refused.entry(refusal(e, pt)).or_default() += 1;
                seen.errors.push(format!("packet {i}: {e}"));
            }
        }
        if !recorder.is_running() {
            break;
        }
    }
    if recorder.is_running() {
        rx.flush(recorder, &mut *on_event);
    }
    seen.stats = rx.stats();
    seen
}

/// Why a packet of payload type `pt` was refused, in words that do not depend on the
/// packet's length, naming its payload type.
fn refusal(e: RtpError, pt: Option<u8>) -> String {
    let why = match e {
        RtpError::PayloadType { .. } => return e.to_string(),
        RtpError::TooShort { .. } => "shorter than an RTP header".into(),
        RtpError::PayloadTooLong { capacity, .. } => {
            format!("payload longer than {capacity} bytes")
        }
        other => other.to_string(),
    };
    match pt {
        Some(pt) => format!("payload type {pt}: {why}"),
        None => why,
    }
}

/// Parses an SSRC given in decimal or as 0x-prefixed hexadecimal.
pub fn parse_ssrc(s: &str) -> Result<u32, String> {
    let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => s.parse(),
    };
    r.map_err(|e| format!("not an SSRC ({e})"))
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;
    use recresp_harness::ip::{udp_packets, Ip};

    #[test]
    fn ssrc_forms() {
        assert_eq!(parse_ssrc("0x1234ABCD"), Ok(0x1234_ABCD));
        assert_eq!(parse_ssrc("42"), Ok(42));
        assert!(parse_ssrc("0xZZ").is_err());
        assert!(parse_ssrc("-1").is_err());
    }

    /// An RTP packet of `ssrc`.
    fn rtp(seq: u16, timestamp: u32, payload_type: u8, ssrc: u32, payload: &[u8]) -> Vec<u8> {
        let mut p = vec![0x80, payload_type];
        p.extend_from_slice(&seq.to_be_bytes());
        p.extend_from_slice(&timestamp.to_be_bytes());
        p.extend_from_slice(&ssrc.to_be_bytes());
        p.extend_from_slice(payload);
        p
    }

    fn dg(src: u16, dst: u16, payload: Vec<u8>) -> Datagram {
        Datagram {
            time: Duration::ZERO,
            src_port: src,
            dst_port: dst,
            payload,
        }
    }

    /// A receiver report of `ssrc` (RFC 3550 §6.4.2, no report blocks).
    fn rtcp_rr(ssrc: u32) -> Vec<u8> {
        let mut p = vec![0x80, 201, 0, 1];
        p.extend_from_slice(&ssrc.to_be_bytes());
        p
    }

    #[test]
    fn stream_selection() {
        let p = Path::new("x.pcap");
        let all = [
            dg(1, 5004, rtp(1, 0, 0, 7, &[0xFF])),
            dg(2, 6000, rtp(1, 0, 0, 9, &[0xFF])),
            dg(5004, 1, rtp(1, 0, 0, 7, &[0xFF])),
            // RTCP of both ends, on the RTP port and the next.
            dg(1, 5004, rtcp_rr(7)),
            dg(5005, 2, rtcp_rr(11)),
        ];
        let to = |port| StreamFilter {
            port: Some(port),
            ssrc: None,
        };
        // By port: only what is sent to it, never RTCP.
        assert_eq!(select(&all, to(5004), p).unwrap(), vec![all[0].clone()]);
        assert!(select(&all, to(1), p).is_ok());
        assert!(select(&all, to(5005), p).is_err());
        let from = select(&all, to(7000), p).unwrap_err().to_string();
        assert!(!from.contains("come from"), "{from}");
        let wrong_way = select(&all[1..], to(5004), p).unwrap_err().to_string();
        assert!(
            wrong_way.contains("(1 RTP packets come from that port"),
            "{wrong_way}"
        );
        let by_ssrc = select(
            &all,
            StreamFilter {
                ssrc: Some(9),
                port: None,
            },
            p,
        )
        .unwrap();
        assert_eq!(by_ssrc, vec![all[1].clone()]);
        // RTCP is not listed as a source.
        let err = select(&all, StreamFilter::default(), p).unwrap_err();
        let err = err.to_string();
        assert!(
            err.contains("0x00000007 (2 packets), 0x00000009 (1 packets)"),
            "{err}"
        );
        assert!(!err.contains("0x0000000b"), "{err}");
        assert_eq!(
            select(&all[..1], StreamFilter::default(), p).unwrap().len(),
            1
        );
        // One RTP source beside RTCP is the stream.
        let one = [all[3].clone(), all[0].clone(), all[4].clone()];
        assert_eq!(
            select(&one, StreamFilter::default(), p).unwrap(),
            vec![all[0].clone()]
        );
        assert!(select(
            &all,
            StreamFilter {
                ssrc: Some(1),
                port: None
            },
            p
        )
        .is_err());
    }

    #[test]
    fn a_stream_is_described_by_source_port_and_payload_types() {
        let stream = [
            dg(1, 5004, rtp(1, 0, 0, 7, &[0xFF])),
            dg(1, 5004, rtp(2, 160, 0, 7, &[0xFF])),
            dg(1, 5004, rtp(3, 160, 101, 7, &[11, 10, 0, 160])),
        ];
        assert_eq!(
            describe_stream(&stream),
            "SSRC 0x00000007 to port 5004: 3 packets, payload type 0 (2 packets), \
             payload type 101 (1 packets)"
        );
    }

    /// Replays 20 ms PCMU packets 1..=19, then packet 22, then an RFC 4733 `#` as packet 20,
    /// into a recorder that stops on `#`; returns the receiver's counters and whether the
    /// operation completed.
    fn replay_key_with_a_packet_ahead() -> (RtpStats, bool) {
        use recresp_core::{Digit, DigitSet, PromptAudio, RecordOptions};
        let config = RtpConfig {
            telephone_event_pt: Some(101),
            ..RtpConfig::DEFAULT
        };
        let mut recorder: Recorder = Recorder::new(SampleRate::Hz8000).unwrap();
        let options = RecordOptions {
            play_beep: false,
            stop_tones: DigitSet::EMPTY.with(Digit::Pound),
            ..RecordOptions::default()
        };
        recorder.start(options, PromptAudio::None);
        let at = |i: u64, bytes| Datagram {
            time: Duration::from_millis(20 * i),
            src_port: 1,
            dst_port: 5004,
            payload: bytes,
        };
        let audio = |seq: u16| rtp(seq, u32::from(seq) * 160, 0, 7, &[0xFF; 160]);
        let mut packets: Vec<Datagram> = (1..20).map(|s| at(u64::from(s), audio(s))).collect();
        packets.push(at(20, audio(22)));
        // Event 11 (#), end bit clear, volume 10, 640 samples so far.
        packets.push(at(21, rtp(20, 20 * 160, 101, 7, &[11, 10, 0x02, 0x80])));
        let mut completed = false;
        let seen = replay(&packets, config, &mut recorder, &mut |e| {
            completed |= matches!(e, Event::Completed(_));
        });
        assert_eq!(seen.audio, 20);
        (seen.stats, completed)
    }

    #[test]
    fn nothing_is_played_or_counted_lost_after_the_operation_completes() {
        let (stats, completed) = replay_key_with_a_packet_ahead();
        assert!(completed, "the # ends the operation");
        // Packet 22 waits in the reorder window for packet 21; the operation is over before
        // that comes, so packet 22 is neither played nor the gap before it counted as lost.
        assert_eq!((stats.played, stats.lost_packets), (20, 0), "{stats:?}");
    }

    /// IPv4/UDP 1000 -> 5004 carrying 0xAB 0xCD.
    const IP: [u8; 30] = [
        0x45, 0, 0, 30, 0, 0, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, 0x03, 0xE8, 0x13,
        0x8C, 0, 10, 0, 0, 0xAB, 0xCD,
    ];

    /// The datagrams `frames` of link type `link` give.
    fn datagrams(link: DataLink, frames: &[Vec<u8>]) -> Vec<Datagram> {
        let mut d = Datagrams::new();
        for (i, f) in frames.iter().enumerate() {
            d.frame(link, Duration::from_millis(i as u64), f);
        }
        d.finish(Path::new("x.pcap")).unwrap()
    }

    fn one(link: DataLink, frame: &[u8]) -> Option<(u16, u16, Vec<u8>)> {
        let d = datagrams(link, &[frame.to_vec()]);
        d.first()
            .map(|d| (d.src_port, d.dst_port, d.payload.clone()))
    }

    #[test]
    fn link_layers() {
        let want = Some((1000, 5004, vec![0xAB, 0xCD]));
        assert_eq!(one(DataLink::RAW, &IP), want);
        let mut eth = vec![0u8; 12];
        eth.extend_from_slice(&[0x08, 0x00]);
        eth.extend_from_slice(&IP);
        assert_eq!(one(DataLink::ETHERNET, &eth), want);
        let mut null = vec![2, 0, 0, 0];
        null.extend_from_slice(&IP);
        assert_eq!(one(DataLink::NULL, &null), want);
        assert_eq!(one(DataLink::ETHERNET, &IP), None);
        // Cooked v1, whatever the device type: loopback (772), Ethernet (1), a tunnel with
        // no link address (0xFFFE).
        for device in [772u16, 1, 0xFFFE] {
            let mut sll = vec![0, 0];
            sll.extend_from_slice(&device.to_be_bytes());
            sll.extend_from_slice(&[0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00]);
            sll.extend_from_slice(&IP);
            assert_eq!(one(DataLink::LINUX_SLL, &sll), want, "device type {device}");
        }
        // Cooked v2 (tcpdump -i any).
        let mut sll2 = vec![0x08, 0x00, 0, 0, 0, 0, 0, 1, 0x03, 0x04, 0, 6];
        sll2.extend_from_slice(&[0; 8]);
        sll2.extend_from_slice(&IP);
        assert_eq!(one(DataLink::LINUX_SLL2, &sll2), want);
        // Not IP.
        sll2[0] = 0x08;
        sll2[1] = 0x06;
        assert_eq!(one(DataLink::LINUX_SLL2, &sll2), None);
        let mut d = Datagrams::new();
        d.frame(DataLink::USB_LINUX, Duration::ZERO, &IP);
        let err = d.finish(Path::new("x.pcap")).unwrap_err().to_string();
        assert!(err.contains("link type USB_LINUX is not read"), "{err}");
    }

    /// The IP packets of a UDP datagram 1000 -> 5004 split into fragments of `size` bytes
    /// of IP payload (a multiple of 8), IPv4 or IPv6.
    fn fragments(v6: bool, id: u16, payload: &[u8], size: usize) -> Vec<Vec<u8>> {
        let ip = if v6 {
            Ip::V6Fragments(size)
        } else {
            Ip::V4Fragments(size)
        };
        udp_packets(ip, u32::from(id), 1000, 5004, payload)
    }

    #[test]
    fn fragmented_datagrams_are_reassembled() {
        let payload: Vec<u8> = (0..1500u32).map(|i| i as u8).collect();
        for v6 in [false, true] {
            let mut frames = fragments(v6, 7, &payload, 512);
            assert_eq!(frames.len(), 3);
            // Out of order, and interleaved with another datagram's first fragment that
            // never completes.
            frames.swap(0, 2);
            frames.insert(1, fragments(v6, 8, &payload, 512).remove(0));
            let got = datagrams(DataLink::RAW, &frames);
            assert_eq!(got.len(), 1, "v6 {v6}");
            assert_eq!((got[0].src_port, got[0].dst_port), (1000, 5004));
            assert_eq!(got[0].payload, payload, "v6 {v6}");
            assert_eq!(got[0].time, Duration::from_millis(3));
        }
    }

    #[test]
    fn fragments_of_a_datagram_left_incomplete_too_long_are_dropped() {
        let payload = vec![0x55u8; 1000];
        let f = fragments(false, 9, &payload, 512);
        let mut d = Datagrams::new();
        d.frame(DataLink::RAW, Duration::ZERO, &f[0]);
        // Another datagram's fragment 6 s later drops the first, so its end completes nothing.
        d.frame(
            DataLink::RAW,
            Duration::from_secs(6),
            &fragments(false, 10, &payload, 512)[0],
        );
        d.frame(DataLink::RAW, Duration::from_secs(6), &f[1]);
        assert!(d.finish(Path::new("x.pcap")).unwrap().is_empty());
    }

    #[test]
    fn pcapng_resolutions() {
        assert_eq!(pcapng_time(1_500_000, 6), Duration::from_millis(1500));
        assert_eq!(pcapng_time(1_500_000_000, 9), Duration::from_millis(1500));
        assert_eq!(pcapng_time(15, 1), Duration::from_millis(1500));
        assert_eq!(pcapng_time(3 << 19, 0x80 | 20), Duration::from_millis(1500));
        assert_eq!(pcapng_time(u64::MAX, 0), Duration::from_nanos(u64::MAX));
    }

    #[test]
    fn capture_time_becomes_8_khz_ticks() {
        assert_eq!(ticks(Duration::ZERO, Duration::from_millis(20)), 160);
        assert_eq!(ticks(Duration::from_millis(20), Duration::ZERO), 0);
        assert_eq!(ticks(Duration::ZERO, Duration::from_micros(19_999)), 159);
    }
}
