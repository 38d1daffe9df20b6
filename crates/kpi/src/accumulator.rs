//! Streams intervals into running sums for the whole run and for each calendar month (UTC), so
//! memory stays flat however long the run: nothing of an interval is kept once pushed.

use chrono::{DateTime, Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::interval::iso_utc;
use crate::kpis::ZERO_CELSIUS_K;
use crate::sum::Sum;
use crate::{Interval, KpiError, KpiReport, Kpis, MonthKpis};

/// J per MWh.
const J_PER_MWH: f64 = 3.6e9;
/// J per kWh.
const J_PER_KWH: f64 = 3.6e6;
/// s per h.
const S_PER_H: f64 = 3600.0;
/// How far an interval may start before the previous one ends and still count as touching, s.
/// Epoch times built by adding float steps carry rounding of this order at most (1 µs is 1e-15
/// of an epoch time in 2025, far above ε·t ≈ 4e-7 s); a real overlap is a whole step.
const OVERLAP_TOLERANCE_S: f64 = 1e-6;

/// Settings of an accumulation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KpiSettings {
    /// Supply temperature limit for `hours_supply_over_limit`, K (for instance 313.15 K, the
    /// ASHRAE W40 limit). `None`: that KPI is not computed.
    pub supply_limit_k: Option<f64>,
    /// How far above the limit a supply must read to count as over it [K]. A reading within
    /// a sensor's tolerance of the limit cannot tell a breach from compliance; for a supply
    /// held at the limit, a zero tolerance counts the controller's millikelvin ripple.
    #[serde(default)]
    pub supply_tolerance_k: f64,
}

/// Running sums of one period, in SI (J, kg, s, K).
#[derive(Clone, Debug, Default)]
struct Sums {
    start_s: Option<f64>,
    end_s: Option<f64>,
    seconds: Sum,
    it_j: Sum,
    conversion_j: Sum,
    pump_j: Sum,
    fan_j: Sum,
    heat_pump_j: Sum,
    chiller_j: Sum,
    other_j: Sum,
    liquid_j: Sum,
    reused_j: Sum,
    reused_temperature_jk: Sum,
    rejected_j: Sum,
    boiler_j: Sum,
    renewable_j: Option<Sum>,
    water_kg: Sum,
    co2_kg: Sum,
    waste_heat_ks: Sum,
    waste_heat_s: Sum,
    over_class_s: Sum,
    over_limit_s: Sum,
    max_racks_over_class: u32,
    peak_it_w: Option<f64>,
    max_supply_k: Option<f64>,
    peak_chip_k: Option<f64>,
}

impl Sums {
    /// Adds the part `[t0, t0 + dt)` of `iv`; `share` = dt / duration (for amounts).
    fn add(&mut self, iv: &Interval, t0: f64, dt: f64, share: f64, limit_k: Option<f64>) {
        self.start_s.get_or_insert(t0);
        self.end_s = Some(t0 + dt);
        self.seconds.add(dt);
        self.it_j.add(iv.it_power_w * dt);
        self.conversion_j.add(iv.conversion_loss_w * dt);
        self.pump_j.add(iv.pump_w * dt);
        self.fan_j.add(iv.fan_w * dt);
        self.heat_pump_j.add(iv.heat_pump_w * dt);
        self.chiller_j.add(iv.chiller_w * dt);
        self.other_j.add(iv.other_facility_w * dt);
        self.liquid_j.add(iv.it_heat_to_liquid_w * dt);
        self.reused_j.add(iv.reused_heat_w * dt);
        if iv.reused_heat_w > 0.0 {
            self.reused_temperature_jk
                .add(iv.reused_heat_w * dt * iv.reused_supply_k);
        }
        self.rejected_j.add(iv.rejected_heat_w * dt);
        self.boiler_j.add(iv.boiler_heat_w * dt);
        if let Some(p) = iv.onsite_renewable_w {
            self.renewable_j
                .get_or_insert_with(Sum::default)
                .add(p * dt);
        }
        self.water_kg.add(iv.water_kg * share);
        self.co2_kg
            .add(facility_power_w(iv) * dt / J_PER_KWH * iv.grid_kg_co2_per_kwh);
        if let Some(t) = iv.waste_heat_k {
            self.waste_heat_ks.add(t * dt);
            self.waste_heat_s.add(dt);
        }
        if iv.racks_over_class > 0 {
            self.over_class_s.add(dt);
        }
        if let (Some(limit), Some(t)) = (limit_k, iv.max_supply_k)
            && t > limit
        {
            self.over_limit_s.add(dt);
        }
        self.max_racks_over_class = self.max_racks_over_class.max(iv.racks_over_class);
        self.peak_it_w = Some(
            self.peak_it_w
                .map_or(iv.it_power_w, |p| p.max(iv.it_power_w)),
        );
        self.max_supply_k = max_of(self.max_supply_k, iv.max_supply_k);
        self.peak_chip_k = max_of(self.peak_chip_k, iv.peak_chip_k);
    }

    /// The period's KPIs in report units.
    fn kpis(&self, limit_k: Option<f64>) -> Kpis {
        let mwh = |s: &Sum| s.value() / J_PER_MWH;
        let it = self.it_j.value();
        let facility = it
            + self.conversion_j.value()
            + self.pump_j.value()
            + self.fan_j.value()
            + self.heat_pump_j.value()
            + self.chiller_j.value()
            + self.other_j.value();
        let reused = self.reused_j.value();
        let to_c = |k: f64| k - ZERO_CELSIUS_K;
        Kpis {
            start_s: self.start_s,
            end_s: self.end_s,
            hours: self.seconds.value() / S_PER_H,
            it_energy_mwh: it / J_PER_MWH,
            facility_energy_mwh: facility / J_PER_MWH,
            conversion_loss_mwh: mwh(&self.conversion_j),
            pump_energy_mwh: mwh(&self.pump_j),
            fan_energy_mwh: mwh(&self.fan_j),
            heat_pump_energy_mwh: mwh(&self.heat_pump_j),
            chiller_energy_mwh: mwh(&self.chiller_j),
            other_facility_energy_mwh: mwh(&self.other_j),
            it_heat_to_liquid_mwh: mwh(&self.liquid_j),
            reused_heat_mwh: reused / J_PER_MWH,
            rejected_heat_mwh: mwh(&self.rejected_j),
            boiler_heat_mwh: mwh(&self.boiler_j),
            onsite_renewable_mwh: self.renewable_j.as_ref().map(mwh),
            water_m3: self.water_kg.value() / 1000.0,
            co2_kg: self.co2_kg.value(),
            peak_it_power_kw: self.peak_it_w.map(|w| w / 1000.0),
            reused_heat_mean_c: (reused > 0.0)
                .then(|| to_c(self.reused_temperature_jk.value() / reused)),
            waste_heat_mean_c: (self.waste_heat_s.value() > 0.0)
                .then(|| to_c(self.waste_heat_ks.value() / self.waste_heat_s.value())),
            waste_heat_hours: self.waste_heat_s.value() / S_PER_H,
            hours_over_class: self.over_class_s.value() / S_PER_H,
            max_racks_over_class: self.max_racks_over_class,
            supply_limit_c: limit_k.map(to_c),
            hours_supply_over_limit: limit_k.map(|_| self.over_limit_s.value() / S_PER_H),
            max_supply_c: self.max_supply_k.map(to_c),
            peak_chip_c: self.peak_chip_k.map(to_c),
            ..Kpis::default()
        }
        .with_ratios()
    }
}

impl Interval {
    /// The ratios of this interval alone (its PUE, ERE, ERF …), from the same formulas as a
    /// run's ([`Kpis::with_ratios`]): what a time plot of PUE draws. All `None` without IT power.
    pub fn kpis(&self) -> Kpis {
        let mwh = |w: f64| w * self.duration_s / J_PER_MWH;
        Kpis {
            hours: self.duration_s / S_PER_H,
            it_energy_mwh: mwh(self.it_power_w),
            facility_energy_mwh: mwh(facility_power_w(self)),
            conversion_loss_mwh: mwh(self.conversion_loss_w),
            pump_energy_mwh: mwh(self.pump_w),
            fan_energy_mwh: mwh(self.fan_w),
            heat_pump_energy_mwh: mwh(self.heat_pump_w),
            chiller_energy_mwh: mwh(self.chiller_w),
            other_facility_energy_mwh: mwh(self.other_facility_w),
            reused_heat_mwh: mwh(self.reused_heat_w),
            water_m3: self.water_kg / 1000.0,
            co2_kg: facility_power_w(self) * self.duration_s / J_PER_KWH * self.grid_kg_co2_per_kwh,
            onsite_renewable_mwh: self.onsite_renewable_w.map(mwh),
            ..Kpis::default()
        }
        .with_ratios()
    }
}

/// Total data-centre power of an interval (the boundary of the crate doc), W.
pub(crate) fn facility_power_w(iv: &Interval) -> f64 {
    iv.it_power_w
        + iv.conversion_loss_w
        + iv.pump_w
        + iv.fan_w
        + iv.heat_pump_w
        + iv.chiller_w
        + iv.other_facility_w
}

/// Start of the UTC month after the one containing `t_s`, with that month's (year, month).
fn month_of(t_s: f64) -> Option<((i32, u32), f64)> {
    let t = DateTime::from_timestamp(t_s.floor() as i64, 0)?;
    let (y, m) = (t.year(), t.month());
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let next = NaiveDate::from_ymd_opt(ny, nm, 1)?
        .and_hms_opt(0, 0, 0)?
        .and_utc();
    Some(((y, m), next.timestamp() as f64))
}

/// Accumulates intervals into a [`KpiReport`]. Memory is O(months), not O(intervals).
#[derive(Clone, Debug)]
pub struct Accumulator {
    settings: KpiSettings,
    whole: Sums,
    months: Vec<((i32, u32), Sums)>,
    previous_end_s: Option<f64>,
}

impl Accumulator {
    /// An empty accumulator. The settings are checked at the first [`push`](Self::push).
    pub fn new(settings: KpiSettings) -> Self {
        Accumulator {
            settings,
            whole: Sums::default(),
            months: Vec::new(),
            previous_end_s: None,
        }
    }

    /// Adds one interval. Rejects non-finite or negative values, temperatures at or below
    /// 0 K, and an interval that starts before the previous one ends; a rejected interval
    /// leaves the accumulator unchanged.
    pub fn push(&mut self, iv: &Interval) -> Result<(), KpiError> {
        if !(self.settings.supply_tolerance_k >= 0.0
            && self.settings.supply_tolerance_k.is_finite())
        {
            return Err(KpiError::InvalidValue {
                start: iso_utc(iv.start_s),
                field: "supply_tolerance_k",
                value: self.settings.supply_tolerance_k,
                expected: "a finite temperature difference >= 0 K in KpiSettings",
            });
        }
        if let Some(limit) = self.settings.supply_limit_k
            && !(limit.is_finite() && limit > 0.0)
        {
            return Err(KpiError::InvalidValue {
                start: iso_utc(iv.start_s),
                field: "supply_limit_k",
                value: limit,
                expected: "a finite absolute temperature > 0 K in KpiSettings",
            });
        }
        iv.validate()?;
        if let Some(previous_end) = self.previous_end_s
            && iv.start_s < previous_end - OVERLAP_TOLERANCE_S
        {
            return Err(KpiError::Overlap {
                start: iso_utc(iv.start_s),
                previous_end: iso_utc(previous_end),
            });
        }
        let limit = (self.settings.supply_limit_k).map(|l| l + self.settings.supply_tolerance_k);
        let end = iv.end_s();
        let mut pieces = Vec::with_capacity(1);
        let mut t0 = iv.start_s;
        loop {
            let Some((month, next_month_s)) = month_of(t0) else {
                return Err(KpiError::InvalidValue {
                    start: iso_utc(iv.start_s),
                    field: "start_s",
                    value: iv.start_s,
                    expected: "a time within chrono's calendar range",
                });
            };
            if next_month_s >= end {
                // The last (usually the only) piece takes the exact remainder, so an unsplit
                // interval contributes exactly power × duration_s.
                let done: f64 = pieces.iter().map(|&(_, _, dt)| dt).sum();
                pieces.push((month, t0, iv.duration_s - done));
                break;
            }
            pieces.push((month, t0, next_month_s - t0));
            t0 = next_month_s;
        }
        // The whole run takes the interval in one piece: exactly power × duration_s.
        self.whole.add(iv, iv.start_s, iv.duration_s, 1.0, limit);
        for (month, t0, dt) in pieces {
            let share = dt / iv.duration_s;
            // Usually the last month; an earlier one only when an interval starts within the
            // overlap tolerance before a month boundary that the previous interval crossed.
            let index = match self.months.iter().rposition(|(m, _)| *m == month) {
                Some(index) => index,
                None => {
                    self.months.push((month, Sums::default()));
                    self.months.len() - 1
                }
            };
            self.months[index].1.add(iv, t0, dt, share, limit);
        }
        self.previous_end_s = Some(end);
        Ok(())
    }

    /// The KPIs of the whole run and of each month pushed so far.
    pub fn report(&self) -> KpiReport {
        let limit = self.settings.supply_limit_k;
        KpiReport {
            whole: self.whole.kpis(limit),
            months: self
                .months
                .iter()
                .map(|&((year, month), ref sums)| MonthKpis {
                    year,
                    month,
                    kpis: sums.kpis(limit),
                })
                .collect(),
        }
    }

    /// Consumes the accumulator and gives the report.
    pub fn finish(self) -> KpiReport {
        self.report()
    }
}
/// The larger of two optional values; either alone if the other is absent.
fn max_of(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}
