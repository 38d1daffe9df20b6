//! The scenario engine end to end: a run writes a complete series, KPIs and a summary; a run
//! stopped from outside keeps what it computed; bad scenarios fail with an error that names
//! the file and the key, event or value at fault.

use dctwin_scenario::engine::files;
use dctwin_scenario::{Progress, RunOptions, run};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dctwin-scenarios-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../models")
        .canonicalize()
        .unwrap()
}

/// Write a scenario for `model` over `period` with `extra` TOML.
fn scenario(dir: &Path, model: &str, start: &str, end: &str, extra: &str) -> PathBuf {
    let path = dir.join("scenario.toml");
    let text = format!(
        "model = \"{}\"\nstart = \"{start}\"\nend = \"{end}\"\n{extra}\n",
        models().join(model).display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn options(dir: &Path, data: Option<PathBuf>) -> RunOptions {
    RunOptions {
        data_dir: data,
        out_dir: dir.join("run"),
        stop: Arc::new(AtomicBool::new(false)),
        sets: Vec::new(),
    }
}

#[test]
fn a_run_writes_series_kpis_and_summary() {
    let dir = scratch("run");
    let path = scenario(
        &dir,
        "qarnot.toml",
        "2019-01-01T00:00:00Z",
        "2019-01-03T00:00:00Z",
        "[weather]\ndry_bulb_c = 0.0\n[it]\nconversion_efficiency = 1.0\nroom_air_handling = false\n",
    );
    let (summary, report) = run(&path, &options(&dir, None), &mut |_: &Progress| {}).unwrap();
    assert_eq!(summary.status, "completed");
    assert_eq!(summary.rows, 2 * 24 * 60);
    assert!(
        summary.energy_balance.relative_residual.abs() < 1e-9,
        "{:e}",
        summary.energy_balance.relative_residual
    );
    let table = dctwin_series::read_series(dir.join("run/series.parquet")).unwrap();
    assert_eq!(table.rows(), 2880);
    let it = table.column("it_power_kw").unwrap();
    // Twelve 8 kW heaters at design, every minute.
    assert!(it.iter().all(|p| (p - 96.0).abs() < 1e-9));
    // At design demand (400 kW) the block takes all the heaters' water heat: PUE and ERE are
    // those of the digital-boiler claim, from the physics (pumps, the 5 % to room air).
    let pue = report.whole.pue.unwrap();
    let ere = report.whole.ere.unwrap();
    println!("PUE {pue:.4} ERE {ere:.4}");
    assert!((1.0..1.01).contains(&pue), "PUE {pue}");
    assert!((0.04..0.08).contains(&ere), "ERE {ere}");
    for f in [files::KPIS_JSON, files::KPIS_CSV, files::SUMMARY] {
        assert!(dir.join("run").join(f).exists(), "{f} missing");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("run"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn a_stopped_run_keeps_a_complete_file() {
    let dir = scratch("stop");
    let path = scenario(
        &dir,
        "qarnot.toml",
        "2019-01-01T00:00:00Z",
        "2019-02-01T00:00:00Z",
        "",
    );
    let opts = options(&dir, None);
    let stop = opts.stop.clone();
    let mut reports = 0;
    let (summary, _) = run(&path, &opts, &mut |_: &Progress| {
        reports += 1;
        if reports == 90 {
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    })
    .unwrap();
    assert_eq!(summary.status, "stopped");
    assert_eq!(summary.rows, 90);
    let table = dctwin_series::read_series(dir.join("run/series.parquet")).unwrap();
    assert_eq!(table.rows(), 90);
}

/// The real traces: jupiter's inputs (Google utilisation, Aachen 2022, Flensburg demand)
/// for two days of July.
#[test]
fn jupiter_on_real_traces() {
    let Some(data) = dctwin_tests::shared_data("jupiter_on_real_traces") else {
        return;
    };
    let dir = scratch("jupiter");
    let text = std::fs::read_to_string(models().join("../scenarios/jupiter.toml")).unwrap();
    let text = text
        .replace(
            "\"../models/jupiter.toml\"",
            &format!("\"{}\"", models().join("jupiter.toml").display()),
        )
        .replace(
            "start = \"2022-01-01T00:00:00Z\"",
            "start = \"2022-07-18T00:00:00Z\"",
        )
        .replace(
            "end = \"2023-01-01T00:00:00Z\"",
            "end = \"2022-07-20T00:00:00Z\"",
        );
    let path = dir.join("jupiter.toml");
    std::fs::write(&path, text).unwrap();
    let (summary, report) = run(&path, &options(&dir, Some(data)), &mut |_: &Progress| {}).unwrap();
    println!("{report}");
    assert_eq!(summary.status, "completed");
    assert!(
        summary.energy_balance.relative_residual.abs() < 1e-9,
        "{:e}",
        summary.energy_balance.relative_residual
    );
    let k = &report.whole;
    // Utilisation between 0 and 1 keeps the IT between idle (30 %) and design (13.2 MW).
    let mean_it = k.it_energy_mwh / k.hours * 1e3;
    assert!(
        (0.3 * 13_200.0..13_200.0).contains(&mean_it),
        "{mean_it} kW"
    );
    // July: the dry coolers reject more than the heat pumps reuse, and the pads use water.
    assert!(k.water_m3 > 0.0);
    assert!(k.pue.unwrap() > 1.0 && k.pue.unwrap() < 1.5);
}

/// Each bad scenario fails before running, with the file and what is wrong.
#[test]
fn bad_scenarios_say_what_is_wrong() {
    let dir = scratch("bad");
    let cases: &[(&str, &str, &str)] = &[
        ("unknown key", "colour = \"blue\"", "unknown field `colour`"),
        ("report step", "report_step_s = 90", "report_step_s"),
        (
            "event on an unknown exchanger",
            "[[event]]\nat = \"2019-01-01T06:00:00Z\"\naction = \"lose_exchanger\"\ncomponent = \"cdu7\"",
            "no heat exchanger at all ('cdu7' given)",
        ),
        (
            "unknown action",
            "[[event]]\nat = \"2019-01-01T06:00:00Z\"\naction = \"explode\"\ncomponent = \"pump\"",
            "key 'action': unknown variant `explode`",
        ),
        (
            "event outside the period",
            "[[event]]\nat = \"2020-01-01T06:00:00Z\"\naction = \"trip_pump\"\ncomponent = \"pump\"",
            "outside the scenario's period",
        ),
        (
            "fouling without a factor",
            "[[event]]\nat = \"2019-01-01T06:00:00Z\"\naction = \"foul_dry_cooler\"\ncomponent = \"roof.dry_cooler\"",
            "ua_factor",
        ),
        (
            "override of an instance the model lacks",
            "[overrides]\ninstance_counts = { building = 3 }",
            "no instance of that name",
        ),
        (
            "trace file not found",
            "[it]\nmode = \"system\"\n[it.trace]\nfile = \"nowhere.csv\"\ntime_column = \"t\"\ncolumns = [{ name = \"p\", unit = \"kW\" }]",
            "nowhere.csv",
        ),
        (
            "a trace mode without a trace",
            "[it]\nmode = \"utilisation\"",
            "it.trace",
        ),
        (
            "utilisation above 1",
            "[it]\nmode = \"utilisation\"\n[it.trace]\nfile = \"u.csv\"\ntime_column = \"t\"\ncolumns = [{ name = \"u\", unit = \"1\" }]",
            "line 3, column 'u'",
        ),
        (
            "conversion efficiency",
            "[it]\nconversion_efficiency = 1.3",
            "it.conversion_efficiency",
        ),
    ];
    std::fs::write(
        dir.join("u.csv"),
        "t,u\n2019-01-01T00:00:00Z,0.5\n2019-01-01T12:00:00Z,1.5\n2019-01-02T00:00:00Z,0.5\n2019-01-02T12:00:00Z,0.5\n",
    )
    .unwrap();
    for (what, extra, expected) in cases {
        let path = scenario(
            &dir,
            "qarnot.toml",
            "2019-01-01T00:00:00Z",
            "2019-01-02T00:00:00Z",
            extra,
        );
        let err = run(&path, &options(&dir, None), &mut |_: &Progress| {})
            .err()
            .unwrap_or_else(|| panic!("{what}: the run did not fail"))
            .to_string();
        println!("{what}: {err}");
        assert!(err.contains(expected), "{what}: '{err}' lacks '{expected}'");
        assert!(
            err.contains("scenario.toml") || err.contains(".csv") || err.contains("model"),
            "{what}: no file named in '{err}'"
        );
    }
    // An end before the start.
    let path = scenario(
        &dir,
        "qarnot.toml",
        "2019-01-02T00:00:00Z",
        "2019-01-01T00:00:00Z",
        "",
    );
    let err = run(&path, &options(&dir, None), &mut |_: &Progress| {})
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("end"), "{err}");
}

/// Two columns of a power trace, each the power of six of the twelve heaters: each heater
/// draws its own column's share, and the series shows it.
#[test]
fn per_column_power_drives_each_set_of_racks() {
    let dir = scratch("columns");
    std::fs::write(
        dir.join("p.csv"),
        "t,west,east\n2019-01-01T00:00:00Z,24,48\n2019-01-02T00:00:00Z,24,48\n",
    )
    .unwrap();
    let west: Vec<String> = (1..=6).map(|i| format!("\"heater[{i}]\"")).collect();
    let extra = format!(
        "[weather]\ndry_bulb_c = 0.0\n[output]\nracks = true\n[it]\nmode = \"columns\"\n\
         racks = {{ west = [{}], east = [{}] }}\n[it.trace]\nfile = \"p.csv\"\n\
         time_column = \"t\"\ncolumns = [{{ name = \"west\", unit = \"kW\" }}, \
         {{ name = \"east\", unit = \"kW\" }}]\n",
        west.join(", "),
        (7..=12)
            .map(|i| format!("\"heater[{i}].computer\""))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let path = scenario(
        &dir,
        "qarnot.toml",
        "2019-01-01T00:00:00Z",
        "2019-01-01T12:00:00Z",
        &extra,
    );
    let (summary, _) = run(&path, &options(&dir, None), &mut |_: &Progress| {}).unwrap();
    assert_eq!(summary.status, "completed");
    let table = dctwin_series::read_series(dir.join("run/series.parquet")).unwrap();
    let total = table.column("it_power_kw").unwrap();
    assert!(total.iter().all(|p| (p - 72.0).abs() < 1e-9), "24 + 48 kW");
    for i in 1..=12 {
        let expected = if i <= 6 { 4.0 } else { 8.0 };
        let it = table
            .column(&format!("heater[{i}].computer.it_kw"))
            .unwrap();
        assert!(
            it.iter().all(|p| (p - expected).abs() < 1e-9),
            "heater {i} at {} kW, expected {expected}",
            it[0]
        );
    }
    // Same water flow through each heater, half the power: half the temperature rise over
    // the common supply, so the west heaters leave cooler.
    let outlet = |i: usize| {
        *table
            .column(&format!("heater[{i}].computer.outlet_c"))
            .unwrap()
            .last()
            .unwrap()
    };
    let chip = |i: usize| {
        *table
            .column(&format!("heater[{i}].computer.chip_c"))
            .unwrap()
            .last()
            .unwrap()
    };
    println!(
        "outlets {:.2} / {:.2} °C, chips {:.2} / {:.2} °C",
        outlet(1),
        outlet(12),
        chip(1),
        chip(12)
    );
    assert!(
        outlet(1) < outlet(12) - 1.0,
        "{} vs {}",
        outlet(1),
        outlet(12)
    );
    assert!(chip(1) < chip(12), "{} vs {}", chip(1), chip(12));
}

#[test]
fn per_column_power_names_what_does_not_fit() {
    let dir = scratch("columns-bad");
    std::fs::write(
        dir.join("p.csv"),
        "t,a,b,u\n2019-01-01T00:00:00Z,8,8,0.5\n2019-01-02T00:00:00Z,8,8,0.5\n",
    )
    .unwrap();
    let trace = |columns: &str| {
        format!(
            "[it.trace]\nfile = \"p.csv\"\ntime_column = \"t\"\ncolumns = [{}]\n",
            columns
                .split(',')
                .map(|c| {
                    let unit = if c == "u" { "1" } else { "kW" };
                    format!("{{ name = \"{c}\", unit = \"{unit}\" }}")
                })
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let all: Vec<String> = (2..=12).map(|i| format!("\"heater[{i}]\"")).collect();
    let rest = all.join(", ");
    let cases = [
        (
            "prefixes in another mode",
            format!(
                "[it]\nmode = \"system\"\nracks = {{ a = \"heater[1]\" }}\n{}",
                trace("a")
            ),
            "it.racks",
        ),
        (
            "a prefix for a column the trace lacks",
            format!(
                "[it]\nmode = \"columns\"\nracks = {{ z = \"heater[1]\" }}\n{}",
                trace("a")
            ),
            "it.racks.z",
        ),
        (
            "a column with no rack",
            format!(
                "[it]\nmode = \"columns\"\nracks = {{ a = \"heater[1\" , b = [{rest}] }}\n{}",
                trace("a,b")
            ),
            "drives no rack",
        ),
        (
            "a rack under two columns",
            format!(
                "[it]\nmode = \"columns\"\nracks = {{ a = \"heater[1]\", b = [\"heater[1].computer\", {rest}] }}\n{}",
                trace("a,b")
            ),
            "also under column",
        ),
        (
            "racks left without a column",
            format!(
                "[it]\nmode = \"columns\"\nracks = {{ a = \"heater[1]\" }}\n{}",
                trace("a")
            ),
            "11 rack(s) belong to no column, 'heater[2].computer'",
        ),
        (
            "a column that is not a power",
            format!(
                "[it]\nmode = \"columns\"\nracks = {{ a = \"heater[1]\", u = [{rest}] }}\n{}",
                trace("a,u")
            ),
            "column 'u' is not a power",
        ),
    ];
    for (what, extra, expected) in cases {
        let path = scenario(
            &dir,
            "qarnot.toml",
            "2019-01-01T00:00:00Z",
            "2019-01-01T06:00:00Z",
            &extra,
        );
        let err = run(&path, &options(&dir, None), &mut |_: &Progress| {})
            .err()
            .unwrap_or_else(|| panic!("{what}: the run did not fail"))
            .to_string();
        println!("{what}: {err}");
        assert!(err.contains(expected), "{what}: '{err}' lacks '{expected}'");
        assert!(
            err.contains("scenario.toml"),
            "{what}: no file named in '{err}'"
        );
    }
}

/// Six containers cannot feed heat pumps sized for fifty: the pumps would pull their source
/// loop to freezing. Their freeze protection unloads them instead, the evaporator water
/// settling in the 2 K band above its 4 °C limit, while the boiler covers the campus.
#[test]
fn small_module_heat_pumps_unload_before_freezing_their_source() {
    let dir = scratch("freeze");
    let path = scenario(
        &dir,
        "jupiter.toml",
        "2022-01-10T00:00:00Z",
        "2022-01-11T00:00:00Z",
        "[overrides]\ninstance_counts = { container = 6 }\n[weather]\ndry_bulb_c = 2.0\n",
    );
    let (summary, report) = run(&path, &options(&dir, None), &mut |_: &Progress| {}).unwrap();
    assert_eq!(summary.status, "completed");
    assert!(
        summary.energy_balance.relative_residual.abs() < 1e-9,
        "{:e}",
        summary.energy_balance.relative_residual
    );
    let table = dctwin_series::read_series(dir.join("run/series.parquet")).unwrap();
    let evaporator = table.column("plant.hp.evaporator_c").unwrap();
    let coldest = evaporator.iter().cloned().fold(f64::INFINITY, f64::min);
    let last_hour = &evaporator[evaporator.len() - 60..];
    println!(
        "evaporator water: coldest {coldest:.3} °C, last hour {:.3}..{:.3} °C; boiler {:.1} MWh",
        last_hour.iter().cloned().fold(f64::INFINITY, f64::min),
        last_hour.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
        report.whole.boiler_heat_mwh
    );
    // The limit holds to the integrator's tolerance (a volume lags its inlet by a few mK).
    assert!(coldest > 4.0 - 0.05, "evaporator water at {coldest} °C");
    assert!(
        last_hour.iter().all(|t| (4.0..6.0).contains(t)),
        "the pumps run in their unloading band at the end"
    );
    assert!(report.whole.boiler_heat_mwh > 50.0);
}

/// Values set over the file (`--set`, the app's what-if) change the run as the same values in
/// the file would, are listed in its summary, and a bad one is named as set.
#[test]
fn values_set_over_the_file_act_as_if_written_in_it() {
    let dir = scratch("sets");
    let (start, end) = ("2022-01-01T00:00:00Z", "2022-01-01T02:00:00Z");
    let path = scenario(&dir, "jupiter.toml", start, end, "");
    let runs = |sets: &[&str], out: &str| {
        let options = RunOptions {
            out_dir: dir.join(out),
            sets: sets.iter().map(|s| s.to_string()).collect(),
            ..options(&dir, None)
        };
        run(&path, &options, &mut |_: &Progress| {})
    };
    let (_, whole) = runs(&[], "whole").unwrap();
    let sets = [
        "overrides.it_scale = 0.5",
        "overrides.instance_counts.container=10",
    ];
    let (summary, set) = runs(&sets, "set").unwrap();
    assert_eq!(
        summary.overrides,
        ["instance_counts.container = 10", "it_scale = 0.5"]
    );
    assert_eq!(summary.sets, sets, "run.json keeps the sets as given");
    let in_file = scenario(
        &dir,
        "jupiter.toml",
        start,
        end,
        "[overrides]\nit_scale = 0.5\ninstance_counts = { container = 10 }\n",
    );
    let written = RunOptions {
        out_dir: dir.join("written"),
        ..options(&dir, None)
    };
    let (_, file) = run(&in_file, &written, &mut |_: &Progress| {}).unwrap();
    assert_eq!(set, file, "set or written, the same run");
    // 10 containers at half power: a tenth of 50 at full.
    let ratio = set.whole.it_energy_mwh / whole.whole.it_energy_mwh;
    assert!((ratio - 0.1).abs() < 1e-9, "{ratio}");

    scenario(&dir, "jupiter.toml", start, end, "");
    for (bad, says) in [
        ("overrides.it_scale = -1", "set overrides.it_scale = -1: "),
        (
            "overrides.it_scale.x = 1",
            "invalid type: map, expected f64",
        ),
        ("model.x = 1", "'model' is a value, not a table"),
        ("overrides.no_such = 1", "unknown field `no_such`"),
        ("it_scale", "expected key = value"),
    ] {
        let error = runs(&[bad], "bad").unwrap_err().to_string();
        assert!(error.contains(says), "{bad}: {error}");
        assert!(!dir.join("bad").exists(), "{bad}: nothing written");
    }
    // A weather file named by a set that is not there is named as set.
    let error = runs(&["weather.epw = no-such.epw"], "bad")
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("set weather.epw = no-such.epw: "),
        "{error}"
    );
    // The file's own mistake is named at its line even with sets...
    let path_bad = scenario(&dir, "jupiter.toml", start, end, "colour = 3");
    let options_bad = RunOptions {
        out_dir: dir.join("bad"),
        sets: vec!["overrides.it_scale = 0.5".into()],
        ..options(&dir, None)
    };
    let error = run(&path_bad, &options_bad, &mut |_: &Progress| {})
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("scenario.toml:4: unknown field `colour`"),
        "{error}"
    );
    // ...and a key the file lacks may come from a set.
    let no_end = dir.join("no-end.toml");
    let text = std::fs::read_to_string(&path_bad).unwrap();
    let text: String = (text.lines())
        .filter(|l| !l.starts_with("end") && !l.starts_with("colour"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&no_end, text).unwrap();
    let with_end = RunOptions {
        out_dir: dir.join("with-end"),
        sets: vec![format!("end = \"{end}\"")],
        ..options(&dir, None)
    };
    let (summary, _) = run(&no_end, &with_end, &mut |_: &Progress| {}).unwrap();
    assert_eq!(summary.rows, 120);
}

/// The series' `pue` and `ere` are each step's own: a run of one reporting step has its
/// report's, and over a longer run they move around it.
#[test]
fn each_step_has_its_own_pue_and_ere() {
    let dir = scratch("pue");
    let (start, end) = ("2022-01-01T00:00:00Z", "2022-01-01T02:00:00Z");
    let one = scenario(&dir, "jupiter.toml", start, end, "report_step_s = 7200\n");
    let (_, report) = run(&one, &options(&dir, None), &mut |_: &Progress| {}).unwrap();
    let table =
        dctwin_series::read_columns(dir.join("run/series.parquet"), &["pue", "ere"]).unwrap();
    assert_eq!(table.time_s.len(), 1);
    let (pue, ere) = (table.columns[0][0], table.columns[1][0]);
    // Stored as f32: 7 significant digits.
    assert!(
        (pue / report.whole.pue.unwrap() - 1.0).abs() < 1e-6,
        "{pue} vs {:?}",
        report.whole.pue
    );
    assert!(
        (ere / report.whole.ere.unwrap() - 1.0).abs() < 1e-6,
        "{ere} vs {:?}",
        report.whole.ere
    );
    let minutes = scenario(&dir, "jupiter.toml", start, end, "");
    let (_, report) = run(&minutes, &options(&dir, None), &mut |_: &Progress| {}).unwrap();
    let table = dctwin_series::read_columns(dir.join("run/series.parquet"), &["pue"]).unwrap();
    let pue = &table.columns[0];
    assert_eq!(pue.len(), 120);
    let (lo, hi) = pue
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &p| (l.min(p), h.max(p)));
    let whole = report.whole.pue.unwrap();
    assert!(lo <= whole && whole <= hi && lo > 1.0, "{lo} {whole} {hi}");
}

/// A measured CDU supply set-point for every container (`container[*].cdu`), held hourly:
/// 40 °C in the first hour, 42 °C after (a colder one is beyond what the plant pump can push
/// through 50 CDUs: their valves open fully at 38.5 °C). Each CDU's supply follows within a few
/// minutes (its PI controller's), so in the last half hour of each hour every container's
/// supply is within 0.3 K of that hour's set-point.
#[test]
fn an_input_sets_every_cdus_supply_setpoint() {
    let dir = scratch("cdu-input");
    let csv = "time,setpoint\n2022-01-01T00:00:00Z,40\n2022-01-01T01:00:00Z,42\n\
               2022-01-01T02:00:00Z,42\n2022-01-01T03:00:00Z,42\n";
    std::fs::write(dir.join("setpoint.csv"), csv).unwrap();
    let path = scenario(
        &dir,
        "jupiter.toml",
        "2022-01-01T00:00:00Z",
        "2022-01-01T03:00:00Z",
        "[[input]]\ntarget = \"container[*].cdu.supply_setpoint_c\"\n[input.trace]\n\
         file = \"setpoint.csv\"\ntime_column = \"time\"\n\
         columns = [{ name = \"setpoint\", unit = \"degC\", resample = \"hold\" }]\n",
    );
    run(&path, &options(&dir, None), &mut |_: &Progress| {}).unwrap();
    let table = dctwin_series::read_series(dir.join("run/series.parquet")).unwrap();
    let supplies: Vec<&str> = (table.names.iter())
        .filter(|n| n.ends_with(".cdu.supply_c"))
        .map(String::as_str)
        .collect();
    assert_eq!(supplies.len(), 50, "{supplies:?}");
    for name in supplies {
        let supply = table.column(name).unwrap();
        for (hour, setpoint) in [(0, 40.0), (1, 42.0), (2, 42.0)] {
            for minute in 30..60 {
                let c = supply[60 * hour + minute];
                assert!(
                    (c - setpoint).abs() < 0.3,
                    "{name} at {hour} h {minute}: {c} °C"
                );
            }
        }
    }
}
