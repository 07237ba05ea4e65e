"""Central and Richardson differences for a cell: every column of every step Jacobian
J_k = ∂s_k/∂s_{k−1} (differencing the one-step map s ↦ F_k(s)) and, with a target y, every
entry of ∂L/∂θ and ∂L/∂s_0 (differencing the loss), judged entry by entry as
``numeric.verify.check_differences`` judges the Elman RNN's.

Column j of J_k is differenced with step t σ_j, σ_j = 2^⌊log2 (max(1, |s_j|) / w_j)⌋ where w_j
≥ 1 is the largest weight that multiplies s_j in a channel (or u_j): every channel moves by at
most t max(1, |s_j|).  A gradient entry b with step t σ_b (``cell_probe.power_scale``); all
entries of θ move at once, one per batch member.  Kinked φ (elman, indrnn with relu, hardtanh,
...): an entry whose step moves a φ argument across a kink is given a shorter step, or on the
kink one-sided quotients; a gradient entry with two or more arguments on kinks where φ' jumps
is not judged (no one-sided quotient need equal the kinks' convention).
"""

import numpy as np

from numeric import cell_probe as probe
from numeric import cells
from numeric import differences as fd
from numeric.check_horizon import not_compared
from numeric.verdicts import Tally
from numeric.verify import TOLERANCES, _compare, _kink_free_step

CHANNEL_ROUNDING = 1.0


def check_cell_differences(case, method, rtol=None, beyond=None, tick=None):
    """The ``CheckReport`` of central or Richardson differences for a ``CellCase`` (``beyond``:
    the reason the loss's quotients are not compared past the predictability horizon;
    ``tick(done, units, text)``: progress, ``numeric.check_progress``)."""
    tol = TOLERANCES[method] if rtol is None else rtol
    path, tally, steps = case.trajectory(), Tally(), []
    J = cells.step_jacobians(case.kind, case.activation, case.params, path)
    for k in range(1, case.T + 1):
        _columns(case, method, tol, tally, steps, path, k, J[k - 1])
        if tick is not None:
            tick(k, case.T + 1, f"J_k {k:,} of {case.T:,}")
    if case.y is not None and beyond is None:
        _gradients(case, method, tol, tally, steps, state_floors(case, path, J)[-1])
    report = tally.report(method, max(steps), tol)
    return report if case.y is None else not_compared(report, "the gradients", beyond)


def column_scales(case):
    """σ_j for the columns of J_k, at state s: see the module's docstring."""
    n, S = case.hidden, len(case.s0)
    weight = np.ones(S)
    for ch in case.kind.channels:
        if ch.recurrent:
            name, block = ch.recurrent
            rows = case.params[name][block * n:(block + 1) * n]
            weight[:n] = np.maximum(weight[:n], np.max(np.abs(rows), axis=0))
    for name in case.kind.unit_parameters:
        weight[:n] = np.maximum(weight[:n], np.abs(case.params[name]))
    return lambda s: 2.0 ** np.floor(np.log2(np.maximum(1.0, np.abs(s)) / weight))


def _columns(case, method, tol, tally, steps, path, k, J_k):
    """Compare g(t)[j] = F_k(s + t σ_j e_j) (rows j) with σ_j J_k[:, j]."""
    s, S, n = path.states[k - 1], len(case.s0), case.hidden
    sigma = column_scales(case)(s)
    moved = lambda t: s + t * np.diag(sigma)  # noqa: E731
    g = lambda t: probe.one_step(case, k, moved(t))  # noqa: E731
    base_args = probe.gate_arguments(case, case.params, path.channels[k - 1], s)

    def crosses(t):
        mask = np.zeros((S, S), dtype=bool)
        for sign in (2, -2):
            states = moved(sign * t)
            channels = cells.channel_values(case.kind, case.params, n, states[:, :n], case.x[k - 1])
            args = probe.gate_arguments(case, case.params, channels, states)
            unit = probe.unit_crossings(case, base_args, args)
            if unit is not None:
                mask |= np.tile(unit, len(case.kind.state))
        return mask

    t0 = fd.exact_step(fd.step_size(method, 0.0))
    t, near, t_kink = _kink_free_step(t0, crosses)
    steps.append(float(np.max(t * sigma[:, None])))
    _compare(tally, method, g, (t, t_kink), J_k.T * sigma[:, None], near, tol,
             rounding=_rounding(case, path, k)[None, :])


def _rounding(case, path, k):
    """Per entry of s_k: (S + m + 4) Σ_j |∂s_k/∂L_j| |L_j|_bound + Σ_b |∂s_k/∂s_b| |s_b|, the
    rounding of the channels and states the step carries into s_k (times ε in the floor)."""
    channels, states = _carried(case, path, k)
    return (len(case.s0) + case.x.shape[1] + 4) * (channels + states)


def _carried(case, path, k):
    """(Σ_j |∂s_k/∂L_j| |L_j|_bound, Σ_b |∂s_k/∂s_b| |s_b|) per entry of s_k: the sizes of the
    channels and of the old states, each times what it moves s_k by."""
    kind, n = case.kind, case.hidden
    d = cells.step_partials(kind, case.activation, case.params, path.channels[k - 1],
                            path.states[k - 1])
    bounds = probe.magnitudes(case, case.params, path, k)
    parts = [path.states[k - 1][p * n:(p + 1) * n] for p in range(len(kind.state))]
    channels, states = [], []
    for row in d:
        channels.append(sum(np.abs(row[j]) * bounds[j] for j in range(len(bounds))))
        states.append(sum(np.abs(row[len(bounds) + b]) * np.abs(parts[b])
                          for b in range(len(parts))))
    return np.concatenate(channels), np.concatenate(states)


def state_floors(case, path, J, factor=CHANNEL_ROUNDING):
    """Rounding floor of the float states s_0..s_T carried from the channels, per entry:
    f_0 = 0, f_k = |J_k| f_{k−1} + ``factor`` ε Σ_j |∂s_k/∂L_j| |L_j|_bound (``_carried``;
    |L_j|_bound: the channel's Σ |terms|, as |W_ih x| + |u h| + |b| of an IndRNN): a channel
    near 10⁵ is off by about ε 10⁵ ≈ 2e-11, which φ' carries into s_k and later steps.
    ``factor`` 1: one ε per channel, the size of a sum's rounding of a few terms (√p u ≤ ε
    for p ≤ 4 terms); the worst case p u would hide ordinary cells' Richardson quotients
    (LSTM, n = 2, T = 4: 44 of 52 entries judged, 24 at factor 4), while on the IndRNN at
    a = 10⁵ factor 1 leaves the floor 25 times the quotient's actual error."""
    floors = [np.zeros(len(case.s0))]
    for k in range(1, case.T + 1):
        floors.append(np.abs(J[k - 1]) @ floors[-1]
                      + factor * fd.EPS * _carried(case, path, k)[0])
    return np.array(floors)


def _gradients(case, method, tol, tally, steps, floor_T):
    """Compare g(t)[b] = L(θ + t σ_b e_b) with σ_b ∂L/∂θ_b for every entry b of θ.  The
    loss's rounding (in units of ε): Σ |h_T − y| (|h_T| + |y| + f_T / ε), ``floor_T`` the
    floor of s_T (``state_floors``): the rounding of every channel carried into h_T."""
    theta, names = probe.flat(case)
    sigma = probe.power_scale(theta)
    reference = np.concatenate([*(v.ravel() for v in _grads(case).params.values()),
                                _grads(case).state0])
    base = probe.batch_path(case, theta)[0]
    residual = base.states[-1][:case.hidden] - case.y
    rounding = float(np.sum(np.abs(residual) * (np.abs(base.states[-1][:case.hidden])
                                                + np.abs(case.y)
                                                + floor_T[:case.hidden] / fd.EPS)))
    moved = lambda t: theta + t * np.diag(sigma)  # noqa: E731
    g = lambda t: probe.losses(case, probe.batch_path(case, moved(t))[0])  # noqa: E731
    base_args = _all_arguments(case, base, case.params)

    def counts(t, jumps_only=False):
        """Per entry of θ: how many gate arguments ±2t moves onto or across a kink."""
        gates = probe.kinked_gates(case.kind, case.activation)
        masks = {}
        for sign in (2, -2):
            path, params = probe.batch_path(case, moved(sign * t))
            for k, after in enumerate(_all_arguments(case, path, params)):
                for i, (_, points, jumps) in enumerate(gates):
                    hit = probe.crossed(jumps if jumps_only else points, base_args[k][i],
                                        after[i])
                    masks[k, i] = masks.get((k, i), False) | hit
        total = sum(np.sum(mask, axis=-1) for mask in masks.values())
        return np.zeros(len(theta), int) + total

    t0 = fd.exact_step(fd.step_size(method, 0.0))
    t, near, t_kink = _kink_free_step(t0, lambda t: counts(t) > 0)
    steps.append(float(np.max(t * sigma)))
    keep = ~(near & (counts(t_kink, True) > 1))
    tally.ambiguous += int(np.sum(~keep))
    _compare(tally, method, lambda u: g(u)[keep], (t[keep], t_kink), reference[keep] * sigma[keep],
             near[keep], tol, rounding=rounding)


def _grads(case):
    return cells.bptt(case.kind, case.activation, case.params, case.s0, case.x, case.y)


def _all_arguments(case, path, params):
    """Kinked gate arguments at every step: a list over steps of lists over gates."""
    if not probe.kinked_gates(case.kind, case.activation):
        return []
    return [probe.gate_arguments(case, params, path.channels[k], path.states[k])
            for k in range(case.T)]
