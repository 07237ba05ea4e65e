"""Difference quotients with a scale-aware step, their rounding floors, and kink handling.

For g(t) = F(base + t e) (a vector), with s = c · ε^p · max(1, |base_j|):
    central     (g(s) − g(−s)) / 2s                      error O(s²),  p = 1/3
    richardson  (4 C(s/2) − C(s)) / 3, C = central         error O(s⁴),  p = 1/5
    one-sided   D = ±(−3 g(0) + 4 g(±s) − g(±2s)) / 2s      error O(s²),  used on a kink;
                for richardson D extrapolated twice (s, s/2, s/4, s/8)  error O(s⁴)
The rounding floor of a quotient is ~ ε · max|g| / s per entry (FLOOR_FACTOR: twice the sum
of the stencil's |coefficients| · s): a derivative smaller than
(floor / rtol) cannot be resolved to rtol by that quotient, and is reported as uninformative
rather than as a failure.  Each quotient also carries its truncation error, estimated from the
same quotient at s/2 (independent of the value it is compared with).
"""

import numpy as np

EPS = np.finfo(float).eps
TINY = np.finfo(float).tiny
EXPONENTS = {"central": 1 / 3, "richardson": 1 / 5}
FLOOR_FACTOR = {"central": 2.0, "richardson": 6.0,
                "one_sided_central": 8.0, "one_sided_richardson": 60.0}
TRUNCATION = {"central": 4 / 3, "richardson": 16 / 15}


def step_size(method, value):
    return EPS ** EXPONENTS[method] * max(1.0, abs(value))


def exact_step(s):
    """The power of two at or below s: base ± s/2^m is then exact for |base| ≥ s (no
    rounding of the argument shortens or lengthens the step)."""
    return 2.0 ** np.floor(np.log2(s))


def quotient(method, g, s):
    """The estimate of g'(0), the max |g| seen (for the rounding floor), and an estimate of the
    truncation error from the quotient at s/2: (4/3)|C(s) − C(s/2)| for central,
    (16/15)|R(s) − R(s/2)| for Richardson."""
    if method == "central":
        values = [g(t) for t in (s, -s, s / 2, -s / 2)]
        big, small = (values[0] - values[1]) / (2 * s), (values[2] - values[3]) / s
        return big, np.max(np.abs(values), axis=0), TRUNCATION[method] * np.abs(big - small)
    if method == "richardson":
        values = {t: g(t) for t in (s, -s, s / 2, -s / 2, s / 4, -s / 4)}
        c = {t: (values[t] - values[-t]) / (2 * t) for t in (s, s / 2, s / 4)}
        coarse, fine = (4 * c[s / 2] - c[s]) / 3, (4 * c[s / 4] - c[s / 2]) / 3
        return (coarse, np.max(np.abs(list(values.values())), axis=0),
                TRUNCATION[method] * np.abs(coarse - fine))
    raise ValueError(f"unknown difference method {method!r}")


def one_sided(method, g, s):
    """Forward and backward estimates of g'(0) of the order of ``method``, for a point on a
    kink, each as (estimate, truncation estimate), and the max |g| seen.

    D(h) = ±(−3 g(0) + 4 g(±h) − g(±2h)) / 2h has error c₂h² + c₃h³ + O(h⁴) on its own side.
    central: D(s), truncation (4/3)|D(s) − D(s/2)|.  richardson: R₁(h) = (4 D(h/2) − D(h))/3
    (O(h³)), R₂(h) = (8 R₁(h/2) − R₁(h))/7 (O(h⁴)), truncation (16/15)|R₂(s) − R₂(s/2)|."""
    depth = {"central": 2, "richardson": 4}[method]
    steps = [s / 2**i for i in range(depth)]
    g0 = g(0.0)
    values = {t: g(t) for h in steps for t in (h, 2 * h, -h, -2 * h)}
    big = np.max(np.abs([g0, *values.values()]), axis=0)
    sides = []
    for sign in (1, -1):
        table = [sign * (-3 * g0 + 4 * values[sign * h] - values[sign * 2 * h]) / (2 * h)
                 for h in steps]
        for factor in (4, 8)[:depth - 2]:
            table = [(factor * fine - coarse) / (factor - 1)
                     for coarse, fine in zip(table, table[1:], strict=False)]
        sides.append((table[0], TRUNCATION[method] * np.abs(table[0] - table[1])))
    return sides[0], sides[1], big


def floor(method, magnitude, s):
    """Rounding floor of a difference quotient of values of size ``magnitude``: each value is
    off by ε |g|, or by up to TINY where φ's evaluation leaves float64's normal range (an
    intermediate such as erfc(27) is flushed to 0: gelu(−37.9) ≈ −1e-313 comes out −0)."""
    return FLOOR_FACTOR[method] * np.maximum(EPS * magnitude, TINY) / s


def near_kink(pre_activation, shift, kinks):
    """Boolean mask: does a ± shift (same shapes) reach a point where φ''s pieces meet (a jump
    of φ' or of φ'')?  Both arrays broadcast."""
    mask = np.zeros(np.broadcast(pre_activation, shift).shape, dtype=bool)
    for kink in kinks:
        mask |= np.abs(pre_activation - kink) <= np.abs(shift)
    return mask
