"""derive's step Jacobians, products and BPTT gradients for cells, against step maps written out
by hand here (sympy.tanh, 1/(1 + exp(−z))), derive.RNN, numeric.cells in float64 and central
differences of the exact loss in mpmath."""

import random
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from conftest import mp_values

import derive
import numeric
from derive.cells.calculus import loss


def sigma(z):
    return 1 / (1 + sp.exp(-z))


def blocks(M, n, count):
    return [M[b * n:(b + 1) * n, :] for b in range(count)]


def hand_lstm(cell, s, x):
    """nn.LSTMCell's equations, gates i, f, g, o stacked in rows."""
    n = cell.hidden
    h, c = s[:n, :], s[n:, :]
    pre = (cell.parameter("weight_ih") * x + cell.parameter("bias_ih")
           + cell.parameter("weight_hh") * h + cell.parameter("bias_hh"))
    i, f, g, o = blocks(pre, n, 4)
    i, f, o = i.applyfunc(sigma), f.applyfunc(sigma), o.applyfunc(sigma)
    g = g.applyfunc(sp.tanh)
    c_new = f.multiply_elementwise(c) + i.multiply_elementwise(g)
    return sp.Matrix.vstack(o.multiply_elementwise(c_new.applyfunc(sp.tanh)), c_new)


def hand_gru(cell, s, x):
    """nn.GRUCell's equations, gates r, z, n stacked in rows."""
    n = cell.hidden
    gi = cell.parameter("weight_ih") * x + cell.parameter("bias_ih")
    gh = cell.parameter("weight_hh") * s + cell.parameter("bias_hh")
    (ir, iz, i_n), (hr, hz, hn) = blocks(gi, n, 3), blocks(gh, n, 3)
    r, z = (ir + hr).applyfunc(sigma), (iz + hz).applyfunc(sigma)
    new = (i_n + r.multiply_elementwise(hn)).applyfunc(sp.tanh)
    return (sp.ones(n, 1) - z).multiply_elementwise(new) + z.multiply_elementwise(s)


def hand_indrnn(cell, s, x):
    a = cell.parameter("weight_ih") * x + cell.parameter("bias") \
        + cell.parameter("u").multiply_elementwise(s)
    return a.applyfunc(sp.tanh)


def random_point(symbols, rng):
    return {s: sp.Rational(rng.randint(-90, 90), 100) for s in symbols}


def assert_equal_at_points(A, B, points=3, seed=0):
    """A == B at random rational points, to 40 digits with mpmath."""
    rng = random.Random(seed)
    symbols = sorted(A.free_symbols | B.free_symbols, key=str)
    for _ in range(points):
        at = random_point(symbols, rng)
        for a, b in zip(A, B, strict=True):
            diff = (a - b).xreplace(at).evalf(45)
            assert abs(diff) < sp.Float("1e-40"), (a, b, diff)


@pytest.mark.parametrize("n", [1, 2])
def test_lstm_step_jacobian_equals_jacobian_of_hand_written_map(n):
    cell = derive.cell("lstm", n)
    s, x = derive.state_symbols(cell, 0), cell.input_at(1)
    hand = hand_lstm(cell, s, x).jacobian(s)
    derived = derive.step_jacobian(cell, 1, local=True)
    assert derived.shape == (2 * n, 2 * n)
    if n == 1:
        assert all(sp.simplify(d - h) == 0 for d, h in zip(derived, hand, strict=True))
    else:
        assert_equal_at_points(derived, hand)


@pytest.mark.parametrize("n", [1, 2])
def test_gru_step_jacobian_equals_jacobian_of_hand_written_map(n):
    cell = derive.cell("gru", n)
    s, x = derive.state_symbols(cell, 0), cell.input_at(1)
    assert_equal_at_points(derive.step_jacobian(cell, 1, local=True),
                           hand_gru(cell, s, x).jacobian(s))


def test_indrnn_step_jacobian_is_the_hand_written_diagonal():
    cell = derive.cell("indrnn", 2, inputs=2)
    s, x = derive.state_symbols(cell, 0), cell.input_at(1)
    derived = derive.step_jacobian(cell, 1, local=True)
    assert sp.simplify(derived - hand_indrnn(cell, s, x).jacobian(s)) == sp.zeros(2, 2)
    assert derived[0, 1] == 0 and derived[1, 0] == 0


def test_elman_cell_equals_derive_rnn():
    W, U, b1, b2 = [[Fraction(1, 2), Fraction(-3, 10)], [Fraction(1, 5), Fraction(9, 10)]], \
        [[1], [Fraction(1, 2)]], [Fraction(1, 10), 0], [0, Fraction(-1, 5)]
    h0, x = [Fraction(3, 10), Fraction(-1, 10)], [[Fraction(1, 5)], [Fraction(7, 10)]]
    cell = derive.cell("elman", 2, weight_hh=W, weight_ih=U, bias_ih=b1, bias_hh=b2,
                       state0=h0, x=x)
    rnn = derive.RNN(2, W_hh=W, W_xh=U, b_h=[b1[0] + b2[0], b1[1] + b2[1]], h0=h0, x=x)
    for k in (1, 2):
        assert_same_numbers(derive.step_jacobian(cell, k), derive.step_jacobian(rnn, k))
    grads = derive.bptt_gradient(cell, 2, y=[0, Fraction(1, 2)])
    assert_same_numbers(grads["weight_hh"], derive.bptt_gradient(rnn, 2, y=[0, Fraction(1, 2)]))


def assert_same_numbers(A, B, dps=50):
    """Two exact matrices of numbers agree to ``dps`` − 10 digits (mpmath)."""
    for a, b in zip(mp_values(A, dps=dps), mp_values(B, dps=dps), strict=True):
        assert abs(a - b) <= 10 ** -(dps - 10) * max(1, abs(b)), (a, b)


def test_gate_form_keeps_sigma_and_its_derivative():
    cell = derive.cell("lstm", 1)
    J = derive.step_jacobian(cell, 1, local=True, gate_form=True)
    assert J[1, 1].has(derive.gate(derive.activation("sigmoid")))
    assert sp.simplify(derive.explicit(J) - derive.step_jacobian(cell, 1, local=True)) \
        == sp.zeros(2, 2)
    with pytest.raises(TypeError, match="gate_form"):
        derive.step_jacobian(derive.RNN(1), 1, gate_form=True)


def random_case(name, n, m, T, seed):
    """Rational weights (exact for derive) and the same values as float64 for numeric."""
    rng = random.Random(seed)
    kind = derive.cell_kind(name)
    params = {}
    for p in kind.parameters:
        rows, cols = p.shape(n, m)
        params[p.name] = [[Fraction(rng.randint(-80, 80), 100) for _ in range(cols)]
                          for _ in range(rows)]
    S = len(kind.state) * n
    s0 = [Fraction(rng.randint(-50, 50), 100) for _ in range(S)]
    x = [[Fraction(rng.randint(-100, 100), 100) for _ in range(m)] for _ in range(T)]
    act = "tanh" if kind.takes_activation else None
    exact = {k: (v if k.startswith("weight") else [r[0] for r in v]) for k, v in params.items()}
    cell = derive.cell(name, n, m, activation=act, state0=s0, x=x, **exact)
    floats = {k: np.array(v, dtype=float) for k, v in exact.items()}
    return cell, floats, np.array(s0, dtype=float), np.array(x, dtype=float)


def as_array(M):
    """An exact matrix in float64 through mpmath at 30 digits (lambdify with cse)."""
    return np.array([float(v) for v in mp_values(M, dps=30)]).reshape(M.shape)


@pytest.mark.parametrize("name,n", [("lstm", 1), ("gru", 2), ("indrnn", 2), ("elman", 2)])
def test_expanded_product_and_gradients_match_numeric_cells(name, n):
    T = 3 if name in ("indrnn", "elman") else 2
    cell, params, s0, x = random_case(name, n, 1, T, seed=n)
    act = cell.activation
    path = numeric.cell_forward(cell.kind, act, params, s0, x)
    P = numeric.cell_jacobian_product(cell.kind, act, params, path).value
    np.testing.assert_allclose(as_array(derive.jacobian_product(cell, 0, T, expanded=True)), P,
                               rtol=1e-12, atol=1e-14)
    y = np.linspace(-0.5, 0.5, n)
    grads = derive.bptt_gradient(cell, T, y=[Fraction(v).limit_denominator() for v in y])
    reference = numeric.cell_bptt(cell.kind, act, params, s0, x, y)
    for key, value in reference.params.items():
        np.testing.assert_allclose(as_array(grads[key]).reshape(value.shape), value,
                                   rtol=1e-12, atol=1e-14, err_msg=key)
    state0 = np.concatenate([as_array(grads[f"{p}0"])[:, 0] for p in cell.kind.state])
    np.testing.assert_allclose(state0, reference.state0, rtol=1e-12, atol=1e-14)


def test_bptt_gradient_matches_central_differences_of_the_exact_loss():
    """∂L/∂θ of an LSTM against (L(θ + δ) − L(θ − δ)) / 2δ, δ = 10^-20, in 60 digits; only
    the two compared entries of the derived gradients are evaluated."""
    cell, *_ = random_case("lstm", 2, 1, 2, seed=7)
    y = [Fraction(1, 4), Fraction(-1, 2)]
    grads = derive.bptt_gradient(cell, 2, y=y)
    delta = sp.Rational(1, 10**20)
    for name, row, col in (("weight_hh", 3, 1), ("bias_ih", 5, 0)):
        def loss_at(shift, name=name, row=row, col=col):
            values = {p: [list(r) for r in v.tolist()] for p, v in cell.parameters}
            values[name][row][col] += shift
            values = {p: (v if p.startswith("weight") else [r[0] for r in v])
                      for p, v in values.items()}
            moved = derive.cell("lstm", 2, state0=list(cell.state0),
                                x=[list(x_k) for x_k in cell.x], **values)
            return mp_values(sp.Matrix([loss(moved, 2, y)]), dps=60)[0]
        # the entry alone: evaluating all 16 of ∂L/∂weight_hh took a third of this test's time
        derived = mp_values(sp.Matrix([grads[name][row, col]]), dps=60)[0]
        with mpmath.workdps(60):
            fd = (loss_at(delta) - loss_at(-delta)) * 10**20 / 2
            assert abs(derived - fd) < mpmath.mpf("1e-30"), (name, derived, fd)


def test_bptt_gradient_equals_diff_of_unrolled_loss_exactly():
    cell = derive.cell("indrnn", 1, activation="identity")
    grads = derive.bptt_gradient(cell, 2)
    L = loss(cell, 2)
    for name, symbol in (("u", sp.Symbol("u", real=True)), ("bias", sp.Symbol("b", real=True))):
        assert sp.expand(grads[name][0] - sp.diff(L, symbol)) == 0
    assert sp.expand(grads["h0"][0] - sp.diff(L, sp.Symbol("h_0", real=True))) == 0


def test_structured_product_any_size():
    cell = derive.cell("lstm", 3)
    P = derive.jacobian_product(cell, 0, 3)
    assert P.shape == (6, 6) and [a.name for a in P.args] == ["J_3", "J_2", "J_1"]
    assert derive.jacobian_product(cell, 2, 2) == sp.Identity(6)
    with pytest.raises(ValueError, match="i <= j"):
        derive.jacobian_product(cell, 3, 1)


def test_expanded_forms_refuse_past_the_limit_and_name_the_numeric_path():
    cell = derive.cell("lstm", 2)
    with pytest.raises(derive.ExpressionTooLarge, match="numeric.cell_jacobian_product"):
        derive.jacobian_product(cell, 0, 3, expanded=True)
    small, *_ = random_case("gru", 1, 1, 3, seed=1)
    with pytest.raises(derive.ExpressionTooLarge, match="numeric.cell_bptt"):
        derive.bptt_gradient(small, 3, y=[0], max_operations=50)


def test_unrolled_states_leave_the_frozen_cell_alone():
    cell = derive.cell("gru", 1, x=[[1], [2]])
    before = dict(vars(cell))
    first = derive.step_jacobian(cell, 2)
    assert derive.step_jacobian(cell, 2) == first and dict(vars(cell)) == before
    with pytest.raises(ValueError, match="past the last step"):
        derive.step_jacobian(cell, 3)


def test_concrete_expanded_product_is_simplified_and_equals_the_symbolic_one_at_the_numbers():
    """Numbers combine when they go in (no + 0, 1·, ·1 in the LaTeX); the result equals the
    product of the symbolic cell with the same numbers substituted, to 1e-30 at 40 digits."""
    values = dict(weight_ih=[[Fraction(1, 10)], [Fraction(2, 10)], [Fraction(3, 10)], [1]],
                  weight_hh=[[Fraction(1, 2)], [Fraction(-1, 2)], [0], [1]],
                  bias_ih=[0, 1, Fraction(1, 4), 0], bias_hh=[0, 0, 0, -1])
    x, s0 = [[1], [2]], [Fraction(1, 2), Fraction(-1, 4)]
    concrete = derive.cell("lstm", 1, x=x, state0=s0, **values)
    P = derive.jacobian_product(concrete, 0, 2, expanded=True)
    text = sp.latex(P)
    assert not P.free_symbols and all(t not in text for t in ("+ 0", r"1 \cdot", r"\cdot 1"))
    symbolic = derive.cell("lstm", 1, x=x)
    subs = {a: b for (_, A), (_, B) in zip(symbolic.parameters, concrete.parameters,
                                           strict=True) for a, b in zip(A, B, strict=True)}
    subs.update(zip(symbolic.state0, concrete.state0, strict=True))
    reference = mp_values(derive.jacobian_product(symbolic, 0, 2, expanded=True), subs, dps=40)
    with mpmath.workdps(40):
        for a, b in zip(mp_values(P, dps=40), reference, strict=True):
            assert abs(a - b) < mpmath.mpf("1e-30")
