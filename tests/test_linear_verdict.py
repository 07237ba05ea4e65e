"""The linear RNN's verdict is exact (issue 14, item 1): ρ < 1 vanishing, ρ > 1 exploding, and at
ρ = 1 the largest Jordan block k of a unit-modulus eigenvalue decides: k = 1 bounded, k > 1
growth like T^{k−1}.  Also the transient growth of a non-normal W with ρ < 1.

Oracles: numpy.linalg.norm of numpy.linalg.matrix_power(W, T) (the actual product ∂h_T/∂h_0 =
W^T of the identity cell), numpy.linalg.eigvals, and the hand-computed closed forms in comments.
"""

import numpy as np
import pytest
import sympy as sp

import derive
from derive.linear import linear_growth
from derive.transient import transient_growth

HALF = sp.Rational(1, 2)


def _norms(W, Ts=(10, 100, 1000)):
    A = np.array(W, dtype=float)
    return [np.linalg.norm(np.linalg.matrix_power(A, T), 2) for T in Ts]


def _slope(W, T1=100, T2=1000):
    """log ‖W^T2‖ − log ‖W^T1‖ over log T2 − log T1: the growth order seen by numpy."""
    n1, n2 = _norms(W, (T1, T2))
    return np.log(n2 / n1) / np.log(T2 / T1)


def _rc(W, act="identity"):
    return derive.regime_conditions(derive.RNN(len(W), activation=act, W_hh=W))


# ---------------------------------------------------------------------------------------------
# ρ = 1 with a Jordan block: unbounded, polynomially


def test_jordan_block_at_one_grows_like_T():
    # W^T = [[1, T], [0, 1]]: ‖W^T‖₂ = T/2 + sqrt(1 + T²/4) ≈ T (10.1, 100.01, 1000.001)
    W = [[1, 1], [0, 1]]
    rc = _rc(W)
    assert rc.verdict == "exploding polynomially"      # was "stable"
    assert rc.growth.unit_block == 2 and rc.growth.order == 1 and rc.growth.unbounded
    assert rc.growth.tolerance is None                   # decided exactly
    for T, value in zip((10, 100, 1000), _norms(W), strict=True):
        assert value == pytest.approx(T, rel=0.011)
        assert value == pytest.approx(T / 2 + np.sqrt(1 + T * T / 4), rel=1e-12)
    assert _slope(W) == pytest.approx(rc.growth.order, abs=0.01)


def test_size_three_block_at_minus_one_grows_like_T_squared():
    W = [[-1, 1, 0], [0, -1, 1], [0, 0, -1]]
    g = linear_growth(W)
    assert (g.verdict, g.unit_block, g.order) == ("exploding polynomially", 3, 2)
    assert g.rho == 1
    # ‖J^T‖ ≈ C(T, 2) = T(T−1)/2 for a size-3 block
    for T, value in zip((10, 100, 1000), _norms(W), strict=True):
        assert value == pytest.approx(T * (T - 1) / 2, rel=0.05)
    assert _slope(W) == pytest.approx(2, abs=0.01)


def test_jordan_block_of_a_complex_unit_eigenvalue():
    # [[R, I], [0, R]] with R the rotation by 90°: eigenvalues ±i, each with a block of size 2
    W = [[0, -1, 1, 0], [1, 0, 0, 1], [0, 0, 0, -1], [0, 0, 1, 0]]
    g = linear_growth(W)
    assert (g.verdict, g.unit_block, g.order) == ("exploding polynomially", 2, 1)
    assert _slope(W) == pytest.approx(1, abs=0.01)


def test_jordan_block_at_an_irrational_angle():
    # x² − x/2 + 1: roots (1 ± i√15)/4 on the unit circle, not roots of unity; doubled by a
    # Jordan coupling: block size 2
    C = [[0, -1], [1, HALF]]
    W = [[*C[0], 1, 0], [*C[1], 0, 1], [0, 0, *C[0]], [0, 0, *C[1]]]
    assert np.allclose(np.abs(np.linalg.eigvals(np.array(W, dtype=float))), 1)
    g = linear_growth(W)
    assert (g.verdict, g.order) == ("exploding polynomially", 1)
    assert linear_growth(C).verdict == "bounded"
    assert max(_norms(C, (10, 100, 1000, 5000))) < 3


# ---------------------------------------------------------------------------------------------
# ρ = 1, semisimple: bounded


@pytest.mark.parametrize("W", [[[1, 0], [0, 1]], [[0, -1], [1, 0]], [[1, 0], [0, HALF]],
                               [[1, 0, 0], [0, HALF, 1], [0, 0, HALF]]],
                         ids=["identity", "rotation", "diag(1,1/2)", "inner-jordan"])
def test_semisimple_unit_eigenvalues_stay_bounded(W):
    g = _rc(W).growth
    assert (g.verdict, g.unit_block, g.order, g.unbounded) == ("bounded", 1, 0, False)
    values = _norms(W, (1, 10, 100, 1000, 10000))
    assert min(values) >= 1 - 1e-12 and max(values) < 3     # 1 ≤ ‖W^T‖ ≤ C


# ---------------------------------------------------------------------------------------------
# ρ < 1 and ρ > 1


def test_rho_below_one_vanishes_even_with_large_sigma():
    W = [[HALF, 5], [0, HALF]]
    rc = _rc(W)
    assert rc.verdict == "vanishing" and rc.growth.rho == HALF
    assert _norms(W, (200,))[0] < 1e-55


def test_rho_above_one_explodes():
    W = [[sp.Rational(11, 10), 0], [0, sp.Rational(3, 10)]]
    g = _rc(W).growth
    assert g.verdict == "exploding" and g.order is None and g.unbounded
    assert _norms(W, (100,))[0] == pytest.approx(1.1**100, rel=1e-12)


def test_palindromic_factor_with_roots_off_the_circle_explodes():
    # x⁴ − x³ − x² − x + 1: palindromic (roots λ, 1/λ), two real roots off the circle
    W = [[0, 0, 0, -1], [1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1]]
    rho = max(abs(np.linalg.eigvals(np.array(W, dtype=float))))
    assert rho > 1.5
    g = linear_growth(W)
    assert g.verdict == "exploding"
    assert float(sp.N(g.rho)) == pytest.approx(rho, rel=1e-12)


def test_constant_slope_activation_scales_W():
    # φ(x) = 2x: ∂h_T/∂h_0 = (2W)^T with 2W = [[1, 2], [0, 1]]: a Jordan block at 1
    rnn = derive.RNN(2, activation=derive.parse_activation("2*x"), W_hh=[[HALF, 1], [0, HALF]])
    g = derive.regime_conditions(rnn).growth
    assert (g.verdict, g.order) == ("exploding polynomially", 1)
    assert _slope([[1, 2], [0, 1]]) == pytest.approx(1, abs=0.01)


# ---------------------------------------------------------------------------------------------
# float entries: numeric with a stated tolerance


def test_float_entries_are_decided_with_a_tolerance():
    g = linear_growth([[1.0, 1.0], [0.0, 1.0]])
    assert g.tolerance is not None and g.tolerance > 0
    assert (g.verdict, g.order) == ("exploding polynomially", 1)
    assert linear_growth(np.array([[0.6, -0.8], [0.8, 0.6]])).verdict == "bounded"
    assert linear_growth([[0.5, 2.0], [0.0, 0.5]]).verdict == "vanishing"


def test_rounded_similarity_of_a_jordan_block_needs_the_tolerance():
    # P J P^{-1} in float64: rounding splits the double eigenvalue 1 by ~1e-8; with tol = 1e-6
    # the block is recognised; numpy's powers grow like T (slope 1) over these T
    P = np.array([[2.0, 1.0], [1.0, 1.0]])
    W = P @ np.array([[1.0, 1.0], [0.0, 1.0]]) @ np.linalg.inv(P)
    g = linear_growth(W, tol=1e-6)
    assert (g.verdict, g.order, g.tolerance) == ("exploding polynomially", 1, 1e-6)
    assert _slope(W) == pytest.approx(1, abs=0.02)


def test_symbolic_entries_are_refused():
    with pytest.raises(ValueError, match="concrete"):
        linear_growth(sp.Matrix([[sp.Symbol("w"), 0], [0, 1]]))


# ---------------------------------------------------------------------------------------------
# transient growth: ρ < 1 but ‖W^k‖ > 1 for small k


@pytest.mark.parametrize("W", [[[HALF, 5], [0, HALF]],
                               [[sp.Rational(99, 100), 1], [0, sp.Rational(99, 100)]]])
def test_transient_peak_matches_numpy(W):
    A = np.array(W, dtype=float)
    values, P = [], np.eye(2)
    for _ in range(3000):
        P = P @ A
        values.append(np.linalg.norm(P, 2))
    t = transient_growth(W)
    assert t.grows
    assert float(t.peak) == pytest.approx(max(values), rel=1e-12)
    assert t.at == 1 + int(np.argmax(values))
    assert values[t.settled - 1] <= 1 + 1e-12 and all(v > 1 for v in values[:t.settled - 1])


def test_irrational_entries_are_decided_numerically_and_say_so():
    # rotation by 45° with exact √2/2 entries: ρ = 1, semisimple
    c = sp.sqrt(2) / 2
    rnn = derive.RNN(2, activation="identity", W_hh=[[c, -c], [c, c]])
    g = derive.regime_conditions(rnn).growth
    assert (g.verdict, g.tolerance) == ("bounded", 1e-9)
    A = np.array([[1, -1], [1, 1]]) / np.sqrt(2)
    assert _norms(A, (1000,))[0] == pytest.approx(1, rel=1e-9)
    last = derive.derivation(rnn, 2).steps
    assert any("bounded (semisimple) (numeric, tolerance 1e-09)" in s.reason for s in last)


def test_derivation_names_the_case_and_the_transient():
    jordan = derive.derivation(derive.RNN(2, activation="identity", W_hh=[[1, 1], [0, 1]]), 3)
    text = " ".join(step.reason for step in jordan.steps)
    assert "stable" not in text
    [block] = [s for s in jordan.steps if s.reason.startswith("the largest Jordan block")]
    assert block.relation.rhs == 2                     # [[1, 1], [0, 1]] is one block of size 2
    [order] = [s for s in jordan.steps if "exploding polynomially" in s.reason]
    assert order.relation.rhs == 1 and order.reason.endswith("like T")
    W = [[HALF, 5], [0, HALF]]
    steps = derive.derivation(derive.RNN(2, activation="identity", W_hh=W), 3).steps
    [peak, limit] = [s for s in steps if "transient growth" in s.reason]
    assert limit.reason == "transient growth: ρ(Wₕₕ) < 1 decides the limit, not the first steps"
    assert "k = 1" in peak.reason                       # ‖W‖₂ ≈ 5.0495 > ‖W²‖₂ ≈ 5.0125
    value = float(peak.relation.rhs)
    assert value == pytest.approx(np.linalg.norm(np.array(W, dtype=float), 2), rel=1e-5)


def test_rho_a_hair_from_one_says_how_slow():
    # float cos/sin entries are taken as their decimal reprs: ρ is 1 only to ~1e-17, so the
    # verdict is geometric, and the step says how many steps a factor 10 takes: 1/|log10 ρ|
    import math

    import mpmath
    c, s = math.cos(0.3), math.sin(0.3)
    rnn = derive.RNN(2, activation="identity", W_hh=[[c, -s], [s, c]])
    with mpmath.workdps(60):
        rho = mpmath.sqrt(mpmath.mpf(repr(c)) ** 2 + mpmath.mpf(repr(s)) ** 2)  # |c ± i s|
        per_decade = 1 / abs(mpmath.log10(rho))
    assert 0 < abs(rho - 1) < 1e-15
    verdict = "vanishing" if rho < 1 else "exploding"
    assert derive.regime_conditions(rnn).verdict == verdict
    [says] = [st.reason for st in derive.derivation(rnn, 2).steps
              if st.reason.startswith(f"for these weights: {verdict}")]
    assert f"a factor 10 takes {float(per_decade):.3g} steps" in says


def test_transient_longer_than_the_search_says_so():
    # W = [[0.9999, 1], [0, 0.9999]]: ‖W^k‖₂ ≈ k·0.9999^(k−1) rises until k ≈ 10⁴, so within
    # the derivation's 1000 powers the largest is the last one and it is still above 1
    W = [[sp.Rational(9999, 10000), 1], [0, sp.Rational(9999, 10000)]]
    A = np.array(W, dtype=float)
    values, P = [], np.eye(2)
    for _ in range(1000):
        P = P @ A
        values.append(np.linalg.norm(P, 2))
    t = transient_growth(W, limit=1000)
    assert t.settled is None and t.searched == 1000 and t.at == 1 + int(np.argmax(values))
    assert float(t.peak) == pytest.approx(max(values), rel=1e-12)
    steps = derive.derivation(derive.RNN(2, activation="identity", W_hh=W), 2).steps
    [peak] = [s for s in steps if s.reason.startswith("transient growth: the largest")]
    assert "still above 1 at k = 1000" in peak.reason
    assert float(peak.relation.rhs) == pytest.approx(values[-1], rel=1e-5)
