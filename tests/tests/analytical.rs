//! Analytical checks of the steady solver on small networks whose answer is known in closed form:
//! series and parallel resistances, a pump curve meeting a system curve, the affinity laws, shut
//! and check valves, flow reversal, several loops at once, pump drives at their limit, heat
//! transport, and the errors that name what went wrong.

use dctwin_network::{Network, SolveError, SteadyResult, SteadySolver};
use std::path::Path;

const G: f64 = 9.806_65;

fn solve(text: &str) -> Result<SteadyResult, SolveError> {
    let facility =
        dctwin_model::parse(text, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"));
    SteadySolver::new(Network::from_facility(&facility)).solve()
}

fn solved(text: &str) -> SteadyResult {
    solve(text).unwrap_or_else(|e| panic!("{e}"))
}

/// A loop "l" of water at 20 °C with a vessel at `a` (1 bar) and a pump a → b, its keys to follow.
const LOOP_WITH_PUMP: &str = r#"
[[loop]]
name = "l"
fluid = "water"
initial_temperature_c = 20
[[loop.component]]
kind = "pressurisation"
name = "vessel"
node = "a"
pressure_bar = 1.0
[[loop.component]]
kind = "pump"
name = "pump"
from = "a"
to = "b"
"#;

/// A loop with a vessel at `a`, an ideal pump a → b holding `dp_bar`, and `body` between b and a.
fn ideal_pump_loop(dp_bar: f64, body: &str) -> String {
    format!(
        r#"{LOOP_WITH_PUMP}control = "differential_pressure"
dp_setpoint_bar = {dp_bar}
efficiency = 0.7
shaft_heat_to_fluid = 0.0
{body}"#
    )
}

fn resistance(name: &str, from: &str, to: &str, dp_bar: f64, flow_kg_s: f64) -> String {
    format!(
        "[[loop.component]]\nkind = \"resistance\"\nname = \"{name}\"\nfrom = \"{from}\"\nto = \"{to}\"\ndp_nominal_bar = {dp_bar}\nflow_nominal_kg_s = {flow_kg_s}\n"
    )
}

fn flow(r: &SteadyResult, name: &str) -> f64 {
    r.link(name)
        .unwrap_or_else(|| panic!("no link {name}"))
        .mass_flow_kg_s
}

/// Regularisation of square laws changes Δp by < 0.5 Pa: relative 1e-6 at these pressures.
const TOL: f64 = 1e-5;

#[test]
fn resistances_in_series_add_their_coefficients() {
    // k = Δp_n/ṁ_n²: 1 bar at 10 kg/s → 1000 Pa/(kg/s)², 0.5 bar at 10 kg/s → 500.
    let body = resistance("r1", "b", "c", 1.0, 10.0) + &resistance("r2", "c", "a", 0.5, 10.0);
    let r = solved(&ideal_pump_loop(2.0, &body));
    let expected = (2.0e5f64 / (1000.0 + 500.0)).sqrt();
    assert!(
        (flow(&r, "r1") / expected - 1.0).abs() < TOL,
        "{}",
        flow(&r, "r1")
    );
    let pc = r.node("c").unwrap().pressure_pa;
    assert!((pc - (1.0e5 + 500.0 * expected * expected)).abs() < 1.0);
}

#[test]
fn resistances_in_parallel_add_their_conductances() {
    let body = resistance("r1", "b", "a", 1.0, 10.0) + &resistance("r2", "b", "a", 1.0, 5.0);
    let r = solved(&ideal_pump_loop(0.8, &body));
    let dp = 0.8e5f64;
    let (k1, k2): (f64, f64) = (1.0e5 / 100.0, 1.0e5 / 25.0);
    assert!((flow(&r, "r1") / (dp / k1).sqrt() - 1.0).abs() < TOL);
    assert!((flow(&r, "r2") / (dp / k2).sqrt() - 1.0).abs() < TOL);
    assert!((flow(&r, "pump") - flow(&r, "r1") - flow(&r, "r2")).abs() < 1e-9);
}

fn curve_pump_loop(speed: f64, extra: &str) -> String {
    format!(
        r#"{LOOP_WITH_PUMP}curve_flow_m3_h = [0, 60, 120]
curve_head_m = [40, 36, 24]
efficiency = 0.75
shaft_heat_to_fluid = 0.0
speed_ratio = {speed}
{extra}
{}"#,
        resistance("system", "b", "a", 1.0, 20.0)
    )
}

/// Operating point of H = a n² + b n V + c V² against Δp = k ṁ² (V = ṁ/ρ), solved by hand.
fn operating_point(speed: f64, rho: f64) -> f64 {
    // Through (0, 40), (60, 36), (120, 24) m³/h: H = 40 − 0.0 V' ... fit exactly in m³/s.
    let (q1, q2) = (60.0 / 3600.0, 120.0 / 3600.0);
    // a = 40; b q1 + c q1² = −4; b q2 + c q2² = −16.
    let c = (-16.0 / q2 + 4.0 / q1) / (q2 - q1);
    let b = -4.0 / q1 - c * q1;
    let a = 40.0;
    let k = 1.0e5 / 400.0; // Pa/(kg/s)²
    // ρ g (a n² + b n ṁ/ρ + c ṁ²/ρ²) = k ṁ² → (k − g c/ρ) ṁ² − g b n ṁ − ρ g a n² = 0
    let qa = k - G * c / rho;
    let qb = -G * b * speed;
    let qc = -rho * G * a * speed * speed;
    (-qb + (qb * qb - 4.0 * qa * qc).sqrt()) / (2.0 * qa)
}

#[test]
fn pump_curve_meets_the_system_curve() {
    let r = solved(&curve_pump_loop(1.0, ""));
    let rho = dctwin_fluid::Fluid::water().density_kg_m3(293.15);
    let expected = operating_point(1.0, rho);
    assert!(
        (flow(&r, "pump") / expected - 1.0).abs() < TOL,
        "{} vs {expected}",
        flow(&r, "pump")
    );
    let p = r.link("pump").unwrap().pump.unwrap();
    assert_eq!(p.speed, Some(1.0));
    assert!(p.electric_w > p.shaft_w && p.shaft_w > p.hydraulic_w);
}

#[test]
fn affinity_laws_on_a_square_system_curve() {
    // Against Δp ∝ ṁ², the operating point at speed n has n times the flow and n² the head.
    let full = solved(&curve_pump_loop(1.0, ""));
    let slow = solved(&curve_pump_loop(0.7, ""));
    let ratio = flow(&slow, "pump") / flow(&full, "pump");
    assert!((ratio - 0.7).abs() < 1e-5, "{ratio}");
    let head = |r: &SteadyResult| r.link("pump").unwrap().pump.unwrap().head_m;
    assert!((head(&slow) / head(&full) - 0.49).abs() < 1e-5);
}

#[test]
fn shut_valve_carries_nothing_and_the_other_branch_everything() {
    let body = format!(
        "[[loop.component]]\nkind = \"valve\"\nname = \"shut\"\nfrom = \"b\"\nto = \"c\"\nkvs_m3_h = 10\nopening = 0.0\n{}{}",
        resistance("r_shut", "c", "a", 0.2, 5.0),
        resistance("open", "b", "a", 1.0, 10.0)
    );
    let r = solved(&ideal_pump_loop(1.0, &body));
    assert_eq!(flow(&r, "shut"), 0.0);
    assert!(r.link("shut").unwrap().shut);
    assert!((flow(&r, "open") / 10.0 - 1.0).abs() < TOL);
    // The branch behind the shut valve sits at the pressure of its downstream end.
    assert!((r.node("c").unwrap().pressure_pa - 1.0e5).abs() < 1.0);
}

#[test]
fn check_valve_stops_reverse_flow_through_a_stopped_pump() {
    // Two pumps in parallel, one stopped; without a check valve water runs back through it.
    let parallel = |check: bool| {
        let stopped_path = if check {
            "[[loop.component]]\nkind = \"check_valve\"\nname = \"nrv\"\nfrom = \"p2\"\nto = \"b\"\ndp_nominal_kpa = 5\nflow_nominal_kg_s = 20\n"
        } else {
            "[[loop.component]]\nkind = \"resistance\"\nname = \"nrv\"\nfrom = \"p2\"\nto = \"b\"\ndp_nominal_kpa = 5\nflow_nominal_kg_s = 20\n"
        };
        let stopped = format!(
            "[[loop.component]]\nkind = \"pump\"\nname = \"stopped\"\nfrom = \"a\"\nto = \"p2\"\ncurve_flow_m3_h = [0, 60, 120]\ncurve_head_m = [40, 36, 24]\nefficiency = 0.75\nshaft_heat_to_fluid = 0.0\nspeed_ratio = 0.0\n{stopped_path}"
        );
        solved(&curve_pump_loop(1.0, &stopped))
    };
    let with = parallel(true);
    assert_eq!(flow(&with, "nrv"), 0.0);
    assert!(with.link("nrv").unwrap().shut);
    let alone = solved(&curve_pump_loop(1.0, ""));
    assert!((flow(&with, "pump") / flow(&alone, "pump") - 1.0).abs() < 1e-6);
    let without = parallel(false);
    assert!(
        flow(&without, "nrv") < -1.0,
        "water runs back: {}",
        flow(&without, "nrv")
    );
}

#[test]
fn flow_runs_backwards_where_the_pressures_say_so() {
    // A pipe drawn against the flow carries a negative flow.
    let body = format!(
        "[[loop.component]]\nkind = \"pipe\"\nname = \"drawn_backwards\"\nfrom = \"c\"\nto = \"b\"\nlength_m = 50\ninner_diameter_mm = 80\n{}",
        resistance("r", "c", "a", 0.5, 10.0)
    );
    let r = solved(&ideal_pump_loop(1.0, &body));
    assert!(flow(&r, "drawn_backwards") < 0.0);
    assert!((flow(&r, "drawn_backwards") + flow(&r, "r")).abs() < 1e-9);
}

#[test]
fn a_balanced_bridge_carries_no_flow_without_a_singular_matrix() {
    // Wheatstone bridge with equal arms: the bridge pipe sees no pressure difference.
    let body = [
        resistance("r1", "b", "c", 1.0, 10.0),
        resistance("r2", "b", "d", 1.0, 10.0),
        resistance("r3", "c", "a", 1.0, 10.0),
        resistance("r4", "d", "a", 1.0, 10.0),
        "[[loop.component]]\nkind = \"pipe\"\nname = \"bridge\"\nfrom = \"c\"\nto = \"d\"\nlength_m = 5\ninner_diameter_mm = 50\n".to_string(),
    ]
    .concat();
    let r = solved(&ideal_pump_loop(2.0, &body));
    assert!(flow(&r, "bridge").abs() < 1e-9, "{}", flow(&r, "bridge"));
    assert!((flow(&r, "r1") / 10.0 - 1.0).abs() < TOL);
}

#[test]
fn several_loops_are_solved_at_once() {
    let one = ideal_pump_loop(1.0, &resistance("r", "b", "a", 1.0, 10.0));
    let two = one
        .replace("name = \"l\"", "name = \"l2\"")
        .replace("\"a\"", "\"a2\"")
        .replace("\"b\"", "\"b2\"")
        .replace("name = \"vessel\"", "name = \"vessel2\"")
        .replace("name = \"pump\"", "name = \"pump2\"")
        .replace("name = \"r\"", "name = \"r2\"")
        .replace("dp_setpoint_bar = 1", "dp_setpoint_bar = 0.25");
    let r = solved(&format!("{one}\n{two}"));
    assert!((flow(&r, "r") / 10.0 - 1.0).abs() < TOL);
    assert!((flow(&r, "r2") / 5.0 - 1.0).abs() < TOL);
    assert_eq!(r.loops.len(), 2);
}

#[test]
fn a_drive_that_cannot_reach_its_setpoint_runs_at_full_speed() {
    let text = curve_pump_loop(1.0, "").replace(
        "speed_ratio = 1",
        "control = \"differential_pressure\"\ndp_setpoint_bar = 6.0",
    );
    let r = solved(&text);
    let p = r.link("pump").unwrap().pump.unwrap();
    assert_eq!(p.speed, Some(1.0));
    let rho = dctwin_fluid::Fluid::water().density_kg_m3(293.15);
    assert!((flow(&r, "pump") / operating_point(1.0, rho) - 1.0).abs() < TOL);
    // A reachable set-point is held, at a speed below 1.
    let held = solved(&curve_pump_loop(1.0, "").replace(
        "speed_ratio = 1",
        "control = \"differential_pressure\"\ndp_setpoint_bar = 2.0",
    ));
    let p = held.link("pump").unwrap().pump.unwrap();
    assert!((p.dp_pa - 2.0e5).abs() < 1e-3 && p.speed.unwrap() < 1.0);
}

#[test]
fn a_heat_source_raises_the_temperature_by_q_over_m_cp() {
    let body = "[[loop.component]]\nkind = \"heat_source\"\nname = \"racks\"\nfrom = \"b\"\nto = \"c\"\nheat_kw = 200\ndp_nominal_bar = 0.5\nflow_nominal_kg_s = 5\n[[loop.component]]\nkind = \"heat_source\"\nname = \"cooler\"\nfrom = \"c\"\nto = \"a\"\noutlet_temperature_c = 20\n";
    let r = solved(&ideal_pump_loop(0.5, body));
    let racks = r.link("racks").unwrap();
    let water = dctwin_fluid::Fluid::water();
    let rise = water.enthalpy_j_kg(racks.outlet_k) - water.enthalpy_j_kg(racks.inlet_k);
    assert!((racks.mass_flow_kg_s * rise - 200e3).abs() < 1e-6);
    assert!((racks.inlet_k - 293.15).abs() < 1e-9);
    assert!((r.link("cooler").unwrap().heat_w + 200e3).abs() < 1e-3);
    assert!(r.loops[0].balance_residual_w.abs() < 1e-9 * 200e3);
}

#[test]
fn a_consumer_whose_supply_is_too_cold_is_named() {
    let body = "[[loop.component]]\nkind = \"heat_consumer\"\nname = \"building\"\nfrom = \"b\"\nto = \"c\"\nheat_kw = 100\nreturn_temperature_c = 40\n[[loop.component]]\nkind = \"heat_source\"\nname = \"plant\"\nfrom = \"c\"\nto = \"a\"\noutlet_temperature_c = 35\n";
    let err = solve(&ideal_pump_loop(0.5, body)).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, SolveError::ConsumerStarved { .. }), "{text}");
    assert!(
        text.contains("\"building\"") && text.contains("35.00 °C"),
        "{text}"
    );
}

#[test]
fn a_loop_without_heat_keeps_its_temperature() {
    let r = solved(&ideal_pump_loop(1.0, &resistance("r", "b", "a", 1.0, 10.0)));
    assert!(
        r.nodes
            .iter()
            .all(|n| (n.temperature_k - 293.15).abs() < 1e-12)
    );
}

#[test]
fn a_loop_heated_with_nothing_to_fix_its_temperature_is_named() {
    let body = "[[loop.component]]\nkind = \"heat_source\"\nname = \"racks\"\nfrom = \"b\"\nto = \"a\"\nheat_kw = 10\n";
    let err = solve(&ideal_pump_loop(0.5, body).replace(
        "heat_kw = 10",
        "heat_kw = 10\ndp_nominal_bar = 0.5\nflow_nominal_kg_s = 5",
    ))
    .unwrap_err();
    assert!(matches!(err, SolveError::NoThermalAnchor { .. }), "{err}");
    assert!(err.to_string().contains("loop \"l\""));
}
