//! The DTMF receiver test suite, in the spirit of the Mitel tape and ITU-T Q.24: one group of
//! generated signals per requirement (decode, bandwidth per tone, twist, dynamic range,
//! duration and guard time, drop-outs, noise, dial tone, single tones, G.711 round trips),
//! each case with the digits a compliant receiver must report.
//!
//! Any detector can be run on it through a closure that returns the digits it found, so the
//! same cases judge recresp and its peers. Every case starts with 20 ms plus a varying
//! fraction of 8 ms of silence (so tones fall at every alignment of a block-based detector)
//! and ends with 150 ms of silence.

use recresp_core::Digit;

use crate::signals::dtmf::{
    alaw_round_trip, key_freqs, key_sines, ulaw_round_trip, SignalBuilder, Sine, DTMF_HZ,
};

/// One generated signal and what a compliant receiver reports for it.
#[derive(Clone, Debug)]
pub struct Case {
    /// 16-bit samples at the suite's rate.
    pub signal: Vec<i16>,
    /// The digits to report, in order (empty for must-reject cases).
    pub expected: Vec<Digit>,
    /// First sample of each expected digit's tone.
    pub onsets: Vec<usize>,
}

/// A group of cases for one requirement.
#[derive(Clone, Debug)]
pub struct Group {
    /// Short name, used as the table row.
    pub name: &'static str,
    /// The requirement, as stated in the issue.
    pub requirement: &'static str,
    /// Share of cases that must pass (1.0, or 0.99 for the noise test).
    pub required_pass_rate: f64,
    /// The cases.
    pub cases: Vec<Case>,
}

impl Group {
    /// A group every case of which must pass.
    fn all_must_pass(name: &'static str, requirement: &'static str, cases: Vec<Case>) -> Self {
        Group {
            name,
            requirement,
            required_pass_rate: 1.0,
            cases,
        }
    }
}

/// How a detector did on a group.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GroupScore {
    /// Cases where the detector reported exactly the expected digits.
    pub passed: usize,
    /// Cases in the group.
    pub total: usize,
}

impl GroupScore {
    /// passed / total.
    pub fn rate(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.passed as f64 / self.total as f64
        }
    }
}

/// Runs `detect` on every case of `group`; a case passes when the reported digits equal the
/// expected ones exactly.
pub fn score(group: &Group, detect: &mut dyn FnMut(&[i16]) -> Vec<Digit>) -> GroupScore {
    let passed = group
        .cases
        .iter()
        .filter(|c| detect(&c.signal) == c.expected)
        .count();
    GroupScore {
        passed,
        total: group.cases.len(),
    }
}

/// Builds cases at one rate: leading silence, a body, trailing silence.
struct Maker {
    rate_hz: u32,
    count: u64,
}

impl Maker {
    fn lead_samples(&self) -> usize {
        let per_ms = self.rate_hz as usize / 1000;
        // 20 ms, plus 0–8 ms in steps that visit every alignment over many cases.
        20 * per_ms + (self.count as usize * 29 * per_ms / 8) % (8 * per_ms)
    }

    /// A case whose body is written by `body`, which returns the onsets it placed.
    fn case(
        &mut self,
        expected: Vec<Digit>,
        body: impl FnOnce(&mut SignalBuilder) -> Vec<usize>,
    ) -> Case {
        let mut b = SignalBuilder::new(self.rate_hz, 0x5EED_0000 + self.count);
        b.silence_samples(self.lead_samples());
        self.count += 1;
        let onsets = body(&mut b);
        b.silence(150.0);
        Case {
            signal: b.to_i16(),
            expected,
            onsets,
        }
    }

    /// One press of `d` with the given tones for `ms`.
    fn press(&mut self, d: Digit, low: Sine, high: Sine, ms: f64, expect: bool) -> Case {
        let expected = if expect { vec![d] } else { vec![] };
        self.case(expected, |b| {
            let at = b.len();
            b.tones(&[low, high], ms);
            vec![at]
        })
    }
}

/// Keys that use frequency `hz` (four of them).
fn keys_with(hz: f64) -> Vec<Digit> {
    Digit::ALL
        .into_iter()
        .filter(|&d| {
            let (lo, hi) = key_freqs(d);
            lo == hz || hi == hz
        })
        .collect()
}

/// Offset cases: every frequency, both directions, with each of its four partner tones.
fn offset_cases(
    m: &mut Maker,
    offset_of: impl Fn(f64) -> f64,
    high_dbm0: f64,
    expect: bool,
) -> Vec<Case> {
    let mut cases = Vec::new();
    for hz in DTMF_HZ {
        for sign in [-1.0, 1.0] {
            for d in keys_with(hz) {
                let (mut lo, mut hi) = key_sines(d, -10.0, high_dbm0);
                let shifted = hz + sign * offset_of(hz);
                if lo.hz == hz {
                    lo.hz = shifted;
                } else {
                    hi.hz = shifted;
                }
                cases.push(m.press(d, lo, hi, 50.0, expect));
            }
        }
    }
    cases
}

/// The whole suite at `rate_hz` (8000 or 16000).
pub fn q24_suite(rate_hz: u32) -> Vec<Group> {
    let mut m = Maker { rate_hz, count: 0 };
    let mut groups = Vec::new();
    let all = Digit::ALL;

    let mut cases = Vec::new();
    for _ in 0..4 {
        for d in all {
            let (lo, hi) = key_sines(d, -10.0, -10.0);
            cases.push(m.press(d, lo, hi, 50.0, true));
        }
    }
    groups.push(Group::all_must_pass(
        "decode 16 keys",
        "all 16 keys, -10 dBm0, 50 ms",
        cases,
    ));

    groups.push(Group::all_must_pass(
        "freq +-1.5% accept",
        "each tone within +-1.5 % (+-2 Hz more at 1633 Hz) is accepted",
        offset_cases(
            &mut m,
            |hz| 0.015 * hz + if hz == 1633.0 { 2.0 } else { 0.0 },
            -10.0,
            true,
        ),
    ));
    groups.push(Group::all_must_pass(
        "freq +-3.5% reject",
        "either tone off by 3.5 % is rejected (all 8 tones, both directions)",
        offset_cases(&mut m, |hz| 0.035 * hz, -10.0, false),
    ));
    let mut wide = Vec::new();
    // Offsets that stay at least 3.5 % away from every other DTMF frequency; the high tone
    // 2 dB below the low one, where an off-frequency tone's loss still looks like plain twist.
    for pct in [4.5, 5.2, 6.0] {
        wide.extend(offset_cases(&mut m, |hz| pct / 100.0 * hz, -12.0, false));
    }
    groups.push(Group::all_must_pass(
        "freq 4.5-6% reject",
        "either tone off by more than 3.5 % (4.5, 5.2, 6 %; twist -2 dB) is rejected",
        wide,
    ));

    let mut cases = Vec::new();
    for twist in [4.0, 2.0, 0.0, -4.0, -8.0] {
        for d in all {
            let (lo, hi) = key_sines(d, -10.0 - twist / 2.0, -10.0 + twist / 2.0);
            cases.push(m.press(d, lo, hi, 50.0, true));
        }
    }
    groups.push(Group::all_must_pass(
        "twist +4..-8 dB",
        "high tone from 4 dB above to 8 dB below the low tone",
        cases,
    ));

    let mut cases = Vec::new();
    for level in [0.0, -10.0, -20.0, -30.0] {
        for d in all {
            let (lo, hi) = key_sines(d, level, level);
            cases.push(m.press(d, lo, hi, 50.0, true));
        }
    }
    groups.push(Group::all_must_pass(
        "level 0..-30 dBm0",
        "levels 0 to -30 dBm0 per tone (two 0 dBm0 tones clip at 16 bits)",
        cases,
    ));

    let mut cases = Vec::new();
    for level in [-47.0, -50.0] {
        for d in all {
            let (lo, hi) = key_sines(d, level, level);
            cases.push(m.press(d, lo, hi, 50.0, false));
        }
    }
    groups.push(Group::all_must_pass(
        "level < floor reject",
        "tones at -47 and -50 dBm0 (below the -45 dBm0 floor) are rejected",
        cases,
    ));

    let mut cases = Vec::new();
    for ms in [40.0, 40.0, 40.0, 40.0, 45.0] {
        for d in all {
            let (lo, hi) = key_sines(d, -10.0, -10.0);
            cases.push(m.press(d, lo, hi, ms, true));
        }
    }
    groups.push(Group::all_must_pass(
        "duration >=40 ms",
        "tones of 40 ms and longer are accepted",
        cases,
    ));

    let mut cases = Vec::new();
    for ms in [23.0, 23.0, 23.0, 23.0, 20.0, 15.0] {
        for d in all {
            let (lo, hi) = key_sines(d, -10.0, -10.0);
            cases.push(m.press(d, lo, hi, ms, false));
        }
    }
    groups.push(Group::all_must_pass(
        "duration <=23 ms",
        "tones of 23 ms or shorter are rejected",
        cases,
    ));

    let mut cases = Vec::new();
    for _ in 0..4 {
        for d in all {
            let (lo, hi) = key_sines(d, -10.0, -10.0);
            cases.push(m.case(vec![d], |b| {
                let at = b.len();
                b.tones(&[lo, hi], 50.0)
                    .silence(10.0)
                    .tones(&[lo, hi], 50.0);
                vec![at]
            }));
        }
    }
    groups.push(Group::all_must_pass(
        "10 ms drop-out",
        "a 10 ms drop-out inside a digit does not split it",
        cases,
    ));

    let mut cases = Vec::new();
    for _ in 0..4 {
        for d in all {
            let (lo, hi) = key_sines(d, -10.0, -10.0);
            cases.push(m.case(vec![d, d], |b| {
                let first = b.len();
                b.tones(&[lo, hi], 50.0).silence(40.0);
                let second = b.len();
                b.tones(&[lo, hi], 50.0);
                vec![first, second]
            }));
        }
    }
    groups.push(Group::all_must_pass(
        "40 ms pause",
        "a 40 ms pause separates two presses of the same key",
        cases,
    ));

    let mut cases = Vec::new();
    for i in 0..1024usize {
        let d = all[i % 16];
        let (lo, hi) = key_sines(d, -20.0, -20.0);
        cases.push(m.case(vec![d], |b| {
            let at = b.len();
            b.tones(&[lo, hi], 100.0)
                .silence(150.0)
                .add_noise_in_band(-32.0);
            vec![at]
        }));
    }
    groups.push(Group {
        name: "noise, SNR 12 dB",
        requirement: ">= 99 % of 100 ms presses at -20 dBm0, white noise 12 dB below (300-3400 Hz)",
        required_pass_rate: 0.99,
        cases,
    });

    let mut cases = Vec::new();
    for level in [0.0, -10.0, -20.0, -30.0] {
        for _ in 0..4 {
            cases.push(m.case(vec![], |b| {
                b.tones(
                    &[
                        Sine {
                            hz: 350.0,
                            dbm0: level,
                        },
                        Sine {
                            hz: 440.0,
                            dbm0: level,
                        },
                    ],
                    1000.0,
                );
                vec![]
            }));
        }
    }
    groups.push(Group::all_must_pass(
        "dial tone reject",
        "dial tone (350+440 Hz) at 0 to -30 dBm0 gives no digit",
        cases,
    ));

    let mut cases = Vec::new();
    for hz in DTMF_HZ {
        for level in [0.0, -10.0, -20.0, -30.0] {
            cases.push(m.case(vec![], |b| {
                b.tones(&[Sine { hz, dbm0: level }], 300.0);
                vec![]
            }));
        }
    }
    groups.push(Group::all_must_pass(
        "single tone reject",
        "any one DTMF tone alone (0 to -30 dBm0) gives no digit",
        cases,
    ));

    // All worst cases at once: 40 ms, both tones off by the full accepted offset (every sign
    // combination), twist at either limit, the weaker tone at -30 dBm0 or the stronger at 0.
    let mut cases = Vec::new();
    for (twist, low_dbm0) in [(4.0, -30.0), (-8.0, -22.0), (4.0, -4.0), (-8.0, 0.0)] {
        for low_sign in [-1.0, 1.0] {
            for high_sign in [-1.0, 1.0] {
                for d in all {
                    let (mut lo, mut hi) = key_sines(d, low_dbm0, low_dbm0 + twist);
                    lo.hz += low_sign * 0.015 * lo.hz;
                    hi.hz += high_sign * (0.015 * hi.hz + if hi.hz == 1633.0 { 2.0 } else { 0.0 });
                    cases.push(m.press(d, lo, hi, 40.0, true));
                }
            }
        }
    }
    groups.push(Group::all_must_pass(
        "combined worst case",
        "40 ms, +-1.5 % on both tones, twist +4/-8 dB, weaker tone -30 or stronger 0 dBm0",
        cases,
    ));

    for (name, law) in [
        (
            "mu-law round trip",
            ulaw_round_trip as fn(&[i16]) -> Vec<i16>,
        ),
        (
            "A-law round trip",
            alaw_round_trip as fn(&[i16]) -> Vec<i16>,
        ),
    ] {
        let mut cases = Vec::new();
        for level in [-10.0, -20.0, -30.0] {
            for d in all {
                let (lo, hi) = key_sines(d, level, level);
                let mut c = m.press(d, lo, hi, 40.0, true);
                c.signal = law(&c.signal);
                cases.push(c);
            }
        }
        groups.push(Group::all_must_pass(
            name,
            "40 ms presses at -10 to -30 dBm0 through G.711 are accepted",
            cases,
        ));
    }
    groups
}
