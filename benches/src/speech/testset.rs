//! The speech-detector test set: prompts from the Asterisk corpus, their ground-truth
//! speech span, and each prompt mixed with line noise at a given SNR.
//!
//! Ground truth: a 10 ms frame of the clean prompt is speech when its RMS is above −55 dBFS
//! and within 40 dB of the prompt's loudest frame (dBFS: RMS relative to 32768). The truth
//! onset is the start of the first speech frame, the truth end the end of the last.
//! SNR: speech RMS over the ground-truth speech frames against the noise (or music) RMS. Each case is
//! 3 s of noise, then the prompt with the same noise continuing under it, then 2 s more of
//! noise (so the detector's hang time can run out and an end be reported).

use crate::corpus::Prompt;
use crate::signals::music::{self, Style};
use crate::signals::noise::{self, NoiseKind};

/// 10 ms at 8 kHz.
pub const FRAME: usize = 80;
/// Samples per millisecond.
pub const PER_MS: usize = 8;
/// Noise before each prompt.
pub const LEAD_SAMPLES: usize = 3 * 8000;
/// Noise after each prompt.
pub const TAIL_SAMPLES: usize = 2 * 8000;
/// Prompts in the test set.
pub const TEST_PROMPTS: usize = 100;
/// Voices summed into babble.
pub const BABBLE_TALKERS: usize = 6;

/// Where speech is in a clean prompt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Truth {
    /// First sample of the first speech frame.
    pub onset: usize,
    /// One past the last sample of the last speech frame.
    pub end: usize,
    /// RMS over the speech frames.
    pub speech_rms: f64,
}

/// RMS of a frame in dBFS (−inf for digital silence).
fn frame_dbfs(frame: &[i16]) -> f64 {
    let ms = frame.iter().map(|&s| (s as f64).powi(2)).sum::<f64>() / frame.len() as f64;
    10.0 * (ms / (32768.0 * 32768.0)).log10()
}

/// The ground truth of a clean prompt, or `None` if no frame qualifies as speech.
pub fn ground_truth(samples: &[i16]) -> Option<Truth> {
    let levels: Vec<f64> = samples.chunks_exact(FRAME).map(frame_dbfs).collect();
    let peak = levels.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let speech: Vec<usize> = levels
        .iter()
        .enumerate()
        .filter(|(_, &l)| l > -55.0 && l >= peak - 40.0)
        .map(|(i, _)| i)
        .collect();
    let (&first, &last) = (speech.first()?, speech.last()?);
    let energy: f64 = speech
        .iter()
        .flat_map(|&i| &samples[i * FRAME..(i + 1) * FRAME])
        .map(|&s| (s as f64).powi(2))
        .sum();
    Some(Truth {
        onset: first * FRAME,
        end: (last + 1) * FRAME,
        speech_rms: (energy / (speech.len() * FRAME) as f64).sqrt(),
    })
}

/// A noise condition of the table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Condition {
    /// No noise (digital silence before and after).
    Clean,
    /// Band-limited coloured noise at an SNR in dB.
    Colored(NoiseKind, f64),
    /// Babble from other prompts at an SNR in dB.
    Babble(f64),
    /// Synthesized music ([`music_style`] picks the style from the case's seed) at an SNR
    /// in dB.
    Music(f64),
}

/// The music style of a case drawn with `seed`: the five styles in turn.
pub fn music_style(seed: u64) -> Style {
    Style::ALL[(seed % Style::ALL.len() as u64) as usize]
}

impl Condition {
    /// The table's conditions, in order (conditions added later come last, so the noise
    /// drawn for the earlier ones does not change).
    pub fn all() -> Vec<Condition> {
        let mut out = vec![Condition::Clean];
        for snr in [20.0, 10.0, 5.0] {
            for kind in NoiseKind::ALL {
                out.push(Condition::Colored(kind, snr));
            }
        }
        out.push(Condition::Babble(10.0));
        for kind in NoiseKind::ALL {
            out.push(Condition::Colored(kind, 0.0));
        }
        out.push(Condition::Music(10.0));
        out
    }

    /// Row label.
    pub fn label(&self) -> String {
        match self {
            Condition::Clean => "clean".into(),
            Condition::Colored(kind, snr) => format!("{} {snr:.0} dB", kind.name()),
            Condition::Babble(snr) => format!("babble {snr:.0} dB"),
            Condition::Music(snr) => format!("music {snr:.0} dB"),
        }
    }
}

/// One test file with its truth, in samples from the file start.
pub struct Case {
    /// The mixed audio at 8 kHz.
    pub samples: Vec<i16>,
    /// Truth onset.
    pub onset: usize,
    /// Truth end.
    pub end: usize,
}

/// The test set: prompts with their truth, and the pool the babble is drawn from.
pub struct TestSet<'a> {
    /// The test prompts with their truth.
    pub prompts: Vec<(&'a Prompt, Truth)>,
    /// Prompts not in the test set, for babble.
    pub babble_pool: Vec<&'a [i16]>,
}

/// Whether a prompt is a speech prompt of a usable length (not a tone, beep or silence).
pub fn is_speech_prompt(p: &Prompt) -> bool {
    let path = p.path.to_string_lossy();
    let name = p.path.file_name().map(|n| n.to_string_lossy().to_string());
    let name = name.unwrap_or_default();
    let seconds = p.samples.len() as f64 / 8000.0;
    !path.contains("/silence/")
        && !name.contains("tone")
        && !name.contains("beep")
        && (0.5..=10.0).contains(&seconds)
}

/// Picks [`TEST_PROMPTS`] speech prompts evenly spaced through the sorted corpus (shifted
/// by `offset` prompts, 0 for the reported table); every other speech prompt goes to the
/// babble pool.
pub fn select(corpus: &[Prompt], offset: usize) -> TestSet<'_> {
    let usable: Vec<(&Prompt, Truth)> = corpus
        .iter()
        .filter(|p| is_speech_prompt(p))
        .filter_map(|p| ground_truth(&p.samples).map(|t| (p, t)))
        .collect();
    let n = usable.len();
    let picked: Vec<usize> = (0..TEST_PROMPTS.min(n))
        .map(|i| (i * n / TEST_PROMPTS.min(n) + offset) % n)
        .collect();
    let prompts = picked.iter().map(|&i| usable[i]).collect();
    let babble_pool = (0..n)
        .filter(|i| !picked.contains(i))
        .map(|i| &usable[i].0.samples[..])
        .collect();
    TestSet {
        prompts,
        babble_pool,
    }
}

fn to_i16(x: f64) -> i16 {
    x.round().clamp(i16::MIN as f64, i16::MAX as f64) as i16
}

/// The noise for `condition`, `len` samples at unit RMS (zeros for clean).
fn unit_noise(condition: Condition, len: usize, seed: u64, pool: &[&[i16]]) -> Vec<f64> {
    match condition {
        Condition::Clean => vec![0.0; len],
        Condition::Colored(kind, _) => noise::colored(kind, len, seed),
        Condition::Babble(_) => noise::babble(pool, BABBLE_TALKERS, len, seed),
        Condition::Music(_) => music::render(music_style(seed), 8000, len, seed),
    }
}

/// `prompt` under `condition`, preceded and followed by the same noise. `seed` picks the
/// noise.
pub fn make_case(
    prompt: &Prompt,
    truth: Truth,
    condition: Condition,
    seed: u64,
    babble_pool: &[&[i16]],
) -> Case {
    let len = LEAD_SAMPLES + prompt.samples.len() + TAIL_SAMPLES;
    let noise = unit_noise(condition, len, seed, babble_pool);
    let snr_db = match condition {
        Condition::Clean => None,
        Condition::Colored(_, snr) | Condition::Babble(snr) | Condition::Music(snr) => Some(snr),
    };
    mix_case(prompt, truth, &noise, snr_db)
}

/// `prompt` from [`LEAD_SAMPLES`] on, over `noise` (unit RMS; the file is as long as it is)
/// scaled to `snr_db` below the prompt's speech, or over silence for `None`.
pub fn mix_case(prompt: &Prompt, truth: Truth, noise: &[f64], snr_db: Option<f64>) -> Case {
    let gain = snr_db.map_or(0.0, |snr| truth.speech_rms / 10f64.powf(snr / 20.0));
    let samples = noise
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let speech = i
                .checked_sub(LEAD_SAMPLES)
                .and_then(|j| prompt.samples.get(j))
                .map_or(0.0, |&s| s as f64);
            to_i16(speech + gain * n)
        })
        .collect();
    Case {
        samples,
        onset: LEAD_SAMPLES + truth.onset,
        end: LEAD_SAMPLES + truth.end,
    }
}

/// `seconds` of `kind` noise alone at `dbfs` RMS.
pub fn noise_only(kind: NoiseKind, dbfs: f64, seconds: usize, seed: u64) -> Vec<i16> {
    let gain = 32768.0 * 10f64.powf(dbfs / 20.0);
    noise::colored(kind, seconds * 8000, seed)
        .into_iter()
        .map(|v| to_i16(gain * v))
        .collect()
}

/// `seconds` of `style` music alone at `dbfs` RMS, drawn from `seed`.
pub fn music_only(style: Style, dbfs: f64, seconds: usize, seed: u64) -> Vec<i16> {
    music::render_dbfs(style, 8000, seconds * 8000, seed, dbfs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truth_finds_the_loud_part_and_ignores_faint_frames() {
        let mut x = vec![0i16; 8000];
        // Frames 10..20 at about −20 dBFS, frame 30 at −70 dBFS (too faint), frame 40 at
        // −50 dBFS (within 40 dB of the peak and above −55 dBFS).
        for (i, s) in x.iter_mut().enumerate() {
            let f = i / FRAME;
            let sign = if i % 2 == 0 { 1 } else { -1 };
            *s = sign
                * match f {
                    10..20 => 3277,
                    30 => 10,
                    40 => 104,
                    _ => 0,
                };
        }
        let t = ground_truth(&x).unwrap();
        assert_eq!((t.onset, t.end), (10 * FRAME, 41 * FRAME));
        assert!(ground_truth(&[0; 800]).is_none());
    }
}
