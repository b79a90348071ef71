//! `recresp-sim run --rtp`: a capture of the caller's RTP stream gives exactly what
//! `run --caller` gives on the same audio, whatever the packet order within the receiver's
//! window, the link layer (Ethernet, Linux cooked v1 and v2), IP fragmentation, RTCP on the
//! port, the stream coming back the other way, or the sender's silence suppression; a
//! segmented long key is one press; packets that stop end the operation
//! `mediaReceiveTimeout`; a stream with nothing playable, and other errors, are one line
//! and exit status 1.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use etherparse::PacketBuilder;
use pcap_file::pcap::{PcapPacket, PcapWriter};
use recresp_core::rtp::write_packet;
use recresp_core::SampleRate;
use recresp_core::{linear_to_ulaw, ulaw_to_linear};
use recresp_harness::callers::ANSWER_THEN_POUND;
use recresp_harness::ip::{udp_packets, Ip};
use recresp_harness::{Script, Step};

use common::{sim, write_wav};

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("recresp-rtp-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The shared caller (1 s of silence, 1.5 s of voice, a pause, `#`, then silence) at 8 kHz,
/// as μ-law bytes.
fn caller_ulaw() -> Vec<u8> {
    let rate = SampleRate::Hz8000;
    let mut s = vec![0i16; ANSWER_THEN_POUND.samples(rate)];
    ANSWER_THEN_POUND.add_to(rate, &mut s);
    s.iter().map(|&x| linear_to_ulaw(x)).collect()
}

/// Ethernet/IPv4/UDP frames, 127.0.0.1:40000 -> :5004, one per RTP packet.
fn frame(rtp: &[u8]) -> Vec<u8> {
    let b = PacketBuilder::ethernet2([0; 6], [0; 6])
        .ipv4([127, 0, 0, 1], [127, 0, 0, 1], 64)
        .udp(40000, 5004);
    let mut out = Vec::with_capacity(b.size(rtp.len()));
    b.write(&mut out, rtp).unwrap();
    out
}

/// The stream as 20 ms PCMU packets, in the order `order` gives (indices of packets).
fn write_pcap(path: &PathBuf, audio: &[u8], order: &[usize]) {
    let packets: Vec<Vec<u8>> = audio
        .chunks(160)
        .enumerate()
        .map(|(i, c)| {
            let mut buf = vec![0u8; 12 + c.len()];
            write_packet(
                &mut buf,
                0,
                i == 0,
                65_000u16.wrapping_add(i as u16),
                7_000 + 160 * i as u32,
                0xCAFE_0001,
                c,
            )
            .unwrap();
            buf
        })
        .collect();
    let file = std::fs::File::create(path).unwrap();
    let mut w = PcapWriter::new(file).unwrap();
    for (t, &i) in order.iter().enumerate() {
        let data = frame(&packets[i]);
        let p = PcapPacket::new(
            Duration::from_millis(20 * t as u64),
            data.len() as u32,
            &data,
        );
        w.write_packet(&p).unwrap();
    }
}

const REQUEST: &str = r##"{"clientContext": "rtp", "stopTones": ["#"], "playBeep": false,
  "maxRecordDurationInSeconds": 10}"##;

#[test]
fn a_capture_runs_as_the_wav_does_in_any_order_within_the_window() {
    let d = dir("same");
    let p = |n: &str| d.join(n).to_str().unwrap().to_string();
    std::fs::write(p("request.json"), REQUEST).unwrap();
    let audio = caller_ulaw();
    let decoded: Vec<i16> = audio.iter().map(|&b| ulaw_to_linear(b)).collect();
    write_wav(&d.join("caller.wav"), SampleRate::Hz8000, &decoded);
    let n = audio.len().div_ceil(160);
    let in_order: Vec<usize> = (0..n).collect();
    // Swap neighbours, and move every tenth packet 6 places later.
    let mut shuffled = in_order.clone();
    for i in (0..n - 1).step_by(2) {
        shuffled.swap(i, i + 1);
    }
    for i in (3..n - 7).step_by(10) {
        let x = shuffled.remove(i);
        shuffled.insert(i + 6, x);
    }
    write_pcap(&d.join("in-order.pcap"), &audio, &in_order);
    write_pcap(&d.join("shuffled.pcap"), &audio, &shuffled);

    let request = p("request.json");
    let run = |input: &[&str], rec: &str| {
        let mut args = vec!["run", "--request", &request];
        let recording = p(rec);
        args.extend_from_slice(&["--recording", &recording]);
        args.extend_from_slice(input);
        let out = sim(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            std::fs::read(d.join(rec)).unwrap(),
        )
    };
    let wav = run(&["--caller", &p("caller.wav")], "a.wav");
    assert!(wav.0.contains("stopToneDetected"), "{}", wav.0);
    let pcap = p("in-order.pcap");
    let shuffled_pcap = p("shuffled.pcap");
    for input in [
        vec!["--rtp", pcap.as_str()],
        vec!["--rtp", shuffled_pcap.as_str()],
        vec!["--rtp", shuffled_pcap.as_str(), "--port", "5004"],
        vec!["--rtp", pcap.as_str(), "--ssrc", "0xCAFE0001"],
    ] {
        // The recording is named in the notification: the same name for every run.
        let _ = std::fs::remove_file(d.join("a.wav"));
        assert_eq!(run(&input, "a.wav"), wav, "{input:?}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn capture_errors_are_one_line_and_status_1() {
    let d = dir("errors");
    let p = |n: &str| d.join(n).to_str().unwrap().to_string();
    std::fs::write(p("request.json"), REQUEST).unwrap();
    write_pcap(&d.join("one.pcap"), &[0xFF; 160], &[0]);
    std::fs::write(p("junk.pcap"), b"this is not a capture").unwrap();
    for (args, says) in [
        (vec!["--rtp", "/nonexistent/x.pcap"], "x.pcap"),
        (vec!["--rtp", &p("junk.pcap")], "neither pcap nor pcapng"),
        (
            vec!["--rtp", &p("one.pcap"), "--ssrc", "7"],
            "no packet of the chosen stream",
        ),
    ] {
        let request = p("request.json");
        let mut a = vec!["run", "--request", &request];
        a.extend_from_slice(&args);
        let out = sim(&a);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // --caller and --rtp together, or neither, are usage errors.
    let both = sim(&[
        "run",
        "--request",
        &p("request.json"),
        "--caller",
        "a.wav",
        "--rtp",
        "b.pcap",
    ]);
    assert_eq!(both.status.code(), Some(2));
    let neither = sim(&["run", "--request", &p("request.json")]);
    assert_eq!(neither.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&d);
}

/// The link layer a capture is written with.
#[derive(Clone, Copy, Debug)]
enum Link {
    Ethernet,
    /// Linux cooked v1 on the loopback device (ARPHRD 772).
    Cooked1,
    /// Linux cooked v2, as `tcpdump -i any` writes.
    Cooked2,
}

/// One UDP datagram of a capture.
#[derive(Clone, Debug)]
struct Sent {
    ms: u64,
    src: u16,
    dst: u16,
    payload: Vec<u8>,
}

/// Writes the datagrams as a classic pcap of link type `link`.
fn write_capture(path: &PathBuf, link: Link, ip: Ip, sent: &[Sent]) {
    let datalink = match link {
        Link::Ethernet => pcap_file::DataLink::ETHERNET,
        Link::Cooked1 => pcap_file::DataLink::LINUX_SLL,
        Link::Cooked2 => pcap_file::DataLink::LINUX_SLL2,
    };
    let header = pcap_file::pcap::PcapHeader {
        datalink,
        ..Default::default()
    };
    let ether_type: [u8; 2] = if matches!(ip, Ip::V6Fragments(_)) {
        [0x86, 0xDD]
    } else {
        [0x08, 0x00]
    };
    let mut w = PcapWriter::with_header(std::fs::File::create(path).unwrap(), header).unwrap();
    for (i, d) in sent.iter().enumerate() {
        for packet in udp_packets(ip, i as u32, d.src, d.dst, &d.payload) {
            let mut frame = match link {
                Link::Ethernet => [vec![0; 12], ether_type.to_vec()].concat(),
                // Packet type (to us), device type, address length, address (8), protocol.
                Link::Cooked1 => [
                    vec![0, 0, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0],
                    ether_type.to_vec(),
                ]
                .concat(),
                // Protocol, reserved, interface index, device type, packet type, address
                // length, address (8).
                Link::Cooked2 => [
                    ether_type.to_vec(),
                    vec![0, 0, 0, 0, 0, 1, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0],
                ]
                .concat(),
            };
            frame.extend_from_slice(&packet);
            let p = PcapPacket::new(Duration::from_millis(d.ms), frame.len() as u32, &frame);
            w.write_packet(&p).unwrap();
        }
    }
}

/// An RTP packet.
fn rtp_packet(pt: u8, marker: bool, seq: u16, ts: u32, ssrc: u32, payload: &[u8]) -> Vec<u8> {
    let mut buf = vec![0u8; 12 + payload.len()];
    let n = write_packet(&mut buf, pt, marker, seq, ts, ssrc, payload).unwrap();
    buf.truncate(n);
    buf
}

/// The caller's stream 40000 -> 5004, SSRC 0xCAFE0001: `audio` in packets of `ms`
/// milliseconds, each sent when its audio is due. With `dtx`, a packet of digital silence
/// after the first is not sent, and the packet after a pause has the marker bit.
fn stream(audio: &[u8], ms: usize, pt: u8, dtx: bool) -> Vec<Sent> {
    let n = 8 * ms;
    let mut out = Vec::new();
    let mut seq = 1000u16;
    let mut paused = false;
    for (i, chunk) in audio.chunks(n).enumerate() {
        if dtx && i > 0 && chunk.iter().all(|&b| b == 0xFF) {
            paused = true;
            continue;
        }
        out.push(Sent {
            ms: (i * ms) as u64,
            src: 40000,
            dst: 5004,
            payload: rtp_packet(pt, paused, seq, 9000 + (i * n) as u32, 0xCAFE_0001, chunk),
        });
        seq = seq.wrapping_add(1);
        paused = false;
    }
    out
}

/// μ-law bytes of a caller script at 8 kHz.
fn script_ulaw(script: &Script<'_>) -> Vec<u8> {
    let rate = SampleRate::Hz8000;
    let mut s = vec![0i16; script.samples(rate)];
    script.add_to(rate, &mut s);
    s.iter().map(|&x| linear_to_ulaw(x)).collect()
}

/// A folder with a request, and a way to run recresp-sim in it.
struct Case {
    dir: PathBuf,
}

impl Case {
    fn new(name: &str, request: &str) -> Case {
        let dir = dir(name);
        std::fs::write(dir.join("request.json"), request).unwrap();
        Case { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_str().unwrap().to_string()
    }

    /// The WAV of μ-law `audio` decoded, as `run --caller` takes it.
    fn wav(&self, name: &str, audio: &[u8]) -> String {
        let decoded: Vec<i16> = audio.iter().map(|&b| ulaw_to_linear(b)).collect();
        write_wav(&self.dir.join(name), SampleRate::Hz8000, &decoded);
        self.path(name)
    }

    fn capture(&self, name: &str, link: Link, ip: Ip, sent: &[Sent]) -> String {
        write_capture(&self.dir.join(name), link, ip, sent);
        self.path(name)
    }

    /// Runs `run` with `input` (and `-v`); status, stdout, stderr.
    fn run(&self, input: &[&str]) -> (Option<i32>, String, String) {
        let request = self.path("request.json");
        let media = self.dir.to_str().unwrap();
        let mut args = vec!["run", "--request", &request, "--media", media, "-v"];
        args.extend_from_slice(input);
        let out = sim(&args);
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// Runs `run` with `input`; its stdout, which must be a success.
    fn ok(&self, input: &[&str]) -> String {
        let (code, out, err) = self.run(input);
        assert_eq!(code, Some(0), "{input:?}: {err}");
        out
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn cooked_captures_and_ip_fragments_run_as_the_wav_does() {
    let case = Case::new("links", REQUEST);
    let audio = caller_ulaw();
    let wav = case.ok(&["--caller", &case.wav("caller.wav", &audio)]);
    assert!(wav.contains("stopToneDetected"), "{wav}");
    let sent = stream(&audio, 20, 0, false);
    for (name, link, ip) in [
        ("cooked1.pcap", Link::Cooked1, Ip::V4),
        ("cooked2.pcap", Link::Cooked2, Ip::V4),
        ("v4-fragments.pcap", Link::Ethernet, Ip::V4Fragments(64)),
        ("v6-fragments.pcap", Link::Cooked2, Ip::V6Fragments(96)),
    ] {
        let capture = case.capture(name, link, ip, &sent);
        let (code, out, err) = case.run(&["--rtp", &capture]);
        assert_eq!(code, Some(0), "{name}: {err}");
        assert_eq!(out, wav, "{name}");
        let played = format!(
            "rtp: playing SSRC 0xcafe0001 to port 5004: {n} packets, payload type 0 ({n} packets)",
            n = sent.len()
        );
        assert!(err.contains(&played), "{name}: {err}");
    }
}

/// RTCP packets (RFC 3550 §6.4): a sender report, a receiver report, a BYE.
fn rtcp(kind: &str, ssrc: u32) -> Vec<u8> {
    let (pt, body_words): (u8, u16) = match kind {
        "SR" => (200, 6),
        "RR" => (201, 1),
        _ => (203, 1),
    };
    let mut p = vec![0x80 | u8::from(kind == "BYE"), pt];
    p.extend_from_slice(&body_words.to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.resize(4 + 4 * usize::from(body_words), 0);
    p
}

#[test]
fn rtcp_and_the_stream_coming_back_are_never_the_callers_stream() {
    let case = Case::new("rtcp", REQUEST);
    let audio = caller_ulaw();
    let wav = case.ok(&["--caller", &case.wav("caller.wav", &audio)]);
    let mut sent = stream(&audio, 20, 0, false);
    // RTCP multiplexed on the RTP ports, both ways, every 25 packets, and a BYE at the end.
    let mut with_rtcp = Vec::new();
    for (i, d) in sent.iter().enumerate() {
        with_rtcp.push(d.clone());
        if i % 25 == 5 {
            let (kind, src, dst, ssrc) = if i % 50 == 5 {
                ("SR", 40000, 5004, 0xCAFE_0001)
            } else {
                ("RR", 5004, 40000, 0x0BAD_0002)
            };
            with_rtcp.push(Sent {
                ms: d.ms,
                src,
                dst,
                payload: rtcp(kind, ssrc),
            });
        }
    }
    let end = sent.last().unwrap().ms;
    with_rtcp.push(Sent {
        ms: end,
        src: 40000,
        dst: 5004,
        payload: rtcp("BYE", 0xCAFE_0001),
    });
    let capture = case.capture("rtcp.pcap", Link::Ethernet, Ip::V4, &with_rtcp);
    // The only RTP source: chosen without --ssrc or --port, RTCP never listed.
    let (code, out, err) = case.run(&["--rtp", &capture]);
    assert_eq!((code, &out), (Some(0), &wav), "{err}");
    assert!(err.contains("RtpStats {"), "{err}");
    // recresp's own stream back to the caller (symmetric RTP: same ports, other way).
    let back: Vec<Sent> = sent
        .iter()
        .map(|d| Sent {
            ms: d.ms,
            src: 5004,
            dst: 40000,
            payload: rtp_packet(0, false, 7, 0, 0x0BAD_0002, &[0xFF; 160]),
        })
        .collect();
    sent.extend(back);
    sent.extend(with_rtcp.iter().filter(|d| d.payload[1] >= 200).cloned());
    sent.sort_by_key(|d| d.ms);
    let both = case.capture("both.pcap", Link::Ethernet, Ip::V4, &sent);
    let (code, _, err) = case.run(&["--rtp", &both]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("several RTP sources") && !err.contains("0x0000000"),
        "{err}"
    );
    // --port is the port the caller's stream goes to.
    let (code, out, err) = case.run(&["--rtp", &both, "--port", "5004"]);
    assert_eq!((code, &out), (Some(0), &wav), "{err}");
    assert!(
        err.contains("rtp: playing SSRC 0xcafe0001 to port 5004"),
        "{err}"
    );
}

#[test]
fn a_senders_suppressed_pauses_run_as_the_wav_does() {
    let case = Case::new("dtx", REQUEST);
    let audio = caller_ulaw();
    let wav = case.ok(&["--caller", &case.wav("caller.wav", &audio)]);
    let sent = stream(&audio, 20, 0, true);
    let all = audio.len().div_ceil(160);
    // 1 s of silence before the voice and the pause after it are not sent.
    assert!(sent.len() + 50 < all, "{} of {all} sent", sent.len());
    assert!(sent.iter().filter(|d| d.payload[1] & 0x80 != 0).count() >= 2);
    let capture = case.capture("dtx.pcap", Link::Ethernet, Ip::V4, &sent);
    let (code, out, err) = case.run(&["--rtp", &capture]);
    assert_eq!((code, &out), (Some(0), &wav), "{err}");
    assert!(err.contains("lost_packets: 0,"), "{err}");
}

#[test]
fn packets_that_stop_for_10_s_end_the_operation_media_receive_timeout() {
    let request = r#"{"clientContext": "rtp", "playBeep": false,
      "maxSilenceTimeoutInSeconds": 20, "maxRecordDurationInSeconds": 60}"#;
    let case = Case::new("stop", request);
    // 1 s of silence, 1.5 s of voice, 1 s of silence; then the packets stop for `gap` ms
    // and 2 s more come.
    let steps = [
        Step::Quiet(1000),
        Step::voice(1500, 9000, 2),
        Step::Quiet(3000),
    ];
    let script = Script::new(&steps);
    let audio = script_ulaw(&script);
    let with_gap = |gap: u64| {
        let mut sent = stream(&audio, 20, 0, false);
        for d in sent.iter_mut().filter(|d| d.ms >= 3500) {
            d.ms += gap;
        }
        sent
    };
    let stopped = case.capture("stopped.pcap", Link::Ethernet, Ip::V4, &with_gap(10_000));
    let out = case.ok(&["--rtp", &stopped]);
    assert!(out.contains("mediaReceiveTimeout"), "{out}");
    // Without the gap the line stays open until the silence timeout ends it.
    let flowing = case.capture("flowing.pcap", Link::Ethernet, Ip::V4, &with_gap(0));
    let out = case.ok(&["--rtp", &flowing]);
    assert!(out.contains("maxSilenceTimeout"), "{out}");
}

#[test]
fn a_key_held_past_one_segment_is_one_press() {
    let request = r##"{"clientContext": "rtp", "playBeep": false, "stopTones": ["#"],
      "prompts": [{"mediaInfo": {"uri": "https://x/prompt.wav"}}],
      "maxSilenceTimeoutInSeconds": 2, "maxRecordDurationInSeconds": 30}"##;
    let case = Case::new("long-key", request);
    write_wav(
        &case.dir.join("prompt.wav"),
        SampleRate::Hz8000,
        &[0; 16_000],
    );
    // The caller speaks from 2.5 s to 11 s, then is silent.
    let steps = [
        Step::Quiet(2500),
        Step::voice(8500, 9000, 3),
        Step::Quiet(3000),
    ];
    let script = Script::new(&steps);
    let audio = script_ulaw(&script);
    let wav = case.ok(&["--caller", &case.wav("caller.wav", &audio)]);
    assert!(wav.contains("maxSilenceTimeout"), "{wav}");
    // '#' from 0.5 s (over the prompt) held 9 s: a first segment of 0xFFFF ticks, then a
    // second one (RFC 4733 §2.5.1.3), one event packet every 50 ms, three end packets.
    let mut sent = stream(&audio, 20, 0, false);
    let event = |ms: u64, start: u32, duration: u32, end: bool| {
        let d = (duration as u16).to_be_bytes();
        let flags = if end { 0x80 | 10 } else { 10 };
        Sent {
            ms,
            src: 40000,
            dst: 5004,
            payload: rtp_packet(101, false, 0, start, 0xCAFE_0001, &[11, flags, d[0], d[1]]),
        }
    };
    let (from, held) = (4000u32, 72_000u32);
    let second = from + u32::from(u16::MAX);
    let mut events = Vec::new();
    for t in (from..from + held).step_by(400) {
        let (start, duration) = if t < second {
            (from + 9000, t - from)
        } else {
            (second + 9000, t - second)
        };
        events.push(event(u64::from(t / 8), start, duration, false));
    }
    for _ in 0..3 {
        let t = from + held;
        events.push(event(u64::from(t / 8), second + 9000, t - second, true));
    }
    sent.extend(events);
    sent.sort_by_key(|d| d.ms);
    // One sequence number space for the audio and the events of the source.
    for (n, d) in sent.iter_mut().enumerate() {
        d.payload[2..4].copy_from_slice(&(1000 + n as u16).to_be_bytes());
    }
    let capture = case.capture("long-key.pcap", Link::Ethernet, Ip::V4, &sent);
    let (code, out, err) = case.run(&["--rtp", &capture]);
    assert_eq!((code, &out), (Some(0), &wav), "{err}");
    assert_eq!(err.matches("ToneDetected").count(), 1, "{err}");
    assert!(
        err.contains("lost_packets: 0,") && err.contains("discontinuities: 0,"),
        "{err}"
    );
}

#[test]
fn a_stream_with_nothing_playable_is_an_error_naming_its_payload_types() {
    let case = Case::new("unplayable", REQUEST);
    let audio = caller_ulaw();
    // G.729 (payload type 18, which recresp does not decode), with an RFC 4733 key.
    let mut g729 = stream(&audio, 20, 18, false);
    g729.push(Sent {
        ms: 3000,
        src: 40000,
        dst: 5004,
        payload: rtp_packet(
            101,
            true,
            5000,
            9000 + 24_000,
            0xCAFE_0001,
            &[11, 10, 0, 160],
        ),
    });
    let capture = case.capture("g729.pcap", Link::Ethernet, Ip::V4, &g729);
    let (code, out, err) = case.run(&["--rtp", &capture]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(out, "", "no Graph result");
    assert!(
        err.contains("payload type 18 (200 packets)")
            && err.contains("payload type 101 (1 packets)"),
        "{err}"
    );
    // PCMU in packets longer than the receiver holds (ffmpeg's 1,460 bytes).
    let long = case.capture(
        "long.pcap",
        Link::Ethernet,
        Ip::V4,
        &stream(&audio, 182, 0, false),
    );
    let (code, out, err) = case.run(&["--rtp", &long]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(out, "", "no Graph result");
    assert!(
        err.contains(
            "no audio packet could be played: payload type 0: payload longer than 480 bytes"
        ),
        "{err}"
    );
    // Refused packets in a stream that plays are counted, also without -v.
    let mut mixed: Vec<Sent> = stream(&audio, 20, 18, false).into_iter().take(3).collect();
    mixed.extend(stream(&audio, 20, 0, false));
    let mixed = case.capture("mixed.pcap", Link::Ethernet, Ip::V4, &mixed);
    let request = case.path("request.json");
    let out = sim(&["run", "--request", &request, "--rtp", &mixed]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("rtp: 3 packets refused: payload type 18 is not taken"),
        "{err}"
    );
}

#[test]
fn a_g722_stream_plays_as_its_decoded_16_khz_audio() {
    use recresp_core::codec::{G722Decoder, G722Encoder};
    let case = Case::new("g722", REQUEST);
    let rate = SampleRate::Hz16000;
    let mut pcm = vec![0i16; ANSWER_THEN_POUND.samples(rate)];
    ANSWER_THEN_POUND.add_to(rate, &mut pcm);
    let mut octets = vec![0u8; pcm.len() / 2];
    G722Encoder::new().encode(&pcm, &mut octets).unwrap();
    let mut decoded = vec![0i16; octets.len() * 2];
    G722Decoder::new().decode(&octets, &mut decoded).unwrap();
    write_wav(&case.dir.join("decoded.wav"), SampleRate::Hz16000, &decoded);
    // 20 ms packets of 160 octets on RFC 3551's 8 kHz clock (timestamps +160).
    let sent = stream(&octets, 20, 9, false);
    let capture = case.capture("g722.pcap", Link::Ethernet, Ip::V4, &sent);
    // The same recording path in both runs, so the notifications are comparable.
    let rec = case.path("rec.wav");
    let wav = case.ok(&["--caller", &case.path("decoded.wav"), "--recording", &rec]);
    let wav_recording = std::fs::read(&rec).unwrap();
    let rtp = case.ok(&["--rtp", &capture, "--recording", &rec]);
    assert_eq!(rtp, wav);
    assert!(wav.contains("stopToneDetected"), "{wav}");
    let recording = std::fs::read(&rec).unwrap();
    assert_eq!(recording, wav_recording);
    let spec = hound::WavReader::new(recording.as_slice()).unwrap().spec();
    assert_eq!(
        spec.sample_rate, 16_000,
        "a G.722 call's recording is 16 kHz"
    );
}
