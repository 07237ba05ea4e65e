"""Gate functions: an activation as one SymPy function σ(z), tanh(z), φ(z) whose derivative is
the function σ'(z), tanh'(z), φ'(z) — so that the derivatives of a cell's unit map stay short,
print in the usual notation, and reach NumPy as the activation's stable forms (σ(a)σ(−a),
sech²(a)), never as SymPy's naive 1 − tanh²(a).

``explicit(expr)`` writes them out with the activation's own φ and φ' (exact, for the user).

>>> import sympy as sp
>>> from derive.activations import activation
>>> sigma = gate(activation("sigmoid"))
>>> z = sp.Symbol("z")
>>> sp.diff(sigma(2 * z), z)
2*sigmoid'(2*z)
"""

import hashlib
import re
from functools import lru_cache

import sympy as sp

from derive.activations import registry_entry

_SYMBOLS = {"sigmoid": (r"\sigma", "σ"), "tanh": (r"\tanh", "tanh")}


def _identifier(act):
    """A Python identifier for lambdify: the registry label, or a hash of a custom φ."""
    if registry_entry(act) is not None:
        return re.sub(r"\W", "_", act.name)
    return "custom_" + hashlib.sha1(sp.srepr(act.phi).encode()).hexdigest()[:10]


@lru_cache(maxsize=64)
def gate(act):
    """The SymPy function class of φ = ``act`` (one per activation, cached)."""
    tex, text = _SYMBOLS.get(act.name, (r"\varphi", "φ"))
    name = _identifier(act)
    derivative = _function(f"d{name}", tex + "'", text + "′", act, None)
    return _function(name, tex, text, act, derivative)


def _function(name, tex, text, act, derivative):
    def fdiff(self, argindex=1):
        if derivative is None:
            raise NotImplementedError("second derivatives of gate functions are not used")
        return derivative(self.args[0])

    def _latex(self, printer, exp=None):
        body = rf"{tex}\left({printer._print(self.args[0])}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm
        form = prettyForm(*printer._print(self.args[0]).parens())
        return prettyForm(*form.left(text))

    def _sympystr(self, printer):
        return f"{act.name}{'′' if derivative is None else ''}({printer._print(self.args[0])})" \
            .replace("′", "'")

    namespace = {"nargs": 1, "fdiff": fdiff, "_latex": _latex, "_pretty": _pretty,
                 "_sympystr": _sympystr, "activation": act, "is_derivative": derivative is None,
                 "is_real": True}
    return type(name, (sp.Function,), namespace)


def is_gate(expr):
    """Whether ``expr`` is an applied gate function (φ or φ')."""
    return isinstance(expr, sp.Function) and hasattr(type(expr), "is_derivative")


def explicit(expr):
    """``expr`` with every gate function written out: φ(a) → the activation's φ at a, φ'(a) →
    its derived φ' at a (exact SymPy, as ``derive.step_jacobian`` of an Elman RNN gives)."""
    def write_out(node):
        act = type(node).activation
        inner = node.args[0]
        return act.derivative_at(inner) if type(node).is_derivative else act.at(inner)
    return expr.replace(is_gate, write_out)
