//! What the app draws of a facility, for any model: its racks grouped by the template instance
//! that holds them (a container), and its plant as a chain of stages joined by loops. It is built
//! from the plant when a run starts, written beside the series (`schematic.json`) and carried by
//! every snapshot, so a finished run and a live one are drawn alike.
//!
//! It holds names, limits and the names of series columns, never values: the app reads the
//! values of those columns at its cursor (from the series or from the latest snapshot).

use dctwin_components::{
    boiler, cooling_tower_unit, district, dry_cooler_unit, heat_exchanger_unit, heat_pump_unit,
    rack, storage_tank,
};
use dctwin_sim::Plant;
use dctwin_sim::plant::CouplingUnit;
use serde::{Deserialize, Serialize};

/// A facility as the app draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schematic {
    /// The model's name.
    pub model: String,
    /// The racks, by the instance that holds them, in the model's order.
    pub groups: Vec<RackGroup>,
    /// The plant's stages, in the order the heat passes them.
    pub stages: Vec<Stage>,
    /// The loops that join the stages (those not generated from a template).
    pub loops: Vec<String>,
}

/// The racks of one template instance (`container[3]`), or of one loop where racks stand
/// outside any template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RackGroup {
    /// The instance's name (`container[3]`) or the loop's.
    pub name: String,
    /// The column of the coolant supply its racks get [°C]: what its CDU delivers when an
    /// exchanger cools the group's loop, or the facility's highest rack supply when the racks
    /// stand on a plant loop as its only group.
    pub supply_column: Option<String>,
    /// Its racks.
    pub racks: Vec<RackCell>,
}

/// One rack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RackCell {
    /// Its component's name (`container[3].rack[2].cold_plates`); its columns are this name
    /// followed by `.it_kw`, `.outlet_c` and `.chip_c`.
    pub name: String,
    /// Design IT power [kW].
    pub design_kw: f64,
    /// The supply limit of its ASHRAE W class [°C].
    pub supply_limit_c: f64,
    /// The chip (case) temperature limit [°C].
    pub chip_limit_c: f64,
}

impl RackCell {
    /// The name of this rack's series column of `quantity` (`it_kw`, `outlet_c`, `chip_c`).
    pub fn column(&self, quantity: &str) -> String {
        format!("{}.{quantity}", self.name)
    }
}

/// What a stage of the plant does with the heat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// Exchangers that take the racks' heat into a plant loop (coolant distribution units).
    Cdus,
    /// Dry coolers rejecting heat to the air.
    DryCoolers,
    /// Wet cooling towers.
    CoolingTowers,
    /// Heat pumps lifting waste heat into a heating loop.
    HeatPumps,
    /// Stratified storage tanks.
    Tanks,
    /// Backup boilers.
    Boilers,
    /// The consumers of the heat (district substations: the campus).
    Consumers,
}

impl StageKind {
    /// How the stage is titled.
    pub fn title(self) -> &'static str {
        match self {
            StageKind::Cdus => "CDUs",
            StageKind::DryCoolers => "Dry coolers",
            StageKind::CoolingTowers => "Cooling towers",
            StageKind::HeatPumps => "Heat pumps",
            StageKind::Tanks => "Tanks",
            StageKind::Boilers => "Boilers",
            StageKind::Consumers => "Campus",
        }
    }
}

/// A stage of the plant: the devices of one kind, the loop they take heat from and the loop
/// they give it to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// What the stage does.
    pub kind: StageKind,
    /// Its devices' names.
    pub devices: Vec<String>,
    /// The loop it takes heat from, if it stands on one that the schematic draws.
    pub from_loop: Option<String>,
    /// The loop it gives heat to.
    pub to_loop: Option<String>,
    /// Where it meets each drawn loop.
    pub edges: Vec<Edge>,
}

/// Where a stage meets a loop: the water its devices take from the loop and give back, and
/// the heat they put into it (negative: take out). Columns of the stage's links on that loop
/// together: temperatures mixed by flow, flows and heats summed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// The loop.
    pub loop_name: String,
    /// Temperature of the water entering the stage's devices [°C].
    pub in_column: String,
    /// Temperature of the water leaving them [°C].
    pub out_column: String,
    /// Mass flow through them [kg/s].
    pub flow_column: String,
    /// Heat into the loop's water there [kW] (negative: the stage takes it).
    pub heat_column: String,
}

/// The name of an edge's column: `heat_pumps@campus.out_c`.
pub fn edge_column(kind: StageKind, loop_name: &str, quantity: &str) -> String {
    format!("{}@{loop_name}.{quantity}", kind.key())
}

impl StageKind {
    /// The stage's key in column names.
    pub fn key(self) -> &'static str {
        match self {
            StageKind::Cdus => "cdus",
            StageKind::DryCoolers => "dry_coolers",
            StageKind::CoolingTowers => "cooling_towers",
            StageKind::HeatPumps => "heat_pumps",
            StageKind::Tanks => "tanks",
            StageKind::Boilers => "boilers",
            StageKind::Consumers => "consumers",
        }
    }
}

/// The instance that holds a loop: its name up to the last `]` (`container[3].secondary` →
/// `container[3]`), or the loop's own name outside templates.
fn instance_of(loop_name: &str) -> &str {
    loop_name
        .rfind(']')
        .map_or(loop_name, |end| &loop_name[..=end])
}

/// The loops the schematic draws: those that stand on their own, not generated from a
/// template (their names hold no `[`), so 50 containers' secondary loops are left inside their
/// tiles.
pub fn drawn_loops(plant: &Plant) -> Vec<String> {
    (plant.network.loops.iter())
        .filter(|l| !l.name.contains('['))
        .map(|l| l.name.to_string())
        .collect()
}

impl Schematic {
    /// The schematic of `plant`, a model called `model`.
    pub fn of(plant: &Plant, model: &str) -> Schematic {
        let stages = (stage_links(plant).into_iter())
            .map(|s| Stage {
                edges: (s.sides.iter())
                    .map(|(loop_name, _)| Edge {
                        in_column: edge_column(s.kind, loop_name, "in_c"),
                        out_column: edge_column(s.kind, loop_name, "out_c"),
                        flow_column: edge_column(s.kind, loop_name, "flow_kg_s"),
                        heat_column: edge_column(s.kind, loop_name, "heat_kw"),
                        loop_name: loop_name.clone(),
                    })
                    .collect(),
                kind: s.kind,
                devices: s.devices,
                from_loop: s.from_loop,
                to_loop: s.to_loop,
            })
            .collect();
        Schematic {
            model: model.to_string(),
            groups: rack_groups(plant),
            stages,
            loops: drawn_loops(plant),
        }
    }

    /// Every rack, in the groups' order.
    pub fn racks(&self) -> impl Iterator<Item = &RackCell> {
        self.groups.iter().flat_map(|g| g.racks.iter())
    }
}

fn rack_groups(plant: &Plant) -> Vec<RackGroup> {
    let net = &plant.network;
    let mut groups: Vec<RackGroup> = Vec::new();
    for (l, rack) in plant.devices() {
        if *rack.kind() != rack::KIND {
            continue;
        }
        let loop_index = net.links[l].loop_index;
        let group = instance_of(&net.loops[loop_index].name).to_string();
        let limit_c = |alarm: &str| {
            (rack.watches().into_iter())
                .find(|w| w.alarm == alarm)
                .map_or(f64::INFINITY, |w| w.limit - 273.15)
        };
        let cell = RackCell {
            name: net.links[l].name.to_string(),
            design_kw: rack.get("it_power").unwrap_or(0.0) / 1e3,
            supply_limit_c: limit_c("supply_over_class"),
            chip_limit_c: limit_c("chip_over_limit"),
        };
        match groups.iter_mut().find(|g| g.name == group) {
            Some(g) => g.racks.push(cell),
            None => {
                let cdu =
                    (exchangers(plant)).find(|x| net.links[x.links[0]].loop_index == loop_index);
                groups.push(RackGroup {
                    name: group,
                    supply_column: cdu.map(|x| format!("{}.supply_c", x.name)),
                    racks: vec![cell],
                });
            }
        }
    }
    if let [only] = groups.as_mut_slice() {
        only.supply_column
            .get_or_insert_with(|| "max_rack_supply_c".to_string());
    }
    groups
}

/// A stage with the links of its devices on each drawn loop (what its edge columns sum).
#[derive(Debug, Clone)]
pub struct StageLinks {
    /// What the stage does.
    pub kind: StageKind,
    /// Its devices' names.
    pub devices: Vec<String>,
    /// The drawn loop it takes heat from.
    pub from_loop: Option<String>,
    /// The drawn loop it gives heat to.
    pub to_loop: Option<String>,
    /// Each drawn loop it meets, with its devices' links there.
    pub sides: Vec<(String, Vec<usize>)>,
}

/// One device of a stage: its name, and the link by which it takes heat from a loop and the
/// one by which it gives heat to a loop.
struct Item {
    name: String,
    from: Option<usize>,
    to: Option<usize>,
}

fn item(name: &str, from: Option<usize>, to: Option<usize>) -> Item {
    Item {
        name: name.to_string(),
        from,
        to,
    }
}

/// The plant's stages, in the order the heat passes them, each with its links on the loops
/// the schematic draws.
pub fn stage_links(plant: &Plant) -> Vec<StageLinks> {
    let net = &plant.network;
    let drawn = drawn_loops(plant);
    // The drawn loop of link `l`, if it is drawn.
    let loop_of = |l: usize| {
        let name = &net.loops[net.links[l].loop_index].name;
        (drawn.iter().any(|d| **d == **name)).then(|| name.to_string())
    };
    let gather = |kind: StageKind, items: Vec<Item>| {
        if items.is_empty() {
            return None;
        }
        let mut sides: Vec<(String, Vec<usize>)> = Vec::new();
        for l in items.iter().flat_map(|i| [i.from, i.to]).flatten() {
            let Some(name) = loop_of(l) else { continue };
            match sides.iter_mut().find(|(n, _)| *n == name) {
                Some((_, links)) if !links.contains(&l) => links.push(l),
                Some(_) => {}
                None => sides.push((name, vec![l])),
            }
        }
        Some(StageLinks {
            kind,
            from_loop: items.iter().find_map(|i| i.from.and_then(loop_of)),
            to_loop: items.iter().find_map(|i| i.to.and_then(loop_of)),
            devices: items.into_iter().map(|i| i.name).collect(),
            sides,
        })
    };
    let mut boilers = Vec::new();
    let mut consumers = Vec::new();
    for (l, device) in plant.devices() {
        let kind = device.kind();
        if *kind == boiler::KIND {
            boilers.push(item(&net.links[l].name, None, Some(l)));
        } else if *kind == district::KIND {
            consumers.push(item(&net.links[l].name, Some(l), None));
        }
    }
    let on = |link: usize| Some(link);
    [
        gather(
            StageKind::Cdus,
            (exchangers(plant))
                .map(|x| item(&x.name, on(x.links[0]), on(x.links[1])))
                .collect(),
        ),
        gather(
            StageKind::DryCoolers,
            (plant.devices())
                .filter(|(_, d)| *d.kind() == dry_cooler_unit::KIND)
                .map(|(l, _)| item(&net.links[l].name, on(l), None))
                .collect(),
        ),
        gather(
            StageKind::CoolingTowers,
            (plant.devices())
                .filter(|(_, d)| *d.kind() == cooling_tower_unit::KIND)
                .map(|(l, _)| item(&net.links[l].name, on(l), None))
                .collect(),
        ),
        gather(
            StageKind::HeatPumps,
            (plant.couplings.iter())
                .filter(|c| *c.coupling.kind() == heat_pump_unit::KIND)
                .map(|h| item(&h.name, on(h.links[0]), on(h.links[1])))
                .collect(),
        ),
        gather(
            StageKind::Tanks,
            (plant.devices())
                .filter(|(_, d)| *d.kind() == storage_tank::KIND)
                .map(|(l, _)| item(&net.links[l].name, on(l), on(l)))
                .collect(),
        ),
        gather(StageKind::Boilers, boilers),
        gather(StageKind::Consumers, consumers),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The plant's heat exchangers (its CDUs).
fn exchangers(plant: &Plant) -> impl Iterator<Item = &CouplingUnit> {
    (plant.couplings.iter()).filter(|c| *c.coupling.kind() == heat_exchanger_unit::KIND)
}
