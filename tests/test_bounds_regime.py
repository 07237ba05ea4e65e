"""Tests for derive.bounds: regime conditions (vanishing, exploding, bounded, undetermined;
the linear verdict in full: tests/test_linear_verdict.py).

Oracles: numpy.linalg, mpmath at 40 digits (γ of gelu) and closed forms derived by hand in
the comments.
"""

import mpmath
import numpy as np
import pytest
import sympy as sp

import derive
from derive.bounds import RegimeConditions, regime_conditions
from tests.bounds_oracles import close, to_float, to_mpf
from tests.conftest import ACTIVATIONS

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


def test_regime_conditions_identity_rotation_is_bounded():
    # eigenvalues ±i: ρ = 1 exactly, semisimple: ‖W^T‖₂ = 1 for every T (W orthogonal)
    W = [[0, -1], [1, 0]]
    rc = regime_conditions(derive.RNN(hidden=2, activation="identity", W_hh=W))
    assert sp.simplify(rc.rho - 1) == 0
    assert rc.verdict == "bounded"
    for T in (1, 7, 100):
        assert np.linalg.norm(np.linalg.matrix_power(np.array(W), T), 2) == pytest.approx(1)


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
    assert rc.verdict in ("vanishing", "undetermined", "exploding", "bounded",
                          "exploding polynomially")
