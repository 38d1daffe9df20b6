//! A stratified tank inside a transient run built from a model file: fed at a constant
//! temperature, a fully mixed (one-layer) tank follows the analytical lag, a ten-layer one keeps
//! its outlet cold until the front arrives, and the energy balance (every layer's energy stored)
//! closes.

use dctwin_sim::plant::LinkThermal;
use dctwin_sim::{Settings, Simulation, plant_of};
use std::ops::ControlFlow;

/// A loop: pump, an ideal plant holding 60 °C, a 20 m³ tank of `layers` layers; everything
/// starts at 40 °C. `ua_w_k` is the tank's loss to a 20 °C room.
fn tank_loop(layers: usize, ua_w_k: f64, settings: Settings) -> Simulation {
    let text =
        dctwin_model::fixture::pumped_loop("tank loop", "loop", 40.0, "flow_setpoint_m3_h = 18")
            + &format!(
                r#"
[[loop.component]]
kind = "heat_source"
name = "feed"
from = "discharge"
to = "tank_top"
outlet_temperature_c = 60
dp_nominal_bar = 0.2
flow_nominal_m3_h = 18
[[loop.component]]
kind = "tank"
name = "tank"
from = "tank_top"
to = "suction"
volume_m3 = 20.0
height_m = 5.0
layers = {layers}
ua_w_k = {ua_w_k}
ambient_temperature_c = 20
"#
            );
    let facility = dctwin_model::parse(&text, std::path::Path::new("tank.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (plant, controllers) = plant_of(&facility).unwrap();
    let mut sim = Simulation::new(plant, 0.0, settings).unwrap();
    sim.controllers = controllers;
    sim
}

/// The water in the tank [kg]: its layers' mass.
fn tank_mass_kg(sim: &Simulation) -> f64 {
    let tank = sim.plant.device(sim.plant.link("tank").unwrap()).unwrap();
    tank.volume().mass_kg * tank.layers().unwrap() as f64
}

/// Run to `end_s`, returning (time, tank outlet temperature, the tank's layers) each minute.
fn run(sim: &mut Simulation, end_s: f64) -> Vec<(f64, f64, Vec<f64>)> {
    let tank = sim.plant.link("tank").unwrap();
    let first = sim
        .plant
        .state_links()
        .iter()
        .position(|&l| l == tank)
        .unwrap();
    let layers = sim.plant.device(tank).and_then(|d| d.layers()).unwrap();
    let outlet = sim.plant.network.node_index("suction").unwrap();
    let mut out = Vec::new();
    sim.run(end_s, 60.0, &mut |_: f64, _: &mut _| {}, &mut |s| {
        let profile = s.volume_k[first..first + layers].to_vec();
        out.push((s.time_s, s.node_k[outlet], profile));
        ControlFlow::Continue(())
    })
    .unwrap();
    out
}

/// One layer is a fully mixed tank fed by the ideal plant's own small volume: two lags in
/// series in enthalpy (both laws are linear in h with constant masses), so
/// h(t) = h_in + (h_0 − h_in)·(τ₂e^(−t/τ₂) − τ₁e^(−t/τ₁))/(τ₂ − τ₁), τ = M/ṁ, checked every
/// minute over 3.6 τ₂. Integrated at rtol 1e-10 so that the comparison sees the model, not the
/// integrator: tolerance 3e-5 K (measured 8e-6 K; at the default rtol 1e-7 the global error
/// of the minute-long restarted BDF runs is about 7e-4 K).
#[test]
fn a_fully_mixed_tank_is_the_analytical_lag() {
    let tight = Settings {
        relative_tolerance: 1e-10,
        absolute_tolerance_k: 1e-8,
        ..Settings::default()
    };
    let mut sim = tank_loop(1, 0.0, tight);
    let water = dctwin_fluid::Fluid::water();
    let tank_mass = tank_mass_kg(&sim);
    let feed = sim.plant.link("feed").unwrap();
    let LinkThermal::Volume { volume, .. } = &sim.plant.links[feed] else {
        panic!("the feed holds a volume");
    };
    let feed_mass = volume.mass_kg;
    let history = run(&mut sim, 4.0 * 3600.0);
    let m = sim.flows_kg_s()[sim.plant.link("tank").unwrap()];
    let (tau_1, tau_2) = (feed_mass / m, tank_mass / m);
    let (h_in, h_0) = (water.enthalpy_j_kg(333.15), water.enthalpy_j_kg(313.15));
    let mut worst: f64 = 0.0;
    for (t, _, layers) in &history {
        let outlet = layers[0];
        let shape = (tau_2 * (-t / tau_2).exp() - tau_1 * (-t / tau_1).exp()) / (tau_2 - tau_1);
        let exact = water.temperature_from_enthalpy_k(h_in + (h_0 - h_in) * shape);
        worst = worst.max((outlet - exact).abs());
    }
    println!(
        "τ₁ {tau_1:.1} s, τ₂ {tau_2:.1} s: worst {worst:.2e} K over {} minutes",
        history.len()
    );
    assert!(worst < 3e-5, "{worst} K");
    let balance = sim.energy_balance();
    assert!(balance.relative_residual().abs() < 1e-9, "{balance}");
}

/// Ten layers charged with half a tank volume of water 20 K warmer: the bottom layer (the
/// outlet) has risen by less than 5 % of the step, as upwind plug flow through ten layers gives
/// (the Erlang tail P(Poisson(5) ≥ 10) = 3.2 %; the feed's own lag only delays the front), while
/// the mixed tank's outlet has risen by 1 − e^(−1/2) = 39 %. The layers stay stably stratified
/// (top warmest), and with losses to the room the energy balance, every layer's energy in the
/// store, closes to 1e-9.
#[test]
fn a_stratified_tank_keeps_its_outlet_cold_until_the_front_arrives() {
    let mut stratified = tank_loop(10, 30.0, Settings::default());
    let mass = tank_mass_kg(&stratified);
    let m = 18.0 / 3600.0 * dctwin_fluid::Fluid::water().density_kg_m3(313.15);
    let half_volume_s = (0.5 * mass / m / 60.0).round() * 60.0;
    let history = run(&mut stratified, half_volume_s);
    let (_, outlet, profile) = history.last().unwrap();
    let rise = outlet - 313.15;
    println!("after {half_volume_s} s: outlet +{rise:.3} K, layers {profile:?}");
    assert!(rise > 0.0 && rise < 0.05 * 20.0, "{rise} K");
    assert!(
        profile.windows(2).all(|p| p[0] >= p[1] - 1e-6),
        "{profile:?}"
    );
    assert!(
        profile[0] > 313.15 + 19.0,
        "the top is charged: {profile:?}"
    );
    let mut mixed = tank_loop(1, 30.0, Settings::default());
    let (_, mixed_outlet, _) = run(&mut mixed, half_volume_s).last().cloned().unwrap();
    assert!(mixed_outlet - 313.15 > 0.3 * 20.0, "{mixed_outlet}");
    for sim in [&stratified, &mixed] {
        let balance = sim.energy_balance();
        println!("{balance}");
        assert!(balance.lost_j > 0.0);
        assert!(balance.relative_residual().abs() < 1e-9, "{balance}");
    }
}

/// A tank's layers are its own states: a heat exchanger naming the tank as one of its sides
/// is refused with the tank's name, not run with a tank half taken over.
#[test]
fn no_other_device_takes_over_a_tank() {
    let text = dctwin_model::fixture::pumped_loop(
        "tank taken over",
        "loop",
        40.0,
        "flow_setpoint_m3_h = 18",
    ) + r#"
[[loop.component]]
kind = "resistance"
name = "hx.side"
from = "discharge"
to = "tank_top"
dp_nominal_bar = 0.2
flow_nominal_m3_h = 18
[[loop.component]]
kind = "tank"
name = "tank"
from = "tank_top"
to = "suction"
volume_m3 = 2.0
[[loop.component]]
kind = "heat_exchanger"
name = "hx"
hot_side = "tank"
cold_side = "hx.side"
design_hot_flow_m3_h = 18
design_cold_flow_m3_h = 18
ua_kw_k = 10
"#;
    let facility = dctwin_model::parse(&text, std::path::Path::new("taken.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let err = plant_of(&facility).unwrap_err().to_string();
    assert!(err.contains("'tank': it is a tank whose layers"), "{err}");
}
