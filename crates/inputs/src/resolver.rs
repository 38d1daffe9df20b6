//! Finding input files: a scenario names a trace or weather file by a path that is relative to
//! the scenario's own directory, or to a shared data directory (large real data kept outside the
//! repository).

use std::path::{Path, PathBuf};

use crate::error::InputError;

/// The environment variable naming the data directory when none is given on the command line.
pub const DATA_DIR_ENV: &str = "DCTWIN_DATA";

/// Finds input files: first relative to the scenario's directory, then in the data directory
/// (`--data-dir`, else the `DCTWIN_DATA` environment variable). An absolute path is used as it
/// is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolver {
    /// Directory of the scenario file, if any.
    pub scenario_dir: Option<PathBuf>,
    /// The data directory, if any.
    pub data_dir: Option<PathBuf>,
}

impl Resolver {
    /// A resolver for a scenario in `scenario_dir` with the data directory `data_dir` (from the
    /// command line); without one, the `DCTWIN_DATA` environment variable is used if set.
    pub fn new(scenario_dir: Option<PathBuf>, data_dir: Option<PathBuf>) -> Self {
        let data_dir = data_dir.or_else(|| {
            std::env::var_os(DATA_DIR_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        Resolver {
            scenario_dir,
            data_dir,
        }
    }

    /// A resolver that looks only in the given directories, ignoring the environment (for
    /// tests and embedding).
    pub fn with_dirs(scenario_dir: Option<PathBuf>, data_dir: Option<PathBuf>) -> Self {
        Resolver {
            scenario_dir,
            data_dir,
        }
    }

    /// The existing file `file` names, or an error listing every place looked in.
    pub fn resolve(&self, file: &Path) -> Result<PathBuf, InputError> {
        let candidates: Vec<PathBuf> = if file.is_absolute() {
            vec![file.to_path_buf()]
        } else {
            [&self.scenario_dir, &self.data_dir]
                .into_iter()
                .flatten()
                .map(|dir| dir.join(file))
                .collect()
        };
        match candidates.iter().find(|p| p.is_file()) {
            Some(found) => Ok(found.clone()),
            None => Err(InputError::NotFound {
                file: file.to_path_buf(),
                looked: candidates,
            }),
        }
    }
}
