//! What can go wrong with a sweep as a whole (a point's own failure is a row of the table).

use std::path::PathBuf;

/// A sweep cannot start or finish.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A file cannot be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The sweep file is not what it should be.
    #[error("{}: {key}: {reason}", file.display())]
    Spec {
        /// The sweep file.
        file: PathBuf,
        /// The key at fault (or the line of a syntax error).
        key: String,
        /// What is wrong and what was expected.
        reason: String,
    },
    /// The base scenario cannot run at all.
    #[error("the base scenario: {0}")]
    Scenario(String),
    /// A sweep directory that is not one, or of another sweep.
    #[error("{}: {reason}", dir.display())]
    Directory {
        /// The directory.
        dir: PathBuf,
        /// Why.
        reason: String,
    },
    /// The table cannot be written.
    #[error("{}: {reason}", path.display())]
    Table {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}
