//! The hydraulic state: flows, pressures and the discrete status of links. Kept between solves,
//! it is the warm start of the next one.

use crate::graph::Network;
use dctwin_components::{Component, FluidState, HeatDuty, PumpControl};

/// Flows, pressures and statuses of every link and node.
#[derive(Debug, Clone)]
pub struct HydraulicState {
    /// Mass flow of each link, from → to [kg/s].
    pub mass_flow_kg_s: Vec<f64>,
    /// Pressure at each node [Pa].
    pub pressure_pa: Vec<f64>,
    /// Whether each check valve is open (true for links that are not check valves).
    pub check_open: Vec<bool>,
    /// Whether each pump's drive is at its speed limit, unable to hold its set-point.
    pub pump_limited: Vec<bool>,
    /// Flow each heat consumer's valve holds [kg/s] (0 for other links).
    pub consumer_flow_kg_s: Vec<f64>,
    /// Fluid properties of each link at its mean temperature.
    pub fluid: Vec<FluidState>,
    /// Last 1/√f of each pipe's friction iteration, its next starting point (0: none).
    pub friction_hint: Vec<f64>,
}

/// Velocity used to guess pipe flows on a cold start [m/s].
const FIRST_GUESS_VELOCITY_M_S: f64 = 0.5;

impl HydraulicState {
    /// A cold start: every loop at its initial temperature, flows guessed from each component's
    /// nominal data, pressures at the pressurisation pressure.
    pub fn cold(network: &Network) -> HydraulicState {
        let fluid: Vec<FluidState> = network
            .links
            .iter()
            .map(|l| {
                let lp = &network.loops[l.loop_index];
                let t = lp.initial_temperature_k;
                FluidState {
                    density_kg_m3: lp.fluid.density_kg_m3(t),
                    viscosity_pa_s: lp.fluid.viscosity_pa_s(t),
                }
            })
            .collect();
        let mass_flow_kg_s = network
            .links
            .iter()
            .zip(&fluid)
            .map(|(l, f)| first_guess_flow(&l.component, f))
            .collect();
        let pressure_pa = network
            .node_loop
            .iter()
            .map(|&l| network.loops[l].pressurisation_pa)
            .collect();
        let n = network.links.len();
        HydraulicState {
            mass_flow_kg_s,
            pressure_pa,
            check_open: vec![true; n],
            pump_limited: vec![false; n],
            consumer_flow_kg_s: vec![0.0; n],
            fluid,
            friction_hint: vec![0.0; n],
        }
    }
}

fn first_guess_flow(c: &Component, f: &FluidState) -> f64 {
    match c {
        Component::Pipe(p) => f.density_kg_m3 * p.area_m2() * FIRST_GUESS_VELOCITY_M_S,
        Component::Resistance(r) => r.flow_nominal_kg_s,
        Component::CheckValve(v) => v.open.flow_nominal_kg_s,
        Component::HeatSource(h) => match (&h.resistance, h.duty) {
            (Some(r), _) => r.flow_nominal_kg_s,
            (None, HeatDuty::Fixed { .. } | HeatDuty::OutletSetpoint { .. }) => 0.0,
        },
        // Flow at 10 kPa across the valve: Kv·√0.1 m³/h.
        Component::Valve(v) => v.kv_m3_h() * 0.1f64.sqrt() / 3600.0 * f.density_kg_m3,
        Component::Pump(p) => match (p.control, &p.curve) {
            (PumpControl::Flow { setpoint_kg_s }, _) => setpoint_kg_s,
            (_, Some(c)) => 0.5 * c.max_flow_m3_s * f.density_kg_m3,
            (_, None) => 0.0,
        },
        Component::HeatConsumer(_) => 0.0,
        Component::Boundary(b) => b.first_guess_kg_s(),
    }
}
