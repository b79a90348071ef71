//! Behaviour of the DTMF detector through its public API: every key at both rates, onset and
//! report timing, settings, reset, any chunking of the input giving the same events, and no
//! panic on any input. (The full ITU-T Q.24 suite and the talk-off corpus run in
//! `benches/tests/dtmf_q24.rs`.)

use proptest::prelude::*;
use recresp_core::synth::dtmf_frequencies;
use recresp_core::{Digit, DtmfConfig, DtmfDetector, DtmfEvent, SampleRate};
use recresp_harness::SplitMix64;

fn freqs(d: Digit) -> (f64, f64) {
    let (lo, hi) = dtmf_frequencies(d);
    (lo as f64, hi as f64)
}

/// Appends `ms` of key `d` at `dbm0` per tone (full-scale sine = +3.17 dBm0).
fn tone(out: &mut Vec<i16>, rate: SampleRate, d: Digit, dbm0: f64, ms: f64) {
    let (lo, hi) = freqs(d);
    let fs = rate.hz() as f64;
    let a = 32767.0 * 10f64.powf((dbm0 - 3.17) / 20.0);
    let n = (ms * fs / 1000.0).round() as usize;
    let tau = 2.0 * std::f64::consts::PI;
    out.extend((0..n).map(|i| {
        let t = i as f64 / fs;
        (a * ((tau * lo * t).sin() + (tau * hi * t + 1.0).sin()))
            .round()
            .clamp(-32768.0, 32767.0) as i16
    }));
}

fn silence(out: &mut Vec<i16>, rate: SampleRate, ms: f64) {
    out.extend(std::iter::repeat_n(
        0,
        (ms * rate.hz() as f64 / 1000.0).round() as usize,
    ));
}

/// Events and the position at which each came out, pushing `chunk` samples at a time.
fn run(det: &mut DtmfDetector, x: &[i16], chunk: usize) -> Vec<(DtmfEvent, u64)> {
    let mut out = Vec::new();
    for part in x.chunks(chunk) {
        let mut got = Vec::new();
        det.push(part, &mut |e| got.push(e));
        let at = det.position();
        out.extend(got.into_iter().map(|e| (e, at)));
    }
    out
}

#[test]
fn every_key_at_both_rates_with_onset_and_report_bounds() {
    for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
        let per_ms = rate.per_ms() as i64;
        let mut x = Vec::new();
        let mut onsets = Vec::new();
        for (i, d) in Digit::ALL.into_iter().enumerate() {
            // Vary the alignment to the 8 ms blocks.
            silence(&mut x, rate, 60.0 + i as f64 * 0.7);
            onsets.push(x.len() as i64);
            tone(&mut x, rate, d, -15.0, 60.0);
        }
        silence(&mut x, rate, 100.0);
        let mut det = DtmfDetector::new(rate);
        let ev = run(&mut det, &x, 1);
        let starts: Vec<_> = ev
            .iter()
            .filter_map(|&(e, at)| match e {
                DtmfEvent::Start { digit, onset } => Some((digit, onset as i64, at as i64)),
                _ => None,
            })
            .collect();
        let ends: Vec<_> = ev
            .iter()
            .filter_map(|&(e, at)| match e {
                DtmfEvent::End { digit, end } => {
                    assert_eq!(
                        at - end,
                        DtmfDetector::END_REPORT_DELAY_MS as u64 * per_ms as u64
                    );
                    Some((digit, end as i64))
                }
                _ => None,
            })
            .collect();
        assert_eq!(starts.len(), 16, "{rate:?}: {ev:?}");
        assert_eq!(ends.len(), 16, "{rate:?}: {ev:?}");
        for (k, ((d, onset, at), (true_onset, (end_d, end)))) in starts
            .iter()
            .zip(onsets.iter().zip(ends.iter()))
            .enumerate()
        {
            assert_eq!(*d, Digit::ALL[k]);
            assert_eq!(end_d, d);
            assert!(
                (onset - true_onset).abs() <= 10 * per_ms,
                "{d:?} onset {onset} vs {true_onset}"
            );
            assert!(
                at - true_onset <= 45 * per_ms,
                "{d:?} reported {} ms after start",
                (at - true_onset) / per_ms
            );
            assert!(at - onset <= DtmfDetector::MAX_ONSET_DELAY_MS as i64 * per_ms);
            let true_end = true_onset + 60 * per_ms;
            assert!(
                (end - true_end).abs() <= 10 * per_ms,
                "{d:?} end {end} vs {true_end}"
            );
        }
    }
}

#[test]
fn level_floor_follows_the_setting() {
    let rate = SampleRate::Hz8000;
    let count = |config: DtmfConfig, dbm0: f64| {
        let mut x = Vec::new();
        silence(&mut x, rate, 20.0);
        tone(&mut x, rate, Digit::D7, dbm0, 80.0);
        silence(&mut x, rate, 60.0);
        let mut det = DtmfDetector::with_config(rate, config);
        run(&mut det, &x, 64).len()
    };
    let strict = DtmfConfig {
        min_level_dbm0: -30,
        ..DtmfConfig::default()
    };
    assert_eq!(count(strict, -27.0), 2);
    assert_eq!(count(strict, -33.0), 0);
    assert_eq!(count(DtmfConfig::default(), -42.0), 2);
    assert_eq!(count(DtmfConfig::default(), -48.0), 0);
    assert_eq!(DtmfConfig::default().min_level_dbm0, -45);
}

#[test]
fn twist_limits_follow_the_setting() {
    let rate = SampleRate::Hz8000;
    let fs = 8000.0;
    let mut x = vec![0i16; 160];
    // Key 1 with the high tone 7 dB below the low tone.
    let (a_lo, a_hi) = (8000.0, 8000.0 * 10f64.powf(-7.0 / 20.0));
    x.extend((0..640).map(|i| {
        let t = i as f64 / fs;
        let tau = 2.0 * std::f64::consts::PI;
        (a_lo * (tau * 697.0 * t).sin() + a_hi * (tau * 1209.0 * t).sin()).round() as i16
    }));
    x.extend(vec![0i16; 640]);
    let found = |normal: u8| {
        let config = DtmfConfig {
            max_normal_twist_db: normal,
            ..DtmfConfig::default()
        };
        let mut det = DtmfDetector::with_config(rate, config);
        run(&mut det, &x, 100).len()
    };
    assert_eq!(found(10), 2);
    assert_eq!(found(5), 0);
}

#[test]
fn reset_restarts_positions_and_forgets_a_digit() {
    let rate = SampleRate::Hz8000;
    let mut x = Vec::new();
    silence(&mut x, rate, 10.0);
    tone(&mut x, rate, Digit::Pound, -10.0, 100.0);
    let mut det = DtmfDetector::new(rate);
    let first = run(&mut det, &x, 1000);
    assert_eq!(first.len(), 1, "{first:?}");
    det.reset();
    assert_eq!(det.position(), 0);
    let again = run(&mut det, &x, 1000);
    assert_eq!(first, again);
    let mut ended = Vec::new();
    det.finish(&mut |e| ended.push(e));
    assert!(matches!(
        ended[..],
        [DtmfEvent::End {
            digit: Digit::Pound,
            ..
        }]
    ));
}

#[test]
fn state_is_small() {
    assert!(std::mem::size_of::<DtmfDetector>() <= 256);
}

/// A random signal: keys, silences, noise bursts, at random levels and lengths.
fn signal() -> impl Strategy<Value = (bool, Vec<i16>)> {
    let piece = (0u8..3, 0usize..16, -40i32..0, 5u32..120, any::<u64>());
    (any::<bool>(), prop::collection::vec(piece, 1..8)).prop_map(|(wide, pieces)| {
        let rate = if wide {
            SampleRate::Hz16000
        } else {
            SampleRate::Hz8000
        };
        let mut x = Vec::new();
        for (kind, key, level, ms, seed) in pieces {
            match kind {
                0 => tone(&mut x, rate, Digit::ALL[key], level as f64, ms as f64),
                1 => silence(&mut x, rate, ms as f64),
                _ => {
                    let mut rng = SplitMix64::new(seed);
                    let n = ms as usize * rate.per_ms() as usize;
                    x.extend(
                        (0..n)
                            .map(|_| ((rng.next_u64() >> 48) as i16) >> (level.unsigned_abs() / 6)),
                    );
                }
            }
        }
        (wide, x)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any chunking of the input gives the same events, in the same order.
    #[test]
    fn chunking_does_not_change_events(
        (wide, x) in signal(),
        cuts in prop::collection::vec(1usize..400, 1..40),
    ) {
        let rate = if wide { SampleRate::Hz16000 } else { SampleRate::Hz8000 };
        let mut whole = Vec::new();
        let mut det = DtmfDetector::new(rate);
        det.push(&x, &mut |e| whole.push(e));
        det.finish(&mut |e| whole.push(e));

        let mut chunked = Vec::new();
        let mut det = DtmfDetector::new(rate);
        let mut rest = &x[..];
        let mut i = 0;
        while !rest.is_empty() {
            let n = cuts[i % cuts.len()].min(rest.len());
            let (now, later) = rest.split_at(n);
            det.push(now, &mut |e| chunked.push(e));
            rest = later;
            i += 1;
        }
        det.finish(&mut |e| chunked.push(e));
        prop_assert_eq!(whole, chunked);
    }

    /// Arbitrary samples, including full-scale extremes, never panic (tests run with
    /// overflow checks) and give well-formed event sequences.
    #[test]
    fn any_input_is_safe(
        wide in any::<bool>(),
        x in prop::collection::vec(prop_oneof![any::<i16>(), Just(i16::MIN), Just(i16::MAX)], 0..3000),
    ) {
        let rate = if wide { SampleRate::Hz16000 } else { SampleRate::Hz8000 };
        let mut det = DtmfDetector::new(rate);
        let mut ev = Vec::new();
        det.push(&x, &mut |e| ev.push(e));
        det.finish(&mut |e| ev.push(e));
        // Starts and ends alternate, starting with a start.
        for (i, e) in ev.iter().enumerate() {
            prop_assert_eq!(matches!(e, DtmfEvent::Start { .. }), i % 2 == 0);
        }
    }
}

#[test]
fn full_scale_extremes_are_safe() {
    for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
        let mut det = DtmfDetector::new(rate);
        let patterns: [&dyn Fn(usize) -> i16; 4] = [
            &|_| i16::MIN,
            &|i| if i % 2 == 0 { i16::MIN } else { i16::MAX },
            &|i| if (i / 3) % 2 == 0 { i16::MIN } else { i16::MAX },
            &|i| if (i / 5) % 2 == 0 { i16::MAX } else { i16::MIN },
        ];
        for p in patterns {
            let x: Vec<i16> = (0..4000).map(p).collect();
            det.push(&x, &mut |_| {});
        }
    }
}
