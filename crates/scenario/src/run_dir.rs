//! A run directory written as a whole: the run's files go into a fresh temporary directory beside
//! the target, which replaces the target in one step at the end. A reader (or a crash) sees
//! either the previous run or the new one, never a mix of both, and a run that fails before it
//! commits leaves the target as it was.
//!
//! Only a run directory is ever replaced: the target must be new, empty, or hold a `run.json`,
//! so `--out` naming a folder of other files is refused rather than emptied.
//!
//! The temporary directory is `.<name>.<pid>-<nonce>.partial` in the target's parent, created
//! exclusively, and holds a `.lock` file that its process keeps locked (`flock`) until the run
//! commits. A process killed with SIGKILL cannot remove its directory; the next run into the same
//! parent removes every such directory whose lock nobody holds (the kernel drops a dead process's
//! locks, whatever its pid namespace).

use crate::error::ScenarioError;
use std::path::{Path, PathBuf};

/// The file whose presence marks a directory as a run directory (written last by a run).
const RUN_MARKER: &str = "run.json";
/// The lock file inside a temporary directory.
const LOCK: &str = ".lock";

/// A run directory being written.
#[derive(Debug)]
pub struct RunDir {
    target: PathBuf,
    temporary: PathBuf,
    /// The locked `.lock` file: held while the run is written.
    held_lock: Option<std::fs::File>,
    /// Set once the temporary directory is the target (or must be kept): nothing to remove.
    done: bool,
}

impl RunDir {
    /// Prepares a run into `target`: refuses a target that is a file or a directory of other
    /// files, removes what killed runs left beside it, and creates the temporary directory.
    pub fn prepare(target: &Path) -> Result<RunDir, ScenarioError> {
        let refuse = |reason: String| ScenarioError::Write {
            path: target.to_path_buf(),
            reason,
        };
        let write = |path: &Path, e: std::io::Error| ScenarioError::Write {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        if target.exists() && !target.is_dir() {
            return Err(refuse(
                "this is a file; the run needs a directory (give --out a directory)".into(),
            ));
        }
        if target.is_dir() && !is_empty(target) && !target.join(RUN_MARKER).is_file() {
            return Err(refuse(format!(
                "this folder holds files but no {RUN_MARKER}: it is not a run directory, and a \
                 run replaces its directory whole (give --out a new folder, such as {})",
                target.join("run").display()
            )));
        }
        let name = match target.file_name() {
            Some(n) => n.to_string_lossy().into_owned(),
            None => {
                return Err(refuse(
                    "a run needs a folder of its own: give --out a sub-folder name".into(),
                ));
            }
        };
        let parent = parent_of(target);
        std::fs::create_dir_all(&parent).map_err(|e| write(&parent, e))?;
        remove_litter(&parent, &name);
        let temporary = create_temporary(&parent, &name).map_err(|e| write(&parent, e))?;
        // From here on, dropping `run` removes the temporary directory whatever fails.
        let mut run = RunDir {
            target: target.to_path_buf(),
            temporary,
            held_lock: None,
            done: false,
        };
        let locked = lock(&run.temporary.join(LOCK)).map_err(|e| write(&run.temporary, e))?;
        run.held_lock = Some(locked);
        Ok(run)
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
    /// (Linux: `renameat2` with `RENAME_EXCHANGE`; elsewhere, or on file systems without it, the
    /// old run is first renamed aside), and removes the previous run. If the run cannot be put in
    /// place, it is kept where it was written and the error says where.
    pub fn commit(mut self) -> Result<(), ScenarioError> {
        let _ = std::fs::remove_file(self.temporary.join(LOCK));
        let kept = |e: std::io::Error, temporary: &Path| ScenarioError::Write {
            path: self.target.clone(),
            reason: format!(
                "cannot put the run in place ({e}); it is complete in {}",
                temporary.display()
            ),
        };
        if let Err(e) = sync_dir(&self.temporary) {
            self.done = true;
            return Err(kept(e, &self.temporary));
        }
        if self.target.exists() {
            let previous = match swap(&self.temporary, &self.target) {
                Ok(previous) => previous,
                Err(e) => {
                    self.done = true;
                    return Err(kept(e, &self.temporary));
                }
            };
            self.done = true;
            // The run is in place; the previous one is only litter now.
            let _ = std::fs::remove_dir_all(previous);
        } else if let Err(e) = std::fs::rename(&self.temporary, &self.target) {
            self.done = true;
            return Err(kept(e, &self.temporary));
        }
        self.done = true;
        let _ = sync_dir(&parent_of(&self.target));
        Ok(())
    }
}

impl Drop for RunDir {
    /// A run that did not commit leaves nothing behind.
    fn drop(&mut self) {
        if !self.done {
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

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Creates `.<name>.<pid>-<nonce>.partial` in `parent`, a name no other run uses (created
/// exclusively; the nonce differs between two runs of one process, or of two processes that a
/// container gave the same pid).
fn create_temporary(parent: &Path, name: &str) -> std::io::Result<PathBuf> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let pid = std::process::id();
    loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let nonce = u64::from(nanos) ^ (COUNT.fetch_add(1, Ordering::Relaxed) << 32);
        let dir = parent.join(format!(".{name}.{pid}-{nonce:x}.partial"));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Removes `.<name>.*.partial` directories in `parent` that no process is writing.
fn remove_litter(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let is_ours = (file_name.to_str())
            .and_then(|f| f.strip_prefix(&prefix))
            .is_some_and(|rest| rest.ends_with(".partial"));
        if is_ours && entry.path().is_dir() && abandoned(&entry.path()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a temporary run directory was left by a process that is gone: its lock can be taken
/// (or it has none: the process died before creating it, or was committing).
fn abandoned(dir: &Path) -> bool {
    match std::fs::OpenOptions::new().write(true).open(dir.join(LOCK)) {
        Ok(file) => try_lock(&file),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound && old(dir),
    }
}

/// Whether `dir` was last changed more than a minute ago (a directory without a lock file is
/// a run's only between its creation and its lock, or while it commits).
fn old(dir: &Path) -> bool {
    std::fs::metadata(dir)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() > 60)
}

/// Creates `path` and holds an exclusive lock on it.
fn lock(path: &Path) -> std::io::Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    if try_lock(&file) {
        Ok(file)
    } else {
        Err(std::io::Error::other(
            "cannot lock the run's temporary directory",
        ))
    }
}

/// Takes an exclusive lock on `file` without waiting; whether it was free.
fn try_lock(file: &std::fs::File) -> bool {
    matches!(file.try_lock(), Ok(()))
}

/// Makes a directory's entries durable (Unix; elsewhere a no-op).
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    let _ = dir;
    Ok(())
}

/// Puts `new` in place of `target`; returns where the previous run now is.
fn swap(new: &Path, target: &Path) -> std::io::Result<PathBuf> {
    if exchange(new, target).is_ok() {
        return Ok(new.to_path_buf());
    }
    // No atomic exchange here (not Linux, or a file system without it): the previous run goes
    // aside first, so the target is briefly absent, never mixed.
    let aside = new.with_extension("previous");
    std::fs::rename(target, &aside)?;
    if let Err(e) = std::fs::rename(new, target) {
        let _ = std::fs::rename(&aside, target);
        return Err(e);
    }
    Ok(aside)
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

/// No atomic exchange outside Linux.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
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
        assert!(!target.join(LOCK).exists());
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
    fn litter_nobody_locks_is_removed_and_a_live_run_is_not() {
        let dir = scratch("litter");
        let dead = dir.join(".run.4194304-1.partial");
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join(LOCK), "").unwrap();
        std::fs::write(dead.join("series.parquet.1-0.partial"), "x").unwrap();
        let live = dir.join(".run.7-2.partial");
        std::fs::create_dir(&live).unwrap();
        let _held = lock(&live.join(LOCK)).unwrap();
        let run = RunDir::prepare(&dir.join("run")).unwrap();
        assert!(!dead.exists(), "the killed run's directory is removed");
        assert!(
            live.exists(),
            "a directory whose lock is held is another run's"
        );
        run.commit().unwrap();
        assert!(
            !dir.join("run").join(LOCK).exists(),
            "the lock file is not part of the run"
        );
    }

    #[test]
    fn a_file_or_a_folder_of_other_files_is_refused_and_left_alone() {
        let dir = scratch("refuse");
        std::fs::write(dir.join("file"), "x").unwrap();
        let err = RunDir::prepare(&dir.join("file")).unwrap_err().to_string();
        assert!(err.contains("file") && err.contains("--out"), "{err}");
        let documents = dir.join("documents");
        std::fs::create_dir(&documents).unwrap();
        std::fs::write(documents.join("thesis.tex"), "precious").unwrap();
        let err = RunDir::prepare(&documents).unwrap_err().to_string();
        assert!(err.contains("not a run directory"), "{err}");
        assert_eq!(
            std::fs::read_to_string(documents.join("thesis.tex")).unwrap(),
            "precious"
        );
        let err = RunDir::prepare(&dir.join("missing").join(".."))
            .unwrap_err()
            .to_string();
        assert!(err.contains("sub-folder"), "{err}");
    }

    #[test]
    fn two_runs_of_one_process_into_one_folder_do_not_share_a_temporary_directory() {
        let dir = scratch("two");
        let a = RunDir::prepare(&dir.join("run")).unwrap();
        let b = RunDir::prepare(&dir.join("run")).unwrap();
        assert_ne!(a.path(), b.path());
        assert!(a.path().exists() && b.path().exists());
    }
}
