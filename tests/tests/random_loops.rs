//! Property: any small loop the model reader accepts simulates without a panic or a NaN, and
//! closes its energy balance. proptest draws the loop (pump flow, a pipe with or without heat
//! loss, wall and segments, a heat source, a cooler, a second pipe, the start temperature), runs
//! it for two hours through CVODE, and checks every node's temperature and the balance.
//!
//! The bound on the balance is the one every transient test holds, 1e-9 of the heat that came in:
//! the volumes' states are their energies, so the balance closes to round-off and the
//! integrator's Newton convergence (measured 1e-13 to 1e-11 on the fixed loops).

use dctwin_sim::{Plant, Settings, Simulation};
use proptest::prelude::*;
use std::ops::ControlFlow;

/// One random loop: pump → supply pipe → heat source → return pipe → cooler → pump.
#[derive(Debug, Clone)]
struct LoopCase {
    start_c: f64,
    flow_m3_h: f64,
    rise_k: f64,
    cooler_c: f64,
    supply_m: f64,
    diameter_mm: f64,
    u_value: Option<(f64, f64)>,
    wall_mm: Option<f64>,
    segments: usize,
    return_m: f64,
}

fn loop_case() -> impl Strategy<Value = LoopCase> {
    (
        (10.0..60.0, 2.0..100.0, 0.5..20.0, 15.0..50.0),
        (
            5.0..500.0,
            40.0..200.0,
            prop::option::of((0.1..5.0, 0.0..30.0)),
        ),
        (prop::option::of(2.0..10.0), 1usize..6, 1.0..100.0),
    )
        .prop_map(
            |(
                (start_c, flow_m3_h, rise_k, cooler_c),
                (supply_m, diameter_mm, u_value),
                (wall_mm, segments, return_m),
            )| LoopCase {
                start_c,
                flow_m3_h,
                rise_k,
                cooler_c,
                supply_m,
                diameter_mm,
                u_value,
                wall_mm,
                segments,
                return_m,
            },
        )
}

impl LoopCase {
    fn model(&self) -> String {
        // The heat that lifts the design flow by `rise_k` (water, 4.18 kJ/(kg·K), 0.99 kg/l).
        let heat_kw = self.flow_m3_h / 3600.0 * 990.0 * 4.18 * self.rise_k;
        let loss = self.u_value.map_or(String::new(), |(u, ambient)| {
            format!(
                "u_value_w_m2_k = {u}\nouter_diameter_mm = {}\nambient_temperature_c = {ambient}\n",
                self.diameter_mm + 30.0
            )
        });
        let wall = self
            .wall_mm
            .map_or(String::new(), |t| format!("wall_thickness_mm = {t}\n"));
        dctwin_model::fixture::pumped_loop(
            "random loop",
            "loop",
            self.start_c,
            &format!("flow_setpoint_m3_h = {}", self.flow_m3_h),
        ) + &format!(
            r#"
[[loop.component]]
kind = "pipe"
name = "supply"
from = "discharge"
to = "rack_in"
length_m = {supply_m}
inner_diameter_mm = {diameter_mm}
segments = {segments}
{loss}{wall}
[[loop.component]]
kind = "heat_source"
name = "racks"
from = "rack_in"
to = "rack_out"
heat_kw = {heat_kw}
dp_nominal_bar = 0.5
flow_nominal_m3_h = {flow}
[[loop.component]]
kind = "pipe"
name = "return"
from = "rack_out"
to = "cooler_in"
length_m = {return_m}
inner_diameter_mm = {diameter_mm}
[[loop.component]]
kind = "heat_source"
name = "cooler"
from = "cooler_in"
to = "suction"
outlet_temperature_c = {cooler_c}
dp_nominal_bar = 0.3
flow_nominal_m3_h = {flow}
"#,
            supply_m = self.supply_m,
            diameter_mm = self.diameter_mm,
            segments = self.segments,
            flow = self.flow_m3_h,
            cooler_c = self.cooler_c,
            return_m = self.return_m,
        )
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_random_loop_runs_without_nan_and_closes_its_balance(case in loop_case()) {
        let facility = dctwin_model::parse(&case.model(), std::path::Path::new("random.toml"))
            .map_err(|e| TestCaseError::fail(format!("the model was refused: {e}")))?;
        let network = dctwin_network::Network::from_facility(&facility);
        let plant = Plant::new(network);
        let mut sim = Simulation::new(plant, 0.0, Settings::default())
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let mut no_inputs = |_t: f64, _p: &mut Plant| {};
        let mut finite = true;
        let balance = sim
            .run(2.0 * 3600.0, 600.0, &mut no_inputs, &mut |s| {
                finite &= s
                    .volume_k
                    .iter()
                    .chain(&s.node_k)
                    .all(|t| (273.15..373.15).contains(t));
                ControlFlow::Continue(())
            })
            .map_err(|e| TestCaseError::fail(format!("the run failed: {e}")))?;
        prop_assert!(finite, "a temperature left 0..100 °C (or was not finite) during the run");
        let temperatures = sim.node_temperatures_k();
        prop_assert!(temperatures.iter().all(|t| (273.15..373.15).contains(t)), "{temperatures:?}");
        prop_assert!(balance.relative_residual().abs() < 1e-9, "{balance}");
    }
}
