//! A speech network read from a weights file that `scripts/train_speech_net.py` wrote (the
//! form of `core/src/speech/net_weights.rs`), evaluated with the integer arithmetic of
//! `core/src/speech/net.rs`: for the training dumps made with a round's network in the loop
//! (`speech_features --network`), before its weights are committed.

use recresp_core::speech::FEATURE_COUNT;

/// Largest value of a hidden unit (as in `net.rs`).
const HIDDEN_LIMIT: i32 = 32_767;

/// A network's integer weights.
#[derive(Clone, Debug, PartialEq)]
pub struct NetFile {
    /// Input weights, one row of `FEATURE_COUNT` per hidden unit.
    pub hidden_weights: Vec<Vec<i32>>,
    /// Bias of each hidden unit.
    pub hidden_bias: Vec<i32>,
    /// Right shift from a hidden unit's sum to its value.
    pub hidden_shift: u32,
    /// Weight of each hidden unit in the output.
    pub out_weights: Vec<i32>,
    /// Output bias.
    pub out_bias: i32,
    /// Right shift from the output sum to the Q8 logit.
    pub out_shift: u32,
    /// How much the detector's strong gates are raised for this network, Q8.
    pub strong_offset_q8: i32,
}

impl NetFile {
    /// Reads the weights file at `path`.
    pub fn read(path: &str) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        Self::parse(&text).map_err(|e| format!("{path}: {e}"))
    }

    /// Parses a weights file: each `pub const NAME: TYPE = VALUE;` item, its integers.
    pub fn parse(text: &str) -> Result<Self, String> {
        let numbers = |name: &str| -> Result<Vec<i64>, String> {
            let at = text
                .find(&format!("pub const {name}:"))
                .ok_or(format!("no {name}"))?;
            let rest = text.get(at..).unwrap_or("");
            let value = rest
                .split_once('=')
                .and_then(|(_, v)| v.split_once(';'))
                .map(|(v, _)| v)
                .ok_or(format!("{name} has no value"))?;
            value
                .split(|c: char| !(c.is_ascii_digit() || c == '-'))
                .filter(|t| !t.is_empty())
                .map(|t| t.parse().map_err(|e| format!("{name}: {t}: {e}")))
                .collect()
        };
        let one = |name: &str| -> Result<i64, String> {
            match numbers(name)?.as_slice() {
                [v] => Ok(*v),
                _ => Err(format!("{name} is not one number")),
            }
        };
        let small = |v: i64| i32::try_from(v).map_err(|e| format!("{v}: {e}"));
        let hidden = usize::try_from(one("HIDDEN")?).map_err(|e| e.to_string())?;
        let flat = numbers("HIDDEN_WEIGHTS")?;
        if flat.len() != hidden * FEATURE_COUNT {
            return Err(format!(
                "HIDDEN_WEIGHTS has {} numbers, not {hidden} × {FEATURE_COUNT}",
                flat.len()
            ));
        }
        let list = |name: &str| -> Result<Vec<i32>, String> {
            let v = numbers(name)?;
            if v.len() != hidden {
                return Err(format!("{name} has {} numbers, not {hidden}", v.len()));
            }
            v.into_iter().map(small).collect()
        };
        Ok(NetFile {
            hidden_weights: flat
                .chunks(FEATURE_COUNT)
                .map(|row| row.iter().map(|&v| small(v)).collect())
                .collect::<Result<_, _>>()?,
            hidden_bias: list("HIDDEN_BIAS")?,
            hidden_shift: u32::try_from(one("HIDDEN_SHIFT")?).map_err(|e| e.to_string())?,
            out_weights: list("OUT_WEIGHTS")?,
            out_bias: small(one("OUT_BIAS")?)?,
            out_shift: u32::try_from(one("OUT_SHIFT")?).map_err(|e| e.to_string())?,
            strong_offset_q8: small(one("STRONG_OFFSET_Q8")?)?,
        })
    }

    /// The logit (Q8) for `features`, as `net.rs` computes it.
    pub fn logit_q8(&self, features: &[i16]) -> i32 {
        let mut out = self.out_bias;
        for ((row, &bias), &w_out) in self
            .hidden_weights
            .iter()
            .zip(&self.hidden_bias)
            .zip(&self.out_weights)
        {
            let sum = row
                .iter()
                .zip(features)
                .fold(bias, |s, (&w, &x)| s + w * i32::from(x));
            out += (sum >> self.hidden_shift).clamp(0, HIDDEN_LIMIT) * w_out;
        }
        out >> self.out_shift
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_committed_weights() {
        let text = include_str!("../../../core/src/speech/net_weights.rs");
        let net = NetFile::parse(text).unwrap();
        assert!(!net.hidden_weights.is_empty());
        assert!(net.hidden_weights.iter().all(|r| r.len() == FEATURE_COUNT));
        assert_eq!(net.hidden_bias.len(), net.hidden_weights.len());
        assert_eq!(net.out_weights.len(), net.hidden_weights.len());
    }

    #[test]
    fn gives_the_logits_of_the_committed_network() {
        use recresp_core::speech::FrameClassifier;
        use recresp_core::SampleRate;
        let net = NetFile::parse(include_str!("../../../core/src/speech/net_weights.rs")).unwrap();
        let mut x = vec![0i16; 8000 * 4];
        let mut rng = recresp_core::synth::Lcg::new(3);
        recresp_core::synth::add_noise(&mut x, 300, &mut rng);
        recresp_core::synth::add_voice(&mut x[8000..], 6000, SampleRate::Hz8000, 5);
        let mut committed = FrameClassifier::new(SampleRate::Hz8000, 50);
        let mut from_file = FrameClassifier::new(SampleRate::Hz8000, 50);
        let mut consulted = 0;
        for frame in x.chunks(80) {
            let a = committed.feed_traced(frame).1.unwrap();
            let b = from_file
                .feed_with(frame, |f| net.logit_q8(f), net.strong_offset_q8)
                .1
                .unwrap();
            assert_eq!(a, b);
            consulted += usize::from(a.2 != i32::MIN && a.2 != 0);
        }
        assert!(consulted > 50, "{consulted} frames consulted the network");
    }

    #[test]
    fn refuses_a_truncated_file() {
        let text = include_str!("../../../core/src/speech/net_weights.rs");
        let cut = text.find("pub const OUT_WEIGHTS").unwrap();
        assert!(NetFile::parse(&text[..cut]).is_err());
    }
}
