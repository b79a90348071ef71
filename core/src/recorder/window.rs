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
        self.catch_up_dtmf(start);
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

#[cfg(test)]
mod tests {
    use crate::dtmf::{DtmfDetector, DtmfEvent};
    use crate::event::Event;
    use crate::media::{feed, MediaInput};
    use crate::recorder::{PromptAudio, Recorder};
    use crate::synth::add_dtmf;
    use crate::{Digit, RecordOptions, SampleRate};

    /// Forgetting held audio that the DTMF detector has not seen yet (the part of its 8 ms
    /// block in progress, which waits in the ring) feeds that audio to the detector first:
    /// the keys reported are still those of a detector fed the whole input.
    #[test]
    fn the_dtmf_detector_sees_audio_before_the_window_forgets_it() {
        for rate in [SampleRate::Hz8000, SampleRate::Hz16000] {
            let at = |ms: u32| rate.samples_in_ms(ms) as usize;
            let mut input = vec![0i16; at(1000)];
            for (from, to) in [(95, 195), (400, 500)] {
                add_dtmf(&mut input[at(from)..at(to)], Digit::D5, 6000, rate);
            }
            let mut rec: Recorder = Recorder::new(rate).unwrap();
            let options = RecordOptions {
                initial_silence_timeout_s: 5,
                ..RecordOptions::default()
            };
            rec.start(options, PromptAudio::None);
            let mut found = Vec::new();
            let mut collect = |e: Event<'_>| {
                if let Event::ToneDetected { digit, onset } = e {
                    found.push((digit, onset));
                }
            };
            // 130 ms is a recorder tick's end inside a DTMF block (128–136 ms).
            feed(&mut rec, MediaInput::Pcm(&input[..at(130)]), &mut collect);
            assert!(
                rec.dtmf.position() < rec.pos,
                "audio waits for the DTMF detector"
            );
            rec.open_window(rec.pos - 2);
            feed(&mut rec, MediaInput::Pcm(&input[at(130)..]), &mut collect);
            let mut expected = Vec::new();
            DtmfDetector::new(rate).push(&input, &mut |e| {
                if let DtmfEvent::Start { digit, onset } = e {
                    expected.push((digit, onset));
                }
            });
            assert_eq!(expected.len(), 2);
            assert_eq!(found, expected);
        }
    }
}
