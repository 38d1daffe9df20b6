//! Speed of the transient simulation: a facility of N containers × 20 racks (88 kW each) with
//! CDUs, a dry cooler and two heat pumps feeding a district loop, one simulated day at 60 s
//! control and reporting steps, with every rack's load changing every minute. Prints simulated
//! seconds per wall second and where CVODE's work went.
//!
//! Usage: `transient_bench [--containers N] [--hours H] [--no-restart]` (default 50 containers,
//! 24 h; `--no-restart` keeps CVODE's history across control steps).

use dctwin_sim::{Plant, Settings, Simulation};
use dctwin_tests::plants::{PlantSpec, build_plant, k};
use std::ops::ControlFlow;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str, default: f64| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map_or(default, |v| v.parse().expect("a number"))
    };
    let containers = value("--containers", 50.0) as usize;
    let hours = value("--hours", 24.0);
    let spec = PlantSpec {
        containers,
        racks: 20,
        rack_power_w: 88e3,
        district_demand_w: 4e6,
    };
    let (plant, controllers) = build_plant(&spec);
    let setup = Instant::now();
    let settings = Settings {
        restart_each_step: !args.iter().any(|a| a == "--no-restart"),
        relative_tolerance: value("--rtol", Settings::default().relative_tolerance),
        absolute_tolerance_k: value("--atol", Settings::default().absolute_tolerance_k),
        ..Settings::default()
    };
    let mut sim = Simulation::new(plant, 0.0, settings).expect("simulation");
    sim.controllers = controllers;
    let setup_s = setup.elapsed().as_secs_f64();
    // A deterministic load walk: each minute every rack moves between 60 % and 100 %.
    let mut inputs = |t: f64, plant: &mut Plant| {
        let minute = (t / 60.0) as u64;
        dctwin_tests::plants::each_rack(plant, |i| {
            let r = i as u64 + 1;
            let x = ((minute * 2_654_435_761 + r * 40_503) % 1000) as f64 / 1000.0;
            88e3 * (0.6 + 0.4 * x)
        });
        plant.outdoor.dry_bulb_k = k(12.0 + 6.0 * (std::f64::consts::TAU * t / 86_400.0).sin());
    };
    let start = Instant::now();
    let mut reports = 0usize;
    let balance = sim
        .run(hours * 3600.0, 60.0, &mut inputs, &mut |_| {
            reports += 1;
            ControlFlow::Continue(())
        })
        .expect("run");
    let wall = start.elapsed().as_secs_f64();
    let simulated = hours * 3600.0;
    println!(
        "{{\"containers\": {containers}, \"racks\": {}, \"links\": {}, \"states\": {}, \"setup_s\": {setup_s:.3}, \"simulated_s\": {simulated}, \"wall_s\": {wall:.3}, \"realtime_factor\": {:.0}, \"year_estimate_s\": {:.0}, \"reports\": {reports}, \"energy_residual_relative\": {:.2e}}}",
        containers * 20,
        sim.plant.network.links.len(),
        sim.snapshot().volume_k.len(),
        simulated / wall,
        wall * 365.0 * 24.0 / hours,
        balance.relative_residual(),
    );
    let st = sim.integrator_stats();
    let steps = (simulated / 60.0).max(1.0);
    println!(
        "per control step: {:.1} CVODE steps, {:.1} RHS evaluations, {:.1} Newton iterations, {:.1} linear iterations, {:.2} set-ups, {:.1} preconditioner solves; {:.2} error-test and {:.2} Newton failures, {:.2} linear failures",
        st.steps as f64 / steps,
        st.rhs_evaluations as f64 / steps,
        st.nonlinear_iterations as f64 / steps,
        st.linear_iterations as f64 / steps,
        st.setups as f64 / steps,
        st.preconditioner_solves as f64 / steps,
        st.error_test_failures as f64 / steps,
        st.convergence_failures as f64 / steps,
        st.linear_convergence_failures as f64 / steps,
    );
}
