//! `dctwin-gui [RUN_DIR | SCENARIO.toml] [--compare RUN_DIR]`: the desktop app, with a finished
//! run open or a scenario running if one is given, and another run compared with it. Scenarios
//! run into `runs/<name>` of the current directory and find their traces and weather as the CLI
//! does (beside the scenario, then `$DCTWIN_DATA`).

use dctwin_gui::{App, State};
use std::path::PathBuf;
use std::process::ExitCode;

/// The command line: what to open, and what to compare it with.
fn arguments() -> Result<(Option<PathBuf>, Option<PathBuf>), String> {
    let (mut open, mut compare) = (None, None);
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--compare") => {
                let dir = args.next().ok_or("--compare needs a run directory")?;
                compare = Some(PathBuf::from(dir));
            }
            Some("-h" | "--help") => return Err(USAGE.into()),
            Some(flag) if flag.starts_with('-') => {
                return Err(format!("unknown option {flag}\n{USAGE}"));
            }
            _ if open.is_none() => open = Some(PathBuf::from(arg)),
            _ => return Err(format!("one run or scenario at a time\n{USAGE}")),
        }
    }
    Ok((open, compare))
}

const USAGE: &str = "usage: dctwin-gui [RUN_DIR | SCENARIO.toml] [--compare RUN_DIR]";

fn main() -> ExitCode {
    let (open, compare) = match arguments() {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("dctwin-gui: {message}");
            return ExitCode::from(2);
        }
    };
    let data_dir = std::env::var_os("DCTWIN_DATA").map(PathBuf::from);
    let state = State::new(PathBuf::from("runs"), data_dir);
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
        Box::new(move |_cc| {
            let app = App::with_state(state, open);
            if let Some(dir) = compare {
                // The receiver lives in the app: the command waits for its first frame.
                let _ = app.sender().send(dctwin_gui::Command::Compare(dir));
            }
            Ok(Box::new(app))
        }),
    );
    match started {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dctwin-gui: cannot open a window: {e}");
            ExitCode::FAILURE
        }
    }
}
