//! The trace reader (CSV through polars, timestamps, units, gaps, resampling) on any file
//! content, read onto a day of one-minute steps: a trace or an error, never a panic or a
//! non-finite value.
#![no_main]

use dctwin_inputs::{ColumnSpec, Gaps, Resolver, TimeGrid, TraceSpec, load};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("dctwin-fuzz-trace-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let (flags, body) = data.split_first().unwrap_or((&0, &[]));
    std::fs::write(dir().join("t.csv"), body).unwrap();
    let mut spec = TraceSpec::new(
        "t.csv",
        "time",
        vec![
            ColumnSpec::new("power", "kW"),
            ColumnSpec::new("temp", "degC"),
        ],
    );
    // The first byte picks some options, so they are explored too.
    if flags & 1 != 0 {
        spec.gaps = Gaps::Interpolate;
        spec.max_gap_steps = Some(3);
    }
    if flags & 2 != 0 {
        spec.repeat_year = true;
    }
    if flags & 4 != 0 {
        spec.utc_offset = Some("+01:00".into());
    }
    let resolver = Resolver::with_dirs(Some(dir().clone()), None);
    // 2022-01-01T00:00Z, one day of minutes.
    let grid = TimeGrid::new(1_640_995_200.0, 60.0, 1440).unwrap();
    if let Ok(trace) = load(&spec, &resolver, &grid) {
        for column in &trace.columns {
            assert!(column.values.iter().all(|v| v.is_finite()));
        }
    }
});
