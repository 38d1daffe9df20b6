//! Moist air at a given barometric pressure: saturation pressure, humidity ratio, dew point,
//! wet bulb, enthalpy, density and specific heat.
//!
//! The formulation is the one of the 2017 ASHRAE Handbook — Fundamentals, chapter 1
//! ("Psychrometrics"), the same PsychroLib implements:
//! * saturation pressure over liquid water: Eq. (6), the Hyland–Wexler (1983) correlation,
//!   stated valid 0–200 °C and within 300 ppm of the tabulated values; below 0 °C it gives the
//!   pressure over supercooled water (the convention of relative humidity, and what a wet pad or
//!   a wet-bulb wick holds). Over ice: Eq. (5), [`saturation_pressure_over_ice_pa`];
//! * humidity ratio W = 0.621945·p_w/(p − p_w): Eq. (20), ideal-gas mixing without the
//!   enhancement factor f ≈ 1.004, so W at saturation is about 0.4 % below Table 2;
//! * enthalpy h = 1006·t + W·(2 501 000 + 1860·t) [J/kg dry air], t in °C: Eq. (30)–(32),
//!   zero for dry air at 0 °C and liquid water at 0 °C;
//! * wet bulb: the psychrometric equation (33), adiabatic saturation with liquid water at the
//!   wet-bulb temperature, solved for t* by a bracketed root search;
//! * specific volume v = R_da·T·(1 + 1.607858·W)/p: Eq. (28).
//!
//! Humidity ratios are per kilogram of dry air, and so are enthalpy and specific heat: a coil or
//! a tower moves a dry-air mass flow whose water content changes.

/// Standard sea-level pressure [Pa].
pub const STANDARD_PRESSURE_PA: f64 = 101_325.0;

/// Lowest accepted barometric pressure [Pa]: about 5 000 m above sea level, higher than any
/// datacenter site.
pub const MIN_PRESSURE_PA: f64 = 50_000.0;

/// Highest accepted barometric pressure [Pa]: above any weather at the lowest dry land
/// (the Dead Sea shore, −430 m, about 106.5 kPa).
pub const MAX_PRESSURE_PA: f64 = 120_000.0;

/// Ratio of the molar masses of water and dry air, 18.015268 / 28.966 (ASHRAE 2017 Eq. 20).
pub const MOLAR_MASS_RATIO: f64 = 0.621_945;

/// Specific heat of dry air [J/(kg·K)] (ASHRAE 2017 Eq. 30, constant over −50…110 °C).
pub const DRY_AIR_SPECIFIC_HEAT_J_KG_K: f64 = 1006.0;

/// Specific heat of water vapour [J/(kg·K)] (ASHRAE 2017 Eq. 31).
pub const VAPOUR_SPECIFIC_HEAT_J_KG_K: f64 = 1860.0;

/// Specific heat of liquid water in the psychrometric equation [J/(kg·K)] (ASHRAE 2017 Eq. 33).
pub const LIQUID_SPECIFIC_HEAT_J_KG_K: f64 = 4186.0;

/// Enthalpy of saturated water vapour at 0 °C relative to liquid water at 0 °C [J/kg]
/// (ASHRAE 2017 Eq. 31).
pub const VAPOUR_ENTHALPY_0C_J_KG: f64 = 2_501_000.0;

/// Gas constant of dry air [J/(kg·K)] (ASHRAE 2017 Eq. 28: 0.287042 kJ/(kg·K)).
pub const DRY_AIR_GAS_CONSTANT_J_KG_K: f64 = 287.042;

/// Ratio of the gas constants of vapour and dry air, 1/[`MOLAR_MASS_RATIO`]
/// (ASHRAE 2017 Eq. 28).
const GAS_CONSTANT_RATIO: f64 = 1.607_858;

/// 0 °C in kelvin.
const ZERO_CELSIUS_K: f64 = 273.15;

/// Lower end of the root searches [K] (−100 °C, the lower end of ASHRAE's formulations).
const SEARCH_FLOOR_K: f64 = 173.15;

/// Temperature resolution of the root searches [K]: far below any sensor, and small enough that
/// the solution is a smooth function of its inputs for an ODE solver.
const SOLVE_TOLERANCE_K: f64 = 1e-10;

/// ASHRAE 2017 Eq. (6), ln p_ws over liquid water: C8…C13.
const WATER: [f64; 6] = [
    -5.800_220_6e3,
    1.391_499_3,
    -4.864_023_9e-2,
    4.176_476_8e-5,
    -1.445_209_3e-8,
    6.545_967_3,
];

/// ASHRAE 2017 Eq. (5), ln p_ws over ice: C1…C7.
const ICE: [f64; 7] = [
    -5.674_535_9e3,
    6.392_524_7,
    -9.677_843_0e-3,
    6.221_570_1e-7,
    2.074_782_5e-9,
    -9.484_024_0e-13,
    4.163_501_9,
];

/// Why a barometric pressure or altitude cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum PsychrometricsError {
    /// The pressure is outside the accepted range.
    #[error("barometric pressure {value} Pa is outside {MIN_PRESSURE_PA}..={MAX_PRESSURE_PA} Pa")]
    Pressure {
        /// The value given [Pa].
        value: f64,
    },
    /// The altitude gives a pressure outside the accepted range.
    #[error(
        "altitude {value} m gives a standard pressure outside {MIN_PRESSURE_PA}..={MAX_PRESSURE_PA} Pa"
    )]
    Altitude {
        /// The value given [m].
        value: f64,
    },
}

/// Saturation pressure of water vapour over liquid water [Pa] at `t_k` (ASHRAE 2017 Eq. 6,
/// Hyland–Wexler). Below 0 °C: over supercooled water.
pub fn saturation_pressure_pa(t_k: f64) -> f64 {
    ln_saturation_pressure(t_k).exp()
}

/// Saturation pressure of water vapour over ice [Pa] at `t_k` (ASHRAE 2017 Eq. 5,
/// −100…0 °C): for frost points.
pub fn saturation_pressure_over_ice_pa(t_k: f64) -> f64 {
    let [c1, c2, c3, c4, c5, c6, c7] = ICE;
    let t = t_k;
    (c1 / t + c2 + t * (c3 + t * (c4 + t * (c5 + t * c6))) + c7 * t.ln()).exp()
}

/// ln(p_ws / Pa) over liquid water.
fn ln_saturation_pressure(t_k: f64) -> f64 {
    let [c8, c9, c10, c11, c12, c13] = WATER;
    let t = t_k;
    c8 / t + c9 + t * (c10 + t * (c11 + t * c12)) + c13 * t.ln()
}

/// d ln(p_ws) / dT [1/K] over liquid water.
fn ln_saturation_pressure_slope(t_k: f64) -> f64 {
    let [c8, _, c10, c11, c12, c13] = WATER;
    let t = t_k;
    -c8 / (t * t) + c10 + t * (2.0 * c11 + 3.0 * c12 * t) + c13 / t
}

/// Enthalpy of moist air [J/kg dry air] at `t_k` and humidity ratio `w` [kg/kg dry air]
/// (ASHRAE 2017 Eq. 32; zero for dry air and liquid water at 0 °C).
pub fn enthalpy_j_kg(t_k: f64, w: f64) -> f64 {
    let t_c = t_k - ZERO_CELSIUS_K;
    DRY_AIR_SPECIFIC_HEAT_J_KG_K * t_c
        + w * (VAPOUR_ENTHALPY_0C_J_KG + VAPOUR_SPECIFIC_HEAT_J_KG_K * t_c)
}

/// Temperature [K] of moist air of enthalpy `h_j_kg` [J/kg dry air] and humidity ratio `w`
/// (the exact inverse of [`enthalpy_j_kg`], which is linear in t).
pub fn temperature_from_enthalpy_k(h_j_kg: f64, w: f64) -> f64 {
    ZERO_CELSIUS_K + (h_j_kg - w * VAPOUR_ENTHALPY_0C_J_KG) / specific_heat_j_kg_k(w)
}

/// Isobaric specific heat of moist air of humidity ratio `w` [J/(K·kg dry air)]:
/// c_p,a + W·c_p,v, the slope of [`enthalpy_j_kg`] at constant W.
pub fn specific_heat_j_kg_k(w: f64) -> f64 {
    DRY_AIR_SPECIFIC_HEAT_J_KG_K + w * VAPOUR_SPECIFIC_HEAT_J_KG_K
}

/// Latent heat of vaporisation of water at `t_k` [J/kg]: h_g − h_f = 2 501 000 − 2326·t[°C],
/// the value the ASHRAE enthalpy (Eq. 32) and psychrometric equation (Eq. 33) imply, so that
/// evaporation figures stay consistent with them. Within 0.2 % of the IAPWS-95 steam tables
/// over 0–60 °C.
pub fn latent_heat_j_kg(t_k: f64) -> f64 {
    let t_c = t_k - ZERO_CELSIUS_K;
    VAPOUR_ENTHALPY_0C_J_KG - (LIQUID_SPECIFIC_HEAT_J_KG_K - VAPOUR_SPECIFIC_HEAT_J_KG_K) * t_c
}

/// The state of a moist-air stream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MoistAir {
    /// Dry-bulb temperature [K].
    pub dry_bulb_k: f64,
    /// Humidity ratio [kg water vapour / kg dry air].
    pub humidity_ratio: f64,
}

/// Psychrometric relations at a fixed barometric pressure (a site's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Psychrometrics {
    /// Barometric pressure [Pa].
    pub pressure_pa: f64,
}

impl Default for Psychrometrics {
    /// Standard sea-level pressure.
    fn default() -> Self {
        Psychrometrics {
            pressure_pa: STANDARD_PRESSURE_PA,
        }
    }
}

impl Psychrometrics {
    /// Relations at barometric pressure `pressure_pa` in
    /// [`MIN_PRESSURE_PA`]..=[`MAX_PRESSURE_PA`].
    pub fn new(pressure_pa: f64) -> Result<Self, PsychrometricsError> {
        if (MIN_PRESSURE_PA..=MAX_PRESSURE_PA).contains(&pressure_pa) {
            Ok(Psychrometrics { pressure_pa })
        } else {
            Err(PsychrometricsError::Pressure { value: pressure_pa })
        }
    }

    /// Relations at the standard-atmosphere pressure of `altitude_m` above sea level:
    /// p = 101 325·(1 − 2.25577·10⁻⁵·Z)^5.2559 Pa (ASHRAE 2017 Eq. 3).
    pub fn at_altitude(altitude_m: f64) -> Result<Self, PsychrometricsError> {
        let base = 1.0 - 2.255_77e-5 * altitude_m;
        let pressure_pa = STANDARD_PRESSURE_PA * base.max(0.0).powf(5.2559);
        Psychrometrics::new(pressure_pa)
            .map_err(|_| PsychrometricsError::Altitude { value: altitude_m })
    }

    /// Humidity ratio [kg/kg dry air] of air whose water-vapour partial pressure is `pw_pa`
    /// (< the barometric pressure) (ASHRAE 2017 Eq. 20).
    pub fn humidity_ratio_from_vapour_pressure(&self, pw_pa: f64) -> f64 {
        MOLAR_MASS_RATIO * pw_pa / (self.pressure_pa - pw_pa)
    }

    /// Water-vapour partial pressure [Pa] of air of humidity ratio `w` (inverse of Eq. 20).
    pub fn vapour_pressure_pa(&self, w: f64) -> f64 {
        self.pressure_pa * w / (MOLAR_MASS_RATIO + w)
    }

    /// Humidity ratio of saturated air at `t_k` [kg/kg dry air], over liquid water.
    pub fn saturation_humidity_ratio(&self, t_k: f64) -> f64 {
        self.humidity_ratio_from_vapour_pressure(saturation_pressure_pa(t_k))
    }

    /// Enthalpy of saturated air at `t_k` [J/kg dry air]: the driving potential of Merkel's
    /// cooling-tower theory.
    pub fn saturated_enthalpy_j_kg(&self, t_k: f64) -> f64 {
        enthalpy_j_kg(t_k, self.saturation_humidity_ratio(t_k))
    }

    /// Humidity ratio of air at `t_k` with relative humidity `rh` (fraction 0–1, over liquid
    /// water).
    pub fn humidity_ratio_from_relative_humidity(&self, t_k: f64, rh: f64) -> f64 {
        self.humidity_ratio_from_vapour_pressure(rh * saturation_pressure_pa(t_k))
    }

    /// Relative humidity (fraction, over liquid water) of air at `t_k` with humidity ratio `w`.
    pub fn relative_humidity(&self, t_k: f64, w: f64) -> f64 {
        self.vapour_pressure_pa(w) / saturation_pressure_pa(t_k)
    }

    /// Humidity ratio of air whose dew point (over liquid water) is `t_dew_k`.
    pub fn humidity_ratio_from_dew_point(&self, t_dew_k: f64) -> f64 {
        self.saturation_humidity_ratio(t_dew_k)
    }

    /// Dew point [K] (over liquid water) of air with humidity ratio `w`: the temperature at
    /// which p_ws equals the vapour pressure, by Newton's method on ln p_ws (which is increasing
    /// and nearly linear in 1/T) kept inside a bracket. Dry air (`w` ≤ 0) has none: −∞.
    pub fn dew_point_k(&self, w: f64) -> f64 {
        if w.is_nan() {
            return f64::NAN;
        }
        if w <= 0.0 {
            return f64::NEG_INFINITY;
        }
        let target = self.vapour_pressure_pa(w).ln();
        let residual = |t: f64| ln_saturation_pressure(t) - target;
        // The bracket covers every vapour pressure below the barometric one (boiling point
        // below 110 °C for p ≤ 120 kPa); below the floor extend it downwards.
        let mut lo = SEARCH_FLOOR_K;
        while residual(lo) > 0.0 && lo > 20.0 {
            lo *= 0.5;
        }
        let mut hi = 400.0;
        let mut t = ZERO_CELSIUS_K.clamp(lo, hi);
        for _ in 0..100 {
            let r = residual(t);
            if r > 0.0 {
                hi = t;
            } else {
                lo = t;
            }
            let mut next = t - r / ln_saturation_pressure_slope(t);
            if !(next > lo && next < hi) {
                next = 0.5 * (lo + hi);
            }
            let step = (next - t).abs();
            t = next;
            if step < SOLVE_TOLERANCE_K {
                break;
            }
        }
        t
    }

    /// Humidity ratio of air at `t_k` whose thermodynamic wet-bulb temperature is `t_wb_k`:
    /// the psychrometric equation (ASHRAE 2017 Eq. 33, liquid water at the wet bulb),
    /// W = ((h_fg0 − (c_w − c_pv)·t*)·W_s* − c_pa·(t − t*)) / (h_fg0 + c_pv·t − c_w·t*).
    /// Read along the adiabatic-saturation line, it is also the humidity ratio of air that an
    /// evaporative pad has cooled to `t_k` from air of wet bulb `t_wb_k`.
    pub fn humidity_ratio_from_wet_bulb(&self, t_k: f64, t_wb_k: f64) -> f64 {
        let t = t_k - ZERO_CELSIUS_K;
        let t_star = t_wb_k - ZERO_CELSIUS_K;
        let ws_star = self.saturation_humidity_ratio(t_wb_k);
        let numerator = (VAPOUR_ENTHALPY_0C_J_KG
            - (LIQUID_SPECIFIC_HEAT_J_KG_K - VAPOUR_SPECIFIC_HEAT_J_KG_K) * t_star)
            * ws_star
            - DRY_AIR_SPECIFIC_HEAT_J_KG_K * (t - t_star);
        let denominator = VAPOUR_ENTHALPY_0C_J_KG + VAPOUR_SPECIFIC_HEAT_J_KG_K * t
            - LIQUID_SPECIFIC_HEAT_J_KG_K * t_star;
        numerator / denominator
    }

    /// Thermodynamic wet-bulb temperature [K] of air at `t_k` with humidity ratio `w`: the root
    /// t* of [`Psychrometrics::humidity_ratio_from_wet_bulb`]`(t_k, t*) = w`. That function
    /// increases with t*, and the root lies between the dew point and the dry bulb (at the dry
    /// bulb W = W_s(t) ≥ w; at the dew point W ≤ w; both reversed for supersaturated air), so an
    /// Illinois (modified regula falsi) search on that bracket always converges.
    pub fn wet_bulb_k(&self, t_k: f64, w: f64) -> f64 {
        if t_k.is_nan() || w.is_nan() {
            return f64::NAN;
        }
        let dew = self.dew_point_k(w).max(SEARCH_FLOOR_K);
        let (lo, hi) = if dew <= t_k { (dew, t_k) } else { (t_k, dew) };
        solve_increasing(|t| self.humidity_ratio_from_wet_bulb(t_k, t) - w, lo, hi)
    }

    /// Wet-bulb temperature [K] of `air`.
    pub fn wet_bulb_of_k(&self, air: MoistAir) -> f64 {
        self.wet_bulb_k(air.dry_bulb_k, air.humidity_ratio)
    }

    /// Specific volume [m³/kg dry air] of moist air at `t_k` and humidity ratio `w`
    /// (ASHRAE 2017 Eq. 28).
    pub fn specific_volume_m3_kg(&self, t_k: f64, w: f64) -> f64 {
        DRY_AIR_GAS_CONSTANT_J_KG_K * t_k * (1.0 + GAS_CONSTANT_RATIO * w) / self.pressure_pa
    }

    /// Density of moist air [kg moist air/m³] at `t_k` and humidity ratio `w`: (1 + W)/v
    /// (ASHRAE 2017 Eq. 29).
    pub fn density_kg_m3(&self, t_k: f64, w: f64) -> f64 {
        (1.0 + w) / self.specific_volume_m3_kg(t_k, w)
    }

    /// Moist air at `t_k` with relative humidity `rh` (fraction 0–1).
    pub fn air_from_relative_humidity(&self, t_k: f64, rh: f64) -> MoistAir {
        MoistAir {
            dry_bulb_k: t_k,
            humidity_ratio: self.humidity_ratio_from_relative_humidity(t_k, rh),
        }
    }

    /// Moist air at `t_k` with wet bulb `t_wb_k`.
    pub fn air_from_wet_bulb(&self, t_k: f64, t_wb_k: f64) -> MoistAir {
        MoistAir {
            dry_bulb_k: t_k,
            humidity_ratio: self.humidity_ratio_from_wet_bulb(t_k, t_wb_k),
        }
    }
}

/// Root of an increasing `f` in [lo, hi] by the Illinois method (regula falsi that halves the
/// weight of an end point kept twice), converging superlinearly without leaving the bracket.
/// An end point is returned if `f` does not change sign.
fn solve_increasing(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    let (mut f_lo, mut f_hi) = (f(lo), f(hi));
    if f_lo >= 0.0 {
        return lo;
    }
    if f_hi <= 0.0 {
        return hi;
    }
    let mut kept = 0_i8; // −1: lo was kept last time, +1: hi was.
    let mut x = lo;
    for _ in 0..200 {
        let mut next = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        let step = (next - x).abs();
        x = next;
        let fx = f(x);
        if fx == 0.0 || step < SOLVE_TOLERANCE_K || hi - lo < SOLVE_TOLERANCE_K {
            break;
        }
        if fx < 0.0 {
            lo = x;
            f_lo = fx;
            if kept == 1 {
                f_hi *= 0.5;
            }
            kept = 1;
        } else {
            hi = x;
            f_hi = fx;
            if kept == -1 {
                f_lo *= 0.5;
            }
            kept = -1;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(t_c: f64) -> f64 {
        t_c + ZERO_CELSIUS_K
    }

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs()
    }

    /// ASHRAE 2017 Fundamentals ch. 1, Table 3 (saturation pressure over liquid water).
    /// ASHRAE states Eq. (6) reproduces the table within 300 ppm.
    #[test]
    fn saturation_pressure_matches_ashrae_table_3() {
        for (t_c, table_pa) in [
            (5.0, 872.6),
            (25.0, 3169.7),
            (50.0, 12_351.3),
            (100.0, 101_418.0),
        ] {
            let p = saturation_pressure_pa(k(t_c));
            assert!(rel(p, table_pa) < 3e-4, "{t_c} °C: {p} vs {table_pa}");
        }
    }

    /// ASHRAE 2017 Table 3 below 0 °C is over ice (Eq. 5), same 300 ppm claim.
    #[test]
    fn ice_saturation_pressure_matches_ashrae_table_3() {
        for (t_c, table_pa) in [(-20.0, 103.24), (-5.0, 401.74)] {
            let p = saturation_pressure_over_ice_pa(k(t_c));
            assert!(rel(p, table_pa) < 3e-4, "{t_c} °C: {p} vs {table_pa}");
        }
        // Over supercooled water the pressure is higher than over ice.
        assert!(saturation_pressure_pa(k(-5.0)) > saturation_pressure_over_ice_pa(k(-5.0)));
    }

    /// ASHRAE 2017 Table 2 at 101.325 kPa, 25 °C: W_s = 0.020173, h_s = 76.504 kJ/kg.
    /// The table includes the enhancement factor f ≈ 1.004 that Eq. (20) omits, so W_s is
    /// about 0.4 % low; 0.5 % is allowed on both.
    #[test]
    fn saturated_air_matches_ashrae_table_2() {
        let psy = Psychrometrics::default();
        let ws = psy.saturation_humidity_ratio(k(25.0));
        assert!(rel(ws, 0.020_173) < 5e-3, "{ws}");
        let hs = psy.saturated_enthalpy_j_kg(k(25.0));
        assert!(rel(hs, 76_504.0) < 5e-3, "{hs}");
    }

    /// ASHRAE 2017 Fundamentals ch. 1, Example 1: 40 °C dry bulb, 20 °C wet bulb at
    /// 101.325 kPa → W = 0.0065, h = 56.7 kJ/kg, RH = 14 %, v = 0.896 m³/kg, t_d = 7 °C.
    /// The handbook rounds and takes W_s* from Table 2 (with the enhancement factor): W is
    /// allowed 1.5·10⁻⁴ (its last digit plus the 0.8 % the factor makes in W), h 0.1 kJ/kg,
    /// RH one point, v 0.5 %, dew point 0.5 K.
    #[test]
    fn ashrae_example_1() {
        let psy = Psychrometrics::default();
        let w = psy.humidity_ratio_from_wet_bulb(k(40.0), k(20.0));
        assert!((w - 0.0065).abs() < 1.5e-4, "{w}");
        let h = enthalpy_j_kg(k(40.0), w);
        assert!((h - 56_700.0).abs() < 100.0, "{h}");
        let rh = psy.relative_humidity(k(40.0), w);
        assert!((rh - 0.14).abs() < 0.01, "{rh}");
        let v = psy.specific_volume_m3_kg(k(40.0), w);
        assert!(rel(v, 0.896) < 5e-3, "{v}");
        let td = psy.dew_point_k(w);
        assert!((td - k(7.0)).abs() < 0.5, "{td}");
        // Back to the wet bulb from the humidity ratio.
        assert!((psy.wet_bulb_k(k(40.0), w) - k(20.0)).abs() < 1e-8);
    }

    /// 30 °C dry bulb, 50 % RH at 101 325 Pa: ASHRAE psychrometric chart No. 1 reads a wet
    /// bulb of 22.0 °C; 0.1 K is the chart's reading resolution.
    #[test]
    fn wet_bulb_at_30c_50_percent() {
        let psy = Psychrometrics::default();
        let w = psy.humidity_ratio_from_relative_humidity(k(30.0), 0.5);
        let twb = psy.wet_bulb_k(k(30.0), w);
        assert!((twb - k(22.0)).abs() < 0.1, "{}", twb - ZERO_CELSIUS_K);
        // The wet bulb satisfies the psychrometric equation to the solver's tolerance.
        assert!((psy.humidity_ratio_from_wet_bulb(k(30.0), twb) - w).abs() < 1e-12);
    }

    /// RH → W → RH, dew point → W → dew point, wet bulb → W → wet bulb over a grid that spans
    /// winter to desert air and two site altitudes.
    #[test]
    fn round_trips() {
        for psy in [
            Psychrometrics::default(),
            Psychrometrics::at_altitude(1500.0).unwrap(),
        ] {
            for t_c in [-15.0, 0.0, 12.0, 25.0, 35.0, 45.0] {
                for rh in [0.02, 0.2, 0.5, 0.8, 1.0] {
                    let t = k(t_c);
                    let w = psy.humidity_ratio_from_relative_humidity(t, rh);
                    assert!((psy.relative_humidity(t, w) - rh).abs() < 1e-12);
                    let td = psy.dew_point_k(w);
                    assert!((psy.humidity_ratio_from_dew_point(td) - w).abs() < 1e-12 * (1.0 + w));
                    assert!(td <= t + 1e-9, "dew point above dry bulb");
                    let twb = psy.wet_bulb_k(t, w);
                    assert!(twb >= td - 1e-9 && twb <= t + 1e-9, "{t_c} {rh}: {twb}");
                    let back = psy.humidity_ratio_from_wet_bulb(t, twb);
                    assert!((back - w).abs() < 1e-11, "{t_c} {rh}: {back} vs {w}");
                    let h = enthalpy_j_kg(t, w);
                    assert!((temperature_from_enthalpy_k(h, w) - t).abs() < 1e-9);
                }
            }
        }
    }

    /// Saturated air: wet bulb = dew point = dry bulb. Perfectly dry air still has a finite
    /// wet bulb below the dry bulb.
    #[test]
    fn wet_bulb_limits() {
        let psy = Psychrometrics::default();
        let t = k(28.0);
        let ws = psy.saturation_humidity_ratio(t);
        assert!((psy.wet_bulb_k(t, ws) - t).abs() < 1e-8);
        assert!((psy.dew_point_k(ws) - t).abs() < 1e-8);
        let dry = psy.wet_bulb_k(t, 0.0);
        assert!(dry < t - 10.0 && dry > k(0.0), "{dry}");
        assert!(psy.humidity_ratio_from_wet_bulb(t, dry).abs() < 1e-12);
        assert_eq!(psy.dew_point_k(0.0), f64::NEG_INFINITY);
        assert!(psy.wet_bulb_k(f64::NAN, 0.01).is_nan());
    }

    /// ASHRAE 2017 Table 1 (standard atmosphere): 95 461 Pa at 500 m, 89 875 Pa at 1000 m,
    /// given to the pascal.
    #[test]
    fn standard_atmosphere() {
        for (z, p) in [(0.0, 101_325.0), (500.0, 95_461.0), (1000.0, 89_875.0)] {
            let psy = Psychrometrics::at_altitude(z).unwrap();
            assert!(
                (psy.pressure_pa - p).abs() < 1.0,
                "{z} m: {}",
                psy.pressure_pa
            );
        }
        assert!(matches!(
            Psychrometrics::at_altitude(9000.0),
            Err(PsychrometricsError::Altitude { .. })
        ));
    }

    /// ASHRAE 2017 Table 2: dry air at 25 °C has v = 0.8443 m³/kg (table to 4 digits; Eq. 28
    /// is ideal gas, within 0.1 %). Moist air is lighter than dry air at the same T and p.
    #[test]
    fn density() {
        let psy = Psychrometrics::default();
        let rho = psy.density_kg_m3(k(25.0), 0.0);
        assert!(rel(rho, 1.0 / 0.8443) < 1e-3, "{rho}");
        assert!(psy.density_kg_m3(k(25.0), 0.015) < rho);
    }

    /// Specific heat is the slope of the enthalpy; the latent heat matches IAPWS-95 steam
    /// tables (2500.9, 2453.5, 2406.0, 2357.7 kJ/kg at 0, 20, 40, 60 °C) within 0.2 %.
    #[test]
    fn specific_and_latent_heat() {
        let w = 0.012;
        let slope = (enthalpy_j_kg(k(30.5), w) - enthalpy_j_kg(k(29.5), w)) / 1.0;
        assert!((slope - specific_heat_j_kg_k(w)).abs() < 1e-9);
        for (t_c, table) in [
            (0.0, 2_500_900.0),
            (20.0, 2_453_500.0),
            (40.0, 2_406_000.0),
            (60.0, 2_357_700.0),
        ] {
            assert!(rel(latent_heat_j_kg(k(t_c)), table) < 2e-3, "{t_c}");
        }
    }

    #[test]
    fn rejects_bad_pressure() {
        for p in [f64::NAN, 0.0, -1.0, 30_000.0, 2e5, f64::INFINITY] {
            assert!(matches!(
                Psychrometrics::new(p),
                Err(PsychrometricsError::Pressure { .. })
            ));
        }
    }
}
