//! G.711 μ-law and A-law: the byte formats of most SIP and PSTN legs. Decoding is what the
//! recorder uses for G.711 input; encoding is what the playout sends and what the μ-law
//! hold-back stores.
//!
//! Both follow ITU-T G.711 (segment/mantissa with the standard bit inversions); decoding
//! gives the 16-bit linear value of the segment's midpoint. [`Law::decode`] reads it from a
//! 256-entry table per law, built at compile time from the arithmetic decoders
//! ([`ulaw_to_linear`], [`alaw_to_linear`]), so the per-sample cost is one load.

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

/// [`ulaw_to_linear`] of every byte, indexed by the byte (512 B of flash).
pub const ULAW_TO_LINEAR: [i16; 256] = decode_table(Law::Ulaw);

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

/// [`alaw_to_linear`] of every byte, indexed by the byte (512 B of flash).
pub const ALAW_TO_LINEAR: [i16; 256] = decode_table(Law::Alaw);

/// Builds a law's decoding table at compile time from its arithmetic decoder.
const fn decode_table(law: Law) -> [i16; 256] {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = match law {
            Law::Ulaw => ulaw_to_linear(byte as u8),
            Law::Alaw => alaw_to_linear(byte as u8),
        };
        byte += 1;
    }
    table
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
    /// The law's decoding table: the 16-bit linear value of every byte (a `u8` index into
    /// 256 entries is always in bounds).
    pub const fn table(self) -> &'static [i16; 256] {
        match self {
            Law::Ulaw => &ULAW_TO_LINEAR,
            Law::Alaw => &ALAW_TO_LINEAR,
        }
    }

    /// The 16-bit linear value of one byte.
    pub const fn decode(self, byte: u8) -> i16 {
        match self {
            Law::Ulaw => ULAW_TO_LINEAR[byte as usize],
            Law::Alaw => ALAW_TO_LINEAR[byte as usize],
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

    /// The tables hold exactly what the arithmetic decoders compute, for all 256 bytes.
    #[test]
    fn tables_match_arithmetic_decoding() {
        for b in 0..=255u8 {
            assert_eq!(Law::Ulaw.decode(b), ulaw_to_linear(b), "μ-law {b:#04x}");
            assert_eq!(Law::Alaw.decode(b), alaw_to_linear(b), "A-law {b:#04x}");
        }
        // Spot checks that the tables are not, for example, all zero.
        assert_eq!(Law::Ulaw.decode(0x00), -32124);
        assert_eq!(Law::Alaw.decode(0xaa), 32256);
    }

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
            for x in i16::MIN..=i16::MAX {
                let byte = law.encode(x);
                let y = law.decode(byte) as i32;
                let err = (y - x as i32).abs();
                // The step of the byte's segment: μ-law's doubles from 8 (segment 0), A-law's
                // is 16 in segments 0 and 1 and doubles from there.
                let (segment, step) = match law {
                    Law::Ulaw => {
                        let e = ((!byte >> 4) & 7) as i32;
                        (e, 8 << e)
                    }
                    Law::Alaw => {
                        let e = (((byte ^ 0x55) >> 4) & 7) as i32;
                        (e, 16 << (e - 1).max(0))
                    }
                };
                // μ-law clips magnitudes above 32,635 to its top level.
                let clipped = match law {
                    Law::Ulaw => ((x as i32).abs() - 32_635).max(0),
                    Law::Alaw => 0,
                };
                assert!(
                    err <= step / 2 + clipped,
                    "{law:?} {x} -> {byte:#04x} (segment {segment}) -> {y}: error {err}"
                );
            }
        }
    }
}
