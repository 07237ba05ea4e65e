"""The independent oracle: forward pass, step Jacobians, product and BPTT in mpmath.

φ and φ' for the registered activations are written here with mpmath's own functions — the
one deliberate exception to "numeric/ never retypes a formula": an oracle must not share the
code it checks.  ``ORACLES`` is keyed by registry name; parameters (α of leaky_relu and elu)
come from ``derive.activations.registry_entry``, never from the label.  A registered activation
without an entry is an error (``MissingOracle``), not a silent fallback.  Conventions at kinks
match derive's (relu'(0) = 0, leaky_relu'(0) = α, hardtanh'(±1) = 0).  Custom activations (not
in the registry) use SymPy's expressions evaluated by mpmath, and say so.
"""

from dataclasses import dataclass
from functools import lru_cache

import mpmath as mp
import sympy as sp

from derive.activations import registry_entry


class MissingOracle(LookupError):
    """A registered activation has no independent mpmath φ, φ' in ``ORACLES``."""


def _sigmoid(z):
    return 1 / (1 + mp.exp(-z))


def _mp(number):
    """An exact SymPy parameter as an mpf at the working precision (plus guard digits)."""
    return mp.mpf(_digits(number, mp.mp.dps + 10))


@lru_cache(maxsize=64)
def _digits(number, dps):
    return str(sp.N(number, dps))


def _leaky_relu(alpha):
    return (lambda z: z if z > 0 else _mp(alpha) * z,
            lambda z: mp.mpf(1) if z > 0 else _mp(alpha))


def _elu(alpha):
    return (lambda z: z if z > 0 else _mp(alpha) * mp.expm1(z),
            lambda z: mp.mpf(1) if z > 0 else _mp(alpha) * mp.exp(z))


ORACLES = {
    "tanh": lambda: (mp.tanh, lambda z: mp.sech(z) ** 2),
    "sigmoid": lambda: (_sigmoid, lambda z: _sigmoid(z) * _sigmoid(-z)),
    "relu": lambda: (lambda z: max(z, 0), lambda z: mp.mpf(z > 0)),
    "identity": lambda: (lambda z: z, lambda z: mp.mpf(1)),
    "leaky_relu": _leaky_relu,
    "softsign": lambda: (lambda z: z / (1 + abs(z)), lambda z: 1 / (1 + abs(z)) ** 2),
    "hardtanh": lambda: (lambda z: min(1, max(-1, z)), lambda z: mp.mpf(-1 < z < 1)),
    "softplus": lambda: (lambda z: mp.log1p(mp.exp(z)), _sigmoid),
    "elu": _elu,
    "silu": lambda: (lambda z: z * _sigmoid(z), lambda z: _sigmoid(z) * (1 + z * _sigmoid(-z))),
    "gelu": lambda: (lambda z: z * mp.ncdf(z), lambda z: mp.ncdf(z) + z * mp.npdf(z)),
}


def mp_activation(activation):
    """(φ, φ', independent) in mpmath for a derive.Activation: the oracle's own φ, φ' for a
    registered one (MissingOracle if it has none), SymPy's for a custom one."""
    entry = registry_entry(activation)
    if entry is None:
        phi = sp.lambdify(activation.variable, activation.phi, "mpmath")
        dphi = sp.lambdify(activation.variable, activation.dphi, "mpmath")
        return phi, dphi, False
    name, params = entry
    if name not in ORACLES:
        raise MissingOracle(f"no independent mpmath oracle for the registered activation "
                            f"{name!r}: add phi and phi' to numeric.oracle.ORACLES")
    return (*ORACLES[name](**params), True)


@dataclass(frozen=True)
class MpResult:
    """h (T + 1 rows), J_1..J_T, P = J_T ⋯ J_1, and ∂L/∂W_hh (None without y): mp matrices."""

    h: list
    J: list
    product: object
    grad_W_hh: object
    independent: bool


def mp_reference(case, dps=50):
    """Everything the checks compare, computed in mpmath at ``dps`` digits from the floats of
    ``case`` (each float converted exactly)."""
    phi, dphi, independent = mp_activation(case.activation)
    with mp.workdps(dps):
        W, U = mp.matrix(case.W_hh.tolist()), mp.matrix(case.W_xh.tolist())
        b, h = mp.matrix(case.b_h.tolist()), mp.matrix(case.h0.tolist())
        n = W.rows
        hs, a_s, J, P = [h], [], [], mp.eye(n)
        for x_k in case.x:
            a = W * h + U * mp.matrix(x_k.tolist()) + b
            D = mp.diag([dphi(a[i]) for i in range(n)])
            J.append(D * W)
            P = J[-1] * P
            h = mp.matrix([phi(a[i]) for i in range(n)])
            a_s.append(a)
            hs.append(h)
        grad = None if case.y is None else _mp_bptt(case, W, hs, a_s, dphi)
        return MpResult(hs, J, P, grad, independent)


def _mp_bptt(case, W, hs, a_s, dphi):
    n, T = W.rows, len(a_s)
    per_step = case.y.ndim == 2
    target = (lambda t: mp.matrix(case.y[t - 1].tolist())) if per_step else None
    g = hs[T] - (target(T) if per_step else mp.matrix(case.y.tolist()))
    grad = mp.zeros(n, n)
    for k in range(T, 0, -1):
        delta = mp.matrix([dphi(a_s[k - 1][i]) * g[i] for i in range(n)])
        grad += delta * hs[k - 1].T
        g = W.T * delta
        if per_step and k > 1:
            g += hs[k - 1] - target(k - 1)
    return grad
