//! The bad-input corpus: each case is a tiny file written here, and the error must name the
//! file, the place (line or record) and the column or field, and say what was expected.

mod common;

use std::fmt::Debug;

use common::{fixture_dir, grid, resolver, synthetic_epw, write};
use dctwin_inputs::{
    ColumnSpec, Duplicates, Gaps, Order, Resolver, TimeFormat, TraceSpec, Weather, load,
};
use polars_core::prelude::*;
use polars_io::prelude::*;

/// The error's message must contain every fragment.
fn expect_err<T: Debug>(result: Result<T, dctwin_inputs::InputError>, fragments: &[&str]) {
    let message = match result {
        Ok(value) => panic!("expected an error containing {fragments:?}, got {value:?}"),
        Err(e) => e.to_string(),
    };
    eprintln!("{message}");
    for fragment in fragments {
        assert!(
            message.contains(fragment),
            "error message lacks '{fragment}':\n{message}"
        );
    }
}

/// A power trace `name` with the given body, read as `power_kw` in kW from a `time` column.
fn power_trace(test: &str, name: &str, body: &str) -> (std::path::PathBuf, TraceSpec) {
    let dir = fixture_dir(test);
    write(&dir, name, body);
    let spec = TraceSpec::new(name, "time", vec![ColumnSpec::new("power_kw", "kW")]);
    (dir, spec)
}

const HOURLY_GRID: (&str, f64, usize) = ("2022-01-01T00:00:00Z", 3600.0, 3);

fn hourly() -> dctwin_inputs::TimeGrid {
    grid(HOURLY_GRID.0, HOURLY_GRID.1, HOURLY_GRID.2)
}

#[test]
fn unsorted_timestamps() {
    let (dir, spec) = power_trace(
        "unsorted",
        "unsorted.csv",
        "time,power_kw\n2022-01-01 00:00,1\n2022-01-01 02:00,2\n2022-01-01 01:00,3\n2022-01-01 03:00,4\n",
    );
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &[
            "unsorted.csv",
            "line 4",
            "2022-01-01 01:00",
            "ascending",
            "line 3",
        ],
    );
}

#[test]
fn descending_file_with_a_row_out_of_order() {
    let (dir, mut spec) = power_trace(
        "desc_disorder",
        "desc.csv",
        "time,power_kw\n2022-01-01 03:00,1\n2022-01-01 01:00,2\n2022-01-01 02:00,3\n2022-01-01 00:00,4\n",
    );
    spec.order = Order::Descending;
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &["desc.csv", "line 4", "descending", "line 3"],
    );
}

#[test]
fn duplicate_timestamps() {
    let (dir, spec) = power_trace(
        "duplicates",
        "dup.csv",
        "time,power_kw\n2022-01-01 00:00,1\n2022-01-01 01:00,2\n2022-01-01 01:00,3\n2022-01-01 02:00,4\n",
    );
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &[
            "dup.csv",
            "line 4 repeats timestamp 2022-01-01 01:00 of line 3",
            "duplicates",
        ],
    );
}

#[test]
fn nan_power() {
    let (dir, spec) = power_trace(
        "nan",
        "nan.csv",
        "time,power_kw\n2022-01-01 00:00,1\n2022-01-01 01:00,NaN\n2022-01-01 02:00,4\n",
    );
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &[
            "nan.csv",
            "line 3, column 'power_kw'",
            "'NaN' is not a finite number",
        ],
    );
}

#[test]
fn negative_power() {
    let (dir, spec) = power_trace(
        "negative",
        "neg.csv",
        "time,power_kw\n2022-01-01 00:00,1\n2022-01-01 01:00,2\n2022-01-01 02:00,-0.5\n",
    );
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &[
            "neg.csv",
            "line 4, column 'power_kw'",
            "-0.5 kW",
            "must not be negative",
        ],
    );
}

#[test]
fn text_in_a_value_column() {
    let (dir, spec) = power_trace(
        "text_value",
        "text.csv",
        "time,power_kw\n2022-01-01 00:00,1\n2022-01-01 01:00,2\n2022-01-01 02:00,12 kW\n",
    );
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &[
            "text.csv",
            "line 4, column 'power_kw'",
            "'12 kW' is not a number",
        ],
    );
}

#[test]
fn unit_that_does_not_parse() {
    let dir = fixture_dir("unit");
    write(
        &dir,
        "unit.csv",
        "time,p\n2022-01-01 00:00,1\n2022-01-01 01:00,2\n",
    );
    let spec = TraceSpec::new("unit.csv", "time", vec![ColumnSpec::new("p", "kw")]);
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &[
            "unit.csv",
            "column 'p'",
            "unit 'kw' is not understood",
            "kW",
        ],
    );
}

#[test]
fn fraction_above_100_percent() {
    let dir = fixture_dir("fraction");
    write(
        &dir,
        "util.csv",
        "time,util\n2022-01-01 00:00,50\n2022-01-01 01:00,120\n",
    );
    let spec = TraceSpec::new("util.csv", "time", vec![ColumnSpec::new("util", "%")]);
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &["util.csv", "line 3, column 'util'", "0..1"],
    );
}

#[test]
fn missing_value_column() {
    let (dir, mut spec) = power_trace(
        "missing_column",
        "cols.csv",
        "time,power_w\n2022-01-01 00:00,1\n2022-01-01 01:00,2\n",
    );
    spec.columns = vec![ColumnSpec::new("power", "W")];
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &["cols.csv", "no value column 'power'", "'time', 'power_w'"],
    );
}

#[test]
fn missing_time_column() {
    let (dir, mut spec) = power_trace(
        "missing_time",
        "notime.csv",
        "timestamp,power_kw\n2022-01-01 00:00,1\n2022-01-01 01:00,2\n",
    );
    spec.time_column = "time".into();
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &["notime.csv", "no time column 'time'", "'timestamp'"],
    );
}

#[test]
fn trace_not_covering_the_grid() {
    let (dir, spec) = power_trace(
        "coverage",
        "short.csv",
        "time,power_kw\n2022-01-01 00:00,1\n2022-01-01 01:00,2\n",
    );
    // Two hourly rows cover 00:00..02:00; the grid needs three hours.
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &[
            "short.csv",
            "column 'power_kw'",
            "covers 2022-01-01T00:00:00Z .. 2022-01-01T02:00:00Z",
            "needs 2022-01-01T00:00:00Z .. 2022-01-01T03:00:00Z",
        ],
    );
}

#[test]
fn gap_longer_than_allowed() {
    let (dir, mut spec) = power_trace(
        "gap",
        "gap.csv",
        "time,power_kw\n2022-01-01 00:00,1\n2022-01-01 01:00,\n2022-01-01 02:00,\n\
         2022-01-01 03:00,\n2022-01-01 04:00,5\n",
    );
    spec.gaps = Gaps::Interpolate;
    spec.max_gap_steps = Some(2);
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &[
            "gap.csv",
            "column 'power_kw'",
            "3 missing sample(s) between line 2 (2022-01-01 00:00) and line 6 (2022-01-01 04:00)",
            "max_gap_steps = 2",
        ],
    );
}

#[test]
fn missing_row_under_the_fail_policy() {
    let (dir, spec) = power_trace(
        "hole",
        "hole.csv",
        "time,power_kw\n2022-01-01 00:00,1\n2022-01-01 01:00,2\n2022-01-01 03:00,3\n",
    );
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &[
            "hole.csv",
            "1 missing sample(s) between line 3",
            "line 4",
            "gaps = \"fail\"",
        ],
    );
}

#[test]
fn unparseable_timestamp() {
    let (dir, spec) = power_trace(
        "timestamp",
        "stamps.csv",
        "time,power_kw\n2022-01-01 00:00,1\n01/01/2022 01:00,2\n2022-01-01 02:00,3\n",
    );
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &[
            "stamps.csv",
            "line 3, column 'time'",
            "'01/01/2022 01:00' is not a timestamp",
        ],
    );
}

#[test]
fn hour_index_without_origin() {
    let (dir, mut spec) = power_trace("no_origin", "index.csv", "time,power_kw\n0,1\n1,2\n");
    spec.time_format = TimeFormat::Hours;
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &["index.csv", "needs an origin"],
    );
}

#[test]
fn file_not_found_lists_where_it_looked() {
    let scenario = fixture_dir("not_found_scenario");
    let data = fixture_dir("not_found_data");
    let spec = TraceSpec::new("traces/it.csv", "time", vec![ColumnSpec::new("p", "W")]);
    let resolver = Resolver::with_dirs(Some(scenario.clone()), Some(data.clone()));
    expect_err(
        load(&spec, &resolver, &hourly()),
        &[
            "'traces/it.csv' not found",
            &scenario.join("traces/it.csv").display().to_string(),
            &data.join("traces/it.csv").display().to_string(),
        ],
    );
}

#[test]
fn empty_file() {
    let (dir, spec) = power_trace("empty", "empty.csv", "");
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &["empty.csv", "is empty"],
    );
}

#[test]
fn header_only_file() {
    let (dir, spec) = power_trace("header_only", "header.csv", "time,power_kw\n");
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &["header.csv", "is empty", "after the header"],
    );
}

#[test]
fn parquet_with_a_text_power_column() {
    let dir = fixture_dir("parquet_type");
    let mut frame = df!(
        "time" => ["2022-01-01T00:00:00Z", "2022-01-01T01:00:00Z"],
        "power_w" => ["100", "200"],
    )
    .unwrap();
    let file = std::fs::File::create(dir.join("typed.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
    let spec = TraceSpec::new(
        "typed.parquet",
        "time",
        vec![ColumnSpec::new("power_w", "W")],
    );
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &[
            "typed.parquet",
            "column 'power_w' has type str",
            "expected a number",
        ],
    );
}

#[test]
fn bad_delimiter_and_unfilled_policy() {
    let (dir, mut spec) = power_trace("spec", "spec.csv", "time,power_kw\n2022-01-01 00:00,1\n");
    spec.delimiter = Some(";;".into());
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &["spec.csv", "delimiter ';;'"],
    );
    spec.delimiter = None;
    spec.gaps = Gaps::Hold;
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &["spec.csv", "needs max_gap_steps"],
    );
    spec.gaps = Gaps::Fail;
    spec.duplicates = Duplicates::Mean;
    spec.columns[0].scale = Some(-2.0);
    expect_err(
        load(&spec, &resolver(&dir), &hourly()),
        &["spec.csv", "column 'power_kw'", "scale -2"],
    );
}

#[test]
fn epw_wrong_field_count() {
    let dir = fixture_dir("epw_fields");
    let body = synthetic_epw(8760, |k, f| {
        if k == 1 {
            f.pop();
        }
    });
    let path = write(&dir, "fields.epw", &body);
    // Row k = 1 is the 10th line (8 header lines).
    expect_err(
        Weather::read(&path),
        &[
            "fields.epw",
            "line 10",
            "34 comma-separated fields, expected 35",
        ],
    );
}

#[test]
fn epw_non_numeric_field() {
    let dir = fixture_dir("epw_numeric");
    let body = synthetic_epw(8760, |k, f| {
        if k == 3 {
            f[6] = "warm".into();
        }
    });
    let path = write(&dir, "numeric.epw", &body);
    expect_err(
        Weather::read(&path),
        &[
            "numeric.epw",
            "line 12, field 7 (dry bulb temperature)",
            "'warm' is not a number",
        ],
    );
}

#[test]
fn epw_too_few_rows() {
    let dir = fixture_dir("epw_rows");
    let path = write(&dir, "short.epw", &synthetic_epw(100, |_, _| {}));
    expect_err(
        Weather::read(&path),
        &["short.epw", "100 data rows, expected 8760"],
    );
}

#[test]
fn epw_bad_header() {
    let dir = fixture_dir("epw_header");
    let body = synthetic_epw(8760, |_, _| {}).replacen("DESIGN CONDITIONS", "DESIGN", 1);
    let path = write(&dir, "header.epw", &body);
    expect_err(
        Weather::read(&path),
        &[
            "header.epw",
            "line 2",
            "bad EPW header",
            "DESIGN CONDITIONS",
        ],
    );
}

#[test]
fn epw_hour_out_of_sequence() {
    let dir = fixture_dir("epw_sequence");
    let body = synthetic_epw(8760, |k, f| {
        if k == 30 {
            f[3] = "8".into();
        }
    });
    let path = write(&dir, "sequence.epw", &body);
    expect_err(
        Weather::read(&path),
        &["sequence.epw", "line 39", "1/2 8", "expects 1/2 7"],
    );
}

#[test]
fn epw_pressure_out_of_range() {
    let dir = fixture_dir("epw_pressure");
    let body = synthetic_epw(8760, |k, f| {
        if k == 0 {
            f[9] = "10132".into();
        }
    });
    let path = write(&dir, "pressure.epw", &body);
    expect_err(
        Weather::read(&path),
        &[
            "pressure.epw",
            "line 9, field 10 (atmospheric station pressure)",
            "10132",
        ],
    );
}

#[test]
fn epw_dry_bulb_999_is_a_typo_not_the_missing_code() {
    let dir = fixture_dir("epw_999");
    let body = synthetic_epw(8760, |k, f| {
        if k == 5 {
            f[6] = "999".into();
        }
    });
    let path = write(&dir, "typo.epw", &body);
    // EnergyPlus reads anything from 99.9 up as missing; only the code itself is missing here.
    expect_err(
        Weather::read(&path),
        &[
            "typo.epw",
            "line 14, field 7 (dry bulb temperature)",
            "999 is outside -70..70 and is not the missing code 99.9",
        ],
    );
}
