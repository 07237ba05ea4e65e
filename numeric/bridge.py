"""The bridge from derive's SymPy expressions to NumPy: ``lambdify(..., cse=True)``, cached.

This is the numeric layer's single source of truth: φ, φ' and J_k reach NumPy only through
here.  φ' is compiled from ``Activation.dphi_stable`` (sech²(a), σ(a)σ(−a), ...), which keeps
full relative precision in saturation, and φ from ``Activation.phi_stable``.  erf, erfc and the
normal CDF Φ (ndtr) come from SciPy: NumPy has none, and SciPy's accept complex arguments, so
complex step works for gelu.

>>> import numpy as np, derive
>>> phi, dphi = activation_functions(derive.activation("tanh"))
>>> float(dphi(np.array([0.0]))[0])
1.0
"""

from functools import lru_cache

import numpy as np
import scipy.special
import sympy as sp

_MODULES = [{"erf": scipy.special.erf, "erfc": scipy.special.erfc,
             "normal_cdf": scipy.special.ndtr}, "numpy"]


@lru_cache(maxsize=512)
def compile_expression(expr, args):
    """``expr`` (a SymPy expression or Matrix) as a NumPy function of ``args`` (a tuple of
    symbols), compiled once per (expr, args) with common subexpressions shared."""
    return sp.lambdify(args, expr, modules=_MODULES, cse=True)


def elementwise(expr, variable):
    """A NumPy function applying ``expr`` (in ``variable``) elementwise; the result always has
    the argument's shape (a constant such as identity's φ' = 1 is broadcast).  Overflow to ±inf
    inside a stable form (exp(800) in sech²) is the intended limit and is not warned about."""
    function = compile_expression(expr, (variable,))

    def apply(values):
        values = np.asarray(values)
        with np.errstate(over="ignore", under="ignore"):
            result = np.asarray(function(values))
        if result.shape != values.shape:
            result = np.broadcast_to(result, values.shape)
        return result.astype(np.result_type(values, float), copy=True)

    return apply


@lru_cache(maxsize=128)
def raw_activation_functions(activation):
    """(φ, φ') compiled from the stable forms, without the shape and overflow handling of
    ``elementwise``: for hot loops that set ``np.errstate`` once and broadcast themselves."""
    z = activation.variable
    return (compile_expression(activation.phi_stable, (z,)),
            compile_expression(activation.dphi_stable, (z,)))


@lru_cache(maxsize=128)
def activation_functions(activation):
    """(φ, φ') as elementwise NumPy functions from the activation's stable forms."""
    return (elementwise(activation.phi_stable, activation.variable),
            elementwise(activation.dphi_stable, activation.variable))


@lru_cache(maxsize=128)
def complex_phi(activation):
    """φ for complex arguments (complex step): the stable form when it is analytic, else φ
    as derived (softplus' stable form uses Max and Abs, which complex numbers do not have)."""
    stable = activation.phi_stable
    form = activation.phi if stable.has(sp.Max, sp.Min, sp.Abs, sp.Piecewise) else stable
    return elementwise(form, activation.variable)


def kinks(activation):
    """The points where φ' jumps, as floats; () for analytic φ."""
    return tuple(float(point) for point in activation.kinks)
