//! The speech detector's evaluation: the test set and its scoring, the "never deaf"
//! scenarios, and the evaluation by source.
pub mod deaf;
pub mod net_file;
pub mod score;
pub mod source_corpus;
pub mod source_eval;
pub mod testset;
