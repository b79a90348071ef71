//! The DTMF detector's decisions on the Q.24 suite, pinned: every set of signals of
//! `recresp_benches::dtmf_fingerprint::q24` must give the same number of events and the same
//! hash of them (key, positions, report positions) as when the fingerprints were recorded.
//! A change meant only to make the detector cheaper must keep this passing; a change to its
//! decisions must show the Q.24 assertions still pass and record the new fingerprints
//! (`cargo run --release -p recresp-benches --bin dtmf_fingerprint`). Release only.

use recresp_benches::dtmf_fingerprint::q24;

/// (events, hash, label), as printed by the `dtmf_fingerprint` binary.
const EXPECTED: &[(usize, u64, &str)] = &[
    (
        3840,
        0xa58353af71ef7e42,
        "q24 8000 Hz, default, chunks of 80",
    ),
    (
        3840,
        0x01a82c48c8a8249c,
        "q24 8000 Hz, default, chunks of 37",
    ),
    (
        1426,
        0xe238a7a0518d3520,
        "q24 8000 Hz, floor -20, chunks of 80",
    ),
    (
        1426,
        0xa5e4ebcacc1cb0c2,
        "q24 8000 Hz, floor -20, chunks of 37",
    ),
    (
        3904,
        0xa24a23b61833a17c,
        "q24 8000 Hz, floor -60, chunks of 80",
    ),
    (
        3904,
        0x458668c01205b65b,
        "q24 8000 Hz, floor -60, chunks of 37",
    ),
    (
        3904,
        0xa24a23b61833a17c,
        "q24 8000 Hz, floor -90, chunks of 80",
    ),
    (
        3904,
        0x458668c01205b65b,
        "q24 8000 Hz, floor -90, chunks of 37",
    ),
    (
        3840,
        0x0d441e2bd9a75b55,
        "q24 16000 Hz, default, chunks of 80",
    ),
    (
        3840,
        0x0f14b6dd2b079bc4,
        "q24 16000 Hz, default, chunks of 37",
    ),
    (
        1426,
        0xed89c576a8b76692,
        "q24 16000 Hz, floor -20, chunks of 80",
    ),
    (
        1426,
        0x1010e6330c57459d,
        "q24 16000 Hz, floor -20, chunks of 37",
    ),
    (
        3904,
        0x0c5662c8b09a6b89,
        "q24 16000 Hz, floor -60, chunks of 80",
    ),
    (
        3904,
        0x21fd13d30a2ddda9,
        "q24 16000 Hz, floor -60, chunks of 37",
    ),
    (
        3904,
        0x0c5662c8b09a6b89,
        "q24 16000 Hz, floor -90, chunks of 80",
    ),
    (
        3904,
        0x21fd13d30a2ddda9,
        "q24 16000 Hz, floor -90, chunks of 37",
    ),
];

#[test]
#[cfg_attr(debug_assertions, ignore = "run in release: scripts/test.sh")]
fn q24_events_are_unchanged() {
    let got = q24();
    assert_eq!(got.len(), EXPECTED.len());
    for (f, &(events, hash, label)) in got.iter().zip(EXPECTED) {
        assert_eq!(f.label, label);
        assert_eq!((f.events, f.hash), (events, hash), "{label}");
    }
}
