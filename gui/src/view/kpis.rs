//! The KPI tiles (the whole run, or the live run so far) and the monthly table, with the
//! decimals the CLI prints.

use dctwin_kpi::{KpiReport, Kpis};
use eframe::egui;

/// A number with `decimals` places, or `-` for none.
fn shown(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{v:.decimals$}"))
}

/// The tiles: name and value.
pub fn tiles(k: &Kpis) -> Vec<(&'static str, String)> {
    vec![
        ("PUE", shown(k.pue, 3)),
        ("pPUE cooling", shown(k.ppue_cooling, 3)),
        ("ERE", shown(k.ere, 3)),
        ("ERF", shown(k.erf, 3)),
        ("WUE L/kWh", shown(k.wue_l_per_kwh, 3)),
        ("CUE kg/kWh", shown(k.cue_kg_per_kwh, 3)),
        ("Heat reused MWh", format!("{:.1}", k.reused_heat_mwh)),
        ("Reused at °C", shown(k.reused_heat_mean_c, 1)),
        ("Hours over class", format!("{:.1}", k.hours_over_class)),
        ("Peak chip °C", shown(k.peak_chip_c, 1)),
    ]
}

/// Draws the tiles of `report`'s whole run; `id` keeps two runs' grids apart.
pub fn show_tiles(ui: &mut egui::Ui, id: &str, report: &KpiReport) {
    let tiles = tiles(&report.whole);
    egui::Grid::new(("kpis", id))
        .num_columns(tiles.len())
        .spacing([18.0, 2.0])
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

/// Draws the monthly table of `report`, folded by default.
pub fn show_months(ui: &mut egui::Ui, id: &str, report: &KpiReport) {
    egui::CollapsingHeader::new("Each month")
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
