//! The memory table of `docs/firmware-integration.md` states each object's size on x86-64;
//! this test reads the table and checks every row against `size_of`, so the page cannot go
//! stale.
#![cfg(target_pointer_width = "64")]

use recresp_core::{NarrowbandRecorder, Playout, Recorder, RtpReceiver, UlawRecorder};

#[test]
fn the_integration_guide_states_the_sizes() {
    let page = include_str!("../../docs/firmware-integration.md");
    let actual = [
        ("`UlawRecorder`", size_of::<UlawRecorder>()),
        ("`NarrowbandRecorder`", size_of::<NarrowbandRecorder>()),
        ("`Recorder`", size_of::<Recorder>()),
        ("`RtpReceiver` (", size_of::<RtpReceiver>()),
        ("`RtpReceiver<8, 160>`", size_of::<RtpReceiver<8, 160>>()),
        ("`Playout`", size_of::<Playout>()),
    ];
    for (name, size) in actual {
        let row = page
            .lines()
            .find(|l| l.starts_with(&format!("| {name}")))
            .unwrap_or_else(|| panic!("no row for {name}"));
        let stated: usize = row
            .rsplit('|')
            .nth(1)
            .map(|c| c.trim().replace(',', ""))
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no size in {row}"));
        assert_eq!(
            stated, size,
            "{name}: the page says {stated}, size_of says {size}"
        );
    }
}
