//! A deterministic fuzzer for RFC 4733 telephone events, run in CI by `scripts/test-fuzz.sh`
//! (10 million executions; `RFC4733_FUZZ_EXECS` sets another count, `RFC4733_FUZZ_SEED`
//! another seed).
//!
//! Each execution is one telephone-event packet into a long-lived `Rfc4733Tracker`: a key
//! pressed, held (its packets repeated with growing durations, some lost, some late, some
//! sent three times with the E bit), held past one segment (RFC 4733 §2.5.1.3), or a
//! mutated payload (any event code, flags, duration, length). The run fails on any panic and
//! checks what the tracker reports: every `End` closes the key the last `Start` opened, at or
//! after its onset; a `Start` never comes while a key is open; onsets never go back unless
//! the timestamps jumped back (a late event is ignored, not reported).
//!
//! `#[ignore]`d in the ordinary test run; run with
//! `cargo test --profile fuzz -p recresp-core --test rfc4733_fuzz -- --ignored --nocapture`.

use recresp_core::rtp::{Rfc4733Tracker, TelephoneEvent};
use recresp_core::{Digit, DtmfEvent};
use recresp_harness::SplitMix64;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
#[ignore = "long: scripts/test-fuzz.sh runs it (fuzz profile)"]
fn telephone_event_fuzz() {
    let execs = env_u64("RFC4733_FUZZ_EXECS", 10_000_000);
    let mut rng = SplitMix64::new(env_u64("RFC4733_FUZZ_SEED", 0x4733));
    let mut tracker = Rfc4733Tracker::new(rng.next_u64() as u32);
    // The key being sent: its timestamp, digit and duration so far.
    let mut ts: u32 = 0;
    let mut digit = Digit::D1;
    let mut duration: u32 = 0;
    let mut open: Option<(Digit, u64)> = None;
    let (mut starts, mut ends, mut errors) = (0u64, 0u64, 0u64);
    for i in 0..execs {
        let mut payload = [0u8; 4];
        let stamp;
        match rng.below(16) {
            // A new key, some time after the last one.
            0 => {
                ts = ts.wrapping_add(duration + 400 + rng.below(16_000) as u32);
                digit = Digit::ALL[rng.below(16)];
                duration = 160;
                stamp = ts;
                payload = TelephoneEvent {
                    digit,
                    end: false,
                    volume: 10,
                    duration: 160,
                }
                .to_bytes();
            }
            // The key goes on, or ends (E bit), or its next segment starts.
            1..=10 => {
                duration += 160 * rng.below(3) as u32;
                if rng.below(256) == 0 {
                    // Held for a long time: close to a segment's end.
                    duration = duration.max(65_000);
                }
                let end = rng.below(8) == 0;
                if duration > u16::MAX as u32 {
                    ts = ts.wrapping_add(u16::MAX as u32);
                    duration -= u16::MAX as u32;
                }
                stamp = ts;
                payload = TelephoneEvent {
                    digit,
                    end,
                    volume: 10,
                    duration: duration as u16,
                }
                .to_bytes();
            }
            // A late packet of an earlier key.
            11 => {
                stamp = ts.wrapping_sub(1 + rng.below(40_000) as u32);
                payload[0] = rng.below(16) as u8;
            }
            // Anything at all.
            _ => {
                stamp = if rng.below(2) == 0 {
                    ts
                } else {
                    rng.next_u64() as u32
                };
                for b in &mut payload {
                    *b = rng.next_u64() as u8;
                }
            }
        }
        let len = if rng.below(32) == 0 { rng.below(4) } else { 4 };
        let result = tracker.packet(stamp, &payload[..len], &mut |e| match e {
            DtmfEvent::Start { digit, onset } => {
                assert!(open.is_none(), "exec {i}: a Start while {open:?} is open");
                open = Some((digit, onset));
                starts += 1;
            }
            DtmfEvent::End { digit, end } => {
                let (d, onset) = open.take().expect("an End closes an open key");
                assert_eq!(d, digit, "exec {i}");
                assert!(end >= onset, "exec {i}: end {end} before onset {onset}");
                ends += 1;
            }
        });
        if result.is_err() {
            errors += 1;
        }
    }
    tracker.finish(&mut |e| {
        if let DtmfEvent::End { .. } = e {
            open = None;
            ends += 1;
        }
    });
    assert!(open.is_none());
    println!("rfc4733 fuzz: {execs} executions, {starts} keys, {ends} ends, {errors} refused");
    if execs >= 100_000 {
        assert!(
            starts > execs / 100 && errors > 0,
            "keys and refusals reached"
        );
        assert_eq!(starts, ends);
    }
}
