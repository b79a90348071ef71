//! A deterministic mutation fuzzer for the RTP parser and receiver, run in CI by
//! `scripts/test-rtp.sh` (10 million executions; `RTP_FUZZ_EXECS` sets another count, and
//! `RTP_FUZZ_SEED` another seed for longer runs).
//!
//! Each execution mutates a packet from a seed corpus of valid packets (PCMU, PCMA, G.722,
//! comfort noise, telephone events, with CSRCs, a header extension and padding): bit flips,
//! interesting bytes, truncation, extension, header-bit and sequence/timestamp changes. The
//! packet is parsed, its slices are checked against the bytes, and it is fed to a long-lived
//! receiver driving a real recorder (8 kHz and 16 kHz ones take turns, so G.722 is decoded and
//! G.711 refused on one, the other way round on the other); now and then the host's clock moves on
//! (`RtpReceiver::advance`), with or without packets. The run fails on any panic (the `fuzz` profile keeps
//! overflow checks and debug assertions on), if the recorder's position ever goes back, if a
//! refused packet changed the receiver, or if some error variant or packet fate was never
//! reached (the mutations must cover the parser's branches).
//!
//! `#[ignore]`d in the ordinary test run; run with
//! `cargo test --profile fuzz -p recresp-core --test rtp_fuzz -- --ignored --nocapture`.

use recresp_core::synth::Lcg;
use recresp_core::{
    Fate, PromptAudio, RecordOptions, Recorder, RtpConfig, RtpError, RtpPacket, RtpReceiver,
    SampleRate,
};

const PT_EVENT: u8 = 101;

fn seeds() -> Vec<Vec<u8>> {
    let mut s = Vec::new();
    let header = |b0: u8, pt: u8, seq: u16, ts: u32| {
        let mut h = vec![b0, pt];
        h.extend_from_slice(&seq.to_be_bytes());
        h.extend_from_slice(&ts.to_be_bytes());
        h.extend_from_slice(&0x5EC0_0001u32.to_be_bytes());
        h
    };
    for (i, pt) in [0u8, 8, 9].into_iter().enumerate() {
        let mut p = header(0x80, pt, 100 + i as u16, 16_000);
        p.extend((0..24).map(|k| (k * 37) as u8));
        s.push(p);
    }
    // CSRCs, extension and padding around a PCMU payload.
    let mut p = header(0xB2, 0, 102, 16_024);
    p.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 2, 0xBE, 0xDE, 0, 1, 0x10, 0xAA, 0, 0]);
    p.extend((0..16).map(|k| (k * 11) as u8));
    p.extend_from_slice(&[0, 0, 3]);
    s.push(p);
    let mut p = header(0x80, 13, 103, 16_040);
    p.extend_from_slice(&[40, 1, 2, 3]);
    s.push(p);
    for (k, flags) in [(0u16, 0x0Au8), (1, 0x8A)] {
        let mut p = header(0x80, PT_EVENT, 104 + k, 16_040);
        p.extend_from_slice(&[11, flags, 0x01, 0x40]);
        s.push(p);
    }
    // An RTCP receiver report multiplexed on the port (RFC 5761).
    s.push(vec![0x80, 201, 0, 1, 0x5E, 0xC0, 0, 1]);
    s
}

fn mutate(p: &mut Vec<u8>, rng: &mut Lcg) {
    let n = 1 + rng.next_u32() % 4;
    for _ in 0..n {
        let r = rng.next_u32();
        let at = |len: usize, r: u32| if len == 0 { 0 } else { (r >> 8) as usize % len };
        match r % 10 {
            0 | 1 => {
                if !p.is_empty() {
                    let i = at(p.len(), r);
                    p[i] ^= 1 << (rng.next_u32() % 8);
                }
            }
            2 => {
                if !p.is_empty() {
                    let i = at(p.len(), r);
                    p[i] = [0, 1, 0x7F, 0x80, 0xFF, 0x0F, 0x10, 0x20][rng.next_u32() as usize % 8];
                }
            }
            3 => {
                let keep = at(p.len() + 1, r);
                p.truncate(keep);
            }
            4 => {
                let extra = rng.next_u32() % 48;
                for _ in 0..extra {
                    p.push(rng.next_u32() as u8);
                }
            }
            5 => {
                // The header bits: version, P, X, CC.
                if !p.is_empty() {
                    p[0] = (p[0] & 0xC0) | (rng.next_u32() as u8 & 0x3F);
                }
            }
            6 => {
                // Payload type, among those that matter most.
                if p.len() > 1 {
                    p[1] =
                        (p[1] & 0x80) | [0u8, 8, 13, PT_EVENT, 9, 127][rng.next_u32() as usize % 6];
                }
            }
            7 => {
                // Sequence number: near, far, or wrapped.
                if p.len() >= 4 {
                    let seq = u16::from_be_bytes([p[2], p[3]]);
                    let d = [1i32, -1, 2, 7, 8, 9, -8, 999, 1000, -1000, 30_000]
                        [rng.next_u32() as usize % 11];
                    p[2..4].copy_from_slice(&seq.wrapping_add(d as u16).to_be_bytes());
                }
            }
            8 => {
                // Timestamp: small steps, overlaps and jumps.
                if p.len() >= 8 {
                    let ts = u32::from_be_bytes([p[4], p[5], p[6], p[7]]);
                    let d = [160i64, -80, -400, 8000, 480_001, -1, 1 << 31]
                        [rng.next_u32() as usize % 7];
                    p[4..8].copy_from_slice(&ts.wrapping_add(d as u32).to_be_bytes());
                }
            }
            _ => {
                // Another source.
                if p.len() >= 12 {
                    p[11] = rng.next_u32() as u8 % 3;
                }
            }
        }
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn variant(e: &RtpError) -> usize {
    match e {
        RtpError::TooShort { .. } => 0,
        RtpError::Version { .. } => 1,
        RtpError::CsrcOverrun { .. } => 2,
        RtpError::ExtensionOverrun { .. } => 3,
        RtpError::Padding { .. } => 4,
        RtpError::PayloadType { .. } => 5,
        RtpError::EmptyPayload => 6,
        RtpError::PayloadTooLong { .. } => 7,
        RtpError::ComfortNoise => 8,
        RtpError::TelephoneEvent => 9,
        RtpError::Rate => 10,
    }
}

#[test]
#[ignore = "long: run by scripts/test-rtp.sh with --profile fuzz"]
fn rtp_mutation_fuzz() {
    let execs = env_u64("RTP_FUZZ_EXECS", 10_000_000);
    let mut rng = Lcg::new(env_u64("RTP_FUZZ_SEED", 0x5EED) as u32);
    let seeds = seeds();
    let config = RtpConfig {
        telephone_event_pt: Some(PT_EVENT),
        ..RtpConfig::DEFAULT
    };
    let options = RecordOptions {
        play_beep: false,
        media_timeout_ms: 600_000,
        max_record_duration_s: 120,
        ..RecordOptions::default()
    };
    // An 8 kHz recorder (G.711) and a 16 kHz one (G.722), each with its receiver, take
    // turns.
    let mut recs: [Recorder; 2] = [
        Recorder::new(SampleRate::Hz8000).unwrap(),
        Recorder::new(SampleRate::Hz16000).unwrap(),
    ];
    for rec in &mut recs {
        rec.start(options, PromptAudio::None);
    }
    let mut rxs: [RtpReceiver<8, 64>; 2] = [RtpReceiver::new(config), RtpReceiver::new(config)];
    let mut last = [0u64; 2];
    let mut errors = [0u64; 11];
    let mut fates = [0u64; 5];
    let mut parsed = 0u64;
    let mut p = Vec::with_capacity(256);
    // The previous accepted packet, mutated again now and then (walks away from the seeds).
    let mut prev: Option<Vec<u8>> = None;
    for i in 0..execs {
        p.clear();
        match (&prev, rng.next_u32() % 4) {
            (Some(q), 0) => p.extend_from_slice(q),
            _ => p.extend_from_slice(&seeds[rng.next_u32() as usize % seeds.len()]),
        }
        mutate(&mut p, &mut rng);
        if let Ok(pkt) = RtpPacket::parse(&p) {
            parsed += 1;
            let header = 12 + pkt.csrc_bytes.len() + pkt.extension.map_or(0, |(_, d)| 4 + d.len());
            let padding = if p[0] & 0x20 != 0 {
                *p.last().unwrap() as usize
            } else {
                0
            };
            assert_eq!(
                header + pkt.payload.len() + padding,
                p.len(),
                "exec {i}: {p:02x?}"
            );
        }
        let k = (i / 1000 % 2) as usize;
        let (rec, rx) = (&mut recs[k], &mut rxs[k]);
        // Checking a refused packet changes nothing costs a Debug dump; do it now and then.
        let check = i % 997 == 0;
        let before = check.then(|| format!("{rx:?}"));
        match rx.packet(rec, &p, |_| {}) {
            Ok(f) => {
                fates[f as usize] += 1;
                prev = Some(p.clone());
            }
            Err(e) => {
                errors[variant(&e)] += 1;
                if let Some(b) = before {
                    assert_eq!(
                        b,
                        format!("{rx:?}"),
                        "exec {i}: refused packet changed state"
                    );
                }
            }
        }
        // The host's clock, now and then: time with or without packets.
        if rng.next_u32().is_multiple_of(8) {
            rx.advance(rec, u64::from(rng.next_u32() % 2000), |_| {});
        }
        assert!(rec.position() >= last[k], "exec {i}: position went back");
        last[k] = rec.position();
        if !rec.is_running() {
            rec.start(options, PromptAudio::None);
            rx.restart();
            last[k] = 0;
        }
    }
    println!(
        "rtp fuzz: {execs} executions, {parsed} parsed; errors {errors:?}; fates \
         (accepted, duplicate, late, old source, rtcp) {fates:?}; {:?}",
        rxs.map(|rx| rx.stats())
    );
    if execs >= 100_000 {
        assert!(
            errors.iter().all(|&n| n > 0),
            "an error variant never reached: {errors:?}"
        );
        assert!(
            fates.iter().all(|&n| n > 0),
            "a fate never reached: {fates:?}"
        );
    }
    let _ = Fate::Accepted;
}
