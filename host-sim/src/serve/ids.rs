//! Identifiers: random GUID-shaped ids for operations, calls, recordings and requests, hex
//! bearer tokens for recordings (both from the operating system's generator), and the form
//! Graph gives ids in resource paths.

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

/// An id as Graph writes it in `resourceUrl` and `@odata.id`: upper case without dashes
/// (`57dab8b1-894c-409a-b240-bd8beae78896` → `57DAB8B1894C409AB240BD8BEAE78896`). The same
/// rule applies to the ids a client chose itself, so a bot that compares a path's id with an
/// `id` property without normalizing fails here as it would against Graph.
pub fn graph_form(id: &str) -> String {
    id.chars()
        .filter(|&c| c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `path` with the id after each `calls/` and `operations/` segment in [`graph_form`].
pub fn graph_form_path(path: &str) -> String {
    let mut out = Vec::new();
    let mut id_next = false;
    for segment in path.split('/') {
        out.push(if id_next {
            graph_form(segment)
        } else {
            segment.to_string()
        });
        id_next = matches!(segment, "calls" | "operations");
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_carry_ids_upper_case_without_dashes() {
        assert_eq!(
            graph_form_path(
                "/communications/calls/57dab8b1-894c-409a-b240-bd8beae78896/operations/0fe0623f-d628-42ed-b4bd-8ac290072cc5"
            ),
            "/communications/calls/57DAB8B1894C409AB240BD8BEAE78896/operations/0FE0623FD62842EDB4BD8AC290072CC5"
        );
        assert_eq!(
            graph_form_path("/communications/calls/sdk-call"),
            "/communications/calls/SDKCALL"
        );
        assert_eq!(graph_form("ab-c"), graph_form("AB-C"));
    }

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
