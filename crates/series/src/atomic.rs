//! Writing beside the target and renaming over it, so that a reader (or a crash) sees either the
//! old file or the complete new one, never a half-written file.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::SeriesError;

/// Distinguishes two writers of the same target inside one process.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// A freshly created, empty temporary file in the target's own directory (a rename is atomic only
/// within one file system), named `<target>.<pid>-<n>.partial` so that a run killed with SIGKILL
/// leaves a file whose origin is obvious.
pub(crate) fn create_partial(target: &Path) -> Result<(PathBuf, File), SeriesError> {
    let file_name = target
        .file_name()
        .ok_or_else(|| SeriesError::BadTarget {
            path: target.to_path_buf(),
            reason: "the path has no file name",
        })?
        .to_string_lossy()
        .into_owned();
    if target.is_dir() {
        return Err(SeriesError::BadTarget {
            path: target.to_path_buf(),
            reason: "the path is a directory",
        });
    }
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let partial = target.with_file_name(format!("{file_name}.{}-{id}.partial", std::process::id()));
    // `create_new` so that a stale file of the same name is never silently reused.
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial)
        .map_err(|source| SeriesError::Io {
            path: partial.clone(),
            source,
        })?;
    Ok((partial, file))
}

/// Makes the written bytes durable, then moves `partial` over `target` and makes the rename
/// itself durable by syncing the directory (on Unix; elsewhere the rename is as durable as the
/// platform makes it).
pub(crate) fn commit(file: File, partial: &Path, target: &Path) -> Result<(), SeriesError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SeriesError::Io { path, source }
    };
    file.sync_all().map_err(io(partial))?;
    drop(file);
    std::fs::rename(partial, target).map_err(io(target))?;
    #[cfg(unix)]
    {
        let dir = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io(dir))?;
    }
    Ok(())
}
