//! Open boundaries (Modelica Buildings' `Boundary_pT` and `MassFlowSource_T`): a network fed
//! at a held pressure and drawn at prescribed flows conserves mass, carries the feed's
//! temperature along its pipes as the steady law says, and its transient settles there with its
//! energy balance, the enthalpy crossing the boundaries included, closed; water enters at the
//! temperature of whichever boundary it comes from when the pressures turn the flow.

use dctwin_components::{BoundaryHold, Component};
use dctwin_network::{Network, SteadySolver};
use dctwin_sim::{Plant, Settings, Simulation, plant_of};
use std::ops::ControlFlow;

/// A feed at 3 bar and 90 °C, a 300 m main (U = 0.4 W/m²K on 160 mm, ground at 10 °C) to a
/// tee, two branches of 100 and 150 m drawn at 2 and 1 kg/s (one given as a draw, one as a
/// negative flow in).
const OPEN_TEE: &str = r#"
name = "open-tee"
[[loop]]
name = "grid"
fluid = "water"
initial_temperature_c = 60.0

[[loop.component]]
kind = "pressure_boundary"
name = "feed"
node = "plant"
pressure_bar = 3.0
temperature_c = 90.0

[[loop.component]]
kind = "pipe"
name = "main"
from = "plant"
to = "tee"
length_m = 300
inner_diameter_mm = 80
u_value_w_m2_k = 0.4
outer_diameter_mm = 160
ambient_temperature_c = 10
segments = 6

[[loop.component]]
kind = "pipe"
name = "east"
from = "tee"
to = "east.end"
length_m = 100
inner_diameter_mm = 50
u_value_w_m2_k = 0.4
outer_diameter_mm = 110
ambient_temperature_c = 10
segments = 4

[[loop.component]]
kind = "pipe"
name = "west"
from = "tee"
to = "west.end"
length_m = 150
inner_diameter_mm = 50
u_value_w_m2_k = 0.4
outer_diameter_mm = 110
ambient_temperature_c = 10
segments = 4

[[loop.component]]
kind = "flow_boundary"
name = "east.draw"
node = "east.end"
flow_kg_s = 2.0
direction = "out"
temperature_c = 20

[[loop.component]]
kind = "flow_boundary"
name = "west.draw"
node = "west.end"
flow_kg_s = -1.0
temperature_c = 20
"#;

/// A model `name` of one loop filled at `fill_c`: pressure boundaries `a` and `b`, each
/// (pressure [bar], temperature [°C]), joined by 100 m of DN50 (`extra`: more of its keys).
fn two_ends(name: &str, fill_c: f64, a: (f64, f64), b: (f64, f64), extra: &str) -> String {
    let end = |n: &str, (bar, c): (f64, f64)| {
        format!(
            "[[loop.component]]\nkind = \"pressure_boundary\"\nname = \"{n}\"\nnode = \"{n}.end\"\n\
             pressure_bar = {bar}\ntemperature_c = {c}\n"
        )
    };
    format!(
        "name = \"{name}\"\n[[loop]]\nname = \"line\"\nfluid = \"water\"\n\
         initial_temperature_c = {fill_c}\n{}{}[[loop.component]]\nkind = \"pipe\"\n\
         name = \"line\"\nfrom = \"a.end\"\nto = \"b.end\"\nlength_m = 100\n\
         inner_diameter_mm = 50\n{extra}\n",
        end("a", a),
        end("b", b)
    )
}

fn facility(text: &str) -> dctwin_model::Facility {
    dctwin_model::parse(text, std::path::Path::new("open.toml")).unwrap_or_else(|e| panic!("{e}"))
}

/// Outlet of a pipe of conductance `ua_w_k` at `flow_kg_s` from `inlet_c` to a 10 °C ground:
/// the exact solution of its steady energy balance [°C].
fn pipe_outlet_c(inlet_c: f64, ua_w_k: f64, flow_kg_s: f64) -> f64 {
    let cp = dctwin_fluid::Fluid::water().specific_heat_j_kg_k(inlet_c + 273.15);
    10.0 + (inlet_c - 10.0) * (-ua_w_k / (cp * flow_kg_s)).exp()
}

/// The feed supplies what the draws take, at its 3 bar: the nodes conserve mass to the
/// round-off of the feed's ideal connection (its conductance is 1e4 times the main's, so the
/// node system's round-off, 1e-16 of y·p ≈ 3e5 kg/s, is 3e-11 kg/s; asserted to 1e-9 of the
/// flow); the tee and the branch ends are where the pipes' exact law takes the feed's 90 °C
/// (within 1 mK: c_p taken at each pipe's inlet), and the loop's energy balance closes with the
/// enthalpy crossing the boundaries.
#[test]
fn an_open_tee_conserves_mass_and_carries_the_feed_temperature() {
    let network = Network::from_facility(&facility(OPEN_TEE));
    let result = SteadySolver::new(network).solve().unwrap();
    let flow = |name: &str| result.link(name).unwrap().mass_flow_kg_s;
    let node_c = |name: &str| result.node(name).unwrap().temperature_k - 273.15;
    assert!((flow("feed") - 3.0).abs() < 3e-9, "{}", flow("feed"));
    let mass = flow("feed") + flow("east.draw") + flow("west.draw");
    assert!(mass.abs() < 3e-9, "mass balance {mass} kg/s");
    assert!((result.node("plant").unwrap().pressure_pa - 3e5).abs() < 1e-6);
    let grid = &result.loops[0];
    assert!((grid.water_in_kg_s - 3.0).abs() < 3e-9 && (grid.water_out_kg_s - 3.0).abs() < 3e-9);
    let ua = |l: f64, d: f64| 0.4 * std::f64::consts::PI * d * l;
    let tee = pipe_outlet_c(90.0, ua(300.0, 0.16), 3.0);
    let east = pipe_outlet_c(tee, ua(100.0, 0.11), 2.0);
    let west = pipe_outlet_c(tee, ua(150.0, 0.11), 1.0);
    for (node, expected) in [("tee", tee), ("east.end", east), ("west.end", west)] {
        assert!(
            (node_c(node) - expected).abs() < 1e-3,
            "{node}: {} vs {expected} °C",
            node_c(node)
        );
    }
    assert!(
        grid.balance_residual_w.abs() < 1e-3,
        "{}",
        grid.balance_residual_w
    );
    assert!((grid.boundary_w - grid.pipe_loss_w).abs() < 1e-3);
}

/// Six hours from a grid at 60 °C: the transient settles within 2 mK of the steady solver's
/// temperatures, and its energy balance (the feed's enthalpy in, the draws' out, the pipes'
/// loss, the change of what the water and steel hold) closes to 1e-9.
#[test]
fn the_open_tee_settles_on_the_steady_state_with_its_balance_closed() {
    let facility = facility(OPEN_TEE);
    let steady = SteadySolver::new(Network::from_facility(&facility))
        .solve()
        .unwrap();
    let (plant, controllers) = plant_of(&facility).unwrap();
    let network = plant.network.clone();
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    let mut last = None;
    let balance = sim
        .run(
            6.0 * 3600.0,
            600.0,
            &mut |_: f64, _: &mut Plant| {},
            &mut |s| {
                last = Some(s.clone());
                ControlFlow::Continue(())
            },
        )
        .unwrap();
    let last = last.unwrap();
    for name in ["tee", "east.end", "west.end"] {
        let n = network.node_index(name).unwrap();
        let expected = steady.node(name).unwrap().temperature_k;
        assert!(
            (last.node_k[n] - expected).abs() < 2e-3,
            "{name}: {} vs {expected} K",
            last.node_k[n]
        );
    }
    assert!(balance.entered_j > 0.0 && balance.left_j > 0.0);
    assert!(
        balance.relative_residual().abs() < 1e-9,
        "residual {balance}"
    );
}

/// Two pressure boundaries joined by 100 m of DN50: water runs from the higher, at its
/// temperature, fills the pipe and leaves through the lower; when the pressures change places
/// the flow turns and the pipe fills with the other side's water. The balance closes over both.
#[test]
fn water_enters_at_the_temperature_of_the_boundary_it_comes_from() {
    let text = &two_ends("two-ends", 55.0, (3.0, 70.0), (2.9, 40.0), "segments = 10");
    let facility = facility(text);
    let (plant, controllers) = plant_of(&facility).unwrap();
    let (a, b) = (plant.link("a").unwrap(), plant.link("b").unwrap());
    let pipe = plant.link("line").unwrap();
    let b_end = plant.network.node_index("b.end").unwrap();
    let a_end = plant.network.node_index("a.end").unwrap();
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    let set_pressure = |plant: &mut Plant, l: usize, pressure_pa: f64| {
        if let Component::Boundary(bd) = &mut plant.network.links[l].component {
            bd.hold = BoundaryHold::Pressure { pressure_pa };
        }
    };
    let mut turn = |t: f64, plant: &mut Plant| {
        if t >= 1800.0 {
            set_pressure(plant, a, 2.9e5);
            set_pressure(plant, b, 3.0e5);
        }
    };
    let mut seen = Vec::new();
    let balance = sim
        .run(3600.0, 1800.0, &mut turn, &mut |s| {
            seen.push((s.flow_kg_s[pipe], s.node_k[a_end], s.node_k[b_end]));
            ControlFlow::Continue(())
        })
        .unwrap();
    let [(forward, _, b_then), (backward, a_now, _)] = seen[..] else {
        panic!("{seen:?}");
    };
    assert!(
        forward > 0.5 && backward < -0.5,
        "{forward} then {backward} kg/s"
    );
    assert!((b_then - 343.15).abs() < 1e-3, "b end {b_then} K");
    assert!((a_now - 313.15).abs() < 1e-3, "a end {a_now} K");
    assert!(
        balance.relative_residual().abs() < 1e-9,
        "residual {balance}"
    );
}

/// Through a scenario, the series writes the enthalpy the open tee's water brings in and takes
/// out (`entered_kw`, `left_kw`) beside the pipes' loss: once settled, in − out is the loss
/// (within 1 W of 7.6 kW), as the steady solve's balance says.
#[test]
fn the_series_writes_what_crosses_the_boundaries() {
    let dir = std::env::temp_dir().join(format!("dctwin-open-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("open.toml"), OPEN_TEE).unwrap();
    let scenario = dir.join("open-run.toml");
    std::fs::write(
        &scenario,
        "model = \"open.toml\"\nstart = \"2024-01-01T00:00:00Z\"\nend = \"2024-01-01T06:00:00Z\"\n",
    )
    .unwrap();
    let options = dctwin_scenario::RunOptions {
        data_dir: None,
        out_dir: dir.join("run"),
        stop: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
        sets: Vec::new(),
    };
    let (summary, _) =
        dctwin_scenario::run(&scenario, &options, &mut |_: &dctwin_scenario::Progress| {}).unwrap();
    assert!(summary.energy_balance.relative_residual.abs() < 1e-9);
    let table = dctwin_series::read_series(dir.join("run/series.parquet")).unwrap();
    let last = |name: &str| *table.column(name).unwrap().last().unwrap();
    let (entered, left, lost) = (last("entered_kw"), last("left_kw"), last("lost_kw"));
    assert!(entered > 1000.0, "{entered} kW");
    assert!(
        (entered - left - lost).abs() < 1e-3,
        "{entered} − {left} vs {lost} kW"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An input that lowers an open loop's pressure moves where its water boils with it: water at
/// 95 °C runs between two boundaries at 1 bar gauge (it boils at 120 °C there) until an input
/// takes both to −0.5 bar (it boils at 81.6 °C), and the run stops naming the water that boils.
#[test]
fn lowering_a_boundary_pressure_moves_the_boiling_point() {
    let text = &two_ends("low", 95.0, (1.05, 95.0), (1.0, 95.0), "");
    let facility = facility(text);
    let (plant, controllers) = plant_of(&facility).unwrap();
    let (a, b) = (plant.link("a").unwrap(), plant.link("b").unwrap());
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    let mut lower = |t: f64, plant: &mut Plant| {
        if t >= 600.0 {
            for (l, gauge_pa) in [(a, -0.45e5), (b, -0.5e5)] {
                dctwin_sim::setting::Setting::BoundaryPressure(l)
                    .set_on_plant(plant, gauge_pa)
                    .unwrap();
            }
        }
    };
    let err = sim
        .run(1200.0, 60.0, &mut lower, &mut |_| ControlFlow::Continue(()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("at t = 6") && err.contains("boils"), "{err}");
}
