//! Initial temperatures per component (`initial_temperature_c` on any component): a main still
//! full of 80 °C water in a loop that starts at 40 °C. The run starts from there, the hot water
//! mixes into the loop, and the energy balance (which counts the energy the volumes started
//! with) closes; a sensor where the hot main meets the cooler return starts at their mean. A
//! value outside the fluid's range is refused at its key.

use dctwin_sim::{Settings, Simulation, plant_of};
use std::ops::ControlFlow;

fn model(main_keys: &str) -> Result<dctwin_model::Facility, String> {
    let text = dctwin_model::fixture::pumped_loop(
        "hot main",
        "loop",
        40.0,
        "flow_setpoint_m3_h = 10",
    ) + "[[loop.component]]\nkind = \"pipe\"\nname = \"main\"\nfrom = \"discharge\"\nto = \"far\"\n\
           length_m = 200\ninner_diameter_mm = 100\n"
        + main_keys
        + "[[loop.component]]\nkind = \"pipe\"\nname = \"back\"\nfrom = \"far\"\nto = \"suction\"\n\
           length_m = 200\ninner_diameter_mm = 100\n\
           [[loop.component]]\nkind = \"temperature_sensor\"\nname = \"far.sensor\"\n\
           node = \"far\"\nnominal_flow_kg_s = 1\n";
    dctwin_model::parse(&text, std::path::Path::new("hot.toml")).map_err(|e| e.to_string())
}

/// The main starts at 80 °C and the return at 40 °C; after an hour of mixing (the loop turns
/// over every ~11 minutes) both are at the mass-weighted mean, 60 °C, to 0.5 K (water's c_p and
/// density differ by under 1 % over 40–80 °C); the balance closes to 1e-12 of the energy the
/// water holds.
#[test]
fn a_component_starts_at_its_own_temperature() {
    let facility = model("initial_temperature_c = 80\n").unwrap();
    let (plant, controllers) = plant_of(&facility).unwrap();
    let states = plant.state_links();
    let main = plant.link("main").unwrap();
    let back = plant.link("back").unwrap();
    let state = |l: usize| states.iter().position(|&x| x == l).unwrap();
    let (main_s, back_s) = (state(main), state(back));
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    let start = sim.snapshot();
    assert!((start.volume_k[main_s] - 353.15).abs() < 1e-9);
    assert!((start.volume_k[back_s] - 313.15).abs() < 1e-9);
    // The sensor between them starts at the mean of the two.
    assert!(
        (start.sensor_k[0] - 333.15).abs() < 1e-9,
        "{}",
        start.sensor_k[0]
    );
    let mut last = None;
    let balance = sim
        .run(3600.0, 60.0, &mut |_: f64, _: &mut _| {}, &mut |s| {
            last = Some(s.clone());
            ControlFlow::Continue(())
        })
        .unwrap();
    let end = last.unwrap();
    for s in [main_s, back_s] {
        let c = end.volume_k[s] - 273.15;
        assert!((c - 60.0).abs() < 0.5, "{c} °C");
    }
    // Little enters (the pump's heat): the residual is held against the energy the water holds.
    let held_j = sim.stored_energy_j();
    assert!(
        balance.residual_j().abs() < 1e-12 * held_j,
        "{balance} of {held_j} J held"
    );
}

#[test]
fn an_initial_temperature_outside_the_fluid_is_refused_at_its_key() {
    let err = model("initial_temperature_c = 160\n").unwrap_err();
    assert!(
        err.contains("key \"initial_temperature_c\": 160.0 °C is outside the range of water"),
        "{err}"
    );
}
