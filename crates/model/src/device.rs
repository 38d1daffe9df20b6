//! The transient devices of a facility: what a link holds besides its hydraulic law (a rack's IT
//! heat and thermal mass, a dry cooler, a cooling tower, a stratified tank, a substation, a
//! boiler), and the couplings that join two links thermally (a CDU's heat exchanger, a heat-pump
//! bank with its staging). The simulation builds its plant
//! from these; the steady solver sees only each link's hydraulic component.

use dctwin_components::device::DeviceSpec;
use dctwin_components::heat_exchanger::HeatExchanger;
use dctwin_components::heat_pump::HeatPumpBank;

/// Default proportional gain of a CDU's supply-temperature controller [valve opening per K]:
/// a 3 K error moves the valve by 10 % at once; the integral does the rest.
pub const DEFAULT_SUPPLY_GAIN_PER_K: f64 = 0.03;
/// Default integral time of a CDU's supply-temperature controller [s]: a few times the
/// secondary loop's turnover time (minutes), so the loop settles without oscillating.
pub const DEFAULT_SUPPLY_INTEGRAL_TIME_S: f64 = 300.0;

pub use dctwin_components::heat_pump_staging::{
    DEFAULT_STAGE_DOWN_DELAY_S, DEFAULT_STAGE_DOWN_LOAD, DEFAULT_STAGE_UP_DELAY_S,
    DEFAULT_STAGE_UP_LOAD, HeatPumpStaging,
};

/// A thermal device or coupling of the facility.
#[derive(Debug, Clone, PartialEq)]
pub enum Device {
    /// A volume device (a rack, a substation, a boiler, a tank) on link `link`, as its kind
    /// read it.
    Volume {
        /// The link (its hydraulic law is the device's steady component).
        link: usize,
        /// Its kind and parameter values; design values (a rack's IT power, a substation's
        /// demand) are replaced by inputs in a scenario.
        spec: DeviceSpec,
    },
    /// A heat exchanger (a CDU) joining a hot link and a cold link, usually of two loops.
    HeatExchanger {
        /// Full name, e.g. `container[3].cdu`.
        name: String,
        /// The link whose water gives heat (side 1 of the rating).
        hot: usize,
        /// The link whose water takes it (side 2).
        cold: usize,
        /// The exchanger, rated.
        exchanger: HeatExchanger,
        /// The supply-temperature controller, if any.
        control: Option<SupplyControl>,
    },
    /// A bank of heat pumps lifting heat from an evaporator link into a condenser link.
    HeatPumps {
        /// Full name.
        name: String,
        /// The link the heat is taken from.
        evaporator: usize,
        /// The link the heat is delivered to.
        condenser: usize,
        /// The units.
        bank: HeatPumpBank,
        /// Condenser leaving set-point [K]: the bank delivers what holds it, up to capacity.
        supply_setpoint_k: f64,
        /// How its units are switched.
        staging: HeatPumpStaging,
    },
}

/// A PI controller holding an exchanger's hot-side leaving temperature (the secondary supply) by
/// opening a valve on the cold side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SupplyControl {
    /// The valve link it moves.
    pub valve: usize,
    /// Set-point of the hot side's leaving water [K].
    pub setpoint_k: f64,
    /// Proportional gain [opening per K].
    pub gain_per_k: f64,
    /// Integral time [s].
    pub integral_time_s: f64,
}
