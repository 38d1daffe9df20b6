//! A pipe of several segments inside a transient run built from a model file: fed a step in
//! temperature, its outlet is the Erlang-N response of N mixing volumes in series; with its
//! wall and a loss to a cold room it settles at the chain's own steady state, within the
//! discretisation's difference of the steady solver's exact exponential law; and the energy
//! balance, its wall's energy stored, closes.

use dctwin_components::MixingVolume;
use dctwin_fluid::Fluid;
use dctwin_sim::plant::LinkThermal;
use dctwin_sim::{Settings, Simulation, plant_of};
use std::ops::ControlFlow;

/// Mass of the ideal feed's volume in the step tests [kg]: its lag, 2e-4 s at 5 kg/s, moves
/// the outlet by less than 1e-4 K (the Erlang fronts here rise at most 0.2 K/s).
const FEED_MASS_KG: f64 = 1e-3;

/// A loop: pump (18 m³/h), an ideal plant holding 60 °C, the pipe `pipe` (its TOML keys),
/// back to the pump; everything starts at 40 °C. A `reversed` pipe is declared from the pump's
/// suction to the plant, so its water flows from `to` to `from`.
fn pipe_loop(pipe: &str, reversed: bool, settings: Settings) -> Simulation {
    let (from, to) = if reversed {
        ("suction", "pipe_in")
    } else {
        ("pipe_in", "suction")
    };
    let text =
        dctwin_model::fixture::pumped_loop("pipe loop", "loop", 40.0, "flow_setpoint_m3_h = 18")
            + &format!(
                r#"
[[loop.component]]
kind = "heat_source"
name = "feed"
from = "discharge"
to = "pipe_in"
outlet_temperature_c = 60
[[loop.component]]
kind = "pipe"
name = "pipe"
from = "{from}"
to = "{to}"
inner_diameter_mm = 100
{pipe}
"#
            );
    let facility = dctwin_model::parse(&text, std::path::Path::new("pipe.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut plant, controllers) = plant_of(&facility).unwrap();
    let feed = plant.link("feed").unwrap();
    if let LinkThermal::Volume { volume, .. } = &mut plant.links[feed] {
        *volume = MixingVolume {
            mass_kg: FEED_MASS_KG,
            solid_capacity_j_k: 0.0,
        };
    }
    let mut sim = Simulation::new(plant, 0.0, settings).unwrap();
    sim.controllers = controllers;
    sim
}

/// Run to `end_s` reporting every `step_s`: (time, the pipe's outlet node temperature).
fn run(sim: &mut Simulation, end_s: f64, step_s: f64) -> Vec<(f64, f64)> {
    let outlet = sim.plant.network.node_index("suction").unwrap();
    let mut out = Vec::new();
    sim.run(end_s, step_s, &mut |_: f64, _: &mut _| {}, &mut |s| {
        out.push((s.time_s, s.node_k[outlet]));
        ControlFlow::Continue(())
    })
    .unwrap();
    out
}

/// Integration tight enough that a comparison sees the model, not the integrator.
fn tight(control_step_s: f64) -> Settings {
    Settings {
        control_step_s,
        relative_tolerance: 1e-10,
        absolute_tolerance_k: 1e-8,
        ..Settings::default()
    }
}

/// P(Erlang(n, 1) ≤ x) = 1 − Σ_{k<n} e^(−x)·x^k/k!.
fn erlang_cdf(n: usize, x: f64) -> f64 {
    let (mut term, mut sum) = (1.0, 1.0);
    for k in 1..n {
        term *= x / k as f64;
        sum += term;
    }
    1.0 - (-x).exp() * sum
}

/// An adiabatic pipe without wall, 60 m of DN100, fed a 20 K step: with N segments of mass M/N
/// its outlet enthalpy is h_0 + (h_in − h_0)·P(Erlang(N, ṁ/(M/N)) ≤ t) (each segment's law
/// is linear in enthalpy at constant mass), checked every 10 s over three transit times for
/// N = 1 (the mixing volume), 10 and 40, and for 10 segments declared against the flow (the
/// water enters at the last segment and leaves from the first). Tolerance 2e-4 K: the feed's
/// lag (< 1e-4 K) and the integrator (rtol 1e-10). The outlet is still within 1 % of the step
/// at half the transit time with 40 segments, and past 39 % with one.
#[test]
fn a_pipe_of_n_segments_lets_a_step_through_as_the_erlang_response() {
    let water = Fluid::water();
    let (t_0, t_in) = (313.15, 333.15);
    let (h_0, h_in) = (water.enthalpy_j_kg(t_0), water.enthalpy_j_kg(t_in));
    for (n, reversed) in [(1usize, false), (10, false), (40, false), (10, true)] {
        let keys = format!("length_m = 60\nsegments = {n}");
        let mut sim = pipe_loop(&keys, reversed, tight(10.0));
        let pipe = sim.plant.link("pipe").unwrap();
        let LinkThermal::Volume {
            volume, segments, ..
        } = &sim.plant.links[pipe]
        else {
            panic!("a pipe holds a volume");
        };
        assert_eq!(*segments, n);
        let segment_kg = volume.mass_kg;
        let total_kg = segment_kg * n as f64;
        let expected_kg = std::f64::consts::PI / 4.0 * 0.1 * 0.1 * 60.0 * water.density_kg_m3(t_0);
        assert!((total_kg / expected_kg - 1.0).abs() < 1e-12);
        let m = 18.0 / 3600.0 * water.density_kg_m3(t_0);
        let transit_s = total_kg / m;
        let history = run(&mut sim, (3.0 * transit_s / 10.0).ceil() * 10.0, 10.0);
        let m = sim.flows_kg_s()[pipe];
        assert_eq!(m < 0.0, reversed, "{m} kg/s");
        let m = m.abs();
        let per_segment_s = segment_kg / m;
        let mut worst: f64 = 0.0;
        let mut at_half_transit = None;
        for &(t, outlet) in &history {
            let exact = water
                .temperature_from_enthalpy_k(h_0 + (h_in - h_0) * erlang_cdf(n, t / per_segment_s));
            worst = worst.max((outlet - exact).abs());
            if at_half_transit.is_none() && t >= 0.5 * total_kg / m {
                at_half_transit = Some((outlet - t_0) / (t_in - t_0));
            }
        }
        let share = at_half_transit.unwrap();
        let against = if reversed { " against the flow" } else { "" };
        println!(
            "{n} segments{against}: transit {:.1} s, worst {worst:.1e} K over {} reports; at \
             half the transit the outlet has {:.1} % of the step",
            total_kg / m,
            history.len(),
            100.0 * share,
        );
        assert!(worst < 2e-4, "{n} segments: {worst} K");
        match n {
            1 => assert!(share > 0.39, "{share}"),
            40 => assert!(share < 0.01, "{share}"),
            _ => {}
        }
    }
}

/// The exact steady state of N segments losing UA/N each: segment by segment,
/// ṁ·(h(T_{i−1}) − h(T_i)) = UA/N·(T_i − T_amb), solved by Newton [K].
fn chain_outlet_k(
    water: &Fluid,
    inlet_k: f64,
    m_kg_s: f64,
    ua_w_k: f64,
    n: usize,
    amb_k: f64,
) -> f64 {
    let ua = ua_w_k / n as f64;
    let mut t_prev = inlet_k;
    for _ in 0..n {
        let h_prev = water.enthalpy_j_kg(t_prev);
        let mut t = t_prev;
        for _ in 0..20 {
            let f = m_kg_s * (h_prev - water.enthalpy_j_kg(t)) - ua * (t - amb_k);
            let df = -m_kg_s * water.specific_heat_j_kg_k(t) - ua;
            t -= f / df;
        }
        t_prev = t;
    }
    t_prev
}

/// 400 m of DN100 with a 4 mm steel wall, eight segments, losing heat through U = 3 W/(m²·K)
/// on a 200 mm outer diameter to a 5 °C room (UA 754 W/K against ṁ·c_p 21 kW/K: 1.9 K lost
/// at 60 °C). After three hours (28 transit times) the outlet is the chain's own steady state
/// to 1e-6 K, and within 6e-3 K of the steady solver's exponential law (the chain's
/// (1 + x/N)^(−N) against e^(−x), x = UA/(ṁ·c_p) = 0.037, differ by ≈ ΔT·e^(−x)·x²/(2N) =
/// 4.4 mK on ΔT = 55 K; measured 4.4 mK). The energy
/// balance, the wall's capacity stored with its segments, closes to 1e-9 of the heat moved; the
/// energy the states hold is the volumes' energy at the temperatures reported.
#[test]
fn a_losing_pipe_with_its_wall_settles_at_the_chains_steady_state() {
    let water = Fluid::water();
    let keys = "length_m = 400\nsegments = 8\nwall_thickness_mm = 4\nu_value_w_m2_k = 3\n\
                outer_diameter_mm = 200\nambient_temperature_c = 5";
    let mut sim = pipe_loop(keys, false, Settings::default());
    let pipe = sim.plant.link("pipe").unwrap();
    let LinkThermal::Volume { volume, .. } = &sim.plant.links[pipe] else {
        panic!("a pipe holds a volume");
    };
    let wall_j_k = 8.0 * volume.solid_capacity_j_k;
    let annulus_m2 = std::f64::consts::PI / 4.0 * (0.108f64.powi(2) - 0.1f64.powi(2));
    assert!((wall_j_k / (annulus_m2 * 400.0 * 7850.0 * 480.0) - 1.0).abs() < 1e-12);
    let history = run(&mut sim, 3.0 * 3600.0, 600.0);
    let outlet = history.last().unwrap().1;
    let m = sim.flows_kg_s()[pipe];
    let ua = 3.0 * std::f64::consts::PI * 0.2 * 400.0;
    let inlet = 333.15;
    let chain = chain_outlet_k(&water, inlet, m, ua, 8, 278.15);
    let cp = water.specific_heat_j_kg_k(0.5 * (inlet + outlet));
    let exponential = 278.15 + (inlet - 278.15) * (-ua / (m * cp)).exp();
    println!(
        "outlet {:.5} °C, the chain's steady state {:.5} °C, exponential {:.5} °C; \
         {:.2} K lost",
        outlet - 273.15,
        chain - 273.15,
        exponential - 273.15,
        inlet - outlet
    );
    assert!((outlet - chain).abs() < 1e-6, "{outlet} vs {chain}");
    assert!(
        (outlet - exponential).abs() < 6e-3,
        "{outlet} vs {exponential}"
    );
    assert!(inlet - outlet > 1.5);
    let balance = sim.energy_balance();
    assert!(balance.relative_residual().abs() < 1e-9, "{balance}");
    // The energy held, from the states, is the volumes' energy at the temperatures reported.
    let temperatures = sim.snapshot().volume_k;
    let held_j: f64 = (sim.plant.state_links().iter().zip(&temperatures))
        .map(|(&l, &t)| match &sim.plant.links[l] {
            LinkThermal::Volume { volume, .. } => volume.energy_j(sim.plant.network.fluid_of(l), t),
            LinkThermal::Through => 0.0,
        })
        .sum();
    let stored_j = sim.stored_energy_j();
    assert!(
        (held_j - stored_j).abs() < 1e-12 * held_j,
        "{held_j} vs {stored_j}"
    );
}

/// A device cannot take over a pipe that has segments or a wall: its 50 L volume would
/// silently replace them. The error names the pipe and says what to do.
#[test]
fn a_device_on_a_segmented_pipe_is_refused() {
    use dctwin_components::heat_exchanger::{FlowArrangement, HeatExchanger};
    for keys in [
        "length_m = 60\nsegments = 4",
        "length_m = 60\nwall_thickness_mm = 4",
    ] {
        let mut sim = pipe_loop(keys, false, Settings::default());
        let x = HeatExchanger::new(FlowArrangement::CounterFlow, 30e3, 5.0, 5.0).unwrap();
        let err = (sim.plant)
            .attach_exchanger("hx", "pipe", "feed", x)
            .unwrap_err()
            .to_string();
        assert!(err.contains("pipe") && err.contains("resistance"), "{err}");
    }
    let mut sim = pipe_loop("length_m = 60", false, Settings::default());
    let x = HeatExchanger::new(FlowArrangement::CounterFlow, 30e3, 5.0, 5.0).unwrap();
    assert!(sim.plant.attach_exchanger("hx", "pipe", "feed", x).is_ok());
}

/// A plant built by hand with a volume of no segments, or of no heat capacity, has nothing to
/// integrate there: the simulation refuses it, naming the link.
#[test]
fn a_volume_without_states_or_capacity_is_refused() {
    let sim = pipe_loop("length_m = 60\nsegments = 4", false, Settings::default());
    let pipe = sim.plant.link("pipe").unwrap();
    let empty = MixingVolume {
        mass_kg: 0.0,
        solid_capacity_j_k: 0.0,
    };
    for (segments, volume) in [(0, None), (4, Some(empty))] {
        let mut plant = sim.plant.clone();
        if let LinkThermal::Volume {
            segments: n,
            volume: v,
            ..
        } = &mut plant.links[pipe]
        {
            *n = segments;
            *v = volume.unwrap_or(*v);
        }
        let err = Simulation::new(plant, 0.0, Settings::default())
            .err()
            .expect("refused")
            .to_string();
        assert!(err.contains("'pipe'"), "{err}");
    }
}
