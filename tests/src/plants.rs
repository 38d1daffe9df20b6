//! Generated warm-water cooling plants for the transient tests and benchmarks: N containers,
//! each a secondary loop of racks behind a CDU, on a facility loop with dry coolers and a heat-
//! pump bank that lifts waste heat into a district loop with a backup boiler.
//!
//! Design point (JUPITER-like): racks of 88 kW (97 % to liquid), secondary 40 → 50 °C, facility
//! water 30 °C from the dry coolers, district 45 → 65 °C.

use dctwin_components::boiler::{Boiler, BoilerKind, BoilerSpec};
use dctwin_components::controller::{Action as PiAction, PiController, Setpoint};
use dctwin_components::district::{DistrictSubstation, SubstationSpec};
use dctwin_components::dry_cooler::{DryCooler, DryCoolerRating};
use dctwin_components::dry_cooler_unit::DryCoolerUnit;
use dctwin_components::heat_exchanger::{FlowArrangement, HeatExchanger, Stream};
use dctwin_components::heat_pump::{CarnotFraction, CopModel, HeatPump, HeatPumpBank, Mode};
use dctwin_components::psychrometrics::MoistAir;
use dctwin_components::rack::{ColdPlateRack, ColdPlateRackSpec};
use dctwin_components::volume::{DEFAULT_DEVICE_VOLUME_M3, MixingVolume};
use dctwin_fluid::Fluid;
use dctwin_network::Network;
use dctwin_sim::Plant;
use dctwin_sim::control::{Actuator, ControlLoop, Controllers, Measured};
use std::fmt::Write;

/// Kelvin of a Celsius temperature.
pub fn k(c: f64) -> f64 {
    c + 273.15
}

/// The plant's size and design point.
#[derive(Debug, Clone, Copy)]
pub struct PlantSpec {
    /// Containers (each a CDU and a secondary loop).
    pub containers: usize,
    /// Racks per container.
    pub racks: usize,
    /// IT power per rack at design [W].
    pub rack_power_w: f64,
    /// District heat demand [W] (0: no heat reuse loop).
    pub district_demand_w: f64,
}

impl PlantSpec {
    /// Heat to liquid per container at design [W].
    fn container_heat_w(&self) -> f64 {
        self.racks as f64 * self.rack_power_w * 0.97
    }
}

/// Secondary flow per rack at design: 10 K rise [kg/s].
fn rack_flow_kg_s(spec: &PlantSpec) -> f64 {
    spec.rack_power_w * 0.97 / (4180.0 * 10.0)
}

/// Primary flow per CDU at design: 30 → 45 °C [kg/s].
fn cdu_primary_flow_kg_s(spec: &PlantSpec) -> f64 {
    spec.container_heat_w() / (4180.0 * 15.0)
}

/// The hydraulic model (a dctwin model file) of the plant.
pub fn plant_toml(spec: &PlantSpec) -> String {
    let mut t = String::from("name = \"generated DLC plant\"\n");
    let rack_m3_h = rack_flow_kg_s(spec) * 3.6;
    let sec_m3_h = rack_m3_h * spec.racks as f64;
    let prim_m3_h = cdu_primary_flow_kg_s(spec) * 3.6;
    let total_m3_h = prim_m3_h * spec.containers as f64;
    // Facility loop.
    let _ = write!(
        t,
        r#"
[[loop]]
name = "facility"
fluid = "water"
initial_temperature_c = 30.0

[[loop.component]]
kind = "pressurisation"
name = "plant.vessel"
node = "plant.suction"
pressure_bar = 2.0

[[loop.component]]
kind = "pump"
name = "plant.pump"
from = "plant.suction"
to = "header.supply_start"
control = "differential_pressure"
efficiency = 0.75
dp_setpoint_bar = 2.5

[[loop.component]]
kind = "pipe"
name = "header.supply"
from = "header.supply_start"
to = "header.supply"
length_m = 100
inner_diameter_mm = {d}
u_value_w_m2_k = 0.3
outer_diameter_mm = {do}
ambient_temperature_c = 10

[[loop.component]]
kind = "pipe"
name = "header.return"
from = "header.return"
to = "plant.hp_in"
length_m = 100
inner_diameter_mm = {d}
u_value_w_m2_k = 0.3
outer_diameter_mm = {do}
ambient_temperature_c = 10

[[loop.component]]
kind = "resistance"
name = "plant.hp.evaporator"
from = "plant.hp_in"
to = "plant.dc_in"
dp_nominal_bar = 0.2
flow_nominal_m3_h = {total}

[[loop.component]]
kind = "resistance"
name = "plant.dry_cooler"
from = "plant.dc_in"
to = "plant.suction"
dp_nominal_bar = 0.4
flow_nominal_m3_h = {total}
"#,
        d = header_mm(total_m3_h),
        do = header_mm(total_m3_h) * 1.5,
        total = total_m3_h,
    );
    for i in 0..spec.containers {
        let _ = write!(
            t,
            r#"
[[loop.component]]
kind = "pipe"
name = "c{i}.primary.supply"
from = "header.supply"
to = "c{i}.cdu.p_in"
length_m = 30
inner_diameter_mm = 150
[[loop.component]]
kind = "resistance"
name = "c{i}.cdu.primary"
from = "c{i}.cdu.p_in"
to = "c{i}.cdu.p_out"
dp_nominal_bar = 0.3
flow_nominal_m3_h = {prim}
[[loop.component]]
kind = "valve"
name = "c{i}.cdu.valve"
from = "c{i}.cdu.p_out"
to = "c{i}.primary.return_start"
kvs_m3_h = {kvs}
characteristic = "equal_percentage"
opening = 0.7
[[loop.component]]
kind = "pipe"
name = "c{i}.primary.return"
from = "c{i}.primary.return_start"
to = "header.return"
length_m = 30
inner_diameter_mm = 150
"#,
            prim = prim_m3_h,
            // Kvs passes the design flow at 0.5 bar fully open: authority for the PI.
            kvs = prim_m3_h / 0.5f64.sqrt() * 1.5,
        );
    }
    // Secondary loops.
    for i in 0..spec.containers {
        let _ = write!(
            t,
            r#"
[[loop]]
name = "c{i}"
fluid = "water"
initial_temperature_c = 40.0
[[loop.component]]
kind = "pressurisation"
name = "c{i}.vessel"
node = "c{i}.suction"
pressure_bar = 2.0
[[loop.component]]
kind = "pump"
name = "c{i}.pump"
from = "c{i}.suction"
to = "c{i}.discharge"
control = "flow"
efficiency = 0.75
flow_setpoint_m3_h = {sec}
[[loop.component]]
kind = "pipe"
name = "c{i}.supply"
from = "c{i}.discharge"
to = "c{i}.manifold.supply"
length_m = 10
inner_diameter_mm = {ds}
[[loop.instance]]
template = "rack"
name = "c{i}.rack"
count = {racks}
ports = {{ supply = "c{i}.manifold.supply", return = "c{i}.manifold.return" }}
[[loop.component]]
kind = "pipe"
name = "c{i}.return"
from = "c{i}.manifold.return"
to = "c{i}.cdu.s_in"
length_m = 10
inner_diameter_mm = {ds}
[[loop.component]]
kind = "resistance"
name = "c{i}.cdu.secondary"
from = "c{i}.cdu.s_in"
to = "c{i}.suction"
dp_nominal_bar = 0.3
flow_nominal_m3_h = {sec}
"#,
            racks = spec.racks,
            sec = sec_m3_h,
            ds = header_mm(sec_m3_h),
        );
    }
    if spec.district_demand_w > 0.0 {
        let district_m3_h = spec.district_demand_w / (4180.0 * 20.0) * 3.6;
        let _ = write!(
            t,
            r#"
[[loop]]
name = "district"
fluid = "water"
initial_temperature_c = 55.0
[[loop.component]]
kind = "pressurisation"
name = "district.vessel"
node = "district.suction"
pressure_bar = 3.0
[[loop.component]]
kind = "pump"
name = "district.pump"
from = "district.suction"
to = "district.hp_in"
control = "differential_pressure"
efficiency = 0.75
dp_setpoint_bar = 2.0
[[loop.component]]
kind = "resistance"
name = "plant.hp.condenser"
from = "district.hp_in"
to = "district.boiler_in"
dp_nominal_bar = 0.2
flow_nominal_m3_h = {q}
[[loop.component]]
kind = "resistance"
name = "district.boiler"
from = "district.boiler_in"
to = "district.supply_start"
dp_nominal_bar = 0.1
flow_nominal_m3_h = {q}
[[loop.component]]
kind = "pipe"
name = "district.supply"
from = "district.supply_start"
to = "district.campus_in"
length_m = 500
inner_diameter_mm = {d}
u_value_w_m2_k = 0.4
outer_diameter_mm = {do}
ambient_temperature_c = 8
[[loop.component]]
kind = "heat_consumer"
name = "district.campus"
from = "district.campus_in"
to = "district.campus_out"
heat_kw = {kw}
return_temperature_c = 45
[[loop.component]]
kind = "pipe"
name = "district.return"
from = "district.campus_out"
to = "district.suction"
length_m = 500
inner_diameter_mm = {d}
u_value_w_m2_k = 0.4
outer_diameter_mm = {do}
ambient_temperature_c = 8
"#,
            q = district_m3_h,
            d = header_mm(district_m3_h),
            do = header_mm(district_m3_h) * 1.5,
            kw = spec.district_demand_w / 1e3,
        );
    }
    let _ = write!(
        t,
        r#"
[template.rack]
ports = ["supply", "return"]
[[template.rack.component]]
kind = "valve"
name = "valve"
from = "supply"
to = "inlet"
kvs_m3_h = {kvs}
characteristic = "linear"
opening = 1.0
[[template.rack.component]]
kind = "heat_source"
name = "cold_plates"
from = "inlet"
to = "return"
heat_kw = 0
dp_nominal_bar = 0.5
flow_nominal_m3_h = {rack}
"#,
        kvs = rack_m3_h / 0.2f64.sqrt(),
        rack = rack_m3_h,
    );
    t
}

/// A header diameter for a volume flow at about 1.5 m/s [mm].
fn header_mm(flow_m3_h: f64) -> f64 {
    let area = flow_m3_h / 3600.0 / 1.5;
    ((4.0 * area / std::f64::consts::PI).sqrt() * 1000.0)
        .round()
        .max(50.0)
}

/// The plant with its racks, CDUs, dry cooler, heat pumps, substation and boiler attached, and
/// its controllers: a PI per CDU valve holding the secondary supply at 40 °C; the dry cooler's
/// fans follow its 30 °C leaving set-point (the simulation's feed-forward).
pub fn build_plant(spec: &PlantSpec) -> (Plant, Controllers) {
    let text = plant_toml(spec);
    let facility = dctwin_model::parse(&text, std::path::Path::new("generated.toml"))
        .unwrap_or_else(|e| panic!("generated plant: {e}"));
    let mut plant = Plant::new(Network::from_facility(&facility));
    let water = Fluid::water();
    let mut controllers = Controllers::default();
    let rack_spec = ColdPlateRackSpec {
        it_power_w: spec.rack_power_w,
        ..ColdPlateRackSpec::default()
    };
    let secondary_kg_s = rack_flow_kg_s(spec) * spec.racks as f64;
    let primary_kg_s = cdu_primary_flow_kg_s(spec);
    let cdu = HeatExchanger::from_rating(
        FlowArrangement::CounterFlow,
        Stream {
            fluid: &water,
            t_in_k: k(50.0),
            mass_flow_kg_s: secondary_kg_s,
        },
        Stream {
            fluid: &water,
            t_in_k: k(30.0),
            mass_flow_kg_s: primary_kg_s,
        },
        spec.container_heat_w(),
    )
    .expect("CDU rating");
    for i in 0..spec.containers {
        for r in 1..=spec.racks {
            let rack = ColdPlateRack::new(&rack_spec, &water, k(40.0)).expect("rack");
            let name = format!("c{i}.rack[{r}].cold_plates");
            (plant.attach_device(&name, Box::new(rack))).expect("rack link");
        }
        let cdu_name = format!("c{i}.cdu");
        (plant.attach_exchanger(
            &cdu_name,
            &format!("c{i}.cdu.secondary"),
            &format!("c{i}.cdu.primary"),
            cdu,
        ))
        .expect("cdu links");
        let measured = Measured::Volume(plant.link(&format!("c{i}.cdu.secondary")).unwrap());
        let valve = plant.link(&format!("c{i}.cdu.valve")).unwrap();
        controllers.loops.push(ControlLoop {
            name: format!("{cdu_name}.supply"),
            measured,
            actuator: Actuator::ValveOpening(valve),
            pi: PiController::new(
                0.03,
                300.0,
                0.05,
                1.0,
                PiAction::Direct,
                Setpoint::Constant(k(40.0)),
            )
            .expect("PI")
            .with_initial_output(0.7, 0.0)
            .expect("initial output"),
        });
    }
    let total_heat = spec.container_heat_w() * spec.containers as f64;
    let total_flow = primary_kg_s * spec.containers as f64;
    let rating = DryCoolerRating {
        heat_w: total_heat * 1.2,
        t_water_in_k: k(45.0),
        t_water_out_k: k(30.0),
        ambient: MoistAir {
            dry_bulb_k: k(25.0),
            humidity_ratio: 0.010,
        },
        air_flow_kg_s: total_heat * 1.2 / (1006.0 * 12.0),
        fan_power_w: total_heat * 0.012,
    };
    let cooler = DryCooler::from_rating(&rating, &water).expect("dry cooler");
    let l = plant
        .link("plant.dry_cooler")
        .expect("the dry cooler's link");
    let fill_k = plant.network.loops[plant.network.links[l].loop_index].initial_temperature_k;
    let unit = DryCoolerUnit {
        cooler,
        units: 1.0,
        units_in_service: 1.0,
        leaving_setpoint_k: k(30.0),
        fan_speed: 1.0,
        outdoor: plant.outdoor,
        volume: MixingVolume::of_volume(DEFAULT_DEVICE_VOLUME_M3, &water, fill_k, 0.0),
    };
    plant
        .attach_device("plant.dry_cooler", Box::new(unit))
        .unwrap();
    let _ = total_flow;
    if spec.district_demand_w > 0.0 {
        let unit = HeatPump::new(
            Mode::Heating,
            CopModel::carnot(CarnotFraction::constant(0.55).unwrap(), 5.0, 5.0).unwrap(),
            spec.district_demand_w * 0.4,
        )
        .unwrap();
        let bank = HeatPumpBank::new(unit, 2).unwrap();
        let sides = ["plant.hp.evaporator", "plant.hp.condenser"];
        let immediately = dctwin_components::heat_pump_staging::HeatPumpStaging::IMMEDIATE;
        (plant.attach_heat_pumps("plant.hp", sides, bank, k(65.0), immediately)).unwrap();
        let district = DistrictSubstation::new(
            &SubstationSpec {
                demand_w: spec.district_demand_w,
                min_supply_k: k(60.0),
                return_target_k: k(45.0),
                max_flow_kg_s: spec.district_demand_w / (4180.0 * 10.0),
                volume_m3: 2.0,
                solid_capacity_j_k: 0.0,
            },
            &water,
            k(55.0),
        )
        .unwrap();
        plant
            .attach_device("district.campus", Box::new(district))
            .unwrap();
        let boiler = Boiler::new(
            &BoilerSpec {
                kind: BoilerKind::GasCondensing,
                capacity_w: spec.district_demand_w,
                setpoint_k: k(65.0),
                efficiency: None,
                volume_m3: 0.5,
                solid_capacity_j_k: 0.0,
            },
            &water,
            k(55.0),
        )
        .unwrap();
        plant
            .attach_device("district.boiler", Box::new(boiler))
            .unwrap();
    }
    (plant, controllers)
}

/// Set every rack's IT power.
pub fn set_rack_power(plant: &mut Plant, power_w: f64) {
    each_rack(plant, |_| power_w);
}

/// Set the IT power of rack `i` (counted in link order) to `power_w(i)`.
pub fn each_rack(plant: &mut Plant, mut power_w: impl FnMut(usize) -> f64) {
    let mut i = 0;
    for l in 0..plant.links.len() {
        if let Some(d) = plant.device_mut(l)
            && *d.kind() == dctwin_components::rack::KIND
        {
            d.set("it_power", power_w(i))
                .expect("a rack takes its IT power");
            i += 1;
        }
    }
}
