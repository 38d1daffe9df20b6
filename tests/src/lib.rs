//! Helpers shared by dctwin's cross-crate and validation tests.

pub mod plants;
pub mod scenarios;
#[path = "shared_data.rs"]
mod shared;

pub use shared::shared_data;

use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

/// Read a CSV file into rows of (header → value) strings.
pub fn read_csv(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().expect("a header row").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a readable row");
            headers
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// A field of a CSV row as a number.
pub fn num(row: &std::collections::HashMap<String, String>, key: &str) -> f64 {
    row.get(key)
        .unwrap_or_else(|| panic!("no column {key}"))
        .parse()
        .unwrap_or_else(|e| panic!("column {key}: {e}"))
}

type Row = HashMap<String, String>;

fn junction_names(junctions: &[Row]) -> HashMap<String, String> {
    junctions
        .iter()
        .map(|j| (j[""].clone(), j["name"].clone()))
        .collect()
}

/// The pandapipes reference network (`validation/pandapipes` of the shared data) as a dctwin
/// model file.
pub fn pandapipes_model(dir: &Path) -> String {
    let junctions = read_csv(&dir.join("pp_input_junction.csv"));
    let names = junction_names(&junctions);
    let pipes = read_csv(&dir.join("pp_input_pipe.csv"));
    let consumers = read_csv(&dir.join("pp_input_heat_consumer.csv"));
    let pump = &read_csv(&dir.join("pp_input_circ_pump_pressure.csv"))[0];
    let flow_node = &names[&pump["flow_junction"]];
    let return_node = &names[&pump["return_junction"]];
    let mut t = String::new();
    writeln!(t, "name = \"pandapipes reference network\"").unwrap();
    writeln!(
        t,
        "[[loop]]\nname = \"district\"\nfluid = \"water\"\ninitial_temperature_k = {}",
        num(pump, "t_flow_k")
    )
    .unwrap();
    // pandapipes' circulation pump: fixed pressure on the flow side, fixed lift, fixed supply
    // temperature. Here: a pressurisation point at the flow junction, an ideal pump held to the
    // lift, and an ideal plant holding the supply temperature. pandapipes puts no pump heat into
    // the water, hence shaft_heat_to_fluid = 0.
    writeln!(
        t,
        "[[loop.component]]\nkind = \"pressurisation\"\nname = \"vessel\"\nnode = \"{flow_node}\"\npressure_bar = {}",
        num(pump, "p_flow_bar")
    )
    .unwrap();
    writeln!(
        t,
        "[[loop.component]]\nkind = \"pump\"\nname = \"plant.pump\"\nfrom = \"{return_node}\"\nto = \"plant.heater_in\"\ncontrol = \"differential_pressure\"\ndp_setpoint_bar = {}\nefficiency = 0.7\nshaft_heat_to_fluid = 0.0",
        num(pump, "plift_bar")
    )
    .unwrap();
    writeln!(
        t,
        "[[loop.component]]\nkind = \"heat_source\"\nname = \"plant.heater\"\nfrom = \"plant.heater_in\"\nto = \"{flow_node}\"\noutlet_temperature_k = {}",
        num(pump, "t_flow_k")
    )
    .unwrap();
    for p in &pipes {
        assert_eq!(
            p["sections"], "1",
            "one section per pipe, as in the reference"
        );
        writeln!(
            t,
            "[[loop.component]]\nkind = \"pipe\"\nname = \"{}\"\nfrom = \"{}\"\nto = \"{}\"\nlength_km = {}\ninner_diameter_mm = {}\nroughness_mm = {}\nminor_loss_coefficient = {}\nu_value_w_m2_k = {}\nouter_diameter_mm = {}\nambient_temperature_k = {}",
            p["name"],
            names[&p["from_junction"]],
            names[&p["to_junction"]],
            p["length_km"],
            p["inner_diameter_mm"],
            p["k_mm"],
            p["loss_coefficient"],
            p["u_w_per_m2k"],
            p["outer_diameter_mm"],
            p["text_k"]
        )
        .unwrap();
    }
    for c in &consumers {
        writeln!(
            t,
            "[[loop.component]]\nkind = \"heat_consumer\"\nname = \"{}\"\nfrom = \"{}\"\nto = \"{}\"\nheat_w = {}\nreturn_temperature_k = {}",
            c["name"],
            names[&c["from_junction"]],
            names[&c["to_junction"]],
            c["qext_w"],
            c["treturn_k"]
        )
        .unwrap();
    }
    t
}

/// Scale every heat consumer's and fixed heat source's heat by `factor`: the change a time loop
/// makes between two solves, so that "warm" benchmarks re-solve something new.
pub fn scale_loads(solver: &mut dctwin_network::SteadySolver, factor: f64) {
    use dctwin_components::{Component, HeatDuty};
    for c in solver.components_mut() {
        match c {
            Component::HeatConsumer(h) => h.heat_w *= factor,
            Component::HeatSource(h) => {
                if let HeatDuty::Fixed { heat_w } = &mut h.duty {
                    *heat_w *= factor;
                }
            }
            _ => {}
        }
    }
}
