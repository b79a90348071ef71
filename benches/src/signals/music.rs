//! A deterministic music synthesizer for detector tests: music is what most often fools a
//! speech detector (sustained harmonic tones, syllable-like note attacks, vibrato) and what
//! most often falsely triggers a DTMF receiver (two strong partials at once).
//!
//! Five styles, each a few seconds to minutes long, at any sample rate of 8 kHz or more:
//! - [`Style::Piano`]: chords in the left hand and a melody in the right, each note a set of
//!   slightly inharmonic partials that decay faster the higher they are;
//! - [`Style::Pad`]: sustained string/organ chords, several detuned voices per note with a
//!   slow attack, a slow vibrato and crossfaded chord changes;
//! - [`Style::BassDrums`]: a plucked bass line with kick, snare and hi-hat;
//! - [`Style::Vocal`]: a singing-like lead (a glottal-pulse-like harmonic series shaped by
//!   vowel formants, with vibrato and legato pitch glides) over a quiet pad;
//! - [`Style::Band`]: piano, bass, drums and the vocal lead together.
//!
//! The key, tempo, chord progression and melody come from `seed` (a SplitMix64 generator),
//! so each seed is a different piece and the same seed always gives the same samples
//! (`f64` arithmetic, no platform-dependent randomness). Every partial stays below 45 % of
//! the sample rate (no aliasing). Signals are returned at unit RMS; [`render_dbfs`] scales
//! them to 16-bit samples at a given RMS level.

use crate::signals::noise::Rng;
use std::f64::consts::PI;

/// A style of synthesized music.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// Piano-like: decaying inharmonic partials, chords and a melody.
    Piano,
    /// Sustained string/organ chords with detuned voices and slow vibrato.
    Pad,
    /// Plucked bass with kick, snare and hi-hat.
    BassDrums,
    /// A singing-like vibrato lead with vowel formants over a quiet pad.
    Vocal,
    /// Piano, bass, drums and the vocal lead together.
    Band,
}

impl Style {
    /// Every style, in table order.
    pub const ALL: [Style; 5] = [
        Style::Piano,
        Style::Pad,
        Style::BassDrums,
        Style::Vocal,
        Style::Band,
    ];

    /// Lower-case name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Style::Piano => "piano",
            Style::Pad => "pad",
            Style::BassDrums => "bass+drums",
            Style::Vocal => "vocal",
            Style::Band => "band",
        }
    }
}

/// Major-scale steps in semitones from the key's root.
const MAJOR: [i32; 7] = [0, 2, 4, 5, 7, 9, 11];

/// Chord progressions as scale degrees (0 = I): pop, doo-wop, descending, plagal.
const PROGRESSIONS: [[usize; 4]; 4] = [[0, 4, 5, 3], [0, 5, 3, 4], [5, 3, 0, 4], [0, 3, 0, 4]];

/// Frequency of a MIDI note number.
fn midi_hz(note: f64) -> f64 {
    440.0 * 2f64.powf((note - 69.0) / 12.0)
}

/// The piece's musical plan, drawn from the seed.
struct Plan {
    /// MIDI note of the key's root (around C3–C4).
    root: i32,
    /// Seconds per beat.
    beat_s: f64,
    /// Chord per bar (scale degrees), repeating.
    progression: [usize; 4],
}

impl Plan {
    fn new(rng: &mut Rng) -> Self {
        Plan {
            root: 48 + rng.below(12) as i32,
            beat_s: 60.0 / (76.0 + rng.below(65) as f64),
            progression: PROGRESSIONS[rng.below(PROGRESSIONS.len())],
        }
    }

    /// Scale degree `degree` (any integer; wraps into octaves) as a MIDI note.
    fn scale_note(&self, degree: i32) -> i32 {
        let octave = degree.div_euclid(7);
        self.root + 12 * octave + MAJOR[degree.rem_euclid(7) as usize]
    }

    /// The triad (scale degrees) of bar `bar`.
    fn chord(&self, bar: usize) -> [i32; 3] {
        let d = self.progression[bar % 4] as i32;
        [d, d + 2, d + 4]
    }

    fn bar_s(&self) -> f64 {
        4.0 * self.beat_s
    }
}

/// Adds `value` at sample `i` of `out` if it exists.
fn add(out: &mut [f64], i: usize, value: f64) {
    if let Some(s) = out.get_mut(i) {
        *s += value;
    }
}

/// One piano-like note: partials k·f0·√(1 + B·k²), amplitude ~1/k, each decaying faster the
/// higher it is; 3 ms attack.
fn piano_note(out: &mut [f64], fs: f64, start_s: f64, dur_s: f64, note: i32, gain: f64) {
    let f0 = midi_hz(note as f64);
    let start = (start_s * fs) as usize;
    let len = ((dur_s + 0.6) * fs) as usize;
    let inharmonic = 0.0004;
    for k in 1..=12 {
        let kf = k as f64;
        let f = kf * f0 * (1.0 + inharmonic * kf * kf).sqrt();
        if f >= 0.45 * fs {
            break;
        }
        let amp = gain / kf;
        let decay = 1.2 + 0.9 * kf;
        for n in 0..len {
            let t = n as f64 / fs;
            let attack = (t / 0.003).min(1.0);
            // Damper: released notes fade over 80 ms after their written length.
            let release = if t > dur_s {
                (-(t - dur_s) / 0.08).exp()
            } else {
                1.0
            };
            let env = attack * (-decay * t).exp() * release;
            add(out, start + n, amp * env * (2.0 * PI * f * t).sin());
        }
    }
}

/// One sustained pad note: three detuned sawtooth-like voices (partials ~1/k, softened
/// above the 6th), slow vibrato, 150 ms attack and 200 ms release.
fn pad_note(out: &mut [f64], fs: f64, start_s: f64, dur_s: f64, note: i32, gain: f64) {
    let f0 = midi_hz(note as f64);
    let start = (start_s * fs) as usize;
    let len = ((dur_s + 0.2) * fs) as usize;
    let mut amps = [0.0f64; 10];
    for (k, a) in amps.iter_mut().enumerate() {
        let kf = (k + 1) as f64;
        if kf * f0 * 1.004 < 0.45 * fs {
            *a = gain / kf / if k >= 6 { kf - 5.0 } else { 1.0 } / 3.0;
        }
    }
    for (voice, detune) in [-0.003, 0.0, 0.0035].into_iter().enumerate() {
        let vib_phase = voice as f64 * 2.1;
        let mut phase = 0.0;
        for n in 0..len {
            let t = n as f64 / fs;
            let vib = 1.0 + 0.002 * (2.0 * PI * 4.8 * t + vib_phase).sin();
            phase += 2.0 * PI * f0 * (1.0 + detune) * vib / fs;
            let env = (t / 0.15).min(1.0) * ((dur_s + 0.2 - t) / 0.2).clamp(0.0, 1.0);
            add(out, start + n, env * harmonic_sum(phase, &amps));
        }
    }
}

/// Σ amps[k]·sin((k+1)·phase), by the Chebyshev recurrence (one sine and one cosine).
fn harmonic_sum(phase: f64, amps: &[f64]) -> f64 {
    let (s1, c1) = phase.sin_cos();
    let (mut prev, mut cur) = (0.0, s1);
    let mut sum = 0.0;
    for &a in amps {
        sum += a * cur;
        let next = 2.0 * c1 * cur - prev;
        prev = cur;
        cur = next;
    }
    sum
}

/// One plucked bass note: partials decaying fast (higher ones faster), 2 ms attack.
fn bass_note(out: &mut [f64], fs: f64, start_s: f64, dur_s: f64, note: i32, gain: f64) {
    let f0 = midi_hz(note as f64);
    let start = (start_s * fs) as usize;
    let len = (dur_s * fs) as usize;
    for k in 1..=8 {
        let kf = k as f64;
        let f = kf * f0;
        if f >= 0.45 * fs {
            break;
        }
        let amp = gain / (kf * kf).sqrt();
        let decay = 3.0 + 4.0 * kf;
        for n in 0..len {
            let t = n as f64 / fs;
            let env = (t / 0.002).min(1.0) * (-decay * t).exp() * ((dur_s - t) / 0.01).min(1.0);
            add(out, start + n, amp * env * (2.0 * PI * f * t).sin());
        }
    }
}

/// Kick drum: a sine sweeping from 150 Hz down to 50 Hz, 150 ms decay.
fn kick(out: &mut [f64], fs: f64, start_s: f64, gain: f64) {
    let start = (start_s * fs) as usize;
    let mut phase = 0.0;
    for n in 0..(0.4 * fs) as usize {
        let t = n as f64 / fs;
        let f = 50.0 + 100.0 * (-t / 0.03).exp();
        phase += 2.0 * PI * f / fs;
        add(out, start + n, gain * (-t / 0.15).exp() * phase.sin());
    }
}

/// Snare (noise burst plus a 190 Hz body, 100 ms decay) or hi-hat (high-passed noise,
/// 25 ms decay).
fn noise_hit(out: &mut [f64], fs: f64, start_s: f64, gain: f64, hat: bool, rng: &mut Rng) {
    let start = (start_s * fs) as usize;
    let (decay, len) = if hat { (0.025, 0.12) } else { (0.1, 0.35) };
    let mut prev = 0.0;
    for n in 0..(len * fs) as usize {
        let t = n as f64 / fs;
        let white = rng.uniform() * 2.0 - 1.0;
        let v = if hat {
            // First difference: a rising spectrum, like metal.
            let d = white - prev;
            prev = white;
            0.5 * d
        } else {
            0.8 * white + 0.6 * (2.0 * PI * 190.0 * t).sin()
        };
        add(out, start + n, gain * (-t / decay).exp() * v);
    }
}

/// Formant frequencies (Hz) and bandwidths of five sung vowels (a, e, i, o, u).
const VOWELS: [[(f64, f64); 3]; 5] = [
    [(800.0, 80.0), (1200.0, 90.0), (2500.0, 120.0)],
    [(500.0, 60.0), (1800.0, 100.0), (2500.0, 120.0)],
    [(300.0, 50.0), (2200.0, 100.0), (3000.0, 120.0)],
    [(500.0, 70.0), (850.0, 80.0), (2500.0, 120.0)],
    [(320.0, 50.0), (800.0, 80.0), (2400.0, 120.0)],
];

/// Gain of a vowel's formant filter at `f` Hz (three resonances, summed).
fn vowel_gain(vowel: usize, f: f64) -> f64 {
    VOWELS[vowel % VOWELS.len()]
        .iter()
        .enumerate()
        .map(|(i, &(fc, bw))| {
            let x = (f - fc) / (bw / 2.0);
            (1.0 / (1.0 + x * x)).sqrt() / (1.0 + i as f64)
        })
        .sum()
}

/// A sung phrase: notes (MIDI, duration in s) sung legato with 40 ms pitch glides, 5.5 Hz
/// vibrato of ±1.2 % growing in over each note, a harmonic series falling ~12 dB/octave
/// shaped by each note's vowel, and a breath at the phrase end.
fn sung_phrase(out: &mut [f64], fs: f64, start_s: f64, notes: &[(i32, f64, usize)], gain: f64) {
    let total: f64 = notes.iter().map(|n| n.1).sum();
    let start = (start_s * fs) as usize;
    let len = (total * fs) as usize;
    let mut phase = 0.0f64;
    let mut note_start = 0.0;
    let mut idx = 0;
    let mut prev_hz = midi_hz(notes.first().map_or(60, |n| n.0) as f64);
    let mut weights = [0.0f64; 24];
    let mut weights_for = usize::MAX;
    for n in 0..len {
        let t = n as f64 / fs;
        while idx + 1 < notes.len() && t >= note_start + notes[idx].1 {
            prev_hz = midi_hz(notes[idx].0 as f64);
            note_start += notes[idx].1;
            idx += 1;
        }
        let (note, _, vowel) = notes[idx];
        let in_note = t - note_start;
        let target = midi_hz(note as f64);
        let glide = (in_note / 0.04).min(1.0);
        let base = prev_hz + (target - prev_hz) * glide;
        let vib_depth = 0.012 * (in_note / 0.3).min(1.0);
        let f0 = base * (1.0 + vib_depth * (2.0 * PI * 5.5 * t).sin());
        if weights_for != idx {
            for (k, w) in weights.iter_mut().enumerate() {
                let kf = (k + 1) as f64;
                *w = vowel_gain(vowel, kf * target) / (kf * kf).sqrt();
            }
            weights_for = idx;
        }
        let env = (t / 0.05).min(1.0) * ((total - t) / 0.12).clamp(0.0, 1.0);
        phase += 2.0 * PI * f0 / fs;
        // Harmonics at or above 45 % of the rate are left out.
        let below = ((0.45 * fs / f0).ceil() as usize).saturating_sub(1);
        let v = harmonic_sum(phase, &weights[..below.min(weights.len())]);
        add(out, start + n, gain * env * v);
    }
}

fn piano_part(out: &mut [f64], fs: f64, plan: &Plan, rng: &mut Rng) {
    let seconds = out.len() as f64 / fs;
    let bars = (seconds / plan.bar_s()).ceil() as usize + 1;
    let mut melody_degree = 7 + rng.below(5) as i32;
    for bar in 0..bars {
        let t0 = bar as f64 * plan.bar_s();
        let chord = plan.chord(bar);
        // Left hand: the chord on beats 1 and 3 (sometimes arpeggiated on every beat).
        let arpeggio = rng.below(3) == 0;
        for beat in 0..4 {
            if arpeggio {
                let note = plan.scale_note(chord[beat % 3]);
                piano_note(
                    out,
                    fs,
                    t0 + beat as f64 * plan.beat_s,
                    plan.beat_s,
                    note,
                    0.5,
                );
            } else if beat % 2 == 0 {
                for &d in &chord {
                    let note = plan.scale_note(d);
                    piano_note(
                        out,
                        fs,
                        t0 + beat as f64 * plan.beat_s,
                        2.0 * plan.beat_s,
                        note,
                        0.35,
                    );
                }
            }
        }
        // Right hand: a melody in eighths and quarters, stepping through the scale.
        let mut t = 0.0;
        while t < 4.0 * plan.beat_s - 1e-9 {
            let dur = plan.beat_s * if rng.below(3) == 0 { 1.0 } else { 0.5 };
            melody_degree = (melody_degree + rng.below(5) as i32 - 2).clamp(5, 16);
            if rng.below(8) != 0 {
                piano_note(out, fs, t0 + t, dur, plan.scale_note(melody_degree), 0.6);
            }
            t += dur;
        }
    }
}

fn pad_part(out: &mut [f64], fs: f64, plan: &Plan, gain: f64) {
    let seconds = out.len() as f64 / fs;
    let bars = (seconds / plan.bar_s()).ceil() as usize + 1;
    for bar in 0..bars {
        let t0 = bar as f64 * plan.bar_s();
        for &d in &plan.chord(bar) {
            pad_note(out, fs, t0, plan.bar_s(), plan.scale_note(d), gain);
        }
        // Bass note of the organ an octave down.
        pad_note(
            out,
            fs,
            t0,
            plan.bar_s(),
            plan.scale_note(plan.chord(bar)[0]) - 12,
            gain,
        );
    }
}

fn rhythm_part(out: &mut [f64], fs: f64, plan: &Plan, rng: &mut Rng) {
    let seconds = out.len() as f64 / fs;
    let bars = (seconds / plan.bar_s()).ceil() as usize + 1;
    let pattern = rng.below(3);
    for bar in 0..bars {
        let t0 = bar as f64 * plan.bar_s();
        let root = plan.scale_note(plan.chord(bar)[0]) - 12;
        for eighth in 0..8 {
            let t = t0 + eighth as f64 * plan.beat_s / 2.0;
            // Bass: root on the beats, fifth or octave on some offbeats.
            let play = match pattern {
                0 => eighth % 2 == 0,
                1 => eighth != 3 && eighth != 7,
                _ => true,
            };
            if play {
                let note = match (eighth % 2, rng.below(3)) {
                    (0, _) => root,
                    (_, 0) => root + 7,
                    _ => root + 12,
                };
                bass_note(out, fs, t, plan.beat_s / 2.0, note, 0.8);
            }
            if eighth % 4 == 0 {
                kick(out, fs, t, 0.9);
            }
            if eighth % 4 == 2 {
                noise_hit(out, fs, t, 0.5, false, rng);
            }
            noise_hit(out, fs, t, 0.2, true, rng);
        }
    }
}

fn vocal_part(out: &mut [f64], fs: f64, plan: &Plan, rng: &mut Rng) {
    let seconds = out.len() as f64 / fs;
    let mut t = 0.2 * rng.uniform();
    let mut degree = 9 + rng.below(3) as i32;
    while t < seconds {
        // A phrase of 3–8 notes (0.25–1.2 s each), then a breath of 0.2–1 s.
        let count = 3 + rng.below(6);
        let notes: Vec<(i32, f64, usize)> = (0..count)
            .map(|_| {
                degree = (degree + rng.below(5) as i32 - 2).clamp(5, 14);
                let beats = [0.5, 1.0, 1.0, 1.5, 2.0][rng.below(5)];
                (plan.scale_note(degree), beats * plan.beat_s, rng.below(5))
            })
            .collect();
        sung_phrase(out, fs, t, &notes, 0.9);
        t += notes.iter().map(|n| n.1).sum::<f64>() + 0.2 + 0.8 * rng.uniform();
    }
}

fn normalize(mut x: Vec<f64>) -> Vec<f64> {
    let rms = crate::signals::noise::rms(&x);
    if rms > 0.0 {
        x.iter_mut().for_each(|v| *v /= rms);
    }
    x
}

/// `len` samples of `style` music at `rate_hz` (8000 or more), drawn from `seed`, at unit
/// RMS.
pub fn render(style: Style, rate_hz: u32, len: usize, seed: u64) -> Vec<f64> {
    let fs = rate_hz.max(8000) as f64;
    let mut rng = Rng::new(seed ^ 0x006D_7573_6963);
    let plan = Plan::new(&mut rng);
    let mut out = vec![0.0; len];
    match style {
        Style::Piano => piano_part(&mut out, fs, &plan, &mut rng),
        Style::Pad => pad_part(&mut out, fs, &plan, 1.0),
        Style::BassDrums => rhythm_part(&mut out, fs, &plan, &mut rng),
        Style::Vocal => {
            vocal_part(&mut out, fs, &plan, &mut rng);
            let mut pad = vec![0.0; len];
            pad_part(&mut pad, fs, &plan, 1.0);
            let (v, p) = (
                crate::signals::noise::rms(&out),
                crate::signals::noise::rms(&pad),
            );
            // The pad 12 dB under the voice.
            let scale = if p > 0.0 { 0.25 * v / p } else { 0.0 };
            out.iter_mut().zip(&pad).for_each(|(o, p)| *o += scale * p);
        }
        Style::Band => {
            let parts: [Vec<f64>; 3] = [
                {
                    let mut x = vec![0.0; len];
                    piano_part(&mut x, fs, &plan, &mut rng);
                    normalize(x)
                },
                {
                    let mut x = vec![0.0; len];
                    rhythm_part(&mut x, fs, &plan, &mut rng);
                    normalize(x)
                },
                {
                    let mut x = vec![0.0; len];
                    vocal_part(&mut x, fs, &plan, &mut rng);
                    normalize(x)
                },
            ];
            for (i, o) in out.iter_mut().enumerate() {
                *o = 0.5 * parts[0][i] + 0.6 * parts[1][i] + parts[2][i];
            }
        }
    }
    normalize(out)
}

/// `len` samples of `style` music at `rate_hz` drawn from `seed`, as 16-bit samples at `dbfs`
/// RMS (relative to 32768; peaks are clipped to the 16-bit range).
pub fn render_dbfs(style: Style, rate_hz: u32, len: usize, seed: u64, dbfs: f64) -> Vec<i16> {
    let gain = 32768.0 * 10f64.powf(dbfs / 20.0);
    render(style, rate_hz, len, seed)
        .into_iter()
        .map(|v| (gain * v).round().clamp(i16::MIN as f64, i16::MAX as f64) as i16)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_style_is_deterministic_unit_rms_and_varies_with_the_seed() {
        for rate in [8000, 16000] {
            for style in Style::ALL {
                let a = render(style, rate, rate as usize, 1);
                let b = render(style, rate, rate as usize, 1);
                let c = render(style, rate, rate as usize, 2);
                assert_eq!(a, b, "{style:?}");
                assert_ne!(a, c, "{style:?}");
                assert!(
                    (crate::signals::noise::rms(&a) - 1.0).abs() < 1e-9,
                    "{style:?}"
                );
                assert!(a.iter().all(|v| v.is_finite()));
            }
        }
    }

    #[test]
    fn level_is_as_asked() {
        let x = render_dbfs(Style::Band, 8000, 16000, 3, -30.0);
        let rms = (x.iter().map(|&s| (s as f64).powi(2)).sum::<f64>() / x.len() as f64).sqrt();
        let dbfs = 20.0 * (rms / 32768.0).log10();
        assert!((dbfs + 30.0).abs() < 0.1, "{dbfs}");
    }

    #[test]
    fn the_pad_never_falls_silent() {
        // The pad never falls silent within a piece: every 100 ms holds energy.
        let x = render(Style::Pad, 8000, 8000 * 4, 5);
        for (i, block) in x.chunks(800).enumerate().skip(1) {
            assert!(crate::signals::noise::rms(block) > 0.1, "block {i}");
        }
    }
}
