"""Critical points of a periodic φ' in closed form: ``solveset`` gives the roots of φ'' on the
whole line as lattices {c + p·k : k ∈ ℤ} (SymPy ImageSets, possibly cut by an interval); when
|φ'| is one exact value on a lattice (cos z: 1 on 2πk and on 2πk + π), that value is a candidate
for γ_φ attained on the whole lattice (used by ``derive._gain``).  ``period_of`` finds the
period of a periodic φ', so that sup|φ'| is sought over one period, not from its accumulation
values at ±∞."""

import sympy as sp

K = sp.Symbol("k", integer=True)


def lattice_value(expr, z, part):
    """(|φ'| on ``part``, ``part`` written with the integer k) when ``part`` is a lattice
    {c + p·n : n ∈ ℤ}, p ≠ 0 (possibly intersected with intervals) and |φ'| takes one exact
    value on it; else None.

    >>> z = sp.Symbol("z", real=True)
    >>> lattice_value(1 + sp.cos(z) / 2, z, sp.ImageSet(sp.Lambda(K, 2 * sp.pi * K), sp.Integers))
    (3/2, ImageSet(Lambda(k, 2*pi*k), Integers))
    """
    cut = []
    if isinstance(part, sp.Intersection):
        cut = [a for a in part.args if isinstance(a, sp.Interval)]
        sets = [a for a in part.args if isinstance(a, sp.ImageSet)]
        if len(sets) != 1 or len(cut) != len(part.args) - 1:
            return None
        part = sets[0]
    if not isinstance(part, sp.ImageSet) or part.base_sets != (sp.Integers,):
        return None
    (n,), point = part.lamda.variables, part.lamda.expr
    point = point.xreplace({n: K})
    if not (point.is_polynomial(K) and sp.degree(point, K) == 1 and point.is_real):
        return None
    value = sp.simplify(sp.Abs(expr.subs(z, point)))
    if value.has(K) or not value.is_finite:
        return None
    lattice = sp.ImageSet(sp.Lambda(K, point), sp.Integers)
    return value, (sp.Intersection(lattice, *cut, evaluate=False) if cut else lattice)


def unbounded(attained, sign):
    """Whether the set reaches +∞ (sign 1) or −∞ (sign −1); a lattice reaches both, cut by an
    interval only the ways the interval is unbounded (the sets ``derive._gain`` builds)."""
    if isinstance(attained, sp.Union):
        return any(unbounded(part, sign) for part in attained.args)
    if isinstance(attained, sp.ImageSet):
        return True           # only lattices with p ≠ 0 are kept (``lattice_value``)
    if isinstance(attained, sp.Intersection):
        return all(unbounded(part, sign) for part in attained.args)
    return (attained.sup if sign > 0 else attained.inf) == sign * sp.oo


def merge_lattices(attained):
    """A union of uncut lattices c_i + p·k with one period p whose offsets are evenly spaced
    by p/m over a period (m of them) written as the one lattice c_0 + (p/m)·k: cos z's
    {2πk} ∪ {π + 2πk} as {πk}.  Any other set is returned as it is."""
    parts = attained.args if isinstance(attained, sp.Union) else ()
    if len(parts) < 2 or not all(isinstance(p, sp.ImageSet) and p.base_sets == (sp.Integers,)
                                 for p in parts):
        return attained
    lines = [sp.Poly(p.lamda.expr.xreplace({p.lamda.variables[0]: K}), K) for p in parts]
    if any(line.degree() != 1 for line in lines):
        return attained
    periods = {abs(line.coeff_monomial(K)) for line in lines}
    if len(periods) != 1:
        return attained
    period = periods.pop()
    offsets = sorted((sp.Mod(line.coeff_monomial(1), period) for line in lines),
                     key=sp.default_sort_key)
    step = period / len(offsets)
    wanted = {sp.Mod(offsets[0] + step * i, period) for i in range(len(offsets))}
    if wanted != set(offsets):
        return attained
    return sp.ImageSet(sp.Lambda(K, sp.Mod(offsets[0], step) + step * K), sp.Integers)


def period_of(expr, z, interval):
    """The period p of φ' on a piece unbounded on some side (checked: φ'(z + p) = φ'(z)),
    or None."""
    if interval.start.is_finite and interval.end.is_finite:
        return None
    try:
        period = sp.periodicity(expr, z)
    except (NotImplementedError, ValueError, TypeError):
        return None
    if period is None or period == 0 or sp.simplify(expr.subs(z, z + period) - expr) != 0:
        return None
    return sp.Abs(period)


def period_domain(interval, period):
    """Where to bound |φ'|: the piece, or one period of it."""
    if period is None:
        return (interval.start, interval.end)
    start = (interval.start if interval.start.is_finite
             else interval.end - period if interval.end.is_finite else sp.S.Zero)
    return (start, start + period)


def simplified_lattice(part):
    """A lattice whose points SymPy wrote through complex logarithms (cos² z = 2 sin² z gives
    −i(i(2πn + atan(…)) + log √(sin² a + cos² a))) with its points simplified: 2πn + atan(2√2)/2."""
    def simpler(image):
        if not isinstance(image, sp.ImageSet):
            return image
        (n,), point = image.lamda.variables, image.lamda.expr
        return sp.ImageSet(sp.Lambda(n, sp.expand(sp.simplify(point))), *image.base_sets)

    if isinstance(part, sp.Intersection):
        kept = [simpler(a) for a in part.args if a != sp.S.Reals]
        return kept[0] if len(kept) == 1 else sp.Intersection(*kept, evaluate=False)
    return simpler(part)


def plainer(value):
    """|φ'| on a lattice without trigonometric functions where SymPy finds such a form of its
    square (2 sin(atan(2√2)/2) = 2√3/3); checked equal to 50 digits, else kept as it is."""
    if not value.has(sp.sin, sp.cos, sp.tan, sp.atan):
        return value
    try:
        square = sp.simplify(sp.expand_trig(sp.simplify((value**2).rewrite(sp.cos))))
        plain = sp.radsimp(sp.sqrt(square))
    except (NotImplementedError, ValueError, TypeError):
        return value
    if plain.has(sp.sin, sp.cos, sp.tan, sp.atan) or not plain.is_positive:
        return value
    if abs(sp.N(plain - value, 60)) > sp.Float(10, 60) ** -50 * max(abs(sp.N(value, 60)), 1):
        return value
    return plain
