//! The design report in Markdown.

use super::Sizing;
use super::design_flows::DesignFlows;
use super::limits::LimitCheck;
use super::loops::LoopSizing;
use super::plant::DeviceProposal;
use std::fmt::Write;

impl Sizing {
    /// The design report in Markdown.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let w = &mut s;
        let _ = writeln!(w, "# Design report: {}\n", self.model);
        let _ = writeln!(
            w,
            "Design point: every device at its design load and set-point, {:.1} °C outdoor and \
             {:.0} % relative humidity, brought to rest.\n",
            self.weather.0,
            self.weather.1 * 100.0
        );
        let short = self.pumps.iter().any(|p| p.at_speed_limit)
            || self
                .controllers_at_limit
                .iter()
                .any(|c| c.contains("highest"));
        if short {
            let _ = writeln!(
                w,
                "**The design flows are not reached**: a pump at its speed limit, or PI loops at \
                 their highest output (below). The pipes and pumps below are sized at the flows \
                 delivered; what the design flows need follows the limits.\n"
            );
        }
        let _ = writeln!(w, "## Limits\n");
        let breached: Vec<&LimitCheck> = self.limits.iter().filter(|c| c.breached).collect();
        let _ = writeln!(
            w,
            "{} of {} limits breached; {} PI loops at a limit of their output.\n",
            breached.len(),
            self.limits.len(),
            self.controllers_at_limit.len()
        );
        let _ = writeln!(
            w,
            "| device | alarm | value | limit | |\n|---|---|---|---|---|"
        );
        for c in &self.limits {
            let _ = writeln!(
                w,
                "| {} | {} | {:.2} | {:.2} | {} |",
                c.device,
                c.alarm,
                c.value,
                c.limit,
                if c.breached { "**breached**" } else { "ok" }
            );
        }
        for c in &self.controllers_at_limit {
            let _ = writeln!(w, "- {c}");
        }
        if !self.controllers_at_limit.is_empty() {
            let _ = writeln!(w);
        }
        if let Some(d) = &self.design_flows {
            design_flows_markdown(w, d);
        }
        if let Some(e) = &self.design_flows_error {
            let _ = writeln!(w, "\n**The design flows could not be found**: {e}\n");
        }
        loops_markdown(w, &self.loops);
        let _ = writeln!(
            w,
            "\n## Pumps\n\nDuty with {:.0} % margin on the head; generic curve H = H₀·(1 − (Q/Q₀)²) \
             through the duty at half of Q₀.\n",
            self.rules.head_margin * 100.0
        );
        let _ = writeln!(
            w,
            "| pump | × | flow m³/h | head m | kWe | speed | duty head m | H₀ m | Q₀ m³/h | |\n\
             |---|---|---|---|---|---|---|---|---|---|"
        );
        for p in &self.pumps {
            let _ = writeln!(
                w,
                "| {} | {} | {:.1} | {:.2} | {:.2} | {} | {:.2} | {:.2} | {:.1} | {} |",
                p.name,
                p.count,
                p.flow_m3_h,
                p.head_m,
                p.electric_kw,
                p.speed.map_or("-".to_string(), |s| format!("{s:.3}")),
                p.duty_head_m,
                p.curve.0,
                p.curve.1,
                if p.at_speed_limit {
                    "**at its speed limit: it cannot deliver the loop's design flow**"
                } else {
                    ""
                }
            );
        }
        if !self.devices.is_empty() {
            let _ = writeln!(w, "\n## Plant at the design point\n");
            for d in &self.devices {
                let times = if d.count > 1 {
                    format!(" (×{})", d.count)
                } else {
                    String::new()
                };
                let values: Vec<String> = (d.values.iter())
                    .map(|(name, x, unit)| {
                        format!(
                            "{name} {x:.2}{}{unit}",
                            if unit.is_empty() { "" } else { " " }
                        )
                    })
                    .collect();
                let _ = writeln!(w, "- {} ({}){times}: {}", d.name, d.kind, values.join(", "));
            }
        }
        if !self.proposals.is_empty() {
            let _ = writeln!(
                w,
                "\n## Plant sizes for the design point\n\nWhat each plant device needs for the \
                 duty it meets at the design point, beside what it has.\n"
            );
            if self.proposals.iter().any(|p| p.recovery_off) {
                let _ = writeln!(
                    w,
                    "Rejecters are sized with the heat recovery off (heat pumps switched off): \
                     heat reuse cannot be counted on to cool the IT on a summer afternoon. Heat \
                     pumps are sized for their sink's design demand.\n"
                );
            }
            if let Some(e) = &self.recovery_off_error {
                let _ = writeln!(
                    w,
                    "**With the heat recovery off the plant does not come to rest** ({e}): its \
                     rejecters are sized with the recovery on, which counts on the heat pumps to \
                     cool the IT.\n"
                );
            }
            proposals_markdown(w, &self.proposals, "###");
        }
        if !self.exchangers.is_empty() {
            let _ = writeln!(
                w,
                "\n## Heat exchangers\n\nThe conductance (ε-NTU, its own arrangement) that \
                 brings the controlled side to its set-point at the design point's flows and \
                 temperatures.\n"
            );
            let _ = writeln!(
                w,
                "| exchanger | × | duty kW | hot in °C | cold in °C | set-point °C | hot out °C | \
                 UA kW/K | needed kW/K |\n|---|---|---|---|---|---|---|---|---|"
            );
            for e in &self.exchangers {
                let needed = e.ua_needed_kw_k.map_or(
                    "**none: the cold side's flow is too small**".to_string(),
                    |ua| format!("{ua:.1}"),
                );
                let _ = writeln!(
                    w,
                    "| {} | {} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} | {needed} |",
                    e.name,
                    e.count,
                    e.duty_kw,
                    e.hot_in_c,
                    e.cold_in_c,
                    e.setpoint_c,
                    e.hot_out_c,
                    e.ua_kw_k
                );
            }
        }
        let _ = writeln!(
            w,
            "\n## Pipes\n\nThe smallest steel DN (EN 10220) within {:.1}/{:.1}/{:.1}/{:.1} m/s \
             (to DN 50/150/300/above) and {:.0} Pa/m at the largest flow of any instance; \
             below {:.1} m/s a pipe is oversized.\n",
            self.rules.max_velocity_m_s[0],
            self.rules.max_velocity_m_s[1],
            self.rules.max_velocity_m_s[2],
            self.rules.max_velocity_m_s[3],
            self.rules.max_gradient_pa_m,
            self.rules.min_velocity_m_s
        );
        let _ = writeln!(
            w,
            "| pipe | × | kg/s | inner mm | m/s | Pa/m | proposed | m/s | Pa/m | limited by |\n\
             |---|---|---|---|---|---|---|---|---|---|"
        );
        for p in &self.pipes {
            let proposed = p.proposal();
            let note = if p.velocity_m_s < self.rules.min_velocity_m_s && p.flow_kg_s > 0.0 {
                " (now oversized)"
            } else {
                ""
            };
            let _ = writeln!(
                w,
                "| {} | {} | {:.2} | {:.1} | {:.2} | {:.0} | {proposed}{note} | {:.2} | {:.0} | {} |",
                p.name,
                p.count,
                p.flow_kg_s,
                p.inner_mm,
                p.velocity_m_s,
                p.gradient_pa_m,
                p.proposed_velocity_m_s,
                p.proposed_gradient_pa_m,
                p.limited_by
            );
        }
        s
    }
}

/// What the design flows need: the pumps raised, the pipes and the plant at those flows; or,
/// where raising the pumps does not reach them, the loops still short and the plant there.
fn design_flows_markdown(w: &mut String, d: &DesignFlows) {
    if !d.reached {
        let _ = writeln!(
            w,
            "## What the design flows need\n\nRaising the short loops' pumps does not reach \
             them: at {:.0} times their pressure-rise set-points (speed limits lifted) these PI \
             loops still stand at their highest output:\n",
            d.factor
        );
        for c in &d.still_short {
            let _ = writeln!(w, "- {c}");
        }
        let _ = writeln!(w);
        plant_changes_markdown(w, d, "Even with the plant grown");
        let _ = writeln!(
            w,
            "Something other than flow holds them back. The plant at those far larger flows:\n"
        );
        proposals_markdown(w, &d.proposals, "####");
        return;
    }
    let with_plant = if d.plant_changes.is_empty() {
        ""
    } else {
        ", with the plant grown as below,"
    };
    let _ = writeln!(
        w,
        "## What the design flows need\n\nThe short loops' pumps' pressure-rise set-points \
         × {:.2} (their speed limits lifted){with_plant} bring every PI loop inside its \
         travel{}:\n",
        d.factor,
        if d.recovery_off {
            ", with the heat recovery off and on"
        } else {
            ""
        }
    );
    let _ = writeln!(
        w,
        "| pump | set-point bar | needed bar | flow m³/h | head m | speed | its limit | kWe |\n\
             |---|---|---|---|---|---|---|---|"
    );
    for p in &d.pumps {
        let _ = writeln!(
            w,
            "| {} | {:.2} | {:.2} | {:.1} | {:.2} | {} | {:.2} | {:.1} |",
            p.name,
            p.setpoint_bar,
            p.needed_bar,
            p.flow_m3_h,
            p.head_m,
            p.speed.map_or("-".to_string(), |s| format!("{s:.3}")),
            p.max_speed,
            p.electric_kw
        );
    }
    let _ = writeln!(w);
    plant_changes_markdown(w, d, "With the plant grown");
    let _ = writeln!(
        w,
        "The short loops' pipes at those flows (the same rules as below):\n"
    );
    let _ = writeln!(
        w,
        "| pipe | × | kg/s | inner mm | m/s | Pa/m | proposed |\n|---|---|---|---|---|---|---|"
    );
    for p in &d.pipes {
        let proposed = p.proposal();
        let _ = writeln!(
            w,
            "| {} | {} | {:.2} | {:.1} | {:.2} | {:.0} | {proposed} |",
            p.name, p.count, p.flow_kg_s, p.inner_mm, p.velocity_m_s, p.gradient_pa_m
        );
    }
    if !d.proposals.is_empty() {
        let _ = writeln!(w, "\nThe plant at those flows:\n");
        proposals_markdown(w, &d.proposals, "####");
    }
    let _ = writeln!(w);
}

/// Each loop's figures: flow, its fastest and steepest pipe, its pumps, what holds it back.
fn loops_markdown(w: &mut String, loops: &[LoopSizing]) {
    let _ = writeln!(
        w,
        "\n## Loops\n\nEach loop's largest flow, its fastest and steepest pipe, what its pumps \
         give, and what holds it back (a template's loops at the one carrying most).\n"
    );
    let _ = writeln!(
        w,
        "| loop | × | kg/s | m³/h | fastest pipe m/s | steepest pipe Pa/m | pumps bar | head m | kWe | heat in kW | held back by |\n\
         |---|---|---|---|---|---|---|---|---|---|---|"
    );
    let pipe = |p: &Option<(String, f64)>, digits: usize| {
        p.as_ref().map_or("-".to_string(), |(name, x)| {
            format!("{x:.digits$} ({name})")
        })
    };
    let or_dash = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.2}"));
    for l in loops {
        let held = if l.limited_by.is_empty() {
            "-".to_string()
        } else {
            format!("**{}**", l.limited_by.join("; "))
        };
        let _ = writeln!(
            w,
            "| {} | {} | {:.2} | {:.1} | {} | {} | {} | {} | {:.1} | {:.0} | {held} |",
            l.name,
            l.count,
            l.flow_kg_s,
            l.flow_m3_h,
            pipe(&l.fastest_pipe, 2),
            pipe(&l.steepest_pipe, 0),
            or_dash(l.pump_rise_bar),
            or_dash(l.pump_head_m),
            l.pump_kw,
            l.heat_in_kw
        );
    }
}

/// The plant devices the design-flow search grew, after `lead`, if any.
fn plant_changes_markdown(w: &mut String, d: &DesignFlows, lead: &str) {
    if d.plant_changes.is_empty() {
        return;
    }
    let _ = writeln!(w, "{lead} (its devices set to what they propose):\n");
    for c in &d.plant_changes {
        let _ = writeln!(
            w,
            "- {}: `{}` {} → **{}**",
            c.device,
            c.parameter,
            figure(c.from),
            figure(c.to)
        );
    }
    let _ = writeln!(w);
}

/// Each plant device's proposal for its own size under a `heading` of its name: its duty, its
/// figures as installed and as needed, and what set them.
fn proposals_markdown(w: &mut String, proposals: &[DeviceProposal], heading: &str) {
    for p in proposals {
        let times = if p.count > 1 {
            format!(" (×{}, the one asking most)", p.count)
        } else {
            String::new()
        };
        let verdict = if p.installed_suffices {
            "as installed it does"
        } else {
            "**as installed it falls short**"
        };
        let off = if p.recovery_off {
            ", with the heat recovery off"
        } else {
            ""
        };
        let _ = writeln!(w, "{heading} {} ({}){times}{off}\n", p.name, p.kind);
        let _ = writeln!(w, "To {}: {verdict}.\n", p.duty);
        let _ = writeln!(w, "| | installed | needed |\n|---|---|---|");
        for f in &p.figures {
            let unit = if f.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", f.unit)
            };
            let needed = f.needed.map_or("**none will do**".to_string(), figure);
            let _ = writeln!(
                w,
                "| {}{unit} | {} | {needed} |",
                f.name,
                figure(f.installed)
            );
        }
        let lead = match p.figures.first().map(|f| f.needed) {
            Some(None) => "No size will do, for",
            Some(Some(0.0)) => "Nothing to size, for",
            _ => "Sized by",
        };
        let _ = writeln!(w, "\n{lead} {}.\n", p.limited_by);
    }
}

/// A figure as people read it: a whole number (a count) without decimals, else two.
fn figure(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e6 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}
