#!/usr/bin/env bash
# The bpms-against-CVXPY benchmark, in one run:
#
#   1. a virtual environment under target/bench-venv with the pinned Python peer
#      (bench/requirements-peer.txt: CVXPY + Clarabel), reused when it is already complete;
#   2. bpms's export example: the WCRB SDPs of the paper scene as JSON, with bpms's own optimum
#      and timings measured in that process (bench/export_wcrb.rs);
#   3. the same SDPs in CVXPY + Clarabel, checked against bpms's optimum (bench/cvxpy_peer.py);
#   4. the default `bpms sweep` (when the subcommand exists): wall time and peak memory.
#
# Usage: bench/run_peer.sh [--alpha 0.1,0.5,0.9] [--reps 20] [--reps-full 3] [--n-targets 3]
#                          [--no-sweep]
# Needs python3 (with the venv module), cargo, and access to PyPI. Everything it writes goes
# under target/: the venv, and the results in target/bench-peer/.
set -euo pipefail

alpha="0.1,0.5,0.9"
reps=20
reps_full=3
n_targets=3
sweep=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --alpha) alpha="$2"; shift 2 ;;
        --reps) reps="$2"; shift 2 ;;
        --reps-full) reps_full="$2"; shift 2 ;;
        --n-targets) n_targets="$2"; shift 2 ;;
        --no-sweep) sweep=0; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="target/bench-venv"
out="target/bench-peer"
requirements="bench/requirements-peer.txt"
mkdir -p "$out"

# Step 1: the Python peer's environment. The copy of the requirements inside the venv marks a
# complete install; a changed pin list reinstalls.
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
if ! cmp -s "$requirements" "$venv/requirements-installed.txt"; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements-installed.txt"
fi

# Step 2: the machine, as measured.
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cores:   $(nproc)"
echo "cpu:     $(lscpu | sed -n 's/^Model name:[[:space:]]*//p')"
echo "rustc:   $(rustc --version)"
echo "bpms:    $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (dirty)')"

# Step 3: build first, so no compiler runs while anything is timed.
cargo build --release --quiet --example export_wcrb --bin bpms
load_now() { cut -d' ' -f1-3 /proc/loadavg; }
busy() { pgrep -x rustc >/dev/null || pgrep -x cargo >/dev/null; }
if busy; then
    echo "warning: a cargo/rustc process is running; timings will be noisy"
fi

# Step 4: bpms, exporting the problems and timing itself.
echo "load before bpms:  $(load_now)"
target/release/examples/export_wcrb --out "$out/wcrb.json" --n-targets "$n_targets" \
    --alpha "$alpha" --reps "$reps" --reps-full "$reps_full"

# Step 5: the peer. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, where this machine sets them, pin an
# old OpenBLAS kernel that slows current numpy/scipy; the peer runs without them, and prints the
# kernel it got.
echo "load before CVXPY: $(load_now)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python" bench/cvxpy_peer.py \
    "$out/wcrb.json" --reps "$reps" --reps-full "$reps_full" --out "$out/peer.json" \
    | tee "$out/peer.md"

# Step 6: the default sweep, if this build has it.
if [[ "$sweep" -eq 1 ]]; then
    if target/release/bpms sweep --help >/dev/null 2>&1; then
        sweep_dir="$(mktemp -d)"
        echo "load before sweep: $(load_now)"
        if [[ -x /usr/bin/time ]]; then
            /usr/bin/time -v target/release/bpms sweep --out "$sweep_dir" 2> "$out/sweep-time.txt" >/dev/null
            grep -E "Elapsed \(wall|Maximum resident|User time|System time|Percent of CPU" "$out/sweep-time.txt"
        else
            # No GNU time on this machine: wall time and the children's peak RSS from Python.
            "$venv/bin/python" - target/release/bpms sweep --out "$sweep_dir" <<'EOF'
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
wall = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"Elapsed (wall clock) time: {wall:.2f} s")
print(f"Maximum resident set size (kbytes): {peak_kib}")
EOF
        fi
        rm -rf "$sweep_dir"
    else
        echo "sweep: this build has no 'bpms sweep' subcommand; skipped"
    fi
fi
echo "results in $out/"
