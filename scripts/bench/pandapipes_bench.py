"""Times pandapipes and dctwin on the pandapipes validation network; see README.md.

Called by scripts/bench-vs-pandapipes (which sets up the venv and builds the Rust example):

    python pandapipes_bench.py --root REPO --network DATA/validation/pandapipes
                               [--repeat N] [--dctwin-repeat M] [--numba] [--json FILE]

Steps: build the pandapipes net from the pp_input_*.csv tables, run pipeflow and check it
reproduces pp_ref_*.csv, time N pipeflow calls (median), run dctwin's steady_bench example on the
same directory, compare the two answers, print a summary and write it as JSON.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tomllib
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pandapipes as pp

# The reference results: "steady state, bidirectional hydraulic + heat mode, Colebrook friction".
# All other options are pandapipes' defaults (tol_p = tol_m = 1e-5, tol_T = 1e-3, ...); with these
# the reference CSVs are reproduced to round-off.
PIPEFLOW_OPTIONS = {"mode": "bidirectional", "friction_model": "colebrook"}
REF_TOLERANCE = 1e-6  # relative, for "pandapipes here reproduces the reference files"


def read(net_dir, name):
    return pd.read_csv(net_dir / f"{name}.csv", index_col=0)


def build_net(net_dir):
    """The pandapipes net described by the pp_input_*.csv tables (indices kept as in the files)."""
    net = pp.create_empty_network(fluid="water")
    for i, r in read(net_dir, "pp_input_junction").iterrows():
        pp.create_junction(net, pn_bar=r.pn_bar, tfluid_k=r.tfluid_k, height_m=r.height_m,
                           name=r["name"], in_service=bool(r.in_service), index=i)
    for i, r in read(net_dir, "pp_input_pipe").iterrows():
        pp.create_pipe_from_parameters(
            net, int(r.from_junction), int(r.to_junction), length_km=r.length_km,
            inner_diameter_mm=r.inner_diameter_mm, outer_diameter_mm=r.outer_diameter_mm,
            k_mm=r.k_mm, loss_coefficient=r.loss_coefficient, sections=int(r.sections),
            u_w_per_m2k=r.u_w_per_m2k, text_k=r.text_k, name=r["name"],
            in_service=bool(r.in_service), index=i)
    for i, r in read(net_dir, "pp_input_heat_consumer").iterrows():
        pp.create_heat_consumer(net, int(r.from_junction), int(r.to_junction), qext_w=r.qext_w,
                                treturn_k=r.treturn_k, name=r["name"],
                                in_service=bool(r.in_service), index=i)
    for i, r in read(net_dir, "pp_input_circ_pump_pressure").iterrows():
        pp.create_circ_pump_const_pressure(
            net, int(r.return_junction), int(r.flow_junction), p_flow_bar=r.p_flow_bar,
            plift_bar=r.plift_bar, t_flow_k=r.t_flow_k, name=r["name"],
            in_service=bool(r.in_service), index=i)
    return net


def max_rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def check_reference(net, net_dir):
    """Max relative differences between this run's pandapipes results and the pp_ref_*.csv files."""
    ref_pipe = read(net_dir, "pp_ref_pipe")
    ref_junction = read(net_dir, "pp_ref_junction")
    assert list(net.res_pipe.index) == list(ref_pipe.index)
    assert list(net.res_junction.index) == list(ref_junction.index)
    return {
        "pipe_mdot": max_rel(net.res_pipe.mdot_from_kg_per_s, ref_pipe.mdot_from_kg_per_s),
        "junction_p": max_rel(net.res_junction.p_bar, ref_junction.p_bar),
        "junction_t": max_rel(net.res_junction.t_k, ref_junction.t_k),
    }


def time_pandapipes(net, repeat, options):
    """One warm-up pipeflow, then `repeat` timed full pipeflow calls (seconds each)."""
    pp.pipeflow(net, **options)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        pp.pipeflow(net, **options)
        times.append(time.perf_counter() - start)
        if not net.converged:
            sys.exit("bench-vs-pandapipes: error: pandapipes pipeflow did not converge")
    return times


def run_dctwin(root, net_dir, repeat):
    cmd = ["cargo", "run", "--release", "-q", "-p", "dctwin-tests", "--example", "steady_bench",
           "--", "--pandapipes", str(net_dir), "--repeat", str(repeat)]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        sys.exit(f"bench-vs-pandapipes: error: `{' '.join(cmd)}` failed ({proc.returncode})")
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if not lines:
        sys.exit(f"bench-vs-pandapipes: error: no JSON line from steady_bench:\n{proc.stdout}")
    return json.loads(lines[-1]), " ".join(cmd)


def compare(net, dctwin):
    """Same-answer check: pipe mass flows (relative) and junction pressures (mbar)."""
    flows, pressures = dctwin["mass_flow_kg_s"], dctwin["pressure_bar"]
    pipes = net.pipe.name.tolist()
    junctions = net.junction.name.tolist()
    missing = [n for n in pipes if n not in flows] + [n for n in junctions if n not in pressures]
    if missing:
        sys.exit(f"bench-vs-pandapipes: error: dctwin result lacks {missing[:5]}...")
    pp_mdot = net.res_pipe.mdot_from_kg_per_s.to_numpy()
    dc_mdot = np.array([flows[n] for n in pipes])
    rel = np.abs(dc_mdot - pp_mdot) / np.abs(pp_mdot)
    pp_p = net.res_junction.p_bar.to_numpy()
    dc_p = np.array([pressures[n] for n in junctions])
    dp_mbar = np.abs(dc_p - pp_p) * 1e3
    i, k = int(np.argmax(rel)), int(np.argmax(dp_mbar))
    heat_pp = float(net.res_circ_pump_pressure.qext_w.sum())
    return {
        "pipe_mass_flow_max_rel_diff": float(rel[i]),
        "pipe_mass_flow_max_rel_diff_at": pipes[i],
        "pipe_mass_flow_median_rel_diff": float(np.median(rel)),
        "pipe_mass_flow_sign_disagreements": int(np.sum(np.sign(dc_mdot) != np.sign(pp_mdot))),
        "junction_pressure_max_abs_diff_mbar": float(dp_mbar[k]),
        "junction_pressure_max_abs_diff_at": junctions[k],
        "plant_mass_flow_kg_s": {
            "pandapipes": float(net.res_circ_pump_pressure.mdot_from_kg_per_s.sum()),
            "dctwin": next((float(v) for n, v in flows.items() if "pump" in n), None)},
        "plant_heat_w": {"pandapipes": heat_pp, "dctwin": float(dctwin["heat_in_w"]),
                         "rel_diff": abs(dctwin["heat_in_w"] - heat_pp) / abs(heat_pp)},
    }


def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"nproc": os.cpu_count(), "cpu_model": cpu, "platform": platform.platform(),
            "loadavg_1_5_15min": [round(x, 2) for x in load] if load else None}


def command_output(cmd, cwd=None):
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def versions(root, with_numba):
    workspace = tomllib.loads((root / "Cargo.toml").read_text())
    commit = command_output(["git", "rev-parse", "--short", "HEAD"], cwd=root)
    dirty = command_output(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root)
    out = {
        "dctwin": workspace.get("workspace", {}).get("package", {}).get("version"),
        "dctwin_git": (commit + ("+dirty" if dirty else "")) if commit else None,
        "rustc": (command_output(["rustc", "--version"]) or "").removeprefix("rustc ") or None,
        "python": platform.python_version(),
    }
    for pkg in ("pandapipes", "pandapower", "numpy", "scipy", "pandas") + (("numba",) if with_numba else ()):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, required=True, help="repository root")
    ap.add_argument("--network", type=Path, required=True, help="validation/pandapipes directory")
    ap.add_argument("--repeat", type=int, default=30, help="timed pandapipes calls (median)")
    ap.add_argument("--dctwin-repeat", type=int, default=2000, help="dctwin solves per loop (mean)")
    ap.add_argument("--numba", action="store_true", help="pipeflow with use_numba=True")
    ap.add_argument("--json", type=Path, help="JSON output (default target/bench-vs-pandapipes.json)")
    args = ap.parse_args()
    if args.repeat < 1 or args.dctwin_repeat < 1:
        ap.error("repeat counts must be >= 1")
    root, net_dir = args.root.resolve(), args.network.resolve()
    json_path = args.json or root / "target" / "bench-vs-pandapipes.json"

    options = dict(PIPEFLOW_OPTIONS, use_numba=args.numba)
    if args.numba:
        try:
            import numba  # noqa: F401
        except ImportError:
            sys.exit("bench-vs-pandapipes: error: --numba but numba is not installed")

    # 1. pandapipes: build, solve, verify against the reference files.
    net = build_net(net_dir)
    pp.pipeflow(net, **options)
    if not net.converged:
        sys.exit("bench-vs-pandapipes: error: pandapipes pipeflow did not converge")
    ref = check_reference(net, net_dir)
    ref_ok = all(v <= REF_TOLERANCE for v in ref.values())
    iterations = int(net._internal_results.get("iterations_bidirectional", -1))
    print(f"pandapipes {pp.__version__}: {len(net.junction)} junctions, {len(net.pipe)} pipes, "
          f"{len(net.heat_consumer)} heat consumers, {len(net.circ_pump_pressure)} circ pump; "
          f"pipeflow({', '.join(f'{k}={v!r}' for k, v in options.items())}) "
          f"converged in {iterations} iterations")
    print(f"reference check (vs pp_ref_*.csv, tolerance {REF_TOLERANCE:g} relative): "
          f"pipe mdot {ref['pipe_mdot']:.2e}, junction p {ref['junction_p']:.2e}, "
          f"junction T {ref['junction_t']:.2e} -> {'OK' if ref_ok else 'FAILED'}")
    if not ref_ok:
        sys.exit("bench-vs-pandapipes: error: pandapipes does not reproduce the reference results")

    # 2. Time pandapipes, then dctwin (one after the other, never concurrently).
    print(f"timing pandapipes: 1 warm-up + {args.repeat} pipeflow calls ...", flush=True)
    times = time_pandapipes(net, args.repeat, options)
    pp_median = statistics.median(times)
    print(f"timing dctwin: steady_bench --repeat {args.dctwin_repeat} ...", flush=True)
    dctwin, dctwin_cmd = run_dctwin(root, net_dir, args.dctwin_repeat)
    cold, warm = dctwin["cold_seconds_per_solve"], dctwin["warm_seconds_per_solve"]

    # 3. Same answer?  (net holds the last timed pipeflow's results.)
    diff = compare(net, dctwin)

    summary = {
        "network": str(net_dir),
        "size": {"pandapipes": {"junctions": len(net.junction), "pipes": len(net.pipe),
                                "heat_consumers": len(net.heat_consumer),
                                "circ_pumps": len(net.circ_pump_pressure)},
                 "dctwin": {"nodes": dctwin["nodes"], "links": dctwin["links"]}},
        "pandapipes": {
            "pipeflow_options": options, "iterations": iterations, "repeat": args.repeat,
            "median_seconds_per_solve": pp_median, "min_seconds_per_solve": min(times),
            "max_seconds_per_solve": max(times), "reference_check_max_rel_diff": ref,
        },
        "dctwin": {
            "command": dctwin_cmd, "repeat": dctwin["repeat"],
            "cold_seconds_per_solve": cold, "warm_seconds_per_solve": warm,
            "note": "mean over repeat solves; cold = fresh solver each solve (layout, ordering, "
                    "symbolic factorisation, solve), warm = re-solve from the last state",
        },
        "speedup": {"pandapipes_over_dctwin_cold": pp_median / cold,
                    "pandapipes_over_dctwin_warm": pp_median / warm},
        "answer_difference": diff,
        "machine": machine(),
        "versions": versions(root, args.numba),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(summary, indent=2) + "\n")

    m, v = summary["machine"], summary["versions"]
    print()
    print("=== pandapipes vs dctwin: steady solve of the pandapipes validation network ===")
    print(f"network     {len(net.junction)} junctions / {len(net.pipe)} pipes "
          f"(dctwin: {dctwin['nodes']} nodes / {dctwin['links']} links)")
    print(f"pandapipes  {pp_median * 1e3:9.2f} ms per pipeflow  (median of {args.repeat}; "
          f"min {min(times) * 1e3:.2f}, max {max(times) * 1e3:.2f} ms)")
    print(f"dctwin cold {cold * 1e6:9.1f} µs per solve     (mean of {dctwin['repeat']}; fresh solver each time)")
    print(f"dctwin warm {warm * 1e6:9.1f} µs per solve     (mean of {dctwin['repeat']}; re-solve from last state, loads moved 1 %)")
    print(f"ratio       pandapipes / dctwin cold = {pp_median / cold:,.0f}x, "
          f"pandapipes / dctwin warm = {pp_median / warm:,.0f}x")
    print(f"answers     pipe mass flow max rel diff {diff['pipe_mass_flow_max_rel_diff']:.2e} "
          f"(at {diff['pipe_mass_flow_max_rel_diff_at']}, median {diff['pipe_mass_flow_median_rel_diff']:.1e}, "
          f"{diff['pipe_mass_flow_sign_disagreements']} sign disagreements)")
    print(f"            junction pressure max abs diff {diff['junction_pressure_max_abs_diff_mbar']:.3f} mbar "
          f"(at {diff['junction_pressure_max_abs_diff_at']})")
    ph = diff["plant_heat_w"]
    print(f"            plant heat {ph['pandapipes'] / 1e3:.2f} kW (pandapipes) vs "
          f"{ph['dctwin'] / 1e3:.2f} kW (dctwin), rel diff {ph['rel_diff']:.1e}")
    print(f"machine     {m['nproc']} CPUs, {m['cpu_model']}, {m['platform']}, "
          f"load average {m['loadavg_1_5_15min']} (other jobs skew the timings)")
    print("versions    " + ", ".join(f"{k} {val}" for k, val in v.items() if val))
    print(f"JSON        {json_path}")


if __name__ == "__main__":
    main()
