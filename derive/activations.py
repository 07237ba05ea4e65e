"""Activations φ as SymPy expressions in one real symbol z, with φ' and γ_φ derived.

Each registry entry is one line: φ (and, where the derived φ' loses relative precision when
evaluated in floating point, a stable form of φ' that ``Activation`` checks against the derived
one in the tests).  φ' is ``sympy.diff`` of φ written piecewise; γ_φ = sup_z |φ'(z)| comes from
``derive._gain``.  Nothing about φ' or γ_φ is typed in.

>>> activation("sigmoid").gamma
1/4
"""

from dataclasses import dataclass
from functools import cache

import sympy as sp

from derive._gain import activation_gain

Z = sp.Symbol("z", real=True)
_NON_ANALYTIC = (sp.Piecewise, sp.Abs, sp.Max, sp.Min, sp.Heaviside, sp.sign)


def _sigma(u):
    return 1 / (1 + sp.exp(-u))


@dataclass(frozen=True)
class Activation:
    """An activation φ with its derived derivative φ' and gain γ_φ = sup_z |φ'(z)|.

    ``phi``, ``dphi`` and ``dphi_stable`` are SymPy expressions in ``variable`` (the real symbol
    z).  ``dphi_stable`` equals ``dphi`` but keeps full relative precision in floating point
    (sech²(z) instead of 1 − tanh²(z)).  ``gamma`` is exact when ``gamma_exact``; otherwise a
    40-digit Float certified by bisection.  ``gamma_at`` is where |φ'| attains γ_φ (±oo for a
    limit).  ``analytic`` tells whether complex-step differentiation applies.
    """

    name: str
    phi: sp.Expr
    dphi: sp.Expr
    dphi_stable: sp.Expr
    gamma: sp.Expr
    gamma_exact: bool
    gamma_at: sp.Expr
    analytic: bool
    variable: sp.Symbol = Z

    def at(self, arg):
        """φ(arg): φ with z replaced by ``arg``."""
        return self.phi.xreplace({self.variable: arg})

    def derivative_at(self, arg):
        """φ'(arg): the derived φ' with z replaced by ``arg``."""
        return self.dphi.xreplace({self.variable: arg})


def make_activation(name, phi, dphi_stable=None):
    """Build an ``Activation`` from φ (a SymPy expression in ``Z``), deriving φ' and γ_φ."""
    analytic = not phi.has(*_NON_ANALYTIC)
    piecewise_phi = sp.piecewise_fold(phi.rewrite(sp.Piecewise)) if not analytic else phi
    dphi = sp.piecewise_fold(sp.diff(piecewise_phi, Z))
    gain = activation_gain(dphi, Z)
    return Activation(
        name=name, phi=phi, dphi=dphi,
        dphi_stable=dphi if dphi_stable is None else dphi_stable,
        gamma=gain.value, gamma_exact=gain.exact, gamma_at=gain.at, analytic=analytic,
    )


# name: (φ(z, **params), stable φ'(z, **params) or None, default params)
_REGISTRY = {
    "tanh": (lambda: sp.tanh(Z), lambda: 4 / (sp.exp(Z) + sp.exp(-Z)) ** 2, {}),
    "sigmoid": (lambda: _sigma(Z), lambda: _sigma(Z) * _sigma(-Z), {}),
    "relu": (lambda: sp.Max(0, Z), None, {}),
    "identity": (lambda: Z, None, {}),
    "leaky_relu": (lambda alpha: sp.Piecewise((Z, Z > 0), (alpha * Z, True)), None,
                   {"alpha": sp.Rational(1, 100)}),
    "softsign": (lambda: Z / (1 + sp.Abs(Z)), None, {}),
    "hardtanh": (lambda: sp.Min(1, sp.Max(-1, Z)), None, {}),
    "softplus": (lambda: sp.log(1 + sp.exp(Z)), lambda: _sigma(Z), {}),
    "elu": (lambda alpha: sp.Piecewise((Z, Z > 0), (alpha * (sp.exp(Z) - 1), True)), None,
            {"alpha": sp.Integer(1)}),
    "silu": (lambda: Z * _sigma(Z), lambda: _sigma(Z) * (1 + Z * _sigma(-Z)), {}),
    "gelu": (lambda: Z * (1 + sp.erf(Z / sp.sqrt(2))) / 2,
             lambda: sp.erfc(-Z / sp.sqrt(2)) / 2 + Z * sp.exp(-Z**2 / 2) / sp.sqrt(2 * sp.pi),
             {}),
}


def activation_names():
    """The registered activation names, in registry order."""
    return tuple(_REGISTRY)


def activation(name, **params):
    """The registered activation ``name``; ``alpha`` sets leaky_relu's and elu's α.

    >>> activation("tanh").dphi
    1 - tanh(z)**2
    """
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(
            f"unknown activation {name!r}; expected one of: {', '.join(activation_names())}"
        )
    defaults = _REGISTRY[name][2]
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        allowed = ", ".join(defaults) or "none"
        raise ValueError(f"activation {name!r} takes no parameter {unknown[0]!r} "
                         f"(parameters: {allowed})")
    values = {key: _exact_parameter(name, key, params.get(key, default))
              for key, default in defaults.items()}
    return _build(name, tuple(sorted(values.items())))


@cache
def _build(name, params):
    make_phi, make_stable, _ = _REGISTRY[name]
    kwargs = dict(params)
    stable = make_stable(**kwargs) if make_stable else None
    label = name if not params or params == tuple(sorted(_REGISTRY[name][2].items())) else (
        f"{name}({', '.join(f'{k}={v}' for k, v in params)})")
    return make_activation(label, make_phi(**kwargs), stable)


def _exact_parameter(name, key, value):
    from derive._exact import exact_number

    number = exact_number(value, f"{name} {key}")
    if number.free_symbols:
        raise ValueError(f"{name} {key} must be a number, got {number}")
    return number
