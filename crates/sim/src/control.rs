//! Controllers acting at each control step: PI loops that hold a temperature by moving a valve
//! or a pump's speed; the devices that hold their own set-point (the fans of dry coolers and
//! cooling towers, through the device contract's control hook); the couplings that switch
//! themselves (a heat-pump bank's staging, through the coupling contract's; between control
//! steps the running units follow the load themselves: `dynamics/`).

use crate::dynamics::Dynamics;
use crate::plant::{Heat, LinkThermal, Plant};
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
        control_couplings(plant, dynamics, volume_k, dt_s);
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

/// Couplings that switch themselves (a heat-pump bank staging its units for the load that
/// brings its condenser water to the set-point) do so for the water on their sides now.
fn control_couplings(plant: &mut Plant, dynamics: &Dynamics, volume_k: &[f64], dt_s: f64) {
    let Plant {
        network, couplings, ..
    } = plant;
    for c in couplings
        .iter_mut()
        .filter(|c| c.coupling.controls_itself())
    {
        let sides = dynamics.coupling_sides(network, c.links, volume_k);
        c.coupling.control(&sides, dt_s);
    }
}
