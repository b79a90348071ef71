//! G.711 μ-law and A-law: the byte formats of most SIP and PSTN legs. Decoding is what the
//! recorder uses for G.711 input; encoding is here for round-trip tests and hosts that send
//! the recording on.
//!
//! Both follow ITU-T G.711 (segment/mantissa with the standard bit inversions); decoding
//! gives the 16-bit linear value of the segment's midpoint.

/// The 16-bit linear value of a μ-law byte.
pub const fn ulaw_to_linear(byte: u8) -> i16 {
    let u = !byte;
    let exponent = ((u >> 4) & 0x07) as i32;
    let mantissa = (u & 0x0f) as i32;
    let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
    if u & 0x80 != 0 {
        -magnitude as i16
    } else {
        magnitude as i16
    }
}

/// The μ-law byte nearest a 16-bit linear value.
pub const fn linear_to_ulaw(sample: i16) -> u8 {
    const BIAS: i32 = 0x84;
    const CLIP: i32 = 32_635;
    let mut x = sample as i32;
    let sign = if x < 0 {
        x = -x;
        0x80
    } else {
        0
    };
    if x > CLIP {
        x = CLIP;
    }
    x += BIAS;
    let mut exponent = 7;
    while exponent > 0 && x & (0x4000 >> (7 - exponent)) == 0 {
        exponent -= 1;
    }
    let mantissa = (x >> (exponent + 3)) & 0x0f;
    !((sign | (exponent << 4) | mantissa) as u8)
}

/// The 16-bit linear value of an A-law byte.
pub const fn alaw_to_linear(byte: u8) -> i16 {
    let a = byte ^ 0x55;
    let exponent = ((a >> 4) & 0x07) as i32;
    let mantissa = (a & 0x0f) as i32;
    let magnitude = if exponent == 0 {
        (mantissa << 4) + 8
    } else {
        ((mantissa << 4) + 0x108) << (exponent - 1)
    };
    if a & 0x80 != 0 {
        magnitude as i16
    } else {
        -magnitude as i16
    }
}

/// The A-law byte nearest a 16-bit linear value.
pub const fn linear_to_alaw(sample: i16) -> u8 {
    let mut x = sample as i32;
    let sign = if x >= 0 {
        0x80
    } else {
        x = -x - 1;
        0
    };
    if x > 0x7fff {
        x = 0x7fff;
    }
    let byte = if x < 256 {
        (x >> 4) as u8
    } else {
        let mut exponent = 1;
        while exponent < 7 && x >= (256 << exponent) {
            exponent += 1;
        }
        ((exponent << 4) | ((x >> (exponent + 3)) & 0x0f)) as u8
    };
    (byte | sign) ^ 0x55
}

/// How the bytes of a G.711 stream are coded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Law {
    /// μ-law (PCMU, North America and Japan).
    Ulaw,
    /// A-law (PCMA, elsewhere).
    Alaw,
}

impl Law {
    /// The 16-bit linear value of one byte.
    pub const fn decode(self, byte: u8) -> i16 {
        match self {
            Law::Ulaw => ulaw_to_linear(byte),
            Law::Alaw => alaw_to_linear(byte),
        }
    }

    /// The byte nearest a 16-bit linear value.
    pub const fn encode(self, sample: i16) -> u8 {
        match self {
            Law::Ulaw => linear_to_ulaw(sample),
            Law::Alaw => linear_to_alaw(sample),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips() {
        for law in [Law::Ulaw, Law::Alaw] {
            for b in 0..=255u8 {
                let x = law.decode(b);
                let back = law.encode(x);
                // μ-law has two codes for zero (0x7f and 0xff).
                assert!(
                    back == b || law.decode(back) == x,
                    "{law:?} {b:#04x} -> {x} -> {back:#04x}"
                );
            }
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(ulaw_to_linear(0xff), 0);
        assert_eq!(ulaw_to_linear(0x00), -32124);
        assert_eq!(ulaw_to_linear(0x80), 32124);
        assert_eq!(alaw_to_linear(0xd5), 8);
        assert_eq!(alaw_to_linear(0x55), -8);
        assert_eq!(alaw_to_linear(0xaa), 32256);
        assert_eq!(linear_to_ulaw(0), 0xff);
        assert_eq!(linear_to_alaw(0), 0xd5);
    }

    #[test]
    fn quantization_error_is_within_half_a_step() {
        for law in [Law::Ulaw, Law::Alaw] {
            for x in (i16::MIN..=i16::MAX).step_by(7) {
                let y = law.decode(law.encode(x)) as i32;
                let err = (y - x as i32).abs();
                // The largest segment's step is 1024 (μ-law) / 1024 (A-law); half of it
                // plus the clip region of μ-law at the very top.
                let bound = ((x as i32).abs() / 16).max(16) + 8;
                assert!(err <= bound.max(512), "{law:?} {x} -> {y}");
            }
        }
    }
}
