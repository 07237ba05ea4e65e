"""derive.jacobians against independent oracles: exact powers, mpmath products, sympy.diff."""


import mpmath
import pytest
import sympy as sp

import derive
from derive.jacobians import expression_size, hidden_state, structured_product
from tests.conftest import mp_values

CASE = dict(W_hh=[[0.5, -0.3], [0.2, 0.9]], W_xh=[[1.0], [0.5]], b_h=[0.1, -0.2],
            h0=[0.3, -0.1], x=[[0.2], [0.7], [-0.4]])


@pytest.mark.parametrize("w, expected", [(sp.Rational(3, 2), sp.Rational(3, 2) ** 100),
                                         (sp.Rational(1, 2), sp.Integer(2) ** -100)])
def test_jacobian_product_identity_scalar_is_exact_power(w, expected):
    rnn = derive.RNN(1, activation="identity", W_hh=[[w]])
    product = derive.jacobian_product(rnn, 0, 100, expanded=True)
    assert product.shape == (1, 1) and product[0] == expected


def test_jacobian_product_identity_float_input_is_exact():
    rnn = derive.RNN(1, activation="identity", W_hh=[[1.5]])
    assert derive.jacobian_product(rnn, 0, 100, expanded=True)[0] == sp.Rational(3, 2) ** 100


def _mpmath_product(T, dps=40):
    """Independent oracle: forward pass and J_T ⋯ J_1 in mpmath, sech² by hand."""
    with mpmath.workdps(dps):
        W = mpmath.matrix([[mpmath.mpf(v) for v in row] for row in ["0.5 -0.3".split(),
                                                                      "0.2 0.9".split()]])
        U = mpmath.matrix([mpmath.mpf("1.0"), mpmath.mpf("0.5")])
        b = mpmath.matrix([mpmath.mpf("0.1"), mpmath.mpf("-0.2")])
        h = mpmath.matrix([mpmath.mpf("0.3"), mpmath.mpf("-0.1")])
        P = mpmath.eye(2)
        for x in ["0.2", "0.7", "-0.4"][:T]:
            a = W * h + U * mpmath.mpf(x) + b
            D = mpmath.diag([mpmath.sech(a[0]) ** 2, mpmath.sech(a[1]) ** 2])
            P = D * W * P
            h = mpmath.matrix([mpmath.tanh(a[0]), mpmath.tanh(a[1])])
        return P


def test_jacobian_product_tanh_2x2_matches_mpmath_to_1e25():
    rnn = derive.RNN(2, activation="tanh", **CASE)
    product = derive.jacobian_product(rnn, 0, 3, expanded=True)
    assert not product.free_symbols
    oracle = _mpmath_product(3)
    with mpmath.workdps(40):
        for r in range(2):
            for c in range(2):
                value = mpmath.mpf(str(sp.N(product[r, c], 35)))
                assert abs(value - oracle[r, c]) < mpmath.mpf("1e-25")


def test_step_jacobian_is_diag_dphi_times_W(rng):
    rnn = derive.RNN(2, activation="sigmoid")
    J = derive.step_jacobian(rnn, 2, local=True)
    h1 = sp.Matrix([sp.Symbol("h_1,1", real=True), sp.Symbol("h_1,2", real=True)])
    a = rnn.W_hh * h1 + rnn.W_xh * rnn.input_at(2) + rnn.b_h
    h2 = a.applyfunc(lambda v: 1 / (1 + sp.exp(-v)))
    oracle = h2.jacobian(h1)
    values = {s: sp.Rational(rng.randint(-20, 20), 9) for s in J.free_symbols | oracle.free_symbols}
    assert max(abs(v) for v in (J - oracle).xreplace(values).evalf(40)) < 1e-35


def test_jacobian_product_structured_order_and_identity():
    assert structured_product(3, 2, 2) == sp.Identity(3)
    product = derive.jacobian_product(derive.RNN(3), 1, 3)
    names = [factor.name for factor in product.args]
    assert names == ["D_3", "W_hh", "D_2", "W_hh"]
    assert derive.jacobian_product(derive.RNN(3), 4, 4) == sp.Identity(3)


def test_jacobian_product_structured_any_size_is_symbols_only():
    """Structured for any size: 2T matrix symbols, no entry expression is ever built."""
    product = derive.jacobian_product(derive.RNN(50), 0, 2000)
    assert len(product.args) == 4000
    assert all(isinstance(factor, sp.MatrixSymbol) for factor in product.args)


def test_jacobian_product_expanded_equals_product_of_step_jacobians(rng):
    rnn = derive.RNN(2, activation="softsign")
    P = derive.jacobian_product(rnn, 1, 3, expanded=True)
    oracle = derive.step_jacobian(rnn, 3) * derive.step_jacobian(rnn, 2)
    values = {s: sp.Rational(rng.randint(1, 20), 13) for s in P.free_symbols}
    assert (P - oracle).xreplace(values).evalf(30).norm() < 1e-25


@pytest.mark.parametrize("i, j", [(2, 1), (-1, 2), (0, 1.5), (True, 2)])
def test_jacobian_product_bad_indices(i, j):
    with pytest.raises(ValueError, match="must be|need i <= j"):
        derive.jacobian_product(derive.RNN(2), i, j)


def test_jacobian_product_past_given_inputs():
    with pytest.raises(ValueError, match="past the last step T = 3"):
        derive.jacobian_product(derive.RNN(2, **CASE), 0, 4, expanded=True)


@pytest.mark.parametrize("n, T, stop", [(3, 12, 6), (4, 30, 5), (2, 200, 9)])
def test_expanded_size_guard_stops_early_and_points_to_numeric(n, T, stop):
    """The guard refuses at the first partial product past the limit (step ``stop``), not
    after building all T factors: deterministic, unlike a wall-clock limit on a busy machine."""
    with pytest.raises(derive.ExpressionTooLarge, match="numeric") as err:
        derive.jacobian_product(derive.RNN(n), 0, T, expanded=True)
    assert f"expanding ∂h_{stop}/∂h_0 (of ∂h_{T}/∂h_0)" in str(err.value)
    assert "200,000 operations" in str(err.value)


def test_expression_size_counts_the_tree_not_the_dag():
    x, y = sp.symbols("x y")
    e = sp.tanh(x)
    for _ in range(40):  # DAG of ~200 nodes, tree of ~6 * 2^40
        e = sp.tanh(x * e + y * e + 1)
    assert expression_size(e) > 2**40
    assert expression_size(sp.Add(x, 1)) == sp.count_ops(sp.Add(x, 1))


def test_expanded_n2_T5_within_limit():
    P = derive.jacobian_product(derive.RNN(2), 0, 5, expanded=True)
    size = sum(expression_size(e) for e in P)
    assert 1_000 < size < derive.MAX_OPERATIONS
    assert abs(size - sp.count_ops(P)) < 0.05 * size


def _unrolled_loss(rnn, T, y):
    """Independent oracle: the loss unrolled by a plain loop over φ."""
    h = sp.Matrix(rnn.h0)
    for k in range(1, T + 1):
        a = rnn.W_hh * h + rnn.W_xh * rnn.input_at(k) + rnn.b_h
        h = a.applyfunc(rnn.activation.at)
    return sum((h_i - y_i) ** 2 for h_i, y_i in zip(h, y, strict=True)) / 2


@pytest.mark.parametrize("concrete", [False, True])
def test_bptt_gradient_equals_sympy_diff(concrete, rng):
    """n = 2, T = 3: the BPTT sum equals sympy.diff of the loop-unrolled loss."""
    W = sp.Matrix(2, 2, lambda r, c: sp.Symbol(f"v{r}{c}", real=True))
    rest = {k: v for k, v in CASE.items() if k != "W_hh"} if concrete else {}
    y = [sp.Rational(1, 4), sp.Rational(-1, 2)] if concrete else list(sp.symbols("y1 y2"))
    L = _unrolled_loss(derive.RNN(2, activation="tanh", W_hh=W, **rest), 3, y)
    oracle = sp.Matrix(2, 2, lambda r, c: sp.diff(L, W[r, c]))
    if concrete:
        exact = sp.Matrix(CASE["W_hh"]).applyfunc(lambda v: sp.Rational(str(v)))
        weights = dict(zip(W, exact, strict=True))
        G = derive.bptt_gradient(derive.RNN(2, activation="tanh", **CASE), 3, y=y)
        assert not G.free_symbols
        draws = [weights]
    else:
        G = derive.bptt_gradient(derive.RNN(2, activation="tanh", W_hh=W), 3, y=y)
        symbols = sorted(G.free_symbols | oracle.free_symbols, key=str)
        draws = [{s: sp.Rational(rng.randint(-9, 9), 7) for s in symbols} for _ in range(3)]
    for values in draws:
        got = mp_values(G, {s: v for s, v in values.items() if s in G.free_symbols})
        want = mp_values(oracle, values)
        assert max(abs(g - w) for g, w in zip(got, want, strict=True)) < 1e-40


def test_bptt_terms_sum_to_gradient_and_identity_closed_form():
    # h_t = w h_{t-1}, L = ½(h_T − y)², dL/dw = (w^T h0 − y)·T·w^(T−1)·h0
    w, h0, y = sp.symbols("w h0 y")
    rnn = derive.RNN(1, activation="identity", W_hh=[[w]], W_xh=[[0]], b_h=[0], h0=[h0])
    terms = derive.bptt_terms(rnn, 4, y=[y])
    assert len(terms) == 4
    total = sp.expand(sum(t[0] for t in terms))
    assert sp.expand(total - (w**4 * h0 - y) * 4 * w**3 * h0) == 0
    assert sp.expand(derive.bptt_gradient(rnn, 4, y=[y])[0] - total) == 0


def test_bptt_gradient_bad_T():
    with pytest.raises(ValueError, match="T must be >= 1"):
        derive.bptt_gradient(derive.RNN(2), 0)


def test_hidden_state_shares_subexpressions():
    rnn = derive.RNN(2)
    assert hidden_state(rnn, 6) is hidden_state(rnn, 6)
    h5 = hidden_state(rnn, 5)
    assert any(arg is h5[0] for arg in sp.preorder_traversal(hidden_state(rnn, 6)[0]))
