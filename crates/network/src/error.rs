//! Why a steady solve failed, in terms a user can act on: the loop, the links or nodes concerned.

/// A failed steady solve. No partial result is returned with it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// Newton's method did not converge.
    #[error(
        "the flows of loop \"{loop_name}\" did not converge after {iterations} iterations; the links still changing most: {links}"
    )]
    NotConverged {
        /// The loop.
        loop_name: String,
        /// Iterations made.
        iterations: usize,
        /// The links whose flow changed most in the last iteration, with the change.
        links: String,
    },
    /// Open and shut status of check valves or pump limits kept changing.
    #[error(
        "the status of {links} kept changing (check valves opening and shutting, or pumps at their speed limit)"
    )]
    StatusCycling {
        /// The links concerned.
        links: String,
    },
    /// The node system was singular: some pressure is undetermined.
    #[error(
        "the pressure at {nodes} in loop \"{loop_name}\" is undetermined (no conducting path to the pressurisation point)"
    )]
    Singular {
        /// The loop.
        loop_name: String,
        /// The nodes concerned.
        nodes: String,
    },
    /// A flow or pressure became NaN or infinite.
    #[error("the solution of loop \"{loop_name}\" became non-finite at link \"{link}\"")]
    NonFinite {
        /// The loop.
        loop_name: String,
        /// The link.
        link: String,
    },
    /// A heat consumer's supply is not warm enough (or a load's not cool enough) for its target.
    #[error(
        "heat consumer \"{link}\" cannot take {heat_kw:.1} kW: the supply reaching it is {supply_c:.2} °C against a return target of {return_c:.2} °C"
    )]
    ConsumerStarved {
        /// The consumer.
        link: String,
        /// Its heat [kW].
        heat_kw: f64,
        /// Supply temperature reaching it [°C].
        supply_c: f64,
        /// Its return target [°C].
        return_c: f64,
    },
    /// A cycle of the flow carries heat round with nothing to fix its temperature.
    #[error(
        "loop \"{loop_name}\" has no steady temperature: heat enters the water circulating through {nodes} but nothing takes it out or sets a temperature (a plant set-point, a consumer, a heat loss)"
    )]
    NoThermalAnchor {
        /// The loop.
        loop_name: String,
        /// Some nodes of the cycle.
        nodes: String,
    },
    /// A heat source with (almost) no flow through it.
    #[error(
        "heat source \"{link}\" carries no flow ({flow_kg_s:.3e} kg/s): its {heat_kw:.1} kW cannot leave"
    )]
    HeatWithoutFlow {
        /// The source.
        link: String,
        /// Its flow [kg/s].
        flow_kg_s: f64,
        /// Its heat [kW].
        heat_kw: f64,
    },
    /// A steady temperature outside the fluid's range.
    #[error(
        "the temperature leaving \"{link}\" would be {t_c:.1} °C, outside the range of {fluid} ({lo_c:.0} to {hi_c:.0} °C)"
    )]
    TemperatureOutOfRange {
        /// The link.
        link: String,
        /// The temperature [°C].
        t_c: f64,
        /// The fluid.
        fluid: String,
        /// Lower limit [°C].
        lo_c: f64,
        /// Upper limit [°C].
        hi_c: f64,
    },
    /// The coupling of temperatures and consumer flows did not settle.
    #[error(
        "temperatures and heat-consumer flows did not settle after {rounds} rounds (largest change {change_k:.2e} K)"
    )]
    CouplingNotConverged {
        /// Rounds made.
        rounds: usize,
        /// Last temperature change [K].
        change_k: f64,
    },
}
