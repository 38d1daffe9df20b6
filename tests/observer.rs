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
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/jupiter.toml");
    let path = dir.join("two-hours.toml");
    std::fs::write(
        &path,
        format!(
            "model = \"{}\"\nstart = \"2022-01-01T00:00:00Z\"\nend = \"2022-01-01T02:00:00Z\"\n\
             [output]\ncolumns = [\"it_power_kw\"]\n",
            model.canonicalize().unwrap().display()
        ),
    )
    .unwrap();
    let options = RunOptions {
        data_dir: None,
        out_dir: dir.join("run"),
        stop: Arc::new(AtomicBool::new(false)),
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
