//! Playout: what the caller hears, as frames ready to send. The recorder decides when the
//! prompt and the beep play (its `BeepStarted` event); a [`Playout`] turns that into coded
//! frames for the outbound RTP stream: the prompt's samples, then the beep, then silence,
//! coded as G.711 (8 kHz) or G.722 (16 kHz), one frame per call, paced by the host taking
//! them (one frame per packet time).
//!
//! The host keeps the prompt's decoded samples (in flash, or read from a file) and lends
//! them to the playout; nothing is copied or allocated. Each frame says what it carried and
//! whether it held the beep's last sample, so the host knows when the beep has been sent.
//! With the RTP receiver's clock input, the recorder's own time is the call's time whether
//! packets come in or not, so its `BeepFinished` comes with the frame that ends the beep when
//! the host takes one frame per packet time.

use crate::beep::Beep;
use crate::codec::G722Encoder;
use crate::{Law, SampleRate};

/// How outbound frames are coded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum OutCodec {
    /// G.711 in this law, one byte per 8 kHz sample (PCMU, PCMA).
    G711(Law),
    /// G.722 at 64 kbit/s, one octet per two 16 kHz samples.
    G722,
}

impl OutCodec {
    /// The sample rate the codec carries.
    pub const fn rate(self) -> SampleRate {
        match self {
            OutCodec::G711(_) => SampleRate::Hz8000,
            OutCodec::G722 => SampleRate::Hz16000,
        }
    }

    /// Bytes of a frame of `ms` milliseconds.
    pub const fn frame_bytes(self, ms: u32) -> usize {
        (ms * 8) as usize
    }
}

/// What a frame carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Carried {
    /// Only the prompt.
    Prompt,
    /// Some of the beep (the rest silence, or the prompt's end).
    Beep,
    /// Nothing to play: silence.
    Silence,
}

/// One frame handed to the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Frame {
    /// Bytes written.
    pub len: usize,
    /// What it carried.
    pub carried: Carried,
    /// It held the beep's last sample: the beep has been sent.
    pub beep_finished: bool,
}

/// The buffer given for a frame is too small.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FrameTooLong {
    /// Bytes the frame needs.
    pub needed: usize,
}

impl core::fmt::Display for FrameTooLong {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "the frame needs a buffer of {} bytes", self.needed)
    }
}

impl core::error::Error for FrameTooLong {}

/// Samples coded at a time (on the stack).
const PIECE: usize = 160;

/// The outbound side of one channel: the prompt lent by the host, the beep, the encoder.
#[derive(Clone, Debug)]
pub struct Playout<'a> {
    codec: OutCodec,
    prompt: &'a [i16],
    /// Samples of the prompt already sent.
    sent: usize,
    beep: Option<Beep>,
    g722: G722Encoder,
}

impl<'a> Playout<'a> {
    /// An idle playout coding with `codec` (silence until something plays).
    pub const fn new(codec: OutCodec) -> Self {
        Playout {
            codec,
            prompt: &[],
            sent: 0,
            beep: None,
            g722: G722Encoder::new(),
        }
    }

    /// The codec in use.
    pub fn codec(&self) -> OutCodec {
        self.codec
    }

    /// Plays `samples` (at the codec's rate) from the next frame on, in place of whatever
    /// prompt was playing.
    pub fn play_prompt(&mut self, samples: &'a [i16]) {
        self.prompt = samples;
        self.sent = 0;
    }

    /// Plays the beep (when the recorder says `BeepStarted`), after what is left of the
    /// prompt in the same frame.
    pub fn play_beep(&mut self) {
        self.beep = Some(Beep::new(self.codec.rate()));
    }

    /// Stops the prompt and the beep (the operation was cancelled or barged into).
    pub fn stop(&mut self) {
        self.prompt = &[];
        self.sent = 0;
        self.beep = None;
    }

    /// Whether anything is left to play.
    pub fn is_playing(&self) -> bool {
        self.sent < self.prompt.len() || self.beep.is_some()
    }

    /// The next `ms` milliseconds of what the caller hears, coded into `out` (which must
    /// hold [`OutCodec::frame_bytes`]).
    pub fn next_frame(&mut self, ms: u32, out: &mut [u8]) -> Result<Frame, FrameTooLong> {
        let needed = self.codec.frame_bytes(ms);
        let Some(out) = out.get_mut(..needed) else {
            return Err(FrameTooLong { needed });
        };
        let mut carried = Carried::Silence;
        let mut beep_finished = false;
        let per_byte = match self.codec {
            OutCodec::G711(_) => 1,
            OutCodec::G722 => 2,
        };
        for piece in out.chunks_mut(PIECE / per_byte) {
            let mut pcm = [0i16; PIECE];
            let pcm = pcm.get_mut(..piece.len() * per_byte).unwrap_or(&mut []);
            let from_prompt = self.fill_prompt(pcm);
            if from_prompt > 0 && carried == Carried::Silence {
                carried = Carried::Prompt;
            }
            if let Some(beep) = self.beep.as_mut() {
                let rest = pcm.get_mut(from_prompt..).unwrap_or(&mut []);
                if beep.fill(rest) > 0 {
                    carried = Carried::Beep;
                }
                if beep.remaining() == 0 {
                    self.beep = None;
                    beep_finished = true;
                }
            }
            match self.codec {
                OutCodec::G711(law) => {
                    for (b, &s) in piece.iter_mut().zip(pcm.iter()) {
                        *b = law.encode(s);
                    }
                }
                OutCodec::G722 => {
                    for (b, pair) in piece.iter_mut().zip(pcm.chunks_exact(2)) {
                        if let [first, second] = *pair {
                            *b = self.g722.encode_pair(first, second);
                        }
                    }
                }
            }
        }
        Ok(Frame {
            len: needed,
            carried,
            beep_finished,
        })
    }

    /// Copies the prompt's next samples into `out`; returns how many.
    fn fill_prompt(&mut self, out: &mut [i16]) -> usize {
        let rest = self.prompt.get(self.sent..).unwrap_or(&[]);
        let n = rest.len().min(out.len());
        if let (Some(dst), Some(src)) = (out.get_mut(..n), rest.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.sent += n;
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::G722Decoder;

    #[test]
    fn the_prompt_then_the_beep_then_silence_in_g711() {
        let prompt: [i16; 400] = core::array::from_fn(|i| (i as i16) * 10);
        let mut p = Playout::new(OutCodec::G711(Law::Ulaw));
        p.play_prompt(&prompt);
        let mut frame = [0u8; 160];
        let mut frames = [Carried::Silence; 6];
        let mut finished_at = None;
        for (k, slot) in frames.iter_mut().enumerate() {
            if k == 2 {
                // The prompt ends 80 samples into this frame; the recorder starts the beep.
                p.play_beep();
            }
            let f = p.next_frame(20, &mut frame).unwrap();
            assert_eq!(f.len, 160);
            *slot = f.carried;
            if f.beep_finished {
                finished_at = Some(k);
            }
            if k == 0 {
                let want: [u8; 160] = core::array::from_fn(|i| Law::Ulaw.encode(prompt[i]));
                assert_eq!(frame, want);
            }
        }
        use Carried::*;
        // 400 prompt samples: 2.5 frames; the 1,600-sample beep from the middle of the
        // third: it ends 80 samples into the 13th frame, so the 6 frames here are not enough.
        assert_eq!(frames, [Prompt, Prompt, Beep, Beep, Beep, Beep]);
        assert_eq!(finished_at, None);
        let mut taken = 6;
        while p.is_playing() {
            let f = p.next_frame(20, &mut frame).unwrap();
            taken += 1;
            if f.beep_finished {
                finished_at = Some(taken - 1);
            }
        }
        assert_eq!(finished_at, Some(12));
        let f = p.next_frame(20, &mut frame).unwrap();
        assert_eq!(f.carried, Silence);
        assert!(frame.iter().all(|&b| b == Law::Ulaw.encode(0)));
    }

    #[test]
    fn g722_frames_decode_to_the_beep() {
        let mut p = Playout::new(OutCodec::G722);
        p.play_beep();
        let mut coded = [0u8; 1600];
        for chunk in coded.chunks_mut(160) {
            assert_eq!(p.next_frame(20, chunk).unwrap().carried, Carried::Beep);
        }
        let mut decoded = [0i16; 3200];
        G722Decoder::new().decode(&coded, &mut decoded).unwrap();
        let mut beep = [0i16; 3200];
        Beep::new(SampleRate::Hz16000).fill(&mut beep);
        // The codec's delay is 22 samples; past it, the decoded beep follows the original.
        let err: i64 = decoded[22..]
            .iter()
            .zip(&beep)
            .map(|(&d, &b)| (i64::from(d) - i64::from(b)).pow(2))
            .sum();
        let power: i64 = beep.iter().map(|&b| i64::from(b).pow(2)).sum();
        assert!(err * 100 < power, "SNR under 20 dB: {err} vs {power}");
    }

    #[test]
    fn a_short_buffer_is_refused_and_stop_silences() {
        let mut p = Playout::new(OutCodec::G711(Law::Alaw));
        p.play_beep();
        assert_eq!(
            p.next_frame(20, &mut [0u8; 100]),
            Err(FrameTooLong { needed: 160 })
        );
        p.stop();
        assert!(!p.is_playing());
        let f = p.next_frame(10, &mut [0u8; 80]).unwrap();
        assert_eq!(f.carried, Carried::Silence);
    }
}
