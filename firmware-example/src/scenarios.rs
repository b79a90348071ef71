//! The calls the firmware example answers: for each, the Graph request body, the caller's
//! audio and the completion reason it must end with.
//!
//! Shared, as source, by the firmware, its build script (which renders the caller audio into
//! the image) and the host test that checks the firmware is bit-exact with x86. It uses only
//! `core` and `recresp-core`, and the audio comes from the core's integer generators, so every
//! build renders the same bytes.
//!
//! The caller audio of a scenario is line noise generated while the call runs (over the prompt
//! and the beep, say), a clip stored in flash as 8 kHz G.711 μ-law, then line noise again (the
//! line stays open after the clip ends).

use recresp_core::synth::{add_dtmf, add_noise, add_voice, Lcg};
use recresp_core::{CompletionReason, Digit, Law, SampleRate};

/// The caller's sample rate in every scenario.
pub const RATE: SampleRate = SampleRate::Hz8000;
/// How the caller audio is coded.
pub const LAW: Law = Law::Ulaw;
/// Peak amplitude of the line noise under every clip and after it (about −58 dBFS).
pub const LINE_NOISE_PEAK: i16 = 40;
/// Seed of the line noise generated after a clip ends.
pub const LINE_NOISE_SEED: u32 = 0x5eed_0001;

/// One piece of a clip.
#[derive(Clone, Copy, Debug)]
pub enum Segment {
    /// Line noise only.
    Quiet {
        /// Length in milliseconds.
        ms: u32,
    },
    /// The speech-like voice of [`recresp_core::synth::add_voice`].
    Voice {
        /// Length in milliseconds.
        ms: u32,
        /// Peak amplitude.
        peak: i16,
        /// Varies pitch and vowels.
        seed: u32,
    },
    /// A DTMF key press.
    Key {
        /// The key.
        digit: Digit,
        /// Length in milliseconds.
        ms: u32,
        /// Peak amplitude of each of the two tones.
        peak: i16,
    },
}

impl Segment {
    /// Length in milliseconds.
    pub const fn ms(&self) -> u32 {
        match *self {
            Segment::Quiet { ms } | Segment::Voice { ms, .. } | Segment::Key { ms, .. } => ms,
        }
    }
}

/// A piece of caller audio stored in the image.
#[derive(Clone, Copy, Debug)]
pub struct Clip {
    /// Short name, used for its file in the build.
    pub name: &'static str,
    /// What it is made of, in order.
    pub segments: &'static [Segment],
    /// Seed of the line noise under it.
    pub noise_seed: u32,
}

impl Clip {
    /// Length in samples at [`RATE`].
    pub const fn samples(&self) -> usize {
        let mut ms = 0;
        let mut i = 0;
        while i < self.segments.len() {
            ms += self.segments[i].ms();
            i += 1;
        }
        (ms * RATE.per_ms()) as usize
    }

    /// Renders the clip as 16-bit PCM into `out`, which should be [`Clip::samples`] long
    /// (a shorter one gets the beginning, a longer one keeps zeros after the end).
    pub fn render_pcm(&self, out: &mut [i16]) {
        let mut noise = Lcg::new(self.noise_seed);
        let mut at = 0usize;
        for seg in self.segments {
            let len = (seg.ms() * RATE.per_ms()) as usize;
            let end = (at + len).min(out.len());
            let Some(part) = out.get_mut(at..end) else {
                return;
            };
            match *seg {
                Segment::Quiet { .. } => {}
                Segment::Voice { peak, seed, .. } => add_voice(part, peak, RATE, seed),
                Segment::Key { digit, peak, .. } => add_dtmf(part, digit, peak, RATE),
            }
            add_noise(part, LINE_NOISE_PEAK, &mut noise);
            at = end;
        }
    }
}

/// A clip that is noise only: nobody speaks.
const SILENT_LINE: Clip = Clip {
    name: "silent-line",
    segments: &[Segment::Quiet { ms: 500 }],
    noise_seed: 11,
};

/// A spoken answer, a short pause, then the `#` key.
const ANSWER_THEN_POUND: Clip = Clip {
    name: "answer-then-pound",
    segments: &[
        Segment::Voice {
            ms: 1200,
            peak: 8000,
            seed: 7,
        },
        Segment::Quiet { ms: 250 },
        Segment::Key {
            digit: Digit::Pound,
            ms: 120,
            peak: 6000,
        },
        Segment::Quiet { ms: 100 },
    ],
    noise_seed: 12,
};

/// A short spoken answer; the line goes quiet after it.
const SHORT_ANSWER: Clip = Clip {
    name: "short-answer",
    segments: &[Segment::Voice {
        ms: 1300,
        peak: 9000,
        seed: 3,
    }],
    noise_seed: 13,
};

/// Every clip stored in the image; [`Scenario::clip`] indexes it.
pub const CLIPS: [Clip; 3] = [SILENT_LINE, ANSWER_THEN_POUND, SHORT_ANSWER];

/// One recordResponse operation on one call.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    /// Short name printed with its outcome.
    pub name: &'static str,
    /// The call's id.
    pub call_id: &'static str,
    /// The recordResponse request body, as the bot posts it to Graph.
    pub request: &'static str,
    /// Length of the prompt the host plays, when the request has one, in milliseconds.
    pub prompt_ms: u32,
    /// Line noise before the clip, generated while the call runs, in milliseconds (a
    /// multiple of 10).
    pub lead_in_ms: u32,
    /// Index of the caller's clip in [`CLIPS`].
    pub clip: usize,
    /// How the operation must end.
    pub expected: CompletionReason,
}

/// The scenarios, in the order the firmware runs them.
pub const SCENARIOS: [Scenario; 4] = [
    Scenario {
        name: "stop-key",
        call_id: "57dab8b1-894c-409a-b240-bd8beae78896",
        request: r##"{
  "prompts": [{
    "@odata.type": "#microsoft.graph.mediaPrompt",
    "mediaInfo": {
      "@odata.type": "#microsoft.graph.mediaInfo",
      "uri": "https://cdn.contoso.com/leave-a-message.wav",
      "resourceId": "1D6DE2D4-CD51-4309-8DAA-70768651088E"
    }
  }],
  "bargeInAllowed": false,
  "initialSilenceTimeoutInSeconds": 5,
  "maxSilenceTimeoutInSeconds": 2,
  "maxRecordDurationInSeconds": 10,
  "playBeep": true,
  "stopTones": ["#", "1", "*"],
  "clientContext": "fw-stop-key"
}"##,
        prompt_ms: 500,
        lead_in_ms: 800,
        clip: 1,
        expected: CompletionReason::StopToneDetected,
    },
    Scenario {
        name: "nobody-speaks",
        call_id: "2a1b59b1-0c4e-4a64-9f3c-8f3b8d1f0e21",
        request: r##"{"initialSilenceTimeoutInSeconds": 1, "playBeep": true, "stopTones": ["#"], "clientContext": "fw-silent"}"##,
        prompt_ms: 0,
        lead_in_ms: 0,
        clip: 0,
        expected: CompletionReason::InitialSilenceTimeout,
    },
    Scenario {
        name: "pause",
        call_id: "9c0d5f0e-3e7a-4d55-8b1e-6a4f2f7c9d10",
        request: r##"{"maxSilenceTimeoutInSeconds": 1, "maxRecordDurationInSeconds": 5, "playBeep": false, "clientContext": "fw-pause"}"##,
        prompt_ms: 0,
        lead_in_ms: 150,
        clip: 2,
        expected: CompletionReason::MaxSilenceTimeout,
    },
    Scenario {
        name: "time-cap",
        call_id: "d4e0a7c2-51b8-4f0e-a0d9-3b6c1e2f4a58",
        request: r##"{"maxRecordDurationInSeconds": 1, "maxSilenceTimeoutInSeconds": 3, "playBeep": false, "clientContext": "fw-time-cap"}"##,
        prompt_ms: 0,
        lead_in_ms: 150,
        clip: 2,
        expected: CompletionReason::MaxRecordDurationReached,
    },
];
