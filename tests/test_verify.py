"""numeric.verify over the whole registry: every check passes on correct gradients for
pre-activations in [-40, 40] (complex-safe φ), a check that resolves nothing is n/a and never a
pass, and the complex step scales its step with the weights."""


import mpmath
import numpy as np
import pytest

import derive
import numeric
from numeric.accuracy import random_case
from numeric.case import Case
from tests.conftest import ACTIVATIONS

# --- complex-safe φ and every check over the registry in [-40, 40] (issue 9, item 5) ----------

VARIANTS = [derive.activation(name) for name in ACTIVATIONS] + [
    derive.activation("leaky_relu", alpha=0.2), derive.activation("elu", alpha=0.5)]
DRIVES = (-40.0, -30.0, -10.0, 0.5, 10.0, 30.0, 40.0)


def driven_case(act, W, targets):
    """A case whose pre-activations are a_k = targets[k] (up to rounding): x_k = a_k − W h_{k−1}
    with W_xh = I, b_h = 0, h_0 = 1/4, and a target y = 0.3 for the loss."""
    W = np.asarray(W, float)
    n = len(W)
    phi = numeric.activation_functions(act)[0]
    h, xs = np.full(n, 0.25), []
    for a in np.asarray(targets, float).reshape(-1, n):
        xs.append(a - W @ h)
        h = phi(W @ h + xs[-1])
    return Case(act, W, np.eye(n), np.zeros(n), np.full(n, 0.25), np.array(xs), np.full(n, 0.3))


def _driven_cases(act):
    yield "scalar", [[a] for a in DRIVES], [[0.7]]
    yield "2x2", list(zip(DRIVES, DRIVES[::-1], strict=True)), [[0.6, -0.4], [0.3, 0.8]]
    for a in DRIVES:
        yield f"one step at {a}", [[a]], [[1.1]]


@pytest.mark.parametrize("act", VARIANTS, ids=[a.name for a in VARIANTS])
def test_verify_every_check_passes_for_pre_activations_in_plus_minus_40(act):
    """No check fails a correct gradient anywhere in a_k ∈ {±40, ±30, −10, 0.5, 10}; complex step
    and mpmath are performed wherever the float64 quantities are representable (softplus used
    to fail complex step at a_k ≤ −10); difference checks are pass or n/a (saturation)."""
    for label, targets, W in _driven_cases(act):
        case = driven_case(act, W, targets)
        np.testing.assert_allclose(case.trajectory().a, targets, rtol=1e-14, atol=1e-15)
        checks = numeric.run_checks(case)
        for report in checks.values():
            assert report.passed is not False, (label, report)
            if report.passed is None:
                assert report.note.startswith("not performed: "), (label, report)
        assert checks["mpmath"].passed is True, (label, checks["mpmath"])
        cs = checks["complex_step"]
        J = numeric.step_jacobians(act, case.W_hh, case.trajectory().a)
        if act.analytic and np.max(np.abs(J)) > 1e-250:  # else s J underflows (gelu at −40)
            if cs.passed is None:  # gelu's tail: φ'(a) ∝ exp(−a²/2) keeps ~a²ε/2 relative
                assert act.name == "gelu" and "cannot know to rtol" in cs.note, (label, cs)
            else:
                assert cs.passed is True and cs.max_rel_error <= 1e-13, (label, cs)
        if not act.analytic:
            assert cs.passed is None and not cs.applicable, (label, cs)


@pytest.mark.parametrize("act", [a for a in VARIANTS if a.analytic], ids=lambda a: a.name)
def test_bridge_complex_phi_keeps_relative_precision(act):
    """Re φ(a + i s) = φ(a) and Im φ(a + i s)/s = φ'(a) to 1e-13 against the mpmath oracle
    (s = 1e-30), for a from −40 to 40 and at a = 0 from either side of the imaginary axis."""
    phi_c = numeric.complex_phi(act)
    phi_mp, dphi_mp, independent = numeric.oracle.mp_activation(act)
    assert independent
    points = np.array([-40.0, -30.0, -10.0, -0.5, 0.0, 0.5, 10.0, 30.0, 40.0])
    for sign in (1, -1):
        values = phi_c(points + sign * 1e-30j)
        for a, value in zip(points, values, strict=True):
            with mpmath.workdps(50):
                exact_phi, exact_dphi = phi_mp(mpmath.mpf(a)), dphi_mp(mpmath.mpf(a))
                if abs(exact_dphi) < 1e-250:  # gelu at −40: s φ' is below float64's range
                    continue
                # Re φ(a + is) = φ(a) − s²φ''(a)/2 + ...: the s² term is below 1e-50
                assert abs(value.real - exact_phi) <= 1e-13 * abs(exact_phi) + 1e-50, (a, value)
                assert abs(sign * value.imag / 1e-30 - exact_dphi) <= 1e-13 * abs(exact_dphi)


def test_bridge_complex_phi_refuses_non_analytic():
    with pytest.raises(ValueError, match="not analytic"):
        numeric.complex_phi(derive.activation("relu"))


def test_rnn_jacobian_product_of_subnormal_entries_rescales():
    """gelu'(−38) ≈ 1e-314 is subnormal: rescaling by 2^1073 in one factor overflowed."""
    P = numeric.jacobian_product(np.array([[[5e-324]]]))
    assert P.mantissa[0, 0] == 0.5 and P.exponent == -1073


# --- n/a: a check that resolves nothing is not a pass (issue 9, item 6) -------------------------

def test_verify_unresolvable_differences_are_not_performed():
    """At rtol = 1e-30 no quotient resolves anything: central and Richardson are n/a (None),
    never pass; complex step and mpmath ran and fail."""
    case = random_case("tanh", 2, 3, seed=5)
    checks = numeric.run_checks(case, rtol=1e-30)
    for method in ("central", "richardson"):
        assert checks[method].passed is None, checks[method]
        assert checks[method].note.startswith("not performed: ")
        assert checks[method].max_rel_error is None
    for method in ("complex_step", "mpmath"):
        assert checks[method].passed is False, checks[method]


def test_verify_relu_at_a_kink_is_not_performed_by_differences():
    """relu with h_0 = 0 and x = 0: every a_k = 0, every J_k and ∂L/∂W_hh is exactly 0 at a
    kink: no nonzero entry to resolve, so the quotients are n/a; mpmath still compares."""
    case = numeric.case_from_dict({"activation": "relu", "W_hh": [[1.2]], "W_xh": [[1.0]],
                                   "x": [[0.0], [0.0]], "y": [0.0]})
    checks = numeric.run_checks(case)
    assert [checks[m].passed for m in ("central", "richardson", "complex_step")] == [None] * 3
    assert checks["mpmath"].passed is True


@pytest.mark.parametrize("act", [derive.activation("leaky_relu"), derive.activation("elu"),
                                 derive.activation("leaky_relu", alpha=0.2)],
                         ids=lambda a: a.name)
def test_verify_pre_activation_exactly_on_a_kink_is_not_a_false_failure(act):
    """a_1 = 0 exactly with φ'(0) = α ≠ 0: the one-sided quotients use the first step, not one
    2^20 times smaller where the rounding of h + t e swamps them (was a central FAIL, 8e-7)."""
    case = driven_case(act, [[1.1]], [[0.0]])
    assert case.trajectory().a[0, 0] == 0.0
    for method in ("central", "richardson"):
        report = numeric.check_differences(case, method)
        assert report.passed is True and "kink" in report.note, report


HUGE_WEIGHT_CASES = [
    # W_hh = 1e30 with a tiny h_0 keeps a_1 = O(1): J_1 = 1e30 tanh'(1.5), dL/dW_hh ~ 1e-30
    {"activation": "tanh", "W_hh": [[1e30]], "W_xh": [[1.0]], "h0": [1e-30], "x": [[0.5]],
     "y": [1.0]},
    {"activation": "tanh", "W_hh": [[1e30]], "W_xh": [[1.0]], "x": [[1.0]], "y": [1.0]},
    # linear growth 1e20 per step: Im a_k would grow with it
    {"activation": "identity", "W_hh": [[1e20]], "W_xh": [[1.0]], "x": [[1.0], [1.0], [1.0]],
     "y": [0.0]},
    {"activation": "sigmoid", "W_hh": [[1e15, -2e15], [3e15, 1e15]], "W_xh": [[1.0], [0.5]],
     "h0": [1e-15, -2e-16], "x": [[0.3]], "y": [0.1, 0.2]},
]


@pytest.mark.parametrize("data", HUGE_WEIGHT_CASES, ids=lambda d: f"{d['activation']}")
def test_verify_complex_step_scales_its_step_with_the_weights(data):
    """A fixed s = 1e-30 puts Im a = s · W_hh = 1 into the pre-activation when W_hh = 1e30,
    and the complex step then fails a correct Jacobian (relative error 0.35).  The scaled
    step keeps Im a_k ≤ 1e-30: every check passes or is n/a, and complex step is performed."""
    reports = numeric.run_checks(numeric.case_from_dict(data))
    assert all(report.passed is not False for report in reports.values()), \
        {name: (r.max_rel_error, r.note) for name, r in reports.items()}
    assert reports["complex_step"].passed is True
    assert reports["complex_step"].max_rel_error <= 1e-13
