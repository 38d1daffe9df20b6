//! The transient devices of a facility: what a link holds besides its hydraulic law (a rack's IT
//! heat and thermal mass, a dry cooler, a substation, a boiler), and the couplings that join two
//! links thermally (a CDU's heat exchanger, a heat-pump bank). The simulation builds its plant
//! from these; the steady solver sees only each link's hydraulic component.

use dctwin_components::boiler::BoilerSpec;
use dctwin_components::district::SubstationSpec;
use dctwin_components::dry_cooler::DryCooler;
use dctwin_components::heat_exchanger::HeatExchanger;
use dctwin_components::heat_pump::HeatPumpBank;
use dctwin_components::rack::ColdPlateRackSpec;

/// Default proportional gain of a CDU's supply-temperature controller [valve opening per K]:
/// a 3 K error moves the valve by 10 % at once; the integral does the rest.
pub const DEFAULT_SUPPLY_GAIN_PER_K: f64 = 0.03;
/// Default integral time of a CDU's supply-temperature controller [s]: a few times the
/// secondary loop's turnover time (minutes), so the loop settles without oscillating.
pub const DEFAULT_SUPPLY_INTEGRAL_TIME_S: f64 = 300.0;

/// A thermal device or coupling of the facility.
#[derive(Debug, Clone, PartialEq)]
pub enum Device {
    /// A cold-plate rack on link `link`.
    Rack {
        /// The link (its hydraulic law is the cold plates' pressure drop).
        link: usize,
        /// Its parameters; `it_power_w` is the design power, replaced by traces in a scenario.
        spec: ColdPlateRackSpec,
    },
    /// A dry cooler on link `link`, its fans holding the leaving water at a set-point.
    DryCooler {
        /// The link.
        link: usize,
        /// The cooler, rated.
        cooler: DryCooler,
        /// Leaving water set-point of the fan control [K].
        leaving_setpoint_k: f64,
    },
    /// A district-heating substation on link `link` (a heat consumer whose valve sets its flow).
    Substation {
        /// The link.
        link: usize,
        /// Its parameters; `demand_w` is the design demand, replaced by a series in a scenario.
        spec: SubstationSpec,
    },
    /// A backup boiler on link `link`.
    Boiler {
        /// The link.
        link: usize,
        /// Its parameters.
        spec: BoilerSpec,
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
