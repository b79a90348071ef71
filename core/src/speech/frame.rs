//! The frame classifier: judges each 10 ms frame noise, weak speech or strong speech by how
//! far its band levels stand above the line's noise in each band.
//!
//! Assumes the first [`LEARN_FRAMES`] frames after a reset are the line's noise, and so are
//! all frames while learning mode is on (in a recording: the prompt and the beep, during
//! which the caller is listening). Each band keeps two views of the noise
//! ([`NoiseFloor`]): a floor that hugs its quiet frames, and the mean level of its noise
//! frames with their spread. A band's excess is its level above the higher of the floor
//! plus two floor deviations and the mean plus two mean deviations; the positive excesses
//! are summed. A steady coloured noise is whitened by the
//! per-band floors, so quiet speech rises above it; a fluctuating noise such as babble has
//! a mean and a spread well above its dips, so only speech that stands clearly above its
//! usual loud moments counts, and babble-level frames after the answer count as noise. The
//! strong threshold comes from the sensitivity setting, the weak one is a third of it.
//! A small network over the frame's features ([`super::net`]) then vetoes frames it takes
//! for noise or music and lets frames it is sure are speech count with less excess; the
//! floors still learn from every frame below the weak threshold, so a speech-like noise the
//! network accepts cannot hold them down.

use super::bands::{BandAnalyzer, BandLevelsQ16, BAND_COUNT};
use super::features::{BandView, FeatureState, Features};
use super::log2::DB_Q16;
use super::net;
use super::net_weights::STRONG_OFFSET_Q8;
use super::noise_floor::{bound, NoiseFloor, Speed, NO_CAP_Q16};
use crate::SampleRate;

/// Frames after a reset that are taken as noise to learn the floor (200 ms).
pub const LEARN_FRAMES: u16 = 20;

/// Frames per block of the minimum statistic (100 ms; see [`NoiseFloor`]).
const MIN_BLOCK_FRAMES: u8 = 10;

/// The mean's window while learning (2^7 frames = 1.28 s; before that, a running average of
/// all the frames learnt) and afterwards (2^8 frames = 2.56 s, noise frames only): long
/// enough to average over babble's syllables and pauses.
const MEAN_LEARN_SHIFT: u32 = 7;
const MEAN_TRACK_SHIFT: u32 = 8;

/// While learning, the floor adopts a frame at most 6 dB above the lowest level of the last
/// 200–300 ms (a minimum statistic: speech, clicks or tones while the noise is learnt do not
/// lift it); once learnt, up to 40 dB (the floor then only learns from frames judged noise).
const LEARN_FLOOR_CAP_Q16: i32 = 6 * DB_Q16;
const TRACK_FLOOR_CAP_Q16: i32 = 40 * DB_Q16;

/// While learning and for [`RECOVER_FRAMES`] after, the mean never sits more than this
/// above the highest level of the last 200–300 ms: 3 dB. (Later, a lull in babble must not
/// drag the mean down.)
const MEAN_OVER_MAX_Q16: i32 = 3 * DB_Q16;
const RECOVER_FRAMES: u8 = 50;

/// Speeds over the first [`LEARN_FRAMES`]: the floor moves 1/4 of the gap per frame up and
/// all of it down, the floor deviation 1/8 of its gap.
const FIRST_SPEED: Speed = Speed {
    up_shift: 2,
    down_shift: 0,
    dev_shift: 3,
    mean_shift: MEAN_LEARN_SHIFT,
    floor_cap_q16: LEARN_FLOOR_CAP_Q16,
    mean_over_max_q16: MEAN_OVER_MAX_Q16,
};

/// Speeds in learning mode after the first [`LEARN_FRAMES`]: the floor as fast as at first,
/// its deviation over 32 frames so one steady stretch of babble does not narrow it.
const LEARNING_SPEED: Speed = Speed {
    up_shift: 2,
    down_shift: 0,
    dev_shift: 5,
    mean_shift: MEAN_LEARN_SHIFT,
    floor_cap_q16: LEARN_FLOOR_CAP_Q16,
    mean_over_max_q16: MEAN_OVER_MAX_Q16,
};

/// Speeds on frames judged noise once learnt: the floor moves 1/16 of the gap up and 1/4
/// down.
const TRACK_SPEED: Speed = Speed {
    up_shift: 4,
    down_shift: 2,
    dev_shift: 5,
    mean_shift: MEAN_TRACK_SHIFT,
    floor_cap_q16: TRACK_FLOOR_CAP_Q16,
    mean_over_max_q16: NO_CAP_Q16,
};

/// [`TRACK_SPEED`] over the first [`RECOVER_FRAMES`] after learning: the mean still held
/// within 3 dB of the recent maximum, so whatever loud sound was learnt is forgotten.
const RECOVER_SPEED: Speed = Speed {
    mean_over_max_q16: MEAN_OVER_MAX_Q16,
    ..TRACK_SPEED
};

/// The band excess that counts starts this many floor deviations above the floor...
const DEV_FACTOR: i32 = 2;

/// ...and at least this many mean deviations above the mean (for the strong and the weak
/// threshold alike: a fluctuating noise such as music or babble must not keep speech going).
const MEAN_DEV_FACTOR: i32 = 2;

/// Floor rise per frame in speech: 1 dB/s to start, one more dB/s for every 0.5 s that the
/// speech run lasts, up to 16 dB/s. Real speech dips below the floor long before that.
const RISE_BASE_Q16: i32 = DB_Q16 / 100;
const RISE_RUN_FRAMES_PER_STEP: u16 = 50;
const RISE_MAX_STEPS: u16 = 15;

/// The strong threshold at sensitivity 0 and how much each sensitivity point lowers it:
/// 8 dB at 0, 5 dB at 50 (the default), 2 dB at 100.
const STRONG_AT_ZERO_Q16: i32 = 8 * DB_Q16;
const STRONG_STEP_Q16: i32 = 6 * DB_Q16 / 100;

/// The weak threshold is the strong one divided by this: low enough to keep the soft ends
/// of words (an end reported early loses speech), high enough that the noise after the
/// speech does not keep it going.
const WEAK_DIVISOR: i32 = 3;

/// A frame over the strong (weak) excess threshold is strong (weak) only if the network
/// does not call it noise or music: its logit (Q8) is at least 2 (p ≥ 0.88) for strong and
/// −2 (p ≥ 0.12) for weak. So music (drum hits, notes), babble and breaths that stand above
/// the noise floors are kept from starting or prolonging speech. Both strong gates (this one
/// and [`NET_STRONG_Q8`]) are raised by the network's own operating point,
/// [`STRONG_OFFSET_Q8`] (`net_weights.rs`).
const GATE_STRONG_Q8: i32 = 512;
const GATE_WEAK_Q8: i32 = -512;
/// A frame the network is sure of needs less excess: it is strong with a logit of at least
/// 5 (p ≥ 0.99) over the weak threshold, weak with a logit of at least 1 (p ≥ 0.73) over
/// a third of the weak threshold. Speech at 0 dB SNR rarely clears the strong threshold; a frame
/// below every floor (such as the quiet after a tone learnt as noise) is never speech.
const NET_STRONG_Q8: i32 = 1280;
const NET_WEAK_Q8: i32 = 256;
/// How much each sensitivity point below (above) 50 raises (lowers) the network's
/// thresholds: 1/4 of a logit unit (never below the gates above).
const NET_STEP_Q8: i32 = 64;

/// How a frame was judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum FrameLevel {
    /// Noise: the floor learns from it.
    Noise,
    /// Above the weak threshold only: enough to continue speech, not to start it.
    Weak,
    /// Above the strong threshold: counts towards a speech onset.
    Strong,
}

/// What the classifier made of one frame: the verdict and what it rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Judgement {
    /// The verdict.
    pub level: FrameLevel,
    /// Whether the frame was taken as the line's noise (the first frames after a reset, or
    /// learning mode): it is then noise whatever its excess.
    pub learning: bool,
    /// Each band's level above its noise threshold (the higher of the floor plus two floor
    /// deviations and the mean plus two mean deviations), the positive ones summed, log2
    /// Q16.
    pub excess_q16: i32,
    /// Each band's level (low, middle, high), or its noise threshold where the level is
    /// below it, log2 Q16: the sound above the line's noise, its spectral shape and level.
    pub above_noise_q16: BandLevelsQ16,
}

/// Band analysis, noise floors and the per-frame decision for one channel.
#[derive(Clone, Debug)]
pub struct FrameClassifier {
    bands: BandAnalyzer,
    floors: [NoiseFloor; BAND_COUNT],
    /// Frames judged since reset, saturating.
    frames_seen: u16,
    /// Whether every frame is taken as noise (see [`set_learning`](Self::set_learning)).
    learning: bool,
    /// Consecutive frames not judged noise, saturating.
    speech_run: u16,
    /// Frame index within the current block of the minimum statistic.
    block_frame: u8,
    /// Frames judged since learning last ended, saturating.
    since_learning: u8,
    /// Sensitivity 0–100 (the thresholds are derived from it each frame).
    sensitivity: u8,
    /// Short-term statistics of the network's features.
    features: FeatureState,
}

impl FrameClassifier {
    /// A classifier for audio at `rate` with `sensitivity` 0–100 (higher values are clamped).
    pub fn new(rate: SampleRate, sensitivity: u8) -> Self {
        FrameClassifier {
            bands: BandAnalyzer::new(rate),
            floors: [NoiseFloor::starting_at(0); BAND_COUNT],
            frames_seen: 0,
            learning: false,
            speech_run: 0,
            block_frame: 0,
            since_learning: 0,
            sensitivity: sensitivity.min(100),
            features: FeatureState::default(),
        }
    }

    /// Samples per frame.
    pub fn frame_len(&self) -> usize {
        self.bands.frame_len()
    }

    /// Each band's noise floor, log2 Q16 (for tracing and tests).
    #[cfg(feature = "eval-internals")]
    pub fn floors_q16(&self) -> [i32; BAND_COUNT] {
        self.floors.map(|f| f.floor_q16())
    }

    /// Each band's mean noise level, log2 Q16 (for tracing and tests).
    #[cfg(feature = "eval-internals")]
    pub fn means_q16(&self) -> [i32; BAND_COUNT] {
        self.floors.map(|f| f.mean_q16())
    }

    /// Each band's noise deviation, log2 Q16 (for tracing and tests).
    #[cfg(feature = "eval-internals")]
    pub fn devs_q16(&self) -> [i32; BAND_COUNT] {
        self.floors.map(|f| f.dev_q16())
    }

    /// While `learning`, every frame that completes is taken as noise: the floors and
    /// deviations learn from it and it is judged [`FrameLevel::Noise`].
    pub fn set_learning(&mut self, learning: bool) {
        self.learning = learning;
    }

    /// Whether the classifier is learning (every frame taken as noise).
    pub fn learning(&self) -> bool {
        self.learning
    }

    /// The weak and strong excess thresholds in force, log2 Q16 (they follow the
    /// sensitivity).
    pub fn thresholds_q16(&self) -> (i32, i32) {
        let strong_q16 = STRONG_AT_ZERO_Q16 - STRONG_STEP_Q16 * self.sensitivity as i32;
        (strong_q16 / WEAK_DIVISOR, strong_q16)
    }

    /// Consumes samples up to the end of the current frame; returns how many were taken and
    /// the judgement on the frame if it completed.
    pub fn feed(&mut self, samples: &[i16]) -> (usize, Option<Judgement>) {
        let (used, levels) = self.bands.feed(samples);
        (
            used,
            levels.map(|l| self.judge_with(l, net::logit_q8, STRONG_OFFSET_Q8, None).0),
        )
    }

    /// [`feed`](Self::feed), also returning the completed frame's network features and
    /// logit (for the training dump and tracing).
    #[cfg(feature = "eval-internals")]
    pub fn feed_traced(&mut self, samples: &[i16]) -> (usize, Option<(FrameLevel, Features, i32)>) {
        let (used, levels) = self.bands.feed(samples);
        (used, levels.map(|l| self.judge(l)))
    }

    /// [`feed_traced`](Self::feed_traced) with `network` and its strong-gate offset (Q8) in
    /// place of the committed ones: for the training dump, which is made first with an
    /// untrained network (every logit 0: the excess thresholds alone decide) and then with
    /// each round's network in the loop, so that it does not depend on the weights it is
    /// used to fit.
    #[cfg(feature = "eval-internals")]
    pub fn feed_with(
        &mut self,
        samples: &[i16],
        network: impl Fn(&Features) -> i32,
        strong_offset_q8: i32,
    ) -> (usize, Option<(FrameLevel, Features, i32)>) {
        let (used, levels) = self.bands.feed(samples);
        (
            used,
            levels.map(|l| self.judge_traced(l, network, strong_offset_q8)),
        )
    }

    #[cfg(feature = "eval-internals")]
    fn judge(&mut self, levels: BandLevelsQ16) -> (FrameLevel, Features, i32) {
        self.judge_traced(levels, net::logit_q8, STRONG_OFFSET_Q8)
    }

    /// [`judge_with`](Self::judge_with), also returning the frame's features.
    #[cfg(feature = "eval-internals")]
    fn judge_traced(
        &mut self,
        levels: BandLevelsQ16,
        network: impl Fn(&Features) -> i32,
        strong_offset_q8: i32,
    ) -> (FrameLevel, Features, i32) {
        let mut features: Features = [0; super::features::FEATURE_COUNT];
        let (judgement, logit) =
            self.judge_with(levels, network, strong_offset_q8, Some(&mut features));
        (judgement.level, features, logit)
    }

    /// Judges a frame from its band levels with `network`, whose strong gates are raised by
    /// `strong_offset_q8`; returns the judgement and the logit (0 while learning,
    /// `i32::MIN` where the network was not needed), and writes the frame's features to
    /// `trace` if given.
    fn judge_with(
        &mut self,
        levels: BandLevelsQ16,
        network: impl Fn(&Features) -> i32,
        strong_offset_q8: i32,
        trace: Option<&mut Features>,
    ) -> (Judgement, i32) {
        let [low_level, mid_level, high_level] = levels;
        let levels = [bound(low_level), bound(mid_level), bound(high_level)];
        if self.frames_seen == 0 {
            self.floors = levels.map(NoiseFloor::starting_at);
        }
        self.block_frame += 1;
        let new_block = self.block_frame >= MIN_BLOCK_FRAMES;
        if new_block {
            self.block_frame = 0;
        }
        for (floor, &level) in self.floors.iter_mut().zip(&levels) {
            floor.observe_bounded(level, new_block);
        }
        let view = |floor: &NoiseFloor, level_q16: i32| BandView {
            level_q16,
            floor_q16: floor.floor_q16(),
            mean_q16: floor.mean_q16(),
            mean_dev_q16: floor.mean_dev_q16(),
        };
        let [low, mid, high] = &self.floors;
        let [low_level, mid_level, high_level] = levels;
        let views = [
            view(low, low_level),
            view(mid, mid_level),
            view(high, high_level),
        ];
        // The statistics take every frame; the features themselves are only worked out
        // when the network runs or a trace wants them.
        let changes = self.features.advance(&views);
        let features = || {
            let shape = self.bands.shape_q12();
            self.features.features(&views, changes, shape)
        };
        // Levels and estimates are bounded (see noise_floor::bound) and deviations at most
        // 6 dB, so these sums cannot overflow.
        let mut score_q16: i32 = 0;
        let mut above_noise_q16 = levels;
        for (above, floor) in above_noise_q16.iter_mut().zip(&self.floors) {
            let above_floor = floor.floor_q16() + floor.dev_q16() * DEV_FACTOR;
            let threshold =
                above_floor.max(floor.mean_q16() + floor.mean_dev_q16() * MEAN_DEV_FACTOR);
            score_q16 += (*above - threshold).max(0);
            *above = (*above).max(threshold);
        }
        if self.frames_seen < LEARN_FRAMES || self.learning {
            let mut speed = if self.frames_seen < LEARN_FRAMES {
                FIRST_SPEED
            } else {
                LEARNING_SPEED
            };
            // The mean is a running average of all the frames learnt so far (1/n, rounded
            // to a power of two) until n reaches its learning window.
            let seen_bits = u16::BITS - self.frames_seen.leading_zeros();
            speed.mean_shift = seen_bits.min(speed.mean_shift);
            self.frames_seen = self.frames_seen.saturating_add(1);
            self.speech_run = 0;
            self.since_learning = 0;
            for (floor, &level) in self.floors.iter_mut().zip(&levels) {
                floor.learn_bounded(level, speed);
            }
            if let Some(out) = trace {
                *out = features();
            }
            let judgement = Judgement {
                level: FrameLevel::Noise,
                learning: true,
                excess_q16: score_q16,
                above_noise_q16,
            };
            return (judgement, 0);
        }
        let (weak_q16, strong_q16) = self.thresholds_q16();
        // Below a third of the weak threshold no verdict depends on the network: skip it.
        let logit = if score_q16 >= weak_q16 / 3 {
            network(&features())
        } else {
            i32::MIN
        };
        // The network's own thresholds move with the sensitivity too (never below the
        // gates).
        let shift = (50 - self.sensitivity as i32) * NET_STEP_Q8;
        let gate_strong = GATE_STRONG_Q8 + strong_offset_q8;
        let net_strong = (NET_STRONG_Q8 + shift).max(GATE_STRONG_Q8) + strong_offset_q8;
        let net_weak = (NET_WEAK_Q8 + shift).max(GATE_WEAK_Q8);
        let verdict = if (score_q16 >= strong_q16 && logit >= gate_strong)
            || (score_q16 >= weak_q16 && logit >= net_strong)
        {
            FrameLevel::Strong
        } else if (score_q16 >= weak_q16 && logit >= GATE_WEAK_Q8)
            || (score_q16 >= weak_q16 / 3 && logit >= net_weak)
        {
            FrameLevel::Weak
        } else {
            FrameLevel::Noise
        };
        let speed = if self.since_learning < RECOVER_FRAMES {
            RECOVER_SPEED
        } else {
            TRACK_SPEED
        };
        self.since_learning = self.since_learning.saturating_add(1);
        if verdict == FrameLevel::Noise || score_q16 < weak_q16 {
            self.speech_run = 0;
            for (floor, &level) in self.floors.iter_mut().zip(&levels) {
                floor.learn_bounded(level, speed);
            }
        } else {
            self.speech_run = self.speech_run.saturating_add(1);
            let steps = (self.speech_run / RISE_RUN_FRAMES_PER_STEP).min(RISE_MAX_STEPS);
            let rise = RISE_BASE_Q16 * (1 + steps as i32);
            for (floor, &level) in self.floors.iter_mut().zip(&levels) {
                floor.hold_bounded(level, rise, TRACK_SPEED);
            }
        }
        if let Some(out) = trace {
            *out = features();
        }
        let judgement = Judgement {
            level: verdict,
            learning: false,
            excess_q16: score_q16,
            above_noise_q16,
        };
        (judgement, logit)
    }
}
