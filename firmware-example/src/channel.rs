//! One channel answering calls one after the other, as the G.711 and G.722 images run it:
//! the board around the recorder (bench markers, LED 0, the stack gauge, the log), and each
//! call's outcome printed and checked.

use embedded_hal::digital::{OutputPin, StatefulOutputPin};
use recresp_core::{Event, Recorder, Store};
use recresp_firmware_scenarios::runner::{self, CallMemory, Hooks, JsonBuffer, Outcome, RunError};
use recresp_firmware_scenarios::scenarios::Scenario;

use crate::board::Led0;
use crate::qemu_exit::exit;
use crate::{bench_markers, stack};

/// The goal for the whole run's peak stack (start-up and the request parse included): at
/// most 4 KiB. A run that goes deeper fails.
pub const STACK_GOAL: usize = 4096;

/// Runs every one of `scenarios` on `recorder`, one after the other (each with its clip
/// from `clips`, indexed like `scenarios::CLIPS`, and `prompt` as the prompt), printing each
/// outcome; returns how many passed. Always inlined, so it adds no frame under the calls.
#[inline(always)]
pub fn run_all<const N: usize, S: Store>(
    recorder: &mut Recorder<N, S>,
    memory: &mut CallMemory,
    json: &mut JsonBuffer,
    scenarios: &[Scenario],
    clips: &[&[u8]],
    prompt: &'static [i16],
    board: &mut Board,
) -> usize {
    let mut passed = 0;
    for scenario in scenarios {
        let clip = clips.get(scenario.clip).copied().unwrap_or(&[]);
        defmt::info!(
            "== {=str}: {=usize} bytes of caller audio",
            scenario.name,
            clip.len()
        );
        board.lit_frames = 0;
        match runner::run(recorder, memory, json, scenario, clip, prompt, board) {
            Ok(outcome) => {
                if report(scenario, &outcome, board.lit_frames) {
                    passed += 1;
                }
            }
            Err(e) => defmt::error!("{=str}: FAILED, {=str}", scenario.name, describe(&e)),
        }
    }
    passed
}

/// What the board does around the recorder: bench markers, the lamp, the log.
pub struct Board {
    lamp: Led0,
    /// Frames after which the lamp read back lit.
    pub lit_frames: u32,
    /// Peak stack use: the whole run (what [`stack::repaint`] erased included).
    pub stack_total: usize,
    /// Peak stack use from the running operation on (the request parse excluded).
    pub stack_after_parse: usize,
    /// Peak stack use from the first call into the recorder to the last.
    pub stack_recorder: usize,
    /// The stack is to be painted again before the next call into the recorder.
    repaint_before_push: bool,
}

impl Board {
    /// The board at reset: LED 0 taken and off, nothing measured yet. Call once.
    pub fn take() -> Self {
        Board {
            lamp: Led0::take(),
            lit_frames: 0,
            stack_total: 0,
            stack_after_parse: 0,
            stack_recorder: 0,
            repaint_before_push: false,
        }
    }

    /// Ends the run of the image `name`: notes and prints the peak stack, prints
    /// `name: N passed, M failed` for `passed` of `total` calls, and exits QEMU with success
    /// only if every call passed and the peak stack stayed within [`STACK_GOAL`]. Always
    /// inlined, so it adds no frame.
    #[inline(always)]
    pub fn finish(&mut self, name: &str, passed: usize, total: usize) -> ! {
        self.note_stack(|b| &mut b.stack_total);
        defmt::info!(
            "peak stack use: {=usize} bytes; without the request parse: {=usize} bytes; while the recorder runs: {=usize} bytes",
            self.stack_total,
            self.stack_after_parse,
            self.stack_recorder
        );
        let stack_ok = self.stack_total <= STACK_GOAL;
        if !stack_ok {
            defmt::error!(
                "FAILED: peak stack {=usize} bytes, over the {=usize}-byte goal",
                self.stack_total,
                STACK_GOAL
            );
        }
        let failed = total - passed;
        defmt::println!(
            "{=str}: {=usize} passed, {=usize} failed",
            name,
            passed,
            failed
        );
        exit(failed == 0 && stack_ok);
    }

    /// Peak stack use since the last repaint, recorded in `slot` (and in the total).
    pub fn note_stack(&mut self, slot: fn(&mut Board) -> &mut usize) {
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

    fn beep_sent(&mut self, with_recorder: bool) {
        defmt::info!(
            "beep: the frame ending it went out {=str} the recorder's BeepFinished",
            if with_recorder { "with" } else { "WITHOUT" }
        );
    }
}

/// A one-word description of a run error.
fn describe(e: &RunError) -> &'static str {
    match e {
        RunError::Request(_) => "request refused",
        RunError::Json(_) => "JSON buffer too small",
        RunError::Hung => "did not complete",
        RunError::Rtp(_) => "RTP packet refused",
        RunError::Playout => "playout frame too long",
        RunError::CapturedMoreThanRecorded { .. } => "captured more than recorded",
    }
}

/// Prints a scenario's outcome and outbound lines and its checks; returns whether it passed.
/// Not inlined, so its locals are not on the stack while a call runs.
#[inline(never)]
fn report(scenario: &Scenario, outcome: &Outcome, lit_frames: u32) -> bool {
    defmt::println!(
        "outcome {=str} reason={=str} samples={=u64} recording_fnv={=u32:#x} notification_fnv={=u32:#x} frames={=u32}",
        scenario.name,
        outcome.reason.as_str(),
        outcome.recorded_samples,
        outcome.recording_fnv,
        outcome.notification_fnv,
        outcome.frames
    );
    let out = &outcome.outbound;
    defmt::println!(
        "outbound {=str} frames={=u32} fnv={=u32:#x} beep_sent={=?} beep_finished={=?}",
        scenario.name,
        out.frames,
        out.fnv,
        out.beep_sent,
        out.beep_finished
    );
    let lamp_ok = (lit_frames > 0) == (outcome.recorded_samples > 0);
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
            lit_frames
        );
    } else if !out.beep_in_step() {
        defmt::error!(
            "{=str}: FAILED, the beep ended in the frame sent at packet time {=?}, the recorder's BeepFinished came in packet time {=?}",
            scenario.name,
            out.beep_sent,
            out.beep_finished
        );
    } else {
        defmt::info!("{=str}: ok", scenario.name);
        return true;
    }
    false
}
