//! The run's observer stream: progress at every reporting step and snapshots of every device,
//! each rack and the KPIs so far, as the desktop app and the CLI read them.

use dctwin_scenario::{
    LatestSnapshot, Observer, Progress, Publisher, RunOptions, RunSnapshot, run,
};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// Two hours of the jupiter module at design load, constant weather: 120 reporting steps.
fn two_hours(name: &str) -> (PathBuf, RunOptions) {
    let dir = std::env::temp_dir().join(format!("dctwin-observer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dctwin_tests::scenarios::jupiter_hours(
        &dir,
        "two-hours.toml",
        2,
        "[output]\ncolumns = [\"it_power_kw\"]\n",
    );
    let options = RunOptions {
        data_dir: None,
        out_dir: dir.join("run"),
        stop: Arc::new(AtomicBool::new(false)),
        sets: Vec::new(),
    };
    (path, options)
}

/// Takes every snapshot, and stops after `stop_after` reporting steps if given.
struct Everything {
    snapshots: Vec<Arc<RunSnapshot>>,
    steps: usize,
    stop_after: Option<usize>,
}

impl Observer for Everything {
    fn progress(&mut self, _: &Progress) -> ControlFlow<()> {
        self.steps += 1;
        match self.stop_after {
            Some(n) if self.steps >= n => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    }

    fn snapshot_interval(&self) -> Option<Duration> {
        Some(Duration::ZERO)
    }

    fn snapshot(&mut self, snapshot: Arc<RunSnapshot>) {
        self.snapshots.push(snapshot);
    }
}

#[test]
fn every_step_shows_every_device_and_rack_and_the_last_holds_the_runs_kpis() {
    let (path, options) = two_hours("all");
    let mut watch = Everything {
        snapshots: Vec::new(),
        steps: 0,
        stop_after: None,
    };
    let (summary, report) = run(&path, &options, &mut watch).unwrap();
    assert_eq!(summary.status, "completed");
    assert_eq!((watch.steps, watch.snapshots.len()), (120, 120));
    for s in &watch.snapshots {
        // Every column the run can report, though the file keeps only one.
        assert!(s.columns.iter().any(|c| c.ends_with(".supply_c")));
        assert!(s.columns.iter().any(|c| c.ends_with(".chip_c")));
        assert_eq!(s.columns.len(), s.values.len());
        assert!(s.values.iter().all(|v| v.is_finite()));
        assert_eq!(s.racks.len(), 150);
        let it_w: f64 = s.racks.iter().map(|r| r.it_power_w).sum();
        let column_kw = s.value("it_power_kw").unwrap();
        assert!(
            (it_w / 1e3 - column_kw).abs() < 1e-6 * column_kw,
            "{it_w} W vs {column_kw} kW"
        );
        for r in &s.racks {
            assert!(r.chip_k >= r.outlet_k && r.outlet_k > 273.15, "{r:?}");
            assert!(
                r.inlet_k > 273.15 && r.inlet_k < r.supply_limit_k + 5.0,
                "{r:?}"
            );
        }
    }
    let last = watch.snapshots.last().unwrap();
    assert_eq!(last.time_s, last.total_s);
    assert_eq!(last.kpis.whole.it_energy_mwh, report.whole.it_energy_mwh);
    assert_eq!(last.kpis.whole.pue, report.whole.pue);
}

#[test]
fn an_observer_stops_the_run_and_gets_the_last_state() {
    let (path, options) = two_hours("stop");
    let mut watch = Everything {
        snapshots: Vec::new(),
        steps: 0,
        stop_after: Some(10),
    };
    let (summary, _) = run(&path, &options, &mut watch).unwrap();
    assert_eq!(summary.status, "stopped");
    assert_eq!(summary.rows, 10);
    assert_eq!(watch.snapshots.last().unwrap().time_s, 600.0);
}

#[test]
fn a_publisher_keeps_only_the_latest_at_its_rate_and_always_the_last() {
    let (path, options) = two_hours("latest");
    let slot = LatestSnapshot::default();
    let reader = slot.clone();
    let mut steps = 0;
    let mut publisher = Publisher::new(slot, 1.0, |_: &Progress| {
        steps += 1;
        ControlFlow::Continue(())
    });
    run(&path, &options, &mut publisher).unwrap();
    assert_eq!(steps, 120);
    let latest = reader.latest().expect("the last step is always published");
    assert_eq!(latest.time_s, 7200.0);
    assert_eq!(latest.racks.len(), 150);
}

/// The schematic names only columns the run reports, and the run directory keeps the one the
/// snapshots carried.
#[test]
fn the_schematic_names_columns_the_run_reports_and_is_kept_with_the_run() {
    let (path, options) = two_hours("schematic");
    let mut watch = Everything {
        snapshots: Vec::new(),
        steps: 0,
        stop_after: None,
    };
    run(&path, &options, &mut watch).unwrap();
    let last = watch.snapshots.last().unwrap();
    let schematic = &last.schematic;
    let mut named: Vec<String> = Vec::new();
    for g in &schematic.groups {
        named.extend(g.supply_column.clone());
        for r in &g.racks {
            named.extend(["it_kw", "outlet_c", "chip_c"].map(|q| r.column(q)));
        }
    }
    for e in schematic.stages.iter().flat_map(|s| &s.edges) {
        named.extend(
            [&e.in_column, &e.out_column, &e.flow_column, &e.heat_column].map(|c| c.clone()),
        );
    }
    assert_eq!(named.len(), 50 + 450 + 4 * 6, "CDU, rack and edge columns");
    for column in &named {
        let value = last.value(column);
        assert!(
            value.is_some_and(f64::is_finite),
            "{column} is named by the schematic but reported as {value:?}"
        );
    }
    let kept = dctwin_scenario::engine::read_schematic(&options.out_dir)
        .unwrap()
        .expect("schematic.json");
    assert_eq!(&kept, schematic.as_ref());
    // The edges are physical after two hours at design load: the CDUs pass the racks' heat
    // to the facility loop (12.4 MW), warming some 280 kg/s from about 34 °C by 10-11 K; the
    // dry coolers take heat out of it, and the heat pumps put it into the campus loop.
    let at = |c: &str| last.value(c).unwrap();
    let liquid_kw = at("it_heat_to_liquid_kw");
    let cdu_kw = at("cdus@facility.heat_kw");
    assert!(
        (cdu_kw - liquid_kw).abs() < 0.02 * liquid_kw,
        "{cdu_kw} vs {liquid_kw} kW"
    );
    let (t_in, t_out) = (at("cdus@facility.in_c"), at("cdus@facility.out_c"));
    let flow = at("cdus@facility.flow_kg_s");
    let c_p = cdu_kw * 1e3 / (flow * (t_out - t_in));
    assert!(
        (4100.0..4250.0).contains(&c_p),
        "ṁ c_p ΔT closes with c_p = {c_p}"
    );
    assert!(at("dry_coolers@facility.heat_kw") < 0.0);
    assert!(at("heat_pumps@campus.heat_kw") > 0.0);
    assert!(at("heat_pumps@facility.heat_kw") < 0.0);
}

/// Each shipped model's schematic, built from its plant alone: racks grouped by the template
/// instance that holds them, stages in the order the heat passes them.
#[test]
fn each_shipped_model_has_its_racks_grouped_and_its_plant_in_order() {
    use dctwin_scenario::schematic::{Schematic, StageKind};
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
    let schematic = |name: &str| {
        let facility = dctwin_model::load(&models.join(name)).unwrap();
        let (plant, _) = dctwin_sim::plant_of(&facility).unwrap();
        Schematic::of(&plant, &facility.name)
    };
    let jupiter = schematic("jupiter.toml");
    assert_eq!(jupiter.groups.len(), 50);
    assert_eq!(jupiter.groups[2].name, "container[3]");
    assert!(jupiter.groups.iter().all(|g| g.racks.len() == 3));
    assert_eq!(
        jupiter.groups[0].supply_column.as_deref(),
        Some("container[1].cdu.supply_c")
    );
    let kinds: Vec<StageKind> = jupiter.stages.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            StageKind::Cdus,
            StageKind::DryCoolers,
            StageKind::HeatPumps,
            StageKind::Boilers,
            StageKind::Consumers
        ]
    );
    let hp = &jupiter.stages[2];
    assert_eq!(
        (hp.from_loop.as_deref(), hp.to_loop.as_deref()),
        (Some("facility"), Some("campus"))
    );
    for name in ["qarnot.toml", "leonardo.toml"] {
        let s = schematic(name);
        assert!(!s.stages.is_empty(), "{name}: {s:?}");
        assert!(!s.loops.is_empty(), "{name}: {s:?}");
        let racks = s.racks().count();
        let in_plant = facility_racks(&models.join(name));
        assert_eq!(racks, in_plant, "{name}");
    }
}

/// The racks a model holds, counted from its links.
fn facility_racks(path: &Path) -> usize {
    let facility = dctwin_model::load(path).unwrap();
    let (plant, _) = dctwin_sim::plant_of(&facility).unwrap();
    dctwin_scenario::drive::Driven::of(&plant).racks.len()
}

/// A CDU lost three minutes before the end: the event is an alarm at its time, its racks' supply
/// goes over their W class and stays there, and the run directory lists the same alarms.
#[test]
fn a_lost_cdu_raises_its_alarm_and_its_racks_supply_alarms() {
    use dctwin_scenario::alarms::AlarmKind;
    let (path, options) = two_hours("alarms");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text = text.replace("[output]", "[[event]]\nat = \"2022-01-01T01:57:00Z\"\naction = \"lose_exchanger\"\ncomponent = \"container[3].cdu\"\n\n[output]");
    std::fs::write(&path, text).unwrap();
    let mut watch = Everything {
        snapshots: Vec::new(),
        steps: 0,
        stop_after: None,
    };
    let (summary, _) = run(&path, &options, &mut watch).unwrap();
    let last = watch.snapshots.last().unwrap();
    let alarms = &last.alarms.alarms;
    let lost = alarms
        .iter()
        .find(|a| a.kind == AlarmKind::CduLost)
        .expect("CDU lost");
    assert_eq!(
        (lost.component.as_str(), lost.start_s),
        ("container[3].cdu", 7020.0)
    );
    let over: Vec<_> = (alarms.iter())
        .filter(|a| a.kind == AlarmKind::SupplyOverClass)
        .collect();
    assert_eq!(over.len(), 3, "{alarms:#?}");
    for a in &over {
        assert!(a.component.starts_with("container[3].rack["), "{a:?}");
        assert!(a.start_s > 7020.0 && a.end_s.is_none(), "{a:?}");
        assert!(a.worst.unwrap() > a.limit.unwrap(), "{a:?}");
    }
    // Before the loss, only the backup boiler, which heats the campus loop from its cold
    // start: the design point holds every other limit.
    let before: Vec<_> = alarms.iter().filter(|a| a.start_s < 7020.0).collect();
    assert_eq!(before.len(), 1, "{before:#?}");
    assert_eq!(
        (before[0].kind, before[0].component.as_str()),
        (AlarmKind::BoilerOn, "campus.boiler")
    );
    let kept = dctwin_scenario::engine::read_alarms(&options.out_dir).unwrap();
    assert_eq!(&kept, last.alarms.as_ref());
    assert_eq!(summary.alarms, kept.alarms.len() as u64);
}
