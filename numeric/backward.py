"""The one BPTT every check of a supplied gradient uses: the true gradient, the gradient a
well-known mistake produces, and the same under a rounding perturbation, all from the cell's
derived unit partials (``numeric.cell_bridge``), as ``numeric.cells.bptt``.

For a channel L_j and the unit map G (state parts a, b), at step k = T..1, with g_k = ∂L/∂s_k
split into the part backpropagated from later steps (g⁺_k, from g_{k+1}) and the immediate part
e_k = ∂L_k/∂s_k ([h_k − y_k; 0] for a per-step loss, [h_T − y; 0] at k = T for ½‖h_T − y‖²):

    δ_j = Σ_a g_{k,a} ⊙ ∂G_a/∂L_j;    ∂L/∂W_ih[j] += δ_j x_kᵀ,  ∂L/∂W_hh[j] += δ_j h_{k−1}ᵀ,
    ∂L/∂b[j] += δ_j;    g_{k−1} = Σ_j W_hh[j]ᵀ δ_j + Σ_a g_{k,a} ⊙ ∂G_a/∂s_{own,b} + e_{k−1}

A legacy ``Case`` is the Elman cell with W_hh → weight_hh, W_xh → weight_ih, b_h → bias_ih,
bias_hh = 0.  Mistakes (``Mistake(code, detail)``) change this recursion (``numeric.mistakes``
documents each one: ``DIAGNOSIS_CODES``); ``perturb`` (a callable array → array) is applied to
the inputs and to every value stored on the way (the rounding model of a lower precision).
"""

from dataclasses import dataclass

import numpy as np

import derive
from numeric import cells
from numeric.backward_parts import dropped_partials, permuted_params
from numeric.case import Case
from numeric.cell_parse import OLD_NAMES
from numeric.exact_zeros import matmul, times

LEGACY = OLD_NAMES  # a legacy Case's parameter names → the Elman cell's (PyTorch) names
SHIFTS = ("h+1", "x+1", "x-1", "x-1 wrap")


@dataclass(frozen=True)
class Mistake:
    """A well-known bug, applied to the backward pass: ``code`` one of "transposed",
    "missing_activation_derivative", "time_shift", "truncated", "missing_immediate_term",
    "gru_bias_placement", "gate_order"; ``detail`` what exactly (``numeric.mistakes``)."""

    code: str
    detail: object = None


@dataclass(frozen=True)
class Backward:
    """∂L/∂θ (``params``, the case's own names and shapes), ∂L/∂s_0 (``state0``, (S,)), the
    loss and ``delta`` (T, S): row k − 1 is g_k = ∂L/∂s_k, k = 1..T."""

    params: dict
    state0: np.ndarray
    loss: float
    delta: np.ndarray


@dataclass(frozen=True)
class Problem:
    """A case as the cell recursion sees it: kind, activation, params (PyTorch names), s0, x,
    targets (T, n) for a per-step loss or None, y (n,) for the final-step loss, and the map
    from the case's own parameter names to the PyTorch names."""

    kind: object
    act: object
    params: dict
    s0: np.ndarray
    x: np.ndarray
    y: np.ndarray
    per_step: bool
    names: dict


def problem(case):
    """The ``Problem`` of a ``numeric.Case`` or ``numeric.CellCase`` (ValueError without y)."""
    if case.y is None:
        raise ValueError("the case has no target y: a loss (and its gradient) needs one")
    if isinstance(case, Case):
        return Problem(derive.cell_kind("elman"), case.activation, elman_params(case), case.h0,
                       case.x, case.y, case.y.ndim == 2, dict(LEGACY))
    return Problem(case.kind, case.activation, case.params, case.s0, case.x, case.y, False,
                   {name: name for name in case.params})


def elman_params(case):
    """A legacy ``Case``'s parameters as the Elman cell's (PyTorch names): weight_ih = W_xh,
    weight_hh = W_hh, bias_ih = b_h, bias_hh = 0."""
    return {"weight_ih": case.W_xh, "weight_hh": case.W_hh, "bias_ih": case.b_h,
            "bias_hh": np.zeros_like(case.b_h)}


def backward(case, *, mistake=None, perturb=None, on_step=None):
    """∂L/∂θ, ∂L/∂s_0, L and g_1..g_T of ``case``, with ``mistake`` made (a ``Mistake`` or
    None) and every stored value passed through ``perturb``.  ``on_step(k, grads)``: called
    after step k's terms are added (k = T..1) with the running sums (PyTorch names; do not
    keep them, they change)."""
    prob = problem(case)
    code = None if mistake is None else mistake.code
    if code == "truncated" and prob.per_step:
        return _per_step_truncated(case, prob, mistake, perturb)
    if code == "gate_order":
        prob, unpermute = permuted_params(prob, mistake.detail)
        result = _run(prob, None, perturb, on_step)
        return Backward(unpermute(result.params), result.state0, result.loss, result.delta)
    if code == "gru_bias_placement":
        if prob.kind.name != "gru":
            raise ValueError("gru_bias_placement is a mistake of the GRU cell only")
        prob = Problem(**dict(vars(prob), kind=derive.GRU_BIAS_OUTSIDE))
        mistake = None
    return _run(prob, mistake, perturb, on_step)


def _same(value):
    return value


def _run(prob, mistake, perturb, on_step):
    """The pass; a g_k beyond float64 is inf (δ_k · 0 stays 0, also inside W_hhᵀ δ_k:
    ``exact_zeros.times`` and ``matmul``), and callers that compare refuse a non-finite
    derived value (``numeric.supplied_reference``)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return _run_pass(prob, mistake, perturb, on_step)


def _run_pass(prob, mistake, perturb, on_step):
    p = perturb or _same
    kind, act = prob.kind, prob.act
    params = {name: p(np.asarray(v, dtype=float)) for name, v in prob.params.items()}
    s0, x = p(np.asarray(prob.s0, dtype=float)), p(np.asarray(prob.x, dtype=float))
    n, parts, nch, T = cells.hidden_size(kind, params), len(kind.state), len(kind.channels), len(x)
    path = _forward(kind, act, params, s0, x, perturb)
    targets = prob.y if prob.per_step else None
    residual = path.states[-1][:n] - prob.y if targets is None else \
        np.stack(path.states[1:])[:, :n] - targets
    loss = 0.5 * float(np.sum(residual * residual))
    code = None if mistake is None else mistake.code
    detail = None if mistake is None else mistake.detail
    _check(code, detail, kind, T)
    dropped = dropped_partials(kind, act, detail) if code == "missing_activation_derivative" \
        else None
    split = code == "missing_immediate_term" or (dropped is not None and dropped.form == "a")
    first = T - detail + 1 if code == "truncated" else 1
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    delta_rows = np.zeros((T, parts * n))
    zeros_rest = np.zeros((parts - 1) * n)
    g_bp = np.zeros(parts * n)
    for k in range(T, first - 1, -1):
        e = None
        if targets is not None:
            e = np.concatenate([residual[k - 1], zeros_rest])
        elif k == T:
            e = np.concatenate([residual, zeros_rest])
        g = g_bp if e is None else g_bp + e
        delta_rows[k - 1] = g
        d = cells.step_partials(kind, act, params, path.channels[k - 1], path.states[k - 1])
        if perturb is not None:
            d = [[p(v) for v in row] for row in d]
        dB = dE = d
        if dropped is not None:
            dB = dropped.partials(params, path.channels[k - 1], path.states[k - 1], p)
            dE = d if dropped.form == "a" else dB
        gB = [g[a * n:(a + 1) * n] for a in range(parts)]
        gE = None
        if split and e is not None:
            gB = [g_bp[a * n:(a + 1) * n] for a in range(parts)]
            gE = [e[a * n:(a + 1) * n] for a in range(parts)]

        def combine(index, gB=gB, gE=gE, dB=dB, dE=dE):
            total = sum(times(gB[a], dB[a][index]) for a in range(parts))
            if gE is None:
                return total, total
            immediate = sum(times(gE[a], dE[a][index]) for a in range(parts))
            return total + immediate, total if code == "missing_immediate_term" else \
                total + immediate

        new_g = [p(combine(nch + b)[0]) for b in range(parts)]
        h_in, x_in = _shifted(path.states, x, k, n, detail if code == "time_shift" else None)
        for j, ch in enumerate(kind.channels):
            delta, contribution = combine(j)
            delta, contribution = p(delta), p(contribution)
            for name, index, by in ch.terms:
                rows = slice(index * n, (index + 1) * n)
                if by == "x":
                    _add(grads[name], rows, times(contribution[:, None], x_in), perturb)
                elif by == "h":
                    _add(grads[name], rows, times(contribution[:, None], h_in), perturb)
                    W = params[name][rows]
                    new_g[0] = p(new_g[0] + matmul(W if code == "transposed" else W.T, delta))
                else:
                    _add(grads[name], rows, contribution, perturb)
        for u, name in enumerate(kind.unit_parameters):
            _add(grads[name], slice(None), combine(nch + parts + u)[1], perturb)
        g_bp = np.concatenate(new_g)
        if on_step is not None:
            on_step(k, grads)
    state0 = g_bp if first == 1 else np.zeros(parts * n)
    own = {own: grads[name] for own, name in prob.names.items()}
    return Backward(own, state0, loss, delta_rows)


def _add(accumulator, rows, term, perturb):
    """accumulator[rows] += term, in place (then rounded by ``perturb``)."""
    accumulator[rows] += term
    if perturb is not None:
        accumulator[rows] = perturb(accumulator[rows])


def _forward(kind, act, params, s0, x, perturb):
    """``cells.forward``, with every channel and state passed through ``perturb``."""
    if perturb is None:
        return cells.forward(kind, act, params, s0, x)
    from numeric.cell_bridge import unit_functions

    G, _ = unit_functions(kind, act)
    n = cells.hidden_size(kind, params)
    states, channels = [s0], []
    for x_k in x:
        L = [perturb(v) for v in cells.channel_values(kind, params, n, states[-1][:n], x_k)]
        parts = [states[-1][p * n:(p + 1) * n] for p in range(len(kind.state))]
        inputs = L + parts + [params[name] for name in kind.unit_parameters]
        channels.append(L)
        states.append(perturb(np.concatenate(G(*inputs))))
    return cells.CellTrajectory(channels, states)


def _shifted(states, x, k, n, shift):
    """(h, x) entering step k's outer products: h_{k−1}, x_k, or the shifted ones."""
    h, x_k = states[k - 1][:n], x[k - 1]
    if shift == "h+1":
        h = states[k][:n]
    elif shift == "x+1":
        x_k = x[k] if k < len(x) else np.zeros_like(x_k)
    elif shift == "x-1":
        x_k = x[k - 2] if k > 1 else np.zeros_like(x_k)
    elif shift == "x-1 wrap":
        x_k = x[k - 2]
    return h, x_k


def _check(code, detail, kind, T):
    known = (None, "transposed", "missing_activation_derivative", "time_shift", "truncated",
             "missing_immediate_term")
    if code not in known:
        raise ValueError(f"unknown mistake {code!r}")
    if code == "time_shift" and detail not in SHIFTS:
        raise ValueError(f"time_shift detail must be one of {', '.join(SHIFTS)}, got {detail!r}")
    if code == "truncated" and not (isinstance(detail, int) and 1 <= detail <= T):
        raise ValueError(f"truncated needs K in 1..{T}, got {detail!r}")
    if code == "transposed" and not any(ch.recurrent for ch in kind.channels):
        raise ValueError(f"the {kind.name} cell has no recurrent matrix to transpose")


def _per_step_truncated(case, prob, mistake, perturb):
    """Σ_t L_t, each backpropagated K steps: the sum over t of the final-step-loss gradient of
    the first t steps with target y_t, truncated at K (K ≥ t: the whole prefix)."""
    K, T = mistake.detail, len(prob.x)
    if not (isinstance(K, int) and 1 <= K <= T):
        raise ValueError(f"truncated needs K in 1..{T}, got {K!r}")
    total, loss, delta = None, 0.0, np.zeros((T, len(prob.s0)))
    state0 = np.zeros(len(prob.s0))
    for t in range(1, T + 1):
        prefix = Case(case.activation, case.W_hh, case.W_xh, case.b_h, case.h0, case.x[:t],
                      case.y[t - 1])
        part = backward(prefix, mistake=Mistake("truncated", min(K, t)), perturb=perturb)
        total = part.params if total is None else \
            {name: total[name] + part.params[name] for name in total}
        loss, state0 = loss + part.loss, state0 + part.state0
        delta[:t] += part.delta
    return Backward(total, state0, loss, delta)
