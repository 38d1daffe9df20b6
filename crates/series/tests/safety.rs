//! Bad rows are refused with a clear message; the target changes only on a successful finish.

mod common;

use common::TempDir;
use dctwin_series::{Format, SeriesError, SeriesWriter, WriterOptions, read_names, read_series};

#[test]
fn format_comes_from_the_extension() {
    use std::path::Path;
    assert_eq!(
        Format::from_path(Path::new("a/run.csv")).unwrap(),
        Format::Csv
    );
    assert_eq!(
        Format::from_path(Path::new("run.CSV")).unwrap(),
        Format::Csv
    );
    assert_eq!(
        Format::from_path(Path::new("run.parquet")).unwrap(),
        Format::Parquet
    );
    assert_eq!(
        Format::from_path(Path::new("run.pq")).unwrap(),
        Format::Parquet
    );
    for bad in ["run.txt", "run", "run.csv.gz"] {
        let err = Format::from_path(Path::new(bad)).unwrap_err().to_string();
        assert!(
            err.starts_with(bad) && err.contains(".csv, .parquet or .pq"),
            "{err}"
        );
    }
}

#[test]
fn wrong_length_is_refused_and_the_writer_goes_on() {
    let dir = TempDir::new("wrong-length");
    let path = dir.path().join("run.csv");
    let mut writer = SeriesWriter::create(&path, Format::Csv, &["a_w", "b_w", "c_w"]).unwrap();
    writer.push(0.0, &[1.0, 2.0, 3.0]).unwrap();
    let err = writer.push(60.0, &[1.0, 2.0]).unwrap_err();
    assert!(matches!(
        err,
        SeriesError::WrongLength {
            row: 2,
            expected: 3,
            got: 2,
            ..
        }
    ));
    let message = err.to_string();
    assert!(
        message.contains("row 2 at time_s = 60: expected 3 values, got 2"),
        "{message}"
    );
    writer.push(60.0, &[4.0, 5.0, 6.0]).unwrap();
    assert_eq!(writer.finish().unwrap().rows, 2);
    assert_eq!(
        read_series(&path).unwrap().column("c_w").unwrap(),
        [3.0, 6.0]
    );
}

#[test]
fn non_finite_values_are_refused_naming_column_and_time() {
    let dir = TempDir::new("nan");
    let path = dir.path().join("run.parquet");
    let mut writer =
        SeriesWriter::create(&path, Format::Parquet, &["a_w", "rack_3.out_k"]).unwrap();
    writer.push(0.0, &[1.0, 300.0]).unwrap();

    let message = writer
        .push(120.0, &[1.0, f64::NAN])
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("row 2 at time_s = 120: column \"rack_3.out_k\" is NaN"),
        "{message}"
    );
    let message = writer
        .push(120.0, &[f64::NEG_INFINITY, 1.0])
        .unwrap_err()
        .to_string();
    assert!(message.contains("column \"a_w\" is -inf"), "{message}");
    let message = writer
        .push(f64::INFINITY, &[1.0, 1.0])
        .unwrap_err()
        .to_string();
    assert!(message.contains("column \"time_s\" is inf"), "{message}");

    // Refused rows leave no trace.
    assert_eq!(writer.rows(), 1);
    writer.finish().unwrap();
    let table = read_series(&path).unwrap();
    assert_eq!(table.time_s, [0.0]);
}

#[test]
fn time_must_increase() {
    let dir = TempDir::new("time");
    let path = dir.path().join("run.csv");
    let mut writer = SeriesWriter::create(&path, Format::Csv, &["a_w"]).unwrap();
    writer.push(60.0, &[1.0]).unwrap();
    for t in [60.0, 0.0] {
        let err = writer.push(t, &[1.0]).unwrap_err().to_string();
        assert!(
            err.contains(&format!(
                "row 2: time_s = {t} does not come after the previous row's 60"
            )),
            "{err}"
        );
    }
    writer.push(61.0, &[1.0]).unwrap();
}

#[test]
fn bad_column_names_are_refused() {
    let dir = TempDir::new("names");
    let path = dir.path().join("run.csv");
    let cases: [(&[&str], &str); 4] = [
        (
            &["a_w", "b_w", "a_w"],
            "column 2 (\"a_w\"): the name appears twice",
        ),
        (
            &["time_s"],
            "column 0 (\"time_s\"): `time_s` is the time column",
        ),
        (
            &["a_w", "b,c"],
            "column 1 (\"b,c\"): names may not contain commas",
        ),
        (&[""], "column 0 (\"\"): the name is empty"),
    ];
    for (names, expected) in cases {
        let err = SeriesWriter::create(&path, Format::Csv, names)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains(expected), "{err}");
    }
    assert!(
        dir.files().is_empty(),
        "a refused create leaves nothing: {:?}",
        dir.files()
    );
}

#[test]
fn a_directory_target_is_refused() {
    let dir = TempDir::new("dir-target");
    let err = SeriesWriter::create(dir.path(), Format::Csv, &["a_w"])
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("is a directory"), "{err}");
}

/// A writer dropped without `finish` (a run that failed) leaves the previous target byte for
/// byte and no temporary file; while it runs, the data go to a `.partial` file, not the target.
#[test]
fn an_interrupted_writer_leaves_the_old_file() {
    for file in ["run.csv", "run.parquet"] {
        let dir = TempDir::new(&format!("interrupted-{file}"));
        let path = dir.path().join(file);
        let old = b"previous result, not a valid series\n".to_vec();
        std::fs::write(&path, &old).unwrap();

        let format = Format::from_path(&path).unwrap();
        let options = WriterOptions {
            batch_rows: 1_000,
            ..Default::default()
        };
        let mut writer =
            SeriesWriter::create_with(&path, format, &["a_w", "b_k"], options).unwrap();
        for i in 0..5_500 {
            writer.push(i as f64, &[i as f64, 300.0]).unwrap();
        }
        // Five batches are on disk, in the partial file beside the target.
        let files = dir.files();
        assert_eq!(files.len(), 2, "{files:?}");
        let partial = files.iter().find(|f| f.ends_with(".partial")).unwrap();
        assert!(partial.starts_with(file), "{partial}");
        assert!(std::fs::metadata(dir.path().join(partial)).unwrap().len() > 0);
        assert_eq!(std::fs::read(&path).unwrap(), old);

        drop(writer);
        assert_eq!(std::fs::read(&path).unwrap(), old, "{file}: target changed");
        assert_eq!(
            dir.files(),
            vec![file.to_string()],
            "{file}: temporary file left"
        );
    }
}

/// Stopping early (the engine's Ctrl-C path) is `finish` after fewer rows: a complete file
/// replaces the old one.
#[test]
fn finish_replaces_the_old_file_with_the_rows_so_far() {
    for file in ["run.csv", "run.parquet"] {
        let dir = TempDir::new(&format!("early-{file}"));
        let path = dir.path().join(file);
        std::fs::write(&path, b"old").unwrap();
        let format = Format::from_path(&path).unwrap();
        let options = WriterOptions {
            batch_rows: 100,
            ..Default::default()
        };
        let mut writer = SeriesWriter::create_with(&path, format, &["a_w"], options).unwrap();
        for i in 0..250 {
            writer.push(i as f64, &[2.0 * i as f64]).unwrap();
        }
        assert_eq!(writer.finish().unwrap().rows, 250);
        let table = read_series(&path).unwrap();
        assert_eq!(table.rows(), 250);
        assert_eq!(table.column("a_w").unwrap()[249], 498.0);
        assert_eq!(dir.files(), vec![file.to_string()]);
    }
}

#[test]
fn zero_rows_give_a_valid_file_with_the_columns() {
    for file in ["empty.csv", "empty.parquet"] {
        let dir = TempDir::new(&format!("zero-{file}"));
        let path = dir.path().join(file);
        let format = Format::from_path(&path).unwrap();
        let writer = SeriesWriter::create(&path, format, &["a_w", "b_k"]).unwrap();
        let summary = writer.finish().unwrap();
        assert_eq!(summary.rows, 0);
        assert!(summary.bytes > 0);
        assert_eq!(read_names(&path).unwrap(), ["a_w", "b_k"]);
        let table = read_series(&path).unwrap();
        assert_eq!(table.rows(), 0);
        assert_eq!(table.names, ["a_w", "b_k"]);
        if format == Format::Csv {
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "time_s,a_w,b_k\n");
        }
    }
}
