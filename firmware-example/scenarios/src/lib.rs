//! The firmware example's calls and the code that runs them, as a `no_std` library: the
//! Cortex-M images link it, their build script renders the caller audio with it, and the host
//! test (`host-sim/tests/firmware_scenarios.rs`) runs it on x86, so the firmware and the host
//! run literally the same code and must give the same outcomes bit for bit.
//!
//! - [`scenarios`]: each call's Graph request, caller audio and expected completion.
//! - [`network`]: the caller's audio as RTP packets, a few lost, late or duplicated.
//! - [`runner`]: one call on one channel, through the core's RTP receiver, with the prompt
//!   and beep sent back through the core's playout.
//! - [`many`]: many channels side by side in one image.
//!
//! Uses only `core`, `recresp-core` (feature `json`) and `recresp-harness`; nothing
//! allocates.
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod many;
pub mod network;
pub mod runner;
pub mod scenarios;
