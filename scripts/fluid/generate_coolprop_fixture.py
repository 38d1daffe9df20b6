#!/usr/bin/env python3
"""Write the CoolProp reference fixture for the dctwin-fluid tests.

Usage (from the repository root, CoolProp installed, see requirements.txt):

    python3 scripts/fluid/generate_coolprop_fixture.py

Writes crates/fluid/tests/data/coolprop_properties.csv. Grid: water every
2.5 K from 273.16 K to 363.15 K; each glycol at mass fractions 0.20..0.50 in
steps of 0.05, at the lower end of its valid range and then every 5 degC up to
90 degC. The coefficient fit (fit_coefficients.py) deliberately samples a
different grid.
"""

import datetime
import math
import pathlib
import sys

import common

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "crates" / "fluid" / "tests" / "data" / "coolprop_properties.csv"
COMMAND = "python3 scripts/fluid/generate_coolprop_fixture.py"


def water_grid() -> list[float]:
    temps = [common.WATER_T_MIN_SAMPLE_K]
    k = 1
    while common.WATER_T_MIN_K + 2.5 * k <= common.WATER_T_MAX_K + 1e-9:
        temps.append(round(common.WATER_T_MIN_K + 2.5 * k, 6))
        k += 1
    return temps


def glycol_grid(t_min: float, t_max: float) -> list[float]:
    temps = [t_min]
    step = math.floor((t_min - 273.15) / 5.0 + 1e-9) + 1
    while True:
        t = round(273.15 + 5.0 * step, 6)
        if t > t_max + 1e-9:
            break
        if t > t_min + 1e-9:
            temps.append(t)
        step += 1
    return temps


def fmt(value: float) -> str:
    return repr(float(value))


def main() -> None:
    rows = []
    for t in water_grid():
        rows.append(("water", 0.0, t, *common.properties(common.WATER_COOLPROP, t)))
    for fluid in common.GLYCOL_COOLPROP:
        for x in common.GLYCOL_MASS_FRACTIONS:
            name = common.glycol_coolprop_name(fluid, x)
            t_min, t_max = common.glycol_valid_range_k(fluid, x)
            for t in glycol_grid(t_min, t_max):
                rows.append((fluid, x, t, *common.properties(name, t)))

    header = [
        "# CoolProp reference values for the dctwin-fluid tests (generated; do not edit).",
        f"# CoolProp version: {common.coolprop_version()} (Python {sys.version.split()[0]})",
        f"# Pressure: {common.PRESSURE_PA:.0f} Pa for every row.",
        f"# water: CoolProp '{common.WATER_COOLPROP}' (IAPWS-95 density/cp, IAPWS 2008 viscosity,",
        "#   IAPWS 2011 conductivity), every 2.5 K from 273.16 K to 363.15 K.",
        "# propylene_glycol: CoolProp 'INCOMP::MPG[x]', ethylene_glycol: 'INCOMP::MEG[x]'",
        "#   (Melinder 2010 correlations), x = mass fraction 0.20..0.50 step 0.05, at",
        "#   max(263.15 K, T_freeze(x) + 3 K) and then every 5 K (whole degC) up to 363.15 K.",
        f"# Generated on {datetime.date.today().isoformat()} by: {COMMAND}",
        "# Units: t_k K, density kg/m3, cp J/(kg K), viscosity Pa s, conductivity W/(m K).",
    ]
    lines = header + [
        "fluid,mass_fraction,t_k,density_kg_m3,cp_j_kg_k,viscosity_pa_s,conductivity_w_m_k"
    ]
    for fluid, x, t, rho, cp, mu, lam in rows:
        lines.append(",".join([fluid, fmt(x), fmt(t), fmt(rho), fmt(cp), fmt(mu), fmt(lam)]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(rows)} rows to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
