//! The whole recorder over 60 s of 8 kHz caller audio: a voice that talks with pauses, key
//! presses that are not stop tones, and line noise. The operation never ends early (its
//! clocks are at their 120 s maximum), so every sample goes through both detectors, the
//! state machine and the hold-back ring. Throughput is in samples per second; divide by
//! 8000 for times real time.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use recresp_core::synth::{add_dtmf, add_noise, add_voice, Lcg};
use recresp_core::{Digit, Event, PromptAudio, RecordOptions, Recorder, SampleRate};

fn caller(rate: SampleRate) -> Vec<i16> {
    let ms = |t: usize| t * rate.per_ms() as usize;
    let mut s = vec![0i16; ms(60_000)];
    for k in 0..20 {
        let at = ms(k * 3000 + 300);
        add_voice(&mut s[at..at + ms(2000)], 8000, rate, k as u32);
        let key = at + ms(2200);
        add_dtmf(&mut s[key..key + ms(100)], Digit::ALL[k % 10], 5000, rate);
    }
    add_noise(&mut s, 100, &mut Lcg::new(1));
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
            b.iter(|| {
                rec.start(options, PromptAudio::None);
                let mut captured = 0usize;
                for frame in audio.chunks(rate.per_ms() as usize * 20) {
                    rec.feed_pcm(frame, |e| {
                        if let Event::Captured(s) = e {
                            captured += s.len();
                        }
                    });
                }
                assert!(rec.is_running() && captured > audio.len() / 2);
                captured
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
