"""Exact zeros stay zeros, overflow is said, kinks are flagged, subnormal weights work.

Every expected value is computed here independently: by exact reasoning (a zero state makes
δ_k h_{k-1}^T exactly 0), by a plain loop, or by mpmath products with an unbounded exponent.
"""

import mpmath as mp
import numpy as np
import pytest

import derive
import numeric
from reports.sweep_text import render_table

TANH = derive.activation("tanh")


def _bptt_by_hand(W, U, b, h0, x, y):
    """The plain recursion in float64 (no rescaling): g_T = h_T − y, δ_k = φ'(a_k) g_k,
    g_{k-1} = W^T δ_k, with φ = tanh and the bridge's φ' (cosh^-2, the same float64 values)."""
    dphi = numeric.activation_functions(TANH)[1]
    hs, as_ = [h0], []
    for x_k in x:
        as_.append(W @ hs[-1] + U @ x_k + b)
        hs.append(np.tanh(as_[-1]))
    g, dW = hs[-1] - y, np.zeros_like(W)
    for k in range(len(x), 0, -1):
        delta = dphi(as_[k - 1]) * g
        dW += np.outer(delta, hs[k - 1])
        g = W.T @ delta
    return dW, g


def test_zero_state_gives_exact_zero_gradient_beside_an_overflowing_g():
    # identity, w = 10, T = 1000, h0 = x = b = 0: h_k = 0 for every k, so
    # ∂L/∂W_hh = Σ δ_k h_{k-1}^T = 0 and ∂L/∂W_xh = Σ δ_k x_k^T = 0 exactly, although
    # g_k = 10^(T-k) g_T leaves float64 (before: inf·0 = NaN, printed as null).
    T, w, r = 1000, 10.0, -0.5
    grads = numeric.bptt(derive.activation("identity"), np.array([[w]]), np.array([[1.0]]),
                         np.zeros(1), np.zeros(1), np.zeros((T, 1)), np.array([0.5]))
    assert grads.W_hh.tolist() == [[0.0]] and grads.W_xh.tolist() == [[0.0]]
    # ∂L/∂b_h = Σ_k δ_k = r Σ_k 10^(T-k) and ∂L/∂h_0 = r 10^T: beyond float64, said so
    b_exact = mp.mpf(r) * mp.fsum(mp.mpf(10) ** (T - k) for k in range(1, T + 1))
    h0_exact = mp.mpf(r) * mp.mpf(10) ** T
    assert set(grads.overflow) == {"b_h", "h0"}
    assert abs(grads.overflow["b_h"] - float(mp.log10(abs(b_exact)))) < 1e-12
    assert abs(grads.overflow["h0"] - float(mp.log10(abs(h0_exact)))) < 1e-12
    assert np.isinf(grads.b_h).all() and np.isinf(grads.h0).all()   # never NaN


def test_bptt_in_range_is_the_plain_recursion():
    rng = np.random.default_rng(3)
    W, U = 0.9 * rng.standard_normal((3, 3)), rng.standard_normal((3, 2))
    b, h0, x, y = rng.standard_normal(3), rng.standard_normal(3), \
        rng.standard_normal((6, 2)), rng.standard_normal(3)
    grads = numeric.bptt(TANH, W, U, b, h0, x, y)
    dW, g0 = _bptt_by_hand(W, U, b, h0, x, y)
    np.testing.assert_allclose(grads.W_hh, dW, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(grads.h0, g0, rtol=1e-13, atol=1e-15)
    assert grads.overflow == {}


def test_zero_matrix_gain_sweep_is_an_exact_zero_not_an_underflow():
    # W0 = 0: ∂h_T/∂h_0 = Π diag(φ') g·0 = 0 exactly (before: NaN, "unknown", underflow)
    r = numeric.gain_sweep(np.zeros((2, 2)), [1.0], [1, 5])
    assert np.isneginf(r.log10_norm).all()
    assert r.regime.tolist() == [["vanishing", "vanishing"]]
    assert not r.underflow.any()


@pytest.mark.parametrize("sweep", ["scalar", "gain"])
def test_square_at_zero_is_an_exact_zero(sweep):
    # φ = z², h0 = 0, x = 0: a_t = 0 and φ'(0) = 2·0 = 0 exactly, so the product is 0
    act = derive.parse_activation("x**2")
    if sweep == "scalar":
        r = numeric.scalar_sweep(act, np.array([0.5, 2.0]), np.array([1, 5]), h0=0.0)
        values = r.log10_abs_grad
    else:
        r = numeric.gain_sweep(np.eye(2), [0.5, 2.0], [1, 5], activation=act)
        values = r.log10_norm
    assert np.isneginf(values).all()
    assert (r.regime == "vanishing").all() and not r.underflow.any()


def test_a_real_underflow_of_tanh_prime_is_still_flagged():
    # a = 3e299: sech² a ≈ 10^(-2.6e299) is not 0, only its float64 value is
    r = numeric.scalar_sweep("tanh", np.array([1e300]), np.array([2]), h0=0.3, inputs=0.1)
    assert np.isnan(r.log10_abs_grad).all() and r.underflow.all()
    assert r.regime.tolist() == [["unknown"]]


def test_relu_on_its_kink_is_flagged_and_said():
    on = numeric.scalar_sweep("relu", np.array([0.5, 100.0]), np.array([1, 5]), h0=0.0)
    off = numeric.scalar_sweep("relu", np.array([0.5, 100.0]), np.array([1, 5]), h0=0.5)
    assert on.on_kink.tolist() == [True, True] and off.on_kink.tolist() == [False, False]
    assert "convention" in on.to_dict()["on_kink_note"]
    text = render_table(on)
    assert "kink" in text and "relu'(0) = 0" in text and "one-sided" in text
    assert "kink" not in render_table(off)
    gains = numeric.gain_sweep(np.eye(2), [0.5, 100.0], [3], activation="relu")
    assert gains.on_kink.tolist() == [True, True] and "kink" in str(gains._display_parts()[-1])


def _mp_tanh_log10(w, h0, x, T):
    """log10 |Π_t w tanh'(a_t)| along h_t = tanh(w h_{t-1} + x) in mpmath (any exponent)."""
    with mp.workdps(40):
        h, total = mp.mpf(h0), mp.mpf(0)
        for _ in range(T):
            a = mp.mpf(w) * h + mp.mpf(x)
            h = mp.tanh(a)
            total += mp.log10(abs(mp.mpf(w) * (1 - mp.tanh(a) ** 2)))
        return float(total)


@pytest.mark.parametrize("w", [1e-310, 5e-324])
def test_subnormal_weights_products_against_mpmath(w):
    T, h0, x = 5, 0.3, 0.1
    ref = _mp_tanh_log10(w, h0, x, T)
    a = numeric.forward(TANH, np.array([[w]]), np.array([[1.0]]), np.zeros(1), np.array([h0]),
                        np.full((T, 1), x)).a
    along = numeric.product_along(TANH, np.array([[w]]), a).log10_norm
    gains = numeric.gain_sweep(np.array([[w]]), [1.0], [T], h0=[h0], inputs=[x]).log10_norm
    scalar = numeric.scalar_sweep("tanh", np.array([w]), np.array([T]), h0=h0,
                                  inputs=x).log10_abs_grad
    stacked = numeric.jacobian_product(np.full((T, 1, 1), w)).log10_norm
    for value in (along, float(gains[0, 0]), float(scalar[0, 0])):
        assert abs(value - ref) < 1e-12, (value, ref)
    assert abs(stacked - T * float(mp.log10(mp.mpf(w)))) < 1e-12


def test_subnormal_and_huge_entries_in_one_matrix():
    W = np.array([[5e-324, 0.0], [0.0, 1e-310]])
    ref = 4 * float(mp.log10(mp.mpf(1e-310)))    # identity, φ' = 1: the larger diagonal entry
    r = numeric.gain_sweep(W, [1.0], [4], activation="identity")
    assert abs(float(r.log10_norm[0, 0]) - ref) < 1e-12
    huge = numeric.gain_sweep(np.array([[1e300]]), [1.0], [4], activation="identity")
    assert abs(float(huge.log10_norm[0, 0]) - 4 * float(mp.log10(mp.mpf(1e300)))) < 1e-12


def test_cell_bptt_zero_state_gives_exact_zero_weight_gradient():
    # the same zero-state case as an elman cell (numeric.cells.bptt): ∂L/∂weight_hh =
    # Σ δ_k h_{k-1}^T = 0 exactly, ∂L/∂h_0 = -0.5·10^T beyond float64 and said so
    T = 400
    case = numeric.case_from_dict({
        "cell": "elman", "activation": "identity", "weight_hh": [[10.0]],
        "weight_ih": [[1.0]], "bias_ih": [0.0], "bias_hh": [0.0], "h0": [0.0],
        "x": [[0.0]] * T, "y": [0.5]})
    grads = case.gradients()
    assert grads.params["weight_hh"].tolist() == [[0.0]]
    assert grads.params["weight_ih"].tolist() == [[0.0]]
    assert abs(grads.overflow["state0"] - float(mp.log10(mp.mpf(0.5) * mp.mpf(10) ** T))) < 1e-12


def test_check_gradients_on_the_zero_state_compares_with_an_exact_zero():
    # numeric.check_gradients derives its reference with numeric.backward: 0, not NaN
    T = 400
    case = numeric.Case(derive.activation("identity"), np.array([[10.0]]), np.array([[1.0]]),
                        np.zeros(1), np.zeros(1), np.zeros((T, 1)), np.array([0.5]))
    result = numeric.check_gradients(case, {"W_hh": np.zeros((1, 1))})
    assert result.passed is True
    assert result.quantities[0].max_abs_error == 0.0
    with pytest.raises(ValueError, match="beyond float64"):   # Σ δ_k ≈ 10^399: said, not NaN
        numeric.check_gradients(case, {"b_h": np.zeros(1)})


@pytest.mark.parametrize("w", [1e-310, 5e-324])
def test_subnormal_elman_cell_products_against_mpmath(w):
    # the cell path (numeric.cells.jacobian_product for check, numeric.cell_products for
    # sweeps): J_k = tanh'(a_k) w, w subnormal; before, 5e-324 gave -inf (digits lost)
    case = numeric.case_from_dict({
        "cell": "elman", "activation": "tanh", "weight_hh": [[w]], "weight_ih": [[1.0]],
        "bias_ih": [0.0], "bias_hh": [0.0], "h0": [0.3], "x": [[0.1]] * 3, "y": [0.5]})
    ref = _mp_tanh_log10(w, 0.3, 0.1, 3)
    assert abs(case.jacobian_product().log10_norm - ref) < 1e-12
    path = numeric.cells.forward(case.kind, case.activation, case.params, case.s0, case.x)
    sweep = numeric.cells.log10_product_norms(case.kind, case.activation, case.params, path, [3])
    assert abs(float(np.ravel(sweep)[0]) - ref) < 1e-12
