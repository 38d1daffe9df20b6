//! Model-file text that tests and examples start from: one water loop held at 2 bar at its
//! pump's suction, the pump driving it from `suction` to `discharge` under flow control. The
//! caller appends the loop's other components (from `discharge` back to `suction`).

/// The head of a model file named `facility` with one water loop `loop_name` starting at
/// `initial_c` °C: its pressurisation vessel and its pump, whose flow (and any other keys) are
/// the TOML lines `pump_keys`, e.g. `flow_setpoint_m3_h = 18`.
pub fn pumped_loop(facility: &str, loop_name: &str, initial_c: f64, pump_keys: &str) -> String {
    format!(
        r#"
name = "{facility}"
[[loop]]
name = "{loop_name}"
fluid = "water"
initial_temperature_c = {initial_c:?}
[[loop.component]]
kind = "pressurisation"
name = "vessel"
node = "suction"
pressure_bar = 2.0
[[loop.component]]
kind = "pump"
name = "pump"
from = "suction"
to = "discharge"
control = "flow"
efficiency = 0.75
{pump_keys}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The head alone, closed by a pipe, is a valid model whose pump has the keys given.
    #[test]
    fn the_head_with_a_return_pipe_is_a_model() {
        let text = pumped_loop("fixture", "loop", 40.0, "flow_setpoint_m3_h = 18")
            + "[[loop.component]]\nkind = \"pipe\"\nname = \"return\"\nfrom = \"discharge\"\n\
               to = \"suction\"\nlength_m = 10\ninner_diameter_mm = 100\n";
        let facility = crate::parse(&text, std::path::Path::new("fixture.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(facility.name, "fixture");
        assert_eq!(facility.loops.len(), 1);
    }
}
