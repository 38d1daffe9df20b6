//! A pipe with transport delay (plug flow), heat loss to its surroundings and the heat capacity
//! of its wall, in the spirit of Modelica Buildings' `PlugFlowPipe` (B. van der Heijde et al.,
//! "Dynamic equation-based thermo-hydraulic pipe model for district heating and cooling
//! systems", Energy Conversion and Management 151, 2017).
//!
//! # The model
//! * **Transport.** The water moves as plugs, without numerical diffusion. A [`DelayLine`] holds
//!   parcels (mass, temperature on entry, time of entry). Each step pushes what enters at the
//!   inlet and pops the same mass at the outlet, so a change at the inlet reaches the outlet once
//!   the pipe's fluid mass has flowed in after it, however the flow varies in time. What leaves
//!   over a step is the mass-weighted mean (in enthalpy) of the parcels, or parts of parcels,
//!   popped.
//! * **Heat loss.** Each parcel relaxes toward the ambient over its residence time τ:
//!   T = T_amb + (T_entry − T_amb)·exp(−τ/(R·C)). Here R [m·K/W] is the thermal resistance per
//!   length from the water to the ambient (insulation, surface film, soil), and C = ρ·c_p·A
//!   [J/(m·K)] is the water's heat capacity per length. This is the exact solution of
//!   C·dT/dt = (T_amb − T)/R along the parcel's path (uniform ambient, no axial conduction,
//!   insulation in quasi-steady state), and it is the law Modelica's `PlugFlowHeatLoss` applies.
//! * **Wall.** The wall's heat capacity is lumped in a [`MixingVolume`] at the outlet. The
//!   volume holds no coolant of its own (the delay line holds all of it), only the wall's
//!   capacity. This is what `PlugFlowPipe` does with `have_symmetry = false`: its `vol_b` holds
//!   the wall's water-equivalent volume. Its default since 2021 splits the wall between both
//!   ends, which the ULg data fit less well. The volume's temperature is an ODE state for the
//!   simulation's integrator ([`PlugFlowPipe::outlet_derivative_k_s`]). It is fed by the delay
//!   line's outflow. It holds the outlet back by C_wall/(ṁ·c_p) on average and spreads a front
//!   over that time. The wall exchanges no heat with the ambient: the loss is all in the delay
//!   line. A lumped wall lets a front out as a first-order lag; [`distributed`] spreads the wall
//!   along the pipe instead, which is the shape the Liège measurements have
//!   (`tests/tests/ulg_pipe.rs`).
//!
//! # Energy accounting
//! The delay line reports the energy it received, the energy it gave and the heat it lost, and
//! the energy it holds, all exactly (the loss is defined by the same law as the temperatures):
//! initial + in − out − lost = held, to rounding. The wall volume's energy is C_wall·T.
//!
//! # Limits
//! * Forward flow only: a negative flow is refused with [`PlugFlowError::ReverseFlow`]. A
//!   reversing pipe would need the loss law and a wall volume at the inlet as well.
//! * The line holds a fixed mass: the pipe's volume filled at its initial temperatures. Mass
//!   in equals mass out at every step, as the network's flows assume. A rigid pipe filled with
//!   water hotter than its initial fill holds less mass (1.6 % less at 60 °C than at 15 °C), so
//!   there the delay is overestimated by up to that fraction.
//! * The ambient temperature is fixed for a delay line: the analytic law over a parcel's whole
//!   residence needs a constant ambient.

pub mod distributed;

use crate::parameter::check;
use crate::volume::MixingVolume;
use dctwin_fluid::Fluid;
use std::collections::VecDeque;
use std::f64::consts::PI;

/// Parcels a new delay line is filled with [-]. With 100 parcels a linear initial temperature
/// profile is resolved to 1 % of the pipe. Parcels that enter later are one per step.
pub const INITIAL_PARCELS: usize = 100;

/// Mass below which a parcel's remainder is taken whole, relative to the line's mass [-]. This
/// keeps rounding crumbs (≈ 1e-16 of a parcel) out of the line. What is taken is counted, so the
/// energy accounting stays exact.
const CRUMB_RELATIVE: f64 = 1e-12;

/// Why a plug-flow pipe or its delay line refuses a parameter or an input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlugFlowError {
    /// A parameter or input out of its physical range.
    #[error("plug-flow pipe parameter `{name}` = {value} is invalid: expected {expected}")]
    Parameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// The flow runs from outlet to inlet, which this model does not support.
    #[error("plug-flow pipe: reverse flow ({mass_flow_kg_s} kg/s) is not supported")]
    ReverseFlow {
        /// The flow given [kg/s].
        mass_flow_kg_s: f64,
    },
}

crate::parameter::from_invalid_parameter!(PlugFlowError);

/// Thermal resistance per length of a cylindrical insulation layer [m·K/W]:
/// ln(D_out/D_in)/(2π·k).
pub fn insulation_resistance_m_k_w(
    inner_diameter_m: f64,
    outer_diameter_m: f64,
    conductivity_w_m_k: f64,
) -> Result<f64, PlugFlowError> {
    check(
        "inner_diameter_m",
        inner_diameter_m,
        inner_diameter_m > 0.0,
        "a finite diameter > 0",
    )?;
    check(
        "outer_diameter_m",
        outer_diameter_m,
        outer_diameter_m > inner_diameter_m,
        "a finite diameter > the inner diameter",
    )?;
    check(
        "conductivity_w_m_k",
        conductivity_w_m_k,
        conductivity_w_m_k > 0.0,
        "a finite conductivity > 0",
    )?;
    Ok((outer_diameter_m / inner_diameter_m).ln() / (2.0 * PI * conductivity_w_m_k))
}

/// Thermal resistance per length of a surface film (convection and radiation lumped in one
/// coefficient) on a cylinder of diameter `diameter_m` [m·K/W]: 1/(h·π·D).
pub fn surface_resistance_m_k_w(
    diameter_m: f64,
    coefficient_w_m2_k: f64,
) -> Result<f64, PlugFlowError> {
    check(
        "diameter_m",
        diameter_m,
        diameter_m > 0.0,
        "a finite diameter > 0",
    )?;
    check(
        "coefficient_w_m2_k",
        coefficient_w_m2_k,
        coefficient_w_m2_k > 0.0,
        "a finite coefficient > 0",
    )?;
    Ok(1.0 / (coefficient_w_m2_k * PI * diameter_m))
}

/// Thermal resistance per length of the soil around a single buried pipe [m·K/W], from its
/// outer surface to the undisturbed ground surface temperature: arcosh(2H/D)/(2π·k_soil), with H
/// the depth of the pipe's axis. This is the exact steady conduction shape factor of a cylinder
/// in a semi-infinite medium with an isothermal surface.
pub fn buried_resistance_m_k_w(
    outer_diameter_m: f64,
    axis_depth_m: f64,
    soil_conductivity_w_m_k: f64,
) -> Result<f64, PlugFlowError> {
    check(
        "outer_diameter_m",
        outer_diameter_m,
        outer_diameter_m > 0.0,
        "a finite diameter > 0",
    )?;
    check(
        "axis_depth_m",
        axis_depth_m,
        axis_depth_m > 0.5 * outer_diameter_m,
        "a finite depth > the pipe's radius",
    )?;
    check(
        "soil_conductivity_w_m_k",
        soil_conductivity_w_m_k,
        soil_conductivity_w_m_k > 0.0,
        "a finite conductivity > 0",
    )?;
    Ok((2.0 * axis_depth_m / outer_diameter_m).acosh() / (2.0 * PI * soil_conductivity_w_m_k))
}

/// Heat loss of a delay line's parcels to the surroundings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParcelLoss {
    /// R·C, the time in which a parcel's excess over ambient falls by e [s].
    pub time_constant_s: f64,
    /// Temperature of the surroundings [K].
    pub ambient_k: f64,
}

/// A plug of fluid in a [`DelayLine`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parcel {
    /// Mass [kg].
    pub mass_kg: f64,
    /// Temperature on entry, before any loss [K].
    pub entry_k: f64,
    /// Time of entry [s] (the middle of the step it entered over, or the line's start for the
    /// initial fill).
    pub entry_time_s: f64,
}

/// What leaves a delay line over one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outflow {
    /// Mass that left [kg].
    pub mass_kg: f64,
    /// Enthalpy it carried [J].
    pub enthalpy_j: f64,
    /// Its mass-weighted mean temperature (from the mean enthalpy) [K]. Without flow: the
    /// temperature of the parcel at the outlet, the one that would leave next.
    pub temperature_k: f64,
    /// Heat it lost to the surroundings over its whole residence [J].
    pub heat_lost_j: f64,
}

/// Fluid moving as plugs through a pipe: parcels pushed at the inlet and popped by mass at the
/// outlet, each losing heat toward ambient over its residence time.
#[derive(Debug, Clone, PartialEq)]
pub struct DelayLine {
    /// The fluid, for its enthalpy.
    fluid: Fluid,
    /// Parcels, the outlet end at the front.
    parcels: VecDeque<Parcel>,
    /// Mass the line was filled with [kg]: the scale for rounding crumbs.
    mass_kg: f64,
    /// Heat loss; `None`: adiabatic.
    loss: Option<ParcelLoss>,
    /// Time reached [s].
    time_s: f64,
    /// Energy held at the start, enthalpy relative to the fluid's reference [J].
    initial_energy_j: f64,
    /// Enthalpy received at the inlet [J].
    energy_in_j: f64,
    /// Enthalpy given at the outlet [J].
    energy_out_j: f64,
    /// Heat lost by the fluid that has left, over its residence [J].
    heat_lost_by_outflow_j: f64,
}

impl DelayLine {
    /// A line of `volume_m3` filled with `fluid` at time `t0_s`, in [`INITIAL_PARCELS`] parcels
    /// of equal volume whose temperature runs linearly from `inlet_k` at the inlet to
    /// `outlet_k` at the outlet. Each parcel's mass is its volume times the density at its
    /// temperature, so the line holds the mass the pipe holds. Parcels start losing heat at
    /// `t0_s`.
    pub fn filled(
        fluid: &Fluid,
        volume_m3: f64,
        loss: Option<ParcelLoss>,
        t0_s: f64,
        inlet_k: f64,
        outlet_k: f64,
    ) -> Result<Self, PlugFlowError> {
        check(
            "volume_m3",
            volume_m3,
            volume_m3 > 0.0,
            "a finite volume > 0",
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
        if let Some(l) = loss {
            check(
                "time_constant_s",
                l.time_constant_s,
                l.time_constant_s > 0.0,
                "a finite time > 0",
            )?;
            check(
                "ambient_k",
                l.ambient_k,
                l.ambient_k > 0.0,
                "a finite temperature > 0 K",
            )?;
        }
        let n = INITIAL_PARCELS;
        // Front (outlet end) first: parcel i sits at fraction (i + ½)/n of the way from the
        // outlet to the inlet.
        let parcels: VecDeque<Parcel> = (0..n)
            .map(|i| {
                let entry_k = outlet_k + (inlet_k - outlet_k) * (i as f64 + 0.5) / n as f64;
                Parcel {
                    mass_kg: volume_m3 / n as f64 * fluid.density_kg_m3(entry_k),
                    entry_k,
                    entry_time_s: t0_s,
                }
            })
            .collect();
        let mass_kg = parcels.iter().map(|p| p.mass_kg).sum();
        let initial_energy_j = parcels
            .iter()
            .map(|p| p.mass_kg * fluid.enthalpy_j_kg(p.entry_k))
            .sum();
        Ok(DelayLine {
            fluid: fluid.clone(),
            parcels,
            mass_kg,
            loss,
            time_s: t0_s,
            initial_energy_j,
            energy_in_j: 0.0,
            energy_out_j: 0.0,
            heat_lost_by_outflow_j: 0.0,
        })
    }

    /// Time reached [s].
    pub fn time_s(&self) -> f64 {
        self.time_s
    }

    /// Mass held [kg].
    pub fn mass_kg(&self) -> f64 {
        self.parcels.iter().map(|p| p.mass_kg).sum()
    }

    /// The parcels, outlet end first.
    pub fn parcels(&self) -> impl Iterator<Item = &Parcel> {
        self.parcels.iter()
    }

    /// Heat loss of the parcels; `None`: adiabatic.
    pub fn loss(&self) -> Option<ParcelLoss> {
        self.loss
    }

    /// Temperature of `parcel` at time `t_s` [K]: the exponential relaxation toward ambient over
    /// its residence t_s − entry time.
    pub fn parcel_temperature_k(&self, parcel: &Parcel, t_s: f64) -> f64 {
        match self.loss {
            Some(l) => {
                let residence = (t_s - parcel.entry_time_s).max(0.0);
                l.ambient_k
                    + (parcel.entry_k - l.ambient_k) * (-residence / l.time_constant_s).exp()
            }
            None => parcel.entry_k,
        }
    }

    /// Advance by `dt_s`: `mass_flow_kg_s`·`dt_s` enters at `inlet_k` (its mean over the step),
    /// the same mass leaves at the outlet. Entry and exit are placed in the middle of the step,
    /// so a parcel's residence is the time between the middles of its entry and exit steps.
    pub fn step(
        &mut self,
        dt_s: f64,
        mass_flow_kg_s: f64,
        inlet_k: f64,
    ) -> Result<Outflow, PlugFlowError> {
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
        let mid_s = self.time_s + 0.5 * dt_s;
        let mass = mass_flow_kg_s * dt_s;
        if mass > 0.0 {
            self.parcels.push_back(Parcel {
                mass_kg: mass,
                entry_k: inlet_k,
                entry_time_s: mid_s,
            });
            self.energy_in_j += mass * self.fluid.enthalpy_j_kg(inlet_k);
        }
        let out = self.pop(mass, mid_s);
        self.time_s += dt_s;
        Ok(out)
    }

    /// Pop `mass_kg` from the outlet end at time `t_s`.
    fn pop(&mut self, mass_kg: f64, t_s: f64) -> Outflow {
        let crumb = CRUMB_RELATIVE * self.mass_kg;
        let (mut taken, mut enthalpy, mut lost) = (0.0, 0.0, 0.0);
        while mass_kg - taken > crumb {
            let Some(&front) = self.parcels.front() else {
                break;
            };
            let left = mass_kg - taken;
            let whole = front.mass_kg <= left + crumb;
            let take = if whole { front.mass_kg } else { left };
            let h_exit = self
                .fluid
                .enthalpy_j_kg(self.parcel_temperature_k(&front, t_s));
            let h_entry = self.fluid.enthalpy_j_kg(front.entry_k);
            taken += take;
            enthalpy += take * h_exit;
            lost += take * (h_entry - h_exit);
            if whole {
                self.parcels.pop_front();
            } else if let Some(f) = self.parcels.front_mut() {
                f.mass_kg -= take;
            }
        }
        self.energy_out_j += enthalpy;
        self.heat_lost_by_outflow_j += lost;
        let temperature_k = if taken > 0.0 {
            self.fluid.temperature_from_enthalpy_k(enthalpy / taken)
        } else {
            self.outlet_temperature_k(t_s)
        };
        Outflow {
            mass_kg: taken,
            enthalpy_j: enthalpy,
            temperature_k,
            heat_lost_j: lost,
        }
    }

    /// Temperature at time `t_s` of the parcel at the outlet end [K] (NaN for an empty line).
    pub fn outlet_temperature_k(&self, t_s: f64) -> f64 {
        self.parcels
            .front()
            .map_or(f64::NAN, |p| self.parcel_temperature_k(p, t_s))
    }

    /// Energy held now, enthalpy relative to the fluid's reference [J].
    pub fn energy_held_j(&self) -> f64 {
        self.parcels
            .iter()
            .map(|p| {
                p.mass_kg
                    * self
                        .fluid
                        .enthalpy_j_kg(self.parcel_temperature_k(p, self.time_s))
            })
            .sum()
    }

    /// Energy held at the start [J].
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

    /// Heat lost to the surroundings so far [J]: by the fluid that left, over its residence,
    /// and by the fluid still held, since it entered.
    pub fn heat_lost_j(&self) -> f64 {
        let held: f64 = self
            .parcels
            .iter()
            .map(|p| {
                let now = self.parcel_temperature_k(p, self.time_s);
                p.mass_kg * (self.fluid.enthalpy_j_kg(p.entry_k) - self.fluid.enthalpy_j_kg(now))
            })
            .sum();
        self.heat_lost_by_outflow_j + held
    }
}

/// The parameters of a plug-flow pipe, as given by the user.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlugFlowSpec {
    /// Length [m].
    pub length_m: f64,
    /// Inner diameter [m].
    pub inner_diameter_m: f64,
    /// Wall thickness [m].
    pub wall_thickness_m: f64,
    /// Density of the wall's material [kg/m³] (carbon steel ≈ 7850, PE ≈ 950).
    pub wall_density_kg_m3: f64,
    /// Specific heat of the wall's material [J/(kg·K)] (carbon steel ≈ 450–500, PE ≈ 2300).
    pub wall_specific_heat_j_kg_k: f64,
    /// Thermal resistance per length from the water to the ambient [m·K/W] (see
    /// [`insulation_resistance_m_k_w`], [`surface_resistance_m_k_w`],
    /// [`buried_resistance_m_k_w`]); `None`: adiabatic.
    pub resistance_m_k_w: Option<f64>,
    /// Temperature of the surroundings [K].
    pub ambient_k: f64,
}

/// A plug-flow pipe: its delay line's size and loss, and its wall lumped at the outlet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlugFlowPipe {
    /// Length [m].
    pub length_m: f64,
    /// Inner diameter [m].
    pub inner_diameter_m: f64,
    /// Heat loss of the fluid; `None`: adiabatic.
    pub loss: Option<ParcelLoss>,
    /// The wall lumped at the outlet: no coolant, the wall's heat capacity.
    pub wall: MixingVolume,
}

impl PlugFlowPipe {
    /// A pipe from its parameters. The loss's time constant R·ρ·c_p·A takes `fluid`'s density and
    /// heat capacity at `reference_k`. Over 15–60 °C ρ·c_p changes by 1.6 %, and the loss over a
    /// residence by that fraction of itself.
    pub fn new(
        spec: &PlugFlowSpec,
        fluid: &Fluid,
        reference_k: f64,
    ) -> Result<Self, PlugFlowError> {
        check(
            "length_m",
            spec.length_m,
            spec.length_m > 0.0,
            "a finite length > 0",
        )?;
        check(
            "inner_diameter_m",
            spec.inner_diameter_m,
            spec.inner_diameter_m > 0.0,
            "a finite diameter > 0",
        )?;
        check(
            "wall_thickness_m",
            spec.wall_thickness_m,
            spec.wall_thickness_m > 0.0,
            "a finite thickness > 0",
        )?;
        check(
            "wall_density_kg_m3",
            spec.wall_density_kg_m3,
            spec.wall_density_kg_m3 > 0.0,
            "a finite density > 0",
        )?;
        check(
            "wall_specific_heat_j_kg_k",
            spec.wall_specific_heat_j_kg_k,
            spec.wall_specific_heat_j_kg_k > 0.0,
            "a finite specific heat > 0",
        )?;
        check(
            "reference_k",
            reference_k,
            reference_k > 0.0,
            "a finite temperature > 0 K",
        )?;
        let area_m2 = PI * spec.inner_diameter_m * spec.inner_diameter_m / 4.0;
        let loss = match spec.resistance_m_k_w {
            Some(r) => {
                check("resistance_m_k_w", r, r > 0.0, "a finite resistance > 0")?;
                check(
                    "ambient_k",
                    spec.ambient_k,
                    spec.ambient_k > 0.0,
                    "a finite temperature > 0 K",
                )?;
                let c_j_m_k = fluid.density_kg_m3(reference_k)
                    * fluid.specific_heat_j_kg_k(reference_k)
                    * area_m2;
                Some(ParcelLoss {
                    time_constant_s: r * c_j_m_k,
                    ambient_k: spec.ambient_k,
                })
            }
            None => None,
        };
        let outer_m = spec.inner_diameter_m + 2.0 * spec.wall_thickness_m;
        let wall_volume_m3 = PI / 4.0
            * (outer_m * outer_m - spec.inner_diameter_m * spec.inner_diameter_m)
            * spec.length_m;
        Ok(PlugFlowPipe {
            length_m: spec.length_m,
            inner_diameter_m: spec.inner_diameter_m,
            loss,
            wall: MixingVolume {
                mass_kg: 0.0,
                solid_capacity_j_k: wall_volume_m3
                    * spec.wall_density_kg_m3
                    * spec.wall_specific_heat_j_kg_k,
            },
        })
    }

    /// Flow cross-section [m²].
    pub fn area_m2(&self) -> f64 {
        PI * self.inner_diameter_m * self.inner_diameter_m / 4.0
    }

    /// Heat capacity of the wall [J/K].
    pub fn wall_capacity_j_k(&self) -> f64 {
        self.wall.solid_capacity_j_k
    }

    /// Volume of fluid held [m³].
    pub fn volume_m3(&self) -> f64 {
        self.area_m2() * self.length_m
    }

    /// Mass of fluid held when filled at `t_k` [kg].
    pub fn fluid_mass_kg(&self, fluid: &Fluid, t_k: f64) -> f64 {
        self.volume_m3() * fluid.density_kg_m3(t_k)
    }

    /// Transport delay at a constant `mass_flow_kg_s` (> 0) when filled at `t_k` [s]: the
    /// fluid mass over the flow.
    pub fn transit_time_s(&self, fluid: &Fluid, t_k: f64, mass_flow_kg_s: f64) -> f64 {
        self.fluid_mass_kg(fluid, t_k) / mass_flow_kg_s
    }

    /// A delay line for this pipe at `t0_s`, its fluid running linearly from `inlet_k` at the
    /// inlet to `outlet_k` at the outlet ([`DelayLine::filled`]).
    pub fn delay_line(
        &self,
        fluid: &Fluid,
        t0_s: f64,
        inlet_k: f64,
        outlet_k: f64,
    ) -> Result<DelayLine, PlugFlowError> {
        DelayLine::filled(fluid, self.volume_m3(), self.loss, t0_s, inlet_k, outlet_k)
    }

    /// dT/dt [K/s] of the wall lumped at the outlet, at `wall_k`, fed with `mass_flow_kg_s`
    /// (≥ 0) leaving the delay line at `line_outlet_k`: ṁ·(h(T_line) − h(T_wall))/C_wall. The
    /// pipe's outlet temperature is `wall_k`.
    pub fn outlet_derivative_k_s(
        &self,
        fluid: &Fluid,
        line_outlet_k: f64,
        wall_k: f64,
        mass_flow_kg_s: f64,
    ) -> f64 {
        self.wall
            .derivative_k_s(fluid, line_outlet_k, wall_k, mass_flow_kg_s, 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: f64 = 273.15;

    /// A line holding 100 kg of water at `t_k` (to rounding), adiabatic or losing heat with
    /// `loss`.
    fn line(loss: Option<ParcelLoss>, t_k: f64) -> (DelayLine, Fluid) {
        let water = Fluid::water();
        let volume = 100.0 / water.density_kg_m3(t_k);
        let l = DelayLine::filled(&water, volume, loss, 0.0, t_k, t_k).unwrap();
        assert!((l.mass_kg() - 100.0).abs() < 1e-12);
        (l, water)
    }

    /// Expected outlet temperature when a fraction `new` of the step's outflow is fluid at `t1`
    /// and the rest at `t0` (mass-weighted in enthalpy).
    fn mixed_k(water: &Fluid, new: f64, t0: f64, t1: f64) -> f64 {
        let h = (1.0 - new) * water.enthalpy_j_kg(t0) + new * water.enthalpy_j_kg(t1);
        water.temperature_from_enthalpy_k(h)
    }

    /// A step at the inlet arrives after exactly M/ṁ, undiffused. With M = 100 kg and
    /// ṁ = 0.7 kg/s the front arrives at 142.857… s, inside the step [142, 143] s at 0.857 of
    /// the way. That step's outflow is 1/7 new water (mass-weighted), every step before is the
    /// old water exactly and every step after is the new water exactly. Tolerance 1e-9 K: the
    /// enthalpy inversion converges to machine precision; anything else is diffusion.
    #[test]
    fn front_arrives_after_mass_over_flow_without_diffusion() {
        let (mut l, water) = line(None, C + 20.0);
        let (m, dt) = (0.7, 1.0);
        let arrival_s = l.mass_kg() / m;
        for k in 0..200 {
            let out = l.step(dt, m, C + 60.0).unwrap();
            let (t0, t1) = (k as f64 * dt, (k + 1) as f64 * dt);
            let new = ((t1 - arrival_s) / dt).clamp(0.0, 1.0);
            let expected = mixed_k(&water, new, C + 20.0, C + 60.0);
            assert!(
                (out.temperature_k - expected).abs() < 1e-9,
                "step [{t0}, {t1}]: {} vs {}",
                out.temperature_k - C,
                expected - C
            );
            assert!((out.mass_kg - m * dt).abs() < 1e-12);
        }
        // The step that holds the front is the one the arithmetic says: [142, 143] s.
        assert_eq!(arrival_s.floor(), 142.0);
    }

    /// At constant flow and inlet temperature the outlet is the analytic decay
    /// T_amb + (T_in − T_amb)·exp(−(M/ṁ)/(R·C)). M/(ṁ·dt) = 50 steps exactly, so each parcel's
    /// residence is exactly M/ṁ (entry and exit mid-step); tolerance 1e-9 K as above. The
    /// pipe's time constant comes from R and C as `PlugFlowPipe::new` computes it.
    #[test]
    fn loss_decay_is_the_analytic_exponential() {
        let water = Fluid::water();
        let spec = PlugFlowSpec {
            length_m: 100.0,
            inner_diameter_m: 0.05,
            wall_thickness_m: 0.004,
            wall_density_kg_m3: 7850.0,
            wall_specific_heat_j_kg_k: 490.0,
            // A poorly insulated pipe so the loss is large: 0.2 m·K/W.
            resistance_m_k_w: Some(0.2),
            ambient_k: C + 10.0,
        };
        let pipe = PlugFlowPipe::new(&spec, &water, C + 50.0).unwrap();
        let area = PI * 0.05 * 0.05 / 4.0;
        let rc = 0.2 * water.density_kg_m3(C + 50.0) * water.specific_heat_j_kg_k(C + 50.0) * area;
        let loss = pipe.loss.unwrap();
        assert!((loss.time_constant_s - rc).abs() < 1e-12 * rc);
        let mut l = pipe.delay_line(&water, 0.0, C + 50.0, C + 50.0).unwrap();
        let mass = pipe.fluid_mass_kg(&water, C + 50.0);
        assert!((l.mass_kg() - mass).abs() < 1e-12 * mass);
        let dt = 2.0;
        let m = mass / (50.0 * dt);
        let tau = pipe.transit_time_s(&water, C + 50.0, m);
        assert!((tau - 100.0).abs() < 1e-9);
        let expected = C + 10.0 + 40.0 * (-tau / rc).exp();
        // About 2.4 K of loss over 100 s: the test would notice a wrong residence time.
        assert!((C + 50.0 - expected) > 2.0, "{}", expected - C);
        for k in 0..120 {
            let out = l.step(dt, m, C + 50.0).unwrap();
            if k >= 50 {
                assert!(
                    (out.temperature_k - expected).abs() < 1e-9,
                    "step {k}: {} vs {}",
                    out.temperature_k - C,
                    expected - C
                );
            }
        }
    }

    /// The energy bookkeeping closes: initial + in − out − lost = held, to 1e-12 of the energy
    /// that went through, under varying flow, inlet temperature and steps, with loss and with
    /// zero-flow steps. Only rounding may break it.
    #[test]
    fn energy_bookkeeping_closes() {
        let loss = ParcelLoss {
            time_constant_s: 300.0,
            ambient_k: C + 5.0,
        };
        let (mut l, _) = line(Some(loss), C + 30.0);
        let mut lost_in_steps = 0.0;
        for k in 0..2000 {
            let x = k as f64;
            let dt = 0.5 + 0.4 * (0.37 * x).sin().abs();
            let m = if k % 97 < 5 {
                0.0
            } else {
                1.0 + 0.8 * (0.013 * x).sin()
            };
            let t_in = C + 40.0 + 15.0 * (0.05 * x).sin();
            let out = l.step(dt, m, t_in).unwrap();
            lost_in_steps += out.heat_lost_j;
            let balance = l.initial_energy_j() + l.energy_in_j()
                - l.energy_out_j()
                - l.heat_lost_j()
                - l.energy_held_j();
            let scale = l.initial_energy_j() + l.energy_in_j();
            assert!(balance.abs() < 1e-12 * scale, "step {k}: {balance} J");
            assert!((l.mass_kg() - 100.0).abs() < 1e-9, "{}", l.mass_kg());
        }
        // Heat was really lost (the check is not 0 = 0), and what left carried its share.
        assert!(l.heat_lost_j() > 1e6, "{}", l.heat_lost_j());
        assert!(lost_in_steps > 0.5 * l.heat_lost_j());
    }

    /// Under varying flow a front arrives when the mass that entered after it equals the pipe's
    /// mass: 1 kg/s for 30 s then 2 kg/s moves 100 kg in 30 + 70/2 = 65 s. The front parcel's
    /// loss is over its true residence (exit mid-step minus entry mid-step), not M/ṁ of either
    /// flow. Tolerance 1e-9 K as above.
    #[test]
    fn varying_flow_moves_the_front_by_mass() {
        let loss = ParcelLoss {
            time_constant_s: 1000.0,
            ambient_k: C + 10.0,
        };
        let (mut l, water) = line(Some(loss), C + 10.0);
        let dt = 1.0;
        let mut arrived = None;
        for k in 0..100 {
            let t = k as f64 * dt;
            let m = if t < 30.0 { 1.0 } else { 2.0 };
            let out = l.step(dt, m, C + 70.0).unwrap();
            // The old water sits at ambient: it never changes.
            if out.temperature_k > C + 10.0 + 1e-9 && arrived.is_none() {
                arrived = Some((t, out));
            }
        }
        let (t, out) = arrived.unwrap();
        // The first parcel (entered mid-[0, 1] s) leaves whole in the step [65, 66] s,
        // with residence 65.5 − 0.5 = 65 s.
        assert_eq!(t, 65.0);
        let hot = C + 10.0 + 60.0 * (-65.0 / 1000.0_f64).exp();
        // That step's 2 kg: the first 1 kg parcel whole, then the next one (residence 64 s).
        let next = C + 10.0 + 60.0 * (-64.0 / 1000.0_f64).exp();
        let expected = mixed_k(&water, 0.5, hot, next);
        assert!((out.temperature_k - expected).abs() < 1e-9);
    }

    /// No flow: nothing leaves, the parcels keep cooling, and the outflow reports the
    /// temperature that would leave next.
    #[test]
    fn no_flow_holds_the_water() {
        let loss = ParcelLoss {
            time_constant_s: 100.0,
            ambient_k: C + 10.0,
        };
        let (mut l, _) = line(Some(loss), C + 50.0);
        let out = l.step(100.0, 0.0, C + 90.0).unwrap();
        assert_eq!(out.mass_kg, 0.0);
        assert_eq!(out.enthalpy_j, 0.0);
        // Mid-step (50 s): 10 + 40·e^-0.5 °C.
        let expected = C + 10.0 + 40.0 * (-0.5_f64).exp();
        assert!((out.temperature_k - expected).abs() < 1e-9);
        assert_eq!(l.energy_in_j(), 0.0);
    }

    /// The wall lumped at the outlet relaxes toward the delay line's outflow with time constant
    /// C_wall/(ṁ·c_p), and is steady when it equals it. Its capacity is the steel ring's:
    /// ULg's pipe (52.48 mm inner, 3.91 mm wall, 39 m, 7850 kg/m³, 490 J/(kg·K)) ≈ 104 kJ/K by
    /// hand: π/4·(0.0603² − 0.05248²)·39 m³ · 7850 · 490.
    #[test]
    fn wall_volume_lags_the_outflow() {
        let water = Fluid::water();
        let spec = PlugFlowSpec {
            length_m: 39.0,
            inner_diameter_m: 0.05248,
            wall_thickness_m: 0.00391,
            wall_density_kg_m3: 7850.0,
            wall_specific_heat_j_kg_k: 490.0,
            resistance_m_k_w: None,
            ambient_k: C + 18.0,
        };
        let pipe = PlugFlowPipe::new(&spec, &water, C + 40.0).unwrap();
        let by_hand = PI / 4.0 * (0.0603_f64.powi(2) - 0.05248_f64.powi(2)) * 39.0 * 7850.0 * 490.0;
        assert!((pipe.wall_capacity_j_k() - by_hand).abs() < 1e-6 * by_hand);
        assert!((pipe.wall_capacity_j_k() - 104_000.0).abs() < 1_000.0);
        assert_eq!(
            pipe.outlet_derivative_k_s(&water, C + 50.0, C + 50.0, 1.0),
            0.0
        );
        // A small difference: the rate is ṁ c_p ΔT / C_wall (h linear over 0.01 K).
        let d = pipe.outlet_derivative_k_s(&water, C + 50.01, C + 50.0, 1.0);
        let expected = 1.0 * water.specific_heat_j_kg_k(C + 50.005) * 0.01 / by_hand;
        assert!((d - expected).abs() < 1e-6 * expected, "{d} vs {expected}");
        // No loss: `None` resistance gives an adiabatic line.
        assert!(pipe.loss.is_none());
        // 52.48 mm, 39 m of water at 40 °C: ≈ 83.7 kg; at 15 °C 0.69 % more (999.10/992.22).
        let (warm, cold) = (
            pipe.fluid_mass_kg(&water, C + 40.0),
            pipe.fluid_mass_kg(&water, C + 15.0),
        );
        assert!((warm - 83.7).abs() < 0.2, "{warm}");
        assert!(
            (cold / warm - 999.10 / 992.22).abs() < 2e-4,
            "{}",
            cold / warm
        );
        // A line filled from 15 °C (outlet) to 40 °C (inlet) holds the mass of its profile:
        // between the two, near the mean temperature's.
        let l = pipe.delay_line(&water, 0.0, C + 40.0, C + 15.0).unwrap();
        let mean = pipe.fluid_mass_kg(&water, C + 27.5);
        assert!(l.mass_kg() < cold && l.mass_kg() > warm);
        assert!(
            (l.mass_kg() - mean).abs() < 1e-3 * mean,
            "{} vs {mean}",
            l.mass_kg()
        );
    }

    /// The ULg pipe's resistance as Modelica's PlugFlowULg documents it: R = 2.164 m·K/W for
    /// 13 mm of insulation at 0.04 W/(m·K) on a 60.3 mm pipe with 5 W/(m²·K) outside. Tolerance:
    /// the 4 digits quoted.
    #[test]
    fn resistance_matches_modelica_ulg() {
        let d = 0.0603;
        let r = insulation_resistance_m_k_w(d, d + 0.026, 0.04).unwrap()
            + surface_resistance_m_k_w(d + 0.026, 5.0).unwrap();
        assert!((r - 2.164).abs() < 0.0005, "{r}");
    }

    /// A deep pipe's soil resistance tends to ln(4H/D)/(2πk) (arcosh x ≈ ln 2x for x ≫ 1);
    /// at H/D = 10 the two differ by ≈ 1/(4·20²)/ln 40 ≈ 1.7e-4 relative.
    #[test]
    fn buried_resistance_tends_to_the_deep_limit() {
        let r = buried_resistance_m_k_w(0.2, 2.0, 1.5).unwrap();
        let deep = (4.0_f64 * 2.0 / 0.2).ln() / (2.0 * PI * 1.5);
        assert!((r - deep).abs() / deep < 3e-4, "{r} vs {deep}");
        assert!(r < deep);
    }

    /// Bad parameters and inputs are refused, naming the parameter; reverse flow is an error.
    #[test]
    fn bad_inputs_are_named() {
        let (mut l, water) = line(None, C + 20.0);
        assert_eq!(
            l.step(1.0, -0.1, C + 20.0),
            Err(PlugFlowError::ReverseFlow {
                mass_flow_kg_s: -0.1
            })
        );
        for (dt, m, t, name) in [
            (-1.0, 1.0, C, "dt_s"),
            (f64::NAN, 1.0, C, "dt_s"),
            (1.0, f64::INFINITY, C, "mass_flow_kg_s"),
            (1.0, 1.0, -1.0, "inlet_k"),
        ] {
            match l.step(dt, m, t) {
                Err(PlugFlowError::Parameter { name: n, .. }) => assert_eq!(n, name),
                other => panic!("{name}: {other:?}"),
            }
        }
        let good = PlugFlowSpec {
            length_m: 10.0,
            inner_diameter_m: 0.1,
            wall_thickness_m: 0.004,
            wall_density_kg_m3: 7850.0,
            wall_specific_heat_j_kg_k: 490.0,
            resistance_m_k_w: Some(1.0),
            ambient_k: C + 10.0,
        };
        assert!(PlugFlowPipe::new(&good, &water, C + 40.0).is_ok());
        let cases = [
            (
                PlugFlowSpec {
                    length_m: 0.0,
                    ..good
                },
                "length_m",
            ),
            (
                PlugFlowSpec {
                    wall_thickness_m: -0.001,
                    ..good
                },
                "wall_thickness_m",
            ),
            (
                PlugFlowSpec {
                    resistance_m_k_w: Some(0.0),
                    ..good
                },
                "resistance_m_k_w",
            ),
            (
                PlugFlowSpec {
                    ambient_k: f64::NAN,
                    ..good
                },
                "ambient_k",
            ),
        ];
        for (spec, name) in cases {
            match PlugFlowPipe::new(&spec, &water, C + 40.0) {
                Err(PlugFlowError::Parameter { name: n, .. }) => assert_eq!(n, name),
                other => panic!("{name}: {other:?}"),
            }
        }
        assert!(insulation_resistance_m_k_w(0.1, 0.05, 0.04).is_err());
        assert!(buried_resistance_m_k_w(0.2, 0.05, 1.0).is_err());
        assert!(DelayLine::filled(&water, 0.0, None, 0.0, C + 20.0, C + 20.0).is_err());
    }
}
