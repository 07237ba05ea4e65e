"""Tests for derive.rnn: the symbolic RNN spec (symbols, exact values, validation, a_k).

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


def R(name):
    """A real symbol, as the spec promises every generated symbol to be."""
    return sp.Symbol(name, real=True)


def floats_in(expr):
    """Every Float atom anywhere inside ``expr`` (a SymPy expression or matrix)."""
    if isinstance(expr, sp.MatrixBase):
        return [f for entry in expr for f in floats_in(entry)]
    return [a for a in sp.preorder_traversal(expr) if isinstance(a, sp.Float)]


def column(values):
    return sp.ImmutableMatrix([[sp.Rational(Fraction(v).numerator, Fraction(v).denominator)]
                               for v in values])


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


# ---------------------------------------------------------------------------------------------
# Pre-activation a_1 = W_hh h_0 + W_xh x_1 + b_h


_CASE = dict(W_hh=[[0.5, -0.3], [0.2, 0.9]], W_xh=[[1.0], [0.5]], b_h=[0.1, -0.2],
             h0=[0.3, -0.1], x=[[0.2], [0.7], [-0.4]])


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
