//! The design point of every shipped model (`dctwin solve`): its transient held at the model's
//! design values until it comes to rest. On a plain network it is the steady solver's answer;
//! on `jupiter` every CDU holds its 40 °C; every model's loops balance their heat; a long run
//! from it stays there.

use dctwin_network::{Network, SteadySolver};
use dctwin_scenario::design::{DesignWeather, design_point};
use std::path::{Path, PathBuf};

fn models() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// Every shipped model comes to rest at 15 °C outdoor; each loop's heat in and out then agree
/// within 1e-6 of what flows (what a volume still gains at a drift below 5e-4 K an hour), and
/// every temperature is water's.
#[test]
fn every_shipped_model_has_a_design_point() {
    let files = models();
    assert!(files.len() >= 6, "{files:?}");
    for file in files {
        let facility = dctwin_model::load(&file).unwrap_or_else(|e| panic!("{e}"));
        let rest = design_point(&facility, DesignWeather::default())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
            .rest;
        for l in &rest.steady.loops {
            let scale = l.heat_in_w.abs().max(l.heat_out_w.abs()).max(1e3);
            assert!(
                l.balance_residual_w.abs() < 1e-6 * scale.max(l.boundary_w.abs()) + 1.0,
                "{}: loop {} residual {} W",
                file.display(),
                l.name,
                l.balance_residual_w
            );
        }
        for n in &rest.steady.nodes {
            assert!(
                (273.15..=423.15).contains(&n.temperature_k),
                "{}: {} at {} K",
                file.display(),
                n.name,
                n.temperature_k
            );
        }
    }
}

/// A network without devices (`dlc-module`): brought to rest, it is where the steady solver
/// puts it, temperatures within 2 mK and flows within 1e-5 of each flow (the issue asks 0.05 K
/// and 1e-4). Both take a link's properties at the mean of its inlet and outlet; the transient
/// re-evaluates them once that mean moves 0.05 K (measured: 3.4e-6 on the header).
#[test]
fn at_rest_a_plain_network_is_the_steady_solution() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/dlc-module.toml");
    let facility = dctwin_model::load(&file).unwrap();
    assert!(facility.devices.is_empty());
    let steady = SteadySolver::new(Network::from_facility(&facility))
        .solve()
        .unwrap();
    let rest = design_point(&facility, DesignWeather::default())
        .unwrap()
        .rest;
    for (a, b) in rest.steady.nodes.iter().zip(&steady.nodes) {
        assert!(
            (a.temperature_k - b.temperature_k).abs() < 2e-3,
            "{}: {} vs {} K",
            a.name,
            a.temperature_k,
            b.temperature_k
        );
    }
    for (a, b) in rest.steady.links.iter().zip(&steady.links) {
        let scale = b.mass_flow_kg_s.abs().max(1e-3);
        assert!(
            (a.mass_flow_kg_s - b.mass_flow_kg_s).abs() < 1e-5 * scale,
            "{}: {} vs {} kg/s",
            a.name,
            a.mass_flow_kg_s,
            b.mass_flow_kg_s
        );
    }
}

/// `jupiter` at its design point: each of the 50 CDUs' PI loops holds its 40 °C supply within
/// 0.05 K with its valve inside its travel, and the facility loop rejects what the racks give.
#[test]
fn jupiter_at_its_design_point_holds_every_supply() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/jupiter.toml");
    let facility = dctwin_model::load(&file).unwrap();
    let rest = design_point(&facility, DesignWeather::default())
        .unwrap()
        .rest;
    assert_eq!(rest.controllers.len(), 50);
    for c in &rest.controllers {
        assert!(
            (c.measured_k - c.setpoint_k).abs() < 0.05 && c.limit.is_none(),
            "{c:?}"
        );
    }
}

/// The design point is where a long transient run ends. `jupiter` (50 CDUs' PI loops, staged
/// heat pumps, a dry cooler holding its set-point) and `qarnot` (a heating network of
/// substations and a boiler) run on for two simulated days from their rest, held at the same
/// design values: no volume moves more than 0.05 K and no flow more than 1e-4 of itself (of
/// 1e-3 kg/s for a still link), the tolerances. Measured: 2.6e-5 K on `jupiter`,
/// nothing on `qarnot`.
#[test]
fn a_long_run_from_the_design_point_stays_there() {
    use dctwin_scenario::design::resting_simulation;
    use std::ops::ControlFlow;
    for name in ["jupiter.toml", "qarnot.toml"] {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../models")
            .join(name);
        let facility = dctwin_model::load(&file).unwrap();
        let (mut sim, _) = resting_simulation(&facility, DesignWeather::default(), &[]).unwrap();
        let rest = sim.snapshot();
        let end = sim.time_s() + 2.0 * 86_400.0;
        let hold = &mut |_: f64, _: &mut dctwin_sim::Plant| {};
        sim.run(end, 3600.0, hold, &mut |_| ControlFlow::Continue(()))
            .unwrap();
        let later = sim.snapshot();
        let moved_k = (later.volume_k.iter().zip(&rest.volume_k))
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(moved_k < 0.05, "{name}: a volume moved {moved_k} K");
        for (a, b) in later.flow_kg_s.iter().zip(&rest.flow_kg_s) {
            assert!(
                (a - b).abs() <= 1e-4 * b.abs().max(1e-3),
                "{name}: a flow moved from {b} to {a} kg/s"
            );
        }
    }
}
