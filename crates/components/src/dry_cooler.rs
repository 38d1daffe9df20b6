//! A dry (air-cooled) cooler: a finned water-to-air coil, variable-speed fans and optional
//! adiabatic pre-cooling pads.
//!
//! * Coil: cross-flow ε-NTU, both streams unmixed (fins keep the air from mixing across the
//!   face; the water is split over many tubes), see [`FlowArrangement::CrossFlowUnmixed`].
//!   Water side 1, air side 2, C_air = ṁ_da·(c_p,a + W·c_p,v) per kg of dry air.
//! * Conductance: 1/UA = 1/hA_water + 1/hA_air with hA_water ∝ ṁ_w^0.8 (Dittus–Boelter in the
//!   tubes) and hA_air ∝ ṁ_air^0.6 ([`AIR_SIDE_EXPONENT`]), times a fouling factor.
//! * Fans: air flow ∝ speed, electric power ∝ speed³ (affinity laws at a fixed system
//!   resistance), a minimum running speed, zero speed = fans off.
//! * Fans off: **zero duty**. Natural draught through a stopped coil (a few per cent of the rated
//!   duty) is neglected: it errs on the warm, safe side.
//! * Pre-cooling: with the pads wet (enabled and the dry bulb above a switch-on temperature, fans
//!   running) the air reaches the coil at T_db − η·(T_db − T_wb), along its wet-bulb line; the
//!   water evaporated is ṁ_da·(W_coil − W_ambient).
//!
//! In the transient simulation the coil's water is a [`crate::MixingVolume`] receiving
//! −[`DryCoolerOperation::heat_rejected_w`], computed from the water inlet temperature.

use crate::heat_exchanger::{ConductanceScaling, FlowArrangement, mean_specific_heat_j_kg_k};
use crate::parameter::{check, positive};
use crate::psychrometrics::{self, MoistAir, Psychrometrics};
use dctwin_fluid::Fluid;
use std::cmp::Ordering;

/// Exponent of the air-side film conductance on the air flow [-]. 0.6 is the Reynolds exponent
/// of Žukauskas's correlation for staggered tube banks, Nu ∝ Re^0.60 for 10³ < Re < 2·10⁵
/// (Incropera & DeWitt, Table 7.5), the regime of a dry-cooler coil at 2–3 m/s face velocity.
/// The fin efficiency falls a little as h rises, so the coil's hA grows slightly slower: 0.6 is
/// the upper end of the 0.5–0.6 usually quoted for finned coils.
pub const AIR_SIDE_EXPONENT: f64 = 0.6;

/// Exponent of the water-side film conductance on the water flow [-]: Dittus–Boelter.
pub const WATER_SIDE_EXPONENT: f64 = crate::heat_exchanger::DITTUS_BOELTER_EXPONENT;

/// Share of the rated thermal resistance on the air side [-]. An engineering estimate: even with
/// fins (area ratio 15–25) the air film carries most of a water coil's resistance. Set it from
/// the coil data when known.
pub const DEFAULT_AIR_RESISTANCE_SHARE: f64 = 0.7;

/// Lowest running fan speed [-]: the turndown of typical EC fan drives (10–20 %).
pub const DEFAULT_MIN_FAN_SPEED: f64 = 0.2;

/// Saturation efficiency of the pre-cooling pads [-]. The EnergyPlus curve fit to Munters
/// CELdek data (Engineering Reference, "Direct Evaporative Cooler with rigid media") gives
/// 0.79 for a 150 mm pad at 1 m/s and 0.81 for a 200 mm pad at 1.5 m/s face velocity.
pub const DEFAULT_PAD_EFFICIENCY: f64 = 0.8;

/// Dry bulb above which the pads are wetted [K] (25 °C): a common setting, below which the dry
/// coil alone usually meets a warm-water set point and the water is better saved.
pub const DEFAULT_PRECOOLING_SWITCH_ON_K: f64 = 298.15;

/// Speed resolution of the fan-speed search [-].
const SPEED_TOLERANCE: f64 = 1e-12;

/// Why a dry cooler's (or a fan's) data cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DryCoolerError {
    /// A parameter outside its range.
    #[error("dry cooler parameter `{name}` = {value} is invalid: expected {expected}")]
    Parameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// The rated duty needs more than the coil's arrangement can give at the rated flows.
    #[error(
        "the rated duty needs a coil effectiveness of {effectiveness}, more than a cross-flow coil reaches at the rated flows"
    )]
    RatingUnreachable {
        /// Effectiveness needed [-].
        effectiveness: f64,
    },
}

crate::parameter::from_invalid_parameter!(DryCoolerError);

/// Variable-speed fans (all of a unit's fans, run together).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fan {
    /// Electric power at full speed [W].
    pub rated_power_w: f64,
    /// Lowest running speed, fraction of full speed [-].
    pub min_speed: f64,
}

impl Fan {
    /// Fans drawing `rated_power_w` (≥ 0) at full speed that run down to `min_speed`
    /// (in [0, 1)).
    pub fn new(rated_power_w: f64, min_speed: f64) -> Result<Self, DryCoolerError> {
        check(
            "rated_fan_power_w",
            rated_power_w,
            rated_power_w >= 0.0 && rated_power_w.is_finite(),
            "a finite value ≥ 0 W",
        )?;
        check(
            "min_fan_speed",
            min_speed,
            (0.0..1.0).contains(&min_speed),
            "a fraction in 0..1",
        )?;
        Ok(Fan {
            rated_power_w,
            min_speed,
        })
    }

    /// The speed the fans actually run at for a demanded `speed`: 0 (off) for a demand ≤ 0,
    /// else the demand held within [min_speed, 1].
    pub fn running_speed(&self, speed: f64) -> f64 {
        if speed > 0.0 {
            speed.clamp(self.min_speed.max(f64::MIN_POSITIVE), 1.0)
        } else {
            0.0
        }
    }

    /// Share of the time the fans run for a demanded `speed` [-]: a demand below the minimum
    /// speed is met by cycling the fans at the minimum speed on and off (on for
    /// `speed / min_speed` of the time), as fan controllers do at light load; over a control
    /// step the simulation sees the time average.
    pub fn duty(&self, speed: f64) -> f64 {
        if speed <= 0.0 {
            0.0
        } else if speed < self.min_speed {
            speed / self.min_speed
        } else {
            1.0
        }
    }

    /// Electric power [W] at demanded `speed`: P_rated·s³ (the cube law), times the duty when
    /// cycling below the minimum speed.
    pub fn power_w(&self, speed: f64) -> f64 {
        self.duty(speed) * self.rated_power_w * self.running_speed(speed).powi(3)
    }

    /// Air flow while running, as a fraction of the rated one at demanded `speed` [-]
    /// (flow ∝ speed).
    pub fn flow_fraction(&self, speed: f64) -> f64 {
        self.running_speed(speed)
    }
}

/// Adiabatic pre-cooling pads in front of the coil.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdiabaticPrecooling {
    /// Saturation efficiency η = (T_db − T_coil)/(T_db − T_wb) [-].
    pub pad_efficiency: f64,
    /// The pads are wetted when the ambient dry bulb is above this [K].
    pub switch_on_k: f64,
}

impl Default for AdiabaticPrecooling {
    fn default() -> Self {
        AdiabaticPrecooling {
            pad_efficiency: DEFAULT_PAD_EFFICIENCY,
            switch_on_k: DEFAULT_PRECOOLING_SWITCH_ON_K,
        }
    }
}

impl AdiabaticPrecooling {
    /// Pads of saturation efficiency `pad_efficiency` (in (0, 1]) wetted above `switch_on_k`.
    pub fn new(pad_efficiency: f64, switch_on_k: f64) -> Result<Self, DryCoolerError> {
        check(
            "pad_efficiency",
            pad_efficiency,
            pad_efficiency > 0.0 && pad_efficiency <= 1.0,
            "a fraction in (0, 1]",
        )?;
        check(
            "precooling_switch_on_k",
            switch_on_k,
            positive(switch_on_k),
            "a finite temperature > 0 K",
        )?;
        Ok(AdiabaticPrecooling {
            pad_efficiency,
            switch_on_k,
        })
    }

    /// Air leaving wet pads fed with `ambient`: cooled toward its wet bulb by the pad
    /// efficiency, its humidity ratio raised along the same wet-bulb line.
    pub fn leaving_air(&self, psy: &Psychrometrics, ambient: MoistAir) -> MoistAir {
        let t_wb = psy.wet_bulb_of_k(ambient);
        let t = ambient.dry_bulb_k - self.pad_efficiency * (ambient.dry_bulb_k - t_wb);
        MoistAir {
            dry_bulb_k: t,
            humidity_ratio: psy
                .humidity_ratio_from_wet_bulb(t, t_wb)
                .max(ambient.humidity_ratio),
        }
    }
}

/// A dry cooler data-sheet point, at full fan speed, dry coil.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DryCoolerRating {
    /// Heat rejected [W].
    pub heat_w: f64,
    /// Water inlet temperature [K].
    pub t_water_in_k: f64,
    /// Water outlet temperature [K].
    pub t_water_out_k: f64,
    /// Ambient air.
    pub ambient: MoistAir,
    /// Dry-air mass flow at full fan speed [kg/s] (volume flow × density of the entering air /
    /// (1 + W)).
    pub air_flow_kg_s: f64,
    /// Fan electric power at full speed [W].
    pub fan_power_w: f64,
}

/// A dry cooler.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DryCooler {
    /// Coil arrangement (default cross-flow, both unmixed).
    pub arrangement: FlowArrangement,
    /// Clean-coil conductance: side 1 water [kg/s], side 2 dry air at full fan speed [kg/s].
    pub coil: ConductanceScaling,
    /// Fouling: multiplies the clean UA, in (0, 1] [-] (1 = clean).
    pub fouling_factor: f64,
    /// The fans.
    pub fan: Fan,
    /// Pre-cooling pads, if fitted.
    pub precooling: Option<AdiabaticPrecooling>,
    /// Moist-air relations at the site's pressure.
    pub psychrometrics: Psychrometrics,
}

/// What a dry cooler does at one operating point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DryCoolerOperation {
    /// Heat taken from the water [W] (negative if the air is warmer than the water).
    pub heat_rejected_w: f64,
    /// Water outlet temperature [K].
    pub t_water_out_k: f64,
    /// Air reaching the coil (after the pads if they are wet).
    pub coil_air: MoistAir,
    /// Air leaving the coil, dry bulb [K] (humidity ratio that of `coil_air`).
    pub t_air_out_k: f64,
    /// Dry-air mass flow [kg/s].
    pub air_flow_kg_s: f64,
    /// Speed the fans run at [-].
    pub fan_speed: f64,
    /// Fan electric power [W].
    pub fan_power_w: f64,
    /// Water evaporated by the pads [kg/s].
    pub water_evaporated_kg_s: f64,
    /// Whether the pads are wet.
    pub precooling_active: bool,
    /// Coil conductance, fouling included [W/K].
    pub ua_w_k: f64,
    /// Coil effectiveness [-].
    pub effectiveness: f64,
}

/// The fan speed that gives a leaving-water temperature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FanSpeedSolution {
    /// Fan speed, within [min_speed, 1], or 0 if the air cannot cool the water at all [-].
    pub speed: f64,
    /// Whether the leaving water reaches the target at `speed`. If not: at full speed the water
    /// stays warmer than the target, or at minimum speed it is already colder (switch the fans
    /// off or cycle them), or the air is not colder than the water (speed 0).
    pub reachable: bool,
    /// Leaving-water temperature at `speed` [K].
    pub t_water_out_k: f64,
}

impl DryCooler {
    /// A dry cooler with clean UA `rated_ua_w_k` at `rated_water_flow_kg_s` and full-speed
    /// dry-air flow `rated_air_flow_kg_s`, fans of `rated_fan_power_w`; defaults for the rest
    /// (no pads, clean, sea-level pressure).
    pub fn new(
        rated_ua_w_k: f64,
        rated_water_flow_kg_s: f64,
        rated_air_flow_kg_s: f64,
        rated_fan_power_w: f64,
    ) -> Result<Self, DryCoolerError> {
        check(
            "rated_ua_w_k",
            rated_ua_w_k,
            positive(rated_ua_w_k),
            "a finite value > 0 W/K",
        )?;
        check(
            "rated_water_flow_kg_s",
            rated_water_flow_kg_s,
            positive(rated_water_flow_kg_s),
            "a finite value > 0 kg/s",
        )?;
        check(
            "rated_air_flow_kg_s",
            rated_air_flow_kg_s,
            positive(rated_air_flow_kg_s),
            "a finite value > 0 kg/s",
        )?;
        let coil = ConductanceScaling {
            rated_ua_w_k,
            rated_flow_1_kg_s: rated_water_flow_kg_s,
            rated_flow_2_kg_s: rated_air_flow_kg_s,
            resistance_share_1: 1.0 - DEFAULT_AIR_RESISTANCE_SHARE,
            exponent_1: WATER_SIDE_EXPONENT,
            exponent_2: AIR_SIDE_EXPONENT,
        };
        Ok(DryCooler {
            arrangement: FlowArrangement::CrossFlowUnmixed,
            coil,
            fouling_factor: 1.0,
            fan: Fan::new(rated_fan_power_w, DEFAULT_MIN_FAN_SPEED)?,
            precooling: None,
            psychrometrics: Psychrometrics::default(),
        })
    }

    /// A dry cooler sized from a data-sheet point (clean, dry coil, full speed) with `fluid` in
    /// the coil: the water flow follows from the duty and the two water temperatures, UA from
    /// the effectiveness the duty needs.
    pub fn from_rating(rating: &DryCoolerRating, fluid: &Fluid) -> Result<Self, DryCoolerError> {
        let r = rating;
        check(
            "rated_heat_w",
            r.heat_w,
            positive(r.heat_w),
            "a finite value > 0 W",
        )?;
        check(
            "rated_t_water_out_k",
            r.t_water_out_k,
            r.t_water_out_k < r.t_water_in_k && r.t_water_out_k > r.ambient.dry_bulb_k,
            "between the ambient dry bulb and the water inlet temperature",
        )?;
        check(
            "rated_air_flow_kg_s",
            r.air_flow_kg_s,
            positive(r.air_flow_kg_s),
            "a finite value > 0 kg/s",
        )?;
        let water_flow =
            r.heat_w / (fluid.enthalpy_j_kg(r.t_water_in_k) - fluid.enthalpy_j_kg(r.t_water_out_k));
        let dt = r.t_water_in_k - r.ambient.dry_bulb_k;
        let c_water =
            water_flow * mean_specific_heat_j_kg_k(fluid, r.t_water_in_k, r.ambient.dry_bulb_k);
        let c_air =
            r.air_flow_kg_s * psychrometrics::specific_heat_j_kg_k(r.ambient.humidity_ratio);
        let (c_min, c_max) = (c_water.min(c_air), c_water.max(c_air));
        let effectiveness = r.heat_w / (c_min * dt);
        let arrangement = FlowArrangement::CrossFlowUnmixed;
        let ntu = arrangement
            .ntu_for_effectiveness(effectiveness, c_min / c_max)
            .ok_or(DryCoolerError::RatingUnreachable { effectiveness })?;
        DryCooler::new(ntu * c_min, water_flow, r.air_flow_kg_s, r.fan_power_w)
    }

    /// A bank `factor` times this one: as many more (or fewer) identical coils in parallel,
    /// each with its fans, sharing the water. The coil's conductance, its rated water and air
    /// flows and the fans' power scale together, so a bank of n coils at n times a coil's
    /// water flow rejects n times what one coil rejects at its own.
    pub fn scaled(&self, factor: f64) -> DryCooler {
        let mut bank = *self;
        bank.coil.rated_ua_w_k *= factor;
        bank.coil.rated_flow_1_kg_s *= factor;
        bank.coil.rated_flow_2_kg_s *= factor;
        bank.fan.rated_power_w *= factor;
        bank
    }

    /// The same with fouling factor `factor` (in (0, 1]) on UA.
    pub fn with_fouling_factor(mut self, factor: f64) -> Result<Self, DryCoolerError> {
        check(
            "fouling_factor",
            factor,
            factor > 0.0 && factor <= 1.0,
            "a fraction in (0, 1]",
        )?;
        self.fouling_factor = factor;
        Ok(self)
    }

    /// The same with pre-cooling pads.
    pub fn with_precooling(mut self, precooling: AdiabaticPrecooling) -> Self {
        self.precooling = Some(precooling);
        self
    }

    /// The same with fans that run down to `min_speed` (in [0, 1)).
    pub fn with_min_fan_speed(mut self, min_speed: f64) -> Result<Self, DryCoolerError> {
        self.fan = Fan::new(self.fan.rated_power_w, min_speed)?;
        Ok(self)
    }

    /// The same with `share` (in [0, 1]) of the rated resistance on the air side.
    pub fn with_air_resistance_share(mut self, share: f64) -> Result<Self, DryCoolerError> {
        check(
            "air_resistance_share",
            share,
            (0.0..=1.0).contains(&share),
            "a fraction in 0..=1",
        )?;
        self.coil.resistance_share_1 = 1.0 - share;
        Ok(self)
    }

    /// The same at the site's barometric pressure.
    pub fn with_psychrometrics(mut self, psychrometrics: Psychrometrics) -> Self {
        self.psychrometrics = psychrometrics;
        self
    }

    /// The air that reaches the coil from `ambient` while the fans run at `fan_speed`, and
    /// whether the pads are wet.
    pub fn coil_air(&self, ambient: MoistAir, fan_speed: f64) -> (MoistAir, bool) {
        match self.precooling {
            Some(pads)
                if self.fan.running_speed(fan_speed) > 0.0
                    && ambient.dry_bulb_k > pads.switch_on_k =>
            {
                (pads.leaving_air(&self.psychrometrics, ambient), true)
            }
            _ => (ambient, false),
        }
    }

    /// The dry cooler at water inlet `t_water_in_k`, water flow `water_flow_kg_s` of `fluid`,
    /// `ambient` air and demanded fan speed `fan_speed` (0 = off).
    pub fn operate(
        &self,
        fluid: &Fluid,
        t_water_in_k: f64,
        water_flow_kg_s: f64,
        ambient: MoistAir,
        fan_speed: f64,
    ) -> DryCoolerOperation {
        let (coil_air, wet) = self.coil_air(ambient, fan_speed);
        let mut op = self.coil_duty(fluid, t_water_in_k, water_flow_kg_s, coil_air, fan_speed);
        op.precooling_active = wet;
        if wet {
            op.water_evaporated_kg_s =
                op.air_flow_kg_s * (coil_air.humidity_ratio - ambient.humidity_ratio);
        }
        self.cycled(fluid, t_water_in_k, water_flow_kg_s, fan_speed, op)
    }

    /// The time average of cycling fans: running at the minimum speed for the duty's share of
    /// the time, off otherwise (heat, water and air flow scale with the duty; the leaving water
    /// is the mixed average).
    fn cycled(
        &self,
        fluid: &Fluid,
        t_water_in_k: f64,
        water_flow_kg_s: f64,
        fan_speed: f64,
        mut op: DryCoolerOperation,
    ) -> DryCoolerOperation {
        let duty = self.fan.duty(fan_speed);
        if duty >= 1.0 || duty <= 0.0 || water_flow_kg_s <= 0.0 {
            return op;
        }
        op.heat_rejected_w *= duty;
        op.water_evaporated_kg_s *= duty;
        op.air_flow_kg_s *= duty;
        op.t_water_out_k = fluid.temperature_from_enthalpy_k(
            fluid.enthalpy_j_kg(t_water_in_k) - op.heat_rejected_w / water_flow_kg_s,
        );
        op
    }

    /// The coil with `coil_air` at its face (no pads accounted).
    fn coil_duty(
        &self,
        fluid: &Fluid,
        t_water_in_k: f64,
        water_flow_kg_s: f64,
        coil_air: MoistAir,
        fan_speed: f64,
    ) -> DryCoolerOperation {
        let speed = self.fan.running_speed(fan_speed);
        let air_flow = self.coil.rated_flow_2_kg_s * self.fan.flow_fraction(fan_speed);
        let t_air = coil_air.dry_bulb_k;
        let mut op = DryCoolerOperation {
            heat_rejected_w: 0.0,
            t_water_out_k: t_water_in_k,
            coil_air,
            t_air_out_k: t_air,
            air_flow_kg_s: air_flow,
            fan_speed: speed,
            fan_power_w: self.fan.power_w(fan_speed),
            water_evaporated_kg_s: 0.0,
            precooling_active: false,
            ua_w_k: 0.0,
            effectiveness: 0.0,
        };
        if !(water_flow_kg_s > 0.0 && air_flow > 0.0) {
            return op;
        }
        let ua = self.fouling_factor * self.coil.ua_w_k(water_flow_kg_s, air_flow);
        let c_water = water_flow_kg_s * mean_specific_heat_j_kg_k(fluid, t_water_in_k, t_air);
        let c_air = air_flow * psychrometrics::specific_heat_j_kg_k(coil_air.humidity_ratio);
        let (c_min, c_max) = (c_water.min(c_air), c_water.max(c_air));
        let effectiveness = self.arrangement.effectiveness(ua / c_min, c_min / c_max);
        let heat = effectiveness * c_min * (t_water_in_k - t_air);
        op.heat_rejected_w = heat;
        op.t_water_out_k = fluid.temperature_from_enthalpy_k(
            fluid.enthalpy_j_kg(t_water_in_k) - heat / water_flow_kg_s,
        );
        op.t_air_out_k = t_air + heat / c_air;
        op.ua_w_k = ua;
        op.effectiveness = effectiveness;
        op
    }

    /// The fan speed at which the water leaves at `target_k`, by Brent's method on the speed over
    /// [0, 1] (the leaving temperature falls as the speed rises). For a controller's
    /// feed-forward; see [`FanSpeedSolution`] for the cases where the target is out of reach.
    pub fn fan_speed_for(
        &self,
        fluid: &Fluid,
        t_water_in_k: f64,
        water_flow_kg_s: f64,
        ambient: MoistAir,
        target_k: f64,
    ) -> FanSpeedSolution {
        let (coil_air, _) = self.coil_air(ambient, 1.0);
        let leaving = |s: f64| {
            let op = self.coil_duty(fluid, t_water_in_k, water_flow_kg_s, coil_air, s);
            self.cycled(fluid, t_water_in_k, water_flow_kg_s, s, op)
                .t_water_out_k
        };
        let air_colder = coil_air.dry_bulb_k.partial_cmp(&t_water_in_k) == Some(Ordering::Less);
        // A target that is no temperature (NaN) asks for no cooling.
        if !air_colder || target_k.is_nan() {
            return FanSpeedSolution {
                speed: 0.0,
                reachable: false,
                t_water_out_k: t_water_in_k,
            };
        }
        // Below the minimum speed the fans cycle, so any lighter duty down to zero is reachable.
        let s_min = 0.0;
        let (t_at_min, t_at_max) = (leaving(s_min), leaving(1.0));
        if t_at_max > target_k {
            return FanSpeedSolution {
                speed: 1.0,
                reachable: false,
                t_water_out_k: t_at_max,
            };
        }
        if t_at_min <= target_k {
            return FanSpeedSolution {
                speed: s_min,
                reachable: t_at_min == target_k,
                t_water_out_k: t_at_min,
            };
        }
        let speed = fan_speed_root(|s| leaving(s) - target_k, s_min, 1.0, SPEED_TOLERANCE);
        FanSpeedSolution {
            speed,
            reachable: true,
            t_water_out_k: leaving(speed),
        }
    }

    /// The factor on this bank ([`DryCooler::scaled`]: as many times its coils and fans) that,
    /// fans at full speed, brings `water_flow_kg_s` of `fluid` from `t_water_in_k` to
    /// `target_k` in `ambient` air: what a design day asks of a dry cooler. Brent's method on
    /// the factor's logarithm, over which the leaving water falls smoothly from the inlet
    /// (no coil) toward the air at the coil (endless coils). `Some(0.0)` for water arriving
    /// no warmer than the target; `None` where no bank will do: the air reaching the coil (after
    /// the pads, if they are wetted) is not colder than the target.
    pub fn scale_for(
        &self,
        fluid: &Fluid,
        t_water_in_k: f64,
        water_flow_kg_s: f64,
        ambient: MoistAir,
        target_k: f64,
    ) -> Option<f64> {
        if !(t_water_in_k > target_k && water_flow_kg_s > 0.0) {
            return Some(0.0);
        }
        let (coil_air, _) = self.coil_air(ambient, 1.0);
        // A NaN air temperature does no cooling either.
        if coil_air.dry_bulb_k.partial_cmp(&target_k) != Some(Ordering::Less) {
            return None;
        }
        let excess_k = |ln_factor: f64| {
            let bank = self.scaled(ln_factor.exp());
            let op = bank.operate(fluid, t_water_in_k, water_flow_kg_s, ambient, 1.0);
            op.t_water_out_k - target_k
        };
        // Bracket the root by doublings from the bank as it is; 2^±60 is far past any plant.
        let (mut lo, mut hi) = (0.0, 0.0);
        while excess_k(hi) > 0.0 {
            hi += std::f64::consts::LN_2;
            if hi > 60.0 * std::f64::consts::LN_2 {
                return None;
            }
        }
        while excess_k(lo) <= 0.0 {
            lo -= std::f64::consts::LN_2;
            // Water a hair above the target: a bank 2^-60 of this one already does.
            if lo < -60.0 * std::f64::consts::LN_2 {
                return Some(0.0);
            }
        }
        let mut convergency = roots::SimpleConvergency {
            eps: SCALE_TOLERANCE,
            max_iter: 200,
        };
        let ln_factor = roots::find_root_brent(lo, hi, excess_k, &mut convergency).ok()?;
        Some(ln_factor.exp())
    }
}

/// Resolution of [`DryCooler::scale_for`] on the factor's logarithm [-]: 1e-12 relative.
const SCALE_TOLERANCE: f64 = 1e-12;

/// The root of `excess_k(speed)` (leaving minus target temperature, falling with the speed)
/// between `lo` and `hi`, where it changes sign: Brent's method (bracketing like bisection,
/// superlinear on the smooth stretches, where bisection to 1e-12 takes 40 evaluations). The
/// callers check the sign change first; without one (it cannot happen then) the midpoint.
pub(crate) fn fan_speed_root(
    excess_k: impl FnMut(f64) -> f64,
    lo: f64,
    hi: f64,
    tolerance: f64,
) -> f64 {
    let mut convergency = roots::SimpleConvergency {
        eps: tolerance,
        max_iter: 200,
    };
    roots::find_root_brent(lo, hi, excess_k, &mut convergency).unwrap_or(0.5 * (lo + hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(t_c: f64) -> f64 {
        t_c + 273.15
    }

    /// A 500 kW unit: 12 kg/s of water, 60 kg/s of air, 12 kW of fans, UA 60 kW/K.
    fn unit() -> DryCooler {
        DryCooler::new(60e3, 12.0, 60.0, 12e3).unwrap()
    }

    fn air(t_c: f64, rh: f64) -> MoistAir {
        Psychrometrics::default().air_from_relative_humidity(k(t_c), rh)
    }

    /// A bank of 3 coils carrying 3 times one coil's water rejects 3 times its heat, draws 3
    /// times its fan power and evaporates 3 times its water, leaving at the same temperature
    /// (to round-off), at any fan speed, pads wet or dry.
    #[test]
    fn a_bank_of_n_coils_is_n_coils() {
        let water = Fluid::water();
        let one = unit().with_precooling(AdiabaticPrecooling::default());
        let three = one.scaled(3.0);
        for (speed, t_air) in [(1.0, 35.0), (0.4, 20.0), (0.8, 30.0)] {
            let a = one.operate(&water, k(45.0), 9.0, air(t_air, 0.3), speed);
            let b = three.operate(&water, k(45.0), 27.0, air(t_air, 0.3), speed);
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * y.abs().max(1e-9);
            assert!(
                close(b.heat_rejected_w, 3.0 * a.heat_rejected_w),
                "{b:?} vs {a:?}"
            );
            assert!(close(b.fan_power_w, 3.0 * a.fan_power_w));
            assert!(close(
                b.water_evaporated_kg_s,
                3.0 * a.water_evaporated_kg_s
            ));
            assert!((b.t_water_out_k - a.t_water_out_k).abs() < 1e-9);
        }
    }

    /// The bank a design day asks for, inverted from the coil law: at its own rating a coil
    /// needs itself (factor 1, from the rating's effectiveness through ε-NTU back), n times the
    /// water needs n coils, a colder target needs more, air at the coil warmer than the
    /// target needs an endless bank (none), and pads that cool the air below the target make
    /// one possible again (here smaller than at the rating: the pads' air is colder).
    #[test]
    fn the_bank_a_design_day_needs() {
        let water = Fluid::water();
        let design_air = air(28.0, 0.4);
        let rating = DryCoolerRating {
            heat_w: 1.925e6,
            t_water_in_k: k(45.0),
            t_water_out_k: k(34.0),
            ambient: design_air,
            air_flow_kg_s: 1.925e6 / (psychrometrics::specific_heat_j_kg_k(0.0095) * 12.0),
            fan_power_w: 23e3,
        };
        let coil = DryCooler::from_rating(&rating, &water).unwrap();
        let m = coil.coil.rated_flow_1_kg_s;
        let one = coil
            .scale_for(&water, k(45.0), m, design_air, k(34.0))
            .unwrap();
        assert!((one - 1.0).abs() < 1e-9, "{one}");
        let eight = (coil.scale_for(&water, k(45.0), 8.0 * m, design_air, k(34.0))).unwrap();
        assert!((eight - 8.0).abs() < 8e-9, "{eight}");
        let colder = coil
            .scale_for(&water, k(45.0), m, design_air, k(33.0))
            .unwrap();
        assert!(colder > 1.0);
        let back = coil
            .scaled(colder)
            .operate(&water, k(45.0), m, design_air, 1.0);
        assert!((back.t_water_out_k - k(33.0)).abs() < 1e-9);
        assert_eq!(
            coil.scale_for(&water, k(45.0), m, air(37.5, 0.14), k(34.0)),
            None
        );
        let pads = coil.with_precooling(AdiabaticPrecooling::new(0.7, k(26.0)).unwrap());
        let wet = (pads.scale_for(&water, k(45.0), m, air(37.5, 0.14), k(34.0))).unwrap();
        // The pads bring 37.5 °C at 14 % down to 24.5 °C, colder than the rating's 28 °C.
        assert!(wet > 0.5 && wet < 1.0, "{wet}");
        let back = pads
            .scaled(wet)
            .operate(&water, k(45.0), m, air(37.5, 0.14), 1.0);
        assert!((back.t_water_out_k - k(34.0)).abs() < 1e-9);
        assert_eq!(
            coil.scale_for(&water, k(33.0), m, design_air, k(34.0)),
            Some(0.0)
        );
    }

    /// Fans off: zero duty (natural draught neglected), no power, no water; outlet = inlet.
    #[test]
    fn fans_off_give_zero_duty() {
        let water = Fluid::water();
        let dc = unit().with_precooling(AdiabaticPrecooling::default());
        for speed in [0.0, -0.3] {
            let op = dc.operate(&water, k(40.0), 12.0, air(35.0, 0.3), speed);
            assert_eq!(op.heat_rejected_w, 0.0);
            assert_eq!(op.t_water_out_k, k(40.0));
            assert_eq!(op.fan_power_w, 0.0);
            assert_eq!(op.water_evaporated_kg_s, 0.0);
            assert!(!op.precooling_active);
        }
        let no_water = dc.operate(&water, k(40.0), 0.0, air(20.0, 0.5), 1.0);
        assert_eq!(no_water.heat_rejected_w, 0.0);
    }

    /// Power = P_rated·s³; below the minimum speed the fans run at the minimum; above 1 at 1.
    #[test]
    fn fan_cube_law() {
        let fan = Fan::new(12e3, 0.2).unwrap();
        assert!((fan.power_w(0.5) - 12e3 / 8.0).abs() < 1e-9);
        assert!((fan.power_w(1.0) - 12e3).abs() < 1e-9);
        // Below the minimum the fans cycle at it: a quarter of the time at 0.2 for 0.05.
        assert!((fan.power_w(0.05) - 0.25 * 12e3 * 0.008).abs() < 1e-9);
        assert!((fan.power_w(1.7) - 12e3).abs() < 1e-9);
        assert_eq!(fan.power_w(0.0), 0.0);
        assert!((fan.flow_fraction(0.5) - 0.5).abs() < 1e-15);
        // Halving the flow costs an eighth: the affinity laws' point for variable speed.
        assert!((fan.power_w(0.8) / fan.power_w(0.4) - 8.0).abs() < 1e-12);
    }

    /// Energy balance: the water's enthalpy drop equals the air's enthalpy rise, the latter
    /// computed with the psychrometric enthalpy of the air stream.
    #[test]
    fn energy_balance_water_against_air() {
        let water = Fluid::water();
        let glycol = Fluid::from_name("propylene_glycol", Some(0.35)).unwrap();
        let dc = unit().with_precooling(AdiabaticPrecooling::default());
        for (fluid, ambient, speed) in [
            (&water, air(20.0, 0.6), 0.7),
            (&glycol, air(-5.0, 0.8), 0.4),
            (&water, air(35.0, 0.3), 1.0),
        ] {
            let op = dc.operate(fluid, k(42.0), 10.0, ambient, speed);
            let water_side =
                10.0 * (fluid.enthalpy_j_kg(k(42.0)) - fluid.enthalpy_j_kg(op.t_water_out_k));
            let w = op.coil_air.humidity_ratio;
            let air_side = op.air_flow_kg_s
                * (psychrometrics::enthalpy_j_kg(op.t_air_out_k, w)
                    - psychrometrics::enthalpy_j_kg(op.coil_air.dry_bulb_k, w));
            assert!(op.heat_rejected_w > 0.0);
            assert!((water_side - op.heat_rejected_w).abs() < 1e-6 * op.heat_rejected_w);
            assert!((air_side - op.heat_rejected_w).abs() < 1e-6 * op.heat_rejected_w);
            // Second law: the water never leaves colder than the air entering the coil.
            assert!(op.t_water_out_k > op.coil_air.dry_bulb_k);
        }
    }

    /// Pre-cooling at 35 °C, 30 % RH: the coil air is 80 % of the way to the wet bulb, the water
    /// leaves colder, and the water evaporated is ṁ_da·ΔW. The pad is adiabatic: the air's
    /// enthalpy rises exactly by the enthalpy of the liquid water it takes up at the wet bulb
    /// (4186·t_wb J/kg), and its sensible cooling matches the latent heat within 1 % (the
    /// difference is that liquid enthalpy and the vapour's c_p).
    #[test]
    fn precooling_lowers_the_leaving_water() {
        let water = Fluid::water();
        let psy = Psychrometrics::default();
        let ambient = air(35.0, 0.3);
        let dry = unit();
        let wet = unit().with_precooling(AdiabaticPrecooling::default());
        let op_dry = dry.operate(&water, k(40.0), 12.0, ambient, 1.0);
        let op_wet = wet.operate(&water, k(40.0), 12.0, ambient, 1.0);
        assert!(op_wet.precooling_active);
        assert!(op_wet.t_water_out_k < op_dry.t_water_out_k - 1.0);
        let t_wb = psy.wet_bulb_of_k(ambient);
        let expected_t = k(35.0) - 0.8 * (k(35.0) - t_wb);
        assert!((op_wet.coil_air.dry_bulb_k - expected_t).abs() < 1e-12);
        let dw = op_wet.coil_air.humidity_ratio - ambient.humidity_ratio;
        assert!(dw > 0.0);
        assert!((op_wet.water_evaporated_kg_s - 60.0 * dw).abs() < 1e-15);
        let dh = psychrometrics::enthalpy_j_kg(
            op_wet.coil_air.dry_bulb_k,
            op_wet.coil_air.humidity_ratio,
        ) - psychrometrics::enthalpy_j_kg(ambient.dry_bulb_k, ambient.humidity_ratio);
        assert!((dh - dw * 4186.0 * (t_wb - 273.15)).abs() < 1e-6, "{dh}");
        let sensible = psychrometrics::specific_heat_j_kg_k(ambient.humidity_ratio)
            * (ambient.dry_bulb_k - op_wet.coil_air.dry_bulb_k);
        let latent = dw * psychrometrics::latent_heat_j_kg(t_wb);
        assert!(
            (sensible - latent).abs() < 0.01 * latent,
            "{sensible} vs {latent}"
        );
        // Below the switch-on temperature the pads stay dry.
        let cool = wet.operate(&water, k(40.0), 12.0, air(22.0, 0.3), 1.0);
        assert!(!cool.precooling_active && cool.water_evaporated_kg_s == 0.0);
    }

    /// The duty rises strictly with fan speed, from the minimum speed to full speed.
    #[test]
    fn duty_increases_with_speed() {
        let water = Fluid::water();
        let dc = unit();
        let mut last = 0.0;
        for i in 0..=40 {
            let s = 0.2 + 0.8 * i as f64 / 40.0;
            let q = dc
                .operate(&water, k(40.0), 12.0, air(25.0, 0.5), s)
                .heat_rejected_w;
            assert!(q > last, "{s}: {q} ≤ {last}");
            last = q;
        }
    }

    /// Fouling lowers UA by its factor and the duty with it.
    #[test]
    fn fouling_reduces_duty() {
        let water = Fluid::water();
        let clean = unit().operate(&water, k(40.0), 12.0, air(25.0, 0.5), 1.0);
        let fouled = unit().with_fouling_factor(0.8).unwrap().operate(
            &water,
            k(40.0),
            12.0,
            air(25.0, 0.5),
            1.0,
        );
        assert!((fouled.ua_w_k - 0.8 * clean.ua_w_k).abs() < 1e-9);
        assert!(fouled.heat_rejected_w < clean.heat_rejected_w);
    }

    /// UA at rated flows is the rated UA; at half air flow the air film's conductance falls
    /// by 0.5^0.6 and the overall UA by 1/(0.3 + 0.7·2^0.6).
    #[test]
    fn ua_follows_the_air_flow() {
        let water = Fluid::water();
        let dc = unit();
        let full = dc.operate(&water, k(40.0), 12.0, air(25.0, 0.5), 1.0);
        assert!((full.ua_w_k - 60e3).abs() < 1e-6);
        let half = dc.operate(&water, k(40.0), 12.0, air(25.0, 0.5), 0.5);
        assert!((half.ua_w_k / 60e3 - 1.0 / (0.3 + 0.7 * 2f64.powf(0.6))).abs() < 1e-12);
    }

    /// The speed for a target round-trips; out-of-reach targets are reported.
    #[test]
    fn speed_for_target_round_trips() {
        let water = Fluid::water();
        let dc = unit().with_precooling(AdiabaticPrecooling::default());
        for (ambient, speed) in [
            (air(25.0, 0.5), 0.63),
            (air(35.0, 0.3), 0.35),
            (air(5.0, 0.9), 0.21),
        ] {
            let t_out = dc
                .operate(&water, k(40.0), 12.0, ambient, speed)
                .t_water_out_k;
            let found = dc.fan_speed_for(&water, k(40.0), 12.0, ambient, t_out);
            assert!(found.reachable);
            assert!(
                (found.speed - speed).abs() < 1e-9,
                "{} vs {speed}",
                found.speed
            );
            assert!((found.t_water_out_k - t_out).abs() < 1e-9);
        }
        // Too cold a target: full speed, not reachable.
        let hot_day = dc.fan_speed_for(&water, k(40.0), 12.0, air(35.0, 0.3), k(26.0));
        assert_eq!((hot_day.speed, hot_day.reachable), (1.0, false));
        // A target the minimum speed would overshoot: the fans cycle (a demand below 0.2),
        // and the time-averaged leaving water meets it.
        let cold_day = dc.fan_speed_for(&water, k(40.0), 12.0, air(-10.0, 0.8), k(39.9));
        assert!(cold_day.reachable && cold_day.speed > 0.0 && cold_day.speed < 0.2);
        assert!((cold_day.t_water_out_k - k(39.9)).abs() < 1e-6);
        let op = dc.operate(&water, k(40.0), 12.0, air(-10.0, 0.8), cold_day.speed);
        let on = dc.operate(&water, k(40.0), 12.0, air(-10.0, 0.8), 0.2);
        let duty = cold_day.speed / 0.2;
        assert!((op.heat_rejected_w - duty * on.heat_rejected_w).abs() < 1e-6 * on.heat_rejected_w);
        assert!((op.fan_power_w - duty * on.fan_power_w).abs() < 1e-9);
        // Air warmer than the water: fans off.
        let useless = dc.fan_speed_for(&water, k(20.0), 12.0, air(30.0, 0.9), k(18.0));
        assert_eq!((useless.speed, useless.reachable), (0.0, false));
    }

    /// A data-sheet point reproduces its own duty at its own conditions.
    #[test]
    fn rating_round_trip() {
        let water = Fluid::water();
        let rating = DryCoolerRating {
            heat_w: 500e3,
            t_water_in_k: k(45.0),
            t_water_out_k: k(35.0),
            ambient: air(25.0, 0.4),
            air_flow_kg_s: 60.0,
            fan_power_w: 12e3,
        };
        let dc = DryCooler::from_rating(&rating, &water).unwrap();
        let op = dc.operate(
            &water,
            k(45.0),
            dc.coil.rated_flow_1_kg_s,
            rating.ambient,
            1.0,
        );
        assert!(
            (op.heat_rejected_w - 500e3).abs() < 1e-3,
            "{}",
            op.heat_rejected_w
        );
        assert!((op.t_water_out_k - k(35.0)).abs() < 1e-6);
        // 500 kW over 10 K takes about 12 kg/s of water.
        assert!((dc.coil.rated_flow_1_kg_s - 11.96).abs() < 0.02);
        // Leaving water below the ambient dry bulb is impossible for a dry coil.
        let impossible = DryCoolerRating {
            t_water_out_k: k(24.0),
            ..rating
        };
        assert!(DryCooler::from_rating(&impossible, &water).is_err());
        // 500 kW with 10 kg/s of air cannot be carried off: 10·1.0 kJ/(kg K)·20 K = 200 kW.
        let starved = DryCoolerRating {
            air_flow_kg_s: 10.0,
            ..rating
        };
        assert!(matches!(
            DryCooler::from_rating(&starved, &water),
            Err(DryCoolerError::RatingUnreachable { .. })
        ));
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(matches!(
            DryCooler::new(0.0, 1.0, 1.0, 1.0),
            Err(DryCoolerError::Parameter {
                name: "rated_ua_w_k",
                ..
            })
        ));
        assert!(DryCooler::new(1.0, f64::NAN, 1.0, 1.0).is_err());
        assert!(DryCooler::new(1.0, 1.0, 1.0, -5.0).is_err());
        assert!(unit().with_fouling_factor(0.0).is_err());
        assert!(unit().with_fouling_factor(1.1).is_err());
        assert!(unit().with_min_fan_speed(1.0).is_err());
        assert!(unit().with_air_resistance_share(-0.1).is_err());
        assert!(AdiabaticPrecooling::new(1.2, 298.15).is_err());
        assert!(AdiabaticPrecooling::new(0.8, f64::NAN).is_err());
    }
}
