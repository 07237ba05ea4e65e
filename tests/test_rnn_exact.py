"""Tests for derive.rnn: given values become exact (never a Float), and the pre-activation
a_k = W_hh h_{k-1} + W_xh x_k + b_h.

Oracles are independent of the code under test: expected symbols are built by hand with
``sympy.Symbol``, expected values with ``fractions.Fraction`` arithmetic written out here.
"""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

import derive
from derive.jacobians import hidden_state, pre_activation
from tests.rnn_cases import CASE as _CASE
from tests.rnn_cases import R, column, floats_in

# ---------------------------------------------------------------------------------------------
# Exact values where given


@pytest.mark.parametrize(
    "given, expected",
    [
        (0.5, sp.Rational(1, 2)),
        (0.1, sp.Rational(1, 10)),
        (-0.3, sp.Rational(-3, 10)),
        (2.5e-3, sp.Rational(1, 400)),
        (1e20, sp.Integer(10) ** 20),
        (3, sp.Integer(3)),
        (-7, sp.Integer(-7)),
        (Fraction(1, 3), sp.Rational(1, 3)),
        (Fraction(-22, 7), sp.Rational(-22, 7)),
        (sp.Rational(5, 9), sp.Rational(5, 9)),
        (sp.Float("0.25"), sp.Rational(1, 4)),
        (sp.Float("0.1", 30), sp.Rational(1, 10)),
        (sp.sqrt(2), sp.sqrt(2)),
        (sp.pi / 4, sp.pi / 4),
        (np.float64(0.1), sp.Rational(1, 10)),
        (np.float64(-1.75), sp.Rational(-7, 4)),
        (np.int64(12), sp.Integer(12)),
    ],
    ids=lambda v: repr(v),
)
def test_rnn_entries_become_exact(given, expected):
    rnn = derive.RNN(hidden=1, W_hh=[[given]], W_xh=[[given]], b_h=[given], h0=[given],
                     x=[[given]])
    for mat in (rnn.W_hh, rnn.W_xh, rnn.b_h, rnn.h0, rnn.input_at(1)):
        (entry,) = list(mat)
        assert isinstance(entry, sp.Expr)
        assert sp.simplify(entry - expected) == 0
        assert entry == expected
        assert floats_in(entry) == []


def test_rnn_float_matrices_have_no_float_atoms():
    W = [[0.1, 0.2, 0.3], [0.7, -0.45, 1e-3], [3.0, 2.5, -0.125]]
    rnn = derive.RNN(hidden=3, inputs=2, W_hh=W, W_xh=[[0.1, 0.9]] * 3, b_h=[0.1, 0.2, 0.3],
                     h0=[-0.6, 0.0, 0.05], x=[[0.2, 0.3], [0.7, -0.1]])
    mats = [rnn.W_hh, rnn.W_xh, rnn.b_h, rnn.h0, *rnn.x]
    assert [f for m in mats for f in floats_in(m)] == []
    for i in range(3):
        for j in range(3):
            expected = Fraction(repr(W[i][j]))  # the decimal the user typed
            assert rnn.W_hh[i, j] == sp.Rational(expected.numerator, expected.denominator)
    assert rnn.W_hh[0, 0] + rnn.W_hh[0, 1] == rnn.W_hh[0, 2]  # 1/10 + 2/10 = 3/10 exactly
    assert rnn.input_at(2) == sp.Matrix([[sp.Rational(7, 10)], [sp.Rational(-1, 10)]])


def test_rnn_float_inside_sympy_expression_becomes_exact():
    # "never a Float anywhere in the matrix": a SymPy expression that carries a decimal
    # (0.5*sqrt(2)) must not smuggle the Float in.
    rnn = derive.RNN(hidden=1, W_hh=[[sp.Float("0.5") * sp.sqrt(2)]])
    assert floats_in(rnn.W_hh) == []
    assert rnn.W_hh[0] == sp.sqrt(2) / 2


def test_rnn_numpy_arrays_become_exact():
    rnn = derive.RNN(hidden=2, inputs=2,
                     W_hh=np.array([[0.5, -0.3], [0.2, 0.9]]),
                     W_xh=np.array([[1.0, 0.0], [0.5, 0.25]]),
                     b_h=np.array([0.1, -0.2]),
                     h0=np.array([[0.3], [-0.1]]),
                     x=np.array([[0.2, 0.4], [0.7, -1.5], [-0.4, 0.0]]))
    half, tenth = sp.Rational(1, 2), sp.Rational(1, 10)
    assert rnn.W_hh == sp.Matrix([[half, -3 * tenth], [2 * tenth, 9 * tenth]])
    assert rnn.W_xh == sp.Matrix([[1, 0], [half, sp.Rational(1, 4)]])
    assert rnn.b_h == column(["0.1", "-0.2"])
    assert rnn.h0 == column(["0.3", "-0.1"])
    assert rnn.T == 3
    assert rnn.input_at(2) == column(["0.7", "-1.5"])
    assert rnn.input_at(3) == column(["-0.4", "0"])
    mats = [rnn.W_hh, rnn.W_xh, rnn.b_h, rnn.h0, *rnn.x]
    assert [f for m in mats for f in floats_in(m)] == []


@pytest.mark.parametrize("value, expected", [(0, 0), (0.5, sp.Rational(1, 2)), (-2, -2),
                                             (Fraction(3, 4), sp.Rational(3, 4))])
def test_rnn_scalar_value_for_hidden_one(value, expected):
    # A bare number for a 1×1 parameter is accepted (the spec builds [[value]] for it): the
    # value 0 is, so every other number must be too.
    rnn = derive.RNN(hidden=1, W_hh=value, b_h=value, h0=value)
    assert rnn.W_hh == sp.Matrix([[expected]])
    assert rnn.b_h == sp.Matrix([[expected]])
    assert rnn.h0 == sp.Matrix([[expected]])


# ---------------------------------------------------------------------------------------------
# Pre-activation a_1 = W_hh h_0 + W_xh x_1 + b_h


def _hand_step():
    """a = W h + U x + b of _CASE written out with Fractions."""
    F = Fraction
    W = [[F("0.5"), F("-0.3")], [F("0.2"), F("0.9")]]
    U = [F("1.0"), F("0.5")]
    b = [F("0.1"), F("-0.2")]

    def step(h, x):
        return [W[i][0] * h[0] + W[i][1] * h[1] + U[i] * x + b[i] for i in range(2)]

    return step


def test_rnn_pre_activation_a1_matches_hand_computation():
    rnn = derive.RNN(hidden=2, activation="tanh", **_CASE)
    a1 = pre_activation(rnn, 1)
    # 0.5*0.3 + (-0.3)(-0.1) + 1.0*0.2 + 0.1 = 0.48;  0.2*0.3 + 0.9*(-0.1) + 0.5*0.2 - 0.2 = -0.13
    assert a1 == sp.Matrix([[sp.Rational(12, 25)], [sp.Rational(-13, 100)]])
    step = _hand_step()
    expected = step([Fraction("0.3"), Fraction("-0.1")], Fraction("0.2"))
    assert expected == [Fraction(12, 25), Fraction(-13, 100)]
    assert list(a1) == [sp.Rational(e.numerator, e.denominator) for e in expected]
    assert all(isinstance(v, sp.Rational) for v in a1)


def test_rnn_pre_activation_identity_unrolls_exactly():
    rnn = derive.RNN(hidden=2, activation="identity", **_CASE)
    step = _hand_step()
    h = [Fraction("0.3"), Fraction("-0.1")]
    for k, x in enumerate([Fraction("0.2"), Fraction("0.7"), Fraction("-0.4")], start=1):
        h = step(h, x)  # identity: h_k = a_k
        assert list(pre_activation(rnn, k)) == [sp.Rational(v.numerator, v.denominator)
                                                for v in h]
    assert list(hidden_state(rnn, 3)) == [sp.Rational(v.numerator, v.denominator) for v in h]


def test_rnn_pre_activation_a2_tanh_matches_mpmath():
    rnn = derive.RNN(hidden=2, activation="tanh", **_CASE)
    a2 = pre_activation(rnn, 2)
    with mpmath.workdps(40):
        m = mpmath.mpf
        h1 = [mpmath.tanh(m(12) / 25), mpmath.tanh(m(-13) / 100)]
        expected = [m(1) / 2 * h1[0] - m(3) / 10 * h1[1] + m(7) / 10 + m(1) / 10,
                    m(1) / 5 * h1[0] + m(9) / 10 * h1[1] + m(1) / 2 * m(7) / 10 - m(1) / 5]
        for got, want in zip(a2, expected, strict=True):
            assert abs(mpmath.mpf(str(sp.N(got, 35))) - want) < m(10) ** -30


def test_rnn_pre_activation_symbolic_scalar():
    rnn = derive.RNN(hidden=1, activation="tanh")
    w, u, b, h0, x1 = R("w"), R("u"), R("b"), R("h_0"), R("x_1")
    assert sp.expand(pre_activation(rnn, 1)[0] - (w * h0 + u * x1 + b)) == 0
    x2 = R("x_2")
    assert sp.expand(pre_activation(rnn, 2)[0]
                     - (w * sp.tanh(w * h0 + u * x1 + b) + u * x2 + b)) == 0
