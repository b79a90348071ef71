//! The speech detector: speech/silence detection for the recorder's silence timeouts: a fixed-point frame
//! classifier with per-band noise floors, and an endpointing layer that turns its verdicts
//! into `Start`/`End` events with exact sample positions.
//!
//! Design, from the bottom up:
//! - `bands`: each 10 ms frame's energy in three bands, from three autocorrelation lags
//!   (three multiply-accumulates per sample), as log2 levels (`log2`).
//! - `noise_floor`: each band's noise floor and mean level, each with its deviation; the
//!   floor adapts at any level with no ceiling and is held (but not frozen) during speech.
//! - `shape`: each frame's spectral shape, its autocorrelation at seven lags over lag 0
//!   (five more multiply-accumulates per sample).
//! - `features`, `net`: a small fixed-point network over per-frame features that tells
//!   speech from noise and music.
//! - `frame`: noise / weak / strong verdict per frame from the excess over the floors and
//!   means; every frame is noise while learning.
//! - `endpoint`: onset after a run of strong frames (reported back at the start of the
//!   run and the weak frames before it), end after the hang time.
//! - `segment`: whether the segment moved as a voice does (its spectral tilt changed from
//!   sound to sound); a steady tone, a burst of stationary noise or a train of identical
//!   clicks does not, and its segment ends without being confirmed.
//!
//! Assumptions: the first 200 ms after [`SpeechDetector::reset`] carry the line's noise and
//! no speech, and so does everything pushed in learning mode
//! ([`SpeechDetector::set_learning`]: the recorder resets the detector when the prompt
//! starts and learns while the prompt and beep play, when the caller is listening); audio is
//! 16-bit PCM at 8 or 16 kHz. The state is a few
//! dozen bytes per channel, nothing allocates, nothing can panic or overflow, and the events
//! do not depend on how the audio is split into `push` calls.

mod bands;
mod endpoint;
mod features;
mod frame;
mod log2;
mod net;
mod net_weights;
mod noise_floor;
mod segment;
mod shape;

// The detector's stages, for the evaluation under `benches/` only (feature
// `eval-internals`, not for hosts): the peer detectors (WebRTC VAD, Silero VAD) are run
// behind the same endpointing (`Endpointer`), `speech_trace` prints the frame classifier's
// levels and floors (`BandAnalyzer`, `FrameClassifier`, `Judgement`), and `speech_features`
// dumps the network's inputs for its training (`FEATURE_COUNT`).
#[cfg(feature = "eval-internals")]
pub use bands::BandAnalyzer;
#[cfg(feature = "eval-internals")]
pub use endpoint::Endpointer;
#[cfg(feature = "eval-internals")]
pub use features::FEATURE_COUNT;
pub use frame::FrameLevel;
#[cfg(feature = "eval-internals")]
pub use frame::{FrameClassifier, Judgement};
pub use log2::DB_Q16;

#[cfg(not(feature = "eval-internals"))]
use endpoint::Endpointer;
#[cfg(not(feature = "eval-internals"))]
use frame::{FrameClassifier, Judgement};

use crate::SampleRate;
use bands::FRAME_MS;
use segment::SegmentCheck;

/// Speech began, was confirmed or ended. Positions count samples since `new`/`reset`.
///
/// A segment is `Start`, then `Confirmed` once it has moved as a voice does (its spectral
/// tilt changed over its frames; see `segment`), then `End`. A segment that
/// ends without `Confirmed` was a sound that stood above the line's noise without changing
/// (a steady tone, a burst of stationary noise, a click): a recorder drops what it captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SpeechEvent {
    /// A segment that may be speech began; `onset` is its first sample.
    Start {
        /// First sample of speech.
        onset: u64,
    },
    /// The segment that began at the last `Start` is speech.
    Confirmed {
        /// End of the frame that confirmed it.
        at: u64,
    },
    /// Speech ended; `end` is one past its last sample.
    End {
        /// One past the last sample of speech: the end of the last 10 ms frame heard as
        /// speech plus 150 ms (the soft decay of the last syllable, which line noise hides),
        /// never past the frame at which the end is declared.
        end: u64,
    },
}

/// Settings of the speech detector (a recresp extension; Graph's `recordResponse` has none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SpeechConfig {
    /// How faint a sound may be and still count as speech, 0–100 (values above 100 act as
    /// 100). A frame is strong speech when its summed excess over the per-band noise floors
    /// (beyond twice each band's noise deviation) reaches 8 dB − 0.06 dB × sensitivity:
    /// 5 dB at the default 50. Higher values catch quieter talkers and start more often on
    /// noise bursts; lower values need a louder voice.
    pub sensitivity: u8,
    /// Silence after speech before `End` is reported, in milliseconds (rounded up to 10 ms
    /// frames, at least 10). The reported `end` is still where the speech stopped (see
    /// [`SpeechEvent::End`]); this only bridges the pauses between words. Default 300.
    pub hang_ms: u16,
    /// How long speech must last before `Start` is reported, in milliseconds (rounded up to
    /// 10 ms frames, clamped to 10–50). Shorter values start on clicks. Default 30.
    pub min_speech_ms: u16,
}

impl Default for SpeechConfig {
    fn default() -> Self {
        SpeechConfig {
            sensitivity: 50,
            hang_ms: 300,
            min_speech_ms: 30,
        }
    }
}

/// What the detector made of one 10 ms frame: its verdict and how far it stood above the
/// line's noise, for tracing and for drawing the detector's decisions (the detector never
/// needs it). Levels are log2 Q16: 65536 is a doubling of power (3.01 dB), [`DB_Q16`] one dB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FrameTrace {
    /// One past the frame's last sample (samples since `new`/`reset`).
    pub end: u64,
    /// The verdict the endpointing took.
    pub level: FrameLevel,
    /// Whether the frame was taken as the line's noise to learn from (the first 200 ms after
    /// a reset, and learning mode): it was judged noise whatever its excess.
    pub learning: bool,
    /// The frame's level above the noise: each band's level above its noise threshold,
    /// the positive ones summed, log2 Q16 (kept to 1/256 of an octave, 0.012 dB).
    pub excess_q16: i32,
    /// The excess at which a frame may be weak speech (enough to continue speech), log2 Q16.
    pub weak_q16: i32,
    /// The excess at which a frame may be strong speech (counts towards an onset), log2
    /// Q16. The network can still veto a frame over a threshold, or accept one a little
    /// under it: the verdict is the decision, the excess and thresholds the reason.
    pub strong_q16: i32,
}

/// Frames kept after the last frame heard as speech when the end is reported (150 ms; never
/// more than the hang time).
const TAIL_FRAMES: u8 = 15;

/// Most frames of onset confirmation plus look-back (80 ms at 10 ms per frame).
const MAX_ONSET_FRAMES: u32 = 8;
/// Most frames of onset confirmation.
const MAX_RUN_FRAMES: u32 = 5;
/// Most frames of look-back over weak frames before the onset run.
const MAX_LOOKBACK_FRAMES: u32 = 3;

/// Per-channel speech detector with endpointing.
///
/// Push every caller sample from the start of the operation; events come out in order
/// through the callback, each with absolute sample positions:
///
/// ```
/// use recresp_core::speech::{SpeechDetector, SpeechEvent};
/// use recresp_core::SampleRate;
///
/// let mut detector = SpeechDetector::new(SampleRate::Hz8000);
/// let mut events = Vec::new();
/// detector.push(&[0; 8000], &mut |e| events.push(e));
/// assert!(events.is_empty() && !detector.in_speech());
/// ```
#[derive(Clone, Debug)]
pub struct SpeechDetector {
    rate: SampleRate,
    config: SpeechConfig,
    /// Samples consumed since reset.
    position: u64,
    classifier: FrameClassifier,
    endpointer: Endpointer,
    /// The strong frames of the current segment, or of the run that may start one.
    segment: SegmentCheck,
    /// The last whole frame's judgement, kept for [`last_frame`](Self::last_frame).
    last: Option<LastFrame>,
}

/// A frame's judgement in four bytes (they fit in what the detector's alignment leaves
/// free, so tracing costs no state).
#[derive(Clone, Copy, Debug)]
struct LastFrame {
    level: FrameLevel,
    learning: bool,
    /// The excess, log2 Q8 (saturated; three bands' excess stays below 100 dB, 8,500 in Q8).
    excess_q8: i16,
}

impl SpeechDetector {
    /// Upper bound on (position at which `Start` is emitted) − `onset`, in milliseconds:
    /// the onset confirmation run plus the look-back, whatever the configuration.
    pub const MAX_ONSET_DELAY_MS: u32 = MAX_ONSET_FRAMES * FRAME_MS;

    /// A detector for audio at `rate` with the default [`SpeechConfig`].
    pub fn new(rate: SampleRate) -> Self {
        Self::with_config(rate, SpeechConfig::default())
    }

    /// A detector for audio at `rate` with `config`.
    pub fn with_config(rate: SampleRate, config: SpeechConfig) -> Self {
        let frames = |ms: u16| (ms as u32).div_ceil(FRAME_MS);
        let run = frames(config.min_speech_ms).clamp(1, MAX_RUN_FRAMES);
        let lookback = (MAX_ONSET_FRAMES - run).min(MAX_LOOKBACK_FRAMES);
        let hang = frames(config.hang_ms).max(1);
        SpeechDetector {
            rate,
            config,
            position: 0,
            classifier: FrameClassifier::new(rate, config.sensitivity),
            endpointer: Endpointer::new(run as u8, lookback as u8, hang as u16)
                .with_tail(TAIL_FRAMES),
            segment: SegmentCheck::default(),
            last: None,
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> SpeechConfig {
        self.config
    }

    /// The sample rate in use.
    pub fn rate(&self) -> SampleRate {
        self.rate
    }

    /// Samples consumed since `new`/`reset`.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Forgets all state, including the learnt noise; positions restart at 0 and learning
    /// mode is off.
    pub fn reset(&mut self) {
        *self = SpeechDetector::with_config(self.rate, self.config);
    }

    /// Turns learning mode on or off. While learning, every 10 ms frame is taken as the
    /// line's noise: the per-band noise floors and deviations adapt to it (fast), no `Start`
    /// is emitted and [`in_speech`](Self::in_speech) stays false; turning learning on while
    /// in speech leaves the speech without an `End`. When learning ends, frames are judged
    /// against the noise learnt. The recorder learns during the prompt and the beep, when
    /// the caller is listening, so the first frames after the beep are already judged
    /// against the line's real noise (babble, music, hum) rather than assuming silence.
    ///
    /// The mode applies to every frame that completes after the call (frames are counted
    /// from reset, so the result still does not depend on how audio is split into pushes,
    /// only on the sample position of the call).
    pub fn set_learning(&mut self, learning: bool) {
        if learning {
            self.endpointer.cancel();
            self.segment.clear();
        }
        self.classifier.set_learning(learning);
    }

    /// Whether learning mode is on (see [`set_learning`](Self::set_learning)).
    pub fn learning(&self) -> bool {
        self.classifier.learning()
    }

    /// What the detector made of the last whole frame it was pushed, if any since reset.
    pub fn last_frame(&self) -> Option<FrameTrace> {
        let last = self.last?;
        let frame_len = self.classifier.frame_len() as u64;
        let (weak_q16, strong_q16) = self.classifier.thresholds_q16();
        Some(FrameTrace {
            end: self.position - self.position % frame_len,
            level: last.level,
            learning: last.learning,
            excess_q16: (last.excess_q8 as i32) << 8,
            weak_q16,
            strong_q16,
        })
    }

    /// Whether the detector is currently inside speech (after a `Start`, before its `End`).
    pub fn in_speech(&self) -> bool {
        self.endpointer.in_speech()
    }

    /// Feeds samples, calling `on_event` for each event in order. Events are decided at
    /// 10 ms frame boundaries counted from reset, so any split of the audio into pushes
    /// gives the same events.
    pub fn push(&mut self, samples: &[i16], on_event: &mut impl FnMut(SpeechEvent)) {
        let frame_len = self.classifier.frame_len() as u64;
        let mut rest = samples;
        while !rest.is_empty() {
            let (used, judged) = self.classifier.feed(rest);
            self.position = self.position.wrapping_add(used as u64);
            rest = rest.get(used..).unwrap_or(&[]);
            if let Some(j) = judged {
                self.last = Some(LastFrame {
                    level: j.level,
                    learning: j.learning,
                    excess_q8: (j.excess_q16 >> 8).clamp(0, i16::MAX as i32) as i16,
                });
                self.frame(j, frame_len, on_event);
            }
        }
    }

    /// Takes the judgement of the frame that ends at the current position: the segment
    /// check follows its strong frames, the endpointing its verdict, and a segment in speech
    /// is confirmed once it moved as speech does.
    fn frame(&mut self, j: Judgement, frame_len: u64, on_event: &mut impl FnMut(SpeechEvent)) {
        let strong = j.level == FrameLevel::Strong;
        if !strong && !self.endpointer.in_speech() {
            self.segment.clear();
        }
        self.segment.frame(strong, j.above_noise_q16);
        let mut ended = false;
        self.endpointer
            .frame(j.level, self.position, frame_len, &mut |e| {
                ended |= matches!(e, SpeechEvent::End { .. });
                on_event(e);
            });
        if ended {
            self.segment.clear();
        } else if self.endpointer.in_speech()
            && !self.segment.confirmed()
            && self.segment.moved_as_speech()
        {
            self.segment.confirm();
            on_event(SpeechEvent::Confirmed { at: self.position });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{add_noise, add_voice, phase_step, sin_q15, Lcg};

    /// The first `Start` onset at or after `listen`, in ms, for `x` learnt until `learn`.
    fn onset_after(rate: SampleRate, x: &[i16], learn: usize, listen: usize) -> Option<u64> {
        let mut d = SpeechDetector::new(rate);
        d.set_learning(learn > 0);
        let mut onset = None;
        for piece in x.chunks(rate.per_ms() as usize * 10) {
            if d.learning() && d.position() >= learn as u64 {
                d.set_learning(false);
            }
            d.push(piece, &mut |e| {
                if let SpeechEvent::Start { onset: at } = e {
                    if at + 100 * rate.per_ms() as u64 >= listen as u64 {
                        onset.get_or_insert(at);
                    }
                }
            });
        }
        onset.map(|at| at / rate.per_ms() as u64)
    }

    #[test]
    fn a_tone_or_a_click_train_while_learning_does_not_hide_a_quiet_answer() {
        for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
            let ms = |ms: usize| ms * rate.per_ms() as usize;
            for burst in ["tone", "clicks", "clicks after reset"] {
                let after_reset = burst == "clicks after reset";
                let (learn, listen) = if after_reset {
                    (0, ms(200))
                } else {
                    (ms(2000), ms(2000))
                };
                let answer_at = listen + ms(300);
                let mut x = vec![0i16; answer_at + ms(1500)];
                add_noise(&mut x, 30, &mut Lcg::new(7));
                // The burst: 0.5 s ending when listening starts, about 25 dB over the answer.
                let from = listen.saturating_sub(ms(500)).max(ms(20));
                let step = phase_step(1000, rate);
                for (i, s) in x[from..listen].iter_mut().enumerate() {
                    let v = if burst == "tone" {
                        sin_q15(step.wrapping_mul(i as u32)) / 4
                    } else if i % ms(7) < 3 {
                        12_000
                    } else {
                        0
                    };
                    *s = s.saturating_add(v as i16);
                }
                add_voice(&mut x[answer_at..], 600, rate, 3);
                let got = onset_after(rate, &x, learn, listen);
                let want = (answer_at / rate.per_ms() as usize) as u64;
                assert!(
                    got.is_some_and(|g| g + 100 >= want && g <= want + 300),
                    "{rate:?} {burst}: onset {got:?} ms, answer at {want} ms"
                );
            }
        }
    }
}
