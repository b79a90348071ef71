//! recresp's G.711 against SpanDSP's, over every input: each of the 65,536 16-bit samples
//! must encode to SpanDSP's byte, and each of the 256 bytes decode to SpanDSP's sample, for
//! μ-law and A-law alike.

use recresp_benches::peers::spandsp_g711;
use recresp_core::Law;

#[test]
fn every_sample_encodes_as_spandsp_encodes_it() {
    let samples: Vec<i16> = (i16::MIN..=i16::MAX).collect();
    for law in [Law::Ulaw, Law::Alaw] {
        let reference = spandsp_g711::encode(law, &samples);
        assert_eq!(
            reference.len(),
            samples.len(),
            "{law:?}: SpanDSP encoded all"
        );
        let differing: Vec<(i16, u8, u8)> = samples
            .iter()
            .zip(&reference)
            .map(|(&x, &r)| (x, law.encode(x), r))
            .filter(|&(_, ours, r)| ours != r)
            .collect();
        assert!(
            differing.is_empty(),
            "{law:?}: {} of 65536 samples differ, first (sample, recresp, SpanDSP): {:?}",
            differing.len(),
            &differing[..differing.len().min(5)]
        );
    }
}

#[test]
fn every_byte_decodes_as_spandsp_decodes_it() {
    let codes: Vec<u8> = (0..=255).collect();
    for law in [Law::Ulaw, Law::Alaw] {
        let reference = spandsp_g711::decode(law, &codes);
        assert_eq!(reference.len(), 256, "{law:?}: SpanDSP decoded all");
        for (&b, &r) in codes.iter().zip(&reference) {
            assert_eq!(law.decode(b), r, "{law:?} byte {b:#04x}");
        }
    }
}
