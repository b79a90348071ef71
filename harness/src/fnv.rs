//! FNV-1a, the checksum of the golden files: 32 bits ([`Fnv1a32`]) for the recordings and
//! JSON documents that the firmware and the host compare, 64 bits ([`Fnv1a64`]) for whole
//! files the host writes. One byte at a time; samples are hashed as their little-endian
//! bytes.

/// A running FNV-1a 32-bit hash; the field is the hash so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fnv1a32(pub u32);

impl Fnv1a32 {
    /// The FNV-1a offset basis: the hash of nothing.
    pub const OFFSET_BASIS: u32 = 0x811c_9dc5;
    /// The FNV 32-bit prime.
    pub const PRIME: u32 = 0x0100_0193;

    /// A hash of nothing yet.
    pub const fn new() -> Self {
        Fnv1a32(Self::OFFSET_BASIS)
    }

    /// Hashes `bytes` in.
    pub fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u32).wrapping_mul(Self::PRIME);
        }
    }

    /// Hashes samples in as their little-endian bytes.
    pub fn samples(&mut self, samples: &[i16]) {
        for s in samples {
            self.bytes(&s.to_le_bytes());
        }
    }

    /// The hash so far.
    pub const fn value(&self) -> u32 {
        self.0
    }
}

impl Default for Fnv1a32 {
    fn default() -> Self {
        Self::new()
    }
}

/// A running FNV-1a 64-bit hash; the field is the hash so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fnv1a64(pub u64);

impl Fnv1a64 {
    /// The FNV-1a offset basis: the hash of nothing.
    pub const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    /// The FNV 64-bit prime.
    pub const PRIME: u64 = 0x0100_0000_01b3;

    /// A hash of nothing yet.
    pub const fn new() -> Self {
        Fnv1a64(Self::OFFSET_BASIS)
    }

    /// Hashes `bytes` in.
    pub fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(Self::PRIME);
        }
    }

    /// The hash of `bytes` alone.
    pub fn of(bytes: &[u8]) -> u64 {
        let mut h = Self::new();
        h.bytes(bytes);
        h.0
    }

    /// The hash so far.
    pub const fn value(&self) -> u64 {
        self.0
    }
}

impl Default for Fnv1a64 {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_vectors() {
        // The published FNV-1a 32 test vectors.
        assert_eq!(Fnv1a32::new().value(), 0x811c_9dc5);
        let mut a = Fnv1a32::new();
        a.bytes(b"a");
        assert_eq!(a.value(), 0xe40c_292c);
        let mut foobar = Fnv1a32::new();
        foobar.bytes(b"foobar");
        assert_eq!(foobar.value(), 0xbf9c_f968);
        assert_eq!(Fnv1a64::of(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(Fnv1a64::of(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(Fnv1a64::of(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn samples_are_little_endian_bytes() {
        let mut h = Fnv1a32::new();
        h.samples(&[0x0201, -1]);
        let mut want = Fnv1a32::new();
        want.bytes(&[0x01, 0x02, 0xff, 0xff]);
        assert_eq!(h, want);
    }
}
