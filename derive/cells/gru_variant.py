"""A GRU variant that is not a user cell: b_hn outside the reset gate's product,

    n = tanh(W_in x + b_in + r ⊙ (W_hn h) + b_hn)     (PyTorch: r ⊙ (W_hn h + b_hn)),

the form of the original GRU paper and of Keras' ``reset_after=False`` bias layout.  Same
parameters, shapes and unit map as ``derive.cells.gru``; only the channels differ (b_hn joins
the input channel).  Used to name the mistake of placing b_hn outside r ⊙ (·); not registered
in ``CELLS``.

>>> [t[0] for t in GRU_BIAS_OUTSIDE.channels[2].terms]
['weight_ih', 'bias_ih', 'bias_hh']
"""

from derive.cells import gru
from derive.cells.kind import CellKind, channel, gated

GRU_BIAS_OUTSIDE = CellKind(
    name="gru_bias_outside", title="GRU with b_hn outside r ⊙ (·)", state=("h",),
    parameters=gru.KIND.parameters,
    channels=(channel("z_r", *gated(0)), channel("z_z", *gated(1)),
              channel("n_x", ("weight_ih", 2, "x"), ("bias_ih", 2, None), ("bias_hh", 2, None)),
              channel("n_h", ("weight_hh", 2, "h"))),
    unit=gru.KIND.unit,
    equations="r, z = σ(W_i· x + b_i· + W_h· h + b_h·); n = tanh(W_in x + b_in + r ⊙ (W_hn h) "
              "+ b_hn); h' = (1 − z) ⊙ n + z ⊙ h")
