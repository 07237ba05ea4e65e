"""Custom formulas evaluated without cancellation: float64 where it keeps its digits, mpmath
per entry where it does not.

A custom activation's φ and φ' come straight from SymPy (1 − tanh²(z), ½ + ½ erf(z/√2) +
z e^{−z²/2}/√(2π)); in float64 such a form can cancel to 0 or to noise while the true value
is a normal number (1 − tanh²(20) is exactly 0.0, the true value 1.7e-17).  ``guarded`` adds
a running error bound to the float evaluation: R(e), in units of ε, bounds the relative
error of e computed from the exact argument z, to first order, by the rules

    sum    R(Σ t_i)   = Σ |t_i| (R(t_i) + m) / |Σ t_i|           (m terms)
    product R(Π f_i)  = Σ R(f_i) + m − 1
    power  R(b^e)     = |e| R(b) + |e log b| R(e) + 1
    call   R(f(u))    = |u f'(u) / f(u)| R(u) + 2                (the condition number of f)

(R(z) = 0, R(integer) = 0, R(any other constant) = 1; Piecewise takes the R of the branch it
selects, Max and Min the largest of their arguments', |u| that of u).  Where R ε > LOSS
(float64 lost digits: a sum that cancels; R infinite or NaN where it cancelled to 0), the
entry is evaluated by mpmath from the same float argument, at DPS digits doubled until two
evaluations agree (``settled``), and rounded once to float64.

>>> import sympy as sp
>>> z = sp.Symbol("z", real=True)
>>> f = guarded(1 - sp.tanh(z) ** 2, z)
>>> float(f([20.0])[0])          # float64's 1 - tanh(20)**2 is 0.0
1.6993417021166355e-17
"""

from functools import lru_cache

import mpmath as mp
import numpy as np
import sympy as sp

LOSS = 1e-13   # relative error allowed to the float64 evaluation before mpmath takes over
DPS = 40
MIN_ZERO_DPS = 700
MAX_DPS = 2560


def error_bound(expr, z):
    """R(expr): a SymPy expression bounding the relative error of expr's float64 value, in
    units of ε (first order, see the module docstring)."""
    if expr == z or expr.is_Integer:
        return sp.Integer(0)
    if expr.is_number:
        return sp.Integer(1)
    if expr.is_Add:
        terms = expr.args
        return sum(sp.Abs(t) * (error_bound(t, z) + len(terms)) for t in terms) / sp.Abs(expr)
    if expr.is_Mul:
        return sum(error_bound(f, z) for f in expr.args) + len(expr.args) - 1
    if expr.is_Pow:
        base, exponent = expr.args
        bound = sp.Abs(exponent) * error_bound(base, z) + 1
        if exponent.has(z):
            bound += sp.Abs(exponent * sp.log(base)) * error_bound(exponent, z)
        return bound
    if isinstance(expr, sp.Piecewise):
        return sp.Piecewise(*[(error_bound(e, z), c) for e, c in expr.args])
    if isinstance(expr, sp.Max | sp.Min):
        return sp.Max(*[error_bound(arg, z) for arg in expr.args])
    if isinstance(expr, sp.Abs):
        return error_bound(expr.args[0], z)
    if isinstance(expr, sp.Heaviside | sp.sign):
        return sp.Integer(0)
    if isinstance(expr, sp.Function) and len(expr.args) == 1:
        u, = expr.args
        dummy = sp.Dummy(real=True)
        slope = sp.diff(expr.func(dummy), dummy).xreplace({dummy: u})
        if slope.has(sp.Derivative, sp.Subs):
            return sp.oo
        return sp.Abs(u * slope / expr) * error_bound(u, z) + 2
    return sp.oo   # unknown node: always evaluated by mpmath


@lru_cache(maxsize=256)
def _compiled(expr, z):
    from numeric.bridge import compile_expression

    try:
        bound = compile_expression(error_bound(expr, z), (z,))
    except (TypeError, ValueError, NameError, NotImplementedError, RecursionError):
        bound = _unknown     # no bound to be had: every entry from mpmath
    return compile_expression(expr, (z,)), bound, sp.lambdify(z, expr, "mpmath")


def _unknown(values):
    return np.full(np.shape(values), np.inf)


def guarded(expr, z):
    """A NumPy function of float arrays: ``expr`` in float64, each entry whose running error
    bound exceeds LOSS relative re-evaluated by mpmath (module docstring).  The shape and
    dtype follow the argument, as ``numeric.bridge.elementwise``."""
    function, bound, exact = _compiled(expr, z)
    unselected = {"divide": "ignore", "invalid": "ignore"}

    def apply(values):
        values = np.asarray(values, dtype=float)
        with np.errstate(over="ignore", under="ignore", **unselected):
            result = np.broadcast_to(np.asarray(function(values), dtype=float),
                                     values.shape).copy()
            R = np.broadcast_to(np.asarray(bound(values), dtype=float), values.shape)
        lost = ~(R * np.finfo(float).eps <= LOSS)
        for index in zip(*np.nonzero(lost), strict=True):
            result[index] = _float(settled(exact, mp.mpf(float(values[index]))))
        return result

    return apply


def guarded_complex(function, expr, z):
    """``function`` (``expr`` for complex arguments, as ``numeric.bridge.complex_phi``) with
    every entry whose real part float64 cannot evaluate to LOSS relative (the running error
    bound at Re of the argument) taken from mpmath's complex evaluation instead: complex step
    reads φ' from the imaginary part, which a cancelling real part corrupts (x (1 + erf(x/√2))/2
    at x = −10: 1 + erf cancels to 0 and Im drops the term s Φ(x))."""
    _, bound, exact = _compiled(expr, z)

    def apply(values):
        values = np.asarray(values, dtype=complex)
        result = np.array(function(values), dtype=complex)
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
            R = np.broadcast_to(np.asarray(bound(values.real), dtype=float), values.shape)
        lost = ~(R * np.finfo(float).eps <= LOSS)
        for index in zip(*np.nonzero(lost), strict=True):
            v = values[index]
            value = mp.mpc(settled(exact, mp.mpc(float(v.real), float(v.imag)),
                                   DPS + _digits_apart(v)))   # Im: s φ', far below Re
            result[index] = complex(float(value.real), float(value.imag))
        return result

    return apply


def settled(function, argument, dps=DPS):
    """``function(argument)`` in mpmath at dps, 2 dps, 4 dps, ... digits until two
    evaluations agree to 10^-25 relative (a sum cancels as badly in mpmath at a fixed
    precision: 1 − tanh²(300) = 1.1e-260 needs 280 digits), at most MAX_DPS; an mpmath
    number (the last evaluation).  Agreement of two zeros counts only from MIN_ZERO_DPS
    digits: a sum of terms of size below 10^370 whose value is 0 at 700 digits is below
    float64's range anyway."""
    previous = None
    while True:
        with mp.workdps(dps):
            value = function(argument)
            if previous is not None and (
                    abs(value - previous) <= mp.mpf(10) ** -25 * abs(value) if value != 0
                    else previous == 0 and dps >= MIN_ZERO_DPS):
                return value
        if dps >= MAX_DPS:
            return value
        previous, dps = value, 2 * dps


#: where a candidate form is tried against mpmath: 0, ±10^-2 … ±745 (24 points a side)
GRID = np.concatenate([-np.logspace(-2, np.log10(745.0), 24)[::-1], [0.0],
                       np.logspace(-2, np.log10(745.0), 24)])


def candidates(expr):
    """``expr`` and forms SymPy makes equal to it that avoid a known cancellation:
    tanh² = 1 − sech² (so 1 − tanh² becomes sech²), erf(u) = erfc(−u) − 1 and
    erf(u) = 1 − erfc(u) (so ½ + ½ erf(u) becomes ½ erfc(−u)), e^u − 1 = expm1(u)."""
    from sympy.codegen.cfunctions import expm1

    dummy = sp.Wild("u")
    forms = [expr,
             expr.replace(sp.tanh(dummy) ** 2, 1 - sp.cosh(dummy) ** -2),
             expr.replace(sp.erf, lambda u: sp.erfc(-u, evaluate=False) - 1),
             expr.replace(sp.erf, lambda u: 1 - sp.erfc(u)),
             expr.replace(sp.exp(dummy) - 1, expm1(dummy))]
    unique = []
    for form in forms:
        if form not in unique:
            unique.append(form)
    return unique


@lru_cache(maxsize=256)
def stable_function(expr, z):
    """A NumPy function of ``expr``: the candidate (``candidates``) that is off by more than
    LOSS relative at the fewest points of GRID whose true value (mpmath, ``settled``) is a
    normal number, the smaller worst error breaking a tie; ``expr`` itself on a full tie.
    Compiled without common-subexpression elimination, which would rebuild erfc(−u) as
    2 − erfc(u).  The hot loops (``numeric.bridge.raw_activation_functions``) of a custom
    formula use it; ``guarded`` checks every entry instead."""
    from numeric.bridge import _MODULES

    forms = candidates(expr)
    compiled = [sp.lambdify((z,), form, modules=_MODULES) for form in forms]
    if len(forms) == 1:
        return compiled[0]
    exact = sp.lambdify(z, expr, "mpmath")
    truth = np.array([_float(settled(exact, mp.mpf(float(v)))) for v in GRID])
    normal = np.isfinite(truth) & (np.abs(truth) >= np.finfo(float).tiny)
    best, worst = compiled[0], (np.inf, np.inf)
    for function in compiled:
        try:
            with np.errstate(all="ignore"):
                values = np.broadcast_to(np.asarray(function(GRID), dtype=float), GRID.shape)
                error = np.abs(values[normal] - truth[normal]) / np.abs(truth[normal])
        except (TypeError, ValueError, NameError, ZeroDivisionError):
            continue
        error = np.where(np.isnan(error), np.inf, error)
        score = (int(np.sum(error > LOSS)), float(np.max(error, initial=0.0)))
        if score < worst:
            best, worst = function, score
    return best


def _digits_apart(v):
    """Decimal digits between |v| (at least 1) and its imaginary part: mpmath's relative
    precision is that of the complex value, and the imaginary part must keep DPS digits."""
    if v.imag == 0:
        return 0
    # in logs: max(1, |v|) / 2^-1074 overflows
    return max(0, int(np.ceil(np.log10(max(1.0, abs(v))) - np.log10(abs(v.imag)))))


def _float(value):
    """An mpmath value as float64 (±inf beyond its range, NaN for a complex result)."""
    if isinstance(value, mp.mpc):
        return float(value.real) if value.imag == 0 else float("nan")
    return float(value)
