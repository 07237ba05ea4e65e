"""A certified upper bound of γ_φ = sup_z |φ'(z)| over the whole real line, by interval
arithmetic with subdivision (branch and bound; used by ``derive._gain`` wherever its value
is not an exact closed form).

The line is covered by boxes, the unbounded ends included: (−∞, −1], [−1, 1], [1, ∞) cut by
``derive._gain``'s pieces of φ'.  For each box X an enclosure F(X) ⊇ φ'(X) gives
sup_X |φ'| ≤ max|F(X)| (``derive._interval``).  On an unbounded box X = [A, ∞) the
enclosure is taken both of φ'(z) and of φ'(1/t) for t ∈ [0, 1/A] after cancelling the
fraction (a rational tail such as u/(1+u²)² becomes t³/(1+t²)², bounded at t = 0), the
tighter one kept.  On a box in z ≥ 1 or z ≤ −1 that is wide or unbounded, φ' is also enclosed
in its tail form (``derive._tails``: e^z/(1 + e^z) as 1/(1 + e^{−z}), mish's 1 − tanh²
cancelled exactly), and a product whose enclosure is not finite (z·e^{−z²} on [A, ∞): ∞·0)
is bounded by the monotone rule of ``derive._interval``.  On a bounded box φ'' and φ'''
sharpen the bound (``derive._box_bounds``: monotone boxes, the centred form, a second-order form).
The box with the largest bound is split (bounded boxes in halves, or
geometrically when they span orders of magnitude; unbounded ones at 4|A|), and |φ'| at the
middle of each box is a lower bound L of γ_φ.  It stops when the largest bound U of all
boxes is within ``TOLERANCE`` of L (then L ≤ γ_φ ≤ U, a proof), and gives up after
``MAX_BOXES`` boxes (too many near-equal maxima): no certificate.  Beyond |z| = ``FAR``,
a box whose enclosure is still too wide (a form none of the above tames) is bounded by
SymPy's limit of φ' at that end instead
(``Certificate.far``; refused where φ' has no limit there): the one step that is not
interval arithmetic, and it is said so in ``Gain.method``.
"""

import heapq
from dataclasses import dataclass

import sympy as sp

from derive._box_bounds import box_bound
from derive._interval import Unsupported, compile_interval
from derive._tails import tail_form

__all__ = ["MAX_BOXES", "TOLERANCE", "Certificate", "at_least", "certify_sup"]

DPS = 60                 # working digits of the interval arithmetic
TOLERANCE = 1e-40        # stop when U ≤ L·(1 + TOLERANCE)
MAX_BOXES = 2500         # give up beyond this many boxes (2 to 10 s)
FAR = 10**12             # beyond it a tail may be bounded by the limit of φ' instead


@dataclass(frozen=True)
class Certificate:
    """L ≤ sup|φ'| ≤ U over the domains given (mpfs); ``boxes``: how many were evaluated;
    ``far``: whether somewhere beyond |z| = ``FAR`` SymPy's limit of φ' at ±∞ stood in for
    interval arithmetic."""

    lower: object
    upper: object
    boxes: int
    far: bool = False


def certify_sup(pieces, z, target=0, max_boxes=MAX_BOXES):
    """L ≤ sup |φ'| ≤ U over ``pieces`` [(expr, (a, b)), ...] (SymPy ends, ±oo allowed;
    the closed boxes are enclosed, which only adds end values of the same expression).
    ``target``: a value believed to be the supremum (a boxes whose bound is at most it needs
    no more cutting), so that a supremum approached without end (sin z·tanh z → 1 at ±∞)
    can still be bounded.  Raises ValueError with what could not be certified."""
    import mpmath
    from mpmath import iv

    saved = iv.dps
    iv.dps = DPS
    try:
        with mpmath.workdps(DPS):
            return _search(pieces, z, mpmath.mpf(target), max_boxes)
    finally:
        iv.dps = saved


def _search(pieces, z, target, max_boxes):
    import mpmath

    heap, lower, count, far, limits = [], mpmath.mpf(0), 0, False, {}
    stop = 1 + mpmath.mpf(TOLERANCE)
    functions = [_functions(expr, z) for expr, _ in pieces]
    for index, (_, (a, b)) in enumerate(pieces):
        for lo, hi in _initial(_mp(a, -1), _mp(b, 1)):
            upper, point = box_bound(functions[index], lo, hi)
            lower = max(lower, point)
            count += 1
            heapq.heappush(heap, (-upper, count, index, lo, hi))
    while heap:
        upper = -heap[0][0]
        if mpmath.isfinite(upper) and upper <= max(target, lower * stop):
            return Certificate(lower, upper, count, far)
        if count >= max_boxes:
            break
        _, _, index, lo, hi = heapq.heappop(heap)
        middle = _split(lo, hi)
        if lo * hi > 0 and min(abs(lo), abs(hi)) >= FAR:
            limit = limits.get((index, hi > 0)) or _limit(pieces[index][0], z, hi)
            limits[(index, hi > 0)] = limit
            if limit is None or limit >= upper:   # no limit to stand in: give up here
                heapq.heappush(heap, (-upper, count, index, lo, hi))
                break
            far = True
            heapq.heappush(heap, (-limit, count, index, lo, lo))
            continue
        if middle is None or _hopeless(lo, hi, upper, lower):
            heapq.heappush(heap, (-upper, count, index, lo, hi))
            break
        for part in ((lo, middle), (middle, hi)):
            bound, point = box_bound(functions[index], *part)
            lower = max(lower, point)
            count += 1
            heapq.heappush(heap, (-bound, count, index, *part))
    worst = -heap[0][0]
    where = _where(heap[0][3], heap[0][4])
    raise ValueError(
        f"interval arithmetic could not bound |φ'| {where} after splitting the line into "
        f"{count} intervals "
        f"(best bound {mpmath.nstr(worst, 6)}, largest value found {mpmath.nstr(lower, 6)})")


def _limit(expr, z, end):
    """|lim φ'| at the end ±∞ as an mpf rounded up (SymPy), or None where there is none."""
    import mpmath

    try:
        value = sp.limit(expr, z, sp.oo if end > 0 else -sp.oo)
    except (NotImplementedError, ValueError, TypeError):
        return None
    if isinstance(value, sp.AccumBounds) or not value.is_real or not value.is_finite:
        return None
    with mpmath.workdps(DPS + 10):
        number = abs(mpmath.mpf(sp.Float(sp.N(value, DPS + 20), DPS + 20)._mpf_))
        return number * (1 + mpmath.mpf(10) ** -DPS) + mpmath.mpf(10) ** -(10 * DPS)


def _functions(expr, z):
    """(enclosure of φ'(z), enclosure of φ'(1/t) for the tails or None, enclosure of φ'' or
    None, {±1: (enclosures of φ' and φ'' in ``derive._tails``' form for z ≥ 1 / z ≤ −1)})."""
    try:
        direct = compile_interval(expr, z)
    except Unsupported as err:
        raise ValueError(str(err)) from None
    t = sp.Dummy("t", real=True)
    try:
        tail = compile_interval(sp.cancel(sp.together(expr.subs(z, 1 / t))), t)
    except (Unsupported, sp.PolynomialError):
        tail = None
    sides = {}
    for side in (1, -1):
        form = tail_form(expr, z, side)
        if form is not None:
            try:
                sides[side] = (compile_interval(form, z), (_compiled(sp.diff(form, z), z), None))
            except Unsupported:
                pass
    d2 = sp.diff(expr, z)
    return direct, tail, (_compiled(d2, z), _compiled(sp.diff(d2, z), z)), sides


def _compiled(expr, z):
    try:
        return compile_interval(expr, z)
    except Unsupported:
        return None


def _initial(a, b):
    """The piece [a, b] cut at −1, 1 (and 0 when it is bounded on one side only)."""
    import mpmath

    cuts = [c for c in (mpmath.mpf(-1), mpmath.mpf(1)) if a < c < b]
    ends = [a, *cuts, b]
    return list(zip(ends, ends[1:], strict=False)) if a < b else [(a, b)]


def _hopeless(lo, hi, upper, lower):
    """A bounded box far out (|z| ≥ 10^6), no wider than its distance from 0, whose
    bound is still 10^30 times the largest value: the enclosure blows up there (e^z/(1+e^z)
    over a box of width w is wider by e^w), and cutting it to width 1 would take forever."""
    import mpmath

    if mpmath.isinf(lo) or mpmath.isinf(hi) or lo * hi <= 0:
        return False
    near = min(abs(lo), abs(hi))
    return near >= 10**6 and hi - lo <= near and upper > 10**30 * max(lower, 10**-30)


def _split(lo, hi):
    """Where to cut a box: 4|lo| (or −1, 1) for an unbounded one, the geometric mean when the
    ends differ by more than a factor 4 on one side of 0, else the middle; None when the box
    cannot be cut at this precision."""
    import mpmath

    if mpmath.isinf(hi) and mpmath.isinf(lo):
        return mpmath.mpf(0)
    if mpmath.isinf(hi):
        return max(4 * lo, lo * lo if lo > 10**10 else 0, mpmath.mpf(1))
    if mpmath.isinf(lo):
        return min(4 * hi, -hi * hi if hi < -10**10 else 0, mpmath.mpf(-1))
    if lo > 0 and hi > 4 * lo:
        return mpmath.sqrt(lo * hi)
    if hi < 0 and lo < 4 * hi:
        return -mpmath.sqrt(lo * hi)
    middle = (lo + hi) / 2
    return middle if lo < middle < hi else None


def _where(lo, hi):
    import mpmath

    return f"on [{mpmath.nstr(lo, 6)}, {mpmath.nstr(hi, 6)}]"


def _mp(value, side):
    """A piece's end as an mpf, rounded outwards (``side`` −1: down, 1: up)."""
    import mpmath

    if value in (sp.oo, -sp.oo):
        return mpmath.inf if value == sp.oo else -mpmath.inf
    with mpmath.workdps(DPS + 10):
        near = mpmath.mpf(sp.Float(sp.N(value, DPS + 20), DPS + 20)._mpf_)
        return near + side * abs(near) * mpmath.mpf(10) ** -DPS


def at_least(value, upper):
    """Whether |value| ≥ ``upper`` (an mpf) provably: exactly for a rational, else with 60
    digits and a margin of 10^-55 relative."""
    magnitude = sp.Abs(value)
    if magnitude.is_Rational:
        return bool(magnitude >= _rational(upper))
    number = magnitude.evalf(60)
    return bool(number * (1 - sp.Float(10, 60) ** -55) >= _rational(upper))


def _rational(mpf_value):
    man, exp = mpf_value.man_exp
    return sp.Integer(man) * sp.Integer(2) ** exp
