//! The real app struct, driven by egui_kittest frame by frame through the two calls eframe makes
//! (without eframe's window stack, which would need a display server's libraries to build):
//! a scenario runs live to the end and shows the CLI's KPIs; a stopped run keeps what it
//! computed; a broken scenario shows its file, line and key; a finished run opens from its
//! files; a rack clicked in the schematic is plotted; playback moves the cursor.

use dctwin_gui::{App, Command, State};
use dctwin_scenario::{Progress, RunOptions, run};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dctwin-gui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A scenario of `hours` of the jupiter module at design load in `dir`, with `extra` lines.
fn scenario(dir: &Path, hours: u32, extra: &str) -> PathBuf {
    dctwin_tests::scenarios::jupiter_hours(dir, "short.toml", hours, extra)
}

/// Runs `scenario` as the CLI does, into `out`; returns its KPI report.
fn run_as_the_cli(scenario: &Path, out: &Path) -> dctwin_kpi::KpiReport {
    let options = RunOptions {
        data_dir: None,
        out_dir: out.to_path_buf(),
        stop: Arc::new(AtomicBool::new(false)),
        sets: Vec::new(),
    };
    run(scenario, &options, &mut |_: &Progress| {}).unwrap().1
}

/// The app in a harness, writing the runs it starts under `runs`, opening `open` first.
fn harness(runs: &Path, open: Option<PathBuf>) -> Harness<'static, App> {
    Harness::builder()
        .with_size([1280.0, 900.0])
        .build_ui_state(
            |ui, app: &mut App| {
                app.logic_step(ui.ctx());
                app.draw(ui);
            },
            App::with_state(State::new(runs.to_path_buf(), None), open),
        )
}

/// Steps frames until `done` holds, a minute at most. `step`, not `run`: a running or playing
/// app keeps asking for frames.
fn step_until(h: &mut Harness<'static, App>, what: &str, done: impl Fn(&App) -> bool) {
    let started = Instant::now();
    while !done(h.state()) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{what}: not after a minute; error {:?}",
            h.state().state.error
        );
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    h.step();
}

/// Steps a frame (for the commands sent to be taken), then frames until no run goes and no
/// run or column is being read.
fn settle(h: &mut Harness<'static, App>) {
    h.step();
    step_until(h, "the app settles", |app| {
        !app.state.is_running() && !app.state.is_loading() && !app.state.is_reading_columns()
    });
}

#[test]
fn a_scenario_runs_live_to_its_end_and_shows_the_clis_kpis() {
    let dir = scratch("live");
    let path = scenario(&dir, 6, "");
    let cli = run_as_the_cli(&path, &dir.join("cli"));
    let mut h = harness(&dir.join("runs"), Some(path));
    h.step();
    assert!(h.state().state.is_running(), "{:?}", h.state().state.error);
    step_until(&mut h, "the run ends", |app| app.state.run.is_some());
    settle(&mut h);
    let app = h.state();
    assert!(app.state.error.is_none(), "{:?}", app.state.error);
    let run = app.state.run.as_ref().unwrap();
    assert_eq!(run.dir, dir.join("runs/short"));
    assert_eq!(run.summary.status, "completed");
    assert!(
        !app.state.history.time_s.is_empty(),
        "snapshots came while it ran"
    );
    for (name, decimals, value) in [
        ("PUE", 3, cli.whole.pue.unwrap()),
        ("ERE", 3, cli.whole.ere.unwrap()),
        ("Heat reused MWh", 1, cli.whole.reused_heat_mwh),
    ] {
        h.get_by_label(name);
        h.get_by_label(&format!("{value:.decimals$}"));
    }
    assert_eq!(
        run.kpis, cli,
        "the app's run and the CLI's are the same run"
    );
    h.get_by_label_contains("short (model jupiter): completed");
}

#[test]
fn a_stopped_run_keeps_what_it_computed() {
    let dir = scratch("stop");
    let path = scenario(&dir, 24 * 20, "");
    let mut h = harness(&dir.join("runs"), Some(path));
    step_until(&mut h, "a snapshot comes", |app| {
        app.state.snapshot.is_some()
    });
    h.get_by_label("Stop").click();
    settle(&mut h);
    let run = h
        .state()
        .state
        .run
        .as_ref()
        .expect("the stopped run is open");
    assert_eq!(run.summary.status, "stopped");
    assert!(run.summary.simulated_s < 20.0 * 86_400.0);
    assert_eq!(run.time_s.len(), run.summary.rows);
}

#[test]
fn a_broken_scenario_shows_its_file_line_and_key() {
    let dir = scratch("broken");
    let path = scenario(&dir, 6, "report_step_s = -5\n");
    let mut h = harness(&dir.join("runs"), Some(path.clone()));
    step_until(&mut h, "the run is refused", |app| !app.state.is_running());
    let error = h.state().state.error.clone().expect("an error");
    let at = format!("{}:4: key 'report_step_s'", path.display());
    assert!(error.contains(&at), "{error}");
    h.get_by_label_contains(&at);
    assert!(!dir.join("runs/short").exists(), "nothing was written");
}

#[test]
fn a_run_directory_opens_with_its_kpis_and_its_series() {
    let dir = scratch("open");
    let path = scenario(&dir, 6, "");
    let report = run_as_the_cli(&path, &dir.join("run"));
    let mut h = harness(&dir.join("runs"), Some(dir.join("run")));
    settle(&mut h);
    let app = h.state();
    assert!(app.state.error.is_none(), "{:?}", app.state.error);
    let run = app.state.run.as_ref().expect("the run is open");
    assert_eq!(run.time_s.len(), 360, "six hours of minutes");
    assert_eq!(run.time_s.last().copied(), Some(6.0 * 3600.0));
    let pue = format!("{:.3}", report.whole.pue.unwrap());
    h.get_by_label(&pue);
    h.get_by_label_contains("short (model jupiter): completed");
    assert_eq!(
        h.state().state.plotted.as_deref(),
        Some("cdus@facility.flow_kg_s"),
        "a flow is plotted first, below the temperatures, powers and ratios"
    );
    // Every rack of the schematic is a cell of the grid.
    h.get_by_label("container[50].rack[3].cold_plates");
}

#[test]
fn a_directory_without_a_run_names_the_missing_file() {
    let dir = scratch("empty");
    let mut h = harness(&dir.join("runs"), Some(dir.clone()));
    settle(&mut h);
    let error = h.state().state.error.clone().expect("an error");
    assert!(error.contains("run.json"), "{error}");
    h.get_by_label_contains("run.json");
}

#[test]
fn a_rack_clicked_in_the_schematic_is_plotted() {
    let dir = scratch("rack");
    let path = scenario(&dir, 2, "[output]\nracks = true\n");
    run_as_the_cli(&path, &dir.join("run"));
    let mut h = harness(&dir.join("runs"), Some(dir.join("run")));
    settle(&mut h);
    h.get_by_label("chip °C").click();
    h.run_steps(2);
    // Through accesskit: the cell sits in a panned and zoomed scene, whose transform the
    // harness's pointer does not know.
    h.get_by_label("container[7].rack[2].cold_plates")
        .click_accesskit();
    h.step();
    settle(&mut h);
    let column = "container[7].rack[2].cold_plates.chip_c";
    let app = h.state();
    assert_eq!(app.state.plotted.as_deref(), Some(column));
    assert_eq!(
        app.state.selected_rack.as_deref(),
        Some("container[7].rack[2].cold_plates")
    );
    let run = app.state.run.as_ref().unwrap();
    let chip = run.column(column).expect("its column was read");
    assert_eq!(chip.len(), 120);
    assert!(chip.iter().all(|c| (30.0..90.0).contains(c)), "{chip:?}");
    // The plot's legend and the chooser name it.
    assert!(h.query_all_by_label(column).count() >= 1);
}

#[test]
fn play_moves_the_cursor_and_pause_holds_it() {
    let dir = scratch("play");
    let path = scenario(&dir, 6, "");
    run_as_the_cli(&path, &dir.join("run"));
    let mut h = harness(&dir.join("runs"), Some(dir.join("run")));
    settle(&mut h);
    let send = h.state().sender();
    send.send(Command::Play).unwrap();
    h.run_steps(5);
    let t = h.state().time().unwrap().time_s();
    assert!(t > 0.0, "the cursor moved: {t}");
    send.send(Command::Pause).unwrap();
    h.step();
    let held = h.state().time().unwrap().time_s();
    h.run_steps(3);
    assert_eq!(h.state().time().unwrap().time_s(), held);
    send.send(Command::Seek(3600.0)).unwrap();
    h.step();
    assert_eq!(h.state().time().unwrap().time_s(), 3600.0);
}

#[test]
fn an_alarm_clicked_moves_the_cursor_to_it_and_selects_its_rack() {
    let dir = scratch("alarms");
    let event = "[[event]]\nat = \"2022-01-01T01:57:00Z\"\naction = \"lose_exchanger\"\ncomponent = \"container[3].cdu\"\n";
    let path = scenario(&dir, 2, event);
    run_as_the_cli(&path, &dir.join("run"));
    let mut h = harness(&dir.join("runs"), Some(dir.join("run")));
    settle(&mut h);
    h.get_by_label_contains("d 1 01:57  CDU lost: container[3].cdu");
    h.get_by_label_contains("d 1 01:58  supply over its W class: container[3].rack[2].cold_plates")
        .click();
    h.run_steps(2);
    let app = h.state();
    assert_eq!(app.time().unwrap().time_s(), 7080.0);
    assert_eq!(
        app.state.selected_rack.as_deref(),
        Some("container[3].rack[2].cold_plates")
    );
    assert_eq!(
        app.state.plotted.as_deref(),
        Some("container[3].cdu.supply_c"),
        "a supply alarm plots the supply the rack gets"
    );
}

#[test]
fn a_what_if_with_fewer_containers_runs_and_is_compared_with_the_first_run() {
    let dir = scratch("what-if");
    let path = scenario(&dir, 6, "");
    let first = run_as_the_cli(&path, &dir.join("run"));
    let mut h = harness(&dir.join("runs"), Some(dir.join("run")));
    settle(&mut h);
    h.get_by_label("What if").click();
    h.run_steps(2);
    let count = h.get_by_label("container count");
    count.click();
    h.run_steps(1);
    h.get_by_label("container count").type_text("10");
    h.run_steps(1);
    h.get_by_label("Run what-if").click();
    // A frame for the click to send the command, a frame for the app to take it.
    h.run_steps(2);
    assert!(h.state().state.is_running(), "{:?}", h.state().state.error);
    step_until(&mut h, "the what-if ends", |app| app.state.other.is_some());
    settle(&mut h);
    let app = h.state();
    assert!(app.state.error.is_none(), "{:?}", app.state.error);
    let other = app.state.other.as_ref().unwrap();
    assert_eq!(other.dir, dir.join("runs/short-what-if"));
    assert_eq!(other.summary.overrides, ["instance_counts.container = 10"]);
    let ratio = other.kpis.whole.it_energy_mwh / first.whole.it_energy_mwh;
    assert!((ratio - 0.2).abs() < 1e-9, "10 of 50 containers: {ratio}");
    assert_eq!(
        app.state.run.as_ref().unwrap().kpis,
        first,
        "the first run stays shown"
    );
    // Both rows of tiles and their difference.
    h.get_by_label("short (instance_counts.container = 10)");
    h.get_by_label("difference");
    let pue = |r: &dctwin_kpi::KpiReport| r.whole.pue.unwrap();
    h.get_by_label(&format!("{:+.3}", pue(&other.kpis) - pue(&first)));
    h.get_by_label("Close compare").click();
    h.run_steps(2);
    assert!(h.state().state.other.is_none());
}

#[test]
fn the_kpis_of_two_runs_export_as_csv_and_opened_runs_are_remembered() {
    let dir = scratch("export");
    let path = scenario(&dir, 2, "");
    let a = run_as_the_cli(&path, &dir.join("a"));
    let b = {
        let options = RunOptions {
            data_dir: None,
            out_dir: dir.join("b"),
            stop: Arc::new(AtomicBool::new(false)),
            sets: vec!["overrides.it_scale = 0.5".into()],
        };
        run(&path, &options, &mut |_: &Progress| {}).unwrap().1
    };
    let mut state = State::new(dir.join("runs"), None);
    state.recent_file = Some(dir.join("config/recent"));
    let mut h = Harness::builder()
        .with_size([1280.0, 900.0])
        .build_ui_state(
            |ui, app: &mut App| {
                app.logic_step(ui.ctx());
                app.draw(ui);
            },
            App::with_state(state, Some(dir.join("a"))),
        );
    settle(&mut h);
    h.state()
        .sender()
        .send(Command::Compare(dir.join("b")))
        .unwrap();
    settle(&mut h);
    h.get_by_label("Export").click();
    h.run_steps(2);
    h.get_by_label("KPIs as CSV").click();
    h.run_steps(2);
    let file = dir.join("a-export/kpis.csv");
    assert_eq!(
        h.state().state.notice.as_deref(),
        Some(format!("wrote {}", file.display()).as_str())
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("kpi,\"short\",\"short (it_scale = 0.5)\",difference")
    );
    let it = lines.find(|l| l.starts_with("it_energy_mwh,")).unwrap();
    let fields: Vec<f64> = it.split(',').skip(1).map(|f| f.parse().unwrap()).collect();
    assert_eq!(fields[0], a.whole.it_energy_mwh);
    assert_eq!(fields[1], b.whole.it_energy_mwh);
    assert_eq!(fields[2], b.whole.it_energy_mwh - a.whole.it_energy_mwh);
    // The run opened is remembered, in the file a next start reads.
    let kept = dctwin_gui::recent::load(&dir.join("config/recent"));
    assert_eq!(kept, [dir.join("a").canonicalize().unwrap()]);
}

#[test]
fn exports_asked_for_before_a_run_is_read_wait_for_it_and_the_last_run_opened_is_shown() {
    let dir = scratch("order");
    let path = scenario(&dir, 2, "");
    let a = run_as_the_cli(&path, &dir.join("a"));
    let long = scenario(&dir, 24, "");
    run_as_the_cli(&long, &dir.join("day"));
    let mut h = harness(&dir.join("runs"), None);
    let send = h.state().sender();
    // A day asked for first, two hours last: the two hours are shown, whichever is read first.
    send.send(Command::Open(dir.join("day"))).unwrap();
    send.send(Command::Open(dir.join("a"))).unwrap();
    send.send(Command::ExportKpis(dir.join("out/kpis.csv")))
        .unwrap();
    settle(&mut h);
    let app = h.state();
    assert_eq!(app.state.run.as_ref().unwrap().dir, dir.join("a"));
    assert!(app.state.error.is_none(), "{:?}", app.state.error);
    let text = std::fs::read_to_string(dir.join("out/kpis.csv")).expect("the export waited");
    let it = text
        .lines()
        .find(|l| l.starts_with("it_energy_mwh,"))
        .unwrap();
    assert_eq!(it, format!("it_energy_mwh,{}", a.whole.it_energy_mwh));
}

#[test]
fn closing_the_app_while_a_run_goes_leaves_it_whole_and_stopped() {
    let dir = scratch("close");
    let path = scenario(&dir, 24 * 20, "");
    let mut h = harness(&dir.join("runs"), Some(path));
    step_until(&mut h, "a snapshot comes", |app| {
        app.state.snapshot.is_some()
    });
    drop(h);
    let run = dir.join("runs/short");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap();
    assert_eq!(summary["status"], "stopped");
    let litter: Vec<_> = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(litter, ["short"], "no partial directory left");
}

#[test]
fn an_export_without_a_run_says_so() {
    let dir = scratch("no-export");
    let mut h = harness(&dir.join("runs"), Some(dir.join("missing")));
    h.state()
        .sender()
        .send(Command::ExportKpis(dir.join("out/kpis.csv")))
        .unwrap();
    settle(&mut h);
    let error = h.state().state.error.clone().expect("an error");
    assert!(
        error.contains("run.json"),
        "why the run did not open: {error}"
    );
    assert!(error.contains("no run is open to export"), "{error}");
    assert!(h.state().state.pending_images.is_empty());
    assert!(!dir.join("out").exists());
}

/// A model without racks (the ULg test pipe, its inlet held at 60 °C and 0.5 kg/s for two
/// minutes) shows the values it recorded as tiles, not an empty loop: its outlet sensor and
/// node, with values at the cursor. A tile clicked is plotted, and the temperature plot
/// carries the recorded temperatures.
#[test]
fn a_model_without_racks_shows_what_it_recorded() {
    let dir = scratch("rackless");
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/ulg-pipe.toml");
    let path = dir.join("pipe.toml");
    std::fs::write(
        &path,
        format!(
            "model = {model:?}\nstart = \"2015-12-02T00:00:00Z\"\nend = \"2015-12-02T00:02:00Z\"\n\
             control_step_s = 1\nreport_step_s = 1\n[overrides]\ninitial_temperature_c = 18.2\n\
             [weather]\ndry_bulb_c = 18.0\n\
             [[input]]\ntarget = \"inlet.flow_kg_s\"\nvalue = 0.5\n\
             [[input]]\ntarget = \"inlet.temperature_c\"\nvalue = 60.0\n\
             [output]\nvariables = [\"sensor:*\", \"node:pipe.out.temperature_c\"]\n"
        ),
    )
    .unwrap();
    run_as_the_cli(&path, &dir.join("run"));
    let mut h = harness(&dir.join("runs"), Some(dir.join("run")));
    settle(&mut h);
    assert!(h.query_by_label("Racks coloured by").is_none());
    let sensor = "sensor:outlet.sensor.temperature_c";
    // Its tile, and its line in the temperature plot's legend.
    assert_eq!(h.query_all_by_label(sensor).count(), 2);
    // The tile, not the plot's legend entry of the same name.
    h.get_by_role_and_label(eframe::egui::Role::Button, sensor)
        .click_accesskit();
    h.step();
    settle(&mut h);
    let app = h.state();
    assert_eq!(app.state.plotted.as_deref(), Some(sensor));
    let run = app.state.run.as_ref().unwrap();
    let outlet = run.column(sensor).expect("its column was read");
    // The outlet warms from 18.2 °C toward the 60 °C arriving: the tile shows a value
    // from the run, not a placeholder.
    assert!(
        outlet.iter().all(|t| (18.0..60.5).contains(t)),
        "{outlet:?}"
    );
    assert!(h.query_all_by_label("node:pipe.out.temperature_c").count() >= 1);
}
