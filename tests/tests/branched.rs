//! The shipped branched district-heating example (`models/branched-dh.toml`,
//! `scenarios/branched-dh.toml`, `data/branched-dh/`): a network that is not a data centre,
//! replayed from its readings through the CLI's files alone. At its design values the transient
//! run brought to rest agrees with the steady solver; the replay closes its energy balance and
//! writes every sensor and node.

use dctwin_network::{Network, SteadySolver};
use dctwin_sim::{Settings, Simulation, plant_of};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Twelve hours at the model's own values (no inputs) bring the transient to rest; its node
/// temperatures then agree with the steady solve within 0.05 K and its flows within 1e-4
/// relative. The transient cuts each pipe into 4–8 stirred segments where the steady solver
/// integrates the loss along it exactly: the difference in a pipe's outlet is the segments'
/// discretisation of a loss of a few kelvin over 0.15–0.6 km.
#[test]
fn at_rest_the_transient_is_the_steady_state() {
    let facility = dctwin_model::load(&repo().join("models/branched-dh.toml")).unwrap();
    let steady = SteadySolver::new(Network::from_facility(&facility))
        .solve()
        .unwrap();
    let (plant, controllers) = plant_of(&facility).unwrap();
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    let mut last = None;
    sim.run(
        12.0 * 3600.0,
        3600.0,
        &mut |_: f64, _: &mut _| {},
        &mut |s| {
            last = Some(s.clone());
            ControlFlow::Continue(())
        },
    )
    .unwrap();
    let rest = last.unwrap();
    let worst_k = (steady.nodes.iter().enumerate())
        .map(|(n, node)| (rest.node_k[n] - node.temperature_k).abs())
        .fold(0.0, f64::max);
    println!("worst node temperature difference from the steady state: {worst_k:.4} K");
    for (n, node) in steady.nodes.iter().enumerate() {
        let dt = rest.node_k[n] - node.temperature_k;
        assert!(dt.abs() < 0.05, "{}: {dt} K", node.name);
    }
    for (l, link) in steady.links.iter().enumerate() {
        let (a, b) = (rest.flow_kg_s[l], link.mass_flow_kg_s);
        assert!(
            (a - b).abs() <= 1e-4 * b.abs().max(1e-3),
            "{}: {a} vs {b}",
            link.name
        );
    }
}

/// The scenario replays two days: 2,880 rows, the balance closed to 1e-9, a reading of every
/// sensor and a temperature of every node in the series, the plant's supply at the readings'
/// set-point (the source's small volume follows within 0.5 K after each hour's step).
#[test]
fn the_example_replays_from_its_files_alone() {
    let dir = std::env::temp_dir().join(format!("dctwin-branched-{}", std::process::id()));
    let options = dctwin_scenario::RunOptions {
        data_dir: None,
        out_dir: dir.join("run"),
        stop: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
        sets: Vec::new(),
    };
    let path = repo().join("scenarios/branched-dh.toml");
    let (summary, _) =
        dctwin_scenario::run(&path, &options, &mut |_: &dctwin_scenario::Progress| {}).unwrap();
    assert_eq!(summary.rows, 2880);
    assert!(summary.energy_balance.relative_residual.abs() < 1e-9);
    let table = dctwin_series::read_series(dir.join("run/series.parquet")).unwrap();
    for name in ["school", "housing", "hospital"] {
        let sensor = table
            .column(&format!("sensor:{name}.sensor.temperature_c"))
            .unwrap();
        assert!(sensor.iter().all(|t| (40.0..100.0).contains(t)), "{name}");
    }
    let supply = table.column("node:plant.supply.temperature_c").unwrap();
    // The readings hold 95 °C from 05:00 to 08:00 on the first day (linear between hours).
    assert!(
        supply[5 * 60 + 30..8 * 60]
            .iter()
            .all(|t| (t - 95.0).abs() < 0.5)
    );
    assert_eq!(
        table
            .names
            .iter()
            .filter(|n| n.starts_with("node:"))
            .count(),
        11
    );
}
