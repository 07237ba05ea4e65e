"""Tests for derive.rnn: the symbols of a spec where no values are given, the inputs x and
the activation argument.

Oracles are independent of the code under test: expected symbols are built by hand with
``sympy.Symbol``, expected values with ``fractions.Fraction`` arithmetic written out here.
"""

from fractions import Fraction

import pytest
import sympy as sp

import derive
from tests.rnn_cases import R

# ---------------------------------------------------------------------------------------------
# Symbols where no values are given


def test_rnn_scalar_symbols_are_named_and_real():
    rnn = derive.RNN(hidden=1)
    assert rnn.hidden == 1 and rnn.inputs == 1
    assert rnn.W_hh == sp.Matrix([[R("w")]])
    assert rnn.W_xh == sp.Matrix([[R("u")]])
    assert rnn.b_h == sp.Matrix([[R("b")]])
    assert rnn.h0 == sp.Matrix([[R("h_0")]])
    assert rnn.x is None and rnn.T is None
    assert rnn.input_at(3) == sp.Matrix([[R("x_3")]])
    for mat in (rnn.W_hh, rnn.W_xh, rnn.b_h, rnn.h0, rnn.input_at(1)):
        (entry,) = list(mat)
        assert entry.is_Symbol and entry.is_real is True


def test_rnn_matrix_symbols_are_named_and_real():
    rnn = derive.RNN(hidden=2, inputs=3)
    assert rnn.W_hh == sp.Matrix([[R("w_11"), R("w_12")], [R("w_21"), R("w_22")]])
    assert rnn.W_xh == sp.Matrix([[R("u_11"), R("u_12"), R("u_13")],
                                  [R("u_21"), R("u_22"), R("u_23")]])
    assert rnn.b_h == sp.Matrix([[R("b_1")], [R("b_2")]])
    assert rnn.h0 == sp.Matrix([[R("h_0,1")], [R("h_0,2")]])
    assert rnn.input_at(2) == sp.Matrix([[R("x_2,1")], [R("x_2,2")], [R("x_2,3")]])
    assert rnn.W_hh.shape == (2, 2) and rnn.W_xh.shape == (2, 3)
    assert rnn.b_h.shape == (2, 1) and rnn.h0.shape == (2, 1)
    expected = {R(n) for n in ("w_11", "w_12", "w_21", "w_22", "u_11", "u_12", "u_13", "u_21",
                               "u_22", "u_23", "b_1", "b_2", "h_0,1", "h_0,2")}
    assert set(rnn.parameters()) == expected
    assert all(s.is_real is True for s in rnn.parameters())


def test_rnn_single_input_symbols_are_x_k():
    rnn = derive.RNN(hidden=2, inputs=1)
    assert rnn.W_xh == sp.Matrix([[R("u_1")], [R("u_2")]])
    assert rnn.input_at(7) == sp.Matrix([[R("x_7")]])


def test_rnn_given_and_symbolic_parameters_mix():
    rnn = derive.RNN(hidden=2, W_hh=[[1, 0], [0, 1]])
    assert rnn.W_hh == sp.eye(2)
    assert rnn.W_hh.free_symbols == set()
    assert rnn.b_h == sp.Matrix([[R("b_1")], [R("b_2")]])
    assert rnn.h0 == sp.Matrix([[R("h_0,1")], [R("h_0,2")]])


# ---------------------------------------------------------------------------------------------
# Inputs x


def test_rnn_x_given_sets_T_and_input_at_returns_columns():
    rnn = derive.RNN(hidden=2, x=[[0.2], [0.7], [-0.4]])
    assert rnn.T == 3
    assert len(rnn.x) == 3
    assert rnn.input_at(1) == sp.Matrix([[sp.Rational(1, 5)]])
    assert rnn.input_at(2) == sp.Matrix([[sp.Rational(7, 10)]])
    assert rnn.input_at(3) == sp.Matrix([[sp.Rational(-2, 5)]])
    assert rnn.input_at(3).shape == (1, 1)
    with pytest.raises(ValueError, match="T = 3"):
        rnn.input_at(4)
    with pytest.raises(ValueError, match="k"):
        rnn.input_at(0)


def test_rnn_flat_x_for_single_input():
    rnn = derive.RNN(hidden=1, x=[1, 0.5, Fraction(1, 3), 2])
    assert rnn.T == 4
    assert [rnn.input_at(k)[0] for k in range(1, 5)] == [1, sp.Rational(1, 2),
                                                         sp.Rational(1, 3), 2]


def test_rnn_x_with_several_inputs_gives_m_by_1_columns():
    rnn = derive.RNN(hidden=1, inputs=3, x=[[1, 2, 3], [0.5, 0.25, -1]])
    assert rnn.T == 2
    assert rnn.input_at(1) == sp.Matrix([[1], [2], [3]])
    assert rnn.input_at(2) == sp.Matrix([[sp.Rational(1, 2)], [sp.Rational(1, 4)], [-1]])


def test_rnn_x_none_has_no_length_and_symbolic_inputs():
    rnn = derive.RNN(hidden=2, inputs=2)
    assert rnn.T is None and rnn.x is None
    assert rnn.input_at(100) == sp.Matrix([[R("x_100,1")], [R("x_100,2")]])


# ---------------------------------------------------------------------------------------------
# Activation argument


def test_rnn_accepts_activation_object():
    act = derive.activation("leaky_relu", alpha=0.2)
    rnn = derive.RNN(hidden=2, activation=act)
    assert rnn.activation is act
    # leaky_relu with alpha = 1/5, by hand: φ(-1) = -1/5, φ(3) = 3, φ'(-2) = 1/5
    assert rnn.activation.at(sp.Integer(-1)) == sp.Rational(-1, 5)
    assert rnn.activation.at(sp.Integer(3)) == 3
    assert rnn.activation.derivative_at(sp.Integer(-2)) == sp.Rational(1, 5)
    default = derive.RNN(hidden=2, activation="leaky_relu")
    assert default.activation.at(sp.Integer(-1)) == sp.Rational(-1, 100)


def test_rnn_activation_by_name():
    rnn = derive.RNN(hidden=1, activation="sigmoid")
    assert rnn.activation.name == "sigmoid"
    assert rnn.activation.at(sp.Integer(0)) == sp.Rational(1, 2)
