//! KPI accumulation against hand-computed references.

mod common;

use common::{close, epoch, hand_intervals, k};
use dctwin_kpi::{Accumulator, Interval, KpiError, KpiReport, KpiSettings, Kpis, compare};

/// Relative tolerance for hand references: each value passes through a few float operations
/// (power × duration, a compensated sum, a J → MWh division, a ratio), each within 1.1e-16.
const HAND_TOL: f64 = 1e-14;

fn settings_42c() -> KpiSettings {
    KpiSettings {
        supply_limit_k: Some(k(42.0)),
        supply_tolerance_k: 0.0,
    }
}

fn hand_report() -> KpiReport {
    let mut acc = Accumulator::new(settings_42c());
    for iv in hand_intervals() {
        acc.push(&iv).expect("valid interval");
    }
    acc.finish()
}

#[test]
fn two_intervals_by_hand() {
    // A: 1 h; B: 2 h. Powers in kW (A | B):
    //   IT 100 | 200, conversion 5 | 10, pumps 2 | 4, fans 3 | 6, heat pumps 10 | 20,
    //   chillers 0 | 10, other 5 | 0 → facility 125 | 250 kW.
    // E_IT = 100·1 + 200·2 = 500 kWh; E_facility = 125·1 + 250·2 = 625 kWh.
    // PUE = 625/500 = 1.25.
    // pPUE cooling = (500 + pumps 10 + fans 15 + chillers 20)/500 = 545/500 = 1.09.
    // pPUE reuse = (500 + heat pumps 50)/500 = 1.1.
    // E_reuse = 60·1 + 150·2 = 360 kWh → ERE = (625 − 360)/500 = 0.53, ERF = 360/625 = 0.576.
    // Water 100 + 500 = 600 L → WUE = 600/500 = 1.2 L/kWh.
    // CO₂ = 125·0.4 + 500·0.2 = 150 kg → CUE = 150/500 = 0.3 kg/kWh.
    // Renewables 10·1 + 0·2 = 10 kWh → REF = 10/625 = 0.016.
    // Reuse temperature = (60·70 + 300·60)/360 = 22200/360 = 61.666… °C.
    // Hours 3; mean IT = 500/3 kW; peak IT 200 kW; over W class: B's 2 h; supply over 42 °C:
    // B's 2 h; max supply 45 °C; peak chip 85 °C; most racks over class 3.
    // Boiler 50 kWh (outside the boundary: not in the facility energy).
    let r = hand_report();
    let w = &r.whole;
    close("E_IT", w.it_energy_mwh, 0.5, HAND_TOL);
    close("E_facility", w.facility_energy_mwh, 0.625, HAND_TOL);
    close("conversion", w.conversion_loss_mwh, 0.025, HAND_TOL);
    close("pumps", w.pump_energy_mwh, 0.010, HAND_TOL);
    close("fans", w.fan_energy_mwh, 0.015, HAND_TOL);
    close("heat pumps", w.heat_pump_energy_mwh, 0.050, HAND_TOL);
    close("chillers", w.chiller_energy_mwh, 0.020, HAND_TOL);
    close("other", w.other_facility_energy_mwh, 0.005, HAND_TOL);
    close("liquid", w.it_heat_to_liquid_mwh, 0.4, HAND_TOL);
    close("reused", w.reused_heat_mwh, 0.36, HAND_TOL);
    close("rejected", w.rejected_heat_mwh, 0.15, HAND_TOL);
    close("boiler", w.boiler_heat_mwh, 0.05, HAND_TOL);
    close("PUE", w.pue.unwrap(), 1.25, HAND_TOL);
    close("pPUE cooling", w.ppue_cooling.unwrap(), 1.09, HAND_TOL);
    close("pPUE reuse", w.ppue_reuse.unwrap(), 1.1, HAND_TOL);
    close("ERE", w.ere.unwrap(), 0.53, HAND_TOL);
    close("ERF", w.erf.unwrap(), 0.576, HAND_TOL);
    close("water", w.water_m3, 0.6, HAND_TOL);
    close("WUE", w.wue_l_per_kwh.unwrap(), 1.2, HAND_TOL);
    close("CO2", w.co2_kg, 150.0, HAND_TOL);
    close("CUE", w.cue_kg_per_kwh.unwrap(), 0.3, HAND_TOL);
    close(
        "renewables",
        w.onsite_renewable_mwh.unwrap(),
        0.010,
        HAND_TOL,
    );
    close("REF", w.ref_.unwrap(), 0.016, HAND_TOL);
    close(
        "reuse temperature",
        w.reused_heat_mean_c.unwrap(),
        22200.0 / 360.0,
        HAND_TOL,
    );
    close("hours", w.hours, 3.0, HAND_TOL);
    close(
        "mean IT",
        w.mean_it_power_kw.unwrap(),
        500.0 / 3.0,
        HAND_TOL,
    );
    close("peak IT", w.peak_it_power_kw.unwrap(), 200.0, HAND_TOL);
    close("hours over class", w.hours_over_class, 2.0, HAND_TOL);
    close(
        "hours over 42 °C",
        w.hours_supply_over_limit.unwrap(),
        2.0,
        HAND_TOL,
    );
    close("limit", w.supply_limit_c.unwrap(), 42.0, HAND_TOL);
    close("max supply", w.max_supply_c.unwrap(), 45.0, HAND_TOL);
    close("peak chip", w.peak_chip_c.unwrap(), 85.0, HAND_TOL);
    assert_eq!(w.max_racks_over_class, 3);
    assert_eq!(w.waste_heat_mean_c, None);
    assert_eq!(w.start_s, Some(epoch(2024, 3, 10, 0)));
    assert_eq!(w.end_s, Some(epoch(2024, 3, 10, 3)));
    // Both intervals are in March 2024: one month, equal to the whole.
    assert_eq!(r.months.len(), 1);
    assert_eq!((r.months[0].year, r.months[0].month), (2024, 3));
    close("month PUE", r.months[0].kpis.pue.unwrap(), 1.25, HAND_TOL);
}

#[test]
fn negative_ere_when_heat_export_exceeds_facility_energy() {
    // 100 kW IT, 30 kW heat pumps, 200 kW delivered: ERE = (130 − 200)/100 = −0.7.
    let iv = Interval {
        start_s: epoch(2024, 1, 1, 0),
        duration_s: 3600.0,
        it_power_w: 100e3,
        heat_pump_w: 30e3,
        reused_heat_w: 200e3,
        reused_supply_k: k(80.0),
        max_supply_k: Some(k(30.0)),
        peak_chip_k: Some(k(60.0)),
        ..Default::default()
    };
    let mut acc = Accumulator::new(KpiSettings::default());
    acc.push(&iv).unwrap();
    let r = acc.finish();
    close("ERE", r.whole.ere.unwrap(), -0.7, HAND_TOL);
    assert_eq!(r.whole.hours_supply_over_limit, None, "no limit set");
    assert_eq!(r.whole.ref_, None, "no renewables given");
}

#[test]
fn straddling_interval_is_split_by_time() {
    // 2024-01-31T23:00Z + 3 h: 1 h in January, 2 h in February. Then 1 h wholly in February.
    let [mut a, mut b] = hand_intervals();
    a.start_s = epoch(2024, 1, 31, 23);
    a.duration_s = 3.0 * 3600.0;
    a.water_kg = 90.0;
    b.start_s = epoch(2024, 2, 1, 2);
    b.duration_s = 3600.0;
    let mut acc = Accumulator::new(settings_42c());
    acc.push(&a).unwrap();
    acc.push(&b).unwrap();
    let r = acc.finish();
    assert_eq!(r.months.len(), 2);
    let (jan, feb) = (&r.months[0], &r.months[1]);
    assert_eq!(
        (jan.year, jan.month, feb.year, feb.month),
        (2024, 1, 2024, 2)
    );
    // January: a's 1 h → IT 100 kWh, facility 125 kWh, water 30 kg, CO₂ 125·0.4 = 50 kg.
    close("Jan hours", jan.kpis.hours, 1.0, HAND_TOL);
    close("Jan IT", jan.kpis.it_energy_mwh, 0.1, HAND_TOL);
    close(
        "Jan facility",
        jan.kpis.facility_energy_mwh,
        0.125,
        HAND_TOL,
    );
    close("Jan water", jan.kpis.water_m3, 0.030, HAND_TOL);
    close("Jan CO2", jan.kpis.co2_kg, 50.0, HAND_TOL);
    assert_eq!(jan.kpis.end_s, Some(epoch(2024, 2, 1, 0)));
    // February: a's 2 h (IT 200 kWh, facility 250, water 60 kg) + b's 1 h (IT 200, facility
    // 250, water 500 kg) → IT 400 kWh, facility 500 kWh, water 560 kg, PUE 1.25.
    close("Feb hours", feb.kpis.hours, 3.0, HAND_TOL);
    close("Feb IT", feb.kpis.it_energy_mwh, 0.4, HAND_TOL);
    close("Feb facility", feb.kpis.facility_energy_mwh, 0.5, HAND_TOL);
    close("Feb water", feb.kpis.water_m3, 0.560, HAND_TOL);
    close("Feb PUE", feb.kpis.pue.unwrap(), 1.25, HAND_TOL);
    assert_eq!(feb.kpis.start_s, Some(epoch(2024, 2, 1, 0)));
    // Extremes reach both parts: a's 80 °C chip is January's peak, b's 85 °C February's.
    close("Jan chip", jan.kpis.peak_chip_c.unwrap(), 80.0, HAND_TOL);
    close("Feb chip", feb.kpis.peak_chip_c.unwrap(), 85.0, HAND_TOL);
    // The months add up to the whole run.
    let sum = Kpis::combine(r.months.iter().map(|m| &m.kpis));
    for ((name, x), (_, y)) in sum.fields().into_iter().zip(r.whole.fields()) {
        match (x, y) {
            (Some(x), Some(y)) => close(name, x, y, HAND_TOL),
            (x, y) => assert_eq!(x, y, "{name}"),
        }
    }
}

#[test]
fn split_across_a_new_year() {
    let iv = Interval {
        start_s: epoch(2023, 12, 31, 23) + 1800.0,
        duration_s: 3600.0,
        it_power_w: 1e6,
        max_supply_k: Some(k(30.0)),
        peak_chip_k: Some(k(60.0)),
        ..Default::default()
    };
    let mut acc = Accumulator::new(KpiSettings::default());
    acc.push(&iv).unwrap();
    let r = acc.finish();
    let months: Vec<_> = r
        .months
        .iter()
        .map(|m| (m.year, m.month, m.kpis.it_energy_mwh))
        .collect();
    assert_eq!(months.len(), 2);
    assert_eq!(
        (months[0].0, months[0].1, months[1].0, months[1].1),
        (2023, 12, 2024, 1)
    );
    close("Dec", months[0].2, 0.5, HAND_TOL);
    close("Jan", months[1].2, 0.5, HAND_TOL);
}

#[test]
fn constant_year_is_exact() {
    // 8760 hourly intervals of 2023 at constant, deliberately awkward powers.
    let p = Interval {
        start_s: 0.0,
        duration_s: 3600.0,
        it_power_w: 1_234_567.891,
        conversion_loss_w: 23_456.7,
        pump_w: 12_345.678,
        fan_w: 9_876.543_21,
        heat_pump_w: 54_321.098_7,
        chiller_w: 1_111.1,
        other_facility_w: 7_777.77,
        reused_heat_w: 800_000.3,
        reused_supply_k: k(65.0),
        water_kg: 123.456,
        grid_kg_co2_per_kwh: 0.321,
        max_supply_k: Some(k(38.0)),
        peak_chip_k: Some(k(75.0)),
        ..Default::default()
    };
    let t0 = epoch(2023, 1, 1, 0);
    let mut acc = Accumulator::new(KpiSettings::default());
    for h in 0..8760 {
        let iv = Interval {
            start_s: t0 + 3600.0 * f64::from(h),
            ..p.clone()
        };
        acc.push(&iv).unwrap();
    }
    let r = acc.finish();
    let facility_w = p.it_power_w
        + p.conversion_loss_w
        + p.pump_w
        + p.fan_w
        + p.heat_pump_w
        + p.chiller_w
        + p.other_facility_w;
    // Energies = power × 8760 h within 1e-12 relative (the brief's bound; compensated sums
    // leave a few ulps).
    let mwh = |w: f64| w * 8760.0 / 1e6;
    let w = &r.whole;
    let checks = [
        ("IT", w.it_energy_mwh, mwh(p.it_power_w)),
        ("facility", w.facility_energy_mwh, mwh(facility_w)),
        ("pumps", w.pump_energy_mwh, mwh(p.pump_w)),
        ("fans", w.fan_energy_mwh, mwh(p.fan_w)),
        ("heat pumps", w.heat_pump_energy_mwh, mwh(p.heat_pump_w)),
        ("reused", w.reused_heat_mwh, mwh(p.reused_heat_w)),
        ("water", w.water_m3, p.water_kg * 8760.0 / 1000.0),
        (
            "CO2",
            w.co2_kg,
            facility_w * 8760.0 / 1000.0 * p.grid_kg_co2_per_kwh,
        ),
    ];
    let mut worst: f64 = 0.0;
    for (name, got, want) in checks {
        close(name, got, want, 1e-12);
        worst = worst.max(((got - want) / want).abs());
    }
    // PUE equals the power ratio to within 4 ulps (the energies are each rounded a few times
    // before the division; "exact" up to that).
    let pue_error =
        (w.pue.unwrap() - facility_w / p.it_power_w).abs() / (facility_w / p.it_power_w);
    assert!(
        pue_error <= 4.0 * f64::EPSILON,
        "PUE relative error {pue_error:e}"
    );
    println!("worst energy relative error {worst:e}, PUE relative error {pue_error:e}");
    close("hours", w.hours, 8760.0, 0.0);
    assert_eq!(r.months.len(), 12);
    close("Jan hours", r.months[0].kpis.hours, 744.0, 0.0);
    close("Feb hours", r.months[1].kpis.hours, 672.0, 0.0);
    close(
        "Feb IT",
        r.months[1].kpis.it_energy_mwh,
        p.it_power_w * 672.0 / 1e6,
        1e-12,
    );
    close(
        "reuse temperature",
        w.reused_heat_mean_c.unwrap(),
        65.0,
        1e-12,
    );
}

#[test]
fn no_it_energy_gives_null_kpis() {
    let iv = Interval {
        start_s: epoch(2024, 5, 1, 0),
        duration_s: 600.0,
        pump_w: 5e3,
        fan_w: 2e3,
        water_kg: 3.0,
        grid_kg_co2_per_kwh: 0.3,
        max_supply_k: Some(k(30.0)),
        peak_chip_k: Some(k(35.0)),
        onsite_renewable_w: Some(1e3),
        ..Default::default()
    };
    let mut acc = Accumulator::new(KpiSettings::default());
    acc.push(&iv).unwrap();
    let r = acc.finish();
    let w = &r.whole;
    for (name, v) in [
        ("pue", w.pue),
        ("ppue_cooling", w.ppue_cooling),
        ("ppue_reuse", w.ppue_reuse),
        ("ere", w.ere),
        ("erf", w.erf),
        ("wue", w.wue_l_per_kwh),
        ("cue", w.cue_kg_per_kwh),
        ("ref", w.ref_),
    ] {
        assert_eq!(v, None, "{name} must be None without IT energy");
    }
    let json = r.to_json();
    assert!(json.contains("\"pue\": null"), "{json}");
    assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
    // An empty accumulator: nothing at all, still no NaN.
    let empty = Accumulator::new(KpiSettings::default()).finish();
    assert_eq!(empty.whole.pue, None);
    assert_eq!(empty.whole.mean_it_power_kw, None);
    assert!(empty.months.is_empty());
    assert!(!empty.to_csv().contains("NaN"));
}

#[test]
fn bad_intervals_are_rejected_with_their_start() {
    let [a, b] = hand_intervals();
    let mut acc = Accumulator::new(settings_42c());
    acc.push(&a).unwrap();

    let nan = Interval {
        pump_w: f64::NAN,
        ..b.clone()
    };
    let err = acc.push(&nan).unwrap_err();
    assert!(
        matches!(
            err,
            KpiError::InvalidValue {
                field: "pump_w",
                ..
            }
        ),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("2024-03-10T01:00:00Z") && msg.contains("pump_w"),
        "{msg}"
    );

    let negative = Interval {
        fan_w: -1.0,
        ..b.clone()
    };
    assert!(matches!(
        acc.push(&negative),
        Err(KpiError::InvalidValue { field: "fan_w", .. })
    ));
    let cold = Interval {
        peak_chip_k: Some(0.0),
        ..b.clone()
    };
    assert!(matches!(
        acc.push(&cold),
        Err(KpiError::InvalidValue {
            field: "peak_chip_k",
            ..
        })
    ));
    let empty = Interval {
        duration_s: 0.0,
        ..b.clone()
    };
    assert!(matches!(
        acc.push(&empty),
        Err(KpiError::InvalidValue {
            field: "duration_s",
            ..
        })
    ));

    // Starts half-way through `a`: an overlap.
    let overlap = Interval {
        start_s: a.start_s + 1800.0,
        ..b.clone()
    };
    let err = acc.push(&overlap).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, KpiError::Overlap { .. }), "{err:?}");
    assert!(
        msg.contains("2024-03-10T00:30:00Z") && msg.contains("2024-03-10T01:00:00Z"),
        "{msg}"
    );
    // Out of order (before `a`) is an overlap too.
    let early = Interval {
        start_s: a.start_s - 7200.0,
        ..b.clone()
    };
    assert!(matches!(acc.push(&early), Err(KpiError::Overlap { .. })));

    // Rejected intervals left nothing behind: pushing `b` now gives the hand report.
    acc.push(&b).unwrap();
    assert_eq!(acc.finish(), hand_report());

    // A bad setting is reported at the first push.
    let mut acc = Accumulator::new(KpiSettings {
        supply_limit_k: Some(f64::INFINITY),
        supply_tolerance_k: 0.0,
    });
    assert!(matches!(
        acc.push(&a),
        Err(KpiError::InvalidValue {
            field: "supply_limit_k",
            ..
        })
    ));
}

#[test]
fn json_round_trip() {
    let r = hand_report();
    let back = KpiReport::from_json(&r.to_json()).expect("own JSON reads back");
    // serde_json (without its float_roundtrip feature) may parse a float 1 ulp off: compare
    // every field to 2 ulps.
    let pairs = std::iter::once((&r.whole, &back.whole)).chain(
        r.months
            .iter()
            .zip(&back.months)
            .map(|(a, b)| (&a.kpis, &b.kpis)),
    );
    for (x, y) in pairs {
        for ((name, a), (_, b)) in x.fields().into_iter().zip(y.fields()) {
            match (a, b) {
                (Some(a), Some(b)) => close(name, b, a, 2.0 * f64::EPSILON),
                (a, b) => assert_eq!(a, b, "{name}"),
            }
        }
    }
    assert_eq!(back.months.len(), r.months.len());
    let err = KpiReport::from_json("{\n \"whole\": 3\n}").unwrap_err();
    assert!(
        matches!(err, KpiError::Json(_)) && err.to_string().contains("line 2"),
        "{err}"
    );
}

#[test]
fn csv_has_a_row_per_month_and_a_total() {
    let [a, mut b] = hand_intervals();
    b.start_s = epoch(2024, 4, 2, 0);
    let mut acc = Accumulator::new(settings_42c());
    acc.push(&a).unwrap();
    acc.push(&b).unwrap();
    let r = acc.finish();
    let csv = r.to_csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines[1].starts_with("2024-03,")
            && lines[2].starts_with("2024-04,")
            && lines[3].starts_with("total,")
    );
    // Every CSV column after `period` is a key of the JSON's KPIs, and the other way round.
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    let mut keys: Vec<&str> = json["whole"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut columns: Vec<&str> = lines[0].split(',').skip(1).collect();
    keys.sort_unstable();
    columns.sort_unstable();
    assert_eq!(keys, columns);
    // The total row's PUE cell is the whole run's PUE.
    let pue_column = lines[0].split(',').position(|c| c == "pue").unwrap();
    let pue: f64 = lines[3]
        .split(',')
        .nth(pue_column)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(Some(pue), r.whole.pue);
}

#[test]
fn display_table_and_compare() {
    let a = hand_report();
    let table = a.to_string();
    for word in [
        "PUE", "ERE", "ERF", "WUE", "CUE", "IT MWh", "2024-03", "total",
    ] {
        assert!(table.contains(word), "missing {word} in\n{table}");
    }
    // Run B: the same with twice the pump power.
    let mut acc = Accumulator::new(settings_42c());
    for iv in hand_intervals() {
        acc.push(&Interval {
            pump_w: 2.0 * iv.pump_w,
            ..iv
        })
        .unwrap();
    }
    let b = acc.finish();
    let out = compare(&a, &b, ("baseline", "double-pumps"));
    assert!(
        out.contains("baseline") && out.contains("double-pumps"),
        "{out}"
    );
    let diff = format!("{:+.4}", b.whole.pue.unwrap() - a.whole.pue.unwrap());
    let pue_line = out.lines().find(|l| l.starts_with("PUE ")).unwrap();
    assert!(pue_line.contains(&diff), "expected {diff} in {pue_line}");
    // Pumps doubled: +100 %.
    let pump_line = out.lines().find(|l| l.starts_with("pump energy")).unwrap();
    assert!(pump_line.contains("+100.00 %"), "{pump_line}");
}

#[test]
fn float_noise_at_a_month_boundary_is_not_an_overlap() {
    // `a` ends one ulp-scale step after the April boundary; the next starts just before that
    // end, i.e. on the March side of the boundary (within the 1 µs tolerance). The March part
    // goes to the existing March entry: two months, in order.
    let [mut a, mut b] = hand_intervals();
    let boundary = epoch(2024, 4, 1, 0);
    a.start_s = boundary - 3600.0;
    a.duration_s = 3600.0 + 4.8e-7;
    b.start_s = boundary - 2.4e-7;
    let mut acc = Accumulator::new(KpiSettings::default());
    acc.push(&a).unwrap();
    acc.push(&b).expect("within the overlap tolerance");
    let r = acc.finish();
    let months: Vec<(i32, u32)> = r.months.iter().map(|m| (m.year, m.month)).collect();
    assert_eq!(months, [(2024, 3), (2024, 4)]);
    close("hours", r.whole.hours, 3.0, 1e-9);
}

#[test]
fn a_supply_within_the_sensor_tolerance_of_its_limit_does_not_count_as_over_it() {
    // Interval a: 40 °C for 1 h; b: 45 °C for 2 h. Limit 39.6 °C: a is 0.4 K over.
    let hours = |tolerance_k: f64| {
        let mut acc = Accumulator::new(KpiSettings {
            supply_limit_k: Some(k(39.6)),
            supply_tolerance_k: tolerance_k,
        });
        for iv in hand_intervals() {
            acc.push(&iv).unwrap();
        }
        acc.finish().whole.hours_supply_over_limit.unwrap()
    };
    close("no tolerance", hours(0.0), 3.0, HAND_TOL);
    close("0.5 K tolerance", hours(0.5), 2.0, HAND_TOL);
    close("6 K tolerance", hours(6.0), 0.0, HAND_TOL);
    let mut acc = Accumulator::new(KpiSettings {
        supply_limit_k: Some(k(40.0)),
        supply_tolerance_k: -0.1,
    });
    assert!(matches!(
        acc.push(&hand_intervals()[0]),
        Err(KpiError::InvalidValue {
            field: "supply_tolerance_k",
            ..
        })
    ));
}

/// An interval's own ratios are those of a run made of it alone (the time plot of PUE and the
/// run's PUE agree where they should), and the run's lie between its intervals'.
#[test]
fn an_intervals_own_ratios_are_a_one_interval_runs() {
    for iv in hand_intervals() {
        let mut acc = Accumulator::new(settings_42c());
        acc.push(&iv).unwrap();
        let run = acc.finish().whole;
        let own = iv.kpis();
        for (name, a, b) in [
            ("pue", run.pue, own.pue),
            ("ppue_cooling", run.ppue_cooling, own.ppue_cooling),
            ("ere", run.ere, own.ere),
            ("erf", run.erf, own.erf),
            ("wue", run.wue_l_per_kwh, own.wue_l_per_kwh),
            ("cue", run.cue_kg_per_kwh, own.cue_kg_per_kwh),
        ] {
            close(name, a.unwrap(), b.unwrap(), 1e-12);
        }
    }
    let [a, b] = hand_intervals();
    let whole = hand_report().whole.pue.unwrap();
    let (pa, pb) = (a.kpis().pue.unwrap(), b.kpis().pue.unwrap());
    assert!(
        pa.min(pb) <= whole && whole <= pa.max(pb),
        "{pa} {whole} {pb}"
    );
}
