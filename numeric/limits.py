"""``python -m numeric.limits [--quick]``: the largest job each rnngrad command accepts, and
the time and peak memory it takes on this machine.

The caps are read from the constants the code checks (``numeric.grids``, ``derive.budget``,
``numeric.run_cost``), never re-typed here.  Each job runs in its own Python process, so its
peak resident memory (``ru_maxrss``, imports included) is its own:

    sweep   ``scalar_sweep`` over the largest grid, MAX_GRID w values × 1 T (the command's
            table, CSV or JSON adds about BYTES_PER_CELL a cell on top)
    derive  the derivation of tanh at n = MAX_HIDDEN, m = 1, T = 3
    check   ``run_checks`` at the largest n (T = 1) whose estimated time is within the budget

``--quick`` runs each at a tenth of its size (n: a half) and says so.
"""

import argparse
import json
import resource
import subprocess
import sys
import time

import derive
from numeric.grids import BYTES_PER_CELL, MAX_GRID, MAX_T
from numeric.run_cost import BUDGET_S, check_seconds


def largest_check_n(T=1, budget=BUDGET_S):
    """The largest n whose ``rnngrad check`` at T steps is estimated within ``budget`` s.

    >>> check_seconds(largest_check_n(), 1) <= BUDGET_S < check_seconds(largest_check_n() + 1, 1)
    True
    """
    n = 1
    while check_seconds(n + 1, T) <= budget:
        n += 1
    return n


def largest_check_T(n=1, budget=BUDGET_S):
    """The largest T whose check at n hidden units is estimated within ``budget`` s."""
    return int(budget / check_seconds(n, 1))


def caps():
    """(command, what, largest accepted value, where it is checked) rows."""
    return [
        ("sweep", "grid points (w values x T values)", f"{MAX_GRID:,}", "numeric.grids"),
        ("sweep", "T", f"{MAX_T:,}", "numeric.grids"),
        ("derive", "--hidden n", f"{derive.MAX_HIDDEN:,}", "derive.budget"),
        ("derive", "--inputs m", f"{derive.MAX_INPUTS:,}", "derive.budget"),
        ("derive", "--steps T", f"{derive.MAX_STEPS:,}", "derive.budget"),
        ("derive", "symbolic time", f"{derive.BUDGET_SECONDS:g} s", "derive.budget"),
        ("check", f"n at T = 1 (within {BUDGET_S:g} s)", f"{largest_check_n()}",
         "numeric.run_cost"),
        ("check", f"T at n = 1 (within {BUDGET_S:g} s)", f"{largest_check_T():,}",
         "numeric.run_cost"),
    ]


def _job(name, scale):
    """Run one capped job at ``scale`` of its size; its size in words."""
    import numpy as np

    if name == "sweep":
        count = max(1, int(MAX_GRID * scale))
        from numeric.sweep import scalar_sweep
        scalar_sweep("tanh", np.linspace(-2.0, 2.0, count), np.array([1]), inputs=0.1)
        return f"{count:,} w x 1 T"
    if name == "derive":
        n = max(1, int(derive.MAX_HIDDEN * min(1.0, 5 * scale)))
        derive.derivation(derive.RNN(hidden=n, inputs=1, activation=derive.activation("tanh")),
                          3).to_text()
        return f"n = {n}, m = 1, T = 3"
    from numeric.case import Case
    from numeric.check_horizon import case_horizon
    from numeric.verify import run_checks

    n = max(1, int(largest_check_n() * min(1.0, 5 * scale)))
    rng = np.random.default_rng(0)
    case = Case(activation=derive.activation("tanh"),
                W_hh=0.9 * rng.standard_normal((n, n)) / np.sqrt(n),
                W_xh=rng.standard_normal((n, 1)), b_h=np.zeros(n), h0=np.zeros(n),
                x=0.3 * rng.standard_normal((1, 1)), y=np.full(n, 0.1))
    run_checks(case, None, case_horizon(case, None))
    return f"n = {n}, T = 1"


def measure(name, scale):
    """(size, seconds, peak MiB) of job ``name`` run in a fresh Python process."""
    done = subprocess.run([sys.executable, "-m", "numeric.limits", "--job", name,
                           "--scale", str(scale)], capture_output=True, text=True, check=True)
    data = json.loads(done.stdout.splitlines()[-1])
    return data["size"], data["seconds"], data["peak_mib"]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m numeric.limits", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="run each job at a tenth of its size (n: a half)")
    parser.add_argument("--job", choices=("sweep", "derive", "check"), help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.job:
        start = time.perf_counter()
        size = _job(args.job, args.scale)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux
        print(json.dumps({"size": size, "seconds": time.perf_counter() - start,
                          "peak_mib": peak}))
        return 0
    print("largest accepted (cap, where it is checked):")
    for command, what, value, where in caps():
        print(f"  {command:<7} {what:<34} {value:>12}   {where}")
    print(f"  (sweep output: about {BYTES_PER_CELL} bytes a cell more, "
          f"{MAX_GRID * BYTES_PER_CELL / 2**30:.1f} GiB at the cap)")
    scale = 0.1 if args.quick else 1.0
    print(f"measured on this machine{' (--quick: smaller sizes)' if args.quick else ''}:")
    for name in ("sweep", "derive", "check"):
        size, seconds, peak = measure(name, scale)
        print(f"  {name:<7} {size:<24} {seconds:8.1f} s {peak:8.0f} MiB peak")
    return 0


if __name__ == "__main__":
    sys.exit(main())
