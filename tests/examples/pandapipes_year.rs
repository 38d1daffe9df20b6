//! A year of hourly steady solves of the pandapipes reference network, for
//! `scripts/bench-year-vs-pandapipes` (which runs pandapipes on the same 8760 problems).
//!
//! Usage: `pandapipes_year --pandapipes DIR --profile FILE [--out FILE] [--hours N] [--repeat R]`
//!
//! `FILE` is the profile the script writes: one row per hour with the plant's supply temperature
//! `t_supply_k`, the ground temperature `t_ground_k` (every pipe's surroundings) and each heat
//! consumer's heat in a column `<name>_w`. Each hour sets those inputs and re-solves from the
//! previous hour's state (hydraulics, heat transport and consumer flows to the solver's usual
//! tolerances), as the simulation's time loop would. The year is run `R` times (default 11), each
//! from a fresh solver, and the median wall time is reported; the per-hour plant figures of the
//! last run go to `--out` as CSV, and a JSON summary to standard output.

use dctwin_components::{Component, HeatDuty};
use dctwin_network::{Network, SteadySolver};
use std::path::{Path, PathBuf};
use std::process::exit;
use std::time::Instant;

/// One hour of the profile: the inputs both tools get.
struct Hour {
    supply_k: f64,
    ground_k: f64,
    /// Heat of each consumer, in the order of `Profile::consumers` [W].
    heat_w: Vec<f64>,
}

struct Profile {
    consumers: Vec<String>,
    hours: Vec<Hour>,
}

/// What the year reports per hour.
#[derive(Clone, Copy, Default)]
struct PlantHour {
    mass_flow_kg_s: f64,
    return_k: f64,
    heat_w: f64,
    rounds: usize,
    inner_rounds: usize,
    iterations: usize,
}

fn fail(message: String) -> ! {
    eprintln!("pandapipes_year: error: {message}");
    exit(1)
}

fn read_profile(path: &Path) -> Result<Profile, String> {
    let shown = path.display();
    let mut reader = csv::Reader::from_path(path).map_err(|e| format!("{shown}: {e}"))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{shown}: header row: {e}"))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("{shown}: no column '{name}'"))
    };
    let (supply, ground) = (column("t_supply_k")?, column("t_ground_k")?);
    let consumer_columns: Vec<(usize, String)> = (headers.iter().enumerate())
        .filter_map(|(i, h)| h.strip_suffix("_w").map(|n| (i, n.to_string())))
        .collect();
    if consumer_columns.is_empty() {
        return Err(format!("{shown}: no consumer columns '<name>_w'"));
    }
    let mut hours = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = record.map_err(|e| format!("{shown}: line {line}: {e}"))?;
        let field = |i: usize| -> Result<f64, String> {
            let text = record.get(i).unwrap_or("");
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    format!(
                        "{shown}: line {line}, column '{}': expected a number, got '{text}'",
                        &headers[i]
                    )
                })
        };
        hours.push(Hour {
            supply_k: field(supply)?,
            ground_k: field(ground)?,
            heat_w: (consumer_columns.iter())
                .map(|&(i, _)| field(i))
                .collect::<Result<_, _>>()?,
        });
    }
    if hours.is_empty() {
        return Err(format!("{shown}: no rows"));
    }
    Ok(Profile {
        consumers: consumer_columns.into_iter().map(|(_, n)| n).collect(),
        hours,
    })
}

/// Where each input goes in the network.
struct Wiring {
    /// Per link: the profile column of its heat, for heat consumers.
    column: Vec<Option<usize>>,
    heater: usize,
    pump: usize,
}

fn wire(network: &Network, profile: &Profile) -> Result<Wiring, String> {
    let link = |name: &str| {
        network
            .link_index(name)
            .ok_or_else(|| format!("the network has no link '{name}'"))
    };
    let mut column = vec![None; network.links.len()];
    for (c, name) in profile.consumers.iter().enumerate() {
        let l = link(name)?;
        if !matches!(network.links[l].component, Component::HeatConsumer(_)) {
            return Err(format!(
                "profile column '{name}_w': '{name}' is not a heat consumer"
            ));
        }
        column[l] = Some(c);
    }
    if let Some(l) = (0..network.links.len()).find(|&l| {
        column[l].is_none() && matches!(network.links[l].component, Component::HeatConsumer(_))
    }) {
        return Err(format!(
            "the profile has no column '{}_w' for that heat consumer",
            network.links[l].name
        ));
    }
    Ok(Wiring {
        column,
        heater: link("plant.heater")?,
        pump: link("plant.pump")?,
    })
}

/// Put one hour's inputs into the solver's components.
fn set_inputs(solver: &mut SteadySolver, wiring: &Wiring, hour: &Hour) {
    for (l, c) in solver.components_mut().enumerate() {
        match c {
            Component::HeatConsumer(h) => {
                let column = wiring.column[l].expect("every consumer has a column (wire)");
                h.heat_w = hour.heat_w[column];
            }
            Component::HeatSource(h) if l == wiring.heater => {
                h.duty = HeatDuty::OutletSetpoint {
                    outlet_k: hour.supply_k,
                };
            }
            Component::Pipe(p) => {
                if let Some(loss) = &mut p.heat_loss {
                    loss.ambient_k = hour.ground_k;
                }
            }
            _ => {}
        }
    }
}

/// One year from a fresh solver: wall seconds and the plant's figures per hour.
fn run_year(network: &Network, wiring: &Wiring, hours: &[Hour]) -> (f64, Vec<PlantHour>) {
    let mut out = vec![PlantHour::default(); hours.len()];
    let start = Instant::now();
    let mut solver = SteadySolver::new(network.clone());
    for (h, (hour, record)) in hours.iter().zip(&mut out).enumerate() {
        set_inputs(&mut solver, wiring, hour);
        let result = solver
            .solve()
            .unwrap_or_else(|e| fail(format!("hour {h}: {e}")));
        let pump = &result.links[wiring.pump];
        *record = PlantHour {
            mass_flow_kg_s: pump.mass_flow_kg_s,
            return_k: pump.inlet_k,
            heat_w: result.links[wiring.heater].heat_w,
            rounds: result.stats.rounds,
            inner_rounds: result.stats.inner_rounds,
            iterations: result.stats.hydraulic.iterations,
        };
    }
    (start.elapsed().as_secs_f64(), out)
}

fn write_hours(path: &Path, hours: &[PlantHour]) -> Result<(), String> {
    use std::fmt::Write;
    let mut text = String::from(
        "hour,plant_mass_flow_kg_s,plant_return_k,plant_heat_w,coupling_rounds,inner_rounds,newton_iterations\n",
    );
    for (h, r) in hours.iter().enumerate() {
        writeln!(
            text,
            "{h},{},{},{},{},{},{}",
            r.mass_flow_kg_s, r.return_k, r.heat_w, r.rounds, r.inner_rounds, r.iterations
        )
        .expect("writing to a String");
    }
    // Written beside the target and renamed, so a failed run never leaves half a file.
    let temporary = path.with_extension("csv.tmp");
    std::fs::write(&temporary, text).map_err(|e| format!("{}: {e}", temporary.display()))?;
    std::fs::rename(&temporary, path).map_err(|e| format!("{}: {e}", path.display()))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    let number = |flag: &str, default: usize| {
        value(flag).map_or(default, |v| {
            v.parse()
                .ok()
                .filter(|&n| n > 0)
                .unwrap_or_else(|| fail(format!("{flag}: expected a positive integer, got '{v}'")))
        })
    };
    let (Some(dir), Some(profile_path)) = (value("--pandapipes"), value("--profile")) else {
        eprintln!(
            "usage: pandapipes_year --pandapipes DIR --profile FILE [--out FILE] [--hours N] [--repeat R]"
        );
        exit(2);
    };
    let repeat = number("--repeat", 11);
    let profile = read_profile(Path::new(profile_path)).unwrap_or_else(|e| fail(e));
    let hours = &profile.hours[..number("--hours", profile.hours.len()).min(profile.hours.len())];

    let text = dctwin_tests::pandapipes_model(&PathBuf::from(dir));
    let facility = dctwin_model::parse(&text, Path::new("pandapipes.toml"))
        .unwrap_or_else(|e| fail(e.to_string()));
    let network = Network::from_facility(&facility);
    let wiring = wire(&network, &profile).unwrap_or_else(|e| fail(e));

    let mut walls = Vec::with_capacity(repeat);
    let mut plant = Vec::new();
    for _ in 0..repeat {
        let (wall, result) = run_year(&network, &wiring, hours);
        walls.push(wall);
        plant = result;
    }
    let mut sorted = walls.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    if let Some(out) = value("--out") {
        write_hours(Path::new(out), &plant).unwrap_or_else(|e| fail(e));
    }
    let rounds: usize = plant.iter().map(|p| p.rounds).sum();
    let iterations: usize = plant.iter().map(|p| p.iterations).sum();
    let inner: usize = plant.iter().map(|p| p.inner_rounds).sum();
    let walls_text: Vec<String> = walls.iter().map(|w| format!("{w:e}")).collect();
    println!(
        "{{\"nodes\": {}, \"links\": {}, \"hours\": {}, \"repeat\": {repeat}, \"wall_seconds\": [{}], \"median_wall_seconds\": {median:e}, \"min_wall_seconds\": {:e}, \"mean_coupling_rounds\": {}, \"mean_newton_iterations\": {}, \"mean_inner_rounds\": {}, \"max_coupling_rounds\": {}}}",
        network.node_count(),
        network.links.len(),
        hours.len(),
        walls_text.join(", "),
        sorted[0],
        rounds as f64 / hours.len() as f64,
        iterations as f64 / hours.len() as f64,
        inner as f64 / hours.len() as f64,
        plant.iter().map(|p| p.rounds).max().unwrap_or(0),
    );
}
