//! A component's nominal point, the same keys for every kind that has one (a resistance, a
//! check valve, a device's side): the pressure drop at a flow.

use crate::reader::Reader;
use crate::units::Quantity;
use dctwin_components::Resistance;

/// A nominal point: Δp at a flow, the flow converted to mass at `density` [kg/m³].
pub(crate) fn read_resistance(r: &mut Reader<'_, '_>, density: f64) -> Option<Resistance> {
    let dp = r.positive_quantity(
        "dp_nominal",
        Quantity::Pressure,
        "the pressure drop at the nominal flow",
    );
    let flow = r.positive_quantity("flow_nominal", Quantity::Flow, "the nominal flow");
    Some(Resistance {
        dp_nominal_pa: dp?.si,
        flow_nominal_kg_s: flow?.mass_flow(density),
        density_nominal_kg_m3: density,
    })
}

/// A nominal point if one is given (both keys), `Some(None)` if neither is (no pressure
/// drop); `None` once an error is reported.
pub(crate) fn optional_resistance(
    r: &mut Reader<'_, '_>,
    density: f64,
) -> Option<Option<Resistance>> {
    let dp = r.optional_positive_quantity("dp_nominal", Quantity::Pressure);
    let flow = r.optional_positive_quantity("flow_nominal", Quantity::Flow);
    match (dp, flow) {
        (None, None) => Some(None),
        (Some(dp), Some(flow)) => Some(Some(Resistance {
            dp_nominal_pa: dp.si,
            flow_nominal_kg_s: flow.mass_flow(density),
            density_nominal_kg_m3: density,
        })),
        (Some(one), None) | (None, Some(one)) => {
            let message = format!(
                "{} is given alone: a pressure drop needs both dp_nominal_bar and \
                 flow_nominal_m3_h, or neither (none)",
                one.key
            );
            r.error_at(one.offset, &one.key, message);
            None
        }
    }
}
