//! A golden CLI run: `recresp-sim demo` must write the recording whose length and FNV-1a 64
//! checksum are committed in `tests/golden/demo-recording.txt`, so a change to the core that
//! changes a single recorded sample fails a plain `cargo test`. `RECRESP_BLESS=1` rewrites the
//! file (for a change meant to change the recording; the diff shows it; see `golden_file`).

mod golden_file;

use std::process::Command;

use recresp_harness::Fnv1a64;

const GOLDEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/golden/demo-recording.txt"
);

#[test]
fn the_demo_recording_is_the_golden_one() {
    let dir = std::env::temp_dir().join(format!("recresp-golden-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_recresp-sim"))
        .args(["demo", "--out"])
        .arg(&dir)
        .output()
        .expect("recresp-sim runs");
    assert!(out.status.success(), "{out:?}");
    let wav = std::fs::read(dir.join("recording.wav")).expect("the demo writes a recording");
    let _ = std::fs::remove_dir_all(&dir);
    let reader = hound::WavReader::new(wav.as_slice()).expect("a WAV file");
    let line = format!(
        "recording.wav bytes={} samples={} rate={} fnv1a64={:#018x}\n",
        wav.len(),
        reader.len(),
        reader.spec().sample_rate,
        Fnv1a64::of(&wav)
    );
    golden_file::check(GOLDEN, &line, "this run");
}
