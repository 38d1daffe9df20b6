//! A model's design point: its plant built as a run builds it, at the model's design values
//! (every rack's and substation's design load, every set-point as written) and one weather
//! point, brought to rest ([`dctwin_sim::rest`]).

use dctwin_components::psychrometrics::{MoistAir, Psychrometrics};
use dctwin_model::Facility;
use dctwin_sim::{Plant, Settings, SimError, Simulation, Snapshot, plant_of};

pub use dctwin_sim::rest::{ControllerAtRest, Limit, Rest, RestOptions, come_to_rest};

/// The weather of a design point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DesignWeather {
    /// Outdoor dry bulb [K].
    pub dry_bulb_k: f64,
    /// Relative humidity [-].
    pub relative_humidity: f64,
}

impl Default for DesignWeather {
    /// 15 °C and 60 %: a scenario's constant weather when none is given.
    fn default() -> Self {
        DesignWeather {
            dry_bulb_k: 288.15,
            relative_humidity: 0.6,
        }
    }
}

/// A model at rest, with its plant and every device's variables there.
pub struct DesignPoint {
    /// Flows, temperatures and controllers at rest.
    pub rest: Rest,
    /// The plant as it came to rest (its devices' set-points and fans as they settled).
    pub plant: Plant,
    /// Every device's and coupling's variables at rest.
    pub snapshot: Snapshot,
}

/// Bring `facility` to rest at its design values in `weather`.
pub fn design_point(facility: &Facility, weather: DesignWeather) -> Result<DesignPoint, SimError> {
    let (mut plant, controllers) = plant_of(facility)?;
    let air = Psychrometrics::default();
    plant.outdoor = MoistAir {
        dry_bulb_k: weather.dry_bulb_k,
        humidity_ratio: air
            .humidity_ratio_from_relative_humidity(weather.dry_bulb_k, weather.relative_humidity),
    };
    let mut sim = Simulation::new(plant, 0.0, Settings::default())?;
    sim.controllers = controllers;
    let rest = come_to_rest(&mut sim, &RestOptions::default())?;
    Ok(DesignPoint {
        rest,
        snapshot: sim.snapshot(),
        plant: sim.plant.clone(),
    })
}
