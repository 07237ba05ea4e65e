"""φ' = cos z tanh z + sin z sech² z (φ = sin z tanh z) has no limit at ±∞ and never reaches
sup|φ'| = 1: |φ'|² ≤ tanh² z + sech⁴ z < 1 for z ≠ 0 (Cauchy–Schwarz; sech⁴ < sech²), and
|φ'| comes back near 1 on every period.  Issue 14, item 4: no limit is claimed, the ends are
shown as SymPy's accumulation bounds, and the numeric γ is an upper bound of 1 (item 3)."""

import mpmath
import sympy as sp

from derive import RNN, derivation
from derive.parser import parse_activation


def _dphi(z):
    return mpmath.cos(z) * mpmath.tanh(z) + mpmath.sin(z) * mpmath.sech(z) ** 2


def test_oscillating_derivative_claims_no_limit():
    act = parse_activation("sin(x)*tanh(x)")
    with mpmath.workdps(60):
        gamma = mpmath.mpf(act.gamma._mpf_) if isinstance(act.gamma, sp.Float) \
            else mpmath.mpf(str(sp.N(act.gamma, 70)))
        assert 1 <= gamma <= 1 + mpmath.mpf("1e-38")
        for point in act.gamma_attained:   # listed points agree with γ to the digits claimed
            assert abs(abs(_dphi(mpmath.mpf(str(point)))) - 1) <= mpmath.mpf("1e-35"), point
    assert act.gamma_approached == ()
    ends = {(p, d): bounds for p, d, bounds in act.gamma_unlimited}
    assert ends == {(-sp.oo, "+"): sp.AccumBounds(-1, 1), (sp.oo, "-"): sp.AccumBounds(-1, 1)}
    assert act.attainment()["no_limit"] == ["z -> -oo", "z -> oo"]
    reasons = [s.reason for s in derivation(RNN(1, activation=act), 1).steps]
    assert sum(r.startswith("no limit:") for r in reasons) == 2
    assert not any("the supremum is a limit" in r for r in reasons)
