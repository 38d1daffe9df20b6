//! `dctwin-gui [RUN_DIR]`: the desktop app, with a finished run open if one is given.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args_os().nth(1).map(PathBuf::from);
    let options = eframe::NativeOptions {
        // Glow (OpenGL) explicitly: it runs under Xvfb and on machines without a Vulkan driver.
        renderer: eframe::Renderer::Glow,
        viewport: eframe::egui::ViewportBuilder::default()
            .with_inner_size([1200.0, 800.0])
            .with_title("dctwin"),
        ..Default::default()
    };
    let started = eframe::run_native(
        "dctwin",
        options,
        Box::new(move |_cc| Ok(Box::new(dctwin_gui::App::new(dir)))),
    );
    match started {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dctwin-gui: cannot open a window: {e}");
            ExitCode::FAILURE
        }
    }
}
