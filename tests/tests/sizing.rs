//! `dctwin size` at the design point: every shipped model is sized; each proposed pipe is the
//! smallest steel DN within the velocity band and the friction gradient (the next smaller one
//! is not), its velocity the flow over the section; and the doubled jupiter layout shows what
//! the issue reported from a year's run: the plant pump at its speed limit and every CDU's
//! valve wide open above its 40 °C, where no CDU conductance would reach it.

use dctwin_scenario::design::heat_recovery_off;
use dctwin_scenario::design::{DesignWeather, design_point};
use dctwin_scenario::sizing::{
    STEEL_SERIES, Sizing, SizingRules, design_flows, short_loops, size, size_at,
};
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
        let sizing = size_at(&facility, name, DesignWeather::default(), rules).unwrap();
        assert_eq!(sizing.design_flows_error, None, "{name}");
        if name == "dlc-module.toml" {
            // Three pumps in parallel, each held to 1.4 bar: the loop's rise is theirs, not
            // three times it.
            let facility = sizing.loops.iter().find(|l| l.name == "facility").unwrap();
            let rise = facility.pump_rise_bar.unwrap();
            assert!((rise - 1.4).abs() < 0.01, "{facility:?}");
        }
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
    let one = size(&single, "jupiter", &point, &point, weather, rules);
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
    let two = size(&doubled, "jupiter doubled", &point, &point, weather, rules);
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
        s.loops
            .iter()
            .find(|l| l.name == "facility")
            .unwrap()
            .clone()
    };
    let header = two
        .pipes
        .iter()
        .find(|p| p.name == "header.supply")
        .unwrap();
    assert!((facility(&two).flow_kg_s / header.flow_kg_s - 1.0).abs() < 1e-9);
    assert_eq!(
        facility(&two).limited_by,
        [
            "plant.pump at its speed limit",
            "container[*].cdu.supply at its highest output (×100)"
        ]
    );
    assert!(facility(&one).limited_by.is_empty(), "{:?}", facility(&one));
    let secondary = two
        .loops
        .iter()
        .find(|l| l.name == "container[*].secondary");
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
/// jupiter's dry cooler is sized with the heat recovery off: it rejects everything entering the
/// facility loop (within 1 %: the loop's pipes lose a little), leaving at its 34 °C set-point.
/// Its pads bring the air to the coil near 24 °C; fewer coils than its 8 would do, more than on
/// a 15 °C day. The heat-pump bank is sized for the campus's 8 MW design demand (within 1 %:
/// the mains' losses) in its 3 MW units: 3 where it has 2, at its COP, which is the one the
/// bank runs at full load at rest. Limits include the heat pumps' evaporator.
#[test]
fn the_plant_proposes_its_dry_cooler_and_heat_pumps() {
    let rules = SizingRules::default();
    let facility = model("jupiter.toml", &[]);
    let hot = DesignWeather {
        dry_bulb_k: 273.15 + 37.5,
        relative_humidity: 0.14,
    };
    let sized = |facility: &dctwin_model::Facility, weather: DesignWeather| {
        size_at(facility, "jupiter", weather, rules).unwrap()
    };
    let figure = |s: &Sizing, device: &str, name: &str| {
        let p = s.proposals.iter().find(|p| p.name == device).unwrap();
        p.figures.iter().find(|f| f.name == name).unwrap().clone()
    };
    let summer = sized(&facility, hot);
    let dc = (summer.proposals.iter())
        .find(|p| p.kind == "dry_cooler")
        .unwrap();
    assert!(dc.recovery_off, "{dc:?}");
    let duty_kw: f64 = dc.duty["reject ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let facility_in_kw = (summer.loops.iter())
        .find(|l| l.name == "facility")
        .unwrap()
        .heat_in_kw;
    assert!(
        (duty_kw / facility_in_kw - 1.0).abs() < 0.01,
        "{duty_kw} of {facility_in_kw}"
    );
    assert!(
        dc.duty.contains("after the pads") && dc.installed_suffices,
        "{dc:?}"
    );
    let coils = figure(&summer, "plant.dry_cooler", "coils");
    let needed = coils.needed.unwrap();
    assert_eq!(coils.installed, 8.0);
    assert!(needed < 8.0, "{dc:?}");
    let mild = sized(&facility, DesignWeather::default());
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

    let hp = (summer.proposals.iter())
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
    assert!(
        hp.limited_by.contains("covers 6000 kW"),
        "{}",
        hp.limited_by
    );
    // The bank runs at its capacity at rest: what it delivers over what it draws there is the
    // COP at full load the proposal uses.
    let cop = figure(&summer, "plant.hp", "COP at full load").installed;
    let delivered = figure(&summer, "plant.hp", "heat delivered").installed;
    let drawn = figure(&summer, "plant.hp", "electric power").installed;
    assert!(
        (delivered / drawn / cop - 1.0).abs() < 1e-6,
        "{delivered} / {drawn} vs {cop}"
    );
    assert!(
        (summer.limits.iter())
            .any(|l| l.device == "plant.hp" && l.alarm == "evaporator_freeze_limit"),
        "{:?}",
        summer.limits
    );
    let markdown = summer.markdown();
    assert!(markdown.contains("### plant.hp (heat_pump)"));
    assert!(markdown.contains("### plant.dry_cooler (dry_cooler), with the heat recovery off"));

    // Doubled, on that afternoon, the 8 coils fall short at the flows the plant pump delivers.
    // Raising the pump alone does not reach the design flows: the same heat then comes in more,
    // cooler water and 8 coils hold 34 °C even less. The search grows the dry cooler to what it
    // proposes and brings it back to what the design flows need: 10 coils.
    let doubled_model = model("jupiter.toml", &[("container", 100)]);
    let doubled = sized(&doubled_model, hot);
    let dc = (doubled.proposals.iter())
        .find(|p| p.kind == "dry_cooler")
        .unwrap();
    assert!(
        !dc.installed_suffices && dc.figures[0].needed == Some(9.0),
        "{dc:?}"
    );
    let flows = doubled.design_flows.clone().unwrap();
    assert!(flows.reached && flows.recovery_off, "{flows:?}");
    // Ten coils share the water and drop less than eight: the pump needs 2.89 bar, not the
    // 3.52 of a mild day with the model's eight.
    assert!(
        (flows.pumps[0].needed_bar - 2.89).abs() < 0.02,
        "{:?}",
        flows.pumps
    );
    // Only the facility loop's pipes: the campus's flows change with the recovery off alone.
    assert!(
        (flows.pipes.iter()).all(|p| p.name.starts_with("header.") || p.name.contains(".primary.")),
        "{:?}",
        flows.pipes
    );
    let change = &flows.plant_changes[..];
    assert_eq!(change.len(), 1, "{change:?}");
    assert_eq!(
        (
            change[0].device.as_str(),
            change[0].parameter,
            change[0].count
        ),
        ("plant.dry_cooler", "units_in_service", 1)
    );
    assert_eq!((change[0].from, change[0].to), (8.0, 10.0));
    let dc = (flows.proposals.iter())
        .find(|p| p.kind == "dry_cooler")
        .unwrap();
    assert!(
        dc.installed_suffices && dc.figures[0].needed == Some(10.0),
        "{dc:?}"
    );
    assert!(doubled.markdown().contains("`units_in_service` 8 → **10**"));
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
    let off = heat_recovery_off(&point.plant);
    let flows = design_flows(&facility, &loops, weather, &rules, &[&off, &[]])
        .unwrap()
        .unwrap();
    assert!(!flows.reached, "{flows:?}");
    assert!(flows.pumps.is_empty() && flows.plant_changes.is_empty());
    assert!(
        flows.still_short[0].starts_with("container[*].cdu.supply (×50) at its highest output"),
        "{:?}",
        flows.still_short
    );
    let sizing = size(&facility, "weak CDUs", &point, &point, weather, rules);
    let with_flows = dctwin_scenario::sizing::Sizing {
        design_flows: Some(flows),
        ..sizing
    };
    let markdown = with_flows.markdown();
    assert!(markdown.contains("Something other than flow holds them back"));
}

/// Coils taken out of service or added carry their share of the water: the bank's pressure
/// drop at a given flow goes with (coils in the model / coils in service)², as n identical
/// coils in parallel do. jupiter's 8 coils drop 0.4 bar at 1000 m³/h; 4 of them drop 1.6 bar,
/// 10 of them 0.256 bar; back at 8, the model's drop again.
#[test]
fn coils_in_service_carry_their_share_of_the_pressure_drop() {
    let facility = model("jupiter.toml", &[]);
    let (mut plant, _) = dctwin_sim::plant_of(&facility).unwrap();
    let l = plant.link("plant.dry_cooler").unwrap();
    let coefficient = |plant: &dctwin_sim::Plant| match &plant.network.links[l].component {
        dctwin_components::Component::HeatSource(h) => h.resistance.unwrap().coefficient(1000.0),
        other => panic!("{other:?}"),
    };
    let eight = coefficient(&plant);
    for (coils, ratio) in [(4.0, 4.0), (10.0, 0.64), (8.0, 1.0)] {
        plant.set_device(l, "units_in_service", coils).unwrap();
        let k = coefficient(&plant);
        assert!(
            (k / eight - ratio).abs() < 1e-12,
            "{coils} coils: {}",
            k / eight
        );
    }
}

/// A plant whose heat pumps are its only sink (jupiter's module with 10 containers and its dry
/// cooler replaced by a plain resistance) comes to rest at its design point, but not with its
/// heat recovery off: its racks' water would boil. `size` says so in the report and sizes the
/// rest, instead of failing for want of a design point.
#[test]
fn a_plant_that_needs_its_heat_pumps_is_still_sized() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/jupiter.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("kind = \"dry_cooler\"").unwrap();
    let end = text[start..].find("dp_nominal_bar").unwrap() + start;
    let pipes = text[start..end]
        .lines()
        .filter(|l| l.starts_with("from") || l.starts_with("to"));
    let plain = format!(
        "kind = \"resistance\"\nname = \"plant.dc\"\n{}\n",
        pipes.collect::<Vec<_>>().join("\n")
    );
    let text =
        format!("{}{plain}{}", &text[..start], &text[end..]).replace("count = 50", "count = 10");
    let dir = std::env::temp_dir().join(format!("dctwin-hp-only-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("hp-only.toml");
    std::fs::write(&file, text).unwrap();
    let facility = dctwin_model::load(&file).unwrap_or_else(|e| panic!("{e}"));
    let sizing = size_at(
        &facility,
        "hp only",
        DesignWeather::default(),
        SizingRules::default(),
    )
    .unwrap();
    let error = sizing.recovery_off_error.as_deref().unwrap_or_default();
    assert!(error.contains("boils"), "{error:?}");
    assert!(sizing.proposals.iter().all(|p| !p.recovery_off));
    assert!(
        sizing
            .markdown()
            .contains("With the heat recovery off the plant does not come to rest")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A model that takes some of its coils out of service itself has the same pressure drop as
/// one whose bank drops that much with all its coils: jupiter with 4 of its 8 coils in
/// service drops as jupiter's 8 coils would at 1.6 bar (4 times 0.4).
#[test]
fn a_model_with_coils_out_of_service_drops_as_their_share_says() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/jupiter.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let coefficient = |text: String| {
        let dir = std::env::temp_dir().join(format!("dctwin-coils-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("jupiter.toml");
        std::fs::write(&file, text).unwrap();
        let facility = dctwin_model::load(&file).unwrap_or_else(|e| panic!("{e}"));
        let (plant, _) = dctwin_sim::plant_of(&facility).unwrap();
        let l = plant.link("plant.dry_cooler").unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        match &plant.network.links[l].component {
            dctwin_components::Component::HeatSource(h) => {
                h.resistance.unwrap().coefficient(1000.0)
            }
            other => panic!("{other:?}"),
        }
    };
    let four = coefficient(text.replace(
        "dp_nominal_bar = 0.4\n",
        "dp_nominal_bar = 0.4\nunits_in_service = 4\n",
    ));
    let steeper = coefficient(text.replacen("dp_nominal_bar = 0.4\n", "dp_nominal_bar = 1.6\n", 1));
    assert!((four / steeper - 1.0).abs() < 1e-12, "{four} vs {steeper}");
}
