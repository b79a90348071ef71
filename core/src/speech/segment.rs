//! The segment check: whether a stretch that the endpointing took for speech moved the way a
//! voice does, so that a steady sound standing above the line's noise (a generator's tone, a
//! burst of stationary noise, a train of identical clicks) is told apart from a syllable.
//!
//! A voice changes its spectrum from one sound to the next (a vowel's energy sits low, a
//! fricative's high, a nasal's lowest of all, and the formants glide between them); a tone,
//! or a noise or a click from a fixed source, keeps its spectrum. The check follows the
//! strong frames of a segment (those that count towards an onset, from the first of the run
//! that started it) and keeps the range of their spectral tilt: the low band's level minus
//! the high band's, each taken no lower than the band's noise threshold (so a band that holds
//! only the line's noise adds no jitter, and the noise floors, which rise under a long sound,
//! move nothing).
//!
//! Only frames inside a run of strong frames count: the first and the last frame of a run
//! hold the abrupt start or stop of a steady sound, whose band estimates straddle the change.
//! Each counted tilt is averaged with the one before (about 30 ms), which keeps a syllable's
//! movements (slower than 15 Hz) and halves the frame-to-frame jitter of a noise's band
//! estimates. The range forgets old extremes: each counted frame pulls the lowest and the
//! highest tilt kept towards each other by [`LEAK_Q8`] (0.024 dB), so a range fades by about
//! 5 dB a second. A syllable moves the tilt within a few hundred milliseconds and loses
//! little; a hiss, whose tilt wanders by chance, cannot add up its jitter over seconds of
//! sound. The segment is speech once [`MIN_FRAMES`] frames were counted and the tilt
//! moved over at least [`MIN_TILT_RANGE_Q8`]. A syllable moves it by more: on the English
//! prompts' single words (digits and letters), by at least 7.5 dB. A steady tone moves it by
//! a fraction of a dB, a burst of stationary noise by a few dB (the jitter of its estimates),
//! a train of identical clicks by about 1 dB. Values are log2 Q8 (256 = 3.01 dB) in `i16`.

use super::bands::BandLevelsQ16;
use super::log2::DB_Q16;

/// Strong frames inside runs that a segment needs before it can be speech (60 ms).
pub const MIN_FRAMES: u8 = 6;

/// How far each counted frame pulls the kept lowest and highest tilt towards each other,
/// log2 Q8 (2 is 0.024 dB).
pub const LEAK_Q8: i16 = 2;

/// How far the tilt must move within a segment: 5 dB.
pub const MIN_TILT_RANGE_Q8: i16 = ((5 * DB_Q16) >> 8) as i16;

/// The tilt range of one segment's strong frames so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SegmentCheck {
    /// Interior strong frames counted, saturating.
    frames: u8,
    /// Strong frames in a row up to now, saturating.
    run: u8,
    /// Whether the segment was found to be speech.
    confirmed: bool,
    /// The last strong frame's tilt, counted once a strong frame follows it.
    pending: i16,
    /// The tilt counted, averaged with the one before (see `frame`).
    smooth: i16,
    /// The lowest averaged tilt, faded (see [`LEAK_Q8`]).
    min: i16,
    /// The highest averaged tilt, faded.
    max: i16,
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
            let tilt = self.pending;
            if self.frames == 0 {
                self.smooth = tilt;
                (self.min, self.max) = (tilt, tilt);
            } else {
                // Both within ±10,240, so the sum stays in i16.
                self.smooth = (self.smooth + tilt) >> 1;
                // Both stay within the tilts seen, ±10,240.
                self.min = (self.min + LEAK_Q8).min(self.smooth);
                self.max = (self.max - LEAK_Q8).max(self.smooth);
            }
            self.frames = self.frames.saturating_add(1);
        }
        // Levels are bounded to 0..=40 octaves (10,240 in Q8), so the tilt stays in i16.
        let q8 = |v: i32| (v >> 8).clamp(0, 10_240) as i16;
        let [low, _, high] = above_noise_q16;
        self.pending = q8(low) - q8(high);
        self.run = self.run.saturating_add(1);
    }

    /// How far the averaged tilt moved over the interior strong frames, log2 Q8.
    pub fn tilt_range_q8(&self) -> i16 {
        self.max - self.min
    }

    /// Whether the segment moved as speech does (see the module docs).
    pub fn moved_as_speech(&self) -> bool {
        self.frames >= MIN_FRAMES && self.tilt_range_q8() >= MIN_TILT_RANGE_Q8
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
