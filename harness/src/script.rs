//! Declarative caller scripts: what the caller's side of a call sounds like, as a list of
//! steps (quiet, a speech-like voice, a DTMF key) one after the other, with optional line
//! noise under all of it. A script is plain data (`const`-constructible, no allocation) and
//! is rendered by the core's integer generators (`recresp_core::synth`), so every target
//! renders the same samples.
//!
//! Rendering adds to what the buffer holds (the generators add, with saturation), so a
//! script that starts with quiet can lay a key or a voice over audio already there. Each
//! step is rendered over its own stretch of the buffer, as if the step's generator were
//! called on exactly that slice; the line noise draws one value a sample, in order, from
//! one generator across all steps.

use recresp_core::synth::{add_dtmf, add_noise, add_voice};
use recresp_core::Law;
use recresp_core::{Digit, SampleRate};

use crate::rng::Lcg;

/// One step of a caller script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing but the line noise, for this many milliseconds.
    Quiet(u32),
    /// The core's speech-like voice ([`recresp_core::synth::add_voice`]).
    Voice {
        /// Length in milliseconds.
        ms: u32,
        /// Peak amplitude.
        peak: i16,
        /// Varies pitch and vowels.
        seed: u32,
    },
    /// A DTMF key press ([`recresp_core::synth::add_dtmf`]).
    Key {
        /// The key.
        digit: Digit,
        /// Length in milliseconds.
        ms: u32,
        /// Peak amplitude of each of the two tones.
        peak: i16,
    },
}

impl Step {
    /// The voice for `ms` milliseconds at `peak`, its pitch and vowels from `seed`.
    pub const fn voice(ms: u32, peak: i16, seed: u32) -> Step {
        Step::Voice { ms, peak, seed }
    }

    /// The key `digit` held for `ms` milliseconds, each tone at `peak`.
    pub const fn key(digit: Digit, ms: u32, peak: i16) -> Step {
        Step::Key { digit, ms, peak }
    }

    /// Length in milliseconds.
    pub const fn ms(&self) -> u32 {
        match *self {
            Step::Quiet(ms) | Step::Voice { ms, .. } | Step::Key { ms, .. } => ms,
        }
    }
}

/// Uniform white line noise under a whole script ([`recresp_core::synth::add_noise`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineNoise {
    /// Peak amplitude.
    pub peak: i16,
    /// Seed of its [`Lcg`].
    pub seed: u32,
}

/// A caller script: steps in order, and the line noise under them, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Script<'a> {
    /// What the caller does, in order.
    pub steps: &'a [Step],
    /// Noise under every step, if any.
    pub noise: Option<LineNoise>,
}

impl<'a> Script<'a> {
    /// A script of `steps` on a clean line.
    pub const fn new(steps: &'a [Step]) -> Self {
        Script { steps, noise: None }
    }

    /// The same script with line noise of `peak` from `seed` under it.
    pub const fn with_noise(self, peak: i16, seed: u32) -> Self {
        Script {
            steps: self.steps,
            noise: Some(LineNoise { peak, seed }),
        }
    }

    /// Length in milliseconds.
    pub const fn ms(&self) -> u32 {
        let mut ms = 0u32;
        let mut i = 0;
        while i < self.steps.len() {
            ms = ms.saturating_add(self.steps[i].ms());
            i += 1;
        }
        ms
    }

    /// Length in samples at `rate`.
    pub const fn samples(&self, rate: SampleRate) -> usize {
        self.ms() as usize * rate.per_ms() as usize
    }

    /// Adds the script, rendered at `rate`, to `out`, which should be
    /// [`Script::samples`] long: a shorter one gets the beginning, a longer one is left as
    /// it is after the end.
    pub fn add_to(&self, rate: SampleRate, out: &mut [i16]) {
        let mut noise = self.noise.map(|n| (Lcg::new(n.seed), n.peak));
        let per_ms = rate.per_ms() as usize;
        let mut at = 0usize;
        for step in self.steps {
            let end = at
                .saturating_add((step.ms() as usize).saturating_mul(per_ms))
                .min(out.len());
            let Some(part) = out.get_mut(at..end) else {
                return;
            };
            match *step {
                Step::Quiet(_) => {}
                Step::Voice { peak, seed, .. } => add_voice(part, peak, rate, seed),
                Step::Key { digit, peak, .. } => add_dtmf(part, digit, peak, rate),
            }
            if let Some((rng, peak)) = noise.as_mut() {
                add_noise(part, *peak, rng);
            }
            at = end;
        }
    }
}

/// Fills `out` with line noise of `peak` from `rng`, G.711-coded with `law`: what a line
/// carries when nobody speaks, generated a frame at a time as a call runs. Each sample is
/// the next draw of `rng`, as [`recresp_core::synth::add_noise`] adds it to silence.
pub fn line_noise_g711(rng: &mut Lcg, peak: i16, law: Law, out: &mut [u8]) {
    for byte in out.iter_mut() {
        let mut sample = [0i16; 1];
        add_noise(&mut sample, peak, rng);
        *byte = law.encode(sample[0]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use recresp_core::synth::{add_dtmf, add_noise, add_voice};

    const RATE: SampleRate = SampleRate::Hz8000;

    #[test]
    fn steps_render_where_the_generators_put_them() {
        const STEPS: [Step; 4] = [
            Step::Quiet(100),
            Step::voice(300, 9000, 5),
            Step::Quiet(50),
            Step::key(Digit::Pound, 60, 6000),
        ];
        let script = Script::new(&STEPS).with_noise(60, 3);
        assert_eq!(script.ms(), 510);
        let mut got = [0i16; 510 * 8];
        script.add_to(RATE, &mut got);

        let mut want = [0i16; 510 * 8];
        add_voice(&mut want[800..3200], 9000, RATE, 5);
        add_dtmf(&mut want[3600..4080], Digit::Pound, 6000, RATE);
        add_noise(&mut want, 60, &mut Lcg::new(3));
        assert!(got == want);
        assert!(got[..800].iter().any(|&s| s != 0), "noise under the quiet");
    }

    #[test]
    fn a_short_buffer_gets_the_beginning_and_a_long_one_keeps_its_tail() {
        const STEPS: [Step; 1] = [Step::Quiet(10)];
        let script = Script::new(&STEPS).with_noise(40, 9);
        let mut long = [7i16; 120];
        script.add_to(RATE, &mut long);
        assert!(long[80..].iter().all(|&s| s == 7));
        let mut short = [7i16; 30];
        script.add_to(RATE, &mut short);
        assert_eq!(short[..], long[..30]);
    }

    #[test]
    fn line_noise_frames_continue_one_another() {
        let mut rng = Lcg::new(0x5eed);
        let mut a = [0u8; 80];
        let mut b = [0u8; 80];
        line_noise_g711(&mut rng, 40, Law::Ulaw, &mut a);
        line_noise_g711(&mut rng, 40, Law::Ulaw, &mut b);
        let mut pcm = [0i16; 160];
        add_noise(&mut pcm, 40, &mut Lcg::new(0x5eed));
        let coded: [u8; 160] = core::array::from_fn(|i| Law::Ulaw.encode(pcm[i]));
        assert_eq!(a[..], coded[..80]);
        assert_eq!(b[..], coded[80..]);
    }
}
