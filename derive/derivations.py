"""``derivation(rnn, T)``: the chain from the recurrence to the regime conditions, step by step.

In the seeds' notation: a_k = W_hh h_{k-1} + W_xh x_k + b_h, h_k = φ(a_k), J_k = D_k W_hh,
∂h_T/∂h_0 = J_T ⋯ J_1, ‖∂h_j/∂h_i‖ ≤ (γ_φ‖W_hh‖)^{j−i}, and the BPTT gradient.  Every
formula comes from SymPy: the RNN's own matrices, derived φ', γ_φ, norms and conditions.

>>> from derive.rnn import RNN
>>> len(derivation(RNN(1, activation="identity", W_hh=[[1.5]]), 3).steps) > 10
True
"""

import sympy as sp
from sympy.matrices import MatrixSet

from derive.bounds import regime_conditions
from derive.cells.cell import Cell
from derive.gain_steps import activation_steps
from derive.jacobians import jacobian_product, step_jacobian, structured_product
from derive.latex import Derivation, Step, reason
from derive.linear_steps import linear_cases, linear_verdict_steps
from derive.notation import (
    T as T_,
)
from derive.notation import (
    diag,
    dphi,
    gamma_phi,
    i,
    j,
    k,
    max_abs,
    norm,
    norm2,
    partial,
    phi,
    vector,
    z,
)
from derive.rnn import check_step

STRUCTURED_LIMIT = 6   # write ∂h_T/∂h_0 factor by factor up to this T, as a product beyond
EXPLICIT_LIMIT = 6     # write W_hh, J_T and ‖W_hh‖ entry by entry only up to this n
_N = sp.Symbol("n", integer=True, positive=True)  # the hidden size in reasons about any n


def derivation(rnn, T, expanded=False):
    """The derivation for ``rnn`` over T steps (``expanded``: also the explicit product); for a
    cell (``derive.cell``) its own derivation (``derive.cells.derivation``)."""
    if isinstance(rnn, Cell):
        from derive.cells.derivation import cell_derivation
        return cell_derivation(rnn, T, expanded)
    check_step(rnn, T, "T", lowest=1)
    n, m = rnn.hidden, rnn.inputs
    steps = (_recurrence(rnn, n, m) + _activation(rnn) + jacobian_steps(rnn, T)
             + product_steps(rnn, T, expanded) + _bounds(rnn, n, T) + _bptt(n))
    return Derivation(f"Vanishing and exploding gradients: {rnn.activation.name} RNN, "
                      f"n = {n}, T = {T}", tuple(steps))


def _eq(lhs, rhs):
    return sp.Eq(lhs, rhs, evaluate=False)


def _h(index, n):
    return vector(f"h_{{{index}}}" if not isinstance(index, int) else f"h_{index}", n)


_PARAMETERS = (("W_hh", "recurrent weights", "w"), ("W_xh", "input weights", "u"),
               ("b_h", "bias", "b"), ("h_0", "initial state", "h_0"))


def _recurrence(rnn, n, m):
    W, U, b = (sp.MatrixSymbol(name, *shape) for name, shape in
               (("W_hh", (n, n)), ("W_xh", (n, m)), ("b_h", (n, 1))))
    a_k, x_k = vector("a_k", n), vector("x_k", m)
    steps = [
        Step(_eq(a_k, sp.MatAdd(W * _h("k-1", n), U * x_k, b, evaluate=False)),
             *reason("pre-activation at step ", k, " from 1 to ", T_, ", input ", x_k)),
        Step(_eq(_h("k", n), phi(a_k)), "hidden state, activation applied elementwise"),
    ]
    values = (rnn.W_hh, rnn.W_xh, rnn.b_h, rnn.h0)
    for symbol, value, (_, what, _) in zip((W, U, b, _h(0, n)), values, _PARAMETERS,
                                           strict=True):
        if value.shape == (1, 1) and str(value[0]) == str(symbol):   # h_0 = (h_0): say what it is
            steps.append(Step(sp.Contains(value[0], sp.S.Reals, evaluate=False),
                              f"{what}, a free real symbol"))
        elif n <= EXPLICIT_LIMIT:
            steps.append(Step(_eq(symbol, value), what))
        else:
            steps.append(Step(sp.Contains(symbol, MatrixSet(*value.shape, sp.S.Reals),
                                          evaluate=False), *reason(f"{what}, ", *_entries(value))))
    return steps


def _entries(value):
    """Why the entries of a large parameter are not shown, and what they are (reason parts)."""
    rows, cols = value.shape
    kind = "symbols" if all(entry.is_Symbol for entry in value) else "given numbers"
    return f"{rows * cols} entries ({kind}), too many to show for ", _LARGE


_LARGE = sp.Gt(sp.Symbol("n"), EXPLICIT_LIMIT, evaluate=False)  # n > 6: entries not shown


def _activation(rnn):
    return activation_steps(rnn.activation)


def jacobian_steps(rnn, T):
    """D_k = diag(φ'(a_k)), ∂h_k/∂h_{k-1} = D_k W_hh, J_k = D_k W_hh, and last J_T entry by
    entry (for n > EXPLICIT_LIMIT the formula of its entries instead)."""
    n = rnn.hidden
    W = sp.MatrixSymbol("W_hh", n, n)
    D_k = sp.MatrixSymbol("D_k", n, n)
    J_k = sp.IndexedBase("J")[k]
    steps = [
        Step(_eq(D_k, diag(dphi(vector("a_k", n)))),
             *reason("the activation derivative at step ", k)),
        Step(_eq(partial(_h("k", n), _h("k-1", n)), D_k * W),
             *reason("chain rule: ", _h("k", 1), " depends on ", _h("k-1", 1), " through ",
                     vector("a_k"))),
        Step(_eq(J_k, D_k * W), *reason("the step Jacobian ", sp.Contains(
            J_k, MatrixSet(_N, _N, sp.S.Reals), evaluate=False))),
    ]
    if n <= EXPLICIT_LIMIT:
        return steps + [Step(_eq(partial(_h(T, n), _h(T - 1, n)),
                                 step_jacobian(rnn, T, local=True)),
                             *reason("the step Jacobian at ", _eq(k, T_), ", ", _eq(T_, T),
                                     ", entry by entry"))]
    entry = sp.Eq(sp.Indexed("J", k, i, j),
                  dphi(sp.Indexed("a", k, i)) * sp.MatrixSymbol("W_hh", n, n)[i, j],
                  evaluate=False)
    return steps + [Step(entry, *reason(f"its entries: {n * n}, too many to show for ", _LARGE))]


def product_steps(rnn, T, expanded=False):
    """∂h_T/∂h_0 = J_T ⋯ J_1 (a product beyond STRUCTURED_LIMIT), then expanded if asked."""
    n = rnn.hidden
    lhs = partial(_h(T, n), _h(0, n))
    if T <= STRUCTURED_LIMIT:
        rhs = structured_product(n, 0, T)
    else:
        rhs = sp.Product(sp.IndexedBase("J")[k], (k, 1, T))
    steps = [Step(_eq(lhs, rhs), "product of step Jacobians, later steps on the left")]
    if expanded:
        steps.append(Step(_eq(lhs, jacobian_product(rnn, 0, T, expanded=True)),
                          "expanded: every entry written out"))
    return steps


def norm_steps(rnn, conditions=None):
    """‖∂h_j/∂h_i‖ ≤ ∏‖D_k‖‖W_hh‖, ‖D_k‖ = max_i |φ'(a_{k,i})|, hence ≤ (γ_φ‖W_hh‖)^{j−i};
    ‖W_hh‖₂ = σ_max (``conditions``: ``regime_conditions(rnn)`` when already computed)."""
    n = rnn.hidden
    W = sp.MatrixSymbol("W_hh", n, n)
    D_k = sp.MatrixSymbol("D_k", n, n)
    conditions = conditions or regime_conditions(rnn)
    grad = partial(_h("j", n), _h("i", n))
    return [
        Step(sp.Le(norm(grad), sp.Product(norm(D_k) * norm(W), (k, i + 1, j)), evaluate=False),
             "submultiplicativity of the norm"),
        Step(_eq(norm(D_k), max_abs(dphi(sp.Symbol("a_{k,i}")))), "norm of a diagonal matrix"),
        Step(sp.Le(norm(grad), (gamma_phi * norm(W)) ** (j - i), evaluate=False),
             *reason("each ", sp.Le(sp.Abs(dphi(z)), gamma_phi, evaluate=False))),
        Step(_eq(norm2(W), conditions.sigma_max),
             *reason("the largest singular value of ", sp.MatrixSymbol("W_hh", 1, 1))),
    ]


def _bounds(rnn, n, T):
    W = sp.MatrixSymbol("W_hh", n, n)
    conditions = regime_conditions(rnn)
    steps = norm_steps(rnn, conditions) + [
        Step(sp.Le(norm2(partial(_h(T, n), _h(0, n))), (conditions.gamma * conditions.sigma_max)
                   ** T, evaluate=False),
             *reason("the bound for this RNN over ", _eq(T_, T), " steps")),
    ]
    if conditions.verdict is None:  # symbolic weights: the conditions as implications
        steps += implications(conditions.gamma * conditions.sigma_max, n)
    if conditions.scalar is not None:
        steps.append(Step(conditions.scalar, *reason("the vanishing condition solved for ",
                                                     sp.Symbol("w"))))
    if conditions.linear is not None:
        rho = sp.Function("rho")(W)
        steps += [
            Step(_eq(sp.Limit(norm(W**k) ** (1 / k), k, sp.oo), rho), "Gelfand's formula"),
            Step(_eq(rho, conditions.rho), *reason(
                "spectral radius: for the linear RNN ", conditions.gamma * rho,
                " decides unless it equals 1")),
        ]
        if conditions.growth is None:   # symbolic weights: the three cases as implications
            steps += linear_cases(conditions.gamma * rho, n)
    if conditions.verdict is not None:
        steps += _verdict(conditions, W, rnn.activation.dphi, rnn.W_hh)
    return steps


def implications(gain, n):
    """gain < 1 ⇒ lim_{T→∞} ‖∂h_T/∂h_0‖ = 0 and lim = ∞ ⇒ gain > 1, for the bound's
    ``gain`` γ_φ‖W_hh‖₂ (as a symbol or as this RNN's value)."""
    limit = sp.Limit(norm(partial(_h("T", n), _h(0, n))), T_, sp.oo)
    return [Step(sp.Implies(sp.Lt(gain, 1, evaluate=False), sp.Eq(limit, 0)),
                 "sufficient for vanishing"),
            Step(sp.Implies(sp.Eq(limit, sp.oo), sp.Gt(gain, 1, evaluate=False)),
                 "necessary (not sufficient) for exploding")]


def _verdict(conditions, W, slope, values):
    """Concrete weights: γ_φ‖W_hh‖₂ evaluated and compared with 1, printed as a verdict (never
    as an implication whose premise is a false numeric inequality); for the linear RNN ρ decides.
    """
    value = conditions.gamma * conditions.sigma_max
    relation, says = _compare(value, value, {-1: "vanishing guaranteed; exploding impossible",
                                             0: "on the boundary: the bound decides nothing",
                                             1: "necessary for exploding, not sufficient"})
    steps = [Step(_eq(gamma_phi * norm2(W), value), "for these weights")]
    if conditions.linear is None:
        verdict = "" if says.startswith(conditions.verdict) else f"{conditions.verdict}: "
        return steps + [Step(relation, f"for these weights: {verdict}{says}")]
    return steps + [Step(relation, says)] + linear_verdict_steps(conditions, W, slope, values)


def _compare(value, shown, sayings):
    """(``shown`` <, = or > 1 as a relation, the saying for the sign of value − 1)."""
    sign = -1 if value < 1 else 1 if value > 1 else 0
    relation = {-1: sp.Lt, 0: sp.Eq, 1: sp.Gt}[sign](shown, 1, evaluate=False)
    return relation, sayings.get(sign)


def _bptt(n):
    W = sp.MatrixSymbol("W_hh", n, n)
    delta, g = vector("delta_k", n), vector("g_k", n)
    L = sp.Symbol("L")
    return [
        Step(_eq(L, sp.Rational(1, 2) * norm(_h("T", n) - vector("y", n)) ** 2), "the loss"),
        Step(_eq(vector("g_T", n), _h("T", n) - vector("y", n)),
             *reason(vector("g_k"), " is ", partial(L, vector("h_k")))),
        Step(_eq(delta, sp.MatrixSymbol("D_k", n, n) * g), "back through the activation"),
        Step(_eq(vector("g_{k-1}", n), W.T * delta),
             *reason("back through ", sp.MatrixSymbol("W_hh", 1, 1).T)),
        Step(_eq(partial(L, W), sp.Sum(delta * _h("k-1", n).T, (k, 1, T_))),
             "BPTT: the sum of the path terms over time steps"),
    ]
