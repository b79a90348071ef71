//! `recresp-sim run --rtp CAPTURE`: replays the caller's RTP stream from a packet capture
//! (classic pcap or pcapng, as tcpdump or Wireshark write them) through the core's
//! [`RtpReceiver`] into the recorder, one packet at a time in capture order.
//!
//! UDP over IPv4 or IPv6 is taken from Ethernet, Linux cooked (SLL), raw IP and BSD loopback
//! captures. The stream is chosen by `--ssrc` or by UDP port (`--port`, either end); with
//! neither, the capture must hold exactly one RTP source. When the capture ends, the receiver
//! plays what it still buffers and the line stays open and silent, as after a `--caller` WAV.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use etherparse::{SlicedPacket, TransportSlice};
use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::{Block, PcapNgReader};
use pcap_file::DataLink;
use recresp_core::{Event, Recorder, RtpConfig, RtpPacket, RtpReceiver, RtpStats, SampleRate};

use crate::error::SimError;
use crate::simulate::{Outcome, Plan};
use crate::wav::{read_wav, CallerAudio};

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
    /// The stream's UDP port (source or destination).
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
        /// The packets.
        packets: Vec<Vec<u8>>,
        /// The receiver's configuration.
        config: RtpConfig,
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
                Ok(CallerInput::Rtp {
                    packets: select(&read_capture(path)?, filter, path)?,
                    config: RtpConfig {
                        telephone_event_pt: Some(rtp.event_pt),
                        ..RtpConfig::DEFAULT
                    },
                })
            }
            (None, Some(wav)) => Ok(CallerInput::Wav(read_wav(wav)?)),
            (None, None) => Err(SimError::Capture {
                path: PathBuf::new(),
                reason: "give the caller's audio with --caller or --rtp".into(),
            }),
        }
    }

    /// Runs the operation on this input; with `verbose`, RTP counters and refused packets
    /// go to standard error.
    pub fn run(&self, plan: &Plan, verbose: bool) -> Outcome {
        match self {
            CallerInput::Wav(audio) => plan.run(audio),
            CallerInput::Rtp { packets, config } => {
                let mut seen = Replay::default();
                let outcome = plan.run_with(SampleRate::Hz8000, |rec, on_event| {
                    seen = replay(packets, *config, rec, on_event);
                });
                if verbose {
                    eprintln!("rtp: {:?}", seen.stats);
                    for e in &seen.errors {
                        eprintln!("rtp: {e}");
                    }
                }
                outcome
            }
        }
    }
}

/// One UDP datagram from the capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datagram {
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
    /// Only datagrams from or to this UDP port.
    pub port: Option<u16>,
}

fn bad(path: &Path, reason: String) -> SimError {
    SimError::Capture {
        path: path.to_path_buf(),
        reason,
    }
}

/// The UDP datagram in one captured frame of link type `link`, if it holds one.
fn udp(link: DataLink, frame: &[u8]) -> Option<Datagram> {
    let sliced = match link {
        DataLink::ETHERNET => SlicedPacket::from_ethernet(frame),
        DataLink::LINUX_SLL => SlicedPacket::from_linux_sll(frame),
        DataLink::RAW | DataLink::IPV4 | DataLink::IPV6 => SlicedPacket::from_ip(frame),
        // BSD loopback: a 4-byte address family, then IP.
        DataLink::NULL | DataLink::LOOP => SlicedPacket::from_ip(frame.get(4..)?),
        _ => return None,
    }
    .ok()?;
    match sliced.transport? {
        TransportSlice::Udp(u) => Some(Datagram {
            src_port: u.source_port(),
            dst_port: u.destination_port(),
            payload: u.payload().to_vec(),
        }),
        _ => None,
    }
}

/// Reads every UDP datagram of a classic pcap or pcapng file, in capture order.
pub fn read_capture(path: &Path) -> Result<Vec<Datagram>, SimError> {
    let io = |source| SimError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let mut magic = [0u8; 4];
    file.read_exact(&mut magic).map_err(io)?;
    let file = BufReader::new(std::io::Cursor::new(magic).chain(file));
    let mut out = Vec::new();
    if magic == [0x0A, 0x0D, 0x0D, 0x0A] {
        let mut r = PcapNgReader::new(file).map_err(|e| bad(path, format!("pcapng: {e}")))?;
        // Link types of the current section's interfaces, by interface id.
        let mut links: Vec<DataLink> = Vec::new();
        while let Some(block) = r.next_block() {
            let block = block.map_err(|e| bad(path, format!("pcapng: {e}")))?;
            let (interface, data) = match &block {
                Block::SectionHeader(_) => {
                    links.clear();
                    continue;
                }
                Block::InterfaceDescription(i) => {
                    links.push(i.linktype);
                    continue;
                }
                Block::EnhancedPacket(p) => (p.interface_id, &p.data),
                Block::SimplePacket(p) => (0, &p.data),
                _ => continue,
            };
            let link = links
                .get(interface as usize)
                .copied()
                .ok_or_else(|| bad(path, format!("packet on undeclared interface {interface}")))?;
            out.extend(udp(link, data));
        }
    } else {
        let mut r = PcapReader::new(file)
            .map_err(|e| bad(path, format!("neither pcap nor pcapng ({e})")))?;
        let link = r.header().datalink;
        while let Some(p) = r.next_packet() {
            let p = p.map_err(|e| bad(path, format!("pcap: {e}")))?;
            out.extend(udp(link, &p.data));
        }
    }
    Ok(out)
}

/// The SSRC of a datagram that parses as RTP.
fn ssrc_of(d: &Datagram) -> Option<u32> {
    RtpPacket::parse(&d.payload).ok().map(|p| p.ssrc)
}

/// The datagrams of the chosen stream. With no SSRC and no port given, the capture must
/// hold exactly one RTP source.
pub fn select(
    datagrams: &[Datagram],
    filter: StreamFilter,
    path: &Path,
) -> Result<Vec<Vec<u8>>, SimError> {
    let on_port = |d: &&Datagram| {
        filter
            .port
            .is_none_or(|p| d.src_port == p || d.dst_port == p)
    };
    let mut filter = filter;
    if filter.ssrc.is_none() && filter.port.is_none() {
        let mut sources: BTreeMap<u32, usize> = BTreeMap::new();
        for d in datagrams {
            if let Some(s) = ssrc_of(d) {
                *sources.entry(s).or_default() += 1;
            }
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
    let picked: Vec<Vec<u8>> = datagrams
        .iter()
        .filter(on_port)
        .filter(|d| filter.ssrc.is_none() || ssrc_of(d) == filter.ssrc)
        .map(|d| d.payload.clone())
        .collect();
    if picked.is_empty() {
        return Err(bad(path, "no packet of the chosen stream".into()));
    }
    Ok(picked)
}

/// What the replay saw besides the recorder's events.
#[derive(Clone, Debug, Default)]
pub struct Replay {
    /// The receiver's counters.
    pub stats: RtpStats,
    /// Packets refused, with why.
    pub errors: Vec<String>,
}

/// Pushes the packets into `recorder` through an RTP receiver until the operation
/// completes. If the capture ends first, the stream has ended: the receiver is flushed, so
/// the packets it still holds are played. Once the operation has completed, nothing more is
/// played, and packets still in the reorder window (waiting for one not yet arrived) are
/// neither played nor counted as lost.
pub fn replay(
    packets: &[Vec<u8>],
    config: RtpConfig,
    recorder: &mut Recorder,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Replay {
    let mut rx: RtpReceiver = RtpReceiver::new(config);
    let mut errors = Vec::new();
    for (i, p) in packets.iter().enumerate() {
        if let Err(e) = rx.packet(recorder, p, &mut *on_event) {
            errors.push(format!("packet {i}: {e}"));
        }
        if !recorder.is_running() {
            break;
        }
    }
    if recorder.is_running() {
        rx.flush(recorder, &mut *on_event);
    }
    Replay {
        stats: rx.stats(),
        errors,
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
mod tests {
    use super::*;

    #[test]
    fn ssrc_forms() {
        assert_eq!(parse_ssrc("0x1234ABCD"), Ok(0x1234_ABCD));
        assert_eq!(parse_ssrc("42"), Ok(42));
        assert!(parse_ssrc("0xZZ").is_err());
        assert!(parse_ssrc("-1").is_err());
    }

    fn dg(src: u16, dst: u16, ssrc: u32) -> Datagram {
        let mut payload = vec![0x80, 0, 0, 1, 0, 0, 0, 0];
        payload.extend_from_slice(&ssrc.to_be_bytes());
        payload.push(0xFF);
        Datagram {
            src_port: src,
            dst_port: dst,
            payload,
        }
    }

    #[test]
    fn stream_selection() {
        let p = Path::new("x.pcap");
        let all = [dg(1, 5004, 7), dg(2, 6000, 9), dg(5004, 1, 7)];
        let by_port = select(
            &all,
            StreamFilter {
                port: Some(5004),
                ssrc: None,
            },
            p,
        )
        .unwrap();
        assert_eq!(by_port.len(), 2);
        let by_ssrc = select(
            &all,
            StreamFilter {
                ssrc: Some(9),
                port: None,
            },
            p,
        )
        .unwrap();
        assert_eq!(by_ssrc, vec![all[1].payload.clone()]);
        let err = select(&all, StreamFilter::default(), p).unwrap_err();
        assert!(err.to_string().contains("0x00000007 (2 packets)"), "{err}");
        assert_eq!(
            select(&all[..1], StreamFilter::default(), p).unwrap().len(),
            1
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

    /// An RTP packet of SSRC 7.
    fn rtp(seq: u16, timestamp: u32, payload_type: u8, payload: &[u8]) -> Vec<u8> {
        let mut p = vec![0x80, payload_type];
        p.extend_from_slice(&seq.to_be_bytes());
        p.extend_from_slice(&timestamp.to_be_bytes());
        p.extend_from_slice(&7u32.to_be_bytes());
        p.extend_from_slice(payload);
        p
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
        let audio = |seq: u16| rtp(seq, u32::from(seq) * 160, 0, &[0xFF; 160]);
        let mut packets: Vec<Vec<u8>> = (1..20).map(audio).collect();
        packets.push(audio(22));
        // Event 11 (#), end bit clear, volume 10, 640 samples so far.
        packets.push(rtp(20, 20 * 160, 101, &[11, 10, 0x02, 0x80]));
        let mut completed = false;
        let seen = replay(&packets, config, &mut recorder, &mut |e| {
            completed |= matches!(e, Event::Completed(_));
        });
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

    #[test]
    fn link_layers() {
        // IPv4/UDP 1000 -> 5004 carrying 2 bytes.
        let ip = [
            0x45, 0, 0, 30, 0, 0, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, 0x03, 0xE8, 0x13,
            0x8C, 0, 10, 0, 0, 0xAB, 0xCD,
        ];
        let want = Datagram {
            src_port: 1000,
            dst_port: 5004,
            payload: vec![0xAB, 0xCD],
        };
        assert_eq!(udp(DataLink::RAW, &ip), Some(want.clone()));
        let mut eth = vec![0u8; 12];
        eth.extend_from_slice(&[0x08, 0x00]);
        eth.extend_from_slice(&ip);
        assert_eq!(udp(DataLink::ETHERNET, &eth), Some(want.clone()));
        let mut null = vec![2, 0, 0, 0];
        null.extend_from_slice(&ip);
        assert_eq!(udp(DataLink::NULL, &null), Some(want));
        assert_eq!(udp(DataLink::ETHERNET, &ip), None);
    }
}
