//! G.722's quadrature mirror filter bank: the 24-tap prototype shared by the analysis side
//! (16 kHz samples into a low and a high band at 8 kHz, in the encoder) and the synthesis side
//! (the two bands back into 16 kHz samples, in the decoder).
//!
//! Both sides run the same polyphase form: each 8 kHz step pushes a pair of values into a
//! 12-slot delay line and returns two sums over the last twelve pairs, one against the
//! prototype's even taps h(0), h(2), …, h(22) and one against its odd taps h(1), …, h(23),
//! newest pair first. The sums are exact in `i32` (|Σ| ≤ 32,768 × Σ|h| < 2^28), so the
//! order of the additions never matters.

/// The prototype low-pass filter h(0)..h(23) of G.722 (its table of QMF coefficients), Q13:
/// its even taps and its odd taps each sum to 4,096 (0.5).
const PROTOTYPE_Q13: [i16; 24] = [
    3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876, 3876, 951, -805, -210, 362, 32,
    -156, 12, 53, -11, -11, 3,
];

/// Slots in the delay line: one per pair of taps.
const PAIRS: usize = PROTOTYPE_Q13.len() / 2;

/// The prototype as `[h(2k), h(2k+1)]` pairs.
const PROTOTYPE_PAIRS_Q13: [[i16; 2]; PAIRS] = {
    let mut pairs = [[0; 2]; PAIRS];
    let mut k = 0;
    while k < PAIRS {
        pairs[k] = [PROTOTYPE_Q13[2 * k], PROTOTYPE_Q13[2 * k + 1]];
        k += 1;
    }
    pairs
};

/// The delay line of one QMF side: the last twelve pairs pushed, newest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct QmfDelayLine {
    /// `[even-tap input, odd-tap input]` per step, the newest at index 0.
    pairs: [[i16; 2]; PAIRS],
}

impl QmfDelayLine {
    /// A delay line of zeros.
    pub(super) const fn new() -> Self {
        QmfDelayLine {
            pairs: [[0; 2]; PAIRS],
        }
    }

    /// Pushes one step's pair and returns `(Σ even_in·h(2k), Σ odd_in·h(2k+1))` over the
    /// twelve newest pairs, `k = 0` being the pair just pushed; the sums carry the Q13 scale
    /// of the taps.
    pub(super) fn push(&mut self, even_in: i16, odd_in: i16) -> (i32, i32) {
        // A shift of twelve words costs less than walking a ring in two pieces.
        let [p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, _] = self.pairs;
        self.pairs = [
            [even_in, odd_in],
            p0,
            p1,
            p2,
            p3,
            p4,
            p5,
            p6,
            p7,
            p8,
            p9,
            p10,
        ];
        let mut sums = (0i32, 0i32);
        for (pair, tap) in self.pairs.iter().zip(&PROTOTYPE_PAIRS_Q13) {
            sums.0 += i32::from(pair[0]) * i32::from(tap[0]);
            sums.1 += i32::from(pair[1]) * i32::from(tap[1]);
        }
        sums
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prototype_is_symmetric_with_half_gain_per_phase() {
        for i in 0..24 {
            assert_eq!(PROTOTYPE_Q13[i], PROTOTYPE_Q13[23 - i]);
        }
        let even: i32 = PROTOTYPE_Q13.iter().step_by(2).map(|&h| i32::from(h)).sum();
        let odd: i32 = PROTOTYPE_Q13
            .iter()
            .skip(1)
            .step_by(2)
            .map(|&h| i32::from(h))
            .sum();
        assert_eq!((even, odd), (4096, 4096));
    }

    #[test]
    fn an_impulse_walks_through_the_taps_newest_first() {
        let mut line = QmfDelayLine::new();
        let mut seen = [(0i32, 0i32); 13];
        seen[0] = line.push(1, 1);
        for step in seen.iter_mut().skip(1) {
            *step = line.push(0, 0);
        }
        for k in 0..12 {
            let taps = (
                i32::from(PROTOTYPE_Q13[2 * k]),
                i32::from(PROTOTYPE_Q13[2 * k + 1]),
            );
            assert_eq!(seen[k], taps, "step {k}");
        }
        assert_eq!(seen[12], (0, 0));
    }
}
