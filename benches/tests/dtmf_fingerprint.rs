//! The DTMF detector's decisions on the Q.24 suite, pinned: every set of signals of
//! `recresp_benches::dtmf::fingerprint::q24` must give the same number of events and the same
//! hash of them (key, positions, report positions) as when the fingerprints were recorded.
//! A change meant only to make the detector cheaper must keep this passing; a change to its
//! decisions must show the Q.24 assertions still pass and record the new fingerprints
//! (`cargo run --release -p recresp-benches --bin dtmf_fingerprint`). Release only.

use recresp_benches::dtmf::fingerprint::q24;

/// (events, hash, label), as printed by the `dtmf_fingerprint` binary.
const EXPECTED: &[(usize, u64, &str)] = &[
    (
        3840,
        0x64b373dfb667b0f6,
        "q24 8000 Hz, default, chunks of 80",
    ),
    (
        3840,
        0xa6040564434fef31,
        "q24 8000 Hz, default, chunks of 37",
    ),
    (
        1360,
        0x3ede212102560ade,
        "q24 8000 Hz, floor -20, chunks of 80",
    ),
    (
        1360,
        0xda763d8aebbc7c09,
        "q24 8000 Hz, floor -20, chunks of 37",
    ),
    (
        3904,
        0x8e042914cedda8ab,
        "q24 8000 Hz, floor -60, chunks of 80",
    ),
    (
        3904,
        0x10016f025402ebf3,
        "q24 8000 Hz, floor -60, chunks of 37",
    ),
    (
        3904,
        0x8e042914cedda8ab,
        "q24 8000 Hz, floor -90, chunks of 80",
    ),
    (
        3904,
        0x10016f025402ebf3,
        "q24 8000 Hz, floor -90, chunks of 37",
    ),
    (
        3840,
        0x50adfaeff2789315,
        "q24 16000 Hz, default, chunks of 80",
    ),
    (
        3840,
        0x0243315203ca5c9b,
        "q24 16000 Hz, default, chunks of 37",
    ),
    (
        1358,
        0x97a79109a1f6d8ae,
        "q24 16000 Hz, floor -20, chunks of 80",
    ),
    (
        1358,
        0xabae9c35040ac65e,
        "q24 16000 Hz, floor -20, chunks of 37",
    ),
    (
        3904,
        0xfdfd7a8242dba0a0,
        "q24 16000 Hz, floor -60, chunks of 80",
    ),
    (
        3904,
        0x7e2ff3892d1c93bb,
        "q24 16000 Hz, floor -60, chunks of 37",
    ),
    (
        3904,
        0xfdfd7a8242dba0a0,
        "q24 16000 Hz, floor -90, chunks of 80",
    ),
    (
        3904,
        0x7e2ff3892d1c93bb,
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
