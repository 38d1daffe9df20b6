//! The EU data-centre report (Delegated Regulation (EU) 2024/1364).

mod common;

use common::{close, epoch, hand_intervals, k};
use dctwin_kpi::{
    Accumulator, EuReport, IndicatorValue, Interval, KpiReport, KpiSettings, ReportPeriod,
    SiteInfo, Source,
};

/// The hand report of `kpi.rs` (2024-03-10, E_IT 500 kWh, EDC 625 kWh, EREUSE 360 kWh,
/// water 0.6 m³, on-site renewables 10 kWh).
fn hand_report() -> KpiReport {
    let mut acc = Accumulator::new(KpiSettings::default());
    for iv in hand_intervals() {
        acc.push(&iv).unwrap();
    }
    acc.finish()
}

fn number(report: &EuReport, indicator: &str) -> Option<f64> {
    match &report
        .get(indicator)
        .unwrap_or_else(|| panic!("{indicator} missing"))
        .value
    {
        Some(IndicatorValue::Number(v)) => Some(*v),
        Some(IndicatorValue::Text(t)) => panic!("{indicator} is text {t}"),
        None => None,
    }
}

#[test]
fn annex_ii_indicators_with_units_and_sources() {
    let site = SiteInfo {
        data_centre_name: Some("Test DC".into()),
        installed_it_power_demand_kw: Some(600.0),
        potable_water_share: Some(0.25),
        renewable_goo_kwh: Some(100.0),
        renewable_ppa_kwh: Some(15.0),
        total_floor_area_m2: Some(-5.0),
        ..Default::default()
    };
    let r = EuReport::build(&hand_report(), &site, ReportPeriod::WholeRun);
    // Every symbol of Annex II 1 and Annex III is there, with its unit.
    let expected = [
        ("PDIT", "installed_it_power_demand_kw", "kW"),
        ("SDC", "total_floor_area_m2", "m²"),
        ("SCR", "computer_room_floor_area_m2", "m²"),
        ("EDC", "total_energy_consumption_kwh", "kWh"),
        ("EDC-BG", "backup_generator_energy_kwh", "kWh"),
        ("EIT", "it_energy_consumption_kwh", "kWh"),
        ("CBtG", "battery_capacity_to_grid_kw", "kW"),
        ("WIN", "total_water_input_m3", "m³"),
        ("WIN-POT", "potable_water_input_m3", "m³"),
        ("EREUSE", "waste_heat_reused_kwh", "kWh"),
        ("TWH", "average_waste_heat_temperature_c", "°C"),
        ("TIN", "it_intake_air_setpoint_c", "°C"),
        ("CDD", "cooling_degree_days", "degree-days"),
        ("ERES-TOT", "renewable_energy_total_kwh", "kWh"),
        ("ERES-GOO", "renewable_goo_kwh", "kWh"),
        ("ERES-PPA", "renewable_ppa_kwh", "kWh"),
        ("ERES-OS", "renewable_onsite_kwh", "kWh"),
        (
            "CSERV",
            "server_capacity_sert",
            "SERT active-state performance",
        ),
        ("CSTOR", "storage_capacity_pb", "PB"),
        ("PUE", "pue", "-"),
        ("WUE", "wue_m3_per_mwh", "m³/MWh"),
        ("ERF", "erf", "-"),
        ("REF", "ref", "-"),
    ];
    for (symbol, field, unit) in expected {
        let i = r.get(field).unwrap_or_else(|| panic!("{field} missing"));
        assert_eq!(
            (i.symbol.as_str(), i.unit.as_str()),
            (symbol, unit),
            "{field}"
        );
    }
    // Simulated values from the hand report.
    close(
        "EDC",
        number(&r, "total_energy_consumption_kwh").unwrap(),
        625.0,
        1e-14,
    );
    close(
        "EIT",
        number(&r, "it_energy_consumption_kwh").unwrap(),
        500.0,
        1e-14,
    );
    close(
        "EREUSE",
        number(&r, "waste_heat_reused_kwh").unwrap(),
        360.0,
        1e-14,
    );
    close(
        "WIN",
        number(&r, "total_water_input_m3").unwrap(),
        0.6,
        1e-14,
    );
    close(
        "WIN-POT",
        number(&r, "potable_water_input_m3").unwrap(),
        0.15,
        1e-14,
    );
    close("PUE", number(&r, "pue").unwrap(), 1.25, 1e-14);
    close("WUE", number(&r, "wue_m3_per_mwh").unwrap(), 1.2, 1e-14);
    close("ERF", number(&r, "erf").unwrap(), 0.576, 1e-14);
    // ERES-TOT = 100 + 15 + 10 (simulated on-site) = 125 kWh; REF = 125/625 = 0.2.
    close(
        "ERES-TOT",
        number(&r, "renewable_energy_total_kwh").unwrap(),
        125.0,
        1e-14,
    );
    close("REF", number(&r, "ref").unwrap(), 0.2, 1e-14);
    assert_eq!(
        r.get("total_energy_consumption_kwh").unwrap().source,
        Source::Simulated
    );
    assert_eq!(
        r.get("renewable_onsite_kwh").unwrap().source,
        Source::Simulated
    );
    // Site values, and absent or invalid ones as null with a note.
    let pdit = r.get("installed_it_power_demand_kw").unwrap();
    assert_eq!(pdit.source, Source::SiteInformation);
    assert_eq!(pdit.value, Some(IndicatorValue::Number(600.0)));
    let scr = r.get("computer_room_floor_area_m2").unwrap();
    assert!(scr.value.is_none() && scr.note.as_deref().unwrap().contains("not given"));
    let sdc = r.get("total_floor_area_m2").unwrap();
    assert!(
        sdc.value.is_none() && sdc.note.as_deref().unwrap().contains("-5"),
        "{sdc:?}"
    );
    // TWH was not simulated: null, and the note points at the (different) delivery temperature.
    let twh = r.get("average_waste_heat_temperature_c").unwrap();
    assert!(
        twh.value.is_none() && twh.note.as_deref().unwrap().contains("61.7 °C"),
        "{twh:?}"
    );
    assert_eq!(r.period_start_utc.as_deref(), Some("2024-03-10T00:00:00Z"));

    // JSON: nulls and the source words.
    let json = r.to_json();
    assert!(json.contains("\"source\": \"site information\"") && json.contains("\"value\": null"));
    let back: EuReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back.indicators.len(), r.indicators.len());
    // CSV: indicator,value,unit,source(,note); a simulated and a site row.
    let csv = r.to_csv();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("indicator,value,unit,source,note"));
    assert!(
        csv.lines()
            .any(|l| l.starts_with("total_energy_consumption_kwh,625,kWh,simulated,")),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("installed_it_power_demand_kw,600,kW,site information,"))
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("computer_room_floor_area_m2,,m²,site information,"))
    );
}

#[test]
fn calendar_year_and_waste_heat_temperature() {
    // 2023-12-31T23:00Z + 2 h at 1 MW IT: 1 h in each year. Waste heat 50 °C then.
    let iv = Interval {
        start_s: epoch(2023, 12, 31, 23),
        duration_s: 7200.0,
        it_power_w: 1e6,
        pump_w: 1e4,
        max_supply_k: Some(k(35.0)),
        peak_chip_k: Some(k(70.0)),
        waste_heat_k: Some(k(50.0)),
        ..Default::default()
    };
    let mut acc = Accumulator::new(KpiSettings::default());
    acc.push(&iv).unwrap();
    let report = acc.finish();
    let r = EuReport::build(
        &report,
        &SiteInfo::default(),
        ReportPeriod::CalendarYear(2024),
    );
    close(
        "EIT 2024",
        number(&r, "it_energy_consumption_kwh").unwrap(),
        1000.0,
        1e-14,
    );
    close(
        "EDC 2024",
        number(&r, "total_energy_consumption_kwh").unwrap(),
        1010.0,
        1e-14,
    );
    close(
        "TWH",
        number(&r, "average_waste_heat_temperature_c").unwrap(),
        50.0,
        1e-12,
    );
    close("hours", r.hours_covered, 1.0, 1e-14);
    assert!(
        r.notes.iter().any(|n| n.contains("of the 8784 h of 2024")),
        "{:?}",
        r.notes
    );
    // Without GOO and PPA there is no ERES-TOT, so no REF: null with a note.
    let rf = r.get("ref").unwrap();
    assert!(rf.value.is_none() && rf.note.is_some());
    // A year the run does not touch: simulated values are null, no NaN anywhere.
    let none = EuReport::build(
        &report,
        &SiteInfo::default(),
        ReportPeriod::CalendarYear(2030),
    );
    assert_eq!(number(&none, "pue"), None);
    assert_eq!(number(&none, "total_energy_consumption_kwh"), None);
    assert!(!none.to_json().contains("NaN"));
}

#[test]
fn site_info_rejects_unknown_keys() {
    let ok: SiteInfo = serde_json::from_str(r#"{"installed_it_power_demand_kw": 750}"#).unwrap();
    assert_eq!(ok.installed_it_power_demand_kw, Some(750.0));
    let err = serde_json::from_str::<SiteInfo>(r#"{"instaled_it_power_kw": 750}"#).unwrap_err();
    assert!(err.to_string().contains("instaled_it_power_kw"), "{err}");
}
