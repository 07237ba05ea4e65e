"""Tests for derive.bounds: gradient-norm bounds and regime conditions.

Oracles: numpy.linalg, mpmath at 40 digits (the forward pass, sech², singular values) and closed
forms derived by hand in the comments.
"""


import mpmath
import numpy as np
import pytest
import sympy as sp

import derive
from derive.bounds import (
    RegimeConditions,
    data_dependent_bound,
    norm_bound,
    regime_conditions,
)
from tests.bounds_oracles import (
    close,
    floats_in,
    mp_sigma_max,
    to_float,
    to_mpf,
)
from tests.conftest import ACTIVATIONS

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
