//! A pipe as a catalogue gives it: its heat loss as a thermal resistance per metre (`r_m_k_w`,
//! UA = L/R' whatever the diameter it is referred to) or from its insulation and what lies
//! outside it (air through a surface coefficient, or soil at a depth), and its wall's density
//! and specific heat given directly, overriding its material's. And the errors: two ways of
//! giving the loss, R' without an ambient, half an insulation, a pipe both in air and buried,
//! wall properties without a wall.

use dctwin_components::plug_flow::{
    buried_resistance_m_k_w, insulation_resistance_m_k_w, surface_resistance_m_k_w,
};
use dctwin_components::{Component, Pipe, ThermalLaw};
use std::f64::consts::PI;

/// The loop of the model fixture closed by a 250 m DN80 pipe with `keys`.
fn model(keys: &str) -> Result<dctwin_model::Facility, String> {
    let text =
        dctwin_model::fixture::pumped_loop("catalogue", "loop", 70.0, "flow_setpoint_m3_h = 5")
            + "[[loop.component]]\nkind = \"pipe\"\nname = \"main\"\nfrom = \"discharge\"\n\
           to = \"suction\"\nlength_m = 250\ninner_diameter_mm = 80\n"
            + keys;
    dctwin_model::parse(&text, std::path::Path::new("catalogue.toml")).map_err(|e| e.to_string())
}

fn pipe(facility: &dctwin_model::Facility) -> Pipe {
    let link = facility.links.iter().find(|l| l.name == "main").unwrap();
    match &link.component {
        Component::Pipe(p) => *p,
        other => panic!("{other:?}"),
    }
}

/// R' = 2.5 K·m/W over 250 m is UA = 100 W/K (to round-off), with or without a wall (the
/// diameter R' is referred to does not matter); the ambient is the one given.
#[test]
fn a_resistance_per_metre_gives_length_over_it() {
    for wall in ["", "wall_thickness_mm = 4\n"] {
        let keys = format!("r_m_k_w = 2.5\nambient_temperature_c = 8\n{wall}");
        let p = pipe(&model(&keys).unwrap());
        let ThermalLaw::LossToAmbient { ua_w_k, ambient_k } = p.thermal() else {
            panic!("a loss to ambient");
        };
        assert!((ua_w_k - 100.0).abs() < 1e-12 * 100.0, "{ua_w_k}");
        assert!((ambient_k - 281.15).abs() < 1e-12);
    }
}

/// A polyethylene-like wall given directly: 950 kg/m³, 1900 J/(kg·K), 7 mm thick: its heat
/// capacity is the annulus' volume times ρ·c (to round-off); one property alone keeps the
/// material's other.
#[test]
fn wall_properties_given_directly_override_the_materials() {
    let keys =
        "wall_thickness_mm = 7\nwall_density_kg_m3 = 950\nwall_specific_heat_j_kg_k = 1900\n";
    let p = pipe(&model(keys).unwrap());
    let (inner, outer) = (0.080, 0.094);
    let expected = PI / 4.0 * (outer * outer - inner * inner) * 250.0 * 950.0 * 1900.0;
    let got = p.wall_capacity_j_k();
    assert!(
        (got - expected).abs() < 1e-9 * expected,
        "{got} vs {expected}"
    );
    let keys = "wall_thickness_mm = 7\nwall_material = \"copper\"\nwall_density_kg_m3 = 8000\n";
    let wall = pipe(&model(keys).unwrap()).wall.unwrap();
    assert_eq!(wall.material.density_kg_m3, 8000.0);
    assert_eq!(
        wall.material.specific_heat_j_kg_k,
        dctwin_components::pipe::WallMaterial::COPPER.specific_heat_j_kg_k
    );
}

/// The UA of a pipe's layers is L over the sum of its layers' resistances, as the plug-flow
/// pipe's own helpers compute them (to round-off): 30 mm of insulation at 0.035 W/(m·K) on the
/// bare 80 mm pipe or on its 4 mm wall, then air at 10 W/(m²·K) or soil at 1.5 W/(m·K) with
/// the axis 1 m deep; and a bare buried pipe.
#[test]
fn insulation_and_burial_give_the_layers_resistance() {
    let insulation = "insulation_thickness_mm = 30\ninsulation_conductivity_w_m_k = 0.035\n";
    let air = "surface_coefficient_w_m2_k = 10\n";
    let soil = "burial_depth_m = 1.0\nsoil_conductivity_w_m_k = 1.5\n";
    let cases = [
        (format!("{insulation}{air}"), 0.080, true, false),
        (
            format!("{insulation}{air}wall_thickness_mm = 4\n"),
            0.088,
            true,
            false,
        ),
        (format!("{insulation}{soil}"), 0.080, true, true),
        (soil.to_string(), 0.080, false, true),
    ];
    for (keys, pipe_outer, insulated, buried) in cases {
        let keys = format!("{keys}ambient_temperature_c = 10\n");
        let p = pipe(&model(&keys).unwrap());
        let ThermalLaw::LossToAmbient { ua_w_k, .. } = p.thermal() else {
            panic!("a loss: {keys}");
        };
        let outer = if insulated {
            pipe_outer + 0.060
        } else {
            pipe_outer
        };
        let mut r = 0.0;
        if insulated {
            r += insulation_resistance_m_k_w(pipe_outer, outer, 0.035).unwrap();
        }
        r += match buried {
            true => buried_resistance_m_k_w(outer, 1.0, 1.5).unwrap(),
            false => surface_resistance_m_k_w(outer, 10.0).unwrap(),
        };
        let expected = 250.0 / r;
        assert!(
            (ua_w_k - expected).abs() < 1e-9 * expected,
            "{keys}: {ua_w_k} vs {expected}"
        );
    }
}

#[test]
fn a_catalogue_pipe_written_wrong_is_named() {
    let cases = [
        (
            "r_m_k_w = 2.5\nu_value_w_m2_k = 0.3\nouter_diameter_mm = 200\nambient_temperature_c = 8\n",
            "key \"r_m_k_w\": give u_value_w_m2_k or r_m_k_w, not both",
        ),
        (
            "r_m_k_w = 2.5\n",
            "a pipe with r_m_k_w also needs ambient_temperature_c",
        ),
        (
            "r_m_k_w = 0\nambient_temperature_c = 8\n",
            "key \"r_m_k_w\"",
        ),
        (
            "wall_density_kg_m3 = 950\n",
            "key \"wall_density_kg_m3\": wall_density_kg_m3 describes a wall: it needs wall_thickness_mm",
        ),
        (
            "wall_thickness_mm = 5\nwall_specific_heat_j_kg_k = 50000\n",
            "key \"wall_specific_heat_j_kg_k\": expected 100 to 5000, found 50000",
        ),
        (
            "insulation_thickness_mm = 30\ninsulation_conductivity_w_m_k = 0.035\nambient_temperature_c = 8\n",
            "an insulated pipe needs what lies outside it",
        ),
        (
            "surface_coefficient_w_m2_k = 10\nburial_depth_m = 1\nsoil_conductivity_w_m_k = 1.5\nambient_temperature_c = 8\n",
            "in air (surface_coefficient_w_m2_k) or buried",
        ),
        (
            "insulation_thickness_mm = 30\nsurface_coefficient_w_m2_k = 10\nambient_temperature_c = 8\n",
            "insulation needs both insulation_thickness_mm and insulation_conductivity_w_m_k",
        ),
        (
            "insulation_thickness_mm = 30\ninsulation_conductivity_w_m_k = 0.035\n\
             burial_depth_m = 0.05\nsoil_conductivity_w_m_k = 1.5\nambient_temperature_c = 8\n",
            "burial_depth_m = 0.05 m puts the pipe's axis within its own outer radius (0.070 m",
        ),
        (
            "r_m_k_w = 2\nsurface_coefficient_w_m2_k = 10\nambient_temperature_c = 8\n",
            "give r_m_k_w or the pipe's layers (surface_coefficient_w_m2_k, …), not both",
        ),
    ];
    for (keys, wanted) in cases {
        let err = model(keys).expect_err(keys);
        assert!(err.contains(wanted), "'{wanted}' not in: {err}");
    }
}
