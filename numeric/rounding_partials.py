"""What an absolute rounding of the gate outputs does to each entry of the gradient and of the
step Jacobians: the part of a lower precision's error that perturbing stored values by a
relative u cannot show.

Code that forms φ' from a stored output (1 − y² for y = tanh(z), y(1 − y) for y = σ(z)), or
1 − σ from a stored σ (the GRU's 1 − z), is off by about u·|y| absolute, not u·|φ'|: where a
unit saturates (y → ±1, σ → 1) the result is small and its relative error large (float32 gives
1 − y² = 0 once |z| ≳ 9); where σ → 0 the error u·σ stays relative.  So every unit partial v
of step k (a function of the unit inputs, ``derive.unit_partials``), written in the gate
outputs y it uses, becomes in each Monte Carlo run r

    v + u·ξ_r·(|v| + Σ_y |∂v/∂y|·|y|),   ξ_r uniform in [−1, 1],

per unit: ``runs`` runs with ξ drawn afresh at every step (independent roundings) and ``runs``
runs with ξ drawn once per unit and partial and kept for all T steps (a saturated unit has the
same output, and so the same rounding, at every step: its errors add up along T instead of
averaging out).  The same BPTT (``numeric.cells``'s recursion, float64, forward pass exact)
runs with the plain partials and with every run's, all lanes side by side (the partials and
their sensitivity are evaluated once per step), and so do J_k = ∂s_k/∂s_{k−1} and J_T ⋯ J_1;
the result is, per entry, the largest |run − plain| over each group of runs.  Activations
other than tanh and the sigmoid keep the relative term only.
"""

from functools import lru_cache

import numpy as np
import sympy as sp

import derive
from numeric import cells
from numeric.backward import Backward, problem
from numeric.cell_bridge import _compile
from numeric.exact_zeros import matmul, times
from numeric.supplied_reference import quantities_from_backward

RUNS = 3
JACOBIANS = ("step_jacobians", "jacobian_product")


def partial_spread(case, names, u, rng, runs=RUNS):
    """(independent, coherent): two dicts name → the entrywise spread (largest |run − plain|)
    under absolute partial rounding u, over ``runs`` runs whose ξ is drawn afresh at every step
    and over ``runs`` runs whose ξ is drawn once per unit and partial and kept for all steps
    (a saturated unit's output, and so its rounding, is the same at every step: the errors add
    up along T instead of averaging out).  For the quantities of the backward pass
    (parameters, gate blocks, ∂L/∂h_0, ∂L/∂c_0, delta) and ``step_jacobians``,
    ``jacobian_product`` among ``names`` (not the loss: it has no partials)."""
    prob = problem(case)
    names = tuple(name for name in names if name != "loss")
    backward_names = tuple(name for name in names if name not in JACOBIANS)
    path = cells.forward(prob.kind, prob.act, prob.params, np.asarray(prob.s0, float),
                         np.asarray(prob.x, float))
    partials = _noisy_partials(prob, path, u, rng, runs)
    halves = (slice(1, runs + 1), slice(runs + 1, None))
    out = ({}, {})
    if backward_names:
        plain, noisy = _bptt(prob, path, partials)
        for half, found in zip(halves, out, strict=True):
            spread = Backward({own: _spread(plain.params[own], noisy.params[own][half])
                               for own in plain.params},
                              _spread(plain.state0, noisy.state0[half]), 0.0,
                              _spread(plain.delta, noisy.delta[half]))
            found.update(quantities_from_backward(case, backward_names, spread))
    if "step_jacobians" in names:
        S = len(prob.s0)
        J = np.stack([cells.apply_step_jacobian(prob.kind, prob.params, d, np.eye(S))
                      for d in partials], axis=1)
        for half, found in zip(halves, out, strict=True):
            found["step_jacobians"] = _spread(J[0], J[half])
    if "jacobian_product" in names:
        P, exponent = _product(prob, partials)
        with np.errstate(over="ignore", under="ignore"):
            for half, found in zip(halves, out, strict=True):
                found["jacobian_product"] = np.ldexp(_spread(P[0], P[half]), exponent)
    return out


def _spread(plain, noisy):
    """max over runs |noisy_r − plain| (runs on the first axis of ``noisy``)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return np.max(np.abs(noisy - plain), axis=0)


def _noisy_partials(prob, path, u, rng, runs):
    """Per step k = 1..T, the unit partials as [[(1 + 2·runs, n)]]: row 0 plain, rows
    1..runs the independent runs, the rest the coherent ones (``path``: the forward pass)."""
    kind, act, params = prob.kind, prob.act, prob.params
    n = cells.hidden_size(kind, params)
    steps, fixed = [], {}
    for L, s in zip(path.channels, path.states, strict=False):
        plain = cells.step_partials(kind, act, params, L, s)
        rows = []
        for a, (row, srow) in enumerate(zip(plain, _scales(prob, L, s, n), strict=True)):
            out = []
            for j, (v, scale) in enumerate(zip(row, srow, strict=True)):
                v = np.broadcast_to(np.asarray(v, float), (n,))
                xi = np.concatenate([np.zeros((1, n)), rng.uniform(-1, 1, (runs, n)),
                                     fixed.setdefault((a, j), rng.uniform(-1, 1, (runs, n)))])
                out.append(v + u * (np.abs(v) + scale) * xi)
            rows.append(out)
        steps.append(rows)
    return steps


def _scales(prob, channels, s, n):
    """Σ_y |∂v/∂y|·|y| for every partial v, over the gate outputs y it is formed from."""
    kind, act, params = prob.kind, prob.act, prob.params
    return [[np.abs(np.broadcast_to(v, (n,))) for v in row]
            for row in _output_rounding(kind, act)(*cells._unit_inputs(
                kind, params, n, channels, s))]


@lru_cache(maxsize=32)
def _output_rounding(kind, act):
    """The unit partials' sensitivity to their gate outputs, compiled over the unit inputs:
    each partial v written in the outputs y = φ(z) it uses (φ'(z) as 1 − y² for tanh, y(1 − y)
    for the sigmoid, as code that keeps only the outputs forms it), then Σ_y |∂v/∂y|·|y|."""
    _, inputs = derive.unit_map(kind, act)
    rows = derive.unit_partials(kind, act)
    outputs, forms = {}, {}
    for expr in (e for row in rows for e in row):
        for node in expr.atoms(sp.Function):
            if not derive.is_gate(node) or type(node).activation.name not in DERIVATIVE:
                continue
            value = derive.gate(type(node).activation)(node.args[0])
            y = outputs.setdefault(value, sp.Dummy(f"y{len(outputs)}"))
            forms[value] = y
            if type(node).is_derivative:
                forms[node] = DERIVATIVE[type(node).activation.name](y)
    back = {y: value for value, y in outputs.items()}
    flat = []
    for expr in (e for row in rows for e in row):
        written = expr.xreplace(forms)
        flat.append(sum((sp.Abs(sp.diff(written, y) * y) for y in back), sp.S.Zero)
                    .xreplace(back))
    function, width = _compile(inputs, flat), len(inputs)

    def apply(*values):
        entries = function(*values)
        return [entries[a * width:(a + 1) * width] for a in range(len(rows))]

    return apply


DERIVATIVE = {"tanh": lambda y: 1 - y ** 2, "sigmoid": lambda y: y * (1 - y)}


def _product(prob, partials):
    """(J_T ⋯ J_1 of every lane, stacked; the power of two it is scaled by): the lanes are
    rescaled together after every step (exact), so the product neither overflows nor
    underflows on the way."""
    from numeric.rnn import _rescaled

    S = len(prob.s0)
    P, exponent = np.broadcast_to(np.eye(S), (len(partials[0][0][0]), S, S)), 0
    for d in partials:
        P, exponent = _rescaled(cells.apply_step_jacobian(prob.kind, prob.params, d, P),
                                exponent)
    return P, exponent


def _bptt(prob, path, partials):
    """BPTT of ``prob`` (final-step or per-step loss) along its forward ``path`` with the given
    partials, all lanes side by side: (lane 0's ``Backward``, every lane's ``Backward`` with a
    leading lanes axis).  A g_k beyond float64 is inf; δ_k · 0 stays 0."""
    with np.errstate(over="ignore", invalid="ignore"):
        return _bptt_lanes(prob, path, partials)


def _bptt_lanes(prob, path, partials):
    kind, params, x = prob.kind, prob.params, np.asarray(prob.x, float)
    n, parts, nch, T = cells.hidden_size(kind, params), len(kind.state), len(kind.channels), len(x)
    R = len(partials[0][0][0])
    grads = {name: np.zeros((R, *np.shape(v))) for name, v in params.items()}
    delta, g_bp = np.zeros((T, R, parts * n)), np.zeros((R, parts * n))
    rest = np.zeros((parts - 1) * n)
    for k in range(T, 0, -1):
        h_k = path.states[k][:n]
        if prob.per_step or k == T:
            g_bp = g_bp + np.concatenate([h_k - (prob.y[k - 1] if prob.per_step else prob.y),
                                          rest])
        delta[k - 1] = g_bp
        s, d = path.states[k - 1], partials[k - 1]
        g = [g_bp[:, a * n:(a + 1) * n] for a in range(parts)]
        new = [sum(times(g[a], d[a][nch + b]) for a in range(parts)) for b in range(parts)]
        for j, ch in enumerate(kind.channels):
            dj = sum(times(g[a], d[a][j]) for a in range(parts))
            for name, index, by in ch.terms:
                rows = slice(index * n, (index + 1) * n)
                if by is None:
                    grads[name][:, rows] += dj
                    continue
                grads[name][:, rows] += times(dj[:, :, None], x[k - 1] if by == "x" else s[:n])
                if by == "h":
                    new[0] = new[0] + matmul(dj, params[name][rows])
        for i, name in enumerate(kind.unit_parameters):
            grads[name] += sum(times(g[a], d[a][nch + parts + i]) for a in range(parts))
        g_bp = np.concatenate(new, axis=1)
    own = {mine: grads[theirs] for mine, theirs in prob.names.items()}
    delta = np.moveaxis(delta, 1, 0)
    plain = Backward({k: v[0] for k, v in own.items()}, g_bp[0], 0.0, delta[0])
    return plain, Backward(own, g_bp, 0.0, delta)
