"""Numeric root search for φ'' where SymPy finds no closed form: a sign-change grid and
bisection in fixed-precision mpmath (used by ``derive._gain``): every bracket to 10^-12, then
only those whose |φ'| is near the largest to 10^-45 (the others cannot tie with γ_φ).  A
numeric search, not a proof: two roots between neighbouring grid points, or a root beyond the
grid, are not seen."""

import sympy as sp

GAMMA_DIGITS = 40         # digits kept for a numeric γ (rounded up)
ROOT_DIGITS = 45          # bisection width 10^-45: γ's error is far below 10^-40
GRID_HALF_WIDTH = 64      # numeric root search window
GRID_INNER = 1024         # the window's part of a piece is cut into this many equal steps
GRID_GROWTH = sp.Rational(5, 4)   # beyond the window, grid points grow by this factor ...
GRID_REACH = 2**16                # ... until one reaches this
COARSE_DIGITS = 12        # every bracket first bisected to 10^-12; refined further only ...
KEEP = 1e-8               # ... where |φ'| is within this (relative) of the largest found


def grid_description():
    """The grid as SymPy objects, read off the grid of a piece that is the whole real line:
    ``inner`` (how many evenly spaced points on each piece's part of the window), ``window``
    (the Interval [-GRID_HALF_WIDTH, GRID_HALF_WIDTH]), ``step`` (their spacing for the whole
    line) and ``outer`` (the points beyond the window, ±W·g^k as ImageSets over a Range)."""
    grid = _search_grid(sp.Interval(-sp.oo, sp.oo))
    inner = [p for p in grid if abs(p) < GRID_HALF_WIDTH]
    right = [p for p in grid if p > GRID_HALF_WIDTH]
    k = sp.Symbol("k", integer=True)
    power = _outer_point(k)
    counts = sp.Range(1, len(right) + 1)
    assert right == [power.subs(k, i) for i in counts]      # the set shown is the grid
    outer = sp.Union(sp.ImageSet(sp.Lambda(k, _outer_point(k, -1)), counts),
                     sp.ImageSet(sp.Lambda(k, power), counts))
    return {"inner": sp.Integer(len(inner)), "step": inner[1] - inner[0], "outer": outer,
            "window": sp.Interval(-GRID_HALF_WIDTH, GRID_HALF_WIDTH), "reach": max(grid),
            "outer_count": len(right)}


def _outer_point(k, sign=1):
    """±W·g^k written as ±W·p^k/q^k for g = p/q (a Rational base prints as p/q^k in text)."""
    p, q = GRID_GROWTH.as_numer_denom()
    return sp.Mul(sign * GRID_HALF_WIDTH, p**k, sp.Pow(q**k, -1, evaluate=False),
                  evaluate=False)


def _grid_signs(factor, z, grid, digits=40):
    """Signs of φ'' on the grid in fixed 40-digit arithmetic (evalf's adaptive precision can
    take seconds per point where φ'' is tiny); exact zeros stay 0.  Bisection then refines."""
    import mpmath

    f = sp.lambdify(z, factor, "mpmath")
    with mpmath.workdps(digits):
        values = [f(_mpf(p)) for p in grid]
    return [0 if v == 0 else (1 if v > 0 else -1) for v in (mpmath.re(v) for v in values)]


def _search_grid(interval):
    lo = max(interval.start, -GRID_HALF_WIDTH)
    hi = min(interval.end, GRID_HALF_WIDTH)
    inner = ([lo + (hi - lo) * sp.Rational(i, GRID_INNER) for i in range(1, GRID_INNER)]
             if lo < hi else [])
    outer, step = [], sp.Integer(GRID_HALF_WIDTH)
    while step < GRID_REACH:
        step = step * GRID_GROWTH
        outer.append(step)
    left = [-p for p in reversed(outer) if -p > interval.start]
    right = [p for p in outer if p < interval.end]
    return left + inner + right


def _bisect(g, left, right, s_left, digits=ROOT_DIGITS):
    """Shrink [left, right] keeping the sign change of φ'' (``g``, lambdified for mpmath) until
    it is 10^-digits wide (fixed ROOT_DIGITS + 15 digit arithmetic); returns the bracket (left,
    right) as mpfs, both ends the same point where φ'' is exactly 0 at a midpoint."""
    import mpmath

    with mpmath.workdps(ROOT_DIGITS + 15):
        left, right = _mpf(left), _mpf(right)
        width = mpmath.mpf(10) ** (-digits)
        while right - left > width:
            mid = (left + right) / 2
            value = mpmath.re(g(mid))
            if value == 0:
                return mid, mid
            if (value > 0) == (s_left > 0):
                left = mid
            else:
                right = mid
        return left, right


def _mpf(value):
    """A SymPy number (or an mpf) as an mpf at the current precision."""
    import mpmath

    if isinstance(value, sp.Rational):
        return mpmath.mpf(value.p) / value.q
    if isinstance(value, sp.Basic):
        return mpmath.mpf(str(sp.Float(value, mpmath.mp.dps)))
    return mpmath.mpf(value)


def critical_value_bounds(expr, z, left, right):
    """Lower and upper estimates of |φ'| at the root of φ'' bracketed by [left, right] (mpfs):
    |φ'(mid)| ∓ a margin for the bracket and the arithmetic.  Bracket: |φ'(r) − φ'(mid)| ≤
    h·max|φ''| over it (h its half width), and max|φ''| ≤ max(|φ''(left)|, |φ''(right)|) +
    2h·max|φ'''|; the margin takes four times each term (φ''' at mid standing in for its
    maximum: a numeric bound, not a proof; at φ''(r) = 0 the true error is ~ ½|φ'''|h²).
    Arithmetic: the change of |φ'(mid)| from ROOT_DIGITS + 15 to ROOT_DIGITS + 35 digits, ×10,
    plus 10^-(ROOT_DIGITS + 10) relative."""
    import mpmath

    d1 = sp.lambdify(z, expr, "mpmath")
    d2 = sp.lambdify(z, sp.diff(expr, z), "mpmath")
    d3 = sp.lambdify(z, sp.diff(expr, z, 2), "mpmath")
    with mpmath.workdps(ROOT_DIGITS + 35):
        mid = (left + right) / 2
        fine = abs(mpmath.re(d1(mid)))
    with mpmath.workdps(ROOT_DIGITS + 15):
        value = abs(mpmath.re(d1(mid)))
        half = (right - left) / 2
        slope = max(abs(mpmath.re(d2(left))), abs(mpmath.re(d2(right))))
        curvature = abs(mpmath.re(d3(mid)))
        margin = (4 * half * (slope + 2 * half * curvature) + 10 * abs(value - fine)
                  + mpmath.mpf(10) ** -(ROOT_DIGITS + 10) * value)
        return max(value - margin, mpmath.mpf(0)), value + margin


def round_up(value, digits):
    """The least ``digits``-digit decimal ≥ ``value`` (an mpf > 0), as a SymPy Float whose
    binary value is ≥ that decimal (rounded up to the Float's precision), so that both the
    printed and the stored number are upper bounds."""
    import mpmath
    from mpmath.libmp import dps_to_prec, from_str

    with mpmath.workdps(digits + 30):
        value = mpmath.mpf(value)
        exponent = int(mpmath.floor(mpmath.log10(value))) - digits + 1
        scaled = value / mpmath.mpf(10) ** exponent
        integer = int(mpmath.ceil(scaled))
        if integer >= 10**digits:        # 9.99…9 rounded up: one more digit before the point
            integer, exponent = -(-integer // 10), exponent + 1
    prec = dps_to_prec(digits)
    return sp.Float._new(from_str(f"{integer}e{exponent}", prec, "u"), prec)


def numeric_critical_values(expr, factor, z, interval):
    """[(|φ'| rounded up, its lower estimate, the root, enclosed)] at the roots of φ''
    (``factor``) bracketed by sign changes on the grid of ``_search_grid`` and bisected; a grid
    point where the sign is exactly 0 is a root itself.  |φ'| at each root is enclosed by
    interval arithmetic where it can be (``derive._enclose``; ``enclosed`` True), else taken
    with the margin of ``critical_value_bounds``; then rounded up to ``GAMMA_DIGITS`` digits,
    so none is below the true |φ'| at its root.  (A spurious root from rounding noise only adds
    a true value |φ'(p)| <= γ: never an underestimate.)"""
    grid = _search_grid(interval)
    signs = _grid_signs(factor, z, grid)
    g = sp.lambdify(z, factor, "mpmath")
    brackets = [(p, p, 0) for p, sign in zip(grid, signs, strict=True) if sign == 0]
    nonzero = [(p, q) for p, q in zip(grid, signs, strict=True) if q != 0]
    brackets += [(*_bisect(g, left, right, s_left, COARSE_DIGITS), s_left)
                 for (left, s_left), (right, s_right) in zip(nonzero, nonzero[1:], strict=False)
                 if s_left * s_right < 0]
    kept = _near_top(expr, z, brackets)
    return [_critical_value(expr, factor, z, (left, right) if s_left == 0 or left == right
                            else _bisect(g, left, right, s_left))
            for left, right, s_left in kept]


def _near_top(expr, z, brackets):
    """The brackets (first bisected to 10^-COARSE_DIGITS) where |φ'| is within ``KEEP``
    (relative) of the largest among them: only these can tie with γ_φ, so only these are
    refined to ``ROOT_DIGITS`` places (atan(z − 10^5) + sin(z)/10^6: 1 of 65)."""
    import mpmath

    if len(brackets) < 2:
        return brackets
    d1 = sp.lambdify(z, expr, "mpmath")
    with mpmath.workdps(ROOT_DIGITS):
        values = [abs(mpmath.re(d1((_mpf(a) + _mpf(b)) / 2))) for a, b, _ in brackets]
        top = max(values)
        return [b for b, v in zip(brackets, values, strict=True) if v >= top * (1 - KEEP)]


def _critical_value(expr, factor, z, bracket):
    import mpmath

    from derive._enclose import enclosed_value

    with mpmath.workdps(ROOT_DIGITS + 15):
        left, right = (_mpf(end) for end in bracket)
        enclosed = enclosed_value(expr, factor, z, left, right, ROOT_DIGITS + 15)
        lower, upper = enclosed or critical_value_bounds(expr, z, left, right)
        at = sp.Float(mpmath.nstr((left + right) / 2, GAMMA_DIGITS + 5), GAMMA_DIGITS)
        return (round_up(upper, GAMMA_DIGITS),
                sp.Float(mpmath.nstr(lower, GAMMA_DIGITS + 5), GAMMA_DIGITS), at,
                enclosed is not None)


def grid_set(interval):
    """The grid of ``_search_grid(interval)`` as a SymPy set (ImageSets over Ranges), equal to
    it point for point: the evenly spaced points on the window's part of the piece and the
    points ±W·g^k beyond it that lie in the piece."""
    k = sp.Symbol("k", integer=True)
    grid = _search_grid(interval)      # tests/test_gamma_truth.py: the set equals it
    lo, hi = max(interval.start, -GRID_HALF_WIDTH), min(interval.end, GRID_HALF_WIDTH)
    parts = [sp.ImageSet(sp.Lambda(k, lo + (hi - lo) * k / GRID_INNER), sp.Range(1, GRID_INNER))
             ] if lo < hi else []
    for sign in (-1, 1):
        count = sum(1 for p in grid if sign * p > GRID_HALF_WIDTH)
        if count:
            parts.append(sp.ImageSet(sp.Lambda(k, _outer_point(k, sign)), sp.Range(1, count + 1)))
    return sp.Union(*parts, evaluate=False) if len(parts) > 1 else parts[0]
