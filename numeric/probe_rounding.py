"""The rounding reruns of the probes: how far the derived probes move when the computation is
redone under the supplied dtype's rounding (``numeric.tangents.perturbed``), measured on a few
of the K directions of each quantity and turned into a relative spread.

Along a random direction V_i the departure of a correct supplied value is ⟨E, V_i⟩ for its
rounding error E: about ‖E‖_F·|z| with z ~ N(0, 1), whatever i is.  So RERUN_PROBES columns of
each quantity suffice: the root mean square of their departures over ‖V‖, over every rerun,
estimates ‖ΔQ‖_F/‖V‖_F, and SPREAD times it, times ‖V_i‖, is added to probe i's allowance.
The reruns then cost RERUNS·RERUN_PROBES/K of the main run's columns.
"""

from dataclasses import dataclass

import numpy as np

from numeric.tangents import Tangents

RERUNS = 3          # reruns under the supplied dtype's rounding
RERUN_PROBES = 4    # columns of each quantity in a rerun
SPREAD = 16.0       # the relative spread, times this, is added to the allowance


@dataclass
class Plan:
    """The forward-mode columns (``tangents``), name → its slice of columns (``cols``) and
    name → its directions and readouts (``dirs``)."""

    tangents: Tangents
    cols: dict
    dirs: dict


def subset(plan, k, whats):
    """The same plan on the first k directions of every quantity (``whats``: name → its
    target's kind, ``numeric.probe_targets.Target.what``)."""
    t = plan.tangents
    order = sorted(plan.cols.values(), key=lambda sl: sl.start)
    new = {sl.start: slice(i * k, (i + 1) * k) for i, sl in enumerate(order)}
    params = {name: [(new[sl.start], (V[0][:k], V[1][:k]) if isinstance(V, tuple) else V[:k])
                     for sl, V in groups] for name, groups in t.params.items()}
    kicks = [(new[sl.start], E[..., :k]) for sl, E in t.kicks]
    s0 = np.concatenate([t.s0[:, sl][:, :k] for sl in order], axis=1) if order else t.s0
    dirs = {name: _first(whats[name], d, k) for name, d in plan.dirs.items()}
    cols = {name: new[sl.start] for name, sl in plan.cols.items()}
    return Plan(Tangents(k * len(order), params, s0, kicks), cols, dirs)


def _first(what, d, k):
    """param: (a (K, r), b (K, c) or None), K first; the others carry K last."""
    if what == "param":
        return d[0][:k], None if d[1] is None else d[1][:k]
    if isinstance(d, tuple):
        return tuple(x[..., :k] for x in d)
    return d[..., :k]


def relative_spread(departures, weights):
    """RMS of departure / weight over reruns and sampled columns (0 when none)."""
    departures, weights = np.asarray(departures), np.asarray(weights)
    if departures.size == 0:
        return 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(weights > 0, departures / weights, np.where(departures > 0, np.inf, 0))
    return float(np.sqrt(np.mean(ratio * ratio)))
