//! The media boundary: the one way the caller's media comes in, whatever carries it.
//!
//! A [`MediaInput`] is a piece of the caller's side of the call on the sink's sample timeline:
//! decoded samples, G.711 bytes, a span of silence or of lost media, or a key pressed out of
//! band. Whatever produces media (the host's own audio path, [`RtpReceiver`](crate::RtpReceiver)
//! from packets) hands it to a [`MediaSink`]: a [`Recorder`](crate::Recorder) for one
//! operation, or a [`MediaQueue`](crate::MediaQueue) for a call's queue of operations. A
//! sink consumes what it can and says how much; what it decided comes out of
//! [`MediaSink::poll`]. [`feed`] is the loop every host runs around them: push, drain the
//! events, push the rest, until the input is consumed or the sink takes no more.
//!
//! Time is the count of samples pushed: a sink never reads a clock, so a host that receives
//! nothing for a while says so with [`MediaInput::Lost`] (or lets the RTP receiver say it,
//! see [`RtpReceiver::advance`](crate::RtpReceiver::advance)).

use crate::{Digit, Law, SampleRate};

/// A piece of the caller's media, on the sink's timeline (samples at the sink's rate).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum MediaInput<'a> {
    /// 16-bit PCM samples.
    Pcm(&'a [i16]),
    /// G.711 bytes of `Law`, one per sample (8 kHz sinks).
    G711(&'a [u8], Law),
    /// This many samples of silence that the caller's side sent as such (the pause of a
    /// sender that suppresses silence, the span under an out-of-band key).
    Silence(u64),
    /// This many samples in which no media arrived: recorded as silence, and counted by
    /// the media-receive timeout.
    Lost(u64),
    /// A key pressed out of band (RFC 4733), whose tone began `ago` samples before the
    /// current position (0: now); it takes no time.
    Digit {
        /// The key.
        digit: Digit,
        /// How long before the current position the tone began, in samples.
        ago: u64,
    },
}

impl MediaInput<'_> {
    /// Its length in samples (0 for a key).
    pub fn len(&self) -> u64 {
        match *self {
            MediaInput::Pcm(s) => s.len() as u64,
            MediaInput::G711(b, _) => b.len() as u64,
            MediaInput::Silence(n) | MediaInput::Lost(n) => n,
            MediaInput::Digit { .. } => 0,
        }
    }

    /// Whether it holds no samples (a key holds none).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Its first `n` samples (a key stays a key).
    pub fn first(self, n: u64) -> Self {
        let to = |len: usize| usize::try_from(n).unwrap_or(usize::MAX).min(len);
        match self {
            MediaInput::Pcm(s) => MediaInput::Pcm(s.get(..to(s.len())).unwrap_or(&[])),
            MediaInput::G711(b, law) => MediaInput::G711(b.get(..to(b.len())).unwrap_or(&[]), law),
            MediaInput::Silence(len) => MediaInput::Silence(len.min(n)),
            MediaInput::Lost(len) => MediaInput::Lost(len.min(n)),
            key @ MediaInput::Digit { .. } => key,
        }
    }

    /// What is left after its first `n` samples (a key stays a key).
    pub fn after(self, n: u64) -> Self {
        let at = |len: usize| usize::try_from(n).unwrap_or(usize::MAX).min(len);
        match self {
            MediaInput::Pcm(s) => MediaInput::Pcm(s.get(at(s.len())..).unwrap_or(&[])),
            MediaInput::G711(b, law) => MediaInput::G711(b.get(at(b.len())..).unwrap_or(&[]), law),
            MediaInput::Silence(len) => MediaInput::Silence(len.saturating_sub(n)),
            MediaInput::Lost(len) => MediaInput::Lost(len.saturating_sub(n)),
            key @ MediaInput::Digit { .. } => key,
        }
    }
}

/// What takes the caller's media: a [`Recorder`](crate::Recorder) or a
/// [`MediaQueue`](crate::MediaQueue).
pub trait MediaSink {
    /// What the sink tells its host.
    type Event<'a>
    where
        Self: 'a;

    /// The sample rate the sink expects.
    fn rate(&self) -> SampleRate;

    /// Takes `input` and returns how many of its samples were consumed: all of them, unless
    /// output must be polled first or an operation ended part way (the rest belongs to
    /// whatever runs next). A key is acted on at once (and ignored when nothing runs).
    fn push(&mut self, input: MediaInput<'_>) -> u64;

    /// The next thing the sink has to say; poll until `None` after every push.
    fn poll(&mut self) -> Option<Self::Event<'_>>;
}

/// Pushes `input` into `sink`, handing every event to `on_event`, until it is consumed or
/// the sink takes no more (it consumed nothing and had nothing to say: input after the end
/// of everything it runs). Returns how many samples were consumed.
pub fn feed<K: MediaSink + ?Sized>(
    sink: &mut K,
    mut input: MediaInput<'_>,
    on_event: &mut impl FnMut(K::Event<'_>),
) -> u64 {
    let total = input.len();
    let mut used = 0;
    loop {
        let n = sink.push(input).min(input.len());
        used += n;
        input = input.after(n);
        let mut polled = false;
        while let Some(e) = sink.poll() {
            polled = true;
            on_event(e);
        }
        if used >= total || (n == 0 && !polled) {
            return used;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that takes at most `per_push` samples a push and says how many it took.
    struct Slow {
        per_push: u64,
        said: Option<u64>,
        keys: usize,
    }

    impl MediaSink for Slow {
        type Event<'a> = u64;
        fn rate(&self) -> SampleRate {
            SampleRate::Hz8000
        }
        fn push(&mut self, input: MediaInput<'_>) -> u64 {
            if let MediaInput::Digit { .. } = input {
                self.keys += 1;
            }
            let n = input.len().min(self.per_push);
            self.said = (n > 0).then_some(n);
            n
        }
        fn poll(&mut self) -> Option<u64> {
            self.said.take()
        }
    }

    #[test]
    fn feed_pushes_until_consumed_and_hands_on_every_event() {
        let audio = [0i16; 1000];
        let mut sink = Slow {
            per_push: 160,
            said: None,
            keys: 0,
        };
        let mut events = [0u64; 8];
        let mut count = 0;
        let used = feed(&mut sink, MediaInput::Pcm(&audio), &mut |n| {
            events[count] = n;
            count += 1;
        });
        assert_eq!(used, 1000);
        assert_eq!(events[..count], [160, 160, 160, 160, 160, 160, 40]);
        let used = feed(
            &mut sink,
            MediaInput::Digit {
                digit: Digit::Pound,
                ago: 0,
            },
            &mut |_| {},
        );
        assert_eq!((used, sink.keys), (0, 1));
    }

    #[test]
    fn feed_stops_when_the_sink_takes_nothing_and_says_nothing() {
        let mut sink = Slow {
            per_push: 0,
            said: None,
            keys: 0,
        };
        assert_eq!(feed(&mut sink, MediaInput::Lost(500), &mut |_| {}), 0);
    }

    #[test]
    fn first_and_after_cut_every_kind() {
        let pcm = [1i16, 2, 3];
        assert_eq!(MediaInput::Pcm(&pcm).after(2), MediaInput::Pcm(&[3]));
        assert_eq!(MediaInput::Pcm(&pcm).after(9), MediaInput::Pcm(&[]));
        assert_eq!(MediaInput::Lost(10).after(4), MediaInput::Lost(6));
        assert_eq!(MediaInput::Silence(3).after(4), MediaInput::Silence(0));
        assert_eq!(MediaInput::Pcm(&pcm).first(2), MediaInput::Pcm(&[1, 2]));
        assert_eq!(MediaInput::Lost(10).first(4), MediaInput::Lost(4));
        assert_eq!(MediaInput::Silence(3).first(4), MediaInput::Silence(3));
    }
}
