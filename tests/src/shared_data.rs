//! The one finder of the shared validation data, used by every test that reads it (the test
//! crates include this file with `#[path]`, so each compiles it with its own manifest dir).

use std::path::PathBuf;

/// The shared data folder (`DCTWIN_DATA`, else `../shared/data` beside the checkout), or `None`
/// after saying loudly that the calling test is skipped. Under CI (`CI=true`) its absence fails
/// the test instead: CI always has the data.
pub fn shared_data(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("DCTWIN_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/data"));
    if dir.join("SOURCES.md").is_file() {
        return Some(dir);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !ci,
        "{test}: the shared data folder is missing at {} (set DCTWIN_DATA); CI must have it",
        dir.display()
    );
    eprintln!(
        "\n*** SKIPPED {test}: no shared data at {} (set DCTWIN_DATA to run this validation) ***\n",
        dir.display()
    );
    None
}

/// The checkout's root: the nearest folder above the compiling crate that holds `Cargo.lock`.
fn workspace_root() -> PathBuf {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    while !dir.join("Cargo.lock").is_file() && dir.pop() {}
    dir
}
