"""The gradients that well-known BPTT mistakes produce, each computed from the derivation:
transforms of the derived gradient (sign, scale, transpose, gate blocks reordered) and
backward passes with the mistake made in the recursion (``numeric.backward``).

Quantities by canonical name (as ``numeric.check_gradients`` resolves them): the case's
parameter names (a legacy ``Case``: W_hh, W_xh, b_h; cells: PyTorch's), row blocks
"<param>_<gate>" (weight_hh_f), grad_h0, grad_c0, loss, delta (T, n) = ∂L/∂h_k, delta_state
(T, S).  Conventions of each mistake: ``DIAGNOSIS_CODES`` and the functions below.
"""

import itertools

import numpy as np

from numeric.backward import SHIFTS, Mistake, backward, problem
from numeric.backward_parts import derivative_factors, gate_names, permute_blocks
from numeric.supplied_reference import quantities_from_backward

DIAGNOSIS_CODES = {
    "transposed": "a matrix gradient is transposed, or the backward recursion multiplies by "
                  "W_hh where W_hhᵀ belongs (g_{k−1} = W_hh δ_k)",
    "sign": "the gradient has the wrong sign (−∂L/∂θ, as when the residual is y − h)",
    "scaled": "the gradient is a constant multiple c of the true one (c reported: 1/T for a "
              "mean over time instead of the sum, 2 for a missing ½ in the loss, a batch size)",
    "missing_activation_derivative": "a derivative factor (φ'(a_k), or one gate's σ'/tanh') is "
                                     "missing from the backward recursion",
    "time_shift": "an outer product uses the wrong time step: h_k where h_{k−1} belongs, or "
                  "x_{k+1} / x_{k−1} for x_k",
    "truncated": "only the last K terms of the BPTT sum are added (K reported): the "
                 "backward loop stops after K steps, or (per-step loss) each loss term L_t is "
                 "backpropagated only K steps",
    "missing_immediate_term": "the term of the last step k = T, δ_T h_{T−1}ᵀ, is left out of "
                              "the sum, or (per-step loss) the term of step t itself, "
                              "(∂L_t/∂h_t)(∂⁺h_t/∂θ), for every loss term L_t",
    "gate_order": "the gated cell's row blocks are stacked in another gate order (the "
                  "permutation reported)",
    "gru_bias_placement": "the GRU's b_hn is added outside r ⊙ (·): n = tanh(W_in x + b_in + "
                          "r ⊙ (W_hn h) + b_hn) instead of PyTorch's r ⊙ (W_hn h + b_hn)",
    "precision": "within the expected rounding of the supplied dtype: not a bug",
}

NOT_GRADIENTS = ("loss", "jacobian_product", "step_jacobians")


def quantities(case, result, names):
    """{name: array} of the canonical ``names`` a ``Backward`` provides (the Jacobians are left
    out: a mistake in the backward pass does not concern ∂s_T/∂s_0)."""
    return quantities_from_backward(case, names, result)


def backward_mistakes(case):
    """Every ``Mistake`` made in the recursion that applies to this case (not truncated, which
    ``truncations`` finds in one pass): transposed recursion, each derivative factor dropped in
    both forms, the four time shifts, the missing immediate term, the GRU's bias placement and
    (GRU) the forward pass reading the gates in another order."""
    prob = problem(case)
    kind = prob.kind
    out = []
    if any(ch.recurrent for ch in kind.channels):
        out.append(Mistake("transposed", "recursion"))
    for factor in derivative_factors(kind, prob.act):
        out += [Mistake("missing_activation_derivative", (factor, form)) for form in ("h", "a")]
    out += [Mistake("time_shift", shift) for shift in SHIFTS
            if shift != "h+1" or any(ch.recurrent for ch in kind.channels)]
    out.append(Mistake("missing_immediate_term"))
    if kind.name == "gru":
        out.append(Mistake("gru_bias_placement"))
        out += [Mistake("gate_order", order) for order in other_orders(kind)]
    return out


def other_orders(kind):
    """Every permutation of the kind's gates but its own, in lexicographic order of positions."""
    gates = gate_names(kind)
    return [tuple(p) for p in itertools.permutations(gates) if tuple(p) != gates]


def mistaken(case, mistake, names):
    """The quantities ``names`` of the backward pass with ``mistake`` made."""
    return quantities(case, backward(case, mistake=mistake), names)


def parameter_names(names):
    """The parameter gradients (and their row blocks) among the canonical ``names``."""
    return [name for name in names if name not in NOT_GRADIENTS
            and not name.startswith(("grad_", "delta"))]


def truncations(case, names, visit):
    """Calls ``visit(K, quantities)`` for K = 1..T−1 with the parameter gradients (and their
    blocks) of the backward loop run over the last K steps only: the running sums of one
    backward pass after steps T..T−K+1, each step's δ_k exact (a per-step loss Σ_t L_t too: the
    terms k ≤ T − K of every L_t are left out).  The loop never reaches s_0 and leaves the rows
    k ≤ T − K of delta at 0 (``numeric.diagnose`` judges those from the derived delta).
    Returns the number of steps run."""
    prob = problem(case)
    T, own = len(prob.x), dict(prob.names)
    wanted = parameter_names(names)
    if not wanted or T < 2:
        return 0

    def on_step(k, grads):
        if k > 1:
            params = {name: grads[pt].copy() for name, pt in own.items()}
            visit(T - k + 1, quantities(case, _Sums(params), wanted))

    backward(case, on_step=on_step)
    return T


def loss_term_truncations(case, names, visit, limit=None):
    """Per-step loss Σ_t L_t (legacy case): calls ``visit(K, quantities)`` for K = 1..T−1
    with the parameter gradients of each L_t backpropagated K steps, G(K) = Σ_t Σ_{lag < K}
    (term of L_t at step t − lag), from one pass per t (prefix x_1..x_t, target y_t: T(T+1)/2
    steps in all, the T per-lag sums kept); skipped when T(T+1)/2 > ``limit``.  Returns the
    number of steps run."""
    prob = problem(case)
    T = len(prob.x)
    wanted = parameter_names(names)
    if not prob.per_step or not wanted or T < 2 \
            or (limit is not None and T * (T + 1) // 2 > limit):
        return 0
    return _per_step_truncations(case, prob, wanted, visit)


def _per_step_truncations(case, prob, wanted, visit):
    from numeric.case import Case

    T, own = len(prob.x), dict(prob.names)
    lags = [{name: 0.0 for name in own} for _ in range(T)]
    for t in range(1, T + 1):
        prefix = Case(case.activation, case.W_hh, case.W_xh, case.b_h, case.h0, case.x[:t],
                      case.y[t - 1])
        previous = {name: 0.0 for name in own}

        def on_step(k, grads, t=t, previous=previous):
            for name, pt in own.items():
                lags[t - k][name] = lags[t - k][name] + (grads[pt] - previous[name])
                previous[name] = grads[pt].copy()

        backward(prefix, on_step=on_step)
    running = {name: 0.0 for name in own}
    for K in range(1, T):
        running = {name: running[name] + lags[K - 1][name] for name in own}
        visit(K, quantities(case, _Sums(running), wanted))
    return T * (T + 1) // 2


def concerns(case, mistake, names):
    """Whether ``mistake`` changes any of the supplied ``names`` (a time shift only the
    weights multiplying h or x; the others every gradient a backward pass gives)."""
    prob = problem(case)
    gradient = [name for name in names if name not in NOT_GRADIENTS]
    if mistake.code != "time_shift":
        return bool(gradient)
    by = "h" if mistake.detail == "h+1" else "x"
    torch_names = {pt for ch in prob.kind.channels for pt, _, b in ch.terms if b == by}
    back = {pt: own for own, pt in prob.names.items()}
    return any(back.get(pt) == name or name.startswith(f"{back.get(pt)}_")
               for pt in torch_names for name in gradient)


class _Sums:
    """A partial ``Backward`` for ``quantities``: parameter sums only."""

    def __init__(self, params):
        self.params = params


def transposed(kind, value):
    """``value`` with its square matrix (or each square n × n row block of a stacked gated
    matrix) transposed; None when there is no square block to transpose."""
    if value.ndim != 2:
        return None
    rows, cols = value.shape
    if rows == cols:
        return value.T
    if rows % cols == 0 and kind is not None and rows // cols == len(gate_names(kind)):
        return np.concatenate([value[i * cols:(i + 1) * cols].T for i in range(rows // cols)])
    return None


def reordered(kind, name, value, order):
    """The stacked ``value`` with its gate blocks in ``order`` (None when not stacked)."""
    gates = gate_names(kind)
    if len(gates) < 2 or name.rpartition("_")[2] in gates or value.ndim == 0 \
            or value.shape[0] % len(gates) or name in NOT_GRADIENTS \
            or name.startswith(("grad_", "delta")):
        return None
    return permute_blocks(kind, value, order)
