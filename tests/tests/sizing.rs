//! `dctwin size` at the design point: every shipped model is sized; each proposed pipe is the
//! smallest steel DN within the velocity band and the friction gradient (the next smaller one
//! is not), its velocity the flow over the section; and the doubled jupiter layout shows what
//! the issue reported from a year's run: the plant pump at its speed limit and every CDU's
//! valve wide open above its 40 °C, where no CDU conductance would reach it.

use dctwin_scenario::design::{DesignWeather, design_point};
use dctwin_scenario::sizing::{STEEL_SERIES, SizingRules, design_flows, short_loops, size};
use std::path::Path;

fn model(name: &str, counts: &[(&str, usize)]) -> dctwin_model::Facility {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../models")
        .join(name);
    let mut overrides = dctwin_model::Overrides::default();
    for (k, n) in counts {
        overrides.instance_counts.insert(k.to_string(), *n);
    }
    dctwin_model::load_with(&path, &overrides).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_shipped_model_is_sized_within_its_rules() {
    let rules = SizingRules::default();
    for name in [
        "branched-dh.toml",
        "dlc-module.toml",
        "jupiter.toml",
        "leonardo.toml",
        "qarnot.toml",
        "ulg-pipe.toml",
    ] {
        let facility = model(name, &[]);
        let point = design_point(&facility, DesignWeather::default()).unwrap();
        let sizing = size(&facility, name, &point, DesignWeather::default(), rules);
        assert!(!sizing.pipes.is_empty(), "{name}");
        for p in &sizing.pipes {
            let Some((dn, inner_mm)) = p.proposed else {
                panic!("{name}: {} has no size", p.name);
            };
            assert!(
                p.proposed_velocity_m_s <= rules.max_velocity(dn) + 1e-12
                    && p.proposed_gradient_pa_m <= rules.max_gradient_pa_m + 1e-9,
                "{name}: {p:?}"
            );
            // The velocity is the flow over the section, at the water's density (within its
            // 1 % over 0–150 °C).
            let area = std::f64::consts::PI / 4.0 * (inner_mm / 1e3).powi(2);
            let v = p.flow_kg_s / (1000.0 * area);
            assert!(
                (p.proposed_velocity_m_s / v - 1.0).abs() < 0.06,
                "{name}: {p:?} vs {v}"
            );
            // The next smaller size breaks a limit.
            let k = STEEL_SERIES.iter().position(|&(d, _)| d == dn).unwrap();
            if k > 0 && p.flow_kg_s > 0.0 {
                let smaller = STEEL_SERIES[k - 1].1 / 1e3;
                let v_small = p.proposed_velocity_m_s * (inner_mm / 1e3 / smaller).powi(2);
                let too_fast = v_small > rules.max_velocity(STEEL_SERIES[k - 1].0);
                assert!(
                    too_fast || p.limited_by == "gradient",
                    "{name}: DN {} would do for {p:?}",
                    STEEL_SERIES[k - 1].0
                );
            }
        }
    }
}

#[test]
fn the_doubled_layout_shows_its_pump_at_its_limit_and_the_cdus_wide_open() {
    let weather = DesignWeather::default();
    let rules = SizingRules::default();
    let single = model("jupiter.toml", &[]);
    let point = design_point(&single, weather).unwrap();
    let one = size(&single, "jupiter", &point, weather, rules);
    let plant_pump = |s: &dctwin_scenario::sizing::Sizing| {
        s.pumps
            .iter()
            .find(|p| p.name == "plant.pump")
            .unwrap()
            .clone()
    };
    assert!(!plant_pump(&one).at_speed_limit && one.controllers_at_limit.is_empty());
    // Each CDU holds its 40 °C at rest with the valve throttling its primary flow: the
    // conductance the set-point needs at those flows is the one it has (ε-NTU inverted, within
    // 0.5 %).
    let cdu = &one.exchangers[0];
    assert_eq!((cdu.name.as_str(), cdu.count), ("container[*].cdu", 50));
    let needed = cdu.ua_needed_kw_k.unwrap();
    assert!((needed / cdu.ua_kw_k - 1.0).abs() < 5e-3, "{cdu:?}");
    let doubled = model("jupiter.toml", &[("container", 100)]);
    let point = design_point(&doubled, weather).unwrap();
    let two = size(&doubled, "jupiter doubled", &point, weather, rules);
    assert!(plant_pump(&two).at_speed_limit, "{:?}", plant_pump(&two));
    assert_eq!(
        two.controllers_at_limit.len(),
        1,
        "{:?}",
        two.controllers_at_limit
    );
    assert!(
        two.controllers_at_limit[0]
            .starts_with("container[*].cdu.supply (×100) at its highest output"),
        "{:?}",
        two.controllers_at_limit
    );
    assert!(two.markdown().contains("The design flows are not reached"));
    // Per loop: the facility circulates what its headers carry and is held back by its pump
    // and the CDUs' valves; at 50 containers nothing holds it back.
    let facility = |s: &dctwin_scenario::sizing::Sizing| {
        s.loops.iter().find(|l| l.name == "facility").unwrap().clone()
    };
    let header = two.pipes.iter().find(|p| p.name == "header.supply").unwrap();
    assert!((facility(&two).flow_kg_s / header.flow_kg_s - 1.0).abs() < 1e-9);
    assert_eq!(
        facility(&two).limited_by,
        [
            "plant.pump at its speed limit",
            "container[*].cdu.supply at its highest output (×100)"
        ]
    );
    assert!(facility(&one).limited_by.is_empty(), "{:?}", facility(&one));
    let secondary = two.loops.iter().find(|l| l.name == "container[*].secondary");
    assert_eq!(secondary.map(|l| l.count), Some(100));
    assert!(two.markdown().contains("## Loops"));
    // At the primary flow delivered, no conductance brings the secondary to 40 °C.
    assert_eq!(
        two.exchangers[0].ua_needed_kw_k, None,
        "{:?}",
        two.exchangers[0]
    );
}

/// The plant proposes its own sizes. On a 37.5 °C, 14 % afternoon (Aachen 2022's hottest hour)
/// jupiter's dry cooler rejects at rest what its snapshot says, from the water that carries it
/// to its 34 °C set-point; its pads bring the air to the coil near 24 °C, and fewer coils than
/// its 8 would do, more than on a 15 °C day. The heat-pump bank is sized for the campus's 8 MW
/// design demand (within 1 %: the mains' losses) in its 3 MW units: 3 where it has 2, drawing
/// that heat over its COP. Doubled, the same 8 coils are just enough. Limits now include the
/// heat pumps' evaporator.
#[test]
fn the_plant_proposes_its_dry_cooler_and_heat_pumps() {
    let rules = SizingRules::default();
    let facility = model("jupiter.toml", &[]);
    let hot = DesignWeather {
        dry_bulb_k: 273.15 + 37.5,
        relative_humidity: 0.14,
    };
    let sized = |facility: &dctwin_model::Facility, weather: DesignWeather| {
        let point = design_point(facility, weather).unwrap();
        let sizing = size(facility, "jupiter", &point, weather, rules);
        let rejected_kw = (sizing.devices.iter())
            .find(|d| d.name == "plant.dry_cooler")
            .and_then(|d| d.values.iter().find(|v| v.0 == "heat").map(|v| v.1))
            .unwrap();
        (sizing, rejected_kw)
    };
    let figure = |s: &dctwin_scenario::sizing::Sizing, device: &str, name: &str| {
        let p = s.proposals.iter().find(|p| p.name == device).unwrap();
        p.figures.iter().find(|f| f.name == name).unwrap().clone()
    };
    let (summer, rejected_kw) = sized(&facility, hot);
    let dc = summer
        .proposals
        .iter()
        .find(|p| p.kind == "dry_cooler")
        .unwrap();
    assert!(
        dc.duty.starts_with(&format!("reject {rejected_kw:.0} kW")),
        "{dc:?}"
    );
    assert!(
        dc.duty.contains("after the pads") && dc.installed_suffices,
        "{dc:?}"
    );
    let coils = figure(&summer, "plant.dry_cooler", "coils");
    let needed = coils.needed.unwrap();
    assert_eq!(coils.installed, 8.0);
    assert!(needed < 8.0, "{dc:?}");
    let (mild, _) = sized(&facility, DesignWeather::default());
    let mild_needed = figure(&mild, "plant.dry_cooler", "coils").needed.unwrap();
    assert!(
        mild_needed < needed,
        "{mild_needed} at 15 °C, {needed} at 37.5 °C"
    );
    // Evaporated water only with the pads wet.
    assert!(figure(&summer, "plant.dry_cooler", "water evaporated by the pads").installed > 0.0);
    assert_eq!(
        figure(&mild, "plant.dry_cooler", "water evaporated by the pads").installed,
        0.0
    );

    let hp = summer
        .proposals
        .iter()
        .find(|p| p.kind == "heat_pump")
        .unwrap();
    let capacity = figure(&summer, "plant.hp", "heating capacity");
    assert_eq!(capacity.installed, 6000.0);
    assert!(
        (capacity.needed.unwrap() / 8000.0 - 1.0).abs() < 0.01,
        "{hp:?}"
    );
    assert_eq!(figure(&summer, "plant.hp", "units").needed, Some(3.0));
    assert!(!hp.installed_suffices && hp.limited_by.starts_with("the sink's demand"));
    let cop = figure(&summer, "plant.hp", "COP at full load").installed;
    let electric = figure(&summer, "plant.hp", "electric power")
        .needed
        .unwrap();
    assert!((electric * cop / capacity.needed.unwrap() - 1.0).abs() < 1e-9);
    assert!(
        summer
            .limits
            .iter()
            .any(|l| l.device == "plant.hp" && l.alarm == "evaporator_freeze_limit"),
        "{:?}",
        summer.limits
    );
    let markdown = summer.markdown();
    assert!(markdown.contains("### plant.hp (heat_pump)"));
    assert!(markdown.contains("**as installed it falls short**"));

    let doubled_model = model("jupiter.toml", &[("container", 100)]);
    let (doubled, _) = sized(&doubled_model, hot);
    let coils = figure(&doubled, "plant.dry_cooler", "coils").needed;
    assert_eq!(coils, Some(8.0));
    // Raising the plant pump alone does not reach the design flows on that afternoon: at the
    // larger flows the same heat comes in cooler water and 8 coils no longer hold 34 °C. The
    // search grows the dry cooler to what it proposes and brings it back to what the design
    // flows need: 9 coils, with the plant pump at 3.52 bar as on a mild day.
    let point = design_point(&doubled_model, hot).unwrap();
    let flows = design_flows(&doubled_model, &short_loops(&point), hot, &rules)
        .unwrap()
        .unwrap();
    assert!(flows.reached, "{flows:?}");
    assert!(
        (flows.pumps[0].needed_bar - 3.52).abs() < 0.02,
        "{:?}",
        flows.pumps
    );
    let change = &flows.plant_changes[..];
    assert_eq!(change.len(), 1, "{change:?}");
    assert_eq!(
        (change[0].device.as_str(), change[0].parameter),
        ("plant.dry_cooler", "units_in_service")
    );
    assert_eq!((change[0].from, change[0].to), (8.0, 9.0));
    let dc = (flows.proposals.iter())
        .find(|p| p.kind == "dry_cooler")
        .unwrap();
    assert!(
        dc.installed_suffices && dc.figures[0].needed == Some(9.0),
        "{dc:?}"
    );
    let with_flows = dctwin_scenario::sizing::Sizing {
        design_flows: Some(flows),
        ..doubled
    };
    assert!(
        with_flows
            .markdown()
            .contains("`units_in_service` 8 → **9**")
    );
}

/// Where no pump set-point and no plant growth reach the design flows, the search says so. Each
/// CDU of jupiter with a fifth of its conductance cannot bring its secondary to 40 °C at any
/// primary flow the search tries: the loops still short are named, the plant shown there, and
/// the report says something other than flow holds them back.
#[test]
fn the_search_names_the_loops_no_flow_brings_back() {
    let rules = SizingRules::default();
    let weather = DesignWeather::default();
    let mut facility = model("jupiter.toml", &[]);
    for device in &mut facility.devices {
        if let dctwin_model::Device::HeatExchanger { exchanger, .. } = device {
            exchanger.conductance.rated_ua_w_k *= 0.2;
        }
    }
    let point = design_point(&facility, weather).unwrap();
    let loops = short_loops(&point);
    assert!(!loops.is_empty());
    let flows = design_flows(&facility, &loops, weather, &rules)
        .unwrap()
        .unwrap();
    assert!(!flows.reached, "{flows:?}");
    assert!(flows.pumps.is_empty() && flows.plant_changes.is_empty());
    assert!(
        flows.still_short[0].starts_with("container[*].cdu.supply (×50) at its highest output"),
        "{:?}",
        flows.still_short
    );
    let sizing = size(&facility, "weak CDUs", &point, weather, rules);
    let with_flows = dctwin_scenario::sizing::Sizing {
        design_flows: Some(flows),
        ..sizing
    };
    let markdown = with_flows.markdown();
    assert!(markdown.contains("Something other than flow holds them back"));
}
