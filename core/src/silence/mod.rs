//! Speech/silence detection (interface; the detector itself is being written).
use crate::SampleRate;

/// Speech began or ended. Positions count samples since `new`/`reset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SpeechEvent {
    /// Speech was confirmed; `onset` is its first sample.
    Start {
        /// First sample of speech.
        onset: u64,
    },
    /// Speech ended; `end` is one past its last sample.
    End {
        /// One past the last sample of speech.
        end: u64,
    },
}

/// Per-channel speech detector with endpointing.
#[derive(Clone, Debug)]
pub struct SpeechDetector {
    rate: SampleRate,
    pos: u64,
}

impl SpeechDetector {
    /// Upper bound on (report position − onset) of a `Start` event, in milliseconds.
    pub const MAX_ONSET_DELAY_MS: u32 = 100;

    /// A detector for audio at `rate`.
    pub fn new(rate: SampleRate) -> Self {
        SpeechDetector { rate, pos: 0 }
    }

    /// Forgets all state; positions restart at 0.
    pub fn reset(&mut self) {
        *self = SpeechDetector::new(self.rate);
    }

    /// Whether the detector is currently inside speech.
    pub fn in_speech(&self) -> bool {
        false
    }

    /// Feeds samples, calling `on_event` for each event in order.
    pub fn push(&mut self, samples: &[i16], on_event: &mut impl FnMut(SpeechEvent)) {
        let _ = on_event;
        self.pos += samples.len() as u64;
    }
}
