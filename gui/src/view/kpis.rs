//! The KPI tiles (the whole run, or the live run so far) and the monthly table, with the
//! decimals the CLI prints.

use dctwin_kpi::{KpiReport, Kpis};
use eframe::egui;

/// A number with `decimals` places, or `-` for none.
fn shown(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{v:.decimals$}"))
}

/// One KPI tile: its name, value and the decimals the CLI prints it with.
pub struct Tile {
    /// The KPI and its unit.
    pub name: &'static str,
    /// Its value, if the run has one.
    pub value: Option<f64>,
    /// Decimals shown.
    pub decimals: usize,
}

impl Tile {
    /// The value as shown.
    pub fn text(&self) -> String {
        shown(self.value, self.decimals)
    }
}

/// The tiles of `k`.
pub fn tiles(k: &Kpis) -> Vec<Tile> {
    let tile = |name, value, decimals| Tile {
        name,
        value,
        decimals,
    };
    vec![
        tile("PUE", k.pue, 3),
        tile("pPUE cooling", k.ppue_cooling, 3),
        tile("ERE", k.ere, 3),
        tile("ERF", k.erf, 3),
        tile("WUE L/kWh", k.wue_l_per_kwh, 3),
        tile("CUE kg/kWh", k.cue_kg_per_kwh, 3),
        tile("Heat reused MWh", Some(k.reused_heat_mwh), 1),
        tile("Reused at °C", k.reused_heat_mean_c, 1),
        tile("Hours over class", Some(k.hours_over_class), 1),
        tile("Peak chip °C", k.peak_chip_c, 1),
    ]
}

/// Draws the tiles of `report`'s whole run; `id` keeps two runs' grids apart.
pub fn show_tiles(ui: &mut egui::Ui, id: &str, report: &KpiReport) {
    let tiles = tiles(&report.whole);
    egui::Grid::new(("kpis", id))
        .num_columns(tiles.len())
        .spacing([18.0, 2.0])
        .show(ui, |ui| {
            for t in &tiles {
                ui.strong(t.name);
            }
            ui.end_row();
            for t in &tiles {
                ui.heading(t.text());
            }
            ui.end_row();
        });
}

/// Draws the tiles of two runs, one row each, and a row of their differences (`b` − `a`).
pub fn show_compared(ui: &mut egui::Ui, a: (&str, &KpiReport), b: (&str, &KpiReport)) {
    let (ta, tb) = (tiles(&a.1.whole), tiles(&b.1.whole));
    egui::Grid::new("kpis compared")
        .num_columns(ta.len() + 1)
        .spacing([18.0, 2.0])
        .striped(true)
        .show(ui, |ui| {
            ui.label("");
            for t in &ta {
                ui.strong(t.name);
            }
            ui.end_row();
            for (run, row) in [(a.0, &ta), (b.0, &tb)] {
                ui.label(run);
                for t in row {
                    ui.heading(t.text());
                }
                ui.end_row();
            }
            ui.label("difference");
            for (x, y) in ta.iter().zip(&tb) {
                ui.label(difference(x, y));
            }
            ui.end_row();
        });
}

/// `y − x`, signed, with the tiles' decimals; `-` where either is missing.
pub fn difference(x: &Tile, y: &Tile) -> String {
    match (x.value, y.value) {
        (Some(a), Some(b)) => format!("{:+.*}", x.decimals, b - a),
        _ => "-".to_string(),
    }
}

/// Draws the monthly table of `report`, folded by default.
pub fn show_months(ui: &mut egui::Ui, id: &str, report: &KpiReport) {
    egui::CollapsingHeader::new(format!("Each month, {id}"))
        .id_salt(("months", id))
        .show(ui, |ui| {
            egui::Grid::new(("month table", id))
                .striped(true)
                .show(ui, |ui| {
                    for head in ["month", "IT MWh", "reused MWh", "PUE", "ERE", "ERF"] {
                        ui.strong(head);
                    }
                    ui.end_row();
                    for m in &report.months {
                        let k = &m.kpis;
                        ui.label(format!("{}-{:02}", m.year, m.month));
                        ui.label(format!("{:.1}", k.it_energy_mwh));
                        ui.label(format!("{:.1}", k.reused_heat_mwh));
                        ui.label(shown(k.pue, 3));
                        ui.label(shown(k.ere, 3));
                        ui.label(shown(k.erf, 3));
                        ui.end_row();
                    }
                });
        });
}
