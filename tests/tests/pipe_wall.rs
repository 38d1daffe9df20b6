//! A pipe whose wall is its own temperature (`wall_exchange = "film"`): the wall exchanges with
//! the water through the film and loses through the insulation. It settles where the steady
//! solver's exact law puts the outlet, with the run's energy balance (water, wall, loss)
//! closed; a hot front reaches the outlet between the water's own transit and the transit of
//! water and wall together, which the lumped wall gives. The Liège measurements are the
//! validation (`crates/cli/tests/ulg.rs`).

use dctwin_network::{Network, SteadySolver};
use dctwin_sim::{Plant, Settings, Simulation, plant_of};
use std::ops::ControlFlow;

/// 100 m of DN100 steel (4 mm wall) under 30 mm of insulation in a 20 °C hall, fed 2 kg/s at
/// 60 °C, starting at 20 °C, open to a drain.
fn model(exchange: &str) -> dctwin_model::Facility {
    let text = format!(
        r#"
name = "walled"
[[loop]]
name = "line"
fluid = "water"
initial_temperature_c = 20.0
[[loop.component]]
kind = "flow_boundary"
name = "feed"
node = "in"
flow_kg_s = 2.0
temperature_c = 60.0
[[loop.component]]
kind = "pipe"
name = "pipe"
from = "in"
to = "out"
length_m = 100
inner_diameter_mm = 100
wall_thickness_mm = 4
wall_material = "steel"
wall_exchange = "{exchange}"
insulation_thickness_mm = 30
insulation_conductivity_w_m_k = 0.035
surface_coefficient_w_m2_k = 8
ambient_temperature_c = 20
segments = 100
[[loop.component]]
kind = "pressure_boundary"
name = "drain"
node = "out"
pressure_bar = 1.0
temperature_c = 20.0
"#
    );
    dctwin_model::parse(&text, std::path::Path::new("walled.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The outlet over two hours (every 5 s) and the run's relative energy residual.
fn run(exchange: &str) -> (Vec<(f64, f64)>, f64) {
    let facility = model(exchange);
    let (plant, controllers) = plant_of(&facility).unwrap();
    let out = plant.network.node_index("out").unwrap();
    let settings = Settings {
        control_step_s: 5.0,
        ..Settings::default()
    };
    let mut sim = Simulation::new(plant, 0.0, settings).unwrap();
    sim.controllers = controllers;
    let mut outlet = Vec::new();
    let balance = sim
        .run(7200.0, 5.0, &mut |_: f64, _: &mut Plant| {}, &mut |s| {
            outlet.push((s.time_s, s.node_k[out] - 273.15));
            ControlFlow::Continue(())
        })
        .unwrap();
    (outlet, balance.relative_residual())
}

/// When the outlet first reaches 40 °C, halfway up the front [s].
fn halfway_s(outlet: &[(f64, f64)]) -> f64 {
    outlet.iter().find(|(_, t)| *t >= 40.0).unwrap().0
}

/// After two hours the outlet is where the steady solver puts it (within 5 mK: the film's
/// resistance, in series with the insulation's 400 times larger, is what the steady law leaves
/// out), and the energy balance closes to 1e-9 with the walls' store and loss in it. The
/// front's midpoint comes after the water's own transit (393 s) and by the transit of water
/// and wall together (451 s), where the lumped wall puts it; the film spreads the front
/// (measured: 24 °C at 380 s and 56 °C at 530 s, against 395 and 515 s lumped), as the Liège
/// fronts are spread.
#[test]
fn a_wall_of_its_own_settles_on_the_steady_law_and_keeps_the_balance() {
    let steady = SteadySolver::new(Network::from_facility(&model("film")))
        .solve()
        .unwrap();
    let expected_c = steady.node("out").unwrap().temperature_k - 273.15;
    let (film, residual) = run("film");
    let last_c = film.last().unwrap().1;
    assert!(
        (last_c - expected_c).abs() < 5e-3,
        "{last_c} vs {expected_c} °C"
    );
    assert!(residual.abs() < 1e-9, "residual {residual}");
    let (lumped, lumped_residual) = run("lumped");
    assert!(lumped_residual.abs() < 1e-9);
    let (film_mid, lumped_mid) = (halfway_s(&film), halfway_s(&lumped));
    let at = |o: &[(f64, f64)], c: f64| o.iter().find(|(_, t)| *t >= c).unwrap().0;
    let film_front = (at(&film, 24.0), at(&film, 56.0));
    let lumped_front = (at(&lumped, 24.0), at(&lumped, 56.0));
    println!(
        "front at 24/40/56 °C: film {film_front:?} around {film_mid} s, lumped {lumped_front:?} \
         around {lumped_mid} s"
    );
    assert!(
        (393.0..=455.0).contains(&film_mid) && (445.0..=460.0).contains(&lumped_mid),
        "halfway at {film_mid} s (film), {lumped_mid} s (lumped)"
    );
    // Through the film the water's heat runs ahead of the wall's and the wall catches up
    // after: the front starts sooner and ends later than the lumped wall's.
    assert!(
        film_front.0 < lumped_front.0 && film_front.1 > lumped_front.1,
        "film {film_front:?}, lumped {lumped_front:?}"
    );
}
