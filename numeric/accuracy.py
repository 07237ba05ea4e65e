"""``python -m numeric.accuracy``: worst relative error per check method and activation.

Runs the checks on seeded random well-posed cases (W_hh = 0.9 · N(0, 1/n), n ∈ {1, 2, 3, 5},
T ∈ {1, 5, 20}) for every registered activation and prints the worst max_rel_error of each
method: the figures quoted in the closing note of the numeric issue.
"""

import math
import sys

import numpy as np

import derive
from numeric.case import Case
from numeric.verify import run_checks

METHODS = ("central", "richardson", "complex_step", "mpmath")


def random_case(name, n, T, seed, w_gain=0.9, y=True):
    """A seeded, well-posed case: W_hh = w_gain · N(0, 1/n), moderate inputs and targets."""
    rng = np.random.default_rng(seed)
    return Case(derive.activation(name), w_gain * rng.standard_normal((n, n)) / math.sqrt(n),
                rng.standard_normal((n, 2)), 0.3 * rng.standard_normal(n),
                0.5 * rng.standard_normal(n), rng.standard_normal((T, 2)),
                rng.standard_normal(n) if y else None)


def worst_errors(names=None, sizes=(1, 2, 3, 5), lengths=(1, 5, 20)):
    """{activation: {method: worst max_rel_error or None (not applicable)}}."""
    table = {}
    for name in names or derive.activation_names():
        worst = dict.fromkeys(METHODS)
        for n in sizes:
            for T in lengths:
                for method, report in run_checks(random_case(name, n, T, 1000 * n + T)).items():
                    if report.max_rel_error is not None:
                        worst[method] = max(worst[method] or 0.0, report.max_rel_error)
        table[name] = worst
    return table


def main():
    table = worst_errors()
    print(f"{'activation':<12}" + "".join(f"{m:>14}" for m in METHODS))
    for name, worst in table.items():
        cells = "".join(f"{'n/a' if v is None else f'{v:.2e}':>14}" for v in worst.values())
        print(f"{name:<12}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
