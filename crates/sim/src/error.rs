//! What can go wrong in a transient run, with the time and the component concerned.

use crate::cvode::CvodeError;
use dctwin_network::SolveError;

/// A transient run failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// A name given to the simulation is not a link of the network.
    #[error("no link called '{name}' in the network")]
    UnknownLink {
        /// The name given.
        name: String,
    },
    /// A device of the model cannot be built.
    #[error("'{name}': {reason}")]
    InvalidDevice {
        /// The link or device.
        name: String,
        /// Why.
        reason: String,
    },
    /// Water circulates through links that hold no water volume only.
    #[error(
        "water circulates through links with no thermal mass only (at nodes {nodes}): give a pipe \
         or a device on that path a volume"
    )]
    NoThermalMass {
        /// Some of the nodes concerned.
        nodes: String,
    },
    /// The hydraulic solve at a control step failed.
    #[error("at t = {time_s} s: {source}")]
    Hydraulics {
        /// Simulated time [s].
        time_s: f64,
        /// What the solver said.
        source: SolveError,
    },
    /// CVODE failed; the last good state is kept.
    #[error("at t = {time_s} s CVODE failed ({flag}); the temperature of '{component}' misbehaved")]
    Integration {
        /// Simulated time reached [s].
        time_s: f64,
        /// CVODE's flag name.
        flag: String,
        /// Component whose state had the largest error.
        component: String,
    },
    /// A run held at constant inputs did not come to rest.
    #[error(
        "after {days:.0} days at constant inputs the model has not come to rest: the water in \
         '{component}' still moves {drift_k:.3} K an hour (a controller that hunts, a tank \
         that fills with heat, or heat with nowhere to go)"
    )]
    NotAtRest {
        /// Days simulated.
        days: f64,
        /// The volume that moved most over the last hour.
        component: String,
        /// How far it moved [K].
        drift_k: f64,
    },
    /// A temperature left the coolant's valid range (boiling, freezing, or a run-away heat
    /// balance such as racks still powered with their CDU lost); the last good state is kept.
    #[error(
        "at t = {time_s} s the water in '{component}' reached {temperature_c:.1} °C, outside \
         {fluid}'s range {min_c:.0}..{max_c:.0} °C"
    )]
    TemperatureOutOfRange {
        /// Simulated time [s].
        time_s: f64,
        /// The link whose volume left the range.
        component: String,
        /// Its temperature [°C].
        temperature_c: f64,
        /// The coolant.
        fluid: String,
        /// Lower end of the range [°C].
        min_c: f64,
        /// Upper end [°C].
        max_c: f64,
    },
    /// A water volume reached the temperature at which water boils at its loop's pressure
    /// (its vessel's, or an open loop's lowest pressure boundary's).
    #[error(
        "at t = {time_s} s the water in '{component}' reached {temperature_c:.1} °C, where it \
         boils at the {pressure_bar:.2} bar (gauge) of its loop's vessel or lowest pressure \
         boundary ({boils_c:.1} °C): raise that pressure_bar, or lower what heats it"
    )]
    Boiling {
        /// Simulated time [s].
        time_s: f64,
        /// The link whose volume boils.
        component: String,
        /// Its temperature [°C].
        temperature_c: f64,
        /// Where water boils there [°C].
        boils_c: f64,
        /// The vessel's gauge pressure [bar].
        pressure_bar: f64,
    },
    /// An input's value was refused by the parameter it sets.
    #[error("at t = {time_s} s {reason}")]
    Input {
        /// Simulated time [s].
        time_s: f64,
        /// Which input, which parameter and why.
        reason: String,
    },
    /// CVODE could not be set up.
    #[error("CVODE could not be set up: {0}")]
    Setup(CvodeError),
    /// An event names something the plant does not have.
    #[error("event at t = {time_s} s: {message}")]
    BadEvent {
        /// When the event was due [s].
        time_s: f64,
        /// What is wrong.
        message: String,
    },
}
