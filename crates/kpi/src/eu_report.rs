//! The data-centre report of Commission Delegated Regulation (EU) 2024/1364 (first phase of the
//! Union rating scheme for data centres, under Article 12 and Annex VII of the Energy Efficiency
//! Directive (EU) 2023/1791): the information of Annex I, the key performance indicators of
//! Annex II and the sustainability indicators of Annex III.
//!
//! | Ref. | Symbol | field | unit | source |
//! |---|---|---|---|---|
//! | I 1(a)–(e) | – | `data_centre_name`, `owner`, `operator`, `location_lau_code`, `data_centre_type`, `entry_into_operation` | text | site |
//! | I 2(a),(b) | – | `electrical_redundancy`, `cooling_redundancy` | text | site |
//! | II 1(a) | PDIT | `installed_it_power_demand_kw` (+ `it_power_metric`) | kW | site |
//! | II 1(b) | SDC | `total_floor_area_m2` | m² | site |
//! | II 1(c) | SCR | `computer_room_floor_area_m2` | m² | site |
//! | II 1(d) | EDC | `total_energy_consumption_kwh` | kWh | simulated |
//! | II 1(d) | EDC-BG | `backup_generator_energy_kwh` | kWh | site |
//! | II 1(e) | EIT | `it_energy_consumption_kwh` | kWh | simulated |
//! | II 1(f) | – | `grid_functions` | text | site |
//! | II 1(g) | CBtG | `battery_capacity_to_grid_kw` | kW | site |
//! | II 1(h) | WIN | `total_water_input_m3` (+ `wue_category`) | m³ | simulated |
//! | II 1(i) | WIN-POT | `potable_water_input_m3` | m³ | simulated × site share |
//! | II 1(j) | EREUSE | `waste_heat_reused_kwh` | kWh | simulated |
//! | II 1(k) | TWH | `average_waste_heat_temperature_c` | °C | simulated |
//! | II 1(l) | TIN | `it_intake_air_setpoint_c` | °C | site |
//! | II 1(m) | – | `refrigerants` | text | site |
//! | II 1(n) | CDD | `cooling_degree_days` | degree-days | site |
//! | II 1(o) | ERES-TOT | `renewable_energy_total_kwh` | kWh | GOO + PPA + OS |
//! | II 1(p)–(r) | ERES-GOO/-PPA/-OS | `renewable_goo_kwh`, `renewable_ppa_kwh`, `renewable_onsite_kwh` | kWh | site / simulated |
//! | II 2(a),(b) | CSERV, CSTOR | `server_capacity_sert`, `storage_capacity_pb` | SERT score, PB | site |
//! | II 3(a)–(d) | BIN, BOUT, TIN, TOUT | `incoming_bandwidth_gb_s`, `outgoing_bandwidth_gb_s`, `incoming_traffic_eb`, `outgoing_traffic_eb` | GB/s, EB | site |
//! | III (a) | PUE | `pue` = EDC/EIT | – | simulated |
//! | III (b) | WUE | `wue_m3_per_mwh` = WIN/EIT | m³/MWh (= L/kWh) | simulated |
//! | III (c) | ERF | `erf` = EREUSE/EDC | – | simulated |
//! | III (d) | REF | `ref` = ERES-TOT/EDC | – | simulated and site |
//!
//! Not in the Regulation but written for context (marked so in their note): ERE, CUE, pPUE of
//! cooling, simulated mean and peak IT power.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::interval::iso_utc;
use crate::{KpiReport, Kpis, SiteInfo};

/// The period an EU report covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportPeriod {
    /// Everything in the run.
    WholeRun,
    /// The months of one calendar year (the Regulation reports the preceding calendar year,
    /// Article 3). A run covering only part of it is reported for that part, with a note.
    CalendarYear(i32),
}

/// Where an indicator's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// Computed by dctwin from the run.
    #[serde(rename = "simulated")]
    Simulated,
    /// Given by the user in [`SiteInfo`].
    #[serde(rename = "site information")]
    SiteInformation,
    /// Computed from both (for instance potable water = simulated water × site share).
    #[serde(rename = "simulated and site information")]
    SimulatedAndSite,
}

impl Source {
    /// The words written in the CSV.
    pub fn as_str(&self) -> &'static str {
        match self {
            Source::Simulated => "simulated",
            Source::SiteInformation => "site information",
            Source::SimulatedAndSite => "simulated and site information",
        }
    }
}

/// An indicator's value: a number or a text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IndicatorValue {
    /// A number in the indicator's unit.
    Number(f64),
    /// A text (names, redundancy levels, refrigerants).
    Text(String),
}

/// One line of the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Where the Regulation asks for it, e.g. "Annex II 1(d)".
    pub reference: String,
    /// The Regulation's symbol, e.g. "EDC" (empty when it has none).
    pub symbol: String,
    /// dctwin's field name, e.g. `total_energy_consumption_kwh`.
    pub indicator: String,
    /// The value, or `None` (null) when it is not known.
    pub value: Option<IndicatorValue>,
    /// Unit ("-" for ratios and texts).
    pub unit: String,
    /// Where the value comes from.
    pub source: Source,
    /// Why a value is null, or how it was obtained.
    pub note: Option<String>,
}

/// The EU data-centre report of one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EuReport {
    /// The act the report follows.
    pub regulation: String,
    /// The period asked for.
    pub period: ReportPeriod,
    /// Start of the covered intervals, ISO 8601 UTC.
    pub period_start_utc: Option<String>,
    /// End of the covered intervals, ISO 8601 UTC.
    pub period_end_utc: Option<String>,
    /// Hours covered by the run within the period.
    pub hours_covered: f64,
    /// Remarks on the whole report (partial period, boundary).
    pub notes: Vec<String>,
    /// The indicators, in the Regulation's order.
    pub indicators: Vec<Indicator>,
}

/// Collects indicators with their provenance.
struct Builder {
    lines: Vec<Indicator>,
}

impl Builder {
    #[allow(clippy::too_many_arguments)] // one argument per column of the report
    fn push(
        &mut self,
        reference: &str,
        symbol: &str,
        indicator: &str,
        value: Option<IndicatorValue>,
        unit: &str,
        source: Source,
        note: Option<String>,
    ) {
        self.lines.push(Indicator {
            reference: reference.into(),
            symbol: symbol.into(),
            indicator: indicator.into(),
            value,
            unit: unit.into(),
            source,
            note,
        });
    }

    /// A simulated number; `why_missing` is the note when it is `None`.
    #[allow(clippy::too_many_arguments)] // one argument per column of the report
    fn simulated(
        &mut self,
        reference: &str,
        symbol: &str,
        indicator: &str,
        value: Option<f64>,
        unit: &str,
        note: &str,
        why_missing: &str,
    ) {
        let note = if value.is_some() { note } else { why_missing };
        let note = (!note.is_empty()).then(|| note.to_string());
        self.push(
            reference,
            symbol,
            indicator,
            value.map(IndicatorValue::Number),
            unit,
            Source::Simulated,
            note,
        );
    }

    /// A site number, checked to be finite and within `range`.
    fn site_number(
        &mut self,
        reference: &str,
        symbol: &str,
        indicator: &str,
        value: Option<f64>,
        unit: &str,
        range: (f64, f64),
    ) {
        let (value, note) = checked_site_number(value, range);
        self.push(
            reference,
            symbol,
            indicator,
            value.map(IndicatorValue::Number),
            unit,
            Source::SiteInformation,
            note,
        );
    }

    /// A site text.
    fn site_text(&mut self, reference: &str, indicator: &str, value: Option<String>) {
        let note = value.is_none().then(|| NOT_GIVEN.to_string());
        self.push(
            reference,
            "",
            indicator,
            value.map(IndicatorValue::Text),
            "-",
            Source::SiteInformation,
            note,
        );
    }
}

const NOT_GIVEN: &str = "not given in the site information; dctwin cannot know it";

/// A site number if finite and in `[lo, hi]`, else null with a note saying why.
fn checked_site_number(value: Option<f64>, (lo, hi): (f64, f64)) -> (Option<f64>, Option<String>) {
    match value {
        None => (None, Some(NOT_GIVEN.to_string())),
        Some(v) if v.is_finite() && v >= lo && v <= hi => (Some(v), None),
        Some(v) => (
            None,
            Some(format!(
                "site value {v} rejected: expected a finite number in [{lo}, {hi}]"
            )),
        ),
    }
}

/// Hours in a calendar year (8760 or 8784).
fn hours_in_year(year: i32) -> Option<f64> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let end = NaiveDate::from_ymd_opt(year + 1, 1, 1)?;
    Some((end - start).num_hours() as f64)
}

const NO_IT: &str = "no IT energy in the period";
const ANY: (f64, f64) = (0.0, f64::MAX);

impl EuReport {
    /// Builds the report of `period` from a run's KPIs and the site's information. Never fails:
    /// what is unknown or invalid is null with a note.
    pub fn build(report: &KpiReport, site: &SiteInfo, period: ReportPeriod) -> EuReport {
        let mut notes = vec![
            "Boundary: EDC is the data-centre electricity (IT, conversion losses, pumps, fans, heat \
             pumps, chillers, other); a backup boiler is outside it; EREUSE is the heat handed to \
             the heat network at the boundary (after the heat pumps)."
                .to_string(),
        ];
        let k: Kpis = match period {
            ReportPeriod::WholeRun => report.whole.clone(),
            ReportPeriod::CalendarYear(year) => {
                let k = Kpis::combine(
                    report
                        .months
                        .iter()
                        .filter(|m| m.year == year)
                        .map(|m| &m.kpis),
                );
                match hours_in_year(year) {
                    Some(h) if k.hours < h - 1e-6 => notes.push(format!(
                        "the run covers {:.2} h of the {h:.0} h of {year}; Article 3: a data centre \
                         in operation for less than the year reports for that period",
                        k.hours
                    )),
                    _ => {}
                }
                k
            }
        };
        if period == ReportPeriod::WholeRun {
            notes
                .push("period: the whole run (the Regulation reports a calendar year)".to_string());
        }
        let has_it = k.it_energy_mwh > 0.0;
        let kwh = |mwh: f64| has_it.then_some(mwh * 1000.0);
        let mut b = Builder { lines: Vec::new() };

        // Annex I: information on the data centre.
        b.site_text(
            "Annex I 1(a)",
            "data_centre_name",
            site.data_centre_name.clone(),
        );
        b.site_text("Annex I 1(b)", "owner", site.owner.clone());
        b.site_text("Annex I 1(b)", "operator", site.operator.clone());
        b.site_text(
            "Annex I 1(c)",
            "location_lau_code",
            site.location_lau_code.clone(),
        );
        b.site_text(
            "Annex I 1(d)",
            "data_centre_type",
            site.data_centre_type.clone(),
        );
        b.site_text(
            "Annex I 1(e)",
            "entry_into_operation",
            site.entry_into_operation.clone(),
        );
        b.site_text(
            "Annex I 2(a)",
            "electrical_redundancy",
            site.electrical_redundancy.clone(),
        );
        b.site_text(
            "Annex I 2(b)",
            "cooling_redundancy",
            site.cooling_redundancy.clone(),
        );

        // Annex II 1: energy and sustainability.
        b.site_number(
            "Annex II 1(a)",
            "PDIT",
            "installed_it_power_demand_kw",
            site.installed_it_power_demand_kw,
            "kW",
            ANY,
        );
        b.site_text(
            "Annex II 1(a)",
            "it_power_metric",
            site.it_power_metric.clone(),
        );
        b.site_number(
            "Annex II 1(b)",
            "SDC",
            "total_floor_area_m2",
            site.total_floor_area_m2,
            "m²",
            ANY,
        );
        b.site_number(
            "Annex II 1(c)",
            "SCR",
            "computer_room_floor_area_m2",
            site.computer_room_floor_area_m2,
            "m²",
            ANY,
        );
        b.simulated(
            "Annex II 1(d)", "EDC", "total_energy_consumption_kwh", kwh(k.facility_energy_mwh), "kWh",
            "electricity of the facility boundary; no fuels are modelled; the backup boiler is outside the boundary",
            NO_IT,
        );
        b.site_number(
            "Annex II 1(d)",
            "EDC-BG",
            "backup_generator_energy_kwh",
            site.backup_generator_energy_kwh,
            "kWh",
            ANY,
        );
        b.simulated(
            "Annex II 1(e)",
            "EIT",
            "it_energy_consumption_kwh",
            kwh(k.it_energy_mwh),
            "kWh",
            "simulated IT electricity (the Regulation meters it at the UPS outputs)",
            NO_IT,
        );
        b.site_text(
            "Annex II 1(f)",
            "grid_functions",
            site.grid_functions.clone(),
        );
        b.site_number(
            "Annex II 1(g)",
            "CBtG",
            "battery_capacity_to_grid_kw",
            site.battery_capacity_to_grid_kw,
            "kW",
            ANY,
        );
        let win = has_it.then_some(k.water_m3);
        b.simulated(
            "Annex II 1(h)", "WIN", "total_water_input_m3", win, "m³",
            "cooling-plant water only (evaporation, drift, blow-down); other site uses are not modelled",
            NO_IT,
        );
        b.site_text("Annex II 1(h)", "wue_category", site.wue_category.clone());
        let (share, share_note) = checked_site_number(site.potable_water_share, (0.0, 1.0));
        let win_pot = win.zip(share).map(|(w, s)| w * s);
        let pot_note = match (win, share) {
            (Some(_), Some(s)) => Some(format!(
                "simulated water × potable share {s} from the site information"
            )),
            (None, _) => Some(NO_IT.to_string()),
            (_, None) => share_note.map(|n| format!("potable_water_share: {n}")),
        };
        b.push(
            "Annex II 1(i)",
            "WIN-POT",
            "potable_water_input_m3",
            win_pot.map(IndicatorValue::Number),
            "m³",
            Source::SimulatedAndSite,
            pot_note,
        );
        b.simulated(
            "Annex II 1(j)",
            "EREUSE",
            "waste_heat_reused_kwh",
            kwh(k.reused_heat_mwh),
            "kWh",
            "heat delivered across the boundary to the heat network (includes heat-pump work)",
            NO_IT,
        );
        let twh_missing = match k.reused_heat_mean_c {
            Some(t) => format!(
                "not simulated (Interval::waste_heat_k not given); the heat-weighted delivery \
                 temperature of the reused heat, {t:.1} °C, is a different quantity"
            ),
            None => "not simulated (Interval::waste_heat_k not given)".to_string(),
        };
        b.simulated(
            "Annex II 1(k)",
            "TWH",
            "average_waste_heat_temperature_c",
            k.waste_heat_mean_c,
            "°C",
            "time average of the IT coolant temperature entering the heat-recovery exchanger",
            &twh_missing,
        );
        b.site_number(
            "Annex II 1(l)",
            "TIN",
            "it_intake_air_setpoint_c",
            site.it_intake_air_setpoint_c,
            "°C",
            (-100.0, 100.0),
        );
        b.site_text(
            "Annex II 1(m)",
            "refrigerants",
            site.refrigerants.as_ref().map(|r| r.join("; ")),
        );
        b.site_number(
            "Annex II 1(n)",
            "CDD",
            "cooling_degree_days",
            site.cooling_degree_days,
            "degree-days",
            ANY,
        );

        // Renewables: ERES-TOT = GOO + PPA + OS.
        let (goo, goo_note) = checked_site_number(site.renewable_goo_kwh, ANY);
        let (ppa, ppa_note) = checked_site_number(site.renewable_ppa_kwh, ANY);
        let (os, os_source, os_note) = match k.onsite_renewable_mwh {
            Some(mwh) => (Some(mwh * 1000.0), Source::Simulated, None),
            None => {
                let (v, n) = checked_site_number(site.renewable_onsite_kwh, ANY);
                (
                    v,
                    Source::SiteInformation,
                    n.map(|n| format!("{n} (and not simulated)")),
                )
            }
        };
        let total = match (goo, ppa, os) {
            (Some(g), Some(p), Some(o)) => Some(g + p + o),
            _ => None,
        };
        let missing_parts = "needs ERES-GOO, ERES-PPA and ERES-OS, not all known";
        b.push(
            "Annex II 1(o)",
            "ERES-TOT",
            "renewable_energy_total_kwh",
            total.map(IndicatorValue::Number),
            "kWh",
            Source::SimulatedAndSite,
            Some(
                if total.is_some() {
                    "ERES-GOO + ERES-PPA + ERES-OS"
                } else {
                    missing_parts
                }
                .to_string(),
            ),
        );
        b.push(
            "Annex II 1(p)",
            "ERES-GOO",
            "renewable_goo_kwh",
            goo.map(IndicatorValue::Number),
            "kWh",
            Source::SiteInformation,
            goo_note,
        );
        b.push(
            "Annex II 1(q)",
            "ERES-PPA",
            "renewable_ppa_kwh",
            ppa.map(IndicatorValue::Number),
            "kWh",
            Source::SiteInformation,
            ppa_note,
        );
        b.push(
            "Annex II 1(r)",
            "ERES-OS",
            "renewable_onsite_kwh",
            os.map(IndicatorValue::Number),
            "kWh",
            os_source,
            os_note,
        );

        // Annex II 2 and 3: ICT capacity and data traffic.
        b.site_number(
            "Annex II 2(a)",
            "CSERV",
            "server_capacity_sert",
            site.server_capacity_sert,
            "SERT active-state performance",
            ANY,
        );
        b.site_number(
            "Annex II 2(b)",
            "CSTOR",
            "storage_capacity_pb",
            site.storage_capacity_pb,
            "PB",
            ANY,
        );
        b.site_number(
            "Annex II 3(a)",
            "BIN",
            "incoming_bandwidth_gb_s",
            site.incoming_bandwidth_gb_s,
            "GB/s",
            ANY,
        );
        b.site_number(
            "Annex II 3(b)",
            "BOUT",
            "outgoing_bandwidth_gb_s",
            site.outgoing_bandwidth_gb_s,
            "GB/s",
            ANY,
        );
        b.site_number(
            "Annex II 3(c)",
            "TIN",
            "incoming_traffic_eb",
            site.incoming_traffic_eb,
            "EB",
            ANY,
        );
        b.site_number(
            "Annex II 3(d)",
            "TOUT",
            "outgoing_traffic_eb",
            site.outgoing_traffic_eb,
            "EB",
            ANY,
        );

        // Annex III: sustainability indicators.
        b.simulated(
            "Annex III (a)",
            "PUE",
            "pue",
            k.pue,
            "-",
            "EDC / EIT (ISO/IEC 30134-2)",
            NO_IT,
        );
        b.simulated(
            "Annex III (b)",
            "WUE",
            "wue_m3_per_mwh",
            k.wue_l_per_kwh,
            "m³/MWh",
            "WIN / EIT; m³/MWh = L/kWh (ISO/IEC 30134-9)",
            NO_IT,
        );
        b.simulated(
            "Annex III (c)",
            "ERF",
            "erf",
            k.erf,
            "-",
            "EREUSE / EDC (ISO/IEC 30134-6)",
            NO_IT,
        );
        let edc_kwh = kwh(k.facility_energy_mwh).filter(|e| *e > 0.0);
        let ref_value = total.zip(edc_kwh).map(|(t, e)| t / e);
        let ref_note = match (total, edc_kwh) {
            (Some(_), Some(_)) => "ERES-TOT / EDC (ISO/IEC 30134-3)",
            (None, _) => missing_parts,
            (_, None) => NO_IT,
        };
        b.push(
            "Annex III (d)",
            "REF",
            "ref",
            ref_value.map(IndicatorValue::Number),
            "-",
            Source::SimulatedAndSite,
            Some(ref_note.to_string()),
        );

        // Context, not asked for by the Regulation.
        const EXTRA: &str = "not in Regulation (EU) 2024/1364";
        b.simulated(
            "extra",
            "ERE",
            "ere",
            k.ere,
            "-",
            &format!("(EDC − EREUSE) / EIT (The Green Grid); {EXTRA}"),
            NO_IT,
        );
        b.simulated(
            "extra",
            "CUE",
            "cue_kg_per_kwh",
            k.cue_kg_per_kwh,
            "kg CO₂/kWh",
            &format!("grid factor × EDC / EIT (ISO/IEC 30134-8); {EXTRA}"),
            NO_IT,
        );
        b.simulated(
            "extra",
            "pPUE",
            "ppue_cooling",
            k.ppue_cooling,
            "-",
            &format!("(EIT + pumps + fans + chillers) / EIT; {EXTRA}"),
            NO_IT,
        );
        b.simulated(
            "extra",
            "",
            "mean_it_power_kw",
            k.mean_it_power_kw,
            "kW",
            &format!("simulated mean IT draw, not PDIT; {EXTRA}"),
            "no intervals in the period",
        );
        b.simulated(
            "extra",
            "",
            "peak_it_power_kw",
            k.peak_it_power_kw,
            "kW",
            &format!("highest interval-mean IT draw, not PDIT; {EXTRA}"),
            "no intervals in the period",
        );

        EuReport {
            regulation: "Commission Delegated Regulation (EU) 2024/1364, Annexes I–III".to_string(),
            period,
            period_start_utc: k.start_s.map(iso_utc),
            period_end_utc: k.end_s.map(iso_utc),
            hours_covered: k.hours,
            notes,
            indicators: b.lines,
        }
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        // Cannot fail: structs, strings and finite floats only.
        serde_json::to_string_pretty(self).expect("an EuReport always serialises")
    }

    /// CSV with the header `indicator,value,unit,source,note`, one row per indicator (null is an
    /// empty value), preceded by rows for the period.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut row = |cells: [&str; 5]| w.write_record(cells).expect("CSV into memory");
        row(["indicator", "value", "unit", "source", "note"]);
        let start = self.period_start_utc.clone().unwrap_or_default();
        let end = self.period_end_utc.clone().unwrap_or_default();
        let hours = self.hours_covered.to_string();
        row(["period_start_utc", &start, "-", "simulated", ""]);
        row(["period_end_utc", &end, "-", "simulated", ""]);
        row([
            "hours_covered",
            &hours,
            "h",
            "simulated",
            &self.notes.join(" | "),
        ]);
        for i in &self.indicators {
            let value = match &i.value {
                Some(IndicatorValue::Number(v)) => v.to_string(),
                Some(IndicatorValue::Text(t)) => t.clone(),
                None => String::new(),
            };
            row([
                &i.indicator,
                &value,
                &i.unit,
                i.source.as_str(),
                i.note.as_deref().unwrap_or(""),
            ]);
        }
        let bytes = w.into_inner().expect("CSV into memory");
        String::from_utf8(bytes).expect("CSV of UTF-8 strings")
    }

    /// A table for a terminal: one line per indicator with its value rounded for reading
    /// (integers with thousands separated above 1000, four decimals below), its unit and source;
    /// the exact values are in [`to_json`](Self::to_json) and [`to_csv`](Self::to_csv).
    pub fn to_table(&self) -> String {
        let mut out = format!(
            "{} — {} to {}, {:.0} h\n",
            self.regulation,
            self.period_start_utc.as_deref().unwrap_or("?"),
            self.period_end_utc.as_deref().unwrap_or("?"),
            self.hours_covered
        );
        let width = (self.indicators.iter())
            .map(|i| i.indicator.chars().count())
            .max()
            .unwrap_or(0);
        for i in &self.indicators {
            let value = match &i.value {
                Some(IndicatorValue::Number(v)) => readable(*v),
                Some(IndicatorValue::Text(t)) => t.clone(),
                None => "—".to_string(),
            };
            let unit = if i.unit == "-" || i.value.is_none() {
                ""
            } else {
                i.unit.as_str()
            };
            out += &format!(
                "  {:<width$}  {:>16} {:<8} {}\n",
                i.indicator,
                value,
                unit,
                i.source.as_str()
            );
        }
        out
    }

    /// The indicator named `indicator` (dctwin's field name), if present.
    pub fn get(&self, indicator: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.indicator == indicator)
    }
}

/// A number for reading: integers with thousands separated by commas from 1000 up, four
/// decimals below.
fn readable(v: f64) -> String {
    if v.abs() < 1000.0 {
        return format!("{v:.4}");
    }
    let digits = format!("{:.0}", v.abs());
    let mut grouped = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if v < 0.0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// The calendar years a report's months touch, in order (for choosing a [`ReportPeriod`]).
pub fn years(report: &KpiReport) -> Vec<i32> {
    let mut years: Vec<i32> = report.months.iter().map(|m| m.year).collect();
    years.dedup();
    years
}
