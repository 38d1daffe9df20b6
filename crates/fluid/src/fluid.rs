//! [`Fluid`]: a coolant of fixed composition with its property polynomials.

use crate::coefficients::{
    WATER_CENTER_K, WATER_CONDUCTIVITY, WATER_DENSITY, WATER_LN_VISCOSITY, WATER_SCALE_K,
    WATER_SPECIFIC_HEAT,
};
use crate::error::FluidError;
use crate::kind::FluidKind;
use crate::melinder::{Column, ETHYLENE_GLYCOL, MelinderTable, PROPYLENE_GLYCOL};
use crate::polynomial::Polynomial;
use crate::properties::Properties;

/// Smallest accepted glycol mass fraction [-].
pub const GLYCOL_MASS_FRACTION_MIN: f64 = 0.20;
/// Largest accepted glycol mass fraction [-].
pub const GLYCOL_MASS_FRACTION_MAX: f64 = 0.50;
/// Temperature at which [`Fluid::enthalpy_j_kg`] is zero, in K.
pub const ENTHALPY_REFERENCE_K: f64 = 273.15;

/// Lower end of the water range, in K (0 °C).
const WATER_T_MIN_K: f64 = 273.15;
/// Upper end of the water range, in K (150 °C): pressurised district heating runs at
/// 70–130 °C, a heat pump lifting waste heat for a campus may deliver above 90 °C. The water
/// must be held liquid there ([`crate::saturation_temperature_k`]).
const WATER_T_MAX_K: f64 = 423.15;
/// Upper end of the glycols' range, in K (90 °C): Melinder's published range.
const T_MAX_K: f64 = 363.15;
/// Glycols are never used below this temperature, in K (−10 °C).
const GLYCOL_T_FLOOR_K: f64 = 263.15;
/// Glycols are never used closer than this to their freezing point, in K.
const GLYCOL_FREEZE_MARGIN_K: f64 = 3.0;
/// ln(1000): converts Melinder's ln(μ / mPa·s) to ln(μ / Pa·s).
const LN_1000: f64 = 3.0 * std::f64::consts::LN_10;

/// A liquid coolant of fixed composition.
///
/// Every property is a one-dimensional polynomial in temperature (viscosity:
/// the exponential of one) whose coefficients are computed once, in the
/// constructor, for the chosen glycol mass fraction. Evaluating a property
/// therefore costs a handful of multiplications, allocates nothing and does
/// not branch on the fluid kind.
///
/// # Sources
/// * **Water**: least-squares polynomials (degree 8, see `coefficients.rs`)
///   fitted to CoolProp's `HEOS::Water` at 10 bar, i.e. IAPWS-95 (density,
///   c_p), IAPWS 2008 (viscosity) and IAPWS 2011 (conductivity); worst
///   deviation from those formulations below 0.01 % over the valid range.
///   The liquid is taken as incompressible: between 1 and 16 bar its density
///   moves by under 0.07 %.
/// * **Propylene / ethylene glycol–water**: the published double polynomials
///   of Melinder (2010), *Properties of Secondary Working Fluids for Indirect
///   Systems* (IIR), exactly as CoolProp's `INCOMP::MPG` / `INCOMP::MEG`.
///
/// # Valid range
/// * Water: 273.15 K–423.15 K (0–150 °C), liquid where the loop's pressure
///   keeps it so ([`crate::saturation_temperature_k`]).
/// * Glycols: `max(263.15 K, T_freeze(x) + 3 K)` to 363.15 K, with `T_freeze`
///   Melinder's freezing point. Propylene glycol: 268.98 K at x = 0.20,
///   266.36 K at 0.25, 263.36 K at 0.30, 263.15 K from x ≈ 0.303 up.
///   Ethylene glycol: 268.20 K at 0.20, 265.18 K at 0.25, 263.15 K from
///   x ≈ 0.279 up.
///
/// # Outside the valid range
/// Density, heat capacity, viscosity and conductivity are evaluated at the
/// temperature clamped to [`Fluid::valid_range_k`], so they stay finite and
/// positive for any finite (or infinite) input. Consistently, the enthalpy is
/// extended linearly with the heat capacity at the nearest end of the range,
/// so `dh/dT = c_p` holds everywhere and [`Fluid::temperature_from_enthalpy_k`]
/// inverts it for any enthalpy. A NaN temperature gives NaN.
#[derive(Debug, Clone, PartialEq)]
pub struct Fluid {
    kind: FluidKind,
    mass_fraction: f64,
    t_min_k: f64,
    t_max_k: f64,
    freezing_point_k: f64,
    density: Polynomial,
    specific_heat: Polynomial,
    ln_viscosity: Polynomial,
    conductivity: Polynomial,
    /// Antiderivative of `specific_heat` with respect to T [J/kg].
    enthalpy: Polynomial,
    /// `enthalpy` at [`ENTHALPY_REFERENCE_K`].
    enthalpy_offset: f64,
    /// Enthalpy [J/kg] and c_p [J/(kg·K)] at the lower end of the range.
    h_min: f64,
    cp_min: f64,
    /// Enthalpy [J/kg] and c_p [J/(kg·K)] at the upper end of the range.
    h_max: f64,
    cp_max: f64,
}

impl Fluid {
    /// Pure water.
    pub fn water() -> Fluid {
        let poly = |c: &[f64]| Polynomial::new(c, WATER_CENTER_K, WATER_SCALE_K);
        Fluid::assemble(
            FluidKind::Water,
            0.0,
            (WATER_T_MIN_K, WATER_T_MAX_K),
            WATER_T_MIN_K,
            [
                poly(&WATER_DENSITY),
                poly(&WATER_SPECIFIC_HEAT),
                poly(&WATER_LN_VISCOSITY),
                poly(&WATER_CONDUCTIVITY),
            ],
        )
    }

    /// A fluid of the given kind and glycol mass fraction (kg glycol per kg
    /// mixture).
    ///
    /// # Errors
    /// * [`FluidError::WaterWithGlycol`] if `kind` is water and the fraction
    ///   is not `0.0`.
    /// * [`FluidError::MassFractionOutOfRange`] if `kind` is a glycol and the
    ///   fraction is outside `0.20..=0.50` (or NaN).
    pub fn new(kind: FluidKind, glycol_mass_fraction: f64) -> Result<Fluid, FluidError> {
        let x = glycol_mass_fraction;
        let table = match kind {
            FluidKind::Water if x == 0.0 => return Ok(Fluid::water()),
            FluidKind::Water => return Err(FluidError::WaterWithGlycol { value: x }),
            FluidKind::PropyleneGlycol => &PROPYLENE_GLYCOL,
            FluidKind::EthyleneGlycol => &ETHYLENE_GLYCOL,
        };
        if !(GLYCOL_MASS_FRACTION_MIN..=GLYCOL_MASS_FRACTION_MAX).contains(&x) {
            return Err(FluidError::MassFractionOutOfRange {
                kind,
                value: x,
                min: GLYCOL_MASS_FRACTION_MIN,
                max: GLYCOL_MASS_FRACTION_MAX,
            });
        }
        Ok(Fluid::glycol(kind, table, x))
    }

    /// A fluid by name: `"water"`, `"propylene_glycol"` or
    /// `"ethylene_glycol"` (surrounding whitespace and ASCII case ignored).
    /// Water accepts `None` or `Some(0.0)`; glycols need `Some(x)` with
    /// `x` in `0.20..=0.50`.
    ///
    /// # Errors
    /// [`FluidError::UnknownName`] (its message lists the accepted names),
    /// [`FluidError::MissingMassFraction`], or the errors of [`Fluid::new`].
    pub fn from_name(name: &str, glycol_mass_fraction: Option<f64>) -> Result<Fluid, FluidError> {
        let kind = FluidKind::from_name(name)?;
        match (kind, glycol_mass_fraction) {
            (FluidKind::Water, None) => Ok(Fluid::water()),
            (_, Some(x)) => Fluid::new(kind, x),
            (_, None) => Err(FluidError::MissingMassFraction {
                kind,
                min: GLYCOL_MASS_FRACTION_MIN,
                max: GLYCOL_MASS_FRACTION_MAX,
            }),
        }
    }

    fn glycol(kind: FluidKind, table: &MelinderTable, x: f64) -> Fluid {
        let poly = |column| {
            Polynomial::new(
                &table.temperature_polynomial(column, x),
                table.t_mean_k,
                1.0,
            )
        };
        let mut ln_viscosity = table.temperature_polynomial(Column::LnViscosityMpaS, x);
        ln_viscosity[0] -= LN_1000;
        let freezing_point_k = table.freezing_point_k(x);
        let t_min_k = GLYCOL_T_FLOOR_K.max(freezing_point_k + GLYCOL_FREEZE_MARGIN_K);
        Fluid::assemble(
            kind,
            x,
            (t_min_k, T_MAX_K),
            freezing_point_k,
            [
                poly(Column::Density),
                poly(Column::SpecificHeat),
                Polynomial::new(&ln_viscosity, table.t_mean_k, 1.0),
                poly(Column::Conductivity),
            ],
        )
    }

    /// Builds the fluid and precomputes the enthalpy constants.
    fn assemble(
        kind: FluidKind,
        mass_fraction: f64,
        (t_min_k, t_max_k): (f64, f64),
        freezing_point_k: f64,
        [density, specific_heat, ln_viscosity, conductivity]: [Polynomial; 4],
    ) -> Fluid {
        let enthalpy = specific_heat.antiderivative();
        let mut fluid = Fluid {
            kind,
            mass_fraction,
            t_min_k,
            t_max_k,
            freezing_point_k,
            density,
            specific_heat,
            ln_viscosity,
            conductivity,
            enthalpy,
            enthalpy_offset: 0.0,
            h_min: enthalpy.eval(t_min_k),
            cp_min: specific_heat.eval(t_min_k),
            h_max: enthalpy.eval(t_max_k),
            cp_max: specific_heat.eval(t_max_k),
        };
        // Shift so that h(ENTHALPY_REFERENCE_K) = 0, whether or not the
        // reference lies inside the valid range.
        let offset = fluid.enthalpy_j_kg(ENTHALPY_REFERENCE_K);
        fluid.enthalpy_offset = offset;
        fluid.h_min -= offset;
        fluid.h_max -= offset;
        fluid
    }

    /// The coolant family.
    pub fn kind(&self) -> FluidKind {
        self.kind
    }

    /// Glycol mass fraction [-] (0.0 for water).
    pub fn glycol_mass_fraction(&self) -> f64 {
        self.mass_fraction
    }

    /// Human-readable name: `"water"`, or the kind and the mass fraction in
    /// per cent, e.g. `"propylene_glycol 30 %"`, `"ethylene_glycol 32.5 %"`.
    pub fn name(&self) -> String {
        match self.kind {
            FluidKind::Water => self.kind.name().to_string(),
            kind => {
                let percent = (self.mass_fraction * 1000.0).round() / 10.0;
                format!("{} {percent} %", kind.name())
            }
        }
    }

    /// Temperature range `(min, max)`, in K, in which the correlations apply.
    pub fn valid_range_k(&self) -> (f64, f64) {
        (self.t_min_k, self.t_max_k)
    }

    /// Where this coolant boils at the gauge pressure `gauge_pa` [Pa] of its loop's vessel
    /// [K]: water's saturation temperature at that pressure; `None` for the glycols, which
    /// their published range (to 90 °C) keeps far below boiling at any loop's pressure.
    pub fn boiling_point_k(&self, gauge_pa: f64) -> Option<f64> {
        match self.kind {
            FluidKind::Water => Some(crate::saturation_temperature_k(
                gauge_pa + crate::ATMOSPHERE_PA,
            )),
            _ => None,
        }
    }

    /// Freezing point (K): 273.15 K for water, Melinder's correlation for the
    /// glycols. It lies below [`Fluid::valid_range_k`].
    pub fn freezing_point_k(&self) -> f64 {
        self.freezing_point_k
    }

    #[inline]
    fn clamp(&self, t_k: f64) -> f64 {
        t_k.clamp(self.t_min_k, self.t_max_k)
    }

    /// Density [kg/m³] at `t_k` in K (clamped to the valid range).
    #[inline]
    pub fn density_kg_m3(&self, t_k: f64) -> f64 {
        self.density.eval(self.clamp(t_k))
    }

    /// Isobaric specific heat capacity [J/(kg·K)] at `t_k` in K (clamped to
    /// the valid range).
    #[inline]
    pub fn specific_heat_j_kg_k(&self, t_k: f64) -> f64 {
        self.specific_heat.eval(self.clamp(t_k))
    }

    /// Dynamic viscosity [Pa·s] at `t_k` in K (clamped to the valid range).
    #[inline]
    pub fn viscosity_pa_s(&self, t_k: f64) -> f64 {
        self.ln_viscosity.eval(self.clamp(t_k)).exp()
    }

    /// Thermal conductivity [W/(m·K)] at `t_k` in K (clamped to the valid
    /// range).
    #[inline]
    pub fn conductivity_w_m_k(&self, t_k: f64) -> f64 {
        self.conductivity.eval(self.clamp(t_k))
    }

    /// All four properties at `t_k` in K (clamped to the valid range).
    #[inline]
    pub fn properties(&self, t_k: f64) -> Properties {
        let t = self.clamp(t_k);
        Properties {
            density_kg_m3: self.density.eval(t),
            specific_heat_j_kg_k: self.specific_heat.eval(t),
            viscosity_pa_s: self.ln_viscosity.eval(t).exp(),
            conductivity_w_m_k: self.conductivity.eval(t),
        }
    }

    /// Specific enthalpy [J/kg] relative to [`ENTHALPY_REFERENCE_K`]
    /// (273.15 K), `h(T) = ∫ c_p dT`, from the analytic integral of the c_p
    /// polynomial. Outside the valid range it continues linearly with the
    /// c_p at the nearest end of the range.
    #[inline]
    pub fn enthalpy_j_kg(&self, t_k: f64) -> f64 {
        if t_k < self.t_min_k {
            self.h_min + self.cp_min * (t_k - self.t_min_k)
        } else if t_k > self.t_max_k {
            self.h_max + self.cp_max * (t_k - self.t_max_k)
        } else {
            self.enthalpy.eval(t_k) - self.enthalpy_offset
        }
    }

    /// As [`Fluid::temperature_from_enthalpy_k`], starting Newton from `guess_k` (e.g. the
    /// flow-weighted mean temperature of streams being mixed, within millikelvin of the answer):
    /// one or two steps instead of a search over the whole range. Falls back to the full search
    /// if the guess is outside the valid range or Newton does not settle in four steps.
    pub fn temperature_from_enthalpy_near_k(&self, h_j_kg: f64, guess_k: f64) -> f64 {
        let inside = guess_k > self.t_min_k
            && guess_k < self.t_max_k
            && h_j_kg > self.h_min
            && h_j_kg < self.h_max;
        if !inside {
            return self.temperature_from_enthalpy_k(h_j_kg);
        }
        let mut t = guess_k;
        for _ in 0..4 {
            let residual = self.enthalpy.eval(t) - self.enthalpy_offset - h_j_kg;
            let step = residual / self.specific_heat.eval(t);
            t -= step;
            if step.abs() <= 1e-12 * t {
                return t;
            }
        }
        self.temperature_from_enthalpy_k(h_j_kg)
    }

    /// Temperature (K) at which [`Fluid::enthalpy_j_kg`] equals `h_j_kg`.
    ///
    /// Exact in the linear extensions; inside the valid range a Newton
    /// iteration (derivative c_p) from a linear-interpolation guess, kept
    /// inside a shrinking bracket with bisection as fallback. It converges to
    /// machine precision in three to five steps. NaN gives NaN.
    pub fn temperature_from_enthalpy_k(&self, h_j_kg: f64) -> f64 {
        const MAX_ITERATIONS: usize = 60;
        if h_j_kg.is_nan() {
            return f64::NAN;
        }
        if h_j_kg <= self.h_min {
            return self.t_min_k + (h_j_kg - self.h_min) / self.cp_min;
        }
        if h_j_kg >= self.h_max {
            return self.t_max_k + (h_j_kg - self.h_max) / self.cp_max;
        }
        let (mut lo, mut hi) = (self.t_min_k, self.t_max_k);
        let mut t = lo + (h_j_kg - self.h_min) / (self.h_max - self.h_min) * (hi - lo);
        for _ in 0..MAX_ITERATIONS {
            let residual = self.enthalpy.eval(t) - self.enthalpy_offset - h_j_kg;
            if residual > 0.0 {
                hi = t;
            } else {
                lo = t;
            }
            let mut next = t - residual / self.specific_heat.eval(t);
            if !(lo..=hi).contains(&next) {
                next = 0.5 * (lo + hi);
            }
            let converged = (next - t).abs() <= 1e-13 * t;
            t = next;
            if converged || hi - lo <= 1e-13 * t {
                break;
            }
        }
        t
    }
}
