//! The real app struct, driven by egui_kittest frame by frame: a finished run opens from its files and shows
//! the CLI's KPIs; a bad directory shows which file is missing; playback moves the cursor.

use dctwin_gui::{App, Command};
use dctwin_scenario::{Progress, RunOptions, run};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// A run directory of six hours of the jupiter module at design load, and its KPI report.
fn a_run(name: &str) -> (PathBuf, dctwin_kpi::KpiReport) {
    let dir = std::env::temp_dir().join(format!("dctwin-gui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/jupiter.toml");
    let path = dir.join("six-hours.toml");
    std::fs::write(
        &path,
        format!(
            "model = \"{}\"\nstart = \"2022-01-01T00:00:00Z\"\nend = \"2022-01-01T06:00:00Z\"\n",
            model.canonicalize().unwrap().display()
        ),
    )
    .unwrap();
    let options = RunOptions {
        data_dir: None,
        out_dir: dir.join("run"),
        stop: Arc::new(AtomicBool::new(false)),
    };
    let (_, report) = run(&path, &options, &mut |_: &Progress| {}).unwrap();
    (dir.join("run"), report)
}

/// The app in a harness, driven through the same two calls eframe makes each frame (without
/// eframe's window stack, which would need a display server's libraries to build).
fn harness(dir: Option<PathBuf>) -> Harness<'static, App> {
    Harness::builder()
        .with_size([1200.0, 800.0])
        .build_ui_state(
            |ui, app: &mut App| {
                app.logic_step(ui.ctx());
                app.draw(ui);
            },
            App::new(dir),
        )
}

#[test]
fn a_run_directory_opens_with_the_clis_kpis_and_its_series() {
    let (dir, report) = a_run("open");
    let mut h = harness(Some(dir));
    h.run_steps(3);
    let app = h.state();
    assert!(app.state.error.is_none(), "{:?}", app.state.error);
    let run = app.state.run.as_ref().expect("the run is open");
    assert_eq!(run.time_s.len(), 360, "six hours of minutes");
    assert_eq!(run.time_s.last().copied(), Some(6.0 * 3600.0));
    // The tiles show the numbers of the run's own kpis.json, as the CLI prints them.
    let pue = format!("{:.3}", report.whole.pue.unwrap());
    h.get_by_label(&pue);
    h.get_by_label("PUE");
    h.get_by_label_contains("six-hours (model jupiter): completed");
    assert_eq!(
        h.state().state.plotted.as_deref(),
        Some("max_rack_supply_c"),
        "the supply limit's quantity is plotted first"
    );
}

#[test]
fn a_directory_without_a_run_names_the_missing_file() {
    let dir = std::env::temp_dir().join(format!("dctwin-gui-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut h = harness(Some(dir.clone()));
    h.run_steps(2);
    let error = h.state().state.error.clone().expect("an error");
    assert!(error.contains("run.json"), "{error}");
    h.get_by_label_contains("run.json");
}

#[test]
fn play_moves_the_cursor_and_pause_holds_it() {
    let (dir, _) = a_run("play");
    let mut h = harness(Some(dir));
    h.run_steps(2);
    let send = h.state().sender();
    send.send(Command::Play).unwrap();
    // `step`, not `run`: a playing app keeps asking for repaints.
    h.run_steps(5);
    let t = h.state().state.time.as_ref().unwrap().time_s();
    assert!(t > 0.0, "the cursor moved: {t}");
    send.send(Command::Pause).unwrap();
    h.step();
    let held = h.state().state.time.as_ref().unwrap().time_s();
    h.run_steps(3);
    assert_eq!(h.state().state.time.as_ref().unwrap().time_s(), held);
    send.send(Command::Seek(3600.0)).unwrap();
    h.step();
    assert_eq!(h.state().state.time.as_ref().unwrap().time_s(), 3600.0);
}
