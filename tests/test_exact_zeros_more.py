"""Exact zeros and subnormal weights on the paths the first fixes left: the array backends'
gain sweep, gated cells with subnormal recurrent weights, and matrix products inside the
backward pass of ``numeric.check_gradients``.

Every expected value is computed here independently: by exact reasoning (a zero column of W_hh
keeps that entry of g_k exactly 0), by a plain loop, or with mpmath (unbounded exponent).
"""

import mpmath as mp
import numpy as np
import pytest

import derive
import numeric
from numeric.backward import backward
from numeric.rounding_partials import partial_spread

IDENTITY = derive.activation("identity")


def _zero_column_case(T=400):
    # identity, W_hh = [[10, 0], [10, 0]] (a zero column), h0 = x = b = 0: h_k = 0, so with
    # g_T = -y: g_{T-1} = W_hhᵀ g_T = [10(g_1 + g_2), 0] and g_{T-j} = [-7.5·10^(j-1), 0]
    # for j ≥ 1; the first entry leaves float64, the second is exactly 0 at every k < T
    return numeric.Case(IDENTITY, np.array([[10.0, 0.0], [10.0, 0.0]]), np.ones((2, 1)),
                        np.zeros(2), np.zeros(2), np.zeros((T, 1)), np.array([0.5, 0.25]))


def test_backward_matrix_product_keeps_exact_zeros_beside_an_overflow():
    T = 400
    result = backward(_zero_column_case(T))
    assert not np.isnan(result.delta).any() and not np.isnan(result.state0).any()
    assert result.state0[1] == 0.0 and result.state0[0] == -np.inf    # -7.5·10^399
    assert (result.delta[:-1, 1] == 0).all() and result.delta[-1, 1] == -0.25
    assert result.params["W_hh"].tolist() == [[0.0, 0.0], [0.0, 0.0]]  # Σ δ_k h_{k-1}ᵀ, h = 0
    assert result.params["b_h"][1] == -0.25 and result.params["b_h"][0] == -np.inf
    # numeric.check_gradients compares W_hh with the exact 0 and refuses b_h (beyond float64)
    check = numeric.check_gradients(_zero_column_case(T), {"W_hh": np.zeros((2, 2))})
    assert check.passed is True and check.quantities[0].max_abs_error == 0.0
    # and the scaled BPTT of rnngrad check gives the overflow's log10
    grads = numeric.bptt(IDENTITY, np.array([[10.0, 0.0], [10.0, 0.0]]), np.ones((2, 1)),
                         np.zeros(2), np.zeros(2), np.zeros((T, 1)), np.array([0.5, 0.25]))
    exact = -(mp.mpf("0.5") + mp.mpf("7.5") * (mp.mpf(10) ** (T - 1) - 1) / 9)
    assert abs(grads.overflow["b_h"] - float(mp.log10(-exact))) < 1e-12
    assert grads.b_h[1] == -0.25 and not np.isnan(grads.b_h).any()


def test_rounding_lanes_keep_exact_zeros_beside_an_overflow():
    # the Monte Carlo lanes of numeric.rounding_partials run the same recursion: b_h[1] gets
    # only step T's δ_T = -0.25·(1 + u ξ), |ξ| ≤ 1, so its spread is at most 0.25 u (was NaN)
    u = 2.0**-24
    independent, coherent = partial_spread(_zero_column_case(), ["b_h", "W_hh"], u,
                                           np.random.default_rng(0))
    for found in (independent, coherent):
        assert 0.0 <= found["b_h"][1] <= 0.25 * u * (1 + 1e-12)
        assert found["W_hh"].tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_cell_bptt_keeps_a_finite_entry_beside_an_overflowing_one():
    # the zero-column case as an elman cell: ∂L/∂bias_ih = Σ δ_k = [≈ -(7.5/9)·10^399, -0.25];
    # one exponent for all entries flushed the -0.25 to 0
    T = 400
    case = numeric.case_from_dict({
        "cell": "elman", "activation": "identity", "weight_hh": [[10.0, 0.0], [10.0, 0.0]],
        "weight_ih": [[1.0], [1.0]], "h0": [0.0, 0.0], "x": [[0.0]] * T, "y": [0.5, 0.25]})
    grads = case.gradients()
    assert grads.params["bias_ih"][1] == -0.25 and grads.params["bias_hh"][1] == -0.25
    assert grads.params["weight_hh"].tolist() == [[0.0, 0.0], [0.0, 0.0]]
    exact = mp.mpf("0.5") + mp.mpf("7.5") * (mp.mpf(10) ** (T - 1) - 1) / 9
    assert abs(grads.overflow["bias_ih"] - float(mp.log10(exact))) < 1e-12
    assert grads.state0[1] == 0.0 and not np.isnan(grads.state0).any()


def _mp_tanh_log10(w, h0, x, T):
    """log10 |Π_t w tanh'(a_t)| along h_t = tanh(w h_{t-1} + x) in mpmath (any exponent)."""
    with mp.workdps(40):
        h, total = mp.mpf(h0), mp.mpf(0)
        for _ in range(T):
            a = mp.mpf(w) * h + mp.mpf(x)
            h = mp.tanh(a)
            total += mp.log10(abs(mp.mpf(w) * (1 - mp.tanh(a) ** 2)))
        return float(total)


@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_backend_gain_sweep_tells_exact_zeros_from_underflow(backend):
    # W0 = 0: Π diag(φ') g·0 = 0 exactly (before: NaN, "unknown", underflow on the backends)
    zero = numeric.gain_sweep(np.zeros((2, 2)), [1.0], [1, 5], backend=backend)
    assert np.isneginf(zero.log10_norm).all() and not zero.underflow.any()
    assert zero.regime.tolist() == [["vanishing", "vanishing"]]
    # φ = z² at h0 = x = 0: φ'(0) = 0 exactly
    square = numeric.gain_sweep(np.eye(2), [0.5, 2.0], [1, 5], backend=backend,
                                activation=derive.parse_activation("x**2"))
    assert np.isneginf(square.log10_norm).all() and not square.underflow.any()
    # relu at h0 = x = 0 sits on its kink: flagged as on NumPy's path (before: None)
    relu = numeric.gain_sweep(np.eye(2), [0.5, 100.0], [3], backend=backend, activation="relu")
    assert relu.on_kink.tolist() == [True, True]
    # a true underflow of tanh' (a ≈ 3e299) is still one
    lost = numeric.gain_sweep(np.eye(1), [1e300], [2], h0=[0.3], inputs=[0.1], backend=backend)
    assert np.isnan(lost.log10_norm).all() and lost.underflow.all()


@pytest.mark.parametrize("backend", ["torch", "jax"])
@pytest.mark.parametrize("w", [1e-310, 5e-324])
def test_backend_gain_sweep_with_a_subnormal_W0_against_mpmath(backend, w):
    # W0 = Ŵ0·2^e on the backend too (before: NaN at T = 5 on torch, at every T on jax,
    # whose CPU flushes subnormals to 0)
    T, h0, x = 5, 0.3, 0.1
    r = numeric.gain_sweep(np.array([[w]]), [1.0], [T], h0=[h0], inputs=[x], backend=backend)
    assert abs(float(r.log10_norm[0, 0]) - _mp_tanh_log10(w, h0, x, T)) < 1e-9
    assert not r.underflow.any()
