//! What the DTMF detector reports: a digit's start, once confirmed, and its end.

use crate::Digit;

/// A digit's start (confirmed) or end. Positions count samples since `new`/`reset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DtmfEvent {
    /// A digit was confirmed; `onset` is the sample where its tone began.
    Start {
        /// The key.
        digit: Digit,
        /// First sample of the tone (to within one 8 ms block).
        onset: u64,
    },
    /// The digit ended; `end` is one past its last sample.
    End {
        /// The key.
        digit: Digit,
        /// One past the last sample of the tone (to within one 8 ms block).
        end: u64,
    },
}
