//! What a run reports: a snapshot at each reporting step and the energy balance of the run.

use crate::dynamics::{Account, Dynamics};
use crate::plant::{Heat, LinkThermal, Plant};
use std::fmt;

/// Facility totals at a reporting instant [W], and the heat pumps running.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    /// IT electric power of the racks [W].
    pub it_power_w: f64,
    /// IT heat captured by the coolant [W].
    pub it_heat_to_liquid_w: f64,
    /// Pumps' electric power [W].
    pub pump_electric_w: f64,
    /// Fans' electric power: dry coolers and cooling towers [W].
    pub fan_electric_w: f64,
    /// Heat pumps' electric power [W].
    pub heat_pump_electric_w: f64,
    /// Heat added by boilers and heating plants [W].
    pub boiler_w: f64,
    /// Heat rejected outdoors [W].
    pub rejected_w: f64,
    /// Heat delivered to district consumers [W].
    pub reused_w: f64,
    /// Heat lost by pipes and tanks [W].
    pub lost_w: f64,
    /// Heat-pump units running, all banks together [-].
    pub heat_pump_units_on: usize,
}

impl Totals {
    /// Add what the plant's devices do at the last evaluation of `dynamics` (everything but the
    /// pumps, whose power needs the hydraulic state): IT power and heat, heat rejected, reused,
    /// lost and added, fans and heat pumps.
    pub fn add_devices(&mut self, plant: &Plant, dynamics: &Dynamics) {
        for (l, thermal) in plant.links.iter().enumerate() {
            let LinkThermal::Volume { heat, .. } = thermal else {
                continue;
            };
            let q = dynamics.heat_w[l];
            // A wall of its own loses to the ambient; its film's heat stays in the pipe.
            self.lost_w += dynamics.wall_loss_w(l);
            if let Heat::Device(d) = heat {
                self.it_power_w += d.it_power_w();
                self.fan_electric_w += d.fan_power_w();
            }
            let account = match heat {
                Heat::Device(d) => Some(d.account()),
                Heat::Fixed { .. } if q > 0.0 => Some(Account::ItHeat),
                Heat::Fixed { .. } | Heat::Setpoint { .. } if q < 0.0 => Some(Account::Rejected),
                Heat::Ambient { .. } => Some(Account::Lost),
                Heat::Setpoint { .. } => Some(Account::Boiler),
                _ => None,
            };
            match account {
                Some(Account::ItHeat) => self.it_heat_to_liquid_w += q,
                Some(Account::Rejected) => self.rejected_w -= q,
                Some(Account::Reused) => self.reused_w -= q,
                Some(Account::Lost) => self.lost_w -= q,
                Some(Account::Boiler) => self.boiler_w += q,
                _ => {}
            }
        }
        for (i, c) in plant.couplings.iter().enumerate() {
            self.heat_pump_electric_w += dynamics.coupling_duties(i).electric_w;
            self.heat_pump_units_on += c.coupling.units_on();
        }
    }
}

/// The state at a reporting instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Simulated time [s].
    pub time_s: f64,
    /// Node temperatures [K].
    pub node_k: Vec<f64>,
    /// Node pressures, gauge, as the pressurisation points hold them [Pa].
    pub pressure_pa: Vec<f64>,
    /// Each sensor's reading, in the order of [`Plant::sensors`] [K].
    pub sensor_k: Vec<f64>,
    /// Volume temperatures, in state order [K].
    pub volume_k: Vec<f64>,
    /// Link mass flows [kg/s].
    pub flow_kg_s: Vec<f64>,
    /// Heat into each link's water [W].
    pub heat_w: Vec<f64>,
    /// The volume devices' variables in SI, each device's in its kind's order, the devices in
    /// the order of [`Plant::device_value_offsets`]; then the couplings' likewise
    /// ([`Plant::coupling_value_offsets`]).
    pub device_values: Vec<f64>,
    /// Facility totals.
    pub totals: Totals,
    /// Energy accounts since the start of the run [J]: their differences between two
    /// snapshots are the exact energies of the interval (means over it, not samples).
    pub energy: EnergyBalance,
    /// Water evaporated since the start of the run [kg].
    pub water_used_kg: f64,
}

/// Energy over a run [J]: what came in, what went out, what is stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnergyBalance {
    /// IT heat captured by the coolant [J].
    pub it_heat_j: f64,
    /// Pump heat into the water [J].
    pub pump_heat_j: f64,
    /// Heat-pump work into the water [J].
    pub heat_pump_work_j: f64,
    /// Boiler heat [J].
    pub boiler_j: f64,
    /// Heat rejected outdoors [J].
    pub rejected_j: f64,
    /// Heat reused by consumers [J].
    pub reused_j: f64,
    /// Heat lost by pipes [J].
    pub lost_j: f64,
    /// Enthalpy carried in through open boundaries [J].
    pub entered_j: f64,
    /// Enthalpy carried out through open boundaries [J].
    pub left_j: f64,
    /// Change of the energy held in the water and metal [J].
    pub stored_j: f64,
}

impl EnergyBalance {
    /// From the accounts (in [`crate::dynamics::Account`] order) and the stored change.
    pub fn new(accounts: [f64; 9], stored_j: f64) -> EnergyBalance {
        let [it, pump, hp, boiler, rejected, reused, lost, entered, left] = accounts;
        EnergyBalance {
            it_heat_j: it,
            pump_heat_j: pump,
            heat_pump_work_j: hp,
            boiler_j: boiler,
            rejected_j: rejected,
            reused_j: reused,
            lost_j: lost,
            entered_j: entered,
            left_j: left,
            stored_j,
        }
    }

    /// Energy in [J].
    pub fn input_j(&self) -> f64 {
        self.it_heat_j + self.pump_heat_j + self.heat_pump_work_j + self.boiler_j + self.entered_j
    }

    /// In − out − stored [J]: zero up to round-off and the integrator's Newton convergence
    /// (the stored energy is linear in the states: [`crate::energy_state`]).
    pub fn residual_j(&self) -> f64 {
        self.input_j() - self.rejected_j - self.reused_j - self.lost_j - self.left_j - self.stored_j
    }

    /// Residual relative to the energy that flowed in (or through storage, if more). Where
    /// water crosses open boundaries, what it carries in counts: the balance sums those
    /// enthalpy flows, measured from the fluid's reference, and its round-off scales with
    /// them. The residual in joules (`residual_j`) says what that hides.
    pub fn relative_residual(&self) -> f64 {
        let scale = self.input_j().max(self.stored_j.abs()).max(1.0);
        self.residual_j() / scale
    }
}

impl fmt::Display for EnergyBalance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let gj = |j: f64| j / 1e9;
        writeln!(f, "energy balance [GJ]")?;
        writeln!(f, "  in   IT heat to coolant {:>14.6}", gj(self.it_heat_j))?;
        writeln!(
            f,
            "       pump heat          {:>14.6}",
            gj(self.pump_heat_j)
        )?;
        writeln!(
            f,
            "       heat-pump work     {:>14.6}",
            gj(self.heat_pump_work_j)
        )?;
        writeln!(f, "       boiler             {:>14.6}", gj(self.boiler_j))?;
        if self.entered_j != 0.0 || self.left_j != 0.0 {
            writeln!(f, "       entered (water in) {:>14.6}", gj(self.entered_j))?;
        }
        writeln!(f, "  out  rejected           {:>14.6}", gj(self.rejected_j))?;
        writeln!(f, "       reused             {:>14.6}", gj(self.reused_j))?;
        writeln!(f, "       lost               {:>14.6}", gj(self.lost_j))?;
        if self.entered_j != 0.0 || self.left_j != 0.0 {
            writeln!(f, "       left (water out)   {:>14.6}", gj(self.left_j))?;
        }
        writeln!(f, "  stored (change)         {:>14.6}", gj(self.stored_j))?;
        write!(
            f,
            "  residual {:.3e} J ({:.2e} relative)",
            self.residual_j(),
            self.relative_residual()
        )
    }
}
