"""Tests for derive.bounds: the norm bound (γ ‖W_hh‖)^steps.

Oracles: numpy.linalg and closed forms derived by hand in the comments.
"""

import numpy as np
import pytest
import sympy as sp

import derive
from derive.bounds import norm_bound
from tests.bounds_oracles import close, floats_in, to_float

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
