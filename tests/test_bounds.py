"""Tests for derive.bounds: norms, spectral radius, gradient-norm bounds, regime conditions.

Oracles: numpy.linalg (norms, eigenvalues, singular values), mpmath at 40 digits (the forward
pass, sech², singular values, eigenvalues) and closed forms derived by hand in the comments.
"""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

import derive
from derive.bounds import (
    NORMS,
    RegimeConditions,
    data_dependent_bound,
    matrix_norm,
    norm_bound,
    regime_conditions,
    spectral_norm,
    spectral_radius,
)
from tests.conftest import ACTIVATIONS

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


# ---------------------------------------------------------------------------------------------
# Norms and the spectral radius of concrete matrices


@pytest.mark.parametrize("index", range(N_MATRICES))
def test_matrix_norm_matches_numpy(rng, index):
    M = random_matrices(rng)[index]
    A = as_numpy(M)
    for norm in NORMS:
        value = matrix_norm(M, norm)
        assert isinstance(value, sp.Expr)
        assert floats_in(value) == [], (norm, value)
        assert value.free_symbols == set()
        want = np.linalg.norm(A, NUMPY_ORD[norm])
        assert close(to_float(value), want), (norm, M, value, want)
    assert spectral_norm(M) == matrix_norm(M, "spectral")


def test_matrix_norm_random_sample_covers_sizes_1_to_4(rng):
    sizes = {M.rows for M in random_matrices(rng)}
    assert sizes == {1, 2, 3, 4}


@pytest.mark.parametrize("index", range(N_MATRICES))
def test_spectral_radius_matches_numpy_closed_form(rng, index):
    # n <= 2: the closed-form path (the cubic/quartic path is covered below; it is slow).
    M = random_matrices(rng, sizes=(1, 2))[index]
    value = spectral_radius(M)
    assert isinstance(value, sp.Expr)
    assert floats_in(value) == []
    got = to_float(value)
    assert close(got, float(mp_spectral_radius(M))), (M, value)
    # numpy as a second oracle; a defective eigenvalue costs it ~sqrt(eps) of accuracy
    assert close(got, max(abs(np.linalg.eigvals(as_numpy(M)))), rel=1e-7)


@pytest.mark.parametrize("index", [0, 7])
def test_spectral_radius_matches_numpy_random_large(rng, index):
    # Two of the n >= 3 matrices of the sample above (a 4×4 and a 3×3, both with complex
    # eigenvalues).  Only two: this path costs seconds per matrix (see the report).
    M = random_matrices(rng)[index]
    assert M.rows >= 3
    value = spectral_radius(M)
    assert floats_in(value) == []
    got = to_float(value)
    assert close(got, float(mp_spectral_radius(M)))
    assert close(got, max(abs(np.linalg.eigvals(as_numpy(M)))), rel=1e-7)


@pytest.mark.parametrize("rows", [
    [[1, -2, 0], [3, 1, 1], [0, 1, 2]],  # a complex-conjugate pair of eigenvalues
    [[0, 0, 0, -1], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]],  # eigenvalues: 4th roots of -1
    [[2, 1, 0], [0, 2, 1], [0, 0, 2]],  # one Jordan block
    [[sp.Rational(1, 2), 3, -1], [0, sp.Rational(-7, 3), 2], [0, 0, 1]],
])
def test_spectral_radius_matches_numpy_large(rows):
    M = sp.Matrix(rows)
    value = spectral_radius(M)
    assert floats_in(value) == []
    got = to_float(value)
    assert close(got, float(mp_spectral_radius(M)))
    assert close(got, max(abs(np.linalg.eigvals(as_numpy(M)))), rel=1e-5)


def test_spectral_norm_of_large_concrete_matrix_is_exact():
    # W = diag(3, 4, 12) plus a permutation: σ_max = 12 exactly (W^T W = diag(9, 16, 144))
    M = sp.Matrix([[0, 3, 0], [0, 0, 4], [12, 0, 0]])
    assert sp.simplify(spectral_norm(M) - 12) == 0
    assert matrix_norm(M, "frobenius") == 13  # sqrt(9 + 16 + 144)
    assert matrix_norm(M, "1") == 12 and matrix_norm(M, "inf") == 12


def test_matrix_norm_hand_values_2x2():
    M = sp.Matrix([[1, -2], [3, 4]])
    # ‖M‖_F = sqrt(1+4+9+16) = sqrt(30); column sums 4, 6; row sums 3, 7
    assert matrix_norm(M, "frobenius") == sp.sqrt(30)
    assert matrix_norm(M, "1") == 6
    assert matrix_norm(M, "inf") == 7
    # M^T M = [[10, 10], [10, 20]]: λ = 15 ± 5 sqrt(5), σ_max = sqrt(15 + 5 sqrt(5))
    assert sp.simplify(matrix_norm(M, "spectral") - sp.sqrt(15 + 5 * sp.sqrt(5))) == 0


def test_spectral_norm_2x2_symbolic_closed_form_matches_numpy(rng):
    a, b, c, d = sp.symbols("a b c d", real=True)
    expr = spectral_norm(sp.Matrix([[a, b], [c, d]]))
    assert expr.free_symbols == {a, b, c, d}
    for _ in range(25):
        values = [sp.Rational(rng.randint(-300, 300), rng.randint(1, 100)) for _ in range(4)]
        got = to_float(expr.subs(dict(zip((a, b, c, d), values, strict=True))))
        want = np.linalg.norm(np.array([[float(v) for v in values[:2]],
                                        [float(v) for v in values[2:]]]), 2)
        assert close(got, want), (values, got, want)


def test_spectral_norm_1x1_is_absolute_value():
    w = sp.Symbol("w", real=True)
    assert spectral_norm(sp.Matrix([[w]])) == sp.Abs(w)
    assert spectral_norm(sp.Matrix([[sp.Rational(-3, 7)]])) == sp.Rational(3, 7)


def test_spectral_radius_2x2_symbolic_closed_form_matches_numpy(rng):
    a, b, c, d = sp.symbols("a b c d", real=True)
    expr = spectral_radius(sp.Matrix([[a, b], [c, d]]))
    for _ in range(15):
        values = [sp.Rational(rng.randint(-300, 300), rng.randint(1, 100)) for _ in range(4)]
        got = to_float(expr.subs(dict(zip((a, b, c, d), values, strict=True))))
        A = np.array([[float(v) for v in values[:2]], [float(v) for v in values[2:]]])
        assert close(got, max(abs(np.linalg.eigvals(A))), rel=1e-9), values


def test_spectral_radius_is_exactly_ten_and_gelfand_agrees():
    A = sp.Matrix([[9, -1, 2], [-2, 8, 4], [1, 1, 8]])
    rho = spectral_radius(A)
    assert rho == 10
    assert floats_in(rho) == []
    # Gelfand: ‖A^k‖^(1/k) -> ρ; with B = A/10, ‖A^k‖^(1/k) = 10 ‖B^k‖^(1/k): no overflow
    B = as_numpy(A) / 10
    k = 200
    P = np.linalg.matrix_power(B, k)
    estimate = 10 * math.exp(math.log(np.linalg.norm(P, 2)) / k)
    assert abs(estimate - 10) < 1e-2
    # and the spectral norm is strictly above ρ for this non-normal matrix
    assert to_float(spectral_norm(A)) > 10 + 0.5


def test_spectral_norm_symbolic_3x3_raises_naming_frobenius():
    M = sp.Matrix(3, 3, sp.symbols("m1:10", real=True))
    with pytest.raises(ValueError, match="frobenius"):
        spectral_norm(M)
    with pytest.raises(ValueError, match="frobenius"):
        matrix_norm(M, "spectral")
    # and the suggested alternative does work: sqrt of the sum of squares
    F = matrix_norm(M, "frobenius")
    values = dict(zip(sorted(M.free_symbols, key=str), range(1, 10), strict=True))
    assert sp.simplify(F.subs(values) - sp.sqrt(sum(v * v for v in range(1, 10)))) == 0


def test_spectral_radius_symbolic_3x3_raises():
    M = sp.Matrix(3, 3, sp.symbols("m1:10", real=True))
    with pytest.raises(ValueError, match="spectral radius"):
        spectral_radius(M)


@pytest.mark.parametrize("bad", ["l2", "fro", "Spectral", "2", 2, None, "max"])
def test_matrix_norm_unknown_name_lists_valid_ones(bad):
    with pytest.raises(ValueError) as info:
        matrix_norm(sp.Matrix([[1, 2], [3, 4]]), bad)
    message = str(info.value)
    assert repr(bad) in message
    for name in NORMS:
        assert name in message


def test_norm_bound_unknown_norm_raises():
    rnn = derive.RNN(hidden=2, W_hh=[[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="frobenius"):
        norm_bound(rnn, 3, norm="nuclear")


# ---------------------------------------------------------------------------------------------
# norm_bound = (γ ‖W_hh‖)^steps


def test_norm_bound_identity_is_exact_power():
    rnn = derive.RNN(hidden=1, activation="identity", W_hh=[[1.5]])
    bound = norm_bound(rnn, 100)
    assert bound == sp.Rational(3, 2) ** 100
    assert isinstance(bound, sp.Rational)
    assert bound.p == 3**100 and bound.q == 2**100


def test_norm_bound_sigmoid_scalar():
    rnn = derive.RNN(hidden=1, activation="sigmoid", W_hh=[[2]])
    assert norm_bound(rnn, 3) == sp.Rational(1, 8)  # (1/4 * 2)^3
    assert norm_bound(rnn, 0) == 1


def test_norm_bound_tanh_2x2_matches_numpy():
    W = [[0.5, -0.3], [0.2, 0.9]]
    rnn = derive.RNN(hidden=2, activation="tanh", W_hh=W)
    sigma = np.linalg.norm(np.array(W), 2)
    for steps in (1, 2, 7, 30):
        bound = norm_bound(rnn, steps)
        assert floats_in(bound) == []
        assert close(to_float(bound), (1 * sigma) ** steps)
    fro = norm_bound(rnn, 4, norm="frobenius")
    assert close(to_float(fro), np.linalg.norm(np.array(W), "fro") ** 4)
    inf = norm_bound(rnn, 4, norm="inf")
    assert inf == sp.Rational(11, 10) ** 4  # max row sum 0.2 + 0.9


def test_norm_bound_sigmoid_2x2_matches_numpy():
    W = [[2, 1], [0, 3]]
    rnn = derive.RNN(hidden=2, activation="sigmoid", W_hh=W)
    sigma = np.linalg.norm(np.array(W, dtype=float), 2)
    assert close(to_float(norm_bound(rnn, 5)), (sigma / 4) ** 5)


@pytest.mark.parametrize("steps", [-1, 1.5, 2.0, True, "3", None])
def test_norm_bound_rejects_bad_steps(steps):
    rnn = derive.RNN(hidden=1, activation="tanh", W_hh=[[0.5]])
    with pytest.raises(ValueError, match="steps"):
        norm_bound(rnn, steps)


# ---------------------------------------------------------------------------------------------
# data_dependent_bound = Π_k max_i |φ'(a_{k,i})| · ‖W_hh‖


_CASE = dict(W_hh=[[0.5, -0.3], [0.2, 0.9]], W_xh=[[1.0], [0.5]], b_h=[0.1, -0.2],
             h0=[0.3, -0.1], x=[[0.2], [0.7], [-0.4]])


def _mp_forward():
    """The forward pass of _CASE at 40 digits: lists of a_k and sech²(a_k), k = 1..3."""
    m = mpmath.mpf
    W = [[m(1) / 2, m(-3) / 10], [m(1) / 5, m(9) / 10]]
    U = [m(1), m(1) / 2]
    b = [m(1) / 10, m(-1) / 5]
    h = [m(3) / 10, m(-1) / 10]
    xs = [m(1) / 5, m(7) / 10, m(-2) / 5]
    pre, derivs = [], []
    for x in xs:
        a = [W[i][0] * h[0] + W[i][1] * h[1] + U[i] * x + b[i] for i in range(2)]
        pre.append(a)
        derivs.append([mpmath.sech(v) ** 2 for v in a])
        h = [mpmath.tanh(v) for v in a]
    return W, pre, derivs


def test_data_dependent_bound_matches_mpmath():
    rnn = derive.RNN(hidden=2, activation="tanh", **_CASE)
    with mpmath.workdps(40):
        W, pre, derivs = _mp_forward()
        assert [float(v) for v in pre[0]] == [0.48, -0.13]
        sigma = mp_sigma_max(W)
        assert abs(sigma - np.linalg.norm(np.array(_CASE["W_hh"]), 2)) < 1e-14
        for i, j in [(0, 3), (0, 1), (1, 3), (2, 3), (0, 2)]:
            want = mpmath.mpf(1)
            for k in range(i + 1, j + 1):
                want *= max(abs(d) for d in derivs[k - 1]) * sigma
            got = to_mpf(data_dependent_bound(rnn, i, j))
            assert abs(got - want) <= mpmath.mpf(10) ** -20 * want, (i, j, got, want)


def test_data_dependent_bound_lies_between_true_norm_and_norm_bound():
    rnn = derive.RNN(hidden=2, activation="tanh", **_CASE)
    data = to_mpf(data_dependent_bound(rnn, 0, 3))
    worst = to_mpf(norm_bound(rnn, 3))
    with mpmath.workdps(40):
        W, _, derivs = _mp_forward()
        Wm = mpmath.matrix(W)
        product = mpmath.eye(2)
        for d in derivs:  # J_k = D_k W_hh, later steps on the left
            product = mpmath.diag(d) * Wm * product
        true_norm = mp_sigma_max(product.tolist())
        numpy_norm = np.linalg.norm(np.array(product.tolist(), dtype=float), 2)
        assert abs(true_norm - numpy_norm) < 1e-14
        assert true_norm <= data <= worst
        assert data < worst * (1 - mpmath.mpf(10) ** -3)  # a strict refinement here
        assert true_norm < data * (1 - mpmath.mpf(10) ** -3)


def test_data_dependent_bound_empty_product_is_one():
    rnn = derive.RNN(hidden=2, activation="tanh", **_CASE)
    assert data_dependent_bound(rnn, 2, 2) == 1
    assert data_dependent_bound(rnn, 0, 0) == 1


def test_data_dependent_bound_rejects_reversed_steps():
    # ∂h_j/∂h_i needs i <= j (jacobian_product refuses i > j); the bound must not silently be 1
    rnn = derive.RNN(hidden=2, activation="tanh", **_CASE)
    with pytest.raises(ValueError):
        data_dependent_bound(rnn, 3, 1)


def test_data_dependent_bound_rejects_steps_past_T():
    rnn = derive.RNN(hidden=2, activation="tanh", **_CASE)
    with pytest.raises(ValueError, match="T = 3"):
        data_dependent_bound(rnn, 0, 4)
    with pytest.raises(ValueError):
        data_dependent_bound(rnn, -1, 2)


def test_data_dependent_bound_identity_is_exact_power():
    rnn = derive.RNN(hidden=1, activation="identity", W_hh=[[1.5]], W_xh=[[1]], b_h=[0],
                     h0=[1], x=[[0.1]] * 4)
    assert data_dependent_bound(rnn, 0, 4) == sp.Rational(81, 16)


def test_data_dependent_bound_sigmoid_scalar_matches_mpmath():
    # h_k = σ(2 h_{k-1} + x_k), h_0 = 1/2, x = (1, -1): φ'(a) = σ(a)(1 − σ(a))
    rnn = derive.RNN(hidden=1, activation="sigmoid", W_hh=[[2]], W_xh=[[1]], b_h=[0],
                     h0=[0.5], x=[[1], [-1]])
    with mpmath.workdps(40):
        sig = lambda v: 1 / (1 + mpmath.exp(-v))  # noqa: E731
        a1 = 2 * mpmath.mpf(1) / 2 + 1
        a2 = 2 * sig(a1) - 1
        want = sig(a1) * (1 - sig(a1)) * 2 * sig(a2) * (1 - sig(a2)) * 2
        got = to_mpf(data_dependent_bound(rnn, 0, 2))
        assert abs(got - want) <= mpmath.mpf(10) ** -25 * want


# ---------------------------------------------------------------------------------------------
# regime_conditions


def _holds(relation):
    """Truth of a concrete, unevaluated relation."""
    return bool(relation.func(*relation.args))


def test_regime_conditions_scalar_tanh_is_abs_w_below_one():
    rnn = derive.RNN(hidden=1, activation="tanh")
    w = rnn.W_hh[0]
    rc = regime_conditions(rnn)
    assert isinstance(rc, RegimeConditions)
    assert rc.gamma == 1
    assert rc.scalar is not None
    assert rc.scalar.free_symbols == {w}
    for value in ("-1.5", "-1", "-0.5", "0", "0.99", "1", "2", "-0.999"):
        v = sp.Rational(value)
        assert bool(rc.scalar.subs(w, v)) == (-1 < v < 1), value
        assert _holds(rc.sufficient_vanishing.subs(w, v)) == (abs(v) < 1)
        assert _holds(rc.necessary_exploding.subs(w, v)) == (abs(v) > 1)
    assert rc.linear is None
    assert rc.verdict is None


def test_regime_conditions_scalar_sigmoid_is_abs_w_below_four():
    rnn = derive.RNN(hidden=1, activation="sigmoid")
    w = rnn.W_hh[0]
    rc = regime_conditions(rnn)
    assert rc.gamma == sp.Rational(1, 4)
    for value in ("-4.5", "-4", "-3.99", "0", "1.5", "3.99", "4", "4.01"):
        v = sp.Rational(value)
        assert bool(rc.scalar.subs(w, v)) == (abs(v) < 4), value


def test_regime_conditions_scalar_gelu_bound_is_below_one():
    rnn = derive.RNN(hidden=1, activation="gelu")
    w = rnn.W_hh[0]
    rc = regime_conditions(rnn)
    with mpmath.workdps(40):
        # gelu'(z) = Φ(z) + z φ(z), gelu''(z) = φ(z)(2 − z²): the maximum is at z = sqrt(2)
        z = mpmath.sqrt(2)
        gamma = mpmath.ncdf(z) + z * mpmath.npdf(z)
        assert abs(to_mpf(rc.gamma) - gamma) < mpmath.mpf(10) ** -30
        edge = 1 / gamma
        assert abs(edge - mpmath.mpf("0.8858")) < 1e-4 and edge < 1
        ends = []
        for rel in rc.scalar.atoms(sp.core.relational.Relational):
            other = rel.rhs if rel.lhs == w else rel.lhs
            assert w not in other.free_symbols
            ends.append(to_mpf(other))
        assert len(ends) == 2
        assert abs(min(ends) + edge) < mpmath.mpf(10) ** -25
        assert abs(max(ends) - edge) < mpmath.mpf(10) ** -25
    for value, inside in [("0", True), ("0.885", True), ("-0.885", True), ("0.886", False),
                          ("-0.886", False), ("0.9", False), ("0.99", False)]:
        assert bool(rc.scalar.subs(w, sp.Rational(value))) is inside, value


def test_regime_conditions_identity_exploding_by_rho():
    rnn = derive.RNN(hidden=2, activation="identity", W_hh=[[0.5, 0], [0, 1.2]])
    rc = regime_conditions(rnn)
    assert rc.rho == sp.Rational(6, 5)
    assert rc.sigma_max == sp.Rational(6, 5)
    assert rc.verdict == "exploding"
    assert rc.linear is not None and len(rc.linear) == 2
    vanish, explode = rc.linear
    assert not _holds(vanish) and _holds(explode)
    assert rc.scalar is None


def test_regime_conditions_identity_vanishing_by_rho():
    rnn = derive.RNN(hidden=2, activation="identity", W_hh=[[0.5, 0.3], [0, 0.9]])
    rc = regime_conditions(rnn)
    assert rc.rho == sp.Rational(9, 10)
    assert rc.verdict == "vanishing"
    assert _holds(rc.linear[0]) and not _holds(rc.linear[1])


def test_regime_conditions_identity_rho_decides_over_sigma():
    # W = [[1/2, 2], [0, 1/2]]: σ_max > 1 but ρ = 1/2 (Gelfand: the products still vanish)
    W = [[0.5, 2], [0, 0.5]]
    rc = regime_conditions(derive.RNN(hidden=2, activation="identity", W_hh=W))
    assert rc.rho == sp.Rational(1, 2)
    assert close(to_float(rc.sigma_max), np.linalg.norm(np.array(W), 2))
    assert to_float(rc.sigma_max) > 1
    assert _holds(rc.necessary_exploding)
    assert rc.verdict == "vanishing"
    P = np.linalg.matrix_power(np.array(W), 200)
    assert np.linalg.norm(P, 2) < 1e-50


def test_regime_conditions_identity_rotation_is_stable():
    # eigenvalues ±i: ρ = 1 exactly, neither vanishing nor exploding
    rc = regime_conditions(derive.RNN(hidden=2, activation="identity", W_hh=[[0, -1], [1, 0]]))
    assert sp.simplify(rc.rho - 1) == 0
    assert rc.verdict == "stable"


def test_regime_conditions_tanh_vanishing_when_gamma_sigma_below_one():
    W = [[0.5, -0.3], [0.2, 0.9]]
    rc = regime_conditions(derive.RNN(hidden=2, activation="tanh", W_hh=W))
    sigma = np.linalg.norm(np.array(W), 2)
    assert sigma < 1
    assert close(to_float(rc.sigma_max), sigma)
    assert _holds(rc.sufficient_vanishing) and not _holds(rc.necessary_exploding)
    assert rc.verdict == "vanishing"
    assert rc.linear is None


def test_regime_conditions_sigmoid_vanishing_despite_large_weights():
    W = [[2, 1], [0, 3]]  # σ_max ≈ 3.70 but γ = 1/4
    rc = regime_conditions(derive.RNN(hidden=2, activation="sigmoid", W_hh=W))
    sigma = np.linalg.norm(np.array(W, dtype=float), 2)
    assert 1 < sigma < 4
    assert rc.verdict == "vanishing"


def test_regime_conditions_tanh_undetermined_when_only_necessary_holds():
    rc = regime_conditions(derive.RNN(hidden=2, activation="tanh", W_hh=[[2, 0], [0, 0.1]]))
    # W^T W = diag(4, 1/100): σ_max = 2 exactly
    assert sp.simplify(rc.sigma_max - 2) == 0
    assert sp.simplify(rc.rho - 2) == 0
    assert _holds(rc.necessary_exploding)
    assert not _holds(rc.sufficient_vanishing)
    assert rc.verdict == "undetermined"
    assert rc.linear is None


def test_regime_conditions_symbolic_matrix_has_no_verdict():
    rc = regime_conditions(derive.RNN(hidden=2, activation="tanh"))
    assert rc.verdict is None and rc.scalar is None
    assert rc.sigma_max.free_symbols == {sp.Symbol(f"w_{i}{j}", real=True)
                                         for i in (1, 2) for j in (1, 2)}
    rc3 = regime_conditions(derive.RNN(hidden=3, activation="identity"))
    assert rc3.rho is None and rc3.linear is None and rc3.verdict is None


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_regime_conditions_linear_only_for_identity(name):
    rc = regime_conditions(derive.RNN(hidden=2, activation=name, W_hh=[[0.5, 0.1], [0, 0.3]]))
    if name == "identity":
        assert isinstance(rc.linear, tuple) and len(rc.linear) == 2
    else:
        assert rc.linear is None
    assert rc.verdict in ("vanishing", "undetermined", "exploding", "stable")
