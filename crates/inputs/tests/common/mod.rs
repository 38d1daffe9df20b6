//! Helpers shared by the input tests: fixtures in a temporary directory, and the shared real
//! data folder.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use dctwin_inputs::{Resolver, TimeGrid, parse_timestamp, parse_utc_offset};

/// A fresh directory for one test's fixtures under the system's temporary directory.
pub fn fixture_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dctwin-inputs-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a writable temporary directory");
    dir
}

/// Write `contents` to `dir/name` and return the path.
pub fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("a writable fixture");
    path
}

/// A resolver that looks only in `dir`.
pub fn resolver(dir: &Path) -> Resolver {
    Resolver::with_dirs(Some(dir.to_path_buf()), None)
}

/// Seconds since the epoch of an ISO 8601 timestamp (naive ones in UTC).
pub fn t(text: &str) -> f64 {
    parse_timestamp(text, parse_utc_offset("UTC").unwrap()).unwrap()
}

/// A grid of `len` steps of `step_s` from the UTC timestamp `start`.
pub fn grid(start: &str, step_s: f64, len: usize) -> TimeGrid {
    TimeGrid::new(t(start), step_s, len).unwrap()
}

#[path = "../../../../tests/src/shared_data.rs"]
mod shared;

#[allow(unused_imports)] // not every test binary reads the shared data
pub use shared::shared_data;

/// Mean of a slice.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// A synthetic EPW: the 8 header lines and `rows` hourly rows of a 365-day year, with
/// `edit(k, fields)` changing row k's 35 fields before it is written. Dry bulb 10 + 5·sin, dew
/// point 5 °C, RH 70 %, pressure 100 kPa.
pub fn synthetic_epw(rows: usize, edit: impl Fn(usize, &mut Vec<String>)) -> String {
    let mut out = String::new();
    out.push_str("LOCATION,Testville,NW,DEU,test,000000,50.8,6.0,1.0,200.0\n");
    out.push_str("DESIGN CONDITIONS,0\n");
    out.push_str("TYPICAL/EXTREME PERIODS,0\n");
    out.push_str("GROUND TEMPERATURES,0\n");
    out.push_str("HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0\n");
    out.push_str("COMMENTS 1,synthetic\n");
    out.push_str("COMMENTS 2,\n");
    out.push_str("DATA PERIODS,1,1,Data,Sunday,1/ 1,12/31\n");
    let days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut k = 0;
    'months: for (m, &n) in days.iter().enumerate() {
        for d in 1..=n {
            for h in 1..=24 {
                if k == rows {
                    break 'months;
                }
                let dry = 10.0 + 5.0 * (k as f64 * std::f64::consts::TAU / 24.0).sin();
                let mut f: Vec<String> = vec![
                    "2001".into(),
                    (m + 1).to_string(),
                    d.to_string(),
                    h.to_string(),
                    "60".into(),
                    "?9?9".into(),
                    format!("{dry:.1}"),
                    "5.0".into(),
                    "70".into(),
                    "100000".into(),
                ];
                f.extend((11..=35).map(|_| "0".to_string()));
                edit(k, &mut f);
                out.push_str(&f.join(","));
                out.push('\n');
                k += 1;
            }
        }
    }
    out
}
