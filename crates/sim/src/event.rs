//! Events: what happens to the plant at a given time (a pump trips, a CDU is lost, a dry cooler
//! fouls). They act at the start of a control step and restart the integrator there.

use crate::plant::Plant;
use crate::setting::Setting;

/// What an event does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The pump on this link stops (speed 0: its curve becomes a resistance).
    TripPump {
        /// The pump's link.
        link: String,
    },
    /// The heat exchanger transfers nothing any more (a CDU lost).
    LoseExchanger {
        /// The exchanger's name.
        name: String,
    },
    /// The heat exchanger's UA is multiplied by a factor (fouling).
    FoulExchanger {
        /// The exchanger's name.
        name: String,
        /// UA multiplier [-], in (0, 1].
        ua_factor: f64,
    },
    /// The dry cooler's UA is multiplied by a factor (fouled fins).
    FoulDryCooler {
        /// The cooler's name.
        name: String,
        /// UA multiplier [-], in (0, 1].
        ua_factor: f64,
    },
}

/// An action at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// When [s].
    pub time_s: f64,
    /// What.
    pub action: Action,
}

impl Action {
    /// The parameters of `plant` it changes, as an input would name them: an input on any of
    /// them would undo it at its next control step. A pump trip stops the pump's drive, which
    /// an input on its speed, flow or pressure rise would restart.
    pub fn settings(&self, plant: &Plant) -> Vec<Setting> {
        let coupling = |name: &str| plant.couplings.iter().position(|c| c.name == name);
        match self {
            Action::TripPump { link } => (plant.link(link).ok())
                .map(|l| {
                    vec![
                        Setting::PumpSpeed(l),
                        Setting::PumpFlow(l),
                        Setting::PumpPressureRise(l),
                    ]
                })
                .unwrap_or_default(),
            Action::LoseExchanger { name } => (coupling(name).into_iter())
                .map(|index| Setting::Coupling {
                    index,
                    name: "in_service",
                })
                .collect(),
            Action::FoulExchanger { name, .. } => (coupling(name).into_iter())
                .map(|index| Setting::Coupling {
                    index,
                    name: "ua_factor",
                })
                .collect(),
            Action::FoulDryCooler { name, .. } => (plant.link(name).ok().into_iter())
                .map(|link| Setting::Device {
                    link,
                    name: "fouling_factor",
                })
                .collect(),
        }
    }
}
