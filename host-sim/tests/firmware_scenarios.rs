//! The firmware example's scenarios on x86: the same library the Cortex-M images run
//! (`recresp-firmware-scenarios`, in `firmware-example/scenarios/`), through the same core.
//! Every scenario must end with its expected completion reason and well-formed Graph
//! documents, and send the frame that ends the beep in the packet time the recorder says
//! `BeepFinished`.
//!
//! Golden outcomes: every scenario's `outcome` line (completion reason, recording length and
//! checksum, notification checksum, frames) must equal the committed
//! `tests/golden/firmware-outcomes.txt`, in a plain `cargo test`. Bit-exactness with the
//! target: `scripts/test-firmware.sh` runs the image under QEMU, saves its decoded log and runs
//! this test with `RECRESP_FIRMWARE_LOG` naming it (and `RECRESP_FIRMWARE_G722_LOG` the G.722 image's) and
//! `--include-ignored`; the firmware's `outcome` lines (the G.711 image's, then the G.722
//! image's) must then equal the same golden file, and its `outbound` lines the host's (the comparison is ignored in a plain
//! `cargo test`, and fails when asked for without the log). `RECRESP_BLESS=1` rewrites the golden file from the host's run
//! (for a change that is meant to change the outcomes; the diff shows what changed).
//!
//! The many-channel image (`many.rs`, 64 recorders side by side) is checked the same way
//! against `tests/golden/firmware-many-outcomes.txt`, and against the firmware's log given in
//! `RECRESP_FIRMWARE_MANY_LOG`.

mod golden_file;

use recresp_core::CompletionReason;
use recresp_firmware_scenarios::scenarios::{
    Coding, Scenario, CLIPS, PROMPT, PROMPT_SAMPLES, RATE, SCENARIOS, WIDEBAND_SCENARIOS,
};
use recresp_firmware_scenarios::{many, network, runner};
use runner::{CallMemory, ChannelRecorder, Hooks, Outcome, WidebandRecorder, JSON_CAPACITY};

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
    let mut bytes = vec![0u8; clip.bytes()];
    clip.render(&mut pcm, &mut bytes);
    bytes
}

/// The prompt as the build script stores it in the image.
fn prompt() -> &'static [i16] {
    let mut pcm = vec![0i16; PROMPT_SAMPLES];
    PROMPT.add_to(RATE, &mut pcm);
    Box::leak(pcm.into_boxed_slice())
}

/// Runs every scenario on one recorder, in order, as the firmware does: the G.711 ones on a
/// μ-law recorder, then the G.722 ones on a 16 kHz recorder (the G.722 image's).
fn run_all() -> Vec<(&'static Scenario, Outcome, Seen)> {
    let mut recorder = ChannelRecorder::new(RATE).expect("capacity fits 8 kHz");
    let mut wideband = WidebandRecorder::new(Coding::G722.rate()).expect("capacity fits 16 kHz");
    let mut memory = CallMemory::new();
    let mut json = [0u8; JSON_CAPACITY];
    let prompt = prompt();
    SCENARIOS
        .iter()
        .chain(&WIDEBAND_SCENARIOS)
        .map(|s| {
            let mut seen = Seen::default();
            let clip = clip_bytes(s.clip);
            let outcome = match s.coding() {
                Coding::G711 => runner::run(
                    &mut recorder,
                    &mut memory,
                    &mut json,
                    s,
                    &clip,
                    prompt,
                    &mut seen,
                ),
                Coding::G722 => runner::run(
                    &mut wideband,
                    &mut memory,
                    &mut json,
                    s,
                    &clip,
                    &[],
                    &mut seen,
                ),
            }
            .unwrap_or_else(|e| panic!("{}: {e:?}", s.name));
            (s, outcome, seen)
        })
        .collect()
}

#[test]
fn every_scenario_ends_as_expected_with_graph_documents() {
    let all = run_all();
    assert_eq!(all.len(), SCENARIOS.len() + WIDEBAND_SCENARIOS.len());
    for (scenario, outcome, seen) in &all {
        let name = scenario.name;
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
    let (_, cap, _) = all.iter().find(|(s, ..)| s.name == "time-cap").unwrap();
    assert_eq!(cap.recorded_samples, RATE.samples_in_s(1));
}

#[test]
fn the_network_loses_delays_and_duplicates_a_few_packets() {
    use recresp_core::RtpPacket;
    let mut arrived: Vec<u16> = Vec::new();
    let frame = [0xFFu8; runner::FRAME_BYTES];
    let mut net = network::Network::new(Coding::G711.payload_type());
    for _ in 0..2 * network::PERIOD {
        net.send(&frame, |p| {
            let p = RtpPacket::parse(p).unwrap();
            assert_eq!(p.ssrc, network::SSRC);
            assert_eq!(p.payload.len(), runner::FRAME_BYTES);
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

/// One `outbound` line of the firmware's log, as the firmware prints it.
fn outbound_line(name: &str, o: &Outcome) -> String {
    let b = &o.outbound;
    format!(
        "outbound {name} frames={} fnv={:#x} beep_sent={:?} beep_finished={:?}",
        b.frames, b.fnv, b.beep_sent, b.beep_finished
    )
}

/// The host's outcome lines, one per scenario, as the firmware prints them.
fn host_lines() -> String {
    run_all()
        .iter()
        .map(|(s, o, _)| outcome_line(s.name, o) + "\n")
        .collect()
}

/// The host's outbound lines, one per scenario, as the firmware prints them.
fn host_outbound_lines() -> String {
    run_all()
        .iter()
        .map(|(s, o, _)| outbound_line(s.name, o) + "\n")
        .collect()
}

#[test]
fn the_beep_goes_out_in_step_with_the_recorder() {
    for (s, o, _) in &run_all() {
        assert!(o.outbound.beep_in_step(), "{}: {:?}", s.name, o.outbound);
    }
    // The calls that play a beep do send one.
    let beeps = run_all()
        .iter()
        .filter(|(_, o, _)| o.outbound.beep_sent.is_some())
        .count();
    assert_eq!(beeps, 3);
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
    let log = firmware_log("RECRESP_FIRMWARE_LOG") + &firmware_log("RECRESP_FIRMWARE_G722_LOG");
    let golden = std::fs::read_to_string(GOLDEN).expect("read the golden file");
    assert_eq!(
        lines_starting(&log, "outcome "),
        golden,
        "firmware (left) and golden file (right) differ"
    );
    assert_eq!(
        lines_starting(&log, "outbound "),
        host_outbound_lines(),
        "firmware (left) and host (right) send different outbound streams"
    );
}

/// The lines of a decoded firmware log from `prefix` on (the log level before it dropped).
fn lines_starting(log: &str, prefix: &str) -> String {
    log.lines()
        .filter_map(|l| l.find(prefix).map(|i| l[i..].trim_end().to_owned() + "\n"))
        .collect()
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
