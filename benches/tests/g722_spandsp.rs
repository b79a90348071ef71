//! recresp's G.722 against SpanDSP's, bit for bit: every G.722 prompt of Debian's
//! `asterisk-core-sounds-en-g722` decoded by both (at 64, 56 and 48 kbit/s), the decoded
//! audio and synthetic signals (full-scale noise, tones, silence, clipping) encoded by both,
//! and random octets decoded by both. Any difference fails the test with its position.
//! Release only: `scripts/test.sh` runs it with `--release`; run it alone with
//! `cargo test -p recresp-benches --release --test g722_spandsp -- --nocapture` to see the
//! counts compared.

use std::path::{Path, PathBuf};

use recresp_benches::peers::spandsp_g722::{SpanDspG722Decoder, SpanDspG722Encoder};
use recresp_core::codec::{G722Decoder, G722Encoder, G722Rate};
use recresp_core::synth::Lcg;

/// Where Debian's `asterisk-core-sounds-en-g722` installs its `.g722` files (raw 64 kbit/s
/// G.722 octets, 16 kHz audio).
const G722_PROMPTS: &str = "/usr/share/asterisk/sounds/en_US_f_Allison";

/// Every `.g722` file under `dir`, sorted.
fn g722_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (install Debian's asterisk-core-sounds-en-g722)",
                dir.display()
            )
        });
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "g722") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    assert!(
        !files.is_empty(),
        "no .g722 file under {} (install Debian's asterisk-core-sounds-en-g722)",
        dir.display()
    );
    files
}

/// recresp's decoder over `codes`, in one call.
fn ours_decode(rate: G722Rate, codes: &[u8]) -> Vec<i16> {
    let mut out = vec![0i16; codes.len() * 2];
    let n = G722Decoder::with_rate(rate)
        .decode(codes, &mut out)
        .expect("room for every sample");
    assert_eq!(n, out.len());
    out
}

/// recresp's encoder over `samples`, fed in frames of varying odd and even lengths (the
/// output must not depend on them).
fn ours_encode(samples: &[i16], rng: &mut Lcg) -> Vec<u8> {
    let mut encoder = G722Encoder::new();
    let mut out = vec![0u8; samples.len() / 2];
    let mut written = 0;
    let mut rest = samples;
    while !rest.is_empty() {
        let take = (1 + (rng.next_u32() >> 16) as usize % 401).min(rest.len());
        let (frame, tail) = rest.split_at(take);
        written += encoder
            .encode(frame, &mut out[written..])
            .expect("room for every octet");
        rest = tail;
    }
    assert_eq!(written, out.len());
    out
}

/// Panics with the first position where `ours` and `peer` differ.
fn require_identical<T: PartialEq + std::fmt::Debug>(what: &str, ours: &[T], peer: &[T]) {
    assert_eq!(ours.len(), peer.len(), "{what}: lengths differ");
    if let Some(i) = ours.iter().zip(peer).position(|(a, b)| a != b) {
        let end = (i + 8).min(ours.len());
        panic!(
            "{what}: first difference at {i} of {}: recresp {:?}, SpanDSP {:?}",
            ours.len(),
            &ours[i..end],
            &peer[i..end]
        );
    }
}

/// Compares decoded samples: identical, except where SpanDSP's output wraps around. The
/// Debian build of SpanDSP (0.0.6) casts the mirror filter's output to 16 bits without
/// limiting it, where the standard (and later SpanDSP releases) saturate; recresp
/// saturates. A difference is accepted only where recresp's sample is at a rail and
/// SpanDSP's has the other sign (the signature of a wrap past that rail); anything else
/// fails. Returns the number of such wrapped samples.
fn require_identical_samples(what: &str, ours: &[i16], peer: &[i16]) -> usize {
    assert_eq!(ours.len(), peer.len(), "{what}: lengths differ");
    let mut wrapped = 0;
    for (i, (&a, &b)) in ours.iter().zip(peer).enumerate() {
        if a == b {
            continue;
        }
        let wrap = (a == i16::MAX && b < 0) || (a == i16::MIN && b >= 0);
        if !wrap {
            let end = (i + 8).min(ours.len());
            panic!(
                "{what}: difference at {i} of {}: recresp {:?}, SpanDSP {:?}",
                ours.len(),
                &ours[i..end],
                &peer[i..end]
            );
        }
        wrapped += 1;
    }
    wrapped
}

const RATES: [(G722Rate, u32); 3] = [
    (G722Rate::Kbit64, 64_000),
    (G722Rate::Kbit56, 56_000),
    (G722Rate::Kbit48, 48_000),
];

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn decoding_and_reencoding_the_g722_prompts_matches_spandsp() {
    let files = g722_files(Path::new(G722_PROMPTS));
    let mut rng = Lcg::new(0x6722);
    let (mut octets, mut samples_64k, mut samples_all, mut codes) = (0usize, 0, 0, 0);
    for path in &files {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.display();
        octets += bytes.len();
        let mut decoded_64k = Vec::new();
        for (rate, bps) in RATES {
            let ours = ours_decode(rate, &bytes);
            let peer = SpanDspG722Decoder::new(bps).decode(&bytes);
            require_identical(&format!("{name} decoded at {bps} bit/s"), &ours, &peer);
            samples_all += ours.len();
            if rate == G722Rate::Kbit64 {
                samples_64k += ours.len();
                decoded_64k = ours;
            }
        }
        let ours = ours_encode(&decoded_64k, &mut rng);
        let peer = SpanDspG722Encoder::new().encode(&decoded_64k);
        require_identical(&format!("{name} re-encoded"), &ours, &peer);
        codes += ours.len();
    }
    println!(
        "G.722 prompts: {} files, {octets} octets; decoded samples identical: {samples_64k} at \
         64 kbit/s, {samples_all} at all three rates; re-encoded octets identical: {codes}",
        files.len()
    );
}

/// Synthetic 16 kHz signals, each a few seconds long, named.
fn synthetic_signals() -> Vec<(String, Vec<i16>)> {
    const N: usize = 48_000;
    let mut signals = Vec::new();
    let mut rng = Lcg::new(0x5eed);
    let full_noise: Vec<i16> = (0..N)
        .map(|_| (rng.next_u32() >> 16) as u16 as i16)
        .collect();
    signals.push(("full-scale noise".to_string(), full_noise));
    let quiet_noise: Vec<i16> = (0..N).map(|_| rng.uniform(64)).collect();
    signals.push(("quiet noise".to_string(), quiet_noise));
    signals.push(("silence".to_string(), vec![0; N]));
    signals.push(("most negative DC".to_string(), vec![i16::MIN; N]));
    signals.push(("most positive DC".to_string(), vec![i16::MAX; N]));
    let square: Vec<i16> = (0..N)
        .map(|i| if (i / 8) % 2 == 0 { i16::MAX } else { i16::MIN })
        .collect();
    signals.push(("full-scale 1 kHz square".to_string(), square));
    let alternating: Vec<i16> = (0..N)
        .map(|i| if i % 2 == 0 { i16::MAX } else { i16::MIN })
        .collect();
    signals.push(("full-scale 8 kHz alternation".to_string(), alternating));
    for hz in [100.0, 440.0, 1000.0, 3400.0, 4000.0, 5000.0, 7000.0, 7900.0] {
        for (label, amplitude) in [
            ("-40 dBFS", 327.0),
            ("0 dBFS", 32767.0),
            ("+12 dB clipped", 131068.0),
        ] {
            let tone: Vec<i16> = (0..N)
                .map(|i| {
                    let x =
                        amplitude * (2.0 * std::f64::consts::PI * hz * i as f64 / 16000.0).sin();
                    x.round().clamp(-32768.0, 32767.0) as i16
                })
                .collect();
            signals.push((format!("{hz} Hz at {label}"), tone));
        }
    }
    let sweep: Vec<i16> = (0..N)
        .map(|i| {
            let t = i as f64 / 16000.0;
            let seconds = N as f64 / 16000.0;
            let phase = 2.0 * std::f64::consts::PI * (50.0 * t + 3975.0 * t * t / seconds);
            (30000.0 * phase.sin()).round() as i16
        })
        .collect();
    signals.push(("50 Hz to 8 kHz sweep".to_string(), sweep));
    let bursts: Vec<i16> = (0..N)
        .map(|i| {
            if (i / 1600) % 2 == 0 {
                (rng.next_u32() >> 16) as u16 as i16
            } else {
                0
            }
        })
        .collect();
    signals.push(("full-scale noise bursts and silence".to_string(), bursts));
    signals
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn encoding_synthetic_signals_matches_spandsp() {
    let mut rng = Lcg::new(0xe2c0);
    let (mut signals, mut codes, mut samples, mut wrapped) = (0usize, 0usize, 0usize, 0usize);
    for (name, signal) in synthetic_signals() {
        let ours = ours_encode(&signal, &mut rng);
        let peer = SpanDspG722Encoder::new().encode(&signal);
        require_identical(&format!("{name} encoded"), &ours, &peer);
        // And back: both decoders on the codes just made.
        let ours_back = ours_decode(G722Rate::Kbit64, &ours);
        let peer_back = SpanDspG722Decoder::new(64_000).decode(&peer);
        wrapped += require_identical_samples(
            &format!("{name} encoded and decoded"),
            &ours_back,
            &peer_back,
        );
        signals += 1;
        codes += ours.len();
        samples += ours_back.len();
    }
    println!(
        "G.722 synthetic signals: {signals} signals; encoded octets identical: {codes}; \
         decoded again: {samples} samples, identical but {wrapped} where SpanDSP wraps"
    );
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn decoding_random_octets_matches_spandsp() {
    let mut rng = Lcg::new(0xb17e5);
    let (mut streams, mut octets, mut wrapped) = (0usize, 0usize, 0usize);
    for stream in 0..64 {
        let len = 16_000 + (rng.next_u32() >> 16) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next_u32() >> 24) as u8).collect();
        for (rate, bps) in RATES {
            let ours = ours_decode(rate, &bytes);
            let peer = SpanDspG722Decoder::new(bps).decode(&bytes);
            let what = format!("random stream {stream} at {bps} bit/s");
            wrapped += require_identical_samples(&what, &ours, &peer);
        }
        streams += 1;
        octets += len;
    }
    println!(
        "G.722 random octets: {streams} streams, {octets} octets decoded at each of 3 rates: \
         {} samples, identical but {wrapped} where SpanDSP wraps",
        octets * 2 * 3
    );
}
