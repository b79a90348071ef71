//! The drive loop: pushes a caller's audio into a recorder in pushes of chosen sizes, hands
//! every event it gives to a [`Sink`], and after the audio ends does what the caller's line
//! does ([`Then`]): nothing, hang up, or stay open and silent until a clock ends the
//! operation. Every host in this repository that runs a recorder over audio it has whole
//! uses it (its pushes of chosen sizes are how the tests show that chunking changes
//! nothing); media that comes packet by packet goes through the RTP receiver, which feeds
//! its sink with the core's `media::feed`.
//!
//! It assumes the recorder has been started. Push sizes cycle through [`Feed::chunks`];
//! events are drained after every push (or every few pushes, to test lazy polling), and
//! always after a push that stopped short, as the recorder's API requires.

use recresp_core::{Completion, Event, MediaInput, MediaSink, Recorder, Store};

use crate::fnv::Fnv1a32;

/// Samples in each push of silence after the caller's audio (20 ms at 8 kHz).
pub const SILENCE_FRAME: usize = 160;

/// Where a recorder's events go.
pub trait Sink {
    /// One event, in the order the recorder gave it.
    fn event(&mut self, event: Event<'_>);
}

impl<F: FnMut(Event<'_>)> Sink for F {
    fn event(&mut self, event: Event<'_>) {
        self(event)
    }
}

/// A sink that counts and checksums the captured audio, and ignores every other event:
/// a recording that is checked, not kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Samples captured.
    pub samples: u64,
    /// [`Fnv1a32`] of the captured samples as little-endian bytes.
    pub fnv: Fnv1a32,
}

impl Tally {
    /// Counts and checksums `audio`.
    pub fn add(&mut self, audio: &[i16]) {
        self.samples += audio.len() as u64;
        self.fnv.samples(audio);
    }

    /// Forgets what was captured (the recorder discarded it: [`Event::CaptureDiscarded`]).
    pub fn discard(&mut self) {
        *self = Tally::default();
    }
}

impl Sink for Tally {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Captured(audio) => self.add(audio),
            Event::CaptureDiscarded { .. } => self.discard(),
            _ => {}
        }
    }
}

/// What the line does after the caller's audio ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Then {
    /// Nothing: the operation is left as it is.
    Stop,
    /// The caller hangs up (if the operation is still running).
    HangUp,
    /// The line stays open and silent: [`SILENCE_FRAME`]-sample pushes of digital silence
    /// until the operation ends, or at most `max_frames` of them.
    Silence {
        /// Most pushes of silence.
        max_frames: usize,
    },
}

/// How the caller's audio is fed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Feed<'a> {
    /// Push sizes in samples, cycled (each cut to what is left of the current input, and at
    /// least 1); empty means each input in one push.
    pub chunks: &'a [usize],
    /// Drain the events after every this many pushes (1: after each; 0 counts as 1); a push
    /// that stops short is always followed by a drain.
    pub poll_every: usize,
    /// Stop pushing the caller's audio once the operation has ended (checked after each
    /// chunk); otherwise the rest is pushed into the ended operation.
    pub stop_when_done: bool,
    /// What happens after the caller's audio.
    pub then: Then,
}

impl<'a> Feed<'a> {
    /// Pushes of `chunks` samples (cycled), drained after each, all of the audio, then
    /// [`Then::Stop`].
    pub const fn new(chunks: &'a [usize]) -> Self {
        Feed {
            chunks,
            poll_every: 1,
            stop_when_done: false,
            then: Then::Stop,
        }
    }

    /// The same feed followed by `then`.
    pub const fn then(self, then: Then) -> Self {
        Feed { then, ..self }
    }

    /// The same feed, draining only after every `n` pushes.
    pub const fn poll_every(self, n: usize) -> Self {
        Feed {
            poll_every: n,
            ..self
        }
    }

    /// The same feed, which stops pushing the caller's audio once the operation has ended.
    pub const fn stop_when_done(self) -> Self {
        Feed {
            stop_when_done: true,
            ..self
        }
    }
}

/// Drives the started `recorder` over `call` (its pieces in order) as `feed` says, handing
/// every event to `sink`; returns the operation's completion, if it ended (the first one
/// seen, which `sink` gets too).
pub fn drive<const N: usize, S: Store>(
    recorder: &mut Recorder<N, S>,
    call: &[MediaInput<'_>],
    feed: &Feed<'_>,
    sink: &mut impl Sink,
) -> Option<Completion> {
    let mut completion = None;
    let poll_every = feed.poll_every.max(1);
    let mut pushes = 0usize;
    let mut k = 0usize;
    'call: for input in call {
        let len = usize::try_from(input.len()).unwrap_or(usize::MAX);
        let mut at = 0;
        while at < len {
            let chunk = match feed.chunks.len() {
                0 => usize::MAX,
                n => feed.chunks[k % n],
            };
            k += 1;
            let end = at + chunk.clamp(1, len - at);
            while at < end {
                let piece = input.after(at as u64).first((end - at) as u64);
                let used = recorder.push(piece) as usize;
                pushes += 1;
                let short = used < end - at;
                at += used.min(end - at);
                if short || pushes.is_multiple_of(poll_every) {
                    drain(recorder, &mut completion, sink);
                }
            }
            if feed.stop_when_done && !recorder.is_running() {
                break 'call;
            }
        }
    }
    match feed.then {
        Then::Stop => {}
        Then::HangUp => {
            if recorder.is_running() {
                let _ = recorder.hang_up();
            }
        }
        Then::Silence { max_frames } => {
            let silence = [0i16; SILENCE_FRAME];
            let mut frames = 0;
            while recorder.is_running() && frames < max_frames {
                let mut rest = &silence[..];
                loop {
                    let used = recorder.push(MediaInput::Pcm(rest)) as usize;
                    rest = rest.get(used..).unwrap_or(&[]);
                    drain(recorder, &mut completion, sink);
                    if rest.is_empty() {
                        break;
                    }
                }
                frames += 1;
            }
        }
    }
    drain(recorder, &mut completion, sink);
    completion
}

/// Hands every event the recorder has to `sink`, noting the first completion.
fn drain<const N: usize, S: Store>(
    recorder: &mut Recorder<N, S>,
    completion: &mut Option<Completion>,
    sink: &mut impl Sink,
) {
    while let Some(event) = recorder.poll() {
        if let Event::Completed(c) = event {
            completion.get_or_insert(c);
        }
        sink.event(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::{Script, Step};
    use recresp_core::{CompletionReason, PromptAudio, RecordOptions, SampleRate};

    const RATE: SampleRate = SampleRate::Hz8000;
    const STEPS: [Step; 3] = [
        Step::Quiet(300),
        Step::voice(1200, 9000, 5),
        Step::Quiet(200),
    ];

    fn options() -> RecordOptions {
        RecordOptions {
            initial_silence_timeout_s: 3,
            max_silence_timeout_s: 1,
            max_record_duration_s: 10,
            play_beep: false,
            ..RecordOptions::default()
        }
    }

    fn run(feed: &Feed<'_>) -> (Option<Completion>, Tally) {
        let mut audio = [0i16; 1700 * 8];
        Script::new(&STEPS)
            .with_noise(40, 1)
            .add_to(RATE, &mut audio);
        let mut recorder: Recorder = Recorder::new(RATE).unwrap();
        recorder.start(options(), PromptAudio::None);
        let mut tally = Tally::default();
        let c = drive(&mut recorder, &[MediaInput::Pcm(&audio)], feed, &mut tally);
        (c, tally)
    }

    #[test]
    fn silence_after_the_answer_ends_it_and_chunking_does_not_matter() {
        let then = Then::Silence { max_frames: 1000 };
        let (c, tally) = run(&Feed::new(&[80]).then(then));
        let c = c.expect("completes");
        assert_eq!(c.reason, CompletionReason::MaxSilenceTimeout);
        assert_eq!(tally.samples, c.recorded_samples);
        assert!(tally.samples > 0);
        for feed in [
            Feed::new(&[]),
            Feed::new(&[1, 333, 17]).poll_every(5),
            Feed::new(&[160]).stop_when_done(),
        ] {
            assert_eq!(run(&feed.then(then)), (Some(c), tally), "{feed:?}");
        }
    }

    #[test]
    fn stop_leaves_it_running_and_hang_up_ends_it() {
        assert_eq!(run(&Feed::new(&[160])).0, None);
        let (c, _) = run(&Feed::new(&[160]).then(Then::HangUp));
        assert_eq!(
            c.map(|c| c.reason),
            Some(CompletionReason::OperationCanceled)
        );
    }
}
