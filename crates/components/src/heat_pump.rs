//! A water-to-water heat pump, or the same machine run as a chiller: its COP from a Carnot fraction
//! with approach temperatures (or from a COP map), its capacity and part load, and a bank of
//! identical units staged on demand.
//!
//! The refrigerant evaporates below the leaving source water and condenses above the leaving sink
//! water:
//!
//! T_evap = T_source,out − ΔT_evap,approach, T_cond = T_sink,out + ΔT_cond,approach,
//!
//! COP_heating = η·T_cond / (T_cond − T_evap), COP_cooling = η·T_evap / (T_cond − T_evap).
//!
//! The Carnot fraction η may depend on the lift T_cond − T_evap (see [`CarnotFraction`]). Energy
//! is conserved by construction: Q_cond = Q_evap + P_el (the compressor's losses end in the
//! refrigerant, hence in the condenser water).
//!
//! Capacity: a unit delivers up to its rated useful duty (condenser heat when heating, evaporator
//! heat when cooling) at any temperatures (the capacity's own temperature dependence is not
//! modelled), modulates down to its minimum part-load ratio and cycles off below it. A
//! [`HeatPumpBank`] runs the fewest of its identical units that carry the demand, at equal load.
//!
//! Everything here is a pure function of the leaving temperatures and the demanded duty: in the
//! transient simulation the condenser heat goes (positive) into the sink water's
//! [`crate::volume::MixingVolume`] and the evaporator heat is taken (negative) from the source
//! water's; the leaving temperatures are those volumes' temperatures.

/// Smallest refrigerant lift T_cond − T_evap used in the COP [K]. Compressors need a minimum
/// pressure ratio (about 1.3 for oil return and bearing loads of screw and centrifugal machines),
/// which for R134a and R1234ze(E) near 30 °C is 9–10 K of saturation temperature (CoolProp); it
/// also keeps the Carnot COP finite when the source runs warmer than the sink.
pub const MIN_LIFT_K: f64 = 10.0;

/// Smallest Carnot fraction the lift-dependent law may return [-]: keeps the electric power finite
/// if a fitted slope is extrapolated to absurd lifts.
pub const MIN_CARNOT_FRACTION: f64 = 0.05;

/// Default minimum part-load ratio [-]. MW-scale screw and centrifugal compressors unload (slide
/// valve, inlet guide vanes, variable speed) to about 20–30 % of rated capacity before oil return,
/// surge or the speed range stop them; below it the unit cycles off. 0.25 is the middle.
pub const DEFAULT_MIN_PART_LOAD: f64 = 0.25;

/// Largest accepted minimum part-load ratio [-]: at most one half, so that n units at equal load
/// can carry any demand between one unit's minimum and the bank's capacity (going from n − 1 to
/// n units drops each unit's load to no less than (n − 1)/n ≥ 1/2 of rated).
pub const MAX_MIN_PART_LOAD: f64 = 0.5;

/// Lowest evaporator leaving water temperature by default [K]: 4 °C, the freeze protection of
/// water chillers and water-source heat pumps (their leaving-water or low-pressure cut-out). A
/// glycol loop may be allowed lower ([`HeatPump::with_evaporator_limit`]).
pub const DEFAULT_MIN_EVAPORATOR_LEAVING_K: f64 = 277.15;

/// Band above that limit over which the capacity is unloaded to zero [K]: the capacity limiting
/// of a unit's controls (inverter, slide valve, hot-gas bypass) that acts before its cut-out
/// trips. Linear in the leaving temperature, so the duty stays continuous for the integrator.
pub const DEFAULT_EVAPORATOR_UNLOADING_BAND_K: f64 = 2.0;

/// Why heat-pump data cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HeatPumpError {
    /// A Carnot fraction outside (0, 1].
    #[error("the Carnot fraction at the reference lift must be in (0, 1], got {0}")]
    CarnotFraction(f64),
    /// A reference lift that is not positive.
    #[error("the reference lift must be a positive temperature difference [K], got {0}")]
    ReferenceLift(f64),
    /// A slope of the Carnot fraction that is not finite.
    #[error("the slope of the Carnot fraction over the lift must be finite [1/K], got {0}")]
    Slope(f64),
    /// A negative or non-finite approach temperature.
    #[error("the {which} approach must be a finite temperature difference ≥ 0 [K], got {value}")]
    Approach {
        /// Which approach: "evaporator" or "condenser".
        which: &'static str,
        /// The value given [K].
        value: f64,
    },
    /// A rated capacity that is not positive.
    #[error("the rated capacity must be positive [W], got {0}")]
    Capacity(f64),
    /// A minimum part-load ratio outside [0, 0.5].
    #[error("the minimum part-load ratio must be in [0, {MAX_MIN_PART_LOAD}], got {0}")]
    MinPartLoad(f64),
    /// An evaporator limit that is not a temperature, or a negative band.
    #[error(
        "the evaporator limit needs a leaving temperature > 0 K and an unloading band ≥ 0 K, got \
         {min_leaving_k} K and {band_k} K"
    )]
    EvaporatorLimit {
        /// Lowest leaving temperature given [K].
        min_leaving_k: f64,
        /// Band given [K].
        band_k: f64,
    },
    /// A part-load degradation coefficient outside [0, 1).
    #[error("the part-load degradation coefficient must be in [0, 1), got {0}")]
    Degradation(f64),
    /// A COP map axis with fewer than two temperatures.
    #[error("the COP map's {axis} axis needs at least 2 temperatures, found {found}")]
    MapTooFewPoints {
        /// "source" or "sink".
        axis: &'static str,
        /// Number of temperatures given.
        found: usize,
    },
    /// A COP map axis whose temperatures do not increase strictly (or are not finite).
    #[error("the COP map's {axis} temperatures must increase strictly (entry {index} does not)")]
    MapNotIncreasing {
        /// "source" or "sink".
        axis: &'static str,
        /// Index of the offending entry (0-based).
        index: usize,
    },
    /// A COP map whose table does not have one row per source and one column per sink temperature.
    #[error("the COP map needs {rows}×{columns} values (source × sink), row {row} has {found}")]
    MapShape {
        /// Expected rows (source temperatures).
        rows: usize,
        /// Expected columns (sink temperatures).
        columns: usize,
        /// The first row that does not fit (equal to `rows` if rows are missing or extra).
        row: usize,
        /// Its length (or the number of rows when `row == rows`).
        found: usize,
    },
    /// A COP that is not positive and finite.
    #[error("COP map entry ({row}, {column}) must be positive and finite, got {value}")]
    MapCop {
        /// Source-temperature index.
        row: usize,
        /// Sink-temperature index.
        column: usize,
        /// The value given.
        value: f64,
    },
    /// A bank of no units.
    #[error("a heat-pump bank needs at least one unit")]
    NoUnits,
}

/// What the machine is run for: which duty is the useful one and which Carnot COP applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Heat pump: the useful duty is the condenser heat, COP = Q_cond / P_el.
    Heating,
    /// Chiller: the useful duty is the evaporator heat, COP = Q_evap / P_el.
    Cooling,
}

/// Fraction η of the Carnot COP a real cycle reaches, linear in the refrigerant lift:
/// η(ΔT) = η_ref + s·(ΔT − ΔT_ref), held in [[`MIN_CARNOT_FRACTION`], 1].
///
/// With s = 0 it is the classic constant Carnot fraction (0.45–0.6 for large water-to-water
/// machines). A negative s says what a real vapour-compression cycle does at fixed compressor
/// efficiency: its throttling and de-superheating losses grow with the lift, so it comes closer
/// to Carnot at small lifts (for R1234ze(E) with η_is = 0.75, TESPy gives η = 0.581 at 53 K and
/// 0.615 at 33 K; `tests/tests/tespy_heat_pump.rs`). The linear law is the first-order expansion of
/// those losses about the reference lift; the upper bound 1 is the second law.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CarnotFraction {
    /// η at the reference lift [-], in (0, 1].
    at_reference: f64,
    /// Reference lift T_cond − T_evap [K].
    reference_lift_k: f64,
    /// Change of η per kelvin of lift [1/K].
    slope_per_k: f64,
}

impl CarnotFraction {
    /// A Carnot fraction that does not depend on the lift.
    pub fn constant(eta: f64) -> Result<CarnotFraction, HeatPumpError> {
        CarnotFraction::lift_dependent(eta, 1.0, 0.0)
    }

    /// η = `at_reference` + `slope_per_k`·(ΔT_lift − `reference_lift_k`).
    pub fn lift_dependent(
        at_reference: f64,
        reference_lift_k: f64,
        slope_per_k: f64,
    ) -> Result<CarnotFraction, HeatPumpError> {
        if !(at_reference > 0.0 && at_reference <= 1.0) {
            return Err(HeatPumpError::CarnotFraction(at_reference));
        }
        if !(reference_lift_k > 0.0 && reference_lift_k.is_finite()) {
            return Err(HeatPumpError::ReferenceLift(reference_lift_k));
        }
        if !slope_per_k.is_finite() {
            return Err(HeatPumpError::Slope(slope_per_k));
        }
        Ok(CarnotFraction {
            at_reference,
            reference_lift_k,
            slope_per_k,
        })
    }

    /// η at the reference lift [-].
    pub fn at_reference(&self) -> f64 {
        self.at_reference
    }

    /// The reference lift [K].
    pub fn reference_lift_k(&self) -> f64 {
        self.reference_lift_k
    }

    /// dη/dΔT_lift [1/K].
    pub fn slope_per_k(&self) -> f64 {
        self.slope_per_k
    }

    /// η at refrigerant lift `lift_k` [-].
    pub fn at(&self, lift_k: f64) -> f64 {
        let eta = self.at_reference + self.slope_per_k * (lift_k - self.reference_lift_k);
        eta.clamp(MIN_CARNOT_FRACTION, 1.0)
    }
}

/// A manufacturer's COP table over leaving source and leaving sink water temperatures,
/// interpolated bilinearly and held at the edge values outside the grid (a table is not
/// extrapolated). The COP is that of the unit's [`Mode`] at full load.
#[derive(Debug, Clone, PartialEq)]
pub struct CopMap {
    /// Leaving source-water temperatures [K], strictly increasing.
    source_leaving_k: Vec<f64>,
    /// Leaving sink-water temperatures [K], strictly increasing.
    sink_leaving_k: Vec<f64>,
    /// COP [-]: `cop[i][j]` at `source_leaving_k[i]`, `sink_leaving_k[j]`.
    cop: Vec<Vec<f64>>,
}

impl CopMap {
    /// A map from its axes and one row of COPs per source temperature (one value per sink
    /// temperature in each row).
    pub fn new(
        source_leaving_k: Vec<f64>,
        sink_leaving_k: Vec<f64>,
        cop: Vec<Vec<f64>>,
    ) -> Result<CopMap, HeatPumpError> {
        check_axis("source", &source_leaving_k)?;
        check_axis("sink", &sink_leaving_k)?;
        let (rows, columns) = (source_leaving_k.len(), sink_leaving_k.len());
        if cop.len() != rows {
            return Err(HeatPumpError::MapShape {
                rows,
                columns,
                row: rows,
                found: cop.len(),
            });
        }
        for (row, values) in cop.iter().enumerate() {
            if values.len() != columns {
                return Err(HeatPumpError::MapShape {
                    rows,
                    columns,
                    row,
                    found: values.len(),
                });
            }
            if let Some((column, &value)) = values
                .iter()
                .enumerate()
                .find(|(_, v)| !(**v > 0.0 && v.is_finite()))
            {
                return Err(HeatPumpError::MapCop { row, column, value });
            }
        }
        Ok(CopMap {
            source_leaving_k,
            sink_leaving_k,
            cop,
        })
    }

    /// The COP at leaving source `t_source_k` and leaving sink `t_sink_k` [-].
    pub fn cop(&self, t_source_k: f64, t_sink_k: f64) -> f64 {
        let (i, wi) = bracket(&self.source_leaving_k, t_source_k);
        let (j, wj) = bracket(&self.sink_leaving_k, t_sink_k);
        let c = &self.cop;
        let low = c[i][j] + wj * (c[i][j + 1] - c[i][j]);
        let high = c[i + 1][j] + wj * (c[i + 1][j + 1] - c[i + 1][j]);
        low + wi * (high - low)
    }
}

fn check_axis(axis: &'static str, temps: &[f64]) -> Result<(), HeatPumpError> {
    if temps.len() < 2 {
        return Err(HeatPumpError::MapTooFewPoints {
            axis,
            found: temps.len(),
        });
    }
    if let Some(index) = (0..temps.len())
        .find(|&i| !temps[i].is_finite() || temps[i] <= 0.0 || (i > 0 && temps[i] <= temps[i - 1]))
    {
        return Err(HeatPumpError::MapNotIncreasing { axis, index });
    }
    Ok(())
}

/// The cell of `xs` holding `x` and the weight of its upper end, `x` held within the axis.
fn bracket(xs: &[f64], x: f64) -> (usize, f64) {
    let x = x.clamp(xs[0], xs[xs.len() - 1]);
    let i = xs
        .windows(2)
        .position(|w| x <= w[1])
        .unwrap_or(xs.len() - 2);
    (i, (x - xs[i]) / (xs[i + 1] - xs[i]))
}

/// Where the COP comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum CopModel {
    /// A Carnot fraction of the Carnot COP between the refrigerant temperatures.
    Carnot {
        /// The Carnot fraction, possibly lift-dependent.
        carnot_fraction: CarnotFraction,
        /// Leaving source water minus evaporating temperature [K] (typically 2–5 K).
        evaporator_approach_k: f64,
        /// Condensing minus leaving sink water temperature [K] (typically 2–5 K).
        condenser_approach_k: f64,
        /// Whether the approaches are those at full load and scale with the part-load ratio
        /// (ΔT = ΔT_nominal·Q/Q_nominal, as Modelica Buildings' Carnot heat pumps), rather than
        /// fixed.
        approaches_scale_with_load: bool,
    },
    /// A COP table.
    Map(CopMap),
}

impl CopModel {
    /// A Carnot-fraction model, its approaches checked.
    pub fn carnot(
        carnot_fraction: CarnotFraction,
        evaporator_approach_k: f64,
        condenser_approach_k: f64,
    ) -> Result<CopModel, HeatPumpError> {
        for (which, value) in [
            ("evaporator", evaporator_approach_k),
            ("condenser", condenser_approach_k),
        ] {
            if !(value >= 0.0 && value.is_finite()) {
                return Err(HeatPumpError::Approach { which, value });
            }
        }
        Ok(CopModel::Carnot {
            carnot_fraction,
            evaporator_approach_k,
            condenser_approach_k,
            approaches_scale_with_load: false,
        })
    }

    /// The same model with its approaches those at full load, scaled by the part-load ratio:
    /// a heat exchanger's temperature difference follows its heat at a given UA. Both sides
    /// scale with the part-load ratio, the condenser's exactly (its heat is the useful duty in
    /// heating) and the evaporator's to within its heat's share of the condenser's, which
    /// moves with the COP by a few per cent between part loads. A COP map is returned as is.
    pub fn with_load_scaled_approaches(self) -> CopModel {
        match self {
            CopModel::Carnot {
                carnot_fraction,
                evaporator_approach_k,
                condenser_approach_k,
                ..
            } => CopModel::Carnot {
                carnot_fraction,
                evaporator_approach_k,
                condenser_approach_k,
                approaches_scale_with_load: true,
            },
            map => map,
        }
    }

    /// Evaporating and condensing temperatures [K] for the given leaving water temperatures at
    /// full load (`None` for a COP map, which knows no refrigerant).
    pub fn refrigerant_temperatures_k(
        &self,
        t_source_leaving_k: f64,
        t_sink_leaving_k: f64,
    ) -> Option<(f64, f64)> {
        self.refrigerant_temperatures_at_k(t_source_leaving_k, t_sink_leaving_k, 1.0)
    }

    /// Evaporating and condensing temperatures [K] at part-load ratio `plr` (which scales the
    /// approaches of a model whose approaches scale with load).
    pub fn refrigerant_temperatures_at_k(
        &self,
        t_source_leaving_k: f64,
        t_sink_leaving_k: f64,
        plr: f64,
    ) -> Option<(f64, f64)> {
        match self {
            CopModel::Carnot {
                evaporator_approach_k,
                condenser_approach_k,
                approaches_scale_with_load,
                ..
            } => {
                let load = if *approaches_scale_with_load {
                    plr
                } else {
                    1.0
                };
                Some((
                    t_source_leaving_k - evaporator_approach_k * load,
                    t_sink_leaving_k + condenser_approach_k * load,
                ))
            }
            CopModel::Map(_) => None,
        }
    }

    /// COP of `mode`'s useful duty at part-load ratio `plr` [-] (through the approaches only,
    /// if they scale with load), before part-load degradation and the floor of
    /// [`HeatPump::cop`].
    fn cop(&self, mode: Mode, t_source_leaving_k: f64, t_sink_leaving_k: f64, plr: f64) -> f64 {
        match self {
            CopModel::Carnot {
                carnot_fraction, ..
            } => {
                let (t_evap, t_cond) = self
                    .refrigerant_temperatures_at_k(t_source_leaving_k, t_sink_leaving_k, plr)
                    .expect("a Carnot model has refrigerant temperatures");
                let lift = (t_cond - t_evap).max(MIN_LIFT_K);
                carnot_fraction.at(lift) * carnot_cop(mode, t_cond - lift, t_cond)
            }
            CopModel::Map(map) => map.cop(t_source_leaving_k, t_sink_leaving_k),
        }
    }
}

/// The Carnot COP of `mode` between evaporating `t_evap_k` and condensing `t_cond_k` [-]
/// (the caller keeps t_cond_k > t_evap_k).
pub fn carnot_cop(mode: Mode, t_evap_k: f64, t_cond_k: f64) -> f64 {
    let useful = match mode {
        Mode::Heating => t_cond_k,
        Mode::Cooling => t_evap_k,
    };
    useful / (t_cond_k - t_evap_k)
}

/// How the COP falls at part load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PartLoadDegradation {
    /// The COP does not depend on the part-load ratio (the default: variable-speed machines keep
    /// their full-load COP within a few per cent down to their minimum load).
    None,
    /// The DOE-2 / ASHRAE 116 part-load factor PLF = 1 − C_d·(1 − PLR), COP = PLF·COP_full
    /// (C_d ≈ 0.1–0.25 for unloading by slide valve or cycling).
    Linear {
        /// Degradation coefficient C_d [-], in [0, 1).
        coefficient: f64,
    },
}

impl PartLoadDegradation {
    /// The factor on the full-load COP at part-load ratio `plr` [-].
    pub fn factor(&self, plr: f64) -> f64 {
        match self {
            PartLoadDegradation::None => 1.0,
            PartLoadDegradation::Linear { coefficient } => 1.0 - coefficient * (1.0 - plr),
        }
    }
}

/// One water-to-water heat pump (or chiller).
#[derive(Debug, Clone, PartialEq)]
pub struct HeatPump {
    /// Heating or cooling.
    mode: Mode,
    /// Where the COP comes from.
    cop_model: CopModel,
    /// Rated useful duty [W]: condenser heat when heating, evaporator heat when cooling.
    rated_capacity_w: f64,
    /// Part-load ratio below which the unit cycles off [-].
    min_part_load: f64,
    /// COP at part load.
    part_load: PartLoadDegradation,
    /// Lowest evaporator leaving water temperature [K]: no capacity at or below it.
    min_evaporator_leaving_k: f64,
    /// Band above it over which the capacity unloads linearly [K].
    evaporator_unloading_k: f64,
}

/// What a heat pump or a bank of them does for a demanded duty.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatPumpOperation {
    /// Units running.
    pub units_on: usize,
    /// Part-load ratio of each running unit [-] (0 when off).
    pub part_load_ratio: f64,
    /// Useful duty delivered [W]: the condenser heat when heating, the evaporator heat when
    /// cooling.
    pub heat_w: f64,
    /// Heat given to the sink water [W] (≥ 0).
    pub condenser_heat_w: f64,
    /// Heat taken from the source water [W] (≥ 0).
    pub evaporator_heat_w: f64,
    /// Electric power of the compressors [W].
    pub electric_w: f64,
    /// Delivered duty over electric power [-] (0 when off).
    pub cop: f64,
}

impl HeatPumpOperation {
    /// Nothing runs.
    pub const OFF: HeatPumpOperation = HeatPumpOperation {
        units_on: 0,
        part_load_ratio: 0.0,
        heat_w: 0.0,
        condenser_heat_w: 0.0,
        evaporator_heat_w: 0.0,
        electric_w: 0.0,
        cop: 0.0,
    };
}

impl HeatPump {
    /// A unit of `rated_capacity_w`, cycling off below [`DEFAULT_MIN_PART_LOAD`], with no
    /// part-load degradation.
    pub fn new(
        mode: Mode,
        cop_model: CopModel,
        rated_capacity_w: f64,
    ) -> Result<HeatPump, HeatPumpError> {
        if !(rated_capacity_w > 0.0 && rated_capacity_w.is_finite()) {
            return Err(HeatPumpError::Capacity(rated_capacity_w));
        }
        Ok(HeatPump {
            mode,
            cop_model,
            rated_capacity_w,
            min_part_load: DEFAULT_MIN_PART_LOAD,
            part_load: PartLoadDegradation::None,
            min_evaporator_leaving_k: DEFAULT_MIN_EVAPORATOR_LEAVING_K,
            evaporator_unloading_k: DEFAULT_EVAPORATOR_UNLOADING_BAND_K,
        })
    }

    /// The same unit with no capacity once its evaporator water leaves at `min_leaving_k` or
    /// colder, unloading linearly over `band_k` above it (0: full capacity right down to it, a
    /// step the integrator can only cross by failed steps; keep a band where it can).
    pub fn with_evaporator_limit(
        mut self,
        min_leaving_k: f64,
        band_k: f64,
    ) -> Result<HeatPump, HeatPumpError> {
        if !(min_leaving_k > 0.0
            && min_leaving_k.is_finite()
            && band_k >= 0.0
            && band_k.is_finite())
        {
            return Err(HeatPumpError::EvaporatorLimit {
                min_leaving_k,
                band_k,
            });
        }
        self.min_evaporator_leaving_k = min_leaving_k;
        self.evaporator_unloading_k = band_k;
        Ok(self)
    }

    /// Lowest evaporator leaving temperature [K] and the unloading band above it [K].
    pub fn evaporator_limit(&self) -> (f64, f64) {
        (self.min_evaporator_leaving_k, self.evaporator_unloading_k)
    }

    /// The share of its rated capacity the unit can give with its evaporator water leaving at
    /// `t_evaporator_leaving_k` [-]: 0 at the limit, 1 from the top of the band, linear between.
    pub fn capacity_share(&self, t_evaporator_leaving_k: f64) -> f64 {
        let above = t_evaporator_leaving_k - self.min_evaporator_leaving_k;
        if self.evaporator_unloading_k > 0.0 {
            (above / self.evaporator_unloading_k).clamp(0.0, 1.0)
        } else if above > 0.0 {
            1.0
        } else {
            0.0
        }
    }

    /// The same unit cycling off below part-load ratio `min_part_load`, in [0, 0.5].
    pub fn with_min_part_load(mut self, min_part_load: f64) -> Result<HeatPump, HeatPumpError> {
        if !(0.0..=MAX_MIN_PART_LOAD).contains(&min_part_load) {
            return Err(HeatPumpError::MinPartLoad(min_part_load));
        }
        self.min_part_load = min_part_load;
        Ok(self)
    }

    /// The same unit with part-load degradation `part_load`.
    pub fn with_part_load(
        mut self,
        part_load: PartLoadDegradation,
    ) -> Result<HeatPump, HeatPumpError> {
        if let PartLoadDegradation::Linear { coefficient } = part_load
            && !(0.0..1.0).contains(&coefficient)
        {
            return Err(HeatPumpError::Degradation(coefficient));
        }
        self.part_load = part_load;
        Ok(self)
    }

    /// Heating or cooling.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The COP model.
    pub fn cop_model(&self) -> &CopModel {
        &self.cop_model
    }

    /// Rated useful duty [W].
    pub fn rated_capacity_w(&self) -> f64 {
        self.rated_capacity_w
    }

    /// Part-load ratio below which the unit cycles off [-].
    pub fn min_part_load(&self) -> f64 {
        self.min_part_load
    }

    /// Part-load degradation law.
    pub fn part_load(&self) -> PartLoadDegradation {
        self.part_load
    }

    /// COP of the useful duty [-] at leaving source `t_source_leaving_k`, leaving sink
    /// `t_sink_leaving_k` and part-load ratio `plr`. A heating COP is held at ≥ 1 (the evaporator
    /// cannot give heat back to the source); a cooling COP is positive by construction.
    pub fn cop(&self, t_source_leaving_k: f64, t_sink_leaving_k: f64, plr: f64) -> f64 {
        let cop = self
            .cop_model
            .cop(self.mode, t_source_leaving_k, t_sink_leaving_k, plr)
            * self.part_load.factor(plr);
        match self.mode {
            Mode::Heating => cop.max(1.0),
            Mode::Cooling => cop,
        }
    }

    /// What this unit alone does for `demand_w` of useful duty: off below its minimum part load,
    /// capped at its capacity.
    pub fn operate(
        &self,
        demand_w: f64,
        t_source_leaving_k: f64,
        t_sink_leaving_k: f64,
    ) -> HeatPumpOperation {
        self.operate_units(1, demand_w, t_source_leaving_k, t_sink_leaving_k)
    }

    /// `n_max` such units at equal load: the fewest that carry `demand_w`.
    fn operate_units(
        &self,
        n_max: usize,
        demand_w: f64,
        t_source_leaving_k: f64,
        t_sink_leaving_k: f64,
    ) -> HeatPumpOperation {
        let rated = self.rated_capacity_w;
        // The evaporator's freeze protection unloads each unit.
        let capacity = rated * self.capacity_share(t_source_leaving_k);
        // Written so that a NaN demand also leaves the units off.
        if !(demand_w > 0.0 && demand_w >= self.min_part_load * rated && capacity > 0.0) {
            return HeatPumpOperation::OFF;
        }
        let units = ((demand_w / capacity).ceil() as usize).clamp(1, n_max);
        let delivered = demand_w.min(units as f64 * capacity);
        let plr = delivered / (units as f64 * rated);
        // Unloaded units may run below their minimum part load: at its COP, as a running bank.
        let cop = self.cop(
            t_source_leaving_k,
            t_sink_leaving_k,
            plr.max(self.min_part_load),
        );
        let electric = delivered / cop;
        let (condenser, evaporator) = match self.mode {
            Mode::Heating => (delivered, delivered - electric),
            Mode::Cooling => (delivered + electric, delivered),
        };
        HeatPumpOperation {
            units_on: units,
            part_load_ratio: plr,
            heat_w: delivered,
            condenser_heat_w: condenser,
            evaporator_heat_w: evaporator,
            electric_w: electric,
            cop,
        }
    }
}

/// N identical heat pumps in parallel, staged on demand: the fewest units that can carry the
/// demand run, each at the same part load.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatPumpBank {
    /// The unit every position holds.
    unit: HeatPump,
    /// Number of units installed.
    units: usize,
}

impl HeatPumpBank {
    /// `units` (≥ 1) copies of `unit`.
    pub fn new(unit: HeatPump, units: usize) -> Result<HeatPumpBank, HeatPumpError> {
        if units == 0 {
            return Err(HeatPumpError::NoUnits);
        }
        Ok(HeatPumpBank { unit, units })
    }

    /// The unit.
    pub fn unit(&self) -> &HeatPump {
        &self.unit
    }

    /// Units installed.
    pub fn units(&self) -> usize {
        self.units
    }

    /// Useful duty of all units at full load [W].
    pub fn capacity_w(&self) -> f64 {
        self.units as f64 * self.unit.rated_capacity_w
    }

    /// What the bank does for `demand_w` of useful duty [W] at the given leaving temperatures
    /// [K]: off below one unit's minimum part load, capped at [`Self::capacity_w`].
    pub fn operate(
        &self,
        demand_w: f64,
        t_source_leaving_k: f64,
        t_sink_leaving_k: f64,
    ) -> HeatPumpOperation {
        self.unit
            .operate_units(self.units, demand_w, t_source_leaving_k, t_sink_leaving_k)
    }

    /// What `units_on` running units (a staging controller's choice, held to the installed
    /// number) do for `demand_w` of useful duty [W]: they share it equally up to their
    /// capacity (unloaded as their evaporator water nears its limit). Below the unit's minimum part load they cycle at it, delivering the demand on
    /// average at the minimum part load's COP.
    pub fn operate_running(
        &self,
        units_on: usize,
        demand_w: f64,
        t_source_leaving_k: f64,
        t_sink_leaving_k: f64,
    ) -> HeatPumpOperation {
        let n = units_on.min(self.units);
        // A NaN demand also leaves the units off.
        if n == 0 || demand_w.is_nan() || demand_w <= 0.0 {
            return HeatPumpOperation::OFF;
        }
        let unit = &self.unit;
        let rated = n as f64 * unit.rated_capacity_w;
        let running_capacity = rated * unit.capacity_share(t_source_leaving_k);
        // A NaN source temperature also leaves the units off.
        if running_capacity.is_nan() || running_capacity <= 0.0 {
            return HeatPumpOperation::OFF;
        }
        let delivered = demand_w.min(running_capacity);
        let plr = delivered / rated;
        let cop = unit.cop(
            t_source_leaving_k,
            t_sink_leaving_k,
            plr.max(unit.min_part_load),
        );
        let electric = delivered / cop;
        let (condenser, evaporator) = match unit.mode {
            Mode::Heating => (delivered, delivered - electric),
            Mode::Cooling => (delivered + electric, delivered),
        };
        HeatPumpOperation {
            units_on: n,
            part_load_ratio: plr,
            heat_w: delivered,
            condenser_heat_w: condenser,
            evaporator_heat_w: evaporator,
            electric_w: electric,
            cop,
        }
    }
}

/// The heat that brings condenser water of `fluid`, flowing at `m_kg_s`, from `inlet_k` to the
/// `setpoint_k` [W] (none if it arrives warmer): what a bank's units follow between control
/// steps with their own capacity control, and what its staging follows at them.
pub fn load_to_setpoint_w(
    fluid: &dctwin_fluid::Fluid,
    setpoint_k: f64,
    m_kg_s: f64,
    inlet_k: f64,
) -> f64 {
    let lift_j_kg = fluid.enthalpy_j_kg(setpoint_k) - fluid.enthalpy_j_kg(inlet_k);
    (m_kg_s.abs() * lift_j_kg).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dctwin_fluid::Fluid;

    const C: f64 = 273.15;

    /// Approaches that scale with load are Modelica Buildings' Carnot law, T_cond = T_sink +
    /// ΔT_c·PLR and T_evap = T_source − ΔT_e·PLR, COP = η·T_cond/(T_cond − T_evap) (to
    /// round-off); at full load they are the fixed approaches; at part load the COP is higher.
    #[test]
    fn approaches_that_scale_with_load_follow_the_part_load_ratio() {
        let eta = 0.55;
        let fixed = CopModel::carnot(CarnotFraction::constant(eta).unwrap(), 4.0, 6.0).unwrap();
        let scaled = fixed.clone().with_load_scaled_approaches();
        let (source, sink) = (C + 30.0, C + 70.0);
        for plr in [0.25, 0.5, 0.75, 1.0] {
            let (t_cond, t_evap) = (sink + 6.0 * plr, source - 4.0 * plr);
            let modelica = eta * t_cond / (t_cond - t_evap);
            let cop = scaled.cop(Mode::Heating, source, sink, plr);
            assert!(
                (cop - modelica).abs() < 1e-12 * modelica,
                "{plr}: {cop} vs {modelica}"
            );
            let at_full = fixed.cop(Mode::Heating, source, sink, plr);
            if plr < 1.0 {
                assert!(cop > at_full, "{plr}: {cop} vs {at_full}");
            } else {
                assert_eq!(cop, at_full);
            }
        }
    }

    fn carnot_model(eta: f64) -> CopModel {
        CopModel::carnot(CarnotFraction::constant(eta).unwrap(), 5.0, 5.0).unwrap()
    }

    fn unit(mode: Mode, eta: f64) -> HeatPump {
        HeatPump::new(mode, carnot_model(eta), 1.0e6).unwrap()
    }

    /// The freeze protection: no capacity at the 4 °C limit, half of it 1 K above (middle of
    /// the 2 K band), all of it from 6 °C; a bank asked for more than its unloaded units can
    /// give delivers what they can, in either mode; a unit or a bank with its water at the
    /// limit is off.
    #[test]
    fn evaporator_water_near_its_limit_unloads_the_units() {
        let heating = unit(Mode::Heating, 0.5);
        assert_eq!(heating.capacity_share(4.0 + C), 0.0);
        assert!((heating.capacity_share(5.0 + C) - 0.5).abs() < 1e-12);
        assert_eq!(heating.capacity_share(6.0 + C), 1.0);
        assert_eq!(heating.capacity_share(30.0 + C), 1.0);
        for mode in [Mode::Heating, Mode::Cooling] {
            let bank = HeatPumpBank::new(unit(mode, 0.5), 2).unwrap();
            let op = bank.operate_running(2, 1.5e6, 4.5 + C, 45.0 + C);
            assert!(
                (op.heat_w - 0.5e6).abs() < 1e-6,
                "{mode:?}: {} W",
                op.heat_w
            );
            assert!((op.part_load_ratio - 0.25).abs() < 1e-12);
            let full = bank.operate_running(2, 1.5e6, 8.0 + C, 45.0 + C);
            assert!((full.heat_w - 1.5e6).abs() < 1e-6);
            assert_eq!(
                bank.operate_running(2, 1.5e6, 3.9 + C, 45.0 + C),
                HeatPumpOperation::OFF
            );
            assert_eq!(
                bank.operate(1.5e6, 4.0 + C, 45.0 + C),
                HeatPumpOperation::OFF
            );
            let nan = f64::NAN;
            assert_eq!(
                bank.operate_running(2, 1.5e6, nan, 45.0 + C),
                HeatPumpOperation::OFF
            );
            assert_eq!(bank.operate(1.5e6, nan, 45.0 + C), HeatPumpOperation::OFF);
            // Unloaded to 0.25 of rated, the staging-free bank runs both units.
            let staged = bank.operate(0.4e6, 4.5 + C, 45.0 + C);
            assert_eq!(staged.units_on, 2);
            assert!((staged.heat_w - 0.4e6).abs() < 1e-6);
        }
        // A glycol loop may go lower; a sharp limit has no band.
        let glycol = heating
            .clone()
            .with_evaporator_limit(-6.0 + C, 0.0)
            .unwrap();
        assert_eq!(glycol.capacity_share(-5.9 + C), 1.0);
        assert_eq!(glycol.capacity_share(-6.0 + C), 0.0);
        assert!(heating.clone().with_evaporator_limit(0.0, 2.0).is_err());
        assert!(heating.with_evaporator_limit(C, -1.0).is_err());
    }

    /// With η = 1 the COP is Carnot's between the refrigerant temperatures, in both modes; the
    /// example is the TESPy base point (27 °C / 70 °C: 343.15 / 43 = 7.98 heating).
    #[test]
    fn unit_carnot_fraction_gives_the_carnot_cop() {
        let (t_src, t_sink) = (32.0 + C, 65.0 + C);
        let (te, tc) = (27.0 + C, 70.0 + C);
        let heating = unit(Mode::Heating, 1.0).cop(t_src, t_sink, 1.0);
        assert!((heating - tc / (tc - te)).abs() < 1e-12, "{heating}");
        assert!((heating - 7.980_232_558_139_535).abs() < 1e-9);
        let cooling = unit(Mode::Cooling, 1.0).cop(t_src, t_sink, 1.0);
        assert!((cooling - te / (tc - te)).abs() < 1e-12, "{cooling}");
        // A real machine reaches the fraction η of it.
        let half = unit(Mode::Heating, 0.5).cop(t_src, t_sink, 1.0);
        assert!((half - 0.5 * heating).abs() < 1e-12);
    }

    /// The lift-dependent Carnot fraction follows its line and stays within [MIN, 1].
    #[test]
    fn lift_dependent_fraction_is_linear_and_bounded() {
        let f = CarnotFraction::lift_dependent(0.6, 40.0, -0.002).unwrap();
        assert!((f.at(40.0) - 0.6).abs() < 1e-15);
        assert!((f.at(50.0) - 0.58).abs() < 1e-12);
        assert!((f.at(30.0) - 0.62).abs() < 1e-12);
        assert_eq!(f.at(-1000.0), 1.0);
        assert_eq!(f.at(1000.0), MIN_CARNOT_FRACTION);
    }

    /// Below the minimum lift the COP stops rising: source warmer than sink gives a finite COP.
    #[test]
    fn lift_is_floored() {
        let hp = unit(Mode::Cooling, 1.0);
        let at_floor = hp.cop(40.0 + C, 40.0 + C, 1.0);
        let beyond = hp.cop(60.0 + C, 30.0 + C, 1.0);
        let tc = 45.0 + C;
        assert!((at_floor - (tc - MIN_LIFT_K) / MIN_LIFT_K).abs() < 1e-12);
        assert!(beyond.is_finite() && beyond > 0.0);
    }

    /// Q_cond = Q_evap + P_el in both modes, over loads and temperatures, and COP = useful / P.
    #[test]
    fn energy_balance_holds() {
        for mode in [Mode::Heating, Mode::Cooling] {
            let hp = unit(mode, 0.55)
                .with_part_load(PartLoadDegradation::Linear { coefficient: 0.2 })
                .unwrap();
            for demand in [3.0e5, 6.0e5, 1.0e6, 2.0e6] {
                for (ts, tk) in [(20.0, 60.0), (32.0, 65.0), (12.0, 35.0)] {
                    let op = hp.operate(demand, ts + C, tk + C);
                    let balance = op.condenser_heat_w - op.evaporator_heat_w - op.electric_w;
                    assert!(
                        balance.abs() < 1e-9 * op.condenser_heat_w,
                        "{mode:?} {op:?}"
                    );
                    assert!((op.cop * op.electric_w - op.heat_w).abs() < 1e-6);
                    let useful = match mode {
                        Mode::Heating => op.condenser_heat_w,
                        Mode::Cooling => op.evaporator_heat_w,
                    };
                    assert_eq!(useful, op.heat_w);
                    assert!(op.evaporator_heat_w > 0.0);
                }
            }
        }
    }

    /// The fewest units carry the demand, each at the same part load; a bank delivers what is
    /// asked between one unit's minimum and its capacity.
    #[test]
    fn staging_counts() {
        let bank = HeatPumpBank::new(unit(Mode::Heating, 0.55), 4).unwrap();
        let (ts, tk) = (32.0 + C, 65.0 + C);
        for (demand, units) in [
            (0.25e6, 1),
            (0.9e6, 1),
            (1.0e6, 1),
            (1.01e6, 2),
            (2.0e6, 2),
            (2.5e6, 3),
            (3.99e6, 4),
            (4.0e6, 4),
        ] {
            let op = bank.operate(demand, ts, tk);
            assert_eq!(op.units_on, units, "{demand}");
            assert!((op.heat_w - demand).abs() < 1e-6);
            let plr = demand / (units as f64 * 1.0e6);
            assert!((op.part_load_ratio - plr).abs() < 1e-12);
            assert!(op.part_load_ratio >= bank.unit().min_part_load());
        }
    }

    /// Below one unit's minimum part load nothing runs; above the bank's capacity it delivers its
    /// capacity with every unit at full load.
    #[test]
    fn capacity_cap_and_minimum_load() {
        let bank = HeatPumpBank::new(unit(Mode::Heating, 0.55), 3).unwrap();
        let (ts, tk) = (32.0 + C, 65.0 + C);
        assert_eq!(bank.operate(0.2e6, ts, tk), HeatPumpOperation::OFF);
        assert_eq!(bank.operate(0.0, ts, tk), HeatPumpOperation::OFF);
        assert_eq!(bank.operate(-1.0e6, ts, tk), HeatPumpOperation::OFF);
        assert_eq!(bank.operate(f64::NAN, ts, tk), HeatPumpOperation::OFF);
        assert_eq!(bank.operate(0.25e6, ts, tk).units_on, 1);
        let over = bank.operate(5.0e6, ts, tk);
        assert_eq!(over.units_on, 3);
        assert_eq!(over.heat_w, bank.capacity_w());
        assert_eq!(over.part_load_ratio, 1.0);
        let full = bank.operate(3.0e6, ts, tk);
        assert_eq!(over, full);
    }

    /// Units chosen by a staging controller: with the fewest units that carry the demand it is
    /// [`HeatPumpBank::operate`] exactly; fewer units deliver their capacity; more units share the
    /// demand, and below the minimum part load they cycle (the demand delivered at the minimum
    /// part load's COP); nothing runs with no unit or no demand; the count is held to the bank.
    #[test]
    fn running_units_share_the_demand() {
        let degraded = unit(Mode::Heating, 0.55)
            .with_part_load(PartLoadDegradation::Linear { coefficient: 0.2 })
            .unwrap();
        let bank = HeatPumpBank::new(degraded, 4).unwrap();
        let (ts, tk) = (32.0 + C, 65.0 + C);
        for demand in [0.3e6, 1.5e6, 3.2e6] {
            let op = bank.operate(demand, ts, tk);
            assert_eq!(bank.operate_running(op.units_on, demand, ts, tk), op);
        }
        let short = bank.operate_running(1, 1.5e6, ts, tk);
        assert_eq!(
            (short.units_on, short.heat_w, short.part_load_ratio),
            (1, 1.0e6, 1.0)
        );
        let shared = bank.operate_running(3, 1.5e6, ts, tk);
        assert_eq!(shared.heat_w, 1.5e6);
        assert!((shared.part_load_ratio - 0.5).abs() < 1e-15);
        let cycling = bank.operate_running(4, 0.4e6, ts, tk);
        assert_eq!(cycling.heat_w, 0.4e6);
        assert!((cycling.part_load_ratio - 0.1).abs() < 1e-15);
        assert_eq!(
            cycling.cop,
            bank.unit().cop(ts, tk, bank.unit().min_part_load())
        );
        assert_eq!(bank.operate_running(9, 9e6, ts, tk).units_on, 4);
        assert_eq!(bank.operate_running(0, 1e6, ts, tk), HeatPumpOperation::OFF);
        assert_eq!(
            bank.operate_running(2, f64::NAN, ts, tk),
            HeatPumpOperation::OFF
        );
    }

    /// The PLF law: COP·(1 − C_d·(1 − PLR)); at full load no change.
    #[test]
    fn part_load_degradation_follows_the_plf_law() {
        let plain = unit(Mode::Heating, 0.55);
        let degraded = plain
            .clone()
            .with_part_load(PartLoadDegradation::Linear { coefficient: 0.25 })
            .unwrap();
        let (ts, tk) = (32.0 + C, 65.0 + C);
        let full = plain.cop(ts, tk, 1.0);
        assert_eq!(degraded.cop(ts, tk, 1.0), full);
        assert!((degraded.cop(ts, tk, 0.5) - full * (1.0 - 0.25 * 0.5)).abs() < 1e-12);
        assert_eq!(plain.cop(ts, tk, 0.5), full);
        let op = degraded.operate(0.5e6, ts, tk);
        assert!((op.electric_w - 0.5e6 / (full * 0.875)).abs() < 1e-6);
    }

    /// The COP map reproduces a bilinear function exactly, and holds its edge values outside.
    #[test]
    fn cop_map_is_bilinear_and_held_at_edges() {
        let f = |s: f64, k: f64| {
            3.0 + 0.1 * (s - 290.0) - 0.05 * (k - 320.0) + 0.001 * s * k - 0.001 * 290.0 * 320.0
        };
        let src = vec![290.0, 300.0, 315.0];
        let sink = vec![320.0, 330.0, 340.0, 355.0];
        let table = src
            .iter()
            .map(|&s| sink.iter().map(|&k| f(s, k)).collect())
            .collect();
        let map = CopMap::new(src, sink, table).unwrap();
        for (s, k) in [
            (290.0, 320.0),
            (295.0, 333.0),
            (310.0, 350.0),
            (315.0, 355.0),
        ] {
            assert!((map.cop(s, k) - f(s, k)).abs() < 1e-12, "{s} {k}");
        }
        assert!((map.cop(250.0, 400.0) - f(290.0, 355.0)).abs() < 1e-12);
        let hp = HeatPump::new(Mode::Heating, CopModel::Map(map), 1.0e5).unwrap();
        assert!((hp.cop(295.0, 333.0, 1.0) - f(295.0, 333.0)).abs() < 1e-12);
        assert!(
            hp.cop_model()
                .refrigerant_temperatures_k(1.0, 2.0)
                .is_none()
        );
    }

    #[test]
    fn cop_map_rejects_bad_grids() {
        let ok = || {
            (
                vec![290.0, 300.0],
                vec![320.0, 330.0],
                vec![vec![4.0; 2]; 2],
            )
        };
        let (s, k, c) = ok();
        assert!(CopMap::new(s, k, c).is_ok());
        let (_, k, c) = ok();
        assert!(matches!(
            CopMap::new(vec![290.0], k, c),
            Err(HeatPumpError::MapTooFewPoints { axis: "source", .. })
        ));
        let (s, _, c) = ok();
        assert!(matches!(
            CopMap::new(s, vec![330.0, 320.0], c),
            Err(HeatPumpError::MapNotIncreasing {
                axis: "sink",
                index: 1
            })
        ));
        let (s, k, _) = ok();
        assert!(matches!(
            CopMap::new(s, k, vec![vec![4.0; 2], vec![4.0; 3]]),
            Err(HeatPumpError::MapShape {
                row: 1,
                found: 3,
                ..
            })
        ));
        let (s, k, _) = ok();
        assert!(matches!(
            CopMap::new(s, k, vec![vec![4.0; 2]]),
            Err(HeatPumpError::MapShape {
                row: 2,
                found: 1,
                ..
            })
        ));
        let (s, k, _) = ok();
        assert!(matches!(
            CopMap::new(s, k, vec![vec![4.0, 4.0], vec![4.0, -1.0]]),
            Err(HeatPumpError::MapCop {
                row: 1,
                column: 1,
                ..
            })
        ));
    }

    #[test]
    fn parameters_are_checked() {
        assert!(CarnotFraction::constant(0.0).is_err());
        assert!(CarnotFraction::constant(1.2).is_err());
        assert!(CarnotFraction::constant(f64::NAN).is_err());
        assert!(CarnotFraction::lift_dependent(0.6, 0.0, 0.0).is_err());
        assert!(CarnotFraction::lift_dependent(0.6, 40.0, f64::INFINITY).is_err());
        let f = CarnotFraction::constant(0.5).unwrap();
        assert!(matches!(
            CopModel::carnot(f, -1.0, 5.0),
            Err(HeatPumpError::Approach {
                which: "evaporator",
                ..
            })
        ));
        assert!(CopModel::carnot(f, 5.0, f64::NAN).is_err());
        assert!(HeatPump::new(Mode::Heating, carnot_model(0.5), 0.0).is_err());
        let hp = unit(Mode::Heating, 0.5);
        assert!(hp.clone().with_min_part_load(0.6).is_err());
        assert!(hp.clone().with_min_part_load(-0.1).is_err());
        assert!(hp.clone().with_min_part_load(0.0).is_ok());
        let bad = PartLoadDegradation::Linear { coefficient: 1.0 };
        assert!(hp.clone().with_part_load(bad).is_err());
        assert!(HeatPumpBank::new(hp, 0).is_err());
    }

    /// The load to the set-point is ṁ·(h(T_set) − h(T_in)), by either flow direction, and
    /// none for water that arrives warmer.
    #[test]
    fn load_to_setpoint_is_the_enthalpy_lift() {
        let water = Fluid::water();
        let (set, inlet) = (273.15 + 70.0, 273.15 + 60.0);
        let lift = water.enthalpy_j_kg(set) - water.enthalpy_j_kg(inlet);
        assert_eq!(load_to_setpoint_w(&water, set, 2.0, inlet), 2.0 * lift);
        assert_eq!(load_to_setpoint_w(&water, set, -2.0, inlet), 2.0 * lift);
        // About 2 kg/s × 4.19 kJ/(kg K) × 10 K.
        assert!((load_to_setpoint_w(&water, set, 2.0, inlet) - 83_800.0).abs() < 500.0);
        assert_eq!(load_to_setpoint_w(&water, set, 2.0, set + 1.0), 0.0);
    }
}
