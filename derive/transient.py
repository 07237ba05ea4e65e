"""Transient growth of W^k for ρ(W) < 1: ‖W^k‖₂ can exceed 1 for many steps when W is not normal,
although W^k → 0 (ρ decides the limit, not the first steps).

>>> transient_growth([[0.5, 5], [0, 0.5]]).at
1
"""

from dataclasses import dataclass

import sympy as sp

from derive.linear import _matrix, linear_growth


@dataclass(frozen=True)
class Transient:
    """max_{k ≥ 1} ‖W^k‖₂ (``peak``, 30 digits) and the first k where it is attained (``at``);
    ``settled``: the first k ≥ 1 with ‖W^k‖₂ ≤ 1 (beyond it no power exceeds the peak), or None
    when ‖W^k‖₂ > 1 for every k up to ``searched``: then peak and at are over those k only."""

    peak: sp.Float
    at: int
    settled: int | None
    searched: int

    @property
    def grows(self):
        return self.peak > 1


def transient_growth(W, limit=10_000):
    """The transient of W^k for ρ(W) < 1: ‖W^k‖₂ can exceed 1 for small k when W is not normal
    (W = [[1/2, 5], [0, 1/2]]: ‖W‖₂ ≈ 5.05) although W^k → 0.

    Exact argument for where to stop: if ‖W^m‖ ≤ 1 then for k = qm + r (q ≥ 1, r < m)
    ‖W^k‖ ≤ ‖W^m‖^q ‖W^r‖ ≤ ‖W^r‖, so max_{k≥1} ‖W^k‖ is attained before m.  Norms are
    computed at 40 digits (σ_max by SVD) and returned to 30; at most ``limit`` powers.
    """
    import mpmath

    M = _matrix(W)
    if M.free_symbols:
        raise ValueError("transient_growth needs concrete entries")
    if linear_growth(M).verdict != "vanishing":
        raise ValueError("transient_growth needs ρ(W) < 1 (otherwise ‖W^k‖ does not settle)")
    with mpmath.workdps(40):
        A = mpmath.matrix([[mpmath.mpmathify(sp.N(v, 50)) for v in row] for row in M.tolist()])
        power, peak, at = A, mpmath.mpf(0), 0
        for k in range(1, limit + 1):
            value = max(mpmath.svd_r(power, compute_uv=False)) if _real(M) else \
                max(abs(s) for s in mpmath.svd_c(power, compute_uv=False))
            if value > peak:
                peak, at = value, k
            if value <= 1:
                return Transient(sp.Float(peak, 30), at, k, k)
            power = power * A
    return Transient(sp.Float(peak, 30), at, None, limit)


def _real(M):
    return all(entry.is_real for entry in M)

