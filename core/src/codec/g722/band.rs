//! The two ADPCM sub-bands of G.722: their quantizers (decision and reconstruction levels,
//! relative to the band's scale factor), the backward adaptation of the scale factor, and the
//! predictor each band runs. The encoder and the decoder hold the same band state and update
//! it from the same codes, which is what keeps them in step.
//!
//! The lower band (0–4 kHz) is coded with 6 bits per sample at 64 kbit/s (5 or 4 at 56 or 48
//! kbit/s, the dropped bits carrying auxiliary data); only its 4 most significant bits feed
//! the adaptation, so all three rates track the same state. The upper band (4–8 kHz) gets 2
//! bits per sample.

use super::predictor::{saturate_i16, Predictor};

/// Lower band reconstruction levels for the 6-bit code, Q15 of the scale factor.
const LOW_LEVEL_6BIT_Q15: [i16; 64] = [
    -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192, -10232,
    -9360, -8576, -7856, -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776,
    -2400, -2032, -1688, -1360, -1040, -728, 24808, 21904, 19008, 16704, 14984, 13512, 12280,
    11192, 10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456, 4944, 4464, 4008, 3576, 3168, 2776,
    2400, 2032, 1688, 1360, 1040, 728, 432, 136, -432, -136,
];

/// Lower band reconstruction levels for the 5-bit code (56 kbit/s), Q15 of the scale factor.
const LOW_LEVEL_5BIT_Q15: [i16; 32] = [
    -280, -280, -23352, -17560, -14120, -11664, -9752, -8184, -6864, -5712, -4696, -3784, -2960,
    -2208, -1520, -880, 23352, 17560, 14120, 11664, 9752, 8184, 6864, 5712, 4696, 3784, 2960, 2208,
    1520, 880, 280, -280,
];

/// Lower band reconstruction levels for the 4-bit code (48 kbit/s, and the adaptation at every
/// rate), Q15 of the scale factor.
const LOW_LEVEL_4BIT_Q15: [i16; 16] = [
    0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584,
    1200, 0,
];

/// Lower band decision levels between the 30 magnitude intervals of the 6-bit quantizer, Q12
/// of the scale factor, increasing.
const LOW_DECISION_Q12: [i16; 29] = [
    35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786, 858, 940, 1023,
    1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
];

/// The lower band's log scale factor step for each magnitude class of the 4-bit code (0 for
/// the smallest magnitude, 7 for the largest), Q11 of log2.
const LOW_LOG_STEP_Q11: [i16; 8] = [-60, -30, 58, 172, 334, 538, 1198, 3042];

/// Upper band reconstruction levels for the 2-bit code, Q15 of the scale factor.
const HIGH_LEVEL_Q15: [i16; 4] = [-7408, -1616, 7408, 1616];

/// The upper band's single decision level between its two magnitudes, Q12 of the scale factor.
const HIGH_DECISION_Q12: i32 = 564;

/// The upper band's log scale factor step for the large magnitude (codes 0 and 2) and the
/// small one (codes 1 and 3), Q11 of log2.
const HIGH_LOG_STEP_Q11: [i16; 2] = [798, -214];

/// 2^(i/32) for i in 0..32, Q11: the fraction part of the scale factor's antilog.
const POW2_FRACTION_Q11: [i16; 32] = [
    2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
    2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
];

/// The magnitude class (0 smallest … 7 largest) of a 4-bit lower band code: codes 1..=7 are
/// the negative levels from largest to smallest, 8..=14 the positive ones, 0 and 15 the two
/// smallest.
const fn low_magnitude_class(code4: u8) -> usize {
    let code4 = (code4 & 0x0f) as usize;
    if code4 < 8 {
        (8 - code4) & 7
    } else {
        15 - code4
    }
}

/// The magnitude a quantizer compares against its decision levels: |e| for e ≥ 0, |e| − 1 for
/// e < 0 (the one's complement).
fn magnitude(e: i16) -> i32 {
    let e = i32::from(e);
    if e >= 0 {
        e
    } else {
        !e
    }
}

/// The scale factor of a band, adapted in the log domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Scale {
    /// log2 of the scale factor, Q11, offset so that 0 is the smallest scale.
    log_q11: i16,
    /// The scale factor, in 15-bit sample units: the antilog of `log_q11`.
    linear: i16,
}

impl Scale {
    /// The smallest scale of a band whose antilog is shifted right by `shift` at log 0.
    const fn new(shift: u32) -> Self {
        Scale {
            log_q11: 0,
            linear: (POW2_FRACTION_Q11[0] >> shift) << 2,
        }
    }

    /// Leaks the log scale by 1 − 2⁻⁷, adds `step_q11`, limits it to `0..=max_q11`, and
    /// recomputes the linear scale (antilog shifted right by `shift` at log 0).
    fn adapt(&mut self, step_q11: i16, max_q11: i32, shift: i32) {
        let log = ((i32::from(self.log_q11) * 127) >> 7) + i32::from(step_q11);
        let log = log.clamp(0, max_q11);
        self.log_q11 = log as i16;
        let fraction = i32::from(POW2_FRACTION_Q11[((log >> 6) & 31) as usize]);
        let exponent = (log >> 11) - shift;
        let antilog = if exponent < 0 {
            fraction >> -exponent
        } else {
            fraction << exponent
        };
        self.linear = saturate_i16(antilog << 2);
    }
}

/// The lower band: scale factor and predictor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct LowBand {
    scale: Scale,
    predictor: Predictor,
}

/// How far right the lower band's antilog is shifted at log 0.
const LOW_SHIFT: i32 = 8;
/// The largest lower band log scale, Q11.
const LOW_LOG_MAX_Q11: i32 = 18432;

/// The rate of a G.722 stream: how many bits of each code octet carry the lower band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum G722Rate {
    /// Mode 1, 64 kbit/s: 6 lower band bits per octet (the rate RTP's payload type 9 uses).
    #[default]
    Kbit64,
    /// Mode 2, 56 kbit/s: 5 lower band bits; the octet's least significant bit is auxiliary
    /// data and ignored.
    Kbit56,
    /// Mode 3, 48 kbit/s: 4 lower band bits; the octet's two least significant bits are
    /// auxiliary data and ignored.
    Kbit48,
}

impl LowBand {
    /// The band at rest.
    pub(super) const fn new() -> Self {
        LowBand {
            scale: Scale::new(LOW_SHIFT as u32),
            predictor: Predictor::new(),
        }
    }

    /// Quantizes the band's difference signal `e` (its sample minus the estimate) to the
    /// 6-bit code.
    pub(super) fn quantize(&self, e: i16) -> u8 {
        let magnitude = magnitude(e);
        let scale = i32::from(self.scale.linear);
        // The decision levels times a positive scale stay increasing, so the interval is
        // found by bisection: 1 + the number of levels at or below the magnitude.
        let interval = 1 + LOW_DECISION_Q12
            .partition_point(|&level| magnitude >= (i32::from(level) * scale) >> 12);
        let interval = interval as u8;
        match (e < 0, interval) {
            (false, _) => 62 - interval,
            (true, 1) => 63,
            (true, 2) => 62,
            (true, _) => 34 - interval,
        }
    }

    /// The estimate of the band's next sample.
    pub(super) fn estimate(&self) -> i16 {
        self.predictor.estimate()
    }

    /// The band's sample reconstructed from the lower band bits of `octet` at `rate`,
    /// limited to 15 bits.
    pub(super) fn reconstruct(&self, octet: u8, rate: G722Rate) -> i16 {
        let level = match rate {
            G722Rate::Kbit64 => LOW_LEVEL_6BIT_Q15[usize::from(octet & 0x3f)],
            G722Rate::Kbit56 => LOW_LEVEL_5BIT_Q15[usize::from((octet >> 1) & 0x1f)],
            G722Rate::Kbit48 => LOW_LEVEL_4BIT_Q15[usize::from((octet >> 2) & 0x0f)],
        };
        let difference = (i32::from(self.scale.linear) * i32::from(level)) >> 15;
        limit_15_bits(i32::from(self.estimate()) + difference)
    }

    /// Adapts the scale factor and the predictor to the 4 most significant lower band bits of
    /// `octet` (bits 2..=5).
    pub(super) fn adapt(&mut self, octet: u8) {
        let code4 = (octet >> 2) & 0x0f;
        let level = i32::from(LOW_LEVEL_4BIT_Q15[usize::from(code4)]);
        let difference = ((i32::from(self.scale.linear) * level) >> 15) as i16;
        self.scale.adapt(
            LOW_LOG_STEP_Q11[low_magnitude_class(code4)],
            LOW_LOG_MAX_Q11,
            LOW_SHIFT,
        );
        self.predictor.update(difference);
    }
}

/// The upper band: scale factor and predictor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct HighBand {
    scale: Scale,
    predictor: Predictor,
}

/// How far right the upper band's antilog is shifted at log 0.
const HIGH_SHIFT: i32 = 10;
/// The largest upper band log scale, Q11.
const HIGH_LOG_MAX_Q11: i32 = 22528;

impl HighBand {
    /// The band at rest.
    pub(super) const fn new() -> Self {
        HighBand {
            scale: Scale::new(HIGH_SHIFT as u32),
            predictor: Predictor::new(),
        }
    }

    /// Quantizes the band's difference signal `e` to the 2-bit code.
    pub(super) fn quantize(&self, e: i16) -> u8 {
        let large = magnitude(e) >= (HIGH_DECISION_Q12 * i32::from(self.scale.linear)) >> 12;
        match (e < 0, large) {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => 2,
            (false, false) => 3,
        }
    }

    /// The estimate of the band's next sample.
    pub(super) fn estimate(&self) -> i16 {
        self.predictor.estimate()
    }

    /// Decodes the 2-bit `code` (bits 6 and 7 of an octet): returns the band's reconstructed
    /// sample (limited to 15 bits) and adapts the scale factor and the predictor.
    pub(super) fn decode(&mut self, code: u8) -> i16 {
        let code = usize::from(code & 3);
        let difference = (i32::from(self.scale.linear) * i32::from(HIGH_LEVEL_Q15[code])) >> 15;
        let reconstructed = limit_15_bits(i32::from(self.estimate()) + difference);
        self.scale
            .adapt(HIGH_LOG_STEP_Q11[code & 1], HIGH_LOG_MAX_Q11, HIGH_SHIFT);
        self.predictor.update(difference as i16);
        reconstructed
    }
}

/// `x` limited to the codec's 15-bit sample range.
fn limit_15_bits(x: i32) -> i16 {
    x.clamp(-16384, 16383) as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_scales_are_the_smallest() {
        assert_eq!(LowBand::new().scale.linear, 32);
        assert_eq!(HighBand::new().scale.linear, 8);
    }

    #[test]
    fn quantizer_codes_reconstruct_on_the_side_of_the_difference() {
        let band = LowBand::new();
        for e in -20000i16..=20000 {
            let code = band.quantize(e);
            let level = LOW_LEVEL_6BIT_Q15[usize::from(code)];
            assert!(code >= 4, "e {e}: code {code} is never sent");
            assert_eq!(level < 0, e < 0, "e {e}: code {code} level {level}");
        }
        let band = HighBand::new();
        for e in [-3000i16, -1, 0, 3000] {
            assert_eq!(HIGH_LEVEL_Q15[usize::from(band.quantize(e))] < 0, e < 0);
        }
    }

    #[test]
    fn magnitude_classes_order_the_4_bit_levels() {
        for code in 0..16u8 {
            for other in 0..16u8 {
                let (a, b) = (
                    LOW_LEVEL_4BIT_Q15[usize::from(code)].unsigned_abs(),
                    LOW_LEVEL_4BIT_Q15[usize::from(other)].unsigned_abs(),
                );
                if a < b {
                    assert!(low_magnitude_class(code) < low_magnitude_class(other));
                }
            }
        }
    }
}
