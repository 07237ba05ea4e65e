"""γ_φ = sup_z |φ'(z)| of custom formulas is never below the truth, and exact only when exact.

Issue 16 items 1 and 2: a feature of φ' far beyond the old search grid (z ≈ 10^5) was missed
and γ underestimated; accumulation bounds overestimated γ of periodic φ' and were called exact.
The truths here are independent: mpmath root finding on φ'' written by hand, dense numpy
evaluation around the feature, and closed forms (sup|sin 2z| = 1).
"""

import mpmath
import numpy as np
import pytest

from derive.parser import parse_activation


def _float(gamma):
    return float(gamma)


def test_far_feature_is_bounded_not_missed():
    """atan(z − 10^5) + sin(z)/10^6: φ' = 1/(1 + (z − 10^5)²) + cos(z)/10^6, largest near 10^5."""
    act = parse_activation("atan(x-100000)+sin(x)/1000000")
    with mpmath.workdps(40):
        d1 = lambda z: 1 / (1 + (z - 100000) ** 2) + mpmath.cos(z) / 10**6    # noqa: E731
        d2 = lambda z: (-2 * (z - 100000) / (1 + (z - 100000) ** 2) ** 2     # noqa: E731
                        - mpmath.sin(z) / 10**6)
        root = mpmath.findroot(d2, mpmath.mpf(100000))
        truth = float(d1(root))
    z = np.linspace(100000 - 5, 100000 + 5, 200001)
    dense = np.max(np.abs(1 / (1 + (z - 100000) ** 2) + np.cos(z) / 1e6))
    assert abs(dense - truth) <= 1e-9
    assert _float(act.gamma) >= truth * (1 - 1e-12)
    assert _float(act.gamma) <= truth * (1 + 1e-12)
    assert not act.gamma_exact
    assert "interval arithmetic" in act.gamma_method


def _sin64():
    # φ' = 64 s^63 c; φ'' = 0 at tan² z = 63: s² = 63/64, c² = 1/64
    with mpmath.workdps(40):
        return float(64 * mpmath.sqrt(mpmath.mpf(63) / 64) ** 63 / 8)


PERIODIC = {"sin(x)**2": lambda: 1.0, "sin(x)**64": _sin64,
            "cos(x)*0.5+sin(x)*0.5": lambda: float(mpmath.sqrt(2) / 2)}


@pytest.mark.parametrize("formula", sorted(PERIODIC))
def test_periodic_derivative_gets_its_true_supremum(formula):
    act = parse_activation(formula)
    truth = PERIODIC[formula]()
    z = np.linspace(0, 2 * np.pi, 400001)
    dphi = {"sin(x)**2": np.sin(2 * z), "sin(x)**64": 64 * np.sin(z) ** 63 * np.cos(z),
            "cos(x)*0.5+sin(x)*0.5": 0.5 * (np.cos(z) - np.sin(z))}[formula]
    assert abs(np.max(np.abs(dphi)) - truth) <= 1e-6 * truth    # the dense grid: a cross-check
    assert _float(act.gamma) >= truth * (1 - 1e-12)
    assert abs(_float(act.gamma) - truth) <= 1e-9 * truth
    assert act.gamma_exact and act.gamma_method == "exact"


def _sech_like_truth():
    """sin(z)/(1 + (z − 10^5)²): φ' = cos z/(1+u²) − 2u sin z/(1+u²)², u = z − 10^5."""
    def d1(z):
        u = z - 100000
        return mpmath.cos(z) / (1 + u**2) - 2 * u * mpmath.sin(z) / (1 + u**2) ** 2
    z = np.linspace(100000 - 3, 100000 + 3, 60001)
    u = z - 100000
    start = z[np.argmax(np.abs(np.cos(z) / (1 + u**2) - 2 * u * np.sin(z) / (1 + u**2) ** 2))]
    with mpmath.workdps(40):
        root = mpmath.findroot(lambda z: mpmath.diff(d1, z), mpmath.mpf(float(start)))
        return float(abs(d1(root)))


def _gauss_truth():
    """exp(−(z − 10^6)²) sin z: φ' = e^{−u²}(cos z − 2u sin z), u = z − 10^6."""
    def d1(z):
        u = z - 1000000
        return mpmath.exp(-u**2) * (mpmath.cos(z) - 2 * u * mpmath.sin(z))
    z = np.linspace(1000000 - 3, 1000000 + 3, 60001)
    u = z - 1000000
    start = z[np.argmax(np.abs(np.exp(-u**2) * (np.cos(z) - 2 * u * np.sin(z))))]
    with mpmath.workdps(40):
        root = mpmath.findroot(lambda z: mpmath.diff(d1, z), mpmath.mpf(float(start)))
        return float(abs(d1(root)))


FAR = {"sin(x)/(1+(x-100000)**2)": _sech_like_truth,
       "exp(-(x-1000000)**2)*sin(x)": _gauss_truth}


@pytest.mark.parametrize("formula", sorted(FAR))
def test_certified_bound_holds_over_the_whole_line(formula):
    """The interval certificate alone (no grid search): L ≤ truth ≤ U, U within 10^-12."""
    import sympy as sp

    from derive._certify import certify_sup
    from derive.activations import Z
    from derive.parser import parse_formula

    dphi = sp.diff(parse_formula(formula), Z)
    certificate = certify_sup([(dphi, (-sp.oo, sp.oo))], Z)
    truth = FAR[formula]()
    assert float(certificate.upper) >= truth * (1 - 1e-12)
    assert float(certificate.upper) <= truth * (1 + 1e-12)
    assert float(certificate.lower) <= truth * (1 + 1e-12)
    # issue 16, round 2: the tails by interval arithmetic alone (e^{-(z-10^6)^2}·(z-10^6)·sin z
    # on [A, ∞) by the monotone rule), no SymPy limit standing in beyond 10^12
    assert not certificate.far


def test_quasi_periodic_derivative_is_refused_in_plain_words():
    """φ' = cos z sin(√2 z) + √2 sin z cos(√2 z) never settles nor repeats (periods 2π and
    √2π): no closed form and no interval certificate over the whole line, so γ_φ is refused,
    in words a student reads (before: "got Max(Abs(sqrt(2)*AccumBounds(-1, 1) - 1), ...)")."""
    with pytest.raises(ValueError) as info:
        parse_activation("sin(x)*sin(sqrt(2)*x)")
    message = str(info.value)
    assert "φ' has no limit as z → −∞ and its largest values there have no closed form" \
        in message
    assert "AccumBounds" not in message and "oo" not in message and "\n" not in message


def test_a_certificate_that_runs_out_says_where_in_words():
    """Given up after 4 boxes: the message names the interval, the count and both bounds, and
    the bound it gives is above the largest value found (L ≤ sup ≤ U is never inverted)."""
    import re

    import sympy as sp

    from derive._certify import certify_sup
    from derive.activations import Z

    dphi = sp.cos(Z) * sp.exp(-Z**2 / 100) + sp.sin(3 * Z) / 7
    with pytest.raises(ValueError) as info:
        certify_sup([(dphi, (-sp.oo, sp.oo))], Z, max_boxes=4)
    found = re.fullmatch(r"interval arithmetic could not bound \|φ'\| on \[\S+, \S+\] after "
                         r"splitting the line into \d+ intervals \(best bound (\S+), largest "
                         r"value found (\S+)\)", str(info.value))
    assert found, str(info.value)
    upper, lower = float(found[1]), float(found[2])
    # |φ'(0)| = 1 exactly, and |φ'| ≤ 1 + 1/7 everywhere (by hand)
    assert 1 <= lower <= upper <= 1 + 1 / 7 + 1e-5


def test_check_says_when_gamma_is_an_upper_bound():
    """`rnngrad check` printed a certified γ (silu's, confirmed by interval arithmetic, not
    exact) exactly like an exact one; the table now marks it and the JSON names the method,
    while an exact γ (tanh: 1) stays unmarked."""
    import numeric
    from reports.checking import check_case, render_table

    def row(activation):
        case = numeric.case_from_dict({"activation": activation, "W_hh": [[0.5]],
                                       "W_xh": [[1.0]], "x": [[0.2]] * 3, "y": [0.1]})
        result = check_case(case, None)
        line = next(r for r in render_table(result).splitlines() if r.strip()[:5] == "gamma")
        return result["gamma_method"], line

    method, line = row("silu")
    assert "interval arithmetic" in method and line.endswith("(an upper bound of sup|phi'|)")

    def dphi(z):    # silu'(z) = σ(z)(1 + z(1 − σ(z)))
        sigma = 1 / (1 + mpmath.exp(-z))
        return sigma * (1 + z * (1 - sigma))

    with mpmath.workdps(30):
        truth = dphi(mpmath.findroot(lambda z: mpmath.diff(dphi, z), 2.4))
        assert truth <= mpmath.mpf(line.split()[1]) <= truth * (1 + 1e-12)
    method, line = row("tanh")
    assert method == "exact" and line.split() == ["gamma", "1"]
