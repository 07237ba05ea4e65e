"""Tolerances from an error model (``numeric.error_model``): the mpmath check's product of T
factors is judged to its rounding, which grows with T, and compared in mpmath even where it
lies below float64's range; a wrong product or a wrong φ' still fails; ``run_checks`` refuses a
tolerance that is not a finite number > 0; the printed norm bound is a check like the others
(legacy cases and Elman cells) that fails, with exit status 1, when γ is too small.

Every expected value comes from a hand loop here (the exact product along the exact trajectory
in mpmath at 40 digits, the float product along the float one), never from the code checked.
"""

import dataclasses
import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import derive
import numeric
from numeric import rnn
from reports.checking import check_case, render_table
from tests.check_cases import EXAMPLE, check_json, run, write_case

W, X, H0 = 1.25, -0.0764, 0.49    # tanh at its fixed point h = 0.49: each factor 0.95


def fixed_point_case(T, activation=None):
    """tanh, W_hh = 1.25, x_k = −0.0764, h_0 = 0.49 (n = 1): ∂h_T/∂h_0 ≈ 0.95^T."""
    return numeric.Case(activation or derive.activation("tanh"), np.array([[W]]),
                        np.array([[1.0]]), np.zeros(1), np.array([H0]), np.full((T, 1), X),
                        None)


def hand_product_error(T):
    """|P_float − P_exact| / |P_exact| by hand: the float product along the float trajectory
    (h ← tanh(W h + x), factor W (1 − h'²)), the exact one along the exact trajectory."""
    h, log_p, mantissa = H0, 0, 1.0
    with mp.workdps(40):
        he, pe = mp.mpf(H0), mp.mpf(1)
        for _ in range(T):
            h = math.tanh(W * h + X)
            mantissa *= W * (1 - h * h)
            mantissa, e = math.frexp(mantissa)
            log_p += e
            he = mp.tanh(W * he + X)
            pe *= W * (1 - he**2)
        return float(abs(mp.ldexp(mantissa, log_p) - pe) / abs(pe))


# --- rtol must be a finite number > 0 ------------------------------------------------------

@pytest.mark.parametrize("rtol", [0, 0.0, -1, -1e-9, math.nan, math.inf, True])
def test_run_checks_refuses_a_tolerance_that_is_not_a_positive_number(rtol):
    case = numeric.case_from_dict(EXAMPLE)
    with pytest.raises(ValueError, match=r"^rtol must be a finite number > 0, got "):
        numeric.run_checks(case, rtol=rtol)


def test_run_checks_keeps_a_positive_tolerance():
    reports = numeric.run_checks(numeric.case_from_dict(EXAMPLE), rtol=1e-6)
    assert {r.tolerance for r in reports.values()} == {1e-6}


# --- the product of T factors: tolerance from its error model -------------------------------

def test_a_long_product_passes_with_a_tolerance_that_grows_with_T():
    """T = 1000: rounding leaves the correct float product 1.9e-12 from the exact one (the
    states drift by 4e-15, each φ' by 2.6e-15, and the errors add), beyond the 1e-12 that
    holds for one step (before: FAIL).  The tolerance is κ((2n + 8)Tε + drift) ≈ 5.3e-12."""
    T = 1000
    error = hand_product_error(T)
    assert 1e-12 < error < 3e-12, error
    report = numeric.check_mpmath(fixed_point_case(T))
    assert report.passed is True, report
    # the code forms φ' its own way (not 1 − h² as here): the same size, not the same digits
    assert error / 2 < report.max_rel_error < 2 * error
    assert error < report.tolerance < 10 * error    # honest: above the rounding, not loose
    assert report.tolerance >= 10 * T * np.finfo(float).eps
    assert "(2n + 8) T eps" in report.tolerance_source and "T = 1000" in report.tolerance_source


def _products_off_by(monkeypatch, relative):
    """Make the float64 product under check wrong by ``relative`` (its mantissa scaled)."""
    real = rnn.jacobian_product
    monkeypatch.setattr(rnn, "jacobian_product", lambda J: dataclasses.replace(
        real(J), mantissa=real(J).mantissa * (1 + relative)))


def test_a_product_beyond_float64s_range_is_compared_not_failed(monkeypatch):
    """Identity, w = 10, T = 400, h = 0 throughout: ∂h_T/∂h_0 = 10^400 exactly, above
    float64's largest number.  Compared as floats its error and size were both inf and
    the check failed a correct product (before); compared relative to its size in mpmath
    it passes, and the same product off by 1e-9 fails."""
    T = 400
    case = numeric.Case(derive.activation("identity"), np.array([[10.0]]), np.array([[1.0]]),
                        np.zeros(1), np.zeros(1), np.zeros((T, 1)), np.array([0.5]))
    report = numeric.check_mpmath(case)
    assert report.passed is True and report.max_rel_error < 1e-13, report
    _products_off_by(monkeypatch, 1e-9)
    wrong = numeric.check_mpmath(case)
    assert wrong.passed is False and 5e-10 < wrong.max_rel_error < 2e-9, wrong


def test_a_short_product_keeps_the_default_tolerance():
    report = numeric.check_mpmath(numeric.case_from_dict(EXAMPLE))
    assert report.passed is True and report.tolerance == 1e-12
    assert report.tolerance_source == ""


@pytest.mark.parametrize("T", [1000, 2000])
def test_a_wrong_long_product_fails(monkeypatch, T):
    """A product off by 1e-9 relative fails.  T = 2000 from the issue's case (W_hh = 0.8475,
    x = 0.1): the product is about 10^-333, below float64's range; compared as floats its
    error and size were both 0 and it passed (before)."""
    if T == 1000:
        case = fixed_point_case(T)
    else:
        case = numeric.Case(derive.activation("tanh"), np.array([[0.8475]]), np.array([[1.0]]),
                            np.zeros(1), np.zeros(1), np.full((T, 1), 0.1), None)
    _products_off_by(monkeypatch, 1e-9)
    report = numeric.check_mpmath(case)
    assert report.passed is False and 5e-10 < report.max_rel_error < 2e-9, report


def test_a_wrong_phi_prime_still_fails_at_long_T():
    """φ' off by 1e-6 relative (the formula times 1 + 10⁻⁶): each J_k is off by 1e-6 and the
    product by about T · 1e-6; the raised tolerance (≈ 5e-12 at T = 1000; 6e-11 at
    T = 10⁴) still fails it."""
    tanh = derive.activation("tanh")
    wrong = dataclasses.replace(tanh, dphi_stable=tanh.dphi_stable * (1 + sp.Rational(1, 10**6)))
    report = numeric.check_mpmath(fixed_point_case(1000, wrong))
    assert report.passed is False and report.max_rel_error > 1e-6 * 0.99, report
    assert report.tolerance < 1e-10


# --- the norm bound as a check --------------------------------------------------------------

ELMAN = {"cell": "elman", "nonlinearity": "tanh", "weight_ih": [[1.0], [0.5]],
         "weight_hh": [[0.5, -0.3], [0.2, 0.9]], "bias_ih": [0.1, -0.2], "bias_hh": [0.0, 0.0],
         "h0": [0.3, -0.1], "x": [[0.2], [0.7], [-0.4]]}


def hand_log10_norm(Wm, U, b, h0, x):
    """log10 ‖Π diag(1 − tanh²(a_k)) W‖₂ by a plain loop."""
    h, P = np.array(h0, dtype=float), np.eye(len(h0))
    for x_k in np.asarray(x, dtype=float):
        h = np.tanh(Wm @ h + U @ x_k + b)
        P = np.diag(1 - h**2) @ Wm @ P
    return math.log10(np.linalg.norm(P, 2))


def with_gamma(case, gamma):
    return dataclasses.replace(case, activation=dataclasses.replace(case.activation, gamma=gamma))


def test_a_cell_with_a_too_small_gamma_fails_the_bound_check():
    """Elman cell, tanh with γ set to 1/4 (true 1): the printed bound T log10(‖W_hh‖₂/4) lies
    below the measured norm; the check fails and says by how much (before: cells had no
    bound check, and the run passed)."""
    Wm = np.array(ELMAN["weight_hh"])
    measured = hand_log10_norm(Wm, np.array(ELMAN["weight_ih"]), np.array(ELMAN["bias_ih"]),
                               ELMAN["h0"], ELMAN["x"])
    bound = 3 * math.log10(np.linalg.norm(Wm, 2) / 4)
    result = check_case(with_gamma(numeric.case_from_dict(ELMAN), sp.Rational(1, 4)))
    check = result["bound_check"]
    assert check["passed"] is False and result["passed"] is False
    assert check["excess"] == pytest.approx(measured - bound, abs=1e-12)
    assert check["log10_bound"] == pytest.approx(bound, abs=1e-12)
    assert 0 < check["tolerance"] < 1e-13
    table = render_table(result)
    row = next(line for line in table.splitlines() if line.startswith("  norm bound"))
    assert " FAIL " in row and "violated by" in row and "or the bound is wrong" in row
    true = check_case(numeric.case_from_dict(ELMAN))["bound_check"]
    assert true["passed"] is True and true["excess"] == pytest.approx(
        measured - 3 * math.log10(np.linalg.norm(Wm, 2)), abs=1e-12)


def test_a_too_small_gamma_fails_the_check_with_exit_1(capsys, tmp_path, monkeypatch):
    """rnngrad check on the README's case with tanh's γ replaced by 1/2: exit status 1, the
    JSON's bound_check passed false with the excess, the table's norm bound row FAIL."""
    real = numeric.case_from_dict
    monkeypatch.setattr(numeric, "case_from_dict",
                        lambda data: with_gamma(real(data), sp.Rational(1, 2)))
    status, data, _ = check_json(capsys, tmp_path, EXAMPLE)
    Wm = np.array(EXAMPLE["W_hh"])
    measured = hand_log10_norm(Wm, np.array(EXAMPLE["W_xh"]), np.array(EXAMPLE["b_h"]),
                               EXAMPLE["h0"], EXAMPLE["x"])
    excess = measured - 3 * math.log10(np.linalg.norm(Wm, 2) / 2)
    assert status == 1 and data["passed"] is False
    check = data["bound_check"]
    assert check["passed"] is False and check["excess"] == pytest.approx(excess, abs=1e-12)
    status, out, _ = run(capsys, "check", str(write_case(tmp_path, EXAMPLE)))
    assert status == 1
    assert f"violated by {excess:.3g} in log10" in out
    assert out.rstrip().splitlines()[-1].startswith("the norm bound is VIOLATED")


def test_a_large_pre_activation_is_not_a_false_fail():
    """a = 0.5 h + 10⁵ (φ' = 1/(1 + (a − 10⁵)²) of atan(x − 100000), nonzero there): a ± step
    rounds to ulp(10⁵) = 1.5e-11, which over a step of 4e-6 is 4e-6 of the derivative.  The
    quotients' floor counts the rounding of a, so central and Richardson are n/a (the issue's
    false FAIL at 8.1e-7 and 9.1e-9 does not occur); mpmath still passes."""
    case = numeric.case_from_dict({"activation": "atan(x-100000)", "W_hh": [[0.5]],
                                   "W_xh": [[1.0]], "h0": [0.25], "x": [[1e5]], "y": [0.1]})
    reports = numeric.run_checks(case)
    for method in ("central", "richardson"):
        assert reports[method].passed is not False, reports[method]
        assert "rounding floor" in reports[method].note
    assert reports["complex_step"].passed is not False and reports["mpmath"].passed is True
