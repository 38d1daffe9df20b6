//! Traces that are right: resampling, stamps, offsets, order, duplicates, gaps, Parquet, the
//! scenario TOML form, replaying another year and energy registers. Expected values are worked
//! out by hand in the comments; the tolerance is for f64 rounding of sums of a few terms.

mod common;

use common::{fixture_dir, grid, resolver, t, write};
use dctwin_inputs::{
    ColumnSpec, Duplicates, Gaps, Order, Quantity, Resample, Stamp, TimeFormat, TraceSpec, load,
};
use polars_core::prelude::*;
use polars_io::prelude::*;

/// Relative tolerance for values that are sums or ratios of a handful of decimal numbers.
const EPS: f64 = 1e-12;

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= EPS * y.abs().max(1.0), "{a:?} vs {b:?}");
    }
}

#[test]
fn mean_of_15_min_on_an_hourly_grid() {
    let dir = fixture_dir("mean15");
    let mut body = String::from("time,p\n");
    let kw = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 9.0];
    for (i, p) in kw.iter().enumerate() {
        body += &format!("2022-01-01T{:02}:{:02}:00Z,{p}\n", i / 4, (i % 4) * 15);
    }
    write(&dir, "q.csv", &body);
    let spec = TraceSpec::new("q.csv", "time", vec![ColumnSpec::new("p", "kW")]);
    let trace = load(
        &spec,
        &resolver(&dir),
        &grid("2022-01-01T00:00:00Z", 3600.0, 2),
    )
    .unwrap();
    // (1+2+3+4)/4 = 2.5 kW, (5+6+7+9)/4 = 6.75 kW.
    close(trace.column("p").unwrap(), &[2500.0, 6750.0]);
    assert_eq!(trace.spacing_s, 900.0);
    assert_eq!(trace.columns[0].quantity, Quantity::Power);
}

#[test]
fn mean_of_hourly_on_a_minute_grid() {
    let dir = fixture_dir("mean60s");
    write(
        &dir,
        "h.csv",
        "time,p\n2022-01-01 00:00,10\n2022-01-01 01:00,20\n2022-01-01 02:00,40\n",
    );
    let spec = TraceSpec::new("h.csv", "time", vec![ColumnSpec::new("p", "W")]);
    // Minute steps from 00:58:30: [58:30, 59:30) is all 10 W; [59:30, 60:30) is half 10 W and
    // half 20 W = 15 W; then 20 W; at 01:59:30 half 20, half 40 = 30 W.
    let g = grid("2022-01-01T00:58:30Z", 60.0, 3);
    let trace = load(&spec, &resolver(&dir), &g).unwrap();
    close(trace.column("p").unwrap(), &[10.0, 15.0, 20.0]);
    let g = grid("2022-01-01T01:59:30Z", 60.0, 1);
    close(
        load(&spec, &resolver(&dir), &g)
            .unwrap()
            .column("p")
            .unwrap(),
        &[30.0],
    );
    // Over the full minute grid of the three hours the mean is kept exactly: (10+20+40)/3.
    let g = grid("2022-01-01T00:00:00Z", 60.0, 180);
    let trace = load(&spec, &resolver(&dir), &g).unwrap();
    let values = trace.column("p").unwrap();
    assert!((common::mean(values) - 70.0 / 3.0).abs() < 1e-12);
    assert!(values[..60].iter().all(|&v| v == 10.0));
}

#[test]
fn linear_and_hold() {
    let dir = fixture_dir("linear_hold");
    write(
        &dir,
        "temp.csv",
        "time,supply_c,setpoint_c\n2022-01-01 00:00,10,30\n2022-01-01 01:00,20,40\n",
    );
    let mut spec = TraceSpec::new(
        "temp.csv",
        "time",
        vec![
            ColumnSpec::new("supply_c", "degC"),
            ColumnSpec::new("setpoint_c", "degC"),
        ],
    );
    spec.columns[1].resample = Some(Resample::Hold);
    let g = grid("2022-01-01T00:00:00Z", 900.0, 8);
    let trace = load(&spec, &resolver(&dir), &g).unwrap();
    // Linear between 10 °C at 00:00 and 20 °C at 01:00, at each quarter; after the last
    // stamp (inside its interval) the last value holds.
    let linear: Vec<f64> = [10.0, 12.5, 15.0, 17.5, 20.0, 20.0, 20.0, 20.0]
        .iter()
        .map(|c| c + 273.15)
        .collect();
    close(trace.column("supply_c").unwrap(), &linear);
    let hold: Vec<f64> = [30.0, 30.0, 30.0, 30.0, 40.0, 40.0, 40.0, 40.0]
        .iter()
        .map(|c| c + 273.15)
        .collect();
    close(trace.column("setpoint_c").unwrap(), &hold);
}

#[test]
fn interval_end_stamps_shift_by_one_interval() {
    let dir = fixture_dir("end_stamps");
    // The same 15-min means, once labelled by the interval start, once by its end.
    write(
        &dir,
        "start.csv",
        "time,p\n2022-01-01 00:00,1\n2022-01-01 00:15,2\n2022-01-01 00:30,3\n2022-01-01 00:45,6\n",
    );
    write(
        &dir,
        "end.csv",
        "time,p\n2022-01-01 00:15,1\n2022-01-01 00:30,2\n2022-01-01 00:45,3\n2022-01-01 01:00,6\n",
    );
    let g = grid("2022-01-01T00:00:00Z", 1800.0, 2);
    let start = TraceSpec::new("start.csv", "time", vec![ColumnSpec::new("p", "MW")]);
    let mut end = TraceSpec::new("end.csv", "time", vec![ColumnSpec::new("p", "MW")]);
    end.stamp = Stamp::End;
    let a = load(&start, &resolver(&dir), &g).unwrap();
    let b = load(&end, &resolver(&dir), &g).unwrap();
    // (1+2)/2 = 1.5 MW and (3+6)/2 = 4.5 MW.
    close(a.column("p").unwrap(), &[1.5e6, 4.5e6]);
    assert_eq!(a.column("p"), b.column("p"));
    // Without declaring the end stamps the end file does not start until 00:15.
    end.stamp = Stamp::Start;
    assert!(load(&end, &resolver(&dir), &g).is_err());
}

#[test]
fn fixed_offsets() {
    let dir = fixture_dir("offsets");
    write(
        &dir,
        "local.csv",
        "time,p\n2022-06-01 02:00,5\n2022-06-01 03:00,7\n",
    );
    write(
        &dir,
        "zoned.csv",
        "time,p\n2022-06-01T02:00:00+02:00,5\n2022-06-01T03:00:00+02:00,7\n",
    );
    let g = grid("2022-06-01T00:00:00Z", 3600.0, 2);
    let mut local = TraceSpec::new("local.csv", "time", vec![ColumnSpec::new("p", "kW")]);
    local.utc_offset = Some("+02:00".into());
    let zoned = TraceSpec::new("zoned.csv", "time", vec![ColumnSpec::new("p", "kW")]);
    let a = load(&local, &resolver(&dir), &g).unwrap();
    let b = load(&zoned, &resolver(&dir), &g).unwrap();
    // 02:00+02:00 is 00:00Z.
    close(a.column("p").unwrap(), &[5000.0, 7000.0]);
    assert_eq!(a.column("p"), b.column("p"));
}

#[test]
fn descending_order_when_declared() {
    let dir = fixture_dir("descending");
    write(
        &dir,
        "d.tsv",
        "time\tp\n2022-01-01 02:00\t3\n2022-01-01 01:00\t2\n2022-01-01 00:00\t1\n",
    );
    let mut spec = TraceSpec::new("d.tsv", "time", vec![ColumnSpec::new("p", "W")]);
    assert!(
        load(
            &spec,
            &resolver(&dir),
            &grid("2022-01-01T00:00:00Z", 3600.0, 3)
        )
        .is_err()
    );
    spec.order = Order::Descending;
    let trace = load(
        &spec,
        &resolver(&dir),
        &grid("2022-01-01T00:00:00Z", 3600.0, 3),
    )
    .unwrap();
    close(trace.column("p").unwrap(), &[1.0, 2.0, 3.0]);
}

#[test]
fn duplicates_mean_and_first() {
    let dir = fixture_dir("duplicates");
    write(
        &dir,
        "dup.csv",
        "time,p\n2022-01-01 00:00,1\n2022-01-01 01:00,2\n2022-01-01 01:00,4\n2022-01-01 02:00,5\n",
    );
    let g = grid("2022-01-01T00:00:00Z", 3600.0, 3);
    let mut spec = TraceSpec::new("dup.csv", "time", vec![ColumnSpec::new("p", "W")]);
    spec.duplicates = Duplicates::Mean;
    close(
        load(&spec, &resolver(&dir), &g)
            .unwrap()
            .column("p")
            .unwrap(),
        &[1.0, 3.0, 5.0],
    );
    spec.duplicates = Duplicates::First;
    close(
        load(&spec, &resolver(&dir), &g)
            .unwrap()
            .column("p")
            .unwrap(),
        &[1.0, 2.0, 5.0],
    );
}

#[test]
fn gaps_hold_and_interpolate() {
    let dir = fixture_dir("gaps");
    // 01:00 is empty and 02:00 is absent: two missing samples between 00:00 and 03:00.
    write(
        &dir,
        "g.csv",
        "time,p\n2022-01-01 00:00,10\n2022-01-01 01:00,\n2022-01-01 03:00,40\n",
    );
    let g = grid("2022-01-01T00:00:00Z", 3600.0, 4);
    let mut spec = TraceSpec::new("g.csv", "time", vec![ColumnSpec::new("p", "W")]);
    spec.gaps = Gaps::Hold;
    spec.max_gap_steps = Some(2);
    close(
        load(&spec, &resolver(&dir), &g)
            .unwrap()
            .column("p")
            .unwrap(),
        &[10.0, 10.0, 10.0, 40.0],
    );
    spec.gaps = Gaps::Interpolate;
    close(
        load(&spec, &resolver(&dir), &g)
            .unwrap()
            .column("p")
            .unwrap(),
        &[10.0, 20.0, 30.0, 40.0],
    );
    spec.max_gap_steps = Some(1);
    assert!(load(&spec, &resolver(&dir), &g).is_err());
}

#[test]
fn parquet_round_trip() {
    let dir = fixture_dir("parquet");
    let mut frame = df!(
        "time" => ["2022-01-01T00:00:00Z", "2022-01-01T00:30:00Z", "2022-01-01T01:00:00Z", "2022-01-01T01:30:00Z"],
        "it_power_kw" => [100.0, 300.0, 200.0, 200.0],
        "gpus" => [1i64, 2, 3, 4],
    )
    .unwrap();
    let file = std::fs::File::create(dir.join("it.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
    let mut power = ColumnSpec::new("it_power_kw", "kW");
    power.scale = Some(2.0);
    let spec = TraceSpec::new(
        "it.parquet",
        "time",
        vec![power, ColumnSpec::new("gpus", "1")],
    );
    let trace = load(
        &spec,
        &resolver(&dir),
        &grid("2022-01-01T00:00:00Z", 3600.0, 2),
    );
    // A fraction column of 1..4 is out of 0..1: the integer column is read, and checked.
    assert!(
        trace
            .unwrap_err()
            .to_string()
            .contains("row 2, column 'gpus'")
    );
    let spec = TraceSpec::new("it.parquet", "time", vec![spec.columns[0].clone()]);
    let trace = load(
        &spec,
        &resolver(&dir),
        &grid("2022-01-01T00:00:00Z", 3600.0, 2),
    )
    .unwrap();
    // 2 × (100+300)/2 kW = 400 kW, 2 × (200+200)/2 kW = 400 kW.
    close(trace.column("it_power_kw").unwrap(), &[400e3, 400e3]);
}

#[test]
fn spec_from_scenario_toml() {
    let dir = fixture_dir("toml");
    write(&dir, "w.csv", ",cpu_load\n0,0.5\n1,0.25\n2,1.0\n");
    let spec: TraceSpec = toml::from_str(
        r#"
        file = "w.csv"
        time_column = ""
        time_format = "hours"
        origin = "2022-01-01 00:00"
        utc_offset = "+01:00"
        columns = [{ name = "cpu_load", unit = "1", resample = "hold" }]
        "#,
    )
    .unwrap();
    assert_eq!(spec.time_format, TimeFormat::Hours);
    // Hour 0 is 2022-01-01 00:00+01:00 = 2021-12-31T23:00Z.
    let trace = load(
        &spec,
        &resolver(&dir),
        &grid("2021-12-31T23:00:00Z", 1800.0, 6),
    )
    .unwrap();
    close(
        trace.column("cpu_load").unwrap(),
        &[0.5, 0.5, 0.25, 0.25, 1.0, 1.0],
    );
    let typo = toml::from_str::<TraceSpec>(
        "file = \"a\"\ntime_column = \"t\"\ncolumns = []\ngap = \"hold\"",
    );
    assert!(
        typo.unwrap_err()
            .to_string()
            .contains("unknown field `gap`")
    );
}

#[test]
fn repeat_year_replays_by_calendar() {
    let dir = fixture_dir("repeat");
    // 2014-02-28 and 2014-03-01, hourly, value = day × 100 + hour.
    let mut body = String::from("time,mw\n");
    for (day, date) in [(28, "2014-02-28"), (1, "2014-03-01")] {
        for h in 0..24 {
            body += &format!("{date} {h:02}:00,{}\n", day * 100 + h);
        }
    }
    write(&dir, "y.csv", &body);
    let mut spec = TraceSpec::new("y.csv", "time", vec![ColumnSpec::new("mw", "MW")]);
    spec.repeat_year = true;
    // 2022: 28 Feb 23:00 and 1 Mar 00:00 read 2014's same hours.
    let trace = load(
        &spec,
        &resolver(&dir),
        &grid("2022-02-28T23:00:00Z", 3600.0, 2),
    )
    .unwrap();
    close(trace.column("mw").unwrap(), &[2823e6, 100e6]);
    // 2024 is a leap year: 29 Feb reads 28 Feb of 2014.
    let trace = load(
        &spec,
        &resolver(&dir),
        &grid("2024-02-29T05:00:00Z", 3600.0, 1),
    )
    .unwrap();
    close(trace.column("mw").unwrap(), &[2805e6]);
    // A day the trace does not have is an error giving the mapped span.
    let e = load(
        &spec,
        &resolver(&dir),
        &grid("2022-03-02T00:00:00Z", 3600.0, 1),
    )
    .unwrap_err();
    assert!(e.to_string().contains("needs 2014-03-02T00:00:00Z"), "{e}");
}

#[test]
fn energy_register_becomes_mean_power() {
    let dir = fixture_dir("register");
    // A cumulative meter: +2 kWh in the first hour, +4 kWh in the second, the 02:00 reading
    // missing (interpolated on the register) and +6 kWh over 02:00..04:00.
    write(
        &dir,
        "m.csv",
        "time,energy_heat_kwh\n2022-01-01T00:00:00Z,100\n2022-01-01T01:00:00Z,102\n\
         2022-01-01T02:00:00Z,106\n2022-01-01T03:00:00Z,\n2022-01-01T04:00:00Z,112\n",
    );
    let mut spec = TraceSpec::new(
        "m.csv",
        "time",
        vec![ColumnSpec::new("energy_heat_kwh", "kWh")],
    );
    spec.gaps = Gaps::Interpolate;
    spec.max_gap_steps = Some(1);
    let trace = load(
        &spec,
        &resolver(&dir),
        &grid("2022-01-01T00:00:00Z", 3600.0, 4),
    )
    .unwrap();
    close(
        trace.column("energy_heat_kwh").unwrap(),
        &[2000.0, 4000.0, 3000.0, 3000.0],
    );
    assert_eq!(trace.columns[0].quantity, Quantity::EnergyRegister);
    // The last reading ends the register's span: it covers 00:00..04:00 only.
    assert!(
        load(
            &spec,
            &resolver(&dir),
            &grid("2022-01-01T00:00:00Z", 3600.0, 5)
        )
        .is_err()
    );
    assert_eq!(
        t("2022-01-01T01:00:00Z") - t("2022-01-01T00:00:00Z"),
        3600.0
    );
}
