//! Transient simulation checks: a closed loop settles to the steady solver's answer, a rack's
//! IT step gives a first-order lag, and a day of a 10-container module with a load step settles
//! with its energy balance closed.

use dctwin_network::{Network, SteadySolver};
use dctwin_sim::{Event, Plant, Settings, Simulation};
use dctwin_tests::plants::{PlantSpec, build_plant, k, set_rack_power};
use std::ops::ControlFlow;

/// One loop: pump, a 200 m pipe losing heat to 10 °C ground, a 500 kW heat source and a cooler
/// holding its outlet at 40 °C.
fn loop_model() -> String {
    dctwin_model::fixture::pumped_loop("closed loop", "loop", 35.0, "flow_setpoint_m3_h = 43.2")
        + r#"
[[loop.component]]
kind = "pipe"
name = "supply"
from = "discharge"
to = "rack_in"
length_m = 200
inner_diameter_mm = 100
u_value_w_m2_k = 2.0
outer_diameter_mm = 150
ambient_temperature_c = 10
[[loop.component]]
kind = "heat_source"
name = "racks"
from = "rack_in"
to = "rack_out"
heat_kw = 500
dp_nominal_bar = 0.5
flow_nominal_m3_h = 43.2
[[loop.component]]
kind = "heat_source"
name = "cooler"
from = "rack_out"
to = "suction"
outlet_temperature_c = 40
dp_nominal_bar = 0.3
flow_nominal_m3_h = 43.2
"#
}

fn loop_network() -> Network {
    let facility = dctwin_model::parse(&loop_model(), std::path::Path::new("loop.toml")).unwrap();
    Network::from_facility(&facility)
}

/// After many time constants the transient sits on the steady solver's answer. Tolerance 2 mK:
/// the steady pipe uses the exponential law along its length, the transient pipe is one mixed
/// volume (T_out − T_amb)·UA loss; the 200 m pipe loses about 9 kW, the two laws differ by
/// (UA/ṁc_p)²/2 of that, about 1 mK.
#[test]
fn closed_loop_settles_on_the_steady_answer() {
    let network = loop_network();
    let steady = SteadySolver::new(network.clone()).solve().unwrap();
    let plant = Plant::new(network);
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    let mut no_inputs = |_t: f64, _p: &mut Plant| {};
    let balance = sim
        .run(6.0 * 3600.0, 3600.0, &mut no_inputs, &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
    for name in ["discharge", "rack_in", "rack_out", "suction"] {
        let n = sim.plant.network.node_index(name).unwrap();
        let transient = sim.node_temperatures_k()[n];
        let reference = steady.node(name).unwrap().temperature_k;
        println!("{name}: transient {transient:.5} K, steady {reference:.5} K");
        assert!((transient - reference).abs() < 2e-3, "{name}");
    }
    let flow = sim.flows_kg_s()[sim.plant.link("supply").unwrap()];
    let reference = steady.link("supply").unwrap().mass_flow_kg_s;
    assert!((flow - reference).abs() / reference < 1e-6);
    println!("{balance}");
    assert!(balance.relative_residual().abs() < 1e-9, "{balance}");
}

/// A 10-container module (20 racks of 88 kW each, CDUs, dry cooler, two heat pumps feeding a
/// 4 MW district loop with a boiler) for a day; the IT load drops to half at 08:00 and a CDU is
/// lost at 23:58. Temperatures settle after the step (the CDU controllers hold 40 °C), the lost
/// CDU's container heats up (nothing shuts its racks down), and the energy balance closes to
/// 1e-6 of the energy that came in.
#[test]
fn a_day_of_a_ten_container_module() {
    let spec = PlantSpec {
        containers: 10,
        racks: 20,
        rack_power_w: 88e3,
        district_demand_w: 4e6,
    };
    let (plant, controllers) = build_plant(&spec);
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    sim.schedule(vec![Event {
        time_s: 86_400.0 - 120.0,
        action: dctwin_sim::Action::LoseExchanger {
            name: "c3.cdu".into(),
        },
    }]);
    let mut inputs = |t: f64, plant: &mut Plant| {
        set_rack_power(plant, if t < 8.0 * 3600.0 { 88e3 } else { 44e3 });
        plant.outdoor.dry_bulb_k =
            k(15.0 + 8.0 * (std::f64::consts::PI * (t / 43200.0 - 0.5)).sin());
    };
    let c0 = sim.plant.link("c0.cdu.secondary").unwrap();
    let c3 = sim.plant.link("c3.cdu.secondary").unwrap();
    let mut history = Vec::new();
    let balance = sim
        .run(86_400.0, 600.0, &mut inputs, &mut |s| {
            history.push((s.time_s, s.totals));
            ControlFlow::Continue(())
        })
        .unwrap();
    let stats = sim.integrator_stats();
    println!("{balance}\n{stats:?}");
    for (t, totals) in history.iter().step_by(6) {
        println!(
            "t {:5.1} h  IT {:6.2} MW  rejected {:6.2} MW  reused {:5.2} MW  HP {:5.2} MW  pumps {:5.1} kW  fans {:6.1} kW",
            t / 3600.0,
            totals.it_power_w / 1e6,
            totals.rejected_w / 1e6,
            totals.reused_w / 1e6,
            totals.heat_pump_electric_w / 1e6,
            totals.pump_electric_w / 1e3,
            totals.fan_electric_w / 1e3
        );
    }
    assert!(balance.relative_residual().abs() < 1e-9, "{balance}");
    assert!(history.len() == 144);
    let t_c0 = sim.link_temperature_k(c0).unwrap();
    let t_c3 = sim.link_temperature_k(c3).unwrap();
    println!(
        "secondary supply: c0 {:.2} °C, c3 (CDU lost) {:.2} °C",
        t_c0 - 273.15,
        t_c3 - 273.15
    );
    assert!((t_c0 - k(40.0)).abs() < 0.5, "c0 supply {t_c0}");
    assert!(t_c3 > k(50.0), "a lost CDU heats its container: {t_c3}");
    // Then the water boils: the run stops with a clear error, not a NaN.
    let err = sim
        .run(86_400.0 + 7200.0, 600.0, &mut inputs, &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap_err();
    println!("{err}");
    assert!(err.to_string().contains("c3."), "{err}");
}

/// Fouling multiplies a CDU's UA, not its duty. After `foul_exchanger` at 0.5, the duty the run
/// reports for the CDU is the ε-NTU duty of the same exchanger with half its UA at the run's
/// own inlet temperatures and flows (to 1e-6: the snapshot's temperatures and duties come from
/// the same evaluation), and it is more than half the clean exchanger's duty there, as ε(NTU)
/// is concave.
#[test]
fn fouling_multiplies_a_cdus_ua() {
    use dctwin_components::heat_exchanger::Stream;
    use dctwin_components::heat_exchanger_unit::ExchangerUnit;
    let spec = PlantSpec {
        containers: 2,
        racks: 4,
        rack_power_w: 88e3,
        district_demand_w: 1e6,
    };
    let (plant, controllers) = build_plant(&spec);
    let mut sim = Simulation::new(plant, 0.0, Settings::default()).unwrap();
    sim.controllers = controllers;
    sim.schedule(vec![Event {
        time_s: 0.0,
        action: dctwin_sim::Action::FoulExchanger {
            name: "c1.cdu".into(),
            ua_factor: 0.5,
        },
    }]);
    let mut last = None;
    sim.run(3600.0, 600.0, &mut |_: f64, _: &mut Plant| {}, &mut |s| {
        last = Some(s.clone());
        ControlFlow::Continue(())
    })
    .unwrap();
    let s = last.expect("a snapshot");
    let x = (sim.plant.couplings.iter())
        .find(|x| x.name == "c1.cdu")
        .expect("c1.cdu");
    let [hot, cold] = x.links;
    let unit = x.coupling.as_any().downcast_ref::<ExchangerUnit>();
    let exchanger = unit.expect("an exchanger").exchanger;
    let net = &sim.plant.network;
    let stream = |l: usize| Stream {
        fluid: net.fluid_of(l),
        t_in_k: s.node_k[net.upstream(l, s.flow_kg_s[l])],
        mass_flow_kg_s: s.flow_kg_s[l].abs(),
    };
    let mut fouled = exchanger;
    fouled.conductance.rated_ua_w_k *= 0.5;
    let expected = fouled.exchange(stream(hot), stream(cold)).heat_w;
    let clean = exchanger.exchange(stream(hot), stream(cold)).heat_w;
    let reported = -s.heat_w[hot];
    println!("fouled CDU: {reported:.1} W, ε-NTU at half UA {expected:.1} W, clean {clean:.1} W");
    assert!(
        (reported - expected).abs() <= 1e-6 * expected,
        "{reported} vs {expected}"
    );
    assert!(
        reported > 0.5 * clean && reported < clean,
        "{reported} vs clean {clean}"
    );
}
