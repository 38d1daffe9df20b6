//! The state layout: one temperature state per volume segment (a tank layer, a pipe segment),
//! then the accounts; where each link's states are and what they hold.

use super::*;

impl Dynamics {
    /// The state layout of `plant`: one temperature per volume, then the accounts.
    pub fn new(plant: &Plant) -> Dynamics {
        let link_of_state = plant.state_links();
        let mut state_of_link = vec![None; plant.links.len()];
        for (s, &l) in link_of_state.iter().enumerate().rev() {
            state_of_link[l] = Some(s);
        }
        let mut chains = Vec::new();
        let mut chain_of_link = vec![None; plant.links.len()];
        for (l, first) in state_of_link.iter().enumerate() {
            if let (Some(chain), Some(first)) = (plant.chain(l), *first) {
                chain_of_link[l] = Some(chains.len());
                chains.push(ChainAt { first, chain });
            }
        }
        // A chain's outlet for positive flow until flows are set.
        for (l, c) in chain_of_link.iter().enumerate() {
            if let Some(c) = *c {
                state_of_link[l] = Some(chains[c].outlet(1.0));
            }
        }
        let layered: Vec<usize> = (plant.devices())
            .filter(|(_, d)| d.layers().is_some())
            .map(|(l, _)| l)
            .collect();
        let n_nodes = plant.network.node_count();
        let mut links_at_node = vec![Vec::new(); n_nodes];
        for (l, link) in plant.network.links.iter().enumerate() {
            links_at_node[link.from].push(l);
            links_at_node[link.to].push(l);
        }
        let network = &plant.network;
        let loop_of_state: Vec<usize> = (link_of_state.iter())
            .map(|&l| network.links[l].loop_index)
            .collect();
        let energy_states: Vec<EnergyState> = (link_of_state.iter().zip(&loop_of_state))
            .map(|(&l, &i)| {
                let LinkThermal::Volume { volume, .. } = &plant.links[l] else {
                    unreachable!("states belong to volumes");
                };
                // Each volume starts at its link's own temperature, or its loop's.
                let (fluid, start_k) = (&network.loops[i].fluid, network.initial_k(l));
                EnergyState::new(fluid, volume.mass_kg, volume.solid_capacity_j_k, start_k)
            })
            .collect();
        let known: Vec<Known> = (energy_states.iter().zip(&loop_of_state))
            .map(|(e, &i)| e.at_reference(&network.loops[i].fluid))
            .collect();
        let (walls, wall_of_link) = lay_out_walls(
            plant,
            &chain_of_link,
            &chains,
            &state_of_link,
            link_of_state.len() + ACCOUNTS + plant.sensors.len(),
        );
        Dynamics {
            wall_loss_w: vec![0.0; walls.len()],
            walls,
            wall_of_link,
            state_of_link,
            flow_kg_s: vec![0.0; plant.links.len()],
            pump_heat_w: vec![0.0; plant.links.len()],
            node_k: initial_node_temperatures(&plant.network),
            heat_w: vec![0.0; plant.links.len()],
            coupling_duties: vec![Duties::default(); plant.couplings.len()],
            node_h: vec![0.0; n_nodes],
            state_h: known.iter().map(|k| k.h_j_kg).collect(),
            state_k: known.iter().map(|k| k.t_k).collect(),
            known,
            energy_states,
            loop_of_state,
            order: Vec::with_capacity(n_nodes),
            inflow_start: Vec::new(),
            inflow: Vec::new(),
            mixes: Vec::with_capacity(n_nodes),
            streams: Vec::new(),
            terms: Vec::new(),
            sensitivity: vec![Vec::new(); n_nodes],
            generation: 0,
            downstream: Vec::new(),
            chains,
            chain_of_link,
            sensors: (plant.sensors.iter()).map(|s| (s.node, s.sensor)).collect(),
            sensor_start_k: (plant.sensors.iter())
                .map(|s| start_at_node_k(network, &links_at_node[s.node], s.node))
                .collect(),
            links_at_node,
            layer_w: vec![0.0; link_of_state.len()],
            layered_w: vec![0.0; layered.len()],
            layered,
            link_of_state,
        }
    }

    /// The states of link `l`'s chain, first first (its one state for a link of one volume,
    /// none for a link without).
    #[inline]
    pub(super) fn states_of(&self, l: usize) -> std::ops::Range<usize> {
        match (self.chain_of_link[l], self.state_of_link[l]) {
            (Some(c), _) => {
                let chain = &self.chains[c];
                chain.first..chain.first + chain.chain.states
            }
            (None, Some(s)) => s..s + 1,
            (None, None) => 0..0,
        }
    }

    /// Number of temperature states.
    pub fn temperatures(&self) -> usize {
        self.link_of_state.len()
    }

    /// Total states: temperatures, accounts, sensors' readings, then walls.
    pub fn len(&self) -> usize {
        self.wall_base() + self.walls.iter().map(|w| w.segments).sum::<usize>()
    }

    /// The first wall state: after the sensors'.
    pub(super) fn wall_base(&self) -> usize {
        self.link_of_state.len() + ACCOUNTS + self.sensors.len()
    }

    /// Link `l`'s wall's loss to its ambient at the last evaluation [W] (0 for a link
    /// without a wall of its own).
    pub fn wall_loss_w(&self, l: usize) -> f64 {
        self.wall_of_link[l].map_or(0.0, |j| self.wall_loss_w[j])
    }

    /// The state of sensor `j`'s reading [K]: after the accounts.
    pub fn sensor_state(&self, j: usize) -> usize {
        self.link_of_state.len() + ACCOUNTS + j
    }

    /// Number of sensors.
    pub fn sensors(&self) -> usize {
        self.sensors.len()
    }

    /// The water flowing through node `d` [kg/s]: the sum of what flows into it.
    pub(super) fn node_flow_kg_s(&self, d: usize) -> f64 {
        (self.inflow[self.inflow_start[d]..self.inflow_start[d + 1]].iter())
            .map(|&l| self.flow_kg_s[l].abs())
            .sum()
    }

    /// Whether there are no states at all (never: the accounts are always there).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Initial state: every volume at its loop's initial temperature (where its state equals
    /// its temperature), accounts at zero.
    pub fn initial_state(&self) -> Vec<f64> {
        let mut y: Vec<f64> = self.energy_states.iter().map(|e| e.reference_k).collect();
        y.extend([0.0; ACCOUNTS]);
        // A sensor starts reading its node's water as the components around it start.
        y.extend(self.sensor_start_k.iter().copied());
        // A wall starts at its water's temperature.
        for w in &self.walls {
            let start_k = self.energy_states[w.water].reference_k;
            y.extend(std::iter::repeat_n(start_k, w.segments));
        }
        y
    }

    /// The volumes' temperatures at state `y` [K], into `out` (one per temperature state).
    pub fn temperatures_of(&self, plant: &Plant, y: &[f64], out: &mut Vec<f64>) {
        out.clear();
        out.extend((0..self.temperatures()).map(|s| self.at_state(plant, y, s).0.t_k));
    }

    /// Energy held by the volumes and the walls of their own at state `y` [J].
    pub fn stored_energy_j(&self, y: &[f64]) -> f64 {
        let volumes: f64 = (self.energy_states.iter().zip(y))
            .map(|(e, &y)| e.energy_of_state_j(y))
            .sum();
        let walls: f64 = (self.walls.iter())
            .map(|w| w.capacity_j_k * y[w.first..w.first + w.segments].iter().sum::<f64>())
            .sum();
        volumes + walls
    }

    /// The water the device on link `l` holds and is fed at the flows of the control step, as
    /// the right-hand side sees it: fed from upstream at the flow's magnitude, or, with nothing
    /// flowing, standing, its inlet the link's `from` node. `volume_k` holds the volumes'
    /// temperatures by state; a device of several layers is given them all.
    #[inline]
    pub fn device_water<'n>(
        &self,
        network: &'n Network,
        l: usize,
        volume_k: &'n [f64],
    ) -> Water<'n> {
        let m = self.flow_kg_s[l];
        let flowing = m.abs() > NO_FLOW_KG_S;
        let inlet = if flowing {
            network.upstream(l, m)
        } else {
            network.links[l].from
        };
        let inlet_k = self.node_k[inlet];
        Water {
            fluid: network.fluid_of(l),
            inlet_k,
            volume_k: self.state_of_link[l].map_or(inlet_k, |s| volume_k[s]),
            mass_flow_kg_s: if flowing { m.abs() } else { 0.0 },
            layers_k: match self.chain_of_link[l] {
                Some(_) => &volume_k[self.states_of(l)],
                None => &[],
            },
        }
    }

    /// State `s` at `y`: along the tangent at its last evaluated point if that is close
    /// enough, otherwise evaluated (and then a new point to start from, `true`).
    pub(super) fn at_state(&self, plant: &Plant, y: &[f64], s: usize) -> (Known, bool) {
        let (scale, known) = (&self.energy_states[s], &self.known[s]);
        match scale.near(y[s], known) {
            Some(near) => (near, false),
            None => {
                let fluid = &plant.network.loops[self.loop_of_state[s]].fluid;
                (scale.at_state(fluid, y[s], known), true)
            }
        }
    }
}

/// The walls of the pipes that hold theirs as states of their own, from state `first` on, and
/// each link's index among them.
fn lay_out_walls(
    plant: &Plant,
    chain_of_link: &[Option<usize>],
    chains: &[ChainAt],
    state_of_link: &[Option<usize>],
    mut first: usize,
) -> (Vec<WallAt>, Vec<Option<usize>>) {
    let mut walls = Vec::new();
    let mut wall_of_link = vec![None; plant.links.len()];
    for (l, thermal) in plant.links.iter().enumerate() {
        let LinkThermal::Volume {
            heat: Heat::FilmWall { capacity_j_k, .. },
            segments,
            ..
        } = thermal
        else {
            continue;
        };
        let water = match chain_of_link[l] {
            Some(c) => chains[c].first,
            None => state_of_link[l].unwrap_or_default(),
        };
        wall_of_link[l] = Some(walls.len());
        walls.push(WallAt {
            link: l,
            first,
            water,
            segments: *segments,
            capacity_j_k: *capacity_j_k,
            film_w_k: 0.0,
        });
        first += segments;
    }
    (walls, wall_of_link)
}

/// The temperature the water at node `d` starts at [K]: the mean of the starts of the
/// components `links` that end there (their own, or their loop's).
fn start_at_node_k(network: &Network, links: &[usize], d: usize) -> f64 {
    match links.len() {
        0 => network.loops[network.node_loop[d]].initial_temperature_k,
        n => links.iter().map(|&l| network.initial_k(l)).sum::<f64>() / n as f64,
    }
}

pub(super) fn initial_node_temperatures(network: &Network) -> Vec<f64> {
    network
        .node_loop
        .iter()
        .map(|&l| network.loops[l].initial_temperature_k)
        .collect()
}
