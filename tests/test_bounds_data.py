"""Tests for derive.bounds: the data-dependent bound Π_k max_i |φ'(a_{k,i})| · ‖W_hh‖.

Oracles: numpy.linalg, mpmath at 40 digits (the forward pass, sech², singular values) and closed
forms derived by hand in the comments.
"""

import mpmath
import numpy as np
import pytest
import sympy as sp

import derive
from derive.bounds import data_dependent_bound, norm_bound
from tests.bounds_oracles import mp_sigma_max, to_mpf

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
