//! Reading a file a user named as text (a model, a scenario, a trace, a weather file) without
//! trusting it: its size is checked before reading and the read stops one byte past the limit
//! (a device or a pipe such as `/dev/zero` has no size to check), the first 64 kB are read first
//! so that a binary file named by mistake is refused before it is read whole, and a NUL byte or
//! text that is not UTF-8 is reported with its line. Each caller words the errors for its file.

#![warn(missing_docs)]

use std::io::Read;
use std::path::Path;

/// How much is read before the rest, to refuse a binary file early [bytes].
const FIRST_READ_BYTES: u64 = 1 << 16;

/// Why a file is not text that can be used.
#[derive(Debug, thiserror::Error)]
pub enum TextFileError {
    /// It cannot be opened or read.
    #[error("cannot read it: {0}")]
    Io(#[from] std::io::Error),
    /// It is a directory.
    #[error("this is a directory")]
    Directory,
    /// It is larger than the limit: its size, or `None` if it has none (a device or a pipe)
    /// and gave more than the limit.
    #[error("it is larger than the limit")]
    TooLarge {
        /// Its size [bytes], when it has one.
        size: Option<u64>,
    },
    /// It holds a NUL byte, on this line (1-based): a binary file.
    #[error("a NUL byte on line {line}")]
    Binary {
        /// The line.
        line: usize,
    },
    /// Its text stops being UTF-8 on this line (1-based).
    #[error("line {line} is not UTF-8")]
    NotUtf8 {
        /// The line.
        line: usize,
    },
}

/// The bytes of the file at `path`, at most `max_bytes` of them and with no NUL byte.
pub fn read_text_bytes(path: &Path, max_bytes: u64) -> Result<Vec<u8>, TextFileError> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(TextFileError::Directory);
    }
    if meta.len() > max_bytes {
        return Err(TextFileError::TooLarge {
            size: Some(meta.len()),
        });
    }
    let mut reader = std::fs::File::open(path)?.take(max_bytes + 1);
    let mut bytes = Vec::new();
    (&mut reader)
        .take(FIRST_READ_BYTES)
        .read_to_end(&mut bytes)?;
    check_no_nul(&bytes)?;
    reader.read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(TextFileError::TooLarge { size: None });
    }
    check_no_nul(&bytes)?;
    Ok(bytes)
}

/// The text of the file at `path`: [`read_text_bytes`], and UTF-8.
pub fn read_text(path: &Path, max_bytes: u64) -> Result<String, TextFileError> {
    let bytes = read_text_bytes(path, max_bytes)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => Err(TextFileError::NotUtf8 {
            line: line_of(e.as_bytes(), e.utf8_error().valid_up_to()),
        }),
    }
}

/// The 1-based line of byte `offset` in `bytes`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

fn check_no_nul(bytes: &[u8]) -> Result<(), TextFileError> {
    match bytes.iter().position(|&b| b == 0) {
        Some(at) => Err(TextFileError::Binary {
            line: line_of(bytes, at),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("dctwin-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn text_is_read_and_what_is_not_text_is_named_with_its_line() {
        assert_eq!(
            read_text(&file("ok.toml", b"a = 1\n"), 100).unwrap(),
            "a = 1\n"
        );
        let nul = read_text(&file("nul.bin", b"a = 1\nb\0\n"), 100).unwrap_err();
        assert!(matches!(nul, TextFileError::Binary { line: 2 }), "{nul:?}");
        let latin1 = read_text(&file("latin1.toml", b"a = 1\n\nb = \"\xe9\"\n"), 100).unwrap_err();
        assert!(
            matches!(latin1, TextFileError::NotUtf8 { line: 3 }),
            "{latin1:?}"
        );
        let large = read_text(&file("large.toml", &[b'a'; 101]), 100).unwrap_err();
        assert!(
            matches!(large, TextFileError::TooLarge { size: Some(101) }),
            "{large:?}"
        );
        let dir = std::env::temp_dir();
        assert!(matches!(
            read_text(&dir, 100),
            Err(TextFileError::Directory)
        ));
        let missing = read_text(Path::new("/nonexistent/x.toml"), 100).unwrap_err();
        assert!(matches!(missing, TextFileError::Io(_)), "{missing:?}");
    }

    /// A device has no size: the read stops one byte past the limit.
    #[test]
    fn a_device_is_read_up_to_the_limit_only() {
        let zero = read_text_bytes(Path::new("/dev/zero"), 1000).unwrap_err();
        assert!(
            matches!(zero, TextFileError::Binary { line: 1 }),
            "{zero:?}"
        );
        let urandom = read_text_bytes(Path::new("/dev/urandom"), 10);
        assert!(
            urandom.is_err(),
            "a random stream has a NUL or passes the limit"
        );
    }
}
