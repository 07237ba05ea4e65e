"""Bounds of |φ'| on one box from enclosures (used by ``derive._certify``): the plain
enclosure's magnitude (and of φ'(1/t) or a tail form on a tail box), a value at a point
inside as a lower bound, and on a bounded box X with middle m the sharper bounds from φ'' and
φ''' (monotone boxes, the centred form, a second-order form maximised exactly)."""

__all__ = ["box_bound", "sharper", "upper_of"]


def box_bound(funcs, lo, hi):
    """(upper bound of |φ'| on [lo, hi], a value |φ'(p)| at a point inside, as a lower bound);
    on a tail box also from φ' rewritten for the tail (``derive._tails``), the least kept."""
    import mpmath
    from mpmath import iv

    direct, tail, slope, sides = funcs   # as derive._certify compiles them
    box = iv.mpf([lo, hi])
    upper = upper_of(direct, box)
    point = _inner_point(lo, hi)
    if (mpmath.isinf(lo) or mpmath.isinf(hi)) and tail is not None and lo * hi >= 0:
        ends = sorted((_reciprocal(lo), _reciprocal(hi)))
        upper = min(upper, upper_of(tail, iv.mpf(ends)))
    side = 1 if lo >= 1 else -1 if hi <= -1 else 0
    if side not in sides or (hi - lo <= 1 and not (mpmath.isinf(lo) or mpmath.isinf(hi))):
        if slope[0] is not None and lo < hi and not (mpmath.isinf(lo) or mpmath.isinf(hi)):
            upper = min(upper, sharper(direct, slope, box, lo, hi))
        return upper, _lower(direct, iv.mpf(point))
    form, form_slope = sides[side]      # a wide or unbounded box on a tail
    upper = min(upper, upper_of(form, box))
    if form_slope[0] is not None and not (mpmath.isinf(lo) or mpmath.isinf(hi)):
        upper = min(upper, sharper(form, form_slope, box, lo, hi))
    return upper, max(_lower(direct, iv.mpf(point)), _lower(form, iv.mpf(point)))


def _reciprocal(v):
    import mpmath

    return mpmath.mpf(0) if mpmath.isinf(v) else 1 / v


def _inner_point(lo, hi):
    import mpmath

    if mpmath.isinf(lo) and mpmath.isinf(hi):
        return mpmath.mpf(0)
    if mpmath.isinf(hi):
        return 2 * lo + 1 if lo >= 0 else mpmath.mpf(0)
    if mpmath.isinf(lo):
        return 2 * hi - 1 if hi <= 0 else mpmath.mpf(0)
    return (lo + hi) / 2


def _lower(f, point):
    import mpmath

    try:
        value = f(point)
    except (ArithmeticError, ValueError, TypeError):
        return mpmath.mpf(0)
    a, b = (mpmath.mpf(value.a._mpi_[0]), mpmath.mpf(value.b._mpi_[1]))
    if not (mpmath.isfinite(a) and mpmath.isfinite(b)) or a <= 0 <= b:
        return mpmath.mpf(0)
    return min(abs(a), abs(b))


def sharper(direct, slopes, box, lo, hi):
    """Bounds from φ'' (and φ''' where compiled) on a bounded box X with middle m: where
    φ''(X) excludes 0 (enclosed directly, and as φ''(m) + φ'''(X)(X − m)), φ' is monotone and
    |φ'| is largest at an end; else the centred form φ'(m) + φ''(X)(X − m) and the second
    order form φ'(m) + φ''(m)h + φ'''(X)h²/2 (h ∈ X − m), its extreme over h taken exactly
    (a parabola: near a maximum of |φ'| the excess is of order w³, not w²)."""
    import mpmath
    from mpmath import iv

    slope, curve = slopes
    middle = iv.mpf((lo + hi) / 2)
    try:
        d2 = slope(box)
        if curve is not None:
            c = curve(box)
            d2 = _meet(d2, slope(middle) + c * (box - middle))
    except (ArithmeticError, ValueError, TypeError):
        return mpmath.inf
    a, b = _ends(d2)
    if not (mpmath.isfinite(a) and mpmath.isfinite(b)):
        return mpmath.inf
    if a > 0 or b < 0:
        return max(upper_of(direct, iv.mpf(lo)), upper_of(direct, iv.mpf(hi)))
    best = upper_of(lambda x: direct(middle) + d2 * (x - middle), box)
    if curve is None:
        return best
    try:
        return min(best, _parabola(direct(middle), slope(middle), c, (hi - lo) / 2))
    except (ArithmeticError, ValueError, TypeError):
        return best


def _parabola(value, g, c, r):
    """max |v + g·h + c·h²/2| over h ∈ [−r, r], v ∈ value, g ∈ g, c ∈ c (iv intervals)."""
    import mpmath

    v_lo, v_hi = _ends(value)
    g_lo, g_hi = _ends(g)
    c_lo, c_hi = _ends(c)
    if not all(mpmath.isfinite(e) for e in (v_lo, v_hi, g_lo, g_hi, c_lo, c_hi)):
        return mpmath.inf
    top = v_hi + max(_rise(g_lo, c_hi, r), _rise(g_hi, c_hi, r))
    bottom = v_lo - max(_rise(-g_lo, -c_lo, r), _rise(-g_hi, -c_lo, r))
    return max(abs(top), abs(bottom))


def _rise(g, c, r):
    """max over h ∈ [−r, r] of g·h + c·h²/2 (a concave parabola where c < 0), rounded up."""
    from mpmath import iv

    g_, c_, r_ = iv.mpf(g), iv.mpf(c), iv.mpf(r)
    if c < 0 and abs(g) <= -c * r:          # the vertex h = −g/c lies inside
        return _ends(g_ * g_ / (-2 * c_))[1]
    return _ends(abs(g_) * r_ + c_ * r_ * r_ / 2)[1]


def _ends(value):
    import mpmath

    return mpmath.mpf(value.a._mpi_[0]), mpmath.mpf(value.b._mpi_[1])


def _meet(a, b):
    """The intersection of two enclosures of one value (one kept where the other is NaN)."""
    import mpmath
    from mpmath import iv

    a_lo, a_hi = _ends(a)
    b_lo, b_hi = _ends(b)
    if any(mpmath.isnan(e) for e in (a_lo, a_hi)):
        return b
    if any(mpmath.isnan(e) for e in (b_lo, b_hi)):
        return a
    return iv.mpf([max(a_lo, b_lo), min(a_hi, b_hi)])


def upper_of(f, box):
    """max |F(X)| of the enclosure ``f`` over ``box`` (inf where it fails or is NaN)."""
    import mpmath

    try:
        value = f(box)
    except (ArithmeticError, ValueError, TypeError):
        return mpmath.inf
    a, b = (mpmath.mpf(value.a._mpi_[0]), mpmath.mpf(value.b._mpi_[1]))
    if mpmath.isnan(a) or mpmath.isnan(b):
        return mpmath.inf
    return max(abs(a), abs(b))
