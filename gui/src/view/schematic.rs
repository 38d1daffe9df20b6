//! The schematic, drawn for any model from its [`Schematic`]: the racks as cells in a grid of
//! tiles (one tile per container), coloured by the chosen quantity at the cursor, and below
//! them the plant as a chain of stages joined by loops, each join labelled with the water's
//! temperatures in and out, its flow and the heat it carries. It pans and zooms
//! ([`egui::Scene`]); a cell shows its values on hover and is plotted when clicked.

use super::colour::on_scale;
use super::recorded::{self, recorded};
use super::send;
use crate::quantity::Quantity;
use crate::readings::Readings;
use crate::state::{Command, State};
use dctwin_scenario::schematic::{Edge, RackCell, RackGroup, Schematic, StageKind};
use eframe::egui::{self, Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2};
use std::collections::HashMap;
use std::sync::mpsc::Sender;

/// A rack cell's side [points of the scene].
const CELL: f32 = 22.0;
/// Space between cells and around them in a tile.
const GAP: f32 = 4.0;
/// The height of a tile's title.
const TITLE: f32 = 20.0;
/// Tiles in a row of the grid at least; more where the plant chain below is wider.
const TILES_PER_ROW: usize = 10;
/// A stage's box.
const BOX: Vec2 = Vec2::new(190.0, 84.0);
/// The width of a column of the plant chain, and the height of a row.
const COLUMN: f32 = 290.0;
const ROW: f32 = 140.0;
/// The size of the labels on the joins, large: the schematic is usually seen zoomed out.
const LABEL: f32 = 17.0;
/// The colour of what has no value (a column the run did not write).
const NO_VALUE: Color32 = Color32::from_gray(90);

/// Draws the quantity chooser, the legend and the schematic in the space left. `scene_rect` is
/// the part of the scene in view, kept by the app between frames (pan and zoom).
pub fn show(ui: &mut egui::Ui, state: &State, scene_rect: &mut Rect, to: &Sender<Command>) {
    let Some(schematic) = state.schematic() else {
        ui.label("This run has no schematic.json (it was written before runs kept one).");
        return;
    };
    let readings = state.readings();
    if schematic.groups.is_empty() {
        show_without_racks(ui, state, schematic, scene_rect, to);
        return;
    }
    ui.horizontal(|ui| {
        ui.label("Racks coloured by");
        for q in Quantity::ALL {
            if ui
                .selectable_label(state.colour_by == q, q.label())
                .clicked()
            {
                send(to, Command::ColourBy(q));
            }
        }
        if let Some(rack) = schematic.racks().next() {
            legend(ui, state.colour_by, rack);
        }
    });
    let missing = readings.is_some_and(|r| {
        (schematic.groups.iter()).any(|g| {
            g.racks.iter().any(|c| {
                state
                    .colour_by
                    .column(g, c)
                    .is_some_and(|n| r.get(&n).is_none())
            })
        })
    });
    if missing {
        ui.label("Grey racks: this run's series has no such column (`[output] racks = true` writes each rack's).");
    }
    egui::Scene::new()
        .zoom_range(0.1..=4.0)
        .show(ui, scene_rect, |ui| {
            let origin = ui.cursor().min;
            let places = place(schematic);
            let per_row = (places.width() / tile_pitch(schematic).x) as usize;
            let tiles_bottom = draw_tiles(ui, origin, per_row, schematic, state, readings, to);
            let chain_top = Pos2::new(origin.x, tiles_bottom + 40.0);
            draw_chain(ui, chain_top, &places, schematic, readings);
        });
}

/// A model without racks (a district network, a test pipe): the values it recorded at the
/// cursor, then its plant chain if it has one.
fn show_without_racks(
    ui: &mut egui::Ui,
    state: &State,
    schematic: &Schematic,
    scene_rect: &mut Rect,
    to: &Sender<Command>,
) {
    let names = state.column_names();
    let columns = recorded(&names);
    if columns.is_empty() {
        ui.label(
            "No racks in this model, and the run recorded none of its values: list them in the \
             scenario's `[output] variables` (`\"node:*.temperature_c\"`, `\"sensor:*\"`).",
        );
    } else {
        ui.label(
            "No racks in this model: the values it recorded, at the cursor. Click one to plot it.",
        );
    }
    let readings = state.readings();
    egui::Scene::new()
        .zoom_range(0.1..=4.0)
        .show(ui, scene_rect, |ui| {
            let origin = ui.cursor().min;
            let plotted = state.plotted.as_deref();
            let bottom = recorded::draw(ui, origin, &columns, readings, plotted, to);
            if !schematic.stages.is_empty() {
                let chain_top = Pos2::new(origin.x, bottom + 40.0);
                draw_chain(ui, chain_top, &place(schematic), schematic, readings);
            }
        });
}

/// The scale under the chooser: the colours from the low end to the high end.
fn legend(ui: &mut egui::Ui, quantity: Quantity, rack: &RackCell) {
    let (low, high) = quantity.scale(rack);
    ui.label(format!("{low:.0}"));
    let (rect, _) = ui.allocate_exact_size(Vec2::new(160.0, 14.0), Sense::hover());
    let steps = 32;
    for i in 0..steps {
        let f = i as f32 / steps as f32;
        let x0 = rect.left() + f * rect.width();
        let part = Rect::from_min_max(
            Pos2::new(x0, rect.top()),
            Pos2::new(x0 + rect.width() / steps as f32 + 0.5, rect.bottom()),
        );
        let value = low + f64::from(f) * (high - low);
        ui.painter()
            .rect_filled(part, 0.0, on_scale(value, low, high));
    }
    ui.label(format!("{high:.0} {}", quantity.label()));
}

/// Cells in a row of a tile: about twice as wide as high.
fn cells_per_row(racks: usize) -> usize {
    ((racks as f64 * 2.0).sqrt().ceil() as usize).clamp(1, racks.max(1))
}

/// The size of a tile holding `racks` racks.
fn tile_size(racks: usize) -> Vec2 {
    let per_row = cells_per_row(racks);
    let rows = racks.div_ceil(per_row);
    Vec2::new(
        (per_row as f32 * (CELL + GAP) + GAP).max(104.0),
        TITLE + rows as f32 * (CELL + GAP) + GAP,
    )
}

/// The distance from one tile to the next: the largest tile and a margin.
fn tile_pitch(schematic: &Schematic) -> Vec2 {
    let largest = schematic
        .groups
        .iter()
        .map(|g| g.racks.len())
        .max()
        .unwrap_or(0);
    tile_size(largest) + Vec2::splat(8.0)
}

/// Draws the tiles from `origin`, `per_row` a row at least ([`TILES_PER_ROW`] at least);
/// returns the bottom of the grid.
fn draw_tiles(
    ui: &mut egui::Ui,
    origin: Pos2,
    per_row: usize,
    schematic: &Schematic,
    state: &State,
    readings: Option<Readings<'_>>,
    to: &Sender<Command>,
) -> f32 {
    let pitch = tile_pitch(schematic);
    let per_row = per_row.max(TILES_PER_ROW);
    let mut bottom = origin.y;
    for (i, group) in schematic.groups.iter().enumerate() {
        let (row, col) = (i / per_row, i % per_row);
        let min = origin + Vec2::new(col as f32 * pitch.x, row as f32 * pitch.y);
        let tile = Rect::from_min_size(min, tile_size(group.racks.len()));
        bottom = bottom.max(tile.bottom());
        let painter = ui.painter().clone();
        painter.rect_filled(tile, 3.0, ui.visuals().faint_bg_color);
        painter.text(
            tile.min + Vec2::new(GAP, 1.0),
            Align2::LEFT_TOP,
            &group.name,
            FontId::proportional(15.0),
            ui.visuals().text_color(),
        );
        let per_row = cells_per_row(group.racks.len());
        for (j, rack) in group.racks.iter().enumerate() {
            let at = tile.min
                + Vec2::new(
                    GAP + (j % per_row) as f32 * (CELL + GAP),
                    TITLE + (j / per_row) as f32 * (CELL + GAP),
                );
            let cell = Rect::from_min_size(at, Vec2::splat(CELL));
            draw_cell(ui, cell, group, rack, state, readings, to);
        }
    }
    bottom
}

/// One rack's cell: its colour, an outline over its limit or when selected, its values on
/// hover, and a click that plots it.
fn draw_cell(
    ui: &mut egui::Ui,
    cell: Rect,
    group: &RackGroup,
    rack: &RackCell,
    state: &State,
    readings: Option<Readings<'_>>,
    to: &Sender<Command>,
) {
    let quantity = state.colour_by;
    let value = (quantity.column(group, rack)).and_then(|c| readings.and_then(|r| r.get(&c)));
    let (low, high) = quantity.scale(rack);
    let fill = value.map_or(NO_VALUE, |v| on_scale(v, low, high));
    let response = ui.allocate_rect(cell, Sense::click());
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, rack.name.as_str()));
    let painter = ui.painter();
    painter.rect_filled(cell, 2.0, fill);
    let over = value.zip(quantity.limit(rack)).is_some_and(|(v, l)| v > l);
    let selected = state.selected_rack.as_deref() == Some(rack.name.as_str());
    if over || selected || response.hovered() {
        let colour = if over {
            Color32::RED
        } else {
            ui.visuals().strong_text_color()
        };
        painter.rect_stroke(cell, 2.0, Stroke::new(2.0, colour), StrokeKind::Outside);
    }
    if response.clicked() {
        send(to, Command::SelectRack(rack.name.clone()));
    }
    response.on_hover_ui(|ui| {
        ui.strong(&rack.name);
        for q in Quantity::ALL {
            let v = q
                .column(group, rack)
                .and_then(|c| readings.and_then(|r| r.get(&c)));
            let text = v.map_or_else(|| "not in the series".to_string(), |v| format!("{v:.1}"));
            ui.label(format!("{}: {text}", q.label()));
        }
        ui.label(format!(
            "design {:.0} kW, supply limit {:.0} °C, chip limit {:.0} °C",
            rack.design_kw, rack.supply_limit_c, rack.chip_limit_c
        ));
    });
}

/// Where each stage and loop of the chain sits: column and row.
struct Places {
    stages: Vec<(usize, usize)>,
    loops: HashMap<String, (usize, usize)>,
    racks: Option<(usize, usize)>,
}

/// Lays the chain out left to right as the heat goes: a stage stands one column after the loop
/// it takes heat from (or, if it only gives heat, after the loop it gives to), and the loop it
/// gives heat to one column after it.
fn place(schematic: &Schematic) -> Places {
    let mut rows: HashMap<usize, usize> = HashMap::new();
    let mut take = |col: usize| {
        let row = rows.entry(col).or_insert(0);
        *row += 1;
        (col, *row - 1)
    };
    let racks = (!schematic.groups.is_empty()).then(|| take(0));
    let mut loops: HashMap<String, (usize, usize)> = HashMap::new();
    let mut next = usize::from(racks.is_some());
    let mut stages = Vec::new();
    for stage in &schematic.stages {
        let after = |name: &Option<String>, loops: &HashMap<String, (usize, usize)>| {
            name.as_ref()
                .and_then(|n| loops.get(n))
                .map(|&(c, _)| c + 1)
        };
        let col = (after(&stage.from_loop, &loops))
            .or_else(|| after(&stage.to_loop, &loops))
            .unwrap_or(next);
        if let Some(from) = &stage.from_loop
            && !loops.contains_key(from)
        {
            let at = take(col);
            loops.insert(from.clone(), at);
        }
        let col = after(&stage.from_loop, &loops).unwrap_or(col);
        stages.push(take(col));
        if let Some(to) = &stage.to_loop
            && !loops.contains_key(to)
        {
            let at = take(col + 1);
            loops.insert(to.clone(), at);
        }
        next = next.max(col + 1);
    }
    for name in &schematic.loops {
        if !loops.contains_key(name) {
            let at = take(next);
            loops.insert(name.clone(), at);
            next += 1;
        }
    }
    Places {
        stages,
        loops,
        racks,
    }
}

impl Places {
    /// Columns and rows the chain takes.
    fn extent(&self) -> (usize, usize) {
        let all = || {
            self.stages
                .iter()
                .chain(self.loops.values())
                .chain(&self.racks)
        };
        let columns = all().map(|&(c, _)| c + 1).max().unwrap_or(1);
        let rows = all().map(|&(_, r)| r + 1).max().unwrap_or(1);
        (columns, rows)
    }

    /// The chain's width [points of the scene].
    fn width(&self) -> f32 {
        self.extent().0 as f32 * COLUMN
    }
}

/// The centre of a place of the chain.
fn centre(top_left: Pos2, (col, row): (usize, usize)) -> Pos2 {
    top_left
        + Vec2::new(
            col as f32 * COLUMN + BOX.x / 2.0,
            row as f32 * ROW + BOX.y / 2.0,
        )
}

/// Heat for a label: kW below a megawatt, MW above.
fn heat_text(kw: f64) -> String {
    if kw.abs() >= 1000.0 {
        format!("{:.2} MW", kw / 1000.0)
    } else {
        format!("{kw:.0} kW")
    }
}

/// Draws the plant chain from `top_left`.
fn draw_chain(
    ui: &mut egui::Ui,
    top_left: Pos2,
    places: &Places,
    schematic: &Schematic,
    readings: Option<Readings<'_>>,
) {
    let get = |c: &str| readings.and_then(|r| r.get(c));
    let text_colour = ui.visuals().text_color();
    let painter = ui.painter().clone();
    let rows = places.extent().1;
    // The loops: a bar as tall as the chain, its name on top.
    for (name, &(col, _)) in &places.loops {
        let x = centre(top_left, (col, 0)).x;
        let bar = Rect::from_min_max(
            Pos2::new(x - 5.0, top_left.y),
            Pos2::new(x + 5.0, top_left.y + rows as f32 * ROW),
        );
        painter.rect_filled(bar, 3.0, Color32::from_rgb(70, 120, 190));
        painter.text(
            bar.center_top() - Vec2::new(0.0, 4.0),
            Align2::CENTER_BOTTOM,
            format!("{name} loop"),
            FontId::proportional(18.0),
            text_colour,
        );
    }
    if let Some(at) = places.racks {
        let lines = [
            format!("Racks ({})", schematic.racks().count()),
            get("it_power_kw").map_or_else(String::new, |kw| format!("IT {}", heat_text(kw))),
            get("max_rack_supply_c").map_or_else(String::new, |c| format!("max supply {c:.1} °C")),
        ];
        stage_box(&painter, centre(top_left, at), &lines, text_colour);
    }
    for (stage, &at) in schematic.stages.iter().zip(&places.stages) {
        let c = centre(top_left, at);
        let heat: Option<f64> = (stage.edges.iter())
            .map(|e| get(&e.heat_column))
            .try_fold(0.0_f64, |sum, h| h.map(|h| sum.max(h.abs())));
        let lines = [
            format!("{} ({})", stage.kind.title(), stage.devices.len()),
            heat.map_or_else(String::new, heat_text),
            String::new(),
        ];
        stage_box(&painter, c, &lines, text_colour);
        for edge in &stage.edges {
            if let Some(&loop_at) = places.loops.get(&edge.loop_name) {
                let x = centre(top_left, loop_at).x;
                draw_edge(&painter, c, x, edge, get, text_colour);
            }
        }
    }
    // The racks' heat: into the CDUs, or straight into the loop they stand on.
    if let (Some(racks), Some(to)) = (places.racks, racks_heat_to(top_left, places, schematic)) {
        let from = centre(top_left, racks) + Vec2::new(BOX.x / 2.0, 0.0);
        arrow(&painter, from, to);
        if let Some(kw) = get("it_heat_to_liquid_kw") {
            painter.text(
                from.lerp(to, 0.5) - Vec2::new(0.0, 4.0),
                Align2::CENTER_BOTTOM,
                heat_text(kw),
                FontId::proportional(LABEL),
                text_colour,
            );
        }
    }
    let size = Vec2::new(places.width(), rows as f32 * ROW);
    ui.expand_to_include_rect(Rect::from_min_size(top_left, size));
}

/// Where the racks' heat goes on the chain: the CDUs' box, else the bar of the loop the racks
/// stand on (a group named after a drawn loop), at the racks' height.
fn racks_heat_to(top_left: Pos2, places: &Places, schematic: &Schematic) -> Option<Pos2> {
    let racks = centre(top_left, places.racks?);
    let cdus =
        (schematic.stages.iter().zip(&places.stages)).find(|(s, _)| s.kind == StageKind::Cdus);
    if let Some((_, &at)) = cdus {
        return Some(centre(top_left, at) - Vec2::new(BOX.x / 2.0, 0.0));
    }
    let group = schematic.groups.first()?;
    let &at = places.loops.get(&group.name)?;
    Some(Pos2::new(centre(top_left, at).x - 5.0, racks.y))
}

/// The colour of heat on its way.
const HEAT: Color32 = Color32::from_rgb(200, 90, 60);

/// A line from `from` to `to` with a head of fixed size at `to`.
fn arrow(painter: &egui::Painter, from: Pos2, to: Pos2) {
    let stroke = Stroke::new(2.0, HEAT);
    painter.line_segment([from, to], stroke);
    let back = (from - to).normalized() * 9.0;
    let side = back.rot90() * 0.5;
    painter.add(egui::Shape::convex_polygon(
        vec![to, to + back + side, to + back - side],
        HEAT,
        Stroke::NONE,
    ));
}

/// A stage's box with up to three lines of text.
fn stage_box(painter: &egui::Painter, centre: Pos2, lines: &[String; 3], colour: Color32) {
    let rect = Rect::from_center_size(centre, BOX);
    painter.rect_filled(rect, 6.0, Color32::from_gray(60));
    painter.rect_stroke(
        rect,
        6.0,
        Stroke::new(1.0, Color32::from_gray(140)),
        StrokeKind::Inside,
    );
    for (i, line) in lines.iter().enumerate() {
        painter.text(
            rect.center_top() + Vec2::new(0.0, 6.0 + i as f32 * 25.0),
            Align2::CENTER_TOP,
            line,
            FontId::proportional(if i == 0 { 20.0 } else { 18.0 }),
            colour,
        );
    }
}

/// Where a stage meets a loop: a line from the box to the loop's bar, an arrow the way the
/// heat goes, the water's temperatures in / out above, its flow and the heat below.
fn draw_edge(
    painter: &egui::Painter,
    stage_centre: Pos2,
    loop_x: f32,
    edge: &Edge,
    get: impl Fn(&str) -> Option<f64>,
    colour: Color32,
) {
    let side = if loop_x > stage_centre.x { 1.0 } else { -1.0 };
    let start = stage_centre + Vec2::new(side * BOX.x / 2.0, 0.0);
    let end = Pos2::new(loop_x - side * 5.0, stage_centre.y);
    let heat = get(&edge.heat_column);
    // Heat into the loop's water flows from the stage to the loop.
    let (from, to) = if heat.unwrap_or(0.0) >= 0.0 {
        (start, end)
    } else {
        (end, start)
    };
    arrow(painter, from, to);
    let middle = start.lerp(end, 0.5);
    let font = FontId::proportional(LABEL);
    // Short lines: in and out above the line, flow and heat below.
    if let (Some(t_in), Some(t_out)) = (get(&edge.in_column), get(&edge.out_column)) {
        let text = format!("{t_in:.1} / {t_out:.1} °C");
        painter.text(
            middle - Vec2::new(0.0, 3.0),
            Align2::CENTER_BOTTOM,
            text,
            font.clone(),
            colour,
        );
    }
    if let (Some(flow), Some(heat)) = (get(&edge.flow_column), heat) {
        let text = format!("{flow:.0} kg/s\n{}", heat_text(heat.abs()));
        painter.text(
            middle + Vec2::new(0.0, 3.0),
            Align2::CENTER_TOP,
            text,
            font,
            colour,
        );
    }
}
