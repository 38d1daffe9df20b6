//! A temperature sensor in the loop (Modelica Buildings' `TemperatureTwoPortSensor` with
//! `transferHeat`): with water flowing it reads the water within its short lag; when the pump
//! stops, the sensor drifts toward the room as the closed form says, and the standing water at
//! its node follows the volumes beside it as the main loses heat to the ground, instead of
//! keeping its last temperature.

use dctwin_components::PumpControl;
use dctwin_sim::{Plant, Settings, Simulation, plant_of};
use std::ops::ControlFlow;

/// The fixture's loop (18 m³/h) with a source holding 60 °C and a sensor after it: 2 s at
/// 5 kg/s, losing heat to a 20 °C room over 600 s.
fn model() -> dctwin_model::Facility {
    let text = dctwin_model::fixture::pumped_loop(
        "sensed",
        "loop",
        40.0,
        "flow_setpoint_m3_h = 18",
    ) + "[[loop.component]]\nkind = \"heat_source\"\nname = \"source\"\nfrom = \"discharge\"\n\
           to = \"feed\"\noutlet_temperature_c = 60\ndp_nominal_bar = 0.2\nflow_nominal_m3_h = 18\n\
           [[loop.component]]\nkind = \"pipe\"\nname = \"main\"\nfrom = \"feed\"\nto = \"suction\"\n\
           length_m = 100\ninner_diameter_mm = 100\nr_m_k_w = 0.5\nambient_temperature_c = 10\n\
           [[loop.component]]\nkind = \"temperature_sensor\"\nname = \"feed.sensor\"\nnode = \"feed\"\n\
           nominal_flow_kg_s = 5\ntime_constant_s = 2\nheat_loss_time_s = 600\n\
           ambient_temperature_c = 20\n";
    dctwin_model::parse(&text, std::path::Path::new("sensed.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The model's sensor (2 s at 5 kg/s, 600 s to a 20 °C room) from `start_k` after `elapsed_s`
/// in water at `water_k` flowing at `flow_kg_s`: a first-order approach, at the rate k/τ +
/// 1/τ_loss, to the balance between water and room [K].
fn closed_form_k(start_k: f64, water_k: f64, flow_kg_s: f64, elapsed_s: f64) -> f64 {
    let exchange = flow_kg_s.abs() / 5.0 / 2.0;
    let rate = exchange + 1.0 / 600.0;
    let balance = (exchange * water_k + 293.15 / 600.0) / rate;
    balance + (start_k - balance) * (-rate * elapsed_s).exp()
}

/// The reading is the closed form's within 0.05 K: the integrator's relative tolerance, 1e-5
/// of a 330 K state, is about 3 mK a step.
fn assert_reads(reading_k: f64, expected_k: f64, time_s: f64) {
    assert!(
        (reading_k - expected_k).abs() < 0.05,
        "{time_s} s: {reading_k} vs {expected_k}"
    );
}

/// An hour with the pump running: after the first minutes the reading is where its exchange
/// with the water (k/τ, k = ṁ/ṁ_nominal) balances its loss to the room (1/τ_loss), within
/// 0.01 K: 0.1–0.2 K below the water, as Modelica's sensor reads. Then the pump stops for 30
/// minutes: the reading follows T_room + (T_0 − T_room)·e^(−t/600 s) within 0.05 K (the
/// integrator's relative tolerance, 1e-5 of a 330 K state, is about 3 mK a step). The stop
/// restarts the integrator with the new flows' Jacobian: without that restart the stale one
/// left 0.09 K after the first minute.
#[test]
fn a_sensor_reads_the_water_and_drifts_to_the_room_when_it_stands() {
    let facility = model();
    assert_eq!(facility.sensors.len(), 1);
    let (plant, controllers) = plant_of(&facility).unwrap();
    let feed = plant.network.node_index("feed").unwrap();
    let pump = plant.link("pump").unwrap();
    let source = plant.link("source").unwrap();
    let states = plant.state_links();
    let state = |l: usize| states.iter().position(|&x| x == l).unwrap();
    let (source_state, main_state) = (state(source), state(plant.link("main").unwrap()));
    let mut last_water = f64::INFINITY;
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    let mut checked = 0;
    let mut stop = |t: f64, plant: &mut Plant| {
        if t >= 3600.0
            && let dctwin_components::Component::Pump(p) = &mut plant.network.links[pump].component
        {
            p.control = PumpControl::Flow { setpoint_kg_s: 0.0 };
        }
    };
    let mut at_stop: Option<(f64, f64)> = None;
    sim.run(5400.0, 60.0, &mut stop, &mut |s| {
        let (reading, water) = (s.sensor_k[0], s.node_k[feed]);
        if s.time_s > 600.0 && s.time_s <= 3600.0 {
            // Its balance between the water (k/τ, k = ṁ/ṁ_nominal) and the room (1/τ_loss).
            let exchange = s.flow_kg_s[source].abs() / 5.0 / 2.0;
            let balance = (exchange * water + 293.15 / 600.0) / (exchange + 1.0 / 600.0);
            assert!(
                (reading - balance).abs() < 0.01,
                "{} s: {reading} vs {balance}",
                s.time_s
            );
            assert!(water - reading > 0.1 && water - reading < 0.2);
            checked += 1;
        }
        if s.time_s > 3600.0 {
            // The standing water at the node is the mean of the volumes beside it (the
            // source's and the main's), which cool: it follows them, it does not freeze.
            let beside = 0.5 * (s.volume_k[source_state] + s.volume_k[main_state]);
            assert!(
                (water - beside).abs() < 0.01,
                "{} s: {water} vs {beside}",
                s.time_s
            );
            assert!(
                water < last_water,
                "{} s: {water} K does not fall",
                s.time_s
            );
        }
        last_water = water;
        if s.time_s >= 3600.0 {
            let (t0, start) = *at_stop.get_or_insert((s.time_s, reading));
            if s.time_s > t0 {
                // No flow: the closed form relaxes to the room at 1/τ_loss.
                let expected = closed_form_k(start, water, 0.0, s.time_s - t0);
                assert_reads(reading, expected, s.time_s);
                checked += 1;
            }
        }
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(checked > 70, "{checked}");
}

/// The pump drops to 2 % of its flow after an hour, the flow keeping its direction: the reading
/// relaxes to its new balance between the water and the room at the new rate, as the closed form
/// says, within 0.05 K. The drop restarts the integrator with the new flows' Jacobian; kept,
/// the old one (its exchange fifty times too fast) lets Newton stop short.
#[test]
fn after_a_flow_drop_the_reading_follows_its_new_rate() {
    let facility = model();
    let (plant, controllers) = plant_of(&facility).unwrap();
    let feed = plant.network.node_index("feed").unwrap();
    let pump = plant.link("pump").unwrap();
    let source = plant.link("source").unwrap();
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    let full_kg_s = 18.0 / 3600.0 * dctwin_fluid::Fluid::water().density_kg_m3(313.15);
    let mut drop = |t: f64, plant: &mut Plant| {
        if t >= 3600.0
            && let dctwin_components::Component::Pump(p) = &mut plant.network.links[pump].component
        {
            p.control = PumpControl::Flow {
                setpoint_kg_s: 0.02 * full_kg_s,
            };
        }
    };
    let mut at_drop: Option<(f64, f64)> = None;
    let mut checked = 0;
    sim.run(5400.0, 60.0, &mut drop, &mut |s| {
        let (reading, water) = (s.sensor_k[0], s.node_k[feed]);
        if s.time_s >= 3600.0 {
            let (t0, start) = *at_drop.get_or_insert((s.time_s, reading));
            if s.time_s > t0 {
                let flow = s.flow_kg_s[source];
                let expected = closed_form_k(start, water, flow, s.time_s - t0);
                assert_reads(reading, expected, s.time_s);
                checked += 1;
            }
        }
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(checked, 30);
}
