//! A fingerprint of every event recresp's DTMF detector reports on the Q.24 suite and on the
//! speech corpus, for checking that a change to the detector's cost changes none of its
//! decisions: each set of signals gives the number of events and an FNV-1a 64 hash of the
//! events (kind, key, position, and the position at which each was reported).

use recresp_core::{DtmfConfig, DtmfEvent, SampleRate};

use crate::dtmf::recresp::events;
use crate::dtmf::suite::q24_suite;
use crate::dtmf::talkoff::Condition;
use crate::signals::dtmf::{apply_gain, upsample_2x};

/// The events of one set of signals, condensed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    /// What was run.
    pub label: String,
    /// Events reported over the whole set.
    pub events: usize,
    /// FNV-1a 64 over every event, in order.
    pub hash: u64,
}

/// FNV-1a 64 over a stream of words.
struct Fnv(u64);

impl Fnv {
    fn word(&mut self, v: u64) {
        for b in v.to_le_bytes() {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Runs the detector over `signals` (each pushed `chunk` samples at a time) and condenses
/// the events.
fn run(
    label: String,
    rate: SampleRate,
    config: DtmfConfig,
    signals: &[Vec<i16>],
    chunk: usize,
) -> Fingerprint {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    let mut n = 0;
    for (i, x) in signals.iter().enumerate() {
        for t in events(rate, config, x, chunk) {
            let (kind, digit, at) = match t.event {
                DtmfEvent::Start { digit, onset } => (1, digit, onset),
                DtmfEvent::End { digit, end } => (2, digit, end),
            };
            h.word(i as u64);
            h.word(kind);
            h.word(digit.as_char() as u64);
            h.word(at);
            h.word(t.emitted_at);
            n += 1;
        }
    }
    Fingerprint {
        label,
        events: n,
        hash: h.0,
    }
}

/// The detector settings the fingerprints cover: the default, and level floors from the
/// loudest to the quietest accepted setting (the floor decides which blocks are too quiet
/// to hold a key).
fn configs() -> Vec<(&'static str, DtmfConfig)> {
    let with_floor = |min_level_dbm0| DtmfConfig {
        min_level_dbm0,
        ..DtmfConfig::default()
    };
    vec![
        ("default", DtmfConfig::default()),
        ("floor -20", with_floor(-20)),
        ("floor -60", with_floor(-60)),
        ("floor -90", with_floor(-90)),
    ]
}

/// Fingerprints of the Q.24 suite at 8 and 16 kHz under every setting of [`configs`], in
/// chunks of 80 samples (the recorder's 10 ms at 8 kHz) and 37 (no alignment at all).
pub fn q24() -> Vec<Fingerprint> {
    let mut out = Vec::new();
    for hz in [8000, 16000] {
        let rate = SampleRate::from_hz(hz).unwrap_or(SampleRate::Hz8000);
        let signals: Vec<Vec<i16>> = q24_suite(hz)
            .into_iter()
            .flat_map(|g| g.cases.into_iter().map(|c| c.signal))
            .collect();
        for (name, config) in configs() {
            for chunk in [80, 37] {
                out.push(run(
                    format!("q24 {hz} Hz, {name}, chunks of {chunk}"),
                    rate,
                    config,
                    &signals,
                    chunk,
                ));
            }
        }
    }
    out
}

/// Fingerprints of the speech corpus (`prompts`, 8 kHz): the twelve talk-off conditions with
/// the default settings, every setting of [`configs`] at −30 and −45 dB (speech near the
/// level floors), and the corpus upsampled to 16 kHz.
pub fn corpus(prompts: &[Vec<i16>]) -> Vec<Fingerprint> {
    let mut out = Vec::new();
    for c in Condition::all() {
        let x: Vec<Vec<i16>> = prompts.iter().map(|p| c.apply(p)).collect();
        out.push(run(
            format!("corpus {}", c.label()),
            SampleRate::Hz8000,
            DtmfConfig::default(),
            &x,
            80,
        ));
    }
    for gain_db in [-30.0, -45.0] {
        let x: Vec<Vec<i16>> = prompts.iter().map(|p| apply_gain(p, gain_db)).collect();
        for (name, config) in configs() {
            out.push(run(
                format!("corpus {gain_db:+} dB, {name}"),
                SampleRate::Hz8000,
                config,
                &x,
                80,
            ));
        }
    }
    let x: Vec<Vec<i16>> = prompts.iter().map(|p| upsample_2x(p)).collect();
    out.push(run(
        "corpus at 16 kHz".to_string(),
        SampleRate::Hz16000,
        DtmfConfig::default(),
        &x,
        160,
    ));
    out
}
