//! An open (wet) cooling tower: Merkel's theory in the effectiveness-NTU form of Braun, Klein &
//! Mitchell (1989), fans by the cube law, and the water it consumes.
//!
//! **Heat transfer.** Merkel: the heat leaving the water is driven by the difference between the
//! enthalpy of saturated air at the water temperature and the enthalpy of the air,
//! dQ = K·dA·(h_s(T_w) − h_a), and the entering air's enthalpy is that of saturated air at its
//! wet bulb, h_a,in = h_s(T_wb). Braun's form linearises h_s between the water inlet and outlet,
//! c_s = Δh_s/ΔT_w, which turns the tower into a heat exchanger between "air" of capacity ṁ_a and
//! "water" of capacity ṁ_w·c_pw/c_s, both in kg/s, with conductance KaV [kg/s]:
//!
//! Q = ε(NTU, C_r)·C_min·(h_s(T_w,in) − h_s(T_wb)),  NTU = KaV/C_min,
//!
//! ε from [`FlowArrangement`] (counter-flow by default). The leaving water follows from
//! h_w(T_out) = h_w(T_in) − Q/ṁ_w; since c_s depends on T_out, T_out is found by bisection.
//! The same approach is the "Merkel" tower of EnergyPlus and of the Modelica Buildings library.
//!
//! **Off-design.** The tower characteristic KaV/L = c·(L/G)^−n (Merkel-number scaling; ASHRAE
//! Handbook — HVAC Systems and Equipment, "Cooling Towers") gives KaV ∝ ṁ_w^(1−n)·ṁ_a^n.
//! KaV is calibrated at the rated point (wet bulb, range, approach, flows), so the approach
//! T_out − T_wb follows load, flows and wet bulb as Merkel's theory says instead of a fitted
//! power law. Against a numerical Merkel integral it is within about 1 % in duty for ranges up
//! to 15 K (see the tests), 3–4 % at 25 K ranges, where h_s is far from linear.
//!
//! **Water.** Evaporation E = f_e·Q/h_fg(T_w,mean) (all rejected heat leaving as latent heat when
//! f_e = 1); drift D = d·ṁ_w; blow-down from the salt balance with cycles of concentration C:
//! make-up M = E + D + B carries salts in at concentration 1 and drift and blow-down carry them
//! out at C, so B + D = E/(C − 1), B = max(E/(C − 1) − D, 0) (as in EnergyPlus). The often-quoted
//! B = E/(C − 1) is the same relation with drift counted inside the blow-down.
//!
//! **Fan control.** Below their minimum speed the fans cycle at it (on for speed/min_speed of
//! the time, as for the dry cooler): heat, evaporation and air flow are the time averages.
//! [`CoolingTower::fan_speed_for`] inverts the tower for a leaving-water set-point.
//!
//! **Limits.** Fans off: zero duty (natural draught through a stopped tower, some 10 % of the
//! rated air flow, is neglected: it errs on the warm side). Water entering colder than the wet
//! bulb is warmed toward it (negative duty, no evaporation counted). The wet-bulb dependence of
//! KaV that EnergyPlus adds by a fitted curve is not modelled.

use crate::dry_cooler::{DEFAULT_MIN_FAN_SPEED, Fan, fan_speed_root};
use crate::heat_exchanger::{FlowArrangement, mean_specific_heat_j_kg_k};
use crate::parameter::{check, positive};
use crate::psychrometrics::{self, Psychrometrics};
use dctwin_fluid::Fluid;

/// Exponent n of the tower characteristic KaV/L = c·(L/G)^−n [-]: 0.6, a common mid-range
/// value (published fill characteristics span roughly 0.4–0.8). Take it from the manufacturer's
/// characteristic curve when one is available ([`CoolingTower::with_merkel_exponent`]).
pub const DEFAULT_MERKEL_EXPONENT: f64 = 0.6;

/// Drift, fraction of the circulating water flow [-] (0.02 %). Drift-eliminator makers rate
/// modern eliminators at 0.0005–0.005 % (Brentwood Industries, "What does drift rate mean?");
/// 0.02 % is the conservative end of what older towers with standard eliminators lose.
pub const DEFAULT_DRIFT_FRACTION: f64 = 2e-4;

/// Cycles of concentration [-]: dissolved solids in the basin over those in the make-up. 4 is a
/// typical target for treated make-up water (3–6).
pub const DEFAULT_CYCLES_OF_CONCENTRATION: f64 = 4.0;

/// Share of the rejected heat leaving as latent heat [-]. 1 is the upper bound used for water
/// budgets; measured annual shares are lower (the air also warms: 10–25 % sensible, more in cold
/// weather).
pub const DEFAULT_EVAPORATION_FACTOR: f64 = 1.0;

/// Temperature resolution of the leaving-water search [K].
const T_TOLERANCE_K: f64 = 1e-10;

/// Resolution of the fan-speed search [-]: 1e-9 of full speed moves the leaving water by
/// micro-kelvins at most.
const FAN_SPEED_TOLERANCE: f64 = 1e-9;

/// Span below which the slope of h_s is taken by a central difference [K].
const SLOPE_SPAN_K: f64 = 1e-3;

/// Why a cooling tower's data cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoolingTowerError {
    /// A parameter outside its range.
    #[error("cooling tower parameter `{name}` = {value} is invalid: expected {expected}")]
    Parameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// The rated air flow cannot carry the rated heat to the rated approach.
    #[error(
        "the rated point needs a tower effectiveness of {effectiveness}: the rated air flow is too small for the rated range and approach"
    )]
    RatingUnreachable {
        /// Effectiveness needed [-].
        effectiveness: f64,
    },
}

crate::parameter::from_invalid_parameter!(CoolingTowerError);

/// A tower's data-sheet point at full fan speed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoolingTowerRating {
    /// Circulating water flow [kg/s].
    pub water_flow_kg_s: f64,
    /// Dry-air flow at full fan speed [kg/s].
    pub air_flow_kg_s: f64,
    /// Entering-air wet bulb [K].
    pub wet_bulb_k: f64,
    /// Range T_in − T_out [K].
    pub range_k: f64,
    /// Approach T_out − T_wb [K].
    pub approach_k: f64,
    /// Fan electric power at full speed [W].
    pub fan_power_w: f64,
}

/// An open cooling tower.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoolingTower {
    /// Air/water arrangement in the fill (counter-flow by default).
    pub arrangement: FlowArrangement,
    /// Merkel conductance KaV at the rated flows [kg/s].
    pub rated_conductance_kg_s: f64,
    /// Rated water flow [kg/s].
    pub rated_water_flow_kg_s: f64,
    /// Dry-air flow at full fan speed [kg/s].
    pub rated_air_flow_kg_s: f64,
    /// Exponent n of KaV/L = c·(L/G)^−n [-].
    pub merkel_exponent: f64,
    /// The fans.
    pub fan: Fan,
    /// Drift, fraction of the circulating flow [-].
    pub drift_fraction: f64,
    /// Cycles of concentration [-] (> 1).
    pub cycles_of_concentration: f64,
    /// Share of the heat leaving as latent heat [-].
    pub evaporation_factor: f64,
    /// Moist-air relations at the site's pressure.
    pub psychrometrics: Psychrometrics,
}

/// What a tower does at one operating point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoolingTowerOperation {
    /// Heat taken from the water [W].
    pub heat_rejected_w: f64,
    /// Leaving-water temperature [K].
    pub t_water_out_k: f64,
    /// Approach T_out − T_wb [K].
    pub approach_k: f64,
    /// Dry-air flow [kg/s].
    pub air_flow_kg_s: f64,
    /// Speed the fans run at [-].
    pub fan_speed: f64,
    /// Fan electric power [W].
    pub fan_power_w: f64,
    /// Tower effectiveness [-].
    pub effectiveness: f64,
    /// Water evaporated [kg/s].
    pub evaporation_kg_s: f64,
    /// Water lost as drift [kg/s].
    pub drift_kg_s: f64,
    /// Water drained as blow-down [kg/s].
    pub blowdown_kg_s: f64,
    /// Make-up water, evaporation + drift + blow-down [kg/s].
    pub makeup_kg_s: f64,
}

/// The time average of fans cycling at their minimum speed for `duty` of the time (off
/// otherwise, natural draught neglected): heat, evaporation and air flow scale with the duty,
/// the leaving water is the mixed average. Drift is left as it is (the water still circulates).
fn cycle(op: &mut CoolingTowerOperation, duty: f64, fluid: &Fluid, h_in: f64, water_kg_s: f64) {
    if duty >= 1.0 || duty <= 0.0 {
        return;
    }
    let wet_bulb_k = op.t_water_out_k - op.approach_k;
    op.heat_rejected_w *= duty;
    op.evaporation_kg_s *= duty;
    op.air_flow_kg_s *= duty;
    op.effectiveness *= duty;
    op.t_water_out_k = fluid.temperature_from_enthalpy_k(h_in - op.heat_rejected_w / water_kg_s);
    op.approach_k = op.t_water_out_k - wet_bulb_k;
}

/// Blow-down [kg/s] that holds `cycles` of concentration given `evaporation_kg_s` and
/// `drift_kg_s`: B = max(E/(C − 1) − D, 0).
pub fn blowdown_kg_s(evaporation_kg_s: f64, drift_kg_s: f64, cycles: f64) -> f64 {
    (evaporation_kg_s / (cycles - 1.0) - drift_kg_s).max(0.0)
}

impl CoolingTower {
    /// A counter-flow tower calibrated to `rating` with `fluid` (water) circulating, defaults
    /// for the rest.
    pub fn new(rating: &CoolingTowerRating, fluid: &Fluid) -> Result<Self, CoolingTowerError> {
        let r = rating;
        let flow = "a finite value > 0 kg/s";
        check(
            "rated_water_flow_kg_s",
            r.water_flow_kg_s,
            positive(r.water_flow_kg_s),
            flow,
        )?;
        check(
            "rated_air_flow_kg_s",
            r.air_flow_kg_s,
            positive(r.air_flow_kg_s),
            flow,
        )?;
        check(
            "rated_wet_bulb_k",
            r.wet_bulb_k,
            (233.15..=323.15).contains(&r.wet_bulb_k),
            "a wet bulb in 233.15..=323.15 K (−40…50 °C)",
        )?;
        check(
            "rated_range_k",
            r.range_k,
            positive(r.range_k),
            "a finite value > 0 K",
        )?;
        check(
            "rated_approach_k",
            r.approach_k,
            positive(r.approach_k),
            "a finite value > 0 K",
        )?;
        let mut tower = CoolingTower {
            arrangement: FlowArrangement::CounterFlow,
            rated_conductance_kg_s: 1.0,
            rated_water_flow_kg_s: r.water_flow_kg_s,
            rated_air_flow_kg_s: r.air_flow_kg_s,
            merkel_exponent: DEFAULT_MERKEL_EXPONENT,
            fan: Fan::new(r.fan_power_w, DEFAULT_MIN_FAN_SPEED).map_err(|_| {
                CoolingTowerError::Parameter {
                    name: "rated_fan_power_w",
                    value: r.fan_power_w,
                    expected: "a finite value ≥ 0 W",
                }
            })?,
            drift_fraction: DEFAULT_DRIFT_FRACTION,
            cycles_of_concentration: DEFAULT_CYCLES_OF_CONCENTRATION,
            evaporation_factor: DEFAULT_EVAPORATION_FACTOR,
            psychrometrics: Psychrometrics::default(),
        };
        tower.calibrate(rating, fluid)?;
        Ok(tower)
    }

    /// Fit KaV so that the tower meets `rating` exactly.
    fn calibrate(
        &mut self,
        r: &CoolingTowerRating,
        fluid: &Fluid,
    ) -> Result<(), CoolingTowerError> {
        let t_out = r.wet_bulb_k + r.approach_k;
        let t_in = t_out + r.range_k;
        let heat = r.water_flow_kg_s * (fluid.enthalpy_j_kg(t_in) - fluid.enthalpy_j_kg(t_out));
        let (c_min, cr) = self.capacities(fluid, t_in, t_out, r.water_flow_kg_s, r.air_flow_kg_s);
        let potential = self.psychrometrics.saturated_enthalpy_j_kg(t_in)
            - self.psychrometrics.saturated_enthalpy_j_kg(r.wet_bulb_k);
        let effectiveness = heat / (c_min * potential);
        let ntu = self
            .arrangement
            .ntu_for_effectiveness(effectiveness, cr)
            .ok_or(CoolingTowerError::RatingUnreachable { effectiveness })?;
        self.rated_conductance_kg_s = ntu * c_min;
        Ok(())
    }

    /// The same with tower-characteristic exponent `n` (in (0, 1)), recalibrated to `rating`.
    pub fn with_merkel_exponent(
        mut self,
        n: f64,
        rating: &CoolingTowerRating,
        fluid: &Fluid,
    ) -> Result<Self, CoolingTowerError> {
        check(
            "merkel_exponent",
            n,
            n > 0.0 && n < 1.0,
            "an exponent in (0, 1)",
        )?;
        self.merkel_exponent = n;
        self.calibrate(rating, fluid)?;
        Ok(self)
    }

    /// The same with fill arrangement `arrangement` (e.g. cross-flow), recalibrated to `rating`.
    pub fn with_arrangement(
        mut self,
        arrangement: FlowArrangement,
        rating: &CoolingTowerRating,
        fluid: &Fluid,
    ) -> Result<Self, CoolingTowerError> {
        self.arrangement = arrangement;
        self.calibrate(rating, fluid)?;
        Ok(self)
    }

    /// The same with drift `fraction` of the circulating flow (in [0, 0.01]).
    pub fn with_drift_fraction(mut self, fraction: f64) -> Result<Self, CoolingTowerError> {
        check(
            "drift_fraction",
            fraction,
            (0.0..=0.01).contains(&fraction),
            "a fraction in 0..=0.01 of the circulating flow",
        )?;
        self.drift_fraction = fraction;
        Ok(self)
    }

    /// The same with `cycles` of concentration (> 1).
    pub fn with_cycles_of_concentration(mut self, cycles: f64) -> Result<Self, CoolingTowerError> {
        check(
            "cycles_of_concentration",
            cycles,
            cycles > 1.0 && cycles.is_finite(),
            "a finite value > 1",
        )?;
        self.cycles_of_concentration = cycles;
        Ok(self)
    }

    /// The same with evaporation factor `factor` (in (0, 1]).
    pub fn with_evaporation_factor(mut self, factor: f64) -> Result<Self, CoolingTowerError> {
        check(
            "evaporation_factor",
            factor,
            factor > 0.0 && factor <= 1.0,
            "a fraction in (0, 1]",
        )?;
        self.evaporation_factor = factor;
        Ok(self)
    }

    /// The same with fans that run down to `min_speed` (in [0, 1)).
    pub fn with_min_fan_speed(mut self, min_speed: f64) -> Result<Self, CoolingTowerError> {
        self.fan = Fan::new(self.fan.rated_power_w, min_speed).map_err(|_| {
            CoolingTowerError::Parameter {
                name: "min_fan_speed",
                value: min_speed,
                expected: "a fraction in 0..1",
            }
        })?;
        Ok(self)
    }

    /// The same at the site's barometric pressure (the calibration is kept: KaV is a property
    /// of the fill, not of the air).
    pub fn with_psychrometrics(mut self, psychrometrics: Psychrometrics) -> Self {
        self.psychrometrics = psychrometrics;
        self
    }

    /// Merkel conductance KaV [kg/s] at these flows: KaV_rated·(ṁ_w/ṁ_w,r)^(1−n)·(ṁ_a/ṁ_a,r)^n.
    pub fn conductance_kg_s(&self, water_flow_kg_s: f64, air_flow_kg_s: f64) -> f64 {
        let n = self.merkel_exponent;
        self.rated_conductance_kg_s
            * (water_flow_kg_s / self.rated_water_flow_kg_s).powf(1.0 - n)
            * (air_flow_kg_s / self.rated_air_flow_kg_s).powf(n)
    }

    /// C_min [kg/s] and C_r of the linearised tower, water between `t_in_k` and `t_out_k`.
    fn capacities(
        &self,
        fluid: &Fluid,
        t_in_k: f64,
        t_out_k: f64,
        water_flow_kg_s: f64,
        air_flow_kg_s: f64,
    ) -> (f64, f64) {
        let c_s = self.saturation_slope_j_kg_k(t_in_k, t_out_k);
        let c_water = water_flow_kg_s * mean_specific_heat_j_kg_k(fluid, t_in_k, t_out_k) / c_s;
        let (c_min, c_max) = (c_water.min(air_flow_kg_s), c_water.max(air_flow_kg_s));
        (c_min, c_min / c_max)
    }

    /// c_s = (h_s(T_a) − h_s(T_b))/(T_a − T_b) [J/(kg·K)], the slope of the saturation
    /// enthalpy over the water's span.
    fn saturation_slope_j_kg_k(&self, t_a_k: f64, t_b_k: f64) -> f64 {
        let psy = &self.psychrometrics;
        let (a, b) = if (t_a_k - t_b_k).abs() < SLOPE_SPAN_K {
            let mid = 0.5 * (t_a_k + t_b_k);
            (mid + 0.5 * SLOPE_SPAN_K, mid - 0.5 * SLOPE_SPAN_K)
        } else {
            (t_a_k, t_b_k)
        };
        (psy.saturated_enthalpy_j_kg(a) - psy.saturated_enthalpy_j_kg(b)) / (a - b)
    }

    /// The tower at water inlet `t_water_in_k`, circulating flow `water_flow_kg_s` of `fluid`,
    /// entering-air wet bulb `wet_bulb_k` and demanded fan speed `fan_speed` (0 = off).
    pub fn operate(
        &self,
        fluid: &Fluid,
        t_water_in_k: f64,
        water_flow_kg_s: f64,
        wet_bulb_k: f64,
        fan_speed: f64,
    ) -> CoolingTowerOperation {
        let speed = self.fan.running_speed(fan_speed);
        let air_flow = self.rated_air_flow_kg_s * self.fan.flow_fraction(fan_speed);
        let circulating = water_flow_kg_s.max(0.0);
        let mut op = CoolingTowerOperation {
            heat_rejected_w: 0.0,
            t_water_out_k: t_water_in_k,
            approach_k: t_water_in_k - wet_bulb_k,
            air_flow_kg_s: air_flow,
            fan_speed: speed,
            fan_power_w: self.fan.power_w(fan_speed),
            effectiveness: 0.0,
            evaporation_kg_s: 0.0,
            drift_kg_s: self.drift_fraction * circulating,
            blowdown_kg_s: 0.0,
            makeup_kg_s: 0.0,
        };
        if water_flow_kg_s > 0.0 && air_flow > 0.0 && t_water_in_k != wet_bulb_k {
            let kav = self.conductance_kg_s(water_flow_kg_s, air_flow);
            let h_in = fluid.enthalpy_j_kg(t_water_in_k);
            let potential = self.psychrometrics.saturated_enthalpy_j_kg(t_water_in_k)
                - self.psychrometrics.saturated_enthalpy_j_kg(wet_bulb_k);
            // Heat and leaving temperature for a guess of the leaving temperature (through c_s).
            let model = |t_out: f64| {
                let (c_min, cr) =
                    self.capacities(fluid, t_water_in_k, t_out, water_flow_kg_s, air_flow);
                let eps = self.arrangement.effectiveness(kav / c_min, cr);
                let heat = eps * c_min * potential;
                let t = fluid.temperature_from_enthalpy_k(h_in - heat / water_flow_kg_s);
                (t, heat, eps)
            };
            // The fixed point lies between the inlet and the wet bulb (the model maps that
            // interval into itself), and t − model(t) rises through zero across it.
            let (mut lo, mut hi) = if wet_bulb_k < t_water_in_k {
                (wet_bulb_k, t_water_in_k)
            } else {
                (t_water_in_k, wet_bulb_k)
            };
            while hi - lo > T_TOLERANCE_K {
                let mid = 0.5 * (lo + hi);
                if mid < model(mid).0 {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let (t_out, heat, eps) = model(0.5 * (lo + hi));
            op.heat_rejected_w = heat;
            op.t_water_out_k = t_out;
            op.approach_k = t_out - wet_bulb_k;
            op.effectiveness = eps;
            let t_mean = 0.5 * (t_water_in_k + t_out);
            op.evaporation_kg_s =
                self.evaporation_factor * heat.max(0.0) / psychrometrics::latent_heat_j_kg(t_mean);
            cycle(
                &mut op,
                self.fan.duty(fan_speed),
                fluid,
                h_in,
                water_flow_kg_s,
            );
        }
        op.blowdown_kg_s = blowdown_kg_s(
            op.evaporation_kg_s,
            op.drift_kg_s,
            self.cycles_of_concentration,
        );
        op.makeup_kg_s = op.evaporation_kg_s + op.drift_kg_s + op.blowdown_kg_s;
        op
    }

    /// The fan speed in [0, 1] at which water entering at `t_water_in_k` leaves at `target_k`,
    /// by Brent's method (the leaving water falls as the speed rises, cycling below the minimum
    /// speed). 1 if even full speed leaves it warmer, 0 if it needs no cooling or the wet bulb
    /// is not below it.
    pub fn fan_speed_for(
        &self,
        fluid: &Fluid,
        t_water_in_k: f64,
        water_flow_kg_s: f64,
        wet_bulb_k: f64,
        target_k: f64,
    ) -> f64 {
        let leaving = |s: f64| {
            self.operate(fluid, t_water_in_k, water_flow_kg_s, wet_bulb_k, s)
                .t_water_out_k
        };
        if !(water_flow_kg_s > 0.0 && wet_bulb_k < t_water_in_k && target_k < t_water_in_k) {
            return 0.0;
        }
        if leaving(1.0) >= target_k {
            return 1.0;
        }
        if leaving(0.0) <= target_k {
            return 0.0;
        }
        fan_speed_root(|s| leaving(s) - target_k, 0.0, 1.0, FAN_SPEED_TOLERANCE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(t_c: f64) -> f64 {
        t_c + 273.15
    }

    /// A 2 MW tower: 21 °C wet bulb, 32 → 26 °C (range 6 K, approach 5 K), L/G = 1.1,
    /// 80 kg/s of water, 20 kW of fans.
    fn rating() -> CoolingTowerRating {
        CoolingTowerRating {
            water_flow_kg_s: 80.0,
            air_flow_kg_s: 80.0 / 1.1,
            wet_bulb_k: k(21.0),
            range_k: 6.0,
            approach_k: 5.0,
            fan_power_w: 20e3,
        }
    }

    fn tower() -> CoolingTower {
        CoolingTower::new(&rating(), &Fluid::water()).unwrap()
    }

    /// Numerical Merkel integral for a counter-flow tower (the reference Braun's form
    /// approximates): KaV = ∫ ṁ_w dh_w / (h_s(T_w) − h_a), air enthalpy rising from h_s(T_wb)
    /// at the bottom by the water's enthalpy loss; ∞ if the air would reach saturation
    /// enthalpy (a pinch). Midpoint rule, 2000 steps.
    fn merkel_kav(
        psy: &Psychrometrics,
        water: &Fluid,
        t_in: f64,
        t_out: f64,
        t_wb: f64,
        mw: f64,
        ma: f64,
    ) -> f64 {
        let n = 2000;
        let h_out = water.enthalpy_j_kg(t_out);
        let h_a0 = psy.saturated_enthalpy_j_kg(t_wb);
        let dt = (t_in - t_out) / n as f64;
        let mut kav = 0.0;
        for i in 0..n {
            let tw = t_out + (i as f64 + 0.5) * dt;
            let h_a = h_a0 + mw / ma * (water.enthalpy_j_kg(tw) - h_out);
            let drive = psy.saturated_enthalpy_j_kg(tw) - h_a;
            if drive <= 0.0 {
                return f64::INFINITY;
            }
            kav += mw * water.specific_heat_j_kg_k(tw) * dt / drive;
        }
        kav
    }

    /// Leaving water of the numerical Merkel tower of conductance `kav` (bisection on T_out).
    fn merkel_t_out(
        psy: &Psychrometrics,
        water: &Fluid,
        t_in: f64,
        t_wb: f64,
        mw: f64,
        ma: f64,
        kav: f64,
    ) -> f64 {
        let (mut lo, mut hi) = (t_wb, t_in);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if merkel_kav(psy, water, t_in, mid, t_wb, mw, ma) > kav {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// The rated point is met exactly.
    #[test]
    fn rated_point_reproduced() {
        let water = Fluid::water();
        let ct = tower();
        let op = ct.operate(&water, k(32.0), 80.0, k(21.0), 1.0);
        assert!((op.approach_k - 5.0).abs() < 1e-8, "{}", op.approach_k);
        assert!((op.t_water_out_k - k(26.0)).abs() < 1e-8);
        // 80 kg/s over 6 K: about 2.0 MW.
        assert!((op.heat_rejected_w - 80.0 * 4180.0 * 6.0).abs() < 2e-3 * op.heat_rejected_w);
    }

    /// Off-design against the numerical Merkel integral calibrated to the same rated point,
    /// with KaV scaled by the same L^0.4·G^0.6 law: within 1.5 % in duty for ranges up to 15 K
    /// (Braun et al. 1989 report about 1 % for the linearised form); over the six points the
    /// measured worst is about 1.1 %.
    #[test]
    fn off_design_matches_merkel_integral() {
        let water = Fluid::water();
        let ct = tower();
        let psy = ct.psychrometrics;
        let r = rating();
        let kav_rated = merkel_kav(
            &psy,
            &water,
            k(32.0),
            k(26.0),
            k(21.0),
            r.water_flow_kg_s,
            r.air_flow_kg_s,
        );
        for (t_wb, t_in, water_ratio, speed) in [
            (10.0, 25.0, 1.0, 1.0),
            (25.0, 38.0, 1.0, 1.0),
            (21.0, 32.0, 1.0, 0.5),
            (21.0, 30.0, 0.6, 1.0),
            (5.0, 20.0, 1.0, 0.3),
            (0.0, 15.0, 1.3, 1.0),
        ] {
            let mw = r.water_flow_kg_s * water_ratio;
            let ma = r.air_flow_kg_s * speed;
            let kav = kav_rated * water_ratio.powf(0.4) * speed.powf(0.6);
            let reference = merkel_t_out(&psy, &water, k(t_in), k(t_wb), mw, ma, kav);
            let op = ct.operate(&water, k(t_in), mw, k(t_wb), speed);
            let q_ref = k(t_in) - reference;
            let q = k(t_in) - op.t_water_out_k;
            assert!(
                (q - q_ref).abs() < 0.015 * q_ref,
                "{t_wb} {t_in} {water_ratio} {speed}: {q} vs {q_ref}"
            );
        }
    }

    /// Evaporation = Q/h_fg: 1 kW at a 30 °C mean water temperature evaporates
    /// 3600/2429.8 = 1.4816 kg/h (IAPWS-95 h_fg); 0.2 % is the accuracy of the latent-heat
    /// line. That is the "about 1.47 kg/h per kW" rule of thumb within 1 %, and the
    /// "1 % of the circulating flow per 10 °F (5.56 K) of range" rule within 6 % (the rule
    /// takes h_fg = 1000 Btu/lb = 2326 kJ/kg, 4–5 % below the true value near 30 °C).
    #[test]
    fn evaporation_is_heat_over_latent_heat() {
        let water = Fluid::water();
        let ct = tower();
        // 33 °C in, about 27 °C out: a mean near 30 °C (the reference follows the mean).
        let op = ct.operate(&water, k(33.0), 80.0, k(21.0), 1.0);
        let kg_h_per_kw = op.evaporation_kg_s * 3600.0 / (op.heat_rejected_w / 1000.0);
        let mean = 0.5 * (k(33.0) + op.t_water_out_k);
        let steam_table = 3600.0 / (2429.8 - 2.4 * (mean - k(30.0)));
        assert!(
            (kg_h_per_kw - steam_table).abs() < 2e-3 * steam_table,
            "{kg_h_per_kw}"
        );
        assert!((kg_h_per_kw - 1.47).abs() < 0.015, "{kg_h_per_kw}");
        // 10 °F of range: about 1 % of the circulating flow evaporates.
        let r = CoolingTowerRating {
            range_k: 5.0 / 0.9,
            ..rating()
        };
        let ct = CoolingTower::new(&r, &water).unwrap();
        let op = ct.operate(&water, k(21.0 + 5.0 + 5.0 / 0.9), 80.0, k(21.0), 1.0);
        let fraction = op.evaporation_kg_s / 80.0;
        assert!((fraction - 0.01).abs() < 6e-4, "{fraction}");
        // A factor scales it.
        let half = tower().with_evaporation_factor(0.8).unwrap();
        let op_half = half.operate(&water, k(33.0), 80.0, k(21.0), 1.0);
        let op_full = tower().operate(&water, k(33.0), 80.0, k(21.0), 1.0);
        assert!((op_half.evaporation_kg_s - 0.8 * op_full.evaporation_kg_s).abs() < 1e-12);
    }

    /// Blow-down holds the cycles of concentration: salts in with the make-up (concentration 1)
    /// equal salts out with drift and blow-down (concentration C), M = C·(B + D); with no drift
    /// B = E/(C − 1); drift 0.02 % of the circulating flow.
    #[test]
    fn blowdown_relation() {
        let water = Fluid::water();
        for cycles in [2.0, 4.0, 7.5] {
            let ct = tower().with_cycles_of_concentration(cycles).unwrap();
            let op = ct.operate(&water, k(32.0), 80.0, k(21.0), 1.0);
            assert!((op.drift_kg_s - 2e-4 * 80.0).abs() < 1e-15);
            let salts_out = cycles * (op.blowdown_kg_s + op.drift_kg_s);
            assert!((op.makeup_kg_s - salts_out).abs() < 1e-12, "{cycles}");
            let no_drift =
                ct.with_drift_fraction(0.0)
                    .unwrap()
                    .operate(&water, k(32.0), 80.0, k(21.0), 1.0);
            assert!(
                (no_drift.blowdown_kg_s - no_drift.evaporation_kg_s / (cycles - 1.0)).abs() < 1e-15
            );
        }
        // Drift alone may exceed what the salt balance needs: no blow-down then.
        assert_eq!(blowdown_kg_s(0.001, 0.01, 4.0), 0.0);
    }

    /// The approach is never negative and the water never leaves below the wet bulb, however
    /// much air meets however little water; water entering below the wet bulb is warmed toward
    /// it, never past it.
    #[test]
    fn never_below_the_wet_bulb() {
        let water = Fluid::water();
        let ct = tower().with_min_fan_speed(0.05).unwrap();
        for t_wb in [-5.0, 10.0, 21.0, 28.0] {
            for t_in in [t_wb + 0.01, t_wb + 3.0, t_wb + 15.0, 45.0] {
                for water_flow in [0.5, 8.0, 80.0, 160.0] {
                    for speed in [0.05, 0.3, 1.0] {
                        let op = ct.operate(&water, k(t_in), water_flow, k(t_wb), speed);
                        assert!(
                            op.approach_k >= 0.0,
                            "{t_wb} {t_in} {water_flow} {speed}: {}",
                            op.approach_k
                        );
                        assert!(op.t_water_out_k <= k(t_in) && op.heat_rejected_w >= 0.0);
                    }
                }
            }
            let warmed = ct.operate(&water, k(t_wb - 4.0), 20.0, k(t_wb), 1.0);
            assert!(warmed.heat_rejected_w < 0.0 && warmed.evaporation_kg_s == 0.0);
            assert!(warmed.t_water_out_k > k(t_wb - 4.0) && warmed.t_water_out_k <= k(t_wb));
        }
        // Little water, full air: the approach shrinks toward zero.
        let op = ct.operate(&water, k(35.0), 0.5, k(21.0), 1.0);
        assert!(op.approach_k < 0.05, "{}", op.approach_k);
    }

    /// Known tower behaviour: the approach grows with the load (range), falls with the air
    /// flow, and grows as the wet bulb falls (the saturation curve flattens).
    #[test]
    fn approach_trends() {
        let water = Fluid::water();
        let ct = tower();
        let approach = |t_in: f64, t_wb: f64, speed: f64| {
            ct.operate(&water, k(t_in), 80.0, k(t_wb), speed).approach_k
        };
        assert!(approach(35.0, 21.0, 1.0) > approach(32.0, 21.0, 1.0));
        assert!(approach(32.0, 21.0, 0.6) > approach(32.0, 21.0, 1.0));
        // Same range (water 11 K above the wet bulb), colder air.
        assert!(approach(21.0, 10.0, 1.0) > approach(32.0, 21.0, 1.0));
    }

    /// Fans by the cube law; fans off or no water: no duty, no evaporation.
    #[test]
    fn fans_and_zero_flows() {
        let water = Fluid::water();
        let ct = tower();
        let half = ct.operate(&water, k(32.0), 80.0, k(21.0), 0.5);
        assert!((half.fan_power_w - 20e3 / 8.0).abs() < 1e-9);
        for (flow, speed) in [(80.0, 0.0), (0.0, 1.0)] {
            let op = ct.operate(&water, k(32.0), flow, k(21.0), speed);
            assert_eq!(op.heat_rejected_w, 0.0);
            assert_eq!(op.t_water_out_k, k(32.0));
            assert_eq!(op.evaporation_kg_s, 0.0);
        }
    }

    /// Below the minimum speed the fans cycle: half the minimum speed is the minimum speed's
    /// heat, evaporation and air for half the time (to round-off), the fans' energy likewise.
    #[test]
    fn fans_cycle_below_their_minimum_speed() {
        let water = Fluid::water();
        let ct = tower();
        let min = ct.fan.min_speed;
        let full = ct.operate(&water, k(32.0), 80.0, k(21.0), min);
        let half = ct.operate(&water, k(32.0), 80.0, k(21.0), 0.5 * min);
        assert!(
            (half.heat_rejected_w - 0.5 * full.heat_rejected_w).abs() < 1e-9 * full.heat_rejected_w
        );
        assert!((half.evaporation_kg_s - 0.5 * full.evaporation_kg_s).abs() < 1e-15);
        assert!((half.fan_power_w - 0.5 * full.fan_power_w).abs() < 1e-9);
        let h = |t: f64| water.enthalpy_j_kg(t);
        let mixed = 80.0 * (h(k(32.0)) - h(half.t_water_out_k));
        assert!((mixed - half.heat_rejected_w).abs() < 1e-6 * full.heat_rejected_w);
        assert!((half.approach_k - (half.t_water_out_k - k(21.0))).abs() < 1e-12);
    }

    /// The fan speed found for a set-point gives that set-point back (to the search's
    /// resolution, 1e-9 of full speed: micro-kelvins), cycling included; out of reach it is
    /// full speed, and no cooling is needed or possible below the target or the wet bulb.
    #[test]
    fn fan_speed_for_inverts_the_tower() {
        let water = Fluid::water();
        let ct = tower();
        let at_full = ct
            .operate(&water, k(32.0), 80.0, k(21.0), 1.0)
            .t_water_out_k;
        for target in [at_full + 0.01, k(27.0), k(29.0), k(31.5), k(31.95)] {
            let s = ct.fan_speed_for(&water, k(32.0), 80.0, k(21.0), target);
            let t = ct.operate(&water, k(32.0), 80.0, k(21.0), s).t_water_out_k;
            assert!((t - target).abs() < 1e-6, "{s}: {t} vs {target}");
        }
        assert_eq!(
            ct.fan_speed_for(&water, k(32.0), 80.0, k(21.0), at_full - 0.5),
            1.0
        );
        assert_eq!(
            ct.fan_speed_for(&water, k(32.0), 80.0, k(21.0), k(33.0)),
            0.0
        );
        assert_eq!(
            ct.fan_speed_for(&water, k(20.0), 80.0, k(21.0), k(19.0)),
            0.0
        );
    }

    #[test]
    fn rejects_bad_parameters() {
        let water = Fluid::water();
        let bad = |r: CoolingTowerRating| CoolingTower::new(&r, &water);
        assert!(matches!(
            bad(CoolingTowerRating {
                approach_k: 0.0,
                ..rating()
            }),
            Err(CoolingTowerError::Parameter {
                name: "rated_approach_k",
                ..
            })
        ));
        assert!(
            bad(CoolingTowerRating {
                water_flow_kg_s: f64::NAN,
                ..rating()
            })
            .is_err()
        );
        assert!(
            bad(CoolingTowerRating {
                fan_power_w: -1.0,
                ..rating()
            })
            .is_err()
        );
        assert!(
            bad(CoolingTowerRating {
                wet_bulb_k: 21.0,
                ..rating()
            })
            .is_err()
        );
        // Far too little air for 6 K of range at 5 K approach.
        assert!(matches!(
            bad(CoolingTowerRating {
                air_flow_kg_s: 5.0,
                ..rating()
            }),
            Err(CoolingTowerError::RatingUnreachable { .. })
        ));
        assert!(tower().with_cycles_of_concentration(1.0).is_err());
        assert!(tower().with_drift_fraction(0.5).is_err());
        assert!(tower().with_evaporation_factor(0.0).is_err());
        assert!(
            tower()
                .with_merkel_exponent(1.2, &rating(), &water)
                .is_err()
        );
    }
}
