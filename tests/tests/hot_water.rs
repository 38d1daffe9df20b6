//! Water above 90 °C: a pressurised loop at 120 °C (its vessel at 2 bar gauge, where water
//! boils at 133.7 °C) solves and simulates with water's properties to 150 °C; one whose
//! temperatures would boil at its vessel's pressure is refused, naming the loop or component
//! and the pressure that would keep it liquid.

use dctwin_network::{Network, SteadySolver};
use dctwin_sim::{Settings, Simulation, plant_of};
use std::ops::ControlFlow;

/// A pumped loop at 2 bar gauge starting at `initial_c`: a source holding `outlet_c`, 300 m of
/// insulated main, a 150 kW load.
fn model(initial_c: f64, outlet_c: f64) -> Result<dctwin_model::Facility, String> {
    let text = dctwin_model::fixture::pumped_loop(
        "hot",
        "loop",
        initial_c,
        "flow_setpoint_m3_h = 8",
    ) + &format!(
        "[[loop.component]]\nkind = \"heat_source\"\nname = \"source\"\nfrom = \"discharge\"\n\
             to = \"feed\"\noutlet_temperature_c = {outlet_c}\ndp_nominal_bar = 0.2\n\
             flow_nominal_m3_h = 8\n\
             [[loop.component]]\nkind = \"pipe\"\nname = \"main\"\nfrom = \"feed\"\nto = \"far\"\n\
             length_m = 300\ninner_diameter_mm = 80\nr_m_k_w = 4\nambient_temperature_c = 10\n\
             [[loop.component]]\nkind = \"heat_source\"\nname = \"load\"\nfrom = \"far\"\n\
             to = \"suction\"\nheat_kw = -150\ndp_nominal_bar = 0.2\nflow_nominal_m3_h = 8\n"
    );
    dctwin_model::parse(&text, std::path::Path::new("hot.toml")).map_err(|e| e.to_string())
}

/// At 120 °C: the steady state has the source's 125 °C leaving it and the load's 150 kW and
/// the main's loss taken out on the way back; two hours of simulation stay between 95 °C
/// (the load takes about 16 K off 2.2 kg/s) and the source's 125 °C, and close their energy
/// balance to 1e-9.
#[test]
fn a_loop_at_120_c_solves_and_simulates() {
    let facility = model(120.0, 125.0).unwrap();
    let steady = SteadySolver::new(Network::from_facility(&facility))
        .solve()
        .unwrap();
    let net = Network::from_facility(&facility);
    let feed = net.node_index("feed").unwrap();
    let feed_c = steady.nodes[feed].temperature_k - 273.15;
    assert!((feed_c - 125.0).abs() < 1e-6, "{feed_c}");
    let (plant, controllers) = plant_of(&facility).unwrap();
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    let mut range = (f64::INFINITY, f64::NEG_INFINITY);
    let balance = sim
        .run(7200.0, 60.0, &mut |_: f64, _: &mut _| {}, &mut |s| {
            for &t in &s.volume_k {
                range = (range.0.min(t - 273.15), range.1.max(t - 273.15));
            }
            ControlFlow::Continue(())
        })
        .unwrap();
    assert!(
        range.0 > 95.0 && range.1 > 120.0 && range.1 < 126.0,
        "{range:?}"
    );
    assert!(balance.relative_residual().abs() < 1e-9, "{balance}");
}

#[test]
fn water_that_would_boil_at_the_vessels_pressure_is_refused() {
    let err = model(136.0, 125.0).unwrap_err();
    assert!(
        err.contains("loop \"loop\"")
            && err.contains("the water starts at 136.0 °C, but at the 2.00 bar (gauge) the loop's vessel holds, water boils at 133.7 °C")
            && err.contains("raise the vessel's pressure_bar to at least"),
        "{err}"
    );
    let err = model(120.0, 160.0).unwrap_err();
    assert!(
        err.contains("component \"source\"")
            && err.contains(
                "the water is to leave at 160.0 °C, above the range of water (to 150.0 °C)"
            ),
        "{err}"
    );
    let err = model(120.0, 140.0).unwrap_err();
    assert!(
        err.contains("component \"source\"") && err.contains("the water is to leave at 140.0 °C"),
        "{err}"
    );
}

/// Water that a fixed heat drives past its boiling point during a run stops the run at the
/// volume that boils, with the vessel's pressure and the boiling point: 50 kW into the loop at
/// 120 °C with no load brings it to 133.7 °C within minutes.
#[test]
fn water_driven_to_boil_stops_the_run_where_it_boils() {
    let text = dctwin_model::fixture::pumped_loop(
        "boiling",
        "loop",
        120.0,
        "flow_setpoint_m3_h = 8",
    ) + "[[loop.component]]\nkind = \"heat_source\"\nname = \"heater\"\nfrom = \"discharge\"\n\
           to = \"feed\"\nheat_kw = 50\ndp_nominal_bar = 0.2\nflow_nominal_m3_h = 8\n\
           [[loop.component]]\nkind = \"pipe\"\nname = \"main\"\nfrom = \"feed\"\nto = \"suction\"\n\
           length_m = 50\ninner_diameter_mm = 80\n";
    let facility = dctwin_model::parse(&text, std::path::Path::new("boiling.toml")).unwrap();
    let (plant, controllers) = plant_of(&facility).unwrap();
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    let err = sim
        .run(3600.0, 60.0, &mut |_: f64, _: &mut _| {}, &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("where it boils at the 2.00 bar (gauge) of its loop's vessel or lowest pressure boundary (133.7 °C)")
            && err.contains("'heater'"),
        "{err}"
    );
}

/// Water a heater drives out of water's range is refused by the steady solve naming the
/// heater, whose water entered within the range, not the pipe after it (written first in the
/// file) that carries it on: 50 kW into 0.1 kg/s entering at 60 °C would leave at 180 °C.
#[test]
fn the_steady_range_error_names_the_heater_not_the_pipe_after_it() {
    let text = r#"
name = "overheated"
[[loop]]
name = "line"
fluid = "water"
initial_temperature_c = 60.0
[[loop.component]]
kind = "pipe"
name = "main"
from = "hot"
to = "out"
length_m = 50
inner_diameter_mm = 40
[[loop.component]]
kind = "flow_boundary"
name = "feed"
node = "in"
flow_kg_s = 0.1
temperature_c = 60.0
[[loop.component]]
kind = "heat_source"
name = "heater"
from = "in"
to = "hot"
heat_kw = 50
[[loop.component]]
kind = "pressure_boundary"
name = "drain"
node = "out"
pressure_bar = 10.0
temperature_c = 20.0
"#;
    let facility = dctwin_model::parse(text, std::path::Path::new("overheated.toml")).unwrap();
    let err = SteadySolver::new(Network::from_facility(&facility))
        .solve()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("\"heater\"") && !err.contains("\"main\""),
        "{err}"
    );
}
