//! Events: what happens to the plant at a given time (a pump trips, a CDU is lost, a dry cooler
//! fouls). They act at the start of a control step and restart the integrator there.

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
