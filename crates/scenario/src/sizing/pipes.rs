//! Pipes: the smallest steel DN within the velocity band of its size and the gradient limit,
//! at the largest flow any instance of a template's pipe carries.

use super::group::{gather, generic_name};
use super::rules::SizingRules;
use crate::design::DesignPoint;
use dctwin_components::{Component, FluidState, Pipe};
use dctwin_network::SteadyResult;
use serde::Serialize;

/// Nominal diameter and inner diameter [mm] of welded and seamless steel tube, EN 10220 (the
/// outside diameters) with the common wall of each size (EN 10255 medium series up to DN 50,
/// EN 10217/10216 above), as heating and cooling plants are built.
pub const STEEL_SERIES: &[(u32, f64)] = &[
    (15, 16.1),
    (20, 21.6),
    (25, 27.2),
    (32, 35.9),
    (40, 41.8),
    (50, 53.0),
    (65, 70.3),
    (80, 82.5),
    (100, 107.1),
    (125, 131.7),
    (150, 159.3),
    (200, 206.5),
    (250, 260.4),
    (300, 309.7),
    (350, 339.6),
    (400, 388.8),
    (450, 437.0),
    (500, 486.0),
    (600, 585.0),
    (700, 686.0),
    (800, 784.6),
    (900, 882.0),
    (1000, 984.0),
];

/// A pipe (all instances of a template's pipe together) at the design point, and the size
/// proposed for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipeSizing {
    /// Its name (a template's pipe named once: `container[*].branch`).
    pub name: String,
    /// Instances.
    pub count: usize,
    /// Largest flow of any instance [kg/s].
    pub flow_kg_s: f64,
    /// Inner diameter now [mm].
    pub inner_mm: f64,
    /// Velocity now [m/s].
    pub velocity_m_s: f64,
    /// Friction gradient now [Pa/m].
    pub gradient_pa_m: f64,
    /// The proposed nominal diameter and its inner diameter [mm]; `None` if even the largest
    /// of the series is too small.
    pub proposed: Option<(u32, f64)>,
    /// Velocity and gradient at the proposal [m/s, Pa/m].
    pub proposed_velocity_m_s: f64,
    /// Friction gradient at the proposal [Pa/m].
    pub proposed_gradient_pa_m: f64,
    /// What held the proposal from a smaller size: `velocity` or `gradient`.
    pub limited_by: &'static str,
}

impl PipeSizing {
    /// The proposal as the report writes it (`DN 80 (82.5 mm)`).
    pub fn proposal(&self) -> String {
        self.proposed
            .map_or("larger than DN 1000".to_string(), |(dn, inner)| {
                format!("DN {dn} ({inner} mm)")
            })
    }
}

/// Every pipe, instances of a template's pipe together at their largest flow.
pub fn pipes(point: &DesignPoint, steady: &SteadyResult, rules: &SizingRules) -> Vec<PipeSizing> {
    let network = &point.plant.network;
    let flow = |l: &usize| steady.links[*l].mass_flow_kg_s.abs();
    let instances = (network.links.iter().enumerate())
        .filter(|(_, link)| matches!(link.component, Component::Pipe(_)))
        .map(|(l, link)| (generic_name(&link.name), l));
    let groups = gather(instances, |a, b| flow(a) > flow(b));
    (groups.into_iter())
        .map(|(name, count, l)| {
            let Component::Pipe(pipe) = &network.links[l].component else {
                unreachable!("grouped pipes");
            };
            let r = &steady.links[l];
            let fluid = network.fluid_of(l);
            let t = 0.5 * (r.inlet_k + r.outlet_k);
            let state = FluidState {
                density_kg_m3: fluid.density_kg_m3(t),
                viscosity_pa_s: fluid.viscosity_pa_s(t),
            };
            let m = r.mass_flow_kg_s.abs();
            let (velocity_m_s, gradient_pa_m) = at_diameter(pipe, pipe.inner_diameter_m, m, state);
            let mut limited_by = "velocity";
            let mut proposed = None;
            for &(dn, inner_mm) in STEEL_SERIES {
                let (v, g) = at_diameter(pipe, inner_mm / 1e3, m, state);
                let fast = v > rules.max_velocity(dn);
                let steep = g > rules.max_gradient_pa_m;
                if !fast && !steep {
                    proposed = Some((dn, inner_mm, v, g));
                    break;
                }
                limited_by = if steep && !fast {
                    "gradient"
                } else {
                    "velocity"
                };
            }
            let (p, v, g) = match proposed {
                Some((dn, inner, v, g)) => (Some((dn, inner)), v, g),
                None => (None, f64::NAN, f64::NAN),
            };
            PipeSizing {
                name,
                count,
                flow_kg_s: m,
                inner_mm: pipe.inner_diameter_m * 1e3,
                velocity_m_s,
                gradient_pa_m,
                proposed: p,
                proposed_velocity_m_s: v,
                proposed_gradient_pa_m: g,
                limited_by,
            }
        })
        .collect()
}

/// Velocity [m/s] and friction gradient [Pa/m] of `pipe` with inner diameter `d_m` at flow
/// `m_kg_s` of water in state `state`.
fn at_diameter(pipe: &Pipe, d_m: f64, m_kg_s: f64, state: FluidState) -> (f64, f64) {
    let candidate = Pipe {
        inner_diameter_m: d_m,
        ..*pipe
    };
    let (velocity, _, _, friction_dp) = candidate.figures(m_kg_s, state, &mut 0.0);
    (velocity.abs(), friction_dp.abs() / pipe.length_m)
}
