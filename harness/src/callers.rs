//! Caller scripts that several test suites share, so that a change to one is a change to
//! all of them. Each is on a clean line (no noise) unless it says otherwise.

use recresp_core::Digit;

use crate::script::{Script, Step};

/// 1 s of silence, 1.5 s of the voice, a 0.5 s pause, `#` for 100 ms, then silence: 4 s.
/// The host simulator's CLI, RTP and server tests answer with it.
pub const ANSWER_THEN_POUND: Script<'static> = Script::new(&[
    Step::Quiet(1000),
    Step::voice(1500, 9000, 2),
    Step::Quiet(500),
    Step::key(Digit::Pound, 100, 6000),
    Step::Quiet(900),
]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(ANSWER_THEN_POUND.ms(), 4000);
    }
}
