//! Times dctwin's steady solve of one network and prints the figures as JSON, for
//! `scripts/bench-vs-pandapipes` (which times pandapipes on the same network in the same run).
//!
//! Usage: `steady_bench (--pandapipes DIR | --model FILE) [--repeat N]`
//!
//! "cold" is what pandapipes' `pipeflow` does on every call: lay out the solver (node ordering,
//! symbolic factorisation) and solve from a cold start. "warm" re-solves from the last state after
//! the loads moved by 1 %, as the simulation's time loop does.

use dctwin_network::{Network, SteadySolver};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    let repeat: usize = value("--repeat").map_or(1000, |v| v.parse().expect("--repeat N"));
    let (label, text, file) = if let Some(dir) = value("--pandapipes") {
        let dir = PathBuf::from(dir);
        (
            "pandapipes reference network".to_string(),
            dctwin_tests::pandapipes_model(&dir),
            PathBuf::from("pandapipes.toml"),
        )
    } else if let Some(file) = value("--model") {
        let file = PathBuf::from(file);
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        (file.display().to_string(), text, file)
    } else {
        eprintln!("usage: steady_bench (--pandapipes DIR | --model FILE) [--repeat N]");
        std::process::exit(2);
    };
    let facility = dctwin_model::parse(&text, &file).unwrap_or_else(|e| panic!("{e}"));
    let network = Network::from_facility(&facility);

    let start = Instant::now();
    let mut result = None;
    for _ in 0..repeat {
        let mut solver = SteadySolver::new(network.clone());
        result = Some(solver.solve().unwrap_or_else(|e| panic!("{e}")));
    }
    let cold = start.elapsed().as_secs_f64() / repeat as f64;

    let mut solver = SteadySolver::new(network.clone());
    solver.solve().unwrap_or_else(|e| panic!("{e}"));
    let start = Instant::now();
    for i in 0..repeat {
        // Loads move by ±1 % between solves, as they do from one time step to the next.
        dctwin_tests::scale_loads(&mut solver, if i % 2 == 0 { 1.01 } else { 1.0 / 1.01 });
        solver.solve().unwrap_or_else(|e| panic!("{e}"));
    }
    let warm = start.elapsed().as_secs_f64() / repeat as f64;

    let start = Instant::now();
    for _ in 0..repeat {
        std::hint::black_box(SteadySolver::new(network.clone()));
    }
    let setup = start.elapsed().as_secs_f64() / repeat as f64;
    let result = result.expect("at least one solve");
    let flows: Vec<String> = result
        .links
        .iter()
        .map(|l| format!("\"{}\": {}", l.name, l.mass_flow_kg_s))
        .collect();
    let pressures: Vec<String> = result
        .nodes
        .iter()
        .map(|n| format!("\"{}\": {}", n.name, n.pressure_pa / 1e5))
        .collect();
    let heat_out: f64 = result.loops.iter().map(|l| l.heat_out_w).sum();
    let heat_in: f64 = result.loops.iter().map(|l| l.heat_in_w).sum();
    println!(
        "{{\"network\": \"{label}\", \"links\": {}, \"nodes\": {}, \"repeat\": {repeat}, \"setup_seconds\": {setup:e}, \"cold_seconds_per_solve\": {cold:e}, \"warm_seconds_per_solve\": {warm:e}, \"heat_in_w\": {heat_in}, \"heat_out_w\": {heat_out}, \"mass_flow_kg_s\": {{{}}}, \"pressure_bar\": {{{}}}}}",
        network.links.len(),
        network.node_count(),
        flows.join(", "),
        pressures.join(", ")
    );
}
