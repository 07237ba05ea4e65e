"""Activations φ as SymPy expressions in one real symbol z, with φ' and γ_φ derived.

Each registry entry is one line: φ (and, where the derived forms lose relative precision when
evaluated in floating point, stable forms of φ' and φ, checked against the derived ones in the
tests).  φ' is ``sympy.diff`` of φ written piecewise; γ_φ = sup_z |φ'(z)| comes from
``derive._gain``.  Nothing about φ' or γ_φ is typed in.

>>> activation("sigmoid").gamma
1/4
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p

from derive._gain import activation_gain
from derive._kinks import jumps, piece_ends

Z = sp.Symbol("z", real=True)
_NON_ANALYTIC = (sp.Piecewise, sp.Abs, sp.Max, sp.Min, sp.Heaviside, sp.sign)


def _sigma(u):
    return 1 / (1 + sp.exp(-u))


class normal_cdf(sp.Function):  # noqa: N801 - reads as a function in formulas
    """Φ(u) = erfc(−u/√2)/2 as one function, so that no rewriting (SymPy turns erfc(−x) into
    2 − erfc(x), also inside lambdify's cse) brings back the cancellation of 1 + erf(u/√2)
    for u ≪ 0.  The numeric layer maps it to scipy.special.ndtr, mpmath to ncdf."""

    def fdiff(self, argindex=1):
        u = self.args[0]
        return sp.exp(-u**2 / 2) / sp.sqrt(2 * sp.pi)

    @classmethod
    def eval(cls, u):
        if u.is_Number:
            return sp.erfc(-u / sp.sqrt(2)) / 2
        return None

    def _eval_rewrite_as_erf(self, u, **kwargs):
        return (1 + sp.erf(u / sp.sqrt(2))) / 2

    def _latex(self, printer, exp=None):
        tex = rf"\Phi\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

    def _mpmathcode(self, printer):
        return f"ncdf({printer._print(self.args[0])})"


def _Phi(u):  # noqa: N802 - the normal CDF's usual name
    return normal_cdf(u)


@dataclass(frozen=True)
class Activation:
    """An activation φ with its derived derivative φ' and gain γ_φ = sup_z |φ'(z)|.

    ``phi``, ``dphi`` and ``dphi_stable`` are SymPy expressions in ``variable`` (the real symbol
    z).  ``dphi_stable`` equals ``dphi`` but keeps full relative precision in floating point
    (sech²(z) instead of 1 − tanh²(z)); ``phi_stable`` likewise for φ (softplus, gelu).
    ``gamma`` is exact when ``gamma_exact``; otherwise a 40-digit Float rounded up from the
    critical values of φ' found numerically, or an upper bound certified by interval arithmetic
    over the whole line (custom formulas, ``derive._certify``); ``gamma_method`` says which
    ("exact", or the grid search confirmed by the certificate, or the certificate alone);
    ``gamma_grid`` the
    grid points where that search sought sign changes of φ'' (None when there was none).
    ``gamma_attained`` is the set {z : |φ'(z)| = γ_φ} (a SymPy Set: (0, ∞) for relu, {0} for
    tanh, EmptySet for softplus, the lattice {2πk : k ∈ ℤ} for z + sin(z)/2);
    ``gamma_approached`` the one-sided limits (point, direction) where |φ'| → γ_φ outside the
    closure of that set (((oo, "-"),) for softplus: z → ∞), only where φ' has a limit;
    ``gamma_unlimited`` the ends (point, direction, accumulation bounds of φ') where φ' has no
    limit but |φ'| keeps coming back to γ_φ outside the reach of that set.
    ``analytic``: whether complex-step differentiation applies.  ``kinks``: the points where
    the pieces of φ' meet, sorted (() when analytic): there φ' jumps (a kink of φ: relu's 0,
    hardtanh's ±1, elu's 0 for α ≠ 1) or φ' is continuous and φ'' jumps (a kink of φ':
    softsign's 0, elu's 0 for α = 1); difference quotients must not straddle either.
    ``dphi_jumps``: the kinks where φ' jumps (its one-sided limits differ), sorted.

    >>> activation("relu").gamma_attained
    Interval.open(0, oo)
    """

    name: str
    phi: sp.Expr
    dphi: sp.Expr
    dphi_stable: sp.Expr
    phi_stable: sp.Expr
    gamma: sp.Expr
    gamma_exact: bool
    gamma_attained: sp.Set
    gamma_approached: tuple
    analytic: bool
    kinks: tuple
    gamma_method: str = "exact"
    gamma_grid: sp.Set | None = None
    gamma_unlimited: tuple = ()
    dphi_jumps: tuple = ()
    variable: sp.Symbol = Z

    def at(self, arg):
        """φ(arg): φ with z replaced by ``arg``."""
        return self.phi.xreplace({self.variable: arg})

    def derivative_at(self, arg):
        """φ'(arg): the derived φ' with z replaced by ``arg``."""
        return self.dphi.xreplace({self.variable: arg})

    def attainment(self, digits=None):
        """Where γ_φ is reached, JSON-ready: ``set`` (SymPy's string of ``gamma_attained``,
        which ``sympy.sympify`` reads back), ``latex`` (z ∈ set, or z → p for a limit that is
        never attained) and ``limits`` ("z -> oo", "z -> 1-" for the approached limits);
        ``no_limit`` ("z -> oo") only where φ' has no limit but |φ'| keeps coming back to γ_φ.
        ``digits`` rounds numeric points (silu's critical point) in ``latex``.

        >>> activation("softplus").attainment()["limits"]
        ['z -> oo']
        """
        from derive.notation import latex

        attained = shown_set = self.gamma_attained
        if digits is not None:
            shown_set = attained.xreplace({f: sp.Float(f, digits)
                                           for f in attained.atoms(sp.Float)})
        shown = [latex(sp.Contains(self.variable, shown_set, evaluate=False))] \
            if attained != sp.S.EmptySet else []
        shown += [f"{latex(self.variable)} \\to {latex(p)}{_side(p, d, '^{%s}')}"
                  for p, d in self.gamma_approached]
        out = {"set": sp.sstr(attained), "latex": ",\\ ".join(shown),
               "limits": [f"z -> {sp.sstr(p)}{_side(p, d, '%s')}"
                          for p, d in self.gamma_approached]}
        if self.gamma_unlimited:
            out["no_limit"] = [f"z -> {sp.sstr(p)}{_side(p, d, '%s')}"
                               for p, d, _ in self.gamma_unlimited]
        return out


def make_activation(name, phi, dphi_stable=None, phi_stable=None, certify=True):
    """Build an ``Activation`` from φ (a SymPy expression in ``Z``), deriving φ' and γ_φ.

    ``certify``: where γ_φ is not an exact closed form, prove it an upper bound over the whole
    line by interval arithmetic or refuse (``derive._gain``); the registry's one such entry,
    silu, is certified too (about 0.5 s, once per process: its tail z·σ(z)σ(−z) is enclosed
    through ``derive._tails``)."""
    analytic = not phi.has(*_NON_ANALYTIC)
    piecewise_phi = sp.piecewise_fold(phi.rewrite(sp.Piecewise)) if not analytic else phi
    dphi = sp.piecewise_fold(sp.diff(piecewise_phi, Z))
    gain = activation_gain(dphi, Z, certify=certify)
    kinks = () if analytic else piece_ends(dphi, Z)
    return Activation(
        name=name, phi=phi, dphi=dphi,
        dphi_stable=dphi if dphi_stable is None else dphi_stable,
        phi_stable=phi if phi_stable is None else phi_stable,
        gamma=gain.value, gamma_exact=gain.exact, gamma_attained=gain.attained,
        gamma_approached=gain.approached, analytic=analytic, kinks=kinks,
        gamma_method=gain.method, gamma_grid=gain.grid, gamma_unlimited=gain.unlimited,
        dphi_jumps=jumps(dphi, Z, kinks),
    )


def _side(point, direction, template):
    """The side of a one-sided limit at a finite point ('' at ±∞)."""
    return "" if not point.is_finite else template % direction


class _Entry(NamedTuple):
    """A registry line: φ and, where the derived forms lose precision in floating point,
    equal but stable forms of φ' and φ (checked against the derived ones in the tests)."""

    phi: Callable
    dphi_stable: Callable | None = None
    phi_stable: Callable | None = None
    params: dict = {}


_REGISTRY = {
    "tanh": _Entry(lambda: sp.tanh(Z), lambda: sp.cosh(Z) ** -2),
    "sigmoid": _Entry(lambda: _sigma(Z), lambda: _sigma(Z) * _sigma(-Z)),
    "relu": _Entry(lambda: sp.Max(0, Z)),
    "identity": _Entry(lambda: Z),
    "leaky_relu": _Entry(lambda alpha: sp.Piecewise((Z, Z > 0), (alpha * Z, True)),
                         params={"alpha": sp.Rational(1, 100)}),
    "softsign": _Entry(lambda: Z / (1 + sp.Abs(Z))),
    "hardtanh": _Entry(lambda: sp.Min(1, sp.Max(-1, Z))),
    "softplus": _Entry(lambda: sp.log(1 + sp.exp(Z)), lambda: _sigma(Z),
                       lambda: sp.Max(Z, 0) + log1p(sp.exp(-sp.Abs(Z)))),
    "elu": _Entry(lambda alpha: sp.Piecewise((Z, Z > 0), (alpha * (sp.exp(Z) - 1), True)),
                  phi_stable=lambda alpha: sp.Piecewise((Z, Z > 0), (alpha * expm1(Z), True)),
                  params={"alpha": sp.Integer(1)}),
    "silu": _Entry(lambda: Z * _sigma(Z), lambda: _sigma(Z) * (1 + Z * _sigma(-Z))),
    "gelu": _Entry(lambda: Z * (1 + sp.erf(Z / sp.sqrt(2))) / 2,
                   lambda: _Phi(Z) + Z * sp.exp(-Z**2 / 2) / sp.sqrt(2 * sp.pi),
                   lambda: Z * _Phi(Z)),
}


def activation_names():
    """The registered activation names, in registry order."""
    return tuple(_REGISTRY)


def activation_parameters(name):
    """The parameters a registered activation takes, with their defaults.

    >>> activation_parameters("elu"), activation_parameters("tanh")
    ({'alpha': 1}, {})
    """
    activation(name)   # refuses an unknown name with the list of valid ones
    return dict(_REGISTRY[name].params)


def activation(name, **params):
    """The registered activation ``name``; ``alpha`` sets leaky_relu's and elu's α.

    >>> activation("tanh").dphi
    1 - tanh(z)**2
    """
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(
            f"unknown activation {name!r}; expected one of: {', '.join(activation_names())}"
        )
    defaults = _REGISTRY[name].params
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        allowed = ", ".join(defaults) or "none"
        raise ValueError(f"activation {name!r} takes no parameter {unknown[0]!r} "
                         f"(parameters: {allowed})")
    values = {key: _exact_parameter(name, key, params.get(key, default))
              for key, default in defaults.items()}
    return _build(name, tuple(sorted(values.items())))


_ORIGINS = {}  # Activation -> (registry name, parameters), filled by _build


def registry_entry(act):
    """(name, parameters) of a registered activation, as built by ``activation``; None for a
    custom one.  The independent mpmath oracle is looked up by this, never by the label.

    >>> registry_entry(activation("elu", alpha=2))
    ('elu', {'alpha': 2})
    """
    entry = _ORIGINS.get(act)
    return None if entry is None else (entry[0], dict(entry[1]))


@cache
def _build(name, params):
    entry, kwargs = _REGISTRY[name], dict(params)
    label = name if kwargs == entry.params else (
        f"{name}({', '.join(f'{k}={v}' for k, v in params)})")
    built = make_activation(label, entry.phi(**kwargs),
                            entry.dphi_stable and entry.dphi_stable(**kwargs),
                            entry.phi_stable and entry.phi_stable(**kwargs))
    _ORIGINS.setdefault(built, (name, params))
    return built


def _exact_parameter(name, key, value):
    from derive._exact import exact_number

    number = exact_number(value, f"{name} {key}")
    if number.free_symbols:
        raise ValueError(f"{name} {key} must be a number, got {number}")
    if abs(number) > 10**6:
        raise ValueError(f"{name} {key} must be at most 10^6 in absolute value, got "
                         f"{_short(number)}")
    return number


def _short(number):
    """``number`` for a message: as written up to 20 characters, else ~10^k (a 400-digit
    integer once filled the whole line).

    >>> _short(sp.Integer(10)**400), _short(sp.Rational(3, 2))
    ('about 10^400', '3/2')
    """
    text = str(number)
    if len(text) <= 20:
        return text
    return f"about {'-' if number < 0 else ''}10^{int(sp.floor(sp.log(abs(number), 10)))}"
