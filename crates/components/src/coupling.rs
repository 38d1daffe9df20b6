//! The contract of a coupling: equipment that moves heat between the water of two links,
//! usually of two loops, such as a CDU's heat exchanger or a bank of heat pumps.
//!
//! A kind of coupling declares once, in its [`CouplingKind`], its two sides, the parameters an
//! event or an input may set during a run and the variables it reports. An instance
//! ([`Coupling`]) gives the simulation the heat it moves between its sides (and the electric
//! work it adds) from the water on both, which of their temperatures that heat reads (for the
//! Jacobian), its control at each control step, and the reports its variables and alarms. Each
//! side's link holds a small mixing volume the coupling's heat goes into, as a volume device's
//! does. The model reader still reads each coupling kind by its own keys (`heat_exchanger`,
//! `heat_pump`): their ratings (a design duty at design temperatures, a COP model) are more
//! than a list of parameters.

use crate::device::{Account, AsAny, Parameter, SetError, Variable, Watch};
use dctwin_fluid::Fluid;
use std::fmt;

/// A kind of coupling: what it is called, its sides, what may be set and what it reports.
pub struct CouplingKind {
    /// Its key in model files (`kind = "heat_exchanger"`).
    pub key: &'static str,
    /// Its sides' names, side 0 then side 1 (`hot`, `cold`).
    pub sides: [&'static str; 2],
    /// The parameters [`Coupling::get`] and [`Coupling::set`] know.
    pub parameters: &'static [Parameter],
    /// The variables each instance reports.
    pub variables: &'static [Variable],
}

impl fmt::Debug for CouplingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CouplingKind")
            .field("key", &self.key)
            .finish()
    }
}

impl PartialEq for CouplingKind {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl CouplingKind {
    /// The error for setting `name`, which the kind does not take.
    pub fn unknown(&self, name: &str) -> SetError {
        let names: Vec<&str> = (self.parameters.iter())
            .filter(|p| p.settable)
            .map(|p| p.name)
            .collect();
        SetError::Unknown {
            kind: self.key,
            name: name.to_string(),
            settable: if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            },
        }
    }

    /// Index of variable `name` in [`CouplingKind::variables`].
    pub fn variable(&self, name: &str) -> Option<usize> {
        self.variables.iter().position(|v| v.name == name)
    }
}

/// The water on one side of a coupling at one instant.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The side's coolant.
    pub fluid: &'a Fluid,
    /// Temperature of the water entering [K].
    pub inlet_k: f64,
    /// Temperature of the side's volume, which is the water leaving [K].
    pub leaving_k: f64,
    /// Mass flow through the side [kg/s]: its magnitude.
    pub mass_flow_kg_s: f64,
}

/// The heat a coupling moves at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Duties {
    /// Heat into side 0's and side 1's water [W] (negative: taken out). An exchanger's sum to
    /// zero; a heat pump's sum to the electric work it turns into heat.
    pub into_w: [f64; 2],
    /// Electric power drawn [W].
    pub electric_w: f64,
}

/// A temperature a coupling's heat reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// The water entering side `i`.
    Inlet(usize),
    /// The water leaving side `i` (its volume's).
    Leaving(usize),
}

impl Reading {
    /// This reading of `sides`, moved by `step_k` [K].
    pub fn moved<'a>(self, sides: &[Side<'a>; 2], step_k: f64) -> [Side<'a>; 2] {
        let mut moved = *sides;
        match self {
            Reading::Inlet(i) => moved[i].inlet_k += step_k,
            Reading::Leaving(i) => moved[i].leaving_k += step_k,
        }
        moved
    }
}

/// One coupling between two links.
pub trait Coupling: AsAny + fmt::Debug + Send + Sync {
    /// Its kind.
    fn kind(&self) -> &'static CouplingKind;

    /// The temperatures its heat reads, in the order the Jacobian takes their slopes.
    fn reads(&self) -> &'static [Reading];

    /// At each control step, the flows through its sides [kg/s] (magnitudes) until the next:
    /// what depends on them alone (an exchanger's UA) is worked out once here.
    fn set_flows(&mut self, _flows_kg_s: [f64; 2]) {}

    /// The heat it moves with the water `sides`, which both flow.
    fn duties(&self, sides: &[Side<'_>; 2]) -> Duties;

    /// The account its electric work is booked to (a heat pump's), if it has any.
    fn work_account(&self) -> Option<Account> {
        None
    }

    /// Whether it switches itself at each control step ([`Coupling::control`]).
    fn controls_itself(&self) -> bool {
        false
    }

    /// At each control step, with the water on its sides now (zero flow where none flows):
    /// a coupling that switches itself (a heat-pump bank staging its units) does so for the
    /// step of `dt_s` [s].
    fn control(&mut self, _sides: &[Side<'_>; 2], _dt_s: f64) {}

    /// Units running now (a heat-pump bank's; zero for others).
    fn units_on(&self) -> usize {
        0
    }

    /// Parameter `name` now, in SI (`None` if it has none of that name).
    fn get(&self, name: &str) -> Option<f64>;

    /// Set parameter `name` to `value` (SI) during a run.
    fn set(&mut self, name: &str, value: f64) -> Result<(), SetError>;

    /// Variable `index` of its kind's [`CouplingKind::variables`], in SI, with the water on its
    /// sides and the heat it moves.
    fn variable(&self, index: usize, sides: &[Side<'_>; 2], duties: &Duties) -> f64;

    /// Every variable of its kind, in order, appended to `out` (what a snapshot records).
    fn variables(&self, sides: &[Side<'_>; 2], duties: &Duties, out: &mut Vec<f64>) {
        let count = self.kind().variables.len();
        out.extend((0..count).map(|v| self.variable(v, sides, duties)));
    }

    /// The limits its alarms watch.
    fn watches(&self) -> Vec<Watch> {
        Vec::new()
    }

    /// At a design point, with the water on its sides there and the heat the rest of side 0's
    /// loop rejects to the air `rejected_elsewhere_w` [W] (heat it could take instead), the
    /// size that does its duty beside the size it has (a heat-pump bank's capacity); `None`
    /// for a coupling that proposes none.
    fn proposal(
        &self,
        _sides: &[Side<'_>; 2],
        _rejected_elsewhere_w: f64,
    ) -> Option<crate::proposal::Proposal> {
        None
    }

    /// A boxed copy.
    fn clone_box(&self) -> Box<dyn Coupling>;
}

impl Clone for Box<dyn Coupling> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}
