//! Helpers shared by dctwin's cross-crate and validation tests.

use std::path::PathBuf;

/// The shared data folder (`DCTWIN_DATA`, else `../shared/data` beside the checkout), or `None`
/// after saying loudly that the calling test is skipped. Under CI (`CI=true`) its absence fails
/// the test instead: CI always has the data.
pub fn shared_data(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("DCTWIN_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
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

/// Read a CSV file into rows of (header → value) strings.
pub fn read_csv(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().expect("a header row").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a readable row");
            headers
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// A field of a CSV row as a number.
pub fn num(row: &std::collections::HashMap<String, String>, key: &str) -> f64 {
    row.get(key)
        .unwrap_or_else(|| panic!("no column {key}"))
        .parse()
        .unwrap_or_else(|e| panic!("column {key}: {e}"))
}
