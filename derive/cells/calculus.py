"""Step Jacobians, their products and the BPTT gradient of a cell, derived by SymPy from its
step map s_k = F(s_{k−1}, x_k):

    J_k = ∂s_k/∂s_{k−1} = (∂F/∂s)(s_{k−1}, x_k)          (S, S): Matrix.jacobian of F
    ∂s_j/∂s_i = J_j J_{j−1} ⋯ J_{i+1}                       later steps on the left
    L = ½‖h_T − y‖²,  g_T = ∂L/∂s_T = [h_T − y; 0],  g_{k−1} = J_kᵀ g_k,
    ∂L/∂θ = Σ_k ((∂F/∂θ)(s_{k−1}, x_k))ᵀ g_k,  ∂L/∂s_0 = g_0

The partials ∂F/∂s and ∂F/∂θ are derived once per cell type and size, on symbols, and evaluated
at each step by substitution (``xreplace`` never walks into the values it inserts), so unrolled
expressions share their subexpressions.  Gate functions are written out exactly
(``explicit``) unless ``gate_form=True`` keeps σ, σ', tanh'.  Expanded products and gradients
refuse to grow past ``MAX_OPERATIONS`` (tree size, ``expression_size``).

>>> from derive.cells import cell
>>> step_jacobian(cell("indrnn", 1, activation="identity"), 1, local=True)
Matrix([[u]])
"""

from dataclasses import replace
from functools import lru_cache

import sympy as sp

from derive.cells.cell import make_cell, state_symbols, step_map
from derive.cells.gates import explicit
from derive.jacobians import MAX_OPERATIONS, size_guard, target
from derive.rnn import check_step

NUMERIC_PATH = "numeric.cell_jacobian_product, numeric.cell_bptt"


def _written(matrix, gate_form):
    return sp.ImmutableMatrix(matrix if gate_form else matrix.applyfunc(explicit))


@lru_cache(maxsize=64)
def local_partials(kind, n, m, act, gate_form=False):
    """(s, x, θ, F, ∂F/∂s, ∂F/∂θ) on symbols: s (S, 1) and x (m, 1) dummies, θ the flat column
    of every parameter symbol (PyTorch's order, row-major), derived by ``Matrix.jacobian``."""
    twin = make_cell(kind, n, m, act)
    S = twin.state_size
    s = sp.ImmutableMatrix([sp.Dummy(f"s{r}", real=True) for r in range(S)])
    x = sp.ImmutableMatrix([sp.Dummy(f"x{r}", real=True) for r in range(m)])
    theta = sp.ImmutableMatrix([e for _, value in twin.parameters for e in value])
    F = step_map(twin, s, x)
    return (s, x, theta, _written(F, gate_form), _written(F.jacobian(s), gate_form),
            _written(F.jacobian(theta), gate_form))


def _at_step(cell, k, gate_form):
    """The substitution that evaluates the local partials at step k (unrolled s_{k−1})."""
    s, x, theta, *_ = local_partials(cell.kind, cell.hidden, cell.inputs, cell.activation,
                                     gate_form)
    values = [e for _, value in cell.parameters for e in value]
    pairs = zip([*s, *x, *theta], [*_lifted_state(cell, k - 1, gate_form), *cell.input_at(k),
                                   *values],
                strict=True)
    return {a: b for a, b in pairs if a != b}


def state(cell, k, gate_form=False):
    """s_k unrolled back to s_0 (s_0 itself for k = 0), (S, 1): pure, remembered per cell."""
    check_step(cell, k, "k")
    symbolic, values = lift(cell)
    return put_values(_lifted_state(symbolic, k, gate_form), values)


def _lifted_state(cell, k, gate_form):
    for j in range(k + 1):   # fill the memo in order: no deep recursion for long sequences
        value = _state(cell, j, gate_form)
    return value


@lru_cache(maxsize=4096)
def _state(cell, k, gate_form):
    if k == 0:
        return cell.state0
    F = local_partials(cell.kind, cell.hidden, cell.inputs, cell.activation, gate_form)[3]
    return sp.ImmutableMatrix(F.xreplace(_at_step(cell, k, gate_form)))


def step_jacobian(cell, k, local=False, gate_form=False):
    """J_k = ∂s_k/∂s_{k−1}, (S, S), derived from the step map: in the state symbols s_{k−1}
    (``local``) or unrolled back to s_0; gate functions written out unless ``gate_form``."""
    check_step(cell, k, "k", lowest=1)
    if local:
        return _local_jacobian(cell, k, gate_form)
    symbolic, values = lift(cell)
    return put_values(_lifted_jacobian(symbolic, k, gate_form), values)


def _lifted_jacobian(cell, k, gate_form=False):
    J = local_partials(cell.kind, cell.hidden, cell.inputs, cell.activation, gate_form)[4]
    return sp.ImmutableMatrix(J.xreplace(_at_step(cell, k, gate_form)))


@lru_cache(maxsize=256)
def _local_jacobian(cell, k, gate_form):
    s = state_symbols(cell, k - 1)
    return _written(step_map(cell, s, cell.input_at(k)).jacobian(s), gate_form)


def jacobian_symbol(cell, k):
    """J_k = ∂s_k/∂s_{k−1} as an (S, S) matrix symbol."""
    return sp.MatrixSymbol(f"J_{k}", cell.state_size, cell.state_size)


def jacobian_product(cell, i, j, expanded=False, max_operations=MAX_OPERATIONS):
    """∂s_j/∂s_i = J_j ⋯ J_{i+1}: a product of (S, S) matrix symbols (I when i = j), or with
    ``expanded`` the explicit Matrix, refused with ``ExpressionTooLarge`` past the limit."""
    check_step(cell, i, "i")
    check_step(cell, j, "j")
    if i > j:
        raise ValueError(f"need i <= j for ∂s_j/∂s_i, got i = {i}, j = {j}")
    S = cell.state_size
    if not expanded:
        return sp.Identity(S) if i == j else sp.MatMul(*[jacobian_symbol(cell, k)
                                                         for k in range(j, i, -1)])
    symbolic, values = lift(cell)
    product, sizes, memo = sp.ImmutableMatrix(sp.eye(S)), {}, {}
    for k in range(i + 1, j + 1):
        product = sp.ImmutableMatrix(_lifted_jacobian(symbolic, k) * product)
        guard(put_values(product, values, memo), sizes, max_operations,
              f"∂s_{k}/∂s_{i} (of ∂s_{j}/∂s_{i})", cell)
    return put_values(product, values, memo)


def loss(cell, T, y=None):
    """L = ½‖h_T − y‖², unrolled; y defaults to symbols y_i (y for n = 1)."""
    residual = state(cell, T)[:cell.hidden, :] - target(cell, y)
    return sp.Rational(1, 2) * sum(r**2 for r in residual)


def bptt_gradient(cell, T, y=None, max_operations=MAX_OPERATIONS):
    """∂L/∂θ for L = ½‖h_T − y‖², keyed by PyTorch's parameter names, exact Matrices in
    PyTorch's shapes (vectors as columns); also ∂L/∂s_0 as "h0" (and "c0" for the LSTM)."""
    check_step(cell, T, "T", lowest=1)
    n, S = cell.hidden, cell.state_size
    _, _, theta, _, Fs, Ft = local_partials(cell.kind, n, cell.inputs, cell.activation, False)
    symbolic, values = lift(cell)
    residual = _lifted_state(symbolic, T, False)[:n, :] - target(cell, y)
    g = sp.ImmutableMatrix.vstack(residual, sp.zeros(S - n, 1))
    total, sizes, memo = sp.ImmutableMatrix.zeros(len(theta), 1), {}, {}
    for k in range(T, 0, -1):
        at = _at_step(symbolic, k, False)
        total = sp.ImmutableMatrix(total + Ft.xreplace(at).T * g)
        g = sp.ImmutableMatrix(Fs.xreplace(at).T * g)
        guard(put_values(sp.ImmutableMatrix.vstack(total, g), values, memo), sizes,
              max_operations, f"∂L/∂θ back to step {k} of T = {T}", cell)
    return _unflatten(cell, put_values(total, values, memo), put_values(g, values, memo))


def _unflatten(cell, flat, g):
    grads, start = {}, 0
    for name, value in cell.parameters:
        size = value.rows * value.cols
        grads[name] = sp.ImmutableMatrix(value.rows, value.cols, list(flat[start:start + size]))
        start += size
    for p, part in enumerate(cell.kind.state):
        grads[f"{part}0"] = sp.ImmutableMatrix(g[p * cell.hidden:(p + 1) * cell.hidden, :])
    return grads


@lru_cache(maxsize=256)
def lift(cell):
    """(the cell with every number in its parameters, s_0 and x replaced by a placeholder
    symbol, {placeholder: number}).  Unrolled expressions are built on the placeholders and
    the numbers go in last (``put_values``): built on numbers, every tanh(·) and exp(·) would
    ask evalf about its whole argument, a tree walk of the shared DAG at every node."""
    values = {}

    def lifted(M):
        def entry(i, j):
            if M[i, j].free_symbols:
                return M[i, j]
            placeholder = sp.Dummy("v", real=True)
            values[placeholder] = M[i, j]
            return placeholder
        return sp.ImmutableMatrix(M.rows, M.cols, entry)
    parameters = tuple((name, lifted(value)) for name, value in cell.parameters)
    x = None if cell.x is None else tuple(lifted(x_k) for x_k in cell.x)
    return replace(cell, parameters=parameters, state0=lifted(cell.state0), x=x), values


def put_values(matrix, values, memo=None):
    """``matrix`` with the placeholders of ``lift`` replaced by their numbers, each distinct
    subexpression rebuilt once (a DAG walk); nodes of numbers only are evaluated (exact
    rational arithmetic), sums and products combine their numbers (``_rebuilt``), the rest is
    rebuilt unevaluated, so no evalf walks the tree."""
    if not values:
        return matrix
    memo = {} if memo is None else memo
    return sp.ImmutableMatrix(matrix.rows, matrix.cols,
                              [_put(e, values, memo) for e in matrix])


def _put(expr, values, memo):
    stack = [expr]
    while stack:
        node = stack[-1]
        if node in memo:
            stack.pop()
        elif node in values or not node.args:
            memo[node] = values.get(node, node)
            stack.pop()
        elif pending := [a for a in node.args if a not in memo]:
            stack.extend(pending)
        else:
            stack.pop()
            memo[node] = _rebuilt(node.func, [memo[a] for a in node.args])
    return memo[expr]


def _rebuilt(func, args):
    """``func(*args)``: evaluated when every argument is a rational number; a sum or product
    with its numbers combined into one (x + 0 → x, 1·x → x, 0·x → 0, −1 − 7/20 → −27/20) and
    nested sums and products flattened; x^1 → x, x^0 → 1, 1^x → 1; everything else rebuilt
    unevaluated: SymPy's own evaluation asks evalf about every argument free of symbols."""
    if all(a.is_Rational for a in args):
        return func(*args)
    if func in (sp.Add, sp.Mul):
        return _combined(func, args)
    if func is sp.Pow and (args[1] in (0, 1) or args[0] == 1):
        return args[0] if args[1] == 1 else sp.S.One
    with sp.evaluate(False):
        return func(*args)


def _combined(func, args):
    """A sum or product of ``args`` with their numbers combined, exact, unevaluated otherwise."""
    unit = sp.S.Zero if func is sp.Add else sp.S.One
    number, rest = unit, []
    for a in (b for arg in args for b in (arg.args if arg.func is func else (arg,))):
        if a.is_Rational:
            number = number + a if func is sp.Add else number * a
        else:
            rest.append(a)
    if func is sp.Mul and number == 0:
        return sp.S.Zero
    terms = rest + [number] if func is sp.Add else [number] + rest
    terms = [t for t in terms if t != unit] or [unit]
    if len(terms) == 1:
        return terms[0]
    with sp.evaluate(False):
        return func(*terms)


def guard(matrix, sizes, limit, what, cell):
    """``ExpressionTooLarge`` when ``matrix`` written out as trees exceeds ``limit`` operations."""
    size_guard(matrix, sizes, limit,
               f"{what} for the {cell.kind.name} cell with n={cell.hidden}", NUMERIC_PATH)
