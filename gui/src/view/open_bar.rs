//! The top bar: a path to open (a run directory or a scenario) typed, picked in the system's
//! file dialog or taken from the recent ones; the run's name and status; the stop button of a
//! live run; and the exports of the run shown.

use super::send;
use crate::state::{Command, Part, State};
use eframe::egui;
use std::path::PathBuf;
use std::sync::mpsc::Sender;

/// Draws the bar. `path_field` is the text being typed and `what_if` whether the what-if panel
/// shows, both kept by the app between frames.
pub fn show(
    ui: &mut egui::Ui,
    state: &State,
    path_field: &mut String,
    what_if: &mut bool,
    to: &Sender<Command>,
) {
    ui.horizontal(|ui| {
        let label = ui.label("Run directory or scenario");
        let field = ui.add(
            egui::TextEdit::singleline(path_field)
                .desired_width(420.0)
                .hint_text("runs/jupiter-design or scenarios/jupiter-design.toml"),
        );
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        field.labelled_by(label.id);
        if ui.button("Open").clicked() || entered {
            send(to, Command::Open(PathBuf::from(path_field.trim())));
        }
        if state.run.is_some() && ui.button("Compare").clicked() {
            send(to, Command::Compare(PathBuf::from(path_field.trim())));
        }
        ui.menu_button("Browse", |ui| {
            if ui.button("Run directory...").clicked() {
                pick(ui.ctx(), to, Pick::RunDirectory);
            }
            if ui.button("Scenario...").clicked() {
                pick(ui.ctx(), to, Pick::Scenario);
            }
        });
        ui.menu_button("Recent", |ui| {
            if state.recent.is_empty() {
                ui.label("nothing opened yet");
            }
            for path in &state.recent {
                if ui.button(path.display().to_string()).clicked() {
                    send(to, Command::Open(path.clone()));
                }
            }
        });
        if let Some(dir) = state.export_dir() {
            ui.menu_button("Export", |ui| export_menu(ui, &dir, to));
            ui.toggle_value(what_if, "What if");
        }
        if let Some(live) = &state.live {
            if ui.button("Stop").clicked() {
                send(to, Command::Stop);
            }
            let done = live
                .progress()
                .map_or(0.0, |p| p.simulated_s / p.total_s.max(1.0));
            ui.add(
                egui::ProgressBar::new(done as f32)
                    .desired_width(160.0)
                    .show_percentage(),
            );
            ui.label(format!("running {}", live.scenario.display()));
        } else if let Some(run) = &state.run {
            let s = &run.summary;
            ui.label(format!("{} (model {}): {}", s.name, s.model, s.status));
        }
    });
}

/// What the file dialog picks.
#[derive(Debug, Clone, Copy)]
enum Pick {
    RunDirectory,
    Scenario,
}

/// Opens the system's file dialog on a thread of its own (it blocks until the user chooses),
/// and opens what was picked. Without a desktop portal the dialog cannot open: the path field
/// stays the way in.
fn pick(ctx: &egui::Context, to: &Sender<Command>, what: Pick) {
    let (to, ctx) = (to.clone(), ctx.clone());
    let _ = std::thread::Builder::new()
        .name("file dialog".into())
        .spawn(move || {
            let dialog = rfd::FileDialog::new();
            let picked = match what {
                Pick::RunDirectory => dialog.set_title("Open a run directory").pick_folder(),
                Pick::Scenario => dialog
                    .set_title("Run a scenario")
                    .add_filter("scenario", &["toml"])
                    .pick_file(),
            };
            if let Some(path) = picked {
                send(&to, Command::Open(path));
                ctx.request_repaint();
            }
        });
}

/// The exports, into `dir` (`<run directory>-export` beside the run).
fn export_menu(ui: &mut egui::Ui, dir: &std::path::Path, to: &Sender<Command>) {
    if ui.button("Plots as PNG").clicked() {
        send(to, Command::ExportImage(Part::Plots, dir.join("plots.png")));
    }
    if ui.button("Schematic as PNG").clicked() {
        send(
            to,
            Command::ExportImage(Part::Schematic, dir.join("schematic.png")),
        );
    }
    if ui.button("KPIs as CSV").clicked() {
        send(to, Command::ExportKpis(dir.join("kpis.csv")));
    }
}
