"""The Elman cell (PyTorch's nn.RNNCell): h' = φ(W_ih x + b_ih + W_hh h + b_hh).

The same map as ``derive.RNN`` (W_hh, W_xh = W_ih, b_h = b_ih + b_hh) in PyTorch's names.
"""

from derive.cells.kind import CellKind, Parameter, channel, gated


def _unit(s, phi):
    return {"h": phi(s["a"])}


def _lesson(cell, T):
    from derive.cells.carousel import elman_steps
    return elman_steps(cell, T)


KIND = CellKind(
    name="elman", title="Elman RNN", state=("h",),
    parameters=(Parameter("weight_ih", "m", ("W_ih",)), Parameter("weight_hh", "n", ("W_hh",)),
                Parameter("bias_ih", 1, ("b_ih",)), Parameter("bias_hh", 1, ("b_hh",))),
    channels=(channel("a", *gated(0)),), unit=_unit, takes_activation=True,
    equations="h' = φ(W_ih x + b_ih + W_hh h + b_hh)", lesson=_lesson)
