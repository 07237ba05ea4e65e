"""The bound of a product of zero step Jacobians is the norm of the identity I_n in that norm:
√n for Frobenius, 1 for the spectral, 1 and inf norms (issue 14, item 2); for steps ≥ 1 the
Frobenius bound (γ‖W_hh‖_F)^steps holds (‖D W‖_F ≤ ‖D‖₂‖W‖_F, F submultiplicative).

Oracle: numpy.linalg.norm of the actual product (the identity at zero steps; for steps ≥ 1 the
product of the step Jacobians D_k W_hh, D_k evaluated by a hand-written tanh loop).
"""

import numpy as np
import pytest

import derive
from derive.bounds import data_dependent_bound, norm_bound
from tests.bounds_oracles import to_float

NUMPY_ORD = {"spectral": 2, "frobenius": "fro", "1": 1, "inf": np.inf}
W = [[0.5, -0.3, 0.1], [0.2, 0.9, 0.0], [0.0, 0.4, -0.7]]
CASE = dict(W_hh=W, W_xh=[[0.3], [-0.2], [0.5]], b_h=[[0.1], [0], [-0.1]],
            h0=[[0.2], [-0.4], [0.6]], x=[[1], [-0.5], [2]])


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("norm", sorted(NUMPY_ORD))
def test_norm_bound_zero_steps_is_norm_of_identity(n, norm):
    rnn = derive.RNN(hidden=n, activation="tanh", W_hh=np.eye(n).tolist())
    true = np.linalg.norm(np.eye(n), NUMPY_ORD[norm])
    assert to_float(norm_bound(rnn, 0, norm)) == pytest.approx(true, rel=1e-15)


@pytest.mark.parametrize("norm", sorted(NUMPY_ORD))
def test_data_dependent_bound_zero_steps_is_norm_of_identity(norm):
    rnn = derive.RNN(hidden=3, inputs=1, activation="tanh", **CASE)
    true = np.linalg.norm(np.eye(3), NUMPY_ORD[norm])  # ∂h_i/∂h_i = I_3
    for i in (0, 2, 3):
        assert to_float(data_dependent_bound(rnn, i, i, norm)) == pytest.approx(true, rel=1e-15)


def _product(i, j):
    """J_j ⋯ J_{i+1} for CASE, by a hand-written loop (tanh' = 1 − tanh²)."""
    Wm, U, b = np.array(W), np.array(CASE["W_xh"], float), np.array(CASE["b_h"], float)
    h, P = np.array(CASE["h0"], float), np.eye(3)
    for k in range(1, j + 1):
        a = Wm @ h + U * CASE["x"][k - 1][0] + b
        h = np.tanh(a)
        if k > i:
            P = np.diag(1 - np.tanh(a).ravel() ** 2) @ Wm @ P
    return P


@pytest.mark.parametrize("norm", sorted(NUMPY_ORD))
def test_bounds_hold_for_every_span_in_every_norm(norm):
    rnn = derive.RNN(hidden=3, inputs=1, activation="tanh", **CASE)
    for i in range(4):
        for j in range(i, 4):
            true = np.linalg.norm(_product(i, j), NUMPY_ORD[norm])
            data = to_float(data_dependent_bound(rnn, i, j, norm))
            worst = to_float(norm_bound(rnn, j - i, norm))
            assert true <= data * (1 + 1e-12) and data <= worst * (1 + 1e-12), (i, j)
