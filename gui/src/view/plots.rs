//! The time plots: temperatures, powers, PUE and ERE, and the chosen column, one above the other with
//! linked time axes and cursors, each decimated to two points per pixel column so that a year
//! of minutes pans smoothly. A live run is plotted from the snapshots it has published.

use super::send;
use crate::decimate::min_max;
use crate::run_data::RunData;
use crate::state::{Command, State};
use eframe::egui;
use egui_plot::{Legend, Line, Plot, PlotPoints, VLine};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::Sender;

/// The plots: title, and the columns it draws when the run has them.
const PANELS: [(&str, &[&str]); 3] = [
    (
        "temperature °C",
        &["max_rack_supply_c", "peak_chip_c", "outdoor_c"],
    ),
    (
        "power kW",
        &["it_power_kw", "reused_kw", "rejected_kw", "boiler_kw"],
    ),
    ("PUE, ERE", &["pue", "ere"]),
];

/// The decimated points of finished runs' columns, by run, column and width: a year's column
/// is decimated once for a width, not at every frame of playback.
#[derive(Debug, Default)]
pub struct PlotCache(HashMap<PlotKey, Points>);

/// A run's generation, a column and a number of buckets.
type PlotKey = (u64, String, usize);

/// Decimated points.
type Points = Arc<[[f64; 2]]>;

/// More entries than this and the cache starts over (plots of runs closed since).
const CACHE_ENTRIES: usize = 256;

impl PlotCache {
    /// The points of column `name` of `run`, at most two per bucket.
    fn points(&mut self, run: &RunData, name: &str, buckets: usize) -> Option<Arc<[[f64; 2]]>> {
        let key = (run.generation, name.to_string(), buckets);
        if let Some(points) = self.0.get(&key) {
            return Some(points.clone());
        }
        let points: Arc<[[f64; 2]]> = min_max(&run.days, run.column(name)?, buckets).into();
        if self.0.len() >= CACHE_ENTRIES {
            self.0.clear();
        }
        self.0.insert(key, points.clone());
        Some(points)
    }
}

/// The points of column `name` against days since the run's start, at most two per bucket.
fn points(
    state: &State,
    cache: &mut PlotCache,
    name: &str,
    buckets: usize,
) -> Option<Arc<[[f64; 2]]>> {
    if state.is_running() {
        let history = &state.history;
        let i = *state.snapshot_index.get(name)?;
        return Some(min_max(&history.days, &history.column(i), buckets).into());
    }
    cache.points(state.run.as_ref()?, name, buckets)
}

/// The cursor's day: the live run's latest time, else the playback cursor.
fn cursor_day(state: &State) -> f64 {
    let t = match (&state.snapshot, &state.time) {
        (Some(s), _) if state.is_running() => s.time_s,
        (_, Some(time)) => time.time_s(),
        _ => 0.0,
    };
    t / 86_400.0
}

/// Draws the plots in the space left.
pub fn show(ui: &mut egui::Ui, state: &State, cache: &mut PlotCache, to: &Sender<Command>) {
    let chosen = state.plotted.clone().unwrap_or_default();
    ui.horizontal(|ui| {
        egui::ComboBox::from_label("plotted below")
            .selected_text(&chosen)
            .height(400.0)
            .show_ui(ui, |ui| {
                for name in state.column_names() {
                    if ui.selectable_label(name == chosen, &name).clicked() {
                        send(to, Command::Plot(name));
                    }
                }
            });
    });
    // Two points per pixel column at most: a year pans as smoothly as a day.
    let buckets = ui.available_width().max(100.0) as usize;
    let link = egui::Id::unique("time axis");
    let cursor = cursor_day(state);
    // The fixed plots the run has columns for (a run written before pue and ere has none).
    let have = state.column_names();
    let mut panels: Vec<(String, Vec<String>)> = (PANELS.iter())
        .filter(|(_, names)| names.iter().any(|n| have.iter().any(|h| h == n)))
        .map(|(title, names)| {
            (
                title.to_string(),
                names.iter().map(|n| n.to_string()).collect(),
            )
        })
        .collect();
    if state.schematic().is_some_and(|s| s.groups.is_empty()) {
        with_recorded_temperatures(&mut panels, &have);
    }
    if !chosen.is_empty() {
        panels.push((chosen.clone(), vec![chosen.clone()]));
    }
    let height = ((ui.available_height() - 30.0) / panels.len().max(1) as f32 - 6.0).max(70.0);
    let last = panels.len().saturating_sub(1);
    for (i, (title, names)) in panels.into_iter().enumerate() {
        let mut plot = Plot::new(("plot", i))
            .height(height)
            .y_axis_label(title)
            .legend(
                Legend::default()
                    .position(egui_plot::Corner::LeftTop)
                    .background_alpha(0.5)
                    .text_style(egui::TextStyle::Small),
            )
            .link_axis(link, [true, false])
            .link_cursor(link, [true, false]);
        if i == last {
            plot = plot.x_axis_label("day of the run");
        }
        plot.show(ui, |plot| {
            for name in &names {
                if let Some(points) = points(state, cache, name, buckets) {
                    plot.line(Line::new(name.clone(), PlotPoints::from(points.to_vec())));
                }
                // The compared run's (B) line beside it, dashed.
                if let Some(other) = state.other.as_ref().filter(|_| !state.is_running())
                    && let Some(points) = cache.points(other, name, buckets)
                {
                    let label = format!("{name} (B)");
                    plot.line(
                        Line::new(label, PlotPoints::from(points.to_vec()))
                            .style(egui_plot::LineStyle::dashed_loose()),
                    );
                }
            }
            plot.vline(VLine::new("", cursor));
        });
    }
}

/// Most temperatures a model without racks adds to the temperature plot.
const RECORDED_TEMPERATURES: usize = 8;

/// For a model without racks, whose temperature plot would show the outdoor air alone: the
/// first temperatures it recorded (its nodes' and sensors') in that plot too.
fn with_recorded_temperatures(panels: &mut [(String, Vec<String>)], have: &[String]) {
    let Some((_, names)) = panels
        .iter_mut()
        .find(|(t, _)| t.starts_with("temperature"))
    else {
        return;
    };
    let recorded = (super::recorded::recorded(have).into_iter())
        .filter(|n| n.ends_with("_c"))
        .take(RECORDED_TEMPERATURES);
    names.extend(recorded.map(String::from));
}
