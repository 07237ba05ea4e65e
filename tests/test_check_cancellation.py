"""Issue 14, items 6 and 7: a custom formula's φ' that cancels in float64 (1 − tanh²(20) is
0.0, the true value 1.7e-17; ½ + ½ erf(−10/√2) − 10 e^{−50}/√(2π) is noise for −7.6e-22) is
evaluated to full precision; the check tells underflow from cancellation, compares every
entry componentwise (so an entry that vanishes spuriously fails), compares ∂h_T/∂h_0 with
differences of the forward map and the measured norm with the bound.  References: mpmath at
50 digits and loops written here."""

import dataclasses

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import derive
import numeric
from numeric import diagnosis, rnn
from numeric.oracle import mp_reference
from reports.checking import check_case, render_table
from tests.test_verify import driven_case

TINY = np.finfo(float).tiny
TANH = "tanh(x)"
GELU = "x*(1+erf(x/sqrt(2)))/2"


def _mp_tanh_prime(z):
    return mp.sech(z) ** 2


def _mp_gelu_prime(z):
    return mp.ncdf(z) + z * mp.npdf(z)


def _mp_gelu(z):
    return z * mp.ncdf(z)


def _relative_errors(values, points, reference):
    """|value − true| / |true| per point where the true value is normal, else |value − true|
    (which must then be below TINY)."""
    errors = []
    with mp.workdps(50):
        for value, z in zip(values, points, strict=True):
            true = reference(mp.mpf(z))
            if abs(true) >= TINY:
                errors.append(float(abs(mp.mpf(float(value)) - true) / abs(true)))
            else:
                errors.append(float(abs(mp.mpf(float(value)) - true) / TINY))
    return errors


@pytest.mark.parametrize(("formula", "points", "reference"), [
    (TANH, [20.0, -20.0, 19.5, 10.0, 3.0, 0.5, 0.0, 300.0, -350.0, 700.0], _mp_tanh_prime),
    (GELU, [-10.0, -5.0, -20.0, -30.0, -37.5, -0.75, 0.0, 2.0, 10.0], _mp_gelu_prime),
])
def test_custom_phi_prime_matches_mpmath_where_the_sympy_form_cancels(formula, points,
                                                                       reference):
    act = derive.parse_activation(formula)
    naive = sp.lambdify(act.variable, act.dphi, ["scipy", "numpy"])   # the form as derived
    with np.errstate(all="ignore"):
        before = np.asarray(naive(np.array(points)), dtype=float)
    assert max(_relative_errors(before, points, reference)) > 1e-3   # what float64 gave
    dphi = numeric.activation_functions(act)[1](np.array(points))
    assert max(_relative_errors(dphi, points, reference)) < 1e-13


def test_custom_gelu_phi_keeps_its_digits_at_minus_ten():
    act = derive.parse_activation(GELU)
    points = [-10.0, -20.0, -1.0, 3.0]
    phi = numeric.activation_functions(act)[0](np.array(points))
    assert max(_relative_errors(phi, points, _mp_gelu)) < 1e-13


def _unit_at_twenty(formula, drive=20.0):
    """n = 2: unit 0 driven to a ≈ drive at both steps, unit 1 moderate."""
    return numeric.case_from_dict({
        "activation": formula, "W_hh": [[0.5, 0.1], [0.2, 0.4]], "W_xh": [[1.0], [0.05]],
        "x": [[drive], [drive]], "h0": [0.3, -0.2], "y": [0.1, 0.2]})


@pytest.mark.parametrize(("formula", "drive", "reference"),
                         [(TANH, 20.0, _mp_tanh_prime), (GELU, -10.0, _mp_gelu_prime)])
def test_check_of_a_cancelling_custom_formula_is_right_and_never_says_underflow(
        formula, drive, reference):
    case = _unit_at_twenty(formula, drive)
    path = case.trajectory()
    J = numeric.step_jacobians(case.activation, case.W_hh, path.a)
    with mp.workdps(50):      # J_k entries from the test's own φ' (mpmath) at the float a_k
        for k in range(case.T):
            for i in range(2):
                for j in range(2):
                    true = reference(mp.mpf(float(path.a[k, i]))) * mp.mpf(case.W_hh[i, j])
                    assert abs(mp.mpf(float(J[k, i, j])) - true) <= 1e-13 * abs(true)
    result = check_case(case)
    text = render_table(result)
    assert "underflow" not in text and "FAIL" not in text
    assert result["passed"] is True
    assert result["log10_norm_product_source"] == "float64"
    for name in ("complex_step", "mpmath"):
        check = result["checks"][name]
        assert check["passed"] is True and check["componentwise_rel_error"] < 1e-12, check


def test_the_diagnosis_calls_the_cancelled_float_phi_prime_cancellation():
    """The float φ' of the derived form (0.0 at a = 20) against the oracle: cancellation, not
    underflow (the oracle's sech²(20) = 1.7e-17 is 290 decades above the smallest normal)."""
    case = _unit_at_twenty(TANH)
    path = case.trajectory()
    ref = mp_reference(case, 50, path.a)
    naive = sp.lambdify(case.activation.variable, case.activation.dphi, "numpy")(path.a)
    assert naive[0, 0] == 0.0
    (n_under, _), (n_cancel, example) = found = diagnosis.phi_prime_diagnosis(naive, ref.D)
    assert n_under == 0 and n_cancel == 2
    with mp.workdps(50):
        assert example[0] == pytest.approx(float(mp.sech(mp.mpf(float(path.a[0, 0]))) ** 2),
                                           rel=1e-15)
    text = diagnosis.diagnosis_text(found)
    assert "cancellation" in text and "underflows" not in text


def test_zero_product_source_says_cancellation_when_float_phi_prime_cancels(monkeypatch):
    """log10_norm_product_source: with the derived 1 − tanh² the float product is 0; the
    source says why, from the oracle, and not 'underflows' (its old wording)."""
    case = numeric.case_from_dict({"activation": TANH, "W_hh": [[0.5]], "W_xh": [[1.0]],
                                   "x": [[20.0], [20.0]]})
    act = case.activation
    naive = numeric.bridge.elementwise(act.dphi, act.variable)
    real = numeric.bridge.activation_functions
    monkeypatch.setattr(numeric.bridge, "activation_functions",
                        lambda a: (real(a)[0], naive) if a is act else real(a))
    log10, source = numeric.zero_product_source(case)
    with mp.workdps(50):
        a1 = mp.mpf(20)
        a2 = mp.mpf(0.5) * mp.mpf(float(np.tanh(20.0))) + 20
        true = mp.log10(mp.sech(a1) ** 2 * mp.sech(a2) ** 2 * mp.mpf(0.25))
    assert log10 == pytest.approx(float(true), rel=1e-12)
    assert "cancellation" in source and "underflows" not in source


def test_a_genuine_underflow_is_still_called_underflow():
    """Registered gelu at a = −40: the true φ' ≈ −40 e^{−800}/√(2π) ≈ −2e-346 is below the
    smallest normal (the test's mpmath says so); float64 gives 0 and the check says underflow."""
    case = driven_case(derive.activation("gelu"), [[1.1]], [[-40.0]])
    a = case.trajectory().a
    with mp.workdps(50):
        true = _mp_gelu_prime(mp.mpf(float(a[0, 0])))
        assert 0 < abs(true) < TINY
    report = numeric.check_mpmath(case)
    assert report.passed is not False and "underflows" in report.note
    assert "cancellation" not in report.note
    log10, source = numeric.zero_product_source(case)
    assert "underflows" in source and "cancellation" not in source
    with mp.workdps(50):
        assert log10 == pytest.approx(float(mp.log10(abs(true) * mp.mpf(1.1))), rel=1e-12)


def test_an_entry_that_vanishes_spuriously_fails_componentwise(monkeypatch):
    """tanh with unit 0 at a = 20: J_1's row 0 is sech²(20) W ≈ 1e-17.  Set it to 0 (what
    the cancelling form gave): the normwise error (1e-17 against entries of size 0.4) is far
    within tolerance, the componentwise comparison fails it, in complex step and mpmath."""
    case = _unit_at_twenty("tanh")
    real = rnn.step_jacobians

    def vanished(act, W, a):
        J = real(act, W, a).copy()
        J[0, 0, :] = 0.0
        return J

    monkeypatch.setattr(rnn, "step_jacobians", vanished)
    for report in (numeric.check_mpmath(case),
                   numeric.check_complex_step(case)):
        assert report.passed is False, report
        assert report.max_rel_error < report.tolerance      # normwise alone would pass
        assert "0 in float64 while the true value is normal" in report.note


def _hand_product(W, U, b, h0, x):
    """∂h_T/∂h_0 for tanh: Π_k diag(1 − tanh²(a_k)) W, a loop written here."""
    h, P = np.array(h0, float), np.eye(len(W))
    for x_k in x:
        a = W @ h + U @ x_k + b
        P = np.diag(1.0 / np.cosh(a) ** 2) @ W @ P
        h = np.tanh(a)
    return P


EXAMPLE = {"activation": "tanh", "W_hh": [[0.5, -0.3], [0.2, 0.9]], "W_xh": [[1.0], [0.5]],
           "b_h": [0.1, -0.2], "h0": [0.3, -0.1], "x": [[0.2], [0.7], [-0.4]],
           "y": [0.0, 0.5]}


def test_product_by_differences_and_the_bound_on_the_help_example():
    case = numeric.case_from_dict(EXAMPLE)
    result = check_case(case)
    W = np.array(EXAMPLE["W_hh"])
    P = _hand_product(W, np.array(EXAMPLE["W_xh"]), np.array(EXAMPLE["b_h"]),
                      EXAMPLE["h0"], np.array(EXAMPLE["x"]))
    assert np.allclose(result["jacobian_product"], P, rtol=1e-13, atol=0)
    product = result["product_by_differences"]
    assert product["passed"] is True and product["max_rel_error"] < 1e-7
    measured = np.log10(np.linalg.norm(P, 2))
    bound = 3 * np.log10(np.linalg.norm(W, 2))          # γ = 1 for tanh
    assert measured < bound
    check = result["bound_check"]
    assert check["holds"] is True
    assert check["log10_measured"] == pytest.approx(measured, rel=1e-12)
    assert check["log10_bound"] == pytest.approx(bound, rel=1e-12)
    assert "bound holds: measured log10 ||dh_T/dh_0||_2" in render_table(result)


def test_a_wrong_product_fails_the_differences_of_the_forward_map(monkeypatch):
    case = numeric.case_from_dict(EXAMPLE)
    real = rnn.jacobian_product
    monkeypatch.setattr(rnn, "jacobian_product", lambda J: dataclasses.replace(
        real(J), mantissa=real(J).mantissa * (1 + 1e-5)))
    report = numeric.check_product_differences(case, 1e-7)
    assert report.passed is False and report.max_rel_error > 5e-6


def test_a_violated_bound_fails_loudly():
    """A γ set to 1/2 for tanh (true γ = 1): near a = 0 the measured norm is about
    ‖W‖^T-sized, above (‖W‖/2)^T; the check says VIOLATED and the run fails."""
    case = numeric.case_from_dict(EXAMPLE)
    wrong = dataclasses.replace(case.activation, gamma=sp.Rational(1, 2))
    case = dataclasses.replace(case, activation=wrong)
    result = check_case(case)
    W = np.array(EXAMPLE["W_hh"])
    P = _hand_product(W, np.array(EXAMPLE["W_xh"]), np.array(EXAMPLE["b_h"]),
                      EXAMPLE["h0"], np.array(EXAMPLE["x"]))
    assert np.log10(np.linalg.norm(P, 2)) > 3 * np.log10(0.5 * np.linalg.norm(W, 2))
    assert result["bound_check"]["holds"] is False and result["passed"] is False
    assert "norm bound is VIOLATED" in render_table(result)


@pytest.mark.parametrize(("formula", "a", "reference"),
                         [(TANH, 300.0, _mp_tanh_prime), (GELU, -20.0, _mp_gelu_prime)])
def test_the_oracle_of_a_cancelling_custom_formula_settles_its_precision(formula, a,
                                                                          reference):
    """At 50 digits 1 − tanh²(300) is 0 in mpmath as well (the true value 1.1e-260 needs 280
    digits): the oracle's product was 0 and the mpmath check FAILED the right float64 value."""
    case = driven_case(derive.parse_activation(formula), [[1.1]], [[a]])
    float_a = case.trajectory().a
    ref = mp_reference(case, 50, float_a)
    with mp.workdps(50):
        exact_a = mp.mpf(1.1) * mp.mpf(0.25) + mp.mpf(float(case.x[0, 0]))
        true = reference(exact_a)
        assert abs(ref.D[0][0] - true) <= mp.mpf(10) ** -40 * abs(true)
    report = numeric.check_mpmath(case)
    assert report.passed is True, report


def test_a_cell_jacobian_entry_that_vanishes_fails_the_cell_oracle(monkeypatch):
    """Elman cell, unit 0 at a ≈ 20: row 0 of J_k is sech²(a) W ≈ 1e-17; set to 0, the
    normwise comparison keeps passing, the componentwise one fails."""
    case = numeric.case_from_dict({"cell": "elman", "weight_ih": [[1.0], [0.05]],
                                   "weight_hh": [[0.5, 0.1], [0.2, 0.4]],
                                   "x": [[20.0], [20.0]], "h0": [0.3, -0.2]})
    from numeric import cells
    from numeric.cell_mpmath import check_cell_mpmath

    assert check_cell_mpmath(case).passed is True
    real = cells.step_jacobians

    def vanished(*args):
        J = np.array(real(*args))
        J[:, 0, :] = 0.0
        return J

    monkeypatch.setattr(cells, "step_jacobians", vanished)
    report = check_cell_mpmath(case)
    assert report.passed is False and report.max_rel_error < report.tolerance, report
    assert "0 in float64 while the true value is normal" in report.note


@pytest.mark.parametrize(("formula", "points", "reference"), [
    (TANH, [20.0, -20.0, 10.0, 0.5, 0.0, 300.0], _mp_tanh_prime),
    (GELU, [-10.0, -5.0, -20.0, 0.0, 2.0, 10.0], _mp_gelu_prime),
])
def test_the_hot_loops_use_a_rewrite_that_keeps_the_digits(formula, points, reference):
    """raw_activation_functions (sweeps, gain sweeps, Lyapunov spectra) has no per-entry
    guard: its custom φ' is the rewrite that loses the fewest digits (sech² for 1 − tanh²;
    ½ erfc(−z/√2) + z e^{−z²/2}/√(2π) for gelu)."""
    act = derive.parse_activation(formula)
    dphi = numeric.bridge.raw_activation_functions(act)[1]
    with np.errstate(all="ignore"):
        values = np.asarray(dphi(np.array(points)), dtype=float)
    assert max(_relative_errors(values, points, reference)) < 1e-13
