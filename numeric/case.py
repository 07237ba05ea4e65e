"""A concrete RNN case: float64 arrays, validated, plus the loss and step maps the checks use.

Shapes: W_hh (n, n), W_xh (n, m), b_h (n,), h0 (n,), x (T, m), y None, (n,) or (T, n).
"""

from dataclasses import dataclass

import numpy as np

from numeric import cell_parse, rnn
from numeric.case_values import activation as _activation
from numeric.case_values import array as _array
from numeric.case_values import json_kind


@dataclass(frozen=True)
class Case:
    """One concrete RNN and its inputs; ``activation`` is a derive.Activation."""

    activation: object
    W_hh: np.ndarray
    W_xh: np.ndarray
    b_h: np.ndarray
    h0: np.ndarray
    x: np.ndarray
    y: np.ndarray | None = None

    def __post_init__(self):
        for name in ("W_hh", "W_xh", "b_h", "h0", "x", "y"):   # lists too: y=[nan] from Python
            value = getattr(self, name)
            if value is not None and not isinstance(value, np.ndarray):
                try:
                    value = np.asarray(value, dtype=float)
                except (TypeError, ValueError):
                    raise ValueError(f"{name} must be an array of numbers") from None
                object.__setattr__(self, name, value)
        if self.W_hh.ndim != 2 or self.W_xh.ndim != 2 or self.x.ndim != 2:
            raise ValueError("W_hh, W_xh and x must be matrices (2-D arrays)")
        n, m, T = self.W_hh.shape[0], self.W_xh.shape[1], len(self.x)
        expected = {"W_hh": (n, n), "W_xh": (n, m), "b_h": (n,), "h0": (n,), "x": (T, m)}
        for name, shape in expected.items():
            value = getattr(self, name)
            if value.shape != shape:
                raise ValueError(f"{name} must have shape {shape}, got {value.shape}")
            if not np.all(np.isfinite(value)):
                raise ValueError(f"{name} has non-finite entries")
        if T < 1:
            raise ValueError("x must have at least one row (T >= 1)")
        if self.y is not None and self.y.shape not in ((n,), (T, n)):
            raise ValueError(f"y must have shape ({n},) or ({T}, {n}), got {self.y.shape}")
        if self.y is not None and not np.all(np.isfinite(self.y)):
            raise ValueError("y has non-finite entries")

    @property
    def T(self):
        return len(self.x)

    def trajectory(self):
        return rnn.forward(self.activation, self.W_hh, self.W_xh, self.b_h, self.h0, self.x)

    def step_map(self, k, phi=None):
        """h ↦ φ(W_hh h + W_xh x_k + b_h) for step k = 1..T, vectorised over rows of h."""
        from numeric.bridge import activation_functions

        phi = phi or activation_functions(self.activation)[0]
        drive = self.W_xh @ self.x[k - 1] + self.b_h
        return lambda h: phi(h @ self.W_hh.T + drive)

    def loss_of_weights(self, phi=None):
        """W ↦ L(W) with W replacing W_hh (L = ½‖h_T − y‖², or the per-step sum)."""
        def loss(W):
            path = rnn.forward(self.activation, W, self.W_xh, self.b_h, self.h0, self.x, phi)
            residual = path.h[1:] - self.y if self.y.ndim == 2 else path.h[-1] - self.y
            return 0.5 * np.sum(residual * residual)
        return loss

    def pre_activations_of_weights(self, W):
        return rnn.forward(self.activation, W, self.W_xh, self.b_h, self.h0, self.x).a


CASE_KEYS = ("activation", "alpha", "W_hh", "W_xh", "b_h", "h0", "x", "y")
REQUIRED = ("activation", "W_hh", "W_xh", "x")


def case_from_dict(data):
    """A ``Case`` from a parsed case file (the format ``rnngrad check --help`` shows), or a
    ``CellCase`` when it has a "cell" key (``numeric.cell_parse``); ValueError naming what is
    wrong."""
    import derive

    if not isinstance(data, dict):
        raise ValueError(f"case must be a JSON object {{...}}, got {json_kind(data)}")
    if "cell" in data:
        return cell_parse.cell_case_from_dict(data)
    unknown = sorted(set(data) - set(CASE_KEYS))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}; expected keys: {', '.join(CASE_KEYS)}"
                         + cell_parse.cell_key_hint(unknown[0]))
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise ValueError(f"missing key {missing[0]!r} (required: {', '.join(REQUIRED)})")
    act = _activation(data, derive)
    W_hh = _array(data["W_hh"], "W_hh", 2)
    n = W_hh.shape[0]
    if W_hh.shape != (n, n):
        raise ValueError(f"W_hh must be square, got shape {W_hh.shape}")
    x = _array(data["x"], "x", 2)
    zeros = [0.0] * n
    y = None if data.get("y") is None else _array(data["y"], "y", None)
    return Case(act, W_hh, _array(data["W_xh"], "W_xh", 2),
                _array(data.get("b_h", zeros), "b_h", 1), _array(data.get("h0", zeros), "h0", 1),
                x, y)
