"""A concrete RNN case: float64 arrays, validated, plus the loss and step maps the checks use.

Shapes: W_hh (n, n), W_xh (n, m), b_h (n,), h0 (n,), x (T, m), y None, (n,) or (T, n).
"""

from dataclasses import dataclass

import numpy as np

from numeric import rnn


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
