//! The values a run recorded beyond its facility totals (`[output] variables`: nodes', sensors'
//! and components' values) as tiles in the schematic's scene, each with its value at the
//! cursor, the temperatures coloured on the scale of those shown; a tile clicked is plotted.
//! It is what the facility shows of a model without racks: a district network, a test pipe.

use super::colour::on_scale;
use super::send;
use crate::readings::Readings;
use crate::state::Command;
use eframe::egui::{self, Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2};
use std::sync::mpsc::Sender;

/// A tile's size [points of the scene].
const TILE: Vec2 = Vec2::new(230.0, 58.0);
/// Space between tiles.
const GAP: f32 = 8.0;
/// Tiles in a row.
const PER_ROW: usize = 5;
/// The colour of a value that is no temperature, or of none at all.
const NEUTRAL: Color32 = Color32::from_gray(70);
/// The narrowest span of the temperature scale [K]: a few readings a hair apart are not drawn
/// from blue to red.
const MIN_SPAN_K: f64 = 2.0;

/// The columns of `names` a run recorded beyond its facility totals: those of a node or sensor
/// (`node:…`, `sensor:…`) or of a component (`main.supply.heat_kw`), not a plant stage's
/// (`heat_pumps@campus.in_c`).
pub fn recorded(names: &[String]) -> Vec<&str> {
    (names.iter())
        .map(String::as_str)
        .filter(|n| (n.contains(':') || n.contains('.')) && !n.contains('@'))
        .collect()
}

/// Its unit, read from the column's suffix.
fn unit(name: &str) -> &'static str {
    const UNITS: [(&str, &str); 6] = [
        ("_kg_s", "kg/s"),
        ("_kg_h", "kg/h"),
        ("_kw", "kW"),
        ("_pa", "Pa"),
        ("_c", "°C"),
        ("_k", "K"),
    ];
    (UNITS.iter())
        .find(|(suffix, _)| name.ends_with(suffix))
        .map_or("", |(_, unit)| unit)
}

/// What a tile is titled: the column without its kind (`node:`) and, for a node's or sensor's
/// temperature, without the quantity its unit already says.
fn title(name: &str) -> &str {
    let name = name.split_once(':').map_or(name, |(_, rest)| rest);
    name.strip_suffix(".temperature_c").unwrap_or(name)
}

/// Draws the tiles of `columns` from `top_left` down, with their values in `readings`, the
/// `plotted` one outlined; returns the bottom of the last row.
pub fn draw(
    ui: &mut egui::Ui,
    top_left: Pos2,
    columns: &[&str],
    readings: Option<Readings<'_>>,
    plotted: Option<&str>,
    to: &Sender<Command>,
) -> f32 {
    let value = |name: &str| readings.and_then(|r| r.get(name)).filter(|v| v.is_finite());
    let temperatures: Vec<f64> = (columns.iter())
        .filter(|n| unit(n) == "°C")
        .filter_map(|n| value(n))
        .collect();
    let low = temperatures.iter().copied().fold(f64::INFINITY, f64::min);
    let high = (temperatures
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max))
    .max(low + MIN_SPAN_K);
    let mut bottom = top_left.y;
    for (i, name) in columns.iter().enumerate() {
        let at = top_left
            + Vec2::new(
                (i % PER_ROW) as f32 * (TILE.x + GAP),
                (i / PER_ROW) as f32 * (TILE.y + GAP),
            );
        let rect = Rect::from_min_size(at, TILE);
        bottom = rect.bottom();
        let v = value(name);
        let fill = match v {
            Some(t) if unit(name) == "°C" => on_scale(t, low, high),
            _ => NEUTRAL,
        };
        let response = ui.allocate_rect(rect, Sense::click());
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, *name));
        let painter = ui.painter();
        painter.rect_filled(rect, 4.0, fill);
        if plotted == Some(name) || response.hovered() {
            let stroke = Stroke::new(2.0, ui.visuals().strong_text_color());
            painter.rect_stroke(rect, 4.0, stroke, StrokeKind::Outside);
        }
        let text = readable_on(fill);
        painter.text(
            rect.min + Vec2::new(8.0, 6.0),
            Align2::LEFT_TOP,
            title(name),
            FontId::proportional(14.0),
            text,
        );
        let shown = v.map_or("no value".to_string(), |x| format!("{x:.2} {}", unit(name)));
        painter.text(
            rect.min + Vec2::new(8.0, TILE.y - 8.0),
            Align2::LEFT_BOTTOM,
            shown,
            FontId::proportional(18.0),
            text,
        );
        if response.clicked() {
            send(to, Command::Plot(name.to_string()));
        }
    }
    bottom
}

/// Text that reads on `fill`: dark on the scale's light yellows and greens, light elsewhere.
fn readable_on(fill: Color32) -> Color32 {
    let luma =
        0.299 * f32::from(fill.r()) + 0.587 * f32::from(fill.g()) + 0.114 * f32::from(fill.b());
    if luma > 140.0 {
        Color32::from_gray(20)
    } else {
        Color32::from_gray(245)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_columns_are_a_runs_variables_with_their_units() {
        let names: Vec<String> = [
            "time_s",
            "boiler_kw",
            "sensor:school.sensor.temperature_c",
            "node:tee.supply.temperature_c",
            "main.supply.heat_kw",
            "plant.pump.flow_kg_s",
            "heat_pumps@campus.in_c",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            recorded(&names),
            [
                "sensor:school.sensor.temperature_c",
                "node:tee.supply.temperature_c",
                "main.supply.heat_kw",
                "plant.pump.flow_kg_s"
            ]
        );
        assert_eq!(unit("plant.pump.flow_kg_s"), "kg/s");
        assert_eq!(unit("main.supply.heat_kw"), "kW");
        assert_eq!(unit("node:tee.supply.temperature_c"), "°C");
        assert_eq!(title("node:tee.supply.temperature_c"), "tee.supply");
        assert_eq!(title("main.supply.heat_kw"), "main.supply.heat_kw");
    }
}
