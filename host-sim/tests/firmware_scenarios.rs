//! The firmware example's scenarios on x86: the same scenario table and runner source the
//! Cortex-M image runs (`firmware-example/src/scenarios.rs` and `runner.rs`), through the same
//! core. Every scenario must end with its expected completion reason and well-formed Graph
//! documents.
//!
//! Golden outcomes: every scenario's `outcome` line (completion reason, recording length and
//! checksum, notification checksum, frames) must equal the committed
//! `tests/golden/firmware-outcomes.txt`, in a plain `cargo test`. Bit-exactness with the
//! target: `scripts/test-firmware.sh` runs the image under QEMU, saves its decoded log and runs
//! this test with `RECRESP_FIRMWARE_LOG` naming it and `--include-ignored`; the firmware's
//! `outcome` lines must then equal the same golden file (the comparison is ignored in a plain
//! `cargo test`, and fails when asked for without the log). `RECRESP_BLESS=1` rewrites the golden file from the host's run
//! (for a change that is meant to change the outcomes; the diff shows what changed).
//!
//! The many-channel image (`many.rs`, 64 recorders side by side) is checked the same way
//! against `tests/golden/firmware-many-outcomes.txt`, and against the firmware's log given in
//! `RECRESP_FIRMWARE_MANY_LOG`.

mod golden_file;

#[allow(dead_code)]
#[path = "../../firmware-example/src/scenarios.rs"]
mod scenarios;

#[path = "../../firmware-example/src/runner.rs"]
mod runner;

#[path = "../../firmware-example/src/many.rs"]
mod many;
#[path = "../../firmware-example/src/network.rs"]
mod network;

use recresp_core::CompletionReason;
use runner::{CallMemory, ChannelRecorder, Hooks, Outcome, JSON_CAPACITY};
use scenarios::{CLIPS, LAW, RATE, SCENARIOS};

/// What the host saw besides the outcome.
#[derive(Default)]
struct Seen {
    running_operation: String,
    notification: String,
    lit_frames: u32,
    pushes: u32,
}

impl Hooks for Seen {
    fn before_push(&mut self) {
        self.pushes += 1;
    }
    fn capturing(&mut self, on: bool) {
        self.lit_frames += on as u32;
    }
    fn running_operation(&mut self, json: &str) {
        self.running_operation = json.to_owned();
    }
    fn notification(&mut self, json: &str) {
        self.notification = json.to_owned();
    }
}

/// The clip as the build script stores it in the image.
fn clip_bytes(index: usize) -> Vec<u8> {
    let clip = &CLIPS[index];
    let mut pcm = vec![0i16; clip.samples()];
    clip.render_pcm(&mut pcm);
    pcm.iter().map(|&s| LAW.encode(s)).collect()
}

/// Runs every scenario on one recorder, in order, as the firmware does.
fn run_all() -> Vec<(&'static str, Outcome, Seen)> {
    let mut recorder = ChannelRecorder::new(RATE).expect("capacity fits 8 kHz");
    let mut memory = CallMemory::new();
    let mut json = [0u8; JSON_CAPACITY];
    SCENARIOS
        .iter()
        .map(|s| {
            let mut seen = Seen::default();
            let outcome = runner::run(
                &mut recorder,
                &mut memory,
                &mut json,
                s,
                &clip_bytes(s.clip),
                &mut seen,
            )
            .unwrap_or_else(|e| panic!("{}: {e:?}", s.name));
            (s.name, outcome, seen)
        })
        .collect()
}

#[test]
fn every_scenario_ends_as_expected_with_graph_documents() {
    for ((name, outcome, seen), scenario) in run_all().iter().zip(&SCENARIOS) {
        assert_eq!(outcome.reason, scenario.expected, "{name}");
        let reason = scenario.expected;
        let records = reason != CompletionReason::InitialSilenceTimeout;
        assert_eq!(outcome.recorded_samples > 0, records, "{name}: {outcome:?}");
        assert_eq!(seen.lit_frames > 0, records, "{name}: the lamp");

        let op: serde_json::Value = serde_json::from_str(&seen.running_operation).unwrap();
        assert_eq!(op["status"], "running", "{name}");
        let note: serde_json::Value = serde_json::from_str(&seen.notification).unwrap();
        let data = &note["value"][0]["resourceData"];
        assert_eq!(data["completionReason"], reason.as_str(), "{name}");
        assert_eq!(data["id"], op["id"], "{name}");
        assert_eq!(
            data["recordingLocation"].as_str().unwrap().is_empty(),
            !records,
            "{name}"
        );
    }
}

#[test]
fn the_time_cap_cuts_at_exactly_one_second() {
    let all = run_all();
    let (_, cap, _) = all.iter().find(|(n, ..)| *n == "time-cap").unwrap();
    assert_eq!(cap.recorded_samples, RATE.samples_in_s(1));
}

#[test]
fn the_network_loses_delays_and_duplicates_a_few_packets() {
    use recresp_core::RtpPacket;
    let mut net = network::Network::new();
    let mut arrived: Vec<u16> = Vec::new();
    let frame = [0xFFu8; runner::FRAME_SAMPLES];
    for _ in 0..2 * network::PERIOD {
        net.send(&frame, |p| {
            let p = RtpPacket::parse(p).unwrap();
            assert_eq!(p.ssrc, network::SSRC);
            assert_eq!(p.payload.len(), runner::FRAME_SAMPLES);
            arrived.push(p.sequence.wrapping_sub(network::FIRST_SEQUENCE));
        });
    }
    let (lost, late, twice) = (
        network::LOST as u16,
        network::LATE as u16,
        network::TWICE as u16,
    );
    assert!(!arrived.contains(&lost));
    let at = |s: u16| arrived.iter().position(|&a| a == s).unwrap();
    assert_eq!(
        at(late),
        at(late + 1) + 1,
        "late arrives after the next one"
    );
    assert_eq!(arrived.iter().filter(|&&a| a == twice).count(), 2);
    assert_eq!(arrived.len() as u32, 2 * network::PERIOD);
}

/// One `outcome` line of the firmware's log, as the firmware prints it.
fn outcome_line(name: &str, o: &Outcome) -> String {
    format!(
        "outcome {name} reason={} samples={} recording_fnv={:#x} notification_fnv={:#x} frames={}",
        o.reason.as_str(),
        o.recorded_samples,
        o.recording_fnv,
        o.notification_fnv,
        o.frames
    )
}

/// The committed golden outcome lines.
const GOLDEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/golden/firmware-outcomes.txt"
);

/// The host's outcome lines, one per scenario, as the firmware prints them.
fn host_lines() -> String {
    run_all()
        .iter()
        .map(|(name, o, _)| outcome_line(name, o) + "\n")
        .collect()
}

#[test]
fn the_host_gives_the_golden_outcomes() {
    let host = host_lines();
    golden_file::check(GOLDEN, &host, "host");
}

/// The firmware's log named by `var`, which scripts/test-firmware.sh sets; a run that asks
/// for the comparison without it fails.
fn firmware_log(var: &str) -> String {
    let path = std::env::var_os(var)
        .unwrap_or_else(|| panic!("{var} names no firmware log: run scripts/test-firmware.sh"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path:?}: {e}"))
}

#[test]
#[ignore = "needs the firmware's QEMU log: scripts/test-firmware.sh runs it"]
fn the_firmware_under_qemu_gives_the_golden_outcomes() {
    let log = firmware_log("RECRESP_FIRMWARE_LOG");
    let firmware: String = log
        .lines()
        .filter_map(|l| {
            l.find("outcome ")
                .map(|i| l[i..].trim_end().to_owned() + "\n")
        })
        .collect();
    let golden = std::fs::read_to_string(GOLDEN).expect("read the golden file");
    assert_eq!(
        firmware, golden,
        "firmware (left) and golden file (right) differ"
    );
}

/// The committed golden lines of the many-channel run.
const GOLDEN_MANY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/golden/firmware-many-outcomes.txt"
);

/// The many-channel run on the host: one line per channel, as the firmware prints it.
fn many_lines() -> String {
    let mut recorders: Box<[ChannelRecorder; many::CHANNELS]> = (0..many::CHANNELS)
        .map(|_| ChannelRecorder::new(RATE).expect("capacity fits 8 kHz"))
        .collect::<Vec<_>>()
        .try_into()
        .unwrap_or_else(|_| unreachable!());
    let clips: Vec<&'static [u8]> = (0..CLIPS.len())
        .map(|i| &*Box::leak(clip_bytes(i).into_boxed_slice()))
        .collect();
    let mut lines = String::new();
    let mut unexpected = Vec::new();
    many::run_many(
        &mut recorders,
        &mut many::ManyMemory::new(),
        &clips,
        &mut Seen::default(),
        |c, o| {
            if !o.expected {
                unexpected.push(c);
            }
            lines += &format!(
                "channel {c} {} reason={} samples={} recording_fnv={:#x} frames={}\n",
                o.scenario,
                o.reason.as_str(),
                o.recorded_samples,
                o.recording_fnv,
                o.frames
            );
        },
    )
    .expect("every channel runs to its end");
    assert!(
        unexpected.is_empty(),
        "channels {unexpected:?} ended unexpectedly"
    );
    lines
}

#[test]
fn the_many_channel_run_gives_the_golden_outcomes() {
    let host = many_lines();
    assert_eq!(host.lines().count(), many::CHANNELS);
    // Channels running the same scenario on different streams record different audio.
    let stop_key: std::collections::HashSet<&str> = host
        .lines()
        .filter(|l| l.contains(" stop-key "))
        .filter_map(|l| l.split_whitespace().nth(5))
        .collect();
    assert_eq!(stop_key.len(), many::CHANNELS / SCENARIOS.len(), "{host}");
    golden_file::check(GOLDEN_MANY, &host, "host");
}

#[test]
#[ignore = "needs the many-channel image's QEMU log: scripts/test-firmware.sh runs it"]
fn the_many_channel_firmware_gives_the_golden_outcomes() {
    let log = firmware_log("RECRESP_FIRMWARE_MANY_LOG");
    let firmware: String = log
        .lines()
        .filter_map(|l| {
            l.find("channel ")
                .map(|i| l[i..].trim_end().to_owned() + "\n")
        })
        .filter(|l| l.contains(" reason="))
        .collect();
    let golden = std::fs::read_to_string(GOLDEN_MANY).expect("read the golden file");
    assert_eq!(
        firmware, golden,
        "firmware (left) and golden file (right) differ"
    );
}
