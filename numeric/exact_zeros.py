"""Is a φ'(a) that is 0 in float64 an exact zero, or an underflow?

A sweep's product ∂h_T/∂h_0 = Π_k diag(φ'(a_k)) W_hh is exactly 0 when some factor is: W_hh = 0
(or nilpotent), relu's zero piece, φ = z² at a = 0 (φ'(0) = 2·0 = 0).  It is not representable
when φ'(a) underflowed (tanh'(400) = sech² 400 ≈ 10^-347 evaluates to 0): the true product is
tiny but not 0.  ``ZeroTest(act).underflowed(a)`` tells the two apart for the points a where
float φ'(a) == 0: a point of a piece on which φ' is identically 0 is exact; any other point is
evaluated with mpmath (whose exponent range is unbounded), exact only where that gives 0.

Kinks: where φ' jumps (relu's 0) the float φ'(a) is a convention (relu'(0) = 0, the one-sided
derivatives 0 and 1); a sweep whose a_k sits exactly there flags the row (``on_kink``).
"""

import mpmath
import numpy as np
import sympy as sp

import derive

SUBNORMAL = float(np.finfo(float).smallest_subnormal)   # 2^-1074


class ZeroTest:
    """``underflowed(a)``: for float64 points a (1-D) with float φ'(a) == 0, whether the exact
    φ'(a) ≠ 0 at any of them (an underflow); False when φ' is exactly 0 at all of them.
    mpmath's values are cached by point."""

    def __init__(self, act):
        pieces = derive.derivative_pieces(act.dphi, act.variable)
        self._zero_pieces = [_bounds(interval) for expr, interval in pieces if expr == 0]
        self._exact = sp.lambdify(act.variable, act.dphi_stable, "mpmath")  # 1 − tanh² cancels
        self._cache = {}

    def on_zero_piece(self, a):
        """Where a lies on a piece of φ' that is identically 0 (relu's a ≤ 0)."""
        a = np.asarray(a, dtype=float)
        inside = np.zeros(a.shape, dtype=bool)
        for low, low_open, high, high_open in self._zero_pieces:
            inside |= ((a > low) if low_open else (a >= low)) & \
                ((a < high) if high_open else (a <= high))
        return inside

    def underflowed(self, a):
        """Whether any of the points a is an underflow (stops at the first)."""
        a = np.asarray(a, dtype=float)
        return any(self._nonzero(float(v)) for v in a[~self.on_zero_piece(a)])

    def exact_points(self):
        """The points found so far where φ' is exactly 0 (off its zero pieces: z = 0 of 2z)."""
        return np.array([v for v, nonzero in self._cache.items() if not nonzero], dtype=float)

    def _nonzero(self, value):
        if value not in self._cache:
            try:  # 0 at 40 digits and again at 200: exactly 0 (a root such as z = 0 of 2z)
                self._cache[value] = any(self._at(value, digits) != 0 for digits in (40, 200))
            except (TypeError, ValueError, ZeroDivisionError, OverflowError):
                self._cache[value] = True  # cannot tell: say "not representable", never 0
        return self._cache[value]

    def _at(self, value, digits):
        with mpmath.workdps(digits):
            return self._exact(mpmath.mpf(value))


def times(a, b):
    """a · b (broadcast) with 0 wherever a factor is exactly 0, also beside an inf: in a
    backward pass inf stands for a finite g_k that overflowed, and δ_k · 0 (a zero state
    h_{k-1}, x_k or partial) is exactly 0, not NaN.

    >>> times(np.array([np.inf, 2.0]), np.array([0.0, 3.0])).tolist()
    [0.0, 6.0]
    """
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where((np.asarray(a) == 0) | (np.asarray(b) == 0), 0.0, np.multiply(a, b))


def matmul(A, B):
    """A @ B (as np.matmul) with every term A[i, l] B[l, j] that has an exactly-0 factor
    counted as 0, also beside an inf (``times`` inside the sum): W_hhᵀ δ_k with an overflowed
    δ_k and a zero column of W_hh is 0 in that entry, not inf · 0 = NaN.  The plain product
    when both are finite.

    >>> matmul(np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([np.inf, 0.0])).tolist()
    [inf, 0.0]
    """
    A, B = np.asarray(A), np.asarray(B)
    if np.isfinite(A).all() and np.isfinite(B).all():
        return A @ B
    vector = B.ndim == 1
    B = B[:, None] if vector else B
    with np.errstate(invalid="ignore", over="ignore"):
        out = times(A[..., :, :, None], B[..., None, :, :]).sum(axis=-2)
    return out[..., 0] if vector else out


def underflow_rows(test, a, d, rows):
    """Set ``rows[r]`` (one per swept weight: an underflowed φ' was seen) from a chunk's
    pre-activations a and float φ'(a) d, both (steps, rows, n); in place, returned.  Points on
    a zero piece, or already known to be exact zeros, are sorted out for all rows at once."""
    zero = np.broadcast_to(d == 0, a.shape)
    if not zero.any():
        return rows
    open_ = zero & ~test.on_zero_piece(a) & ~np.isin(a, test.exact_points())
    for r in np.flatnonzero(open_.any(axis=(0, 2)) & ~rows):
        rows[r] = test.underflowed(np.unique(a[:, r][open_[:, r]]))
    return rows


def mark_rows(test, kinks, gains, a, d, lost, kink, floor=SUBNORMAL):
    """Flag the rows of a chunk (one per gain g; in place) from its pre-activations a and
    float φ'(a) d, both (steps, rows, n): ``kink`` where some a_k sits on a kink of φ
    (``kinks``), ``lost`` where φ'(a_k) evaluated to 0 although it is not exactly 0
    (``underflow_rows``) or where g φ'(a_k) with g ≠ 0 and φ'(a_k) ≠ 0 falls below ``floor``
    in magnitude: on NumPy's path the smallest subnormal (it rounded to 0); on a backend that
    may flush subnormals to 0 (JAX on the CPU) the smallest normal number."""
    if kinks.size:
        kink |= np.isin(a, kinks).any(axis=(0, 2))
    if not d.all():
        underflow_rows(test, a, d, lost)
    with np.errstate(over="ignore", under="ignore"):
        scaled = np.abs(gains[None, :, None] * d)
    lost |= ((scaled < floor) & (d != 0)).any(axis=(0, 2)) & (gains != 0)


def kink_points(act):
    """The points where φ' jumps (relu's 0): a state whose a_k sits on one takes the convention
    for φ'(a_k) (relu'(0) = 0), so the sweep flags it (``on_kink``)."""
    return np.array([float(p) for p in act.dphi_jumps], dtype=float)


def kink_dict(on_kink):
    """``on_kink`` for JSON, with a note when any row is on a kink."""
    out = {"on_kink": np.asarray(on_kink).tolist()}
    if np.any(on_kink):
        out["on_kink_note"] = KINK_NOTE
    return out


KINK_NOTE = ("true where some pre-activation a_t sat exactly on a kink of phi (where phi' jumps, "
             "relu's 0): phi'(a_t) there is a convention (relu'(0) = 0; the one-sided "
             "derivatives are 0 and 1), so the value and its regime depend on that convention")


def _bounds(interval):
    return (float(interval.start), bool(interval.left_open),
            float(interval.end), bool(interval.right_open))
