"""Seeded random cell cases for the cell tests: PyTorch's default draw scaled by ``scale``,
``bias`` added to every bias entry (±30 saturates the gates), standard normal s_0, x, y."""

import numpy as np

import derive
import numeric


def random_cell_case(name, n, T, seed, activation="tanh", scale=1.0, bias=0.0, m=2, y=True):
    kind = derive.cell_kind(name)
    params = {key: scale * value for key, value in
              numeric.default_parameters(kind, n, m, seed).items()}
    for key in params:
        if key.startswith("bias"):
            params[key] = params[key] + bias
    act = derive.activation(activation) if kind.takes_activation else None
    rng = np.random.default_rng(seed)
    S = n * len(kind.state)
    return numeric.CellCase(kind, act, params, rng.standard_normal(S),
                            rng.standard_normal((T, m)),
                            rng.standard_normal(n) if y else None)
