//! Prints the fingerprint of every event recresp's DTMF detector reports on the Q.24 suite
//! and the speech corpus (see `recresp_benches::dtmf::fingerprint`), one line per set.

use recresp_benches::corpus;
use recresp_benches::dtmf::fingerprint;

fn main() {
    let prompts: Vec<Vec<i16>> = match corpus::load_default() {
        Ok(p) => p.into_iter().map(|p| p.samples).collect(),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    for f in fingerprint::q24()
        .into_iter()
        .chain(fingerprint::corpus(&prompts))
    {
        println!("{:>6} events  {:#018x}  {}", f.events, f.hash, f.label);
    }
}
