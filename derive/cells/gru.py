"""The GRU cell (PyTorch's nn.GRUCell): state h, gates r, z, n stacked in rows.

    r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),   h' = (1 − z) ⊙ n + z ⊙ h
"""

from derive.activations import activation
from derive.cells.gates import gate
from derive.cells.kind import CellKind, channel, gated, stacked


def _unit(s, phi):
    sigma, tanh = gate(activation("sigmoid")), gate(activation("tanh"))
    z = sigma(s["z_z"])
    n = tanh(s["n_x"] + sigma(s["z_r"]) * s["n_h"])
    return {"h": (1 - z) * n + z * s["h"]}


def _lesson(cell, T):
    from derive.cells.carousel import gru_steps
    return gru_steps(cell, T)


KIND = CellKind(
    name="gru", title="GRU", state=("h",), parameters=stacked("W", "rzn"),
    channels=(channel("z_r", *gated(0)), channel("z_z", *gated(1)),
              channel("n_x", *gated(2, h=False)), channel("n_h", *gated(2, x=False))),
    unit=_unit,
    equations="r, z = σ(W_i· x + b_i· + W_h· h + b_h·); n = tanh(W_in x + b_in + r ⊙ (W_hn h + "
              "b_hn)); h' = (1 − z) ⊙ n + z ⊙ h", lesson=_lesson)
