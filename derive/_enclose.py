"""|φ'| at a root of φ'' found by bisection, enclosed by interval arithmetic (mpmath's ``iv``).

Given the bracket [left, right] of a sign change of φ'' (a factor of its numerator), interval
evaluation proves the change (φ'' at each end excludes 0, with opposite signs, so a root lies
inside: φ'' is continuous on the piece) and encloses φ' over the whole bracket, so the interval
holds |φ'| at that root.  Only functions ``iv`` evaluates are accepted (exp, log, sqrt, sin,
cos; tanh and friends are first rewritten with exp); otherwise None, and ``derive._roots``
falls back to its numeric margin.  This bounds the value at each root found; it does not show
that every root was found.
"""

import sympy as sp

_IV_NAMES = ("exp", "log", "sqrt", "sin", "cos", "pi", "e", "mpf")


def enclosed_value(expr, factor, z, left, right, dps):
    """(lower, upper) mpfs with lower ≤ |φ'(r)| ≤ upper for a root r of ``factor`` proven to
    lie in [left, right], or None when interval arithmetic cannot show it."""
    import mpmath
    from mpmath import iv

    names = {name: getattr(iv, name) for name in _IV_NAMES}
    try:
        d1 = sp.lambdify(z, _exp_form(expr), [names])
        d2 = sp.lambdify(z, _exp_form(factor), [names])
        saved, iv.dps = iv.dps, dps
        try:
            ends = [d2(iv.mpf(str(end))) for end in (left, right)]
            if not all(_excludes_zero(v) for v in ends) or (ends[0].a > 0) == (ends[1].a > 0):
                return None
            whole = d1(iv.mpf([str(left), str(right)]))
        finally:
            iv.dps = saved
    except (TypeError, ValueError, NameError, ZeroDivisionError, AttributeError):
        return None
    with mpmath.workdps(dps):
        low, high = mpmath.mpf(whole.a), mpmath.mpf(whole.b)
    if not (mpmath.isfinite(low) and mpmath.isfinite(high)):
        return None
    lower = mpmath.mpf(0) if low <= 0 <= high else min(abs(low), abs(high))
    return lower, max(abs(low), abs(high))


def _excludes_zero(value):
    return value.a > 0 or value.b < 0


def _exp_form(expr):
    """``expr`` with hyperbolic functions written with exp (``iv`` has no tanh)."""
    return expr.rewrite(sp.exp) if expr.has(sp.tanh, sp.sinh, sp.cosh, sp.sech, sp.csch,
                                            sp.coth) else expr
