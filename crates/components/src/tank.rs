//! A stratified thermal-storage tank: a vertical cylinder of water cut into N horizontal layers
//! of equal mass, each one ODE state (its temperature). Layer 0 is the top.
//!
//! Per layer i, with C_i = M_layer·c_p(T_i):
//! C_i·dT_i/dt = ṁ⁺·(h_above − h_i) + ṁ⁻·(h_below − h_i) + Σ conduction + Σ buoyancy − UA_i·(T_i − T_amb)
//! - Flow: charging (ṁ > 0) enters the top and leaves the bottom; discharging (ṁ < 0) enters the
//!   bottom and leaves the top. Advection is plug-like and upwind: a layer receives the enthalpy
//!   of the layer upstream of it (the inlet for the first one). With N layers and nothing else,
//!   this is N stirred tanks in series: the front spreads like an Erlang distribution, the
//!   numerical diffusion of upwind on N cells. ṁ⁺ = max(ṁ, 0), ṁ⁻ = max(−ṁ, 0): the terms are
//!   continuous through ṁ = 0, where both vanish.
//! - Conduction between neighbours: G = (k_water + k_destrat)·A/Δz, where k_destrat lumps the
//!   wall's vertical conduction and the mixing a real tank has beyond pure water conduction.
//! - Buoyancy: when a lower layer is warmer than the one above (an inversion, e.g. a warm
//!   return fed at the bottom), real water overturns within seconds. It is modelled as a large
//!   conductance between the pair, G_b = C_layer/τ_b, acting only on the inverted part of the
//!   difference through a C¹ ramp (zero for stable stratification, quadratic over the first
//!   [`BUOYANCY_SMOOTHING_K`], then linear), the approach of Modelica Buildings'
//!   `Storage.BaseClasses.Buoyancy` (which uses k·ΔT² for ΔT > 0). The right-hand side stays C¹
//!   for the integrator.
//! - Losses: UA to the ambient, split between layers in proportion to their outer area (the top
//!   layer carries the lid, the bottom one the floor).
//!
//! Energies use enthalpies, so the energy balance (flow in − flow out − losses = dE/dt) is exact.

use crate::parameter::check;
use dctwin_fluid::Fluid;
use std::f64::consts::PI;

/// Default number of layers [-]: 10. With upwind advection N layers act as N stirred tanks in
/// series; 10 keeps the outlet within ~3 % of the inlet-to-initial difference until half the tank
/// volume has passed (Erlang tail P(Poisson(5) ≥ 10) ≈ 0.032), enough for daily-cycle storage.
pub const DEFAULT_LAYERS: usize = 10;

/// Default destratification conductivity added to water's own [W/(m·K)]: 0.5. A steel wall of
/// thickness t conducts vertically in parallel with the water, adding k_steel·4t/D on the
/// tank's cross-section: 50 W/(m·K) · 4 · 5 mm / 2 m = 0.5 W/(m·K).
pub const DEFAULT_DESTRATIFICATION_CONDUCTIVITY_W_M_K: f64 = 0.5;

/// Default buoyancy time constant [s]: 10 s. An inverted layer overturns in seconds, far faster
/// than a layer is exchanged by the flow (minutes to hours); a few seconds rather than Modelica
/// Buildings' 1 s keeps the right-hand side less stiff without changing results on that scale.
pub const DEFAULT_BUOYANCY_TIME_S: f64 = 10.0;

/// Inversion over which the buoyancy ramp turns from quadratic to linear [K]: small against
/// the temperature differences of a tank, large against solver noise.
pub const BUOYANCY_SMOOTHING_K: f64 = 0.1;

/// Why a tank's parameters or arguments cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TankError {
    /// A parameter out of its physical range.
    #[error("tank parameter `{name}` = {value} is invalid: expected {expected}")]
    Parameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// A slice of layer values of the wrong length.
    #[error("the tank has {layers} layers but `{name}` holds {len} values")]
    LayerCount {
        /// The slice's name.
        name: &'static str,
        /// The tank's number of layers.
        layers: usize,
        /// The slice's length.
        len: usize,
    },
}

crate::parameter::from_invalid_parameter!(TankError);

/// The parameters of a stratified tank, as given by the user.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StratifiedTankSpec {
    /// Water volume [m³].
    pub volume_m3: f64,
    /// Height of the water column [m].
    pub height_m: f64,
    /// Number of layers [-] (1: a fully mixed tank).
    pub layers: usize,
    /// Overall heat-loss coefficient to the ambient [W/K].
    pub ua_w_k: f64,
    /// Effective conductivity added to water's own between layers [W/(m·K)].
    pub destratification_conductivity_w_m_k: f64,
    /// Whether water's own conductivity acts between layers (false only to isolate advection).
    pub water_conduction: bool,
    /// Time constant of buoyant mixing of an inverted layer pair [s].
    pub buoyancy_time_s: f64,
}

impl StratifiedTankSpec {
    /// A tank of `volume_m3`, `height_m` and loss coefficient `ua_w_k`, with the default layers,
    /// conduction and buoyancy.
    pub fn new(volume_m3: f64, height_m: f64, ua_w_k: f64) -> Self {
        StratifiedTankSpec {
            volume_m3,
            height_m,
            layers: DEFAULT_LAYERS,
            ua_w_k,
            destratification_conductivity_w_m_k: DEFAULT_DESTRATIFICATION_CONDUCTIVITY_W_M_K,
            water_conduction: true,
            buoyancy_time_s: DEFAULT_BUOYANCY_TIME_S,
        }
    }
}

/// A stratified tank. Layer 0 is the top, layer N−1 the bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct StratifiedTank {
    /// Water mass of one layer [kg] (fixed: the layers keep their volume share).
    pub layer_mass_kg: f64,
    /// Cross-section of the tank [m²].
    pub cross_section_m2: f64,
    /// Height of one layer, also the distance between neighbouring layer centres [m].
    pub layer_height_m: f64,
    /// Loss coefficient of each layer to the ambient [W/K], top first.
    pub layer_ua_w_k: Vec<f64>,
    /// Effective conductivity added to water's own between layers [W/(m·K)].
    pub destratification_conductivity_w_m_k: f64,
    /// Whether water's own conductivity acts between layers.
    pub water_conduction: bool,
    /// Time constant of buoyant mixing of an inverted layer pair [s].
    pub buoyancy_time_s: f64,
}

impl StratifiedTank {
    /// A tank from its parameters, filled with `fluid` at `fill_k` (for the layers' mass).
    pub fn new(spec: &StratifiedTankSpec, fluid: &Fluid, fill_k: f64) -> Result<Self, TankError> {
        check(
            "volume_m3",
            spec.volume_m3,
            spec.volume_m3 > 0.0,
            "a finite volume > 0",
        )?;
        check(
            "height_m",
            spec.height_m,
            spec.height_m > 0.0,
            "a finite height > 0",
        )?;
        check(
            "layers",
            spec.layers as f64,
            spec.layers >= 1,
            "at least 1 layer",
        )?;
        check("ua_w_k", spec.ua_w_k, spec.ua_w_k >= 0.0, "a finite UA ≥ 0")?;
        check(
            "destratification_conductivity_w_m_k",
            spec.destratification_conductivity_w_m_k,
            spec.destratification_conductivity_w_m_k >= 0.0,
            "a finite conductivity ≥ 0",
        )?;
        check(
            "buoyancy_time_s",
            spec.buoyancy_time_s,
            spec.buoyancy_time_s > 0.0,
            "a finite time > 0",
        )?;
        check("fill_k", fill_k, fill_k > 0.0, "a finite temperature > 0 K")?;
        let n = spec.layers;
        let cross_section_m2 = spec.volume_m3 / spec.height_m;
        let layer_height_m = spec.height_m / n as f64;
        Ok(StratifiedTank {
            layer_mass_kg: spec.volume_m3 * fluid.density_kg_m3(fill_k) / n as f64,
            cross_section_m2,
            layer_height_m,
            layer_ua_w_k: split_ua(spec.ua_w_k, n, cross_section_m2, layer_height_m),
            destratification_conductivity_w_m_k: spec.destratification_conductivity_w_m_k,
            water_conduction: spec.water_conduction,
            buoyancy_time_s: spec.buoyancy_time_s,
        })
    }

    /// Number of layers [-].
    pub fn layers(&self) -> usize {
        self.layer_ua_w_k.len()
    }

    /// Water mass of the whole tank [kg].
    pub fn mass_kg(&self) -> f64 {
        self.layer_mass_kg * self.layers() as f64
    }

    /// Heat capacity of one layer at `t_k` [J/K].
    pub fn layer_capacity_j_k(&self, fluid: &Fluid, t_k: f64) -> f64 {
        self.layer_mass_kg * fluid.specific_heat_j_kg_k(t_k)
    }

    /// Conduction conductance between two neighbouring layers at `upper_k` and `lower_k` [W/K].
    pub fn conduction_w_k(&self, fluid: &Fluid, upper_k: f64, lower_k: f64) -> f64 {
        let water = if self.water_conduction {
            fluid.conductivity_w_m_k(0.5 * (upper_k + lower_k))
        } else {
            0.0
        };
        (water + self.destratification_conductivity_w_m_k) * self.cross_section_m2
            / self.layer_height_m
    }

    /// Heat carried by buoyancy from the lower to the upper of two neighbouring layers [W]
    /// (zero unless the lower one is warmer).
    pub fn buoyancy_w(&self, fluid: &Fluid, upper_k: f64, lower_k: f64) -> f64 {
        let conductance =
            self.layer_capacity_j_k(fluid, 0.5 * (upper_k + lower_k)) / self.buoyancy_time_s;
        conductance * smooth_ramp(lower_k - upper_k, BUOYANCY_SMOOTHING_K)
    }

    /// dT/dt of every layer [K/s] into `out`, for layers at `layers_k` (top first), the flow
    /// `mass_flow_kg_s` entering at `t_in_k` (positive: charging, in at the top and out at the
    /// bottom; negative: discharging, in at the bottom and out at the top) and the ambient at
    /// `ambient_k`.
    pub fn derivatives(
        &self,
        fluid: &Fluid,
        layers_k: &[f64],
        t_in_k: f64,
        mass_flow_kg_s: f64,
        ambient_k: f64,
        out: &mut [f64],
    ) -> Result<(), TankError> {
        // Heat flows into each layer [W] accumulate in `out`, divided by C_i at the end.
        self.exchange_w(fluid, layers_k, ambient_k, out)?;
        self.add_advection(fluid, layers_k, t_in_k, mass_flow_kg_s, out);
        for (q, &t) in out.iter_mut().zip(layers_k) {
            *q /= self.layer_capacity_j_k(fluid, t);
        }
        Ok(())
    }

    /// Heat passing down from the upper to the lower of two neighbouring layers at `upper_k`
    /// and `lower_k` [W]: conduction down the gradient less buoyancy up an inversion.
    pub fn interface_w(&self, fluid: &Fluid, upper_k: f64, lower_k: f64) -> f64 {
        self.conduction_w_k(fluid, upper_k, lower_k) * (upper_k - lower_k)
            - self.buoyancy_w(fluid, upper_k, lower_k)
    }

    /// Heat into each layer [W] into `out`, everything but the flow's advection: the loss to the
    /// ambient at `ambient_k` and the exchanges with the neighbours ([`Self::interface_w`]).
    /// Those exchanges sum to zero, so Σ out = −[`Self::heat_loss_w`]. A simulation that
    /// advects the layers itself (with its own inlet enthalpy) adds this to get
    /// [`Self::derivatives`]' law.
    pub fn exchange_w(
        &self,
        fluid: &Fluid,
        layers_k: &[f64],
        ambient_k: f64,
        out: &mut [f64],
    ) -> Result<(), TankError> {
        let n = self.layers();
        check_len("layers_k", layers_k, n)?;
        check_len("out", out, n)?;
        for ((q, &t), ua) in out.iter_mut().zip(layers_k).zip(&self.layer_ua_w_k) {
            *q = -ua * (t - ambient_k);
        }
        for i in 0..n.saturating_sub(1) {
            let down_w = self.interface_w(fluid, layers_k[i], layers_k[i + 1]);
            out[i] -= down_w;
            out[i + 1] += down_w;
        }
        Ok(())
    }

    /// Adds the upwind advection heat flows [W] to `out`.
    fn add_advection(
        &self,
        fluid: &Fluid,
        layers_k: &[f64],
        t_in_k: f64,
        mass_flow_kg_s: f64,
        out: &mut [f64],
    ) {
        let n = layers_k.len();
        let down = mass_flow_kg_s.max(0.0);
        let up = (-mass_flow_kg_s).max(0.0);
        let h_in = fluid.enthalpy_j_kg(t_in_k);
        let h = |i: usize| fluid.enthalpy_j_kg(layers_k[i]);
        for (i, q) in out.iter_mut().enumerate() {
            let h_i = h(i);
            let h_above = if i == 0 { h_in } else { h(i - 1) };
            let h_below = if i + 1 == n { h_in } else { h(i + 1) };
            *q += down * (h_above - h_i) + up * (h_below - h_i);
        }
    }

    /// Temperature of the water leaving [K]: the bottom layer when charging (ṁ ≥ 0), the top one
    /// when discharging. NaN for an empty slice.
    pub fn outlet_k(&self, layers_k: &[f64], mass_flow_kg_s: f64) -> f64 {
        let outlet = if mass_flow_kg_s >= 0.0 {
            layers_k.last()
        } else {
            layers_k.first()
        };
        outlet.copied().unwrap_or(f64::NAN)
    }

    /// Energy stored relative to the whole tank at `reference_k` [J]: Σ M_layer·(h(T_i) − h(T_ref)).
    pub fn stored_energy_j(&self, fluid: &Fluid, layers_k: &[f64], reference_k: f64) -> f64 {
        let h_ref = fluid.enthalpy_j_kg(reference_k);
        layers_k
            .iter()
            .map(|&t| self.layer_mass_kg * (fluid.enthalpy_j_kg(t) - h_ref))
            .sum()
    }

    /// Heat lost to the ambient at `ambient_k` [W] (negative: gained).
    pub fn heat_loss_w(&self, layers_k: &[f64], ambient_k: f64) -> f64 {
        layers_k
            .iter()
            .zip(&self.layer_ua_w_k)
            .map(|(&t, ua)| ua * (t - ambient_k))
            .sum()
    }
}

/// UA of each layer [W/K]: the total split in proportion to the layer's outer area (side wall,
/// plus the lid for the top layer and the floor for the bottom one).
fn split_ua(ua_w_k: f64, n: usize, cross_section_m2: f64, layer_height_m: f64) -> Vec<f64> {
    let side_m2 = (4.0 * PI * cross_section_m2).sqrt() * layer_height_m; // π·D·Δz
    let areas: Vec<f64> = (0..n)
        .map(|i| {
            let ends = usize::from(i == 0) + usize::from(i + 1 == n);
            side_m2 + ends as f64 * cross_section_m2
        })
        .collect();
    let total: f64 = areas.iter().sum();
    areas.iter().map(|a| ua_w_k * a / total).collect()
}

/// A C¹ ramp: 0 for x ≤ 0, x²/(2w) up to w, then x − w/2.
fn smooth_ramp(x: f64, w: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else if x < w {
        x * x / (2.0 * w)
    } else {
        x - 0.5 * w
    }
}

/// `Ok` if `values` holds one value per layer.
fn check_len(name: &'static str, values: &[f64], layers: usize) -> Result<(), TankError> {
    if values.len() == layers {
        Ok(())
    } else {
        Err(TankError::LayerCount {
            name,
            layers,
            len: values.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: f64 = 273.15;

    /// A 20 m³, 5 m tall tank with `layers` layers and loss `ua`.
    fn tank(layers: usize, ua: f64) -> (StratifiedTank, Fluid) {
        let water = Fluid::water();
        let spec = StratifiedTankSpec {
            layers,
            ..StratifiedTankSpec::new(20.0, 5.0, ua)
        };
        (StratifiedTank::new(&spec, &water, C + 40.0).unwrap(), water)
    }

    /// Σ C_i·dT_i/dt [W]: the rate of change of the stored energy.
    fn energy_rate_w(tank: &StratifiedTank, water: &Fluid, t: &[f64], d: &[f64]) -> f64 {
        t.iter()
            .zip(d)
            .map(|(&t, &d)| tank.layer_capacity_j_k(water, t) * d)
            .sum()
    }

    /// Σ |C_i·dT_i/dt| [W]: the scale against which the rounding of the sum is judged.
    fn energy_rate_scale_w(tank: &StratifiedTank, water: &Fluid, t: &[f64], d: &[f64]) -> f64 {
        t.iter()
            .zip(d)
            .map(|(&t, &d)| (tank.layer_capacity_j_k(water, t) * d).abs())
            .sum()
    }

    /// Classical RK4 on the tank's layers from `t` over `steps` steps of `dt`.
    #[allow(clippy::too_many_arguments)]
    fn integrate(
        tank: &StratifiedTank,
        water: &Fluid,
        t: &mut [f64],
        t_in: f64,
        m: f64,
        ambient: f64,
        dt: f64,
        steps: usize,
        mut each: impl FnMut(f64, &[f64]),
    ) {
        let n = t.len();
        let mut k = vec![vec![0.0; n]; 4];
        let mut stage = vec![0.0; n];
        for step in 0..steps {
            tank.derivatives(water, t, t_in, m, ambient, &mut k[0])
                .unwrap();
            for (s, weight) in [(1, 0.5), (2, 0.5), (3, 1.0)] {
                for j in 0..n {
                    stage[j] = t[j] + weight * dt * k[s - 1][j];
                }
                let (_, rest) = k.split_at_mut(s);
                tank.derivatives(water, &stage, t_in, m, ambient, &mut rest[0])
                    .unwrap();
            }
            for j in 0..n {
                t[j] += dt / 6.0 * (k[0][j] + 2.0 * k[1][j] + 2.0 * k[2][j] + k[3][j]);
            }
            each((step + 1) as f64 * dt, t);
        }
    }

    /// Without flow and losses, conduction and buoyancy only move heat between layers: the stored
    /// energy is constant, Σ C_i dT_i/dt = 0 to 1e-12 of Σ |C_i dT_i/dt| (double rounding of
    /// a handful of terms). The profile has an inversion so that buoyancy acts.
    #[test]
    fn no_flow_no_loss_conserves_energy() {
        let (tank, water) = tank(DEFAULT_LAYERS, 0.0);
        let t: Vec<f64> = [60.0, 58.0, 61.0, 50.0, 45.0, 47.0, 40.0, 30.0, 35.0, 25.0]
            .iter()
            .map(|c| C + c)
            .collect();
        let mut d = vec![0.0; t.len()];
        tank.derivatives(&water, &t, C + 10.0, 0.0, C + 10.0, &mut d)
            .unwrap();
        let rate = energy_rate_w(&tank, &water, &t, &d);
        let scale = energy_rate_scale_w(&tank, &water, &t, &d);
        assert!(scale > 1000.0, "the layers exchange heat: {scale} W");
        assert!(rate.abs() <= 1e-12 * scale, "{rate} W of {scale} W");
    }

    /// With flow in either direction and losses: dE/dt = ṁ·(h(T_in) − h(T_out)) − loss, exactly
    /// (to 1e-12 of the flows' scale): upwind advection in enthalpies telescopes.
    #[test]
    fn flow_and_losses_close_the_energy_balance() {
        let (tank, water) = tank(DEFAULT_LAYERS, 40.0);
        let t: Vec<f64> = (0..DEFAULT_LAYERS)
            .map(|i| C + 60.0 - 3.0 * i as f64)
            .collect();
        let ambient = C + 15.0;
        for (m, t_in) in [(3.0, C + 65.0), (-2.5, C + 30.0), (0.0, C + 50.0)] {
            let mut d = vec![0.0; t.len()];
            tank.derivatives(&water, &t, t_in, m, ambient, &mut d)
                .unwrap();
            let h_out = water.enthalpy_j_kg(tank.outlet_k(&t, m));
            let expected =
                m.abs() * (water.enthalpy_j_kg(t_in) - h_out) - tank.heat_loss_w(&t, ambient);
            let rate = energy_rate_w(&tank, &water, &t, &d);
            let scale = energy_rate_scale_w(&tank, &water, &t, &d);
            assert!(
                (rate - expected).abs() <= 1e-12 * scale,
                "ṁ {m}: {rate} vs {expected}"
            );
        }
        // The loss splits by area but sums to UA·ΔT for an isothermal tank.
        let iso = vec![C + 55.0; DEFAULT_LAYERS];
        assert!((tank.heat_loss_w(&iso, ambient) - 40.0 * 40.0).abs() < 1e-9);
    }

    /// A single layer is a mixed tank: M·dh/dt = ṁ·(h_in − h), so h(t) = h_in + (h0 − h_in)·e^(−ṁt/M)
    /// exactly (the temperature form T_in + (T0 − T_in)·e^(−ṁt/M) with c_p constant). RK4 at
    /// τ/1000 has a relative truncation error ~1e-13: 1e-7 K of tolerance.
    #[test]
    fn single_layer_is_the_mixed_tank_exponential() {
        let (tank, water) = tank(1, 0.0);
        let (m, t_in, t0) = (4.0, C + 60.0, C + 40.0);
        let tau = tank.mass_kg() / m;
        let (h_in, h0) = (water.enthalpy_j_kg(t_in), water.enthalpy_j_kg(t0));
        let mut t = vec![t0];
        let mut worst = 0.0_f64;
        integrate(
            &tank,
            &water,
            &mut t,
            t_in,
            m,
            C,
            tau / 1000.0,
            3000,
            |time, t| {
                let h = h_in + (h0 - h_in) * (-time / tau).exp();
                worst = worst.max((t[0] - water.temperature_from_enthalpy_k(h)).abs());
            },
        );
        assert!(worst < 1e-7, "{worst} K");
        assert!((t[0] - t_in).abs() < 0.05 * 20.0, "after 3τ within 5 %");
    }

    /// Ten layers with a very large conductivity behave as the mixed tank: the outlet follows
    /// h_in + (h0 − h_in)·e^(−ṁt/M). The layers differ by about the advected heat over the
    /// conductance, ṁ·c_p·ΔT/G per interface; summed over the N interfaces this bounds the
    /// outlet's offset from the mean by N·ṁ·c_p/G·|ΔT| (1 % of ΔT here, G = 1000·ṁ·c_p).
    #[test]
    fn large_conductivity_is_the_mixed_tank() {
        let water = Fluid::water();
        let (m, t_in, t0) = (4.0, C + 60.0, C + 40.0);
        let n = DEFAULT_LAYERS;
        let (area, dz) = (20.0 / 5.0, 5.0 / n as f64);
        let g = 1000.0 * m * water.specific_heat_j_kg_k(t0);
        let spec = StratifiedTankSpec {
            destratification_conductivity_w_m_k: g * dz / area,
            ..StratifiedTankSpec::new(20.0, 5.0, 0.0)
        };
        let tank = StratifiedTank::new(&spec, &water, C + 40.0).unwrap();
        let tau = tank.mass_kg() / m;
        let (h_in, h0) = (water.enthalpy_j_kg(t_in), water.enthalpy_j_kg(t0));
        // Explicit RK4 is stable below ≈ 0.69·C_layer/G (the conduction chain's largest
        // eigenvalue is 4G/C_layer): C_layer/G = τ/10⁴ here, so steps of τ/2·10⁴.
        let dt = tau / 2.0e4;
        let mut t = vec![t0; n];
        let mut worst = 0.0_f64;
        integrate(&tank, &water, &mut t, t_in, m, C, dt, 40_000, |time, t| {
            let h = h_in + (h0 - h_in) * (-time / tau).exp();
            let mixed = water.temperature_from_enthalpy_k(h);
            worst = worst.max((tank.outlet_k(t, m) - mixed).abs());
        });
        let tol = n as f64 / 1000.0 * (t_in - t0).abs();
        assert!(worst < tol, "{worst} K > {tol} K");
    }

    /// With no conduction and plug advection, charging hot water into a cold tank keeps the
    /// outlet cold until the front arrives: at t = 0.5·M/ṁ the bottom layer is still within 1 K of
    /// its initial 40 °C (60 °C charged). The whole bottom trajectory is N stirred tanks in
    /// series, h_N = h_in + (h0 − h_in)·Σ_{k<N} e^(−x)·x^k/k!, x = N·ṁ·t/M, checked to 1e-7 K (RK4).
    /// Stable stratification: buoyancy must stay exactly off.
    #[test]
    fn plug_flow_preserves_stratification() {
        let water = Fluid::water();
        let spec = StratifiedTankSpec {
            destratification_conductivity_w_m_k: 0.0,
            water_conduction: false,
            ..StratifiedTankSpec::new(20.0, 5.0, 0.0)
        };
        let tank = StratifiedTank::new(&spec, &water, C + 40.0).unwrap();
        let n = tank.layers();
        let (m, t_in, t0) = (4.0, C + 60.0, C + 40.0);
        let tau = tank.mass_kg() / m;
        let (h_in, h0) = (water.enthalpy_j_kg(t_in), water.enthalpy_j_kg(t0));
        let erlang_tail = |x: f64| {
            let (mut term, mut sum) = (1.0, 1.0);
            for k in 1..n {
                term *= x / k as f64;
                sum += term;
            }
            sum * (-x).exp()
        };
        let mut t = vec![t0; n];
        let mut worst = 0.0_f64;
        let steps = 2000;
        integrate(
            &tank,
            &water,
            &mut t,
            t_in,
            m,
            C,
            0.5 * tau / steps as f64,
            steps,
            |time, t| {
                let x = n as f64 * time / tau;
                let h = h_in + (h0 - h_in) * erlang_tail(x);
                worst = worst.max((t[n - 1] - water.temperature_from_enthalpy_k(h)).abs());
            },
        );
        assert!(worst < 1e-7, "tanks in series: {worst} K");
        let rise = t[n - 1] - t0;
        assert!(
            rise < 1.0,
            "bottom warmed by {rise} K at half a tank volume"
        );
        assert!(t[0] - t0 > 19.0, "the top is charged: {}", t[0] - C);
    }

    /// A stable profile sees no buoyancy; an inverted one relaxes toward mixed at ≈ 1/τ_b, with
    /// the heat going from the warm lower layer to the cold upper one.
    #[test]
    fn buoyancy_acts_only_on_inversions() {
        let water = Fluid::water();
        let spec = StratifiedTankSpec {
            layers: 2,
            destratification_conductivity_w_m_k: 0.0,
            water_conduction: false,
            ..StratifiedTankSpec::new(20.0, 5.0, 0.0)
        };
        let tank = StratifiedTank::new(&spec, &water, C + 40.0).unwrap();
        let mut d = [0.0; 2];
        tank.derivatives(&water, &[C + 50.0, C + 40.0], C, 0.0, C, &mut d)
            .unwrap();
        assert_eq!(d, [0.0, 0.0]);
        tank.derivatives(&water, &[C + 40.0, C + 50.0], C, 0.0, C, &mut d)
            .unwrap();
        // G_b = C_layer/τ_b on (10 − 0.05) K: dT_top/dt ≈ 9.95 K / 10 s.
        let expected = (10.0 - 0.5 * BUOYANCY_SMOOTHING_K) / DEFAULT_BUOYANCY_TIME_S;
        assert!(d[0] > 0.0 && d[1] < 0.0);
        assert!((d[0] - expected).abs() < 2e-3 * expected, "{d:?}");
        // The ramp is C¹ at its joins.
        let w = BUOYANCY_SMOOTHING_K;
        let slope = |x: f64| (smooth_ramp(x + 1e-9, w) - smooth_ramp(x - 1e-9, w)) / 2e-9;
        assert!(slope(0.0).abs() < 1e-6 && (slope(w) - 1.0).abs() < 1e-6);
    }

    /// Bad parameters and wrong slice lengths are refused, naming them.
    #[test]
    fn bad_arguments_are_named() {
        let water = Fluid::water();
        let spec = StratifiedTankSpec::new(20.0, 5.0, 10.0);
        let err = StratifiedTank::new(
            &StratifiedTankSpec {
                height_m: 0.0,
                ..spec
            },
            &water,
            C + 40.0,
        );
        assert!(matches!(
            err,
            Err(TankError::Parameter {
                name: "height_m",
                ..
            })
        ));
        let err = StratifiedTank::new(&StratifiedTankSpec { layers: 0, ..spec }, &water, C + 40.0);
        assert!(matches!(
            err,
            Err(TankError::Parameter { name: "layers", .. })
        ));
        let tank = StratifiedTank::new(&spec, &water, C + 40.0).unwrap();
        let mut d = [0.0; 3];
        let err = tank.derivatives(&water, &[C + 40.0; 10], C, 0.0, C, &mut d);
        assert_eq!(
            err,
            Err(TankError::LayerCount {
                name: "out",
                layers: 10,
                len: 3
            })
        );
    }
}
