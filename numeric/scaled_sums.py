"""Values beyond float64's range kept exactly as mantissa · 2^exponent, one exponent for all
entries while that loses nothing, else one per entry: the BPTT sums Σ_k δ_k h_{k-1}ᵀ, Σ_k δ_k
(``ScaledSum``) and g_k = ∂L/∂h_k itself (``matvec_T``, ``add_entries``, ``renormalised``).

With one exponent, an entry more than 2^1022 below the largest is rounded into the subnormal
range or to 0: ∂L/∂b_h = [10^399, −100] came out as [inf, −85] (the per-step residuals
−0.25 flushed once g_1 passed 2^1074), although every entry but the first is representable.
Per-entry exponents keep each entry's own digits; a single exponent is used again as soon as
every nonzero entry is normal with it (bit for bit the plain float64 recursion in range).
"""

import math

import numpy as np

LOG10_2 = math.log10(2.0)
TINY = 2.0**-1022  # float64's smallest normal number


class ScaledSum:
    """Σ_k term_k · 2^{s_k}, entry by entry, with exact power-of-two scaling: first as
    plain · 2^base with one exponent for all entries (bit for bit the plain float64 sum while
    that stays in the normal range), then, once a common exponent would round an entry or a
    term below float64's normal range where it matters, as m · 2^e per entry (|m| in [½, 1),
    one rounding per addition): an entry that leaves float64 does not take the others with it
    (one exponent flushed ∂L/∂b_h's −0.25 to 0 beside an entry of 10^999); s an int or, per
    entry, an array that broadcasts to the term.

    >>> S = ScaledSum(2)
    >>> S.add(np.array([0.5, -0.25]), 0); S.add(np.array([0.75, 0.0]), 4000)
    >>> S.value().tolist(), round(S.log10_max(), 3)
    ([inf, -0.25], 1203.995)
    """

    def __init__(self, shape):
        self.plain, self.base = np.zeros(shape), 0
        self.m = self.e = None  # the per-entry form, once needed

    def add(self, term, s, where=()):
        """self[where] += term · 2^s (term finite; an exactly-0 term changes nothing)."""
        if isinstance(s, np.ndarray) and self.m is None:
            self.m, self.e = per_entry(self.plain, self.base)
        if self.m is None and s > self.base and self._rescales_exactly(s):
            self.plain, self.base = np.ldexp(self.plain, self.base - s), s
        if self.m is None and s <= self.base:
            with np.errstate(under="ignore"):
                t = term if s == self.base else np.ldexp(term, s - self.base)
            if s == self.base or self._absorbed(term, t, where):
                self.plain[where] += t
                return
        if self.m is None:
            self.m, self.e = per_entry(self.plain, self.base)
        m, e = self.m[where], self.e[where]
        term = np.broadcast_to(term, np.shape(m))
        s = np.broadcast_to(s, np.shape(m))
        top = np.where(m == 0, s, np.where(term == 0, e, np.maximum(e, s)))
        with np.errstate(under="ignore"):
            total = np.ldexp(m, e - top) + np.ldexp(term, s - top)
        m, shift = np.frexp(total)
        self.m[where], self.e[where] = m, np.where(m != 0, top + shift, 0)

    def _rescales_exactly(self, s):
        """Whether plain · 2^(base − s) keeps every nonzero entry normal."""
        with np.errstate(under="ignore"):
            scaled = np.abs(np.ldexp(self.plain, self.base - s))
        return not ((scaled < TINY) & (self.plain != 0)).any()

    def _absorbed(self, term, t, where):
        """Whether every nonzero entry of term that t = term · 2^(s − base) rounded below the
        normal range is beside a sum entry of at least 2^-968, where the plain float64 sum
        rounds it away too (it is below a quarter of that entry's ulp)."""
        lost = np.abs(t) < TINY
        if not lost.any():
            return True
        return not (lost & (term != 0) & (np.abs(self.plain[where]) < 2.0**-968)).any()

    def value(self):
        """The sums in float64 (inf where an entry leaves its range)."""
        with np.errstate(over="ignore", under="ignore"):
            return np.ldexp(self.plain, self.base) if self.m is None else \
                np.ldexp(self.m, self.e)

    def log10_max(self):
        """log10 of the largest |entry| (−inf when all are 0), for any exponent."""
        return log10_max(*((self.plain, self.base) if self.m is None else (self.m, self.e)))


def log10_max(mantissa, exponent):
    """log10 max|m · 2^e| (−inf for a zero m), for any exponent (one, or one per entry).

    >>> round(log10_max(np.array([0.5, -0.75]), np.array([4000, 10])), 6), log10_max(np.zeros(2), 0)
    (1203.818953, -inf)
    """
    with np.errstate(divide="ignore"):
        logs = np.log10(np.abs(mantissa)) + np.asarray(exponent) * LOG10_2
    return float(np.max(logs)) if np.size(logs) else -math.inf


def unified(g, s):
    """(g · 2^(s − top), top) with one exponent when every nonzero entry stays normal with it,
    else (g, s) unchanged; s an int (returned as is) or one per entry."""
    if not isinstance(s, np.ndarray):
        return g, s
    nonzero = g != 0
    if not nonzero.any():
        return np.zeros_like(g), 0
    top = int(np.max(s[nonzero]))
    with np.errstate(under="ignore"):
        u = np.ldexp(g, np.where(nonzero, s - top, 0))
    return (g, s) if ((np.abs(u) < TINY) & nonzero).any() else (u, top)


def per_entry(g, s):
    """(m, e) with g · 2^s = m · 2^e entry by entry, |m| in [½, 1) (e = 0 where g = 0)."""
    m, e = np.frexp(g)
    return m, np.where(m != 0, e + s, 0)


def renormalised(g, s):
    """ĝ · 2^s with max|ĝ| in [½, 1) when max|g| left [2^-64, 2^64] (one exponent), or per
    entry when one exponent would round a nonzero entry below the normal range."""
    if isinstance(s, np.ndarray):
        return unified(*per_entry(g, s))
    big = float(np.max(np.abs(g))) if g.size else 0.0
    if big == 0 or not math.isfinite(big) or 2.0**-64 <= big <= 2.0**64:
        return g, s
    e = math.frexp(big)[1]
    with np.errstate(under="ignore"):
        u = np.ldexp(g, -e)
    if ((np.abs(u) < TINY) & (g != 0)).any():
        return per_entry(g, s)
    return u, s + e


def matvec_T(W, v, s):
    """Wᵀ (v · 2^s) as (r, e): the plain Wᵀ v with one exponent; with one per entry, each entry
    of the result taken at the largest exponent among its nonzero terms W_ij v_i 2^{s_i}."""
    if not isinstance(s, np.ndarray):
        return W.T @ v, s
    C = W.T * v[None, :]
    active = C != 0
    top = np.where(active, s[None, :], np.iinfo(np.int64).min).max(axis=1)
    top = np.where(active.any(axis=1), top, 0)
    with np.errstate(under="ignore"):
        r = np.ldexp(C, np.where(active, s[None, :] - top[:, None], 0)).sum(axis=1)
    return r, top


def add_entries(g, s, r):
    """g · 2^s + r (r: plain float64, a per-step residual): the plain sum at exponent
    max(s, 0) when nothing is rounded below the normal range there, else per entry."""
    if not isinstance(s, np.ndarray):
        top = max(s, 0)
        with np.errstate(under="ignore"):
            a, b = np.ldexp(g, s - top), np.ldexp(r, -top)
        if not (((np.abs(a) < TINY) & (g != 0)) | ((np.abs(b) < TINY) & (r != 0))).any():
            return a + b, top
        s = np.full(g.shape, s)
    top = np.where(g == 0, 0, np.where(r == 0, s, np.maximum(s, 0)))
    with np.errstate(under="ignore"):
        return np.ldexp(g, s - top) + np.ldexp(r, -top), top


def top_size(v, s):
    """(‖v · 2^(s − top)‖₂, top): the norm with the largest exponent taken out."""
    if not isinstance(s, np.ndarray):
        return np.linalg.norm(v), s
    top = int(np.max(s)) if s.size else 0
    with np.errstate(under="ignore"):
        return np.linalg.norm(np.ldexp(v, s - top)), top


def combined(pairs):
    """Σ v · 2^e over (v, e) pairs of one shape as (total, exponent): the plain sum (Python's
    sum, so bit for bit the unscaled one) when every e is the same int, else per entry, each at
    the largest exponent among its nonzero terms."""
    pairs = list(pairs)
    exps = [e for _, e in pairs]
    if not any(isinstance(e, np.ndarray) for e in exps) and len(set(exps)) <= 1:
        return sum(v for v, _ in pairs), (exps[0] if exps else 0)
    shape = np.broadcast_shapes(*(np.shape(v) for v, _ in pairs))
    values = [np.broadcast_to(v, shape) for v, _ in pairs]
    exps = [np.broadcast_to(e, shape) for e in exps]
    floor = np.iinfo(np.int64).min
    top = np.max([np.where(v != 0, e, floor) for v, e in zip(values, exps, strict=True)], axis=0)
    top = np.where(top == floor, 0, top)
    with np.errstate(under="ignore"):
        total = sum(np.ldexp(v, np.where(v != 0, e - top, 0))
                    for v, e in zip(values, exps, strict=True))
    return total, top
