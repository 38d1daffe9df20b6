//! The app: its [`State`], the channel its commands come through, and what only the drawing
//! keeps between frames (the typed path, the schematic's pan and zoom).

use crate::export;
use crate::measure::Measure;
use crate::state::{Command, Part, State};
use crate::time_control::TimeControl;
use crate::view;
use eframe::egui;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

/// What the drawing keeps between frames and the state need not know.
#[derive(Debug)]
struct ViewState {
    /// The text of the open field.
    path_field: String,
    /// The path the state last opened, to refresh the field when it changes.
    opened: String,
    /// The part of the schematic in view (pan and zoom).
    scene_rect: egui::Rect,
    /// What is typed into the what-if panel.
    what_if: view::what_if::WhatIfForm,
    /// Whether the what-if panel shows.
    what_if_open: bool,
    /// Where the plots and the schematic were drawn last frame (what an image export crops).
    parts: Parts,
    /// Frames drawn so far.
    frames: u64,
    /// The plots' decimated points.
    plot_cache: view::plots::PlotCache,
}

/// Frames drawn before an image is exported: egui sizes its panels over the first frames.
const SETTLING_FRAMES: u64 = 3;

/// Where the exportable parts of the window were drawn [points].
#[derive(Debug, Default, Clone, Copy)]
pub struct Parts {
    /// The time plots.
    pub plots: Option<egui::Rect>,
    /// The schematic.
    pub schematic: Option<egui::Rect>,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            path_field: String::new(),
            opened: String::new(),
            // Invalid on purpose: the scene fits itself to the schematic at its first frame.
            scene_rect: egui::Rect::ZERO,
            what_if: view::what_if::WhatIfForm::default(),
            what_if_open: false,
            parts: Parts::default(),
            frames: 0,
            plot_cache: view::plots::PlotCache::default(),
        }
    }
}

/// The desktop app.
pub struct App {
    /// What it shows.
    pub state: State,
    view: ViewState,
    commands: Receiver<Command>,
    sender: Sender<Command>,
    /// The app's own speed, recorded when asked (`--measure`).
    measure: Option<Measure>,
}

impl App {
    /// An app with nothing open, writing the runs of scenarios it opens under `runs/` of the
    /// current directory (as the CLI does).
    pub fn new(open: Option<PathBuf>) -> App {
        App::with_state(State::new(PathBuf::from("runs"), None), open)
    }

    /// An app on `state`, opening `open` (a run directory or a scenario) first if given.
    pub fn with_state(state: State, open: Option<PathBuf>) -> App {
        let (sender, commands) = channel();
        if let Some(path) = open {
            let _ = sender.send(Command::Open(path));
        }
        App {
            state,
            view: ViewState::default(),
            commands,
            sender,
            measure: None,
        }
    }

    /// Records the app's speed into `measure`, and closes the app when it has measured.
    pub fn measured(mut self, measure: Measure) -> App {
        self.measure = Some(measure);
        self
    }

    /// Where to send commands from outside the UI (another thread, a test).
    pub fn sender(&self) -> Sender<Command> {
        self.sender.clone()
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

/// The header and tiles of two runs compared.
fn compared(
    ui: &mut egui::Ui,
    run: &crate::run_data::RunData,
    other: &crate::run_data::RunData,
    to: &Sender<Command>,
) {
    let (a, b) = (run.label(), other.label());
    ui.horizontal(|ui| {
        ui.label(format!(
            "A: {a}, compared with B: {b} ({}, {}); B's lines are dashed",
            other.summary.status,
            other.dir.display()
        ));
        if ui.button("Close compare").clicked() {
            view::send(to, Command::CloseCompare);
        }
    });
    view::kpis::show_compared(ui, (&a, &run.kpis), (&b, &other.kpis));
    view::kpis::show_months(ui, &a, &run.kpis);
    view::kpis::show_months(ui, &b, &other.kpis);
}

/// How often the app looks at a live run when nothing else asks for a frame: 60 times a
/// second, the most a screen shows.
const LIVE_FRAME: std::time::Duration = std::time::Duration::from_millis(16);

impl App {
    /// Before each frame: applies the commands that came, takes what a live run published,
    /// and advances playback by the frame's time. It asks for the next frame only while a run
    /// goes or playback plays: an idle app draws nothing.
    pub fn logic_step(&mut self, ctx: &egui::Context) {
        if let Some(m) = &mut self.measure {
            m.begin();
        }
        while let Ok(command) = self.commands.try_recv() {
            self.state.apply(command);
        }
        self.state.poll();
        self.export_images(ctx);
        if self.state.is_running() || self.state.is_loading() {
            ctx.request_repaint_after(LIVE_FRAME);
        }
        if let Some(time) = &mut self.state.time {
            time.advance(f64::from(ctx.input(|i| i.stable_dt)));
            if time.is_playing() {
                ctx.request_repaint();
            }
        }
        let opened = self.state.path_field.clone();
        if opened != self.view.opened {
            self.view.path_field = opened.clone();
            self.view.opened = opened;
        }
    }

    /// Draws the app into `ui`: the open bar, the KPI tiles, the schematic, the plots and the
    /// playback bar.
    pub fn draw(&mut self, ui: &mut egui::Ui) {
        self.view.frames += 1;
        let (state, to) = (&self.state, &self.sender);
        let kept = &mut self.view;
        egui::Panel::top("open").show(ui, |ui| {
            view::open_bar::show(ui, state, &mut kept.path_field, &mut kept.what_if_open, to)
        });
        if state.run.is_some() && !state.is_running() {
            egui::Panel::bottom("playback").show(ui, |ui| view::playback::show(ui, state, to));
        }
        if self.view.what_if_open && state.run.is_some() {
            egui::Panel::left("what if")
                .resizable(true)
                .default_size(250.0)
                .min_size(240.0)
                .show(ui, |ui| {
                    view::what_if::show(ui, state, &mut self.view.what_if, to)
                });
        }
        egui::CentralPanel::default().show(ui, |ui| self.central(ui));
        let (live, open) = (self.state.is_running(), self.state.run.is_some());
        let playing = self
            .state
            .time
            .as_ref()
            .is_some_and(TimeControl::is_playing);
        if self.measure.is_some() {
            // Measuring draws frame after frame, as a user's moving mouse would.
            ui.ctx().request_repaint();
        }
        if let Some(m) = &mut self.measure
            && m.end(live, playing, open)
        {
            if let Err(e) = m.write() {
                eprintln!("dctwin-gui: {e}");
            }
            self.measure = None;
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// The central panel: messages, KPI tiles, alarms, schematic and plots.
    fn central(&mut self, ui: &mut egui::Ui) {
        let (state, to) = (&self.state, &self.sender);
        if let Some(error) = &state.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        if let Some(notice) = &state.notice {
            ui.label(notice);
        }
        for loading in &state.loading {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("reading {}", loading.path.display()));
            });
        }
        let Some(kpis) = state.kpis() else {
            if state.is_running() {
                ui.label("Starting the run...");
            } else if !state.is_loading() {
                ui.label(
                    "Open a run directory written by `dctwin simulate`, or a scenario to run.",
                );
            }
            return;
        };
        match (&state.other, &state.run) {
            (Some(other), Some(run)) if !state.is_running() => compared(ui, run, other, to),
            _ => {
                view::kpis::show_tiles(ui, "shown", kpis);
                view::kpis::show_months(ui, "this run", kpis);
            }
        }
        ui.separator();
        egui::Panel::right("alarms")
            .resizable(true)
            .default_size(280.0)
            .show(ui, |ui| view::alarms::show(ui, state, to));
        let schematic = egui::Panel::top("schematic")
            .resizable(true)
            .default_size(ui.available_height() * 0.45)
            .show(ui, |ui| {
                view::schematic::show(ui, state, &mut self.view.scene_rect, to)
            });
        self.view.parts.schematic = Some(schematic.response.rect);
        self.view.parts.plots = Some(ui.available_rect_before_wrap());
        view::plots::show(ui, state, &mut self.view.plot_cache, to);
    }

    /// An image export: asks the window for a screenshot of the frame drawn; when it comes
    /// (from the renderer, a frame later), the part is cropped and written, and the outcome
    /// comes back as a command.
    fn export_images(&mut self, ctx: &egui::Context) {
        let pending = std::mem::take(&mut self.state.pending_images);
        for (part, path) in pending {
            let rect = match part {
                Part::Plots => self.view.parts.plots,
                Part::Schematic => self.view.parts.schematic,
            };
            match rect.filter(|_| self.view.frames >= SETTLING_FRAMES) {
                Some(rect) => self.export_image(ctx, rect, path),
                // Not drawn yet, or still settling (the app's first frames): at the next.
                None => {
                    self.state.pending_images.push((part, path));
                    ctx.request_repaint();
                }
            }
        }
    }

    /// Exports `rect` of the next frame drawn to `path`.
    fn export_image(&self, ctx: &egui::Context, rect: egui::Rect, path: PathBuf) {
        let (scale, to, repaint) = (ctx.pixels_per_point(), self.sender.clone(), ctx.clone());
        ctx.request_screenshot(move |image| {
            let written = match export::crop(&image, rect, scale) {
                Some(part) => export::write_png(&part, &path).map(|()| path),
                None => Err(format!("{}: that part is not on screen", path.display())),
            };
            let _ = to.send(Command::Wrote(written));
            repaint.request_repaint();
        });
    }

    /// The playback cursor, if a finished run is open.
    pub fn time(&self) -> Option<&TimeControl> {
        self.state.time.as_ref()
    }
}
