//! `dctwin size` at the design point: every shipped model is sized; each proposed pipe is the
//! smallest steel DN within the velocity band and the friction gradient (the next smaller one
//! is not), its velocity the flow over the section; and the doubled jupiter layout shows what
//! the issue reported from a year's run: the plant pump at its speed limit and every CDU's
//! valve wide open above its 40 °C, where no CDU conductance would reach it.

use dctwin_scenario::design::{DesignWeather, design_point};
use dctwin_scenario::sizing::{STEEL_SERIES, SizingRules, size};
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
    // At the primary flow delivered, no conductance brings the secondary to 40 °C.
    assert_eq!(
        two.exchangers[0].ua_needed_kw_k, None,
        "{:?}",
        two.exchangers[0]
    );
}
