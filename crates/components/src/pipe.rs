//! A straight round pipe: Darcy–Weisbach friction, minor losses, heat loss to its surroundings,
//! the heat capacity of its wall, and how many well-mixed segments the transient simulation
//! cuts its water into.

use crate::friction::{FrictionLaw, RE_LAMINAR};
use crate::hydraulic::{FluidState, HydraulicLaw, square_law};
use crate::thermal::ThermalLaw;
use std::f64::consts::PI;

/// Default absolute roughness [m]: 0.045 mm, new commercial steel (Moody's classic value, the
/// usual choice for welded steel cooling-water pipework).
pub const DEFAULT_ROUGHNESS_M: f64 = 0.045e-3;

/// Heat exchange of a pipe with its surroundings (ground, room or air).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PipeHeatLoss {
    /// Overall heat-transfer coefficient referred to the outer surface [W/(m²·K)].
    pub u_w_m2_k: f64,
    /// Outer diameter on which `u_w_m2_k` is referred (insulation included) [m].
    pub outer_diameter_m: f64,
    /// Temperature of the surroundings [K].
    pub ambient_k: f64,
}

/// Most segments a pipe may be cut into [-]: each is a state of the transient simulation.
pub const MAX_SEGMENTS: usize = 100;

/// A pipe wall's material: what its heat capacity per volume follows from. Metals only: the
/// wall is held at its water's temperature, which a metal wall reaches in seconds (δ²/α: 3 s
/// for 6 mm of steel) but a plastic one in tens of minutes (30 min for 20 mm of PE).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WallMaterial {
    /// Density [kg/m³].
    pub density_kg_m3: f64,
    /// Specific heat near room temperature [J/(kg·K)].
    pub specific_heat_j_kg_k: f64,
}

impl WallMaterial {
    /// Carbon steel: 7850 kg/m³ (EN 1993-1-1), 480 J/(kg·K) (handbooks give 430–500 at
    /// 20–60 °C; the Liège test bench's steel pipe is documented as "about 480").
    pub const STEEL: WallMaterial = WallMaterial {
        density_kg_m3: 7850.0,
        specific_heat_j_kg_k: 480.0,
    };
    /// Austenitic stainless steel (1.4301/304): 7900 kg/m³, 500 J/(kg·K) (EN 10088-1).
    pub const STAINLESS_STEEL: WallMaterial = WallMaterial {
        density_kg_m3: 7900.0,
        specific_heat_j_kg_k: 500.0,
    };
    /// Copper: 8930 kg/m³, 385 J/(kg·K).
    pub const COPPER: WallMaterial = WallMaterial {
        density_kg_m3: 8930.0,
        specific_heat_j_kg_k: 385.0,
    };
}

/// A pipe's wall as a heat store, segment by segment in the transient simulation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PipeWall {
    /// Wall thickness [m].
    pub thickness_m: f64,
    /// Its material.
    pub material: WallMaterial,
    /// How it exchanges heat with the water.
    pub exchange: WallExchange,
}

/// How a pipe's wall exchanges heat with its water in the transient simulation.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum WallExchange {
    /// At its water's temperature: its capacity is added to each segment's water. A front is
    /// slowed by the whole wall at once; cheap, and right where fronts are slow against the
    /// film's few seconds (a facility's hours).
    #[default]
    Lumped,
    /// Its own temperature per segment, exchanging with the water through the film
    /// (Gnielinski's correlation at the segment's flow) and a fouling resistance: a front
    /// passes at the water's speed and the wall follows, which spreads it as measured (the
    /// Liège bench's fronts of a minute).
    Film {
        /// Fouling resistance of the inner surface [m²·K/W] (0 for a clean pipe).
        fouling_m2_k_w: f64,
    },
}

/// Friction alone at one flow.
struct FrictionDrop {
    /// Darcy factor [-] (0 at zero flow).
    factor: f64,
    /// p_from − p_to [Pa].
    dp_pa: f64,
    /// Its slope [Pa/(kg/s)].
    slope: f64,
}

/// A straight round pipe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pipe {
    /// Length [m].
    pub length_m: f64,
    /// Inner diameter [m].
    pub inner_diameter_m: f64,
    /// Absolute wall roughness [m].
    pub roughness_m: f64,
    /// Sum of the minor-loss coefficients of bends, tees and fittings, on the pipe's velocity [-].
    pub minor_loss_coefficient: f64,
    /// Turbulent friction law.
    pub friction: FrictionLaw,
    /// Heat loss to the surroundings; `None` for an adiabatic pipe.
    pub heat_loss: Option<PipeHeatLoss>,
    /// The wall's heat capacity; `None`: left out.
    pub wall: Option<PipeWall>,
    /// Well-mixed segments the transient simulation cuts the water into, in series along the
    /// flow (1 ..= [`MAX_SEGMENTS`]). One segment is a mixing volume: an inlet change shows
    /// at the outlet at once, as a lag. N segments let a front through after the transit time
    /// τ = (water + wall capacity)/(ṁ·c_p), spread over ±τ/√N (one standard deviation, the
    /// Erlang-N response). The steady solver ignores it (its loss law is exact).
    pub segments: usize,
}

impl Pipe {
    /// Flow cross-section [m²].
    pub fn area_m2(&self) -> f64 {
        PI * self.inner_diameter_m * self.inner_diameter_m / 4.0
    }

    /// Volume of water held [m³].
    pub fn water_volume_m3(&self) -> f64 {
        self.area_m2() * self.length_m
    }

    /// Heat capacity of the wall [J/K] (0 without a wall): its annulus' volume × ρ·c.
    pub fn wall_capacity_j_k(&self) -> f64 {
        self.wall.map_or(0.0, |w| {
            let outer_m = self.inner_diameter_m + 2.0 * w.thickness_m;
            let annulus_m2 = PI / 4.0 * (outer_m * outer_m - self.inner_diameter_m.powi(2));
            annulus_m2 * self.length_m * w.material.density_kg_m3 * w.material.specific_heat_j_kg_k
        })
    }

    /// The conductance between the water and the wall of a pipe whose wall exchanges through
    /// its film [W/K], at `mass_flow_kg_s` of `fluid` at `t_k`: the film (Gnielinski's
    /// correlation, laminar Nu = 3.66 when nothing flows) in series with the fouling, over the
    /// inner surface; `None` for a pipe whose wall is lumped with its water or has none.
    pub fn film_conductance_w_k(
        &self,
        fluid: &dctwin_fluid::Fluid,
        t_k: f64,
        mass_flow_kg_s: f64,
    ) -> Option<f64> {
        let WallExchange::Film { fouling_m2_k_w } = self.wall?.exchange else {
            return None;
        };
        let h = crate::plug_flow::distributed::film_coefficient_w_m2_k(
            fluid,
            t_k,
            mass_flow_kg_s,
            self.inner_diameter_m,
        );
        let area_m2 = PI * self.inner_diameter_m * self.length_m;
        Some(area_m2 / (1.0 / h + fouling_m2_k_w))
    }

    /// Reynolds number for mass flow `mass_flow_kg_s` [-].
    pub fn reynolds(&self, mass_flow_kg_s: f64, fluid: FluidState) -> f64 {
        mass_flow_kg_s.abs() * self.inner_diameter_m / (self.area_m2() * fluid.viscosity_pa_s)
    }

    /// Mean velocity [m/s].
    pub fn velocity_m_s(&self, mass_flow_kg_s: f64, fluid: FluidState) -> f64 {
        mass_flow_kg_s / (fluid.density_kg_m3 * self.area_m2())
    }

    /// Darcy friction factor at this flow [-].
    pub fn friction_factor(&self, mass_flow_kg_s: f64, fluid: FluidState) -> f64 {
        let re = self.reynolds(mass_flow_kg_s, fluid).max(f64::MIN_POSITIVE);
        self.friction
            .friction(re, self.roughness_m / self.inner_diameter_m)
            .factor
    }

    /// Velocity [m/s], Reynolds number, Darcy factor and friction drop [Pa] at this flow, with
    /// the friction iteration started from `hint` (see [`FrictionLaw::friction_with_hint`]).
    /// The factor is 0 where there is no flow (it is undefined there).
    pub fn figures(
        &self,
        mass_flow_kg_s: f64,
        fluid: FluidState,
        hint: &mut f64,
    ) -> (f64, f64, f64, f64) {
        let friction = self.friction_dp(mass_flow_kg_s, fluid, hint);
        (
            self.velocity_m_s(mass_flow_kg_s, fluid),
            self.reynolds(mass_flow_kg_s, fluid),
            friction.factor,
            friction.dp_pa,
        )
    }

    /// Friction alone (no minor losses): the Darcy factor, p_from − p_to [Pa] and its slope.
    fn friction_dp(&self, mass_flow_kg_s: f64, fluid: FluidState, hint: &mut f64) -> FrictionDrop {
        let m = mass_flow_kg_s;
        let a = self.area_m2();
        let d = self.inner_diameter_m;
        let rho = fluid.density_kg_m3;
        let re = self.reynolds(m, fluid);
        if re <= RE_LAMINAR {
            // Hagen–Poiseuille, written so that zero flow is regular: Δp = 32 μ L ṁ / (ρ A D²).
            let slope = 32.0 * fluid.viscosity_pa_s * self.length_m / (rho * a * d * d);
            let factor = if re > 0.0 { 64.0 / re } else { 0.0 };
            return FrictionDrop {
                factor,
                dp_pa: slope * m,
                slope,
            };
        }
        let f = self
            .friction
            .friction_with_hint(re, self.roughness_m / d, hint);
        let c = self.length_m / d / (2.0 * rho * a * a);
        let dre_dm = d / (a * fluid.viscosity_pa_s);
        FrictionDrop {
            factor: f.factor,
            dp_pa: f.factor * c * m * m.abs(),
            slope: 2.0 * f.factor * c * m.abs() + f.d_factor_d_re * dre_dm * c * m * m,
        }
    }

    /// Friction pressure drop p_from − p_to without minor losses [Pa] (what pandapipes reports as
    /// `dp_friction_loss`).
    pub fn friction_dp_pa(&self, mass_flow_kg_s: f64, fluid: FluidState) -> f64 {
        self.friction_dp(mass_flow_kg_s, fluid, &mut 0.0).dp_pa
    }

    /// The hydraulic law at this flow: friction plus minor losses.
    pub fn hydraulic(&self, mass_flow_kg_s: f64, fluid: FluidState) -> HydraulicLaw {
        self.hydraulic_with_hint(mass_flow_kg_s, fluid, &mut 0.0)
    }

    /// As [`Pipe::hydraulic`], keeping the friction iteration's last value in `hint` (see
    /// [`FrictionLaw::friction_with_hint`]): what a solver does between Newton iterations.
    pub fn hydraulic_with_hint(
        &self,
        mass_flow_kg_s: f64,
        fluid: FluidState,
        hint: &mut f64,
    ) -> HydraulicLaw {
        let friction = self.friction_dp(mass_flow_kg_s, fluid, hint);
        let (mut dp, mut slope) = (friction.dp_pa, friction.slope);
        if self.minor_loss_coefficient > 0.0 {
            let a = self.area_m2();
            let k = self.minor_loss_coefficient / (2.0 * fluid.density_kg_m3 * a * a);
            if let HydraulicLaw::Loss {
                dp_pa,
                slope_pa_per_kg_s,
            } = square_law(k, mass_flow_kg_s)
            {
                dp += dp_pa;
                slope += slope_pa_per_kg_s;
            }
        }
        HydraulicLaw::Loss {
            dp_pa: dp,
            slope_pa_per_kg_s: slope,
        }
    }

    /// The steady thermal law: loss to the surroundings, or adiabatic.
    pub fn thermal(&self) -> ThermalLaw {
        match self.heat_loss {
            Some(loss) => ThermalLaw::LossToAmbient {
                ua_w_k: loss.u_w_m2_k * PI * loss.outer_diameter_m * self.length_m,
                ambient_k: loss.ambient_k,
            },
            None => ThermalLaw::Adiabatic,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dn100(length_m: f64) -> Pipe {
        Pipe {
            length_m,
            inner_diameter_m: 0.1,
            roughness_m: DEFAULT_ROUGHNESS_M,
            minor_loss_coefficient: 0.0,
            friction: FrictionLaw::Colebrook,
            heat_loss: None,
            wall: None,
            segments: 1,
        }
    }

    fn dp_and_slope(law: HydraulicLaw) -> (f64, f64) {
        match law {
            HydraulicLaw::Loss {
                dp_pa,
                slope_pa_per_kg_s,
            } => (dp_pa, slope_pa_per_kg_s),
            other => panic!("a pipe is a loss, got {other:?}"),
        }
    }

    #[test]
    fn laminar_drop_is_hagen_poiseuille() {
        // Analytical: Δp = 128 μ L Q / (π D⁴).
        let pipe = dn100(50.0);
        let fluid = FluidState::WATER_20C;
        let m = 0.05; // Re ≈ 636
        let q = m / fluid.density_kg_m3;
        let expected = 128.0 * fluid.viscosity_pa_s * 50.0 * q / (PI * 0.1f64.powi(4));
        let (dp, _) = dp_and_slope(pipe.hydraulic(m, fluid));
        assert!((dp / expected - 1.0).abs() < 1e-12);
    }

    #[test]
    fn turbulent_drop_is_darcy_weisbach() {
        let pipe = dn100(100.0);
        let fluid = FluidState::WATER_20C;
        let m = 12.0;
        let v = pipe.velocity_m_s(m, fluid);
        let f = pipe.friction_factor(m, fluid);
        let expected = f * 100.0 / 0.1 * fluid.density_kg_m3 * v * v / 2.0;
        let (dp, _) = dp_and_slope(pipe.hydraulic(m, fluid));
        assert!((dp / expected - 1.0).abs() < 1e-12);
    }

    #[test]
    fn drop_is_odd_in_flow_and_slope_matches_finite_difference() {
        let mut pipe = dn100(80.0);
        pipe.minor_loss_coefficient = 3.5;
        let fluid = FluidState::WATER_20C;
        for &m in &[-20.0, -0.5, -0.01, 0.0, 0.01, 0.15, 0.3, 3.0, 40.0] {
            let (dp, slope) = dp_and_slope(pipe.hydraulic(m, fluid));
            let (dp_neg, _) = dp_and_slope(pipe.hydraulic(-m, fluid));
            assert!((dp + dp_neg).abs() <= 1e-12 * dp.abs().max(1.0));
            assert!(slope > 0.0, "slope at {m}");
            let h = 1e-6 * m.abs().max(1e-3);
            let fd = (dp_and_slope(pipe.hydraulic(m + h, fluid)).0
                - dp_and_slope(pipe.hydraulic(m - h, fluid)).0)
                / (2.0 * h);
            assert!(
                (fd - slope).abs() <= 1e-4 * slope,
                "m {m}: fd {fd} vs {slope}"
            );
        }
    }

    #[test]
    fn heat_loss_conductance_is_u_times_outer_surface() {
        let mut pipe = dn100(100.0);
        pipe.heat_loss = Some(PipeHeatLoss {
            u_w_m2_k: 0.5,
            outer_diameter_m: 0.18,
            ambient_k: 283.15,
        });
        let ThermalLaw::LossToAmbient { ua_w_k, ambient_k } = pipe.thermal() else {
            panic!("expected a loss to ambient");
        };
        assert!((ua_w_k - 0.5 * PI * 0.18 * 100.0).abs() < 1e-12);
        assert_eq!(ambient_k, 283.15);
    }

    /// The Liège bench's pipe (DN50, 52.48 mm inside, 3.91 mm wall, 39 m): 7850 × 480 × the
    /// annulus' volume, 0.02701 m³ by hand, is 101.8 kJ/K; no wall, no capacity.
    #[test]
    fn wall_capacity_is_the_annulus_times_rho_c() {
        let mut pipe = dn100(39.0);
        pipe.inner_diameter_m = 0.05248;
        assert_eq!(pipe.wall_capacity_j_k(), 0.0);
        pipe.wall = Some(PipeWall {
            thickness_m: 0.00391,
            material: WallMaterial::STEEL,
            exchange: WallExchange::Lumped,
        });
        let annulus_m3 = PI / 4.0 * (0.0603_f64.powi(2) - 0.05248_f64.powi(2)) * 39.0;
        assert!((annulus_m3 - 0.02701).abs() < 1e-5, "{annulus_m3}");
        let expected = annulus_m3 * 7850.0 * 480.0;
        assert!((pipe.wall_capacity_j_k() / expected - 1.0).abs() < 1e-3);
        assert!((pipe.wall_capacity_j_k() / 101.8e3 - 1.0).abs() < 1e-3);
    }
}
