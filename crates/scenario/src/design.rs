//! A model's design point: its plant built as a run builds it, at the model's design values
//! (every rack's and substation's design load, every set-point as written) and one weather
//! point, brought to rest ([`dctwin_sim::rest`]).

use dctwin_components::psychrometrics::{MoistAir, Psychrometrics};
use dctwin_model::Facility;
use dctwin_sim::setting::Setting;
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

impl DesignWeather {
    /// `dry_bulb_k` with the humidity a wet bulb of `wet_bulb_k` gives (at standard
    /// pressure), refused if the wet bulb is above the dry bulb.
    pub fn from_wet_bulb(dry_bulb_k: f64, wet_bulb_k: f64) -> Result<DesignWeather, String> {
        if !(wet_bulb_k.is_finite() && wet_bulb_k <= dry_bulb_k) {
            return Err(format!(
                "a wet bulb of {:.1} °C: expected at most the dry bulb of {:.1} °C",
                wet_bulb_k - 273.15,
                dry_bulb_k - 273.15
            ));
        }
        let air = Psychrometrics::default();
        let w = air.humidity_ratio_from_wet_bulb(dry_bulb_k, wet_bulb_k);
        if w.is_nan() || w < 0.0 {
            return Err(format!(
                "a wet bulb of {:.1} °C is below what even dry air at {:.1} °C gives",
                wet_bulb_k - 273.15,
                dry_bulb_k - 273.15
            ));
        }
        Ok(DesignWeather {
            dry_bulb_k,
            relative_humidity: air.relative_humidity(dry_bulb_k, w).clamp(0.0, 1.0),
        })
    }

    /// The hottest hour of the EPW weather year `path`, and when it is (`07-19 15:00`, the
    /// file's local time at the hour's end).
    pub fn hottest_hour(path: &std::path::Path) -> Result<(DesignWeather, String), String> {
        let weather = dctwin_inputs::Weather::read(path).map_err(|e| e.to_string())?;
        let (i, &t) = (weather.dry_bulb_k.iter().enumerate())
            .max_by(|a, b| a.1.total_cmp(b.1))
            .ok_or_else(|| format!("{}: no hours", path.display()))?;
        let air = Psychrometrics::default();
        let rh = air
            .relative_humidity(t, weather.humidity_ratio[i])
            .clamp(0.0, 1.0);
        let (month, day, hour) = weather.stamps[i];
        Ok((
            DesignWeather {
                dry_bulb_k: t,
                relative_humidity: rh,
            },
            format!("{month:02}-{day:02} {hour:02}:00"),
        ))
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

/// A settable parameter of a device or coupling set before the design point is sought: what a
/// search that grows the plant tries (a dry cooler's coils in service), or a plant with its
/// heat recovery off ([`heat_recovery_off`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resize {
    /// The parameter, on its device or coupling.
    pub setting: Setting,
    /// The value (SI).
    pub value: f64,
}

impl Resize {
    /// The device or coupling it sets, by name, in `plant`.
    pub fn target_name(&self, plant: &Plant) -> String {
        match self.setting {
            Setting::Coupling { index, .. } => plant.couplings[index].name.clone(),
            Setting::Device { link, .. } => plant.network.links[link].name.to_string(),
            _ => String::new(),
        }
    }

    /// Its parameter's name.
    pub fn parameter(&self) -> &'static str {
        match self.setting {
            Setting::Coupling { name, .. } | Setting::Device { name, .. } => name,
            _ => "",
        }
    }
}

/// Heat-pump condenser set-point that switches a bank off [K] (1 °C): every condenser's water
/// arrives warmer, so there is no load.
const HEAT_PUMPS_OFF_K: f64 = 274.15;

/// The settings that switch `plant`'s heat recovery off: every heat-pump bank's set-point below
/// any water it meets. Heat reuse cannot be counted on to cool the IT (the campus takes little
/// on a summer afternoon, a heat pump trips), so rejecters are sized without it.
pub fn heat_recovery_off(plant: &Plant) -> Vec<Resize> {
    (plant.couplings.iter().enumerate())
        .filter(|(_, c)| c.coupling.kind().key == "heat_pump")
        .map(|(index, _)| Resize {
            setting: Setting::Coupling {
                index,
                name: "supply_setpoint",
            },
            value: HEAT_PUMPS_OFF_K,
        })
        .collect()
}

/// Whether `plant`'s heat recovery is off ([`heat_recovery_off`]): it has heat pumps, all of
/// them off.
pub fn recovery_is_off(plant: &Plant) -> bool {
    let mut banks = (plant.couplings.iter())
        .filter(|c| c.coupling.kind().key == "heat_pump")
        .peekable();
    banks.peek().is_some()
        && banks.all(|c| c.coupling.get("supply_setpoint") == Some(HEAT_PUMPS_OFF_K))
}

/// Bring `facility` to rest at its design values in `weather`.
pub fn design_point(facility: &Facility, weather: DesignWeather) -> Result<DesignPoint, SimError> {
    design_point_resized(facility, weather, &[])
}

/// Bring `facility` to rest at its design values in `weather`, with the parameters `resized`
/// set first.
pub fn design_point_resized(
    facility: &Facility,
    weather: DesignWeather,
    resized: &[Resize],
) -> Result<DesignPoint, SimError> {
    let (sim, rest) = resting_simulation(facility, weather, resized)?;
    Ok(DesignPoint {
        rest,
        snapshot: sim.snapshot(),
        plant: sim.plant.clone(),
    })
}

/// The simulation of `facility` at its design values in `weather`, with `resized` set, run
/// until it comes to rest, and its rest: a run can go on from there.
pub fn resting_simulation(
    facility: &Facility,
    weather: DesignWeather,
    resized: &[Resize],
) -> Result<(Simulation, Rest), SimError> {
    let (mut plant, controllers) = plant_of(facility)?;
    for r in resized {
        let name = r.target_name(&plant);
        (r.setting)
            .set_on_plant(&mut plant, r.value)
            .map_err(|reason| SimError::InvalidDevice { name, reason })?;
    }
    let air = Psychrometrics::default();
    plant.outdoor = MoistAir {
        dry_bulb_k: weather.dry_bulb_k,
        humidity_ratio: air
            .humidity_ratio_from_relative_humidity(weather.dry_bulb_k, weather.relative_humidity),
    };
    let mut sim = Simulation::new(plant, 0.0, Settings::default())?;
    sim.controllers = controllers;
    let rest = come_to_rest(&mut sim, &RestOptions::default())?;
    Ok((sim, rest))
}
