"""A concrete cell case: a cell type, float64 parameters in PyTorch's names and shapes, the
initial state, the inputs and an optional target; validated on construction.

Shapes (n hidden, m inputs, T steps, S = n · number of state parts): stacked weights
(blocks·n, m) and (blocks·n, n), biases (blocks·n,), IndRNN's u (n,), s0 (S,) in state order
([h_0; c_0] for the LSTM), x (T, m), y None or (n,): L = ½‖h_T − y‖².
"""

from dataclasses import dataclass, field

import numpy as np

from numeric import cells


@dataclass(frozen=True)
class CellCase:
    """One concrete cell and its inputs; ``kind`` a derive CellKind, ``activation`` a derive
    Activation (None for gated cells), ``params`` a dict name → float64 array."""

    kind: object
    activation: object
    params: dict = field(hash=False)
    s0: np.ndarray = field(hash=False)
    x: np.ndarray = field(hash=False)
    y: np.ndarray | None = field(default=None, hash=False)

    def __post_init__(self):
        n = self.hidden
        if self.x.ndim != 2 or len(self.x) < 1:
            raise ValueError(f"x must be T >= 1 rows of m inputs, got shape {self.x.shape}")
        m = self.x.shape[1]
        for p in self.kind.parameters:
            rows, cols = p.shape(n, m)
            expected = (rows, cols) if p.columns != 1 else (rows,)
            value = self.params.get(p.name)
            if value is None:
                raise ValueError(f"missing parameter {p.name!r} of the {self.kind.name} cell")
            if value.shape != expected:
                raise ValueError(shape_message(self.kind, p, expected, n, value.shape))
        extra = sorted(set(self.params) - set(self.kind.parameter_names()))
        if extra:
            raise ValueError(f"{extra[0]!r} is not a parameter of the {self.kind.name} cell")
        S = n * len(self.kind.state)
        checks = {"s0": (self.s0, (S,)), "y": (self.y, (n,))}
        for name, (value, shape) in checks.items():
            if value is not None and value.shape != shape:
                raise ValueError(f"{name} must have shape {shape}, got {value.shape}")
        for name, value in [*self.params.items(), ("s0", self.s0), ("x", self.x),
                            ("y", self.y)]:
            if value is not None and not np.all(np.isfinite(value)):
                raise ValueError(f"{name} has non-finite entries")

    @property
    def hidden(self):
        return cells.hidden_size(self.kind, self.params)

    @property
    def T(self):
        return len(self.x)

    @property
    def state_names(self):
        return tuple(self.kind.state)

    def trajectory(self, complex_values=False):
        return cells.forward(self.kind, self.activation, self.params, self.s0, self.x,
                             complex_values)

    def step_jacobians(self):
        return cells.step_jacobians(self.kind, self.activation, self.params, self.trajectory())

    def jacobian_product(self):
        return cells.jacobian_product(self.kind, self.activation, self.params,
                                      self.trajectory())

    def gradients(self):
        if self.y is None:
            raise ValueError("gradients need a target y")
        return cells.bptt(self.kind, self.activation, self.params, self.s0, self.x, self.y)


def shape_message(kind, parameter, expected, n, got):
    """"weight_hh must be (4n, n) = (8, 2) for lstm with n = 2, got (6, 2)"."""
    blocks = len(parameter.bases)
    rows = f"{blocks}n" if blocks > 1 else "n"
    cols = {"m": ", m", "n": ", n", 1: ""}[parameter.columns]
    gates = ""
    if blocks > 1:
        gates = f" (row blocks {', '.join(b[-1] for b in parameter.bases)})"
    return (f"{parameter.name} must be ({rows}{cols}) = {expected} for {kind.name} with "
            f"n = {n}{gates}, got {tuple(got)}")
