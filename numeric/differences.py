"""Difference quotients with a scale-aware step, their rounding floors, and kink handling.

For g(t) = F(base + t e) (a vector), with s = c · ε^p · max(1, |base_j|):
    central     (g(s) − g(−s)) / 2s                      error O(s²),  p = 1/3
    richardson  (4 C(s/2) − C(s)) / 3, C = central         error O(s⁴),  p = 1/5
    one-sided   ±(−3 g(0) + 4 g(±s) − g(±2s)) / 2s         error O(s²),  used next to a kink
The rounding floor of a quotient is ~ ε · max|g| / s per entry: a derivative smaller than
(floor / rtol) cannot be resolved to rtol by that quotient, and is reported as uninformative
rather than as a failure.  Each quotient also carries its truncation error, estimated from the
same quotient at s/2 (independent of the value it is compared with).
"""

import numpy as np

EPS = np.finfo(float).eps
EXPONENTS = {"central": 1 / 3, "richardson": 1 / 5}
FLOOR_FACTOR = {"central": 2.0, "richardson": 6.0, "one_sided": 8.0}


def step_size(method, value):
    return EPS ** EXPONENTS[method] * max(1.0, abs(value))


def quotient(method, g, s):
    """The estimate of g'(0), the max |g| seen (for the rounding floor), and an estimate of the
    truncation error from the quotient at s/2: (4/3)|C(s) − C(s/2)| for central,
    (16/15)|R(s) − R(s/2)| for Richardson."""
    if method == "central":
        values = [g(t) for t in (s, -s, s / 2, -s / 2)]
        big, small = (values[0] - values[1]) / (2 * s), (values[2] - values[3]) / s
        return big, np.max(np.abs(values), axis=0), 4 / 3 * np.abs(big - small)
    if method == "richardson":
        values = {t: g(t) for t in (s, -s, s / 2, -s / 2, s / 4, -s / 4)}
        c = {t: (values[t] - values[-t]) / (2 * t) for t in (s, s / 2, s / 4)}
        coarse, fine = (4 * c[s / 2] - c[s]) / 3, (4 * c[s / 4] - c[s / 2]) / 3
        return (coarse, np.max(np.abs(list(values.values())), axis=0),
                16 / 15 * np.abs(coarse - fine))
    raise ValueError(f"unknown difference method {method!r}")


def one_sided(g, s):
    """Second-order forward and backward estimates of g'(0) (for points next to a kink)."""
    g0, values = g(0.0), {t: g(t) for t in (s, 2 * s, -s, -2 * s)}
    forward = (-3 * g0 + 4 * values[s] - values[2 * s]) / (2 * s)
    backward = (3 * g0 - 4 * values[-s] + values[-2 * s]) / (2 * s)
    big = np.max(np.abs([g0, *values.values()]), axis=0)
    return forward, backward, big


def floor(method, magnitude, s):
    """Rounding floor of a difference quotient of values of size ``magnitude``."""
    return FLOOR_FACTOR[method] * EPS * magnitude / s


def near_kink(pre_activation, shift, kinks):
    """Boolean mask: does a ± shift (same shapes) reach a kink of φ'?  Both arrays broadcast."""
    mask = np.zeros(np.broadcast(pre_activation, shift).shape, dtype=bool)
    for kink in kinks:
        mask |= np.abs(pre_activation - kink) <= np.abs(shift)
    return mask
