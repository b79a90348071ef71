//! Prints recresp's frame-by-frame view of a WAV file (8 kHz): band levels, noise floors and
//! deviations in dBFS, and the verdict. For looking into a detector decision.
//!
//! Run: `cargo run --release -p recresp-benches --bin vad_trace -- FILE.wav [white|pink|brown SNR_DB]`
//! (with a noise, the file is mixed as in the evaluation: 3 s of the noise before it, 2 s
//! after; without, the file is traced as it is).

use recresp_benches::corpus::Prompt;
use recresp_benches::noise::NoiseKind;
use recresp_benches::vad_testset::{ground_truth, make_case, Condition};
use recresp_core::silence::bands::BandAnalyzer;
use recresp_core::silence::frame::FrameClassifier;
use recresp_core::SampleRate;

fn dbfs(l: i32) -> f64 {
    (l as f64 / 65536.0 - 30.0) * 3.0103
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .ok_or("usage: vad_trace FILE.wav [lead_seconds]")?;
    let kind = match args.get(2).map(String::as_str) {
        Some("white") => Some(NoiseKind::White),
        Some("pink") => Some(NoiseKind::Pink),
        Some("brown") => Some(NoiseKind::Brown),
        _ => None,
    };
    let snr: f64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(10.0);
    let condition = kind.map_or(Condition::Clean, |k| Condition::Colored(k, snr));
    let reader = hound::WavReader::open(path).map_err(|e| e.to_string())?;
    let prompt = Prompt {
        path: path.into(),
        samples: reader
            .into_samples::<i16>()
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?,
    };
    let truth = ground_truth(&prompt.samples).ok_or("no speech in the file")?;
    let samples = if kind.is_some() {
        let case = make_case(&prompt, truth, condition, 1, &[]);
        println!("truth: {} .. {} ms", case.onset / 8, case.end / 8);
        case.samples
    } else {
        println!("truth: {} .. {} ms", truth.onset / 8, truth.end / 8);
        prompt.samples
    };
    let mut bands = BandAnalyzer::new(SampleRate::Hz8000);
    let mut classifier = FrameClassifier::new(SampleRate::Hz8000, 50);
    for (i, frame) in samples.chunks_exact(80).enumerate() {
        let (_, levels) = bands.feed(frame);
        let floors = classifier.floors_q16();
        let devs = classifier.devs_q16();
        let (_, verdict) = classifier.feed(frame);
        if let (Some(l), Some(v)) = (levels, verdict) {
            println!(
                "{:6} ms  level {:6.1} {:6.1} {:6.1}  floor {:6.1} {:6.1} {:6.1}  dev {:4.1} {:4.1} {:4.1}  {:?}",
                i * 10,
                dbfs(l[0]),
                dbfs(l[1]),
                dbfs(l[2]),
                dbfs(floors[0]),
                dbfs(floors[1]),
                dbfs(floors[2]),
                devs[0] as f64 / 65536.0 * 3.0103,
                devs[1] as f64 / 65536.0 * 3.0103,
                devs[2] as f64 / 65536.0 * 3.0103,
                v
            );
        }
    }
    Ok(())
}
