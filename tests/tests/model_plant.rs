//! The transient devices written in a model file (racks, CDUs with their supply controllers,
//! dry coolers, heat pumps, a substation and a boiler, a container template holding its own
//! secondary loop) become a simulated plant: `models/jupiter.toml` runs for six hours and its
//! CDUs hold their 40 °C supply while the energy balance closes.

use dctwin_model::Device;
use dctwin_sim::{Settings, Simulation, plant_of};
use std::ops::ControlFlow;
use std::path::Path;

fn jupiter() -> dctwin_model::Facility {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/jupiter.toml");
    dctwin_model::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_model_file_declares_every_device() {
    let f = jupiter();
    let count = |p: fn(&Device) -> bool| f.devices.iter().filter(|d| p(d)).count();
    assert_eq!(
        count(|d| matches!(d, Device::Volume { spec, .. } if spec.kind.key == "rack")),
        150
    );
    assert_eq!(count(|d| matches!(d, Device::HeatExchanger { .. })), 50);
    assert_eq!(
        count(|d| matches!(d, Device::Volume { spec, .. } if spec.kind.key == "dry_cooler")),
        1
    );
    assert_eq!(count(|d| matches!(d, Device::HeatPumps { .. })), 1);
    assert_eq!(
        count(|d| matches!(d, Device::Volume { spec, .. } if spec.kind.key == "substation")),
        1
    );
    assert_eq!(
        count(|d| matches!(d, Device::Volume { spec, .. } if spec.kind.key == "boiler")),
        1
    );
    // The template's own loop is instantiated per container, named under the instance.
    assert!(f.loops.iter().any(|l| l.name == "container[17].secondary"));
    let Some(Device::HeatExchanger {
        hot, cold, control, ..
    }) = f
        .devices
        .iter()
        .find(|d| matches!(d, Device::HeatExchanger { name, .. } if name == "container[17].cdu"))
    else {
        panic!("no CDU for container 17");
    };
    assert_eq!(f.links[*hot].name, "container[17].cdu.secondary");
    assert_eq!(f.links[*cold].name, "container[17].cdu.primary");
    let valve = control.expect("the CDU has a supply controller").valve;
    assert_eq!(f.links[valve].name, "container[17].cdu.valve");
}

#[test]
fn jupiter_holds_its_supply_and_closes_its_balance() {
    let f = jupiter();
    let (plant, controllers) = plant_of(&f).unwrap();
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    let supply = f.link_index("container[1].secondary.supply").unwrap();
    let mut last = None;
    sim.run(
        6.0 * 3600.0,
        3600.0,
        &mut |_: f64, _: &mut _| {},
        &mut |s| {
            last = Some(s.totals);
            ControlFlow::Continue(())
        },
    )
    .unwrap();
    let supply_c = sim.link_temperature_k(supply).unwrap() - 273.15;
    let totals = last.unwrap();
    let balance = sim.energy_balance();
    println!("{balance}");
    println!(
        "container 1 supply {supply_c:.2} °C; IT {:.2} MW, rejected {:.2} MW, reused {:.2} MW, heat pumps {:.2} MW",
        totals.it_power_w / 1e6,
        totals.rejected_w / 1e6,
        totals.reused_w / 1e6,
        totals.heat_pump_electric_w / 1e6
    );
    // The PI holds the set-point to within its settling band after six hours.
    assert!((supply_c - 40.0).abs() < 0.5, "supply {supply_c:.2} °C");
    assert!((totals.it_power_w - 150.0 * 88e3).abs() < 1.0);
    assert!(balance.relative_residual().abs() < 1e-9, "{balance}");
}
