"""Independent oracles shared by the bounds tests (numpy, mpmath, hand-derived forms)."""


import mpmath
import numpy as np
import sympy as sp

N_MATRICES = 30
NUMPY_ORD = {"spectral": 2, "frobenius": "fro", "1": 1, "inf": np.inf}


def floats_in(expr):
    """Every Float atom anywhere inside ``expr``."""
    return [a for a in sp.preorder_traversal(expr) if isinstance(a, sp.Float)]


def close(got, want, rel=1e-12):
    """Relative closeness, absolute at zero."""
    return abs(got - want) <= rel * max(abs(want), 1e-300) or (want == 0 and abs(got) < 1e-300)


def to_float(expr):
    return float(sp.N(expr, 30))


def to_mpf(expr, digits=40):
    value = sp.N(expr, digits)
    assert value.is_real, value
    return mpmath.mpf(str(value))


def random_matrices(rng, count=N_MATRICES, sizes=(1, 2, 3, 4)):
    """``count`` concrete matrices, n in ``sizes``, small integer or rational entries."""
    mats = []
    for _ in range(count):
        n = rng.choice(sizes)
        mats.append(sp.Matrix(n, n, lambda i, j: sp.Rational(rng.randint(-5, 5),
                                                             rng.choice((1, 1, 2, 3, 4)))))
    return mats


def as_numpy(M):
    return np.array(M.tolist(), dtype=float)


def mp_matrix(M):
    """A SymPy matrix of rationals as an mpmath matrix, converted exactly at working precision."""
    return mpmath.matrix([[mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q for v in row]
                          for row in M.tolist()])


def mp_spectral_radius(M):
    with mpmath.workdps(50):
        eigenvalues = mpmath.eig(mp_matrix(M), left=False, right=False)
        if isinstance(eigenvalues, tuple):  # mpmath returns (E, ER, EL) for a 1×1 matrix
            eigenvalues = eigenvalues[0]
        return max(abs(v) for v in eigenvalues)


def mp_sigma_max(rows):
    with mpmath.workdps(50):
        return max(mpmath.svd_r(mpmath.matrix(rows), compute_uv=False))
