//! One reporting step of a run, as the KPI layer sees it: mean powers over the interval, amounts
//! used in it, and the extremes reached in it.

use chrono::{DateTime, SecondsFormat};
use serde::{Deserialize, Serialize};

use crate::KpiError;

/// One reporting interval. Powers are MEANS over the interval in W; amounts (water) are totals
/// over the interval; temperatures are in K. See the crate's `BOUNDARY` section for which of them
/// count as data-centre energy.
///
/// `Default` gives an all-zero interval so callers can write `Interval { it_power_w: .., ..Default::default() }`;
/// note that [`crate::Accumulator::push`] rejects a zero `duration_s` and zero temperatures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Start of the interval, Unix epoch seconds, UTC. The month an interval belongs to is taken
    /// in UTC (an interval straddling a month boundary is split in proportion to time).
    pub start_s: f64,
    /// Length of the interval, s (> 0).
    pub duration_s: f64,
    /// Electric power drawn by the IT equipment (servers, storage, network), W.
    pub it_power_w: f64,
    /// Part of the IT heat taken by the liquid (cold plates), W. Reported, not used in ratios.
    pub it_heat_to_liquid_w: f64,
    /// Losses of the power chain upstream of IT (transformers, rectifiers, UPS, PSUs if metered
    /// outside IT), W. Facility energy.
    pub conversion_loss_w: f64,
    /// Electric power of all circulation pumps, W. Facility energy.
    pub pump_w: f64,
    /// Electric power of dry-cooler and cooling-tower fans, W. Facility energy.
    pub fan_w: f64,
    /// Electric power of the heat pumps lifting the waste heat for reuse, W. Facility energy
    /// (inside the boundary).
    pub heat_pump_w: f64,
    /// Electric power of chillers, W. Facility energy.
    pub chiller_w: f64,
    /// Everything else the facility draws: air cooling of the residual IT heat, lighting,
    /// offices serving the data centre, W. Facility energy.
    pub other_facility_w: f64,
    /// Heat made by a backup boiler, W. OUTSIDE the boundary (campus plant): neither facility
    /// energy nor reused data-centre heat; reported for information only.
    pub boiler_heat_w: f64,
    /// Heat from the data centre handed across the boundary to the heat network or consumers, W
    /// (after the heat pumps, so it includes their work). This is E_reuse's integrand.
    pub reused_heat_w: f64,
    /// Mean temperature at which the reused heat is delivered, K. Must be > 0 K when
    /// `reused_heat_w` > 0; ignored otherwise. Averaged weighted by reused heat.
    pub reused_supply_k: f64,
    /// Heat rejected to ambient (dry coolers, towers), W. Reported, not used in ratios.
    pub rejected_heat_w: f64,
    /// Site water used in the interval (evaporation, drift, blow-down), kg (1 kg counted as 1 L).
    pub water_kg: f64,
    /// Carbon intensity of grid electricity in the interval, kg CO₂ per kWh (may vary in time).
    pub grid_kg_co2_per_kwh: f64,
    /// Highest rack supply temperature in the interval, K (`None`: the facility has no racks).
    pub max_supply_k: Option<f64>,
    /// Highest chip temperature in the interval, K (`None`: no racks).
    pub peak_chip_k: Option<f64>,
    /// Number of racks whose supply was above their ASHRAE W-class limit during the interval.
    pub racks_over_class: u32,
    /// Mean power of on-site renewable generation inside the boundary, W (`None`: not modelled;
    /// then no REF is computed).
    #[serde(default)]
    pub onsite_renewable_w: Option<f64>,
    /// Mean temperature of the IT coolant where it enters the heat-recovery exchanger (or the
    /// heat exchangers at the computer-room boundary), K: the "average waste heat temperature"
    /// (TWH) of Delegated Regulation (EU) 2024/1364, Annex II 1(k), averaged over time.
    /// `None`: not known (TWH is then left null in the EU report).
    #[serde(default)]
    pub waste_heat_k: Option<f64>,
}

/// Formats epoch seconds as ISO 8601 UTC, or the raw number if it is not a representable time.
pub(crate) fn iso_utc(epoch_s: f64) -> String {
    if epoch_s.is_finite() {
        let secs = epoch_s.floor();
        let nanos = ((epoch_s - secs) * 1e9).round().min(999_999_999.0) as u32;
        if secs >= i64::MIN as f64
            && secs <= i64::MAX as f64
            && let Some(t) = DateTime::from_timestamp(secs as i64, nanos)
        {
            return t.to_rfc3339_opts(SecondsFormat::AutoSi, true);
        }
    }
    format!("{epoch_s} s since 1970-01-01T00:00:00Z")
}

impl Interval {
    /// End of the interval, epoch seconds.
    pub fn end_s(&self) -> f64 {
        self.start_s + self.duration_s
    }

    /// Checks every field: finite, non-negative, temperatures above 0 K.
    pub fn validate(&self) -> Result<(), KpiError> {
        let bad =
            |field: &'static str, value: f64, expected: &'static str| KpiError::InvalidValue {
                start: iso_utc(self.start_s),
                field,
                value,
                expected,
            };
        if !self.start_s.is_finite() || DateTime::from_timestamp(self.start_s as i64, 0).is_none() {
            return Err(bad(
                "start_s",
                self.start_s,
                "a finite Unix time in seconds",
            ));
        }
        if !(self.duration_s.is_finite() && self.duration_s > 0.0) {
            return Err(bad(
                "duration_s",
                self.duration_s,
                "a finite duration > 0 s",
            ));
        }
        let non_negative = [
            ("it_power_w", self.it_power_w),
            ("it_heat_to_liquid_w", self.it_heat_to_liquid_w),
            ("conversion_loss_w", self.conversion_loss_w),
            ("pump_w", self.pump_w),
            ("fan_w", self.fan_w),
            ("heat_pump_w", self.heat_pump_w),
            ("chiller_w", self.chiller_w),
            ("other_facility_w", self.other_facility_w),
            ("boiler_heat_w", self.boiler_heat_w),
            ("reused_heat_w", self.reused_heat_w),
            ("rejected_heat_w", self.rejected_heat_w),
            ("onsite_renewable_w", self.onsite_renewable_w.unwrap_or(0.0)),
        ];
        for (field, value) in non_negative {
            if !(value.is_finite() && value >= 0.0) {
                return Err(bad(field, value, "a finite mean power >= 0 W"));
            }
        }
        if !(self.water_kg.is_finite() && self.water_kg >= 0.0) {
            return Err(bad(
                "water_kg",
                self.water_kg,
                "a finite water amount >= 0 kg",
            ));
        }
        let factor = self.grid_kg_co2_per_kwh;
        if !(factor.is_finite() && factor >= 0.0) {
            return Err(bad(
                "grid_kg_co2_per_kwh",
                factor,
                "a finite grid factor >= 0 kg/kWh",
            ));
        }
        let mut temperatures = Vec::new();
        let extremes = [
            ("max_supply_k", self.max_supply_k),
            ("peak_chip_k", self.peak_chip_k),
        ];
        for (field, value) in extremes {
            if let Some(t) = value {
                temperatures.push((field, t));
            }
        }
        if self.reused_heat_w > 0.0 {
            temperatures.push(("reused_supply_k", self.reused_supply_k));
        }
        if let Some(t) = self.waste_heat_k {
            temperatures.push(("waste_heat_k", t));
        }
        for (field, value) in temperatures {
            if !(value.is_finite() && value > 0.0) {
                return Err(bad(field, value, "a finite absolute temperature > 0 K"));
            }
        }
        Ok(())
    }
}
