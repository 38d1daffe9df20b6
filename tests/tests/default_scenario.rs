//! The embedded default, `scenarios/jupiter-design.toml`, needs no file outside the
//! repository: its weather is the Mannheim test reference year in `data/weather/` and its
//! campus demand the profile made from it in `data/heat-demand/`. These tests check that the
//! scenario loads, that the outdoor air the engine drives the plant with is the TRY's at every
//! minute of the year (compared with an interpolation of the CSV written here, not the
//! loader's), that the demand keeps the file's energy and peak, and that a day of the scenario
//! runs and writes that weather and demand into its series.

use dctwin_components::psychrometrics::Psychrometrics;
use dctwin_inputs::{Resolver, TimeGrid, parse_timestamp, time::utc};
use dctwin_scenario::drive::{Drive, Driven};
use dctwin_scenario::{Progress, RunOptions, Scenario, run};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// The repository's root.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// The TRY's 1 January 00:00 local standard time (UTC+1) on the scenario's calendar, as its
/// `[weather.trace] origin` says [s since the epoch].
fn try_origin_s() -> f64 {
    parse_timestamp("2022-01-01T00:00:00+01:00", utc()).unwrap()
}

/// A column of a CSV in `data/`, as numbers.
fn data_column(file: &str, column: &str) -> Vec<f64> {
    dctwin_tests::read_csv(&repo().join("data").join(file))
        .iter()
        .map(|row| row[column].parse().unwrap())
        .collect()
}

/// The CSV's hourly readings at `t_s`, by the TRY's rule written out independently: linear
/// between the readings at whole local hours, the year (8760 h) repeating, and after the last
/// reading (31 December 23:00) its value held to the year's end.
fn reading_at(hourly: &[f64], t_s: f64) -> f64 {
    let x = ((t_s - try_origin_s()) / 3600.0).rem_euclid(8760.0);
    let h = x.floor() as usize;
    if h + 1 >= hourly.len() {
        return hourly[h];
    }
    hourly[h] + (x - h as f64) * (hourly[h + 1] - hourly[h])
}

/// The scenario as shipped, and its inputs on the 60 s grid over its whole period.
fn shipped() -> (Scenario, Drive) {
    let path = repo().join("scenarios/jupiter-design.toml");
    let scenario = Scenario::load(&path).unwrap();
    let start = parse_timestamp(&scenario.start, utc()).unwrap();
    let end = parse_timestamp(&scenario.end, utc()).unwrap();
    let grid = TimeGrid::between(start, end, 60.0).unwrap();
    let resolver = Resolver::with_dirs(Some(repo().join("scenarios")), None);
    let drive = Drive::load(&scenario, &resolver, grid, Driven::default()).unwrap();
    (scenario, drive)
}

#[test]
fn the_default_reads_the_try_and_the_campus_demand() {
    let (scenario, drive) = shipped();
    assert!(scenario.weather.trace.is_some() && scenario.weather.epw.is_none());
    let dry = data_column("weather/mannheim-try2010.csv", "dry_bulb_c");
    let rh = data_column("weather/mannheim-try2010.csv", "relative_humidity_pct");
    let pressure = data_column("weather/mannheim-try2010.csv", "pressure_pa");
    assert_eq!(dry.len(), 8760);
    let grid = drive.grid;
    assert_eq!(grid.len, 365 * 24 * 60);

    // Every minute's dry bulb is the CSV's, to rounding (the loader and this test compute the
    // same straight line in different orders: 1e-9 K).
    let mut worst: f64 = 0.0;
    for (k, air) in drive.air.iter().enumerate() {
        let expected = reading_at(&dry, grid.time_s(k));
        worst = worst.max((air.dry_bulb_k - 273.15 - expected).abs());
    }
    println!("dry bulb: worst difference from the CSV {worst:.2e} K");
    assert!(worst < 1e-9, "{worst}");
    // The year's extremes and mean are the file's: the extremes exactly (a whole local hour is
    // a minute of the UTC grid), the mean within 1e-3 K: over a whole periodic year the
    // straight lines' mean is the readings' mean, and minute sampling adds nothing that does
    // not cancel, except in the last hour, held instead of joined to hour 0 (|8.7 − 6.5| K /
    // 8760 h ≈ 3e-4 K).
    let c: Vec<f64> = drive.air.iter().map(|a| a.dry_bulb_k - 273.15).collect();
    let (min, max) = c
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let mean = c.iter().sum::<f64>() / c.len() as f64;
    let file_mean = dry.iter().sum::<f64>() / dry.len() as f64;
    println!("run: mean {mean:.4} °C (file {file_mean:.4}), min {min:.2}, max {max:.2}");
    assert!((min - (-9.3)).abs() < 1e-9 && (max - 36.3).abs() < 1e-9);
    assert!((mean - file_mean).abs() < 1e-3);

    // Humidity from the dew point at the station pressure agrees with the file's relative
    // humidity at each reading within 1 point: the dew point is rounded to 0.1 K (about 0.7 %
    // of the humidity, ≤ 0.7 points) and the humidity to 1 % (0.5 points).
    let mut worst_rh: f64 = 0.0;
    for h in 1..8760 {
        let k = (try_origin_s() + h as f64 * 3600.0 - grid.start_s) / 60.0;
        let k = k.round() as usize;
        if k >= grid.len {
            continue;
        }
        let psy = Psychrometrics::new(pressure[h]).unwrap();
        let air = drive.air[k];
        let derived = 100.0 * psy.relative_humidity(air.dry_bulb_k, air.humidity_ratio);
        worst_rh = worst_rh.max((derived - rh[h]).abs());
    }
    println!("relative humidity: worst difference from the file {worst_rh:.2} points");
    assert!(worst_rh < 1.0, "{worst_rh}");

    // The demand: the file's hourly means on the minutes, so the year's energy and peak are
    // the file's (the run's year is the file's year shifted by one hour and wrapped).
    let demand = drive.demand_w.as_ref().expect("a heat demand");
    let file = data_column("heat-demand/campus-try2010.csv", "heat_demand_kw");
    let energy_mwh = demand.iter().sum::<f64>() * 60.0 / 3.6e9;
    let file_mwh = file.iter().sum::<f64>() / 1e3;
    let peak_kw = demand.iter().cloned().fold(0.0, f64::max) / 1e3;
    println!("demand: {energy_mwh:.1} MWh (file {file_mwh:.1}), peak {peak_kw:.1} kW");
    assert!((energy_mwh / file_mwh - 1.0).abs() < 1e-9);
    assert!((peak_kw - 8000.0).abs() < 1e-9);
}

/// A day of the default scenario runs, and its series shows the TRY's outdoor air and the
/// file's demand.
#[test]
fn a_day_of_the_default_runs_on_the_try() {
    let dir = std::env::temp_dir().join(format!("dctwin-default-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(repo().join("scenarios/jupiter-design.toml")).unwrap();
    let shipped_end = "end = \"2023-01-01T00:00:00Z\"";
    assert!(text.contains(shipped_end), "the scenario's end moved");
    let text = text
        .replace("\"../", &format!("\"{}/", repo().display()))
        .replace(shipped_end, "end = \"2022-01-02T00:00:00Z\"");
    let path = dir.join("jupiter-day.toml");
    std::fs::write(&path, text).unwrap();
    let options = RunOptions {
        data_dir: None,
        out_dir: dir.join("run"),
        stop: Arc::new(AtomicBool::new(false)),
        sets: Vec::new(),
    };
    let (summary, report) = run(&path, &options, &mut |_: &Progress| {}).unwrap();
    println!("{report}");
    assert_eq!(summary.status, "completed");
    assert_eq!(summary.rows, 24 * 60);
    assert!(
        summary.energy_balance.relative_residual.abs() < 1e-9,
        "{:e}",
        summary.energy_balance.relative_residual
    );

    let table = dctwin_series::read_series(dir.join("run/series.parquet")).unwrap();
    let time = &table.time_s;
    let outdoor = table.column("outdoor_c").unwrap();
    let demand = table.column("heat_demand_kw").unwrap();
    let dry = data_column("weather/mannheim-try2010.csv", "dry_bulb_c");
    let file_demand = data_column("heat-demand/campus-try2010.csv", "heat_demand_kw");
    // A row at time T reports the inputs of the control step that ended there (from T − 60 s).
    let mut worst_c: f64 = 0.0;
    let mut worst_kw: f64 = 0.0;
    for ((t, c), d) in time.iter().zip(outdoor).zip(demand) {
        let step = t - 60.0;
        worst_c = worst_c.max((c - reading_at(&dry, step)).abs());
        let hour = ((step - try_origin_s()) / 3600.0).floor() as usize;
        worst_kw = worst_kw.max((d - file_demand[hour]).abs());
    }
    println!("series: worst outdoor difference {worst_c:.2e} K, demand {worst_kw:.2e} kW");
    // The series keeps temperatures and powers to 1/1024 of their unit, as f32
    // (`dctwin_series::Precision::ByUnit`): half a step, plus half an f32 ulp at 8000 kW.
    let half_step = 0.5 / 1024.0;
    assert!(worst_c <= half_step + 1e-9, "{worst_c}");
    let half_f32_ulp_below_8192 = f64::from(f32::EPSILON) * 4096.0 / 2.0;
    assert!(
        worst_kw <= half_step + half_f32_ulp_below_8192 + 1e-9,
        "{worst_kw}"
    );
    // The day's mean against the file's: the run covers local hours 1..25 of the TRY, whose
    // mean by the trapezoidal rule is the straight lines' mean; the minute rows sample each
    // line at the minute's start, which differs from it by half a minute's change of the
    // day's net trend: ≤ 10 K / 2880 < 0.01 K.
    let day_mean = outdoor.iter().sum::<f64>() / outdoor.len() as f64;
    let trapezoid = (dry[1] / 2.0 + dry[2..25].iter().sum::<f64>() + dry[25] / 2.0) / 24.0;
    println!("1 January: mean outdoor {day_mean:.4} °C, the file's {trapezoid:.4} °C");
    assert!((day_mean - trapezoid).abs() < 0.01);
}
