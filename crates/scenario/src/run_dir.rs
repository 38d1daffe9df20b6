//! A run directory written as a whole: the run's files go into a fresh temporary directory beside
//! the target, which replaces the target in one step at the end. A reader (or a crash) sees
//! either the previous run or the new one, never a mix of both, and a run that fails before it
//! commits leaves the target as it was.
//!
//! The temporary directory is `.<name>.<pid>.partial` in the target's parent. A process killed
//! with SIGKILL cannot remove its own; the next run into the same parent removes every such
//! directory whose process is gone.

use crate::error::ScenarioError;
use std::path::{Path, PathBuf};

/// A run directory being written.
#[derive(Debug)]
pub struct RunDir {
    target: PathBuf,
    temporary: PathBuf,
    committed: bool,
}

impl RunDir {
    /// Prepares a run into `target`: refuses a target that is not a directory, removes what
    /// killed runs left beside it, and creates the empty temporary directory.
    pub fn prepare(target: &Path) -> Result<RunDir, ScenarioError> {
        let write = |path: &Path, e: std::io::Error| ScenarioError::Write {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        if target.exists() && !target.is_dir() {
            return Err(ScenarioError::Write {
                path: target.to_path_buf(),
                reason: "this is a file; the run needs a directory (give --out a directory)".into(),
            });
        }
        let name = target
            .file_name()
            .ok_or_else(|| ScenarioError::Write {
                path: target.to_path_buf(),
                reason: "the path names no directory (give --out a directory name)".into(),
            })?
            .to_string_lossy()
            .into_owned();
        let parent = parent_of(target);
        std::fs::create_dir_all(&parent).map_err(|e| write(&parent, e))?;
        remove_litter(&parent, &name);
        let temporary = parent.join(format!(".{name}.{}.partial", std::process::id()));
        if temporary.exists() {
            std::fs::remove_dir_all(&temporary).map_err(|e| write(&temporary, e))?;
        }
        std::fs::create_dir(&temporary).map_err(|e| write(&temporary, e))?;
        Ok(RunDir {
            target: target.to_path_buf(),
            temporary,
            committed: false,
        })
    }

    /// Where the run's files are written until [`commit`](Self::commit).
    pub fn path(&self) -> &Path {
        &self.temporary
    }

    /// The directory the run ends up in.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Puts the written run in place of the target, in one step where the system allows it
    /// (Linux: `renameat2` with `RENAME_EXCHANGE`), and removes the previous run.
    pub fn commit(mut self) -> Result<(), ScenarioError> {
        let failed = |e: std::io::Error| ScenarioError::Write {
            path: self.target.clone(),
            reason: format!(
                "cannot move the run from {} into place: {e}",
                self.temporary.display()
            ),
        };
        sync_dir(&self.temporary).map_err(failed)?;
        if self.target.exists() {
            exchange(&self.temporary, &self.target).map_err(failed)?;
            // The temporary name now holds the previous run.
            std::fs::remove_dir_all(&self.temporary).map_err(failed)?;
        } else {
            std::fs::rename(&self.temporary, &self.target).map_err(failed)?;
        }
        self.committed = true;
        sync_dir(&parent_of(&self.target)).map_err(failed)
    }
}

impl Drop for RunDir {
    /// A run that did not commit leaves nothing behind.
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temporary);
        }
    }
}

/// The directory holding `path` (`.` for a bare name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Removes `.<name>.<pid>.partial` directories in `parent` whose process no longer runs.
fn remove_litter(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = (file_name.to_str())
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|f| f.strip_suffix(".partial"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !process_runs(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether process `pid` runs (Linux: it has a `/proc` entry; elsewhere assumed to run, so
/// nothing of another live run is ever removed).
fn process_runs(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    if Path::new("/proc/self").exists() {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Makes a directory's entries durable (Unix; elsewhere a no-op).
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    let _ = dir;
    Ok(())
}

/// Swaps two directories' names in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that live across the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Swaps two directories' names through a third (not in one step: between the renames the
/// target is briefly absent, never mixed).
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    let aside = a.with_extension("old");
    std::fs::rename(b, &aside)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&aside, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("dctwin-run-dir-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_commit_replaces_the_whole_previous_run() {
        let dir = scratch("replace");
        let target = dir.join("run");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("eu_report.json"), "old").unwrap();
        std::fs::write(target.join("run.json"), "old").unwrap();
        let run = RunDir::prepare(&target).unwrap();
        std::fs::write(run.path().join("run.json"), "new").unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("run.json")).unwrap(),
            "old"
        );
        run.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("run.json")).unwrap(),
            "new"
        );
        assert!(!target.join("eu_report.json").exists());
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "only the run is left: {left:?}");
    }

    #[test]
    fn a_run_that_does_not_commit_leaves_the_target_alone() {
        let dir = scratch("drop");
        let target = dir.join("run");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("run.json"), "old").unwrap();
        {
            let run = RunDir::prepare(&target).unwrap();
            std::fs::write(run.path().join("run.json"), "new").unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(target.join("run.json")).unwrap(),
            "old"
        );
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[test]
    fn litter_of_a_dead_process_is_removed_and_a_file_target_refused() {
        let dir = scratch("litter");
        // pid 0 is never a process's; 4194304 is above Linux's largest pid.
        for pid in [0_u64, 4_194_304] {
            let litter = dir.join(format!(".run.{pid}.partial"));
            std::fs::create_dir(&litter).unwrap();
            std::fs::write(litter.join("series.parquet.1-0.partial"), "x").unwrap();
        }
        let run = RunDir::prepare(&dir.join("run")).unwrap();
        run.commit().unwrap();
        let names: Vec<String> = (std::fs::read_dir(&dir).unwrap())
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["run"]);
        std::fs::write(dir.join("file"), "x").unwrap();
        let err = RunDir::prepare(&dir.join("file")).unwrap_err().to_string();
        assert!(err.contains("file") && err.contains("--out"), "{err}");
    }
}
