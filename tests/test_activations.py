"""derive.activations: γ_φ and φ' against independent values (hand-derived, mpmath)."""

import mpmath
import pytest
import sympy as sp

import derive
from derive.activations import Z
from tests.conftest import ACTIVATIONS

EXACT_GAMMA = {
    "tanh": sp.Integer(1), "sigmoid": sp.Rational(1, 4), "relu": sp.Integer(1),
    "identity": sp.Integer(1), "softsign": sp.Integer(1), "hardtanh": sp.Integer(1),
    "softplus": sp.Integer(1), "elu": sp.Integer(1), "leaky_relu": sp.Integer(1),
    "gelu": (1 + sp.erf(1)) / 2 + 1 / (sp.E * sp.sqrt(sp.pi)),
}
KINKS = {"relu": [0], "leaky_relu": [0], "elu": [0], "softsign": [0], "hardtanh": [-1, 1]}
ANALYTIC = {"tanh", "sigmoid", "identity", "softplus", "silu", "gelu"}


def test_registry_names_cover_the_issue():
    assert set(ACTIVATIONS) == set(EXACT_GAMMA) | {"silu"}


@pytest.mark.parametrize("name", sorted(EXACT_GAMMA))
def test_gamma_exact_values(name):
    act = derive.activation(name)
    assert act.gamma_exact
    assert sp.simplify(act.gamma - EXACT_GAMMA[name]) == 0
    assert not any(isinstance(a, sp.Float) for a in sp.preorder_traversal(act.gamma))


def test_gamma_gelu_is_attained_at_sqrt2_and_exceeds_one():
    act = derive.activation("gelu")
    assert act.gamma_attained == sp.FiniteSet(sp.sqrt(2)) and act.gamma_approached == ()
    assert abs(float(act.gamma) - 1.1289) < 1e-4 and act.gamma > 1


def _silu_critical_point():
    """Independent oracle: φ''(z) = 0 for silu ⇔ z·tanh(z/2) = 2, solved by mpmath at 60 dps."""
    with mpmath.workdps(60):
        root = mpmath.findroot(lambda z: z * mpmath.tanh(z / 2) - 2, 2.4)
        s = 1 / (1 + mpmath.exp(-root))
        return root, s * (1 + root * (1 - s))


def test_gamma_silu_numeric_to_1e25():
    act = derive.activation("silu")
    root, gamma = _silu_critical_point()
    assert not act.gamma_exact
    assert act.gamma > 1
    with mpmath.workdps(60):
        assert abs(mpmath.mpf(str(act.gamma)) - gamma) < mpmath.mpf("1e-25")
        (at,) = act.gamma_attained
        assert abs(mpmath.mpf(str(at)) - root) < mpmath.mpf("1e-25")
    assert str(act.gamma).startswith("1.0998393201")


def test_gamma_leaky_relu_is_max_of_one_and_alpha():
    assert derive.activation("leaky_relu").gamma == 1
    assert derive.activation("leaky_relu", alpha=0.5).gamma == 1
    assert derive.activation("leaky_relu", alpha=3).gamma == 3
    assert derive.activation("leaky_relu", alpha=-2.5).gamma == sp.Rational(5, 2)
    assert derive.activation("elu", alpha=sp.Rational(1, 2)).gamma == 1


def _away_from_kinks(rng, name):
    while True:
        z = rng.uniform(-4, 4)
        if all(abs(z - k) > 1e-3 for k in KINKS.get(name, [])):
            return z


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_dphi_matches_central_difference(name, rng):
    act = derive.activation(name)
    phi = sp.lambdify(Z, act.phi, "mpmath")
    dphi = sp.lambdify(Z, act.dphi, "mpmath")
    with mpmath.workdps(40):
        step = mpmath.mpf("1e-12")
        for _ in range(20):
            z = mpmath.mpf(_away_from_kinks(rng, name))
            difference = (phi(z + step) - phi(z - step)) / (2 * step)
            assert abs(dphi(z) - difference) <= mpmath.mpf("1e-18") * (1 + abs(difference))


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("field", ["dphi", "phi"])
def test_stable_forms_equal_derived_forms(name, field):
    act = derive.activation(name)
    exact = sp.lambdify(Z, getattr(act, field), "mpmath")
    stable = sp.lambdify(Z, getattr(act, f"{field}_stable"), "mpmath")
    with mpmath.workdps(450):  # the derived forms cancel up to ~200 digits at |z| = 30 (gelu)
        for z in [-30, -12.5, -3, -0.7, 0.25, 1.5, 4, 12.5, 30]:
            want = exact(mpmath.mpf(z))
            assert abs(stable(mpmath.mpf(z)) - want) <= mpmath.mpf("1e-45") * abs(want)


def test_dphi_stable_keeps_relative_precision_in_saturation():
    """float64: sech² keeps ~1e-15 relative at a = 20 where 1 − tanh² is already 0."""
    stable = sp.lambdify(Z, derive.activation("tanh").dphi_stable, "math")
    naive = sp.lambdify(Z, derive.activation("tanh").dphi, "math")
    with mpmath.workdps(50):
        true = float(mpmath.sech(20) ** 2)
    assert abs(stable(20.0) - true) <= 1e-14 * true
    assert naive(20.0) == 0.0 or abs(naive(20.0) - true) > 1e-3 * true


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_analytic_flag(name):
    assert derive.activation(name).analytic is (name in ANALYTIC)


def test_activation_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="expected one of: tanh, sigmoid, relu"):
        derive.activation("swish2")


@pytest.mark.parametrize("params", [{"alpha": float("nan")}, {"alpha": "0.1"},
                                    {"alpha": sp.Symbol("a")}, {"beta": 1}])
def test_activation_bad_parameters(params):
    with pytest.raises(ValueError, match="leaky_relu"):
        derive.activation("leaky_relu", **params)


def test_activation_parameter_is_exact():
    act = derive.activation("leaky_relu", alpha=0.1)
    assert act.dphi.args[1][0] == sp.Rational(1, 10)
    assert act.name == "leaky_relu(alpha=1/10)"


OO = sp.oo
ATTAINED = {  # where |φ'(z)| = γ_φ, by hand from φ' (SymPy's convention at kinks: relu'(0) = 0,
    # leaky_relu'(0) = α, elu'(0) = α e^0)
    "tanh": (sp.FiniteSet(0), ()), "sigmoid": (sp.FiniteSet(0), ()),
    "relu": (sp.Interval.open(0, OO), ()), "identity": (sp.S.Reals, ()),
    "leaky_relu": (sp.Interval.open(0, OO), ()), "softsign": (sp.FiniteSet(0), ()),
    "hardtanh": (sp.Interval.open(-1, 1), ()), "softplus": (sp.S.EmptySet, ((OO, "-"),)),
    "elu": (sp.Interval(0, OO), ()), "gelu": (sp.FiniteSet(sp.sqrt(2)), ()),
}


@pytest.mark.parametrize("name", sorted(ATTAINED))
def test_gamma_attained_is_the_set_and_limit(name):
    act = derive.activation(name)
    assert (act.gamma_attained, act.gamma_approached) == ATTAINED[name]


@pytest.mark.parametrize("alpha, expected", [
    (3, sp.Interval(-OO, 0)), (sp.Rational(1, 2), sp.Interval.open(0, OO)), (1, sp.S.Reals),
    (-1, sp.S.Reals), (sp.Rational(-5, 2), sp.Interval(-OO, 0))])
def test_gamma_attained_leaky_relu_follows_alpha(alpha, expected):
    assert derive.activation("leaky_relu", alpha=alpha).gamma_attained == expected


def test_gamma_attained_json_ready():
    assert derive.activation("softplus").attainment() == {
        "set": "EmptySet", "latex": r"z \to \infty", "limits": ["z -> oo"]}
    relu = derive.activation("relu").attainment()
    assert sp.sympify(relu["set"]) == sp.Interval.open(0, OO)
    assert relu["latex"] == r"z \in \left(0, \infty\right)" and relu["limits"] == []


def _inside(attained):
    """Sample points of the attained set: its points, or points inside its intervals."""
    if isinstance(attained, sp.FiniteSet) or attained == sp.S.EmptySet:
        return list(attained)
    lo = max(attained.inf, -7)
    hi = min(attained.sup, 7)
    ends = [e for e in (attained.inf, attained.sup) if e.is_finite and attained.contains(e)]
    return [lo + (hi - lo) * sp.Rational(q, 8) for q in range(1, 8)] + ends


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_gamma_attained_agrees_with_mpmath(name):
    """Independent check: φ' by mpmath's numerical differentiation of φ (at 50 digits) equals
    γ_φ inside the attained set and stays below it outside (and tends to it along an
    approached limit); at a kink in the set, SymPy's convention φ'(kink) is used."""
    act = derive.activation(name)
    phi = sp.lambdify(Z, act.phi, "mpmath")
    with mpmath.workdps(50):
        gamma = mpmath.mpf(str(sp.N(act.gamma, 50)))
        slope = lambda z: abs(mpmath.diff(phi, mpmath.mpf(str(sp.N(z, 50)))))  # noqa: E731
        for z in _inside(act.gamma_attained):
            exact = z in act.kinks
            value = abs(sp.N(act.derivative_at(z), 50)) if exact else slope(z)
            assert abs(mpmath.mpf(str(value)) - gamma) < mpmath.mpf("1e-30"), z
        for q in range(-80, 81):
            z = sp.Rational(q, 8) + sp.Rational(1, 1000)
            if not act.gamma_attained.contains(z):
                assert slope(z) < gamma - mpmath.mpf("1e-30"), z
        for point, _ in act.gamma_approached:
            gaps = [gamma - slope(r if point == OO else -r) for r in (10, 20, 40)]
            assert all(g > 0 for g in gaps) and gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-15
