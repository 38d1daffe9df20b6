"""A year of hourly steady solves of the pandapipes validation network, in pandapipes and in dctwin,
on the same 8760 problems; see README.md.

Called by scripts/bench-year-vs-pandapipes (which sets up the venv and builds the Rust example):

    python pandapipes_year_bench.py --root REPO --network DATA/validation/pandapipes
                                    --heat-demand DATA/heat-demand/flensburg_...csv
                                    [--hours N] [--dctwin-repeat R] [--json FILE]

Steps: write the year's profile (target/bench-year-profile.csv), check that pandapipes reproduces
the reference at the reference loads, time pandapipes over the first N hours (default all 8760),
time dctwin's pandapipes_year example over the whole year, compare the plant's mass flow, return
temperature and heat hour by hour, print a summary and write it as JSON.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pandapipes as pp

from pandapipes_bench import (PIPEFLOW_OPTIONS, REF_TOLERANCE, build_net, check_reference,
                              machine, versions)

HOURS_PER_YEAR = 8760
YEAR = 2015  # a year of the Flensburg record without 29 February
# Supply temperature: a heating curve on the outdoor air, 70 degC (the reference's) at -5 degC and
# below, falling linearly to 62 degC at 15 degC and above. An assumption for the benchmark, not
# Flensburg's own curve (the data folder does not hold its supply temperatures).
SUPPLY_C = (70.0, 62.0)
SUPPLY_AIR_C = (-5.0, 15.0)
# Ground around the pipes: the mean air temperature of the preceding 30 days (720 h), a simple
# stand-in for the damped, lagged ground temperature at pipe depth.
GROUND_WINDOW_H = 720
# pandapipes' default of 10 bidirectional (hydraulic + heat) iterations is too few for some hours
# of the year (hour 1619 needs 11 and fails with the default), so the year runs with a higher
# limit, as a user would set it. It only lets a solve that needs more iterations finish; hours
# that converge within 10 are solved exactly as before. The reference check keeps the defaults.
YEAR_PIPEFLOW_OPTIONS = {"max_iter_bidirect": 30}


def fail(message):
    sys.exit(f"bench-year-vs-pandapipes: error: {message}")


def make_profile(net, heat_demand_csv, out_csv):
    """Each consumer's reference heat scaled by Flensburg's hourly load over its 2015 peak, the
    supply temperature from the heating curve and the ground temperature, written to `out_csv`."""
    d = pd.read_csv(heat_demand_csv)
    for col in ("timestamp", "heat_load_MW", "air_temp_C"):
        if col not in d.columns:
            fail(f"{heat_demand_csv}: no column '{col}'")
    stamps = pd.to_datetime(d.timestamp, format="%Y-%m-%d %H:%M")
    ground_c = d.air_temp_C.rolling(GROUND_WINDOW_H).mean()
    year = (stamps.dt.year == YEAR).to_numpy()
    if year.sum() != HOURS_PER_YEAR or np.isnan(ground_c[year]).any():
        fail(f"{heat_demand_csv}: expected {HOURS_PER_YEAR} hours of {YEAR} and the "
             f"{GROUND_WINDOW_H} h before them")
    load = d.heat_load_MW.to_numpy()[year]
    fraction = load / load.max()
    air = d.air_temp_C.to_numpy()[year]
    s = np.clip((air - SUPPLY_AIR_C[0]) / (SUPPLY_AIR_C[1] - SUPPLY_AIR_C[0]), 0.0, 1.0)
    supply_c = SUPPLY_C[0] + s * (SUPPLY_C[1] - SUPPLY_C[0])
    profile = pd.DataFrame({
        "hour": np.arange(HOURS_PER_YEAR),
        "timestamp": d.timestamp.to_numpy()[year],
        "load_fraction": fraction,
        "t_supply_k": supply_c + 273.15,
        "t_ground_k": ground_c.to_numpy()[year] + 273.15,
    })
    for _, c in net.heat_consumer.iterrows():
        profile[f"{c['name']}_w"] = c.qext_w * fraction
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    # repr-exact floats, so both tools read the very same numbers.
    profile.to_csv(out_csv, index=False, float_format="%.17g")
    return pd.read_csv(out_csv)


def run_pandapipes(net, profile, hours, options):
    """Solve `hours` hours in order, as a user's time loop would: set the inputs, pipeflow, read
    the plant's results. Returns the wall time of the loop and the per-hour plant figures."""
    consumers = [f"{n}_w" for n in net.heat_consumer.name]
    qext = profile[consumers].to_numpy()
    supply = profile.t_supply_k.to_numpy()
    ground = profile.t_ground_k.to_numpy()
    mdot, t_return, heat = (np.empty(hours) for _ in range(3))
    iterations = np.zeros(hours, dtype=int)
    start = time.perf_counter()
    for h in range(hours):
        net.heat_consumer["qext_w"] = qext[h]
        net.circ_pump_pressure["t_flow_k"] = supply[h]
        net.pipe["text_k"] = ground[h]
        pp.pipeflow(net, **options)
        if not net.converged:
            fail(f"pandapipes did not converge at hour {h}")
        plant = net.res_circ_pump_pressure.iloc[0]
        mdot[h], t_return[h], heat[h] = plant.mdot_from_kg_per_s, plant.t_from_k, plant.qext_w
        iterations[h] = net._internal_results.get("iterations_bidirectional", -1)
        if h and h % 1000 == 0:
            print(f"  pandapipes: {h} hours in {time.perf_counter() - start:.0f} s", flush=True)
    wall = time.perf_counter() - start
    return wall, pd.DataFrame({"plant_mass_flow_kg_s": mdot, "plant_return_k": t_return,
                               "plant_heat_w": heat, "iterations": iterations})


def run_dctwin(root, net_dir, profile_csv, out_csv, repeat):
    cmd = ["cargo", "run", "--release", "-q", "-p", "dctwin-tests", "--example", "pandapipes_year",
           "--", "--pandapipes", str(net_dir), "--profile", str(profile_csv), "--out", str(out_csv),
           "--repeat", str(repeat)]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        fail(f"`{' '.join(cmd)}` failed ({proc.returncode})")
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if not lines:
        fail(f"no JSON line from pandapipes_year:\n{proc.stdout}")
    return json.loads(lines[-1]), pd.read_csv(out_csv), " ".join(cmd)


def compare(pp_hours, dc_hours):
    """Hour-by-hour differences over the hours both solved."""
    n = len(pp_hours)
    a, b = pp_hours, dc_hours.iloc[:n].reset_index(drop=True)
    rel_m = np.abs(b.plant_mass_flow_kg_s - a.plant_mass_flow_kg_s) / np.abs(a.plant_mass_flow_kg_s)
    dt = np.abs(b.plant_return_k - a.plant_return_k)
    # Both report the plant's heat into the water as positive (pandapipes' qext_w of the pump).
    rel_q = np.abs(b.plant_heat_w - a.plant_heat_w) / np.abs(a.plant_heat_w)
    return {
        "hours_compared": n,
        "plant_mass_flow_max_rel_diff": float(rel_m.max()),
        "plant_mass_flow_max_rel_diff_hour": int(rel_m.idxmax()),
        "plant_mass_flow_median_rel_diff": float(rel_m.median()),
        "plant_return_temperature_max_abs_diff_k": float(dt.max()),
        "plant_return_temperature_max_abs_diff_hour": int(dt.idxmax()),
        "plant_heat_max_rel_diff": float(rel_q.max()),
        "plant_energy_mwh": {"pandapipes": float(a.plant_heat_w.sum() / 1e6),
                             "dctwin": float(b.plant_heat_w.sum() / 1e6)},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, required=True, help="repository root")
    ap.add_argument("--network", type=Path, required=True, help="validation/pandapipes directory")
    ap.add_argument("--heat-demand", type=Path, required=True, help="Flensburg hourly heat load CSV")
    ap.add_argument("--hours", type=int, default=HOURS_PER_YEAR,
                    help="hours pandapipes solves (the year's time is extrapolated from them)")
    ap.add_argument("--dctwin-repeat", type=int, default=11, help="dctwin years run (median reported)")
    ap.add_argument("--json", type=Path, help="JSON output (default target/bench-year-vs-pandapipes.json)")
    args = ap.parse_args()
    if not 1 <= args.hours <= HOURS_PER_YEAR:
        ap.error(f"--hours must be within 1..{HOURS_PER_YEAR}")
    if args.dctwin_repeat < 1:
        ap.error("--dctwin-repeat must be >= 1")
    root, net_dir = args.root.resolve(), args.network.resolve()
    target = root / "target"
    json_path = args.json or target / "bench-year-vs-pandapipes.json"
    profile_csv = target / "bench-year-profile.csv"
    dctwin_csv = target / "bench-year-dctwin.csv"
    pandapipes_csv = target / "bench-year-pandapipes.csv"
    options = dict(PIPEFLOW_OPTIONS, use_numba=False)
    year_options = dict(options, **YEAR_PIPEFLOW_OPTIONS)

    # 1. pandapipes reproduces the reference at the reference loads, then the year's profile.
    net = build_net(net_dir)
    pp.pipeflow(net, **options)
    ref = check_reference(net, net_dir)
    if not net.converged or not all(v <= REF_TOLERANCE for v in ref.values()):
        fail(f"pandapipes does not reproduce the reference results ({ref})")
    profile = make_profile(net, args.heat_demand, profile_csv)
    print(f"profile     {profile_csv}: {HOURS_PER_YEAR} h of {YEAR}; load "
          f"{profile.load_fraction.min():.2f}..1 of the reference "
          f"({net.heat_consumer.qext_w.sum() / 1e6:.2f} MW), supply "
          f"{profile.t_supply_k.min() - 273.15:.1f}..{profile.t_supply_k.max() - 273.15:.1f} degC, "
          f"ground {profile.t_ground_k.min() - 273.15:.1f}..{profile.t_ground_k.max() - 273.15:.1f} degC")

    # 2. pandapipes, then dctwin (one after the other, never concurrently).
    print(f"timing pandapipes: {args.hours} hourly pipeflow calls ...", flush=True)
    pp_wall, pp_hours = run_pandapipes(net, profile, args.hours, year_options)
    pp_hours.to_csv(pandapipes_csv, index_label="hour", float_format="%.17g")
    pp_year = pp_wall * HOURS_PER_YEAR / args.hours
    extrapolated = args.hours < HOURS_PER_YEAR
    print(f"timing dctwin: pandapipes_year, {args.dctwin_repeat} years ...", flush=True)
    dctwin, dc_hours, dctwin_cmd = run_dctwin(root, net_dir, profile_csv, dctwin_csv, args.dctwin_repeat)
    dc_year = dctwin["median_wall_seconds"]
    if dctwin["hours"] != HOURS_PER_YEAR:
        fail(f"dctwin solved {dctwin['hours']} hours, expected {HOURS_PER_YEAR}")

    # 3. Same answers?
    diff = compare(pp_hours, dc_hours)
    summary = {
        "network": str(net_dir),
        "profile": {"file": str(profile_csv), "heat_demand": str(args.heat_demand.resolve()),
                    "year": YEAR, "supply_c_at_air_c": [list(SUPPLY_C), list(SUPPLY_AIR_C)],
                    "ground_window_h": GROUND_WINDOW_H,
                    "load_fraction_min": float(profile.load_fraction.min())},
        "pandapipes": {
            "pipeflow_options": year_options, "hours_solved": args.hours,
            "mean_iterations": float(pp_hours.iterations.mean()),
            "max_iterations": int(pp_hours.iterations.max()),
            "wall_seconds": pp_wall, "seconds_per_hour": pp_wall / args.hours,
            "year_wall_seconds": pp_year, "year_extrapolated": extrapolated,
            "reference_check_max_rel_diff": ref, "per_hour_csv": str(pandapipes_csv),
        },
        "dctwin": {
            "command": dctwin_cmd, "hours_solved": dctwin["hours"], "repeat": dctwin["repeat"],
            "year_wall_seconds": dc_year, "year_wall_seconds_each_run": dctwin["wall_seconds"],
            "seconds_per_hour": dc_year / HOURS_PER_YEAR,
            "mean_coupling_rounds": dctwin["mean_coupling_rounds"],
            "mean_newton_iterations": dctwin["mean_newton_iterations"],
            "mean_inner_rounds": dctwin["mean_inner_rounds"],
            "max_coupling_rounds": dctwin["max_coupling_rounds"],
            "per_hour_csv": str(dctwin_csv),
            "note": "median over repeat years, each from a fresh solver; each hour warm-started "
                    "from the previous one and solved to the steady solver's tolerances",
        },
        "speedup": {"pandapipes_over_dctwin_year": pp_year / dc_year},
        "answer_difference": diff,
        "machine": machine(),
        "versions": versions(root, False),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(summary, indent=2) + "\n")

    m, v = summary["machine"], summary["versions"]
    note = f" (extrapolated from {args.hours} h: {pp_wall:.1f} s)" if extrapolated else ""
    print()
    print("=== pandapipes vs dctwin: a year of hourly steady solves of the pandapipes network ===")
    print(f"pandapipes  {pp_year:10.2f} s per year{note}, {pp_wall / args.hours * 1e3:.2f} ms per hour, "
          f"{pp_hours.iterations.mean():.2f} iterations per hour, at most {pp_hours.iterations.max()}")
    print(f"dctwin      {dc_year:10.4f} s per year (median of {dctwin['repeat']}; "
          f"{dc_year / HOURS_PER_YEAR * 1e6:.1f} µs per hour, "
          f"{dctwin['mean_coupling_rounds']:.2f} coupling rounds per hour, at most "
          f"{dctwin['max_coupling_rounds']}, and {dctwin['mean_inner_rounds']:.2f} consumer iterations)")
    print(f"ratio       pandapipes / dctwin = {pp_year / dc_year:,.0f}x")
    print(f"answers     over {diff['hours_compared']} h: plant mass flow max rel diff "
          f"{diff['plant_mass_flow_max_rel_diff']:.2e} (hour {diff['plant_mass_flow_max_rel_diff_hour']}, "
          f"median {diff['plant_mass_flow_median_rel_diff']:.1e}); plant return temperature max abs diff "
          f"{diff['plant_return_temperature_max_abs_diff_k']:.4f} K (hour "
          f"{diff['plant_return_temperature_max_abs_diff_hour']}); plant heat max rel diff "
          f"{diff['plant_heat_max_rel_diff']:.1e}")
    e = diff["plant_energy_mwh"]
    print(f"            plant heat over those hours {e['pandapipes']:.1f} MWh (pandapipes) vs "
          f"{e['dctwin']:.1f} MWh (dctwin)")
    print(f"machine     {m['nproc']} CPUs, {m['cpu_model']}, {m['platform']}, "
          f"load average {m['loadavg_1_5_15min']} (other jobs skew the timings)")
    print("versions    " + ", ".join(f"{k} {val}" for k, val in v.items() if val))
    print(f"JSON        {json_path}")


if __name__ == "__main__":
    main()
