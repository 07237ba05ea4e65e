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
from tests.test_exact_zeros import _mp_tanh_log10

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


@pytest.mark.parametrize("backend", ["torch"])
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


@pytest.mark.parametrize(("backend", "w"), [("torch", 1e-310), ("torch", 5e-324),
                                             ("jax", 5e-324)])
def test_backend_gain_sweep_with_a_subnormal_W0_against_mpmath(backend, w):
    # W0 = Ŵ0·2^e on the backend too (before: NaN at T = 5 on torch, at every T on jax,
    # whose CPU flushes subnormals to 0)
    T, h0, x = 5, 0.3, 0.1
    r = numeric.gain_sweep(np.array([[w]]), [1.0], [T], h0=[h0], inputs=[x], backend=backend)
    assert abs(float(r.log10_norm[0, 0]) - _mp_tanh_log10(w, h0, x, T)) < 1e-9
    assert not r.underflow.any()


def _sig(z):
    return 1 / (1 + mp.exp(-z))


def _mp_cell_product(cell, w, x, h0, c0, T):
    """∂s_T/∂s_0 of a one-unit LSTM (s = [h; c], gates i, f, g, o) or GRU (gates r, z, n)
    with every weight_hh entry w, weight_ih = x's factors U, zero biases, constant input x, in
    mpmath by the hand-derived step Jacobians (2 × 2 for the LSTM, 1 × 1 for the GRU)."""
    with mp.workdps(50):
        w, h, c = mp.mpf(w), mp.mpf(h0), mp.mpf(c0)
        P = mp.eye(2 if cell == "lstm" else 1)
        for _ in range(T):
            if cell == "lstm":
                i, f = _sig(U[0] * x + w * h), _sig(U[1] * x + w * h)
                g, o = mp.tanh(U[2] * x + w * h), _sig(U[3] * x + w * h)
                c_new = f * c + i * g
                dc_dh = c * f * (1 - f) * w + g * i * (1 - i) * w + i * (1 - g**2) * w
                tc = mp.tanh(c_new)
                J = mp.matrix([[o * (1 - o) * w * tc + o * (1 - tc**2) * dc_dh,
                                o * (1 - tc**2) * f], [dc_dh, f]])
                h, c = o * tc, c_new
            else:
                r, z = _sig(U[0] * x + w * h), _sig(U[1] * x + w * h)
                n = mp.tanh(U[2] * x + r * (w * h))
                dz, dr = z * (1 - z) * w, r * (1 - r) * w
                dn = (1 - n**2) * (dr * w * h + r * w)
                J = mp.matrix([[-dz * n + (1 - z) * dn + z + dz * h]])
                h = (1 - z) * n + z * h
            P = J * P
        return P


def _log10_spectral(P):
    """log10 σ_max of a 1 × 1 or 2 × 2 mpmath matrix (σ² from the trace and det of PᵀP)."""
    with mp.workdps(50):
        if P.rows == 1:
            return float(mp.log10(abs(P[0, 0])))
        F = sum(P[i, j] ** 2 for i in range(2) for j in range(2))
        det = P[0, 0] * P[1, 1] - P[0, 1] * P[1, 0]
        return float(mp.log10(mp.sqrt((F + mp.sqrt(F**2 - 4 * det**2)) / 2)))


U = (0.5, 1.0, -0.7, 0.3)


@pytest.mark.parametrize("w", [1e-310, 5e-324])
def test_indrnn_with_a_subnormal_u_against_mpmath(w):
    # J_k = u tanh'(a_k), a_k = x + u h: the partial u φ' itself was subnormal (digits lost:
    # 5e-324 gave -969.9186 for -969.9317 on check's path and -inf on the sweeps')
    case = numeric.case_from_dict({"cell": "indrnn", "activation": "tanh", "u": [w],
                                   "weight_ih": [[1.0]], "h0": [0.3], "x": [[0.1]] * 3,
                                   "y": [0.5]})
    ref = _mp_tanh_log10(w, 0.3, 0.1, 3)
    assert abs(case.jacobian_product().log10_norm - ref) < 1e-9
    path = numeric.cells.forward(case.kind, case.activation, case.params, case.s0, case.x)
    sweep = numeric.cells.log10_product_norms(case.kind, case.activation, case.params, path, [3])
    assert abs(float(np.ravel(sweep)[0]) - ref) < 1e-9


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("w", [1e-310, 5e-324])
def test_gated_cells_with_subnormal_weight_hh_against_mpmath(cell, w):
    # every weight_hh entry subnormal: J_k mixes O(1) own-state partials (f, z) with O(w)
    # terms, so no power of two rescales it; the LSTM's ∂h_T/∂h_0 is O(w) (lost before)
    blocks = 4 if cell == "lstm" else 3
    data = {"cell": cell, "weight_hh": [[w]] * blocks, "weight_ih": [[u] for u in U[:blocks]],
            "h0": [0.3], "x": [[0.1]] * 3, "y": [0.5]}
    if cell == "lstm":
        data["c0"] = [0.2]
    case = numeric.case_from_dict(data)
    P = _mp_cell_product(cell, w, mp.mpf(0.1), 0.3, 0.2, 3)
    assert abs(case.jacobian_product().log10_norm - _log10_spectral(P)) < 1e-9
    path = numeric.cells.forward(case.kind, case.activation, case.params, case.s0, case.x)
    h_block = numeric.cells.log10_product_norms(case.kind, case.activation, case.params, path,
                                                [3], block="h")
    ref_h = float(mp.log10(abs(P[0, 0])))
    assert abs(float(np.ravel(h_block)[0]) - ref_h) < 1e-9


def _mp_sums(W, T, y, per_step):
    """(∂L/∂b_h, ∂L/∂h_0) of the identity RNN with h = 0 throughout (h0 = x = b = 0, so
    g_T = -y, g_{k-1} = Wᵀ g_k (- y for a per-step loss), δ_k = g_k), in mpmath."""
    with mp.workdps(30):
        W = mp.matrix(W)
        g = mp.matrix([-mp.mpf(v) for v in y])
        b = mp.matrix([0, 0])
        for k in range(T, 0, -1):
            b += g
            g = W.T * g
            if per_step and k > 1:
                g -= mp.matrix([mp.mpf(v) for v in y])
        return b, g


@pytest.mark.parametrize("per_step", [False, True])
def test_bptt_keeps_each_entry_of_g_beside_an_overflowing_one(per_step):
    # W_hh = [[10, 0], [10, w22]]: g_1 grows as 10^(T-k), g_2 stays O(1) (w22 = 1: -0.25 at
    # every step; per-step loss: its own residual).  One exponent for g rounded g_2 to 0
    # once g_1 passed 2^1074: ∂L/∂b_h[1] came out 0 (one exponent for the sums too), then
    # -80.75 / -85 (per-entry sums only) for the exact -100
    T, y = 400, [0.5, 0.25]
    W = [[10.0, 0.0], [10.0, 0.0 if per_step else 1.0]]
    ys = np.tile(y, (T, 1)) if per_step else np.array(y)
    grads = numeric.bptt(IDENTITY, np.array(W), np.ones((2, 1)), np.zeros(2), np.zeros(2),
                         np.zeros((T, 1)), ys)
    b, g0 = _mp_sums(W, T, y, per_step)
    assert grads.b_h[1] == float(b[1]) == -100.0
    assert grads.h0[1] == float(g0[1])
    assert abs(grads.overflow["b_h"] - float(mp.log10(abs(b[0])))) < 1e-12
    assert abs(grads.overflow["h0"] - float(mp.log10(abs(g0[0])))) < 1e-12


def test_cell_bptt_keeps_each_entry_of_g_beside_an_overflowing_one():
    # the same as an elman cell (numeric.cells.bptt): ∂L/∂bias_ih[1] = -0.25·T = -100 exactly
    T, W = 400, [[10.0, 0.0], [10.0, 1.0]]
    case = numeric.case_from_dict({
        "cell": "elman", "activation": "identity", "weight_hh": W,
        "weight_ih": [[1.0], [1.0]], "h0": [0.0, 0.0], "x": [[0.0]] * T, "y": [0.5, 0.25]})
    grads = case.gradients()
    b, g0 = _mp_sums(W, T, [0.5, 0.25], False)
    assert grads.params["bias_ih"][1] == float(b[1]) == -100.0
    assert grads.state0[1] == float(g0[1])
    assert abs(grads.overflow["bias_ih"] - float(mp.log10(abs(b[0])))) < 1e-12
    assert abs(grads.overflow["state0"] - float(mp.log10(abs(g0[0])))) < 1e-12
