use polars::io::parquet::write::{ParquetCompression, ParquetWriter, StatisticsOptions};
use polars::prelude::*;
use std::fs::File;

fn rss() -> String {
    std::fs::read_to_string("/proc/self/status").unwrap().lines().find(|l| l.starts_with("VmRSS")).unwrap().to_string()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args[1].as_str();
    let cols = 200;
    let rows = 1024;
    let file = File::create("/tmp/scratch_mem.parquet").unwrap();
    let mut w = ParquetWriter::new(file);
    if mode == "nocomp" { w = w.with_compression(ParquetCompression::Uncompressed); }
    if mode == "nostats" { w = w.with_statistics(StatisticsOptions::empty()); }
    if mode == "serial" { w = w.set_parallel(false); }
    let schema: Schema = (0..cols).map(|c| (PlSmallStr::from(format!("c{c}")), DataType::Float64)).collect();
    let mut bw = w.batched(&schema).unwrap();
    for b in 0..256 {
        let columns: Vec<Column> = (0..cols).map(|c| {
            let v: Vec<f64> = (0..rows).map(|r| ((b * rows + r) as f64 * 0.001 + c as f64).sin()).collect();
            Float64Chunked::from_vec(format!("c{c}").into(), v).into_column()
        }).collect();
        let df = DataFrame::new(rows, columns).unwrap();
        bw.write_batch(&df).unwrap();
        if b % 64 == 63 { println!("{mode} batch {b}: {}", rss()); }
    }
    bw.finish().unwrap();
    println!("{mode} end: {}", rss());
}
