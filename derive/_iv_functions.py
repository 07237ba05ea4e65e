"""Interval enclosures of single functions of an interval X (mpmath ``iv``), used by
``derive._interval``: |X|, the domain checks of sqrt and log, and the monotone functions tanh,
atan, erf, erfc, sinh and the normal CDF from their values at the two ends (20 extra digits,
widened by 10^-(dps+5) relative; their limits at ±∞ at unbounded ends)."""

__all__ = ["MONOTONE_LIMITS", "exact_mpf", "magnitude_of", "monotone", "nonnegative",
           "positive"]

MONOTONE_LIMITS = {"tanh": (-1, 1), "atan": (None, None), "erf": (-1, 1), "erfc": (2, 0),
                   "sinh": ("-inf", "inf"), "ncdf": (0, 1)}   # f at −∞ and +∞ (atan: ∓π/2)


def nonnegative(value):
    """X itself, ArithmeticError where X reaches below 0 (no real square root)."""
    if value.a < 0:
        raise ArithmeticError("square root of an interval reaching below 0")
    return value


def positive(value):
    """X itself, ArithmeticError where X reaches 0 (no real logarithm)."""
    if value.a <= 0:
        raise ArithmeticError("logarithm of an interval reaching 0")
    return value


def magnitude_of(value):
    """|X| for an interval X."""
    from mpmath import iv

    if value.a >= 0:
        return value
    if value.b <= 0:
        return -value
    return iv.mpf([0, max(-value.a, value.b)])


def monotone(name, inner):
    """f(X) for a monotone f from f at the ends (erfc decreasing, the others increasing)."""
    import mpmath
    from mpmath import iv

    f = getattr(mpmath, name)

    def end(v, side):
        if mpmath.isinf(v):
            return _end_limit(name, v)
        with mpmath.workdps(iv.dps + 20):
            y = f(v)
            slack = abs(y) * mpmath.mpf(10) ** -(iv.dps + 5)
            return y - slack if side < 0 else y + slack

    def enclosed(x):
        box = inner(x)
        lo, hi = exact_mpf(box.a._mpi_[0]), exact_mpf(box.b._mpi_[1])
        if name == "erfc":
            return iv.mpf([end(hi, -1), end(lo, 1)])
        return iv.mpf([end(lo, -1), end(hi, 1)])

    return enclosed


def _end_limit(name, v):
    import mpmath

    low, high = MONOTONE_LIMITS[name]
    if name == "atan":
        return mpmath.pi / 2 * (1 if v > 0 else -1) * (1 + mpmath.mpf(10) ** -(mpmath.mp.dps))
    value = high if v > 0 else low
    return mpmath.mpf(value)


def exact_mpf(raw):
    """A raw mpf tuple as an mpf, exactly (not rounded to the current precision)."""
    import mpmath

    return mpmath.mp.make_mpf(raw)
