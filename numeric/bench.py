"""``python -m numeric.bench [--json] [--quick] [--only ABCDE|ABC|DE] [--repeat R] [--steps N]``:
the benchmark workloads.

A: scalar tanh h_t = tanh(w h_{t-1} + x_t), x_t = 0.1·N(0,1) (seed 0), 1000 w in [−3, 3],
   T ∈ {10, 100, 1000}: |∂h_T/∂h_0| for every w.
B: n = 32 tanh, W_hh = g·W0, W0 ~ N(0, 1/n) (seed 0), 256 gains in [0.25, 2.5], T = 100,
   x_k = 0.1·N(0, I) (seed 1), h_0 = 0: ‖∂h_T/∂h_0‖₂ for every g.
C: LSTM, n = 32, 64 forget-gate biases in [−2, 4], T = 1000: ‖∂s_T/∂s_0‖₂ for every bias,
   against torch.func jacrev peers in float64 (``numeric.bench_cells``), as a ratio to them.
D, E: the gain sweep of B at n = 256, 64 gains, T = 1000 (D) and n = 1024, 16 gains, T = 200
   (E) on every installed array backend (numpy, jax, torch; the GPU when present), each beside
   a plain loop in the same library (``numeric.bench_dynamics``): rnngrad / plain.

Times are best-of-``repeat`` wall clock from one run, printed as ratios to a plain batched
NumPy product without rescaling measured in the same run.  Peers (torch.autograd.functional.
jacobian in a loop, torch.func.vmap(jacrev), JAX jit(vmap(jacfwd)) with its compile time
apart) are measured when installed and listed as absent otherwise.  Accuracy: the max relative
difference between methods, and against a 30-digit mpmath loop on a subsample; for B at large
gains beside a condition estimate (the spread under 1-ulp perturbations of h_0 and W0).
"""

import argparse
import importlib.util
import json
import math
import sys
import time

import mpmath
import numpy as np

from numeric.gains import gain_sweep
from numeric.sweep import scalar_sweep


def workload_a(quick=False):
    w = np.linspace(-3, 3, 100 if quick else 1000)
    T = np.array([10, 100] if quick else [10, 100, 1000])
    x = 0.1 * np.random.default_rng(0).standard_normal(int(T.max()))
    return w, T, x


def workload_b(quick=False):
    n, G, T = (8, 16, 20) if quick else (32, 256, 100)
    W0 = np.random.default_rng(0).standard_normal((n, n)) / math.sqrt(n)
    x = 0.1 * np.random.default_rng(1).standard_normal((T, n))
    return W0, np.linspace(0.25, 2.5, G), T, x


def ours_a(w, T, x):
    return scalar_sweep("tanh", w, T, inputs=x).log10_abs_grad


def baseline_a(w, T, x):
    """Plain batched NumPy, no rescaling: p *= w sech²(a) (under/overflows for long T)."""
    h, p, out = np.zeros_like(w), np.ones_like(w), np.empty((len(w), len(T)))
    wanted = {int(t): i for i, t in enumerate(T)}
    with np.errstate(all="ignore"):
        for t in range(1, int(T.max()) + 1):
            a = w * h + x[t - 1]
            h = np.tanh(a)
            p = p * (w / np.cosh(a) ** 2)
            if t in wanted:
                out[:, wanted[t]] = np.log10(np.abs(p))
    return out


def ours_b(W0, gains, T, x):
    return gain_sweep(W0, gains, np.array([T]), inputs=x).log10_norm[:, 0]


def baseline_b(W0, gains, T, x):
    """Plain batched NumPy: P_g ← diag(φ'(a)) g W0 P_g for every g at once, no rescaling."""
    G, n = len(gains), len(W0)
    W = gains[:, None, None] * W0[None]
    h, P = np.zeros((G, n)), np.tile(np.eye(n), (G, 1, 1))
    with np.errstate(all="ignore"):
        for t in range(T):
            a = np.einsum("gij,gj->gi", W, h) + x[t]
            h = np.tanh(a)
            P = (1 / np.cosh(a) ** 2)[:, :, None] * (W @ P)
        return np.log10(np.linalg.norm(P, 2, axis=(1, 2)))


def mp_a(w, T_max, x, dps=30):
    """30-digit oracle for one w: log10|Π w sech²(a_t)|."""
    with mpmath.workdps(dps):
        w, h, total = mpmath.mpf(w), mpmath.mpf(0), mpmath.mpf(0)
        for t in range(T_max):
            a = w * h + mpmath.mpf(x[t])
            h = mpmath.tanh(a)
            total += mpmath.log10(abs(w) * mpmath.sech(a) ** 2)
        return float(total)


def mp_b(W0, g, T, x, dps=30):
    with mpmath.workdps(dps):
        W = mpmath.matrix((g * W0).tolist())  # g·W0 rounded once, as every float path does
        n = W.rows
        h, P = mpmath.zeros(n, 1), mpmath.eye(n)
        for t in range(T):
            a = W * h + mpmath.matrix(x[t].tolist())
            h = mpmath.matrix([mpmath.tanh(v) for v in a])
            P = mpmath.diag([mpmath.sech(v) ** 2 for v in a]) * W * P
        return float(mpmath.log10(max(mpmath.svd_r(P, compute_uv=False))))


def timed(function, *args, repeat=3):
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def rel_diff_log10(a, b):
    """Max relative difference of the gradients whose log10 are a and b (finite entries)."""
    mask = np.isfinite(a) & np.isfinite(b)
    return float(np.max(np.abs(a[mask] - b[mask]))) * math.log(10) if mask.any() else None


def peers():
    return {name: importlib.util.find_spec(module) is not None
            for name, module in (("torch", "torch"), ("jax", "jax"))}


def run(quick=False, only="ABCDE", repeat=3, steps=None):
    """Measure the workloads named in ``only``; a JSON-ready dict (D, E: best of ``repeat``,
    T cut to ``steps`` when given)."""
    from numeric import bench_cells, bench_dynamics, bench_peers

    report = {"peers_installed": peers()}
    for name in "DE":
        if name in only:
            report[name] = bench_dynamics.run_workload(name, quick, timed, repeat, steps)
    if "A" in only:
        _run_abc(report, quick, bench_cells, bench_peers)
    return report


def _run_abc(report, quick, bench_cells, bench_peers):
    report.update({"A": {}, "B": {}})
    w, T, x = workload_a(quick)
    t_base, base = timed(baseline_a, w, T, x)
    t_ours, ours = timed(ours_a, w, T, x)
    sub = np.linspace(0, len(w) - 1, 5 if quick else 20).astype(int)
    oracle = np.array([mp_a(w[i], int(T.max()), x) for i in sub])
    report["A"] = {"baseline_s": t_base, "ours_s": t_ours, "ours_over_baseline": t_ours / t_base,
                   "max_rel_diff_ours_baseline": rel_diff_log10(ours, base),
                   "max_rel_error_vs_mpmath": rel_diff_log10(ours[sub, -1], oracle),
                   "baseline_rel_error_vs_mpmath": rel_diff_log10(base[sub, -1], oracle)}
    report["A"].update(bench_peers.scalar_peers(w, T, x, ours, t_base, quick))
    W0, gains, TB, xb = workload_b(quick)
    t_base, base = timed(baseline_b, W0, gains, TB, xb)
    t_ours, ours = timed(ours_b, W0, gains, TB, xb)
    report["B"] = {"baseline_s": t_base, "ours_s": t_ours, "ours_over_baseline": t_ours / t_base,
                   "max_rel_diff_ours_baseline": rel_diff_log10(ours, base)}
    report["B"].update(_accuracy_b(W0, gains, TB, xb, ours, quick))
    report["B"].update(bench_peers.gain_peers(W0, gains, TB, xb, ours, t_base, quick))
    report["C"] = bench_cells.run_c(quick, timed, report["peers_installed"]["torch"])


def _accuracy_b(W0, gains, T, x, ours, quick):
    picks = [0.5, 1.0, 1.5, 2.4] if not quick else [0.5, 2.4]
    idx = [int(np.argmin(np.abs(gains - g))) for g in picks]
    rng = np.random.default_rng(5)
    ulp = np.finfo(float).eps
    W1 = W0 * (1 + ulp * rng.choice([-1, 1], W0.shape))
    h_shift = ulp * rng.standard_normal(len(W0))
    perturbed = gain_sweep(W1, gains[idx], np.array([T]), inputs=x,
                           h0=h_shift).log10_norm[:, 0]
    rows = []
    for k, i in enumerate(idx):
        exact = mp_b(W0, gains[i], T, x)
        rows.append({"g": float(gains[i]),
                     "rel_error_vs_mpmath": abs(ours[i] - exact) * math.log(10),
                     "condition_spread": abs(perturbed[k] - ours[i]) * math.log(10)})
    return {"mpmath_subsample": rows}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m numeric.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--only", choices=("ABCDE", "ABC", "DE"), default="ABCDE",
                        help="the workloads to run (default all)")
    parser.add_argument("--repeat", type=int, default=3, help="D, E: best of this many runs "
                        "(default 3; the first JAX run compiles)")
    parser.add_argument("--steps", type=int, metavar="N", help="D, E: cut T to N steps (the "
                        "full T = 1000 and 200 take tens of minutes on two cores)")
    args = parser.parse_args(argv)
    try:
        report = run(args.quick, args.only, args.repeat, args.steps)
    except ValueError as error:
        parser.exit(2, f"python -m numeric.bench: error: {error}\n")
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print(render(report))
    return 0


def render(report):
    lines = [f"peers installed: {report['peers_installed']}"]
    for name in (key for key in ("A", "B", "C", "D", "E") if key in report):
        lines.append(f"workload {name}:")
        for key, value in report[name].items():
            if isinstance(value, list):
                for row in value:
                    lines.append(f"  {key}: " + ", ".join(f"{k}={v:.3g}" for k, v in row.items()))
            else:
                lines.append(f"  {key:<36} {value:.4g}" if isinstance(value, float)
                             else f"  {key:<36} {value}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
