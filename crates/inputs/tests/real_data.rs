//! The real files of ../shared/data (see its SOURCES.md), read through the data finder: the
//! checks are the figures SOURCES.md states (rounded there to the digit shown, hence the
//! tolerances of half that digit) and values recomputed here from the raw lines with a plain
//! split, independent of the crate's reader.

mod common;

use std::path::Path;

use common::{grid, mean, shared_data, t};
use dctwin_inputs::{
    ColumnSpec, Gaps, Order, Resolver, Stamp, TimeFormat, TimeGrid, TraceSpec, Weather, load,
    parse_timestamp, parse_utc_offset,
};

const ZERO_C_K: f64 = 273.15;

fn data(test: &str) -> Option<Resolver> {
    shared_data(test).map(|dir| Resolver::with_dirs(None, Some(dir)))
}

/// Data lines of a text file split by `separator` (header dropped).
fn raw_rows(path: &Path, separator: char) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.trim_end().split(separator).map(str::to_string).collect())
        .collect()
}

#[test]
fn aachen_tmyx_epw() {
    let Some(resolver) = data("aachen_tmyx_epw") else {
        return;
    };
    let weather = Weather::load(
        Path::new("weather/DEU_NW_Aachen.105010_TMYx.epw"),
        &resolver,
    )
    .unwrap();
    assert_eq!(weather.hours(), 8760);
    assert_eq!(
        (weather.location.utc_offset_h, weather.location.elevation_m),
        (1.0, 232.0)
    );
    let dry_c: Vec<f64> = weather.dry_bulb_k.iter().map(|k| k - ZERO_C_K).collect();
    let min = dry_c.iter().copied().fold(f64::INFINITY, f64::min);
    let max = dry_c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // SOURCES.md: −12.4 .. 32.8 °C, mean 9.7 °C (file values have one decimal).
    assert!(
        (min + 12.4).abs() < 1e-9 && (max - 32.8).abs() < 1e-9,
        "{min} {max}"
    );
    eprintln!(
        "Aachen TMYx dry bulb {min} .. {max} °C, mean {:.3} °C",
        mean(&dry_c)
    );
    assert!((mean(&dry_c) - 9.7).abs() < 0.05, "{}", mean(&dry_c));
    assert_eq!(
        weather.filled,
        Default::default(),
        "no missing value in this file"
    );
    wet_bulb_never_above_dry_bulb(&weather);
}

#[test]
fn aachen_2022_epw() {
    let Some(resolver) = data("aachen_2022_epw") else {
        return;
    };
    let weather = Weather::load(
        Path::new("weather/15000_20220101_20230101_Aachen-Orsbach.epw"),
        &resolver,
    )
    .unwrap();
    assert_eq!(weather.location.utc_offset_h, 0.0);
    let dry_c: Vec<f64> = weather.dry_bulb_k.iter().map(|k| k - ZERO_C_K).collect();
    let max = dry_c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!((max - 37.5).abs() < 1e-9, "{max}");
    assert_eq!(dry_c.iter().filter(|&&c| c > 30.0).count(), 45);
    wet_bulb_never_above_dry_bulb(&weather);

    // The hottest hour, 2022-07-19 hour 15 (14:00..15:00 UTC, line 4774): 37.5 °C dry bulb,
    // 5.3 °C dew point, 98 765 Pa. PsychroLib 2.5 (ASHRAE 2017, the same formulation) gives a
    // wet bulb of 18.351 °C; a psychrometric chart at 98.8 kPa reads about 18.3–18.4 °C.
    // Tolerance 0.02 K: the root search and the chart-free reference agree far better; the
    // check is on the wiring (units, pressure, dew point → humidity ratio).
    let k = weather
        .stamps
        .iter()
        .position(|&s| s == (7, 19, 15))
        .unwrap();
    assert_eq!(weather.dry_bulb_k[k], 37.5 + ZERO_C_K);
    eprintln!(
        "Aachen 2022-07-19 h15 wet bulb {:.4} °C",
        weather.wet_bulb_k[k] - ZERO_C_K
    );
    assert!(
        (weather.wet_bulb_k[k] - ZERO_C_K - 18.351).abs() < 0.02,
        "{}",
        weather.wet_bulb_k[k]
    );
    // Independently, Stull's (2011) empirical fit from dry bulb and RH at sea level gives
    // 18.71 °C, within its stated ±1 K (0.3 K typical); 0.5 K allows for the fit and the
    // station's lower pressure.
    let (tc, rh) = (37.5_f64, 13.8_f64);
    let stull = tc * (0.151977 * (rh + 8.313659).sqrt()).atan() + (tc + rh).atan()
        - (rh - 1.676331).atan()
        + 0.00391838 * rh.powf(1.5) * (0.023101 * rh).atan()
        - 4.686035;
    assert!((weather.wet_bulb_k[k] - ZERO_C_K - stull).abs() < 0.5);

    // On a 10-minute grid through that afternoon (UTC file): 15:00Z is the hour-15 reading,
    // 14:30Z halfway between hour 14 (37.1 °C) and hour 15 (37.5 °C).
    let g = grid("2022-07-19T14:30:00Z", 1800.0, 2);
    let dry = weather.dry_bulb_on(&g);
    assert!((dry[0] - ZERO_C_K - 37.3).abs() < 1e-9 && (dry[1] - ZERO_C_K - 37.5).abs() < 1e-9);
    let air = weather.on_grid(&g);
    assert!((air[1].humidity_ratio - weather.humidity_ratio[k]).abs() < 1e-15);
    // A leap scenario year: 29 February 2024 reads 28 February of the file.
    let feb28 = weather.dry_bulb_on(&grid("2022-02-28T06:00:00Z", 3600.0, 1));
    let feb29 = weather.dry_bulb_on(&grid("2024-02-29T06:00:00Z", 3600.0, 1));
    assert_eq!(feb28, feb29);
}

/// Wet bulb ≤ dry bulb for every hour, and on a 60-s grid across a hot day and a cold one.
fn wet_bulb_never_above_dry_bulb(weather: &Weather) {
    for (k, (wb, db)) in weather
        .wet_bulb_k
        .iter()
        .zip(&weather.dry_bulb_k)
        .enumerate()
    {
        assert!(
            wb <= db && wb.is_finite(),
            "hour {k}: wet bulb {wb} > dry bulb {db}"
        );
    }
    for start in ["2022-07-19T00:00:00Z", "2022-01-10T00:00:00Z"] {
        let g = grid(start, 60.0, 1440);
        let wet = weather.wet_bulb_on(&g);
        let dry = weather.dry_bulb_on(&g);
        assert!(wet.iter().zip(&dry).all(|(w, d)| w <= d));
    }
}

#[test]
fn flensburg_heat_demand() {
    let Some(resolver) = data("flensburg_heat_demand") else {
        return;
    };
    let file = "heat-demand/flensburg_district_heating_2014-2016_hourly.csv";
    let spec = TraceSpec::new(
        file,
        "timestamp",
        vec![
            ColumnSpec::new("heat_load_MW", "MW"),
            ColumnSpec::new("air_temp_C", "degC"),
        ],
    );
    let g =
        TimeGrid::between(t("2014-01-01T00:00:00Z"), t("2017-01-01T00:00:00Z"), 3600.0).unwrap();
    let trace = load(&spec, &resolver, &g).unwrap();
    let heat = trace.column("heat_load_MW").unwrap();
    assert_eq!(heat.len(), 26_304);
    // SOURCES.md: mean 130.7 MW (one decimal).
    eprintln!("Flensburg mean heat load {:.4} MW", mean(heat) / 1e6);
    assert!((mean(heat) / 1e6 - 130.7).abs() < 0.05, "{}", mean(heat));

    // Replayed in 2022 (`repeat_year`): 2022's hours read 2014's, value for value, since
    // neither year is a leap year.
    let mut replay = spec.clone();
    replay.repeat_year = true;
    let year =
        TimeGrid::between(t("2022-01-01T00:00:00Z"), t("2023-01-01T00:00:00Z"), 3600.0).unwrap();
    let replayed = load(&replay, &resolver, &year).unwrap();
    let raw = raw_rows(&resolver.resolve(Path::new(file)).unwrap(), ',');
    let mw_2014: Vec<f64> = raw[..8760]
        .iter()
        .map(|r| r[1].parse::<f64>().unwrap() * 1e6)
        .collect();
    assert_eq!(replayed.column("heat_load_MW").unwrap(), &mw_2014[..]);
}

#[test]
fn bavarian_heat_plant_15_min() {
    let Some(resolver) = data("bavarian_heat_plant") else {
        return;
    };
    let file = "heat-demand/bavaria_communal_heat_plant/2022_heat.csv";
    let mut spec = TraceSpec::new(
        file,
        "Timestamp",
        vec![ColumnSpec::new("S1", "kW"), ColumnSpec::new("S3", "degC")],
    );
    spec.delimiter = Some(";".into());
    spec.stamp = Stamp::End;
    spec.gaps = Gaps::Interpolate;
    spec.max_gap_steps = Some(400);
    // The file's first stamp 00:15+01:00 ends the first quarter: data from 2021-12-31T23:00Z
    // to its last stamp 2022-12-08T00:00+01:00.
    let g =
        TimeGrid::between(t("2021-12-31T23:00:00Z"), t("2022-12-07T23:00:00Z"), 3600.0).unwrap();
    let trace = load(&spec, &resolver, &g).unwrap();
    assert_eq!(trace.spacing_s, 900.0);
    let heat = trace.column("S1").unwrap();
    // The first day has no empty cell: each hour is the mean of its four quarters.
    let raw = raw_rows(&resolver.resolve(Path::new(file)).unwrap(), ';');
    for h in 0..24 {
        let quarters: Vec<f64> = raw[4 * h..4 * h + 4]
            .iter()
            .map(|r| r[1].parse().unwrap())
            .collect();
        assert!(
            (heat[h] - mean(&quarters) * 1e3).abs() < 1e-9 * heat[h],
            "hour {h}"
        );
    }
    // Across the switch to summer time (27 March, 02:00+01:00 → 03:00+02:00) the offsets keep
    // the quarters continuous: the hour 01:00..02:00Z is the four stamps 03:15..04:00+02:00.
    let dst = raw
        .iter()
        .position(|r| r[0] == "2022-03-27T03:15:00.000000+02:00")
        .unwrap();
    let quarters: Vec<f64> = raw[dst..dst + 4]
        .iter()
        .map(|r| r[1].parse().unwrap())
        .collect();
    let hour = ((t("2022-03-27T01:00:00Z") - g.start_s) / 3600.0) as usize;
    assert!((heat[hour] - mean(&quarters) * 1e3).abs() < 1e-9 * heat[hour]);
    // Heat power 0 .. 1083 kW (SOURCES.md, all three years); supply about 80 °C.
    assert!(heat.iter().all(|&p| (0.0..=1.083e6).contains(&p)));
    let supply_c = mean(trace.column("S3").unwrap()) - ZERO_C_K;
    assert!((70.0..90.0).contains(&supply_c), "{supply_c}");
    // The longest run of empty cells (383 quarters from line 1198) fails a tighter policy.
    spec.max_gap_steps = Some(100);
    let e = load(&spec, &resolver, &g).unwrap_err().to_string();
    assert!(
        e.contains("2022_heat.csv") && e.contains("column 'S1'"),
        "{e}"
    );
    assert!(
        e.contains("383 missing sample(s) between line 1197") && e.contains("line 1581"),
        "{e}"
    );
}

#[test]
fn biohpc_gpu_server_tsv() {
    let Some(resolver) = data("biohpc_gpu_server") else {
        return;
    };
    let file = "power/biohpc_cbsugpu08_usage_stats.tsv";
    let mut power = ColumnSpec::new("powerave", "W");
    power.scale = Some(8.0);
    let mut spec = TraceSpec::new(
        file,
        "timestamp",
        vec![
            ColumnSpec::new("powerave", "W"),
            ColumnSpec::new("utilave", "%"),
        ],
    );
    // The export ends with a blank line, "(15277 rows affected)", two blank lines and its
    // completion time; its time zone is not stated: read at US Eastern standard time.
    spec.footer_lines = 5;
    spec.utc_offset = Some("-05:00".into());
    spec.order = Order::Descending;
    spec.gaps = Gaps::Interpolate;
    spec.max_gap_steps = Some(13);
    let offset = parse_utc_offset("-05:00").unwrap();
    let start = parse_timestamp("2024-01-20 10:00", offset).unwrap();
    let end = parse_timestamp("2025-10-20 15:00", offset).unwrap();
    let g = TimeGrid::between(start, end, 3600.0).unwrap();
    let trace = load(&spec, &resolver, &g).unwrap();
    let p = trace.column("powerave").unwrap();
    // SOURCES.md: mean 147.8 W over the 15 277 rows. The grid adds 64 interpolated hours (0.4 %
    // of 15 341); even off by the whole 48.6..354.5 W range they move the mean < 1.3 W.
    eprintln!(
        "BioHPC cbsugpu08 mean powerave on the grid {:.3} W",
        mean(p)
    );
    assert!((mean(p) - 147.8).abs() < 1.3 + 0.05, "{}", mean(p));
    // The oldest row (the file's last data line) opens the grid: 87.07 W.
    let raw = raw_rows(&resolver.resolve(Path::new(file)).unwrap(), '\t');
    assert_eq!(p[0], raw[15_276][2].parse::<f64>().unwrap());
    assert!(
        trace
            .column("utilave")
            .unwrap()
            .iter()
            .all(|u| (0.0..=1.0).contains(u))
    );
    // Scaled to a rack of four such servers (8 GPUs).
    spec.columns = vec![power];
    let rack = load(&spec, &resolver, &g).unwrap();
    assert!(
        rack.column("powerave")
            .unwrap()
            .iter()
            .zip(p)
            .all(|(r, s)| (r - 8.0 * s).abs() < 1e-9 * r)
    );
    // SOURCES.md reports "1 duplicate"; the stamps have none (the default `duplicates = fail`
    // accepted the file), but 13 hours are missing in a row at line 5892: a tighter policy fails.
    spec.max_gap_steps = Some(12);
    let e = load(&spec, &resolver, &g).unwrap_err().to_string();
    assert!(
        e.contains("13 missing sample(s)") && e.contains("line 5892"),
        "{e}"
    );
}

#[test]
fn google_workload_hour_index() {
    let Some(resolver) = data("google_workload") else {
        return;
    };
    let file = "workload/GoogleClusteData_CPU_Data_Hourly_1.csv";
    let mut spec = TraceSpec::new(file, "", vec![ColumnSpec::new("cpu_load", "1")]);
    spec.time_format = TimeFormat::Hours;
    spec.origin = Some("2022-01-01 00:00".into());
    spec.utc_offset = Some("+01:00".into());
    let offset = parse_utc_offset("+01:00").unwrap();
    let start = parse_timestamp("2022-01-01", offset).unwrap();
    let g = TimeGrid::new(start, 900.0, 8760 * 4).unwrap();
    let trace = load(&spec, &resolver, &g).unwrap();
    let load_fraction = trace.column("cpu_load").unwrap();
    let raw = raw_rows(&resolver.resolve(Path::new(file)).unwrap(), ',');
    let hourly: Vec<f64> = raw.iter().map(|r| r[1].parse().unwrap()).collect();
    assert_eq!(hourly.len(), 8760);
    // Quarter-hour means of hourly values repeat each hour's value four times (to the last
    // bit or two: the mean is v·900 s / 900 s).
    assert!(
        load_fraction
            .chunks(4)
            .zip(&hourly)
            .all(|(q, h)| q.iter().all(|x| (x - h).abs() <= 1e-15))
    );
    assert!((mean(load_fraction) - mean(&hourly)).abs() < 1e-12);
}

#[test]
fn danish_heat_meter_register() {
    let Some(resolver) = data("danish_heat_meter") else {
        return;
    };
    let file = "heat-demand/denmark_smart_heat_meter_660_2018-2020_hourly.csv";
    let spec = TraceSpec::new(
        file,
        "time_rounded",
        vec![ColumnSpec::new("energy_heat_kwh", "kWh")],
    );
    let g =
        TimeGrid::between(t("2018-01-03T00:00:00Z"), t("2020-12-31T00:00:00Z"), 3600.0).unwrap();
    let trace = load(&spec, &resolver, &g).unwrap();
    let heat_w = trace.column("energy_heat_kwh").unwrap();
    // SOURCES.md: hourly heat 0 .. 9.05 kWh (two decimals: up to 9.055), mean 1.97 kWh →
    // mean power 1.97 kW.
    assert!(heat_w.iter().all(|&w| (0.0..=9.055e3).contains(&w)));
    eprintln!("Danish meter mean heat power {:.2} W", mean(heat_w));
    assert!((mean(heat_w) - 1970.0).abs() < 20.0, "{}", mean(heat_w));
    // The mean power is the register's rise over the grid's span.
    let raw = raw_rows(&resolver.resolve(Path::new(file)).unwrap(), ',');
    let reading = |stamp: &str| -> f64 {
        raw.iter().find(|r| r[2] == stamp).unwrap()[3]
            .parse()
            .unwrap()
    };
    let rise_kwh = reading("2020-12-31T00:00:00Z") - reading("2018-01-03T00:00:00Z");
    let expected = rise_kwh * 3.6e6 / (g.len as f64 * 3600.0);
    assert!((mean(heat_w) - expected).abs() < 1e-9 * expected);
}
