//! The DTMF receiver's evaluation: the ITU-T Q.24 suite, talk-off on speech and music, and
//! fingerprints of every decision.
pub mod fingerprint;
pub mod recresp;
pub mod suite;
pub mod talkoff;
pub mod talkoff_corpus;
