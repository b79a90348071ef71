//! Noise tracking for one band: where the line's noise sits, and how much it wanders.
//!
//! Levels are log2 Q16 (see [`super::bands`]). Two views of the noise are kept:
//! - a floor that hugs the quiet frames (it follows a noise frame quickly down and slowly
//!   up), with the mean absolute deviation of the noise frames around it, so a steady noise
//!   gets a narrow margin and quiet speech still rises above it;
//! - the mean level of the noise frames, following them up and down at one slow speed, with
//!   their mean absolute deviation around it: for a fluctuating noise such as babble this
//!   sits well above the dips and is wide, so the loud moments of the noise are not taken
//!   for speech, and a short lull does not drag it down the way it drags the floor.
//!
//! While a frame is judged speech, the floor may still fall at once, and it rises by a
//! fixed slew per frame that the caller grows with the length of the speech run: so the
//! floor has no ceiling and catches up with any step up in the noise level, while speech,
//! which always dips between syllables, never drags it up for long. The mean and both
//! deviations learn from noise frames only, so speech never raises them. The floor and the
//! mean never sit below an absolute minimum (about −70 dBFS) so digital silence does not
//! make the next faint sound look like speech.
//!
//! Never deaf: each band also keeps a minimum and a maximum statistic, the lowest and the
//! highest level of the last 200–300 ms (three 100 ms blocks). A learnt frame is adopted by
//! the floor at most a cap above that minimum (6 dB while learning, see
//! [`Speed::floor_cap_q16`]), and the floor never sits above it; frames more than
//! [`LEARN_CAP_Q16`] above the minimum move the mean four times slower; and the mean never
//! sits more than 3 dB above the recent maximum while learning and for half a second after
//! ([`Speed::mean_over_max_q16`]). So a loud sound while the noise is learnt
//! (speech over the prompt, a click, a tone, the caller already talking) barely lifts the
//! floor, and once it is over the mean falls back to the line's level within 300 ms.

use super::log2::DB_Q16;

/// The lowest floor: −70 dBFS (30.0 in log2 is a full-scale square wave).
pub const MIN_FLOOR_Q16: i32 = (30 << 16) - 70 * DB_Q16;

/// The highest level taken (log2 40.0: far above a full-scale square wave at 30.0); levels
/// are bounded to `MIN_FLOOR_Q16..=MAX_LEVEL_Q16` on the way in.
pub const MAX_LEVEL_Q16: i32 = 40 << 16;

/// A cap no bounded level can reach (the whole range of levels), for [`Speed`] fields that
/// cap nothing.
pub const NO_CAP_Q16: i32 = MAX_LEVEL_Q16 - MIN_FLOOR_Q16;

/// `level_q16` within `MIN_FLOOR_Q16..=MAX_LEVEL_Q16`.
pub fn bound(level_q16: i32) -> i32 {
    level_q16.clamp(MIN_FLOOR_Q16, MAX_LEVEL_Q16)
}

/// Deviation assumed before any noise has been seen: 1 dB.
const INITIAL_DEV_Q16: i32 = DB_Q16;

/// Smallest deviation kept (0.25 dB), so a perfectly steady noise still has a margin.
const MIN_DEV_Q16: i32 = DB_Q16 / 4;

/// Largest deviation kept (6 dB), so a burst taken for noise cannot open the margin wide.
const MAX_DEV_Q16: i32 = 6 * DB_Q16;

/// Frames more than this above the recent minimum move the mean slower: 12 dB.
pub const LEARN_CAP_Q16: i32 = 12 * DB_Q16;

/// Extra right shift of the mean's step for frames above the cap.
const SLOW_SHIFT: u32 = 2;

/// The noise of one band: its floor and its mean, each with its deviation.
#[derive(Clone, Copy, Debug)]
pub struct NoiseFloor {
    /// Lowest level of the current 100 ms block, of the block before it, and of the two
    /// blocks before the current one together, log2 Q16.
    mins_q16: [i32; 3],
    /// Highest level of the same blocks, log2 Q16.
    maxs_q16: [i32; 3],
    /// Floor level, log2 Q16.
    floor_q16: i32,
    /// Mean absolute deviation of noise frames around the floor, log2 Q16.
    dev_q16: i32,
    /// Mean level of the noise frames, log2 Q16.
    mean_q16: i32,
    /// Mean absolute deviation of noise frames around the mean, log2 Q16.
    mean_dev_q16: i32,
}

impl NoiseFloor {
    /// Noise that starts at `level_q16` (the first frame seen), with a 1 dB deviation.
    pub fn starting_at(level_q16: i32) -> Self {
        let level = bound(level_q16);
        NoiseFloor {
            mins_q16: [level; 3],
            maxs_q16: [level; 3],
            floor_q16: level,
            dev_q16: INITIAL_DEV_Q16,
            mean_q16: level,
            mean_dev_q16: INITIAL_DEV_Q16,
        }
    }

    /// The floor, log2 Q16.
    pub fn floor_q16(&self) -> i32 {
        self.floor_q16
    }

    /// The noise's mean absolute deviation around the floor, log2 Q16.
    pub fn dev_q16(&self) -> i32 {
        self.dev_q16
    }

    /// The mean level of the noise frames, log2 Q16.
    pub fn mean_q16(&self) -> i32 {
        self.mean_q16
    }

    /// The noise frames' mean absolute deviation around their mean, log2 Q16.
    pub fn mean_dev_q16(&self) -> i32 {
        self.mean_dev_q16
    }

    /// Takes every frame's level into the minimum statistic (before it is learnt or held);
    /// `new_block` starts a new 100 ms block.
    #[cfg(test)]
    pub fn observe(&mut self, level_q16: i32, new_block: bool) {
        self.observe_bounded(bound(level_q16), new_block);
    }

    /// [`observe`](Self::observe) for a level already [`bound`]ed.
    pub(crate) fn observe_bounded(&mut self, level: i32, new_block: bool) {
        let [min, last_min, _] = self.mins_q16;
        let [max, last_max, _] = self.maxs_q16;
        if new_block {
            self.mins_q16 = [level, min, min.min(last_min)];
            self.maxs_q16 = [level, max, max.max(last_max)];
        } else {
            self.mins_q16[0] = min.min(level);
            self.maxs_q16[0] = max.max(level);
        }
    }

    /// The highest level of the last 200–300 ms, log2 Q16.
    pub fn recent_max_q16(&self) -> i32 {
        self.maxs_q16[0].max(self.maxs_q16[2])
    }

    /// The lowest level of the last 200–300 ms, log2 Q16.
    pub fn recent_min_q16(&self) -> i32 {
        self.mins_q16[0].min(self.mins_q16[2])
    }

    /// Learns from a frame judged noise at `speed` (see the module docs for the caps).
    #[cfg(test)]
    pub fn learn_noise(&mut self, level_q16: i32, speed: Speed) {
        self.learn_bounded(bound(level_q16), speed);
    }

    /// [`learn_noise`](Self::learn_noise) for a level already [`bound`]ed.
    // Inlined so that each caller's speed folds into the code (its shifts and caps become
    // constants) rather than being read from memory by one shared copy.
    #[inline(always)]
    pub(crate) fn learn_bounded(&mut self, level: i32, speed: Speed) {
        // Every level and estimate is within MIN_FLOOR_Q16..=MAX_LEVEL_Q16 and every
        // deviation within MIN_DEV_Q16..=MAX_DEV_Q16, so the plain arithmetic below cannot
        // overflow.
        let (low, high) = (self.recent_min_q16(), self.recent_max_q16());
        let floor_cap = bound(low.saturating_add(speed.floor_cap_q16));
        let gap = level.min(floor_cap) - self.floor_q16;
        let step = if gap < 0 {
            gap >> speed.down_shift.min(31)
        } else {
            gap >> speed.up_shift.min(31)
        };
        self.floor_q16 = (self.floor_q16 + step).min(floor_cap);
        let dev_step = (gap.abs() - self.dev_q16) >> speed.dev_shift.min(31);
        self.dev_q16 = (self.dev_q16 + dev_step).clamp(MIN_DEV_Q16, MAX_DEV_Q16);
        let mean_gap = level - self.mean_q16;
        // Frames far above the recent minimum move the mean 2^SLOW_SHIFT times slower.
        let slow = if level - low > LEARN_CAP_Q16 {
            SLOW_SHIFT
        } else {
            0
        };
        let mean_shift = speed.mean_shift.min(31);
        self.mean_q16 += mean_gap >> (mean_shift + slow).min(31);
        let mean_dev_step = (mean_gap.abs() - self.mean_dev_q16) >> mean_shift;
        self.mean_dev_q16 = (self.mean_dev_q16 + mean_dev_step).clamp(MIN_DEV_Q16, MAX_DEV_Q16);
        // A mean well above everything heard for 300 ms is a burst that is over: fall back
        // to what the line carries now.
        let mean_cap = bound(high.saturating_add(speed.mean_over_max_q16));
        self.mean_q16 = self.mean_q16.min(mean_cap);
    }

    /// Updates from a frame judged speech: falls like [`learn_noise`](Self::learn_noise)
    /// at `speed` when the frame is below the floor, else rises by `rise_q16` (never past
    /// the frame).
    #[cfg(test)]
    pub fn hold_in_speech(&mut self, level_q16: i32, rise_q16: i32, speed: Speed) {
        self.hold_bounded(bound(level_q16), rise_q16, speed);
    }

    /// [`hold_in_speech`](Self::hold_in_speech) for a level already [`bound`]ed.
    pub(crate) fn hold_bounded(&mut self, level: i32, rise_q16: i32, speed: Speed) {
        let gap = level - self.floor_q16;
        let step = if gap < 0 {
            gap >> speed.down_shift.min(31)
        } else {
            rise_q16.clamp(0, gap)
        };
        self.floor_q16 += step;
    }
}

/// How fast [`NoiseFloor`] follows a noise frame: the floor moves by 1/2^`up_shift` of the
/// gap upwards or 1/2^`down_shift` downwards, its deviation by 1/2^`dev_shift` of its gap,
/// and the mean and the mean's deviation by 1/2^`mean_shift` of theirs (both directions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Speed {
    /// Upward step, as a right shift of the gap.
    pub up_shift: u32,
    /// Downward step, as a right shift of the gap.
    pub down_shift: u32,
    /// Deviation step, as a right shift of its gap.
    pub dev_shift: u32,
    /// Mean step (up or down), as a right shift of its gap.
    pub mean_shift: u32,
    /// How far above the recent minimum a frame is adopted by the floor, and the floor may
    /// sit, log2 Q16.
    pub floor_cap_q16: i32,
    /// How far above the recent maximum the mean may sit, log2 Q16.
    pub mean_over_max_q16: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Speed = Speed {
        up_shift: 4,
        down_shift: 2,
        dev_shift: 5,
        mean_shift: 6,
        floor_cap_q16: i32::MAX,
        mean_over_max_q16: i32::MAX,
    };
    const Z: Speed = Speed {
        up_shift: 0,
        down_shift: 0,
        dev_shift: 0,
        mean_shift: 0,
        floor_cap_q16: 0,
        mean_over_max_q16: 0,
    };

    #[test]
    fn follows_noise_up_and_down() {
        let mut f = NoiseFloor::starting_at(10 << 16);
        for _ in 0..400 {
            f.learn_noise(20 << 16, S);
        }
        assert!((f.floor_q16() - (20 << 16)).abs() < DB_Q16 / 10);
        for _ in 0..100 {
            f.learn_noise(12 << 16, S);
        }
        assert!((f.floor_q16() - (12 << 16)).abs() < DB_Q16 / 10);
    }

    #[test]
    fn rises_in_speech_only_by_the_slew_and_has_no_ceiling() {
        let mut f = NoiseFloor::starting_at(10 << 16);
        f.hold_in_speech(40 << 16, 1000, S);
        assert_eq!(f.floor_q16(), (10 << 16) + 1000);
        for _ in 0..100_000 {
            f.hold_in_speech(i32::MAX, 1000, S);
        }
        assert_eq!(f.floor_q16(), MAX_LEVEL_Q16);
    }

    #[test]
    fn a_lull_drags_the_floor_down_but_barely_the_mean() {
        let mut f = NoiseFloor::starting_at(20 << 16);
        let slow = Speed { mean_shift: 8, ..S };
        // Noise swinging ±3 dB around level 20: the mean settles there, its deviation
        // near 3 dB.
        for i in 0..2000 {
            let swing = if i % 2 == 0 { 3 * DB_Q16 } else { -3 * DB_Q16 };
            f.learn_noise((20 << 16) + swing, slow);
        }
        assert!((f.mean_q16() - (20 << 16)).abs() < DB_Q16 / 2);
        assert!((f.mean_dev_q16() - 3 * DB_Q16).abs() < DB_Q16 / 2);
        // A 300 ms lull 30 dB down.
        for _ in 0..30 {
            f.learn_noise((20 << 16) - 30 * DB_Q16, slow);
        }
        assert!(f.floor_q16() < (20 << 16) - 25 * DB_Q16);
        let fall = (20 << 16) - f.mean_q16();
        assert!(fall > 0 && fall < 4 * DB_Q16, "mean fell {fall}");
    }

    /// Feeds `level` for `frames` frames through the minimum statistic and `learn_noise`,
    /// starting a block every 10 frames from `*n`.
    fn learn(f: &mut NoiseFloor, level: i32, frames: u32, n: &mut u32, speed: Speed) {
        for _ in 0..frames {
            f.observe(level, n.is_multiple_of(10));
            f.learn_noise(level, speed);
            *n += 1;
        }
    }

    #[test]
    fn a_burst_while_learning_is_forgotten_within_300_ms() {
        let learning = Speed {
            up_shift: 2,
            down_shift: 0,
            dev_shift: 3,
            mean_shift: 4,
            floor_cap_q16: 6 * DB_Q16,
            mean_over_max_q16: 3 * DB_Q16,
        };
        let mut f = NoiseFloor::starting_at(10 << 16);
        let mut n = 0;
        learn(&mut f, 10 << 16, 50, &mut n, learning);
        // 200 ms 30 dB up (a click train, a word over the prompt): the floor rises by no
        // more than the cap.
        learn(&mut f, (10 << 16) + 30 * DB_Q16, 20, &mut n, learning);
        assert!(f.floor_q16() <= (10 << 16) + 6 * DB_Q16 + 1);
        // A longer burst (half a second more) lifts the minimum itself...
        learn(&mut f, (10 << 16) + 30 * DB_Q16, 50, &mut n, learning);
        assert!(f.mean_q16() > (10 << 16) + 10 * DB_Q16);
        // 300 ms of the line's noise again: floor and mean are back near it.
        learn(&mut f, 10 << 16, 30, &mut n, learning);
        assert!(f.floor_q16() - (10 << 16) < DB_Q16, "{}", f.floor_q16());
        assert!(f.mean_q16() - (10 << 16) <= 3 * DB_Q16, "{}", f.mean_q16());
    }

    #[test]
    fn never_below_minimum_and_saturates() {
        let mut f = NoiseFloor::starting_at(i32::MIN);
        f.learn_noise(i32::MIN, Z);
        assert_eq!(f.floor_q16(), MIN_FLOOR_Q16);
        f.learn_noise(i32::MAX, Z);
        f.hold_in_speech(i32::MAX, i32::MAX, Z);
        assert!(f.dev_q16() >= MIN_DEV_Q16);
    }
}
