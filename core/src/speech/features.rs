//! Per-frame features for the speech/non-speech network ([`super::net`]): where each band's
//! level stands against its noise floor and mean, how fast it changes, and short-term
//! statistics of both, so the network sees the rhythm of syllables (speech) apart from
//! steady tones, drum hits and noise, and the steady decay and fixed spectral shape of a
//! struck note apart from the rise and fall and the moving shape of a syllable.
//!
//! Everything but the spectral shape is in Q8 log2 units (256 = one octave of power =
//! 3.01 dB): a Q16 level shifted right by 8. The spectral shape ([`super::shape`]) is the
//! frame's autocorrelation at seven lags over lag 0, Q12. Each feature is clamped to ±[`FEATURE_LIMIT`] so the network's integer sums
//! are bounded. The statistics are exponential averages kept in `i16` (a few bytes per
//! channel); they are updated on every judged frame, learning or not, so they do not depend
//! on how audio is split into pushes.

use super::bands::BAND_COUNT;
use super::shape::SHAPE_LAGS;

/// Number of features per frame.
pub const FEATURE_COUNT: usize = 34;

/// Largest magnitude of a feature (32 octaves of power in Q8).
pub const FEATURE_LIMIT: i32 = 8191;

/// Right shift of the fast average of the excess over the floor (1/4 per frame: about
/// 40 ms).
const FAST_SHIFT: u32 = 2;

/// Right shift of the average change of level (1/8 per frame: about 80 ms).
const MOD_SHIFT: u32 = 3;

/// Right shift of the slow average of the excess over the floor (1/32 per frame: about
/// 320 ms, a syllable or two).
const SLOW_SHIFT: u32 = 5;

/// The feature vector of one frame.
pub type Features = [i16; FEATURE_COUNT];

/// What one band's noise tracking says about a frame, log2 Q16.
#[derive(Clone, Copy, Debug, Default)]
pub struct BandView {
    /// The frame's level.
    pub level_q16: i32,
    /// The band's noise floor.
    pub floor_q16: i32,
    /// The band's mean noise level.
    pub mean_q16: i32,
    /// The band's noise deviation around the mean.
    pub mean_dev_q16: i32,
}

/// The short-term statistics carried from frame to frame, per band, Q8.
#[derive(Clone, Copy, Debug, Default)]
pub struct FeatureState {
    /// Last frame's level.
    prev: [i16; BAND_COUNT],
    /// Fast average of level − floor.
    fast: [i16; BAND_COUNT],
    /// Average of |level change|.
    modulation: [i16; BAND_COUNT],
    /// Slow average of level − floor.
    slow: [i16; BAND_COUNT],
    /// Average of the signed level change: near 0 over syllables, which rise and fall,
    /// steadily negative while a struck note (piano, bass, drum) decays.
    trend: [i16; BAND_COUNT],
    /// Average of |change of the low − high tilt|: the spectrum's shape moves from vowel to
    /// consonant in speech, and much less within a note.
    tilt_modulation: i16,
}

fn q8(q16: i32) -> i32 {
    (q16 >> 8).clamp(-FEATURE_LIMIT, FEATURE_LIMIT)
}

/// Moves `state` 1/2^`shift` of the way to `value`. Both are within ±[`FEATURE_LIMIT`], and
/// the result lies between them (the step, rounded down, never passes `value`), so it is
/// too: every average stays within the limit without a clamp.
fn avg(state: &mut i16, value: i32, shift: u32) {
    let s = *state as i32;
    *state = (s + ((value - s) >> shift)) as i16;
}

/// What [`FeatureState::features`] needs of a frame besides the statistics: each band's
/// level change (Q8, clamped), as [`FeatureState::advance`] found it.
#[derive(Clone, Copy, Debug)]
pub struct Changes([i16; BAND_COUNT]);

impl FeatureState {
    /// Takes a frame and updates the statistics (every frame must be taken, whether or not
    /// its features are wanted); its features are then [`features`](Self::features).
    pub fn advance(&mut self, bands: &[BandView; BAND_COUNT]) -> Changes {
        let mut changes = [0i16; BAND_COUNT];
        for (b, band) in bands.iter().enumerate() {
            let level = q8(band.level_q16);
            let above_floor = q8(band.level_q16 - band.floor_q16);
            let prev = self.prev.get(b).copied().unwrap_or(0) as i32;
            let change = (level - prev).clamp(-FEATURE_LIMIT, FEATURE_LIMIT);
            if let Some(p) = self.prev.get_mut(b) {
                *p = level as i16;
            }
            if let Some(c) = changes.get_mut(b) {
                *c = change as i16;
            }
            if let Some(s) = self.fast.get_mut(b) {
                avg(s, above_floor, FAST_SHIFT);
            }
            if let Some(s) = self.slow.get_mut(b) {
                avg(s, above_floor, SLOW_SHIFT);
            }
            if let Some(s) = self.modulation.get_mut(b) {
                avg(s, change.abs(), MOD_SHIFT);
            }
            if let Some(s) = self.trend.get_mut(b) {
                avg(s, change, MOD_SHIFT);
            }
        }
        let [low, _, high] = changes;
        let tilt_change = (i32::from(low) - i32::from(high)).abs().min(FEATURE_LIMIT);
        avg(&mut self.tilt_modulation, tilt_change, MOD_SHIFT);
        Changes(changes)
    }

    /// The features of the frame last taken by [`advance`](Self::advance), which gave
    /// `changes`, with `bands` as given to it. Order: per band (low, middle, high)
    /// level − floor, level − mean, level change, fast and slow averages of level − floor,
    /// average |level change|; then each band's average signed level change, the average
    /// |change of the spectral tilt|, the mean noise deviation of each band, and the low and
    /// middle levels relative to the high one (the spectral tilt); last the spectral shape,
    /// `shape_q12`.
    pub fn features(
        &self,
        bands: &[BandView; BAND_COUNT],
        changes: Changes,
        shape_q12: [i16; SHAPE_LAGS],
    ) -> Features {
        let mut out = [0i16; FEATURE_COUNT];
        let mut i = 0;
        let mut put = |v: i32| {
            if let Some(slot) = out.get_mut(i) {
                *slot = v.clamp(-FEATURE_LIMIT, FEATURE_LIMIT) as i16;
            }
            i += 1;
        };
        for (b, band) in bands.iter().enumerate() {
            let stat = |s: &[i16; BAND_COUNT]| s.get(b).copied().unwrap_or(0) as i32;
            put(q8(band.level_q16 - band.floor_q16));
            put(q8(band.level_q16 - band.mean_q16));
            put(stat(&changes.0));
            put(stat(&self.fast));
            put(stat(&self.slow));
            put(stat(&self.modulation));
        }
        for &trend in &self.trend {
            put(trend.into());
        }
        put(self.tilt_modulation.into());
        for band in bands {
            put(q8(band.mean_dev_q16));
        }
        let [low, mid, high] = bands.map(|b| q8(b.level_q16));
        put(low - high);
        put(mid - high);
        for v in shape_q12 {
            put(i32::from(v));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_stay_within_the_limit_without_a_clamp() {
        let values = (-FEATURE_LIMIT..=FEATURE_LIMIT)
            .step_by(97)
            .chain([FEATURE_LIMIT]);
        for s in values.clone() {
            for v in values.clone() {
                for shift in [0, 1, FAST_SHIFT, MOD_SHIFT, SLOW_SHIFT] {
                    let mut state = s as i16;
                    avg(&mut state, v, shift);
                    let clamped = (s + ((v - s) >> shift)).clamp(-FEATURE_LIMIT, FEATURE_LIMIT);
                    assert_eq!(i32::from(state), clamped, "{s} towards {v} >> {shift}");
                }
            }
        }
    }
}
