//! The order of a control step: node ordering by flow direction (Kahn's algorithm over the
//! links without volume) and the plan of how each node mixes and each volume is fed, rebuilt
//! when the flows are re-solved.

use super::rhs::{constant_water, signed};
use super::*;
use dctwin_components::Component;

impl Dynamics {
    /// Take new flows and rebuild the node order; returns whether a flow started, stopped or
    /// reversed (the node order changed). Fails if water circulates through links that hold no
    /// volume only: its temperature would be undetermined.
    pub fn set_flows(&mut self, plant: &Plant, flows: &[f64]) -> Result<bool, SimError> {
        self.flow_kg_s.copy_from_slice(flows);
        // A chain's outlet follows the flow's direction (kept while nothing flows).
        for (l, c) in self.chain_of_link.iter().enumerate() {
            if let Some(c) = *c
                && flows[l].abs() > NO_FLOW_KG_S
            {
                self.state_of_link[l] = Some(self.chains[c].outlet(flows[l]));
            }
        }
        // Flows change every control step, their directions rarely: the node order holds
        // while every link still flows (or not) into the same node.
        let turned = !self.same_directions(plant);
        if turned {
            self.index_inflows(plant.network.node_count());
            self.order_nodes(plant)?;
        }
        self.set_films(plant);
        self.plan(plant);
        self.generation += 1;
        Ok(turned)
    }

    /// Each wall's film conductance per segment at the new flows, its water at the mean of its
    /// segments' last temperatures (frozen over the control step, as the flows are).
    fn set_films(&mut self, plant: &Plant) {
        let network = &plant.network;
        for w in &mut self.walls {
            let Component::Pipe(pipe) = &network.links[w.link].component else {
                unreachable!("walls belong to pipes");
            };
            let water = &self.state_k[w.water..w.water + w.segments];
            let t_k = water.iter().sum::<f64>() / w.segments as f64;
            let m = self.flow_kg_s[w.link];
            let film = pipe.film_conductance_w_k(network.fluid_of(w.link), t_k, m);
            w.film_w_k = film.unwrap_or(0.0) / w.segments as f64;
        }
    }

    /// Each node's inflowing links, from the links' downstream nodes (a counting sort).
    pub(super) fn index_inflows(&mut self, n: usize) {
        let mut count = vec![0usize; n + 1];
        for &d in self.downstream.iter().filter(|&&d| d != NOT_FLOWING) {
            count[d + 1] += 1;
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        self.inflow_start.clone_from(&count);
        self.inflow.clear();
        self.inflow.resize(count[n], 0);
        let mut fill = count;
        for (l, &d) in self.downstream.iter().enumerate() {
            if d != NOT_FLOWING {
                self.inflow[fill[d]] = l;
                fill[d] += 1;
            }
        }
    }

    /// Whether every link flows into the same node as at the last ordering (or still does
    /// not flow); records the new pattern if not.
    pub(super) fn same_directions(&mut self, plant: &Plant) -> bool {
        let network = &plant.network;
        let mut same = self.downstream.len() == self.flow_kg_s.len();
        self.downstream.resize(self.flow_kg_s.len(), NOT_FLOWING);
        for (l, (&m, d)) in self.flow_kg_s.iter().zip(&mut self.downstream).enumerate() {
            let now = if m.abs() > NO_FLOW_KG_S {
                network.downstream(l, m)
            } else {
                NOT_FLOWING
            };
            same &= *d == now;
            *d = now;
        }
        same
    }

    /// How many times the flows were set: a Jacobian taken at an earlier generation belongs
    /// to other flows.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Freeze what the right-hand side needs over the control step: how each node mixes and
    /// each volume's flow, inlet and capacities, so an evaluation only does arithmetic.
    pub(super) fn plan(&mut self, plant: &Plant) {
        let network = &plant.network;
        self.mixes.clear();
        self.streams.clear();
        let order = std::mem::take(&mut self.order);
        for &d in &order {
            if let Some(l) = network.boundary_of_node[d] {
                let Component::Boundary(b) = &network.links[l].component else {
                    unreachable!("a boundary's outside node belongs to a boundary link");
                };
                self.mixes.push(Mix::Outside {
                    node: d,
                    k: b.temperature_k,
                });
                continue;
            }
            if self.inflow_start[d] == self.inflow_start[d + 1] {
                let mix = self.standing(plant, d);
                self.mixes.push(mix);
                continue;
            }
            let links = &self.inflow[self.inflow_start[d]..self.inflow_start[d + 1]];
            let mix = match links {
                [] => unreachable!("a node with inflows"),
                &[l] if self.state_of_link[l].is_some() => Mix::State {
                    node: d,
                    state: self.state_of_link[l].unwrap_or_default(),
                },
                &[l] if self.pump_heat_w[l] == 0.0 => Mix::Node {
                    node: d,
                    from: network.upstream(l, self.flow_kg_s[l]),
                },
                _ => {
                    let start = self.streams.len();
                    for &l in links {
                        let m = self.flow_kg_s[l].abs();
                        let (source, added_j_kg) = match self.state_of_link[l] {
                            Some(s) => (Source::State(s), 0.0),
                            None => (
                                Source::Node(network.upstream(l, self.flow_kg_s[l])),
                                self.pump_heat_w[l] / m,
                            ),
                        };
                        self.streams.push(Inflow {
                            m_kg_s: m,
                            source,
                            added_j_kg,
                        });
                    }
                    Mix::Streams {
                        node: d,
                        start,
                        end: self.streams.len(),
                        loop_index: network.node_loop[d],
                    }
                }
            };
            self.mixes.push(mix);
        }
        self.order = order;
        self.terms.clear();
        for (s, &l) in self.link_of_state.iter().enumerate() {
            let LinkThermal::Volume { heat, .. } = &plant.links[l] else {
                unreachable!("states belong to volumes");
            };
            let m = self.flow_kg_s[l];
            let flowing = m.abs() > NO_FLOW_KG_S;
            let inlet = match self.chain_of_link[l] {
                Some(c) if flowing => Some(self.chains[c].inflow(s, m, network.upstream(l, m))),
                _ => flowing.then(|| Source::Node(network.upstream(l, m))),
            };
            let constant_heat = match heat {
                Heat::None => Some((0.0, None)),
                Heat::Fixed { heat_w } => {
                    let (q, a) = signed(*heat_w, Account::ItHeat, Account::Rejected);
                    Some((q, a))
                }
                Heat::Device(d) if d.heat_is_constant() => {
                    let q = d.heat_w(&constant_water(network.fluid_of(l)));
                    // A device that calls its heat constant must not read its water (NaN).
                    debug_assert!(q.is_finite(), "{}: constant heat {q}", d.kind().key);
                    Some((q, Some(d.account())))
                }
                _ => None,
            };
            let wall = self.wall_of_link[l].map(|j| {
                let w = &self.walls[j];
                (w.first + (s - w.water), w.film_w_k)
            });
            self.terms.push(VolumeTerm {
                wall,
                link: l,
                loop_index: network.links[l].loop_index,
                inlet,
                m_kg_s: if flowing { m.abs() } else { 0.0 },
                constant_heat,
                layer: matches!(heat, Heat::Device(d) if d.layers().is_some()),
            });
        }
    }

    /// How node `d`, where nothing flows in, takes its temperature: the mean of the water
    /// standing in the volumes beside it (by enthalpy, each volume's end at the node), so it
    /// follows them as they lose heat to their surroundings; held where no volume touches it.
    fn standing(&mut self, plant: &Plant, d: usize) -> Mix {
        let network = &plant.network;
        let start = self.streams.len();
        for &l in &self.links_at_node[d] {
            let at_from = network.links[l].from == d;
            let state = match self.chain_of_link[l] {
                Some(c) => {
                    let chain = &self.chains[c];
                    match at_from == chain.chain.first_at_from {
                        true => Some(chain.first),
                        false => Some(chain.last()),
                    }
                }
                None => self.state_of_link[l],
            };
            if let Some(s) = state {
                self.streams.push(Inflow {
                    // Equal weights: a mean, not a flow.
                    m_kg_s: 1.0,
                    source: Source::State(s),
                    added_j_kg: 0.0,
                });
            }
        }
        match self.streams.len() > start {
            true => Mix::Streams {
                node: d,
                start,
                end: self.streams.len(),
                loop_index: network.node_loop[d],
            },
            false => Mix::Hold(d),
        }
    }

    /// Kahn's algorithm over the links without volume: a node is ready once every such link
    /// flowing into it has a ready upstream node.
    pub(super) fn order_nodes(&mut self, plant: &Plant) -> Result<(), SimError> {
        let network = &plant.network;
        let n = network.node_count();
        let mut waiting = vec![0usize; n];
        let mut through_out: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (d, waits) in waiting.iter_mut().enumerate() {
            for &l in &self.inflow[self.inflow_start[d]..self.inflow_start[d + 1]] {
                if self.state_of_link[l].is_none() {
                    *waits += 1;
                    through_out[network.upstream(l, self.flow_kg_s[l])].push(d);
                }
            }
        }
        self.order.clear();
        let mut ready: Vec<usize> = (0..n).filter(|&d| waiting[d] == 0).collect();
        while let Some(v) = ready.pop() {
            self.order.push(v);
            for &d in &through_out[v] {
                waiting[d] -= 1;
                if waiting[d] == 0 {
                    ready.push(d);
                }
            }
        }
        if self.order.len() < n {
            let stuck: Vec<String> = (0..n)
                .filter(|&d| waiting[d] > 0)
                .take(5)
                .map(|d| network.node_names[d].to_string())
                .collect();
            return Err(SimError::NoThermalMass {
                nodes: stuck.join(", "),
            });
        }
        Ok(())
    }
}
