//! Golden files: a test's output must equal a committed file. `RECRESP_BLESS=1` (exactly
//! `1`) rewrites the file from the output instead, for a change that is meant to change it
//! (the diff then shows what changed); any other value of `RECRESP_BLESS` is refused, and so
//! is blessing when `CI` is set, so a test run in CI can only compare.

/// Compares `actual` with the golden file at `path` (or rewrites the file, see the module
/// docs); `what` names the output in the failure message.
pub fn check(path: &str, actual: &str, what: &str) {
    match std::env::var("RECRESP_BLESS").as_deref() {
        Err(std::env::VarError::NotPresent) => {}
        Ok("1") => {
            assert!(
                std::env::var_os("CI").is_none(),
                "RECRESP_BLESS is set in CI: golden files are only compared there"
            );
            std::fs::write(path, actual).expect("write the golden file");
        }
        other => panic!("RECRESP_BLESS must be unset or 1, not {other:?}"),
    }
    let golden = std::fs::read_to_string(path).expect("read the golden file");
    assert_eq!(
        actual, golden,
        "{what} (left) and the golden file {path} (right) differ"
    );
}
