"""derive.parser: legitimate formulas give φ' (checked by central differences) and γ_φ
(checked against independent values: hand-derived closed forms and mpmath roots of φ'');
variable names and the activation's name."""

import functools
import random

import mpmath
import pytest
import sympy as sp

from derive.activations import Activation, Z
from derive.parser import parse_activation


@functools.cache
def _parsed(text):
    """parse_activation, cached: several tests look at the same legitimate formulas."""
    return parse_activation(text)


# --- 3. legitimate formulas: γ_φ against independent values, φ' against differences ------------

EXACT_GAMMA = [
    ("x/(1+Abs(x))", sp.Integer(1)),
    ("tanh(2*x)", sp.Integer(2)),
    ("0.5*x", sp.Rational(1, 2)),
    ("1/(1+exp(-x))", sp.Rational(1, 4)),
    ("exp(-x**2)", sp.sqrt(2) * sp.exp(-sp.Rational(1, 2))),
]
SILU = "x*sigmoid(x)"
ACCEPTED = [text for text, _ in EXACT_GAMMA] + [SILU, "tanh(u)", "a/(1+Abs(a))", "max(z, 0)"]


@pytest.mark.parametrize("text,expected", EXACT_GAMMA)
def test_parse_activation_gamma_exact(text, expected):
    act = _parsed(text)
    assert isinstance(act, Activation)
    assert act.gamma_exact
    assert sp.simplify(act.gamma - expected) == 0
    assert not any(isinstance(a, sp.Float) for a in sp.preorder_traversal(act.gamma))


def test_parse_activation_gamma_exact_types():
    assert _parsed("x/(1+Abs(x))").gamma == sp.Integer(1)
    assert isinstance(_parsed("x/(1+Abs(x))").gamma, sp.Integer)
    assert _parsed("tanh(2*x)").gamma == sp.Integer(2)
    half = _parsed("0.5*x").gamma
    assert isinstance(half, sp.Rational) and not isinstance(half, sp.Float)
    assert half == sp.Rational(1, 2)
    assert _parsed("0.5*x").phi == Z / 2
    assert _parsed("1/(1+exp(-x))").gamma == sp.Rational(1, 4)


def test_parse_activation_gamma_gaussian_against_mpmath():
    act = _parsed("exp(-x**2)")
    with mpmath.workdps(30):
        # φ' = -2z exp(-z²), φ'' = (4z² - 2) exp(-z²); |φ'| → 0 at ±∞.
        root = mpmath.findroot(lambda z: (4 * z**2 - 2) * mpmath.exp(-z**2), 0.6)
        gamma = max(abs(-2 * r * mpmath.exp(-r**2)) for r in (root, -root))
        assert abs(root - 1 / mpmath.sqrt(2)) < mpmath.mpf("1e-25")
        assert abs(mpmath.mpf(str(act.gamma.evalf(40))) - gamma) < mpmath.mpf("1e-25")


def _silu_gamma_mpmath():
    """Independent oracle at 50 dps: roots of φ''(z) = σ(1-σ)(2 + z(1-2σ)); limits of φ'."""
    with mpmath.workdps(50):
        def sigma(z):
            return 1 / (1 + mpmath.exp(-z))

        def d1(z):
            return sigma(z) * (1 + z * (1 - sigma(z)))

        def d2(z):
            s = sigma(z)
            return s * (1 - s) * (2 + z * (1 - 2 * s))

        roots = [mpmath.findroot(d2, start) for start in (2.4, -2.4)]
        assert all(abs(d2(r)) < mpmath.mpf("1e-45") for r in roots)
        assert abs(roots[0] + roots[1]) < mpmath.mpf("1e-40")  # z·tanh(z/2) = 2 is even
        # φ'(+∞) = 1, φ'(-∞) = 0
        return max([abs(d1(r)) for r in roots] + [mpmath.mpf(1), mpmath.mpf(0)])


def test_parse_activation_gamma_silu_against_mpmath():
    act = _parsed(SILU)
    assert not act.gamma_exact
    assert isinstance(act.gamma, sp.Float)
    gamma = _silu_gamma_mpmath()
    with mpmath.workdps(50):
        assert abs(mpmath.mpf(str(act.gamma)) - gamma) < mpmath.mpf("1e-25")
    assert abs(float(act.gamma) - 1.0998393201288669) < 1e-15


@pytest.mark.parametrize("text", ACCEPTED)
def test_parse_activation_dphi_matches_central_difference(text):
    act = _parsed(text)
    rng = random.Random(0)
    step = sp.Rational(1, 10**6)
    for _ in range(20):
        point = sp.Rational(rng.uniform(-4, 4))  # exact, so evalf controls all the rounding
        derivative = act.derivative_at(point).evalf(30)
        difference = ((act.at(point + step) - act.at(point - step)) / (2 * step)).evalf(30)
        assert derivative.is_real and difference.is_real
        assert abs(derivative - difference) <= 1e-6 * abs(difference) + 1e-8, (text, point)


@pytest.mark.parametrize("text", ACCEPTED)
def test_parse_activation_analytic_flag(text):
    non_analytic = any(name in text for name in ("Abs", "max", "min"))
    assert _parsed(text).analytic is not non_analytic


# --- 4. variable names -------------------------------------------------------------------------

@pytest.mark.parametrize("variable", ["z", "x", "a", "u"])
def test_parse_activation_variable_names(variable):
    act = parse_activation(f"{variable}/(1 + Abs({variable}))")
    assert act.phi == Z / (1 + sp.Abs(Z))
    assert act.phi.free_symbols == {Z} and act.dphi.free_symbols <= {Z}
    assert act.variable is Z and Z.is_real
    assert act.gamma == 1


@pytest.mark.parametrize("variable", ["z", "x", "a", "u"])
def test_parse_activation_bare_variable_is_identity(variable):
    act = parse_activation(variable)
    assert act.phi == Z
    assert act.gamma == 1 and act.gamma_exact


def test_parse_activation_name():
    assert parse_activation("  tanh(2*x) ").name == "tanh(2*x)"
    assert parse_activation("tanh(2*x)", name="tanh2").name == "tanh2"
