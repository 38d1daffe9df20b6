//! Short scenarios of the shipped models, written where a test wants them.

use std::path::{Path, PathBuf};

/// Writes `dir/name`: `hours` (at most 23 days' worth) of the jupiter module from 2022-01-01 at
/// design load and constant weather, followed by `extra` scenario lines; returns its path.
pub fn jupiter_hours(dir: &Path, name: &str, hours: u32, extra: &str) -> PathBuf {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/jupiter.toml");
    let model = model.canonicalize().expect("models/jupiter.toml");
    let path = dir.join(name);
    let text = format!(
        "model = \"{}\"\nstart = \"2022-01-01T00:00:00Z\"\nend = \"2022-01-{:02}T{:02}:00:00Z\"\n{extra}",
        model.display(),
        1 + hours / 24,
        hours % 24,
    );
    std::fs::write(&path, text).expect("a writable test directory");
    path
}
