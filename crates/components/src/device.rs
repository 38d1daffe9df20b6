//! The contract of a volume device: equipment on one link of a loop that holds water (a
//! [`MixingVolume`]) and exchanges heat with it, such as a rack, a substation or a boiler.
//!
//! A kind of device declares once, in its [`DeviceKind`], what the rest of dctwin needs: the key
//! it is written under in a model file, its parameters (unit, default, whether an input may set
//! it during a run), the variables it reports, and how to build itself from the parameter values
//! read. An instance ([`VolumeDevice`]) gives the simulation its heat law and the account its
//! heat is booked to, and the reports its variables and the limits its alarms watch. The model
//! reader, the plant, the dynamics and the reports reach a device through this trait: a new
//! kind is its own file, one line in [`crate::devices::KINDS`] and its row in the model-file
//! reference. The scenario layer still knows racks and substations by kind (IT power, heat
//! demand, the KPIs' rack extremes, the schematic's stages), and an alarm is one of the
//! scenario's known kinds.

use crate::component::Component;
use crate::heat_source::{HeatDuty, HeatSource};
use crate::psychrometrics::MoistAir;
use crate::resistance::Resistance;
use crate::units::Quantity;
use crate::volume::MixingVolume;
use dctwin_fluid::Fluid;
use std::fmt;

/// Where a heat (or water) flow is booked in the facility's balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Account {
    /// IT heat captured by the coolant (racks, positive fixed duties) [J].
    ItHeat,
    /// Pump shaft heat put into the water [J].
    PumpHeat,
    /// Heat pumps' electric input, delivered to the water as condenser minus evaporator heat [J].
    HeatPumpWork,
    /// Heat added by boilers and heating set-point plants [J].
    Boiler,
    /// Heat rejected to the outdoors (dry coolers, cooling towers, cooling set-point plants,
    /// negative duties) [J].
    Rejected,
    /// Heat delivered to district-heating consumers [J].
    Reused,
    /// Heat lost by pipes and tanks to their surroundings [J].
    Lost,
    /// Enthalpy carried in by water entering through open boundaries, from the fluid's
    /// enthalpy reference [J].
    Entered,
    /// Enthalpy carried out by water leaving through open boundaries [J].
    Left,
    /// Water used [kg] (not energy: for WUE): evaporated by adiabatic pre-cooling, and the
    /// cooling towers' make-up (evaporation, drift and blow-down).
    WaterKg,
}

/// Number of accounts.
pub const ACCOUNTS: usize = 10;
/// Of which energy accounts (the first ones).
pub const ENERGY_ACCOUNTS: usize = 9;

/// The water a device holds and is fed, as the integration sees it at one instant.
#[derive(Debug, Clone, Copy)]
pub struct Water<'a> {
    /// The loop's coolant.
    pub fluid: &'a Fluid,
    /// Temperature of the water entering [K].
    pub inlet_k: f64,
    /// Temperature of the water held, which is also the water leaving [K].
    pub volume_k: f64,
    /// Mass flow through the device [kg/s]: its magnitude, zero when nothing flows.
    pub mass_flow_kg_s: f64,
    /// The temperatures of its layers [K], first layer first, for a device of several
    /// ([`VolumeDevice::layers`]); empty for a device of one volume.
    pub layers_k: &'a [f64],
}

/// What a parameter's value is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParameterKind {
    /// A physical quantity, written with a unit suffix on its name (`capacity_kw`), held in SI.
    Quantity(Quantity),
    /// A plain number without unit (a share, an efficiency), within `[min, max]`.
    Number {
        /// Smallest value accepted.
        min: f64,
        /// Largest value accepted.
        max: f64,
    },
    /// A whole number ≥ 1.
    Count,
    /// One of these words.
    Choice(&'static [&'static str]),
}

/// What a parameter is when the model file does not give it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fallback {
    /// It must be given; the text says what it is, for the message.
    Required(&'static str),
    /// This value, in SI (for a [`ParameterKind::Choice`], the index of its word).
    Value(f64),
    /// The device works it out from the others (the doc says how).
    Derived,
}

/// A parameter a device kind reads from a model file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parameter {
    /// Its name: for a quantity the stem its unit suffix is added to (`setpoint` for
    /// `setpoint_c`), otherwise the key itself.
    pub name: &'static str,
    /// What its value is.
    pub kind: ParameterKind,
    /// What it is when not given.
    pub fallback: Fallback,
    /// Whether it may change during a run ([`VolumeDevice::set`]): the scenario's inputs set a
    /// rack's IT power and a substation's demand; the others are ready for inputs bound to any
    /// parameter.
    pub settable: bool,
    /// Whether its value must be above zero (checked at its key in the model file).
    pub positive: bool,
}

impl Parameter {
    /// A plain number in `[min, max]`, `value` when not given.
    pub const fn number(name: &'static str, min: f64, max: f64, value: f64) -> Parameter {
        Parameter {
            name,
            kind: ParameterKind::Number { min, max },
            fallback: Fallback::Value(value),
            settable: false,
            positive: false,
        }
    }

    /// A quantity that must be given, `what` saying what it is.
    pub const fn required(name: &'static str, quantity: Quantity, what: &'static str) -> Parameter {
        Parameter {
            name,
            kind: ParameterKind::Quantity(quantity),
            fallback: Fallback::Required(what),
            settable: false,
            positive: false,
        }
    }
}

/// The variables of a device that rejects heat outdoors (a dry cooler, a cooling tower): the
/// heat rejected, the leaving water, the fans' power and the water used.
pub const REJECTER_VARIABLES: &[Variable] = &[
    Variable {
        name: "heat",
        quantity: Quantity::Power,
    },
    Variable {
        name: "leaving",
        quantity: Quantity::Temperature,
    },
    Variable {
        name: "fan_power",
        quantity: Quantity::Power,
    },
    Variable {
        name: "water",
        quantity: Quantity::Flow,
    },
];

/// The steady law of a device holding its outlet at `outlet_k` [K] through its pressure drop
/// `resistance`: an ideal plant at its set-point, as the steady solver sees a cooler.
pub fn outlet_setpoint(outlet_k: f64, resistance: Option<Resistance>) -> Component {
    Component::HeatSource(HeatSource {
        duty: HeatDuty::OutletSetpoint { outlet_k },
        resistance,
    })
}

/// A parameter value as read: a number in SI (a count as a number), or a word of a choice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParameterValue {
    /// A number in SI.
    Number(f64),
    /// One of the choice's words.
    Word(&'static str),
}

/// The values read for a kind's parameters, in the order the kind declares them (`None`: not
/// given, so its [`Fallback`] applies).
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterValues {
    parameters: &'static [Parameter],
    values: Vec<Option<ParameterValue>>,
}

impl ParameterValues {
    /// No value given for any of `parameters`.
    pub fn new(parameters: &'static [Parameter]) -> ParameterValues {
        ParameterValues {
            parameters,
            values: vec![None; parameters.len()],
        }
    }

    /// Give parameter `name` its value. Returns false if the kind has no such parameter.
    pub fn give(&mut self, name: &str, value: ParameterValue) -> bool {
        match self.parameters.iter().position(|p| p.name == name) {
            Some(i) => {
                self.values[i] = Some(value);
                true
            }
            None => false,
        }
    }

    /// The value given for `name`, or its fallback value; `None` if neither (a derived or a
    /// missing required parameter, or a name the kind does not declare).
    pub fn number(&self, name: &str) -> Option<f64> {
        let i = self.parameters.iter().position(|p| p.name == name)?;
        match (self.values[i], self.parameters[i].fallback) {
            (Some(ParameterValue::Number(x)), _) => Some(x),
            (None, Fallback::Value(x)) => Some(x),
            _ => None,
        }
    }

    /// Whether a value was given for `name`.
    pub fn given(&self, name: &str) -> bool {
        let i = self.parameters.iter().position(|p| p.name == name);
        i.is_some_and(|i| self.values[i].is_some())
    }

    /// The word given for choice `name`, or its fallback word.
    pub fn word(&self, name: &str) -> Option<&'static str> {
        let i = self.parameters.iter().position(|p| p.name == name)?;
        let p = &self.parameters[i];
        match (self.values[i], p.kind, p.fallback) {
            (Some(ParameterValue::Word(w)), _, _) => Some(w),
            (None, ParameterKind::Choice(words), Fallback::Value(at)) => {
                words.get(at as usize).copied()
            }
            _ => None,
        }
    }
}

/// A variable a device reports, in SI; the series writes it with its quantity's display unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variable {
    /// Its name, without unit (`heat`, `outlet`).
    pub name: &'static str,
    /// What it measures.
    pub quantity: Quantity,
}

/// A limit an alarm watches: the device's variable `variable` beyond `limit` (in SI), above it
/// or below it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Watch {
    /// The alarm's kind as the run's `alarms.json` names it (`boiler_on`); a test checks that
    /// every registered device's alarms are kinds the scenario layer knows.
    pub alarm: &'static str,
    /// Index of the watched variable in its kind's [`DeviceKind::variables`].
    pub variable: usize,
    /// The value above which the alarm is raised, in SI.
    pub limit: f64,
    /// Whether the limit is a coolant supply limit, to which a scenario's supply tolerance
    /// (that of its KPIs) is added.
    pub supply_limit: bool,
    /// Whether values above the limit raise the alarm (else values below it).
    pub above: bool,
}

/// Why a device's parameter cannot be set to a value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SetError {
    /// The kind has no such settable parameter.
    #[error("{kind} has no settable parameter '{name}': it takes {settable}")]
    Unknown {
        /// The device kind.
        kind: &'static str,
        /// The name asked for.
        name: String,
        /// What it can take, listed.
        settable: String,
    },
    /// The value is outside what the parameter accepts.
    #[error("{kind} parameter '{name}' = {value} is invalid: expected {expected}")]
    Invalid {
        /// The device kind.
        kind: &'static str,
        /// The parameter.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
}

/// Why a kind refuses the values read: the parameter at fault, if one is, and what it expected.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The parameter the model-file reader points the message at (`None`: the device as a
    /// whole).
    pub parameter: Option<&'static str>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Refusal {
    /// A refusal of parameter `name`'s value.
    pub fn of(name: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            parameter: Some(name),
            message: message.into(),
        }
    }
}

impl From<String> for Refusal {
    fn from(message: String) -> Refusal {
        Refusal {
            parameter: None,
            message,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// How a kind builds an instance from the values read, its coolant and fill temperature [K].
pub type Build = fn(&ParameterValues, &Fluid, f64) -> Result<Box<dyn VolumeDevice>, Refusal>;

/// Where a device link's pressure drop comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PressureDrop {
    /// The device's own parameters (a substation's valve): the nominal keys are not read.
    Own,
    /// The nominal pressure-drop keys, which must be given.
    Nominal,
    /// The nominal pressure-drop keys if given (both), else no pressure drop.
    OptionalNominal,
}

/// A kind of volume device: what a model file may say about it and how to build one.
pub struct DeviceKind {
    /// Its key in model files (`kind = "boiler"`).
    pub key: &'static str,
    /// Its parameters, in the order they are read and listed.
    pub parameters: &'static [Parameter],
    /// The variables each instance reports.
    pub variables: &'static [Variable],
    /// Where its link's pressure drop comes from.
    pub pressure_drop: PressureDrop,
    /// An instance from the values read, its coolant `fluid` filled at `fill_k` [K]; the error
    /// names the parameter and what it expected.
    pub build: Build,
}

impl fmt::Debug for DeviceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceKind")
            .field("key", &self.key)
            .finish()
    }
}

impl PartialEq for DeviceKind {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl DeviceKind {
    /// The names of its settable parameters, listed for a message.
    pub fn settable(&self) -> String {
        let names: Vec<&str> = (self.parameters.iter())
            .filter(|p| p.settable)
            .map(|p| p.name)
            .collect();
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    }

    /// The error for setting `name`, which the kind does not take.
    pub fn unknown(&self, name: &str) -> SetError {
        SetError::Unknown {
            kind: self.key,
            name: name.to_string(),
            settable: self.settable(),
        }
    }

    /// Index of variable `name` in [`DeviceKind::variables`].
    pub fn variable(&self, name: &str) -> Option<usize> {
        self.variables.iter().position(|v| v.name == name)
    }
}

/// A device as a model file describes it: its kind and the values read for its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceSpec {
    /// Its kind.
    pub kind: &'static DeviceKind,
    /// The values read.
    pub values: ParameterValues,
}

impl DeviceSpec {
    /// The device, its coolant `fluid` filled at `fill_k` [K].
    pub fn build(&self, fluid: &Fluid, fill_k: f64) -> Result<Box<dyn VolumeDevice>, Refusal> {
        (self.kind.build)(&self.values, fluid, fill_k)
    }
}

/// A device as its concrete type, for a test or a tool that knows which kind it holds.
pub trait AsAny {
    /// `self` as [`Any`](std::any::Any), to downcast.
    fn as_any(&self) -> &dyn std::any::Any;
}

impl<T: std::any::Any> AsAny for T {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// One device on a link.
pub trait VolumeDevice: AsAny + fmt::Debug + Send + Sync {
    /// Its kind.
    fn kind(&self) -> &'static DeviceKind;

    /// The water and wetted metal it holds (of one layer, for a device of several).
    fn volume(&self) -> MixingVolume;

    /// Its layers, mixing volumes the water passes in turn (upwind), each a state, whose heat
    /// is [`VolumeDevice::layer_heat_w`] rather than [`VolumeDevice::heat_w`]: a stratified
    /// tank's. `None` for a device of one volume, the usual.
    fn layers(&self) -> Option<usize> {
        None
    }

    /// Whether its first layer is at its link's `from` end (a tank whose top is at `to` has its
    /// first layer there).
    fn first_layer_at_from(&self) -> bool {
        true
    }

    /// For a device of several layers at `layers_k` [K] (first first): the heat into each
    /// layer other than by the flow [W] into `out` (between layers, and from its
    /// surroundings), and returned, the part from its surroundings, booked to its
    /// [`VolumeDevice::account`] (a tank's loss, negative). Computed apart rather than summed
    /// from `out`, where the exchanges between layers cancel only to rounding.
    fn layer_heat_w(&self, _fluid: &Fluid, _layers_k: &[f64], out: &mut [f64]) -> f64 {
        out.fill(0.0);
        0.0
    }

    /// The slopes of [`VolumeDevice::layer_heat_w`] at `layers_k`: ∂q_i/∂T_j [W/K] as
    /// `(i, j, slope)` into `heat`, and ∂(the booked part)/∂T_j as `(j, slope)` into `booked`.
    fn layer_slopes(
        &self,
        _fluid: &Fluid,
        _layers_k: &[f64],
        _heat: &mut Vec<(usize, usize, f64)>,
        _booked: &mut Vec<(usize, f64)>,
    ) {
    }

    /// Heat into its water [W] (negative: taken out).
    fn heat_w(&self, water: &Water<'_>) -> f64;

    /// The account its heat is booked to. The facility totals of a snapshot know the IT heat,
    /// boiler, rejected, reused and lost accounts; the pump, heat-pump and water accounts belong
    /// to the plant's own equipment.
    fn account(&self) -> Account;

    /// Whether its heat is independent of the water's temperatures and flow over a control
    /// step (an IT load): the Jacobian then skips its slopes.
    fn heat_is_constant(&self) -> bool {
        false
    }

    /// The flow its own valve draws through its link with the water supplied at `supply_k`
    /// [kg/s], for a device that sets its flow (a substation, whose steady component is a heat
    /// consumer: only such a link's flow is set by its device); `None` for one that takes the
    /// flow the network gives it.
    fn drawn_flow_kg_s(&self, _fluid: &Fluid, _supply_k: f64) -> Option<f64> {
        None
    }

    /// Its heat into the water [W] and the water it uses [kg/s] (evaporated, drift,
    /// blow-down), from one evaluation of its law.
    fn heat_and_water(&self, water: &Water<'_>) -> (f64, f64) {
        (self.heat_w(water), 0.0)
    }

    /// Whether it uses water (its water account enters the Jacobian).
    fn uses_water(&self) -> bool {
        false
    }

    /// Electric power of its fans now [W].
    fn fan_power_w(&self) -> f64 {
        0.0
    }

    /// The outdoor air for the coming control step (a dry cooler's or tower's air side).
    fn set_outdoor(&mut self, _air: MoistAir) {}

    /// Whether it holds its own set-point at each control step ([`VolumeDevice::control`]).
    fn controls_itself(&self) -> bool {
        false
    }

    /// At each control step, with the water arriving now: a device that holds its own
    /// set-point (a dry cooler's fans) sets itself for the step.
    fn control(&mut self, _water: &Water<'_>) {}

    /// The IT electric power it draws [W] (racks; zero for plant equipment).
    fn it_power_w(&self) -> f64 {
        0.0
    }

    /// The law the steady solver uses for its link, with the pressure drop read from the model
    /// file (`None` for a kind that does not read one).
    fn steady_component(&self, resistance: Option<Resistance>) -> Component;

    /// Parameter `name` now, in SI (`None` if it has none of that name).
    fn get(&self, name: &str) -> Option<f64>;

    /// Set parameter `name` to `value` (SI) during a run.
    fn set(&mut self, name: &str, value: f64) -> Result<(), SetError>;

    /// Variable `index` of its kind's [`DeviceKind::variables`], in SI, with its water `water`.
    fn variable(&self, index: usize, water: &Water<'_>) -> f64;

    /// Every variable of its kind, in order, appended to `out` (what a snapshot records).
    fn variables(&self, water: &Water<'_>, out: &mut Vec<f64>) {
        let count = self.kind().variables.len();
        out.extend((0..count).map(|v| self.variable(v, water)));
    }

    /// The limits its alarms watch.
    fn watches(&self) -> Vec<Watch> {
        Vec::new()
    }

    /// The share of its nominal flow it passes at its nominal pressure drop [-]: 1, but for a
    /// bank with some of its units out of service (a dry cooler's coils), whose water shares
    /// fewer parallel paths and so meets a larger drop.
    fn flow_share(&self) -> f64 {
        1.0
    }

    /// At a design point, with the water `water` it has there, the size that does its duty
    /// beside the size it has (a dry cooler's coils); `None` for a device that proposes none.
    fn proposal(&self, _water: &Water<'_>) -> Option<crate::proposal::Proposal> {
        None
    }

    /// A boxed copy.
    fn clone_box(&self) -> Box<dyn VolumeDevice>;
}

impl Clone for Box<dyn VolumeDevice> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// A constructor's result as a [`Build`] returns it (a refusal of the device as a whole).
pub fn boxed<D: VolumeDevice + 'static, E: fmt::Display>(
    built: Result<D, E>,
) -> Result<Box<dyn VolumeDevice>, Refusal> {
    match built {
        Ok(device) => Ok(Box::new(device)),
        Err(e) => Err(Refusal {
            parameter: None,
            message: e.to_string(),
        }),
    }
}

/// `value` as a temperature set on parameter `name` of `kind`: finite and above 0 K.
pub fn temperature_k(
    kind: &'static DeviceKind,
    name: &'static str,
    value: f64,
) -> Result<f64, SetError> {
    checked(kind, name, value, value > 0.0, "a finite temperature > 0 K")
}

/// `Ok` if `value` is finite and `valid`, else the [`SetError::Invalid`] naming it.
pub fn checked(
    kind: &'static DeviceKind,
    name: &'static str,
    value: f64,
    valid: bool,
    expected: &'static str,
) -> Result<f64, SetError> {
    checked_for(kind.key, name, value, valid, expected)
}

/// [`checked`] for the kind keyed `key` (a coupling's).
pub fn checked_for(
    key: &'static str,
    name: &'static str,
    value: f64,
    valid: bool,
    expected: &'static str,
) -> Result<f64, SetError> {
    if valid && value.is_finite() {
        Ok(value)
    } else {
        Err(SetError::Invalid {
            kind: key,
            name,
            value,
            expected,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAMETERS: &[Parameter] = &[
        Parameter {
            name: "capacity",
            kind: ParameterKind::Quantity(Quantity::Power),
            fallback: Fallback::Required("the largest heat"),
            settable: false,
            positive: false,
        },
        Parameter {
            name: "efficiency",
            kind: ParameterKind::Number { min: 0.0, max: 1.0 },
            fallback: Fallback::Value(0.9),
            settable: true,
            positive: false,
        },
        Parameter {
            name: "fuel",
            kind: ParameterKind::Choice(&["gas", "electric"]),
            fallback: Fallback::Value(1.0),
            settable: false,
            positive: false,
        },
    ];

    #[test]
    fn values_fall_back_to_the_declared_default() {
        let mut v = ParameterValues::new(PARAMETERS);
        assert_eq!(v.number("capacity"), None, "required and not given");
        assert_eq!(v.number("efficiency"), Some(0.9));
        assert_eq!(v.word("fuel"), Some("electric"));
        assert!(v.give("capacity", ParameterValue::Number(1e6)));
        assert!(v.give("fuel", ParameterValue::Word("gas")));
        assert!(!v.give("colour", ParameterValue::Number(1.0)));
        assert_eq!(v.number("capacity"), Some(1e6));
        assert_eq!(v.word("fuel"), Some("gas"));
        assert!(v.given("capacity") && !v.given("efficiency"));
    }
}
