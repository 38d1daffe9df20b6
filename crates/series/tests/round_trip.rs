//! Written values come back bit for bit, through several batches, in both formats.

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
