//! The analytic Jacobian of the transient right-hand side against central differences of the
//! right-hand side itself, on plants with every kind of coupling and chain of states.

use dctwin_components::coupling::Side;
use dctwin_components::heat_exchanger::{FlowArrangement, HeatExchanger};
use dctwin_network::Network;
use dctwin_sim::Plant;
use dctwin_sim::dynamics::Dynamics;
use dctwin_sim::plant_of;
use dctwin_sim::precondition::SparseRows;
use dctwin_tests::plants::k;
use std::path::Path;

/// Two loops (pump, a pipe of four segments with its wall, losing heat, a 300 kW source, a
/// cooler at a set-point; the second a pump and a pipe of three segments) joined by an
/// exchanger.
fn two_loops() -> Plant {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/two-loops.toml");
    let facility = dctwin_model::load(Path::new(path)).unwrap_or_else(|e| panic!("{e}"));
    let mut plant = Plant::new(Network::from_facility(&facility));
    let x = HeatExchanger::new(FlowArrangement::CounterFlow, 30e3, 8.3, 5.5).unwrap();
    plant.attach_exchanger("hx", "a.hx", "b.hx", x).unwrap();
    plant
}

/// One loop through a 200 kW heat source, a four-layer 2 m³ tank (entered at its top or its
/// bottom) and a cooling tower; a heat-pump bank lifts heat from the tank's outlet pipe.
fn tank_and_tower(inlet: &str) -> Plant {
    let text = dctwin_model::fixture::pumped_loop(
        "tank and tower",
        "c",
        32.0,
        "flow_setpoint_m3_h = 28.8",
    ) + &format!(
        r#"
[[loop.component]]
kind = "heat_source"
name = "load"
from = "discharge"
to = "tank_in"
heat_kw = 200
[[loop.component]]
kind = "tank"
name = "tank"
from = "tank_in"
to = "tank_out"
volume_m3 = 2.0
layers = 4
inlet = "{inlet}"
ua_w_k = 50
[[loop.component]]
kind = "resistance"
name = "evaporator"
from = "tank_out"
to = "tower_in"
dp_nominal_bar = 0.1
flow_nominal_m3_h = 28.8
[[loop.component]]
kind = "cooling_tower"
name = "tower"
from = "tower_in"
to = "suction"
design_heat_kw = 200
design_water_in_c = 35
design_water_out_c = 29
design_wet_bulb_c = 21
fan_power_kw = 3
dp_nominal_bar = 0.3
flow_nominal_m3_h = 28.8
[[loop]]
name = "h"
fluid = "water"
initial_temperature_c = 60.0
[[loop.component]]
kind = "pressurisation"
name = "h.vessel"
node = "h.suction"
pressure_bar = 2.0
[[loop.component]]
kind = "pump"
name = "h.pump"
from = "h.suction"
to = "h.out"
control = "flow"
efficiency = 0.75
flow_setpoint_m3_h = 5
[[loop.component]]
kind = "resistance"
name = "condenser"
from = "h.out"
to = "h.suction"
dp_nominal_bar = 0.1
flow_nominal_m3_h = 5
[[loop.component]]
kind = "heat_pump"
name = "hp"
evaporator = "evaporator"
condenser = "condenser"
heating_capacity_kw = 40
units = 2
supply_setpoint_c = 65
"#
    );
    let facility = dctwin_model::parse(&text, std::path::Path::new("tt.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut plant, _) = plant_of(&facility).unwrap();
    // Staged for 60 kW: condenser water arriving 10 K below the set-point at the flow
    // that takes it.
    let water = dctwin_fluid::Fluid::water();
    let lift_j_kg = water.enthalpy_j_kg(k(65.0)) - water.enthalpy_j_kg(k(55.0));
    let side = |inlet_k, mass_flow_kg_s| Side {
        fluid: &water,
        inlet_k,
        leaving_k: inlet_k,
        mass_flow_kg_s,
    };
    let sides = [side(k(30.0), 2.0), side(k(55.0), 60e3 / lift_j_kg)];
    let bank = &mut plant.couplings[0].coupling;
    bank.control(&sides, 60.0);
    assert_eq!(bank.units_on(), 2, "60 kW needs both 40 kW units");
    plant
}

/// The analytic Jacobian times a vector matches a central difference of the right-hand
/// side to 1e-4 of the largest entry (its heat laws are forward differences over 1 mK:
/// errors of about 1e-6 relative), with the states 10 K apart and a difference step of 2 mK,
/// beyond the tangent's reach, so the conversion between states and temperatures is checked: two loops joined by an exchanger (with pipes of
/// several segments, one with its wall and a loss), and a loop with
/// a stratified tank (entered at either end, with inversions between its layers), a
/// cooling tower and a heat pump.
#[test]
fn jacobian_matches_difference_quotients() {
    for plant in [two_loops(), tank_and_tower("top"), tank_and_tower("bottom")] {
        check_jacobian(&plant);
    }
}

fn check_jacobian(plant: &Plant) {
    use dctwin_network::hydraulic::{HydraulicSolver, HydraulicState};
    let mut plant = plant.clone();
    let mut state = HydraulicState::cold(&plant.network);
    HydraulicSolver::new(&plant.network)
        .solve(&plant.network, &mut state)
        .unwrap();
    let mut dynamics = Dynamics::new(&plant);
    plant.set_coupling_flows(&state.mass_flow_kg_s);
    dynamics.set_flows(&plant, &state.mass_flow_kg_s).unwrap();
    let n = dynamics.len();
    let temperatures = dynamics.temperatures();
    // A state away from balance: every volume at its own temperature.
    let mut y = dynamics.initial_state();
    for (s, t) in y[..temperatures].iter_mut().enumerate() {
        *t += 10.0 * ((s as f64) * 1.7).sin();
    }
    let mut jacobian = SparseRows::default();
    dynamics.jacobian(&plant, &y, &mut jacobian);
    assert_eq!(jacobian.rows(), n);
    for k in 0..4 {
        let v: Vec<f64> = (0..n)
            .map(|s| {
                if s < temperatures {
                    ((s * 7 + k * 3) as f64).cos()
                } else {
                    0.0
                }
            })
            .collect();
        let mut jv = vec![0.0; n];
        jacobian.multiply(&v, &mut jv);
        let eps = 2e-3;
        let (mut plus, mut minus) = (vec![0.0; n], vec![0.0; n]);
        let shifted =
            |sign: f64| -> Vec<f64> { y.iter().zip(&v).map(|(y, v)| y + sign * eps * v).collect() };
        dynamics.evaluate(&plant, &shifted(1.0), &mut plus);
        dynamics.evaluate(&plant, &shifted(-1.0), &mut minus);
        let fd: Vec<f64> = plus
            .iter()
            .zip(&minus)
            .map(|(p, m)| (p - m) / (2.0 * eps))
            .collect();
        // Temperatures and energy accounts have their own scales.
        for range in [0..temperatures, temperatures..n] {
            let scale = fd[range.clone()].iter().fold(0.0f64, |a, d| a.max(d.abs()));
            for i in range {
                assert!(
                    (jv[i] - fd[i]).abs() <= 1e-4 * scale + 1e-12,
                    "row {i} of {n}, direction {k}: {} vs {}",
                    jv[i],
                    fd[i]
                );
            }
        }
    }
}
