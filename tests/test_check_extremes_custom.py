"""Custom formulas, and two units, at pre-activations across float64's range (issue 14, "Done
when"): ``numeric.run_checks`` gives no FAIL on the correct derivatives and no pass on a wrong
one, for case-file activation strings as for the registered activations.

Cases: n = 1 as in ``test_check_extremes`` (a_1 = a exactly, a_2 ≈ a), and n = 2, T = 2
with unit 0 at a and unit 1 at 0.3 at both steps (W_hh = [[1/2, 1/4], [1/8, 1/2]], W_xh = I).
Reference: φ' of each formula written out here in mpmath at 50 digits, evaluated at the float
a_k; wrong derivatives: J_k · (1 + 1e-6) and ∂L/∂W_hh · (1 + 1e-6).  Before the fixes, with
n = 2, "sin(x)" at a = −700 failed the central check of the correct ∂L/∂W_hh at 1.1e-7 (its
quotients' floor left out the rounding of a_k ≈ −700, which φ' = cos carries into L), and
n = 1 custom formulas crashed in the complex step (a subnormal Im made a ratio overflow)."""

import dataclasses
import functools

import mpmath as mp
import numpy as np
import pytest

import derive
import numeric
from numeric import rnn
from tests.test_check_extremes import DPHI, NORMAL, PRE_ACTIVATIONS, WRONG


def _sigmoid(z):
    return 1 / (1 + mp.exp(-z))


CUSTOM = {  # case-file formula: its φ' by hand
    "tanh(x)": lambda z: mp.sech(z) ** 2,
    "x/(1+exp(-x))": lambda z: _sigmoid(z) * (1 + z * _sigmoid(-z)),
    "sin(x)": mp.cos,
    "log(1+exp(x))": _sigmoid,
}
W2 = np.array([[0.5, 0.25], [0.125, 0.5]])
H0 = np.array([0.25, -0.5])


@functools.cache
def _base(text, n):
    """The case file's case (its formula parsed once: SymPy takes ~0.3 s per parse)."""
    if n == 1:
        return numeric.case_from_dict({"activation": text, "W_hh": [[0.5]], "W_xh": [[1.0]],
                                       "h0": [0.25], "x": [[0.0], [0.0]], "y": [0.3]})
    return numeric.case_from_dict({"activation": text, "W_hh": W2.tolist(),
                                   "W_xh": np.eye(2).tolist(), "h0": H0.tolist(),
                                   "x": [[0.0, 0.0], [0.0, 0.0]], "y": [0.3, -0.1]})


def _reference(text, z):
    """The true φ'(z) (one side of a kink for the registered ones)."""
    return CUSTOM[text](z) if text in CUSTOM else DPHI[text](z)[0]


def case_of(text, a, n):
    """n = 1: the case of ``test_check_extremes``; n = 2: unit 0 at a, unit 1 at 0.3, both
    steps (x_k = target − W_hh h_{k−1}, so a_k = target up to one rounding)."""
    base = _base(text, n)
    phi = numeric.activation_functions(base.activation)[0]
    target = np.array([a, 0.3][:n])
    x1 = target - base.W_hh @ base.h0
    x2 = target - base.W_hh @ phi(base.W_hh @ base.h0 + x1)
    return dataclasses.replace(base, x=np.array([x1, x2]))


PARAMS = [(text, 1) for text in CUSTOM] + [(text, 2) for text in CUSTOM] + [
    (name, 2) for name in derive.activation_names()]


@pytest.mark.parametrize(("text", "n"), PARAMS)
def test_no_fail_on_the_correct_derivatives(text, n):
    for a in PRE_ACTIVATIONS:
        case = case_of(text, a, n)
        path = case.trajectory()
        assert abs(path.a[-1, 0] - a) <= 1e-15 * max(1.0, abs(a))
        J = rnn.step_jacobians(case.activation, case.W_hh, path.a)
        with mp.workdps(50):
            for k in range(2):
                for i in range(n):
                    z = mp.mpf(float(path.a[k, i]))
                    for j in range(n):
                        true = case.W_hh[i, j] * _reference(text, z)
                        if abs(true) >= NORMAL:
                            assert abs(J[k, i, j] - true) <= 1e-15 * (8 + z * z) * abs(true) \
                                or text in DPHI and min(abs(J[k, i, j] - case.W_hh[i, j] * s)
                                                        for s in DPHI[text](z)) == 0, \
                                (text, a, k, i, j)
        for method, report in numeric.run_checks(case).items():
            assert report.passed is not False, (text, n, a, method, report)
            if report.passed is None:
                assert report.note.startswith("not performed: "), (text, a, method, report)


@pytest.mark.parametrize("what", ["J", "grad"])
@pytest.mark.parametrize(("text", "n"), PARAMS)
def test_no_pass_on_a_wrong_derivative(text, n, what, monkeypatch):
    """Wherever the wrong value differs from the right one no verdict is a pass overall (some
    check fails or none was performed); where the right one has a normal entry (always, with
    the second unit at 0.3) some check fails."""
    act = _base(text, n).activation
    right_J, right_bptt = rnn.step_jacobians, rnn.bptt
    for a in PRE_ACTIVATIONS:
        case = case_of(text, a, n)
        if what == "J":
            value = right_J(act, case.W_hh, case.trajectory().a)
            monkeypatch.setattr(rnn, "step_jacobians", lambda *args: right_J(*args) * WRONG)
        else:
            value = right_bptt(act, case.W_hh, case.W_xh, case.b_h, case.h0, case.x,
                               case.y).W_hh
            monkeypatch.setattr(rnn, "bptt", lambda *args: dataclasses.replace(
                right_bptt(*args), W_hh=right_bptt(*args).W_hh * WRONG))
        checks = numeric.run_checks(case)
        monkeypatch.undo()
        if np.all(value * WRONG == value):
            continue
        passed = [report.passed for report in checks.values()]
        assert False in passed or passed == [None] * 4, (text, n, a, what, checks)
        if float(np.max(np.abs(value))) >= NORMAL:
            assert False in passed, (text, n, a, what, checks)


@pytest.mark.parametrize("a", [-37.0, -37.5, -37.7, -38.0, -38.5])
def test_gelu_tail_built_from_underflow(a, monkeypatch):
    """gelu'(a) = Φ(a) + a φ(a) near −37.7 comes from exp(−a²/2) ≈ 1e-309, a subnormal factor,
    and float64's value is 7e-4 off there (measured here against mpmath): never a FAIL on the
    correct J_k; where float64's gelu' is right to 1e-13 (a = −37, −37.5: 1e-297, 6.5e-305,
    below TINY/ε) a J_k off by 1e-6 fails."""
    case = case_of("gelu", a, 1)
    for method, report in numeric.run_checks(case).items():
        assert report.passed is not False, (a, method, report)
    dphi = numeric.activation_functions(case.activation)[1](case.trajectory().a)
    with mp.workdps(50):
        z = [mp.mpf(float(v)) for v in case.trajectory().a[:, 0]]
        exact = [DPHI["gelu"](v)[0] for v in z]
        accurate = all(abs(d - e) <= 1e-13 * abs(e) for d, e in zip(dphi[:, 0], exact,
                                                                       strict=True))
    assert accurate == (a >= -37.5)
    right_J = rnn.step_jacobians
    monkeypatch.setattr(rnn, "step_jacobians", lambda *args: right_J(*args) * WRONG)
    passed = [report.passed for report in numeric.run_checks(case).values()]
    if accurate:
        assert False in passed, (a, passed)


def test_elu_at_minus_700_is_judged(monkeypatch):
    """elu'(−700) = e^−700 ≈ 9.9e-305 (mpmath), a normal float computed directly: the mpmath
    check compares J_k there and fails one off by 1e-6 (it was skipped below TINY/ε)."""
    with mp.workdps(50):
        assert mp.exp(-700) > 2.0**-1022 and mp.exp(-700) < 2.0**-1022 / 2.0**-52
    case = case_of("elu", -700.0, 1)
    assert numeric.run_checks(case)["mpmath"].passed is True
    right_J = rnn.step_jacobians
    monkeypatch.setattr(rnn, "step_jacobians", lambda *args: right_J(*args) * WRONG)
    assert numeric.run_checks(case)["mpmath"].passed is False
