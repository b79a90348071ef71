//! Talk-off beyond the English prompts: recresp must report no digit on the espeak-ng speech
//! and the music of `scripts/make-talkoff-corpus.sh` (built on first use), tuning and
//! held-out parts alike, at 8 kHz (gains −20…+6 dB, linear, μ-law, A-law) and 16 kHz
//! (the same gains, linear). Release only: `scripts/test.sh` runs it with `--release`.

use recresp_benches::dtmf::recresp;
use recresp_benches::dtmf::talkoff::{conditions_at, false_digits};
use recresp_benches::dtmf::talkoff_corpus::{load, Kind, Part};
use recresp_core::SampleRate;

fn check(kind: Kind, part: Part) {
    let mut failures = Vec::new();
    for hz in [8000u32, 16000] {
        let rate = SampleRate::from_hz(hz).expect("rate");
        let clips = load(kind, part, hz).expect("talk-off corpus");
        assert!(clips.len() >= 20, "{} clips", clips.len());
        let names: Vec<&str> = clips.iter().map(|c| c.name.as_str()).collect();
        let samples: Vec<Vec<i16>> = clips.iter().map(|c| c.samples.clone()).collect();
        for c in conditions_at(hz) {
            let found = false_digits(&samples, c, &mut |x| {
                recresp::digits(rate, x)
                    .into_iter()
                    .map(|d| d.as_char())
                    .collect()
            });
            for f in found {
                failures.push(format!(
                    "{hz} Hz {}: {} in {}",
                    c.label(),
                    f.digit,
                    names.get(f.prompt).copied().unwrap_or("?")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} false digits on {}/{}:\n{}",
        failures.len(),
        kind.name(),
        part.name(),
        failures.join("\n")
    );
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn no_talk_off_on_espeak_speech_tuning_part() {
    check(Kind::Speech, Part::Tune);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn no_talk_off_on_espeak_speech_held_out_part() {
    check(Kind::Speech, Part::Held);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn no_talk_off_on_music_tuning_part() {
    check(Kind::Music, Part::Tune);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn no_talk_off_on_music_held_out_part() {
    check(Kind::Music, Part::Held);
}
