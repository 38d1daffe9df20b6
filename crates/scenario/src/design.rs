//! A model's design point: its plant built as a run builds it, at the model's design values
//! (every rack's and substation's design load, every set-point as written) and one weather
//! point, brought to rest ([`dctwin_sim::rest`]).

use dctwin_components::psychrometrics::{MoistAir, Psychrometrics};
use dctwin_model::Facility;
pub use dctwin_sim::rest::{ControllerAtRest, Limit, Rest, RestOptions, come_to_rest};
use dctwin_sim::{Settings, SimError, Simulation, plant_of};

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

/// Bring `facility` to rest at its design values in `weather`.
pub fn design_point(facility: &Facility, weather: DesignWeather) -> Result<Rest, SimError> {
    let (mut plant, controllers) = plant_of(facility)?;
    let air = Psychrometrics::default();
    plant.outdoor = MoistAir {
        dry_bulb_k: weather.dry_bulb_k,
        humidity_ratio: air
            .humidity_ratio_from_relative_humidity(weather.dry_bulb_k, weather.relative_humidity),
    };
    let mut sim = Simulation::new(plant, 0.0, Settings::default())?;
    sim.controllers = controllers;
    come_to_rest(&mut sim, &RestOptions::default())
}
