//! A run's KPIs (whole run and per month) and how they are written: pretty JSON (and read back),
//! CSV with one row per month and a `total` row, and a table for the terminal.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::interval::iso_utc;
use crate::{KpiError, Kpis};

/// The KPIs of one calendar month (UTC).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthKpis {
    /// Calendar year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// The month's KPIs (only the part of the run inside the month).
    pub kpis: Kpis,
}

/// The KPIs of a run: the whole run and each month it touches, in time order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KpiReport {
    /// The whole run.
    pub whole: Kpis,
    /// One entry per month with at least one interval, in time order.
    pub months: Vec<MonthKpis>,
}

/// Formats an optional number with `decimals` places, or `-` for none.
pub(crate) fn opt(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{v:.decimals$}"))
}

impl KpiReport {
    /// Pretty JSON (report units as named in each field; missing values are `null`).
    pub fn to_json(&self) -> String {
        // Cannot fail: only structs, strings, integers and floats (a non-finite float would be
        // written as null, and none is produced).
        serde_json::to_string_pretty(self).expect("a KpiReport always serialises")
    }

    /// Reads a report written by [`to_json`](Self::to_json).
    pub fn from_json(text: &str) -> Result<KpiReport, KpiError> {
        Ok(serde_json::from_str(text)?)
    }

    /// CSV: a header `period,` + [`Kpis::fields`] names, one row per month (`YYYY-MM`) and a last
    /// row `total`; missing values are empty cells.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["period".to_string()];
        header.extend(self.whole.fields().iter().map(|(name, _)| name.to_string()));
        let rows = self
            .months
            .iter()
            .map(|m| (format!("{:04}-{:02}", m.year, m.month), &m.kpis))
            .chain(std::iter::once(("total".to_string(), &self.whole)));
        // Writing into a Vec cannot fail.
        w.write_record(&header).expect("CSV into memory");
        for (period, kpis) in rows {
            let mut record = vec![period];
            record.extend(
                kpis.fields()
                    .iter()
                    .map(|(_, v)| v.map_or(String::new(), |v| v.to_string())),
            );
            w.write_record(&record).expect("CSV into memory");
        }
        let bytes = w.into_inner().expect("CSV into memory");
        String::from_utf8(bytes).expect("CSV of UTF-8 strings")
    }
}

impl fmt::Display for KpiReport {
    /// A terminal table: one line per month and a total line, then the run's other KPIs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = &self.whole;
        match (w.start_s, w.end_s) {
            (Some(s), Some(e)) => writeln!(
                f,
                "KPIs {} .. {} ({:.1} h)",
                iso_utc(s),
                iso_utc(e),
                w.hours
            )?,
            _ => writeln!(f, "KPIs: no intervals")?,
        }
        writeln!(
            f,
            "{:<8} {:>11} {:>11} {:>11} {:>7} {:>7} {:>7} {:>10} {:>10}",
            "period",
            "IT MWh",
            "total MWh",
            "reuse MWh",
            "PUE",
            "ERE",
            "ERF",
            "WUE L/kWh",
            "CUE kg/kWh"
        )?;
        let line = |f: &mut fmt::Formatter<'_>, name: &str, k: &Kpis| {
            writeln!(
                f,
                "{:<8} {:>11.3} {:>11.3} {:>11.3} {:>7} {:>7} {:>7} {:>10} {:>10}",
                name,
                k.it_energy_mwh,
                k.facility_energy_mwh,
                k.reused_heat_mwh,
                opt(k.pue, 3),
                opt(k.ere, 3),
                opt(k.erf, 3),
                opt(k.wue_l_per_kwh, 3),
                opt(k.cue_kg_per_kwh, 3)
            )
        };
        for m in &self.months {
            line(f, &format!("{:04}-{:02}", m.year, m.month), &m.kpis)?;
        }
        line(f, "total", w)?;
        writeln!(
            f,
            "pPUE cooling {}  pPUE reuse {}  REF {}",
            opt(w.ppue_cooling, 3),
            opt(w.ppue_reuse, 3),
            opt(w.ref_, 3)
        )?;
        writeln!(
            f,
            "pumps {:.3} MWh  fans {:.3} MWh  heat pumps {:.3} MWh  chillers {:.3} MWh  water {:.1} m³  CO₂ {:.1} t",
            w.pump_energy_mwh,
            w.fan_energy_mwh,
            w.heat_pump_energy_mwh,
            w.chiller_energy_mwh,
            w.water_m3,
            w.co2_kg / 1000.0
        )?;
        writeln!(
            f,
            "mean IT {} kW  reused heat at {} °C  peak chip {} °C  max supply {} °C",
            opt(w.mean_it_power_kw, 1),
            opt(w.reused_heat_mean_c, 1),
            opt(w.peak_chip_c, 1),
            opt(w.max_supply_c, 1)
        )?;
        write!(
            f,
            "hours with a rack over its W class {:.1}",
            w.hours_over_class
        )?;
        if let (Some(limit), Some(hours)) = (w.supply_limit_c, w.hours_supply_over_limit) {
            write!(f, "  hours with supply over {limit:.1} °C {hours:.1}")?;
        }
        writeln!(f)
    }
}
