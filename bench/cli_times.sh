#!/usr/bin/env bash
# Times whole `bpms` runs as a user starts them: wall time (median of N runs, with min and max)
# and peak resident memory, all in one run of this script so that the ratios are comparable.
#
#   1. the default sweep (the weighted-sum CRB schemes, K = 1..3, 21 α);
#   2. the mismatch sweep (4 schemes × K = 1..3 × 21 α), guides included;
#   3. the analog sweep (2 schemes × K = 1..3 × 21 α), guides and codebook included;
#   4. `bpms reproduce` (the README's main command).
# Per-design times of each method (conic and direct) are in `cargo bench --bench designs`.
#
# Usage: bench/cli_times.sh [--runs 5]
# Needs GNU time (/usr/bin/time) for peak memory; without it only wall times are printed.
set -euo pipefail

runs=5
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cargo build --release --quiet --bin bpms
bin="target/release/bpms"

echo "date:  $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cores: $(nproc)"
echo "cpu:   $(lscpu | sed -n 's/^Model name:[[:space:]]*//p')"
echo "bpms:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
echo "load:  $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| run | median wall [s] | min [s] | max [s] | peak RSS [MiB] |"
echo "|---|---|---|---|---|"

# One row: `measure LABEL ARGS...` runs `bpms ARGS... --out TMP` $runs times.
measure() {
    local label="$1"
    shift
    local walls=() peak=0
    for _ in $(seq "$runs"); do
        local out log
        out="$(mktemp -d)"
        log="$(mktemp)"
        if [[ -x /usr/bin/time ]]; then
            /usr/bin/time -f "%e %M" -o "$log" "$bin" "$@" --out "$out/run" >/dev/null
            read -r wall rss_kib < "$log"
            (( rss_kib > peak )) && peak=$rss_kib
        else
            local start end
            start=$(date +%s.%N)
            "$bin" "$@" --out "$out/run" >/dev/null
            end=$(date +%s.%N)
            wall=$(echo "$end - $start" | bc)
        fi
        walls+=("$wall")
        rm -rf "$out" "$log"
    done
    printf '%s\n' "${walls[@]}" | sort -g | awk -v label="$label" -v peak="$peak" '
        { v[NR] = $1 }
        END {
            med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            rss = peak > 0 ? sprintf("%.1f", peak / 1024) : "n/a"
            printf "| %s | %.2f | %.2f | %.2f | %s |\n", label, med, v[1], v[NR], rss
        }'
}

measure "sweep (default: fdb-wcrb, cpa-wcrb, fusion; K = 1..3; 21 α)" sweep
measure "sweep, mismatch schemes (fdb-wbf, cpa-wbf, fdb-wcm, cpa-wcm)" \
    sweep --schemes fdb-wbf,cpa-wbf,fdb-wcm,cpa-wcm
measure "sweep, analog schemes (analog-fdb, analog-cpa)" sweep --schemes analog-fdb,analog-cpa
measure "reproduce (the README's main command)" reproduce
