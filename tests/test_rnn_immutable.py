"""Tests for derive.rnn: a spec is immutable, equal specs hash alike and share their unrolled
expressions, long sequences unroll without recursion.

Oracles are independent of the code under test: expected symbols are built by hand with
``sympy.Symbol``, expected values with ``fractions.Fraction`` arithmetic written out here.
"""

from fractions import Fraction

import pytest
import sympy as sp

import derive
from derive.jacobians import pre_activation
from tests.rnn_cases import CASE as _CASE

# ---------------------------------------------------------------------------------------------
# Immutability


def test_rnn_setting_an_attribute_raises():
    rnn = derive.RNN(hidden=2, W_hh=[[1, 0], [0, 1]])
    for name, value in [("W_hh", sp.zeros(2)), ("hidden", 3), ("activation", "relu"),
                        ("T", 5), ("brand_new", 1)]:
        with pytest.raises(AttributeError):
            setattr(rnn, name, value)
    assert rnn.W_hh == sp.eye(2) and rnn.hidden == 2 and rnn.activation.name == "tanh"
    assert rnn.T is None and not hasattr(rnn, "brand_new")


def test_rnn_deleting_an_attribute_raises():
    rnn = derive.RNN(hidden=2, W_hh=[[1, 0], [0, 1]])
    with pytest.raises(AttributeError):
        del rnn.W_hh
    assert rnn.W_hh == sp.eye(2)


def test_rnn_matrices_are_immutable():
    rnn = derive.RNN(hidden=2, W_hh=[[1, 0], [0, 1]])
    with pytest.raises(TypeError):
        rnn.W_hh[0, 0] = 5
    assert rnn.W_hh[0, 0] == 1


def _immutable(value):
    if isinstance(value, tuple):
        return all(_immutable(v) for v in value)
    return value is None or isinstance(value, (int, sp.ImmutableMatrix, derive.Activation))


def test_rnn_holds_no_state_after_computing_derivatives():
    """Nothing is written into a spec: its slots are the same objects, of immutable types,
    before and after every derivative of derive; it has no __dict__ and no cache."""
    rnn = derive.RNN(hidden=2, activation="tanh", **_CASE)
    slots = type(rnn).__slots__
    assert set(slots) == {"hidden", "inputs", "activation", "W_hh", "W_xh", "b_h", "h0", "x",
                          "T", "_hash"}
    before, hashed = {name: getattr(rnn, name) for name in slots}, hash(rnn)
    derive.step_jacobian(rnn, 2)
    derive.step_jacobian(rnn, 3, local=True)
    derive.jacobian_product(rnn, 0, 3, expanded=True)
    derive.bptt_gradient(rnn, 3, y=[0, 1])
    derive.loss(rnn, 2, y=[0, 1])
    derive.data_dependent_bound(rnn, 0, 3)
    derive.derivation(rnn, 2)
    assert not hasattr(rnn, "__dict__") and not hasattr(rnn, "_cache")
    for name in slots:
        assert getattr(rnn, name) is before[name], name
        assert _immutable(before[name]), name
    assert hash(rnn) == hashed


def test_equal_specs_are_equal_and_give_identical_results():
    """Specs built from equal values (floats, Fractions, SymPy Rationals) are equal, hash alike
    and share their unrolled expressions; a spec that differs in any field is not equal."""
    F, Q = Fraction, sp.Rational
    floats = derive.RNN(hidden=2, activation="tanh", **_CASE)
    fractions = derive.RNN(hidden=2, activation=derive.activation("tanh"),
                           W_hh=[[F(1, 2), F(-3, 10)], [F(1, 5), Q(9, 10)]],
                           W_xh=[[1], [F(1, 2)]], b_h=[Q(1, 10), F(-1, 5)],
                           h0=[F(3, 10), F(-1, 10)], x=[[F(1, 5)], [Q(7, 10)], [F(-2, 5)]])
    assert floats is not fractions and floats == fractions and hash(floats) == hash(fractions)
    assert derive.hidden_state(floats, 3) is derive.hidden_state(fractions, 3)
    P = derive.jacobian_product(floats, 0, 3, expanded=True)
    assert P == derive.jacobian_product(fractions, 0, 3, expanded=True)
    G = derive.bptt_gradient(floats, 3, y=[0, 1])
    assert G == derive.bptt_gradient(fractions, 3, y=[0, 1])
    changed = [dict(_CASE, h0=[0.3, 0.1]), dict(_CASE, x=[[0.2], [0.7]]),
               dict(_CASE, b_h=[0.1, 0.2])]
    others = [derive.RNN(hidden=2, activation="relu", **_CASE)] + \
             [derive.RNN(hidden=2, activation="tanh", **case) for case in changed]
    for other in others:
        assert other != floats and floats != other
    assert derive.jacobian_product(others[0], 0, 3, expanded=True) != P
    assert derive.RNN(2) == derive.RNN(2) and derive.RNN(2) != derive.RNN(3)
    assert derive.RNN(2) != derive.RNN(2, inputs=2) and derive.RNN(1) != "RNN(hidden=1)"


def test_unrolled_states_rebuilt_after_eviction_are_equal():
    rnn = derive.RNN(hidden=2, activation="tanh", **_CASE)
    h3, J2 = derive.hidden_state(rnn, 3), derive.step_jacobian(rnn, 2)
    for n in range(1, 80):  # more specs than the cache holds
        derive.hidden_state(derive.RNN(hidden=1, W_hh=[[n]]), 1)
    assert derive.hidden_state(rnn, 3) == h3 and derive.step_jacobian(rnn, 2) == J2


def test_hidden_state_unrolls_long_sequences_without_recursion():
    """h_k = (1/2)^k for h_k = h_{k-1}/2, h_0 = 1, built iteratively (no recursion limit)."""
    rnn = derive.RNN(hidden=1, activation="identity", W_hh=[[0.5]], W_xh=[[0]], b_h=[0],
                     h0=[1], x=[[0]] * 1500)
    assert derive.hidden_state(rnn, 1500) == sp.Matrix([[sp.Rational(1, 2**1500)]])
    assert pre_activation(rnn, 1500) == sp.Matrix([[sp.Rational(1, 2**1500)]])
