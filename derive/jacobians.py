"""Step Jacobians, their products over time, and the BPTT gradient ∂L/∂W_hh.

    J_k = ∂h_k/∂h_{k-1} = D_k W_hh,   D_k = diag(φ'(a_k)),                         (n, n)
    ∂h_j/∂h_i = J_j J_{j-1} ⋯ J_{i+1}   (later steps on the left; I when i = j)
    ∂L/∂W_hh = Σ_k δ_k h_{k-1}^T,  δ_k = D_k g_k,  g_T = ∂L/∂h_T,  g_{k-1} = W_hh^T δ_k

Unrolled states h_k are built once per RNN (``derive.unrolled``: one ``Unrolled`` per spec, cached
by value) and shared by every expression that uses them, so a
product's expression is a DAG of size O(T n^3).  Written out as a tree (what ``count_ops``,
printing and ``lambdify`` without cse see) it grows like n^T; ``expression_size`` measures that
tree size without expanding it, and the expanded forms refuse to go past ``MAX_OPERATIONS``.
"""

import sympy as sp

from derive.cells.cell import Cell
from derive.rnn import check_step
from derive.unrolled import unroll

MAX_OPERATIONS = 200_000


class ExpressionTooLarge(ValueError):
    """An expanded expression would exceed the operation limit; use the numeric layer."""


def pre_activation(rnn, k):
    """a_k = W_hh h_{k-1} + W_xh x_k + b_h, unrolled back to h_0, (n, 1)."""
    check_step(rnn, k, "k", lowest=1)
    return unroll(rnn).pre_activation(k)


def hidden_state(rnn, k):
    """h_k = φ(a_k) unrolled back to h_0 (h_0 itself for k = 0), (n, 1)."""
    check_step(rnn, k, "k")
    if k == 0:
        return rnn.h0
    return unroll(rnn).hidden_state(k)


def step_jacobian(rnn, k, local=False, **cell_options):
    """J_k = ∂h_k/∂h_{k-1} = diag(φ'(a_k)) W_hh, (n, n).  For a cell (``derive.cell``),
    ∂s_k/∂s_{k−1} derived from its step map (``derive.cells.calculus``; ``gate_form``).

    Unrolled (in terms of the parameters, h_0 and the inputs) by default; with ``local=True``
    in terms of the state symbols h_{k-1,i}, as one step of the recurrence reads.

    >>> from derive.rnn import RNN
    >>> step_jacobian(RNN(1, activation="tanh"), 1, local=True)
    Matrix([[w*(1 - tanh(b + h_0*w + u*x_1)**2)]])
    """
    if (cells := _for_cell(rnn, cell_options)) is not None:
        return cells.step_jacobian(rnn, k, local, **cell_options)
    check_step(rnn, k, "k", lowest=1)
    return unroll(rnn).step_jacobian(k, local)


def activation_derivative(rnn, k, local=False):
    """D_k = diag(φ'(a_k)), (n, n); a_k unrolled, or local in the symbols h_{k-1,i}."""
    return unroll(rnn).derivative(k, local)


def jacobian_product(rnn, i, j, expanded=False, max_operations=MAX_OPERATIONS):
    """∂h_j/∂h_i = J_j ⋯ J_{i+1}, later steps on the left; the identity when i = j (for a
    cell ∂s_j/∂s_i, a product of matrix symbols J_k when structured).

    Structured (default): a product of the matrix symbols D_k and W_hh, for any n, i, j.
    Expanded: the explicit (n, n) Matrix, refused with ``ExpressionTooLarge`` when its
    expression tree would exceed ``max_operations`` operations.

    >>> from derive.rnn import RNN
    >>> jacobian_product(RNN(2), 0, 2)
    D_2*W_hh*D_1*W_hh
    >>> jacobian_product(RNN(1, activation="identity", W_hh=[[1.5]]), 0, 3, expanded=True)
    Matrix([[27/8]])
    """
    if (cells := _for_cell(rnn)) is not None:
        return cells.jacobian_product(rnn, i, j, expanded, max_operations)
    check_step(rnn, i, "i")
    check_step(rnn, j, "j")
    if i > j:
        raise ValueError(f"need i <= j for ∂h_j/∂h_i, got i = {i}, j = {j}")
    if not expanded:
        return structured_product(rnn.hidden, i, j)
    product = sp.ImmutableMatrix(sp.eye(rnn.hidden))
    sizes = {}
    for k in range(i + 1, j + 1):
        product = step_jacobian(rnn, k) * product
        _guard(product, sizes, max_operations, f"∂h_{k}/∂h_{i} (of ∂h_{j}/∂h_{i})", rnn.hidden)
    return sp.ImmutableMatrix(product)


def structured_product(n, i, j):
    """D_j W_hh ⋯ D_{i+1} W_hh as a product of (n, n) matrix symbols; I_n when i = j."""
    if i == j:
        return sp.Identity(n)
    W = weight_symbol(n)
    factors = []
    for k in range(j, i, -1):
        factors += [derivative_symbol(k, n), W]
    return sp.MatMul(*factors)


def weight_symbol(n):
    """W_hh as an (n, n) matrix symbol."""
    return sp.MatrixSymbol("W_hh", n, n)


def derivative_symbol(k, n):
    """D_k = diag(φ'(a_k)) as an (n, n) matrix symbol."""
    return sp.MatrixSymbol(f"D_{k}", n, n)


def loss(rnn, T, y=None):
    """L = ½‖h_T − y‖², unrolled; y defaults to symbols y_i (y for n = 1)."""
    residual = hidden_state(rnn, T) - target(rnn, y)
    return sp.Rational(1, 2) * sum(r**2 for r in residual)


def target(rnn, y=None):
    """The target y as an exact (n, 1) column; symbols y_i (y for n = 1) when None."""
    from derive.rnn import _matrix, _symbols

    return _matrix(y, "y", rnn.hidden, 1, _symbols("y", rnn.hidden, 1))


def bptt_terms(rnn, T, y=None, max_operations=MAX_OPERATIONS):
    """The per-step terms δ_k h_{k-1}^T, k = 1..T, of ∂L/∂W_hh for L = ½‖h_T − y‖².

    δ_k = D_k g_k with g_T = h_T − y and g_{k-1} = W_hh^T δ_k: term k collects every path
    (∂L/∂h_T)(∂h_T/∂h_k)(∂⁺h_k/∂W_hh) through step k.  Returns a list of (n, n) matrices.
    """
    check_step(rnn, T, "T", lowest=1)
    g = hidden_state(rnn, T) - target(rnn, y)
    terms, sizes = [], {}
    for k in range(T, 0, -1):
        delta = activation_derivative(rnn, k) * g
        terms.append(sp.ImmutableMatrix(delta * hidden_state(rnn, k - 1).T))
        _guard(terms[-1], sizes, max_operations, f"the BPTT term of step {k}", rnn.hidden)
        g = rnn.W_hh.T * delta
    return terms[::-1]


def bptt_gradient(rnn, T, y=None, max_operations=MAX_OPERATIONS):
    """∂L/∂W_hh = Σ_k δ_k h_{k-1}^T for L = ½‖h_T − y‖², an explicit (n, n) Matrix.  For a
    cell: a dict of ∂L/∂θ keyed by PyTorch's parameter names, and ∂L/∂h_0 (∂L/∂c_0) as h0 (c0).

    >>> from derive.rnn import RNN
    >>> bptt_gradient(RNN(1, activation="identity", W_hh=[[2]], W_xh=[[0]], b_h=[0],
    ...                   h0=[1]), 2, y=[0])
    Matrix([[16]])
    """
    if (cells := _for_cell(rnn)) is not None:
        return cells.bptt_gradient(rnn, T, y, max_operations)
    terms = bptt_terms(rnn, T, y, max_operations)
    total = sp.ImmutableMatrix(sp.zeros(rnn.hidden))
    for term in terms:
        total = total + term
    _guard(total, {}, max_operations, f"∂L/∂W_hh over T = {T} steps", rnn.hidden)
    return total


def expression_size(expr, sizes=None):
    """Operations in ``expr`` written out as a tree (shared subexpressions counted each time).

    Counted on the DAG with a memo, so it is fast even when the tree is astronomically large:
    one per function application, Add/Mul (args − 1), Pow; atoms count zero.
    """
    sizes = {} if sizes is None else sizes
    stack = [expr]
    while stack:
        node = stack[-1]
        if node in sizes:
            stack.pop()
            continue
        pending = [a for a in node.args if a not in sizes]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        own = max(len(node.args) - 1, 1) if node.args else 0
        sizes[node] = own + sum(sizes[a] for a in node.args)
    return sizes[expr]


def _guard(matrix, sizes, limit, what, n):
    size_guard(matrix, sizes, limit, f"{what} for n={n}",
               "numeric.jacobian_product, numeric.bptt")


def size_guard(matrix, sizes, limit, what, numeric_path):
    """``ExpressionTooLarge`` when ``matrix`` written out as trees exceeds ``limit``
    operations; the message names ``what`` was being expanded and the numeric path."""
    size = sum(expression_size(entry, sizes) for entry in matrix)
    if size > limit:
        raise ExpressionTooLarge(
            f"expanding {what} would exceed {limit:,} operations (already {size:,}); use the "
            f"structured form (expanded=False) or the numeric layer ({numeric_path})")


def _for_cell(spec, cell_options=None):
    """derive.cells.calculus when ``spec`` is a Cell, else None (options are for cells only)."""
    if isinstance(spec, Cell):
        from derive.cells import calculus
        return calculus
    if cell_options:
        raise TypeError(f"{', '.join(cell_options)}: options of a cell, not of an RNN")
    return None

