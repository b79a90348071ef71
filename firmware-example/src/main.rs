//! recresp's recorder in firmware: a Cortex-M3 (QEMU mps2-an385) answers the calls in
//! [`scenarios`] one after the other on one channel. For each it parses Graph's request body,
//! runs the real recorder over the caller's G.711 audio stored in flash, lights LED 0 while it
//! captures, and prints the completion reason, the recording's length and checksum and the
//! notification JSON over defmt (semihosting).
//!
//! QEMU exits with status 0 only if every scenario ended with its expected completion reason
//! and the peak stack stayed within 4 KiB; a failed scenario, a deeper stack, a panic or a
//! hard fault exits with status 1. State is static (the
//! recorder and the JSON buffer in `.bss`, the call's request and RTP receiver in `.data`,
//! none of them ever built on the stack); nothing allocates.
//!
//! `recresp_bench_start` / `recresp_bench_stop` bracket each call into the recorder, so an
//! instruction-counting QEMU plugin can measure what the recorder costs per frame
//! (`scripts/firmware-cost.sh`).
#![no_std]
#![no_main]

mod bench_markers;
mod board;
mod network;
mod qemu_exit;
mod runner;
// Rendering the clips is for the build script and the host test; the image has them rendered.
#[allow(dead_code)]
mod scenarios;
mod stack;

use core::mem::MaybeUninit;

use cortex_m_rt::entry;
use defmt_semihosting as _;
use embedded_hal::digital::{OutputPin, StatefulOutputPin};
use qemu_exit::exit;
use recresp_core::HoldBack;
use recresp_core::{
    required_capacity, DetectorConfig, DtmfDetector, Event, MuLaw, NarrowbandRecorder, Recorder,
    SpeechDetector,
};

use board::Led0;
use runner::{CallMemory, ChannelRecorder, Hooks, JsonBuffer, RunError, JSON_CAPACITY};
use scenarios::{CLIPS, RATE, SCENARIOS};

include!(concat!(env!("OUT_DIR"), "/audio.rs"));

/// The goal for the whole run's peak stack (start-up and the request parse included): at
/// most 4 KiB. A run that goes deeper fails.
const STACK_GOAL: usize = 4096;

// The goal for a channel's state on this 32-bit target: at most 2 KiB.
const _: () = assert!(size_of::<ChannelRecorder>() <= 2048);

/// What the board does around the recorder: bench markers, the lamp, the log.
struct Board {
    lamp: Led0,
    /// Frames after which the lamp read back lit.
    lit_frames: u32,
    /// Peak stack use: the whole run (what [`stack::repaint`] erased included).
    stack_total: usize,
    /// Peak stack use from the running operation on (the request parse excluded).
    stack_after_parse: usize,
    /// Peak stack use from the first call into the recorder to the last.
    stack_recorder: usize,
    /// The stack is to be painted again before the next call into the recorder.
    repaint_before_push: bool,
}

impl Board {
    /// Peak stack use since the last repaint, recorded in `slot` (and in the total).
    fn note_stack(&mut self, slot: fn(&mut Board) -> &mut usize) {
        let peak = stack::peak_bytes();
        let s = slot(self);
        *s = (*s).max(peak);
        self.stack_total = self.stack_total.max(peak);
    }
}

impl Hooks for Board {
    fn before_push(&mut self) {
        if self.repaint_before_push {
            self.repaint_before_push = false;
            self.note_stack(|b| &mut b.stack_after_parse);
            stack::repaint();
        }
        bench_markers::recresp_bench_start();
    }

    fn after_push(&mut self) {
        bench_markers::recresp_bench_stop();
        self.note_stack(|b| &mut b.stack_recorder);
    }

    fn capturing(&mut self, on: bool) {
        let _ = if on {
            self.lamp.set_high()
        } else {
            self.lamp.set_low()
        };
        if self.lamp.is_set_high() == Ok(true) {
            self.lit_frames += 1;
        }
    }

    fn event(&mut self, event: &Event<'_>) {
        defmt::debug!("event {}", event);
    }

    fn running_operation(&mut self, json: &str) {
        defmt::info!("201 Created: {=str}", json);
        // The request is parsed: measure the rest of the scenario on its own, and the
        // recorder's calls on their own.
        self.note_stack(|b| &mut b.stack_total);
        stack::repaint();
        self.repaint_before_push = true;
    }

    fn notification(&mut self, json: &str) {
        defmt::info!("notification: {=str}", json);
        self.note_stack(|b| &mut b.stack_after_parse);
    }
}

/// A one-word description of a run error.
fn describe(e: &RunError) -> &'static str {
    match e {
        RunError::Request(_) => "request refused",
        RunError::Json(_) => "JSON buffer too small",
        RunError::Hung => "did not complete",
        RunError::Rtp(_) => "RTP packet refused",
        RunError::CapturedMoreThanRecorded { .. } => "captured more than recorded",
    }
}

#[entry]
fn main() -> ! {
    // cortex-m-rt hands these to `main` as `&'static mut`, initialised at reset by the
    // runtime's copy of `.data` and zeroing of `.bss`: nothing is built on the stack.
    static mut RECORDER: MaybeUninit<ChannelRecorder> = MaybeUninit::uninit();
    static mut MEMORY: CallMemory = CallMemory::new();
    static mut JSON: JsonBuffer = [0; JSON_CAPACITY];
    let Some(recorder) = init_recorder(RECORDER) else {
        defmt::error!("no recorder: hold-back ring too small");
        exit(false);
    };
    let (memory, json) = (MEMORY, JSON);
    let mut board = Board {
        lamp: Led0::take(),
        lit_frames: 0,
        stack_total: 0,
        stack_after_parse: 0,
        stack_recorder: 0,
        repaint_before_push: false,
    };
    defmt::info!(
        "recresp firmware example: {=usize} scenarios, recorder state {=usize} bytes per channel",
        SCENARIOS.len(),
        size_of::<ChannelRecorder>()
    );
    defmt::info!(
        "with 16-bit storage instead: {=usize} bytes for 8 kHz only, {=usize} bytes for 8 and 16 kHz",
        size_of::<NarrowbandRecorder>(),
        size_of::<Recorder>()
    );
    let (ring, dtmf, speech) = (
        size_of::<HoldBack<{ required_capacity(RATE) }, MuLaw>>(),
        size_of::<DtmfDetector>(),
        size_of::<SpeechDetector>(),
    );
    defmt::info!(
        "of which: hold-back ring {=usize}, DTMF detector {=usize}, speech detector {=usize}, event queue, positions and options {=usize}",
        ring,
        dtmf,
        speech,
        size_of::<ChannelRecorder>() - ring - dtmf - speech
    );
    let mut passed = 0;
    for scenario in &SCENARIOS {
        let clip = CLIP_AUDIO.get(scenario.clip).copied().unwrap_or(&[]);
        let clip_name = CLIPS.get(scenario.clip).map_or("?", |c| c.name);
        defmt::info!(
            "== {=str}: {=str}, {=usize} bytes of caller audio",
            scenario.name,
            clip_name,
            clip.len()
        );
        board.lit_frames = 0;
        match runner::run(recorder, memory, json, scenario, clip, &mut board) {
            Ok(outcome) => {
                defmt::println!(
                    "outcome {=str} reason={=str} samples={=u64} recording_fnv={=u32:#x} notification_fnv={=u32:#x} frames={=u32}",
                    scenario.name,
                    outcome.reason.as_str(),
                    outcome.recorded_samples,
                    outcome.recording_fnv,
                    outcome.notification_fnv,
                    outcome.frames
                );
                let lamp_ok = (board.lit_frames > 0) == (outcome.recorded_samples > 0);
                if outcome.reason != scenario.expected {
                    defmt::error!(
                        "{=str}: FAILED, expected {=str}",
                        scenario.name,
                        scenario.expected.as_str()
                    );
                } else if !lamp_ok {
                    defmt::error!(
                        "{=str}: FAILED, the lamp was lit for {=u32} frames",
                        scenario.name,
                        board.lit_frames
                    );
                } else {
                    defmt::info!("{=str}: ok", scenario.name);
                    passed += 1;
                }
            }
            Err(e) => defmt::error!("{=str}: FAILED, {=str}", scenario.name, describe(&e)),
        }
    }
    let failed = SCENARIOS.len() - passed;
    board.note_stack(|b| &mut b.stack_total);
    defmt::info!(
        "peak stack use: {=usize} bytes; without the request parse: {=usize} bytes; while the recorder runs: {=usize} bytes",
        board.stack_total,
        board.stack_after_parse,
        board.stack_recorder
    );
    let stack_ok = board.stack_total <= STACK_GOAL;
    if !stack_ok {
        defmt::error!(
            "FAILED: peak stack {=usize} bytes, over the {=usize}-byte goal",
            board.stack_total,
            STACK_GOAL
        );
    }
    defmt::println!("firmware: {=usize} passed, {=usize} failed", passed, failed);
    exit(failed == 0 && stack_ok);
}

/// Writes the channel's recorder into its static slot. Not inlined, so whatever the
/// constructor leaves on the stack is gone before the scenarios run.
#[inline(never)]
fn init_recorder(
    slot: &'static mut MaybeUninit<ChannelRecorder>,
) -> Option<&'static mut ChannelRecorder> {
    ChannelRecorder::with_config_in(slot, RATE, DetectorConfig::default()).ok()
}
