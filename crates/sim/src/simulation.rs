//! The time loop: at each control step, apply the inputs and events, run the controllers,
//! re-solve the flows (warm-started, quasi-static), then let CVODE carry the temperatures to the
//! next control step. Reports go to an observer at a fixed reporting step, independent of
//! CVODE's internal steps.

use crate::control::Controllers;
use crate::cvode::{Cvode, CvodeError, LinearSolver, Options, Retry, System};
use crate::dynamics::{ACCOUNTS, Account, Dynamics};
use crate::error::SimError;
use crate::event::{Action, Event};
use crate::plant::{NO_FLOW_KG_S, Plant};
use crate::precondition::{SparseLu, SparseRows};
use crate::report::{EnergyBalance, Snapshot, Totals};
use dctwin_components::{Component, FluidState, PumpControl};
use dctwin_components::{dry_cooler_unit, heat_exchanger_unit};
use dctwin_network::hydraulic::{HydraulicSolver, HydraulicState};
use std::ops::ControlFlow;

/// Models up to this many states use CVODE's dense solver (difference-quotient Jacobian); larger
/// ones the sparse LU of the analytic Jacobian ([`crate::precondition`]).
pub const DENSE_LIMIT: usize = 150;

/// Temperature change [K] after which a link's density and viscosity are re-evaluated for the
/// hydraulic solve. Water at 40 °C changes its viscosity by 2 %/K and its density by 0.04 %/K:
/// 0.05 K is at most 0.1 % in viscosity, which moves a smooth turbulent pipe's friction factor by
/// 0.025 % (f ∝ Re^-¼) and a loop's flow by less; a flow meter reads to 0.5 %. Between such
/// changes a loop's hydraulic inputs hold exactly, and the solver's memo of pipe laws skips
/// Colebrook for it.
pub const FLUID_PROPERTY_STEP_K: f64 = 0.05;

/// The default control step [s]: inputs, controllers and flows change only at its multiples.
/// 60 s matches the minute resolution of IT power traces.
pub const DEFAULT_CONTROL_STEP_S: f64 = 60.0;

/// How a run is stepped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Control step [s] ([`DEFAULT_CONTROL_STEP_S`]).
    pub control_step_s: f64,
    /// Relative tolerance of the integration [-]. The default 1e-5 is 3 mK on a temperature of
    /// 313 K: a local error per step well below a ±0.1 K sensor.
    pub relative_tolerance: f64,
    /// Absolute tolerance on the volumes' states [K] (their energies in kelvin, on a
    /// temperature's scale to within a few per cent: [`crate::energy_state`]). The default 1 mK
    /// adds to the relative share. With both defaults the temperatures of a trace-driven jupiter run stay within
    /// 0.02 K of an rtol 1e-10 reference (`tests/tests/accuracy.rs`).
    pub absolute_tolerance_k: f64,
    /// Restart CVODE at every control step; otherwise only at events. Off by default: CVODE
    /// stops exactly at each control step (a stop time), and a jump in the inputs there only
    /// fails an error test or two, while a restart always falls back to order 1 and a tiny
    /// first step (measured: 24 steps per minute with restarts, 1.8 without, on jupiter).
    pub restart_each_step: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            control_step_s: DEFAULT_CONTROL_STEP_S,
            relative_tolerance: 1e-5,
            absolute_tolerance_k: 1e-3,
            restart_each_step: false,
        }
    }
}

/// Whatever changes the plant's inputs over time: IT power, weather, heat demand, and any
/// parameter an input is bound to.
pub trait Inputs {
    /// Set the plant's inputs for the control step starting at `time_s`; the error says which
    /// input a parameter refused, and why.
    fn apply(&mut self, time_s: f64, plant: &mut Plant) -> Result<(), String>;

    /// Set the controllers' set-points for the control step starting at `time_s` (after
    /// [`Inputs::apply`]).
    fn apply_controllers(
        &mut self,
        _time_s: f64,
        _controllers: &mut Controllers,
    ) -> Result<(), String> {
        Ok(())
    }
}

impl<F: FnMut(f64, &mut Plant)> Inputs for F {
    fn apply(&mut self, time_s: f64, plant: &mut Plant) -> Result<(), String> {
        self(time_s, plant);
        Ok(())
    }
}

/// A transient simulation of a plant.
pub struct Simulation {
    /// The plant, with its current inputs. Its volumes' masses and metal are read once, by
    /// [`Simulation::new`] (they scale the states): change inputs here, not volumes.
    pub plant: Plant,
    /// Controllers acting at each control step.
    pub controllers: Controllers,
    settings: Settings,
    hydraulic: HydraulicSolver,
    hydraulic_state: HydraulicState,
    /// The temperature each link's fluid properties were last evaluated at [K] (NaN: never).
    fluid_at_k: Vec<f64>,
    dynamics: Dynamics,
    cvode: Cvode,
    /// The volumes' temperatures at the integrator's current state [K].
    volume_k: Vec<f64>,
    preconditioner: Preconditioner,
    time_s: f64,
    start_energy_j: f64,
    /// Where the run started [s]: control steps are counted from here, so that many short
    /// steps do not drift off their grid.
    start_s: f64,
    pending: Vec<Event>,
    /// Whether the dynamics' node temperatures are those of the current state (refreshed at
    /// the end of the last step), so the next control step need not refresh them.
    nodes_fresh: bool,
    /// The highest temperature each loop's water may reach [K] ([`Plant::liquid_limit_k`]).
    liquid_limit_k: Vec<f64>,
    /// The flows at the integrator's last restart [kg/s]: a flow that has since moved by more
    /// than [`FLOW_LEAP`] restarts it ([`Simulation::flows_leaped`]).
    restart_flows: Vec<f64>,
}

/// The Jacobian of the last preconditioner set-up and the factors of I − γJ.
#[derive(Debug, Clone, Default)]
struct Preconditioner {
    jacobian: SparseRows,
    /// Flow generation ([`Dynamics::generation`]) the Jacobian was taken at.
    generation: Option<u64>,
    lu: SparseLu,
}

/// The plant's equations as CVODE sees them during one control step.
struct StepSystem<'a> {
    plant: &'a Plant,
    dynamics: &'a mut Dynamics,
    preconditioner: &'a mut Preconditioner,
}

impl System for StepSystem<'_> {
    fn rhs(&mut self, _t_s: f64, y: &[f64], dy: &mut [f64]) -> Result<(), Retry> {
        self.dynamics.evaluate(self.plant, y, dy);
        Ok(())
    }

    fn setup(
        &mut self,
        _t_s: f64,
        y: &[f64],
        jacobian_ok: bool,
        gamma: f64,
    ) -> Result<bool, Retry> {
        let p = &mut *self.preconditioner;
        let fresh = !jacobian_ok || p.generation != Some(self.dynamics.generation());
        if fresh {
            self.dynamics.jacobian(self.plant, y, &mut p.jacobian);
            p.generation = Some(self.dynamics.generation());
        }
        p.lu.factor(&p.jacobian, gamma).map_err(|_| Retry)?;
        Ok(fresh)
    }

    fn solve(&mut self, r: &[f64], z: &mut [f64]) -> Result<(), Retry> {
        let p = &mut *self.preconditioner;
        p.lu.solve(&p.jacobian, r, z);
        Ok(())
    }

    fn jacobian_times(&mut self, v: &[f64], jv: &mut [f64]) -> Result<(), Retry> {
        self.preconditioner.jacobian.multiply(v, jv);
        Ok(())
    }
}

impl Simulation {
    /// A simulation of `plant` starting at `start_s` with every volume at its loop's initial
    /// temperature.
    pub fn new(plant: Plant, start_s: f64, settings: Settings) -> Result<Simulation, SimError> {
        plant.check_volumes()?;
        let hydraulic = HydraulicSolver::new(&plant.network);
        let hydraulic_state = HydraulicState::cold(&plant.network);
        let dynamics = Dynamics::new(&plant);
        let y0 = dynamics.initial_state();
        let mut volume_k = Vec::new();
        dynamics.temperatures_of(&plant, &y0, &mut volume_k);
        let cvode = Cvode::new(start_s, &y0, &cvode_options(&settings, &dynamics))
            .map_err(SimError::Setup)?;
        let mut sim = Simulation {
            controllers: Controllers::default(),
            plant,
            settings,
            hydraulic,
            fluid_at_k: vec![f64::NAN; hydraulic_state.fluid.len()],
            hydraulic_state,
            dynamics,
            cvode,
            volume_k,
            preconditioner: Preconditioner::default(),
            time_s: start_s,
            start_s,
            start_energy_j: 0.0,
            pending: Vec::new(),
            nodes_fresh: false,
            liquid_limit_k: Vec::new(),
            restart_flows: Vec::new(),
        };
        sim.liquid_limit_k = (0..sim.plant.network.loops.len())
            .map(|i| sim.plant.liquid_limit_k(i))
            .collect();
        sim.start_energy_j = sim.stored_energy_j();
        Ok(sim)
    }

    /// Simulated time [s].
    pub fn time_s(&self) -> f64 {
        self.time_s
    }

    /// Schedule events; they act at the start of the first control step at or after their time,
    /// and the integrator restarts there.
    pub fn schedule(&mut self, mut events: Vec<Event>) {
        self.pending.append(&mut events);
        self.pending.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    }

    /// The temperature of each volume's link [K] (`None` for links without volume).
    pub fn link_temperature_k(&self, l: usize) -> Option<f64> {
        self.dynamics.state_of_link[l].map(|s| self.volume_k[s])
    }

    /// Node temperatures at the last evaluation [K].
    pub fn node_temperatures_k(&self) -> &[f64] {
        &self.dynamics.node_k
    }

    /// Mass flows of the current control step [kg/s].
    pub fn flows_kg_s(&self) -> &[f64] {
        &self.hydraulic_state.mass_flow_kg_s
    }

    /// Pressures of the current control step [Pa].
    pub fn pressures_pa(&self) -> &[f64] {
        &self.hydraulic_state.pressure_pa
    }

    /// CVODE's work so far.
    pub fn integrator_stats(&self) -> crate::cvode::Stats {
        self.cvode.stats()
    }

    /// Run until `end_s`, reporting every `report_step_s` (a multiple of the control step) to
    /// `observer`. Returns the energy balance of the run so far.
    pub fn run(
        &mut self,
        end_s: f64,
        report_step_s: f64,
        inputs: &mut dyn Inputs,
        observer: &mut dyn FnMut(&Snapshot) -> ControlFlow<()>,
    ) -> Result<EnergyBalance, SimError> {
        let dt = self.settings.control_step_s;
        let mut next_report = self.time_s + report_step_s;
        while self.time_s < end_s - 1e-9 {
            let t0 = self.time_s;
            let step = ((t0 - self.start_s) / dt).round();
            let t1 = (self.start_s + (step + 1.0) * dt).min(end_s);
            self.control_step(t0, inputs)?;
            let mut system = StepSystem {
                plant: &self.plant,
                dynamics: &mut self.dynamics,
                preconditioner: &mut self.preconditioner,
            };
            if let Err(e) = self.cvode.advance_system(t1, &mut system) {
                return Err(self.integration_error(e));
            }
            self.time_s = t1;
            (self.dynamics).temperatures_of(&self.plant, self.cvode.state(), &mut self.volume_k);
            // The nodes at the state reached, for the snapshot and the next control step's
            // controllers (nothing moves the state in between).
            self.refresh_nodes();
            self.nodes_fresh = true;
            self.check_temperatures()?;
            if self.time_s >= next_report - 1e-9 || self.time_s >= end_s - 1e-9 {
                next_report += report_step_s;
                let snapshot = self.snapshot();
                if observer(&snapshot).is_break() {
                    break;
                }
            }
        }
        Ok(self.energy_balance())
    }

    /// Everything that happens at the start of a control step, before integration.
    fn control_step(&mut self, t0: f64, inputs: &mut dyn Inputs) -> Result<(), SimError> {
        let refused = |reason| SimError::Input { time_s: t0, reason };
        inputs.apply(t0, &mut self.plant).map_err(refused)?;
        (inputs.apply_controllers(t0, &mut self.controllers)).map_err(refused)?;
        // An input may have moved an open loop's pressure, and with it where its water boils.
        for (i, limit_k) in self.liquid_limit_k.iter_mut().enumerate() {
            *limit_k = self.plant.liquid_limit_k(i);
        }
        self.plant.share_outdoor();
        let restart = self.apply_due_events(t0)?;
        if !self.nodes_fresh {
            self.refresh_nodes();
        }
        self.nodes_fresh = false;
        self.controllers.act(
            &mut self.plant,
            &self.dynamics,
            &self.volume_k,
            self.settings.control_step_s,
        );
        let turned = self.solve_flows(t0)?;
        let leaped = self.flows_leaped();
        // Inputs, set-points and flows jump at control steps; CVODE stops there (a stop time)
        // and its error test absorbs the jump. Events change the equations, and so does a flow
        // that starts, stops, reverses or leaps (a sensor in it follows the water at another
        // pace, a volume turns over at another rate): a fresh start, with a Jacobian of the new
        // flows, since CVODE would keep the old one until its next set-up and take its Newton
        // steps for converged.
        if restart || turned || leaped || self.settings.restart_each_step {
            self.restart_flows
                .clone_from(&self.hydraulic_state.mass_flow_kg_s);
            let y = self.cvode.state().to_vec();
            self.cvode
                .restart(t0, &y)
                .map_err(|e| self.integration_error(e))?;
        }
        Ok(())
    }

    /// Whether a flow has moved by more than [`FLOW_LEAP`] (of itself or the other) since the
    /// integrator's last restart, where the flows the Jacobian was made with were set.
    fn flows_leaped(&self) -> bool {
        let now = &self.hydraulic_state.mass_flow_kg_s;
        if self.restart_flows.len() != now.len() {
            return true;
        }
        (now.iter().zip(&self.restart_flows)).any(|(&m, &m0)| {
            let (a, b) = (m.abs(), m0.abs());
            a.max(b) > NO_FLOW_KG_S && (a - b).abs() > FLOW_LEAP * a.max(b)
        })
    }

    /// Node temperatures for the current state (the controllers read them).
    fn refresh_nodes(&mut self) {
        self.dynamics.refresh(&self.plant, self.cvode.state());
    }

    fn apply_due_events(&mut self, t0: f64) -> Result<bool, SimError> {
        let due = self
            .pending
            .iter()
            .take_while(|e| e.time_s <= t0 + 1e-9)
            .count();
        let events: Vec<Event> = self.pending.drain(..due).collect();
        for e in &events {
            self.apply_event(e)?;
        }
        Ok(!events.is_empty())
    }

    fn apply_event(&mut self, event: &Event) -> Result<(), SimError> {
        let bad = |message: String| SimError::BadEvent {
            time_s: event.time_s,
            message,
        };
        match &event.action {
            Action::TripPump { link } => {
                let l = self.plant.link(link).map_err(|e| bad(e.to_string()))?;
                match &mut self.plant.network.links[l].component {
                    Component::Pump(p) if p.curve.is_some() => {
                        p.control = PumpControl::Speed { speed: 0.0 }
                    }
                    Component::Pump(_) => {
                        return Err(bad(format!(
                            "pump '{link}' has no head curve: an ideal pump cannot trip"
                        )));
                    }
                    _ => return Err(bad(format!("'{link}' is not a pump"))),
                }
            }
            Action::LoseExchanger { name } => {
                let x = (self.plant.coupling_mut(name))
                    .filter(|x| *x.coupling.kind() == heat_exchanger_unit::KIND)
                    .ok_or_else(|| bad(format!("no heat exchanger called '{name}'")))?;
                x.coupling
                    .set("in_service", 0.0)
                    .map_err(|e| bad(e.to_string()))?;
            }
            Action::FoulExchanger { name, ua_factor } => {
                let x = (self.plant.coupling_mut(name))
                    .filter(|x| *x.coupling.kind() == heat_exchanger_unit::KIND)
                    .ok_or_else(|| bad(format!("no heat exchanger called '{name}'")))?;
                x.coupling
                    .set("ua_factor", *ua_factor)
                    .map_err(|e| bad(e.to_string()))?;
            }
            Action::FoulDryCooler { name, ua_factor } => {
                let cooler = (self.plant.link(name).ok())
                    .and_then(|l| self.plant.device_mut(l))
                    .filter(|d| *d.kind() == dry_cooler_unit::KIND)
                    .ok_or_else(|| bad(format!("no dry cooler called '{name}'")))?;
                cooler
                    .set("fouling_factor", *ua_factor)
                    .map_err(|e| bad(e.to_string()))?;
            }
        }
        Ok(())
    }

    /// Flows for the step: fluid properties at the current temperatures, consumer valves from
    /// their demand, then Newton (warm-started from the last step).
    fn solve_flows(&mut self, t0: f64) -> Result<bool, SimError> {
        self.update_fluid_states();
        self.update_consumer_flows();
        self.hydraulic
            .solve(&self.plant.network, &mut self.hydraulic_state)
            .map_err(|source| SimError::Hydraulics { time_s: t0, source })?;
        self.update_pump_heat();
        let flows = self.hydraulic_state.mass_flow_kg_s.clone();
        self.plant.set_coupling_flows(&flows);
        self.dynamics.set_flows(&self.plant, &flows)
    }

    /// Each link's density and viscosity at the mean of the temperatures entering and leaving
    /// it (its volume's, where it has one), as the steady solver takes them, re-evaluated once
    /// that mean has moved by [`FLUID_PROPERTY_STEP_K`].
    fn update_fluid_states(&mut self) {
        let network = &self.plant.network;
        let links = self
            .hydraulic_state
            .fluid
            .iter_mut()
            .zip(&mut self.fluid_at_k);
        for (l, (f, at_k)) in links.enumerate() {
            let m = self.hydraulic_state.mass_flow_kg_s[l];
            let inlet_k = self.dynamics.node_k[network.upstream(l, m)];
            let outlet_k = self.dynamics.state_of_link[l].map_or(inlet_k, |s| self.volume_k[s]);
            let t = 0.5 * (inlet_k + outlet_k);
            if (t - *at_k).abs() < FLUID_PROPERTY_STEP_K {
                continue;
            }
            *at_k = t;
            let fluid = network.fluid_of(l);
            *f = FluidState {
                density_kg_m3: fluid.density_kg_m3(t),
                viscosity_pa_s: fluid.viscosity_pa_s(t),
            };
        }
    }

    /// Heat consumers' valves pass the flow that takes their demand at the supply they see: a
    /// device's own valve law where it sets its flow (a substation), else the consumer's.
    fn update_consumer_flows(&mut self) {
        let network = &self.plant.network;
        for (l, link) in network.links.iter().enumerate() {
            let Component::HeatConsumer(c) = &link.component else {
                continue;
            };
            let fluid = network.fluid_of(l);
            let supply = self.dynamics.node_k[link.from];
            let drawn = (self.plant.device(l)).and_then(|d| d.drawn_flow_kg_s(fluid, supply));
            self.hydraulic_state.consumer_flow_kg_s[l] = drawn.unwrap_or_else(|| {
                c.required_flow_kg_s(supply, fluid)
                    .unwrap_or_else(|| c.first_guess_flow_kg_s(fluid))
            });
        }
    }

    fn update_pump_heat(&mut self) {
        let state = &self.hydraulic_state;
        for (l, link) in self.plant.network.links.iter().enumerate() {
            self.dynamics.pump_heat_w[l] = match &link.component {
                Component::Pump(p) => {
                    let rise = state.pressure_pa[link.to] - state.pressure_pa[link.from];
                    let op = p.operating_point(
                        state.mass_flow_kg_s[l],
                        rise,
                        state.fluid[l],
                        state.pump_limited[l],
                    );
                    op.shaft_w * p.shaft_heat_to_fluid
                }
                _ => 0.0,
            };
        }
    }

    /// Every volume within its coolant's valid range.
    /// Every volume within its fluid's range and below boiling. Where several are not, the
    /// one named is a volume whose water arrived within them (a heater, a set-point plant):
    /// the cause, not the pipes and pumps downstream that carry its water on.
    fn check_temperatures(&self) -> Result<(), SimError> {
        let y = &self.volume_k;
        let network = &self.plant.network;
        let outside = |s: usize, l: usize| {
            let (min_k, max_k) = network.fluid_of(l).valid_range_k();
            let limit_k = self.liquid_limit_k[network.links[l].loop_index];
            !(y[s] >= min_k && y[s] <= max_k.min(limit_k))
        };
        let within = |l: usize, t_k: f64| {
            let (min_k, max_k) = network.fluid_of(l).valid_range_k();
            let limit_k = self.liquid_limit_k[network.links[l].loop_index];
            t_k >= min_k && t_k < max_k.min(limit_k)
        };
        let states = self.dynamics.link_of_state.iter().copied().enumerate();
        let offending: Vec<(usize, usize)> = states.filter(|&(s, l)| outside(s, l)).collect();
        let inlet_k = |l: usize| {
            let m = self.dynamics.flow_kg_s[l];
            self.dynamics.node_k[network.upstream(l, m)]
        };
        let Some(&(s, l)) = (offending.iter())
            .find(|&&(_, l)| within(l, inlet_k(l)))
            .or(offending.first())
        else {
            return Ok(());
        };
        let fluid = network.fluid_of(l);
        let (min_k, max_k) = fluid.valid_range_k();
        let loop_index = network.links[l].loop_index;
        let limit_k = self.liquid_limit_k[loop_index];
        if y[s] >= limit_k && y[s] <= max_k {
            return Err(SimError::Boiling {
                time_s: self.time_s,
                component: network.links[l].name.to_string(),
                temperature_c: y[s] - 273.15,
                boils_c: limit_k - 273.15,
                pressure_bar: network.loops[loop_index].pressurisation_pa / 1e5,
            });
        }
        Err(SimError::TemperatureOutOfRange {
            time_s: self.time_s,
            component: network.links[l].name.to_string(),
            temperature_c: y[s] - 273.15,
            fluid: fluid.name(),
            min_c: min_k - 273.15,
            max_c: max_k - 273.15,
        })
    }

    fn integration_error(&self, e: CvodeError) -> SimError {
        match e {
            CvodeError::Failed {
                flag_name,
                time_s,
                worst_state,
            } => {
                let component = match self.dynamics.link_of_state.get(worst_state) {
                    Some(&l) => self.plant.network.links[l].name.to_string(),
                    None => "the energy accounts".to_string(),
                };
                SimError::Integration {
                    time_s,
                    flag: flag_name.to_string(),
                    component,
                }
            }
            e => SimError::Setup(e),
        }
    }

    /// The state now as the steady solver reports one: each link's flow, pressure drop and the
    /// temperatures entering and leaving it (a volume's own; through a link without volume,
    /// its inlet plus its pump's heat), each node's pressure and temperature. At rest it is the
    /// steady state of every device, controller included ([`crate::rest`]).
    pub fn steady_view(&self) -> dctwin_network::SteadyResult {
        let network = &self.plant.network;
        let mut thermal = dctwin_network::thermal::ThermalState::initial(network);
        thermal.node_k.clone_from(&self.dynamics.node_k);
        for l in 0..network.links.len() {
            let m = self.dynamics.flow_kg_s[l];
            let inlet_k = self.dynamics.node_k[network.upstream(l, m)];
            let outlet_k = match self.dynamics.state_of_link[l] {
                Some(s) => self.volume_k[s],
                None if m.abs() > crate::plant::NO_FLOW_KG_S => {
                    let fluid = network.fluid_of(l);
                    let h = fluid.enthalpy_j_kg(inlet_k) + self.dynamics.pump_heat_w[l] / m.abs();
                    fluid.temperature_from_enthalpy_near_k(h, inlet_k)
                }
                None => inlet_k,
            };
            thermal.link_in_k[l] = inlet_k;
            thermal.link_out_k[l] = outlet_k;
        }
        let stats = dctwin_network::CouplingStats::default();
        dctwin_network::SteadyResult::collect(network, &self.hydraulic_state, &thermal, stats)
    }

    /// Energy held by all volumes [J].
    pub fn stored_energy_j(&self) -> f64 {
        self.dynamics.stored_energy_j(self.cvode.state())
    }

    /// Water evaporated by adiabatic pre-cooling so far [kg].
    pub fn water_used_kg(&self) -> f64 {
        self.cvode.state()[self.dynamics.temperatures() + Account::WaterKg as usize]
    }

    /// The run's energy balance so far.
    pub fn energy_balance(&self) -> EnergyBalance {
        let y = self.cvode.state();
        let a = &y[self.dynamics.temperatures()..];
        let get = |k: Account| a[k as usize];
        EnergyBalance::new(
            [
                get(Account::ItHeat),
                get(Account::PumpHeat),
                get(Account::HeatPumpWork),
                get(Account::Boiler),
                get(Account::Rejected),
                get(Account::Reused),
                get(Account::Lost),
                get(Account::Entered),
                get(Account::Left),
            ],
            self.stored_energy_j() - self.start_energy_j,
        )
    }

    /// Every volume device's variables, then every coupling's, at the current state (see
    /// [`Snapshot::device_values`]).
    fn device_values(&self) -> Vec<f64> {
        let network = &self.plant.network;
        let mut values = Vec::new();
        for (l, device) in self.plant.devices() {
            let water = self.dynamics.device_water(network, l, &self.volume_k);
            device.variables(&water, &mut values);
        }
        for (i, c) in self.plant.couplings.iter().enumerate() {
            let sides = self
                .dynamics
                .coupling_sides(network, c.links, &self.volume_k);
            let duties = self.dynamics.coupling_duties(i);
            c.coupling.variables(&sides, &duties, &mut values);
        }
        values
    }

    /// The state now, for observers.
    pub fn snapshot(&self) -> Snapshot {
        let mut totals = Totals::default();
        let state = &self.hydraulic_state;
        for (l, link) in self.plant.network.links.iter().enumerate() {
            if let Component::Pump(p) = &link.component {
                let rise = state.pressure_pa[link.to] - state.pressure_pa[link.from];
                totals.pump_electric_w += p
                    .operating_point(
                        state.mass_flow_kg_s[l],
                        rise,
                        state.fluid[l],
                        state.pump_limited[l],
                    )
                    .electric_w;
            }
        }
        totals.add_devices(&self.plant, &self.dynamics);
        Snapshot {
            time_s: self.time_s,
            node_k: self.dynamics.node_k.clone(),
            pressure_pa: state.pressure_pa.clone(),
            sensor_k: (0..self.dynamics.sensors())
                .map(|j| self.cvode.state()[self.dynamics.sensor_state(j)])
                .collect(),
            volume_k: self.volume_k.clone(),
            flow_kg_s: state.mass_flow_kg_s.clone(),
            heat_w: self.dynamics.heat_w.clone(),
            device_values: self.device_values(),
            totals,
            energy: self.energy_balance(),
            water_used_kg: self.water_used_kg(),
        }
    }
}

/// A flow that has moved by more than this share of itself since the integrator last started
/// restarts it [-]: a pump from full flow to a trickle, a valve slammed shut. A controller's
/// minute-by-minute moves (a few per cent) stay far below it.
const FLOW_LEAP: f64 = 0.5;

/// Absolute tolerance of the energy accounts [J]: they are integrals of MW over hours (1e9 J
/// and more), held to the relative tolerance; this only matters while they are near zero.
pub const ACCOUNT_ABSOLUTE_TOLERANCE_J: f64 = 1e3;

/// CVODE settings for a model: dense up to [`DENSE_LIMIT`] states; above, the sparse LU of the
/// analytic Jacobian as CVODE's linear solver ([`LinearSolver::SystemSolve`]). It is exact at
/// each set-up, so GMRES on top of it (as its preconditioner) converges in one iteration and
/// only adds its own work: measured, 20 % slower on the 50-container benchmark.
fn cvode_options(settings: &Settings, dynamics: &Dynamics) -> Options {
    let n = dynamics.len();
    let mut atol = vec![settings.absolute_tolerance_k; dynamics.temperatures()];
    atol.resize(
        dynamics.temperatures() + ACCOUNTS,
        ACCOUNT_ABSOLUTE_TOLERANCE_J,
    );
    // Sensors read temperatures.
    atol.resize(n, settings.absolute_tolerance_k);
    Options {
        relative_tolerance: settings.relative_tolerance,
        absolute_tolerance: settings.absolute_tolerance_k,
        absolute_tolerances: Some(atol),
        linear_solver: if n <= DENSE_LIMIT {
            LinearSolver::Dense
        } else {
            LinearSolver::SystemSolve
        },
        max_step_s: None,
        max_steps: 100_000,
    }
}
