//! recresp's recorder on a G.722 line: a Cortex-M3 (QEMU mps2-an385) answers the calls in
//! `recresp_firmware_scenarios::scenarios::WIDEBAND_SCENARIOS` on one 16 kHz channel. The
//! caller's G.722 octets (encoded at build time by the core's encoder) come in as RTP packets
//! of payload type 9, which the core's `RtpReceiver` decodes into the recorder; the beep goes
//! back as G.722 through the core's playout. Each call's outcome line must equal the host's
//! (`host-sim/tests/firmware_scenarios.rs`).
//!
//! QEMU exits with status 0 only if every call ended with its expected completion reason,
//! sent the frame that ended the beep in the packet time the recorder said `BeepFinished`,
//! and the peak stack stayed within 4 KiB; a failed call, a deeper stack, a panic or a hard
//! fault exits with status 1. `recresp_bench_start` / `recresp_bench_stop` bracket each call
//! into the receiver and the recorder, as in the G.711 image (`scripts/firmware-cost.sh`).
#![no_std]
#![no_main]

use core::mem::MaybeUninit;

use cortex_m_rt::entry;
use defmt_semihosting as _;
use recresp_core::DetectorConfig;

use recresp_firmware_example::channel::{self, Board};
use recresp_firmware_example::qemu_exit::exit;
use recresp_firmware_scenarios::runner::{
    CallMemory, ChannelReceiver, JsonBuffer, WidebandRecorder, JSON_CAPACITY,
};
use recresp_firmware_scenarios::scenarios::{Coding, WIDEBAND_SCENARIOS};

include!(concat!(env!("OUT_DIR"), "/clips-g722.rs"));

#[entry]
fn main() -> ! {
    // As in the G.711 image: static state, initialised at reset, never built on the stack.
    static mut RECORDER: MaybeUninit<WidebandRecorder> = MaybeUninit::uninit();
    static mut MEMORY: CallMemory = CallMemory::new();
    static mut JSON: JsonBuffer = [0; JSON_CAPACITY];
    let Some(recorder) = init_recorder(RECORDER) else {
        defmt::error!("no recorder: hold-back ring too small");
        exit(false);
    };
    let (memory, json) = (MEMORY, JSON);
    let mut board = Board::take();
    defmt::info!(
        "recresp G.722 channel: {=usize} scenarios, state {=usize} bytes per channel: recorder {=usize}, RTP receiver {=usize}",
        WIDEBAND_SCENARIOS.len(),
        size_of::<WidebandRecorder>() + size_of::<ChannelReceiver>(),
        size_of::<WidebandRecorder>(),
        size_of::<ChannelReceiver>()
    );
    let passed = channel::run_all(
        recorder,
        memory,
        json,
        &WIDEBAND_SCENARIOS,
        &CLIP_AUDIO,
        // No G.722 call has a prompt.
        &[],
        &mut board,
    );
    board.finish("g722 channel", passed, WIDEBAND_SCENARIOS.len())
}

/// Writes the channel's recorder into its static slot. Not inlined, so whatever the
/// constructor leaves on the stack is gone before the calls run.
#[inline(never)]
fn init_recorder(
    slot: &'static mut MaybeUninit<WidebandRecorder>,
) -> Option<&'static mut WidebandRecorder> {
    WidebandRecorder::with_config_in(slot, Coding::G722.rate(), DetectorConfig::default()).ok()
}
