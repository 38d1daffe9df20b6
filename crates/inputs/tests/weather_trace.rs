//! Weather from a trace: the humidity ratio from relative humidity or dew point at the file's
//! pressure (or the standard atmosphere), a typical year replayed on another year, and bad
//! files failing with the file, the place and the column.

mod common;

use common::{fixture_dir, grid, resolver, t, write};
use dctwin_components::psychrometrics::{Psychrometrics, STANDARD_PRESSURE_PA};
use dctwin_inputs::{ColumnSpec, Humidity, TimeFormat, TraceSpec, TraceWeather};

/// Hourly readings: dry bulb °C, relative humidity %, dew point °C, pressure hPa.
const BODY: &str = "time,dry_c,rh_pct,dew_c,p_hpa\n\
    2022-01-01 00:00,0.0,80,-3.0,1000.0\n\
    2022-01-01 01:00,2.0,70,-2.5,1002.0\n\
    2022-01-01 02:00,4.0,60,5.0,1004.0\n\
    2022-01-01 03:00,6.0,50,-3.5,1006.0\n";

fn spec(file: &str, columns: &[(&str, &str)]) -> TraceSpec {
    let columns = columns.iter().map(|(n, u)| ColumnSpec::new(n, u)).collect();
    TraceSpec::new(file, "time", columns)
}

fn load(test: &str, body: &str, spec: &TraceSpec) -> Result<TraceWeather, String> {
    let dir = fixture_dir(test);
    write(&dir, "w.csv", body);
    let g = grid("2022-01-01T00:00:00Z", 1800.0, 6);
    TraceWeather::load(spec, &resolver(&dir), &g).map_err(|e| e.to_string())
}

#[test]
fn relative_humidity_and_pressure() {
    let s = spec(
        "w.csv",
        &[("dry_c", "degC"), ("rh_pct", "%"), ("p_hpa", "hPa")],
    );
    let w = load("rh", BODY, &s).unwrap();
    assert_eq!(w.humidity, Humidity::Relative);
    // At 00:30 every column is halfway between its readings (weather reads `linear`).
    let psy = Psychrometrics::new(100_100.0).unwrap();
    let expected = psy.humidity_ratio_from_relative_humidity(274.15, 0.75);
    assert!((w.air[1].dry_bulb_k - 274.15).abs() < 1e-12);
    assert!((w.pressure_pa[1] - 100_100.0).abs() < 1e-9);
    assert!((w.air[1].humidity_ratio - expected).abs() < 1e-15);
    // The wet bulb lies between the dew point and the dry bulb.
    let wb = w.wet_bulb_k();
    assert!(wb.iter().zip(&w.air).all(|(b, a)| *b < a.dry_bulb_k));
}

#[test]
fn dew_point_at_standard_pressure_clamped_to_the_dry_bulb() {
    let s = spec("w.csv", &[("dry_c", "degC"), ("dew_c", "degC")]);
    let w = load("dew", BODY, &s).unwrap();
    assert_eq!(w.humidity, Humidity::DewPoint);
    assert!(!w.pressure_given);
    assert!(w.pressure_pa.iter().all(|p| *p == STANDARD_PRESSURE_PA));
    let psy = Psychrometrics::default();
    assert_eq!(
        w.air[0].humidity_ratio,
        psy.humidity_ratio_from_dew_point(270.15)
    );
    // 02:00: a dew point of 5 °C above a 4 °C dry bulb is lowered to it: saturated air.
    assert_eq!(w.dew_point_clamped, 1);
    assert_eq!(
        w.air[4].humidity_ratio,
        psy.saturation_humidity_ratio(277.15)
    );
}

#[test]
fn a_typical_year_replays_on_another_year() {
    // Hours of a typical year from an origin, replayed on 2031: 31 December 2031 23:00 and
    // 23:30 UTC read the file's 31 December, and 1 January 2032 wraps to its 1 January.
    let mut body = String::from("hour,dry_c,rh\n");
    for h in 0..8760 {
        body.push_str(&format!("{h},{},50\n", (h % 100) as f64 / 10.0));
    }
    let dir = fixture_dir("repeat");
    write(&dir, "year.csv", &body);
    let mut s = spec("year.csv", &[("dry_c", "degC"), ("rh", "%")]);
    s.time_column = "hour".into();
    s.time_format = TimeFormat::Hours;
    s.origin = Some("2022-01-01T00:00:00Z".into());
    s.repeat_year = true;
    let g = dctwin_inputs::TimeGrid::new(t("2031-12-31T23:00:00Z"), 1800.0, 4).unwrap();
    let w = TraceWeather::load(&s, &resolver(&dir), &g).unwrap();
    // Hour 8759 (59 → 5.9 °C) holds to the year's end, there being nothing after it to
    // interpolate to; hour 0.5 lies halfway between 0 and 0.1 °C.
    let c: Vec<f64> = w.air.iter().map(|a| a.dry_bulb_k - 273.15).collect();
    let expected = [5.9, 5.9, 0.0, 0.05];
    assert!(
        c.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-9),
        "{c:?}"
    );
}

/// A bad case: what it is, the file's body, the columns listed (name, unit), and the
/// fragments the error must contain.
type BadCase<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);

/// Each bad weather trace fails, naming the file and what is wrong.
#[test]
fn bad_weather_traces_say_what_is_wrong() {
    let cases: &[BadCase] = &[
        (
            "missing column",
            BODY,
            &[("dry_c", "degC"), ("humidity", "%")],
            &["w.csv", "'humidity'", "rh_pct"],
        ),
        (
            "relative humidity above 100 %",
            "time,dry_c,rh\n2022-01-01 00:00,1,80\n2022-01-01 01:00,1,104\n2022-01-01 02:00,1,80\n2022-01-01 03:00,1,80\n",
            &[("dry_c", "degC"), ("rh", "%")],
            &["w.csv", "line 3", "column 'rh'", "0..100 %"],
        ),
        (
            "relative humidity in percent declared as a fraction",
            "time,dry_c,rh\n2022-01-01 00:00,1,80\n2022-01-01 01:00,1,80\n2022-01-01 02:00,1,80\n2022-01-01 03:00,1,80\n",
            &[("dry_c", "degC"), ("rh", "1")],
            &["w.csv", "line 2", "column 'rh'", "0..1"],
        ),
        (
            "humidity first",
            BODY,
            &[("rh_pct", "%"), ("dry_c", "degC")],
            &["w.csv", "'rh_pct' has unit '%'", "dry bulb"],
        ),
        (
            "a power where the humidity goes",
            BODY,
            &[("dry_c", "degC"), ("rh_pct", "kW")],
            &["w.csv", "'rh_pct' has unit 'kW'", "relative humidity"],
        ),
        (
            "hectopascals declared as pascals",
            BODY,
            &[("dry_c", "degC"), ("rh_pct", "%"), ("p_hpa", "Pa")],
            &[
                "w.csv",
                "column 'p_hpa'",
                "2022-01-01T00:00:00Z",
                "1000 Pa",
                "50..120 kPa",
            ],
        ),
        (
            "one column",
            BODY,
            &[("dry_c", "degC")],
            &["w.csv", "1 columns are listed"],
        ),
        (
            "a dry bulb in kelvin declared as °C",
            "time,dry_c,rh\n2022-01-01 00:00,280,80\n2022-01-01 01:00,281,80\n2022-01-01 02:00,282,80\n2022-01-01 03:00,283,80\n",
            &[("dry_c", "degC"), ("rh", "%")],
            &["w.csv", "column 'dry_c'", "outside −70..70 °C"],
        ),
    ];
    for (k, (what, body, columns, fragments)) in cases.iter().enumerate() {
        let err = load(&format!("bad{k}"), body, &spec("w.csv", columns))
            .err()
            .unwrap_or_else(|| panic!("{what}: no error"));
        println!("{what}: {err}");
        for f in *fragments {
            assert!(err.contains(f), "{what}: '{err}' lacks '{f}'");
        }
    }
}
