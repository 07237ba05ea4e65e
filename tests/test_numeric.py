"""numeric/: the bridge, forward pass, rescaled product, BPTT and checks against oracles."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

import derive
import numeric
from numeric.accuracy import random_case
from numeric.case import Case
from numeric.oracle import mp_reference
from tests.conftest import ACTIVATIONS

GRID = [(name, n, T) for name in ACTIVATIONS for n in (1, 2, 3, 5) for T in (1, 5, 20)]


@pytest.mark.parametrize("name, n, T", GRID)
def test_verify_registry_grid_against_mpmath_complex_step_and_central(name, n, T):
    case = random_case(name, n, T, seed=1000 * n + T)
    mp_check = numeric.check_mpmath(case)
    assert mp_check.passed and mp_check.max_rel_error <= 1e-12, mp_check
    cs = numeric.check_complex_step(case)
    if case.activation.analytic:
        assert cs.applicable and cs.passed is True and cs.max_rel_error <= 1e-13, cs
    else:
        assert not cs.applicable and cs.passed is None and "not analytic" in cs.note
    # n/a only where relu zeroes every J_k (dead units: nothing to resolve); else performed
    undecidable = name == "relu"
    for method, tol in (("central", 1e-7), ("richardson", 1e-9)):
        check = numeric.check_differences(case, method)
        assert check.passed is (None if undecidable and check.passed is None else True), check
        assert check.tolerance == tol and (check.passed is None) == (check.max_rel_error is None)
        assert check.max_rel_error is None or check.max_rel_error <= tol


def test_verify_kink_exactly_at_zero_uses_one_sided_differences():
    """relu with a_1 = 0 exactly: a central difference would give 1/2; the check says so."""
    case = Case(derive.activation("relu"), np.array([[1.0]]), np.array([[1.0]]), np.zeros(1),
                np.array([0.5]), np.array([[-0.5], [1.0]]), np.array([0.3]))
    assert case.trajectory().a[0, 0] == 0.0
    for method in ("central", "richardson"):
        report = numeric.check_differences(case, method)
        assert report.passed and "kink" in report.note


def test_verify_detects_a_wrong_jacobian(monkeypatch):
    """A check that cannot fail is a defect: perturb φ' by 1e-6 and every method notices."""
    case = random_case("tanh", 2, 5, seed=3)
    real = numeric.rnn.step_jacobians
    monkeypatch.setattr(numeric.rnn, "step_jacobians",
                        lambda act, W, a: real(act, W, a) * (1 + 1e-6))
    for report in (numeric.check_differences(case, "central"),
                   numeric.check_differences(case, "richardson"),
                   numeric.check_complex_step(case), numeric.check_mpmath(case)):
        assert not report.passed, report.method


def _mp_product_naive_vs_stable(name, w, x, h0):
    """Float product with the naive derivative formula, against mpmath (the oracle)."""
    act = derive.activation(name)
    case = Case(act, np.array([[w]]), np.array([[1.0]]), np.zeros(1), np.array([h0]), x)
    ref = mp_reference(case).product[0, 0]
    a = case.trajectory().a[:, 0]
    naive_dphi = sp.lambdify(act.variable, act.dphi, "numpy")  # 1 − tanh², σ(1 − σ) as given
    with np.errstate(over="ignore"):
        naive = np.prod(naive_dphi(a) * w)
    stable = numeric.product_along(act, case.W_hh, case.trajectory().a)
    with mpmath.workdps(50):
        stable_value = mpmath.mpf(float(stable.mantissa[0, 0])) * mpmath.ldexp(1, stable.exponent)
        return (float(abs(stable_value - ref) / abs(ref)),
                float(abs(mpmath.mpf(float(naive)) - ref) / abs(ref)))


@pytest.mark.parametrize("name, w", [("tanh", 3.0), ("sigmoid", 12.0)])
def test_saturated_product_keeps_relative_precision(name, w):
    x = 10 * np.random.default_rng(7).standard_normal((100, 1))
    stable_error, naive_error = _mp_product_naive_vs_stable(name, w, x, 0.1)
    assert stable_error <= 1e-12
    assert naive_error > 1e-9  # the naive formula misses: this test would catch its use


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_saturated_checks_pass(name):
    x = 10 * np.random.default_rng(3).standard_normal((100, 1))
    case = Case(derive.activation(name), np.array([[3.0]]), np.array([[1.0]]), np.zeros(1),
                np.array([0.1]), x, np.array([0.2]))
    assert numeric.check_mpmath(case).max_rel_error <= 1e-12
    central = numeric.check_differences(case, "central")
    assert central.passed and "uninformative" in central.note


@pytest.mark.parametrize("w, T", [(w, T) for w in (0.5, 1.5, -0.9) for T in (1, 100, 2000)]
                         + [(0.5, 10**6), (1.5, 10**6)])
def test_identity_log10_norm_for_any_T(w, T):
    n = 2
    a = np.zeros((T, n))  # identity: φ' = 1 whatever a is
    P = numeric.product_along(derive.activation("identity"), w * np.eye(n), a)
    expected = T * math.log10(abs(w))
    assert abs(P.log10_norm - expected) <= 1e-10 * abs(expected) + 1e-15
    assert (P.value is None) == (abs(expected) > 300)


def test_product_along_equals_stacked_product():
    case = random_case("gelu", 4, 30, seed=5)
    a = case.trajectory().a
    J = numeric.step_jacobians(case.activation, case.W_hh, a)
    stacked, streamed = numeric.jacobian_product(J), numeric.product_along(case.activation,
                                                                           case.W_hh, a, chunk=7)
    assert stacked.exponent == streamed.exponent
    np.testing.assert_allclose(streamed.mantissa, stacked.mantissa, rtol=1e-13, atol=1e-15)


def test_bptt_equals_central_difference_of_loss_for_every_entry():
    case = random_case("tanh", 3, 12, seed=11)
    grads = numeric.bptt(case.activation, case.W_hh, case.W_xh, case.b_h, case.h0, case.x,
                         case.y)
    loss = case.loss_of_weights()
    for (i, j), value in np.ndenumerate(grads.W_hh):
        s = 1e-5
        E = np.zeros_like(case.W_hh)
        E[i, j] = s
        estimate = (loss(case.W_hh + E) - loss(case.W_hh - E)) / (2 * s)
        assert abs(estimate - value) <= 1e-7 * max(abs(value), 1e-3)
    assert grads.loss == pytest.approx(loss(case.W_hh), rel=1e-15)


def test_bptt_per_step_loss_and_other_parameters():
    """L = Σ_t ½‖h_t − y_t‖²: ∂L/∂b_h and ∂L/∂h_0 against central differences too."""
    base = random_case("sigmoid", 2, 6, seed=13)
    y = np.random.default_rng(1).standard_normal((6, 2))
    grads = numeric.bptt(base.activation, base.W_hh, base.W_xh, base.b_h, base.h0, base.x, y)

    def loss(b_h=base.b_h, h0=base.h0):
        path = numeric.forward(base.activation, base.W_hh, base.W_xh, b_h, h0, base.x)
        return 0.5 * np.sum((path.h[1:] - y) ** 2)

    for i in range(2):
        e = np.eye(2)[i] * 1e-6
        assert (loss(b_h=base.b_h + e) - loss(b_h=base.b_h - e)) / 2e-6 == \
            pytest.approx(grads.b_h[i], rel=1e-7)
        assert (loss(h0=base.h0 + e) - loss(h0=base.h0 - e)) / 2e-6 == \
            pytest.approx(grads.h0[i], rel=1e-7)


def test_bridge_step_jacobian_equals_lambdified_derive_jacobian():
    """The numeric J_k (bridge φ') equals derive.step_jacobian compiled by the bridge."""
    case = random_case("silu", 2, 3, seed=17)
    rnn = derive.RNN(2, inputs=2, activation="silu")
    symbolic = derive.step_jacobian(rnn, 2, local=True)
    args = tuple(sorted(symbolic.free_symbols, key=str))
    function = numeric.compile_expression(symbolic, args)
    h1 = case.trajectory().h[1]
    values = {**dict(zip(rnn.W_hh, case.W_hh.ravel(), strict=True)),
              **dict(zip(rnn.W_xh, case.W_xh.ravel(), strict=True)),
              **dict(zip(rnn.b_h, case.b_h, strict=True)),
              **dict(zip(rnn.input_at(2), case.x[1], strict=True)),
              **{sp.Symbol(f"h_1,{i + 1}", real=True): h1[i] for i in range(2)}}
    expected = np.array(function(*[values[s] for s in args]), dtype=float)
    J = numeric.step_jacobians(case.activation, case.W_hh, case.trajectory().a)[1]
    np.testing.assert_allclose(J, expected, rtol=1e-14, atol=1e-16)


def test_bridge_broadcasts_constants_and_ignores_stable_overflow():
    phi, dphi = numeric.activation_functions(derive.activation("identity"))
    assert dphi(np.zeros((3, 2))).shape == (3, 2)
    _, dtanh = numeric.activation_functions(derive.activation("tanh"))
    assert dtanh(np.array([800.0, -800.0])).tolist() == [0.0, 0.0]


def test_scaled_matrix_value_is_none_when_not_representable():
    tiny = numeric.ScaledMatrix(np.array([[0.5]]), -2000)
    assert tiny.value is None and tiny.log10_norm == pytest.approx(-2000 * math.log10(2) -
                                                                   math.log10(2), rel=1e-15)


def test_seed_program_gradient_norms_decay_geometrically():
    rng = np.random.default_rng(0)
    n = 20
    W = rng.standard_normal((n, n))
    W *= 0.8 / np.linalg.norm(W, 2)
    act = derive.activation("tanh")
    x = rng.standard_normal((60, 10))
    norms = numeric.per_step_gradient_norms(act, W, rng.standard_normal((n, 10)), np.zeros(n),
                                            np.zeros(n), x, np.ones(n))
    delta = norms["delta"]
    rate = math.log(float(act.gamma) * np.linalg.norm(W, 2))
    steps = np.diff(np.log(delta))  # log δ_{k+1} − log δ_k ≥ −log(γσ): δ_k ≤ γσ δ_{k+1}
    assert np.all(-steps <= rate + 1e-12)
    assert delta[0] < 1e-4 * delta[-1]


def test_seed_program_runs_with_seed_shapes():
    norms, W = numeric.seed_program(np.random.default_rng(1), derive.activation("tanh"))
    assert W.shape == (20, 20)
    assert all(norms[key].shape == (100,) for key in ("delta", "W_hh", "W_xh", "b_h"))
    assert np.all(np.isfinite(norms["W_hh"]))


def test_product_along_million_steps_n32_is_finite():
    """10^6 steps at n = 32: no overflow, no underflow, log10 norm near T·log10 ρ."""
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.standard_normal((32, 32)))
    W = 1.01 * Q  # orthogonal times 1.01: every singular value is 1.01
    P = numeric.product_along(derive.activation("identity"), W, np.zeros((10**6, 32)))
    assert math.isfinite(P.log10_norm)
    assert P.log10_norm == pytest.approx(10**6 * math.log10(1.01), rel=1e-9)


def test_bridge_quiets_only_unselected_piecewise_pieces():
    """NumPy evaluates every piece of a Piecewise: a division by zero in a piece that is not
    selected is no error.  Anywhere else it still warns (it is an error under pytest)."""
    z = sp.Symbol("z", real=True)
    pieces = numeric.bridge.elementwise(sp.Piecewise((1 / (1 - z), z < 0), (1 / (1 + z), True)),
                                        z)
    assert pieces(np.array([1.0, -1.0])).tolist() == [0.5, 0.5]
    with pytest.raises(RuntimeWarning):
        numeric.bridge.elementwise(1 / z, z)(np.array([0.0, 1.0]))
