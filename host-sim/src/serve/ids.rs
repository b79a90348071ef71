//! Random identifiers from the operating system's generator: GUID-shaped ids for operations,
//! calls, recordings and requests, and hex bearer tokens for recordings.

use std::fmt::Write;

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random generator works");
    bytes
}

/// A random (version 4) GUID, e.g. `0fe0623f-d628-42ed-b4bd-8ac290072cc5`: 122 random bits.
pub fn guid() -> String {
    let mut b = random::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{byte:02x}");
    }
    s
}

/// A random bearer token: 256 bits as 64 hex digits.
pub fn token() -> String {
    random::<32>()
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_shaped_and_distinct() {
        let a = guid();
        assert_eq!(a.len(), 36);
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'), "{a}");
        assert!("89ab".contains(&parts[3][..1]), "{a}");
        let many: std::collections::HashSet<String> = (0..1000).map(|_| guid()).collect();
        assert_eq!(many.len(), 1000);
        let t = token();
        assert_eq!(t.len(), 64);
        assert!(t.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(t, token());
    }
}
