//! Scoring speech detectors against the test set: what each one reports for a file, and
//! whether that is within the windows around the truth.
//!
//! A file's leading noise plays the prompt and beep, during which the recorder ignores the
//! detector's events. A detector's answer for a file is therefore, as the recorder sees it:
//! the onset of the first `Start` emitted after the lead (or the end of the lead itself if
//! the detector is already in speech then: the recording starts at once), and the `end` of
//! the last `End` after its last `Start` (where the caller's final silence starts); no `End`
//! after the last `Start` leaves the end missing. Success: onset within
//! −100…+300 ms of the truth onset and end within −300…+1000 ms of the truth end.
//!
//! WebRTC's VAD gives one flag per 10 ms frame; it is put behind recresp's own endpointing
//! layer with the same settings as recresp's default (onset after 3 speech frames, 300 ms
//! hang), so the comparison is between the frame classifiers. recresp learns the noise
//! during the lead ([`SpeechDetector::set_learning`]), as the recorder does during the
//! prompt and beep; WebRTC's VAD has no such mode and runs as it is.

use recresp_core::speech::{Endpointer, FrameLevel};
use recresp_core::{SampleRate, SpeechConfig, SpeechDetector, SpeechEvent};

use crate::peers::webrtc_vad::WebRtcVad;
use crate::speech::testset::{FRAME, PER_MS};

/// What a detector reported for one file, in samples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    /// First `Start` onset.
    pub onset: Option<u64>,
    /// `end` of the last `End` after the last `Start`.
    pub end: Option<u64>,
    /// How many `Start`s the detector emitted over the whole file.
    pub starts: usize,
}

/// An event and the position (samples consumed) at which the detector emitted it.
pub type Emitted = (u64, SpeechEvent);

impl Answer {
    /// Folds events, in order, into the answer a recorder that starts awaiting speech at
    /// `awaiting_from` would act on.
    pub fn from_events(events: &[Emitted], awaiting_from: u64) -> Self {
        let mut answer = Answer::default();
        let mut in_speech = false;
        let mut awaiting = false;
        for &(at, event) in events {
            if !awaiting && at > awaiting_from {
                awaiting = true;
                if in_speech {
                    answer.onset = Some(awaiting_from);
                }
            }
            match event {
                SpeechEvent::Start { onset } => {
                    in_speech = true;
                    answer.starts += 1;
                    answer.end = None;
                    if awaiting {
                        answer.onset.get_or_insert(onset);
                    }
                }
                SpeechEvent::End { end } => {
                    in_speech = false;
                    answer.end = Some(end);
                }
                SpeechEvent::Confirmed { .. } => {}
            }
        }
        if !awaiting && in_speech {
            answer.onset = Some(awaiting_from);
        }
        answer
    }
}

/// How an answer compares with the truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Both within their windows.
    Success,
    /// Onset more than 100 ms before the truth (a false start in the noise).
    EarlyOnset,
    /// No onset, or more than 300 ms after the truth.
    LateOrNoOnset,
    /// Onset fine, end missing or outside −300…+1000 ms.
    BadEnd,
}

/// Judges `answer` against the truth onset and end (samples at 8 kHz).
pub fn judge(answer: Answer, onset: usize, end: usize) -> Verdict {
    let ms = |ms: i64| ms * PER_MS as i64;
    let Some(got_onset) = answer.onset else {
        return Verdict::LateOrNoOnset;
    };
    let onset_err = got_onset as i64 - onset as i64;
    if onset_err < ms(-100) {
        return Verdict::EarlyOnset;
    }
    if onset_err > ms(300) {
        return Verdict::LateOrNoOnset;
    }
    match answer.end {
        Some(e) if (ms(-300)..=ms(1000)).contains(&(e as i64 - end as i64)) => Verdict::Success,
        _ => Verdict::BadEnd,
    }
}

/// Runs recresp's detector (default settings, 8 kHz) over `samples`, 10 ms per push, in
/// learning mode for the first `learn_samples` (the prompt and beep, as the recorder does).
pub fn run_recresp(samples: &[i16], learn_samples: usize) -> Vec<Emitted> {
    run_recresp_with(samples, SpeechConfig::default(), learn_samples)
}

/// Runs recresp's detector with `config` over `samples`, 10 ms per push, in learning mode
/// for the first `learn_samples` (rounded up to whole pushes).
pub fn run_recresp_with(
    samples: &[i16],
    config: SpeechConfig,
    learn_samples: usize,
) -> Vec<Emitted> {
    let mut detector = SpeechDetector::with_config(SampleRate::Hz8000, config);
    let mut events = Vec::new();
    detector.set_learning(learn_samples > 0);
    for chunk in samples.chunks(FRAME) {
        if detector.learning() && detector.position() >= learn_samples as u64 {
            detector.set_learning(false);
        }
        let mut fresh = Vec::new();
        detector.push(chunk, &mut |e| fresh.push(e));
        events.extend(fresh.into_iter().map(|e| (detector.position(), e)));
    }
    events
}

/// Runs a peer's per-frame speech decision (`is_speech` on each 10 ms frame) behind
/// recresp's endpointing with its default onset run, look-back, hang and end tail, so the
/// peers are compared with recresp like for like.
pub fn endpoint_frames<E>(
    samples: &[i16],
    mut is_speech: impl FnMut(&[i16]) -> Result<bool, E>,
) -> Result<Vec<Emitted>, E> {
    let mut endpointer = Endpointer::new(3, 3, 30).with_tail(15);
    let mut events = Vec::new();
    for (i, frame) in samples.chunks_exact(FRAME).enumerate() {
        let level = if is_speech(frame)? {
            FrameLevel::Strong
        } else {
            FrameLevel::Noise
        };
        let frame_end = ((i + 1) * FRAME) as u64;
        endpointer.frame(level, frame_end, FRAME as u64, &mut |e| {
            events.push((frame_end, e))
        });
    }
    Ok(events)
}

/// Runs WebRTC's VAD in `mode` on 10 ms frames, behind recresp's endpointing.
pub fn run_webrtc(samples: &[i16], mode: u8) -> Result<Vec<Emitted>, String> {
    let mut vad = WebRtcVad::new(8000, mode)?;
    endpoint_frames(samples, |frame| {
        vad.process(frame)
            .ok_or_else(|| "WebRtcVad_Process rejected a frame".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_is_what_the_recorder_acts_on() {
        let ev = [
            (15, SpeechEvent::Start { onset: 10 }),
            (25, SpeechEvent::End { end: 20 }),
            (35, SpeechEvent::Start { onset: 30 }),
            (45, SpeechEvent::End { end: 40 }),
            (55, SpeechEvent::Start { onset: 50 }),
        ];
        let answer = |n: usize, lead: u64| Answer::from_events(&ev[..n], lead);
        // Awaiting from the start: first Start, last End after the last Start.
        assert_eq!(
            answer(4, 0),
            Answer {
                onset: Some(10),
                end: Some(40),
                starts: 2
            }
        );
        assert_eq!(answer(5, 0).end, None);
        // Events in the lead are ignored...
        assert_eq!(answer(4, 30).onset, Some(30));
        assert_eq!(answer(4, 25).onset, Some(30));
        // ...unless speech is still on when awaiting begins: the recording starts at once.
        assert_eq!(answer(4, 20).onset, Some(20));
        assert_eq!(answer(4, 40).onset, Some(40));
        assert_eq!(answer(4, 50).onset, None);
    }

    #[test]
    fn windows() {
        let a = |on: i64, end: i64| Answer {
            onset: Some((8000 + on * 8) as u64),
            end: Some((16000 + end * 8) as u64),
            starts: 1,
        };
        assert_eq!(judge(a(-100, -300), 8000, 16000), Verdict::Success);
        assert_eq!(judge(a(300, 1000), 8000, 16000), Verdict::Success);
        assert_eq!(judge(a(-101, 0), 8000, 16000), Verdict::EarlyOnset);
        assert_eq!(judge(a(301, 0), 8000, 16000), Verdict::LateOrNoOnset);
        assert_eq!(judge(a(0, 1001), 8000, 16000), Verdict::BadEnd);
        assert_eq!(judge(a(0, -301), 8000, 16000), Verdict::BadEnd);
        assert_eq!(
            judge(Answer::default(), 8000, 16000),
            Verdict::LateOrNoOnset
        );
    }
}
