//! Shared helpers for recresp's benchmarks and peer comparisons: the speech corpus and
//! signal generation.
pub mod corpus;
