"""The bridge from derive's SymPy expressions to NumPy: ``lambdify(..., cse=True)``, cached.

This is the numeric layer's single source of truth: φ, φ' and J_k reach NumPy only through
here.  φ' is compiled from ``Activation.dphi_stable`` (sech²(a), σ(a)σ(−a), ...), which keeps
full relative precision in saturation, and φ from ``Activation.phi_stable``; a custom
formula's (no stable form written for it) are guarded entry by entry against cancellation
(``numeric.stable_eval``).  erf, erfc and the
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
from sympy.codegen.cfunctions import log1p

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
    inside a stable form (exp(800) in sech²) is the intended limit and is not warned about; nor
    is a division by zero in a piece of a Piecewise that is not selected there (NumPy's
    ``select`` evaluates every piece: softsign's φ' for z < 0 has 1/(1 − z) at z = 1).  Any
    other division by zero or invalid operation still warns."""
    function = compile_expression(expr, (variable,))
    unselected = {"divide": "ignore", "invalid": "ignore"} if expr.has(sp.Piecewise) else {}

    def apply(values):
        values = np.asarray(values)
        with np.errstate(over="ignore", under="ignore", **unselected):
            result = np.asarray(function(values))
        if result.shape != values.shape:
            result = np.broadcast_to(result, values.shape)
        return result.astype(np.result_type(values, float), copy=True)

    return apply


@lru_cache(maxsize=128)
def raw_activation_functions(activation):
    """(φ, φ') compiled from the stable forms, without the shape and overflow handling of
    ``elementwise``: for hot loops that set ``np.errstate`` once and broadcast themselves.
    A custom formula's: the rewrite of SymPy's form that loses the fewest digits
    (``numeric.stable_eval.stable_function``: 1 − tanh²(z) becomes cosh(z)^−2)."""
    from derive import registry_entry

    z = activation.variable
    forms = (activation.phi_stable, activation.dphi_stable)
    if registry_entry(activation) is None:
        from numeric.stable_eval import stable_function

        compiled = [stable_function(expr, z) for expr in forms]
    else:
        compiled = [compile_expression(expr, (z,)) for expr in forms]
    return tuple(_unselected_quiet(f, expr) for f, expr in zip(compiled, forms, strict=True))


def _unselected_quiet(function, expr):
    """``function`` of a Piecewise ``expr`` evaluated with division by zero and invalid
    operations not warned about: NumPy's ``select`` evaluates every piece everywhere, and a
    piece not selected may divide by zero (x/(1+|x|): φ' for z < 0 is 1/(1 − z)², evaluated
    at z = 1 too).  The selected piece's value is the same; other functions are unchanged."""
    if not expr.has(sp.Piecewise):
        return function

    def apply(values):
        with np.errstate(divide="ignore", invalid="ignore"):
            return function(values)

    return apply


@lru_cache(maxsize=128)
def activation_functions(activation):
    """(φ, φ') as elementwise NumPy functions from the activation's stable forms.  A custom
    activation has no stable form written for it (its φ' is SymPy's, 1 − tanh²(z) for
    "tanh(x)"): each entry float64 cannot evaluate to full relative precision is taken from
    mpmath instead (``numeric.stable_eval.guarded``)."""
    from derive import registry_entry

    z = activation.variable
    if registry_entry(activation) is None:
        from numeric.stable_eval import guarded

        return guarded(activation.phi_stable, z), guarded(activation.dphi_stable, z)
    return elementwise(activation.phi_stable, z), elementwise(activation.dphi_stable, z)


@lru_cache(maxsize=128)
def complex_phi(activation):
    """φ for complex arguments (complex step), from the stable form made complex-safe.

    Max, Min and Abs have no complex meaning: each picks its branch by the real part, then
    the imaginary part (|z| ↦ ±z, max(z, 0) ↦ z or 0), so on either side φ stays the analytic
    function it is there.  NumPy's complex log1p computes log|1 + u| as log(hypot(1 + u)) and
    loses the relative precision of softplus' log1p(e^{−|z|}) for z ≪ 0; ``_complex_log1p``
    keeps it.
    ValueError for a non-analytic φ (complex step does not apply).
    """
    if not activation.analytic:
        raise ValueError(f"{activation.name} is not analytic: complex step does not apply")
    form = activation.phi_stable.replace(
        lambda e: type(e) in _COMPLEX_SAFE,
        lambda e: sp.Function(_COMPLEX_SAFE[type(e)])(*e.args))
    if form.has(sp.Piecewise, sp.Heaviside, sp.sign):
        raise ValueError(f"{activation.name}: no complex-safe form of {form}")
    function = sp.lambdify((activation.variable,), form, modules=_COMPLEX_MODULES, cse=True)

    def apply(values):
        values = np.asarray(values, dtype=complex)
        with np.errstate(over="ignore", under="ignore"):
            return np.broadcast_to(function(values), values.shape).astype(complex)

    from derive import registry_entry

    if registry_entry(activation) is None:   # custom: guard against cancellation
        from numeric.stable_eval import guarded_complex

        return guarded_complex(apply, activation.phi_stable, activation.variable)
    return apply


def _lex_less(u, v):
    """u < v in the order (Re, then Im): the branch choice of max, min and |·| below.  One
    order for all three keeps them consistent where Re z = 0 (softplus: max(z, 0) and |z|
    then take the same side of 0)."""
    return (np.real(u) < np.real(v)) | ((np.real(u) == np.real(v)) & (np.imag(u) < np.imag(v)))


def _branch(later_wins):
    """max (or min) of complex arguments in the (Re, Im) order: on either side of a tie in
    the real part it is the analytic function (z or 0) that max is there."""
    def select(first, *rest):
        result = np.asarray(first, dtype=complex)
        for other in rest:
            result = np.where(later_wins(result, other), other, result)
        return result
    return select


def _complex_abs(z):
    """|z| continued analytically from the real side of z: z where z ≥ 0 in the (Re, Im)
    order, −z elsewhere."""
    z = np.asarray(z, dtype=complex)
    return np.where(_lex_less(z, 0), -z, z)


def _complex_log1p(u):
    """log(1 + u) for complex u, with log|1 + u| = ½ log1p(2x + x² + y²) for |x| < ½ (no
    cancellation in 1 + x), arg(1 + u) = atan2(y, 1 + x)."""
    u = np.asarray(u, dtype=complex)
    x, y = u.real, u.imag
    with np.errstate(divide="ignore", invalid="ignore"):
        near = 0.5 * np.log1p(x * (2 + x) + y * y)
        far = np.log(np.hypot(1 + x, y))
    return np.where(np.abs(x) < 0.5, near, far) + 1j * np.arctan2(y, 1 + x)


_COMPLEX_SAFE = {sp.Max: "complex_max", sp.Min: "complex_min", sp.Abs: "complex_abs",
                 log1p: "complex_log1p"}
_COMPLEX_MODULES = [{"complex_max": _branch(_lex_less),
                     "complex_min": _branch(lambda u, v: _lex_less(v, u)),
                     "complex_abs": _complex_abs, "complex_log1p": _complex_log1p},
                    *_MODULES]


def kinks(activation):
    """The points where φ''s pieces meet (φ' jumps there, or only φ''), as floats; () for
    analytic φ (``Activation.kinks``; ``Activation.dphi_jumps`` the jumps of φ')."""
    return tuple(float(point) for point in activation.kinks)
