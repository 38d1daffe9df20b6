//! `dctwin-gui [RUN_DIR | SCENARIO.toml]`: the desktop app, with a finished run open or a
//! scenario running if one is given. Scenarios run into `runs/<name>` of the current directory
//! and find their traces and weather as the CLI does (beside the scenario, then `$DCTWIN_DATA`).

use dctwin_gui::{App, State};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let open = std::env::args_os().nth(1).map(PathBuf::from);
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
        Box::new(move |_cc| Ok(Box::new(App::with_state(state, open)))),
    );
    match started {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dctwin-gui: cannot open a window: {e}");
            ExitCode::FAILURE
        }
    }
}
