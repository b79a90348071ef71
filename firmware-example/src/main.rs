//! recresp's recorder in firmware: a Cortex-M3 (QEMU mps2-an385) answers the G.711 calls in
//! `recresp_firmware_scenarios::scenarios::SCENARIOS` one after the other on one channel. For
//! each it parses Graph's request body, runs the real recorder over the caller's G.711 audio
//! stored in flash (received as RTP), sends the prompt and the beep back through the core's
//! playout, lights LED 0 while it captures, and prints the completion reason, the recording's
//! length and checksum, the outbound stream's checksum and the notification JSON over defmt
//! (semihosting).
//!
//! QEMU exits with status 0 only if every scenario ended with its expected completion reason,
//! sent the frame that ended the beep in the packet time the recorder said `BeepFinished`,
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

use core::mem::MaybeUninit;

use cortex_m_rt::entry;
use defmt_semihosting as _;
use recresp_core::HoldBack;
use recresp_core::{
    required_capacity, DetectorConfig, DtmfDetector, NarrowbandRecorder, Recorder, SpeechDetector,
    Ulaw,
};

use recresp_firmware_example::channel::{self, Board};
use recresp_firmware_example::qemu_exit::exit;
use recresp_firmware_scenarios::runner::{CallMemory, ChannelRecorder, JsonBuffer, JSON_CAPACITY};
use recresp_firmware_scenarios::scenarios::{RATE, SCENARIOS};

include!(concat!(env!("OUT_DIR"), "/clips-ulaw.rs"));
include!(concat!(env!("OUT_DIR"), "/prompt.rs"));

// The goal for a channel's state on this 32-bit target: at most 2.5 KiB.
const _: () = assert!(size_of::<ChannelRecorder>() <= 2560);

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
    let mut board = Board::take();
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
        size_of::<HoldBack<{ required_capacity(RATE) }, Ulaw>>(),
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
    let passed = channel::run_all(
        recorder,
        memory,
        json,
        &SCENARIOS,
        &CLIP_AUDIO,
        &PROMPT_AUDIO,
        &mut board,
    );
    board.finish("firmware", passed, SCENARIOS.len())
}

/// Writes the channel's recorder into its static slot. Not inlined, so whatever the
/// constructor leaves on the stack is gone before the scenarios run.
#[inline(never)]
fn init_recorder(
    slot: &'static mut MaybeUninit<ChannelRecorder>,
) -> Option<&'static mut ChannelRecorder> {
    ChannelRecorder::with_config_in(slot, RATE, DetectorConfig::default()).ok()
}
