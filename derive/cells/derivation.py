"""``cell_derivation(cell, T)``: from a cell's channels and unit map to its step Jacobian, the
product ∂s_T/∂s_0, what the cell type does to it (``derive.cells.carousel``) and BPTT.

Every formula is a SymPy object: the channels from the cell type's terms, the gate values and
the structured Jacobian from its unit map (``structured_jacobian``, ``readable_jacobian``), the
entries from ``Matrix.jacobian`` of the step map.

>>> from derive.cells import cell
>>> d = cell_derivation(cell("gru", 1), 2)
>>> any("update-gate carousel" in s.reason for s in d.steps)
True
"""

import sympy as sp

from derive.cells.calculus import jacobian_product, jacobian_symbol, step_jacobian
from derive.cells.carousel import type_steps
from derive.cells.concrete import case_type_steps, concrete_steps, is_concrete
from derive.cells.gates import gate
from derive.cells.readable import derivative_through_value, gate_values, readable_jacobian
from derive.cells.structure import COL, ROW, structured_jacobian
from derive.latex import Derivation, Step, reason
from derive.notation import T as T_
from derive.notation import k, norm, partial, vector
from derive.rnn import check_step

STRUCTURED_LIMIT = 6   # ∂s_T/∂s_0 factor by factor up to this T, as a product beyond
ENTRY_LIMIT = 2        # the local step Jacobian entry by entry up to this state size S


def _eq(lhs, rhs):
    return sp.Eq(lhs, rhs, evaluate=False)


def part(name, index, n):
    """The state part ``name`` at step ``index`` as an (n, 1) vector symbol: h_k, c_{k-1}."""
    return vector(f"{name}_{{{index}}}" if not isinstance(index, int) else f"{name}_{index}", n)


def state_vector(cell, index):
    """s_index as an (S, 1) vector symbol."""
    return part("s", index, cell.state_size)


def cell_derivation(cell, T, expanded=False):
    """The derivation for ``cell`` over T steps (``expanded``: also ∂s_T/∂s_0 written out);
    for a cell with concrete numbers also its own ∂s_T/∂s_0 and forget-bias horizons
    (``derive.cells.concrete``)."""
    check_step(cell, T, "T", lowest=1)
    concrete = is_concrete(cell)
    steps = (channel_steps(cell) + value_steps(cell) + jacobian_steps(cell, T)
             + product_steps(cell, T, expanded and not concrete)
             + (concrete_steps(cell, T, expanded) if concrete else []) + type_steps(cell, T)
             + (case_type_steps(cell) if concrete else []) + bptt_steps(cell))
    act = "" if cell.activation is None else f" ({cell.activation.name})"
    return Derivation(f"Gradients through the {cell.kind.title} cell{act}, n = {cell.hidden}, "
                      f"T = {T}", tuple(steps))


def channel_steps(cell):
    """Each channel L = W_ih[block] x_k + b_ih[block] + W_hh[block] h_{k-1} + b_hh[block]."""
    n, m = cell.hidden, cell.inputs
    steps = []
    for ch in cell.kind.channels:
        terms = []
        for name, block, by in ch.terms:
            base = cell.kind.parameter(name).bases[block]
            cols = {"x": m, "h": n, None: 1}[by]
            W = sp.MatrixSymbol(base, n, cols)
            terms.append(W if by is None else W * (vector("x_k", m) if by == "x"
                                                   else part("h", "k-1", n)))
        lhs = vector(ch.symbol.name, n)
        steps.append(Step(_eq(lhs, sp.MatAdd(*terms, evaluate=False)),
                          *reason("channel ", lhs, ": ", *_channel_source(cell.kind))))
    return steps


def _channel_source(kind):
    """Where a channel's terms come from: PyTorch's stacked row blocks, IndRNN's own parameters
    (IndRNN is not a PyTorch module)."""
    if kind.name == "indrnn":
        return ("IndRNN's input weights and bias (the recurrent ", sp.Symbol("u"),
                " acts in the unit map)")
    return ("its row blocks of the stacked parameters (PyTorch's layout)",)


def eq_F_theta(F_theta, theta):
    """G_k = ∂F/∂θ, the step map's Jacobian in the parameters."""
    return _eq(F_theta, partial(sp.Symbol("F"), theta))


def value_steps(cell):
    """The gate values and the new state, unit by unit (f = σ(z_f), c′ = f c + i g, ...), and
    each gate derivative through its value where SymPy finds Q with φ′ = Q(φ)."""
    steps = [Step(_eq(symbol, value), "per unit i at step k (elementwise)")
             for symbol, value in gate_values(cell.kind, cell.activation)]
    z = sp.Symbol("z", real=True)
    for act in _gate_activations(cell):
        Q = derivative_through_value(act)
        if Q is not None:
            phi = gate(act)(z)
            steps.append(Step(_eq(sp.diff(phi, z), Q(phi)),
                              "derived by SymPy and checked by simplify"))
    return steps


def _gate_activations(cell):
    from derive.activations import activation

    if cell.activation is not None:
        return [cell.activation]
    return [activation("sigmoid"), activation("tanh")]


def jacobian_steps(cell, T):
    """The blocks of ∂s_k/∂s_{k-1} in index notation (as derived, then in gate values), and the
    local step Jacobian at k = T entry by entry for small S."""
    kind, act = cell.kind, cell.activation
    steps = []
    named = readable_jacobian(kind, act)
    for (new, old), block in structured_jacobian(kind, act).items():
        lhs = partial(sp.Indexed(f"{new}_k", ROW), sp.Indexed(f"{old}_{{k-1}}", COL))
        steps.append(Step(_eq(lhs, block),
                          "derived from the unit map; unit symbols are unit i's at step k"))
        steps.append(Step(_eq(lhs, named[(new, old)]), "in the gate values above"))
    S = cell.state_size
    steps.append(Step(_eq(jacobian_symbol(cell, k), partial(state_vector(cell, "k"),
                                                             state_vector(cell, "k-1"))),
                      *reason("the step Jacobian, ", _shape(S), f" in the order "
                              f"[{'; '.join(kind.state)}]")))
    if S <= ENTRY_LIMIT:
        steps.append(Step(_eq(partial(state_vector(cell, T), state_vector(cell, T - 1)),
                              step_jacobian(cell, T, local=True, gate_form=True)),
                          *reason("Matrix.jacobian of the step map at ", _eq(k, T))))
    return steps


def _shape(S):
    from sympy.matrices import MatrixSet

    return sp.Contains(sp.Symbol("J_k"), MatrixSet(S, S, sp.S.Reals), evaluate=False)


def product_steps(cell, T, expanded=False):
    """∂s_T/∂s_0 = J_T ⋯ J_1 (a product beyond STRUCTURED_LIMIT), then expanded if asked."""
    lhs = partial(state_vector(cell, T), state_vector(cell, 0))
    rhs = jacobian_product(cell, 0, T) if T <= STRUCTURED_LIMIT else \
        sp.Product(sp.IndexedBase("J")[k], (k, 1, T))
    steps = [Step(_eq(lhs, rhs), "product of step Jacobians, later steps on the left")]
    if expanded:
        steps.append(Step(_eq(lhs, jacobian_product(cell, 0, T, expanded=True)),
                          "expanded: every entry written out"))
    return steps


def bptt_steps(cell):
    """L = ½‖h_T − y‖², g_T = ∂L/∂s_T, g_{k-1} = J_kᵀ g_k, ∂L/∂θ = Σ_k (∂F/∂θ)ᵀ g_k."""
    n, S = cell.hidden, cell.state_size
    L, theta = sp.Symbol("L"), sp.Symbol("theta")
    g = [vector(name, S) for name in ("g_T", "g_k", "g_{k-1}")]
    residual = part("h", "T", n) - vector("y", n)
    top = _eq(g[0], residual if S == n else sp.BlockMatrix([[residual],
                                                             [sp.ZeroMatrix(S - n, 1)]]))
    P = sum(value.rows * value.cols for _, value in cell.parameters)
    F_theta = sp.MatrixSymbol("G_k", S, P)
    return [
        Step(_eq(L, sp.Rational(1, 2) * norm(residual) ** 2), "the loss"),
        Step(top, *reason(g[1], " is ", partial(L, state_vector(cell, "k")), "; ", L, " reads ",
                          part("h", "T", n), " only")),
        Step(_eq(g[2], jacobian_symbol(cell, k).T * g[1]), "back through one step"),
        Step(_eq(partial(L, theta), sp.Sum(F_theta.T * g[1], (k, 1, T_))),
             *reason("BPTT over all ", sp.Eq(sp.Symbol("P"), P), " parameter entries; ",
                     eq_F_theta(F_theta, theta), " at step k (Matrix.jacobian of the step map)")),
    ]
