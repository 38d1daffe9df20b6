//! Networks for the unit tests of the hydraulic solver.

use crate::graph::Network;

/// Two loops coupled by nothing: each a pump holding 1 bar across a valve (kvs 20 m³/h, `a`
/// half open, `b` three quarters) and a pipe.
pub const TWO_LOOPS: &str = r#"
[[loop]]
name = "a"
fluid = "water"
initial_temperature_c = 40
[[loop.component]]
kind = "pressurisation"
name = "a.vessel"
node = "a1"
pressure_bar = 2.0
[[loop.component]]
kind = "pump"
name = "a.pump"
from = "a1"
to = "a2"
control = "differential_pressure"
dp_setpoint_bar = 1.0
curve_flow_m3_h = [0, 10, 20, 30]
curve_head_m = [20, 19, 16, 10]
efficiency = 0.7
[[loop.component]]
kind = "valve"
name = "a.valve"
from = "a2"
to = "a3"
kvs_m3_h = 20
opening = 0.5
[[loop.component]]
kind = "pipe"
name = "a.pipe"
from = "a3"
to = "a1"
length_m = 50
inner_diameter_mm = 50

[[loop]]
name = "b"
fluid = "water"
initial_temperature_c = 40
[[loop.component]]
kind = "pressurisation"
name = "b.vessel"
node = "b1"
pressure_bar = 2.0
[[loop.component]]
kind = "pump"
name = "b.pump"
from = "b1"
to = "b2"
control = "differential_pressure"
dp_setpoint_bar = 1.0
curve_flow_m3_h = [0, 10, 20, 30]
curve_head_m = [20, 19, 16, 10]
efficiency = 0.7
[[loop.component]]
kind = "valve"
name = "b.valve"
from = "b2"
to = "b3"
kvs_m3_h = 20
opening = 0.75
[[loop.component]]
kind = "pipe"
name = "b.pipe"
from = "b3"
to = "b1"
length_m = 50
inner_diameter_mm = 50
"#;

/// The network of model text `text`.
pub fn network(text: &str) -> Network {
    let facility =
        dctwin_model::parse(text, std::path::Path::new("fixture.toml")).expect("valid model");
    Network::from_facility(&facility)
}
