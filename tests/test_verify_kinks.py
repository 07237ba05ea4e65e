"""numeric.verify on kinks and critical points: no check fails a correct gradient (issue 9,
items 5 and 6): pre-activations exactly on every kink of φ and φ', on the zeros of φ' and φ'',
and on a grid over [−40, 40]; a check that cannot decide is n/a, and rtol = 1e-30 fails every
check performed (unless its error is exactly 0)."""

import mpmath
import numpy as np
import pytest

import derive
import numeric
from numeric import differences as fd
from numeric.oracle import mp_activation, mp_reference
from tests.test_verify import driven_case

VARIANTS = [derive.activation(name) for name in derive.activation_names()] + [
    derive.activation("leaky_relu", alpha=0.2), derive.activation("leaky_relu", alpha=3),
    derive.activation("elu", alpha=0.5)]
W_2x2 = [[0.6, -0.4], [0.3, 0.8]]
METHODS = ("central", "richardson", "complex_step", "mpmath")


def special_points(act):
    """Kinks of φ' (φ'' for softsign, elu), ±1, 0, and the zeros of φ' and φ'' (silu at
    −1.278 and 2.399, gelu at −0.752 and ±√2), found with the oracle's φ' at 30 digits."""
    points = {float(k) for k in act.kinks} | {-1.0, 0.0, 1.0}
    _, dphi, _ = mp_activation(act)
    starts = {"silu": ([-1.3], [2.4, -2.4]), "gelu": ([-0.75], [1.41, -1.41])}
    with mpmath.workdps(30):
        for zero_of_dphi, zero_of_d2 in [starts.get(act.name, ([], []))]:
            points |= {float(mpmath.findroot(dphi, z)) for z in zero_of_dphi}
            points |= {float(mpmath.findroot(lambda z: mpmath.diff(dphi, z), z))
                       for z in zero_of_d2}
    return sorted(points)


def scan_cases(act, grid):
    """Scalar one-step cases (w = 1.1, 0.7) at every point; 2×2 cases pairing every point with
    every special point; and sequences through the special points (scalar and 2×2)."""
    special = special_points(act)
    for p in sorted(set(special) | set(grid)):
        yield f"scalar {p}", [[1.1]], [[p]]
        yield f"scalar w=0.7 {p}", [[0.7]], [[p]]
        for q in special:
            yield f"2x2 ({p}, {q})", W_2x2, [[p, q]]
    yield "scalar sequence", [[0.7]], [[p] for p in special]
    yield "2x2 sequence", W_2x2, list(zip(special, special[::-1], strict=True))


def scan(act, grid):
    """(failures at the default tolerances, checks that passed at rtol 1e-30 although no
    difference quotient can resolve 1e-30 or a quantity they judged is off by more, number of
    cases, {method: number of cases it passed}: a check is n/a where it cannot decide, and
    these counts keep n/a from standing in for a check that should have run)."""
    failures, strict, count, passed = [], [], 0, dict.fromkeys(METHODS, 0)
    for label, W, targets in scan_cases(act, grid):
        case, count = driven_case(act, W, targets), count + 1
        for method, report in numeric.run_checks(case).items():
            passed[method] += report.passed is True
            if report.passed is False:
                failures.append((label, method, report.max_rel_error, report.note))
            if report.passed is None:
                assert report.note.startswith("not performed: "), (label, report)
        for method, report in numeric.run_checks(case, rtol=1e-30).items():
            honest = report.max_rel_error is not None and report.max_rel_error <= 1e-30
            if report.passed is True and (method in ("central", "richardson") or not honest):
                strict.append((label, method, report.max_rel_error, report.note))
    return failures, strict, count, passed


COMPACT_GRID = list(np.linspace(-40, 40, 9)) + [-38.5, -37.872981242592225, -33.99638996946047,
                                                -2.7, 0.35, 5.5]


@pytest.mark.parametrize("act", VARIANTS, ids=lambda a: a.name)
def test_verify_scan_of_kinks_critical_points_and_grid_has_no_false_failure(act):
    """Every check is pass or n/a on correct gradients; at rtol 1e-30 every check performed
    fails unless every quantity it judged is within 1e-30 (float64 exact, or a normwise error
    of a tiny entry such as tanh'(−40) = 7e-35); differences never pass there.  By hand
    (tests/test_verify_kinks.py, ``scan`` with a 161-point grid) the same holds."""
    failures, strict, count, passed = scan(act, COMPACT_GRID)
    assert count > 30
    assert not failures, failures[:3]
    assert not strict, strict[:3]
    assert passed["mpmath"] == count   # the oracle decides every case (measured: all)
    # measured on this grid: 49 % (hardtanh) to 100 % for the quotients; complex step 86 %
    # (gelu's tail is n/a) to 100 % for analytic φ, never for piecewise φ
    assert passed["central"] >= 0.45 * count and passed["richardson"] >= 0.45 * count
    assert passed["complex_step"] >= (0.8 * count if act.analytic else 0) and \
        (act.analytic or passed["complex_step"] == 0)


@pytest.mark.parametrize("name, alpha", [("softsign", None), ("elu", 0.5)])
def test_verify_richardson_on_a_kink_of_phi_second_derivative_resolves(name, alpha):
    """a = 0 exactly, where φ'' jumps (softsign) or φ' jumps (elu, α = 1/2): the one-sided
    quotient is extrapolated to O(s⁴) for Richardson (was a FAIL, 1.1e-6 and 1.8e-7 against
    1e-9, from the O(s²) one-sided quotient)."""
    act = derive.activation(name) if alpha is None else derive.activation(name, alpha=alpha)
    case = driven_case(act, [[1.1]], [[0.0]])
    assert case.trajectory().a[0, 0] == 0.0
    report = numeric.check_differences(case, "richardson")
    assert report.passed is True and report.max_rel_error <= 1e-10 and "kink" in report.note


def test_differences_one_sided_order_and_truncation_estimate():
    """g(t) = softsign(t) from t = 0: g'(0+) = 1, g''' ≠ 0.  The central one-sided quotient
    D(s) has error s²|g'''(0)|/6 ~ s², and its truncation estimate brackets that error;
    Richardson's (O(s⁴)) is within 1e-12 at s = 2^-10."""
    def g(t):
        return np.atleast_1d(t / (1 + abs(t)))
    s = 2.0 ** -10
    (forward, truncation), _, _ = fd.one_sided("central", g, s)
    error = abs(forward[0] - 1)
    assert 1e-7 < error and 0.5 * error <= truncation[0] <= 2 * error
    (forward, truncation), (backward, _), _ = fd.one_sided("richardson", g, s)
    assert abs(forward[0] - 1) <= 1e-12 and abs(backward[0] - 1) <= 1e-12
    assert truncation[0] <= 1e-12


@pytest.mark.parametrize("w, target", [([[0.7]], 1.0), ([[0.3]], -1.0)])
def test_oracle_takes_phi_prime_on_the_float_side_of_a_kink(w, target):
    """hardtanh: float a = ±1.0 exactly while the exact W h + x is ±1 ∓ 10⁻¹⁷ (across the
    kink): φ' is taken at the float a (was an mpmath FAIL, relative error 1)."""
    act = derive.activation("hardtanh")
    case = driven_case(act, w, [[target]])
    path = case.trajectory()
    assert path.a[0, 0] == target
    with mpmath.workdps(50):
        exact = mpmath.mpf(w[0][0]) * mpmath.mpf(0.25) + mpmath.mpf(case.x[0, 0])
    assert exact != target and abs(exact - target) < 1e-15
    assert mp_reference(case, 50, path.a).same_side == 1
    report = numeric.check_mpmath(case)
    assert report.passed is True and report.max_rel_error <= 1e-15
    assert "taken at the float a_k" in report.note


@pytest.mark.parametrize("name, start", [("silu", -1.28), ("gelu", -0.75)])
def test_verify_zero_of_phi_prime_is_not_judged_where_float64_cannot_know_it(name, start):
    """At a zero of φ' the float φ'(a) ~ 1e-17 is a difference of two terms of size ~0.2: its
    relative error is O(1) although its absolute error is ~ε (was an mpmath and complex-step
    FAIL).  Those checks are n/a with the reason; the float J is within 2ε of the exact one."""
    act = derive.activation(name)
    _, dphi, _ = mp_activation(act)
    with mpmath.workdps(30):
        zero = float(mpmath.findroot(dphi, start))
    case = driven_case(act, [[1.1]], [[zero]])
    checks = numeric.run_checks(case)
    for method in ("mpmath", "complex_step"):
        assert checks[method].passed is not False, checks[method]
        assert "cannot know to rtol" in checks[method].note
    assert checks["complex_step"].passed is None   # nothing else it could judge: n/a
    assert checks["mpmath"].passed is True         # h itself is still judged
    J = numeric.step_jacobians(act, case.W_hh, case.trajectory().a)[0, 0, 0]
    with mpmath.workdps(50):
        exact = dphi(mpmath.mpf(case.trajectory().a[0, 0])) * mpmath.mpf(1.1)
    assert abs(J - exact) <= 2 * fd.EPS and abs(J) < 1e-15


@pytest.mark.parametrize("a", [-38.5, -37.872981242592225, -37.70487933024444])
def test_verify_differences_of_subnormal_values_are_uninformative(a):
    """gelu at a = −38.5: J = gelu'(a) w ≈ −2.3e-321 is subnormal and φ(a + t) keeps no
    relative precision there: the quotients are uninformative (n/a), not a FAIL (was one, with
    relative error 1, as the floor ε |g| / s ignored values flushed to 0 below TINY: at −37.87
    φ(a ± s) = −0 exactly); mpmath leaves quantities built from it uncompared (at −37.70 the
    float φ' ≈ 1e-307 comes from exp(−711), subnormal: was a FAIL, 7e-4)."""
    case = driven_case(derive.activation("gelu"), [[1.1]], [[a]])
    J = numeric.step_jacobians(case.activation, case.W_hh, case.trajectory().a)
    assert 0 < abs(J[0, 0, 0]) < 1e-290
    for method in ("central", "richardson"):
        report = numeric.check_differences(case, method)
        assert report.passed is None and report.note.startswith("not performed"), report
    mp_check = numeric.check_mpmath(case)  # the subnormal product was compared: FAIL, 1.7e-2
    assert mp_check.passed is not False and "underflows" in mp_check.note, mp_check


def test_verify_complex_step_in_gelu_tail_is_not_a_false_failure():
    """gelu at a = −33.996...: float φ'(a) ∝ exp(−a²/2) keeps ~a²ε/2 ≈ 1e-13 relative, and
    the complex step differs from it by 2.3e-13 > 1e-13 (was a FAIL): n/a, not FAIL; mpmath
    (tolerance 1e-12) still decides and passes."""
    case = driven_case(derive.activation("gelu"), [[1.1]], [[-33.99638996946047]])
    checks = numeric.run_checks(case)
    assert checks["complex_step"].passed is None, checks["complex_step"]
    assert checks["mpmath"].passed is True, checks["mpmath"]


if __name__ == "__main__":  # the bigger scan by hand: python3 -m tests.test_verify_kinks
    import time
    for act in VARIANTS:
        start = time.time()
        failures, strict, count, _ = scan(act, list(np.linspace(-40, 40, 161)))
        print(f"{act.name:28s} {count:5d} cases  {len(failures)} FAIL  {len(strict)} strict "
              f"passes  {time.time() - start:.1f} s", failures[:2], strict[:2], flush=True)
