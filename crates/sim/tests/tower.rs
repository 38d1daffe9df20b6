//! A cooling tower inside a transient run built from a model file: at its design point (design
//! flow, inlet and wet bulb) the water leaves at the wet bulb plus the design approach, its
//! make-up water is what the component computes, its fans and heat go to the totals; with a
//! warmer set-point the fans slow down to hold it.

use dctwin_components::cooling_tower_unit::CoolingTowerUnit;
use dctwin_components::psychrometrics::Psychrometrics;
use dctwin_fluid::Fluid;
use dctwin_sim::{Settings, Simulation, Snapshot, plant_of};
use std::ops::ControlFlow;

const C: f64 = 273.15;
/// Design point of the tower: 2 MW from 35 °C to 29 °C at a 21 °C wet bulb.
const DESIGN_W: f64 = 2e6;
const DESIGN_IN_C: f64 = 35.0;
const DESIGN_OUT_C: f64 = 29.0;
const WET_BULB_C: f64 = 21.0;

/// A loop: pump at the tower's design flow, an ideal plant holding the design inlet, the tower
/// holding `setpoint_c`; the air at 30 °C with the design wet bulb.
fn tower_loop(setpoint_c: f64) -> Simulation {
    let water = Fluid::water();
    let h = |t_c: f64| water.enthalpy_j_kg(t_c + C);
    let design_flow_kg_s = DESIGN_W / (h(DESIGN_IN_C) - h(DESIGN_OUT_C));
    let text = dctwin_model::fixture::pumped_loop(
        "tower loop",
        "loop",
        30.0,
        &format!("flow_setpoint_kg_s = {design_flow_kg_s}"),
    ) + &format!(
        r#"
[[loop.component]]
kind = "heat_source"
name = "load"
from = "discharge"
to = "tower_in"
outlet_temperature_c = {DESIGN_IN_C}
[[loop.component]]
kind = "cooling_tower"
name = "tower"
from = "tower_in"
to = "suction"
design_heat_kw = {design_kw}
design_water_in_c = {DESIGN_IN_C}
design_water_out_c = {DESIGN_OUT_C}
design_wet_bulb_c = {WET_BULB_C}
fan_power_kw = 20
leaving_setpoint_c = {setpoint_c}
dp_nominal_bar = 0.3
flow_nominal_kg_s = {design_flow_kg_s}
"#,
        design_kw = DESIGN_W / 1e3
    );
    let facility = dctwin_model::parse(&text, std::path::Path::new("tower.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (plant, controllers) = plant_of(&facility).unwrap();
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    sim.plant.outdoor = Psychrometrics::default().air_from_wet_bulb(30.0 + C, WET_BULB_C + C);
    sim
}

/// The tower device of the loop.
fn tower_unit(sim: &Simulation) -> &CoolingTowerUnit {
    let l = sim.plant.link("tower").expect("a tower link");
    (sim.plant.device(l))
        .and_then(|d| d.as_any().downcast_ref::<CoolingTowerUnit>())
        .expect("a cooling tower")
}

fn run(sim: &mut Simulation, end_s: f64) -> Vec<Snapshot> {
    let mut out = Vec::new();
    sim.run(end_s, 600.0, &mut |_: f64, _: &mut _| {}, &mut |s| {
        out.push(s.clone());
        ControlFlow::Continue(())
    })
    .unwrap();
    out
}

/// At design the fans run at full speed and the water leaves at wet bulb + approach, 29 °C,
/// to 1e-4 K (the fan search resolves 1e-9 of full speed, the design calibration 1e-10 K; the
/// rest is the integrator's 1e-7 relative). Over the last 10 minutes the water account grew by
/// the component's make-up (evaporation + drift + blow-down) at the tower's operating point,
/// to 1e-5 relative (both integrate a constant), the rejected heat is the component's, and the
/// totals carry its fans; the energy balance closes.
#[test]
fn at_design_the_tower_leaves_at_the_wet_bulb_plus_its_approach() {
    let mut sim = tower_loop(DESIGN_OUT_C);
    let history = run(&mut sim, 4.0 * 3600.0);
    let tower_link = sim.plant.link("tower").unwrap();
    let leaving = sim.link_temperature_k(tower_link).unwrap();
    let unit = *tower_unit(&sim);
    let inlet = sim.node_temperatures_k()[sim.plant.network.node_index("tower_in").unwrap()];
    let m = sim.flows_kg_s()[tower_link];
    let wet_bulb = unit.tower.psychrometrics.wet_bulb_of_k(sim.plant.outdoor);
    let op = unit
        .tower
        .operate(&Fluid::water(), inlet, m, wet_bulb, unit.fan_speed);
    println!(
        "fans {:.9}, inlet {:.6} °C, leaving {:.6} °C, approach {:.6} K, make-up {:.4} kg/s",
        unit.fan_speed,
        inlet - C,
        leaving - C,
        leaving - wet_bulb,
        op.makeup_kg_s
    );
    assert!((wet_bulb - (WET_BULB_C + C)).abs() < 1e-6, "{wet_bulb}");
    assert!(unit.fan_speed > 1.0 - 1e-6, "{}", unit.fan_speed);
    assert!((inlet - (DESIGN_IN_C + C)).abs() < 1e-4, "{inlet}");
    let design_approach = DESIGN_OUT_C - WET_BULB_C;
    assert!(
        (leaving - (wet_bulb + design_approach)).abs() < 1e-4,
        "leaving {leaving}"
    );
    let (a, b) = (&history[history.len() - 2], &history[history.len() - 1]);
    let water_kg_s = (b.water_used_kg - a.water_used_kg) / (b.time_s - a.time_s);
    assert!(op.evaporation_kg_s > 0.0 && op.blowdown_kg_s > 0.0 && op.drift_kg_s > 0.0);
    let makeup = op.evaporation_kg_s + op.drift_kg_s + op.blowdown_kg_s;
    assert!(
        (water_kg_s - makeup).abs() < 1e-5 * makeup,
        "{water_kg_s} vs {makeup}"
    );
    let rejected_w = (b.energy.rejected_j - a.energy.rejected_j) / (b.time_s - a.time_s);
    assert!((rejected_w - op.heat_rejected_w).abs() < 1e-5 * op.heat_rejected_w);
    assert!(
        (rejected_w - DESIGN_W).abs() < 1e-4 * DESIGN_W,
        "{rejected_w}"
    );
    assert!((b.totals.fan_electric_w - unit.tower.fan.power_w(unit.fan_speed)).abs() < 1e-6);
    assert!((b.totals.rejected_w - op.heat_rejected_w).abs() < 1e-5 * op.heat_rejected_w);
    let balance = sim.energy_balance();
    println!("{balance}");
    assert!(balance.relative_residual().abs() < 1e-9, "{balance}");
}

/// With a set-point 2 K above what full fans reach, the fans slow down (by the cube law, well
/// under full power) and the water leaves at the set-point, to 1e-3 K (the fan speed is held
/// over each minute while the tower's own small volume settles within seconds).
#[test]
fn the_fans_hold_a_warmer_setpoint() {
    let mut sim = tower_loop(DESIGN_OUT_C + 2.0);
    let history = run(&mut sim, 2.0 * 3600.0);
    let leaving = sim
        .link_temperature_k(sim.plant.link("tower").unwrap())
        .unwrap();
    let speed = tower_unit(&sim).fan_speed;
    println!("fans {speed:.4}, leaving {:.5} °C", leaving - C);
    assert!(
        (leaving - (DESIGN_OUT_C + 2.0 + C)).abs() < 1e-3,
        "{leaving}"
    );
    assert!(speed > 0.2 && speed < 0.9, "{speed}");
    let fans = history.last().unwrap().totals.fan_electric_w;
    assert!(fans < 0.75 * 20e3, "{fans}");
}
