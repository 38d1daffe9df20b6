//! Validation of the plug-flow pipe (`dctwin_components::plug_flow`) against the Université de
//! Liège measurements that Modelica Buildings validates its `PlugFlowPipe` with
//! (`../shared/data/validation/modelica-buildings/PipeDataULg*.mos`, six experiments). In each,
//! hot water is pushed into an insulated steel pipe 39 m long; the inlet water temperature and
//! the mass flow are given, and the outlet water temperature is measured, which we predict.
//!
//! # The model: the wall spread along the pipe
//! [`DistributedWallPipe`]: plug flow, the wall in 40 segments fixed in space, each exchanging
//! heat with the water over it through the film (Gnielinski) plus a fouling resistance and the
//! steel's own conduction, and losing heat through the insulation. The pipe with its wall lumped
//! in one volume at the outlet ([`PlugFlowPipe`], Modelica Buildings' layout) is run alongside
//! for comparison.
//!
//! Why: the lumped wall lets a front out as a first-order lag (full slope at once, then a long
//! exponential tail). The measured fronts are spread nearly symmetrically about the same mean
//! delay (transit + C_wall/(ṁ·c_p)): they start later and finish sooner than the lag. On 151202
//! (0.589 kg/s, lag 43 s) the lumped wall is up to 1.7 K above the data in the front's first
//! half and ≈ 1 K below it for 100 s after; no flow within ×0.94–1.06 brings it below ≈ 0.54 K.
//! The distributed wall gives 0.25 K.
//!
//! # One set of physical parameters for all six experiments
//! From `SOURCES.md` and the ULg record in Modelica Buildings (`PipeDataULg`):
//! * Pipe: 39 m long, 52.48 mm inside, 3.91 mm wall (outer 60.3 mm, a DN50 steel tube).
//! * Steel: 7850 kg/m³ (EN 1993-1-1), 500 J/(kg·K) (Modelica's PlugFlowULg; ULg says
//!   "about 480"), so ≈ 106 kJ/K; 50 W/(m·K).
//! * Loss: 13 mm of aged insulation at 0.04 W/(m·K) and 5 W/(m²·K) outside (ULg's record), so
//!   R = 2.164 m·K/W as Modelica documents; the room at 18 °C.
//! * Film: Gnielinski at each segment's temperature (Re 6 000–65 000 here), plus TEMA's fouling
//!   resistance of city water on steel, 1.76e-4 m²·K/W: the pipe is old and carries city
//!   water. Without it the exchange is 1.1–1.6 times faster (more at high flow) and the fronts
//!   come out too steep: RMSE 0.39 / 0.47 K on 150801 / 151202 (0.27 / 0.32 K at 1e-4). The
//!   experiments of 4 December prefer less (151204_1/2/4: 0.21 / 0.23 / 0.49 K without it),
//!   but their error is set by their timing (below). TEMA's tabulated value is used as it is,
//!   not fitted.
//! * Water properties from `Fluid::water()`; the line holds the pipe's volume filled at its
//!   initial temperatures.
//! * Initial state: the pipe at rest, its water running linearly from the inlet to the outlet
//!   and its wall at the water's temperature. The outlet end is the first row's outlet water
//!   temperature. The inlet end is the first row's inlet *wall* temperature: recording starts
//!   when the valves switch the hot water in, so the first inlet water reading is already on
//!   the rising edge (the second is 3–9 K higher in five experiments), while the wall there
//!   still holds the pipe's state.
//!
//! # How it is simulated
//! The pipe is stepped on the data's own time grid, each interval cut into equal steps of at
//! most 1 s, with the step's mean inlet temperature and flow (the table interpolated
//! linearly). Each step's outflow is its mean over the step; the outlet at a data time is
//! interpolated between the steps' middles (reading it at the step's end would shift it by
//! half a step: up to 0.5 K on a 1 K/s front). 80 segments instead of 40, or 0.25 s steps instead
//! of 1 s, change the RMSEs by ≤ 0.002 K.
//!
//! # Result
//! RMSE and max error against the measured outlet water temperature, over every data row:
//!
//! | experiment | flow [kg/s] | distributed wall RMSE / max [K] | lumped wall RMSE / max [K] |
//! |------------|-------------|---------------------------------|----------------------------|
//! | 150801     | 1.245       | 0.231 / 0.96                    | 0.313 / 1.40               |
//! | 151202     | 0.589       | 0.248 / 0.70                    | 0.551 / 1.66               |
//! | 151204_1   | 1.618       | 0.235 / 0.89                    | 0.256 / 0.93               |
//! | 151204_2   | 1.251       | 0.273 / 1.08                    | 0.295 / 1.23               |
//! | 151204_4   | 1.257       | 0.522 / 1.74                    | 0.568 / 2.09               |
//! | 160104_2   | 0.2494      | 0.109 / 0.35                    | 0.149 / 0.62               |
//!
//! On Modelica's 101-point grid for 151202 the distributed wall has 0.23 K (Modelica's
//! PlugFlowPipe 0.51 K, the lumped wall here 0.46 K).
//!
//! Five of six meet 0.4 K; 151204_4 does not. What limits it, measured:
//! * **The stated flow.** The RMSE moves by ≈ 0.1 K per 1 % of flow on these fronts (1 K/s).
//!   The flow that minimises it is ×0.99–1.00 for 150801, ×1.01 for 151202 and ×0.96–0.97 for
//!   all three experiments of 4 December; at ×0.97 151204_4 falls to 0.25 K, 151204_1 to
//!   0.08 K, 151204_2 to 0.10 K. No pipe property can do this: 150801 and 151204_2 run at the
//!   same flow (1.245 / 1.251 kg/s) and want flows 3 % apart; and in 151204_4 the falling
//!   front, 11 minutes after the rising one, takes 2.5 s longer from inlet to outlet (89.0 s
//!   against 86.5 s at mid-front), though the pipe then holds hotter, lighter water. The flow
//!   column is constant in every file (the set value); a flow 3–4 % below it on that day, or a
//!   drift in it, is within what a flow meter and a manual setting give, and is not in the
//!   data.
//! * **The initial state of 151204_4.** It starts from a warm pipe (27.7 °C at the outlet,
//!   30.5 °C at the inlet wall, left by the previous test), not from city water. The outlet
//!   rises to 28.6 °C in 40 s and stays flat until the front: the pipe held ≈ 28.6 °C, not a
//!   linear profile. The linear profile puts the model 0.5 K high before the front (0.67 K RMS
//!   there) and the wall it warms carries part of that into the rising front.
//! * Of 151204_4's squared error, 48 % is the falling front (700–900 s, the model 4–5 s
//!   early), 35 % the rising front (2–4 s early, and warm from the initial profile), 14 % before
//!   it, 3 % the 8 minutes of plateau (0.12 K RMS: sensor accuracy and the slow inlet drift).
//!
//! The test holds five experiments to 0.4 K and 151204_4 to what the model reaches plus
//! ≈ 0.02 K, so a regression shows; it checks that the distributed wall beats the lumped one on
//! every experiment, and prints the RMSE at flows ×0.97–1.02.

use dctwin_components::plug_flow::distributed::{
    DistributedWallPipe, TEMA_CITY_WATER_FOULING_M2_K_W, WallCoupling,
};
use dctwin_components::plug_flow::{
    PlugFlowPipe, PlugFlowSpec, insulation_resistance_m_k_w, surface_resistance_m_k_w,
};
use dctwin_fluid::Fluid;
use dctwin_sim::cvode::{Cvode, LinearSolver, Options};
use dctwin_tests::shared_data;
use std::ops::ControlFlow;
use std::path::Path;

const C: f64 = 273.15;
/// Pipe length [m].
const LENGTH_M: f64 = 39.0;
/// Inner diameter [m].
const INNER_DIAMETER_M: f64 = 0.05248;
/// Wall thickness [m] (outer diameter 60.3 mm).
const WALL_THICKNESS_M: f64 = 0.00391;
/// Carbon steel density [kg/m³].
const STEEL_DENSITY_KG_M3: f64 = 7850.0;
/// Carbon steel specific heat [J/(kg·K)].
const STEEL_SPECIFIC_HEAT_J_KG_K: f64 = 500.0;
/// Carbon steel conductivity [W/(m·K)].
const STEEL_CONDUCTIVITY_W_M_K: f64 = 50.0;
/// Insulation thickness [m].
const INSULATION_M: f64 = 0.013;
/// Aged insulation's conductivity [W/(m·K)].
const INSULATION_W_M_K: f64 = 0.04;
/// Outside surface coefficient to the room [W/(m²·K)].
const SURFACE_W_M2_K: f64 = 5.0;
/// Room temperature [°C].
const AMBIENT_C: f64 = 18.0;
/// Wall segments of the distributed wall [-].
const SEGMENTS: usize = 40;
/// Temperature at which the lumped pipe's loss time constant takes ρ·c_p [°C].
const REFERENCE_C: f64 = 35.0;
/// Longest step [s].
const MAX_STEP_S: f64 = 1.0;

/// The experiments, and the RMSE [K] the distributed wall is held to. 0.4 K is the
/// requirement; 151204_4 does not reach it (see the module's doc): its bound is what the model
/// reaches (0.522 K) plus ≈ 0.02 K, so that a regression shows.
const EXPERIMENTS: [(&str, f64); 6] = [
    ("150801", 0.4),
    ("151202", 0.4),
    ("151204_1", 0.4),
    ("151204_2", 0.4),
    ("151204_4", 0.54),
    ("160104_2", 0.4),
];

/// Flow factors at which the RMSE is printed, to show how much the stated flow matters.
const FLOW_FACTORS: [f64; 5] = [0.97, 0.98, 0.99, 1.01, 1.02];

/// A Modelica text table `double dat(N, 6)`: rows of time [s], mass flow [kg/s], outlet wall,
/// outlet water, inlet wall, inlet water [°C].
fn read_table(path: &Path) -> Vec<[f64; 6]> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut declared = None;
    let mut rows = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("double dat(") {
            let n = rest.split(',').next().expect("a row count");
            declared = Some(n.trim().parse::<usize>().expect("a row count"));
            continue;
        }
        let values: Vec<f64> = line
            .split(',')
            .map(|v| v.trim().parse().unwrap_or_else(|e| panic!("{line}: {e}")))
            .collect();
        rows.push(<[f64; 6]>::try_from(values).unwrap_or_else(|v| panic!("6 columns: {v:?}")));
    }
    assert_eq!(Some(rows.len()), declared, "{}", path.display());
    rows
}

/// A column of the table at time `t_s`, linearly interpolated, held beyond the ends.
fn at(rows: &[[f64; 6]], column: usize, t_s: f64) -> f64 {
    let i = rows.partition_point(|r| r[0] <= t_s);
    if i == 0 {
        return rows[0][column];
    }
    if i == rows.len() {
        return rows[rows.len() - 1][column];
    }
    let (a, b) = (&rows[i - 1], &rows[i]);
    a[column] + (b[column] - a[column]) * (t_s - a[0]) / (b[0] - a[0])
}

/// The ULg pipe's parameters.
fn ulg_spec() -> PlugFlowSpec {
    let outer_m = INNER_DIAMETER_M + 2.0 * WALL_THICKNESS_M;
    let insulated_m = outer_m + 2.0 * INSULATION_M;
    let resistance = insulation_resistance_m_k_w(outer_m, insulated_m, INSULATION_W_M_K).unwrap()
        + surface_resistance_m_k_w(insulated_m, SURFACE_W_M2_K).unwrap();
    PlugFlowSpec {
        length_m: LENGTH_M,
        inner_diameter_m: INNER_DIAMETER_M,
        wall_thickness_m: WALL_THICKNESS_M,
        wall_density_kg_m3: STEEL_DENSITY_KG_M3,
        wall_specific_heat_j_kg_k: STEEL_SPECIFIC_HEAT_J_KG_K,
        resistance_m_k_w: Some(resistance),
        ambient_k: C + AMBIENT_C,
    }
}

/// The ULg pipe with its wall lumped at the outlet.
fn ulg_pipe(water: &Fluid) -> PlugFlowPipe {
    PlugFlowPipe::new(&ulg_spec(), water, C + REFERENCE_C).unwrap()
}

/// How the distributed wall is resolved and coupled.
fn ulg_coupling() -> WallCoupling {
    WallCoupling {
        segments: SEGMENTS,
        fouling_m2_k_w: TEMA_CITY_WATER_FOULING_M2_K_W,
        wall_conductivity_w_m_k: STEEL_CONDUCTIVITY_W_M_K,
    }
}

/// The pipe's initial (inlet end, outlet end) temperatures [K]: the first row's inlet wall and
/// outlet water (see the module's doc).
fn initial_ends_k(rows: &[[f64; 6]]) -> (f64, f64) {
    (C + rows[0][4], C + rows[0][3])
}

/// The step boundaries: every data time and every requested time up to `end_s`, each interval
/// cut into equal steps of at most [`MAX_STEP_S`].
fn step_grid(rows: &[[f64; 6]], times_s: &[f64], end_s: f64) -> Vec<f64> {
    let mut knots: Vec<f64> = rows
        .iter()
        .map(|r| r[0])
        .chain(times_s.iter().copied())
        .chain([end_s])
        .filter(|&t| t <= end_s)
        .collect();
    knots.sort_by(f64::total_cmp);
    knots.dedup();
    let mut grid = vec![knots[0]];
    for pair in knots.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let n = ((b - a) / MAX_STEP_S).ceil().max(1.0) as usize;
        grid.extend((1..n).map(|k| a + (b - a) * k as f64 / n as f64));
        grid.push(b);
    }
    grid
}

/// A simulated experiment: the outlet temperature at the requested times, and the energy
/// balance of pipe and wall.
struct Run {
    /// (time [s], simulated outlet [K]) at each requested time.
    outlet: Vec<(f64, f64)>,
    /// initial + in − out − lost − held, over water and wall [J].
    imbalance_j: f64,
    /// Enthalpy that entered [J].
    energy_in_j: f64,
    /// Heat lost to the room [J].
    heat_lost_j: f64,
    /// Water mass the pipe holds [kg].
    mass_kg: f64,
}

/// Simulate the experiment `rows` with the distributed wall to `end_s`, the stated flow times
/// `flow_factor`, reporting the outlet at `times_s` (sorted). Beyond the table's last row the
/// inputs are held, as Modelica's `CombiTimeTable` with `HoldLastPoint` does.
fn simulate(rows: &[[f64; 6]], times_s: &[f64], end_s: f64, flow_factor: f64) -> Run {
    let water = Fluid::water();
    let (inlet0_k, outlet0_k) = initial_ends_k(rows);
    let t0 = rows[0][0];
    let mut pipe = DistributedWallPipe::filled(
        &ulg_spec(),
        &ulg_coupling(),
        &water,
        t0,
        inlet0_k,
        outlet0_k,
    )
    .unwrap();
    let mass_kg = pipe.mass_kg();
    // Each step's mean outflow at the step's middle; the outlet at t0 is the initial one.
    let mut series = vec![(t0, outlet0_k)];
    for pair in step_grid(rows, times_s, end_s).windows(2) {
        let (a, b) = (pair[0], pair[1]);
        // Inside one data interval the table is linear: its mean is the mean of the ends.
        let inlet_k = C + 0.5 * (at(rows, 5, a) + at(rows, 5, b));
        let flow = flow_factor * 0.5 * (at(rows, 1, a) + at(rows, 1, b));
        let out = pipe.step(b - a, flow, inlet_k).unwrap();
        series.push((0.5 * (a + b), out.temperature_k));
    }
    let outlet = times_s
        .iter()
        .map(|&t| (t, interpolate(&series, t)))
        .collect();
    let imbalance_j = pipe.initial_energy_j() + pipe.energy_in_j()
        - pipe.energy_out_j()
        - pipe.heat_lost_j()
        - pipe.energy_held_j();
    Run {
        outlet,
        imbalance_j,
        energy_in_j: pipe.energy_in_j(),
        heat_lost_j: pipe.heat_lost_j(),
        mass_kg,
    }
}

/// `series` (sorted by time) at `t_s`, linearly interpolated, held beyond the ends.
fn interpolate(series: &[(f64, f64)], t_s: f64) -> f64 {
    let i = series.partition_point(|&(t, _)| t <= t_s);
    if i == 0 {
        return series[0].1;
    }
    if i == series.len() {
        return series[series.len() - 1].1;
    }
    let ((ta, ya), (tb, yb)) = (series[i - 1], series[i]);
    ya + (yb - ya) * (t_s - ta) / (tb - ta)
}

/// As [`simulate`], with the wall lumped in one volume at the outlet (Modelica's layout): the
/// delay line's outflow feeds the wall volume, an ODE integrated by CVODE with a second state
/// integrating the enthalpy leaving it, so that the energy balance can be checked. The wall
/// starts at the outlet temperature.
fn simulate_lumped(rows: &[[f64; 6]], times_s: &[f64], end_s: f64) -> Run {
    let water = Fluid::water();
    let pipe = ulg_pipe(&water);
    let (inlet0_k, outlet0_k) = initial_ends_k(rows);
    let t0 = rows[0][0];
    let mut line = pipe.delay_line(&water, t0, inlet0_k, outlet0_k).unwrap();
    let mass_kg = line.mass_kg();
    let wall0_k = outlet0_k;
    let options = Options {
        relative_tolerance: 1e-10,
        absolute_tolerance: 1e-10,
        linear_solver: LinearSolver::Dense,
        ..Options::default()
    };

    // States: the wall's temperature [K] and the enthalpy it has passed on [J]. The tight
    // tolerance is for the second: it accumulates ~1e8 J and the balance is checked on it.
    let mut cvode = Cvode::new(t0, &[wall0_k, 0.0], &options).unwrap();

    let mut outlet = Vec::with_capacity(times_s.len());
    let mut wanted = times_s.iter().peekable();
    let mut record = |t: f64, wall_k: f64, wanted: &mut std::iter::Peekable<_>| {
        while let Some(&&w) = wanted.peek() {
            if w > t {
                break;
            }
            assert_eq!(w, t, "a requested time missed");
            outlet.push((t, wall_k));
            wanted.next();
        }
    };
    record(t0, wall0_k, &mut wanted);
    let mut line_out_j = 0.0;
    for pair in step_grid(rows, times_s, end_s).windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let inlet_k = C + 0.5 * (at(rows, 5, a) + at(rows, 5, b));
        let flow = 0.5 * (at(rows, 1, a) + at(rows, 1, b));
        let out = line.step(b - a, flow, inlet_k).unwrap();
        line_out_j += out.enthalpy_j;
        let line_k = out.temperature_k;
        cvode
            .advance(b, &mut |_, y, dy| {
                dy[0] = pipe.outlet_derivative_k_s(&water, line_k, y[0], flow);
                dy[1] = flow * water.enthalpy_j_kg(y[0]);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        record(b, cvode.state()[0], &mut wanted);
    }
    assert!(wanted.next().is_none(), "requested times beyond the end");
    let (wall_k, wall_out_j) = (cvode.state()[0], cvode.state()[1]);
    assert!((line.energy_out_j() - line_out_j).abs() <= 1e-12 * line_out_j);
    let capacity = pipe.wall_capacity_j_k();
    let imbalance_j = line.initial_energy_j() + capacity * wall0_k + line.energy_in_j()
        - wall_out_j
        - line.heat_lost_j()
        - line.energy_held_j()
        - capacity * wall_k;
    Run {
        outlet,
        imbalance_j,
        energy_in_j: line.energy_in_j(),
        heat_lost_j: line.heat_lost_j(),
        mass_kg,
    }
}

/// (RMSE, max |error|, mean error) [K] of `simulated` against `measured`.
fn errors(simulated: &[f64], measured: &[f64]) -> (f64, f64, f64) {
    let e: Vec<f64> = simulated.iter().zip(measured).map(|(s, m)| s - m).collect();
    let n = e.len() as f64;
    (
        (e.iter().map(|x| x * x).sum::<f64>() / n).sqrt(),
        e.iter().fold(0.0_f64, |m, x| m.max(x.abs())),
        e.iter().sum::<f64>() / n,
    )
}

/// A variable `name=[v0, v1, …]` of Modelica's reference result file.
fn reference_series(text: &str, name: &str) -> Vec<f64> {
    let start = text
        .find(&format!("{name}=["))
        .unwrap_or_else(|| panic!("no {name} in the reference file"))
        + name.len()
        + 2;
    let end = start + text[start..].find(']').expect("a closing bracket");
    text[start..end]
        .split(',')
        .map(|v| {
            v.trim()
                .parse()
                .unwrap_or_else(|e| panic!("{name}: {v}: {e}"))
        })
        .collect()
}

/// Each experiment's outlet water temperature within its bound with the distributed wall,
/// better than with the lumped wall, and the energy of water and wall balanced. The
/// distributed pipe's bookkeeping is exact: 1e-10 of what entered allows for rounding over
/// 10⁴ steps. The lumped run's residue is CVODE's on the enthalpy leaving the wall volume
/// (relative tolerance 1e-10 per step over 10⁴–10⁵ steps: 1e-8–3e-7), so 1e-6.
#[test]
fn outlet_temperature_matches_ulg_measurements() {
    let Some(data) = shared_data("outlet_temperature_matches_ulg_measurements") else {
        return;
    };
    let dir = data.join("validation/modelica-buildings");
    let water = Fluid::water();
    let lumped_pipe = ulg_pipe(&water);
    let spec = ulg_spec();
    println!(
        "ULg pipe: {:.1} kg of water at {REFERENCE_C} °C, wall {:.0} J/K in {SEGMENTS} segments, \
         R = {:.3} m·K/W, fouling {TEMA_CITY_WATER_FOULING_M2_K_W} m²·K/W",
        lumped_pipe.fluid_mass_kg(&water, C + REFERENCE_C),
        lumped_pipe.wall_capacity_j_k(),
        spec.resistance_m_k_w.unwrap()
    );
    let mut failures = Vec::new();
    for (name, bound) in EXPERIMENTS {
        let rows = read_table(&dir.join(format!("PipeDataULg{name}.mos")));
        let times: Vec<f64> = rows.iter().map(|r| r[0]).collect();
        let measured: Vec<f64> = rows.iter().map(|r| r[3]).collect();
        let end = times[times.len() - 1];
        let rmse_of = |run: &Run| {
            let simulated: Vec<f64> = run.outlet.iter().map(|(_, t)| t - C).collect();
            errors(&simulated, &measured)
        };
        let run = simulate(&rows, &times, end, 1.0);
        let (rmse, max, bias) = rmse_of(&run);
        let lumped = simulate_lumped(&rows, &times, end);
        let (l_rmse, l_max, _) = rmse_of(&lumped);
        let flow = rows[0][1];
        println!(
            "{name:>9}: {} rows over {end:.0} s, {flow:.4} kg/s (transit {:.0} s, wall lag {:.0} s): \
             RMSE {rmse:.3} K, max {max:.2} K, mean {bias:+.3} K (bound {bound} K); lumped wall \
             RMSE {l_rmse:.3} K, max {l_max:.2} K; heat lost {:.0} kJ, energy imbalance {:.1e} \
             of the input",
            rows.len(),
            run.mass_kg / flow,
            lumped_pipe.wall_capacity_j_k() / (flow * water.specific_heat_j_kg_k(C + REFERENCE_C)),
            run.heat_lost_j / 1e3,
            run.imbalance_j / run.energy_in_j
        );
        let sensitivity: Vec<String> = FLOW_FACTORS
            .iter()
            .map(|&f| {
                let (r, _, _) = rmse_of(&simulate(&rows, &times, end, f));
                format!("×{f}: {r:.3}")
            })
            .collect();
        println!("           RMSE at other flows: {}", sensitivity.join(", "));
        if rmse > bound {
            failures.push(format!("{name}: RMSE {rmse:.3} K > {bound} K"));
        }
        if rmse >= l_rmse {
            failures.push(format!(
                "{name}: distributed wall {rmse:.3} K not below lumped {l_rmse:.3} K"
            ));
        }
        assert!(
            run.imbalance_j.abs() < 1e-10 * run.energy_in_j,
            "{name}: energy imbalance {} J of {} J",
            run.imbalance_j,
            run.energy_in_j
        );
        assert!(
            lumped.imbalance_j.abs() < 1e-6 * lumped.energy_in_j,
            "{name}: lumped energy imbalance {} J of {} J",
            lumped.imbalance_j,
            lumped.energy_in_j
        );
    }
    assert!(failures.is_empty(), "{failures:?}");
}

/// Modelica's reference result for 151202 read back: its outlet against the measurement must
/// give SOURCES' RMSE 0.51 K and max 2.7 K (tolerance: the digits quoted). This checks that we
/// read the file and the table as Modelica did. On the same grid (101 points over 0–875 s,
/// inputs held after the table's last row) the distributed wall must do better.
#[test]
fn modelica_reference_for_151202_reads_back() {
    let Some(data) = shared_data("modelica_reference_for_151202_reads_back") else {
        return;
    };
    let dir = data.join("validation/modelica-buildings");
    let text = std::fs::read_to_string(dir.join("ref_PlugFlowULg.txt")).expect("the reference");
    let span = reference_series(&text, "time");
    let modelica_out: Vec<f64> = reference_series(&text, "senTem_out.T")
        .iter()
        .map(|t| t - C)
        .collect();
    let measured = reference_series(&text, "DataReader.y[3]");
    let inlet = reference_series(&text, "DataReader.y[5]");
    let n = modelica_out.len();
    assert_eq!(span.len(), 2);
    assert_eq!((measured.len(), inlet.len()), (n, n));
    let grid: Vec<f64> = (0..n)
        .map(|i| span[0] + (span[1] - span[0]) * i as f64 / (n - 1) as f64)
        .collect();

    let (rmse, max, _) = errors(&modelica_out, &measured);
    println!(
        "Modelica PlugFlowPipe on 151202 (its 101-point grid): RMSE {rmse:.3} K, max {max:.2} K"
    );
    assert!((rmse - 0.51).abs() < 0.01, "{rmse}");
    assert!((max - 2.7).abs() < 0.05, "{max}");

    // The reference's measured columns are our table, interpolated and held: we read it alike.
    let rows = read_table(&dir.join("PipeDataULg151202.mos"));
    for (i, &t) in grid.iter().enumerate() {
        // float32 in the result file: 1e-5 relative.
        assert!(
            (at(&rows, 3, t) - measured[i]).abs() < 1e-4,
            "outlet at {t} s"
        );
        assert!((at(&rows, 5, t) - inlet[i]).abs() < 1e-4, "inlet at {t} s");
    }
    // The first simulated outlet value is Modelica's initial outlet temperature: 18.2 °C.
    assert!((modelica_out[0] - rows[0][3]).abs() < 1e-4);

    // Modelica on the data rows (its output interpolated between its 8.75 s points).
    let data_times: Vec<f64> = rows.iter().map(|r| r[0]).collect();
    let modelica_on_rows: Vec<f64> = data_times
        .iter()
        .map(|&t| {
            let x = (t - span[0]) / (span[1] - span[0]) * (n - 1) as f64;
            let i = (x.floor() as usize).min(n - 2);
            modelica_out[i] + (modelica_out[i + 1] - modelica_out[i]) * (x - i as f64)
        })
        .collect();
    let rows_measured: Vec<f64> = rows.iter().map(|r| r[3]).collect();
    let (m_rows, m_rows_max, _) = errors(&modelica_on_rows, &rows_measured);
    println!(
        "Modelica PlugFlowPipe on 151202 (the data rows): RMSE {m_rows:.3} K, max {m_rows_max:.2} K"
    );

    for (label, run) in [
        ("distributed wall", simulate(&rows, &grid, span[1], 1.0)),
        ("lumped wall", simulate_lumped(&rows, &grid, span[1])),
    ] {
        let ours: Vec<f64> = run.outlet.iter().map(|(_, t)| t - C).collect();
        let (our_rmse, our_max, _) = errors(&ours, &measured);
        let (vs_modelica, _, _) = errors(&ours, &modelica_out);
        println!(
            "dctwin plug flow, {label}, on 151202 (the same grid): RMSE {our_rmse:.3} K, \
             max {our_max:.2} K; RMS difference to Modelica {vs_modelica:.3} K"
        );
        assert!(our_rmse <= rmse, "{label}: {our_rmse} > Modelica's {rmse}");
    }
}

/// Segments of the loop's pipe in [`the_loop_pipe_matches_ulg_measurements`] (≈ 2 m each),
/// and the RMSE [K] each experiment is held to with them: what the loop's pipe reaches (see
/// the test) plus ≈ 0.03 K, so that a regression shows.
const LOOP_SEGMENTS: usize = 20;
const LOOP_BOUNDS: [(&str, f64); 6] = [
    ("150801", 0.39),
    ("151202", 0.74),
    ("151204_1", 0.26),
    ("151204_2", 0.32),
    ("151204_4", 0.50),
    ("160104_2", 0.41),
];

/// Control step of the loop runs [s]: the feed's set-point follows the measured inlet at it.
const LOOP_STEP_S: f64 = 1.0;

/// The facility file of a loop running one experiment: a vessel, a pump holding the stated
/// flow, an ideal plant holding the inlet water temperature (its set-point is moved every
/// control step), and the ULg pipe as the loop knows it: `segments` well-mixed segments, its
/// steel wall (`wall_material = "steel"`, 480 J/(kg·K)) at the water's temperature, the loss
/// as U on the insulation's outer diameter. Everything starts at `initial_c`.
fn ulg_loop_model(flow_kg_s: f64, initial_c: f64, segments: usize) -> String {
    let spec = ulg_spec();
    let insulated_m = INNER_DIAMETER_M + 2.0 * (WALL_THICKNESS_M + INSULATION_M);
    let u_w_m2_k = 1.0 / (spec.resistance_m_k_w.unwrap() * std::f64::consts::PI * insulated_m);
    dctwin_model::fixture::pumped_loop(
        "ULg bench",
        "bench",
        initial_c,
        &format!("shaft_heat_to_fluid = 0.0\nflow_setpoint_kg_s = {flow_kg_s}"),
    ) + &format!(
        r#"
[[loop.component]]
kind = "heat_source"
name = "feed"
from = "discharge"
to = "pipe_in"
outlet_temperature_c = {initial_c}
[[loop.component]]
kind = "pipe"
name = "pipe"
from = "pipe_in"
to = "suction"
length_m = {LENGTH_M}
inner_diameter_mm = {}
wall_thickness_mm = {}
wall_material = "steel"
u_value_w_m2_k = {u_w_m2_k}
outer_diameter_mm = {}
ambient_temperature_c = {AMBIENT_C}
segments = {segments}
"#,
        INNER_DIAMETER_M * 1e3,
        WALL_THICKNESS_M * 1e3,
        insulated_m * 1e3
    )
}

/// The experiment `rows` run through the transient simulation's own loop: the pipe of
/// `segments` segments starting at the first outlet reading, the feed's set-point the measured
/// inlet at the middle of each control step (its volume shrunk to 1 g, so it follows at
/// once). Returns the outlet at the data's times (interpolated between the control steps)
/// and the run's energy balance residue (relative).
fn simulate_in_loop(rows: &[[f64; 6]], segments: usize) -> (Vec<f64>, f64) {
    use dctwin_components::MixingVolume;
    use dctwin_sim::plant::{Heat, LinkThermal, Plant};
    use dctwin_sim::{Settings, Simulation, plant_of};
    let flow = rows[0][1];
    let text = ulg_loop_model(flow, rows[0][3], segments);
    let facility =
        dctwin_model::parse(&text, Path::new("ulg.toml")).unwrap_or_else(|e| panic!("{e}"));
    let (mut plant, controllers) = plant_of(&facility).unwrap();
    let feed = plant.link("feed").unwrap();
    let LinkThermal::Volume { volume, .. } = &mut plant.links[feed] else {
        panic!("the feed holds a volume");
    };
    *volume = MixingVolume {
        mass_kg: 1e-3,
        solid_capacity_j_k: 0.0,
    };
    let settings = Settings {
        control_step_s: LOOP_STEP_S,
        ..Settings::default()
    };
    let mut sim = Simulation::new(plant, rows[0][0], settings).unwrap();
    sim.controllers = controllers;
    let outlet = sim.plant.network.node_index("suction").unwrap();
    let end = rows[rows.len() - 1][0];
    let mut series = vec![(rows[0][0], C + rows[0][3])];
    let mut inputs = |t: f64, plant: &mut Plant| {
        if let LinkThermal::Volume {
            heat: Heat::Setpoint { outlet_k },
            ..
        } = &mut plant.links[feed]
        {
            *outlet_k = C + at(rows, 5, t + 0.5 * LOOP_STEP_S);
        }
    };
    sim.run(end, LOOP_STEP_S, &mut inputs, &mut |s| {
        series.push((s.time_s, s.node_k[outlet]));
        ControlFlow::Continue(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let m = sim.flows_kg_s()[sim.plant.link("pipe").unwrap()];
    // Within the hydraulic solver's convergence tolerance (1e-8 relative).
    assert!((m / flow - 1.0).abs() < 1e-8, "{m} kg/s against {flow}");
    let simulated = rows
        .iter()
        .map(|r| interpolate(&series, r[0]) - C)
        .collect();
    (simulated, sim.energy_balance().relative_residual())
}

/// The pipe as the facility's loops hold it (a chain of well-mixed segments, its wall at the
/// water's temperature), run inside a transient simulation against the six Liège experiments.
///
/// The film between water and wall, which spreads the measured fronts, is not in it: the
/// segments' numerical diffusion stands in for it. N segments let a front through spread by
/// ±τ/√N (τ: water and wall capacity over ṁ·c_p, 88 s at 1.25 kg/s); the measured front of
/// 151204_4 rises over ±21 s, ±19.5 s once the inlet's own rise is taken out, which N = 20
/// gives. N was chosen on these data, so this checks the loop pipe's shape and delay against
/// measurements rather than validating it independently; the bounds catch regressions. With 20 segments the loop's pipe is within 0.23–0.71 K RMSE of the measurements
/// (the distributed-wall component: 0.11–0.52 K); 151202, at half the flow, is the worst: its
/// spread, (τ/σ)² ≈ 30 segments' worth, is narrower than 20 give, and its lag shorter than the
/// wall's film makes it. 160104_2 has no front (its inlet ramps 5 K in 15 minutes at a fifth
/// of the flow) and starts from a non-uniform pipe (17.8 °C at the inlet wall, 15.0 °C at the
/// outlet) that a uniform start cannot hold: 0.22–0.40 K at any N. On the five fronts a single
/// mixing volume, what a loop's pipe was before segments, is 2.2–6.9 K off; 10 and 40
/// segments are printed to show the choice.
#[test]
fn the_loop_pipe_matches_ulg_measurements() {
    let Some(data) = shared_data("the_loop_pipe_matches_ulg_measurements") else {
        return;
    };
    let dir = data.join("validation/modelica-buildings");
    let mut failures = Vec::new();
    for (name, bound) in LOOP_BOUNDS {
        let rows = read_table(&dir.join(format!("PipeDataULg{name}.mos")));
        let measured: Vec<f64> = rows.iter().map(|r| r[3]).collect();
        let mut line = format!("{name:>9}:");
        for segments in [1, 10, LOOP_SEGMENTS, 40] {
            let (simulated, residue) = simulate_in_loop(&rows, segments);
            let (rmse, max, bias) = errors(&simulated, &measured);
            line += &format!(
                " {segments} segments: RMSE {rmse:.3} K, max {max:.2} K, mean {bias:+.3} K;"
            );
            assert!(residue.abs() < 1e-5, "{name}: energy residue {residue}");
            if segments == LOOP_SEGMENTS && rmse > bound {
                failures.push(format!("{name}: RMSE {rmse:.3} K > {bound} K"));
            }
            if segments == 1 && name != "160104_2" && rmse < 1.0 {
                failures.push(format!("{name}: one mixing volume within {rmse:.3} K"));
            }
        }
        println!("{line}");
    }
    assert!(failures.is_empty(), "{failures:?}");
}
