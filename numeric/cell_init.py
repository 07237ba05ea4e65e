"""Parameters drawn for sweeps and figures: PyTorch's default initialisation, in NumPy.

nn.RNNCell, nn.LSTMCell and nn.GRUCell draw every weight and bias from uniform(−1/√n, 1/√n);
we do the same from an explicit ``numpy.random.default_rng(seed)`` (the values differ from
torch's generator, the distribution does not).  IndRNN: W_ih and b the same, u uniform(0, 1).
For gain sweeps the Elman recurrent matrix is N(0, 1/n) instead (the classic random-matrix
scaling, ‖W0‖₂ → 2 as n grows), so that gain g means spectral radius ≈ g.
"""

import math

import numpy as np

from numeric.grids import random_W0

INIT_TEXT = {
    "uniform": "PyTorch's default initialisation: every weight and bias uniform(-1/sqrt(n), "
               "1/sqrt(n))",
    "gain": {  # the swept cell's recurrent draw, by cell; lstm and gru: "gated"
        "elman": "recurrent weights g * W0 with W0 ~ N(0, 1/n)",
        "gated": "recurrent weights g * W0 with W0 PyTorch's default uniform(-1/sqrt(n), "
                 "1/sqrt(n))",
        "indrnn": "recurrent weights g * u with u ~ uniform(0, 1)",
    },
}


def default_parameters(kind, n, m, seed):
    """{name: array} in PyTorch's shapes, every entry uniform(−1/√n, 1/√n) or the
    parameter's own ``init`` range (IndRNN's u: uniform(0, 1)), drawn in the kind's parameter
    order from ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    bound = 1 / math.sqrt(n)
    params = {}
    for p in kind.parameters:
        rows, cols = p.shape(n, m)
        shape = (rows, cols) if p.columns != 1 else (rows,)
        low, high = p.init if p.init is not None else (-bound, bound)
        params[p.name] = rng.uniform(low, high, size=shape)
    return params


def recurrent_base(kind, n, m, seed):
    """(parameters, name of the recurrent parameter) for a gain sweep: Elman's weight_hh is
    N(0, 1/n) (``numeric.random_W0``), the others keep PyTorch's default draw; the sweep
    multiplies the named parameter by g."""
    params = default_parameters(kind, n, m, seed)
    if kind.name == "elman":
        params["weight_hh"] = random_W0(n, "gaussian", np.random.default_rng(seed))
    return params, kind.recurrent_parameter
