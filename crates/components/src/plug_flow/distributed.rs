//! The plug-flow pipe with its wall spread along it: the water moves as plugs and exchanges heat,
//! where it is, with the stretch of wall around it, through a film coefficient. The wall loses
//! heat through the insulation to the surroundings.
//!
//! # Why not the wall lumped at the outlet
//! [`PlugFlowPipe`](super::PlugFlowPipe) (and Modelica Buildings' `PlugFlowPipe`) puts the whole
//! wall in one mixing volume at the outlet. A front then leaves as a first-order lag of time
//! constant C_wall/(ṁ·c_p): at full slope as soon as it arrives, with a long exponential tail.
//! A real front passing along a wall is slowed by the same mean time, but each stretch of wall
//! takes heat from the front's leading edge and returns it to the water behind it, so the front
//! leaves as a spread, nearly symmetric step: its foot later, its top earlier. The Liège
//! measurements (`tests/tests/ulg_pipe.rs`) have that shape, not the lag's.
//!
//! # The model
//! * **Water.** Parcels (mass, specific enthalpy) in a line of fixed mass M, the pipe's volume
//!   filled at its initial temperatures, as in [`DelayLine`](super::DelayLine). Each step pushes
//!   ṁ·Δt at the inlet and pops ṁ·Δt at the outlet, so a front moves by mass, however the flow
//!   varies, without numerical diffusion from the transport.
//! * **Wall.** `segments` stretches of equal length, fixed in space, each with the wall's
//!   capacity per length. Segment j holds the water between mass coordinates j·M/n and
//!   (j+1)·M/n from the outlet.
//! * **Exchange.** Over a step, each segment's water (at its mass-weighted mean enthalpy) and
//!   its wall follow C_w·dT_w/dt = G·(T_s − T_w) and
//!   C_s·dT_s/dt = G·(T_w − T_s) + U·(T_amb − T_s), solved exactly for the step. The heat the
//!   water gained is shared by the parcels in the segment per kilogram.
//!   G = π·D·Δx / (1/h + R_foul + t/(3·k_wall)): the film coefficient h
//!   ([`film_coefficient_w_m2_k`], at the segment's temperature and the step's flow), a
//!   fouling resistance on the inner surface, and the wall's own conduction to its mean
//!   temperature (a wall heated on one face and insulated on the other: t/(3k)).
//!   U = Δx/R with R the spec's resistance per length: the loss leaves from the wall, through
//!   the insulation. (R from the spec's helpers runs from the outer wall; the film is in series
//!   with it here: for an insulated pipe that lowers the loss by < 0.2 % in turbulent flow and
//!   by a few % at standstill, where the film is laminar.)
//! * **Sub-steps.** A step moving more than one segment's mass is cut into equal sub-steps
//!   that each move at most that much, so water never passes a segment without exchanging
//!   with it.
//! * **Parcels.** One per (sub-)step; a new parcel is merged into the newest one while that one
//!   holds less than 1/(2·[`PARCELS_PER_SEGMENT`]) of a segment, so slow flow cannot grow the
//!   line without bound. Merging mixes water that entered within that mass of each other.
//!
//! # Energy accounting
//! The water's enthalpy change in a segment is the exchange's C_w·ΔT_w, added to the parcels
//! exactly; the wall's energy is C_s·T_s; the heat lost is what the exact solution gives,
//! −(C_w·ΔT_w + C_s·ΔT_s). So initial + in − out − lost = held, to rounding.
//!
//! # Limits
//! * Forward flow only (a negative flow is refused), as [`DelayLine`](super::DelayLine).
//! * The water in a segment exchanges at its mean temperature: a front is resolved in its
//!   transport exactly, in its exchange to a segment's length.
//! * Fixed mass, as [`DelayLine`](super::DelayLine): water hotter than the fill holds up to
//!   1.6 % less mass in a rigid pipe (60 °C against 15 °C), which this line ignores.
//! * No axial conduction in the wall (steel: negligible against transport at any flow that
//!   moves a front).

use super::{PlugFlowError, PlugFlowSpec};
use crate::parameter::check;
use dctwin_fluid::Fluid;
use std::collections::VecDeque;
use std::f64::consts::PI;

/// Fouling resistance of city water on a steel surface, water ≤ 52 °C, velocity ≤ 0.9 m/s
/// [m²·K/W]: TEMA's design value (0.001 h·ft²·°F/Btu).
pub const TEMA_CITY_WATER_FOULING_M2_K_W: f64 = 1.76e-4;

/// Parcels per segment in the initial fill [-]. A pushed parcel stays separate once it holds
/// half a fill parcel's mass, so a segment holds at most twice as many.
pub const PARCELS_PER_SEGMENT: usize = 16;

/// Reynolds number up to which the flow is laminar (VDI Heat Atlas, G1).
const RE_LAMINAR: f64 = 2300.0;
/// Reynolds number from which Gnielinski's turbulent correlation applies (VDI Heat Atlas, G1).
const RE_TURBULENT: f64 = 1.0e4;
/// Nusselt number of fully developed laminar flow at constant wall temperature [-].
const NU_LAMINAR: f64 = 3.66;

/// Film coefficient of fully developed flow of `fluid` at `t_k` in a smooth round tube of
/// `inner_diameter_m` carrying `mass_flow_kg_s` (its magnitude) [W/(m²·K)]. Turbulent
/// (Re ≥ 10⁴): Gnielinski's correlation, Nu = (f/8)(Re − 1000)Pr / (1 + 12.7·√(f/8)·(Pr^⅔ − 1))
/// with Petukhov's f = (0.79 ln Re − 1.64)⁻²; laminar (Re ≤ 2300): Nu = 3.66; in between,
/// linear in Re (the VDI Heat Atlas' rule, G1 §4.2). No entrance effect: a pipe tens of
/// diameters long is fully developed over most of its length.
pub fn film_coefficient_w_m2_k(
    fluid: &Fluid,
    t_k: f64,
    mass_flow_kg_s: f64,
    inner_diameter_m: f64,
) -> f64 {
    let p = fluid.properties(t_k);
    let re = 4.0 * mass_flow_kg_s.abs() / (PI * inner_diameter_m * p.viscosity_pa_s);
    let pr = p.specific_heat_j_kg_k * p.viscosity_pa_s / p.conductivity_w_m_k;
    let nu = if re <= RE_LAMINAR {
        NU_LAMINAR
    } else if re >= RE_TURBULENT {
        gnielinski_nusselt(re, pr)
    } else {
        let share = (re - RE_LAMINAR) / (RE_TURBULENT - RE_LAMINAR);
        NU_LAMINAR + share * (gnielinski_nusselt(RE_TURBULENT, pr) - NU_LAMINAR)
    };
    nu * p.conductivity_w_m_k / inner_diameter_m
}

/// Gnielinski's Nusselt number for turbulent flow in a smooth tube [-].
fn gnielinski_nusselt(re: f64, pr: f64) -> f64 {
    let f8 = (0.79 * re.ln() - 1.64).powi(-2) / 8.0;
    f8 * (re - 1000.0) * pr / (1.0 + 12.7 * f8.sqrt() * (pr.powf(2.0 / 3.0) - 1.0))
}

/// How the wall is resolved and how it exchanges heat with the water.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WallCoupling {
    /// Wall segments along the pipe [-] (≥ 1). A front spread by the wall over a few metres
    /// needs segments of a metre or less; 40 resolve the 39 m Liège pipe to 0.003 K of RMSE.
    pub segments: usize,
    /// Fouling resistance of the inner surface [m²·K/W] (0 for a clean pipe;
    /// [`TEMA_CITY_WATER_FOULING_M2_K_W`] for an old steel pipe carrying city water).
    pub fouling_m2_k_w: f64,
    /// Thermal conductivity of the wall's material [W/(m·K)] (carbon steel ≈ 50, PE ≈ 0.4).
    pub wall_conductivity_w_m_k: f64,
}

/// A plug of water in a [`DistributedWallPipe`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaterParcel {
    /// Mass [kg].
    pub mass_kg: f64,
    /// Specific enthalpy, relative to the fluid's reference [J/kg].
    pub enthalpy_j_kg: f64,
}

/// What one step of a [`DistributedWallPipe`] gave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PipeStep {
    /// Mass that left [kg].
    pub mass_kg: f64,
    /// Enthalpy it carried [J].
    pub enthalpy_j: f64,
    /// Its mass-weighted mean temperature (from the mean enthalpy) [K]. Without flow: the
    /// temperature of the parcel at the outlet, the one that would leave next.
    pub temperature_k: f64,
    /// Heat the pipe lost to its surroundings over the step [J].
    pub heat_lost_j: f64,
}

/// A plug-flow pipe whose wall is spread along it in segments (see the module's doc).
#[derive(Debug, Clone, PartialEq)]
pub struct DistributedWallPipe {
    fluid: Fluid,
    inner_diameter_m: f64,
    /// Parcels, the outlet end at the front.
    parcels: VecDeque<WaterParcel>,
    /// Water mass held [kg] (constant: what enters, leaves).
    mass_kg: f64,
    /// Wall temperatures [K], the outlet segment first.
    wall_k: Vec<f64>,
    /// Heat capacity of one wall segment [J/K].
    segment_capacity_j_k: f64,
    /// Inner surface of one segment [m²].
    segment_area_m2: f64,
    /// Fouling plus wall conduction, per inner surface [m²·K/W].
    surface_resistance_m2_k_w: f64,
    /// Conductance from one segment's wall to the surroundings [W/K] (0: adiabatic).
    segment_loss_w_k: f64,
    /// Temperature of the surroundings [K].
    ambient_k: f64,
    /// Time reached [s].
    time_s: f64,
    initial_energy_j: f64,
    energy_in_j: f64,
    energy_out_j: f64,
    heat_lost_j: f64,
}

impl DistributedWallPipe {
    /// The pipe `spec` with its wall in `coupling.segments` segments at `t0_s`: the water runs
    /// linearly from `inlet_k` at the inlet to `outlet_k` at the outlet (each parcel's mass is
    /// its volume times the density at its temperature), and the wall is at the temperature of
    /// the water it holds (a pipe at rest before the start).
    pub fn filled(
        spec: &PlugFlowSpec,
        coupling: &WallCoupling,
        fluid: &Fluid,
        t0_s: f64,
        inlet_k: f64,
        outlet_k: f64,
    ) -> Result<Self, PlugFlowError> {
        check_spec(spec)?;
        check(
            "segments",
            coupling.segments as f64,
            coupling.segments >= 1,
            "at least 1 segment",
        )?;
        check(
            "fouling_m2_k_w",
            coupling.fouling_m2_k_w,
            coupling.fouling_m2_k_w >= 0.0,
            "a finite resistance ≥ 0",
        )?;
        check(
            "wall_conductivity_w_m_k",
            coupling.wall_conductivity_w_m_k,
            coupling.wall_conductivity_w_m_k > 0.0,
            "a finite conductivity > 0",
        )?;
        check("t0_s", t0_s, true, "a finite time")?;
        check(
            "inlet_k",
            inlet_k,
            inlet_k > 0.0,
            "a finite temperature > 0 K",
        )?;
        check(
            "outlet_k",
            outlet_k,
            outlet_k > 0.0,
            "a finite temperature > 0 K",
        )?;
        let n = coupling.segments;
        let segment_m = spec.length_m / n as f64;
        let d = spec.inner_diameter_m;
        let volume_m3 = PI / 4.0 * d * d * spec.length_m;
        let outer_m = d + 2.0 * spec.wall_thickness_m;
        let wall_capacity_j_k = PI / 4.0
            * (outer_m * outer_m - d * d)
            * spec.length_m
            * spec.wall_density_kg_m3
            * spec.wall_specific_heat_j_kg_k;
        // Water and wall at fraction x of the way from the outlet to the inlet.
        let profile_k = |x: f64| outlet_k + (inlet_k - outlet_k) * x;
        let count = PARCELS_PER_SEGMENT * n;
        let parcels: VecDeque<WaterParcel> = (0..count)
            .map(|i| {
                let t = profile_k((i as f64 + 0.5) / count as f64);
                WaterParcel {
                    mass_kg: volume_m3 / count as f64 * fluid.density_kg_m3(t),
                    enthalpy_j_kg: fluid.enthalpy_j_kg(t),
                }
            })
            .collect();
        let wall_k: Vec<f64> = (0..n)
            .map(|j| profile_k((j as f64 + 0.5) / n as f64))
            .collect();
        let mass_kg = parcels.iter().map(|p| p.mass_kg).sum();
        let segment_capacity_j_k = wall_capacity_j_k / n as f64;
        let water_j: f64 = parcels.iter().map(|p| p.mass_kg * p.enthalpy_j_kg).sum();
        let wall_j: f64 = wall_k.iter().map(|t| segment_capacity_j_k * t).sum();
        Ok(DistributedWallPipe {
            fluid: fluid.clone(),
            inner_diameter_m: d,
            parcels,
            mass_kg,
            wall_k,
            segment_capacity_j_k,
            segment_area_m2: PI * d * segment_m,
            surface_resistance_m2_k_w: coupling.fouling_m2_k_w
                + spec.wall_thickness_m / (3.0 * coupling.wall_conductivity_w_m_k),
            segment_loss_w_k: spec.resistance_m_k_w.map_or(0.0, |r| segment_m / r),
            ambient_k: spec.ambient_k,
            time_s: t0_s,
            initial_energy_j: water_j + wall_j,
            energy_in_j: 0.0,
            energy_out_j: 0.0,
            heat_lost_j: 0.0,
        })
    }

    /// Advance by `dt_s`: `mass_flow_kg_s`·`dt_s` enters at `inlet_k` (its mean over the step),
    /// the same mass leaves at the outlet, and water, wall and surroundings exchange heat.
    pub fn step(
        &mut self,
        dt_s: f64,
        mass_flow_kg_s: f64,
        inlet_k: f64,
    ) -> Result<PipeStep, PlugFlowError> {
        check("dt_s", dt_s, dt_s >= 0.0, "a finite step ≥ 0")?;
        check("mass_flow_kg_s", mass_flow_kg_s, true, "a finite flow")?;
        check(
            "inlet_k",
            inlet_k,
            inlet_k > 0.0,
            "a finite temperature > 0 K",
        )?;
        if mass_flow_kg_s < 0.0 {
            return Err(PlugFlowError::ReverseFlow { mass_flow_kg_s });
        }
        let mass = mass_flow_kg_s * dt_s;
        let segment_kg = self.mass_kg / self.wall_k.len() as f64;
        let subs = (mass / segment_kg).ceil().max(1.0) as usize;
        let (sub_dt, sub_mass) = (dt_s / subs as f64, mass / subs as f64);
        let h_in = self.fluid.enthalpy_j_kg(inlet_k);
        let (mut taken, mut enthalpy, mut lost) = (0.0, 0.0, 0.0);
        let end_s = self.time_s + dt_s;
        for _ in 0..subs {
            if sub_mass > 0.0 {
                self.push(sub_mass, h_in, segment_kg);
                self.energy_in_j += sub_mass * h_in;
                let (m, h) = self.pop(sub_mass);
                taken += m;
                enthalpy += h;
            }
            lost += self.exchange(sub_dt, mass_flow_kg_s, segment_kg);
            self.time_s += sub_dt;
        }
        self.time_s = end_s;
        self.energy_out_j += enthalpy;
        self.heat_lost_j += lost;
        let temperature_k = if taken > 0.0 {
            self.fluid.temperature_from_enthalpy_k(enthalpy / taken)
        } else {
            self.outlet_temperature_k()
        };
        Ok(PipeStep {
            mass_kg: taken,
            enthalpy_j: enthalpy,
            temperature_k,
            heat_lost_j: lost,
        })
    }

    /// Push `mass_kg` at `h_j_kg` at the inlet, into the newest parcel while that one holds
    /// less than half a fill parcel (1/(2·[`PARCELS_PER_SEGMENT`]) of a segment; the fill's
    /// parcels are twice that, so the inflow never mixes into the initial water).
    fn push(&mut self, mass_kg: f64, h_j_kg: f64, segment_kg: f64) {
        let smallest = segment_kg / (2 * PARCELS_PER_SEGMENT) as f64;
        match self.parcels.back_mut() {
            Some(last) if last.mass_kg < smallest => {
                let total = last.mass_kg + mass_kg;
                last.enthalpy_j_kg = (last.mass_kg * last.enthalpy_j_kg + mass_kg * h_j_kg) / total;
                last.mass_kg = total;
            }
            _ => self.parcels.push_back(WaterParcel {
                mass_kg,
                enthalpy_j_kg: h_j_kg,
            }),
        }
    }

    /// Pop `mass_kg` from the outlet end: (mass, enthalpy) taken. A remainder below 1e-12 of
    /// the line's mass is taken whole, so no rounding crumbs stay behind; it is counted.
    fn pop(&mut self, mass_kg: f64) -> (f64, f64) {
        let crumb = 1e-12 * self.mass_kg;
        let (mut taken, mut enthalpy) = (0.0, 0.0);
        while mass_kg - taken > crumb {
            let Some(front) = self.parcels.front_mut() else {
                break;
            };
            let left = mass_kg - taken;
            let take = if front.mass_kg <= left + crumb {
                front.mass_kg
            } else {
                left
            };
            taken += take;
            enthalpy += take * front.enthalpy_j_kg;
            front.mass_kg -= take;
            if front.mass_kg <= 0.0 {
                self.parcels.pop_front();
            }
        }
        (taken, enthalpy)
    }

    /// Exchange between each segment's water and wall, and the wall and the surroundings, over
    /// `dt_s` at flow `mass_flow_kg_s`: the heat lost [J].
    fn exchange(&mut self, dt_s: f64, mass_flow_kg_s: f64, segment_kg: f64) -> f64 {
        let n = self.wall_k.len();
        // Each segment's water mass and enthalpy, the parcels walked from the outlet.
        let mut seg_mass = vec![0.0; n];
        let mut seg_enthalpy = vec![0.0; n];
        self.for_each_overlap(segment_kg, |_, j, m, h| {
            seg_mass[j] += m;
            seg_enthalpy[j] += m * h;
        });
        let mut gain_j_kg = vec![0.0; n];
        let mut lost = 0.0;
        for j in 0..n {
            if seg_mass[j] <= 0.0 {
                continue;
            }
            let h = seg_enthalpy[j] / seg_mass[j];
            let water_k = self
                .fluid
                .temperature_from_enthalpy_near_k(h, self.wall_k[j]);
            let film = film_coefficient_w_m2_k(
                &self.fluid,
                water_k,
                mass_flow_kg_s,
                self.inner_diameter_m,
            );
            let conductance_w_k =
                self.segment_area_m2 / (1.0 / film + self.surface_resistance_m2_k_w);
            let water_capacity_j_k = seg_mass[j] * self.fluid.specific_heat_j_kg_k(water_k);
            let (water_new_k, wall_new_k) = relax(
                [water_capacity_j_k, self.segment_capacity_j_k],
                [conductance_w_k, self.segment_loss_w_k],
                [water_k, self.wall_k[j]],
                self.ambient_k,
                dt_s,
            );
            let water_gain_j = water_capacity_j_k * (water_new_k - water_k);
            let wall_gain_j = self.segment_capacity_j_k * (wall_new_k - self.wall_k[j]);
            gain_j_kg[j] = water_gain_j / seg_mass[j];
            lost -= water_gain_j + wall_gain_j;
            self.wall_k[j] = wall_new_k;
        }
        let mut parcel_gain = vec![0.0; self.parcels.len()];
        self.for_each_overlap(segment_kg, |i, j, m, _| parcel_gain[i] += m * gain_j_kg[j]);
        for (p, g) in self.parcels.iter_mut().zip(parcel_gain) {
            p.enthalpy_j_kg += g / p.mass_kg;
        }
        lost
    }

    /// Call `f(parcel index, segment index, mass, specific enthalpy)` for every piece of a
    /// parcel within a segment, from the outlet. The last segment takes whatever lies beyond
    /// the others (rounding).
    fn for_each_overlap(&self, segment_kg: f64, mut f: impl FnMut(usize, usize, f64, f64)) {
        let last = self.wall_k.len() - 1;
        let (mut j, mut room) = (0, segment_kg);
        for (i, p) in self.parcels.iter().enumerate() {
            let mut left = p.mass_kg;
            while left > 0.0 {
                if j == last {
                    f(i, j, left, p.enthalpy_j_kg);
                    break;
                }
                let piece = left.min(room);
                f(i, j, piece, p.enthalpy_j_kg);
                left -= piece;
                room -= piece;
                if room <= 0.0 {
                    j += 1;
                    room = segment_kg;
                }
            }
        }
    }

    /// Time reached [s].
    pub fn time_s(&self) -> f64 {
        self.time_s
    }

    /// Water mass held [kg].
    pub fn mass_kg(&self) -> f64 {
        self.parcels.iter().map(|p| p.mass_kg).sum()
    }

    /// The parcels, outlet end first.
    pub fn parcels(&self) -> impl Iterator<Item = &WaterParcel> {
        self.parcels.iter()
    }

    /// Wall temperatures [K], the outlet segment first.
    pub fn wall_temperatures_k(&self) -> &[f64] {
        &self.wall_k
    }

    /// Temperature of the parcel at the outlet end [K] (NaN for an empty line).
    pub fn outlet_temperature_k(&self) -> f64 {
        self.parcels.front().map_or(f64::NAN, |p| {
            self.fluid.temperature_from_enthalpy_k(p.enthalpy_j_kg)
        })
    }

    /// Energy held now by water (enthalpy relative to the fluid's reference) and wall
    /// (C·T) [J].
    pub fn energy_held_j(&self) -> f64 {
        let water: f64 = self
            .parcels
            .iter()
            .map(|p| p.mass_kg * p.enthalpy_j_kg)
            .sum();
        water + self.wall_k.iter().sum::<f64>() * self.segment_capacity_j_k
    }

    /// Energy held at the start, counted as [`DistributedWallPipe::energy_held_j`] [J].
    pub fn initial_energy_j(&self) -> f64 {
        self.initial_energy_j
    }

    /// Enthalpy received at the inlet so far [J].
    pub fn energy_in_j(&self) -> f64 {
        self.energy_in_j
    }

    /// Enthalpy given at the outlet so far [J].
    pub fn energy_out_j(&self) -> f64 {
        self.energy_out_j
    }

    /// Heat lost to the surroundings so far [J].
    pub fn heat_lost_j(&self) -> f64 {
        self.heat_lost_j
    }
}

/// The checks of a pipe's spec that the distributed wall relies on.
fn check_spec(spec: &PlugFlowSpec) -> Result<(), PlugFlowError> {
    for (name, value) in [
        ("length_m", spec.length_m),
        ("inner_diameter_m", spec.inner_diameter_m),
        ("wall_thickness_m", spec.wall_thickness_m),
        ("wall_density_kg_m3", spec.wall_density_kg_m3),
        ("wall_specific_heat_j_kg_k", spec.wall_specific_heat_j_kg_k),
    ] {
        check(name, value, value > 0.0, "a finite value > 0")?;
    }
    if let Some(r) = spec.resistance_m_k_w {
        check("resistance_m_k_w", r, r > 0.0, "a finite resistance > 0")?;
        check(
            "ambient_k",
            spec.ambient_k,
            spec.ambient_k > 0.0,
            "a finite temperature > 0 K",
        )?;
    }
    Ok(())
}

/// Exact solution over `dt_s` of two capacities `c` = [water, wall] [J/K] joined by
/// `g[0]` [W/K], the second also joined to `ambient_k` by `g[1]` [W/K] (≥ 0), from
/// temperatures `t` [K]: the temperatures at the end [K].
///
/// With x = T − T_amb, dx/dt = A·x, A = [[−a, a], [b, −(b + c)]], a = g₀/C_w, b = g₀/C_s,
/// c = g₁/C_s. A's eigenvalues are real, negative or zero and distinct (a > 0), and
/// e^(A·t) = (e^(λ₁t)·(A − λ₂I) − e^(λ₂t)·(A − λ₁I))/(λ₁ − λ₂). λ₁ (the slow one) is taken
/// as det/λ₂, which keeps its digits when it is much smaller than λ₂.
fn relax(c: [f64; 2], g: [f64; 2], t: [f64; 2], ambient_k: f64, dt_s: f64) -> (f64, f64) {
    let (a, b, k) = (g[0] / c[0], g[0] / c[1], g[1] / c[1]);
    let (a11, a12, a21, a22) = (-a, a, b, -(b + k));
    let half_trace = 0.5 * (a11 + a22);
    let det = a * k;
    let root = (half_trace * half_trace - det).max(0.0).sqrt();
    let l2 = half_trace - root;
    let l1 = det / l2;
    let (e1, e2) = ((l1 * dt_s).exp(), (l2 * dt_s).exp());
    let s = 1.0 / (l1 - l2);
    let m11 = s * (e1 * (a11 - l2) - e2 * (a11 - l1));
    let m12 = s * (e1 - e2) * a12;
    let m21 = s * (e1 - e2) * a21;
    let m22 = s * (e1 * (a22 - l2) - e2 * (a22 - l1));
    let (x, y) = (t[0] - ambient_k, t[1] - ambient_k);
    (ambient_k + m11 * x + m12 * y, ambient_k + m21 * x + m22 * y)
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: f64 = 273.15;

    /// A 39 m DN50 steel pipe (the Liège bench's), insulated or not.
    fn spec(resistance_m_k_w: Option<f64>) -> PlugFlowSpec {
        PlugFlowSpec {
            length_m: 39.0,
            inner_diameter_m: 0.05248,
            wall_thickness_m: 0.00391,
            wall_density_kg_m3: 7850.0,
            wall_specific_heat_j_kg_k: 500.0,
            resistance_m_k_w,
            ambient_k: C + 18.0,
        }
    }

    fn coupling(segments: usize) -> WallCoupling {
        WallCoupling {
            segments,
            fouling_m2_k_w: TEMA_CITY_WATER_FOULING_M2_K_W,
            wall_conductivity_w_m_k: 50.0,
        }
    }

    /// Gnielinski's correlation against a value worked by hand: water at 40 °C (μ = 0.653 mPa·s,
    /// k = 0.631 W/(m·K), c_p = 4179 J/(kg·K): Pr = 4.325) at Re = 50 000: f = 0.020958,
    /// Nu = 0.0026197·49 000·4.325/(1 + 12.7·0.051183·1.6547) = 267.5 → h = Nu·k/D. Tolerance
    /// 1 %: the properties by hand are rounded to 3 digits. Laminar is 3.66·k/D; the transition is
    /// between its ends.
    #[test]
    fn film_coefficient_follows_gnielinski_and_laminar() {
        let water = Fluid::water();
        let (t, d) = (C + 40.0, 0.05);
        let p = water.properties(t);
        let flow_for = |re: f64| re * PI * d * p.viscosity_pa_s / 4.0;
        let h = film_coefficient_w_m2_k(&water, t, flow_for(50_000.0), d);
        let by_hand = 267.5 * 0.631 / d;
        assert!((h - by_hand).abs() < 0.01 * by_hand, "{h} vs {by_hand}");
        let laminar = film_coefficient_w_m2_k(&water, t, flow_for(1000.0), d);
        assert!((laminar - 3.66 * p.conductivity_w_m_k / d).abs() < 1e-9);
        let (lo, mid, hi) = (
            film_coefficient_w_m2_k(&water, t, flow_for(2300.0), d),
            film_coefficient_w_m2_k(&water, t, flow_for(6000.0), d),
            film_coefficient_w_m2_k(&water, t, flow_for(10_000.0), d),
        );
        assert!(lo < mid && mid < hi, "{lo} {mid} {hi}");
        assert_eq!(
            film_coefficient_w_m2_k(&water, t, 0.0, d),
            laminar,
            "no flow: the laminar film"
        );
    }

    /// The two-capacity exact solution: the difference decays with rate G(1/C_w + 1/C_s) and
    /// the mean stays put without loss; with loss both tend to ambient. Checked against a fine
    /// explicit integration (10⁶ steps: error ≈ 1e-7 K).
    #[test]
    fn relax_is_the_exact_solution() {
        let (c, g) = ([8000.0, 3000.0], [300.0, 0.0]);
        let (w, s) = relax(c, g, [60.0 + C, 20.0 + C], C + 18.0, 10.0);
        let mean = (8000.0 * 60.0 + 3000.0 * 20.0) / 11000.0 + C;
        let diff = 40.0 * (-300.0 * (1.0 / 8000.0 + 1.0 / 3000.0) * 10.0_f64).exp();
        assert!((w - (mean + diff * 3000.0 / 11000.0)).abs() < 1e-9);
        assert!((s - (mean - diff * 8000.0 / 11000.0)).abs() < 1e-9);

        let g = [300.0, 0.5];
        let (w, s) = relax(c, g, [60.0 + C, 20.0 + C], C + 18.0, 100.0);
        let (mut x, mut y) = (60.0 + C, 20.0 + C);
        let n = 1_000_000;
        let h = 100.0 / n as f64;
        for _ in 0..n {
            let q = g[0] * (y - x);
            let l = g[1] * (C + 18.0 - y);
            x += h * q / c[0];
            y += h * (l - q) / c[1];
        }
        assert!(
            (w - x).abs() < 1e-5 && (s - y).abs() < 1e-5,
            "{w} {x} {s} {y}"
        );
        // A step far longer than every time constant: ambient, without overflow.
        let (w, s) = relax(c, g, [60.0 + C, 20.0 + C], C + 18.0, 1e9);
        assert!((w - C - 18.0).abs() < 1e-9 && (s - C - 18.0).abs() < 1e-9);
    }

    /// Energy closes to rounding: initial + in − out − lost = held, under varying flow, inlet
    /// temperature and steps (some moving many segments, some without flow).
    #[test]
    fn energy_bookkeeping_closes() {
        let water = Fluid::water();
        let mut p = DistributedWallPipe::filled(
            &spec(Some(0.5)),
            &coupling(20),
            &water,
            0.0,
            C + 30.0,
            C + 20.0,
        )
        .unwrap();
        let mass = p.mass_kg();
        for k in 0..3000 {
            let x = k as f64;
            let dt = 0.5 + 3.0 * (0.37 * x).sin().abs();
            let m = if k % 97 < 5 {
                0.0
            } else {
                1.0 + 0.8 * (0.013 * x).sin()
            };
            let t_in = C + 40.0 + 15.0 * (0.05 * x).sin();
            p.step(dt, m, t_in).unwrap();
            let balance = p.initial_energy_j() + p.energy_in_j()
                - p.energy_out_j()
                - p.heat_lost_j()
                - p.energy_held_j();
            let scale = p.initial_energy_j() + p.energy_in_j();
            assert!(balance.abs() < 1e-12 * scale, "step {k}: {balance} J");
            assert!((p.mass_kg() - mass).abs() < 1e-9 * mass);
        }
        assert!(p.heat_lost_j() > 1e6, "{}", p.heat_lost_j());
        // The parcels stay bounded: at most 2·PARCELS_PER_SEGMENT per segment's worth of mass.
        assert!(p.parcels().count() <= 2 * PARCELS_PER_SEGMENT * 20 + 1);
    }

    /// A hot step into an adiabatic pipe at 1 kg/s. Its front leaves, on average, after
    /// M/ṁ + C_wall/(ṁ·c̄_p) (c̄_p = Δh/ΔT over the step): that is the energy the water and wall
    /// must store, so it holds to the step's averaging (0.01 s) whatever the discretization.
    /// Its spread is the distributed wall's: in the Laplace domain the pipe is
    /// exp(−τ₀·s·(1 + (τ_w/τ₀)/(1 + τ_f·s))), whose variance is 2·τ_w·τ_f with τ_w = C_wall/(ṁ·c_p)
    /// and τ_f = C_wall/G the wall's film time constant (10 s here, τ_w 25 s). Checked to 10 %
    /// (h taken at the step's middle temperature, 35 °C; a segment exchanges at its mean
    /// temperature): the model gives 500 s² against 521 s². A lumped wall's variance would be
    /// τ_w² = 643 s².
    #[test]
    fn front_delay_and_spread_are_the_distributed_walls() {
        let water = Fluid::water();
        let (m, dt) = (1.0, 0.25);
        let (t_cold, t_hot) = (C + 20.0, C + 50.0);
        let c = coupling(40);
        let mut p =
            DistributedWallPipe::filled(&spec(None), &c, &water, 0.0, t_cold, t_cold).unwrap();
        let transit_s = p.mass_kg() / m;
        let (d, len) = (0.05248, 39.0);
        let outer: f64 = d + 2.0 * 0.00391;
        let wall_j_k = PI / 4.0 * (outer * outer - d * d) * len * 7850.0 * 500.0;
        let (h_cold, h_hot) = (water.enthalpy_j_kg(t_cold), water.enthalpy_j_kg(t_hot));
        let cp_mean = (h_hot - h_cold) / (t_hot - t_cold);
        let lag_s = wall_j_k / (m * cp_mean);
        // Moments of the outflow's rise F: mean = ∫(1 − F) dt, variance = 2∫t(1 − F) dt − mean².
        let (mut first, mut second) = (0.0, 0.0);
        for k in 0..(900.0 / dt) as usize {
            let out = p.step(dt, m, t_hot).unwrap();
            let f = (out.enthalpy_j / out.mass_kg - h_cold) / (h_hot - h_cold);
            let mid = (k as f64 + 0.5) * dt;
            first += (1.0 - f) * dt;
            second += 2.0 * mid * (1.0 - f) * dt;
        }
        let variance = second - first * first;
        assert!(
            (first - (transit_s + lag_s)).abs() < 0.01,
            "{first} vs {} (transit {transit_s})",
            transit_s + lag_s
        );
        let h = film_coefficient_w_m2_k(&water, C + 35.0, m, d);
        let extra = c.fouling_m2_k_w + 0.00391 / (3.0 * c.wall_conductivity_w_m_k);
        let film_s = wall_j_k / (PI * d * len / (1.0 / h + extra));
        let expected = 2.0 * lag_s * film_s;
        assert!(
            (variance - expected).abs() < 0.1 * expected,
            "variance {variance} s² vs {expected} s² (lumped: {})",
            lag_s * lag_s
        );
        // A lumped wall's τ_w² (643 s² against 521 s²) would fail the check.
        assert!(lag_s * lag_s > 1.15 * expected);
    }

    /// A stagnant insulated pipe, uniform along its length, is one water capacity and one wall
    /// capacity per length: water → film (laminar, no flow) → wall → insulation → ambient. After
    /// 2 h in 60 s steps its water matches a fine explicit integration of those two nodes
    /// (10⁵ steps; its own error ≈ 1e-4 K) to 0.01 K: the segments, the sharing of the exchange
    /// among the parcels and the exact two-node step add nothing.
    #[test]
    fn stagnant_pipe_cools_as_two_capacities() {
        let water = Fluid::water();
        let (r, t0) = (2.0, C + 60.0);
        let c = coupling(4);
        let mut p = DistributedWallPipe::filled(&spec(Some(r)), &c, &water, 0.0, t0, t0).unwrap();
        for _ in 0..120 {
            let out = p.step(60.0, 0.0, C + 90.0).unwrap();
            assert_eq!(out.mass_kg, 0.0);
        }
        let (d, len) = (0.05248, 39.0);
        let outer: f64 = d + 2.0 * 0.00391;
        let wall_j_k = PI / 4.0 * (outer * outer - d * d) * len * 7850.0 * 500.0;
        let mass = p.mass_kg();
        let extra = c.fouling_m2_k_w + 0.00391 / (3.0 * c.wall_conductivity_w_m_k);
        let (mut tw, mut ts) = (t0, t0);
        let n = 100_000;
        let dt = 7200.0 / n as f64;
        for _ in 0..n {
            let h = film_coefficient_w_m2_k(&water, tw, 0.0, d);
            let g = PI * d * len / (1.0 / h + extra);
            let q = g * (ts - tw);
            let loss = len / r * (ts - C - 18.0);
            tw += dt * q / (mass * water.specific_heat_j_kg_k(tw));
            ts += dt * (-q - loss) / wall_j_k;
        }
        let got = p.outlet_temperature_k();
        assert!((got - tw).abs() < 0.01, "{} vs {}", got - C, tw - C);
        assert!(t0 - got > 5.0, "it really cooled: {}", got - C);
        assert!(
            p.wall_temperatures_k()
                .iter()
                .all(|w| (w - ts).abs() < 0.01)
        );
    }

    /// Bad parameters and inputs are refused, naming them; reverse flow is an error.
    #[test]
    fn bad_inputs_are_named() {
        let water = Fluid::water();
        let good = spec(Some(1.0));
        let named = |r: Result<DistributedWallPipe, PlugFlowError>| match r {
            Err(PlugFlowError::Parameter { name, .. }) => name,
            other => panic!("{other:?}"),
        };
        let fill = |s: &PlugFlowSpec, c: &WallCoupling| {
            DistributedWallPipe::filled(s, c, &water, 0.0, C + 20.0, C + 20.0)
        };
        assert_eq!(named(fill(&good, &coupling(0))), "segments");
        let bad = WallCoupling {
            fouling_m2_k_w: -1.0,
            ..coupling(10)
        };
        assert_eq!(named(fill(&good, &bad)), "fouling_m2_k_w");
        let bad = WallCoupling {
            wall_conductivity_w_m_k: 0.0,
            ..coupling(10)
        };
        assert_eq!(named(fill(&good, &bad)), "wall_conductivity_w_m_k");
        let bad = PlugFlowSpec {
            length_m: f64::NAN,
            ..good
        };
        assert_eq!(named(fill(&bad, &coupling(10))), "length_m");
        let mut p = fill(&good, &coupling(10)).unwrap();
        assert_eq!(
            p.step(1.0, -0.1, C + 20.0),
            Err(PlugFlowError::ReverseFlow {
                mass_flow_kg_s: -0.1
            })
        );
        match p.step(-1.0, 1.0, C + 20.0) {
            Err(PlugFlowError::Parameter { name, .. }) => assert_eq!(name, "dt_s"),
            other => panic!("{other:?}"),
        }
    }
}
