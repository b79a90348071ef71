//! The segment check: whether a stretch that the endpointing took for speech moved the way a
//! voice does, so that a steady sound standing above the line's noise (a generator's tone, a
//! burst of stationary noise, a train of identical clicks) is told apart from a syllable.
//!
//! A voice changes its spectrum from one sound to the next (a vowel's energy sits low, a
//! fricative's high, a nasal's lowest of all), and its level rises and falls with each
//! syllable; a tone, or a noise from a fixed source, keeps both. The check follows the
//! strong frames of a segment (those that count towards an onset, from the first of the run
//! that started it) and keeps the range of two quantities over them, from each band's level
//! taken no lower than the band's noise threshold (so a band that holds only the line's
//! noise adds no jitter, and the noise floors, which rise under a long sound, move nothing):
//! - the tilt, the low band's level minus the high band's (where the energy sits);
//! - the level, the loudest band's (how loud it is).
//!
//! Only frames inside a run of strong frames count: the first and the last frame of a run
//! hold the abrupt start or stop of a steady sound, whose band estimates straddle the change.
//! Each counted value is averaged with the one before (about 30 ms), which keeps a syllable's
//! rise and fall (slower than 15 Hz) and halves the frame-to-frame jitter of a noise's band
//! estimates. The segment is speech once [`MIN_FRAMES`] frames were counted and both its
//! tilt and its level moved over at least [`MIN_RANGE_Q8`]. A syllable moves both by well
//! over that: on the English prompts' single words (digits and letters), by at least 7.5 dB.
//! A steady tone moves neither by more than a fraction of a dB, a burst of stationary noise
//! by a few dB (the jitter of its estimates), a train of identical clicks its level but not
//! its tilt. All values are log2 Q8 (256 = 3.01 dB), kept in `i16`.

use super::bands::BandLevelsQ16;
use super::log2::DB_Q16;

/// Strong frames inside runs that a segment needs before it can be speech (60 ms).
pub const MIN_FRAMES: u8 = 6;

/// How far the tilt and the level must each move within a segment: 5 dB.
pub const MIN_RANGE_Q8: i16 = ((5 * DB_Q16) >> 8) as i16;

/// The ranges of one segment's strong frames so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SegmentCheck {
    /// Interior strong frames counted, saturating.
    frames: u8,
    /// Strong frames in a row up to now, saturating.
    run: u8,
    /// The last strong frame's tilt and level, counted once a strong frame follows it.
    pending: [i16; 2],
    /// Whether the segment was found to be speech.
    confirmed: bool,
    /// The tilt and level counted, each averaged with the one before (see `frame`).
    smooth: [i16; 2],
    /// The lowest tilt and level counted.
    min: [i16; 2],
    /// The highest tilt and level counted.
    max: [i16; 2],
}

impl SegmentCheck {
    /// Forgets the segment: the next strong frame starts a new one.
    pub fn clear(&mut self) {
        *self = SegmentCheck::default();
    }

    /// Takes a frame: whether it is strong, and its band levels above the noise (log2 Q16,
    /// see `Judgement::above_noise_q16`). A strong frame counts once the next frame is strong
    /// too and the one before was.
    pub fn frame(&mut self, strong: bool, above_noise_q16: BandLevelsQ16) {
        if !strong {
            self.run = 0;
            return;
        }
        if self.run >= 2 {
            let v = self.pending;
            if self.frames == 0 {
                self.smooth = v;
                (self.min, self.max) = (v, v);
            } else {
                for (((s, min), max), v) in self
                    .smooth
                    .iter_mut()
                    .zip(&mut self.min)
                    .zip(&mut self.max)
                    .zip(v)
                {
                    // Both within ±10,240, so the sum stays in i16.
                    *s = (*s + v) >> 1;
                    *min = (*min).min(*s);
                    *max = (*max).max(*s);
                }
            }
            self.frames = self.frames.saturating_add(1);
        }
        // Levels are bounded to 0..=40 octaves (10,240 in Q8), so the tilt stays in i16.
        let q8 = |v: i32| (v >> 8).clamp(0, 10_240) as i16;
        let [low, mid, high] = above_noise_q16.map(q8);
        self.pending = [low - high, low.max(mid).max(high)];
        self.run = self.run.saturating_add(1);
    }

    /// Interior strong frames counted.
    pub fn frames(&self) -> u8 {
        self.frames
    }

    /// How far the tilt moved over the interior strong frames, log2 Q8.
    pub fn tilt_range_q8(&self) -> i16 {
        self.max[0] - self.min[0]
    }

    /// How far the level moved over the interior strong frames, log2 Q8.
    pub fn level_range_q8(&self) -> i16 {
        self.max[1] - self.min[1]
    }

    /// Whether the segment moved as speech does (see the module docs).
    pub fn moved_as_speech(&self) -> bool {
        self.frames >= MIN_FRAMES
            && self.tilt_range_q8() >= MIN_RANGE_Q8
            && self.level_range_q8() >= MIN_RANGE_Q8
    }

    /// Whether the segment was confirmed as speech.
    pub fn confirmed(&self) -> bool {
        self.confirmed
    }

    /// Marks the segment confirmed.
    pub fn confirm(&mut self) {
        self.confirmed = true;
    }
}
