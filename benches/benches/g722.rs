//! Criterion benches of the G.722 codec, per 10 ms frame (80 octets, 160 samples at 16 kHz):
//! recresp's decoder and encoder, and SpanDSP's beside them. The input is the first G.722
//! prompt of Debian's `asterisk-core-sounds-en-g722` when installed, otherwise the
//! speech-like synthetic voice encoded; each iteration takes the next frame of it, cycling,
//! with the codec state carried over as in a call. SpanDSP's figures include the shim's own
//! work per call (an output `Vec` and, for decoding, a copy of the octets).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use recresp_benches::peers::spandsp_g722::{SpanDspG722Decoder, SpanDspG722Encoder};
use recresp_core::codec::{G722Decoder, G722Encoder};
use recresp_core::synth::add_voice;
use recresp_core::SampleRate;
use std::hint::black_box;

/// Octets in 10 ms of G.722.
const FRAME_OCTETS: usize = 80;
/// Samples in 10 ms at 16 kHz.
const FRAME_SAMPLES: usize = 2 * FRAME_OCTETS;

/// Whole frames of G.722 octets and the 16 kHz audio they decode to.
fn input() -> (Vec<u8>, Vec<i16>) {
    let prompt = std::fs::read("/usr/share/asterisk/sounds/en_US_f_Allison/activated.g722");
    let mut codes = prompt.unwrap_or_else(|_| {
        let mut voice = vec![0i16; 32_000];
        add_voice(&mut voice, 12_000, SampleRate::Hz16000, 1);
        let mut codes = vec![0u8; voice.len() / 2];
        G722Encoder::new().encode(&voice, &mut codes).expect("room");
        codes
    });
    codes.truncate(codes.len() / FRAME_OCTETS * FRAME_OCTETS);
    let mut audio = vec![0i16; codes.len() * 2];
    G722Decoder::new().decode(&codes, &mut audio).expect("room");
    (codes, audio)
}

fn bench(c: &mut Criterion) {
    let (codes, audio) = input();
    let mut group = c.benchmark_group("g722_10ms_frame");
    group.throughput(Throughput::Elements(FRAME_SAMPLES as u64));

    group.bench_function("recresp decode", |b| {
        let mut decoder = G722Decoder::new();
        let mut frames = codes.chunks_exact(FRAME_OCTETS).cycle();
        let mut out = [0i16; FRAME_SAMPLES];
        b.iter(|| {
            let frame = frames.next().expect("frames");
            decoder.decode(black_box(frame), &mut out).expect("room");
            black_box(&out);
        });
    });
    group.bench_function("recresp encode", |b| {
        let mut encoder = G722Encoder::new();
        let mut frames = audio.chunks_exact(FRAME_SAMPLES).cycle();
        let mut out = [0u8; FRAME_OCTETS];
        b.iter(|| {
            let frame = frames.next().expect("frames");
            encoder.encode(black_box(frame), &mut out).expect("room");
            black_box(&out);
        });
    });
    group.bench_function("SpanDSP decode", |b| {
        let mut decoder = SpanDspG722Decoder::new(64_000);
        let mut frames = codes.chunks_exact(FRAME_OCTETS).cycle();
        b.iter(|| black_box(decoder.decode(black_box(frames.next().expect("frames")))));
    });
    group.bench_function("SpanDSP encode", |b| {
        let mut encoder = SpanDspG722Encoder::new();
        let mut frames = audio.chunks_exact(FRAME_SAMPLES).cycle();
        b.iter(|| black_box(encoder.encode(black_box(frames.next().expect("frames")))));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
