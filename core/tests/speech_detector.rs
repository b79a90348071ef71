//! Behaviour of the speech detector on synthetic signals: bounded memory, chunking
//! independence, no onset on long stationary noise, onsets and ends where the speech is,
//! a floor without ceiling, the sensitivity setting, and learning mode (babble learnt
//! during the prompt is taken as noise afterwards).

use proptest::prelude::*;
use recresp_core::synth::Lcg;
use recresp_core::{SampleRate, SpeechConfig, SpeechDetector, SpeechEvent};

const RATES: [SampleRate; 2] = [SampleRate::Hz8000, SampleRate::Hz16000];

/// Deterministic noise at RMS `rms`: white, or with `brown` integrated white noise
/// (−6 dB/octave) through a first-order 300 Hz high-pass at 8 kHz, as a telephone line's
/// band edge leaves it (unfiltered rumble far below the band is not line noise).
fn noise(len: usize, rms: f64, brown: bool, seed: u32) -> Vec<f64> {
    let mut rng = Lcg::new(seed.wrapping_mul(2_654_435_761).wrapping_add(1));
    let mut uniform = move || (rng.next_u32() >> 8) as f64 / (1u32 << 24) as f64 - 0.5;
    let (mut integ, mut prev, mut high) = (0.0, 0.0, 0.0);
    let raw: Vec<f64> = (0..len)
        .map(|_| {
            let white = (0..4).map(|_| uniform()).sum::<f64>();
            if brown {
                integ = 0.98 * integ + white;
                // y[n] = p·(y[n−1] + x[n] − x[n−1]), p = exp(−2π·300/8000).
                high = 0.79 * (high + integ - prev);
                prev = integ;
                high
            } else {
                white
            }
        })
        .collect();
    let mean = raw.iter().sum::<f64>() / len.max(1) as f64;
    let r = (raw.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / len.max(1) as f64).sqrt();
    raw.iter().map(|v| (v - mean) / r * rms).collect()
}

/// A voiced-speech stand-in: 150 Hz pulse-like harmonics, syllables at 4 Hz.
fn voice(len: usize, rate: SampleRate, rms: f64) -> Vec<f64> {
    let fs = rate.hz() as f64;
    let raw: Vec<f64> = (0..len)
        .map(|i| {
            let t = i as f64 / fs;
            let harmonics: f64 = (1..=20)
                .map(|k| (2.0 * std::f64::consts::PI * 150.0 * k as f64 * t).sin() / k as f64)
                .sum();
            let syllable = 0.55 - 0.45 * (2.0 * std::f64::consts::PI * 4.0 * t).cos();
            harmonics * syllable
        })
        .collect();
    let r = (raw.iter().map(|v| v * v).sum::<f64>() / len.max(1) as f64).sqrt();
    raw.iter().map(|v| v / r * rms).collect()
}

fn to_i16(x: &[f64]) -> Vec<i16> {
    x.iter()
        .map(|v| v.round().clamp(-32768.0, 32767.0) as i16)
        .collect()
}

fn events(detector: &mut SpeechDetector, samples: &[i16], chunk: usize) -> Vec<SpeechEvent> {
    let mut out = Vec::new();
    for piece in samples.chunks(chunk.max(1)) {
        detector.push(piece, &mut |e| out.push(e));
    }
    out
}

fn dbfs(db: f64) -> f64 {
    32768.0 * 10f64.powf(db / 20.0)
}

#[test]
fn state_fits_the_per_channel_budget() {
    let size = core::mem::size_of::<SpeechDetector>();
    // The figure docs/detectors.md states (x86-64; 8 bytes less on a Cortex-M).
    assert!(size <= 352, "SpeechDetector is {size} bytes");
}

#[test]
fn sixty_seconds_of_stationary_noise_never_start() {
    for rate in RATES {
        for brown in [false, true] {
            for level in [-60.0, -45.0, -30.0, -15.0] {
                let n = rate.samples_in_s(60) as usize;
                let x = to_i16(&noise(n, dbfs(level), brown, level as u32));
                let mut d = SpeechDetector::new(rate);
                let ev = events(&mut d, &x, 160);
                assert!(
                    ev.is_empty(),
                    "{rate:?} brown={brown} {level} dBFS: {:?}",
                    &ev[..ev.len().min(3)]
                );
                // The same after learning it for 3 s.
                let ev = run_learning(rate, &x, rate.samples_in_s(3) as usize);
                assert!(
                    ev.is_empty(),
                    "{rate:?} brown={brown} {level} dBFS, learnt: {:?}",
                    &ev[..ev.len().min(3)]
                );
            }
        }
    }
}

#[test]
fn voice_in_noise_starts_near_its_onset_and_ends_near_its_end() {
    for rate in RATES {
        let fs = rate.hz() as usize;
        let (lead, talk, tail) = (2 * fs, 2 * fs, 2 * fs);
        for (brown, snr) in [(false, 20.0), (false, 10.0), (true, 10.0)] {
            let floor = noise(lead + talk + tail, dbfs(-45.0), brown, 7);
            let v = voice(talk, rate, dbfs(-45.0 + snr));
            let mut x = floor.clone();
            for (i, s) in v.iter().enumerate() {
                x[lead + i] += s;
            }
            let mut d = SpeechDetector::new(rate);
            let mut got = Vec::new();
            let x = to_i16(&x);
            for piece in x.chunks(fs / 100) {
                let mut fresh = Vec::new();
                d.push(piece, &mut |e| fresh.push(e));
                got.extend(fresh.into_iter().map(|e| (d.position(), e)));
            }
            let ms = |samples: u64| samples as f64 * 1000.0 / fs as f64;
            let label = format!("{rate:?} brown={brown} snr={snr}");
            let &(emitted, SpeechEvent::Start { onset }) = got.first().expect(&label) else {
                panic!("{label}: first event is not a Start: {got:?}");
            };
            // The syllable envelope starts at 10 % of its peak: allow 60 ms either side.
            assert!(
                (ms(onset) - ms(lead as u64)).abs() <= 60.0,
                "{label}: onset at {} ms, voice at {} ms",
                ms(onset),
                ms(lead as u64)
            );
            assert!(emitted >= onset);
            assert!(ms(emitted - onset) <= SpeechDetector::MAX_ONSET_DELAY_MS as f64);
            let Some(&(_, SpeechEvent::End { end })) = got.last() else {
                panic!("{label}: no End at the end: {got:?}");
            };
            assert!(
                (ms(end) - ms((lead + talk) as u64)).abs() <= 150.0,
                "{label}: end at {} ms, voice ends at {} ms",
                ms(end),
                ms((lead + talk) as u64)
            );
        }
    }
}

#[test]
fn floor_has_no_ceiling_after_a_step_up_in_noise() {
    for rate in RATES {
        let fs = rate.hz() as usize;
        let quiet = noise(2 * fs, dbfs(-70.0), false, 1);
        let loud = noise(40 * fs, dbfs(-15.0), false, 2);
        let x = to_i16(&[quiet, loud].concat());
        let mut d = SpeechDetector::new(rate);
        let ev = events(&mut d, &x, 80);
        // The 55 dB step looks like speech at first, then the floor climbs to it.
        assert!(
            !d.in_speech(),
            "{rate:?}: still in speech after 40 s: {ev:?}"
        );
        let starts_and_ends = ev
            .iter()
            .filter(|e| !matches!(e, SpeechEvent::Confirmed { .. }))
            .count();
        assert!(starts_and_ends <= 2, "{rate:?}: {ev:?}");
    }
}

#[test]
fn higher_sensitivity_catches_quieter_speech() {
    let rate = SampleRate::Hz8000;
    let fs = rate.hz() as usize;
    let mut found = Vec::new();
    for sensitivity in [0, 50, 100] {
        let config = SpeechConfig {
            sensitivity,
            ..SpeechConfig::default()
        };
        let mut count = 0;
        for snr in [0.0, 2.0, 4.0, 6.0, 8.0, 10.0] {
            let mut x = noise(4 * fs, dbfs(-40.0), false, 3);
            for (i, s) in voice(fs, rate, dbfs(-40.0 + snr)).iter().enumerate() {
                x[2 * fs + i] += s;
            }
            let mut d = SpeechDetector::with_config(rate, config);
            let ev = events(&mut d, &to_i16(&x), 80);
            count += ev.iter().any(|e| matches!(e, SpeechEvent::Start { .. })) as usize;
        }
        found.push(count);
    }
    assert!(found[0] < found[2], "detections by sensitivity: {found:?}");
    assert!(found[0] <= found[1] && found[1] <= found[2], "{found:?}");
}

#[test]
fn reset_restarts_positions_and_extremes_do_not_panic() {
    let mut d = SpeechDetector::new(SampleRate::Hz16000);
    let square: Vec<i16> = (0..48_000)
        .map(|i| if i % 2 == 0 { i16::MIN } else { i16::MAX })
        .collect();
    let mut ev = events(&mut d, &square, 999);
    ev.extend(events(&mut d, &[i16::MIN; 16_000], 7));
    ev.extend(events(&mut d, &[0; 16_000], 1));
    assert_eq!(d.position(), 80_000);
    d.reset();
    assert_eq!(d.position(), 0);
    assert!(!d.in_speech());
    d.push(&[], &mut |_| panic!("no event from nothing"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Any split of the audio into pushes gives the same events, with or without a
    /// learning period at the start (turned off at the same sample position).
    #[test]
    fn events_do_not_depend_on_chunking(
        seed in 0u32..1000,
        bursts in proptest::collection::vec((0usize..30, 1usize..12, 0.0f64..30.0), 1..5),
        cuts in proptest::collection::vec(1usize..700, 1..40),
        wide in any::<bool>(),
        learn_ms in prop_oneof![Just(0usize), 1usize..2000],
    ) {
        let rate = if wide { SampleRate::Hz16000 } else { SampleRate::Hz8000 };
        let frame = rate.per_ms() as usize * 100;
        let mut x = noise(40 * frame, dbfs(-50.0), seed % 2 == 0, seed);
        for (at, len, snr) in bursts {
            let v = voice(len * frame, rate, dbfs(-50.0 + snr));
            for (i, s) in v.iter().enumerate() {
                if let Some(slot) = x.get_mut(at * frame + i) {
                    *slot += s;
                }
            }
        }
        let x = to_i16(&x);
        let learn_at = (learn_ms * rate.per_ms() as usize).min(x.len());
        let mut whole = SpeechDetector::new(rate);
        whole.set_learning(learn_at > 0);
        let mut expected = events(&mut whole, &x[..learn_at], x.len());
        whole.set_learning(false);
        expected.extend(events(&mut whole, &x[learn_at..], x.len()));
        let mut split = SpeechDetector::new(rate);
        split.set_learning(learn_at > 0);
        let mut got = Vec::new();
        let mut i = 0;
        for part in [&x[..learn_at], &x[learn_at..]] {
            let mut rest = part;
            while !rest.is_empty() {
                let n = cuts[i % cuts.len()].min(rest.len());
                split.push(&rest[..n], &mut |e| got.push(e));
                rest = &rest[n..];
                i += 1;
            }
            split.set_learning(false);
        }
        prop_assert_eq!(got, expected);
        prop_assert_eq!(split.in_speech(), whole.in_speech());
    }
}

/// A babble stand-in at RMS `rms`: four talkers (different pitches and syllable rates),
/// each switched on and off at random every 100–600 ms, so the level swings by 10–20 dB.
fn babble(len: usize, rate: SampleRate, rms: f64, seed: u32) -> Vec<f64> {
    let fs = rate.hz() as f64;
    let mut rng = Lcg::new(seed.wrapping_mul(2_654_435_761).wrapping_add(7));
    let mut next = move |n: u32| (rng.next_u32() >> 8) % n;
    let mut sum = vec![0.0; len];
    for (f0, syllable_hz) in [(110.0, 3.1), (160.0, 4.3), (210.0, 5.2), (250.0, 3.7)] {
        let mut on = next(2) == 0;
        let mut switch_at = 0;
        for (i, s) in sum.iter_mut().enumerate() {
            if i >= switch_at {
                on = !on;
                switch_at = i + (100 + next(500) as usize) * fs as usize / 1000;
            }
            if on {
                let t = i as f64 / fs;
                let harmonics: f64 = (1..=12)
                    .map(|k| (2.0 * std::f64::consts::PI * f0 * k as f64 * t).sin() / k as f64)
                    .sum();
                let envelope = 0.55 - 0.45 * (2.0 * std::f64::consts::PI * syllable_hz * t).cos();
                *s += harmonics * envelope;
            }
        }
    }
    let r = (sum.iter().map(|v| v * v).sum::<f64>() / len.max(1) as f64).sqrt();
    sum.iter().map(|v| v / r * rms).collect()
}

/// Pushes `x` in 10 ms pieces, learning over the first `learn` samples; returns the events
/// with the position at which each was emitted, and checks that nothing is reported and
/// `in_speech` stays false while learning.
fn run_learning(rate: SampleRate, x: &[i16], learn: usize) -> Vec<(u64, SpeechEvent)> {
    let mut d = SpeechDetector::new(rate);
    d.set_learning(learn > 0);
    let mut got = Vec::new();
    for piece in x.chunks(rate.per_ms() as usize * 10) {
        if d.learning() && d.position() >= learn as u64 {
            d.set_learning(false);
        }
        let mut fresh = Vec::new();
        d.push(piece, &mut |e| fresh.push(e));
        if d.learning() {
            assert!(fresh.is_empty() && !d.in_speech(), "{rate:?}: {fresh:?}");
        }
        got.extend(fresh.into_iter().map(|e| (d.position(), e)));
    }
    got
}

#[test]
fn learning_takes_babble_as_noise_and_speech_above_it_still_starts_and_ends() {
    for rate in RATES {
        let fs = rate.hz() as usize;
        let (learn, before, talk, after) = (3 * fs, 3 * fs, 2 * fs, 2 * fs);
        let total = learn + before + talk + after;
        let noise = babble(total, rate, dbfs(-30.0), 5);
        let mut x = noise.clone();
        let talk_at = learn + before;
        for (i, s) in voice(talk, rate, dbfs(-15.0)).iter().enumerate() {
            x[talk_at + i] += s;
        }
        let x = to_i16(&x);
        let ms = |samples: u64| samples as f64 * 1000.0 / fs as f64;
        let label = format!("{rate:?}");

        // Control: a detector that learnt a quiet line takes the same babble for speech.
        let mut unlearnt = noise[..talk_at].to_vec();
        unlearnt[..learn].copy_from_slice(&self::noise(learn, dbfs(-60.0), false, 5));
        let unlearnt = run_learning(rate, &to_i16(&unlearnt), learn);
        assert!(
            unlearnt
                .iter()
                .any(|e| matches!(e.1, SpeechEvent::Start { .. })),
            "{label}: babble after a quiet line never started"
        );

        let got = run_learning(rate, &x, learn);
        let starts: Vec<u64> = got
            .iter()
            .filter_map(|&(_, e)| match e {
                SpeechEvent::Start { onset } => Some(onset),
                _ => None,
            })
            .collect();
        assert_eq!(starts.len(), 1, "{label}: {got:?}");
        assert!(
            (ms(starts[0]) - ms(talk_at as u64)).abs() <= 100.0,
            "{label}: onset at {} ms, voice at {} ms",
            ms(starts[0]),
            ms(talk_at as u64)
        );
        let Some(&(_, SpeechEvent::End { end })) = got.last() else {
            panic!("{label}: speech did not end in the babble after it: {got:?}");
        };
        let voice_end = (talk_at + talk) as u64;
        assert!(
            (ms(end) - ms(voice_end)).abs() <= 300.0,
            "{label}: end at {} ms, voice ends at {} ms",
            ms(end),
            ms(voice_end)
        );
    }
}

#[test]
fn turning_learning_on_in_speech_leaves_it_without_an_end() {
    let rate = SampleRate::Hz8000;
    let fs = rate.hz() as usize;
    let mut x = noise(3 * fs, dbfs(-50.0), false, 4);
    for (i, s) in voice(fs, rate, dbfs(-20.0)).iter().enumerate() {
        x[fs + i] += s;
    }
    let x = to_i16(&x);
    let mut d = SpeechDetector::new(rate);
    let mut got = Vec::new();
    d.push(&x[..fs + fs / 2], &mut |e| got.push(e));
    assert!(d.in_speech(), "{got:?}");
    d.set_learning(true);
    assert!(!d.in_speech() && d.learning());
    d.push(&x[fs + fs / 2..], &mut |e| got.push(e));
    assert!(!d.in_speech());
    assert_eq!(got.len(), 1, "{got:?}");
    d.reset();
    assert!(!d.learning());
}
