"""γ_φ = sup_z |φ'(z)| certified where the tails used to defeat interval arithmetic (issue 16
item 1, second round): mish and |z|·e^{−z²} + sin(z)/10⁶ were refused, their enclosures far
out blowing up (e^z/(1 + e^z) over a wide box, z·e^{−z²} on [A, ∞) as ∞·0); cos(z)³ got a
numeric γ where 2/√3 is exact.  Truths here are independent: φ' written by hand and evaluated
densely with mpmath, limits at ±∞ by hand, closed forms.
"""

import mpmath
import numpy as np
import sympy as sp

from derive.parser import parse_activation


def _dense_sup(d1, lo=-20, hi=20):
    """max |φ'| over a grid of step 1/64 on [lo, hi], then a grid of step 10^-5 around the best
    point (mpmath, 30 digits): a lower bound of sup|φ'| within ~10^-10 of it."""
    with mpmath.workdps(30):
        coarse = [mpmath.mpf(lo) + mpmath.mpf(k) / 64 for k in range(int((hi - lo) * 64) + 1)]
        best = max(coarse, key=lambda z: abs(d1(z)))
        fine = [best + mpmath.mpf(k) / 10**5 for k in range(-1600, 1601)]
        return max(abs(d1(z)) for z in fine)


def _mish_d1(z):
    t = mpmath.tanh(mpmath.log1p(mpmath.exp(z)))
    return t + z / (1 + mpmath.exp(-z)) * (1 - t * t)


def test_mish_is_certified():
    """φ' = t + z σ(z)(1 − t²), t = tanh(softplus z); φ'(−∞) = 0, φ'(∞) = 1 (by hand)."""
    act = parse_activation("x*tanh(log(1+exp(x)))")
    truth = max(_dense_sup(_mish_d1), 0, 1)
    assert float(act.gamma) >= float(truth)
    assert float(act.gamma) <= float(truth) * (1 + 1e-6)
    assert "interval arithmetic" in act.gamma_method
    assert "limit" not in act.gamma_method          # no SymPy limit stands in far out


def _abs_gauss_d1(z):
    """φ = |z| e^{−z²} + sin(z)/10⁶: φ' = sign(z) e^{−z²}(1 − 2z²) + cos(z)/10⁶ (z ≠ 0)."""
    return mpmath.sign(z) * mpmath.exp(-z * z) * (1 - 2 * z * z) + mpmath.cos(z) / 10**6


def test_abs_gauss_with_ripple_is_certified():
    act = parse_activation("Abs(x)*exp(-x**2)+sin(x)/1000000")
    # φ'(0+) = 1 + 10^-6 (a one-sided limit); at ±∞ only the ripple, |φ'| → at most 10^-6
    truth = max(_dense_sup(_abs_gauss_d1), 1 + mpmath.mpf(10) ** -6)
    assert float(act.gamma) >= float(truth)
    assert float(act.gamma) <= float(truth) * (1 + 1e-6)
    assert "interval arithmetic" in act.gamma_method


def test_cos_cubed_is_exact():
    """φ' = −3cos²z sin z; φ'' = 0 where sin²z = 1/3: |φ'| = 3·(2/3)·(1/√3) = 2/√3."""
    act = parse_activation("cos(x)**3")
    z = np.linspace(0, 2 * np.pi, 400001)
    dense = np.max(np.abs(-3 * np.cos(z) ** 2 * np.sin(z)))
    with mpmath.workdps(60):
        truth = 2 / mpmath.sqrt(3)
        assert abs(dense - float(truth)) <= 1e-9
        assert act.gamma_exact and act.gamma_method == "exact"
        assert abs(mpmath.mpf(str(sp.N(act.gamma, 60))) - truth) <= mpmath.mpf(10) ** -50


def test_decaying_product_enclosed_on_an_unbounded_box():
    """z·e^{−z²} on [4, ∞): the plain product is [0, ∞]·... (∞·0); the enclosure must be
    finite and hold the true maximum 4e^{−16} there (it decreases for z > 1/√2)."""
    from mpmath import iv

    from derive._interval import compile_interval

    z = sp.Symbol("z", real=True)
    saved, iv.dps = iv.dps, 60
    try:
        with mpmath.workdps(60):
            value = compile_interval(z * sp.exp(-z**2), z)(iv.mpf([4, "inf"]))
            top = mpmath.mpf(value.b._mpi_[1])
    finally:
        iv.dps = saved
    with mpmath.workdps(60):
        true = 4 * mpmath.exp(-16)
        assert true <= top <= true * (1 + mpmath.mpf(10) ** -20)


def test_tail_form_is_the_same_function():
    """mish's φ' rewritten for z ≥ 1 and z ≤ −1 agrees with the hand-written φ' (60 digits)."""
    from derive._tails import tail_form
    from derive.activations import Z
    from derive.parser import parse_formula

    dphi = sp.diff(parse_formula("x*tanh(log(1+exp(x)))"), Z)
    for side in (1, -1):
        f = sp.lambdify(Z, tail_form(dphi, Z, side), "mpmath")
        with mpmath.workdps(60):
            for z in (1, 3, 40, 700):
                x = mpmath.mpf(side * z)
                assert abs(f(x) - _mish_d1(x)) <= mpmath.mpf(10) ** -50
