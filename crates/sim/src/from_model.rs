//! A plant and its controllers from a checked facility model: each device of the model file
//! (rack, dry cooler, cooling tower, stratified tank, substation, boiler, heat exchanger,
//! heat-pump bank with its staging) attached to its link, each exchanger's supply controller
//! made a PI loop on its valve.

use crate::control::{Actuator, ControlLoop, Controllers, Measured};
use crate::error::SimError;
use crate::plant::{Plant, SensorUnit};
use dctwin_components::Component;
use dctwin_components::controller::{Action, PiController, Setpoint};
use dctwin_model::{Device, Facility, SupplyControl};
use dctwin_network::Network;

/// Smallest opening a supply controller gives its valve [-]: a closed CDU valve would stop the
/// primary flow and leave the controller without a measurement to act on.
pub const MIN_CONTROL_OPENING: f64 = 0.05;

/// The plant of `facility`, with its controllers.
pub fn plant_of(facility: &Facility) -> Result<(Plant, Controllers), SimError> {
    let mut plant = Plant::new(Network::from_facility(facility));
    let mut controllers = Controllers::default();
    for device in &facility.devices {
        attach(facility, &mut plant, &mut controllers, device)?;
    }
    plant.sensors = (facility.sensors.iter())
        .map(|s| SensorUnit {
            name: s.name.clone(),
            node: s.node,
            sensor: s.sensor,
        })
        .collect();
    Ok((plant, controllers))
}

/// The temperature link `l` starts at [K]: its own, or its loop's.
fn fill_k(facility: &Facility, l: usize) -> f64 {
    let link = &facility.links[l];
    (link.initial_temperature_k).unwrap_or(facility.loops[link.loop_index].initial_temperature_k)
}

fn attach(
    facility: &Facility,
    plant: &mut Plant,
    controllers: &mut Controllers,
    device: &Device,
) -> Result<(), SimError> {
    let name = |l: usize| facility.links[l].name.as_str();
    let fluid = |l: usize| &facility.loops[facility.links[l].loop_index].fluid;
    let invalid = |l: usize, e: &dyn std::fmt::Display| SimError::InvalidDevice {
        name: facility.links[l].name.clone(),
        reason: e.to_string(),
    };
    match device {
        Device::Volume { link, spec } => {
            let device = (spec.build(fluid(*link), fill_k(facility, *link)))
                .map_err(|e| invalid(*link, &e))?;
            plant.attach_device(name(*link), device)
        }
        Device::HeatExchanger {
            name: hx,
            hot,
            cold,
            exchanger,
            control,
        } => {
            plant.attach_exchanger(hx, name(*hot), name(*cold), *exchanger)?;
            if let Some(c) = control {
                controllers
                    .loops
                    .push(supply_loop(facility, hx, *hot, c).map_err(|e| invalid(c.valve, &e))?);
            }
            Ok(())
        }
        Device::HeatPumps {
            name: hp,
            evaporator,
            condenser,
            bank,
            supply_setpoint_k,
            staging,
        } => {
            let sides = [name(*evaporator), name(*condenser)];
            plant.attach_heat_pumps(hp, sides, bank.clone(), *supply_setpoint_k, *staging)
        }
    }
}

/// A PI loop holding the hot side's leaving water by the cold side's valve: warmer than the
/// set-point opens the valve (direct action), starting from the valve's opening in the file.
fn supply_loop(
    facility: &Facility,
    exchanger: &str,
    hot: usize,
    c: &SupplyControl,
) -> Result<ControlLoop, String> {
    let Component::Valve(valve) = &facility.links[c.valve].component else {
        return Err("a supply controller's control_valve must be a valve".to_string());
    };
    let pi = PiController::new(
        c.gain_per_k,
        c.integral_time_s,
        MIN_CONTROL_OPENING,
        1.0,
        Action::Direct,
        Setpoint::Constant(c.setpoint_k),
    )
    .and_then(|pi| pi.with_initial_output(valve.opening.max(MIN_CONTROL_OPENING), 0.0))
    .map_err(|e| e.to_string())?;
    Ok(ControlLoop {
        name: format!("{exchanger}.supply"),
        measured: Measured::Volume(hot),
        actuator: Actuator::ValveOpening(c.valve),
        pi,
    })
}
