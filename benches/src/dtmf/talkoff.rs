//! Talk-off: false digits on speech. Runs a detector over every prompt of the speech corpus
//! under each condition (gain, then optional G.711 round trip) and counts the digits it
//! reports; on speech every one is false.

use crate::signals::dtmf::{alaw_round_trip, apply_gain, ulaw_round_trip};

/// The line coding a condition passes the speech through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    /// 16-bit linear, untouched.
    Linear,
    /// μ-law encode and decode.
    Ulaw,
    /// A-law encode and decode.
    ALaw,
}

/// One talk-off condition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Condition {
    /// Gain in dB applied first (saturating).
    pub gain_db: f64,
    /// Coding applied after the gain.
    pub coding: Coding,
}

impl Condition {
    /// The twelve conditions of the issue: gains −20, −10, 0, +6 dB, each linear, μ-law and
    /// A-law.
    pub fn all() -> Vec<Condition> {
        let mut v = Vec::new();
        for coding in [Coding::Linear, Coding::Ulaw, Coding::ALaw] {
            for gain_db in [-20.0, -10.0, 0.0, 6.0] {
                v.push(Condition { gain_db, coding });
            }
        }
        v
    }

    /// A short label, e.g. "+6 dB mu-law".
    pub fn label(&self) -> String {
        let coding = match self.coding {
            Coding::Linear => "linear",
            Coding::Ulaw => "mu-law",
            Coding::ALaw => "A-law",
        };
        format!("{:+} dB {}", self.gain_db, coding)
    }

    /// `samples` under this condition.
    pub fn apply(&self, samples: &[i16]) -> Vec<i16> {
        let x = if self.gain_db == 0.0 {
            samples.to_vec()
        } else {
            apply_gain(samples, self.gain_db)
        };
        match self.coding {
            Coding::Linear => x,
            Coding::Ulaw => ulaw_round_trip(&x),
            Coding::ALaw => alaw_round_trip(&x),
        }
    }
}

/// A false digit: which prompt, and the digit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FalseDigit {
    /// Index of the prompt in the corpus.
    pub prompt: usize,
    /// The reported key.
    pub digit: char,
}

/// Runs `detect` (which returns the digits found in one prompt) over every prompt under
/// `condition`.
pub fn false_digits(
    prompts: &[Vec<i16>],
    condition: Condition,
    detect: &mut dyn FnMut(&[i16]) -> Vec<char>,
) -> Vec<FalseDigit> {
    let mut out = Vec::new();
    for (i, p) in prompts.iter().enumerate() {
        let x = condition.apply(p);
        for digit in detect(&x) {
            out.push(FalseDigit { prompt: i, digit });
        }
    }
    out
}

/// The conditions used at `rate_hz`: all of [`Condition::all`] at 8 kHz; at 16 kHz the
/// linear ones (G.711 is an 8 kHz coding).
pub fn conditions_at(rate_hz: u32) -> Vec<Condition> {
    Condition::all()
        .into_iter()
        .filter(|c| rate_hz == 8000 || c.coding == Coding::Linear)
        .collect()
}

/// Total false digits `detect` reports over `clips` under every condition of
/// [`conditions_at`]`(rate_hz)`.
pub fn count_false_digits(
    clips: &[Vec<i16>],
    rate_hz: u32,
    detect: &mut dyn FnMut(&[i16]) -> Vec<char>,
) -> usize {
    conditions_at(rate_hz)
        .into_iter()
        .map(|c| false_digits(clips, c, detect).len())
        .sum()
}
