"""The derivation's reasons with their math in math mode.

A step's ``reason`` is plain ASCII text (for ``to_text`` and JSON); ``typeset`` gives the steps
of ``derivation`` a ``reason_tex`` in which every symbol and formula is a SymPy object printed by
``derive.notation.latex`` ($g_{k}$ is $\\partial L/\\partial h_{k}$, not "g k is dL/dh k").

>>> step = typeset(Step(sp.Eq(sp.Symbol("x"), 1), "g_k is dL/dh_k"))
>>> step.reason_tex
'$g_{k}$ is $\\\\frac{\\\\partial L}{\\\\partial h_{k}}$'
"""

import re

import sympy as sp

from derive.latex import Step, reason
from derive.notation import T, dphi, gamma_phi, k, partial, z

_h_k, _h_km1, _a_k, _g_k = sp.symbols("h_k h_{k-1} a_k g_k")
_W = sp.MatrixSymbol("W_hh", 1, 1)


def _eq(lhs, rhs):
    return sp.Eq(lhs, rhs, evaluate=False)


_PATTERNS = (
    (r"pre-activation at step k = 1, \.\.\., T, input x_k",
     lambda: ("pre-activation at step ", k, ", for ", k, " from 1 to ", T, ", input ",
              sp.Symbol("x_k"))),
    (r"the step Jacobian J_k, an n x n matrix",
     lambda: ("the step Jacobian ", sp.Symbol("J_k"), ", an ", sp.Symbol(r"n \times n"),
              " matrix")),
    (r"(.*), (\d+) entries \((symbols|given numbers)\), too many to show for n > (\d+)",
     lambda what, count, kind, limit: (f"{what}, {count} entries ({kind}), too many to show for ",
                                       sp.Gt(sp.Symbol("n"), int(limit), evaluate=False))),
    (r"its entries: (\d+), too many to show for n > (\d+)",
     lambda count, limit: (f"its entries: {count}, too many to show for ",
                           sp.Gt(sp.Symbol("n"), int(limit), evaluate=False))),
    (r"the activation derivative at step k", lambda: ("the activation derivative at step ", k)),
    (r"chain rule: h_k depends on h_\(k-1\) through a_k",
     lambda: ("chain rule: ", _h_k, " depends on ", _h_km1, " through ", _a_k)),
    (r"the step Jacobian at k = T = (\d+), entry by entry",
     lambda t: ("the step Jacobian at ", _eq(k, T), ", ", _eq(T, int(t)), ", entry by entry")),
    (r"each \|phi'\| is at most gamma",
     lambda: ("each ", sp.Le(sp.Abs(dphi(z)), gamma_phi, evaluate=False))),
    (r"the largest singular value of W_hh", lambda: ("the largest singular value of ", _W)),
    (r"the bound for this RNN over T = (\d+) steps",
     lambda t: ("the bound for this RNN over ", _eq(T, int(t)), " steps")),
    (r"the vanishing condition solved for w",
     lambda: ("the vanishing condition solved for ", sp.Symbol("w"))),
    (r"g_k is dL/dh_k", lambda: (_g_k, " is ", partial(sp.Symbol("L"), _h_k))),
    (r"back through W_hh", lambda: ("back through ", _W.T)),
)


def typeset(step):
    """``step`` with ``reason_tex`` set when its reason is one of the patterns above."""
    if step.reason_tex is not None:
        return step
    for pattern, parts in _PATTERNS:
        match = re.fullmatch(pattern, step.reason)
        if match:
            return Step(step.relation, step.reason, reason(*parts(*match.groups()))[1])
    return step
