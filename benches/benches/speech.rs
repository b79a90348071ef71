//! Criterion benches of recresp's speech detector alone: one second of pink noise with a
//! speech-like burst, pushed 10 ms at a time, at 8 and 16 kHz.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use recresp_benches::signals::noise::{colored, NoiseKind};
use recresp_core::{SampleRate, SpeechDetector};
use std::hint::black_box;

/// One second at `rate`: pink noise at −40 dBFS, with a 200 Hz harmonic burst at 10 dB SNR
/// in its middle (the 8 kHz noise is reused at 16 kHz; only the cost matters here).
fn signal(rate: SampleRate) -> Vec<i16> {
    let n = rate.hz() as usize;
    let noise = colored(NoiseKind::Pink, n, 1);
    (0..n)
        .map(|i| {
            let t = i as f64 / rate.hz() as f64;
            let burst = if (n / 4..3 * n / 4).contains(&i) {
                (1..6)
                    .map(|k| (2.0 * std::f64::consts::PI * 200.0 * k as f64 * t).sin() / k as f64)
                    .sum::<f64>()
                    * 1500.0
            } else {
                0.0
            };
            (noise[i] * 328.0 + burst).clamp(-32768.0, 32767.0) as i16
        })
        .collect()
}

fn detector(c: &mut Criterion) {
    let mut group = c.benchmark_group("speech_detector");
    for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
        let x = signal(rate);
        let frame = rate.per_ms() as usize * 10;
        group.throughput(Throughput::Elements(x.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("one_second_10ms_pushes", rate.hz()),
            &x,
            |b, x| {
                b.iter(|| {
                    let mut d = SpeechDetector::new(rate);
                    let mut events = 0u32;
                    for chunk in x.chunks(frame) {
                        d.push(black_box(chunk), &mut |_| events += 1);
                    }
                    black_box(events)
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, detector);
criterion_main!(benches);
