//! Prints recresp's frame-by-frame view of a WAV file (8 kHz): band levels, noise floors and
//! deviations in dBFS, and the verdict. For looking into a detector decision.
//!
//! Run: `cargo run --release -p recresp-benches --bin speech_trace -- FILE.wav [white|pink|brown|babble|music SNR_DB [SEED]]`
//! (with a noise or music, the file is mixed as in the evaluation: 3 s of it before, 2 s
//! after, and the classifier learns during those first 3 s; babble is drawn from the
//! prompts outside the tuning set of `speech_eval --offset 1`; music is synthesized in the style
//! `SEED` picks as in `speech_eval` (seed mod 5: piano, pad, bass+drums, vocal, band); without a
//! noise, the file is traced as it is).

use recresp_benches::corpus::{self, Prompt};
use recresp_benches::signals::noise::NoiseKind;
use recresp_benches::speech::testset::{ground_truth, make_case, select, Condition, LEAD_SAMPLES};
use recresp_core::speech::{BandAnalyzer, FrameClassifier};
use recresp_core::SampleRate;

fn dbfs(l: i32) -> f64 {
    (l as f64 / 65536.0 - 30.0) * 3.0103
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .ok_or("usage: speech_trace FILE.wav [lead_seconds]")?;
    let kind = match args.get(2).map(String::as_str) {
        Some("white") => Some(NoiseKind::White),
        Some("pink") => Some(NoiseKind::Pink),
        Some("brown") => Some(NoiseKind::Brown),
        _ => None,
    };
    let babble = args.get(2).is_some_and(|a| a == "babble");
    let snr: f64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(10.0);
    let seed: u64 = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(1);
    let condition = match kind {
        Some(k) => Condition::Colored(k, snr),
        None if babble => Condition::Babble(snr),
        None if args.get(2).is_some_and(|a| a == "music") => Condition::Music(snr),
        None => Condition::Clean,
    };
    let corpus = if babble {
        corpus::load_default()?
    } else {
        Vec::new()
    };
    let pool = if babble {
        select(&corpus, 1).babble_pool
    } else {
        Vec::new()
    };
    let reader = hound::WavReader::open(path).map_err(|e| e.to_string())?;
    let prompt = Prompt {
        path: path.into(),
        samples: reader
            .into_samples::<i16>()
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?,
    };
    let truth = ground_truth(&prompt.samples).ok_or("no speech in the file")?;
    let mixed = condition != Condition::Clean;
    let samples = if mixed {
        let case = make_case(&prompt, truth, condition, seed, &pool);
        println!("truth: {} .. {} ms", case.onset / 8, case.end / 8);
        case.samples
    } else {
        println!("truth: {} .. {} ms", truth.onset / 8, truth.end / 8);
        prompt.samples
    };
    let mut bands = BandAnalyzer::new(SampleRate::Hz8000);
    let mut classifier = FrameClassifier::new(SampleRate::Hz8000, 50);
    for (i, frame) in samples.chunks_exact(80).enumerate() {
        classifier.set_learning(mixed && i * 80 < LEAD_SAMPLES);
        let (_, levels) = bands.feed(frame);
        let floors = classifier.floors_q16();
        let devs = classifier.devs_q16();
        let means = classifier.means_q16();
        let (_, traced) = classifier.feed_traced(frame);
        if let (Some(l), Some((v, _, logit))) = (levels, traced) {
            let logit = if logit == i32::MIN {
                f64::NAN
            } else {
                logit as f64 / 256.0
            };
            println!(
                "{:6} ms  level {:6.1} {:6.1} {:6.1}  floor {:6.1} {:6.1} {:6.1}  mean {:6.1} {:6.1} {:6.1}  dev {:4.1} {:4.1} {:4.1}  logit {:5.1}  {:?}",
                i * 10,
                dbfs(l[0]),
                dbfs(l[1]),
                dbfs(l[2]),
                dbfs(floors[0]),
                dbfs(floors[1]),
                dbfs(floors[2]),
                dbfs(means[0]),
                dbfs(means[1]),
                dbfs(means[2]),
                devs[0] as f64 / 65536.0 * 3.0103,
                devs[1] as f64 / 65536.0 * 3.0103,
                devs[2] as f64 / 65536.0 * 3.0103,
                logit,
                v
            );
        }
    }
    Ok(())
}
