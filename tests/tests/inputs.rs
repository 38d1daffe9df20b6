//! `[[input]]`: measured values bound to any settable parameter. A small heating loop (a source
//! holding a measured supply temperature, a buried pipe losing heat to the ground, a consumer
//! drawing a measured heat) run for six hours: each input reaches the physics at every control
//! step. And the errors a user meets: an unknown component, a key its kind does not take (the
//! message lists what it takes), a column of the wrong quantity, a value outside what the
//! parameter accepts (with its time).

use dctwin_inputs::{Resolver, TimeGrid, parse_timestamp, time::utc};
use dctwin_scenario::drive::{Drive, DriveInputs, Driven};
use dctwin_scenario::spec::Scenario;
use dctwin_sim::control::Controllers;
use dctwin_sim::plant::LinkThermal;
use dctwin_sim::{Plant, Settings, Simulation, Snapshot, plant_of};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// Measured supply [°C] and consumer heat [kW] at each hour from 00:00 to 06:00.
const SUPPLY_C: [f64; 7] = [70.0, 72.0, 80.0, 76.0, 74.0, 71.0, 70.0];
const HEAT_KW: [f64; 7] = [40.0, 55.0, 70.0, 60.0, 50.0, 45.0, 40.0];
/// The ground around the pipe, a constant input [°C].
const GROUND_C: f64 = 5.0;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dctwin-inputs-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A pump, the source, 800 m of insulated DN100 pipe losing heat to its ambient (20 °C in the
/// file), the consumer.
fn write_model(dir: &Path) -> PathBuf {
    let text = r#"
name = "grid"
[[loop]]
name = "grid"
fluid = "water"
initial_temperature_c = 65.0
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
control = "differential_pressure"
dp_setpoint_bar = 0.5
efficiency = 0.75
[[loop.component]]
kind = "heat_source"
name = "source"
from = "discharge"
to = "feed"
outlet_temperature_c = 70
dp_nominal_bar = 0.2
flow_nominal_m3_h = 6
[[loop.component]]
kind = "pipe"
name = "main"
from = "feed"
to = "far"
length_m = 800
inner_diameter_mm = 100
u_value_w_m2_k = 0.5
outer_diameter_mm = 250
ambient_temperature_c = 20
[[loop.component]]
kind = "heat_consumer"
name = "consumer"
from = "far"
to = "suction"
heat_kw = 40
return_temperature_c = 60
[[loop.component]]
kind = "temperature_sensor"
name = "far.sensor"
node = "far"
nominal_flow_kg_s = 1
"#;
    let path = dir.join("grid.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The measurements, hourly.
fn write_trace(dir: &Path) {
    let mut csv = String::from("time,supply,heat\n");
    for (h, (s, q)) in SUPPLY_C.iter().zip(HEAT_KW).enumerate() {
        csv += &format!("2024-03-01T{h:02}:00:00Z,{s},{q}\n");
    }
    std::fs::write(dir.join("measured.csv"), csv).unwrap();
}

/// A six-hour scenario of the model with `inputs` (scenario lines).
fn write_scenario(dir: &Path, inputs: &str) -> PathBuf {
    let model = write_model(dir);
    write_trace(dir);
    let text = format!(
        "model = \"{}\"\nstart = \"2024-03-01T00:00:00Z\"\nend = \"2024-03-01T06:00:00Z\"\n{inputs}",
        model.display()
    );
    let path = dir.join("measured.toml");
    std::fs::write(&path, text).unwrap();
    path
}

const TRACE: &str = r#"file = "measured.csv"
time_column = "time"
columns = [{ name = "supply", unit = "degC" }, { name = "heat", unit = "kW" }]
"#;

fn measured_inputs() -> String {
    format!(
        "[[input]]\ntarget = \"source.outlet_temperature_c\"\ncolumn = \"supply\"\n\
         [input.trace]\n{TRACE}\n\
         [[input]]\ntarget = \"pipe:*.ambient_temperature_c\"\nvalue = {GROUND_C}\n\n\
         [[input]]\ntarget = \"consumer.heat_kw\"\ncolumn = \"heat\"\n[input.trace]\n{TRACE}"
    )
}

/// The drive as the engine builds it, and the plant and controllers it is bound to.
fn drive_of(path: &Path) -> Result<(Drive, Plant, Controllers), String> {
    let scenario = Scenario::load(path).map_err(|e| e.to_string())?;
    let facility = dctwin_model::load(&scenario.model).map_err(|e| e.to_string())?;
    let (plant, controllers) = plant_of(&facility).map_err(|e| e.to_string())?;
    let start = parse_timestamp(&scenario.start, utc()).unwrap();
    let end = parse_timestamp(&scenario.end, utc()).unwrap();
    let grid = TimeGrid::between(start, end, 60.0).unwrap();
    let resolver = Resolver::with_dirs(path.parent().map(Path::to_path_buf), None);
    let mut drive =
        Drive::load(&scenario, &resolver, grid, Driven::of(&plant)).map_err(|e| e.to_string())?;
    (drive.bind_inputs(&scenario, &resolver, &plant, &controllers)).map_err(|e| e.to_string())?;
    Ok((drive, plant, controllers))
}

/// Every minute, after the first ten: the water leaving the source is at the measured supply
/// of that minute, less the lag of its mixed volume behind a ramp (the ramp times the volume's
/// turnover time, within 10 % and 0.01 K); the pipe loses its heat to the 5 °C ground, not
/// the file's 20 °C (the ambient its loss and temperature imply, to 0.01 K: the snapshot's
/// temperature and the last evaluation's heat are a fraction of a step apart); the consumer
/// draws the measured heat (to round-off). The grid's supply is the measurement's straight line between the hours (to
/// 0.05 K, the minute's mean of it against its start).
#[test]
fn measured_supply_ground_and_heat_reach_the_physics() {
    let dir = scratch("physics");
    let path = write_scenario(&dir, &measured_inputs());
    let (drive, mut plant, controllers) = drive_of(&path).unwrap();
    let [supply, ground, heat] = &drive.bound.inputs[..] else {
        panic!("three inputs");
    };
    assert_eq!(ground.values, [GROUND_C + 273.15]);
    for (h, &s) in SUPPLY_C.iter().enumerate().take(6) {
        let at_hour = supply.values[60 * h] - 273.15;
        assert!((at_hour - s).abs() < 0.05, "{h} h: {at_hour} vs {s}");
    }
    let source = plant.link("source").unwrap();
    let main = plant.link("main").unwrap();
    let consumer = plant.link("consumer").unwrap();
    let ua = 0.5 * std::f64::consts::PI * 0.25 * 800.0;
    drive.apply(0.0, &mut plant).unwrap();
    let states = plant.state_links();
    let state = |l: usize| states.iter().position(|&x| x == l).unwrap();
    let (source_s, main_s) = (state(source), state(main));
    let LinkThermal::Volume { volume, .. } = &plant.links[source] else {
        panic!("the source holds a volume");
    };
    let source_kg = volume.mass_kg;
    // The steepest the measured supply moves [K/s].
    let ramp_k_s = (SUPPLY_C.windows(2))
        .map(|w| (w[1] - w[0]).abs() / 3600.0)
        .fold(0.0, f64::max);
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    let mut checked = 0;
    let mut observe = |s: &Snapshot| {
        let k = drive.step_of(s.time_s - 1.0);
        if s.time_s >= 600.0 {
            let leaving = s.volume_k[source_s];
            let want = supply.values[k];
            // A mixed volume held at a moving set-point lags it by the ramp times its
            // turnover time M/ṁ.
            let lag_k = ramp_k_s * source_kg / s.flow_kg_s[source].abs();
            assert!(
                (leaving - want).abs() < 1.1 * lag_k + 0.01,
                "{} s: {leaving} vs {want} (lag {lag_k} K)",
                s.time_s
            );
            // The ambient the pipe loses its heat to, from its loss and its temperature.
            let ambient_c = s.volume_k[main_s] + s.heat_w[main] / ua - 273.15;
            assert!((ambient_c - GROUND_C).abs() < 0.01, "{ambient_c} °C");
            let drawn = -s.heat_w[consumer];
            assert!(
                (drawn - heat.values[k]).abs() <= 1e-9 * drawn,
                "{drawn} vs {}",
                heat.values[k]
            );
            checked += 1;
        }
        ControlFlow::Continue(())
    };
    sim.run(6.0 * 3600.0, 60.0, &mut DriveInputs(&drive), &mut observe)
        .unwrap();
    assert_eq!(checked, 6 * 60 - 9);
}

/// What a user who gets a target or a trace wrong reads: the input's key and line, the
/// component, what its kind takes, what the column measures, and when a value is out of range.
#[test]
fn a_wrong_input_is_named_with_what_it_can_take() {
    let dir = scratch("errors");
    let cases: &[(&str, &[&str])] = &[
        (
            "[[input]]\ntarget = \"sorce.outlet_temperature_c\"\nvalue = 70\n",
            &[
                "measured.toml:5: key 'input.0.target'",
                "no component is called 'sorce': did you mean 'source'?",
            ],
        ),
        (
            "[[input]]\ntarget = \"source.heat_kw\"\nvalue = 70\n",
            &[
                "'source' (a heat_source) has no settable parameter 'heat_kw'",
                "it takes outlet_temperature_c",
            ],
        ),
        (
            "[[input]]\ntarget = \"pump.dp_setpoint_bar\"\nvalue = 0.4\n\n\
             [[input]]\ntarget = \"pump.speed_ratio\"\nvalue = 0.5\n",
            &[
                "input.1.target",
                "'pump' (a pump) has no settable parameter 'speed_ratio': it takes dp_setpoint_bar",
            ],
        ),
        (
            "[[input]]\ntarget = \"pipe:*.opening\"\nvalue = 0.5\n",
            &[
                "'main' (a pipe) has no settable parameter 'opening': it takes ambient_temperature_c",
            ],
        ),
        (
            &format!(
                "[[input]]\ntarget = \"source.outlet_temperature_c\"\ncolumn = \"heat\"\n\
                 [input.trace]\n{TRACE}"
            ),
            &[
                "input.0.trace",
                "column 'heat' is in W",
                "a temperature",
                "degC",
            ],
        ),
        (
            &format!("[[input]]\ntarget = \"consumer.heat_kw\"\n[input.trace]\n{TRACE}"),
            &[
                "input.0.column",
                "2 columns ('supply', 'heat'): name the one to use with `column`",
            ],
        ),
        (
            "[[input]]\ntarget = \"source.outlet_temperature_c\"\nvalue = -300\n",
            &[
                "input.0.value",
                "'source.outlet_temperature_c' = -300: expected -273.15 °C to",
            ],
        ),
        (
            "[[input]]\ntarget = \"consumer.heat_kw\"\n",
            &["input.0.target", "give the input its values"],
        ),
        (
            "[[input]]\ntarget = \"source.outlet_temperature_c\"\nvalue = 140\n",
            &[
                "'source.outlet_temperature_c' = 140: expected -273.15 °C to 133.67 °C",
                "its water boils there at its loop's pressure, its vessel's",
            ],
        ),
        (
            "[[input]]\ntarget = \"consumer\"\nvalue = 1\n",
            &["expected component.parameter with its unit"],
        ),
    ];
    for (inputs, wanted) in cases {
        let path = write_scenario(&dir, inputs);
        let Err(message) = drive_of(&path) else {
            panic!("no error for {inputs}");
        };
        for w in *wanted {
            assert!(message.contains(w), "'{w}' not in: {message}");
        }
    }
}

/// `[output] variables`: the measured run writes the network's own values, and without racks
/// no rack extremes (no −273.15 °C "peak chip"). Every node's temperature, the source's
/// leaving water (the node it feeds is that water: equal to the column's rounding), the pipe's
/// heat (its loss to the 5 °C ground: negative) and flow (the loop's, the same through every
/// link in series), and the pressures the vessel (2 bar) and the pump's differential-pressure
/// control (0.5 bar) hold.
#[test]
fn the_networks_own_variables_are_written() {
    let dir = scratch("variables");
    let output = "\n[output]\nvariables = [\"node:*.temperature_c\", \"source.out_c\", \
                  \"pipe:*.heat_kw\", \"*.flow_kg_s\", \"node:*.pressure_bar\", \"sensor:*\"]\n";
    let path = write_scenario(&dir, &(measured_inputs() + output));
    let options = dctwin_scenario::RunOptions {
        data_dir: None,
        out_dir: dir.join("run"),
        stop: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
        sets: Vec::new(),
    };
    let (_, report) =
        dctwin_scenario::run(&path, &options, &mut |_: &dctwin_scenario::Progress| {}).unwrap();
    let table = dctwin_series::read_series(dir.join("run/series.parquet")).unwrap();
    // No racks: no rack extremes, rather than absolute zero.
    for rack_column in ["max_rack_supply_c", "peak_chip_c", "racks_over_class"] {
        assert!(table.column(rack_column).is_none(), "{rack_column}");
    }
    assert_eq!(
        (report.whole.peak_chip_c, report.whole.max_supply_c),
        (None, None)
    );
    assert!(
        report
            .to_string()
            .contains("peak chip - °C  max supply - °C")
    );
    let column = |name: &str| {
        (table.column(name)).unwrap_or_else(|| panic!("no column {name} in {:?}", table.names))
    };
    for node in ["suction", "discharge", "feed", "far"] {
        column(&format!("node:{node}.temperature_c"));
    }
    let (feed, leaving) = (column("node:feed.temperature_c"), column("source.out_c"));
    assert!(
        feed.iter()
            .zip(leaving)
            .all(|(a, b)| (a - b).abs() <= 1.0 / 512.0)
    );
    assert!(column("main.heat_kw").iter().all(|q| *q < 0.0));
    // The vessel holds 2 bar at the suction; the pump lifts the discharge by its 0.5 bar.
    let (suction, discharge) = (
        column("node:suction.pressure_bar"),
        column("node:discharge.pressure_bar"),
    );
    assert!(
        suction.iter().all(|p| (p - 2.0).abs() <= 1.0 / 1024.0),
        "{:?}",
        &suction[..3]
    );
    assert!(
        discharge.iter().all(|p| (p - 2.5).abs() <= 1.0 / 1024.0),
        "{:?}",
        &discharge[..3]
    );
    // The sensor at the far end reads its node's water, less its small lag and loss.
    let (sensed, far) = (
        column("sensor:far.sensor.temperature_c"),
        column("node:far.temperature_c"),
    );
    assert!(
        sensed
            .iter()
            .zip(far)
            .skip(10)
            .all(|(s, w)| (s - w).abs() < 0.2)
    );
    let (pump, pipe) = (column("pump.flow_kg_s"), column("main.flow_kg_s"));
    assert!(
        pump.iter()
            .zip(pipe)
            .all(|(a, b)| (a - b).abs() <= 1.0 / 512.0 && *a > 0.5)
    );
}
