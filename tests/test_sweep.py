"""numeric.sweep against closed forms, an mpmath loop, and the bound."""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import derive
from numeric.gains import gain_sweep
from numeric.grids import random_W0
from numeric.sweep import regime_labels, scalar_sweep


@pytest.mark.parametrize("T", [100, 2000, 10**6])
def test_scalar_sweep_identity_closed_form(T):
    result = scalar_sweep("identity", np.array([0.5, 1.0, 1.5]), np.array([T]))
    expected = [T * math.log10(0.5), 0.0, T * math.log10(1.5)]
    for got, want in zip(result.log10_abs_grad[:, 0], expected, strict=True):
        assert abs(got - want) <= 1e-10 * abs(want)
    assert list(result.regime[:, 0]) == ["vanishing", "stable", "exploding"]


def test_scalar_sweep_identity_ten_million_is_instant_and_finite():
    result = scalar_sweep("identity", np.array([0.5, 1.5]), np.array([10**7]))
    assert np.all(np.isfinite(result.log10_abs_grad))


def _mp_log10_grad(name, w, T_values, x, h0=0.0):
    """Oracle: h_t = φ(w h + x) and Π w φ'(a_t) in mpmath at 40 digits, φ written by hand."""
    with mpmath.workdps(40):
        if name == "tanh":
            phi, dphi = mpmath.tanh, lambda a: mpmath.sech(a) ** 2
        else:
            def phi(a):
                return 1 / (1 + mpmath.exp(-a))

            def dphi(a):
                return phi(a) * phi(-a)
        w, h, log_product, out = mpmath.mpf(w), mpmath.mpf(h0), mpmath.mpf(0), {}
        for t in range(1, max(T_values) + 1):
            a = w * h + mpmath.mpf(x)
            h = phi(a)
            log_product += mpmath.log10(abs(w * dphi(a)))
            if t in T_values:
                out[t] = log_product
        return out


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
@pytest.mark.parametrize("x", [0.1, 1.5])
def test_scalar_sweep_matches_mpmath_to_1e12(name, x):
    w = np.array([-2.7, -0.9, 0.5, 1.0, 1.3, 3.0])
    T = np.array([1, 10, 500, 2000])
    result = scalar_sweep(name, w, T, inputs=x, h0=0.2)
    for i, w_i in enumerate(w):
        oracle = _mp_log10_grad(name, w_i, list(T), x, h0=0.2)
        for j, t in enumerate(T):
            value = result.log10_abs_grad[i, j]
            relative = abs(value - float(oracle[int(t)])) * math.log(10)
            # relative error of |∂h_T/∂h_0|: 1e-12, or the resolution of its float64 log10
            # (one ulp of log10 = 3000 is already 1e-12 of the gradient)
            assert relative <= 1e-12 + 2 * np.spacing(abs(value)) * math.log(10), (w_i, t)


def test_scalar_sweep_bound_holds():
    w = np.linspace(-3, 3, 61)
    result = scalar_sweep("sigmoid", w, np.array([1, 50, 300]), inputs=0.3)
    assert np.all(result.log10_abs_grad <= result.log10_bound + 1e-9)


def test_gain_sweep_identity_orthogonal_is_exact_power():
    W0 = random_W0(16, "orthogonal", np.random.default_rng(2))
    gains = np.array([0.5, 1.0, 1.25])
    result = gain_sweep(W0, gains, np.array([10, 1000, 20000]), activation="identity")
    expected = np.outer(np.log10(gains), [10, 1000, 20000])
    np.testing.assert_allclose(result.log10_norm, expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(result.spectral_radius, gains, rtol=1e-12)


def test_gain_sweep_matches_numpy_product_for_small_T():
    rng = np.random.default_rng(4)
    W0, x = random_W0(6, "gaussian", rng), 0.5 * rng.standard_normal((30, 6))
    gains = np.array([0.4, 1.1, 2.0])
    result = gain_sweep(W0, gains, np.array([5, 30]), activation="tanh", inputs=x,
                        h0=0.1 * np.ones(6))
    for i, g in enumerate(gains):
        h, P = 0.1 * np.ones(6), np.eye(6)
        for t in range(30):
            a = g * W0 @ h + x[t]
            h = np.tanh(a)
            P = (1 / np.cosh(a) ** 2)[:, None] * (g * W0) @ P
            if t + 1 == 5:
                assert result.log10_norm[i, 0] == pytest.approx(
                    math.log10(np.linalg.norm(P, 2)), abs=1e-12)
        assert result.log10_norm[i, 1] == pytest.approx(math.log10(np.linalg.norm(P, 2)),
                                                        abs=1e-12)


@settings(max_examples=1500, deadline=None, database=None)
@given(n=st.integers(1, 6), seed=st.integers(0, 2**32 - 1),
       gain=st.floats(0.05, 4.0), drive=st.floats(-3, 3),
       name=st.sampled_from(["tanh", "sigmoid", "gelu", "silu", "softsign", "relu"]))
def test_gain_sweep_never_exceeds_the_bound(n, seed, gain, drive, name):
    rng = np.random.default_rng(seed)
    W0 = random_W0(n, "gaussian", rng)
    result = gain_sweep(W0, np.array([gain]), np.array([1, 7, 40]), activation=name,
                        inputs=drive * np.ones(n), h0=rng.standard_normal(n))
    shown = ~np.isnan(result.log10_norm)  # NaN: φ' underflowed float64, flagged
    assert np.all(np.isnan(result.log10_norm) <= result.underflow[:, None])
    assert np.all(result.log10_norm[shown] <= result.log10_bound[shown] + 1e-9)


def test_regime_labels_rule():
    labels = regime_labels(np.array([-5.0, -1.0, -0.99, 0.0, 0.99, 1.0, 7.0, np.nan]))
    assert list(labels) == ["vanishing", "vanishing", "stable", "stable", "stable",
                            "exploding", "exploding", "unknown"]


@pytest.mark.parametrize("kwargs, message", [
    (dict(w=[], T=[10]), "w must be"), (dict(w=[0.5], T=[0]), "T must be >= 1"),
    (dict(w=[float("nan")], T=[3]), "finite"), (dict(w=[0.5], T=[1.5]), "ints"),
    (dict(w=[0.5], T=[10], inputs=np.ones(3)), "length >= 10"),
])
def test_scalar_sweep_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        scalar_sweep("tanh", np.asarray(kwargs.pop("w"), dtype=float), np.asarray(kwargs.pop("T")),
                     **kwargs)


def test_to_dict_is_json_ready():
    import json

    result = scalar_sweep("relu", np.array([-1.0, 0.5]), np.array([3]), h0=-1.0)
    def refuse(constant):
        raise ValueError(constant)

    data = json.loads(json.dumps(result.to_dict(), allow_nan=False), parse_constant=refuse)
    assert data["log10_abs_grad"][0][0] is None  # relu with a negative drive: dead, exact 0
    assert "exact zero" in data["log10_abs_grad_note"]
    assert data["log10_bound"] == [[0.0], [pytest.approx(3 * np.log10(0.5), abs=1e-12)]]
    assert derive.activation("relu").gamma == 1


@pytest.mark.parametrize("kind", ["singular", "extreme"])
def test_gain_sweep_renormalisation_survives_extremes(kind):
    """Rank-deficient W0 (no shrink bound: renormalise every step) and gains of 1e-3 to 1e3
    with saturating drive: finite log-norms that respect the bound, none lost to 0 or inf."""
    rng = np.random.default_rng(9)
    W0 = random_W0(8, "gaussian", rng)
    if kind == "singular":
        W0[:, 0] = W0[:, 1]
    gains = np.array([1e-3, 0.7, 30.0, 1e3])
    result = gain_sweep(W0, gains, np.array([50, 3000]), activation="tanh",
                        inputs=3 * rng.standard_normal((3000, 8)))
    finite = ~result.underflow
    assert np.all(np.isfinite(result.log10_norm[finite]))
    assert np.all(result.log10_norm[finite] <= result.log10_bound[finite] + 1e-9)
    assert result.log10_norm[0, 1] < -3000 * 2  # g = 1e-3: at least 3 decades lost per step
    # where sech²(a) underflows float64 the rows are flagged and NaN, never a silent 0
    assert np.all(np.isnan(result.log10_norm[result.underflow, -1]))
    assert not result.underflow[:3].any()


def _stays_put(phi, w, h0, x):
    """Oracle: run h_t = φ(w h_{t-1} + x_t) step by step in plain Python floats and say whether
    every h_t equals h_0."""
    h = h0
    for x_t in x:
        h = phi(w * h + x_t)
        if h != h0:
            return False
    return True


RELU, SIGMOID = (lambda a: max(a, 0.0)), (lambda a: 1 / (1 + math.exp(-a)))
DEAD = -np.linspace(0.0, 2.0, 50)                    # x_t <= 0 at every step, all different
LATE = np.where(np.arange(50) == 40, 0.3, -1.0)      # x_41 > 0 only


@pytest.mark.parametrize("name, phi, w, h0, x, expected", [
    ("tanh", math.tanh, [-3.0, 0.5, 3.0], 0.0, np.zeros(50), [True, True, True]),
    ("tanh", math.tanh, [-3.0, 0.5, 3.0], 0.0, np.full(50, 0.1), [False, False, False]),
    ("sigmoid", SIGMOID, [2.0, 1.0], 0.5, np.full(50, -1.0), [True, False]),  # σ(0) = 1/2
    ("relu", RELU, [0.5, 2.0], 0.0, DEAD, [True, True]),   # a varying input, φ flat there
    ("relu", RELU, [0.5, 2.0], 0.0, LATE, [False, False]),  # leaves h_0 only at t = 41
    ("relu", RELU, [1.0, 0.9], 1.0, np.zeros(50), [True, False]),
    ("identity", lambda a: a, [1.0, 0.5], 2.0, np.zeros(50), [True, False]),
])
def test_scalar_sweep_fixed_point_is_h_t_equal_h0_at_every_step(name, phi, w, h0, x, expected):
    result = scalar_sweep(name, np.array(w), np.array([10, 50]), h0=h0, inputs=x)
    assert result.fixed_point.tolist() == expected
    assert [_stays_put(phi, w_i, h0, x) for w_i in w] == expected


def test_scalar_sweep_fixed_point_only_up_to_the_longest_T():
    """x_41 > 0 lies beyond T = 40: over the steps swept the trajectory never moves."""
    assert scalar_sweep("relu", np.array([0.5]), np.array([40]), inputs=LATE).fixed_point[0]


@pytest.mark.parametrize("name, w, h0, x, dphi_star", [
    ("tanh", np.linspace(-3, 3, 61), 0.0, 0.0, 1.0),      # a* = 0, tanh'(0) = 1
    ("sigmoid", np.array([2.0]), 0.5, -1.0, 0.25),        # a* = 0, σ'(0) = 1/4
])
def test_scalar_sweep_at_a_fixed_point_is_the_linearisation(name, w, h0, x, dphi_star):
    """At a fixed point ∂h_T/∂h_0 = (w φ'(a*))^T exactly: log10 = T log10|w φ'(a*)|."""
    T = np.array([1, 10, 991])
    result = scalar_sweep(name, w, T, h0=h0, inputs=x)
    assert result.fixed_point.all()
    with np.errstate(divide="ignore"):
        expected = np.outer(np.log10(np.abs(w * dphi_star)), T)
    finite = np.isfinite(expected)
    assert np.array_equal(np.isneginf(result.log10_abs_grad), np.isneginf(expected))
    np.testing.assert_allclose(result.log10_abs_grad[finite], expected[finite], rtol=1e-12,
                               atol=1e-12)


def test_scalar_sweep_states_h0_and_x_t():
    constant = scalar_sweep("tanh", np.array([0.5]), np.array([5]), h0=0.25, inputs=0.1)
    varying = scalar_sweep("tanh", np.array([0.5]), np.array([5]), inputs=np.arange(5.0))
    assert (constant.h0, constant.x_t, varying.x_t) == (0.25, 0.1, None)
    data = constant.to_dict()
    assert (data["h0"], data["x_t"], data["fixed_point"]) == (0.25, 0.1, [False])


def test_gain_sweep_subnormal_step_stays_finite():
    """gelu'(−38) ≈ −5.4e-314 is subnormal: renormalising that product by 2^1037 must not
    overflow (found by the property test above: n = 1, gain 3, drive 3).  The values equal a
    50-digit mpmath product of g W0 gelu'(a_k): to 1e-12 decades before the subnormal step,
    to 1e-3 decades after it, since float64's gelu'(−38) = Φ(a) + aφ(a) cancels about three
    digits and is subnormal (a limit of φ' in float64, not of the product)."""
    import mpmath

    rng = np.random.default_rng(28627370)
    W0 = random_W0(1, "gaussian", rng)
    h0 = rng.standard_normal(1)
    T = np.array([1, 2, 7, 40])
    result = gain_sweep(W0, np.array([3.0]), T, activation="gelu", inputs=3 * np.ones(1), h0=h0)
    assert not result.underflow[0] and np.all(np.isfinite(result.log10_norm))
    with mpmath.workdps(50):
        h, product, expected = mpmath.mpf(float(h0[0])), mpmath.mpf(1), []
        g = 3 * mpmath.mpf(float(W0[0, 0]))
        for t in range(1, 41):
            a = g * h + 3
            cdf = mpmath.ncdf(a)
            product *= g * (cdf + a * mpmath.npdf(a))
            h = a * cdf
            if t in T:
                expected.append(float(mpmath.log10(abs(product))))
    np.testing.assert_allclose(result.log10_norm[0, 0], expected[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.log10_norm[0, 1:], expected[1:], rtol=0, atol=1e-3)
