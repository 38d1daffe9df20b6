//! A heat exchanger (a CDU) as a coupling of two links: ε-NTU between the water entering its
//! hot side (side 0) and its cold side (side 1), with its UA at the control step's flows.

use crate::coupling::{Coupling, CouplingKind, Duties, Reading, Side};
use crate::device::{Parameter, SetError, Variable, checked_for};
use crate::heat_exchanger::{HeatExchanger, Stream};
use crate::units::Quantity;

/// A heat exchanger joining a hot link (its side 1 in [`HeatExchanger`]'s terms, the
/// coupling's side 0) and a cold link.
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangerUnit {
    /// Its physics.
    pub exchanger: HeatExchanger,
    /// Multiplier on its UA [-]: 1 clean, in (0, 1) fouled (set by events).
    pub ua_factor: f64,
    /// Whether it is in service; a lost exchanger (an event) transfers nothing.
    pub in_service: bool,
    /// UA at this control step's flows, fouling included [W/K].
    ua_now_w_k: f64,
}

impl ExchangerUnit {
    /// `exchanger`, clean and in service.
    pub fn new(exchanger: HeatExchanger) -> ExchangerUnit {
        ExchangerUnit {
            exchanger,
            ua_factor: 1.0,
            in_service: true,
            ua_now_w_k: 0.0,
        }
    }

    /// UA at the last control step's flows, fouling included [W/K].
    pub fn ua_now_w_k(&self) -> f64 {
        self.ua_now_w_k
    }
}

/// A heat exchanger in a model file (`kind = "heat_exchanger"`).
pub static KIND: CouplingKind = CouplingKind {
    key: "heat_exchanger",
    sides: ["hot", "cold"],
    parameters: &[
        Parameter {
            settable: true,
            ..Parameter::number("ua_factor", 0.0, 1.0, 1.0)
        },
        Parameter {
            settable: true,
            ..Parameter::number("in_service", 0.0, 1.0, 1.0)
        },
    ],
    variables: &[
        // The hot side's leaving water: a CDU's supply to its racks.
        Variable {
            name: "supply",
            quantity: Quantity::Temperature,
        },
        // The cold side's flow: what a CDU draws from the primary loop.
        Variable {
            name: "primary",
            quantity: Quantity::Flow,
        },
    ],
};

impl Coupling for ExchangerUnit {
    fn kind(&self) -> &'static CouplingKind {
        &KIND
    }

    fn reads(&self) -> &'static [Reading] {
        &[Reading::Inlet(0), Reading::Inlet(1)]
    }

    fn set_flows(&mut self, [hot_kg_s, cold_kg_s]: [f64; 2]) {
        self.ua_now_w_k = if hot_kg_s > 0.0 && cold_kg_s > 0.0 {
            // Fouling multiplies the UA, not the duty: ε(NTU) is concave, so a fouled
            // exchanger loses less than its share of UA while the clean one is not saturated.
            self.exchanger.ua_w_k(hot_kg_s, cold_kg_s) * self.ua_factor
        } else {
            0.0
        };
    }

    fn duties(&self, [hot, cold]: &[Side<'_>; 2]) -> Duties {
        if !self.in_service {
            return Duties::default();
        }
        let q = (self.exchanger).heat_at_ua_w(self.ua_now_w_k, stream(hot), stream(cold));
        Duties {
            into_w: [-q, q],
            electric_w: 0.0,
        }
    }

    fn get(&self, name: &str) -> Option<f64> {
        match name {
            "ua_factor" => Some(self.ua_factor),
            "in_service" => Some(if self.in_service { 1.0 } else { 0.0 }),
            _ => None,
        }
    }

    fn set(&mut self, name: &str, value: f64) -> Result<(), SetError> {
        let share = |name| checked_share(name, value);
        match name {
            "ua_factor" => self.ua_factor = share("ua_factor")?,
            "in_service" => self.in_service = share("in_service")? >= 0.5,
            _ => return Err(KIND.unknown(name)),
        }
        Ok(())
    }

    fn variable(&self, index: usize, [hot, cold]: &[Side<'_>; 2], _duties: &Duties) -> f64 {
        match index {
            0 => hot.leaving_k,
            _ => cold.mass_flow_kg_s,
        }
    }

    fn variables(&self, [hot, cold]: &[Side<'_>; 2], _duties: &Duties, out: &mut Vec<f64>) {
        out.extend([hot.leaving_k, cold.mass_flow_kg_s]);
    }

    fn clone_box(&self) -> Box<dyn Coupling> {
        Box::new(self.clone())
    }
}

/// The water entering `side`, as the exchanger's law takes it.
fn stream<'a>(side: &Side<'a>) -> Stream<'a> {
    Stream {
        fluid: side.fluid,
        t_in_k: side.inlet_k,
        mass_flow_kg_s: side.mass_flow_kg_s,
    }
}

/// `value` as a share in [0, 1] set on parameter `name`.
fn checked_share(name: &'static str, value: f64) -> Result<f64, SetError> {
    let valid = (0.0..=1.0).contains(&value);
    checked_for(KIND.key, name, value, valid, "a share from 0 to 1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heat_exchanger::FlowArrangement;
    use dctwin_fluid::Fluid;

    fn sides(water: &Fluid) -> [Side<'_>; 2] {
        let side = |inlet_k, mass_flow_kg_s| Side {
            fluid: water,
            inlet_k,
            leaving_k: inlet_k,
            mass_flow_kg_s,
        };
        [side(323.15, 10.0), side(303.15, 8.0)]
    }

    /// The heat taken from the hot side is the heat given to the cold side, and is the
    /// exchanger's own ε-NTU duty at the flows set; half the UA gives less than that but more
    /// than half the duty (ε(NTU) is concave); out of service it moves nothing.
    #[test]
    fn moves_the_exchangers_duty_from_hot_to_cold() {
        let water = Fluid::water();
        let x = HeatExchanger::new(FlowArrangement::CounterFlow, 50e3, 10.0, 8.0).unwrap();
        let mut unit = ExchangerUnit::new(x);
        unit.set_flows([10.0, 8.0]);
        let [hot, cold] = sides(&water);
        let reference = (x.exchange(
            Stream {
                fluid: &water,
                t_in_k: hot.inlet_k,
                mass_flow_kg_s: 10.0,
            },
            Stream {
                fluid: &water,
                t_in_k: cold.inlet_k,
                mass_flow_kg_s: 8.0,
            },
        ))
        .heat_w;
        let clean = unit.duties(&[hot, cold]);
        let mut all = Vec::new();
        unit.variables(&[hot, cold], &clean, &mut all);
        let one = |v| unit.variable(v, &[hot, cold], &clean);
        assert_eq!(all, [one(0), one(1)]);
        assert_eq!(clean.into_w[0], -clean.into_w[1]);
        assert!((clean.into_w[1] - reference).abs() < 1e-9 * reference);
        unit.set("ua_factor", 0.5).unwrap();
        unit.set_flows([10.0, 8.0]);
        let fouled = unit.duties(&[hot, cold]).into_w[1];
        assert!(
            fouled < reference && fouled > 0.5 * reference,
            "{fouled} vs {reference}"
        );
        unit.set("in_service", 0.0).unwrap();
        assert_eq!(unit.duties(&[hot, cold]), Duties::default());
        assert!(unit.set("ua_factor", 1.5).is_err());
        assert!(
            unit.set("colour", 1.0)
                .unwrap_err()
                .to_string()
                .contains("ua_factor")
        );
    }
}
