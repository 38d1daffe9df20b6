//! Written values come back bit for bit (or, kept by unit, within half a step), through several
//! batches, in both formats.

mod common;

use common::{TempDir, Values};
use dctwin_series::{Format, SeriesWriter, WriterOptions, read_columns, read_names, read_series};

/// Writes `rows` rows of random finite values in batches of `batch_rows`, reads them back and
/// compares bits (no tolerance: both formats must store the exact double).
fn round_trip(file: &str, rows: usize, batch_rows: usize) {
    let dir = TempDir::new(&format!("round-trip-{file}"));
    let path = dir.path().join(file);
    let names = ["c0.cdu.supply_k", "it_power_w", "flow_kg_s"];
    let format = Format::from_path(&path).unwrap();
    let mut writer = SeriesWriter::create_with(
        &path,
        format,
        &names,
        WriterOptions {
            batch_rows,
            ..Default::default()
        },
    )
    .unwrap();
    let mut values = Values::new(rows as u64);
    let mut expected: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut times = Vec::new();
    let mut special = [0.0, -0.0, f64::MIN_POSITIVE / 4.0, f64::MAX, 0.1, 1.0 / 3.0].into_iter();
    for i in 0..rows {
        let time_s = 60.0 * i as f64 + 0.25;
        let row: Vec<f64> = names
            .iter()
            .map(|_| special.next().unwrap_or_else(|| values.next()))
            .collect();
        writer.push(time_s, &row).unwrap();
        times.push(time_s);
        for (column, v) in expected.iter_mut().zip(&row) {
            column.push(*v);
        }
    }
    assert_eq!(writer.rows(), rows);
    let summary = writer.finish().unwrap();
    assert_eq!(summary.rows, rows);
    assert_eq!(summary.path, path);
    assert_eq!(summary.bytes, std::fs::metadata(&path).unwrap().len());
    assert_eq!(
        dir.files(),
        vec![file.to_string()],
        "no temporary file left"
    );

    assert_eq!(read_names(&path).unwrap(), names);
    let table = read_series(&path).unwrap();
    assert_eq!(table.rows(), rows);
    assert_eq!(table.time_s, times);
    for (name, column) in names.iter().zip(&expected) {
        let read = table.column(name).unwrap();
        assert_eq!(read.len(), rows);
        for (row, (a, b)) in read.iter().zip(column).enumerate() {
            assert_eq!(
                a.to_bits(),
                b.to_bits(),
                "{file}: {name} row {}: {a} ≠ {b}",
                row + 1
            );
        }
    }
}

#[test]
fn csv_round_trip_is_exact_across_batches() {
    round_trip("run.csv", 10_000, 1_000);
}

#[test]
fn parquet_round_trip_is_exact_across_batches() {
    round_trip("run.parquet", 10_000, 1_000);
}

#[test]
fn last_partial_batch_is_written() {
    round_trip("odd.pq", 2_503, 1_000);
    round_trip("odd.csv", 2_503, 1_000);
}

#[test]
fn a_single_row_batch_works() {
    round_trip("tiny.parquet", 7, 1);
}

#[test]
fn read_columns_reads_only_what_is_asked() {
    for file in ["some.csv", "some.parquet"] {
        let dir = TempDir::new(&format!("projection-{file}"));
        let path = dir.path().join(file);
        let names = ["a_w", "b_w", "c_w"];
        let mut writer =
            SeriesWriter::create(&path, Format::from_path(&path).unwrap(), &names).unwrap();
        for i in 0..10 {
            let t = i as f64;
            writer.push(t, &[t, 10.0 * t, 100.0 * t]).unwrap();
        }
        writer.finish().unwrap();
        let table = read_columns(&path, &["c_w"]).unwrap();
        assert_eq!(table.names, ["c_w"]);
        assert_eq!(table.columns.len(), 1);
        assert_eq!(table.column("c_w").unwrap()[9], 900.0);
        assert!(table.column("a_w").is_none());

        let err = read_columns(&path, &["d_w"]).unwrap_err().to_string();
        assert!(
            err.contains("no column \"d_w\"") && err.contains("a_w, b_w, c_w"),
            "{err}"
        );
    }
}

#[test]
fn whole_numbers_in_csv_are_read_as_floats() {
    // polars infers integer columns from "0", "60"; the reader declares every column f64.
    let dir = TempDir::new("whole-csv");
    let path = dir.path().join("whole.csv");
    std::fs::write(&path, "time_s,n_w\n0,1\n60,2\n120,2.5\n").unwrap();
    let table = read_series(&path).unwrap();
    assert_eq!(table.time_s, [0.0, 60.0, 120.0]);
    assert_eq!(table.column("n_w").unwrap(), [1.0, 2.0, 2.5]);
}

/// `Precision::ByUnit`: each value comes back within half its unit's step (and an f32's
/// rounding), `time_s` exactly, in both formats; a value beyond an f32 is refused with its
/// column.
#[test]
fn by_unit_precision_round_trips_within_half_a_step() {
    use dctwin_series::Precision;
    for file in ["unit.csv", "unit.parquet"] {
        let dir = TempDir::new(&format!("by-unit-{file}"));
        let path = dir.path().join(file);
        let names = ["supply_c", "it_kw", "flow_kg_s", "water_kg_h", "racks_on"];
        let steps = [1.0 / 1024.0, 1.0 / 1024.0, 1.0 / 1024.0, 1.0 / 64.0, 0.0];
        let options = WriterOptions {
            precision: Precision::ByUnit,
            ..WriterOptions::default()
        };
        let format = Format::from_path(&path).unwrap();
        let mut writer = SeriesWriter::create_with(&path, format, &names, options).unwrap();
        let row = |k: usize| {
            let x = k as f64;
            [
                40.0 + 0.123_456_7 * x,
                1_234.567_891 + x,
                5.432_1 / (1.0 + x),
                300.3 * x,
                3.0,
            ]
        };
        for k in 0..50 {
            writer.push(60.0 * k as f64 + 0.25, &row(k)).unwrap();
        }
        let err = writer
            .push(1e6, &[0.0, 1e39, 0.0, 0.0, 0.0])
            .unwrap_err()
            .to_string();
        assert!(err.contains("it_kw") && err.contains("exact"), "{err}");
        writer.finish().unwrap();
        let table = read_series(&path).unwrap();
        for k in 0..50 {
            assert_eq!(table.time_s[k], 60.0 * k as f64 + 0.25);
            for (c, name) in names.iter().enumerate() {
                let (want, got) = (row(k)[c], table.column(name).unwrap()[k]);
                let f32_half_ulp = want.abs() * f64::from(f32::EPSILON);
                let bound = steps[c] / 2.0 + f32_half_ulp;
                assert!(
                    (got - want).abs() <= bound,
                    "{file} {name} row {k}: {got} vs {want}"
                );
            }
        }
    }
}
