//! Helpers shared by the KPI tests.
#![allow(dead_code)]

use chrono::NaiveDate;
use dctwin_kpi::Interval;

/// Unix epoch seconds of a UTC date and hour.
pub fn epoch(year: i32, month: u32, day: u32, hour: u32) -> f64 {
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .map(|t| t.and_utc().timestamp() as f64)
        .expect("valid test date")
}

/// Kelvin of a Celsius temperature.
pub fn k(celsius: f64) -> f64 {
    celsius + 273.15
}

/// The two hand-computed intervals (see `two_intervals_by_hand`): 1 h then 2 h from
/// 2024-03-10T00:00Z.
pub fn hand_intervals() -> [Interval; 2] {
    let a = Interval {
        start_s: epoch(2024, 3, 10, 0),
        duration_s: 3600.0,
        it_power_w: 100e3,
        it_heat_to_liquid_w: 80e3,
        conversion_loss_w: 5e3,
        pump_w: 2e3,
        fan_w: 3e3,
        heat_pump_w: 10e3,
        chiller_w: 0.0,
        other_facility_w: 5e3,
        boiler_heat_w: 50e3,
        reused_heat_w: 60e3,
        reused_supply_k: k(70.0),
        rejected_heat_w: 30e3,
        water_kg: 100.0,
        grid_kg_co2_per_kwh: 0.4,
        max_supply_k: Some(k(40.0)),
        peak_chip_k: Some(k(80.0)),
        racks_over_class: 0,
        onsite_renewable_w: Some(10e3),
        waste_heat_k: None,
    };
    let b = Interval {
        start_s: epoch(2024, 3, 10, 1),
        duration_s: 7200.0,
        it_power_w: 200e3,
        it_heat_to_liquid_w: 160e3,
        conversion_loss_w: 10e3,
        pump_w: 4e3,
        fan_w: 6e3,
        heat_pump_w: 20e3,
        chiller_w: 10e3,
        other_facility_w: 0.0,
        boiler_heat_w: 0.0,
        reused_heat_w: 150e3,
        reused_supply_k: k(60.0),
        rejected_heat_w: 60e3,
        water_kg: 500.0,
        grid_kg_co2_per_kwh: 0.2,
        max_supply_k: Some(k(45.0)),
        peak_chip_k: Some(k(85.0)),
        racks_over_class: 3,
        onsite_renewable_w: Some(0.0),
        waste_heat_k: None,
    };
    [a, b]
}

/// |a − b| ≤ tol·|b| (or ≤ tol when b is 0), with a message naming the quantity.
pub fn close(what: &str, a: f64, b: f64, tol: f64) {
    let scale = b.abs().max(if b == 0.0 { 1.0 } else { 0.0 });
    assert!(
        (a - b).abs() <= tol * scale,
        "{what}: got {a}, expected {b} (relative tolerance {tol})"
    );
}
