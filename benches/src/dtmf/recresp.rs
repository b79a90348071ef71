//! Runs recresp's DTMF detector on whole signals, for the suite, the comparison and benches.

use recresp_core::{Digit, DtmfConfig, DtmfDetector, DtmfEvent, SampleRate};

/// An event and the position (samples consumed) at which the detector emitted it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimedEvent {
    /// The event.
    pub event: DtmfEvent,
    /// Samples consumed when it came out.
    pub emitted_at: u64,
}

/// Every event for `samples`, pushed `chunk` samples at a time, then `finish`.
pub fn events(
    rate: SampleRate,
    config: DtmfConfig,
    samples: &[i16],
    chunk: usize,
) -> Vec<TimedEvent> {
    let mut det = DtmfDetector::with_config(rate, config);
    let mut out = Vec::new();
    for part in samples.chunks(chunk.max(1)) {
        let mut got = Vec::new();
        det.push(part, &mut |event| got.push(event));
        let emitted_at = det.position();
        out.extend(
            got.into_iter()
                .map(|event| TimedEvent { event, emitted_at }),
        );
    }
    let emitted_at = det.position();
    det.finish(&mut |event| out.push(TimedEvent { event, emitted_at }));
    out
}

/// The digits found in `samples` (one per `Start`), with the default settings.
pub fn digits(rate: SampleRate, samples: &[i16]) -> Vec<Digit> {
    let mut det = DtmfDetector::new(rate);
    let mut found = Vec::new();
    det.push(samples, &mut |e| {
        if let DtmfEvent::Start { digit, .. } = e {
            found.push(digit);
        }
    });
    found
}

/// The number of digits found in `samples` (one per `Start`) by an existing detector, which
/// is reset first.
pub fn count_digits(det: &mut DtmfDetector, samples: &[i16]) -> usize {
    det.reset();
    let mut n = 0;
    det.push(samples, &mut |e| {
        if let DtmfEvent::Start { .. } = e {
            n += 1;
        }
    });
    n
}
