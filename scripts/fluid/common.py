"""Definitions shared by the dctwin-fluid helper scripts.

The numbers here must agree with `crates/fluid/src` (valid ranges, pressure,
fluid names); the Rust test `crates/fluid/tests/coolprop.rs` fails if the
fixture and the crate disagree.
"""

import CoolProp
import CoolProp.CoolProp as CP

#: Pressure at which the glycols' properties are evaluated [Pa]. The crate treats the
#: liquids as incompressible; 3 bar is a typical loop pressure.
PRESSURE_PA = 3.0e5

#: Pressure at which water's are [Pa]: 10 bar keeps it liquid to 179.9 degC, above the
#: 150 degC a pressurised district-heating loop or a heat pump's supply may reach
#: (4.76 bar at 150 degC); between 1 and 16 bar its density moves by under 0.07 %.
WATER_PRESSURE_PA = 1.0e6

#: Water: CoolProp's Helmholtz equation of state (IAPWS-95; viscosity IAPWS
#: 2008, conductivity IAPWS 2011). 273.15 K lies a hair below the triple
#: point, so sampling starts at 273.16 K.
WATER_COOLPROP = "HEOS::Water"
WATER_T_MIN_K = 273.15
WATER_T_MIN_SAMPLE_K = 273.16
WATER_T_MAX_K = 423.15

#: Glycols: CoolProp's incompressible mixtures, which implement Melinder (2010).
GLYCOL_COOLPROP = {"propylene_glycol": "MPG", "ethylene_glycol": "MEG"}
GLYCOL_MASS_FRACTIONS = [0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50]
GLYCOL_T_FLOOR_K = 263.15  # -10 degC
GLYCOL_FREEZE_MARGIN_K = 3.0
GLYCOL_T_MAX_K = 363.15  # 90 degC


def glycol_coolprop_name(fluid: str, mass_fraction: float) -> str:
    """CoolProp fluid string, e.g. ``INCOMP::MPG[0.3]``."""
    return f"INCOMP::{GLYCOL_COOLPROP[fluid]}[{mass_fraction!r}]"


def glycol_valid_range_k(fluid: str, mass_fraction: float) -> tuple[float, float]:
    """Valid range used by the crate: max(-10 degC, T_freeze + 3 K) .. 90 degC."""
    name = glycol_coolprop_name(fluid, mass_fraction)
    t_freeze = CP.PropsSI("T_freeze", "T", 300.0, "P", PRESSURE_PA, name)
    return max(GLYCOL_T_FLOOR_K, t_freeze + GLYCOL_FREEZE_MARGIN_K), GLYCOL_T_MAX_K


def properties(coolprop_name: str, t_k: float) -> tuple[float, float, float, float]:
    """(density kg/m3, cp J/(kg K), viscosity Pa s, conductivity W/(m K))."""
    pressure = WATER_PRESSURE_PA if coolprop_name == WATER_COOLPROP else PRESSURE_PA
    return tuple(
        CP.PropsSI(key, "T", t_k, "P", pressure, coolprop_name)
        for key in ("D", "C", "V", "L")
    )


def coolprop_version() -> str:
    return CoolProp.__version__
