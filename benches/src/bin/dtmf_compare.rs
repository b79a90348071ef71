//! Prints recresp's DTMF detector against SpanDSP's on the Q.24 suite.
use recresp_benches::dtmf_recresp;
use recresp_benches::dtmf_suite::{q24_suite, score};
use recresp_core::SampleRate;

fn main() {
    if std::env::args().any(|a| a == "--debug-wide") {
        debug_wide();
        return;
    }
    for g in q24_suite(8000) {
        let s = score(&g, &mut |x| dtmf_recresp::digits(SampleRate::Hz8000, x));
        println!("{:24} {:5}/{:5}", g.name, s.passed, s.total);
    }
}
#[allow(dead_code)]
fn debug_wide() {
    use recresp_benches::dtmf_signals::*;
    use recresp_core::Digit;
    for pct in [4.0, 4.5, 5.0, 5.2, 5.5, 6.0] {
        for (k, hz) in DTMF_HZ.iter().enumerate() {
            for sign in [-1.0, 1.0] {
                let mut fails = 0;
                for d in Digit::ALL {
                    let (lo, hi) = key_freqs(d);
                    if lo != *hz && hi != *hz {
                        continue;
                    }
                    let sh = hz + sign * pct / 100.0 * hz;
                    let (l, h) = if lo == *hz { (sh, hi) } else { (lo, sh) };
                    let mut b = SignalBuilder::new(8000, 3 + k as u64);
                    b.silence(23.0)
                        .tones(
                            &[Sine { hz: l, dbm0: -10.0 }, Sine { hz: h, dbm0: -12.0 }],
                            50.0,
                        )
                        .silence(100.0);
                    if !dtmf_recresp::digits(SampleRate::Hz8000, &b.to_i16()).is_empty() {
                        fails += 1;
                    }
                }
                if fails > 0 {
                    println!("{pct}% {hz} {sign}: {fails}/4 accepted");
                }
            }
        }
    }
}
