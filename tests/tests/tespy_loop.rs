//! Validation against TESPy 0.11 / CoolProp 8: the closed cooling loop of
//! `../shared/data/validation/tespy/tespy_loop_*.csv` — a pump, 2 × 100 m of DN100 pipe
//! (k = 0.045 mm), 500 kW of cold plates with a 0.5 bar drop and a plate heat exchanger with a
//! 0.3 bar drop that returns the water at 40 °C.
//!
//! The model is `tests/models/tespy_loop.toml`. TESPy finds the flow from the cold plates' heat
//! and their 50 °C outlet; dctwin's pump holds that flow (12.0 kg/s), and the test checks that the
//! cold plates then leave at 50 °C, with TESPy's pump lift, pump power (isentropic efficiency
//! 0.7, all shaft power into the water as in TESPy's enthalpy balance) and pipe drop within 0.5 %.
//! The residual differences come from water properties: TESPy uses CoolProp's full equation of
//! state, with density varying with pressure.

use dctwin_network::{Network, SteadySolver};
use dctwin_tests::{num, read_csv, shared_data};
use std::path::Path;

#[test]
fn closed_loop_matches_tespy() {
    let Some(data) = shared_data("closed_loop_matches_tespy") else {
        return;
    };
    let dir = data.join("validation/tespy");
    let components: std::collections::HashMap<String, f64> =
        read_csv(&dir.join("tespy_loop_components.csv"))
            .into_iter()
            .filter_map(|r| Some((r[""].clone(), r["value"].parse().ok()?)))
            .collect();
    let connections = read_csv(&dir.join("tespy_loop_connections.csv"));
    let conn = |name: &str| {
        connections
            .iter()
            .find(|c| c["conn"] == name)
            .expect("connection")
    };

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/tespy_loop.toml");
    let facility = dctwin_model::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut solver = SteadySolver::new(Network::from_facility(&facility));
    let result = solver.solve().unwrap_or_else(|e| panic!("{e}"));

    let pump = result.link("pump").and_then(|l| l.pump).expect("pump");
    // The flow is the boundary condition (the pump holds TESPy's flow); check it was held.
    let flow = result.link("pump").unwrap().mass_flow_kg_s;
    assert!((flow - num(conn("pump_in"), "m_kg_s")).abs() < 1e-9);
    let supply_pipe = result.link("supply_pipe").unwrap().dp_pa / 1e5;
    let return_pipe = result.link("return_pipe").unwrap().dp_pa / 1e5;
    let plates_out_c = result.link("cold_plates").unwrap().outlet_k - 273.15;

    let rel = |ours: f64, theirs: f64| (ours - theirs).abs() / theirs.abs();
    let checks = [
        (
            "pump lift [bar]",
            pump.dp_pa / 1e5,
            components["pump_dp_bar"],
        ),
        ("pump power [W]", pump.shaft_w, components["pump_P_W"]),
        (
            "supply pipe drop [bar]",
            supply_pipe,
            components["pipe_supply_dp_bar"],
        ),
        (
            "return pipe drop [bar]",
            return_pipe,
            components["pipe_return_dp_bar"],
        ),
    ];
    println!("TESPy closed loop, dctwin against TESPy 0.11:");
    for (what, ours, theirs) in checks {
        println!(
            "  {what:<24} {ours:>12.5} vs {theirs:>12.5}  rel. dev. {:.2e}",
            rel(ours, theirs)
        );
    }
    let dt = num(conn("cp_out"), "T_C") - num(conn("cp_in"), "T_C");
    println!(
        "  cold-plate outlet [°C]   {plates_out_c:>12.5} vs {:>12.5}",
        num(conn("cp_out"), "T_C")
    );
    for (what, ours, theirs) in checks {
        assert!(rel(ours, theirs) <= 5e-3, "{what}: {ours} vs {theirs}");
    }
    // The outlet within 0.5 % of the cold plates' temperature rise.
    let off = (plates_out_c - num(conn("cp_out"), "T_C")).abs();
    assert!(off <= 5e-3 * dt, "cold-plate outlet off by {off} K");
    let balance = &result.loops[0];
    assert!(balance.balance_residual_w.abs() <= 1e-6 * balance.heat_out_w);
}
