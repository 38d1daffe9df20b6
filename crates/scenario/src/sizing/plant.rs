//! The plant at the design point: each device's and coupling's variables there, and the size
//! each proposes for itself for the duty it meets there (a dry cooler's coils and fans for the
//! design day, a heat-pump bank's capacity for the sink's peak).

use super::edge::at_edge;
use super::group::{gather, generic_name};
use crate::design::{DesignPoint, Resize, recovery_is_off};
use dctwin_components::coupling::Side;
use dctwin_components::device::{Account, Variable, Water};
use dctwin_components::proposal::Proposal;
use dctwin_sim::setting::Setting;
use serde::Serialize;

/// A plant device (a dry cooler, a tower, a heat-pump bank, a boiler, a substation, a tank; a
/// template's together, its first instance shown) and its variables at the design point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceAtDesign {
    /// Its name (a template's device named once).
    pub name: String,
    /// Its kind's key.
    pub kind: &'static str,
    /// Instances.
    pub count: usize,
    /// Each variable: name, value and unit at the edge (°C, kW, kg/s, or none).
    pub values: Vec<(&'static str, f64, &'static str)>,
}

/// A plant device's proposal for its own size at the design point (a template's together, at
/// the instance asking most).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceProposal {
    /// Its name (a template's device named once).
    pub name: String,
    /// Its kind's key.
    pub kind: &'static str,
    /// Instances.
    pub count: usize,
    /// Whether it was sized with the heat recovery off (a rejecter in a model with heat
    /// pumps: heat reuse cannot be counted on to cool the IT).
    pub recovery_off: bool,
    /// The duty it must do there.
    pub duty: String,
    /// Its figures as installed and as needed, the one that sizes it first.
    pub figures: Vec<ProposedFigure>,
    /// What set the needed size, or why none will do.
    pub limited_by: String,
    /// Whether it does the duty as installed.
    pub installed_suffices: bool,
}

/// One figure of a proposal, at the edge (°C, kW, kW/K, or a plain number).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposedFigure {
    /// What it is.
    pub name: &'static str,
    /// Its unit at the edge (empty for a plain number).
    pub unit: &'static str,
    /// As installed.
    pub installed: f64,
    /// As needed; `None` where no size will do.
    pub needed: Option<f64>,
}

impl DeviceProposal {
    fn of(
        name: String,
        kind: &'static str,
        count: usize,
        recovery_off: bool,
        p: Proposal,
    ) -> DeviceProposal {
        let edge = |q: Option<dctwin_components::units::Quantity>, x: f64| match q {
            Some(q) => at_edge(q, x),
            None => (x, ""),
        };
        let figures = (p.figures.iter())
            .map(|f| ProposedFigure {
                name: f.name,
                unit: edge(f.quantity, f.installed).1,
                installed: edge(f.quantity, f.installed).0,
                needed: f.needed.map(|x| edge(f.quantity, x).0),
            })
            .collect();
        DeviceProposal {
            name,
            kind,
            count,
            recovery_off,
            duty: p.duty,
            figures,
            limited_by: p.limited_by,
            installed_suffices: p.installed_suffices,
        }
    }
}

/// Every device but the racks (their limits say what matters) and every coupling, with their
/// variables at the design point; a template's together, its first instance shown.
pub fn devices(point: &DesignPoint) -> Vec<DeviceAtDesign> {
    let plant = &point.plant;
    let values = &point.snapshot.device_values;
    let mut shown: Vec<(String, &'static str, &[Variable], usize)> = Vec::new();
    for (l, at) in plant.device_value_offsets() {
        let Some(kind) = plant.device(l).map(|d| d.kind()) else {
            continue;
        };
        if kind.key != "rack" {
            let name = generic_name(&plant.network.links[l].name);
            shown.push((name, kind.key, kind.variables, at));
        }
    }
    for (c, at) in plant.couplings.iter().zip(plant.coupling_value_offsets()) {
        let kind = c.coupling.kind();
        shown.push((generic_name(&c.name), kind.key, kind.variables, at));
    }
    let keyed = shown
        .into_iter()
        .map(|(name, kind, variables, at)| (name, (kind, variables, at)));
    (gather(keyed, |_, _| false).into_iter())
        .map(|(name, count, (kind, variables, at))| DeviceAtDesign {
            name,
            kind,
            count,
            values: (variables.iter().enumerate())
                .map(|(i, v)| {
                    let (x, unit) = at_edge(v.quantity, values[at + i]);
                    (v.name, x, unit)
                })
                .collect(),
        })
        .collect()
}

/// The water on link `l` of `point`'s network at rest, as a device reads it.
fn water_at(point: &DesignPoint, l: usize) -> Water<'_> {
    let r = &point.rest.steady.links[l];
    Water {
        fluid: point.plant.network.fluid_of(l),
        inlet_k: r.inlet_k,
        volume_k: r.outlet_k,
        mass_flow_kg_s: r.mass_flow_kg_s.abs(),
        layers_k: &[],
    }
}

/// The parameter settings that give each device the size it proposes at `point`, for every
/// device that can be resized so, or only those that fall short (`only_short`).
pub fn resizes(point: &DesignPoint, only_short: bool) -> Vec<Resize> {
    (0..point.plant.network.links.len())
        .filter_map(|l| {
            let proposal = point.plant.device(l)?.proposal(&water_at(point, l))?;
            let (parameter, value) = proposal.resize?;
            (!only_short || !proposal.installed_suffices).then_some(Resize {
                setting: Setting::Device {
                    link: l,
                    name: parameter,
                },
                value,
            })
        })
        .collect()
}

/// What every device and coupling that proposes a size for itself asks for at the design
/// point `point`, with the water it has there; the rejecters (dry coolers, towers) at
/// `rejecters`, the same point with the heat recovery off where the model has heat pumps
/// ([`crate::design::heat_recovery_off`]). A coupling is also told the heat the rest of its
/// side 0's loop rejects to the air: heat a heat-pump bank could take instead.
pub fn proposals(point: &DesignPoint, rejecters: &DesignPoint) -> Vec<DeviceProposal> {
    let recovery_off = recovery_is_off(&rejecters.plant);
    let from_devices = (0..point.plant.network.links.len()).filter_map(|l| {
        let rejecter = point.plant.device(l)?.account() == Account::Rejected;
        let at = if rejecter { rejecters } else { point };
        let device = at.plant.device(l)?;
        let proposal = device.proposal(&water_at(at, l))?;
        let name = generic_name(&at.plant.network.links[l].name);
        let off = rejecter && recovery_off;
        Some((name, (device.kind().key, off, proposal)))
    });
    let plant = &point.plant;
    let network = &plant.network;
    let steady = &point.rest.steady;
    let side = |l: usize| Side {
        fluid: network.fluid_of(l),
        inlet_k: steady.links[l].inlet_k,
        leaving_k: steady.links[l].outlet_k,
        mass_flow_kg_s: steady.links[l].mass_flow_kg_s.abs(),
    };
    let rejected_in_loop_w = |loop_index: usize| -> f64 {
        (0..network.links.len())
            .filter(|&l| network.links[l].loop_index == loop_index)
            .filter_map(|l| plant.device(l).map(|d| (l, d)))
            .filter(|(_, d)| d.account() == Account::Rejected)
            .map(|(l, d)| -d.heat_w(&water_at(point, l)))
            .sum()
    };
    let from_couplings = plant.couplings.iter().filter_map(|c| {
        let sides = c.links.map(side);
        let rejected_w = rejected_in_loop_w(network.links[c.links[0]].loop_index);
        let proposal = c.coupling.proposal(&sides, rejected_w)?;
        Some((
            generic_name(&c.name),
            (c.coupling.kind().key, false, proposal),
        ))
    });
    let asks_more =
        |a: &(&str, bool, Proposal), b: &(&str, bool, Proposal)| a.2.demand() > b.2.demand();
    (gather(from_devices.chain(from_couplings), asks_more).into_iter())
        .map(|(name, count, (kind, off, p))| DeviceProposal::of(name, kind, count, off, p))
        .collect()
}
