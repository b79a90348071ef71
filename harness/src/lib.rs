//! What every host of recresp's recorder in this repository needs besides the recorder: the
//! loop that drives a recorder over a caller's audio and hands its events to a sink
//! ([`drive`]), declarative caller scripts rendered by the core's integer generators
//! ([`script`]; the ones several suites share are in [`callers`]), the random generators
//! ([`rng`]) and the checksums ([`fnv`]).
//!
//! Used by the host simulator, the core's integration tests, the C API's tests, the benches
//! and the firmware example. `no_std`, no `alloc`, no `unsafe`: it builds for the firmware's
//! Cortex-M target as well as for the host, and renders the same samples on both. The `std`
//! feature adds [`ip`], the IP packets of UDP datagrams for the host's capture tests.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "std")]
extern crate std;

pub mod callers;
pub mod drive;
pub mod fnv;
#[cfg(feature = "std")]
pub mod ip;
pub mod rng;
pub mod script;

pub use drive::{drive, Feed, Sink, Tally, Then};
pub use fnv::{Fnv1a32, Fnv1a64};
pub use rng::{Lcg, SplitMix64};
pub use script::{Script, Step};
