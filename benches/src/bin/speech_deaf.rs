//! Prints the "never deaf" scenarios of the speech detector (see
//! `recresp_benches::speech::deaf`): for each, how many answers got an onset within
//! −100…+300 ms of the reference and the worst onset error.
//!
//! Run: `cargo run --release -p recresp-benches --bin speech_deaf` (`-- -v` lists every case).

use recresp_benches::corpus;
use recresp_benches::speech::deaf::{answers, in_window, run, Scenario};

fn main() -> Result<(), String> {
    let verbose = std::env::args().any(|a| a == "-v");
    let corpus = corpus::load_default()?;
    let answers = answers(&corpus);
    println!("| scenario | onset within -100..+300 ms | onset errors (ms, min / median / max) |");
    println!("|---|---:|---|");
    for scenario in Scenario::ALL {
        let results = run(scenario, &answers);
        let ok = results.iter().filter(|r| in_window(r.1)).count();
        let mut errs: Vec<i64> = results.iter().map(|r| r.1.unwrap_or(i64::MAX)).collect();
        errs.sort_unstable();
        let show = |e: i64| {
            if e == i64::MAX {
                "none".to_string()
            } else {
                e.to_string()
            }
        };
        println!(
            "| {} | {ok}/{} | {} / {} / {} |",
            scenario.label(),
            results.len(),
            show(errs[0]),
            show(errs[errs.len() / 2]),
            show(errs[errs.len() - 1])
        );
        if verbose {
            for (name, err) in &results {
                println!("    {name}: {err:?}");
            }
        }
    }
    Ok(())
}
