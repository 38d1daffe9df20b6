//! The top bar: a path to open (a run directory or a scenario), the run's name and status, and
//! the stop button of a live run.

use super::send;
use crate::state::{Command, State};
use eframe::egui;
use std::path::PathBuf;
use std::sync::mpsc::Sender;

/// Draws the bar. `path_field` is the text being typed, kept by the app between frames.
pub fn show(ui: &mut egui::Ui, state: &State, path_field: &mut String, to: &Sender<Command>) {
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
