//! recresp's recorder on many channels: one Cortex-M3 image (QEMU mps2-an385) runs
//! `CHANNELS` recorders side by side, each on its own caller stream (see
//! `recresp_firmware_scenarios::many`), and prints one outcome line per channel, the
//! recorders' RAM and the peak stack.
//!
//! QEMU exits with status 0 only if every channel ended with its scenario's expected
//! completion reason; a failed channel, a panic or a hard fault exits with status 1.
#![no_std]
#![no_main]

use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, Ordering};

use cortex_m_rt::entry;
use defmt_semihosting as _;
use recresp_core::DetectorConfig;
use recresp_firmware_example::qemu_exit::exit;
use recresp_firmware_example::{bench_markers, stack};
use recresp_firmware_scenarios::many::{run_many, ManyMemory, CHANNELS};
use recresp_firmware_scenarios::runner::{ChannelRecorder, Hooks};
use recresp_firmware_scenarios::scenarios::RATE;

include!(concat!(env!("OUT_DIR"), "/clips-ulaw.rs"));

/// The bench markers, and the stack measured once the requests are parsed.
struct Markers {
    /// Peak stack use before the first call into a recorder (the request parse included).
    stack_before: Option<usize>,
}

impl Hooks for Markers {
    fn before_push(&mut self) {
        if self.stack_before.is_none() {
            // The requests are parsed: measure the channels' run on its own from here.
            self.stack_before = Some(stack::peak_bytes());
            stack::repaint();
        }
        bench_markers::recresp_bench_start();
    }
    fn after_push(&mut self) {
        bench_markers::recresp_bench_stop();
    }
}

/// The recorders, in `.bss`; built one at a time by [`take_recorders`].
static mut RECORDERS: [MaybeUninit<ChannelRecorder>; CHANNELS] =
    [const { MaybeUninit::uninit() }; CHANNELS];
static TAKEN: AtomicBool = AtomicBool::new(false);

/// Every recorder, built in place in its slot. `None` if
/// called twice or if the ring is too small for the rate.
#[inline(never)]
fn take_recorders() -> Option<&'static mut [ChannelRecorder; CHANNELS]> {
    if TAKEN.swap(true, Ordering::AcqRel) {
        return None;
    }
    // SAFETY: the guard above lets this run once, so this is the only reference to
    // RECORDERS ever made.
    let slots = unsafe { &mut *core::ptr::addr_of_mut!(RECORDERS) };
    for slot in slots.iter_mut() {
        ChannelRecorder::with_config_in(slot, RATE, DetectorConfig::default()).ok()?;
    }
    // SAFETY: every element was written just above, and MaybeUninit<T> has T's layout.
    Some(unsafe { &mut *(slots as *mut _ as *mut [ChannelRecorder; CHANNELS]) })
}

#[entry]
fn main() -> ! {
    // cortex-m-rt hands it to `main` as `&'static mut`, initialised at reset (in `.data`):
    // the requests are parsed into it and the channels' streams kept there, not on the stack.
    static mut MEMORY: ManyMemory = ManyMemory::new();
    let Some(recorders) = take_recorders() else {
        defmt::error!("no recorders: hold-back ring too small, or taken twice");
        exit(false);
    };
    defmt::info!(
        "recresp many channels: {=usize} recorders of {=usize} bytes, {=usize} bytes in all",
        CHANNELS,
        size_of::<ChannelRecorder>(),
        size_of::<[ChannelRecorder; CHANNELS]>()
    );
    let mut passed = 0usize;
    let mut markers = Markers { stack_before: None };
    let result = run_many(recorders, MEMORY, &CLIP_AUDIO, &mut markers, |c, o| {
        defmt::println!(
            "channel {=usize} {=str} reason={=str} samples={=u64} recording_fnv={=u32:#x} frames={=u32}",
            c,
            o.scenario,
            o.reason.as_str(),
            o.recorded_samples,
            o.recording_fnv,
            o.frames
        );
        if o.expected {
            passed += 1;
        } else {
            defmt::error!("channel {=usize}: FAILED, unexpected reason", c);
        }
    });
    if result.is_err() {
        defmt::error!("many channels: a channel did not run to its end");
    }
    let after = stack::peak_bytes();
    defmt::info!(
        "peak stack use: {=usize} bytes; without the request parse: {=usize} bytes",
        after.max(markers.stack_before.unwrap_or(0)),
        after
    );
    defmt::println!(
        "many channels: {=usize} passed, {=usize} failed",
        passed,
        CHANNELS - passed
    );
    exit(result.is_ok() && passed == CHANNELS);
}
