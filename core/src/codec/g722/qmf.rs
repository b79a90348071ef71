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

/// The delay line of one QMF side: the last twelve pairs pushed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct QmfDelayLine {
    /// `[even-tap input, odd-tap input]` per step, a ring.
    pairs: [[i16; 2]; PAIRS],
    /// Index of the newest pair in `pairs`, always below `PAIRS`.
    newest: u8,
}

impl QmfDelayLine {
    /// A delay line of zeros.
    pub(super) const fn new() -> Self {
        QmfDelayLine {
            pairs: [[0; 2]; PAIRS],
            newest: 0,
        }
    }

    /// Pushes one step's pair and returns `(Σ even_in·h(2k), Σ odd_in·h(2k+1))` over the
    /// twelve newest pairs, `k = 0` being the pair just pushed; the sums carry the Q13 scale
    /// of the taps.
    pub(super) fn push(&mut self, even_in: i16, odd_in: i16) -> (i32, i32) {
        let newest = (usize::from(self.newest) + 1) % PAIRS;
        self.newest = newest as u8;
        self.pairs[newest] = [even_in, odd_in];
        // Newest first: the slots from `newest` down to 0 meet the first taps, then the
        // slots from the end down to `newest + 1` the rest.
        let (up_to_newest, oldest_part) = self.pairs.split_at(newest + 1);
        let (first_taps, last_taps) = PROTOTYPE_PAIRS_Q13.split_at(newest + 1);
        let mut sums = (0i32, 0i32);
        for (pairs, taps) in [(up_to_newest, first_taps), (oldest_part, last_taps)] {
            for (pair, tap) in pairs.iter().rev().zip(taps) {
                sums.0 += i32::from(pair[0]) * i32::from(tap[0]);
                sums.1 += i32::from(pair[1]) * i32::from(tap[1]);
            }
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
