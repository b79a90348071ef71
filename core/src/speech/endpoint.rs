//! Endpointing: turns per-frame verdicts into speech `Start`/`End` events, apart from how
//! frames are judged (so any frame classifier can be put behind it).
//!
//! Onset needs a run of `onset_frames` consecutive strong frames; the reported onset is then
//! moved back over the weak frames just before the run (at most `lookback_frames`), so the
//! soft start of the first syllable is included. Once in speech, weak frames are enough to
//! continue; the end is declared after `hang_frames` noise frames in a row and reported at
//! the end of the last frame that was not noise, plus `tail_frames` (never past the frame
//! that declares it): the soft decay of the last syllable, which a noisy line buries, is kept.
//! Positions are sample indices.

use super::frame::FrameLevel;
use super::SpeechEvent;

/// Endpointing state for one channel.
#[derive(Clone, Debug)]
pub struct Endpointer {
    onset_frames: u8,
    lookback_frames: u8,
    hang_frames: u16,
    tail_frames: u8,
    in_speech: bool,
    /// Consecutive strong frames, saturating.
    strong_run: u8,
    /// Consecutive weak-or-strong frames, saturating.
    active_run: u8,
    /// Consecutive noise frames while in speech (the frames since the last one that was
    /// not noise), saturating.
    quiet_run: u16,
}

impl Endpointer {
    /// Onset after `onset_frames` strong frames (at least 1), looking back at most
    /// `lookback_frames`; end after `hang_frames` noise frames (at least 1).
    pub fn new(onset_frames: u8, lookback_frames: u8, hang_frames: u16) -> Self {
        Endpointer {
            onset_frames: onset_frames.max(1),
            lookback_frames,
            hang_frames: hang_frames.max(1),
            tail_frames: 0,
            in_speech: false,
            strong_run: 0,
            active_run: 0,
            quiet_run: 0,
        }
    }

    /// The same endpointer with the reported end moved `tail_frames` frames after the last
    /// frame that was not noise (at most to the end of the frame that declares the end).
    pub fn with_tail(mut self, tail_frames: u8) -> Self {
        self.tail_frames = tail_frames;
        self
    }

    /// Whether speech has started and not yet ended.
    pub fn in_speech(&self) -> bool {
        self.in_speech
    }

    /// Leaves speech (if in it) without reporting an `End`, and forgets the current runs:
    /// the next onset needs a full run of strong frames again.
    pub fn cancel(&mut self) {
        *self = Endpointer::new(self.onset_frames, self.lookback_frames, self.hang_frames)
            .with_tail(self.tail_frames);
    }

    /// Takes the verdict on the frame `[frame_end − frame_len, frame_end)`.
    pub fn frame(
        &mut self,
        level: FrameLevel,
        frame_end: u64,
        frame_len: u64,
        on_event: &mut impl FnMut(SpeechEvent),
    ) {
        let active = level != FrameLevel::Noise;
        self.active_run = if active {
            self.active_run.saturating_add(1)
        } else {
            0
        };
        self.strong_run = if level == FrameLevel::Strong {
            self.strong_run.saturating_add(1)
        } else {
            0
        };
        if active {
            self.quiet_run = 0;
        }
        if self.in_speech {
            if !active {
                self.quiet_run = self.quiet_run.saturating_add(1);
                if self.quiet_run >= self.hang_frames {
                    self.in_speech = false;
                    // The end of the last frame that was not noise, plus the tail.
                    let quiet = u64::from(self.quiet_run).saturating_mul(frame_len);
                    let tail = u64::from(self.tail_frames).saturating_mul(frame_len);
                    let end = frame_end.saturating_sub(quiet).saturating_add(tail);
                    on_event(SpeechEvent::End {
                        end: end.min(frame_end),
                    });
                }
            }
        } else if self.strong_run >= self.onset_frames {
            let back = self
                .active_run
                .min(self.strong_run.saturating_add(self.lookback_frames));
            let onset = frame_end.saturating_sub(back as u64 * frame_len);
            self.in_speech = true;
            self.quiet_run = 0;
            on_event(SpeechEvent::Start { onset });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FrameLevel::{Noise as N, Strong as S, Weak as W};

    fn run(levels: &[FrameLevel], onset: u8, lookback: u8, hang: u16) -> Vec<SpeechEvent> {
        let mut e = Endpointer::new(onset, lookback, hang);
        let mut out = Vec::new();
        for (i, &l) in levels.iter().enumerate() {
            e.frame(l, (i as u64 + 1) * 80, 80, &mut |ev| out.push(ev));
        }
        out
    }

    #[test]
    fn onset_after_run_with_lookback_and_end_after_hang() {
        let levels = [N, W, W, W, W, S, S, S, W, N, N, N, N];
        let ev = run(&levels, 3, 2, 3);
        // Run of strong frames 5..8 confirmed at frame 7; back 3 + 2 weak frames → frame 3.
        assert_eq!(
            ev,
            vec![
                SpeechEvent::Start { onset: 3 * 80 },
                SpeechEvent::End { end: 9 * 80 }
            ]
        );
    }

    #[test]
    fn short_bursts_do_not_start_and_gaps_shorter_than_hang_do_not_end() {
        assert!(run(&[S, S, N, S, S, N, S, N], 3, 2, 3).is_empty());
        let ev = run(&[S, S, S, N, N, W, N, N, S, N, N, N], 3, 0, 3);
        assert_eq!(
            ev,
            vec![
                SpeechEvent::Start { onset: 0 },
                SpeechEvent::End { end: 9 * 80 }
            ]
        );
    }
}
