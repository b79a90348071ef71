//! What the firmware images share that belongs to the board rather than to the calls (those
//! are in `recresp-firmware-scenarios`): leaving QEMU with a status, LED 0, the peak-stack
//! gauge and the marker functions the instruction-counting plugin counts between.
#![no_std]

pub mod bench_markers;
pub mod board;
pub mod channel;
pub mod qemu_exit;
pub mod stack;
