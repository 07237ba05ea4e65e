"""The IndRNN cell (Li et al. 2018): h' = φ(W_ih x + b + u ⊙ h), a recurrent *vector* u.

Each unit sees only its own past, so ∂h_k/∂h_{k−1} = diag(u ⊙ φ'(·)) is diagonal and the
product over time is the product of scalars per unit: |u_i| γ_φ < 1 vanishes, > 1 can explode.
"""

from derive.cells.kind import CellKind, Parameter, channel


def _unit(s, phi):
    return {"h": phi(s["a"] + s["u"] * s["h"])}


KIND = CellKind(
    name="indrnn", title="IndRNN", state=("h",),
    parameters=(Parameter("weight_ih", "m", ("W_ih",)), Parameter("bias", 1, ("b",)),
                Parameter("u", 1, ("u",))),
    channels=(channel("a", ("weight_ih", 0, "x"), ("bias", 0, None)),),
    unit=_unit, unit_parameters=("u",), takes_activation=True,
    equations="h' = φ(W_ih x + b + u ⊙ h)")
