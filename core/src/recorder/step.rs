//! Stepping: input is consumed a step at a time, up to the end of the current 10 ms tick or
//! the next clock's deadline; at a tick's end both detectors run on it (the DTMF
//! detector on the samples it wants by then), and what they report moves the phases
//! (listening → capturing, a stop tone → done).

use heapless::Deque;

use super::{Phase, Recorder, EVENT_ROOM, PRE_ROLL_MS, TONE_IS_SPEECH_MS};
use crate::beep::Beep;
use crate::completion::CompletionReason;
use crate::dtmf::{DtmfDetector, DtmfEvent};
use crate::event::Notice;
use crate::holdback::Store;
use crate::media::MediaInput;
use crate::speech::{SpeechDetector, SpeechEvent};
use crate::Digit;

impl<const N: usize, S: Store> Recorder<N, S> {
    /// Consumes input until it is used up, the operation ends, or output must be polled.
    pub(super) fn consume(&mut self, src: MediaInput<'_>) -> u64 {
        if let MediaInput::Digit { digit, ago } = src {
            if self.is_running() {
                self.on_tone(digit, self.pos.saturating_sub(ago));
            }
            return 0;
        }
        let total = src.len();
        let mut used = 0;
        while used < total {
            if !self.is_running() {
                // Input after the end of an operation is accepted and ignored; input in the
                // call that ended it is left for whatever runs next.
                return if used == 0 { total } else { used };
            }
            self.settle_ring();
            if self.ring.space() == 0
                || self.discard_unpolled
                || self.events.capacity() - self.events.len() < EVENT_ROOM
            {
                break;
            }
            // A run of lost media starts its clock before the step's length is chosen.
            if matches!(src, MediaInput::Lost(_)) {
                self.lost_since.get_or_insert(self.pos);
            } else {
                self.lost_since = None;
            }
            let tick_end = self.tick_end;
            let deadline = self.next_deadline();
            let until = tick_end.min(deadline);
            let n = (until - self.pos)
                .min(total - used)
                .min(self.ring.space() as u64);
            // The ring has room for `n` samples. One loop per kind of source keeps the
            // per-sample work to the conversion into the ring's store.
            let (from, n_usize) = (used as usize, n as usize);
            let _ = match src {
                MediaInput::Pcm(s) => {
                    let s = s.get(from..from + n_usize).unwrap_or(&[]);
                    self.ring.append(n_usize, |dst, at| {
                        S::store_pcm(dst, s.get(at..).unwrap_or(&[]));
                        dst.len()
                    })
                }
                MediaInput::G711(b, law) => {
                    let b = b.get(from..from + n_usize).unwrap_or(&[]);
                    self.ring.append(n_usize, |dst, at| {
                        S::store_g711(dst, b.get(at..).unwrap_or(&[]), law);
                        dst.len()
                    })
                }
                MediaInput::Silence(_) | MediaInput::Lost(_) | MediaInput::Digit { .. } => {
                    self.ring.append(n_usize, |dst, _| {
                        dst.fill(S::SILENCE);
                        dst.len()
                    })
                }
            };
            used += n;
            self.pos += n;
            // A detector that reported something may have started or stopped a clock;
            // otherwise only the position changed since `deadline` was found.
            let reported = self.pos == tick_end && {
                self.tick_end += self.tick_len();
                self.run_detectors()
            };
            if reported || self.pos >= deadline {
                self.fire_clocks();
            }
        }
        used
    }

    /// Runs both detectors on the tick that just ended and acts on what they report;
    /// returns whether they reported anything.
    ///
    /// The speech detector gets the tick. The DTMF detector gets the samples it wants by now
    /// (`DtmfDetector::wanted`), decoded with the tick's samples, and then, if that made it
    /// want more (a group of its 8 ms blocks whose last one may hold a tone), those too. It
    /// is asked twice, not until it wants nothing: whole 8 ms blocks after such a group wait
    /// for the next tick, as does what it does not want yet. The ring keeps what waits: only
    /// `open_window` forgets held audio that recent, and it feeds the detector first
    /// ([`Self::catch_up_dtmf`]).
    fn run_detectors(&mut self) -> bool {
        let mut tones: Deque<DtmfEvent, 4> = Deque::new();
        let mut speech: Deque<SpeechEvent, 4> = Deque::new();
        let pos = self.pos;
        self.run_tick(self.dtmf.wanted(pos), &mut tones, &mut speech);
        if let Some((from, to)) = self.dtmf.wanted(pos) {
            self.feed_dtmf(from, to, &mut tones);
        }
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

    /// Decodes the tick that just ended, and `dtmf` (the samples the DTMF detector wants
    /// now), and runs the detectors on them. Not inlined, so its decoding buffer is off the
    /// stack when [`feed_dtmf`](Self::feed_dtmf) runs.
    #[inline(never)]
    fn run_tick(
        &mut self,
        dtmf: Option<(u64, u64)>,
        tones: &mut Deque<DtmfEvent, 4>,
        speech: &mut Deque<SpeechEvent, 4>,
    ) {
        let pos = self.pos;
        let speech_from = pos.saturating_sub(self.tick_len());
        let (dtmf_from, dtmf_to) = dtmf.unwrap_or((pos, pos));
        // Audio waiting for the DTMF detector is decoded only when it is handed over.
        let from = if dtmf_to > dtmf_from {
            dtmf_from.min(speech_from)
        } else {
            speech_from
        };
        debug_assert!(
            from >= self.ring.start(),
            "the ring holds what the detectors need"
        );
        // Both ranges as offsets from `from` (all within the ring's capacity).
        let offset = |p: u64| p.saturating_sub(from) as usize;
        let (dtmf_from, dtmf_to, speech_from) =
            (offset(dtmf_from), offset(dtmf_to), offset(speech_from));
        let (dtmf, detector) = (&mut self.dtmf, &mut self.speech);
        // Offset of the first sample of the next part handed out.
        let mut at = 0;
        self.ring.span_decoded(from, pos, &mut |part| {
            let end = at + part.len();
            let within = |a: usize, b: usize| {
                let (a, b) = (a.clamp(at, end), b.clamp(at, end));
                (a, part.get(a - at..b.max(a) - at).unwrap_or(&[]))
            };
            let (dtmf_at, for_dtmf) = within(dtmf_from, dtmf_to);
            if !for_dtmf.is_empty() {
                take_dtmf(dtmf, from + dtmf_at as u64, for_dtmf, tones);
            }
            let (_, for_speech) = within(speech_from, end);
            if !for_speech.is_empty() {
                push_speech(detector, for_speech, speech);
            }
            at = end;
        });
    }

    /// Feeds the DTMF detector what the ring holds from `from`, its position, to `to`. Not
    /// inlined: its decoding buffer does not add to the stack of the common path.
    #[inline(never)]
    fn feed_dtmf(&mut self, from: u64, to: u64, tones: &mut Deque<DtmfEvent, 4>) {
        if to <= from || from < self.ring.start() {
            return;
        }
        let dtmf = &mut self.dtmf;
        let mut at = from;
        self.ring.span_decoded(from, to, &mut |part| {
            take_dtmf(dtmf, at, part, tones);
            at += part.len() as u64;
        });
    }

    /// Feeds the DTMF detector the samples [`run_detectors`](Self::run_detectors) left
    /// waiting in the ring, before the ring forgets audio from before `until`, and drops what
    /// it reports. Mostly they are less than one 8 ms block, or fewer blocks than a key needs
    /// from where the detector last stood idle, which report nothing; whole blocks after a
    /// group fed in the same tick are not.
    pub(super) fn catch_up_dtmf(&mut self, until: u64) {
        let from = self.dtmf.position();
        if until > from {
            self.feed_dtmf(from, self.ring.end(), &mut Deque::new());
        }
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
            (Phase::Capturing, SpeechEvent::Confirmed { .. }) => self.provisional = false,
            // After unconfirmed speech the pause runs the `UnconfirmedGap` clock, which
            // discards the capture, instead of `MaxSilence`; the host hears of neither.
            (Phase::Capturing, SpeechEvent::End { end }) => {
                self.pause_start = Some(end.min(self.pos));
                if !self.provisional {
                    self.push_event(Notice::SpeechEnded(end));
                }
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
        self.provisional = true;
        self.pause_start = None;
        crate::fmt::debug!("speech at {}, recording from {}", onset, start);
        self.push_event(Notice::SpeechStarted {
            recording_start: start,
            lead: (self.speech_onset - start).min(u32::MAX as u64) as u32,
        });
    }

    /// Drops a provisional capture: its segments ended unconfirmed and no more speech
    /// followed within [`UNCONFIRMED_GAP_MS`](super::UNCONFIRMED_GAP_MS), or the
    /// initial-silence timeout passed while it was still unconfirmed. The host throws away
    /// what it was given and the recorder listens again. What the host has not taken yet is
    /// still handed out before the notice; nothing more is released.
    pub(super) fn discard_capture(&mut self) {
        crate::fmt::debug!("no speech from {}: capture discarded", self.recording_start);
        self.phase = Phase::Listening;
        self.provisional = false;
        self.discard_unpolled = true;
        self.push_event(Notice::CaptureDiscarded(self.pos));
    }
}

/// Hands the DTMF detector `samples` from position `at` and queues what it reports. Not
/// inlined: the detector's loops get a function, and so registers, of their own.
#[inline(never)]
fn take_dtmf(dtmf: &mut DtmfDetector, at: u64, samples: &[i16], tones: &mut Deque<DtmfEvent, 4>) {
    dtmf.take(at, samples, &mut |e| {
        let _ = tones.push_back(e);
    });
}

/// Feeds the speech detector and queues what it reports (not inlined, as [`take_dtmf`]).
#[inline(never)]
fn push_speech(detector: &mut SpeechDetector, samples: &[i16], speech: &mut Deque<SpeechEvent, 4>) {
    detector.push(samples, &mut |e| {
        let _ = speech.push_back(e);
    });
}
