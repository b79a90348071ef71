//! The calls the firmware example answers: for each, the Graph request body, the caller's
//! audio and the completion reason it must end with.
//!
//! Shared, as source, by the firmware, its build script (which renders the caller audio into
//! the image) and the host test that checks the firmware is bit-exact with x86. It uses only
//! `core`, `recresp-core` and `recresp-harness`; the audio is a caller script rendered by the
//! core's integer generators, so every build renders the same bytes.
//!
//! The caller audio of a scenario is line noise generated while the call runs (over the prompt
//! and the beep, say), a clip stored in flash as 8 kHz G.711 μ-law, then line noise again (the
//! line stays open after the clip ends).

use recresp_core::Law;
use recresp_core::{CompletionReason, Digit, SampleRate};
use recresp_harness::script::{Script, Step};

/// The caller's sample rate in every scenario.
pub const RATE: SampleRate = SampleRate::Hz8000;
/// How the caller audio is coded.
pub const LAW: Law = Law::Ulaw;
/// Peak amplitude of the line noise under every clip and after it (about −58 dBFS).
pub const LINE_NOISE_PEAK: i16 = 40;
/// Seed of the line noise generated after a clip ends.
pub const LINE_NOISE_SEED: u32 = 0x5eed_0001;

/// A piece of caller audio stored in the image.
#[derive(Clone, Copy, Debug)]
pub struct Clip {
    /// Short name, used for its file in the build.
    pub name: &'static str,
    /// What the caller does, with line noise of [`LINE_NOISE_PEAK`] under it.
    pub script: Script<'static>,
}

impl Clip {
    /// Length in samples at [`RATE`].
    pub const fn samples(&self) -> usize {
        self.script.samples(RATE)
    }

    /// Renders the clip as 16-bit PCM into `out`, which should be [`Clip::samples`] long
    /// and all zeros (a shorter one gets the beginning, a longer one keeps its zeros after
    /// the end).
    pub fn render_pcm(&self, out: &mut [i16]) {
        self.script.add_to(RATE, out);
    }
}

/// A clip that is noise only: nobody speaks.
const SILENT_LINE: Clip = Clip {
    name: "silent-line",
    script: Script::new(&[Step::Quiet(500)]).with_noise(LINE_NOISE_PEAK, 11),
};

/// A spoken answer, a short pause, then the `#` key.
const ANSWER_THEN_POUND: Clip = Clip {
    name: "answer-then-pound",
    script: Script::new(&[
        Step::Voice {
            ms: 1200,
            peak: 8000,
            seed: 7,
        },
        Step::Quiet(250),
        Step::Key {
            digit: Digit::Pound,
            ms: 120,
            peak: 6000,
        },
        Step::Quiet(100),
    ])
    .with_noise(LINE_NOISE_PEAK, 12),
};

/// A short spoken answer; the line goes quiet after it.
const SHORT_ANSWER: Clip = Clip {
    name: "short-answer",
    script: Script::new(&[Step::Voice {
        ms: 1300,
        peak: 9000,
        seed: 3,
    }])
    .with_noise(LINE_NOISE_PEAK, 13),
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
