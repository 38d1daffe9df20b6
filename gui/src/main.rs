//! `dctwin-gui [RUN_DIR | SCENARIO.toml] [--compare RUN_DIR] [--export DIR]`: the desktop app,
//! with a finished run open or a scenario running if one is given, another run compared with
//! it, the cursor at a day of the run, and its plots, schematic and KPIs exported into DIR once
//! drawn. Scenarios
//! run into `runs/<name>` of the current directory and find their traces and weather as the CLI
//! does (beside the scenario, then `$DCTWIN_DATA`).

use dctwin_gui::state::Part;
use dctwin_gui::{App, Command, State};
use std::path::PathBuf;
use std::process::ExitCode;

/// The OpenGL renderer's name when it rasterises on the CPU (llvmpipe, softpipe, swrast).
fn software_renderer(cc: &eframe::CreationContext<'_>) -> Option<String> {
    use eframe::glow::HasContext;
    let gl = cc.gl.as_ref()?;
    // SAFETY: a query of a string constant on the context eframe created and made current for
    // this callback; no state is changed.
    let renderer = unsafe { gl.get_parameter_string(eframe::glow::RENDERER) };
    let software = ["llvmpipe", "softpipe", "swrast"]
        .iter()
        .any(|s| renderer.to_lowercase().contains(s));
    software.then_some(renderer)
}

/// What the command line asks for.
#[derive(Default)]
struct Arguments {
    open: Option<PathBuf>,
    compare: Option<PathBuf>,
    export: Option<PathBuf>,
    measure: Option<PathBuf>,
    at_day: Option<f64>,
    play: bool,
}

/// The command line.
fn arguments() -> Result<Arguments, String> {
    let mut parsed = Arguments::default();
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--compare") => {
                let dir = args.next().ok_or("--compare needs a run directory")?;
                parsed.compare = Some(PathBuf::from(dir));
            }
            Some("--measure") => {
                let file = args.next().ok_or("--measure needs a file")?;
                parsed.measure = Some(PathBuf::from(file));
            }
            Some("--play") => parsed.play = true,
            Some("--at") => {
                let day = args.next().ok_or("--at needs a day of the run")?;
                let day = day.to_str().and_then(|d| d.parse::<f64>().ok());
                let day = day.filter(|d| d.is_finite() && *d >= 0.0);
                parsed.at_day = Some(day.ok_or("--at takes a day of the run, a number ≥ 0")?);
            }
            Some("--export") => {
                let dir = args.next().ok_or("--export needs a directory")?;
                parsed.export = Some(PathBuf::from(dir));
            }
            Some("-h" | "--help") => return Err(USAGE.into()),
            Some(flag) if flag.starts_with('-') => {
                return Err(format!("unknown option {flag}\n{USAGE}"));
            }
            _ if parsed.open.is_none() => parsed.open = Some(PathBuf::from(arg)),
            _ => return Err(format!("one run or scenario at a time\n{USAGE}")),
        }
    }
    Ok(parsed)
}

const USAGE: &str = "usage: dctwin-gui [RUN_DIR | SCENARIO.toml] [--compare RUN_DIR] [--at DAY] [--play] [--export DIR] [--measure FILE]";

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let args = match arguments() {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("dctwin-gui: {message}");
            return ExitCode::from(2);
        }
    };
    let data_dir = std::env::var_os("DCTWIN_DATA").map(PathBuf::from);
    let mut state = State::new(PathBuf::from("runs"), data_dir);
    state.recent_file = dctwin_gui::recent::default_file();
    state.recent = state
        .recent_file
        .as_deref()
        .map(dctwin_gui::recent::load)
        .unwrap_or_default();
    let options = eframe::NativeOptions {
        // Glow (OpenGL) explicitly: it runs under Xvfb and on machines without a Vulkan driver.
        renderer: eframe::Renderer::Glow,
        viewport: eframe::egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 900.0])
            .with_title("dctwin"),
        ..Default::default()
    };
    let started = eframe::run_native(
        "dctwin",
        options,
        Box::new(move |cc| {
            if let Some(renderer) = software_renderer(cc) {
                // A CPU rasteriser (mesa's llvmpipe, as under Xvfb) spends a third of each
                // frame on anti-aliasing's feathered edges: measured 28 frames/s with them and
                // 37 without while a year streams in (docs/performance.md).
                eprintln!("dctwin-gui: drawing without anti-aliasing on {renderer}");
                cc.egui_ctx
                    .tessellation_options_mut(|o| o.feathering = false);
            }
            let mut app = App::with_state(state, args.open);
            if let Some(file) = args.measure {
                app = app.measured(dctwin_gui::measure::Measure::new(file, started));
            }
            // The receiver lives in the app: the commands wait for its first frame.
            let send = |command| {
                let _ = app.sender().send(command);
            };
            if let Some(dir) = args.compare {
                send(Command::Compare(dir));
            }
            if let Some(day) = args.at_day {
                send(Command::Seek(day * 86_400.0));
            }
            if args.play {
                send(Command::Play);
            }
            if let Some(dir) = args.export {
                send(Command::ExportImage(Part::Plots, dir.join("plots.png")));
                send(Command::ExportImage(
                    Part::Schematic,
                    dir.join("schematic.png"),
                ));
                send(Command::ExportKpis(dir.join("kpis.csv")));
            }
            Ok(Box::new(app))
        }),
    );
    match started {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let headless = ["DISPLAY", "WAYLAND_DISPLAY"]
                .iter()
                .all(|v| std::env::var_os(v).is_none());
            if headless {
                eprintln!("dctwin-gui: no display to open a window on (DISPLAY is not set)");
            } else {
                eprintln!("dctwin-gui: cannot open a window: {e}");
            }
            ExitCode::FAILURE
        }
    }
}
