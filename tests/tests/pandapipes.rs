//! Validation against pandapipes 0.16: the meshed district-heating network of
//! `../shared/data/validation/pandapipes` (41 junctions, 42 pipes, 10 heat consumers, a plant
//! holding 6 bar on its flow side with a 3 bar lift and a 70 °C supply).
//!
//! The network is built from pandapipes' input CSVs as a dctwin model file (TOML text), so the
//! model layer is exercised too, and solved with the same friction law (Colebrook) and heat-loss
//! law. Residual differences come from the water properties: pandapipes interpolates tables in
//! temperature, dctwin evaluates fits to CoolProp (differences of order 1e-4 in density and
//! viscosity, 3e-4 in c_p), and from mixing at junctions by enthalpy rather than by temperature.

use dctwin_network::{Network, SteadySolver};
use dctwin_tests::{num, pandapipes_model, read_csv, shared_data};
use std::path::Path;

/// Largest relative deviation and where.
#[derive(Default)]
struct Worst {
    value: f64,
    at: String,
}

impl Worst {
    fn see(&mut self, value: f64, at: &str) {
        if value > self.value {
            self.value = value;
            self.at = at.to_string();
        }
    }
}

#[test]
fn steady_state_matches_pandapipes() {
    let Some(data) = shared_data("steady_state_matches_pandapipes") else {
        return;
    };
    let dir = data.join("validation/pandapipes");
    let text = pandapipes_model(&dir);
    let facility =
        dctwin_model::parse(&text, Path::new("pandapipes.toml")).unwrap_or_else(|e| panic!("{e}"));
    let mut solver = SteadySolver::new(Network::from_facility(&facility));
    let result = solver.solve().unwrap_or_else(|e| panic!("{e}"));

    let (mut flow, mut friction, mut pressure, mut temp) = (
        Worst::default(),
        Worst::default(),
        Worst::default(),
        Worst::default(),
    );
    for p in read_csv(&dir.join("pp_ref_pipe.csv")) {
        let ours = result.link(&p["name"]).expect("pipe in result");
        let reference = num(&p, "mdot_from_kg_per_s");
        flow.see(
            (ours.mass_flow_kg_s - reference).abs() / reference.abs(),
            &p["name"],
        );
        let dp = ours.pipe.expect("pipe figures").friction_dp_pa.abs() / 1e5;
        let dp_ref = num(&p, "dp_friction_loss_bar").abs();
        friction.see((dp - dp_ref).abs() / dp_ref, &p["name"]);
        temp.see((ours.outlet_k - num(&p, "t_outlet_k")).abs(), &p["name"]);
        temp.see((ours.inlet_k - num(&p, "t_from_k")).abs(), &p["name"]);
    }
    for j in read_csv(&dir.join("pp_ref_junction.csv")) {
        let ours = result.node(&j["name"]).expect("junction in result");
        pressure.see(
            (ours.pressure_pa / 1e5 - num(&j, "p_bar")).abs() * 1e3,
            &j["name"],
        );
        temp.see((ours.temperature_k - num(&j, "t_k")).abs(), &j["name"]);
    }
    let mut consumer_flow = Worst::default();
    for c in read_csv(&dir.join("pp_ref_heat_consumer.csv")) {
        let ours = result.link(&c["name"]).expect("consumer in result");
        let reference = num(&c, "mdot_from_kg_per_s");
        consumer_flow.see(
            (ours.mass_flow_kg_s - reference).abs() / reference,
            &c["name"],
        );
        temp.see((ours.inlet_k - num(&c, "t_from_k")).abs(), &c["name"]);
    }
    let plant_ref = num(&read_csv(&dir.join("pp_ref_circ_pump.csv"))[0], "qext_w");
    let plant = result.link("plant.heater").expect("plant").heat_w;
    let plant_dev = (plant - plant_ref).abs() / plant_ref;

    println!("pandapipes reference network, dctwin against pandapipes 0.16:");
    println!(
        "  pipe mass flow      max rel. dev. {:.2e} ({})",
        flow.value, flow.at
    );
    println!(
        "  consumer mass flow  max rel. dev. {:.2e} ({})",
        consumer_flow.value, consumer_flow.at
    );
    println!(
        "  friction Δp         max rel. dev. {:.2e} ({})",
        friction.value, friction.at
    );
    println!(
        "  junction pressure   max abs. dev. {:.4} mbar ({})",
        pressure.value, pressure.at
    );
    println!(
        "  temperature         max abs. dev. {:.5} K ({})",
        temp.value, temp.at
    );
    println!("  plant heat          {plant:.1} W vs {plant_ref:.1} W, rel. dev. {plant_dev:.2e}");
    println!("  solve: {:?}", result.stats);

    assert!(
        flow.value <= 2e-3,
        "pipe flow off by {:.2e} at {}",
        flow.value,
        flow.at
    );
    assert!(
        consumer_flow.value <= 2e-3,
        "consumer flow off by {:.2e} at {}",
        consumer_flow.value,
        consumer_flow.at
    );
    assert!(
        friction.value <= 5e-3,
        "friction drop off by {:.2e} at {}",
        friction.value,
        friction.at
    );
    assert!(
        pressure.value <= 1.0,
        "pressure off by {:.3} mbar at {}",
        pressure.value,
        pressure.at
    );
    assert!(
        temp.value <= 0.02,
        "temperature off by {:.4} K at {}",
        temp.value,
        temp.at
    );
    assert!(plant_dev <= 1e-3, "plant heat off by {plant_dev:.2e}");
    let balance = &result.loops[0];
    assert!(
        balance.balance_residual_w.abs() <= 1e-6 * balance.heat_out_w,
        "energy balance residual {} W",
        balance.balance_residual_w
    );
}
