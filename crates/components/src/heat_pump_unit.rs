//! A bank of heat pumps as a coupling of two links: it lifts heat from the water through its
//! evaporator (side 0) into the water through its condenser (side 1), delivering what brings
//! the condenser water to its set-point, up to the running units' capacity, and stages its
//! units at each control step.

use crate::coupling::{Coupling, CouplingKind, Duties, Reading, Side};
use crate::device::{Account, Fallback, Parameter, ParameterKind, SetError, Variable, Watch};
use crate::heat_pump::{HeatPumpBank, load_to_setpoint_w};
use crate::heat_pump_staging::{BankStaging, HeatPumpStaging};
use crate::units::Quantity;

/// A bank of heat pumps between an evaporator link and a condenser link.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatPumps {
    /// The units.
    pub bank: HeatPumpBank,
    /// Condenser leaving-water set-point [K].
    pub supply_setpoint_k: f64,
    /// Heating demand at the last control step [W]: what the staging follows. Between control
    /// steps the running units follow their load themselves (what brings the condenser water
    /// from its inlet to the set-point, up to their capacity).
    pub demand_w: f64,
    /// Which of its units run (switched at the control step).
    pub staging: BankStaging,
}

impl HeatPumps {
    /// `bank` holding `supply_setpoint_k` [K], its units switched by `staging`.
    pub fn new(bank: HeatPumpBank, supply_setpoint_k: f64, staging: HeatPumpStaging) -> HeatPumps {
        HeatPumps {
            bank,
            supply_setpoint_k,
            demand_w: 0.0,
            staging: BankStaging::new(staging),
        }
    }

    /// The heat that brings the condenser water `condenser` to the set-point [W] (none if it
    /// arrives warmer): what the running units follow between control steps, as the staging
    /// follows it at them.
    pub fn load_w(&self, condenser: &Side<'_>) -> f64 {
        let (fluid, m) = (condenser.fluid, condenser.mass_flow_kg_s);
        load_to_setpoint_w(fluid, self.supply_setpoint_k, m, condenser.inlet_k)
    }
}

/// A heat-pump bank in a model file (`kind = "heat_pump"`).
pub static KIND: CouplingKind = CouplingKind {
    key: "heat_pump",
    sides: ["evaporator", "condenser"],
    parameters: &[Parameter {
        name: "supply_setpoint",
        kind: ParameterKind::Quantity(Quantity::Temperature),
        fallback: Fallback::Required("the condenser leaving water it holds"),
        settable: true,
        positive: false,
    }],
    variables: &[
        Variable {
            name: "condenser",
            quantity: Quantity::Temperature,
        },
        Variable {
            name: "evaporator",
            quantity: Quantity::Temperature,
        },
        Variable {
            name: "heat",
            quantity: Quantity::Power,
        },
        Variable {
            name: "electric",
            quantity: Quantity::Power,
        },
    ],
};

/// Index of the evaporator's leaving temperature in [`KIND`]'s variables.
const EVAPORATOR: usize = 1;

impl Coupling for HeatPumps {
    fn kind(&self) -> &'static CouplingKind {
        &KIND
    }

    fn reads(&self) -> &'static [Reading] {
        // The refrigerant follows the source's leaving water; the load, the condenser's inlet.
        &[Reading::Leaving(0), Reading::Inlet(1)]
    }

    fn duties(&self, [evaporator, condenser]: &[Side<'_>; 2]) -> Duties {
        let units_on = self.staging.units_on();
        let demand_w = self.load_w(condenser);
        let op = (self.bank).operate_running(
            units_on,
            demand_w,
            evaporator.leaving_k,
            self.supply_setpoint_k,
        );
        Duties {
            into_w: [-op.evaporator_heat_w, op.condenser_heat_w],
            electric_w: op.electric_w,
        }
    }

    fn work_account(&self) -> Option<Account> {
        Some(Account::HeatPumpWork)
    }

    fn controls_itself(&self) -> bool {
        true
    }

    fn control(&mut self, [_, condenser]: &[Side<'_>; 2], dt_s: f64) {
        self.demand_w = if condenser.mass_flow_kg_s > 0.0 {
            self.load_w(condenser)
        } else {
            0.0
        };
        let unit = self.bank.unit();
        let (capacity, min_part_load) = (unit.rated_capacity_w(), unit.min_part_load());
        let units = self.bank.units();
        (self.staging).update(self.demand_w, capacity, min_part_load, units, dt_s);
    }

    fn units_on(&self) -> usize {
        self.staging.units_on()
    }

    fn get(&self, name: &str) -> Option<f64> {
        match name {
            "supply_setpoint" => Some(self.supply_setpoint_k),
            _ => None,
        }
    }

    fn set(&mut self, name: &str, value: f64) -> Result<(), SetError> {
        match name {
            "supply_setpoint" => {
                let valid = value > 0.0;
                let expected = "a finite temperature > 0 K";
                self.supply_setpoint_k = crate::device::checked_for(
                    KIND.key,
                    "supply_setpoint",
                    value,
                    valid,
                    expected,
                )?;
            }
            _ => return Err(KIND.unknown(name)),
        }
        Ok(())
    }

    fn variable(
        &self,
        index: usize,
        [evaporator, condenser]: &[Side<'_>; 2],
        duties: &Duties,
    ) -> f64 {
        match index {
            0 => condenser.leaving_k,
            EVAPORATOR => evaporator.leaving_k,
            2 => duties.into_w[1],
            _ => duties.electric_w,
        }
    }

    fn watches(&self) -> Vec<Watch> {
        // Alarmed where the units start unloading, before they stop at the limit.
        let (min_k, band_k) = self.bank.unit().evaporator_limit();
        vec![Watch {
            alarm: "evaporator_freeze_limit",
            variable: EVAPORATOR,
            limit: min_k + band_k,
            supply_limit: false,
            above: false,
        }]
    }

    fn clone_box(&self) -> Box<dyn Coupling> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heat_pump::{CarnotFraction, CopModel, HeatPump, Mode};
    use dctwin_fluid::Fluid;

    const C: f64 = 273.15;

    fn bank() -> HeatPumps {
        let fraction = CarnotFraction::constant(0.55).unwrap();
        let cop = CopModel::carnot(fraction, 5.0, 5.0).unwrap();
        let unit = HeatPump::new(Mode::Heating, cop, 500e3).unwrap();
        let bank = HeatPumpBank::new(unit, 4).unwrap();
        HeatPumps::new(bank, C + 70.0, HeatPumpStaging::IMMEDIATE)
    }

    /// Staged for the load to the set-point, the bank delivers it into the condenser and takes
    /// that less its work from the evaporator: the two sides' heat sums to the electric input.
    #[test]
    fn lifts_the_load_to_the_setpoint_and_books_its_work() {
        let water = Fluid::water();
        let side = |inlet_k, leaving_k, mass_flow_kg_s| Side {
            fluid: &water,
            inlet_k,
            leaving_k,
            mass_flow_kg_s,
        };
        let sides = [
            side(C + 30.0, C + 25.0, 40.0),
            side(C + 55.0, C + 70.0, 20.0),
        ];
        let mut hp = bank();
        hp.control(&sides, 60.0);
        let load = hp.load_w(&sides[1]);
        let expected = 20.0 * (water.enthalpy_j_kg(C + 70.0) - water.enthalpy_j_kg(C + 55.0));
        assert!((load - expected).abs() < 1e-9 * expected);
        assert_eq!(hp.units_on(), 3, "1.26 MW needs three 500 kW units");
        let d = hp.duties(&sides);
        assert!((d.into_w[1] - load).abs() < 1e-6 * load);
        let balance = d.into_w[0] + d.into_w[1] - d.electric_w;
        assert!(balance.abs() < 1e-9 * load, "{balance}");
        assert_eq!(hp.variable(2, &sides, &d), d.into_w[1]);
        assert_eq!(
            hp.watches()[0].variable,
            KIND.variable("evaporator").unwrap()
        );
    }
}
