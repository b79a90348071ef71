//! The random generators of the tests, fixtures and benches. Both are deterministic from a
//! seed, integer-only in their state, and give the same numbers on every target.
//!
//! - [`Lcg`], the core's 32-bit linear congruential generator, re-exported: the one the
//!   caller scripts' line noise and the core's voice draw from, so fixtures rendered here
//!   equal those rendered by the core's own tests.
//! - [`SplitMix64`], 64 bits, for the benches' floating-point signal models (noise colours,
//!   music, clicks), where a 32-bit LCG's low bits would show.

pub use recresp_core::synth::Lcg;

/// SplitMix64 (Steele, Lea and Flood's mixing of a Weyl sequence).
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator started from `seed`.
    pub const fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform integer in `0..n`; `n` of 0 counts as 1 (always 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_values() {
        // The first outputs from seed 0 of the reference implementation.
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn uniform_and_below_stay_in_range() {
        let mut r = SplitMix64::new(42);
        for _ in 0..1000 {
            let u = r.uniform();
            assert!((0.0..1.0).contains(&u));
            assert!(r.below(7) < 7);
        }
        assert_eq!(r.below(0), 0);
    }

    #[test]
    fn lcg_is_the_cores() {
        let mut a = Lcg::new(1);
        assert_eq!(a.next_u32(), 1_664_525u32.wrapping_add(1_013_904_223));
    }
}
