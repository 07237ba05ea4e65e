"""γ of a custom formula through the real CLI: a feature far out is bounded, never missed."""

import json

import mpmath

from tests.adversarial.hostile import assert_clean, rnngrad


def _far_feature_sup():
    """sup|φ'| of φ = atan(z − 10^5) + sin(z)/10^6, φ' = 1/(1 + (z − 10^5)²) + cos(z)/10^6:
    at the root of φ'' = −2u/(1 + u²)² − sin(z)/10^6 (u = z − 10^5) next to 10^5 (mpmath)."""
    with mpmath.workdps(40):
        d1 = lambda z: 1 / (1 + (z - 100000) ** 2) + mpmath.cos(z) / 10**6    # noqa: E731
        d2 = lambda z: (-2 * (z - 100000) / (1 + (z - 100000) ** 2) ** 2     # noqa: E731
                        - mpmath.sin(z) / 10**6)
        return d1(mpmath.findroot(d2, mpmath.mpf(100000)))


def test_far_feature_gamma_is_not_underestimated():
    """Before: γ = 1.0·10^-6 "certified"; truth ≈ 0.999999 at z ≈ 10^5.  Now the printed γ is
    an upper bound within 10^-12 of the truth, and says it is not exact."""
    run = rnngrad("derive", "--formula", "atan(x-100000)+sin(x)/1000000", "--hidden", "1",
                  "--steps", "1", "--format", "json", timeout=30)
    assert_clean(run)
    result = json.loads(run.stdout)
    truth = _far_feature_sup()
    with mpmath.workdps(40):
        gamma = mpmath.mpf(result["gamma"])
        assert truth <= gamma <= truth * (1 + mpmath.mpf(10) ** -12), (gamma, truth)
    assert result["gamma_exact"] is False
