//! The app: its state apart from its drawing, and the commands that change it, sent through a
//! channel (by the UI's buttons, the command line, or a test) and applied at the start of each
//! frame.

use crate::decimate::min_max;
use crate::run_data::RunData;
use crate::time_control::TimeControl;
use eframe::egui;
use egui_plot::{Line, Plot, PlotPoints, VLine};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

/// What can be asked of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Open a finished run's directory.
    Open(PathBuf),
    /// Start playback.
    Play,
    /// Pause playback.
    Pause,
    /// Move the cursor [s since the run's start].
    Seek(f64),
    /// Plot this column of the run's series.
    Plot(String),
}

/// Everything the app shows, apart from how.
#[derive(Debug, Default)]
pub struct State {
    /// The run open, if any.
    pub run: Option<RunData>,
    /// The last error, shown until the next command succeeds.
    pub error: Option<String>,
    /// The playback cursor.
    pub time: Option<TimeControl>,
    /// The plotted column.
    pub plotted: Option<String>,
    /// The path typed into the open field.
    pub path_field: String,
}

impl State {
    /// Applies one command.
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::Open(dir) => match RunData::open(&dir) {
                Ok(run) => {
                    self.time = Some(TimeControl::new(run.summary.simulated_s));
                    self.plotted = run.columns.first().map(|(name, _)| name.clone());
                    self.path_field = dir.display().to_string();
                    self.run = Some(run);
                    self.error = None;
                }
                Err(e) => self.error = Some(e),
            },
            Command::Play => self.time.iter_mut().for_each(TimeControl::play),
            Command::Pause => self.time.iter_mut().for_each(TimeControl::pause),
            Command::Seek(t) => self.time.iter_mut().for_each(|c| c.seek(t)),
            Command::Plot(name) => self.plotted = Some(name),
        }
    }
}

/// The desktop app.
pub struct App {
    /// What it shows.
    pub state: State,
    commands: Receiver<Command>,
    sender: Sender<Command>,
}

impl App {
    /// An app with nothing open, or the run in `dir` if given.
    pub fn new(dir: Option<PathBuf>) -> App {
        let (sender, commands) = channel();
        if let Some(dir) = dir {
            let _ = sender.send(Command::Open(dir));
        }
        App {
            state: State::default(),
            commands,
            sender,
        }
    }

    /// Where to send commands from outside the UI (another thread, a test).
    pub fn sender(&self) -> Sender<Command> {
        self.sender.clone()
    }

    fn send(&self, command: Command) {
        // The receiver lives as long as the app: sending cannot fail while it draws.
        let _ = self.sender.send(command);
    }
}

/// eframe's entry points, each one of the app's own: tests drive the same two without a window.
impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.logic_step(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }
}

impl App {
    /// Before each frame: applies the commands that came, and advances playback by the frame's
    /// time (asking for the next frame only while it plays: an idle app draws nothing).
    pub fn logic_step(&mut self, ctx: &egui::Context) {
        while let Ok(command) = self.commands.try_recv() {
            self.state.apply(command);
        }
        if let Some(time) = &mut self.state.time {
            time.advance(f64::from(ctx.input(|i| i.stable_dt)));
            if time.is_playing() {
                ctx.request_repaint();
            }
        }
    }

    /// Draws the app into `ui`: the open bar, the KPI tiles, the plot and the playback bar.
    pub fn draw(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("open").show(ui, |ui| self.open_bar(ui));
        if self.state.run.is_some() {
            egui::Panel::bottom("playback").show(ui, |ui| self.playback(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(error) = &self.state.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            if self.state.run.is_some() {
                self.kpi_tiles(ui);
                ui.separator();
                self.plot(ui);
            } else {
                ui.label("Open a run directory written by `dctwin simulate`.");
            }
        });
    }
}

impl App {
    fn open_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let label = ui.label("Run directory");
            ui.text_edit_singleline(&mut self.state.path_field)
                .labelled_by(label.id);
            if ui.button("Open").clicked() {
                self.send(Command::Open(PathBuf::from(&self.state.path_field)));
            }
            if let Some(run) = &self.state.run {
                let s = &run.summary;
                ui.label(format!("{} (model {}): {}", s.name, s.model, s.status));
            }
        });
    }

    fn kpi_tiles(&self, ui: &mut egui::Ui) {
        let Some(run) = &self.state.run else { return };
        let k = &run.kpis.whole;
        let ratio = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"));
        let tiles = [
            ("PUE", ratio(k.pue)),
            ("pPUE cooling", ratio(k.ppue_cooling)),
            ("ERE", ratio(k.ere)),
            ("ERF", ratio(k.erf)),
            ("WUE L/kWh", ratio(k.wue_l_per_kwh)),
            ("CUE kg/kWh", ratio(k.cue_kg_per_kwh)),
            ("Heat reused MWh", format!("{:.1}", k.reused_heat_mwh)),
            (
                "Peak chip °C",
                k.peak_chip_c
                    .map_or_else(|| "-".into(), |c| format!("{c:.1}")),
            ),
        ];
        egui::Grid::new("kpis")
            .num_columns(tiles.len())
            .show(ui, |ui| {
                for (name, _) in &tiles {
                    ui.strong(*name);
                }
                ui.end_row();
                for (_, value) in &tiles {
                    ui.heading(value);
                }
                ui.end_row();
            });
    }

    fn plot(&mut self, ui: &mut egui::Ui) {
        let Some(run) = &self.state.run else { return };
        let mut chosen = self.state.plotted.clone().unwrap_or_default();
        egui::ComboBox::from_label("Plotted")
            .selected_text(&chosen)
            .show_ui(ui, |ui| {
                for (name, _) in &run.columns {
                    ui.selectable_value(&mut chosen, name.clone(), name);
                }
            });
        if Some(&chosen) != self.state.plotted.as_ref() {
            self.send(Command::Plot(chosen.clone()));
        }
        let Some(values) = run.column(&chosen) else {
            return;
        };
        let days: Vec<f64> = run.time_s.iter().map(|t| t / 86_400.0).collect();
        // Two points per pixel column at most: a year pans as smoothly as a day.
        let width = ui.available_width().max(100.0) as usize;
        let points = min_max(&days, values, width);
        let cursor_day = self
            .state
            .time
            .as_ref()
            .map_or(0.0, |t| t.time_s() / 86_400.0);
        Plot::new("series")
            .x_axis_label("day of the run")
            .y_axis_label(chosen.clone())
            .show(ui, |plot| {
                plot.line(Line::new(chosen.clone(), PlotPoints::from(points)));
                plot.vline(VLine::new("cursor", cursor_day));
            });
    }

    fn playback(&mut self, ui: &mut egui::Ui) {
        let Some(time) = &self.state.time else { return };
        let (mut t, end, playing) = (time.time_s(), time.end_s(), time.is_playing());
        ui.horizontal(|ui| {
            if ui.button(if playing { "Pause" } else { "Play" }).clicked() {
                self.send(if playing {
                    Command::Pause
                } else {
                    Command::Play
                });
            }
            // The slider takes the bar's width, less room for the value read at the cursor.
            ui.spacing_mut().slider_width = (ui.available_width() - 420.0).max(150.0);
            let slider = egui::Slider::new(&mut t, 0.0..=end.max(1.0))
                .text("time, s")
                .show_value(false);
            if ui.add(slider).changed() {
                self.send(Command::Seek(t));
            }
            if let Some(run) = &self.state.run
                && let Some(row) = run.row_at(t)
                && let Some(name) = &self.state.plotted
                && let Some(values) = run.column(name)
            {
                ui.label(format!(
                    "day {:.2}: {name} = {:.2}",
                    t / 86_400.0,
                    values[row]
                ));
            }
        });
    }
}
