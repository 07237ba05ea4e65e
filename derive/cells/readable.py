"""The structured step Jacobian of a cell as people read it: gate values for the gate functions
(σ(z_f) → f, tanh(z_g) → g, tanh(n_x + r n_h) → n, the new cell state → c′) and every gate
derivative through its value where that is exact: φ′(z) = Q(φ(z)) with Q derived by SymPy
(σ′ = σ(1 − σ), tanh′ = 1 − tanh²) and the identity checked by ``simplify``.

Everything here is SymPy substitution on ``structured_jacobian``; no formula is typed.

>>> from derive.cells import CELLS
>>> readable_jacobian(CELLS["lstm"], None)[("c", "c")]
f*KroneckerDelta(i, j)
"""

from functools import lru_cache

import sympy as sp

from derive.activations import activation
from derive.cells.cell import unit_map
from derive.cells.gates import gate, is_gate
from derive.cells.kind import unit_symbol
from derive.cells.structure import structured_jacobian

_Y = sp.Symbol("y", real=True)


def value_symbol(name):
    """The symbol of a gate value or new state entry (f, g, n, c′), read per unit i, step k."""
    return sp.Symbol(name, real=True)


def _sigma_tanh():
    return gate(activation("sigmoid")), gate(activation("tanh"))


def _lstm_values(u):
    sigma, tanh = _sigma_tanh()
    return ((sigma(u("z_i")), "i"), (sigma(u("z_f")), "f"), (tanh(u("z_g")), "g"),
            (sigma(u("z_o")), "o"))


def _gru_values(u):
    sigma, tanh = _sigma_tanh()
    return ((sigma(u("z_r")), "r"), (sigma(u("z_z")), "z"),
            (tanh(u("n_x") + value_symbol("r") * u("n_h")), "n"))


#: per cell type: the gate applications that get a name, in substitution order (later ones
#: are written in the names of earlier ones)
GATE_VALUES = {"lstm": _lstm_values, "gru": _gru_values}


@lru_cache(maxsize=16)
def derivative_through_value(act):
    """Q with φ′(z) = Q(φ(z)) exactly (a Lambda), or None when no such Q is found: φ′ written
    in φ directly, or through the one function inside φ solved for (σ: e^{−z} = (1 − y)/y);
    each candidate is accepted only when ``simplify(φ′ − Q(φ)) == 0``.

    >>> derivative_through_value(activation("sigmoid"))
    Lambda(y, y*(1 - y))
    """
    z = act.variable
    candidates = [act.dphi.subs(act.phi, _Y)]
    for inner in act.phi.atoms(sp.Function):
        carrier = sp.Dummy("w")
        solved = sp.solve(sp.Eq(act.phi.subs(inner, carrier), _Y), carrier)
        if len(solved) == 1:
            candidates.append(sp.simplify(act.dphi.subs(inner, solved[0])))
    for q in candidates:
        if not q.has(z) and sp.simplify(act.dphi - q.subs(_Y, act.phi)) == 0:
            return sp.Lambda(_Y, q)
    return None


def _through_values(expr):
    """Every gate derivative φ′(a) in ``expr`` replaced by Q(φ(a)) where Q exists."""
    def is_derivative(node):
        return is_gate(node) and type(node).is_derivative and \
            derivative_through_value(type(node).activation) is not None

    def rewrite(node):
        act = type(node).activation
        return derivative_through_value(act)(gate(act)(node.args[0]))
    return expr.replace(is_derivative, rewrite)


@lru_cache(maxsize=16)
def gate_values(kind, act):
    """((value symbol, what it names), ...): the named gate values of this cell type, then its
    new state entries (last part first: c′ = f c + i g, h′ = o tanh(c′)), in named form."""
    pairs = [(value_symbol(name), expr)
             for expr, name in GATE_VALUES.get(kind.name, lambda u: ())(unit_symbol)]
    outputs, _ = unit_map(kind, act)
    for part, out in reversed(tuple(zip(kind.state, outputs, strict=True))):
        pairs.append((value_symbol(f"{part}'"), _named(out, pairs)))
    return tuple(pairs)


def _named(expr, pairs):
    for symbol, value in pairs:
        expr = expr.xreplace({value: symbol})
    return expr


def readable(expr, kind, act):
    """``expr`` (in unit symbols, gate form) in the cell's gate values."""
    return _named(_through_values(expr), gate_values(kind, act))


@lru_cache(maxsize=16)
def readable_jacobian(kind, act):
    """``structured_jacobian(kind, act)`` with gate values named and gate derivatives written
    through them: {(new part, old part): ∂s′_{a,i}/∂s_{b,j}} (LSTM ∂c′/∂c = δ_ij f)."""
    return {key: _tidy(readable(block, kind, act))
            for key, block in structured_jacobian(kind, act).items()}


def _tidy(block):
    """Common factors pulled out of each weight's coefficient (z(1 − z)(h − n), not a sum)."""
    weights = sorted(block.atoms(sp.Indexed, sp.KroneckerDelta), key=sp.default_sort_key)
    return sp.collect(block, weights, sp.factor_terms)
