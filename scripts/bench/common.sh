# Shared parts of scripts/bench-vs-pandapipes and scripts/bench-year-vs-pandapipes; sourced, not
# run. The caller sets `bench_name` (used in error messages) before sourcing.
#
# Provides:
#   root, bench                  repository root and scripts/bench
#   die MESSAGE                  print "<bench_name>: error: MESSAGE" and exit 1
#   find_data                    sets `data` (DCTWIN_DATA, else ../shared/data) and `net_dir`
#                                (its validation/pandapipes), checking the network's CSV files
#   setup_venv [--numba]         creates/updates target/bench-venv with requirements.txt (and
#                                requirements-numba.txt); sets `venv_python`
#   build_example NAME           cargo build --release of the dctwin-tests example NAME

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="$root/scripts/bench"

die() { echo "${bench_name:-bench}: error: $*" >&2; exit 1; }

find_data() {
    if [[ -n "${DCTWIN_DATA:-}" ]]; then
        data="$DCTWIN_DATA"
    else
        data="$root/../shared/data"
    fi
    [[ -d "$data" ]] || die "data folder '$data' not found (set DCTWIN_DATA or provide ../shared/data next to the repo)"
    data="$(cd "$data" && pwd)"
    net_dir="$data/validation/pandapipes"
    local f
    for f in pp_input_junction pp_input_pipe pp_input_heat_consumer pp_input_circ_pump_pressure \
             pp_ref_junction pp_ref_pipe; do
        [[ -f "$net_dir/$f.csv" ]] || die "missing $net_dir/$f.csv (is '$data' the dctwin data folder?)"
    done
}

# Python venv with the pinned pandapipes, in target/bench-venv.
setup_venv() {
    local numba=0
    [[ "${1:-}" == "--numba" ]] && numba=1
    local python="${PYTHON:-python3}"
    command -v "$python" >/dev/null || die "'$python' not found (set PYTHON to a Python 3 interpreter)"
    local venv="$root/target/bench-venv"
    local reqs=("$bench/requirements.txt")
    [[ $numba == 1 ]] && reqs+=("$bench/requirements-numba.txt")
    local stamp
    stamp="$(cat "${reqs[@]}" | sha256sum | cut -c1-16)"
    if [[ ! -x "$venv/bin/python" ]]; then
        echo "== creating venv $venv" >&2
        mkdir -p "$root/target"
        "$python" -m venv "$venv" || die "could not create a venv with '$python' (is the venv module installed?)"
    fi
    # Reinstall only when the requirement files changed (or the last install failed). With --numba
    # the stamp differs, so numba gets added; a later run without --numba leaves it installed but
    # the benchmark then passes use_numba=False explicitly.
    if [[ ! -f "$venv/.bench-stamp" ]] || ! grep -qx "$stamp" "$venv/.bench-stamp"; then
        echo "== pip install -r ${reqs[*]#"$root/"}" >&2
        local req_args=() r
        for r in "${reqs[@]}"; do req_args+=(-r "$r"); done
        if ! "$venv/bin/python" -m pip install --disable-pip-version-check -q "${req_args[@]}"; then
            die "could not install pandapipes/pandapower into $venv (is PyPI reachable?)"
        fi
        echo "$stamp" >> "$venv/.bench-stamp"
    fi
    "$venv/bin/python" -c "import pandapipes" 2>/dev/null \
        || die "pandapipes does not import in $venv (delete the venv and re-run)"
    venv_python="$venv/bin/python"
}

# Build a dctwin bench example up front, so its compile output is not mixed with the results.
build_example() {
    echo "== cargo build --release -p dctwin-tests --example $1" >&2
    (cd "$root" && cargo build --release -q -p dctwin-tests --example "$1") \
        || die "cargo build of the $1 example failed"
}
