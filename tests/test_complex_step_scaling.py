"""The complex step where t F' would leave float64's normal range (issue 14, item 5).

A fixed t = 1e-30 puts t F' ≈ 1e-331 into Im F for a gradient near 1e-301 (identity, h0 =
1e-150, y = 1e-151) or a step Jacobian near 1e-304 (sigmoid, silu, softplus at a = −700):
Im F is 0 and the quotient says 0.  The raised step (``numeric.complex_scaling``) compares
them and passes; a value off by 1e-9 relative still fails.  References: mpmath at 50 digits
with φ' written out here, and the gradient of the linear case by hand."""

import dataclasses

import mpmath as mp
import numpy as np
import pytest

import derive
import numeric
from numeric import cells, rnn
from numeric import complex_scaling as scaling
from numeric.bridge import complex_phi
from numeric.complex_step import check_complex_step

DPHI = {  # φ' in mpmath, from the definitions: σ' = σ(1 − σ), silu' = σ(1 + z(1 − σ))
    "sigmoid": lambda z: mp.exp(-z) / (1 + mp.exp(-z)) ** 2,
    "silu": lambda z: (1 + mp.exp(-z) + z * mp.exp(-z)) / (1 + mp.exp(-z)) ** 2,
    "softplus": lambda z: 1 / (1 + mp.exp(-z)),
}
# φ'(a) at |a| = 700 is uncertain by 2ε|a φ''| ≈ 3e-13 relative (numeric.conditioning): at the
# default 1e-13 the check cannot decide it (n/a); at 1e-12 it can
RTOL = {"sigmoid": 1e-12, "silu": 1e-12, "softplus": 1e-12}


def linear_case(T=1):
    return numeric.case_from_dict({"activation": "identity", "W_hh": [[1.0]], "W_xh": [[0.0]],
                                   "x": [[0.0]] * T, "h0": [1e-150], "y": [1e-151]})


def hand_gradient(T):
    """L = ½ (W^T h0 − y)²: dL/dW = T W^(T−1) h0 (W^T h0 − y) at W = 1, in mpmath."""
    with mp.workdps(50):
        h0, y = mp.mpf(1e-150), mp.mpf(1e-151)
        return T * h0 * (h0 - y)


def tail_case(name):
    """n = 1, h0 = 0, x = −700: a_1 = −700 exactly, J_1 = φ'(−700)."""
    return numeric.case_from_dict({"activation": name, "W_hh": [[1.0]], "W_xh": [[1.0]],
                                   "x": [[-700.0]]})


@pytest.mark.parametrize("T", [1, 3])
def test_a_gradient_near_1e_301_is_compared_and_passes(T):
    """Before: "not performed" (or relative error 1 with the fixed step)."""
    case = linear_case(T)
    grad = rnn.bptt(case.activation, case.W_hh, case.W_xh, case.b_h, case.h0, case.x,
                    case.y).W_hh[0, 0]
    exact = hand_gradient(T)
    assert 1e-301 < abs(exact) < 1e-299
    assert abs(grad - exact) <= 1e-15 * abs(exact)        # the value mpmath confirms
    report = check_complex_step(case)
    assert report.passed is True, report
    assert report.max_rel_error <= 1e-13
    assert "step raised to" in report.note
    checks = numeric.run_checks(case)
    assert all(r.passed is not False for r in checks.values()), checks


@pytest.mark.parametrize("name", sorted(DPHI))
def test_a_step_jacobian_near_1e_304_is_compared_and_passes(name):
    case = tail_case(name)
    J = rnn.step_jacobians(case.activation, case.W_hh, case.trajectory().a)[0, 0, 0]
    with mp.workdps(50):
        exact = DPHI[name](mp.mpf(-700))
        assert abs(J - exact) <= 1e-14 * abs(exact)
    assert 1e-305 < abs(J) < 1e-300
    report = check_complex_step(case, RTOL[name])
    assert report.passed is True, report
    assert report.max_rel_error <= report.tolerance
    assert "step raised to" in report.note
    assert all(r.passed is not False for r in numeric.run_checks(case).values())


@pytest.mark.parametrize("name", sorted(DPHI))
@pytest.mark.parametrize("a", [-700.0, -680.0, -650.0])
def test_the_raised_quotient_equals_mpmath(name, a):
    """Im φ(a + i t)/t over the ladder, extrapolated: φ'(a) to 1e-14 relative, and the error
    estimate is within the tolerance."""
    with mp.workdps(50):
        exact = DPHI[name](mp.mpf(a))
    steps = scaling.ladder(1e-30, abs(float(exact)), scaling.IM_CAP)
    assert len(steps) == scaling.LEVELS + 2
    phi = complex_phi(derive.activation(name))
    values = [phi(np.array([a + 1j * t])).imag / t for t in steps]
    estimate, spread = scaling.extrapolate(values)
    with mp.workdps(50):
        assert abs(float(estimate[0]) - exact) <= 1e-14 * abs(exact)
    assert spread <= 1e-14 * abs(float(exact))
    assert values[0][0] != estimate[0] or steps[0] < 1e-8    # the extrapolation did work


def test_a_wrong_gradient_still_fails(monkeypatch):
    right = rnn.bptt

    def wrong(*args):
        grads = right(*args)
        return dataclasses.replace(grads, W_hh=grads.W_hh * (1 + 1e-9))

    monkeypatch.setattr(rnn, "bptt", wrong)
    for T in (1, 3):
        assert check_complex_step(linear_case(T)).passed is False


@pytest.mark.parametrize("factor", [1 + 1e-9, 1e10, 1e-10, 0.0])
@pytest.mark.parametrize("name", sorted(DPHI))
def test_a_wrong_step_jacobian_still_fails(name, factor, monkeypatch):
    """Off by 1e-9 relative, or by ten decades either way (the step is sized from the value
    compared: a wrong size moves the step, never to a pass)."""
    right = rnn.step_jacobians
    monkeypatch.setattr(rnn, "step_jacobians", lambda *args: right(*args) * factor)
    assert check_complex_step(tail_case(name), RTOL[name]).passed is False


def cell_case(activation, s0, x, y, w=1.0):
    kind = derive.cell_kind("elman")
    params = {"weight_ih": np.array([[1.0]]), "weight_hh": np.array([[w]]),
              "bias_ih": np.zeros(1), "bias_hh": np.zeros(1)}
    return numeric.CellCase(kind, derive.activation(activation), params, np.array([s0]),
                            np.array([[x]]), None if y is None else np.array([y]))


def test_the_cell_check_raises_its_steps_too():
    """Elman cell, identity, s0 = 1e-150, x = 0, y = 1e-151: dL/dweight_hh = (h1 − y) s0
    ≈ 9e-301 (by hand); identity with weight_hh = 1e-300: J_1 = 1e-300.  Sigmoid at
    x = −700 (J_1 = σ'(−700) ≈ 1e-304): no FAIL (n/a: the conditioning's φ'' is not finite
    there)."""
    linear = numeric.run_cell_checks(cell_case("identity", 1e-150, 0.0, 1e-151))
    assert linear["complex_step"].passed is True, linear["complex_step"]
    assert "step raised to" in linear["complex_step"].note
    assert all(r.passed is not False for r in linear.values())
    case = cell_case("identity", 0.5, 0.0, None, w=1e-300)
    grads = cells.step_jacobians(case.kind, case.activation, case.params, case.trajectory())
    assert grads[0][0, 0] == 1e-300
    small = numeric.run_cell_checks(case)["complex_step"]
    assert small.passed is True and "step raised to" in small.note, small
    tail = numeric.run_cell_checks(cell_case("sigmoid", 0.0, -700.0, None))
    assert all(r.passed is not False for r in tail.values()), tail


def test_the_cell_check_fails_a_wrong_raised_gradient(monkeypatch):
    real = cells.bptt

    def wrong(*args):
        grads = real(*args)
        params = dict(grads.params)
        params["weight_hh"] = params["weight_hh"] * (1 + 1e-9)
        return cells.CellGradients(params, grads.state0, grads.loss)

    monkeypatch.setattr(cells, "bptt", wrong)
    report = numeric.run_cell_checks(cell_case("identity", 1e-150, 0.0, 1e-151))
    assert report["complex_step"].passed is False


@pytest.mark.parametrize("factor", [1 + 1e-9, 1e-10, 0.0])
def test_the_cell_check_fails_a_wrong_raised_step_jacobian(factor, monkeypatch):
    """J_1 = 1e-300 reported off by 1e-9, as 1e-310 or as 0: the probe at the cap sizes the
    step from the true 1e-300 and the estimate fails the wrong value."""
    right = cells.step_jacobians
    monkeypatch.setattr(cells, "step_jacobians",
                        lambda *args: [J * factor for J in right(*args)])
    report = numeric.run_cell_checks(cell_case("identity", 0.5, 0.0, None, w=1e-300))
    assert report["complex_step"].passed is False, report["complex_step"]


def test_a_loss_that_overflows_float64_gives_no_false_verdict():
    """Identity, x = 1e200: L = ½ (1e200)² is inf in float64 (BPTT's loss value too; its
    warning silenced here).  With W_hh = 1e-200, h0 = 1: ∂L/∂W_hh = h_1 h0 = 1e200 is finite
    and Im L = t ∂L/∂W_hh stays finite: compared, and it passes (by hand: r h0).  With
    W_hh = 1, h0 = 1e-100: Im a_1 = t h0 must stay normal, so t is raised to ~1e-203, and
    the complex loss is then not finite: ∂L/∂W_hh is not compared, J_1 still is (the
    gradient was a FAIL, relative error 1, when the step was not sized to Im a_1)."""
    def run(W, h0):
        case = numeric.case_from_dict({"activation": "identity", "W_hh": [[W]],
                                       "W_xh": [[1.0]], "x": [[1e200]], "h0": [h0],
                                       "y": [0.0]})
        with np.errstate(over="ignore"):
            grad = rnn.bptt(case.activation, case.W_hh, case.W_xh, case.b_h, case.h0,
                            case.x, case.y).W_hh[0, 0]
            return grad, check_complex_step(case)

    grad, report = run(1e-200, 1.0)
    assert grad == pytest.approx((1e-200 + 1e200) * 1.0, rel=1e-15)
    assert report.passed is True and report.max_rel_error <= 1e-13, report
    grad, report = run(1.0, 1e-100)
    assert grad == pytest.approx(1e200 * 1e-100, rel=1e-15)
    assert report.passed is True, report
    assert "1 quantities not compared: the complex evaluation overflowed" in report.note
