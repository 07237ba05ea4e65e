"""The four derivative checks for every cell (numeric.run_cell_checks): they pass on random
LSTM, GRU, Elman and IndRNN cases (n = 1..4, T = 1..50, small and large weights, saturated
gates), complex step is n/a exactly for a non-analytic φ, kinks never give a false verdict, and
a wrong Jacobian or gradient makes them fail."""

import numpy as np
import pytest

import derive
import numeric
from numeric import cells
from tests.cell_cases import random_cell_case

METHODS = ("central", "richardson", "complex_step", "mpmath")
CELLS = [("elman", "tanh"), ("elman", "relu"), ("lstm", None), ("gru", None),
         ("indrnn", "tanh"), ("indrnn", "relu")]
SHAPES = [(1, 1, 1.0), (2, 7, 1.0), (3, 20, 3.0), (4, 50, 1.0)]


def _analytic(case):
    return case.activation is None or case.activation.analytic


@pytest.mark.parametrize(("name", "act"), CELLS, ids=[f"{c}-{a}" for c, a in CELLS])
def test_every_check_passes_on_random_cells(name, act):
    """Unsaturated cases: central, Richardson and mpmath pass; complex step passes, or is n/a
    (with its reason, not applicable) exactly when φ is not analytic."""
    for n, T, scale in SHAPES:
        case = random_cell_case(name, n, T, 100 * n + T, act or "tanh", scale)
        checks = numeric.run_cell_checks(case)
        assert set(checks) == set(METHODS)
        dead = not np.any(case.step_jacobians()) and not np.any(
            [np.any(g) for g in case.gradients().params.values()])   # relu off: all zero
        for method in ("central", "richardson"):
            if dead:
                assert checks[method].passed is None and "exact-zero" in checks[method].note
            else:
                assert checks[method].passed is True, (name, n, T, checks[method])
        assert checks["mpmath"].passed is True, (name, n, T, checks["mpmath"])
        cs = checks["complex_step"]
        if _analytic(case):
            assert cs.passed is True and cs.applicable, (name, n, T, cs)
            assert cs.max_rel_error < 1e-13
        else:
            assert cs.passed is None and not cs.applicable
            assert cs.note.startswith("not performed: phi = relu is not analytic")
        assert checks["mpmath"].max_rel_error < 1e-12


@pytest.mark.parametrize("bias", [30.0, -30.0])
@pytest.mark.parametrize(("name", "act"), CELLS, ids=[f"{c}-{a}" for c, a in CELLS])
def test_saturated_gates_never_fail(name, act, bias):
    """Biases ±30: nothing fails; what float64 cannot resolve is n/a with its reason, and the
    mpmath oracle still passes (GRU at −30: σ'(z)(h − n) with h = n = −1.0 in float64 is not
    judged, not failed)."""
    case = random_cell_case(name, 2, 10, 7, act or "tanh", 1.0, bias)
    checks = numeric.run_cell_checks(case)
    for report in checks.values():
        assert report.passed is not False, report
        if report.passed is None:
            assert report.note.startswith("not performed: "), report
    assert checks["mpmath"].passed is True
    assert checks["complex_step"].passed is (True if _analytic(case) else None)


@pytest.mark.parametrize("name", ["elman", "indrnn"])
def test_relu_on_its_kink_is_compared_one_sided_never_failed(name):
    """s_0 = 0, x = 0, zero biases: every argument of relu sits on its kink at step 1; the
    difference checks compare one-sided quotients there and nothing fails."""
    case = random_cell_case(name, 3, 4, 11, "relu")
    params = {k: (np.zeros_like(v) if k.startswith("bias") else v)
              for k, v in case.params.items()}
    x = case.x.copy()
    x[0] = 0.0
    case = numeric.CellCase(case.kind, case.activation, params, np.zeros(3), x, case.y)
    checks = numeric.run_cell_checks(case)
    assert all(report.passed is not False for report in checks.values()), checks
    assert "kink of phi' within the step" in checks["central"].note
    assert checks["mpmath"].passed is True


def test_run_checks_dispatches_a_cell_case():
    case = random_cell_case("gru", 2, 3, 5)
    assert numeric.run_checks(case) == numeric.run_cell_checks(case)


def _perturbed(function, factor):
    def wrong(*args, **kwargs):
        return function(*args, **kwargs) * factor
    return wrong


@pytest.mark.parametrize("name", ["lstm", "gru", "elman", "indrnn"])
def test_a_wrong_step_jacobian_fails_every_check(name, monkeypatch):
    """J_k off by 10⁻⁶ relative: every check that compares J_k fails."""
    case = random_cell_case(name, 2, 5, 3, y=False)
    monkeypatch.setattr(cells, "step_jacobians", _perturbed(cells.step_jacobians, 1 + 1e-6))
    checks = numeric.run_cell_checks(case)
    for method in METHODS:
        assert checks[method].passed is False, (method, checks[method])


@pytest.mark.parametrize("name", ["lstm", "gru", "elman", "indrnn"])
def test_a_wrong_gradient_fails_every_check(name, monkeypatch):
    """The largest entry of ∂L/∂W_ih off by 10⁻⁶ relative: every check fails."""
    case = random_cell_case(name, 2, 5, 4)
    real = cells.bptt

    def wrong(*args):
        grads = real(*args)
        params = dict(grads.params)
        wrong = params["weight_ih"].copy()
        wrong.flat[np.argmax(np.abs(wrong))] *= 1 + 1e-6
        params["weight_ih"] = wrong
        return cells.CellGradients(params, grads.state0, grads.loss)

    monkeypatch.setattr(cells, "bptt", wrong)
    checks = numeric.run_cell_checks(case)
    for method in METHODS:
        assert checks[method].passed is False, (method, checks[method])


def test_a_wrong_hidden_state_gradient_fails(monkeypatch):
    case = random_cell_case("lstm", 2, 4, 6)
    real = cells.bptt
    monkeypatch.setattr(cells, "bptt", lambda *a: cells.CellGradients(
        real(*a).params, real(*a).state0 * (1 + 1e-6), real(*a).loss))
    checks = numeric.run_cell_checks(case)
    assert [checks[m].passed for m in METHODS] == [False] * 4


def test_a_check_that_resolves_nothing_is_na_not_a_pass():
    """IndRNN with tanh saturated at +30: every J_k is ~1e-26, below the quotients' rounding
    floor: the difference checks are n/a with the reason."""
    case = random_cell_case("indrnn", 2, 3, 7, "tanh", 1.0, 30.0)
    checks = numeric.run_cell_checks(case)
    for method in ("central", "richardson"):
        assert checks[method].passed is None
        assert "no nonzero entry could be resolved" in checks[method].note
    assert derive.cell_kind("indrnn").takes_activation


def _saturated_gru():
    """GRU, n = 3, T = 50, every bias shifted by ±30 (seeded): gates saturated, h and n both
    round to ±1 where the update gate's ∂h'/∂z_z = σ'(z_z)(h − n) cancels.  Before
    σ'(z)(h − n) was compiled factored, BPTT formed h σ' − n σ' (dL/db_z off by 1 %) and
    mpmath failed it; the complex step's Im σ(z) h + Im σ(−z) n cancels the same way."""
    kind, rng = derive.cell_kind("gru"), np.random.default_rng(5)
    params = numeric.default_parameters(kind, 3, 2, 5)
    for key in params:
        if key.startswith("bias"):
            params[key] = params[key] + rng.choice([-30.0, 30.0], size=params[key].shape)
    x = rng.standard_normal((50, 2))
    return numeric.CellCase(kind, None, params, rng.standard_normal(3), x,
                            rng.standard_normal(3))


def test_saturated_gru_gates_get_no_false_verdict():
    checks = numeric.run_cell_checks(_saturated_gru())
    assert [checks[m].passed for m in METHODS] == [True] * 4, checks
    case = _saturated_gru()
    path = case.trajectory()
    grads = cells.bptt(case.kind, None, case.params, case.s0, case.x, case.y)
    ref = numeric.cell_oracle.cell_reference(case, 50, np.array(path.states))
    exact = np.array(ref.grads["bias_ih"].tolist(), dtype=float).ravel()
    # 1e-10 relative: what n's rounding leaves (h σ' − n σ' was off by 1e-2)
    assert np.max(np.abs(grads.params["bias_ih"] - exact)) <= 1e-8 * np.max(np.abs(exact))


def test_magnitude_derivatives_bound_the_derivatives():
    """|Q|_abs (every term's absolute value summed) ≥ |Q| entrywise, equal for one term."""
    case = _saturated_gru()
    states = np.array(case.trajectory().states)
    ref = numeric.cell_oracle.cell_reference(case, 30, states)
    size = numeric.cell_oracle.cell_reference(case, 30, states, magnitude=True)
    for exact, bound in [*zip(ref.J, size.J, strict=True), (ref.grad_s0, size.grad_s0),
                         *((ref.grads[k], size.grads[k]) for k in ref.grads)]:
        assert all(float(b) >= float(abs(e)) * (1 - 1e-14)
                   for e, b in zip(exact, bound, strict=True))


def test_saturated_gru_wrong_gradient_still_fails(monkeypatch):
    """dL/db_z of the saturated GRU off by 10⁻⁶ relative: mpmath, which resolves it, fails
    (the complex step's cancellation leaves it unjudged there, not passed on it)."""
    case, real = _saturated_gru(), cells.bptt

    def wrong(*args):
        grads = real(*args)
        params = {key: value.copy() for key, value in grads.params.items()}
        params["bias_ih"].flat[np.argmax(np.abs(params["bias_ih"]))] *= 1 + 1e-6
        return cells.CellGradients(params, grads.state0, grads.loss)

    monkeypatch.setattr(cells, "bptt", wrong)
    checks = numeric.run_cell_checks(case)
    assert checks["mpmath"].passed is False, checks["mpmath"]
