//! Controllers acting at each control step: PI loops that hold a temperature by moving a valve
//! or a pump's speed; the devices that hold their own set-point (the fans of dry coolers and
//! cooling towers, through the device contract's control hook); the heat pumps' demand, which
//! their staging follows (between control steps the running units follow the load themselves:
//! `dynamics/`).

use crate::dynamics::Dynamics;
use crate::plant::{Heat, LinkThermal, NO_FLOW_KG_S, Plant};
use dctwin_components::controller::PiController;
use dctwin_components::{Component, PumpControl};

/// What a control loop measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measured {
    /// A node's mixed temperature.
    Node(usize),
    /// The temperature of a link's volume (its outlet).
    Volume(usize),
}

/// What a control loop moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actuator {
    /// A valve's opening (0..1).
    ValveOpening(usize),
    /// A pump's relative speed (the pump is then speed-controlled).
    PumpSpeed(usize),
}

/// A PI loop.
#[derive(Debug, Clone)]
pub struct ControlLoop {
    /// Name (for reports).
    pub name: String,
    /// What it measures.
    pub measured: Measured,
    /// What it moves.
    pub actuator: Actuator,
    /// The controller, with its set-point, gains, limits and direction.
    pub pi: PiController,
}

/// All controllers of a plant.
#[derive(Debug, Clone, Default)]
pub struct Controllers {
    /// The PI loops.
    pub loops: Vec<ControlLoop>,
}

impl Controllers {
    /// Run every controller for a step of `dt_s` seconds from the volumes' temperatures
    /// `volume_k` [K] (by state).
    pub fn act(&mut self, plant: &mut Plant, dynamics: &Dynamics, volume_k: &[f64], dt_s: f64) {
        for c in &mut self.loops {
            let measured_k = match c.measured {
                Measured::Node(n) => dynamics.node_k[n],
                Measured::Volume(l) => dynamics.state_of_link[l]
                    .map_or(dynamics.node_k[plant.network.links[l].to], |s| volume_k[s]),
            };
            let u = c.pi.update(measured_k, dt_s);
            match c.actuator {
                Actuator::ValveOpening(l) => {
                    if let Component::Valve(v) = &mut plant.network.links[l].component {
                        v.opening = u;
                    }
                }
                Actuator::PumpSpeed(l) => {
                    if let Component::Pump(p) = &mut plant.network.links[l].component {
                        p.control = PumpControl::Speed { speed: u };
                    }
                }
            }
        }
        control_devices(plant, dynamics, volume_k);
        follow_heating_load(plant, dynamics);
        stage_heat_pumps(plant, dt_s);
    }
}

/// Devices that hold their own set-point (the fans of a dry cooler or a cooling tower) set
/// themselves for the water arriving now ([`Dynamics::device_water`]).
fn control_devices(plant: &mut Plant, dynamics: &Dynamics, volume_k: &[f64]) {
    let Plant { network, links, .. } = plant;
    for (l, link) in links.iter_mut().enumerate() {
        let LinkThermal::Volume {
            heat: Heat::Device(d),
            ..
        } = link
        else {
            continue;
        };
        if !d.controls_itself() {
            continue;
        }
        d.control(&dynamics.device_water(network, l, volume_k));
    }
}

/// Each bank's units switched for its demand ([`dctwin_components::heat_pump_staging::BankStaging`]).
fn stage_heat_pumps(plant: &mut Plant, dt_s: f64) {
    for hp in &mut plant.heat_pumps {
        let unit = hp.bank.unit();
        let (capacity, min_part_load) = (unit.rated_capacity_w(), unit.min_part_load());
        let units = hp.bank.units();
        (hp.staging).update(hp.demand_w, capacity, min_part_load, units, dt_s);
    }
}

/// Heat pumps deliver what brings their condenser water from its inlet to the set-point.
fn follow_heating_load(plant: &mut Plant, dynamics: &Dynamics) {
    for hp in &mut plant.heat_pumps {
        let l = hp.condenser_link;
        let m = dynamics.flow_kg_s[l];
        let inlet = plant.network.upstream(l, m);
        hp.demand_w = if m.abs() > NO_FLOW_KG_S {
            hp.load_to_setpoint_w(&plant.network, m, dynamics.node_k[inlet])
        } else {
            0.0
        };
    }
}
