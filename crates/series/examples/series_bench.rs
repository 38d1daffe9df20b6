//! Writes a year at one-minute steps (525,600 rows) × 200 columns to Parquet (or the path given,
//! whose extension picks the format) and prints the rate and the file size. Run it in release
//! under `/usr/bin/time -v` to see the peak memory:
//!
//! ```text
//! cargo run --release -p dctwin-series --example series_bench -- /tmp/year.parquet [columns] [batch_rows] [rows]
//! ```

use std::time::Instant;

use dctwin_series::{DEFAULT_BATCH_ROWS, Format, SeriesWriter, WriterOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = std::path::PathBuf::from(
        args.next()
            .unwrap_or_else(|| "/tmp/dctwin-series-bench.parquet".into()),
    );
    let columns: usize = args.next().map_or(Ok(200), |a| a.parse())?;
    let batch_rows: usize = args.next().map_or(Ok(DEFAULT_BATCH_ROWS), |a| a.parse())?;
    let rows: usize = args.next().map_or(Ok(525_600), |a| a.parse())?;
    let names: Vec<String> = (0..columns).map(|c| format!("c{c}.supply_k")).collect();

    let start = Instant::now();
    let format = Format::from_path(&path)?;
    let mut writer = SeriesWriter::create_with(
        &path,
        format,
        &names,
        WriterOptions {
            batch_rows,
            ..Default::default()
        },
    )?;
    let mut row = vec![0.0; columns];
    for i in 0..rows {
        let time_s = 60.0 * i as f64;
        // Smooth, plant-like signals (a daily cycle per column) so compression sees realistic
        // data, not constants.
        for (c, v) in row.iter_mut().enumerate() {
            *v = 300.0 + 5.0 * (time_s / 86_400.0 * std::f64::consts::TAU + c as f64).sin();
        }
        writer.push(time_s, &row)?;
    }
    let summary = writer.finish()?;
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "{} rows × {} columns (+ time_s), batches of {batch_rows}: {:.2} s, {:.0} rows/s, {:.1} MB ({:.2} bytes/value) → {}",
        summary.rows,
        columns,
        elapsed,
        summary.rows as f64 / elapsed,
        summary.bytes as f64 / 1e6,
        summary.bytes as f64 / (summary.rows * (columns + 1)) as f64,
        summary.path.display()
    );
    Ok(())
}
