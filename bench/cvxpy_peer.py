#!/usr/bin/env python3
"""The WCRB SDPs of bpms, restated in CVXPY and solved with Clarabel: the peer of the benchmark.

Reads the JSON written by `cargo run --release --example export_wcrb` (see the docs at the top
of `bench/export_wcrb.rs` for every field), states the same problem in the same scaled units,
solves it with `solver=cp.CLARABEL`, checks the optimum against bpms's, and prints the timings
of both side by side.

The problem, for each bound b in {BP, MS} with scaled position FIM F_b(x) = sum_t x_t B_b,t:

    minimise    (alpha * sum_i c_bp,i X_bp,ii + (1 - alpha) * sum_i c_ms,i X_ms,ii) / r
    subject to  [[F_b(x), E D_b^{-1/2}], [D_b^{-1/2} E^T, X_b]] >= 0     (Schur complement)
                Lambda >= 0 (Hermitian; or p >= 0 for the codebook form)
                Re tr(C Lambda) <= 1                                       (power, units of P_t)

where x are the real coordinates of Lambda, c_b,i = [I_iso^-1]_ii (m^2), r is the objective at
the isotropic covariance, and E holds the first n_p columns of the identity. At the optimum
CRB_b = sum_i c_b,i X_b,ii; independently, CRB_b = tr([I_b^-1]_pp) with the physical FIM
I_b = S_b^-1 F_b(x) S_b^-1, which is how the peer's optimum is checked.

Timings (medians over repetitions, each with a fresh Python object where stated):
  cold   building the CVXPY problem plus its first `problem.solve()` (canonicalisation included)
  warm   `problem.solve()` again on an already solved problem (CVXPY reuses its compilation)
  solver Clarabel's own solve time, `problem.solver_stats.solve_time`
"""

import argparse
import json
import platform
import statistics
import sys
import time
import warnings

import clarabel
import cvxpy as cp
import numpy as np

# Relative agreement required between the peer's and bpms's optimal objective (m^2).
OPTIMUM_REL_TOL = 1e-5


def load(path):
    with open(path) as f:
        return json.load(f)


# ---------------------------------------------------------------------------------------------
# Building the problem
# ---------------------------------------------------------------------------------------------


def coordinate_selectors(n):
    """Dense selectors mapping vec(Re X), vec(Im X) (column-major) of a Hermitian n x n X
    to its n^2 real coordinates in bpms's `HermitianVar` order: diagonal, then Re X_ij (i < j,
    column by column), then Im X_ij in the same order."""
    n_strict = n * (n - 1) // 2
    sel_re = np.zeros((n * n, n * n))
    sel_im = np.zeros((n * n, n * n))
    for i in range(n):
        sel_re[i, i + i * n] = 1.0
    k = 0
    for j in range(n):
        for i in range(j):
            sel_re[n + k, i + j * n] = 1.0
            sel_im[n + n_strict + k, i + j * n] = 1.0
            k += 1
    return sel_re, sel_im


def covariance_variable(form):
    """The covariance variable, its constraints, and its real coordinates as an affine
    expression (a vector of n_coords entries)."""
    n = form["n"]
    power = np.array(form["power_matrix"]["re"]) + 1j * np.array(form["power_matrix"]["im"])
    if form["kind"] == "hermitian":
        lam = cp.Variable((n, n), hermitian=True, name="Lambda")
        sel_re, sel_im = coordinate_selectors(n)
        coords = sel_re @ cp.vec(cp.real(lam), order="F") + sel_im @ cp.vec(cp.imag(lam), order="F")
        constraints = [lam >> 0, cp.real(cp.trace(power @ lam)) <= 1.0]
    else:
        lam = cp.Variable(n, nonneg=True, name="p")
        coords = lam
        constraints = [np.real(np.diag(power)) @ lam <= 1.0]
    return lam, coords, constraints


def epigraph(bound, coords):
    """The Schur-complement LMI of one bound, and its CRB (m^2) as an affine expression of X'."""
    n_fim, n_p = bound["n_fim"], bound["n_p"]

    # F(x) = sum_t x_t B_t, written as one matrix-vector product: row-major vec(F) = M x.
    basis = np.array(bound["basis"])  # [n_coords, n_fim, n_fim]
    m = basis.reshape(basis.shape[0], n_fim * n_fim).T
    fim = cp.reshape(m @ coords, (n_fim, n_fim), order="C")

    # The off-diagonal block E D^{-1/2} and the epigraph variable X'.
    e = np.zeros((n_fim, n_p))
    e[np.arange(n_p), np.arange(n_p)] = 1.0 / np.sqrt(np.array(bound["d"]))
    x_epi = cp.Variable((n_p, n_p), symmetric=True)
    lmi = cp.bmat([[fim, e], [e.T, x_epi]]) >> 0

    crb = np.array(bound["crb_iso_diag_m2"]) @ cp.diag(x_epi)
    return lmi, crb


def build(form, alpha):
    """The CVXPY problem of one (form, alpha) case, with the handles needed to check it."""
    lam, coords, constraints = covariance_variable(form)
    lmi_bp, crb_bp = epigraph(form["bp"], coords)
    lmi_ms, crb_ms = epigraph(form["ms"], coords)
    reference = alpha * form["crb_bp_iso_m2"] + (1.0 - alpha) * form["crb_ms_iso_m2"]
    objective = cp.Minimize((alpha * crb_bp + (1.0 - alpha) * crb_ms) / reference)
    problem = cp.Problem(objective, constraints + [lmi_bp, lmi_ms])
    return problem, lam, coords


# ---------------------------------------------------------------------------------------------
# Checking the optimum
# ---------------------------------------------------------------------------------------------


def coordinates_value(form, lam):
    """The real coordinates of the solved variable, in bpms's order."""
    if form["kind"] != "hermitian":
        return np.asarray(lam.value)
    n = form["n"]
    x = np.asarray(lam.value)
    diag = np.real(np.diag(x))
    upper = [(i, j) for j in range(n) for i in range(j)]
    re = np.array([x[i, j].real for i, j in upper])
    im = np.array([x[i, j].imag for i, j in upper])
    return np.concatenate([diag, re, im])


def physical_crb(bound, x):
    """tr([I^-1]_pp) with the physical FIM I = S^-1 F(x) S^-1, m^2 (by a Cholesky solve)."""
    basis = np.array(bound["basis"])
    fim_scaled = np.tensordot(x, basis, axes=1)
    fim_scaled = 0.5 * (fim_scaled + fim_scaled.T)
    # [I^-1]_ii = s_i^2 [F^-1]_ii.
    chol = np.linalg.cholesky(fim_scaled)
    n_p = bound["n_p"]
    unit = np.eye(fim_scaled.shape[0])[:, :n_p]
    cols = np.linalg.solve(chol.T, np.linalg.solve(chol, unit))
    s = np.array(bound["scale"])[:n_p]
    return float(np.sum(s**2 * np.diag(cols[:n_p, :n_p])))


def rel(a, b):
    return abs(a - b) / abs(b)


# ---------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------


def solve(problem):
    """Solves with Clarabel at its default settings (those bpms starts from). A reduced-accuracy
    outcome is kept and reported, as bpms reports its own; anything else stops the run."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Solution may be inaccurate")
        problem.solve(solver=cp.CLARABEL)
    if problem.status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
        sys.exit(f"CVXPY/Clarabel ended {problem.status}")


def run_case(export, case, reps):
    form = export[case["form"]]
    alpha = case["alpha"]

    # Cold: a fresh problem each time, built and solved (canonicalisation included).
    cold, cold_solver = [], []
    for _ in range(reps):
        start = time.perf_counter()
        problem, lam, coords = build(form, alpha)
        solve(problem)
        cold.append(time.perf_counter() - start)
        cold_solver.append(problem.solver_stats.solve_time)

    # Warm: the last problem solved again (CVXPY reuses its cached compilation).
    warm, warm_solver = [], []
    for _ in range(reps):
        start = time.perf_counter()
        solve(problem)
        warm.append(time.perf_counter() - start)
        warm_solver.append(problem.solver_stats.solve_time)

    # The optimum, from the solved variable through the physical FIMs.
    x = coordinates_value(form, lam)
    crb_bp = physical_crb(form["bp"], x)
    crb_ms = physical_crb(form["ms"], x)
    objective_m2 = alpha * crb_bp + (1.0 - alpha) * crb_ms
    return {
        "form": case["form"],
        "scheme": case["scheme"],
        "alpha": alpha,
        "reps": reps,
        "iterations": problem.solver_stats.num_iters,
        "status": problem.status,
        "objective_scaled": problem.value,
        "crb_bp_m2": crb_bp,
        "crb_ms_m2": crb_ms,
        "objective_m2": objective_m2,
        "cold_s": statistics.median(cold),
        "warm_s": statistics.median(warm),
        "solver_s": statistics.median(cold_solver + warm_solver),
        "objective_rel_diff": rel(objective_m2, case["objective_m2"]),
        "objective_scaled_rel_diff": rel(problem.value, case["objective_scaled"]),
        "crb_bp_rel_diff": rel(crb_bp, case["crb_bp_m2"]),
        "crb_ms_rel_diff": rel(crb_ms, case["crb_ms_m2"]),
    }


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def ms(seconds):
    return f"{seconds * 1e3:9.2f}"


def print_table(export, results):
    by_key = {(c["form"], c["alpha"]): c for c in export["cases"]}
    print()
    print("Medians. bpms: `design(...)` wall time, and Clarabel's own solve time (all attempts; "
          "first attempt). CVXPY: cold = build + solve, warm = re-solve, and Clarabel's own time.")
    print()
    print("| case | alpha | bpms design | bpms Clarabel | bpms attempts "
          "| bpms Clarabel, 1st attempt | CVXPY cold | CVXPY warm | CVXPY Clarabel "
          "| cold / bpms | warm / bpms | Clarabel: CVXPY / bpms 1st | iterations bpms / CVXPY |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        b = by_key[(r["form"], r["alpha"])]
        bpms_wall = b["design_wall"]["median_s"]
        bpms_first = b["first_attempt_clarabel"]["median_s"]
        attempts = ", ".join(f"{label} {status}" for label, status, _ in b["attempts"])
        print(
            f"| {r['scheme']} {r['form']} | {r['alpha']} | {ms(bpms_wall)} ms "
            f"| {ms(b['clarabel_solve']['median_s'])} ms | {attempts} | {ms(bpms_first)} ms "
            f"| {ms(r['cold_s'])} ms | {ms(r['warm_s'])} ms | {ms(r['solver_s'])} ms "
            f"| {r['cold_s'] / bpms_wall:5.2f}x | {r['warm_s'] / bpms_wall:5.2f}x "
            f"| {r['solver_s'] / bpms_first:5.2f}x | {b['attempts'][0][2]} / {r['iterations']} |"
        )
    direct = [r for r in results if by_key[(r["form"], r["alpha"])].get("direct")]
    if direct:
        print()
        print("The direct method (bpms `--method quasi-newton`, the default for 0 < alpha < 1) "
              "on the same problems: median `design(...)` wall time; the objective relative to "
              "CVXPY's (negative: bpms lower).")
        print()
        print("| case | alpha | bpms quasi-newton | L-BFGS iterations | CVXPY cold / bpms "
              "| CVXPY warm / bpms | objective (bpms - CVXPY) / CVXPY | certificate gap |")
        print("|---|---|---|---|---|---|---|---|")
        for r in direct:
            d = by_key[(r["form"], r["alpha"])]["direct"]
            wall = d["design_wall"]["median_s"]
            diff = (d["objective_m2"] - r["objective_m2"]) / r["objective_m2"]
            print(
                f"| {r['scheme']} {r['form']} | {r['alpha']} | {ms(wall)} ms | {d['iterations']} "
                f"| {r['cold_s'] / wall:6.1f}x | {r['warm_s'] / wall:6.1f}x | {diff:+.1e} "
                f"| {d['certificate_gap_rel']:.1e} |"
            )
    print()
    print("| case | alpha | CRB_BP bpms (m^2) | CRB_BP rel. diff | CRB_MS bpms (m^2) "
          "| CRB_MS rel. diff | objective rel. diff | scaled objective rel. diff "
          "| status bpms / CVXPY | agrees to 1e-5 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        b = by_key[(r["form"], r["alpha"])]
        ok = "yes" if r["objective_rel_diff"] <= OPTIMUM_REL_TOL else "NO"
        print(
            f"| {r['scheme']} {r['form']} | {r['alpha']} "
            f"| {b['crb_bp_m2']:.6e} | {r['crb_bp_rel_diff']:.1e} "
            f"| {b['crb_ms_m2']:.6e} | {r['crb_ms_rel_diff']:.1e} | {r['objective_rel_diff']:.1e} "
            f"| {r['objective_scaled_rel_diff']:.1e} | {b['status']} / {r['status']} | {ok} |"
        )


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    parts = [
        f"{p['internal_api']} {p['version']} ({p.get('architecture')}, {p['num_threads']} threads)"
        for p in threadpool_info()
    ]
    return "; ".join(parts) or "none loaded"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("export", help="JSON written by the export_wcrb example")
    parser.add_argument("--reps", type=int, default=20, help="repetitions (reduced, codebook)")
    parser.add_argument("--reps-full", type=int, default=3, help="repetitions (full form)")
    parser.add_argument("--forms", default="reduced,codebook,full", help="forms to run")
    parser.add_argument("--out", help="write the results as JSON here")
    args = parser.parse_args()

    export = load(args.export)
    forms = args.forms.split(",")
    print(f"python {platform.python_version()}, cvxpy {cp.__version__}, "
          f"clarabel {clarabel.__version__}, numpy {np.__version__}")
    results = []
    for case in export["cases"]:
        if case["form"] not in forms:
            continue
        reps = args.reps_full if case["form"] == "full" else args.reps
        r = run_case(export, case, reps)
        print(f"peer {r['scheme']:<8} {r['form']:<8} alpha={r['alpha']:<4} "
              f"obj={r['objective_m2']:.9e} m^2 cold {r['cold_s'] * 1e3:.1f} ms "
              f"warm {r['warm_s'] * 1e3:.1f} ms clarabel {r['solver_s'] * 1e3:.1f} ms "
              f"({r['iterations']} it, {r['status']})", flush=True)
        results.append(r)
    print(f"BLAS libraries loaded in this process: {blas_info()}")

    print_table(export, results)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"results": results, "export_cases": export["cases"]}, f, indent=1)

    failed = [r for r in results if r["objective_rel_diff"] > OPTIMUM_REL_TOL]
    if failed:
        sys.exit(f"{len(failed)} case(s) disagree with bpms beyond {OPTIMUM_REL_TOL:g}")


if __name__ == "__main__":
    main()
