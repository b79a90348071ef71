//! Test only: how far the whole blocks of ITU-T Q.24 keys stay from the run checks of
//! `run::continuity` (summed twist, glide of the phase turns, level spread), measured in f64 on the
//! fixed-point bins of many generated 40 ms keys. Prints the worst figures (the ones the
//! limits' documentation quotes) and requires each to stay inside its limit.
//!
//! Run with `cargo test -p recresp-core --release run_margins -- --nocapture`.

use super::coeffs::{for_rate, TONE_HZ};
use super::goertzel::GoertzelBank;
use crate::SampleRate;
use std::f64::consts::PI;
use std::vec::Vec;

/// Worst figures over the four whole blocks of a key.
#[derive(Default, Debug)]
struct Worst {
    /// Lowest and highest run twist (col/row, summed powers), dB.
    run_twist: (f64, f64),
    /// Largest summed change of the two tones' turns from the first pair of blocks, degrees.
    glide: f64,
    /// Largest spread of one tone's power over the run, dB.
    level_spread: f64,
}

/// A small deterministic generator (64-bit LCG) of uniform values in [0, 1).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn sign(&mut self) -> f64 {
        if self.next() < 0.5 {
            -1.0
        } else {
            1.0
        }
    }

    fn gaussian(&mut self) -> f64 {
        let u1 = self.next().max(1e-12);
        let u2 = self.next();
        (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
    }
}

/// Amplitude of a sine at `dbm0`.
fn amplitude(dbm0: f64) -> f64 {
    22747.7 * 10f64.powf(dbm0 / 20.0)
}

/// Runs `trials` keys of 5 blocks: tones off by ±`offset` (random signs), the low tone at
/// `low_dbm0`, the high one `twist` dB above it, white noise at `noise_dbm0` in 300–3400 Hz
/// (None: none); each run of 4 consecutive whole blocks is measured.
fn measure(
    trials: usize,
    offset: f64,
    twist: f64,
    low_dbm0: f64,
    noise_dbm0: Option<f64>,
) -> Worst {
    let c = for_rate(SampleRate::Hz8000);
    let n = c.block_len;
    let mut rng = Lcg(12345);
    let mut w = Worst::default();
    for trial in 0..trials {
        let (row, col) = (trial % 4, (trial / 4) % 4);
        let lo_hz = TONE_HZ[row] as f64 * (1.0 + offset * rng.sign());
        let hi_hz = TONE_HZ[4 + col] as f64 * (1.0 + offset * rng.sign());
        let (p1, p2) = (rng.next() * 2.0 * PI, rng.next() * 2.0 * PI);
        let (a_lo, a_hi) = (amplitude(low_dbm0), amplitude(low_dbm0 + twist));
        // Full-band white noise with the in-band density of the stated level.
        let sigma = noise_dbm0.map_or(0.0, |d| {
            (amplitude(d).powi(2) / 2.0 * 4000.0 / 3100.0).sqrt()
        });
        let x: Vec<i16> = (0..n * 5)
            .map(|i| {
                let t = i as f64 / 8000.0;
                let v = a_lo * (2.0 * PI * lo_hz * t + p1).sin()
                    + a_hi * (2.0 * PI * hi_hz * t + p2).sin()
                    + sigma * rng.gaussian();
                v.round().clamp(-32768.0, 32767.0) as i16
            })
            .collect();
        let mut bank = GoertzelBank::default();
        let mut power = Vec::new();
        let mut bins = Vec::new();
        for block in x.chunks_exact(n) {
            bank.accumulate(c, block, true);
            let b = bank.finish(c);
            let pick = [b.whole[row], b.whole[4 + col]];
            power.push(pick.map(|v| v.power() as f64));
            bins.push(pick.map(|v| (v.re as f64, v.im as f64)));
        }
        // Turn of tone t from block i to i + 1, as an angle.
        let turn = |i: usize, t: usize| {
            let ((ar, ai), (br, bi)) = (bins[i][t], bins[i + 1][t]);
            (bi * ar - br * ai).atan2(br * ar + bi * ai)
        };
        for s in 0..2 {
            let sum = |t: usize| (s..s + 4).map(|i| power[i][t]).sum::<f64>();
            let twist_db = 10.0 * (sum(1) / sum(0)).log10();
            w.run_twist = (w.run_twist.0.min(twist_db), w.run_twist.1.max(twist_db));
            for k in 1..3 {
                let mut glide = 0.0;
                for t in 0..2 {
                    let mut d = turn(s + k, t) - turn(s, t);
                    d = (d + PI).rem_euclid(2.0 * PI) - PI;
                    glide += d.abs().to_degrees();
                }
                w.glide = w.glide.max(glide);
            }
            for t in 0..2 {
                let db: Vec<f64> = power[s..s + 4]
                    .iter()
                    .map(|p| 10.0 * p[t].log10())
                    .collect();
                let hi = db.iter().cloned().fold(f64::MIN, f64::max);
                let lo = db.iter().cloned().fold(f64::MAX, f64::min);
                w.level_spread = w.level_spread.max(hi - lo);
            }
        }
    }
    w
}

/// The Q.24 worst cases (both tones 1.5 % off, twist −8 or +4 dB, the stronger tone at
/// 0 dBm0 or the weaker at −30) and 12 dB SNR keep inside every run limit.
#[test]
fn q24_keys_keep_inside_the_run_limits() {
    let cases = [
        (
            "-8 dB twist, 1.5 % off",
            measure(2000, 0.015, -8.0, 0.0, None),
        ),
        (
            "+4 dB twist, 1.5 % off",
            measure(2000, 0.015, 4.0, -30.0, None),
        ),
        (
            "+4 dB twist, 1.5 % off, loud",
            measure(2000, 0.015, 4.0, -4.0, None),
        ),
        (
            "-8 dB twist, on frequency",
            measure(2000, 0.0, -8.0, -10.0, None),
        ),
        ("12 dB SNR", measure(2000, 0.0, 0.0, -20.0, Some(-32.0))),
    ];
    for (name, w) in cases.iter() {
        std::println!(
            "{name}: run twist {:.2}..{:.2} dB, glide {:.1} deg, level spread {:.2} dB",
            w.run_twist.0,
            w.run_twist.1,
            w.glide,
            w.level_spread
        );
        // The limits with the default settings: 10.3 / 6.3 dB, 78°, and a level spread that
        // always passes below 6 dB (see `run::continuity::MAX_LEVEL_SPREAD_Q2`).
        assert!(
            w.run_twist.0 > -10.3 && w.run_twist.1 < 6.3,
            "{name}: {w:?}"
        );
        assert!(w.glide < 78.0, "{name}: {w:?}");
        assert!(w.level_spread < 6.0, "{name}: {w:?}");
    }
}
