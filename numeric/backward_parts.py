"""Pieces of the mistaken backward passes (``numeric.backward``): the unit partials with one
derived gate-derivative factor replaced by 1, and a gated cell's parameters read in another
gate order.

A factor is an applied derivative gate function in ∂G (``derive.unit_partials``): φ'(a_k) of
the Elman cell, σ'(z_f), tanh'(z_g), tanh'(c_k) of the LSTM, ...  Dropping it substitutes 1
for it in every partial of the unit map, so it is gone from every chain rule product that
passes through it (tanh'(c_k) from ∂h_k/∂c_k and from every ∂h_k/∂z through c_k).
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

import derive
from numeric.cell_bridge import _compile

TEXT = {"sigmoid": "σ", "tanh": "tanh"}
FORMS = ("h", "a")


def gate_names(kind):
    """The row blocks of the stacked weights, in the kind's order ("ifgo" → i, f, g, o)."""
    return tuple(base[-1] for base in kind.parameters[0].bases)


@lru_cache(maxsize=64)
def derivative_factors(kind, act):
    """{name: SymPy applied derivative gate} for every gate-derivative factor of ∂G, sorted by
    name: "φ'(a_k)" (Elman), "σ'(z_f)", "tanh'(c_k)" (LSTM), ..."""
    outputs, inputs = derive.unit_map(kind, act)
    found = set()
    for row in derive.unit_partials(kind, act):
        for expr in row:
            found |= {node for node in expr.atoms(sp.Function)
                      if derive.is_gate(node) and type(node).is_derivative}
    names = {_factor_name(node, kind, outputs): node for node in found}
    return dict(sorted(names.items()))


def factor_places(kind, act, factor):
    """The partials of the step that carry ``factor``: ("∂h_k/∂c_{k−1}", "∂h_k/∂z_f", ...),
    a state part's input written with k − 1, a channel's with its own name."""
    node = derivative_factors(kind, act)[factor]
    _, inputs = derive.unit_map(kind, act)
    names = [f"{v.name}_{{k−1}}" if v.name in kind.state else v.name for v in inputs]
    return tuple(f"∂{part}_k/∂{name}"
                 for part, row in zip(kind.state, derive.unit_partials(kind, act), strict=True)
                 for name, expr in zip(names, row, strict=True) if expr.has(node))


def _factor_name(node, kind, outputs):
    """"tanh'(a_k)", "σ'(z_f,k)", "tanh'(c_k)" (a state part's value), "tanh'(n_k's
    pre-activation)" (GRU: n_x + r ⊙ n_h), "tanh'(h_k's pre-activation)" (IndRNN)."""
    text = TEXT.get(type(node).activation.name, "φ")
    arg = node.args[0]
    if isinstance(arg, sp.Symbol):
        return f"{text}'({arg.name}" + (",k)" if "_" in arg.name else "_k)")
    for part, out in zip(kind.state, outputs, strict=True):
        if sp.expand(arg - out) == 0:
            return f"{text}'({part}_k)"
        if derive.is_gate(out) and sp.expand(arg - out.args[0]) == 0:
            return f"{text}'({part}_k's pre-activation)"
    bare = arg.replace(derive.is_gate, lambda e: sp.S.One)
    prefixes = {s.name.split("_")[0] for s in bare.free_symbols}
    if len(prefixes) == 1:
        return f"{text}'({prefixes.pop()}_k's pre-activation)"
    return f"{text}'({sp.sstr(arg)})"


@dataclass(frozen=True)
class Dropped:
    """The unit partials with ``factor`` replaced by 1; ``form`` "h" (dropped from the whole
    recursion: g_{k−1} = W_hhᵀ g_k for Elman) or "a" (kept on the immediate loss term only,
    the recursion for ∂L/∂a_k written δ_k = W_hhᵀ δ_{k+1} + D_k e_k)."""

    kind: object
    act: object
    factor: str
    form: str

    def partials(self, params, channels, state, perturb):
        from numeric import cells

        n = cells.hidden_size(self.kind, params)
        parts = [state[p * n:(p + 1) * n] for p in range(len(self.kind.state))]
        values = channels + parts + [params[name] for name in self.kind.unit_parameters]
        flat, width = _dropped_function(self.kind, self.act, self.factor)
        entries = [perturb(v) for v in flat(*values)]
        return [entries[a * width:(a + 1) * width] for a in range(len(self.kind.state))]


@lru_cache(maxsize=64)
def _dropped_function(kind, act, factor):
    _, inputs = derive.unit_map(kind, act)
    node = derivative_factors(kind, act)[factor]
    exprs = [d.xreplace({node: sp.S.One}) for row in derive.unit_partials(kind, act)
             for d in row]
    return _compile(inputs, exprs), len(inputs)


def dropped_partials(kind, act, detail):
    """The ``Dropped`` of a missing_activation_derivative detail: a factor name, a form ("h" or
    "a", for a cell with one factor) or (factor, form); ValueError naming the factors."""
    factors = derivative_factors(kind, act)
    factor, form = (detail, "h") if not isinstance(detail, tuple) else detail
    if factor in FORMS and not isinstance(detail, tuple):
        factor, form = (next(iter(factors)) if len(factors) == 1 else None), detail
    if factor not in factors or form not in FORMS:
        raise ValueError(f"missing_activation_derivative detail must name a factor of the "
                         f"{kind.name} cell ({', '.join(factors)}) and a form (h or a), got "
                         f"{detail!r}")
    return Dropped(kind, act, factor, form)


def permute_blocks(kind, value, order, inverse=False):
    """``value`` (a stacked parameter or its gradient, gates in ``kind``'s order) with its row
    blocks stacked in ``order`` (gate names); ``inverse``: the blocks of ``value`` are stacked in
    ``order`` and come back in the kind's order."""
    gates = gate_names(kind)
    if sorted(order) != sorted(gates):
        raise ValueError(f"a gate order must be a permutation of {', '.join(gates)}, got "
                         f"{order!r}")
    n = value.shape[0] // len(gates)
    blocks = [value[i * n:(i + 1) * n] for i in range(len(gates))]
    if inverse:
        return np.concatenate([blocks[list(order).index(g)] for g in gates])
    return np.concatenate([blocks[gates.index(g)] for g in order])


def permuted_params(prob, order):
    """(the problem whose forward pass reads each stacked parameter's block i as gate
    ``order[i]``, a function taking its gradients back to the layout of the given arrays)."""
    from numeric.backward import Problem

    kind = prob.kind
    if len(gate_names(kind)) < 2:
        raise ValueError(f"the {kind.name} cell has no gates to reorder")
    stacked = {p.name for p in kind.parameters if len(p.bases) > 1}
    params = {name: permute_blocks(kind, v, order, inverse=True) if name in stacked else v
              for name, v in prob.params.items()}

    def unpermute(grads):
        back = {own: name for own, name in prob.names.items()}
        return {own: permute_blocks(kind, g, order) if back[own] in stacked else g
                for own, g in grads.items()}

    values = dict(vars(prob), params=params)
    return Problem(**values), unpermute
