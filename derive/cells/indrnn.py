"""The IndRNN cell (Li et al. 2018): h' = φ(W_ih x + b + u ⊙ h), a recurrent *vector* u.

Everything the tool knows about this cell type is in this file: its parameters in PyTorch's
style, its one channel, its unit map, which parameter a gain sweep scales (u, drawn
uniform(0, 1) by default) and what its derivation adds.  Each unit sees only its own past, so
∂h_k/∂h_{k−1} = diag(u ⊙ φ'(·)) is diagonal and the product over time is, per unit,
Π_k u_i φ'(v_{k,i}): |u_i| γ_φ < 1 vanishes, > 1 can explode.
"""

import sympy as sp

from derive.cells.kind import CellKind, Parameter, channel


def _unit(s, phi):
    return {"h": phi(s["a"] + s["u"] * s["h"])}


def _lesson(cell, T):
    """The diagonal step Jacobian, the per-unit product and its regime."""
    from derive.cells.carousel import diagonal_part, eq
    from derive.cells.gates import gate
    from derive.cells.readable import readable_jacobian
    from derive.latex import Step, reason
    from derive.notation import T as T_
    from derive.notation import gamma_phi, k

    act = cell.activation
    u, v = sp.Symbol("u_i", real=True), sp.Symbol("v_{k,i}", real=True)
    block = readable_jacobian(cell.kind, act)[("h", "h")]
    per_step, P = u * gate(act)(v).diff(v), sp.Symbol("P_i")
    limit = sp.Limit(sp.Abs(P), T_, sp.oo)
    return [
        Step(eq(sp.Symbol("J_{k,ij}"), block),
             *reason("diagonal: unit i sees only its own past (", sp.Symbol("J_{k,ii}"), " is ",
                     sp.factor_terms(diagonal_part(block)), ")")),
        Step(eq(P, sp.Product(per_step, (k, 1, T_))),
             *reason("per unit, ", eq(v, sp.Symbol("a_{k,i}") + u * sp.Symbol("h_{k-1,i}")))),
        Step(sp.Le(sp.Abs(P), (sp.Abs(u) * gamma_phi) ** T_, evaluate=False),
             *reason("each step: ", sp.Le(sp.Abs(gate(act)(v).diff(v)), gamma_phi,
                                          evaluate=False))),
        Step(eq(gamma_phi, act.gamma), *reason("for ", act.name)),
        Step(sp.Implies(sp.Lt(sp.Abs(u) * act.gamma, 1), sp.Eq(limit, 0)),
             "vanishes, unit by unit"),
    ]


KIND = CellKind(
    name="indrnn", title="IndRNN", state=("h",),
    parameters=(Parameter("weight_ih", "m", ("W_ih",)), Parameter("bias", 1, ("b",)),
                Parameter("u", 1, ("u",), init=(0, 1))),
    channels=(channel("a", ("weight_ih", 0, "x"), ("bias", 0, None)),),
    unit=_unit, unit_parameters=("u",), takes_activation=True,
    equations="h' = φ(W_ih x + b + u ⊙ h)", recurrent_parameter="u", lesson=_lesson)
