//! The staging of a heat-pump bank at each control step: how many of its units run for the
//! heating demand, with thresholds on the running units' load and delays that keep it from
//! chattering. Between control steps the running units follow the load themselves
//! ([`crate::heat_pump::load_to_setpoint_w`]).

/// Default load of the running heat pumps above which one more is started [-]: 0.9, the running
/// units nearly at capacity with 10 % left to hold the set-point while the next one starts.
pub const DEFAULT_STAGE_UP_LOAD: f64 = 0.9;
/// Default load at which the others would run after one heat pump stops, below which one is
/// stopped [-]: 0.75. Below the up load, so after a stop the others are not loaded enough to
/// start one again at once (and after a start, the previous ones not little enough to stop one).
pub const DEFAULT_STAGE_DOWN_LOAD: f64 = 0.75;
/// Default time a stage-up condition must last before a heat pump starts [s]: 300 s, the
/// 3–5 min anti-short-cycle timers of compressors; also each unit's minimum off time.
pub const DEFAULT_STAGE_UP_DELAY_S: f64 = 300.0;
/// Default time a stage-down condition must last before a heat pump stops [s]: 600 s, twice
/// the up delay (a stop on a passing dip costs a restart); also each unit's minimum run time.
pub const DEFAULT_STAGE_DOWN_DELAY_S: f64 = 600.0;

/// How a heat-pump bank switches its units, at the control step: one more unit when the running
/// ones would be loaded above `up_load` (none running: when the demand reaches one unit's
/// minimum part load), one fewer when the others could carry the demand at or below
/// `down_load` (one running: when the demand falls below its minimum part load), each only
/// after the condition has held for its delay. A switch restarts both clocks, so the delays are
/// also the minimum off and run times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatPumpStaging {
    /// Load of the running units above which one more starts [-], in [0.5, 1] (at least any
    /// unit's minimum part load).
    pub up_load: f64,
    /// Load the others would carry below which one stops [-], in (0, `up_load`].
    pub down_load: f64,
    /// Time the stage-up condition must hold [s] (≥ 0).
    pub up_delay_s: f64,
    /// Time the stage-down condition must hold [s] (≥ 0).
    pub down_delay_s: f64,
}

impl Default for HeatPumpStaging {
    fn default() -> Self {
        HeatPumpStaging {
            up_load: DEFAULT_STAGE_UP_LOAD,
            down_load: DEFAULT_STAGE_DOWN_LOAD,
            up_delay_s: DEFAULT_STAGE_UP_DELAY_S,
            down_delay_s: DEFAULT_STAGE_DOWN_DELAY_S,
        }
    }
}

impl HeatPumpStaging {
    /// No delays and no hysteresis: the fewest units that carry the demand run at every
    /// control step ([`crate::heat_pump::HeatPumpBank::operate`]'s choice).
    pub const IMMEDIATE: HeatPumpStaging = HeatPumpStaging {
        up_load: 1.0,
        down_load: 1.0,
        up_delay_s: 0.0,
        down_delay_s: 0.0,
    };
}

/// Relative slack on the staging delays, so that summed control steps (5 × 60 s) meet the
/// delay they add up to.
const DELAY_SLACK: f64 = 1e-9;

/// The staging controller of a heat-pump bank: its parameters ([`HeatPumpStaging`]) and its
/// state (units running, how long a stage-up or stage-down condition has held).
///
/// With the demand D, the unit capacity Q, the minimum part load p and n units running, one more
/// is wanted when D > up·n·Q (none running: D ≥ p·Q), one fewer when D ≤ down·(n − 1)·Q (one
/// running: D < p·Q). Since down ≤ up and p ≤ 0.5 ≤ up, the two never hold together, and a
/// switch never makes the opposite one wanted at the same demand: no chattering. A switch waits
/// until its condition has held for its delay; each switch restarts both clocks. At its first
/// control step the bank starts with the units its demand wants (a plant already running).
#[derive(Debug, Clone, PartialEq)]
pub struct BankStaging {
    /// The thresholds and delays.
    pub spec: HeatPumpStaging,
    units_on: usize,
    above_s: f64,
    below_s: f64,
    started: bool,
    switches: usize,
}

impl BankStaging {
    /// A bank staged by `spec`, nothing running before its first control step.
    pub fn new(spec: HeatPumpStaging) -> BankStaging {
        BankStaging {
            spec,
            units_on: 0,
            above_s: 0.0,
            below_s: 0.0,
            started: false,
            switches: 0,
        }
    }

    /// The fewest units that carry the demand, at every control step
    /// ([`HeatPumpStaging::IMMEDIATE`]).
    pub fn immediate() -> BankStaging {
        BankStaging::new(HeatPumpStaging::IMMEDIATE)
    }

    /// Units running.
    pub fn units_on(&self) -> usize {
        self.units_on
    }

    /// Units started or stopped since the first control step.
    pub fn switches(&self) -> usize {
        self.switches
    }

    /// +1 if one more unit is wanted, −1 if one fewer, 0 if neither (never both: see the
    /// type's doc).
    fn wanted(&self, demand_w: f64, unit_w: f64, min_part_load: f64, units: usize) -> i8 {
        let n = self.units_on;
        let (up, down) = (self.spec.up_load, self.spec.down_load);
        let starts = demand_w > 0.0 && demand_w >= min_part_load * unit_w;
        let more = n < units
            && match n {
                0 => starts,
                _ => demand_w > up * n as f64 * unit_w,
            };
        let fewer = match n {
            0 => false,
            1 => !starts,
            _ => demand_w <= down * (n - 1) as f64 * unit_w,
        };
        if more {
            1
        } else if fewer {
            -1
        } else {
            0
        }
    }

    /// Advance by a control step of `dt_s` at demand `demand_w` for a bank of `units` units of
    /// `unit_w` useful capacity each, cycling off below `min_part_load`; returns the units
    /// running over the step.
    pub fn update(
        &mut self,
        demand_w: f64,
        unit_w: f64,
        min_part_load: f64,
        units: usize,
        dt_s: f64,
    ) -> usize {
        self.units_on = self.units_on.min(units);
        if !self.started {
            self.started = true;
            // Bumpless start: as many units as the demand wants, without delays or counting.
            for _ in 0..=units {
                match self.wanted(demand_w, unit_w, min_part_load, units) {
                    1 => self.units_on += 1,
                    -1 => self.units_on -= 1,
                    _ => break,
                }
            }
            return self.units_on;
        }
        let dt = dt_s.max(0.0);
        // Zero delays allow several switches in one step; otherwise one at most.
        for _ in 0..=units {
            let step = self.wanted(demand_w, unit_w, min_part_load, units);
            let (clock, other, delay) = match step {
                1 => (&mut self.above_s, &mut self.below_s, self.spec.up_delay_s),
                -1 => (&mut self.below_s, &mut self.above_s, self.spec.down_delay_s),
                _ => {
                    self.above_s = 0.0;
                    self.below_s = 0.0;
                    break;
                }
            };
            *other = 0.0;
            if delay > 0.0 {
                *clock += dt;
            }
            if *clock < delay * (1.0 - DELAY_SLACK) {
                break;
            }
            self.units_on = self.units_on.saturating_add_signed(step as isize);
            self.switches += 1;
            self.above_s = 0.0;
            self.below_s = 0.0;
            if delay > 0.0 {
                break;
            }
        }
        self.units_on
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT_W: f64 = 1e6;
    const MIN_PART_LOAD: f64 = 0.25;
    const UNITS: usize = 4;

    /// Units running after each minute of `demand` (W, one value a minute).
    fn staged(staging: &mut BankStaging, demand: impl Iterator<Item = f64>) -> Vec<usize> {
        demand
            .map(|d| staging.update(d, UNIT_W, MIN_PART_LOAD, UNITS, 60.0))
            .collect()
    }

    /// A demand ramp from nothing to 110 % of the bank and back over 16 h, with a ±40 kW ripple
    /// of a 4-minute period on it: with the default staging the units start one at a time in
    /// order and stop one at a time in reverse, eight switches in all (no chattering on the
    /// ripple); each start comes after the running units were loaded above 90 % for the whole
    /// up delay, each stop after the others could carry the demand at 75 % for the whole down
    /// delay, and a unit never stops within its minimum run time of starting.
    #[test]
    fn a_demand_ramp_stages_units_in_order_without_chattering() {
        let spec = HeatPumpStaging::default();
        let mut staging = BankStaging::new(spec);
        let minutes = 16 * 60;
        let peak = 1.1 * UNITS as f64 * UNIT_W;
        let demand: Vec<f64> = (0..minutes)
            .map(|k| {
                let ramp = 1.0 - ((k as f64 - 480.0) / 480.0).abs();
                let ripple = 40e3 * (2.0 * std::f64::consts::PI * k as f64 / 4.0).sin();
                (peak * ramp + ripple).max(0.0)
            })
            .collect();
        let units = staged(&mut staging, demand.iter().copied());
        let switches: Vec<(usize, usize, usize)> = (1..minutes)
            .filter(|&k| units[k] != units[k - 1])
            .map(|k| (k, units[k - 1], units[k]))
            .collect();
        println!("{switches:?}");
        let expected: Vec<(usize, usize)> = vec![
            (0, 1),
            (1, 2),
            (2, 3),
            (3, 4),
            (4, 3),
            (3, 2),
            (2, 1),
            (1, 0),
        ];
        let steps: Vec<(usize, usize)> = switches.iter().map(|&(_, a, b)| (a, b)).collect();
        assert_eq!(steps, expected);
        assert_eq!(staging.switches(), 8);
        let up_steps = (spec.up_delay_s / 60.0) as usize;
        let down_steps = (spec.down_delay_s / 60.0) as usize;
        for &(k, from, to) in &switches {
            let window = &demand[k + 1 - if to > from { up_steps } else { down_steps }..=k];
            let held = window.iter().all(|&d| match (from, to) {
                (0, 1) => d >= MIN_PART_LOAD * UNIT_W,
                (1, 0) => d < MIN_PART_LOAD * UNIT_W,
                _ if to > from => d > spec.up_load * from as f64 * UNIT_W,
                _ => d <= spec.down_load * to as f64 * UNIT_W,
            });
            assert!(held, "switch {from} → {to} at minute {k}: {window:?}");
        }
        // The fourth unit runs at least its minimum run time (the down delay).
        let (on, off) = (switches[3].0, switches[4].0);
        assert!(off - on >= down_steps, "ran {} min", off - on);
    }

    /// A demand swinging across the stage-up threshold for shorter than the up delay never
    /// starts a unit, however long it goes on.
    #[test]
    fn short_excursions_do_not_switch() {
        let mut staging = BankStaging::new(HeatPumpStaging::default());
        let demand =
            (0..600).map(|k| 0.8e6 + 0.2e6 * (k as f64 * std::f64::consts::PI / 3.0).sin());
        let units = staged(&mut staging, demand);
        assert!(units.iter().all(|&n| n == 1), "{units:?}");
        assert_eq!(staging.switches(), 0);
    }

    /// Immediate staging runs, at every step, the fewest units that carry the demand, nothing
    /// below one unit's minimum part load: the bank's own choice
    /// (`HeatPumpBank::operate`'s units).
    #[test]
    fn immediate_staging_is_the_banks_choice() {
        use crate::heat_pump::{CarnotFraction, CopModel, HeatPump, HeatPumpBank, Mode};
        let cop = CopModel::carnot(CarnotFraction::constant(0.55).unwrap(), 5.0, 5.0).unwrap();
        let unit = HeatPump::new(Mode::Heating, cop, UNIT_W).unwrap();
        let bank = HeatPumpBank::new(unit, UNITS).unwrap();
        let mut staging = BankStaging::immediate();
        for d in [
            0.0, 3.2e6, 0.1e6, 0.3e6, 2.5e6, 1.0e6, 1.01e6, 9e6, 0.24e6, 4e6,
        ] {
            let n = staging.update(d, UNIT_W, MIN_PART_LOAD, UNITS, 60.0);
            assert_eq!(n, bank.operate(d, 300.0, 330.0).units_on, "{d}");
        }
    }
}
