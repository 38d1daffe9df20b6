//! Helpers shared by the series tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A fresh, empty directory for one test, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(test: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("dctwin-series-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create test directory");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Names of the files in the directory, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .expect("list test directory")
            .map(|e| {
                e.expect("directory entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Deterministic finite doubles drawn from all bit patterns (xorshift64*), so that round trips
/// are tested on subnormals, huge and tiny magnitudes and long mantissas, not just tidy decimals.
pub struct Values(u64);

impl Values {
    pub fn new(seed: u64) -> Values {
        Values(seed.max(1))
    }

    pub fn next(&mut self) -> f64 {
        loop {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let v = f64::from_bits(self.0.wrapping_mul(0x2545_f491_4f6c_dd1d));
            if v.is_finite() {
                return v;
            }
        }
    }
}
