use dctwin_sim::{Flow, Plant, Settings, Simulation};
use dctwin_tests::plants::{PlantSpec, build_plant, k, set_rack_power};
fn main() {
    let spec = PlantSpec { containers: 2, racks: 20, rack_power_w: 88e3, district_demand_w: 0.0 };
    let (plant, controllers) = build_plant(&spec);
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    let mut inputs = |_t: f64, plant: &mut Plant| { set_rack_power(plant, 88e3); plant.outdoor.dry_bulb_k = k(15.0); };
    let dc = sim.plant.link("plant.dry_cooler").unwrap();
    let c0 = sim.plant.link("c0.cdu.secondary").unwrap();
    let p0 = sim.plant.link("c0.cdu.primary").unwrap();
    let v0 = sim.plant.link("c0.cdu.valve").unwrap();
    for step in 0..30 {
        sim.run((step + 1) as f64 * 60.0, 60.0, &mut inputs, &mut |_| Flow::Continue).unwrap();
        let op = match &sim.plant.network.links[v0].component { dctwin_components::Component::Valve(v) => v.opening, _ => 0.0 };
        println!("t {:5.0} dc T {:6.2} m {:7.2} fan {:.3} | c0 sec T {:6.2} m {:6.2} prim T {:6.2} m {:6.2} valve {:.3} | q_dc {:8.0} kW q_cdu {:8.0} kW",
          sim.time_s(), sim.link_temperature_k(dc).unwrap()-273.15, sim.flows_kg_s()[dc], sim.plant.dry_coolers[0].fan_speed,
          sim.link_temperature_k(c0).unwrap()-273.15, sim.flows_kg_s()[c0], sim.link_temperature_k(p0).unwrap()-273.15, sim.flows_kg_s()[p0], op,
          sim.snapshot().heat_w[dc]/1e3, sim.snapshot().heat_w[c0]/1e3);
    }
}
