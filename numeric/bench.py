"""``python -m numeric.bench [--json] [--quick] [--only ABCDEF|ABCDE|ABC|DE|A|B|C|F]
[--repeat R] [--steps N]``: the benchmark workloads.

A: scalar tanh h_t = tanh(w h_{t-1} + x_t), x_t = 0.1·N(0,1) (seed 0), 1000 w in [−3, 3],
   T ∈ {10, 100, 1000}: |∂h_T/∂h_0| for every w.
B: n = 32 tanh, W_hh = g·W0, W0 ~ N(0, 1/n) (seed 0), 256 gains in [0.25, 2.5], T = 100,
   x_k = 0.1·N(0, I) (seed 1), h_0 = 0: ‖∂h_T/∂h_0‖₂ for every g (``numeric.bench_gains``),
   timed with the BLAS's default threads and again on one thread (``*_1_thread``).
C: LSTM, n = 32, 64 forget-gate biases in [−2, 4], T = 1000: ‖∂s_T/∂s_0‖₂ for every bias,
   against torch.func jacrev peers in float64 (``numeric.bench_cells``), as a ratio to them.
D, E: the gain sweep of B at n = 256, 64 gains, T = 1000 (D) and n = 1024, 16 gains, T = 200
   (E) on every installed array backend (numpy, jax, torch; the GPU when present), each beside
   a plain loop in the same library (``numeric.bench_dynamics``): rnngrad / plain.
F: supplied gradients (Elman n = 256, LSTM n = 128, T = 1000, from torch autograd float64)
   checked by ``numeric.check_gradients``, as a ratio to torch's own forward + backward in
   the same run; probes (n = 512, T = 500, 16 projections) beside the full check
   (``numeric.bench_supplied``).

Times are best-of-``repeat`` wall clock from one run, printed as ratios to a plain batched
NumPy product without rescaling measured in the same run; ``blas`` names the BLAS and its
default thread count (threadpoolctl).  Peers (torch.autograd.functional.jacobian in a loop,
torch.func.vmap(jacrev), JAX jit(vmap(jacfwd)) with its compile time apart) are measured when
installed and listed as absent otherwise.  Accuracy: the max relative difference between
methods over the values that stayed in float64's normal range, with the count of those that
underflowed or overflowed (A's peers and baseline multiply without rescaling: at T = 1000 most
of their values fall below 2.2e-308), and against a 30-digit mpmath loop on a subsample; for B
at large gains beside a condition estimate (the spread under 1-ulp perturbations of h_0, W0).
"""

import argparse
import importlib.util
import json
import math
import pathlib
import sys
import time

import mpmath
import numpy as np

from numeric.sweep import scalar_sweep


def workload_a(quick=False):
    w = np.linspace(-3, 3, 100 if quick else 1000)
    T = np.array([10, 100] if quick else [10, 100, 1000])
    x = 0.1 * np.random.default_rng(0).standard_normal(int(T.max()))
    return w, T, x


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


def mp_a(w, T_max, x, dps=30):
    """30-digit oracle for one w: log10|Π w sech²(a_t)|."""
    with mpmath.workdps(dps):
        w, h, total = mpmath.mpf(w), mpmath.mpf(0), mpmath.mpf(0)
        for t in range(T_max):
            a = w * h + mpmath.mpf(x[t])
            h = mpmath.tanh(a)
            total += mpmath.log10(abs(w) * mpmath.sech(a) ** 2)
        return float(total)


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


def blas_info():
    """The BLAS libraries NumPy loaded and their default thread counts (threadpoolctl)."""
    from threadpoolctl import threadpool_info

    found = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    names = sorted(f"{lib['internal_api']} {lib['version']} ({_package(lib['filepath'])})"
                   for lib in found)
    return {"library": ", ".join(names),
            "threads": max((lib["num_threads"] for lib in found), default=None)}


def _package(path):
    """The package that ships a shared library: numpy for .../numpy.libs/libscipy_openblas…"""
    return pathlib.Path(path).parent.name.removesuffix(".libs")


def run(quick=False, only="ABCDEF", repeat=3, steps=None):
    """Measure the workloads named in ``only``; a JSON-ready dict (D, E: best of ``repeat``,
    T cut to ``steps`` when given)."""
    from numeric import bench_cells, bench_dynamics, bench_gains, bench_peers, bench_supplied

    report = {"peers_installed": peers(), "blas": blas_info()}
    for name in "DE":
        if name in only:
            report[name] = bench_dynamics.run_workload(name, quick, timed, repeat, steps)
    if "A" in only:
        report["A"] = _run_a(quick, bench_peers)
    if "B" in only:
        report["B"] = bench_gains.run_b(quick, timed, bench_peers, report["blas"]["threads"])
    if "C" in only:
        report["C"] = bench_cells.run_c(quick, timed, report["peers_installed"]["torch"])
    if "F" in only:
        report["F"] = bench_supplied.run_f(quick, timed, report["peers_installed"]["torch"])
    return report


def _run_a(quick, bench_peers):
    w, T, x = workload_a(quick)
    t_base, base = timed(baseline_a, w, T, x)
    t_ours, ours = timed(ours_a, w, T, x)
    sub = np.linspace(0, len(w) - 1, 5 if quick else 20).astype(int)
    oracle = np.array([mp_a(w[i], int(T.max()), x) for i in sub])
    out = {"baseline_s": t_base, "ours_s": t_ours, "ours_over_baseline": t_ours / t_base,
           **bench_peers.against_ours(base, ours, "max_rel_diff_ours_baseline"),
           "max_rel_error_vs_mpmath": rel_diff_log10(ours[sub, -1], oracle),
           "baseline_rel_error_vs_mpmath": bench_peers.compare(
               "baseline", base[sub, -1], oracle)["baseline_max_rel_diff"],
           "float64_range_note": bench_peers.RANGE_NOTE}
    out.update(bench_peers.scalar_peers(w, T, x, ours, t_base, quick))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m numeric.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--only", choices=("ABCDEF", "ABCDE", "ABC", "DE", "A", "B", "C", "F"),
                        default="ABCDEF", help="the workloads to run (default all)")
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
    blas = report["blas"]
    lines = [f"peers installed: {report['peers_installed']}",
             f"BLAS: {blas['library'] or 'none found'}, {blas['threads']} threads by default"]
    for name in (key for key in ("A", "B", "C", "D", "E", "F") if key in report):
        lines.append(f"workload {name}:")
        for key, value in report[name].items():
            if isinstance(value, list):
                for row in value:
                    lines.append(f"  {key}: " + ", ".join(f"{k}={v:.3g}" for k, v in row.items()))
            else:
                lines.append(f"  {key:<36} {value:.4g}" if isinstance(value, float)
                             else f"  {key:<36} {'null' if value is None else value}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
