//! Driver for measuring the instructions each detector spends per 10 ms frame at 8 kHz:
//! runs one detector over 20 test prompts mixed with pink noise at 10 dB (as in the
//! evaluation), one 10 ms frame per call of a `#[inline(never)]` wrapper that callgrind
//! counts (see `scripts/speech-cost.sh`). Prints the number of frames. recresp runs without
//! learning mode, so every frame after the first 200 ms is judged (a frame in learning mode
//! costs less: it is only learnt from).
//!
//! Silero (`silero`) is fed the same 10 ms frames; it runs its model once per 32 ms window
//! inside the counted call, so the count per frame is the model's cost spread over the frames
//! (ONNX Runtime's per-call overhead included). One window is run before the counted loop,
//! so ONNX Runtime's one-time set-up on its first run is not counted. `silero-idle` makes the
//! same run without any inference in the loop, for checking the count from whole-run totals.
//!
//! Run: `speech_cost recresp`, `speech_cost webrtc`, `speech_cost silero` or `speech_cost silero-idle`.

use recresp_benches::corpus;
use recresp_benches::peers::silero_vad::{SileroFrames, SileroVad, THRESHOLD};
use recresp_benches::peers::webrtc_vad::WebRtcVad;
use recresp_benches::signals::noise::NoiseKind;
use recresp_benches::speech::testset::{make_case, select, Condition, FRAME};
use recresp_core::{SampleRate, SpeechDetector, SpeechEvent};

/// One frame through recresp's detector.
#[inline(never)]
fn recresp_frame(detector: &mut SpeechDetector, frame: &[i16], events: &mut usize) {
    detector.push(frame, &mut |e: SpeechEvent| {
        *events += matches!(e, SpeechEvent::Start { .. }) as usize
    });
}

/// One frame through WebRTC's VAD.
#[inline(never)]
fn webrtc_frame(vad: &mut WebRtcVad, frame: &[i16], events: &mut usize) {
    *events += vad.process(frame).unwrap_or(false) as usize;
}

/// One frame through Silero (a model run every 32 ms).
#[inline(never)]
fn silero_frame(frames: &mut SileroFrames, frame: &[i16], events: &mut usize) {
    *events += (frames.frame(frame) >= THRESHOLD) as usize;
}

/// Silero loaded and run once (ONNX Runtime's first-run set-up), then reset.
fn warm_silero() -> Result<SileroFrames, String> {
    let mut vad = SileroVad::new(8000)?;
    let window = vec![0; vad.window_len()];
    vad.probability(&window);
    Ok(SileroFrames::new(vad))
}

fn main() -> Result<(), String> {
    let which = std::env::args().nth(1).unwrap_or_default();
    let corpus = corpus::load_default()?;
    let set = select(&corpus, 0);
    let mut audio = Vec::new();
    for (i, (prompt, truth)) in set.prompts.iter().take(20).enumerate() {
        let condition = Condition::Colored(NoiseKind::Pink, 10.0);
        audio.extend(make_case(prompt, *truth, condition, i as u64, &set.babble_pool).samples);
    }
    let frames = audio.len() / FRAME;
    let mut events = 0;
    match which.as_str() {
        "recresp" => {
            let mut d = SpeechDetector::new(SampleRate::Hz8000);
            for frame in audio.chunks_exact(FRAME) {
                recresp_frame(&mut d, frame, &mut events);
            }
        }
        "webrtc" => {
            let mut vad = WebRtcVad::new(8000, 3)?;
            for frame in audio.chunks_exact(FRAME) {
                webrtc_frame(&mut vad, frame, &mut events);
            }
        }
        "silero" => {
            let mut frames = warm_silero()?;
            for frame in audio.chunks_exact(FRAME) {
                silero_frame(&mut frames, frame, &mut events);
            }
        }
        "silero-idle" => {
            let _frames = warm_silero()?;
            for frame in audio.chunks_exact(FRAME) {
                events += frame.len() / FRAME;
            }
        }
        _ => return Err("usage: speech_cost recresp|webrtc|silero|silero-idle".into()),
    }
    println!("frames {frames} events {events}");
    println!(
        "recresp SpeechDetector state: {} bytes",
        std::mem::size_of::<SpeechDetector>()
    );
    Ok(())
}
