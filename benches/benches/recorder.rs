//! The whole recorder over 60 s of 8 kHz caller audio: a voice that talks with pauses, key
//! presses that are not stop tones, and line noise. The operation never ends early (its
//! clocks are at their 120 s maximum), so every sample goes through both detectors, the
//! state machine and the hold-back ring. Throughput is in samples per second; divide by
//! 8000 for times real time.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use recresp_core::MediaInput;
use recresp_core::PromptAudio;
use recresp_core::{Digit, Event, RecordOptions, Recorder, SampleRate};
use recresp_harness::{drive, Feed, Script, Step};

/// 20 times: 2 s of the voice, then a key that is not a stop tone, 3 s in all; line noise
/// under all of it.
fn caller(rate: SampleRate) -> Vec<i16> {
    let steps: Vec<Step> = (0..20u32)
        .flat_map(|k| {
            [
                Step::Quiet(300),
                Step::voice(2000, 8000, k),
                Step::Quiet(200),
                Step::key(Digit::ALL[k as usize % 10], 100, 5000),
                Step::Quiet(400),
            ]
        })
        .collect();
    let script = Script::new(&steps).with_noise(100, 1);
    let mut s = vec![0i16; script.samples(rate)];
    script.add_to(rate, &mut s);
    s
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("recorder_60s");
    for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
        let audio = caller(rate);
        let options = RecordOptions {
            initial_silence_timeout_s: 120,
            max_silence_timeout_s: 120,
            max_record_duration_s: 120,
            play_beep: false,
            ..RecordOptions::default()
        };
        group.throughput(Throughput::Elements(audio.len() as u64));
        group.bench_function(format!("{}Hz", rate.hz()), |b| {
            let mut rec: Recorder = Recorder::new(rate).expect("default capacity");
            let frame = [rate.per_ms() as usize * 20];
            b.iter(|| {
                rec.start(options, PromptAudio::None);
                let mut captured = 0usize;
                let mut count = |e: Event<'_>| match e {
                    Event::Captured(s) => captured += s.len(),
                    Event::CaptureDiscarded { .. } => captured = 0,
                    _ => {}
                };
                drive(
                    &mut rec,
                    &[MediaInput::Pcm(&audio)],
                    &Feed::new(&frame),
                    &mut count,
                );
                assert!(rec.is_running() && captured > audio.len() / 2);
                captured
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
