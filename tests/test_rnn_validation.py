"""Tests for derive.rnn: bad input is refused with a ValueError naming the argument (and the
shapes where relevant).

Oracles are independent of the code under test: expected symbols are built by hand with
``sympy.Symbol``, expected values with ``fractions.Fraction`` arithmetic written out here.
"""


import numpy as np
import pytest
import sympy as sp

import derive

# ---------------------------------------------------------------------------------------------
# Validation: ValueError naming the argument (and the shapes where relevant)

_BAD = [
    ("W_hh-not-square", dict(hidden=2, W_hh=[[1, 2, 3], [4, 5, 6]]), ["W_hh", "(2, 2)", "(2, 3)"]),
    ("W_hh-3x2", dict(hidden=2, W_hh=[[1, 2], [3, 4], [5, 6]]), ["W_hh", "(2, 2)", "(3, 2)"]),
    ("W_hh-ragged", dict(hidden=2, W_hh=[[1, 2], [3]]), ["W_hh", "(2, 2)", "ragged"]),
    ("W_hh-3d", dict(hidden=2, W_hh=[[[1], [2]], [[3], [4]]]), ["W_hh", "(2, 2)"]),
    ("W_hh-scalar-for-n2", dict(hidden=2, W_hh=0), ["W_hh", "(2, 2)", "scalar"]),
    ("W_xh-inputs2", dict(hidden=2, inputs=2, W_xh=[[1], [2]]), ["W_xh", "(2, 2)", "(2, 1)"]),
    ("W_xh-inputs3", dict(hidden=2, inputs=3, W_xh=[[1, 2], [3, 4]]),
     ["W_xh", "(2, 3)", "(2, 2)", "inputs=3"]),
    ("b_h-long", dict(hidden=2, b_h=[1, 2, 3]), ["b_h", "(2, 1)", "(3, 1)"]),
    ("b_h-row", dict(hidden=2, b_h=[[1, 2]]), ["b_h", "(2, 1)", "(1, 2)"]),
    ("b_h-float-scalar-for-n2", dict(hidden=2, b_h=0.5), ["b_h", "(2, 1)"]),
    ("h0-short", dict(hidden=2, h0=[0.5]), ["h0", "(2, 1)", "(1, 1)"]),
    ("h0-long", dict(hidden=1, h0=[0.5, 0.5]), ["h0", "(1, 1)", "(2, 1)"]),
    ("x-width", dict(hidden=2, inputs=2, x=[[1], [2]]), ["x must", "inputs=2", "(2, 1)"]),
    ("x-width-m1", dict(hidden=2, x=[[1, 2]]), ["x must", "(1, 2)"]),
    ("x-ragged", dict(hidden=2, inputs=2, x=[[1, 2], [3]]), ["x must", "ragged"]),
    ("x-empty", dict(hidden=2, x=[]), ["x must", "non-empty"]),
    ("x-empty-array", dict(hidden=2, x=np.zeros((0, 1))), ["x must", "non-empty"]),
    ("hidden-0", dict(hidden=0), ["hidden", "0"]),
    ("hidden-negative", dict(hidden=-3), ["hidden", "-3"]),
    ("hidden-float", dict(hidden=2.0), ["hidden", "2.0"]),
    ("hidden-bool", dict(hidden=True), ["hidden", "True"]),
    ("hidden-str", dict(hidden="2"), ["hidden"]),
    ("inputs-0", dict(hidden=2, inputs=0), ["inputs", "0"]),
    ("inputs-float", dict(hidden=2, inputs=1.0), ["inputs", "1.0"]),
    ("nan-float", dict(hidden=2, W_hh=[[1, 2], [3, float("nan")]]), ["W_hh[1][1]", "nan"]),
    ("nan-numpy", dict(hidden=2, W_hh=np.array([[1.0, np.nan], [0.0, 1.0]])), ["W_hh[0][1]"]),
    ("nan-sympy", dict(hidden=2, b_h=[0, sp.nan]), ["b_h[1][0]", "nan"]),
    ("inf-float", dict(hidden=1, x=[[0.0], [float("inf")]]), ["x[1][0]", "inf"]),
    ("inf-sympy", dict(hidden=2, h0=[sp.oo, 0]), ["h0[0][0]", "oo"]),
    ("minus-inf-sympy", dict(hidden=1, W_xh=[[-sp.oo]]), ["W_xh[0][0]"]),
    ("zoo-sympy", dict(hidden=1, W_hh=[[sp.zoo]]), ["W_hh[0][0]"]),
    ("string", dict(hidden=1, W_hh=[["0.5"]]), ["W_hh[0][0]", "'0.5'"]),
    ("string-in-x", dict(hidden=1, x=[["1"]]), ["x[0][0]", "str"]),
    ("bool", dict(hidden=2, W_hh=[[True, 0], [0, 1]]), ["W_hh[0][0]", "bool"]),
    ("numpy-bool", dict(hidden=1, b_h=[np.True_]), ["b_h[0][0]"]),
    ("complex", dict(hidden=1, W_hh=[[1j]]), ["W_hh[0][0]", "complex"]),
    ("complex-numpy", dict(hidden=1, h0=np.array([1 + 2j])), ["h0[0][0]"]),
    ("complex-sympy-I", dict(hidden=1, b_h=[sp.I]), ["b_h[0][0]", "real"]),
    ("complex-sympy-expr", dict(hidden=1, W_hh=[[1 + 2 * sp.I]]), ["W_hh[0][0]", "real"]),
    ("imaginary-symbol", dict(hidden=1, W_hh=[[sp.Symbol("q", imaginary=True)]]), ["W_hh"]),
    ("none-entry", dict(hidden=1, W_hh=[[None]]), ["W_hh[0][0]"]),
    ("activation-unknown", dict(hidden=1, activation="tahn"),
     ["activation", "'tahn'", "tanh", "sigmoid", "identity"]),
    ("activation-case", dict(hidden=1, activation="Tanh"), ["activation", "tanh"]),
    ("activation-int", dict(hidden=1, activation=3), ["activation", "int"]),
    ("activation-none", dict(hidden=1, activation=None), ["activation", "NoneType"]),
    ("activation-sympy-function", dict(hidden=1, activation=sp.tanh), ["activation"]),
]


@pytest.mark.parametrize("kwargs, fragments", [case[1:] for case in _BAD],
                         ids=[case[0] for case in _BAD])
def test_rnn_rejects_bad_input_with_named_value_error(kwargs, fragments):
    with pytest.raises(ValueError) as info:
        derive.RNN(**kwargs)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from {message!r}"
