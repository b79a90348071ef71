//! Logging shim: `debug!` go to defmt when the `defmt` feature is on, and nowhere
//! otherwise, so library code logs without caring which.
#![allow(unused_macros)]

#[cfg(feature = "defmt")]
macro_rules! debug {
    ($($arg:tt)*) => { defmt::debug!($($arg)*) };
}
#[cfg(not(feature = "defmt"))]
macro_rules! debug {
    ($($arg:tt)*) => {{}};
}

pub(crate) use debug;
