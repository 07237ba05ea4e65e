"""Forward-mode numbers for the cell oracle: ``Dual`` (a value and its sparse tangent, exact
at mpmath's precision) and ``Magnitude`` (the same with |·| of every term, a bound on what
float64 rounding can do to a derivative), ``lift`` for functions and ``dot`` for sums."""

import mpmath as mp


class Dual:
    """v + Σ d[key] ε_key: a value and its sparse tangent (partials by seed key)."""

    __slots__ = ("v", "d")

    def __init__(self, v, d=None):
        self.v, self.d = v, d or {}

    def __add__(self, other):
        if not isinstance(other, Dual):
            return Dual(self.v + other, self.d)
        d = dict(self.d)
        for key, t in other.d.items():
            d[key] = d.get(key, 0) + t
        return Dual(self.v + other.v, d)

    __radd__ = __add__

    def __neg__(self):
        return Dual(-self.v, {key: -t for key, t in self.d.items()})

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        if not isinstance(other, Dual):
            return Dual(self.v * other, {key: t * other for key, t in self.d.items()})
        d = {key: t * other.v for key, t in self.d.items()}
        for key, t in other.d.items():
            d[key] = d.get(key, 0) + self.v * t
        return Dual(self.v * other.v, d)

    __rmul__ = __mul__

    def chain(self, value, slope):
        """f(self) as a dual: value f(v), tangent f'(w) d."""
        return type(self)(value, {key: slope * t for key, t in self.d.items()})


class Magnitude(Dual):
    """A dual whose tangent sums absolute values: |d(a ± b)| ≤ |da| + |db|, |d(ab)| ≤ |da||b|
    + |a||db|, |d f(a)| = |f'(a)||da|: the size of every term a perturbation passes through,
    so ε times it bounds what rounding does to a derivative float64 forms as a sum of those
    terms (a complex step's Im σ(z) h + Im σ(−z) n, which GRU's h ≈ n cancels)."""

    __slots__ = ()

    def __add__(self, other):
        if not isinstance(other, Dual):
            return Magnitude(self.v + other, self.d)
        d = dict(self.d)
        for key, t in other.d.items():
            d[key] = d.get(key, 0) + abs(t)
        return Magnitude(self.v + other.v, d)

    __radd__ = __add__

    def __neg__(self):
        return Magnitude(-self.v, self.d)

    def __mul__(self, other):
        if not isinstance(other, Dual):
            return Magnitude(self.v * other, {key: t * abs(other) for key, t in self.d.items()})
        d = {key: t * abs(other.v) for key, t in self.d.items()}
        for key, t in other.d.items():
            d[key] = d.get(key, 0) + abs(self.v) * abs(t)
        return Magnitude(self.v * other.v, d)

    __rmul__ = __mul__

    def chain(self, value, slope):
        return Magnitude(value, {key: abs(slope) * t for key, t in self.d.items()})


def lift(f, df, at=None, rounded=False):
    """The function f on duals: f(v) + f'(w) d, with w = v unless ``at`` gives another point
    (a kink: φ' taken on the float argument's side); ``rounded``: f(v) and f'(w) rounded to
    float64, as the code under test has them (to measure what that rounding does)."""
    def apply(z):
        value, slope = f(z.v), df(z.v if at is None else at)
        if rounded:
            value, slope = mp.mpf(float(value)), mp.mpf(float(slope))
        return z.chain(value, slope)
    return apply


def dot(row, values):
    """Σ_j row[j] values[j] (duals or mpf), accumulated in one tangent (of the duals' kind)."""
    v, d, kind = mp.mpf(0), {}, Dual
    for a, b in zip(row, values, strict=True):
        term = a * b
        if isinstance(term, Dual):
            v, kind = v + term.v, type(term)
            for key, t in term.d.items():
                d[key] = d.get(key, 0) + (abs(t) if kind is Magnitude else t)
        else:
            v += term
    return kind(v, d)
