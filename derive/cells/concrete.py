"""The steps of a derivation particular to a cell with concrete numbers (parameters, s_0 and
every x_k, no free symbol): its own ∂s_T/∂s_0, exact (``jacobian_product(expanded=True)``)
with its value to six digits, and for the LSTM each unit's forget-gate bias
b_f = b_if + b_hf with the horizon T_{1/2}(b_f) = log 2 / log(1 + e^{−b_f}) of the carousel.

>>> from derive.cells import cell
>>> c = cell("lstm", 1, bias_ih=[0, 1, 0, 0], bias_hh=[0, 2, 0, 0], x=[[0]], state0=[0, 0],
...          weight_ih=[[0]] * 4, weight_hh=[[0]] * 4)
>>> forget_biases(c)
[3]
"""

import sympy as sp

from derive.cells.calculus import jacobian_product
from derive.cells.carousel import B, _sigmoid, eq, horizon
from derive.cells.gates import gate
from derive.jacobians import MAX_OPERATIONS, ExpressionTooLarge, expression_size
from derive.latex import Step, reason
from derive.notation import T as T_
from derive.notation import partial, vector

HALF = sp.Rational(1, 2)
DIGITS = 6
WORKING = 30      # digits at which the decimal form is evaluated
SHOWN = 2_000     # the exact product is shown up to this many operations (tree size)


def is_concrete(cell):
    """True when the cell's parameters, s_0 and inputs x_1 … x_T are all numbers."""
    if cell.x is None:
        return False
    matrices = [value for _, value in cell.parameters] + [cell.state0, *cell.x]
    return not any(M.free_symbols for M in matrices)


def concrete_steps(cell, T, expanded=False, max_operations=MAX_OPERATIONS):
    """∂s_T/∂s_0 of this case, exact within ``max_operations`` (else a note that says so and
    where to get its numbers): written out when ``expanded`` or at most ``SHOWN`` operations,
    and to six significant digits."""
    S = cell.state_size
    lhs = partial(vector(f"s_{T}", S), vector("s_0", S))
    try:
        P = jacobian_product(cell, 0, T, expanded=True, max_operations=max_operations)
    except ExpressionTooLarge:
        return [Step(lhs, *reason(f"this case's product over T = {T} steps is too large to "
                                  f"write out exactly (more than {max_operations:,} "
                                  "operations): 'rnngrad check CASE.json' computes its "
                                  "numbers"))]
    size = sum(expression_size(entry, {}) for entry in P)
    steps = [Step(eq(lhs, P), "this case's product, exact: every entry written out")] \
        if expanded or size <= SHOWN else []
    note = "" if steps else (f" (computed exactly, {size:,} operations: too long to show here;"
                             " the expanded derivation writes it out)")
    return steps + [Step(eq(lhs, decimal(P)), f"this case's product to {DIGITS} significant "
                                              f"digits{note}")]


def decimal(matrix, digits=DIGITS):
    """An exact matrix free of symbols, each entry as a Float of ``digits`` significant digits:
    evaluated at 30 digits node by node, each distinct subexpression once."""
    memo = {}
    return sp.ImmutableMatrix(matrix.rows, matrix.cols,
                              [sp.Float(_value(e, memo), digits) for e in matrix])


def _value(expr, memo):
    stack = [expr]
    while stack:
        node = stack[-1]
        if node in memo:
            stack.pop()
        elif not node.args:
            memo[node] = stack.pop().evalf(WORKING)
        elif pending := [a for a in node.args if a not in memo]:
            stack.extend(pending)
        else:
            memo[stack.pop()] = node.func(*[memo[a] for a in node.args]).evalf(WORKING)
    return memo[expr]


def case_type_steps(cell):
    """What this case's numbers say about its cell type: the LSTM's forget-bias horizons."""
    return forget_horizon_steps(cell) if cell.kind.name == "lstm" else []


def forget_biases(cell):
    """Each unit's forget-gate bias b_f = b_if + b_hf (rows n … 2n−1 of PyTorch's i, f, g, o)."""
    n = cell.hidden
    total = cell.parameter("bias_ih") + cell.parameter("bias_hh")
    return [total[n + i] for i in range(n)]


def forget_horizon_steps(cell):
    """T_{1/2}(b_f) for each unit's b_f of this case, exact and to six digits."""
    sigma = gate(_sigmoid())
    steps = []
    for i, b in enumerate(forget_biases(cell)):
        value = horizon(HALF, b)
        unit = sp.Symbol(f"b_f{i + 1}" if cell.hidden > 1 else "b_f", real=True)
        steps.append(Step(eq(unit, b), *reason(
            f"this case's forget-gate bias{_of_unit(cell, i)}: ",
            eq(B, sp.Symbol("b_if") + sp.Symbol("b_hf")))))
        steps.append(Step(eq(sp.Function("T")(HALF, b), value), *reason(
            "steps until the carousel falls to half, ", eq(sigma(B) ** T_, HALF),
            ", with this ", B, " (the forget gate near ", sigma(B),
            f" for small weights and inputs); about {float(value):.6g}")))
    return steps


def _of_unit(cell, i):
    return "" if cell.hidden == 1 else f" for unit {i + 1}"
