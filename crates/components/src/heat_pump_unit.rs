//! A bank of heat pumps as a coupling of two links: it lifts heat from the water through its
//! evaporator (side 0) into the water through its condenser (side 1), delivering what brings
//! the condenser water to its set-point, up to the running units' capacity, and stages its
//! units at each control step.

use crate::coupling::{Coupling, CouplingKind, Duties, Reading, Side};
use crate::device::{Account, Fallback, Parameter, ParameterKind, SetError, Variable, Watch};
use crate::heat_pump::{HeatPumpBank, load_to_setpoint_w};
use crate::heat_pump_staging::{BankStaging, HeatPumpStaging};
use crate::proposal::{Figure, Proposal};
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

    fn proposal(&self, sides: &[Side<'_>; 2], rejected_elsewhere_w: f64) -> Option<Proposal> {
        let peak_w = self.load_w(&sides[1]);
        (peak_w > 0.0).then(|| self.for_peak(sides, peak_w, rejected_elsewhere_w))
    }

    fn clone_box(&self) -> Box<dyn Coupling> {
        Box::new(self.clone())
    }
}

impl HeatPumps {
    /// The capacity that covers `peak_w` [W], the heat that brings the condenser water to the
    /// set-point (the sink loop's whole demand there, a boiler's share included), as far as the
    /// waste heat allows: what the evaporator takes now and `rejected_elsewhere_w` [W], which
    /// the source loop throws away. Its COP is the units' at full load with the evaporator
    /// water leaving as it does now: taking more heat would cool that water a little and lower
    /// the COP, which this leaves to a run.
    fn for_peak(
        &self,
        [evaporator, condenser]: &[Side<'_>; 2],
        peak_w: f64,
        rejected_elsewhere_w: f64,
    ) -> Proposal {
        let unit = self.bank.unit();
        let t_source_k = evaporator.leaving_k;
        let cop = unit.cop(t_source_k, self.supply_setpoint_k, 1.0);
        let now = self.duties(&[*evaporator, *condenser]);
        let waste_w = -now.into_w[0] + rejected_elsewhere_w.max(0.0);
        // Each watt of heat delivered takes 1 − 1/COP from the source.
        let from_waste_w = waste_w / (1.0 - 1.0 / cop).max(f64::EPSILON);
        let needed_w = peak_w.min(from_waste_w);
        let unit_w = unit.rated_capacity_w() * unit.capacity_share(t_source_k);
        let units = (unit_w > 0.0).then(|| (needed_w / unit_w - 1e-9).ceil().max(1.0));
        let installed_w = self.bank.units() as f64 * unit_w;
        let limited_by = if peak_w <= from_waste_w {
            let mut by =
                "the sink's demand: the heat that brings its water to the set-point".to_string();
            if installed_w < peak_w {
                by += &format!(
                    ". As installed it covers {:.0} kW of it; the loop's other sources (a boiler) \
                     take the rest",
                    installed_w / 1e3
                );
            }
            by
        } else {
            format!(
                "the waste heat: {:.0} kW reaches the evaporator's loop, enough for {:.0} of the {:.0} kW",
                waste_w / 1e3,
                from_waste_w / 1e3,
                peak_w / 1e3
            )
        };
        let figure = |name, quantity, installed, needed| Figure {
            name,
            quantity,
            installed,
            needed,
        };
        Proposal {
            duty: format!(
                "heat {:.0} kW of water, {:.1} → {:.1} °C at {:.1} kg/s, from water leaving the evaporator at {:.1} °C",
                peak_w / 1e3,
                condenser.inlet_k - 273.15,
                self.supply_setpoint_k - 273.15,
                condenser.mass_flow_kg_s,
                t_source_k - 273.15
            ),
            figures: vec![
                figure(
                    "heating capacity",
                    Some(Quantity::Power),
                    installed_w,
                    Some(needed_w),
                ),
                figure("units", None, self.bank.units() as f64, units),
                figure("COP at full load", None, cop, Some(cop)),
                figure(
                    "heat delivered",
                    Some(Quantity::Power),
                    now.into_w[1],
                    Some(needed_w),
                ),
                figure(
                    "electric power",
                    Some(Quantity::Power),
                    now.electric_w,
                    Some(needed_w / cop),
                ),
            ],
            limited_by,
            // Covers the whole peak: where the waste heat limits it, no bank does.
            installed_suffices: installed_w >= peak_w * (1.0 - 1e-9),
            // A bank's units are fixed when it is built.
            resize: None,
        }
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

    /// Water of `fluid` entering at `inlet_k`, leaving at `leaving_k`, at `mass_flow_kg_s`.
    fn side(fluid: &Fluid, inlet_k: f64, leaving_k: f64, mass_flow_kg_s: f64) -> Side<'_> {
        Side {
            fluid,
            inlet_k,
            leaving_k,
            mass_flow_kg_s,
        }
    }

    /// Staged for the load to the set-point, the bank delivers it into the condenser and takes
    /// that less its work from the evaporator: the two sides' heat sums to the electric input.
    #[test]
    fn lifts_the_load_to_the_setpoint_and_books_its_work() {
        let water = Fluid::water();
        let sides = [
            side(&water, C + 30.0, C + 25.0, 40.0),
            side(&water, C + 55.0, C + 70.0, 20.0),
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

    /// For the sink's peak the bank proposes the capacity that lifts its water to the
    /// set-point, at the COP of 0.55 of Carnot's between 20 and 75 °C (the water leaving
    /// either side 5 K from the refrigerant); where the source loop throws away too little
    /// heat, what that heat gives at this COP.
    #[test]
    fn proposes_the_capacity_of_the_peak_or_of_the_waste_heat() {
        let water = Fluid::water();
        let sides = [
            side(&water, C + 30.0, C + 25.0, 40.0),
            side(&water, C + 45.0, C + 70.0, 40.0),
        ];
        let mut hp = bank();
        hp.control(&sides, 60.0);
        let peak = 40.0 * (water.enthalpy_j_kg(C + 70.0) - water.enthalpy_j_kg(C + 45.0));
        let cop = 0.55 * (C + 75.0) / 55.0;
        let p = hp.proposal(&sides, 10e6).unwrap();
        let f = |name: &str| *p.figures.iter().find(|f| f.name == name).unwrap();
        assert!(
            (f("COP at full load").installed - cop).abs() < 1e-9 * cop,
            "{p:?}"
        );
        assert!((f("heating capacity").needed.unwrap() - peak).abs() < 1e-6 * peak);
        assert_eq!(f("units").needed, Some(9.0), "4.19 MW in 500 kW units");
        assert_eq!(f("heating capacity").installed, 2e6);
        assert!(!p.installed_suffices);
        assert!(p.limited_by.starts_with("the sink's demand"));

        let taken = -hp.duties(&sides).into_w[0];
        let short = hp.proposal(&sides, 0.5e6).unwrap();
        let from_waste = (taken + 0.5e6) / (1.0 - 1.0 / cop);
        let needed = short.figures[0].needed.unwrap();
        assert!((needed - from_waste).abs() < 1e-6 * from_waste, "{short:?}");
        assert!(needed < peak);
        assert!(short.limited_by.starts_with("the waste heat"));

        let warm = [sides[0], side(&water, C + 71.0, C + 71.0, 40.0)];
        assert_eq!(
            hp.proposal(&warm, 10e6),
            None,
            "water arriving above the set-point"
        );
    }
}
