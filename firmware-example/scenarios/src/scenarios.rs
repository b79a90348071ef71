//! The calls the firmware example answers: for each, the Graph request body, the caller's
//! audio and the completion reason it must end with.
//!
//! The firmware's build script renders the caller audio into the image with [`Clip::render`];
//! the host test renders it the same way. The audio is a caller script rendered by the core's
//! integer generators (and coded by the core's G.711 and G.722 encoders), so every build
//! renders the same bytes.
//!
//! The caller audio of a scenario is line noise generated while the call runs (over the prompt
//! and the beep, say), a clip stored in flash (8 kHz G.711 μ-law, or 16 kHz G.722), then line
//! noise again (the line stays open after the clip ends).

use recresp_core::codec::G722Encoder;
use recresp_core::rtp::{PT_G722, PT_PCMA, PT_PCMU};
use recresp_core::Law;
use recresp_core::{CompletionReason, Digit, OutCodec, SampleRate};
use recresp_harness::script::{Script, Step};

/// The sample rate of the G.711 scenarios.
pub const RATE: SampleRate = SampleRate::Hz8000;
/// How G.711 caller audio is coded.
pub const LAW: Law = Law::Ulaw;

/// How a call's audio is carried, both ways.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    /// G.711 in [`LAW`], 8 kHz, one byte a sample.
    G711,
    /// G.722 at 64 kbit/s, 16 kHz, one octet per two samples.
    G722,
}

impl Coding {
    /// The audio's sample rate.
    pub const fn rate(self) -> SampleRate {
        match self {
            Coding::G711 => RATE,
            Coding::G722 => SampleRate::Hz16000,
        }
    }

    /// Its RTP payload type (RFC 3551).
    pub const fn payload_type(self) -> u8 {
        match self {
            Coding::G711 => match LAW {
                Law::Ulaw => PT_PCMU,
                Law::Alaw => PT_PCMA,
            },
            Coding::G722 => PT_G722,
        }
    }

    /// The same coding for the outbound stream.
    pub const fn out_codec(self) -> OutCodec {
        match self {
            Coding::G711 => OutCodec::G711(LAW),
            Coding::G722 => OutCodec::G722,
        }
    }

    /// Bytes that carry `samples` samples.
    pub const fn bytes(self, samples: usize) -> usize {
        match self {
            Coding::G711 => samples,
            Coding::G722 => samples / 2,
        }
    }

    /// Short name, used for file names and logs.
    pub const fn name(self) -> &'static str {
        match self {
            Coding::G711 => "ulaw",
            Coding::G722 => "g722",
        }
    }
}
/// Peak amplitude of the line noise under every clip and after it (about −58 dBFS).
pub const LINE_NOISE_PEAK: i16 = 40;
/// Seed of the line noise generated after a clip ends.
pub const LINE_NOISE_SEED: u32 = 0x5eed_0001;

/// A piece of caller audio stored in the image.
#[derive(Clone, Copy, Debug)]
pub struct Clip {
    /// Short name, used for its file in the build.
    pub name: &'static str,
    /// How it is coded.
    pub coding: Coding,
    /// What the caller does, with line noise of [`LINE_NOISE_PEAK`] under it.
    pub script: Script<'static>,
}

impl Clip {
    /// Length in samples at its coding's rate.
    pub const fn samples(&self) -> usize {
        self.script.samples(self.coding.rate())
    }

    /// Length in bytes as coded.
    pub const fn bytes(&self) -> usize {
        self.coding.bytes(self.samples())
    }

    /// Renders the clip as 16-bit PCM into `out`, which should be [`Clip::samples`] long
    /// and all zeros (a shorter one gets the beginning, a longer one keeps its zeros after
    /// the end).
    pub fn render_pcm(&self, out: &mut [i16]) {
        self.script.add_to(self.coding.rate(), out);
    }

    /// Renders the clip as it is stored in the image: `pcm` ([`Clip::samples`] long, all
    /// zeros) gets the audio, `out` ([`Clip::bytes`] long) the coded bytes.
    pub fn render(&self, pcm: &mut [i16], out: &mut [u8]) {
        self.render_pcm(pcm);
        match self.coding {
            Coding::G711 => {
                for (b, &s) in out.iter_mut().zip(pcm.iter()) {
                    *b = LAW.encode(s);
                }
            }
            Coding::G722 => {
                // A fresh encoder: the clip starts a talkspurt of its own. `out` too short
                // keeps the beginning.
                let n = pcm.len().min(out.len() * 2);
                let _ = G722Encoder::new().encode(pcm.get(..n).unwrap_or(&[]), out);
            }
        }
    }
}

/// A clip that is noise only: nobody speaks.
const SILENT_LINE: Clip = Clip {
    name: "silent-line",
    coding: Coding::G711,
    script: Script::new(&[Step::Quiet(500)]).with_noise(LINE_NOISE_PEAK, 11),
};

/// A spoken answer, a short pause, then the `#` key.
const ANSWER_THEN_POUND: Clip = Clip {
    name: "answer-then-pound",
    coding: Coding::G711,
    script: Script::new(&[
        Step::voice(1200, 8000, 7),
        Step::Quiet(250),
        Step::key(Digit::Pound, 120, 6000),
        Step::Quiet(100),
    ])
    .with_noise(LINE_NOISE_PEAK, 12),
};

/// A short spoken answer; the line goes quiet after it.
const SHORT_ANSWER: Clip = Clip {
    name: "short-answer",
    coding: Coding::G711,
    script: Script::new(&[Step::voice(1300, 9000, 3)]).with_noise(LINE_NOISE_PEAK, 13),
};

/// A spoken answer, a short pause, then the `#` key, on a 16 kHz G.722 line.
const WIDEBAND_ANSWER_THEN_POUND: Clip = Clip {
    name: "wideband-answer-then-pound",
    coding: Coding::G722,
    script: Script::new(&[
        Step::voice(1100, 8000, 17),
        Step::Quiet(300),
        Step::key(Digit::Pound, 120, 6000),
        Step::Quiet(100),
    ])
    .with_noise(LINE_NOISE_PEAK, 14),
};

/// Every clip stored in the image; [`Scenario::clip`] indexes it.
pub const CLIPS: [Clip; 4] = [
    SILENT_LINE,
    ANSWER_THEN_POUND,
    SHORT_ANSWER,
    WIDEBAND_ANSWER_THEN_POUND,
];

/// The prompt the host plays when a request has one, as the caller hears it: 500 ms of a
/// voice at 8 kHz, kept in flash and sent through the core's playout (only the G.711
/// scenarios have a prompt).
pub const PROMPT: Script<'static> = Script::new(&[Step::voice(500, 6000, 29)]);

/// Samples in [`PROMPT`] at [`RATE`].
pub const PROMPT_SAMPLES: usize = PROMPT.samples(RATE);

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
    /// Index of the caller's clip in [`CLIPS`] (its coding is the call's).
    pub clip: usize,
    /// How the operation must end.
    pub expected: CompletionReason,
}

impl Scenario {
    /// How the call's audio is carried: its clip's coding.
    pub const fn coding(&self) -> Coding {
        if self.clip < CLIPS.len() {
            CLIPS[self.clip].coding
        } else {
            Coding::G711
        }
    }
}

/// The G.711 scenarios, in the order the firmware runs them.
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
        lead_in_ms: 200,
        clip: 2,
        expected: CompletionReason::MaxSilenceTimeout,
    },
    Scenario {
        name: "time-cap",
        call_id: "d4e0a7c2-51b8-4f0e-a0d9-3b6c1e2f4a58",
        request: r##"{"maxRecordDurationInSeconds": 1, "maxSilenceTimeoutInSeconds": 3, "playBeep": false, "clientContext": "fw-time-cap"}"##,
        prompt_ms: 0,
        lead_in_ms: 200,
        clip: 2,
        expected: CompletionReason::MaxRecordDurationReached,
    },
];

/// The G.722 scenarios, run by the firmware after [`SCENARIOS`] on a 16 kHz recorder.
pub const WIDEBAND_SCENARIOS: [Scenario; 1] = [Scenario {
    name: "g722-stop-key",
    call_id: "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
    request: r##"{"maxSilenceTimeoutInSeconds": 2, "maxRecordDurationInSeconds": 10, "playBeep": true, "stopTones": ["#"], "clientContext": "fw-g722"}"##,
    prompt_ms: 0,
    lead_in_ms: 400,
    clip: 3,
    expected: CompletionReason::StopToneDetected,
}];
