"""The LSTM cell (PyTorch's nn.LSTMCell): state s = [h; c], gates i, f, g, o stacked in rows.

    i = σ(W_ii x + b_ii + W_hi h + b_hi),  f = σ(...),  g = tanh(...),  o = σ(...)
    c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
"""

from derive.activations import activation
from derive.cells.gates import gate
from derive.cells.kind import CellKind, channel, gated, stacked


def _unit(s, phi):
    sigma, tanh = gate(activation("sigmoid")), gate(activation("tanh"))
    c_new = sigma(s["z_f"]) * s["c"] + sigma(s["z_i"]) * tanh(s["z_g"])
    return {"h": sigma(s["z_o"]) * tanh(c_new), "c": c_new}


def _lesson(cell, T):
    from derive.cells.carousel import lstm_steps
    return lstm_steps(cell, T)


KIND = CellKind(
    name="lstm", title="LSTM", state=("h", "c"), parameters=stacked("W", "ifgo"),
    channels=tuple(channel(f"z_{g}", *gated(block)) for block, g in enumerate("ifgo")),
    unit=_unit,
    equations="i, f, o = σ(W_i· x + b_i· + W_h· h + b_h·), g = tanh(…); "
              "c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c')", lesson=_lesson)
