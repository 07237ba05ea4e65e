"""The independent oracle: forward pass, step Jacobians, product and BPTT in mpmath.

φ and φ' for the registered activations are written here with mpmath's own functions — the
one deliberate exception to "numeric/ never retypes a formula": an oracle must not share the
code it checks.  ``ORACLES`` is keyed by registry name; parameters (α of leaky_relu and elu)
come from ``derive.registry_entry``, never from the label.  A registered activation
without an entry is an error (``MissingOracle``), not a silent fallback.  Conventions at kinks
match derive's (relu'(0) = 0, leaky_relu'(0) = α, hardtanh'(±1) = 0).  Custom activations (not
in the registry) use SymPy's expressions evaluated by mpmath, at a precision raised until the
value settles (``numeric.stable_eval.settled``: a form that cancels does so at any fixed
precision), and say so.
"""

from dataclasses import dataclass
from functools import lru_cache

import mpmath as mp
import sympy as sp

from derive import registry_entry


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
    if entry is None:   # precision raised until the value settles: 1 − tanh²(300) cancels
        from numeric.stable_eval import settled  # at 50 digits as in float64

        phi = sp.lambdify(activation.variable, activation.phi, "mpmath")
        dphi = sp.lambdify(activation.variable, activation.dphi, "mpmath")
        return (lambda z: settled(phi, z, mp.mp.dps), lambda z: settled(dphi, z, mp.mp.dps),
                False)
    name, params = entry
    if name not in ORACLES:
        raise MissingOracle(f"no independent mpmath oracle for the registered activation "
                            f"{name!r}: add phi and phi' to numeric.oracle.ORACLES")
    return (*ORACLES[name](**params), True)


@dataclass(frozen=True)
class MpResult:
    """h (T + 1 rows), J_1..J_T, P = J_T ⋯ J_1, and ∂L/∂W_hh (None without y): mp matrices.
    ``D``: the φ'(a_k,i) used (T rows of n mpf); ``same_side``: how many of them were taken
    at the float pre-activation, a kink of φ' lying within rounding of it; ``shift``: float
    a_k,i − the argument φ' was taken at (floats, T rows)."""

    h: list
    J: list
    product: object
    grad_W_hh: object
    independent: bool
    D: list = ()
    same_side: int = 0
    shift: list = ()


def mp_reference(case, dps=50, float_a=None, tick=None):
    """Everything the checks compare, computed in mpmath at ``dps`` digits from the floats of
    ``case`` (each float converted exactly).

    φ'(a_k,i) is taken at the exact a_k,i, except where a kink p of φ' lies between it and the
    float a_k,i of ``float_a`` (or either sits on p) and the two differ by no more than the
    rounding of Σ_j W_ij h_j + drive_i: φ' is then taken at the float value, on its side of
    the kink (hardtanh at a = 1: float 1.0 and the exact 1 + 10⁻¹⁷ would give φ' = 0 and 1).
    ``tick(done, units, text)``: progress (``numeric.check_progress``), over the T steps of the
    forward pass and then the T of the products."""
    phi, dphi, independent = mp_activation(case.activation)
    with mp.workdps(dps):
        W, U = mp.matrix(case.W_hh.tolist()), mp.matrix(case.W_xh.tolist())
        b, h = mp.matrix(case.b_h.tolist()), mp.matrix(case.h0.tolist())
        points = [_mp(p) for p in case.activation.kinks]
        hs, a_s, D, same_side, shift = [h], [], [], 0, []
        for k, x_k in enumerate(case.x):
            if tick is not None:
                tick(k, 2 * len(case.x), f"forward step {k + 1:,} of {len(case.x):,}")
            drive = U * mp.matrix(x_k.tolist()) + b
            a = W * h + drive
            moved = [float_a is not None
                     and _other_side(a[i], float_a[k][i], points, _bound(case, hs[-1], x_k, i))
                     for i in range(W.rows)]
            same_side += sum(moved)
            args = [mp.mpf(float(float_a[k][i])) if moved[i] else a[i] for i in range(W.rows)]
            D.append([dphi(arg) for arg in args])
            shift.append([0.0 if float_a is None else float(mp.mpf(float(float_a[k][i])) - arg)
                          for i, arg in enumerate(args)])
            h = mp.matrix([phi(a[i]) for i in range(W.rows)])
            a_s.append(a)
            hs.append(h)
        J, P, grad = derivatives(case, W, D, hs, tick)
        return MpResult(hs, J, P, grad, independent, D, same_side, shift)


def _bound(case, h, x_k, i):
    """Rounding bound of the float a_k,i: (n + m + 2) ε (|W| |h| + |U| |x_k| + |b|)_i."""
    n, m = case.W_xh.shape
    terms = (sum(abs(mp.mpf(w)) * abs(v) for w, v in zip(case.W_hh[i], h, strict=True))
             + sum(abs(mp.mpf(u) * mp.mpf(x)) for u, x in zip(case.W_xh[i], x_k, strict=True))
             + abs(mp.mpf(case.b_h[i])))
    return (n + m + 2) * mp.mpf(2) ** -52 * terms


def _other_side(exact, value, points, bound):
    """Whether the float ``value`` of a pre-activation lies, within rounding (``bound``) of
    ``exact``, on a kink or across one from it: φ' is then to be taken at ``value``."""
    value = mp.mpf(float(value))
    if value == exact or abs(value - exact) > bound:
        return False
    return any((exact - p) * (value - p) <= 0 for p in points)


def derivatives(case, W, D, hs, tick=None):
    """J_k = diag(D_k) W, P = J_T ⋯ J_1 and ∂L/∂W_hh (BPTT) from the φ' values D: every one
    is affine in each single D_k,i, so a change of D_k,i by 1 changes it by its partial."""
    J, P = [], mp.eye(W.rows)
    for row in D:
        if tick is not None:
            tick(len(D) + len(J), 2 * len(D), f"product step {len(J) + 1:,} of {len(D):,}")
        # J_k typed out here on purpose, not numeric.rnn.elman_step_jacobian: an oracle must
        J.append(mp.diag(row) * W)  # not share the code it checks
        P = J[-1] * P
    grad = None if case.y is None else _mp_bptt(case, W, hs, D)
    return J, P, grad


def _mp_bptt(case, W, hs, D):
    n, T = W.rows, len(D)
    per_step = case.y.ndim == 2
    target = (lambda t: mp.matrix(case.y[t - 1].tolist())) if per_step else None
    g = hs[T] - (target(T) if per_step else mp.matrix(case.y.tolist()))
    grad = mp.zeros(n, n)
    for k in range(T, 0, -1):
        delta = mp.matrix([D[k - 1][i] * g[i] for i in range(n)])
        grad += delta * hs[k - 1].T
        g = W.T * delta
        if per_step and k > 1:
            g += hs[k - 1] - target(k - 1)
    return grad
