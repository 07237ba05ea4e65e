"""Large pre-activations (a ≈ 10⁵, issue 16 item 6): the float states cannot be more accurate
than the rounding of a = W h + x, ε 10⁵ ≈ 2e-11 per step, which φ' carries into h.  The mpmath
check allows the states that rounding (B_h, said in its note) and the cells' difference
quotients count it in their rounding floor: correct values pass or are n/a, never FAIL.  A
wrong h or a wrong cell gradient on an ordinary case (a ≈ 1) still fails."""

import re

import mpmath as mp
import numpy as np
import pytest

import numeric
from numeric import cells, rnn
from numeric.bridge import activation_functions
from numeric.cell_differences import check_cell_differences
from numeric.verify import check_mpmath

FAR = "atan(x-100000)+sin(x)/1000000"
SIN_FAR = "sin(x)/(1+(x-100000)**2)"
X = [[100000.0]] * 3
B_H = re.compile(r"states h_k allowed B_h = max min\(f_k, g_k\) = ([0-9.e+-]+): the rounding")
EPS = 2.0**-52


def _plain(activation, **extra):
    return numeric.case_from_dict({"activation": activation, "W_hh": [[1.0]],
                                   "W_xh": [[1.0]], "x": X, **extra})


def _hand_states(formula, x):
    """h_0..h_T of h_k = φ(h_{k−1} + x_k) (W_hh = W_xh = 1): the float64 loop and 60 digits."""
    phi = {FAR: lambda z, m: m.atan(z - 100000) + m.sin(z) / 1000000,
           SIN_FAR: lambda z, m: m.sin(z) / (1 + (z - 100000) ** 2)}[formula]
    h, exact = [0.0], [mp.mpf(0)]
    with mp.workdps(60):
        for value in x:
            h.append(float(phi(np.float64(h[-1] + value), np)))
            exact.append(phi(exact[-1] + mp.mpf(value), mp))
        return np.array(h), [float(e) for e in exact]


@pytest.mark.parametrize("formula", [FAR, SIN_FAR])
def test_states_rounded_from_a_large_pre_activation_do_not_fail_mpmath(formula):
    """The float states are off by far more than 1e-12 relative (rounding of a = 10⁵ + h, a
    60-digit loop written here), a correct computation: mpmath passes or is n/a, its note gives
    B_h, which covers the error and is no larger than T (n + m + 3) ε |a| (|φ'| ≤ 1.0002):
    B_h = max min(f_k, g_k), the model's f_k or twice the rounding that happened, g_k."""
    hand, exact = _hand_states(formula, [row[0] for row in X])
    case = _plain(formula, **({"y": [0.1]} if formula == FAR else {}))
    h = case.trajectory().h[:, 0]
    np.testing.assert_allclose(h, hand, rtol=4 * EPS, atol=0)   # SymPy's form: an ulp apart
    error = float(np.max(np.abs(h - exact)))
    assert error > 1e-12 * float(np.max(np.abs(exact)))   # the old check's false FAIL
    report = numeric.run_checks(case)["mpmath"]
    assert report.passed is not False, report
    allowance = float(B_H.search(report.note).group(1))
    assert error <= allowance <= 3 * 5 * EPS * 100001 * 1.0002


def test_a_wrong_state_still_fails_on_an_ordinary_case(monkeypatch):
    """tanh with a ≈ 1: φ evaluated with a 1e-9 relative error (a patched forward) fails."""
    case = numeric.case_from_dict({"activation": "tanh", "W_hh": [[0.5]], "W_xh": [[1.0]],
                                   "x": [[0.8]] * 3, "y": [0.1]})
    assert check_mpmath(case).passed is True
    real, phi = rnn.forward, activation_functions(case.activation)[0]

    def wrong(activation, W_hh, W_xh, b_h, h0, x, override=None):
        return real(activation, W_hh, W_xh, b_h, h0, x,
                    override or (lambda z: phi(z) * (1 + 1e-9)))

    monkeypatch.setattr(rnn, "forward", wrong)
    report = check_mpmath(case)
    assert report.passed is False, report
    assert report.max_rel_error > 1e-10   # h about 1e-9 relative off


def _indrnn(activation, x, **extra):
    return numeric.case_from_dict({"cell": "indrnn", "activation": activation,
                                   "weight_ih": [[1.0]], "u": [1.0], "x": x, "y": [0.1],
                                   **extra})


def test_cell_quotients_at_a_large_pre_activation_are_not_failed():
    """IndRNN, a_k = x_k + u h_{k−1} ≈ 10⁵: central differenced L off by ε 10⁵ |φ'| per step
    (2.7e-7 relative on ∂L/∂u before): below the rounding floor, n/a, never FAIL."""
    checks = numeric.run_checks(_indrnn(FAR, X))
    for method in ("central", "richardson"):
        assert checks[method].passed is not False, checks[method]
        assert "below the rounding floor" in checks[method].note


def test_a_wrong_cell_gradient_still_fails_central_on_an_ordinary_case(monkeypatch):
    """tanh IndRNN with a ≈ 1: ∂L/∂u off by 1e-6 relative fails central differences."""
    case = _indrnn("tanh", [[0.8], [-0.3], [0.5]])
    assert check_cell_differences(case, "central").passed is True
    real = cells.bptt

    def wrong(*args):
        grads = real(*args)
        params = dict(grads.params)
        params["u"] = params["u"] * (1 + 1e-6)
        return cells.CellGradients(params, grads.state0, grads.loss)

    monkeypatch.setattr(cells, "bptt", wrong)
    assert check_cell_differences(case, "central").passed is False
