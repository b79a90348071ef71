//! The recording window: what the hold-back ring keeps, when held audio becomes recording
//! (released to the host) or is forgotten, where the recording starts, and how it is cut
//! when the operation ends.
//!
//! Assumes the ring holds at least [`hold_samples`](super::hold_samples) when a detector
//! reports, so every cut a detector asks for lies in audio not yet released.

use super::{hold_samples, Phase, Recorder};
use crate::completion::{CompletionReason, OperationStatus};
use crate::event::Completion;
use crate::holdback::Store;
use crate::ResultInfo;

impl<const N: usize, S: Store> Recorder<N, S> {
    /// Keeps at most the hold-back's worth of samples held: older ones go to the recording
    /// while capturing, and are forgotten otherwise.
    pub(super) fn settle_ring(&mut self) {
        let keep_from = self
            .ring
            .end()
            .saturating_sub(hold_samples(self.rate) as u64);
        if self.phase == Phase::Capturing {
            self.ring.release_before(keep_from);
        } else {
            self.ring.drop_before(keep_from);
        }
    }

    /// Starts the recording at `from`, or at the oldest sample still held if that is later;
    /// forgets what lies before it and returns where the recording starts.
    pub(super) fn open_window(&mut self, from: u64) -> u64 {
        let start = from.max(self.ring.start());
        self.ring.drop_before(start);
        start
    }

    /// Ends the operation: the recording is cut at `end` and released, and the completion
    /// waits behind the remaining output.
    pub(super) fn finish(
        &mut self,
        reason: CompletionReason,
        status: OperationStatus,
        result_info: ResultInfo,
        end: u64,
    ) {
        let recorded_samples = if self.phase == Phase::Capturing {
            let end = end.clamp(self.recording_start, self.pos);
            self.ring.truncate_from(end);
            self.ring.release_before(end);
            end - self.recording_start
        } else {
            self.ring.drop_before(self.ring.end());
            0
        };
        self.ring
            .truncate_from(self.ring.start() + self.ring.released() as u64);
        self.phase = Phase::Done;
        crate::fmt::debug!("completed at {}: {}", self.pos, reason);
        self.completion = Some(Completion {
            reason,
            status,
            result_info,
            at: self.pos,
            recorded_samples,
        });
    }
}
