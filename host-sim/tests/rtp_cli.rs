//! `recresp-sim run --rtp`: a capture of the caller's RTP stream gives exactly what
//! `run --caller` gives on the same audio, whatever the packet order within the receiver's
//! window; errors are one line and exit status 1.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use etherparse::PacketBuilder;
use pcap_file::pcap::{PcapPacket, PcapWriter};
use recresp_core::rtp::write_packet;
use recresp_core::SampleRate;
use recresp_core::{linear_to_ulaw, ulaw_to_linear};
use recresp_harness::callers::ANSWER_THEN_POUND;

fn sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_recresp-sim"))
        .args(args)
        .output()
        .expect("recresp-sim runs")
}

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

fn write_wav(path: &PathBuf, samples: &[i16]) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for &s in samples {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
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
    write_wav(&d.join("caller.wav"), &decoded);
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
