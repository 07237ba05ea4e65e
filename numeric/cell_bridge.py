"""The bridge for cells: a cell type's unit map G and its partial derivatives, derived by SymPy
(``derive.cells``), compiled to NumPy with the gate functions mapped to the activations' stable
forms (σ'(a) = σ(a)σ(−a), tanh'(a) = sech²(a)): full relative precision in saturation.

``unit_functions(kind, act)`` gives (G, ∂G) with G(*inputs) → tuple of new state parts and
∂G(*inputs) → rows (per output) of partials (per input), every array broadcast to the inputs'
common shape.  ``complex=True`` compiles G for complex arguments (complex step).
"""

from functools import lru_cache

import numpy as np
import sympy as sp

import derive
from numeric.bridge import _MODULES, activation_functions, complex_phi


def _gate_modules(exprs, complex_values):
    """{name: NumPy function} for every gate function (φ or φ') appearing in ``exprs``."""
    modules = {}
    for expr in exprs:
        for node in expr.atoms(sp.Function):
            if not derive.is_gate(node):
                continue
            kind = type(node)
            if complex_values:
                if kind.is_derivative:
                    raise ValueError("complex step differentiates G itself, not its partials")
                modules[kind.__name__] = complex_phi(kind.activation)
            else:
                modules[kind.__name__] = activation_functions(kind.activation)[
                    1 if kind.is_derivative else 0]
    return modules


def _is_minus_sigmoid(term):
    """Whether ``term`` is −σ(u) for the sigmoid gate (not its derivative)."""
    gate = -term
    return (derive.is_gate(gate) and not type(gate).is_derivative
            and type(gate).activation.name == "sigmoid")


def without_cancellation(expr):
    """``expr`` with every 1 − σ(u) written σ(−u): equal, but 1 − σ(u) keeps no relative
    precision once σ(u) rounds near 1 (a GRU update gate at z = 30: 1 − σ(z) = 9.4e-14
    comes out with a relative error near 1e-3, and every product through it with it).

    >>> import sympy as sp, derive
    >>> sigma, u = derive.gate(derive.activation("sigmoid")), sp.Symbol("u")
    >>> without_cancellation(u * (1 - sigma(u)))
    u*sigmoid(-u)
    """
    def complement(add):
        rest = list(add.args)
        rest.remove(sp.S.One)
        term = next(t for t in rest if _is_minus_sigmoid(t))
        rest.remove(term)
        gate = -term
        return sp.Add(type(gate)(-gate.args[0]), *rest)

    return expr.replace(lambda e: e.is_Add and sp.S.One in e.args
                        and any(_is_minus_sigmoid(t) for t in e.args), complement)


def _compile(inputs, exprs, complex_values=False):
    """Common factors pulled out of sums (``sp.factor_terms``): GRU's ∂h'/∂z_z is then
    σ'(z_z)(h − n), whose h − n float64 forms exactly (Sterbenz) where h and n are close,
    not h σ'(z_z) − n σ'(z_z), whose two roundings (ε σ' |h| each) swamp a difference that
    is itself near ε (h, n both near ±1: relative errors of 1 and more)."""
    flat = [sp.factor_terms(without_cancellation(expr)) for expr in exprs]
    function = sp.lambdify(inputs, flat, cse=True,
                           modules=[_gate_modules(flat, complex_values), *_MODULES])

    def apply(*values):
        shape = np.broadcast_shapes(*(np.shape(v) for v in values))
        dtype = complex if complex_values else np.result_type(*values, float)
        with np.errstate(over="ignore", under="ignore"):
            results = function(*values)
        return [np.broadcast_to(np.asarray(r), shape).astype(dtype) for r in results]

    return apply


@lru_cache(maxsize=64)
def unit_functions(kind, act, complex_values=False):
    """(G, ∂G) compiled for this cell type and activation (``complex_values``: G only, for
    complex arguments; ∂G is then None)."""
    outputs, inputs = derive.unit_map(kind, act)
    G = _compile(inputs, outputs, complex_values)
    if complex_values:
        return G, None
    partials = derive.unit_partials(kind, act)
    flat = _compile(inputs, [d for row in partials for d in row])
    width = len(inputs)

    def dG(*values):
        entries = flat(*values)
        return [entries[a * width:(a + 1) * width] for a in range(len(outputs))]

    return G, dG
