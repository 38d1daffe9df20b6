//! The runs and scenarios opened lately, kept between sessions in a small text file (one path
//! a line, newest first) under the user's configuration directory.

use std::path::{Path, PathBuf};

/// How many paths are kept.
pub const KEPT: usize = 10;

/// Where the list is kept: `$XDG_CONFIG_HOME/dctwin/recent`, else `~/.config/dctwin/recent`.
pub fn default_file() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(config.join("dctwin").join("recent"))
}

/// The paths in `file`, newest first (none if it cannot be read: a first start).
pub fn load(file: &Path) -> Vec<PathBuf> {
    std::fs::read_to_string(file)
        .map(|text| {
            (text.lines())
                .filter(|l| !l.trim().is_empty())
                .map(PathBuf::from)
                .take(KEPT)
                .collect()
        })
        .unwrap_or_default()
}

/// `list` with `opened` first, each path once, at most [`KEPT`].
pub fn with(list: &[PathBuf], opened: &Path) -> Vec<PathBuf> {
    let opened = opened
        .canonicalize()
        .unwrap_or_else(|_| opened.to_path_buf());
    std::iter::once(opened.clone())
        .chain(list.iter().filter(|p| **p != opened).cloned())
        .take(KEPT)
        .collect()
}

/// Writes `list` to `file`; the error says which file could not be written.
pub fn save(file: &Path, list: &[PathBuf]) -> Result<(), String> {
    let text: String = list.iter().map(|p| format!("{}\n", p.display())).collect();
    let written = file
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(file, text));
    written.map_err(|e| format!("cannot keep the recent files in {}: {e}", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_comes_first_once_and_the_list_is_kept_short() {
        let dir = std::env::temp_dir().join(format!("dctwin-recent-{}", std::process::id()));
        let file = dir.join("dctwin/recent");
        assert!(load(&file).is_empty(), "a first start has none");
        let mut list = Vec::new();
        for i in 0..12 {
            list = with(&list, Path::new(&format!("/runs/{i}")));
        }
        list = with(&list, Path::new("/runs/5"));
        save(&file, &list).unwrap();
        let read = load(&file);
        assert_eq!(read.len(), KEPT);
        assert_eq!(read[0], Path::new("/runs/5"));
        assert_eq!(read[1], Path::new("/runs/11"));
        assert_eq!(
            read.iter().filter(|p| *p == Path::new("/runs/5")).count(),
            1
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
