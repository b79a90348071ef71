//! Stepping: input is consumed a step at a time, up to the end of the current 10 ms detector
//! block or the next clock's deadline; at a block's end both detectors run on it, and what
//! they report moves the phases (listening → capturing, a stop tone → done).

use heapless::Deque;

use super::{Phase, Recorder, EVENT_ROOM, PRE_ROLL_MS, TONE_IS_SPEECH_MS};
use crate::beep::Beep;
use crate::completion::CompletionReason;
use crate::dtmf::DtmfEvent;
use crate::event::Notice;
use crate::g711::Law;
use crate::holdback::Store;
use crate::speech::SpeechEvent;
use crate::Digit;

/// Where input samples come from.
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    Pcm(&'a [i16]),
    G711(&'a [u8], Law),
    Lost(u64),
}

impl Source<'_> {
    fn len(&self) -> u64 {
        match *self {
            Source::Pcm(s) => s.len() as u64,
            Source::G711(b, _) => b.len() as u64,
            Source::Lost(n) => n,
        }
    }
}

impl<const N: usize, S: Store> Recorder<N, S> {
    /// Consumes input until it is used up, the operation ends, or output must be polled.
    pub(super) fn consume(&mut self, src: Source<'_>) -> u64 {
        let total = src.len();
        let mut used = 0;
        while used < total {
            if !self.is_running() {
                // Input after the end of an operation is accepted and ignored; input in the
                // call that ended it is left for whatever runs next.
                return if used == 0 { total } else { used };
            }
            self.settle_ring();
            if self.ring.space() == 0 || self.events.capacity() - self.events.len() < EVENT_ROOM {
                break;
            }
            // A run of lost media starts its clock before the step's length is chosen.
            if matches!(src, Source::Lost(_)) {
                self.lost_since.get_or_insert(self.pos);
            } else {
                self.lost_since = None;
            }
            let block_end = self.block_end;
            let deadline = self.next_deadline();
            let until = block_end.min(deadline);
            let n = (until - self.pos)
                .min(total - used)
                .min(self.ring.space() as u64);
            // The ring has room for `n` samples. One loop per kind of source keeps the
            // per-sample work to the conversion into the ring's store.
            let (from, n_usize) = (used as usize, n as usize);
            let _ = match src {
                Source::Pcm(s) => {
                    let s = s.get(from..from + n_usize).unwrap_or(&[]);
                    self.ring.append(n_usize, |dst, at| {
                        S::store_pcm(dst, s.get(at..).unwrap_or(&[]));
                        dst.len()
                    })
                }
                Source::G711(b, law) => {
                    let b = b.get(from..from + n_usize).unwrap_or(&[]);
                    self.ring.append(n_usize, |dst, at| {
                        S::store_g711(dst, b.get(at..).unwrap_or(&[]), law);
                        dst.len()
                    })
                }
                Source::Lost(_) => self.ring.append(n_usize, |dst, _| {
                    dst.fill(S::SILENCE);
                    dst.len()
                }),
            };
            used += n;
            self.pos += n;
            // A detector that reported something may have started or stopped a clock;
            // otherwise only the position changed since `deadline` was found.
            let reported = self.pos == block_end && {
                self.block_end += self.block();
                self.run_detectors()
            };
            if reported || self.pos >= deadline {
                self.fire_clocks();
            }
        }
        used
    }

    /// Runs both detectors on the block that just ended and acts on what they report;
    /// returns whether they reported anything.
    fn run_detectors(&mut self) -> bool {
        let mut tones: Deque<DtmfEvent, 4> = Deque::new();
        let mut speech: Deque<SpeechEvent, 4> = Deque::new();
        let block = self.block() as usize;
        let (dtmf, detector) = (&mut self.dtmf, &mut self.speech);
        self.ring.newest_decoded(block, &mut |part| {
            dtmf.push(part, &mut |e| {
                let _ = tones.push_back(e);
            });
            detector.push(part, &mut |e| {
                let _ = speech.push_back(e);
            });
        });
        let reported = !tones.is_empty() || !speech.is_empty();
        while let Some(e) = tones.pop_front() {
            if let DtmfEvent::Start { digit, onset } = e {
                self.on_tone(digit, onset);
            }
        }
        while let Some(e) = speech.pop_front() {
            self.on_speech(e);
        }
        reported
    }

    pub(super) fn on_tone(&mut self, digit: Digit, onset: u64) {
        if !self.is_running() {
            return;
        }
        self.push_event(Notice::ToneDetected { digit, onset });
        if !self.options.stop_tones.contains(digit) {
            return;
        }
        if onset < self.listen_start {
            // Stop tones count once the recorder listens: a key that began over the prompt
            // or the beep is reported but does not end the operation.
            return;
        }
        if onset == 0 && self.held_key == Some(digit) {
            // The key that ended the previous operation, still held down: its tone runs from
            // this operation's first sample. It is the same press, not a new one.
            return;
        }
        let end = match self.phase {
            Phase::Listening => self.pos,
            Phase::Capturing => {
                let tone_was_the_speech =
                    onset <= self.speech_onset + self.rate.samples_in_ms(TONE_IS_SPEECH_MS);
                if tone_was_the_speech {
                    self.recording_start
                } else {
                    onset
                }
            }
            _ => return,
        };
        self.stop_key = Some(digit);
        self.complete_with(CompletionReason::StopToneDetected, end);
    }

    fn on_speech(&mut self, e: SpeechEvent) {
        match (self.phase, e) {
            (Phase::Listening, SpeechEvent::Start { onset }) => self.start_capture(onset),
            (Phase::Capturing, SpeechEvent::Start { .. }) => self.pause_start = None,
            (Phase::Capturing, SpeechEvent::End { end }) => {
                self.pause_start = Some(end.min(self.pos));
                self.push_event(Notice::SpeechEnded(end));
            }
            _ => {}
        }
    }

    pub(super) fn after_prompt(&mut self) {
        if self.options.play_beep {
            // The beep is line noise to the speech detector too.
            self.speech.set_learning(true);
            self.phase = Phase::Beep;
            self.phase_end = self.pos + Beep::len(self.rate) as u64;
            self.push_event(Notice::BeepStarted(self.pos));
        } else {
            self.listen();
        }
    }

    pub(super) fn listen(&mut self) {
        self.speech.set_learning(false);
        self.phase = Phase::Listening;
        self.listen_start = self.pos;
        self.push_event(Notice::Listening(self.pos));
    }

    /// The caller spoke: the recording starts the pre-roll before the onset.
    fn start_capture(&mut self, onset: u64) {
        let pre_roll = self.rate.samples_in_ms(PRE_ROLL_MS);
        let start = self.open_window(onset.saturating_sub(pre_roll).max(self.listen_start));
        self.phase = Phase::Capturing;
        self.recording_start = start;
        self.speech_onset = onset.max(start);
        self.pause_start = None;
        crate::fmt::debug!("speech at {}, recording from {}", onset, start);
        self.push_event(Notice::SpeechStarted {
            recording_start: start,
            lead: (self.speech_onset - start).min(u32::MAX as u64) as u32,
        });
    }
}
