"""Every registered activation at pre-activations across float64's range, to ±745 where
exp(±a) leaves it (issue 14, "Done when"): ``numeric.run_checks`` gives no FAIL on the correct
derivatives and no pass on a wrong one.

Case: n = 1, T = 2, W_hh = 1/2, W_xh = 1, h0 = 1/4, y = 0.3, x_k chosen so that
a_1 = a exactly and a_2 ≈ a.  Reference: φ' written out here in mpmath at 50 digits
(kinks: either one-sided value), evaluated at the float a_k; the wrong derivatives are
J_k · (1 + 1e-6) and ∂L/∂W_hh · (1 + 1e-6) (monkeypatched where the checks read them)."""

import dataclasses

import mpmath as mp
import numpy as np
import pytest

import derive
import numeric
from numeric import rnn

PRE_ACTIVATIONS = (-745.0, -700.0, -100.0, -20.0, -1.0, 0.0, 1.0, 20.0, 100.0, 700.0, 745.0)
NORMAL = 2.0**-1000      # a reference this large is a normal float with 22 bits to spare
WRONG = 1 + 1e-6


def _sigmoid(z):
    return 1 / (1 + mp.exp(-z))


def _step(z, inside, outside):
    return inside if z > 0 else outside


DPHI = {  # name: z ↦ (φ'(z), φ'(z) from the other side at a kink)
    "tanh": lambda z: (mp.sech(z) ** 2,) * 2,
    "sigmoid": lambda z: (_sigmoid(z) * _sigmoid(-z),) * 2,     # 1 − σ(z) = σ(−z)
    "relu": lambda z: (_step(z, 1, 0), mp.mpf(z == 0) or _step(z, 1, 0)),
    "identity": lambda z: (mp.mpf(1),) * 2,
    "leaky_relu": lambda z: (_step(z, 1, mp.mpf(1) / 100),
                             1 if z == 0 else _step(z, 1, mp.mpf(1) / 100)),
    "softsign": lambda z: (1 / (1 + abs(z)) ** 2,) * 2,
    "hardtanh": lambda z: ((1 if -1 < z < 1 else 0),) * 2,
    "softplus": lambda z: (_sigmoid(z),) * 2,
    "elu": lambda z: (_step(z, 1, mp.exp(z)), 1 if z == 0 else _step(z, 1, mp.exp(z))),
    "silu": lambda z: (_sigmoid(z) * (1 + z * _sigmoid(-z)),) * 2,
    "gelu": lambda z: (mp.ncdf(z) + z * mp.npdf(z),) * 2,
}


def extreme_case(act, a):
    """a_1 = a exactly (x_1 = a − 1/8 is exact for these a), a_2 = a up to one rounding."""
    phi = numeric.activation_functions(act)[0]
    x1 = a - 0.125
    h1 = phi(np.array([0.5 * 0.25 + x1]))[0]
    return numeric.case_from_dict({"activation": act.name, "W_hh": [[0.5]], "W_xh": [[1.0]],
                                   "h0": [0.25], "x": [[x1], [a - 0.5 * h1]], "y": [0.3]})


def test_the_registry_is_covered():
    assert sorted(DPHI) == sorted(derive.activation_names())


def _assert_no_false(checks, label):
    for method, report in checks.items():
        assert report.passed is not False, (label, method, report)
        if report.passed is None:
            assert report.note.startswith("not performed: "), (label, method, report)


@pytest.mark.parametrize("name", derive.activation_names())
def test_no_fail_on_the_correct_derivatives(name):
    act = derive.activation(name)
    for a in PRE_ACTIVATIONS:
        case = extreme_case(act, a)
        path = case.trajectory()
        assert path.a[0, 0] == a and abs(path.a[1, 0] - a) <= 1e-15 * max(1.0, abs(a))
        J = rnn.step_jacobians(act, case.W_hh, path.a)
        with mp.workdps(50):
            for k in range(2):
                z = mp.mpf(float(path.a[k, 0]))
                sides = [0.5 * d for d in DPHI[name](z)]
                if max(abs(s) for s in sides) >= NORMAL:     # float64 holds it to ~ε z²
                    tol = 1e-15 * (8 + z * z)
                    assert min(abs(J[k, 0, 0] - s) for s in sides) <= tol * abs(sides[0]) \
                        or min(abs(J[k, 0, 0] - s) for s in sides) == 0, (name, a, k)
        _assert_no_false(numeric.run_checks(case), (name, a))


def _wrong_results(name, monkeypatch, what):
    """(a, run_checks with ``what`` ("J" or "grad") off by WRONG, whether the right value is
    a normal float) for each a where the wrong value differs from the right one."""
    act = derive.activation(name)
    right_J, right_bptt = rnn.step_jacobians, rnn.bptt
    results = []
    for a in PRE_ACTIVATIONS:
        case = extreme_case(act, a)
        if what == "J":
            value = right_J(act, case.W_hh, case.trajectory().a)
        else:
            value = right_bptt(act, case.W_hh, case.W_xh, case.b_h, case.h0, case.x,
                               case.y).W_hh
        if np.all(value * WRONG == value):
            continue     # 0 or subnormal: the wrong value is the right one
        if what == "J":
            monkeypatch.setattr(rnn, "step_jacobians", lambda *args: right_J(*args) * WRONG)
        else:
            monkeypatch.setattr(rnn, "bptt", lambda *args: dataclasses.replace(
                right_bptt(*args), W_hh=right_bptt(*args).W_hh * WRONG))
        checks = numeric.run_checks(case)
        monkeypatch.undo()
        results.append((a, checks, float(np.max(np.abs(value))) >= NORMAL))
    return results


@pytest.mark.parametrize("what", ["J", "grad"])
@pytest.mark.parametrize("name", derive.activation_names())
def test_no_pass_on_a_wrong_derivative(name, what, monkeypatch):
    """Wherever the wrong value differs from the right one the verdict is not a pass (some
    check fails, or none could be performed: ``rnngrad check`` exits 1 either way; a single
    check may still pass on the quantities it compared, the wrong one not among them), and
    where the right one is a normal float some check fails."""
    for a, checks, normal in _wrong_results(name, monkeypatch, what):
        passed = [report.passed for report in checks.values()]
        assert False in passed or passed == [None] * 4, (name, a, what, checks)
        if normal:
            assert False in passed, (name, a, what, checks)
