//! Criterion benches of the DTMF detector alone, at 8 and 16 kHz, on one second of speech-like
//! input (a speech prompt from the corpus when installed, otherwise a fixed pseudo-random
//! signal) and on one second of a key press.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use recresp_benches::corpus;
use recresp_benches::signals::dtmf::SignalBuilder;
use recresp_core::{Digit, DtmfDetector, SampleRate};
use std::hint::black_box;

/// One second of input at `rate`: corpus speech (repeated to 16 kHz by sample doubling) or
/// noise, and a key with silence around it.
fn inputs(rate: SampleRate) -> Vec<(&'static str, Vec<i16>)> {
    let n = rate.hz() as usize;
    let speech8: Vec<i16> = corpus::load_default()
        .ok()
        .and_then(|p| p.into_iter().max_by_key(|p| p.samples.len()))
        .map(|p| p.samples)
        .unwrap_or_else(|| {
            let mut b = SignalBuilder::new(8000, 1);
            b.silence(1000.0).add_noise_in_band(-20.0);
            b.to_i16()
        });
    let speech: Vec<i16> = match rate {
        SampleRate::Hz8000 => speech8.iter().copied().cycle().take(n).collect(),
        SampleRate::Hz16000 => speech8
            .iter()
            .flat_map(|&s| [s, s])
            .cycle()
            .take(n)
            .collect(),
    };
    let mut b = SignalBuilder::new(rate.hz(), 2);
    b.silence(400.0)
        .key(Digit::Pound, -10.0, -10.0, 200.0)
        .silence(400.0);
    vec![("speech", speech), ("key", b.to_i16())]
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("dtmf_detector");
    for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
        for (name, x) in inputs(rate) {
            group.throughput(Throughput::Elements(x.len() as u64));
            let id = BenchmarkId::new(name, format!("{} Hz", rate.hz()));
            group.bench_with_input(id, &x, |b, x| {
                let mut det = DtmfDetector::new(rate);
                b.iter(|| {
                    det.reset();
                    let mut n = 0u32;
                    // 10 ms frames, as a phone would push them.
                    for frame in x.chunks(rate.per_ms() as usize * 10) {
                        det.push(black_box(frame), &mut |_| n += 1);
                    }
                    black_box(n)
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
