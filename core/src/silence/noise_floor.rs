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

use super::log2::DB_Q16;

/// The lowest floor: −70 dBFS (30.0 in log2 is a full-scale square wave).
pub const MIN_FLOOR_Q16: i32 = (30 << 16) - 70 * DB_Q16;

/// Deviation assumed before any noise has been seen: 1 dB.
const INITIAL_DEV_Q16: i32 = DB_Q16;

/// Smallest deviation kept (0.25 dB), so a perfectly steady noise still has a margin.
const MIN_DEV_Q16: i32 = DB_Q16 / 4;

/// Largest deviation kept (6 dB), so a burst taken for noise cannot open the margin wide.
const MAX_DEV_Q16: i32 = 6 * DB_Q16;

/// The noise of one band: its floor and its mean, each with its deviation.
#[derive(Clone, Copy, Debug)]
pub struct NoiseFloor {
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
        NoiseFloor {
            floor_q16: level_q16.max(MIN_FLOOR_Q16),
            dev_q16: INITIAL_DEV_Q16,
            mean_q16: level_q16.max(MIN_FLOOR_Q16),
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

    /// Learns from a frame judged noise at `speed`.
    pub fn learn_noise(&mut self, level_q16: i32, speed: Speed) {
        let gap = level_q16.max(MIN_FLOOR_Q16).saturating_sub(self.floor_q16);
        let step = if gap < 0 {
            gap >> speed.down_shift.min(31)
        } else {
            gap >> speed.up_shift.min(31)
        };
        self.floor_q16 = self.floor_q16.saturating_add(step).max(MIN_FLOOR_Q16);
        let dev_step = (gap.saturating_abs() - self.dev_q16) >> speed.dev_shift.min(31);
        self.dev_q16 = (self.dev_q16 + dev_step).clamp(MIN_DEV_Q16, MAX_DEV_Q16);
        let mean_gap = level_q16.max(MIN_FLOOR_Q16).saturating_sub(self.mean_q16);
        self.mean_q16 = self
            .mean_q16
            .saturating_add(mean_gap >> speed.mean_shift.min(31));
        let mean_dev_step =
            (mean_gap.saturating_abs() - self.mean_dev_q16) >> speed.mean_shift.min(31);
        self.mean_dev_q16 = (self.mean_dev_q16 + mean_dev_step).clamp(MIN_DEV_Q16, MAX_DEV_Q16);
    }

    /// Updates from a frame judged speech: falls like [`learn_noise`](Self::learn_noise)
    /// at `speed` when the frame is below the floor, else rises by `rise_q16` (never past
    /// the frame).
    pub fn hold_in_speech(&mut self, level_q16: i32, rise_q16: i32, speed: Speed) {
        let gap = level_q16.saturating_sub(self.floor_q16);
        let step = if gap < 0 {
            gap >> speed.down_shift.min(31)
        } else {
            rise_q16.min(gap)
        };
        self.floor_q16 = self.floor_q16.saturating_add(step).max(MIN_FLOOR_Q16);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Speed = Speed {
        up_shift: 4,
        down_shift: 2,
        dev_shift: 5,
        mean_shift: 6,
    };
    const Z: Speed = Speed {
        up_shift: 0,
        down_shift: 0,
        dev_shift: 0,
        mean_shift: 0,
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
        assert!(f.floor_q16() > 1_000 << 16);
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
