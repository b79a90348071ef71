//! Runs of blocks: whether each block goes on the run of the blocks before it
//! (`continuity`), and when a run is long enough to confirm a key and a gap long enough to
//! end it (`confirm`). Both take what `block` finds in one block; neither looks at samples.
//!
//! A key is confirmed by a run of [`CONFIRM_BLOCKS`] consecutive whole blocks of it (32 ms)
//! plus one more block of it right before or after the run, whole or an edge (a block the
//! tone fills in part); it ends after [`END_GAP_BLOCKS`] consecutive blocks without a whole
//! block of it (32 ms). The blocks of a run must also agree with each other as a generator's
//! tones do (see `continuity`).

mod confirm;
mod continuity;

pub(crate) use confirm::DigitTracker;
pub(crate) use continuity::Continuity;

use crate::Digit;

/// Consecutive whole blocks of one key needed, with one more block of it beside them, to
/// confirm it.
pub(crate) const CONFIRM_BLOCKS: u8 = 4;

/// Consecutive blocks without the key that end a confirmed digit.
pub(crate) const END_GAP_BLOCKS: u8 = 4;

/// What one block holds, seen from the run: `continuity` tells, `confirm` counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockClass {
    /// No key.
    Nothing,
    /// The two tones of a key, but only as strong as in a block the tone fills in part:
    /// both tones above the level floor with the share `block::MIN_EDGE_SHARE_Q8`, not the
    /// whole-block checks.
    Edge {
        /// The key.
        digit: Digit,
    },
    /// A key; `continued` is true when the previous block held the same key and both tones
    /// kept their frequency across the two blocks; `lead` when the previous block held the
    /// key's tones at least as an edge.
    Key {
        /// The key.
        digit: Digit,
        /// Continuation of the previous block's tone pair.
        continued: bool,
        /// The previous block held this key, whole or as an edge.
        lead: bool,
    },
}
