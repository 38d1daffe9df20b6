//! What a run writes at each reporting step: the series' columns, and the KPI interval between
//! two snapshots (energies from the exact energy accounts, not from samples).

use crate::drive::Drive;
use crate::observe::RackState;
use crate::pattern::matches;
use crate::schematic::{edge_column, stage_links};
use crate::spec::Scenario;
use crate::variables::{self, NetworkValue};
use dctwin_components::heat_pump_unit;
use dctwin_components::rack::{self, variable};
use dctwin_kpi::Interval;
use dctwin_sim::plant::LinkThermal;
use dctwin_sim::{Plant, Snapshot};
use std::collections::HashMap;

/// Where each reported quantity sits in the snapshot.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Whether the model has open boundaries (and the totals their enthalpy).
    open: bool,
    /// Every column the run can write (the writer adds `time_s` first).
    pub names: Vec<String>,
    /// The columns `[output] columns` chose, as indices into `names` (all by default).
    written: Vec<usize>,
    /// Their names.
    written_names: Vec<String>,
    /// State index of each link's volume.
    state_of_link: Vec<Option<usize>>,
    /// Racks, in the drive's order.
    racks: Vec<RackAt>,
    /// Substations: link and inlet node.
    substations: Vec<(usize, usize)>,
    /// Heat-pump evaporator inlet nodes (the waste heat's temperature).
    evaporator_inlets: Vec<usize>,
    /// Per-device columns: exchangers, dry coolers, towers, heat pumps, every volume device's
    /// variables, the edges of the schematic, the racks'.
    devices: Vec<DeviceColumn>,
    /// Where each stage of the schematic meets a loop: its links there.
    edges: Vec<Vec<EdgeLink>>,
}

/// Where a rack's values are.
#[derive(Debug, Clone, Copy)]
struct RackAt {
    /// Its link.
    link: usize,
    /// Index of its first variable in the snapshot's device values.
    values: usize,
    /// The supply limit of its W class [K].
    supply_limit_k: f64,
}

/// A link where a stage meets a loop.
#[derive(Debug, Clone, Copy)]
struct EdgeLink {
    link: usize,
    from: usize,
    to: usize,
    /// The state of its volume when it is one mixing volume (its outlet temperature).
    volume: Option<usize>,
}

/// One per-device column.
#[derive(Debug, Clone, Copy)]
enum DeviceColumn {
    /// A volume's temperature [°C].
    VolumeC(usize),
    /// A device variable: its index in the snapshot's device values, and the factor and
    /// offset from SI to the column's unit.
    Device(usize, f64, f64),
    /// Where a stage meets a loop ([`crate::schematic::Edge`]), index into `edges`: the
    /// flow-mixed temperature entering its links [°C].
    EdgeInC(usize),
    /// The flow-mixed temperature leaving them [°C].
    EdgeOutC(usize),
    /// Their summed mass flow [kg/s].
    EdgeFlowKgS(usize),
    /// Their summed heat into the water [kW].
    EdgeHeatKw(usize),
    /// A node's or a link's own value (`[output] variables`).
    Network(NetworkValue),
}

/// Why a layout cannot be made: the `[output]` key at fault and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutError {
    /// The scenario key (`output.columns`, `output.variables`).
    pub key: &'static str,
    /// What is wrong.
    pub reason: String,
}

/// The facility totals of the racks, written only where there are racks.
const RACK_TOTALS: &[&str] = &["max_rack_supply_c", "peak_chip_c", "racks_over_class"];

/// The enthalpy carried through open boundaries, written only where the model has them: the
/// water entering brings `entered_kw`, the water leaving takes `left_kw` (from the fluid's
/// enthalpy reference; their difference is the heat the network's water gained from outside).
const BOUNDARY_TOTALS: &[&str] = &["entered_kw", "left_kw"];

/// The facility totals written at every step, with their units.
const TOTALS: &[&str] = &[
    "it_power_kw",
    "it_heat_to_liquid_kw",
    "pump_kw",
    "fan_kw",
    "heat_pump_kw",
    "boiler_kw",
    "rejected_kw",
    "reused_kw",
    "lost_kw",
    "heat_demand_kw",
    "outdoor_c",
    "water_kg_h",
    "max_rack_supply_c",
    "peak_chip_c",
    "racks_over_class",
    "heat_pump_units_on",
    // The step's own PUE and ERE (its energies through the run's formulas; 0 without IT).
    "pue",
    "ere",
];

impl Layout {
    /// The layout of `plant`'s reports; the racks in the order `driven` lists them. The error
    /// names an entry of `[output] variables` that names nothing, or a pattern of `columns`
    /// that matches no column.
    pub fn new(
        plant: &Plant,
        driven: &crate::drive::Driven,
        output: &crate::spec::OutputSpec,
    ) -> Result<Layout, LayoutError> {
        let mut state_of_link = vec![None; plant.links.len()];
        for (s, l) in plant.state_links().into_iter().enumerate() {
            state_of_link[l] = Some(s);
        }
        let net = &plant.network;
        let has_racks = !driven.racks.is_empty();
        let open = net.boundaries().next().is_some();
        let boundary_totals = BOUNDARY_TOTALS.iter().filter(|_| open);
        let mut layout = Layout {
            open,
            names: (TOTALS.iter())
                .filter(|name| has_racks || !RACK_TOTALS.contains(name))
                .chain(boundary_totals)
                .map(|s| s.to_string())
                .collect(),
            written: Vec::new(),
            written_names: Vec::new(),
            state_of_link,
            racks: Vec::new(),
            substations: Vec::new(),
            evaporator_inlets: Vec::new(),
            devices: Vec::new(),
            edges: Vec::new(),
        };
        let offsets: HashMap<usize, usize> = plant.device_value_offsets().into_iter().collect();
        for &(l, _) in &driven.racks {
            let supply_limit_k = (plant.device(l).into_iter())
                .flat_map(|d| d.watches())
                .find(|w| w.supply_limit)
                .map_or(f64::INFINITY, |w| w.limit);
            let values = (offsets.get(&l).copied()).ok_or_else(|| LayoutError {
                key: "output",
                reason: format!("link {l} of the drive's racks holds no device"),
            })?;
            layout.racks.push(RackAt {
                link: l,
                values,
                supply_limit_k,
            });
        }
        for &(l, _) in &driven.substations {
            layout.substations.push((l, net.links[l].from));
        }
        for c in &plant.couplings {
            if *c.coupling.kind() == heat_pump_unit::KIND {
                layout.evaporator_inlets.push(net.links[c.links[0]].from);
            }
        }
        if output.devices {
            layout.add_devices(plant, &offsets);
            layout.add_edges(plant);
        }
        if output.racks {
            layout.add_racks(driven);
        }
        for entry in &output.variables {
            layout
                .add_variables(plant, entry)
                .map_err(|reason| LayoutError {
                    key: "output.variables",
                    reason,
                })?;
        }
        layout.written = match &output.columns {
            None => (0..layout.names.len()).collect(),
            Some(patterns) => select(&layout.names, patterns).map_err(|reason| LayoutError {
                key: "output.columns",
                reason,
            })?,
        };
        layout.written_names = (layout.written.iter())
            .map(|&i| layout.names[i].clone())
            .collect();
        Ok(layout)
    }

    /// The names of the columns written, in order.
    pub fn written_columns(&self) -> &[String] {
        &self.written_names
    }

    /// The columns of `[output] variables` entry `entry` (those already written once).
    fn add_variables(&mut self, plant: &Plant, entry: &str) -> Result<(), String> {
        for (name, value) in variables::columns(plant, &self.state_of_link, entry)? {
            if !self.names.contains(&name) {
                self.names.push(name);
                self.devices.push(DeviceColumn::Network(value));
            }
        }
        Ok(())
    }

    /// Each rack's IT power, outlet and chip temperature.
    fn add_racks(&mut self, driven: &crate::drive::Driven) {
        for (i, name) in driven.rack_names.iter().enumerate() {
            let RackAt { link, values, .. } = self.racks[i];
            for (label, column) in [
                (
                    "it_kw",
                    DeviceColumn::Device(values + variable::IT_POWER, 1e-3, 0.0),
                ),
                ("outlet_c", DeviceColumn::VolumeC(link)),
                (
                    "chip_c",
                    DeviceColumn::Device(values + variable::CHIP, 1.0, -273.15),
                ),
            ] {
                self.names.push(format!("{name}.{label}"));
                self.devices.push(column);
            }
        }
    }

    /// The columns of each edge of the schematic: where a stage meets a loop.
    fn add_edges(&mut self, plant: &Plant) {
        let net = &plant.network;
        for stage in stage_links(plant) {
            for (loop_name, links) in &stage.sides {
                let edge = (links.iter())
                    .map(|&l| EdgeLink {
                        link: l,
                        from: net.links[l].from,
                        to: net.links[l].to,
                        // A volume's temperature is its outlet's; a chain's (a tank's
                        // layers) is read at its end nodes instead.
                        volume: match &plant.links[l] {
                            LinkThermal::Volume { segments: 1, .. } if plant.chain(l).is_none() => {
                                self.state_of_link[l]
                            }
                            _ => None,
                        },
                    })
                    .collect();
                let e = self.edges.len();
                self.edges.push(edge);
                for (quantity, column) in [
                    ("in_c", DeviceColumn::EdgeInC(e)),
                    ("out_c", DeviceColumn::EdgeOutC(e)),
                    ("flow_kg_s", DeviceColumn::EdgeFlowKgS(e)),
                    ("heat_kw", DeviceColumn::EdgeHeatKw(e)),
                ] {
                    self.names
                        .push(edge_column(stage.kind, loop_name, quantity));
                    self.devices.push(column);
                }
            }
        }
    }

    /// The temperatures entering and leaving edge `e`'s links, mixed by their flows (plain
    /// means where nothing flows) [K].
    fn edge_k(&self, s: &Snapshot, e: usize) -> (f64, f64) {
        let (mut flow, mut t_in, mut t_out, mut n) = (0.0, 0.0, 0.0, 0.0);
        let (mut mean_in, mut mean_out) = (0.0, 0.0);
        for x in &self.edges[e] {
            let m = s.flow_kg_s[x.link];
            let (up, down) = if m >= 0.0 {
                (x.from, x.to)
            } else {
                (x.to, x.from)
            };
            let entering = s.node_k[up];
            let leaving = x.volume.map_or(s.node_k[down], |v| s.volume_k[v]);
            flow += m.abs();
            t_in += m.abs() * entering;
            t_out += m.abs() * leaving;
            mean_in += entering;
            mean_out += leaving;
            n += 1.0;
        }
        if flow > 1e-9 {
            (t_in / flow, t_out / flow)
        } else {
            (mean_in / n, mean_out / n)
        }
    }

    fn add_devices(&mut self, plant: &Plant, offsets: &HashMap<usize, usize>) {
        let name = |l: usize| plant.network.links[l].name.to_string();
        let mut add = |label: String, column: DeviceColumn| {
            self.names.push(label);
            self.devices.push(column);
        };
        // Every coupling with each variable (a CDU's supply and primary flow, a heat pump's
        // leaving waters, heat and electric power).
        for (c, &first) in plant.couplings.iter().zip(&plant.coupling_value_offsets()) {
            for (v, variable) in c.coupling.kind().variables.iter().enumerate() {
                let (unit, scale, offset) = variable.quantity.display();
                let column = DeviceColumn::Device(first + v, scale, offset);
                add(format!("{}.{}_{unit}", c.name, variable.name), column);
            }
        }
        // Every volume device but the racks (which have their own columns) with each variable.
        for (l, device) in plant.devices() {
            let kind = device.kind();
            if *kind == rack::KIND {
                continue;
            }
            let Some(&first) = offsets.get(&l) else {
                continue;
            };
            for (v, variable) in kind.variables.iter().enumerate() {
                let (unit, scale, offset) = variable.quantity.display();
                let column = DeviceColumn::Device(first + v, scale, offset);
                add(format!("{}.{}_{unit}", name(l), variable.name), column);
            }
        }
    }

    /// The temperature of link `l`'s volume [K] in `s`.
    fn volume_k(&self, s: &Snapshot, l: usize) -> f64 {
        self.state_of_link[l].map_or(f64::NAN, |i| s.volume_k[i])
    }

    /// Rack `i`'s variable `v` ([`variable`]) in `s`.
    fn rack_value(&self, s: &Snapshot, i: usize, v: usize) -> f64 {
        s.device_values[self.racks[i].values + v]
    }

    /// The highest rack supply and chip temperatures [K] (`None` without racks), and how many
    /// racks' supply is over their class limit by more than `tolerance_k`.
    fn rack_extremes(&self, s: &Snapshot, tolerance_k: f64) -> (Option<f64>, Option<f64>, u32) {
        let mut max_supply: f64 = 0.0;
        let mut max_chip: f64 = 0.0;
        let mut over = 0;
        for (i, rack) in self.racks.iter().enumerate() {
            let supply = self.rack_value(s, i, variable::SUPPLY);
            let chip = self.rack_value(s, i, variable::CHIP);
            max_supply = max_supply.max(supply);
            max_chip = max_chip.max(chip);
            if supply > rack.supply_limit_k + tolerance_k {
                over += 1;
            }
        }
        match self.racks.is_empty() {
            true => (None, None, over),
            false => (Some(max_supply), Some(max_chip), over),
        }
    }

    /// The KPI interval from `prev` to `now` and the series row at `now`.
    pub fn record(
        &self,
        scenario: &Scenario,
        drive: &Drive,
        prev: &Snapshot,
        now: &Snapshot,
    ) -> (Interval, Vec<f64>) {
        let dt = now.time_s - prev.time_s;
        let mean = |a: f64, b: f64| (b - a) / dt;
        let (e0, e1) = (&prev.energy, &now.energy);
        let from = drive.step_of(prev.time_s);
        let to = drive.step_of(now.time_s - 1e-6) + 1;
        let last = to - 1;
        let it_w = drive.mean_it_power_w(from, to);
        let liquid_w = mean(e0.it_heat_j, e1.it_heat_j);
        let boiler_w = mean(e0.boiler_j, e1.boiler_j);
        let consumers_w = mean(e0.reused_j, e1.reused_j);
        let water_kg = now.water_used_kg - prev.water_used_kg;
        let (max_supply, peak_chip, over) =
            self.rack_extremes(now, scenario.kpi.supply_tolerance_k);
        let t = &now.totals;
        let interval = Interval {
            start_s: drive.grid.start_s + prev.time_s,
            duration_s: dt,
            it_power_w: it_w,
            it_heat_to_liquid_w: liquid_w,
            conversion_loss_w: it_w * (1.0 / scenario.it.conversion_efficiency - 1.0),
            pump_w: t.pump_electric_w,
            fan_w: t.fan_electric_w,
            heat_pump_w: mean(e0.heat_pump_work_j, e1.heat_pump_work_j).max(0.0),
            chiller_w: 0.0,
            other_facility_w: if scenario.it.room_air_handling {
                (it_w - liquid_w).max(0.0) / scenario.it.room_air_cop
            } else {
                0.0
            },
            boiler_heat_w: boiler_w.max(0.0),
            // The data centre's heat the consumers used: what they took, less what the backup
            // boiler made (the boiler is the campus's, outside the boundary).
            reused_heat_w: (consumers_w - boiler_w).max(0.0),
            reused_supply_k: self.delivery_k(now),
            rejected_heat_w: mean(e0.rejected_j, e1.rejected_j).max(0.0),
            water_kg: water_kg.max(0.0),
            grid_kg_co2_per_kwh: scenario.kpi.grid_kg_co2_per_kwh,
            max_supply_k: max_supply,
            peak_chip_k: peak_chip,
            racks_over_class: over,
            onsite_renewable_w: None,
            waste_heat_k: self.waste_heat_k(now),
        };
        let demand_w = drive
            .demand_w
            .as_ref()
            .map_or(drive.driven.design_demand_w(), |d| d[last]);
        let air = drive.air_at(last);
        let mut row = vec![
            it_w / 1e3,
            liquid_w / 1e3,
            t.pump_electric_w / 1e3,
            t.fan_electric_w / 1e3,
            interval.heat_pump_w / 1e3,
            interval.boiler_heat_w / 1e3,
            interval.rejected_heat_w / 1e3,
            interval.reused_heat_w / 1e3,
            mean(e0.lost_j, e1.lost_j) / 1e3,
            demand_w / 1e3,
            air.dry_bulb_k - 273.15,
            water_kg / dt * 3600.0,
        ];
        if let (Some(supply_k), Some(chip_k)) = (max_supply, peak_chip) {
            row.extend([supply_k - 273.15, chip_k - 273.15, f64::from(over)]);
        }
        row.push(t.heat_pump_units_on as f64);
        let own = interval.kpis();
        row.extend([own.pue, own.ere].map(|r| r.unwrap_or(0.0)));
        if self.open {
            row.extend([
                mean(e0.entered_j, e1.entered_j) / 1e3,
                mean(e0.left_j, e1.left_j) / 1e3,
            ]);
        }
        for d in &self.devices {
            row.push(match *d {
                DeviceColumn::VolumeC(l) => self.volume_k(now, l) - 273.15,
                DeviceColumn::EdgeInC(e) => self.edge_k(now, e).0 - 273.15,
                DeviceColumn::EdgeOutC(e) => self.edge_k(now, e).1 - 273.15,
                DeviceColumn::EdgeFlowKgS(e) => self.edges[e]
                    .iter()
                    .map(|x| now.flow_kg_s[x.link].abs())
                    .sum(),
                DeviceColumn::EdgeHeatKw(e) => {
                    self.edges[e]
                        .iter()
                        .map(|x| now.heat_w[x.link])
                        .sum::<f64>()
                        / 1e3
                }
                DeviceColumn::Device(v, scale, offset) => now.device_values[v] * scale + offset,
                DeviceColumn::Network(value) => value.of(now),
            });
        }
        if self.written.len() < row.len() {
            row = self.written.iter().map(|&i| row[i]).collect();
        }
        (interval, row)
    }

    /// Each rack's state at `now` (its IT power of the step that ended there).
    pub fn rack_states(&self, drive: &Drive, now: &Snapshot) -> Vec<RackState> {
        (self.racks.iter().enumerate())
            .map(|(i, rack)| RackState {
                name: drive.driven.rack_names[i].clone(),
                it_power_w: self.rack_value(now, i, variable::IT_POWER),
                inlet_k: self.rack_value(now, i, variable::SUPPLY),
                outlet_k: self.volume_k(now, rack.link),
                chip_k: self.rack_value(now, i, variable::CHIP),
                supply_limit_k: rack.supply_limit_k,
            })
            .collect()
    }

    /// Temperature at which the consumers receive the heat [K] (mean of their inlets).
    fn delivery_k(&self, s: &Snapshot) -> f64 {
        mean_of(self.substations.iter().map(|&(_, n)| s.node_k[n])).unwrap_or(0.0)
    }

    /// Temperature of the waste heat where the heat pumps take it [K].
    fn waste_heat_k(&self, s: &Snapshot) -> Option<f64> {
        mean_of(self.evaporator_inlets.iter().map(|&n| s.node_k[n]))
    }
}

/// The columns `patterns` choose, in the order of `names` (each once). `*` in a pattern
/// matches any text, so `"*.supply_c"` is every CDU's supply.
fn select(names: &[String], patterns: &[String]) -> Result<Vec<usize>, String> {
    let mut chosen = vec![false; names.len()];
    for pattern in patterns {
        let mut any = false;
        for (i, name) in names.iter().enumerate() {
            if matches(pattern, name) {
                chosen[i] = true;
                any = true;
            }
        }
        if !any {
            let some: Vec<&str> = names.iter().take(6).map(String::as_str).collect();
            return Err(format!(
                "'{pattern}' matches no column (the run has {} columns: {}, …; `devices` and \
                 `racks` add per-device columns)",
                names.len(),
                some.join(", ")
            ));
        }
    }
    Ok((0..names.len()).filter(|&i| chosen[i]).collect())
}

/// Mean of some values, `None` if there are none.
fn mean_of(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selection_keeps_the_order_of_the_run_and_names_a_pattern_that_matches_nothing() {
        let names: Vec<String> = ["a_c", "b_kw", "x.supply_c"].map(String::from).to_vec();
        let picked = select(&names, &["*_c".into(), "a_c".into()]).unwrap();
        assert_eq!(picked, [0, 2]);
        let err = select(&names, &["nope".into()]).unwrap_err();
        assert!(err.contains("'nope'") && err.contains("a_c"), "{err}");
    }
}
