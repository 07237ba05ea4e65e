"""The Taylor test: a verdict on a gradient that needs no step size.

For a unit direction v and a step ε, the first-order remainder

    r(ε) = |L(θ + εv) − L(θ) − ε⟨∇L, v⟩|

is O(ε²) when ∇L is right and only O(ε) when it is wrong, so the slope of log r against log ε
is 2 or 1.  The steps are ε_i = ε_0 · 2^−i with ε_0 = max(‖θ‖₂, 1) (v is a unit vector, so ε is
measured in the units of θ), halved until r falls under its rounding floor

    floor(ε) = FLOOR_FACTOR · u · (|L(θ)| + |L(θ + εv)| + ⟨|∇L|, |θ| + ε|v|⟩)

(u the unit roundoff of the loss's or the parameters' dtype, whichever is coarser: what
evaluating L and rounding θ + εv can change).  The slope is the least-squares fit over the
WINDOW points of smallest ε that lie above the floor: the small-ε end, where the Taylor
expansion's leading term dominates.  Rule: ``passed`` iff every fitted slope ≥ PASS_SLOPE
(1.5).  A direction whose remainder is under the floor at (almost) every step has no slope
(NaN): that is what a correct gradient of a function linear along v gives (a wrong one would
leave ε·|error| above it), so it counts as passed and a note says so.

Any Python callables work (NumPy, torch, JAX): θ + εv is handed to ``loss_fn`` in the type,
dtype and device of ``params`` (torch tensors and JAX arrays are rebuilt from NumPy), and the
outputs are read with ``np.asarray`` (torch tensors via ``.detach().cpu().numpy()``).  In
float32 the floor leaves about two decades of r, so slopes scatter (a note says so): the test is
meant for float64 evaluations.
"""

import sys
from dataclasses import dataclass

import numpy as np

FLOOR_FACTOR = 256
WINDOW = 5
PASS_SLOPE = 1.5
STOP_BELOW = 3


@dataclass(frozen=True)
class TaylorTest:
    """Slopes (one per direction, NaN where the remainder stayed at the rounding floor), the
    verdict, and per direction the steps ε and remainders r(ε) evaluated (tuples of floats)."""

    slopes: tuple
    passed: bool
    epsilons: tuple
    remainders: tuple
    notes: tuple = ()
    rule: str = (f"passed iff every log-log slope of the remainder is >= {PASS_SLOPE} "
                 "(2 for a correct gradient, 1 for a wrong one)")

    def to_dict(self):
        """JSON-ready: non-finite numbers become None."""
        def clean(values):
            return [float(v) if np.isfinite(v) else None for v in values]

        return {"passed": self.passed, "slopes": clean(self.slopes), "rule": self.rule,
                "epsilons": [clean(e) for e in self.epsilons],
                "remainders": [clean(r) for r in self.remainders], "notes": list(self.notes)}


def to_numpy(value):
    """A NumPy array from a NumPy, torch or JAX value (torch without importing it here)."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _leaves(params):
    if isinstance(params, dict):
        if not params:
            raise ValueError("params is an empty dict; give at least one array")
        return list(params.items())
    return [(None, params)]


def _flatten(structure, leaves, what):
    """The leaves of ``structure`` (same keys and shapes as ``leaves``) as one float64 vector."""
    if (structure.keys() != dict(leaves).keys() if isinstance(structure, dict)
            else leaves[0][0] is not None):
        raise ValueError(f"{what} must have the structure of params (keys {_keys(leaves)})")
    parts = []
    for key, leaf in leaves:
        value = to_numpy(structure[key] if key is not None else structure)
        shape = to_numpy(leaf).shape
        if value.shape != shape:
            label = f"{what}[{key!r}]" if key is not None else what
            raise ValueError(f"{label} must have shape {shape}, got {value.shape}")
        parts.append(np.asarray(value, dtype=np.float64).ravel())
    vector = np.concatenate(parts)
    if not np.all(np.isfinite(vector)):
        raise ValueError(f"{what} has non-finite entries")
    return vector


def _keys(leaves):
    return [k for k, _ in leaves] if leaves[0][0] is not None else "none: a single array"


def _like(original, values):
    """``values`` (NumPy) in the type, dtype and device of ``original``."""
    module = type(original).__module__.split(".")[0]
    if module == "torch":
        return sys.modules["torch"].as_tensor(values, dtype=original.dtype,
                                              device=original.device)
    if module in ("jax", "jaxlib"):
        return sys.modules["jax.numpy"].asarray(values, dtype=original.dtype)
    dtype = to_numpy(original).dtype
    return values.astype(dtype if np.issubdtype(dtype, np.floating) else np.float64)


def _unflatten(leaves, vector):
    out, start = {}, 0
    for key, leaf in leaves:
        shape = to_numpy(leaf).shape
        size = int(np.prod(shape))
        out[key] = _like(leaf, vector[start:start + size].reshape(shape))
        start += size
    return out if leaves[0][0] is not None else out[None]


def _scalar(value):
    array = to_numpy(value)
    if array.size != 1:
        raise ValueError(f"loss_fn must return a scalar, got shape {array.shape}")
    return float(array.reshape(())), array.dtype


def _roundoff(*dtypes):
    floating = [d for d in dtypes if np.issubdtype(d, np.floating)]
    return max([float(np.finfo(d).eps) / 2 for d in floating], default=2.0 ** -53)


def _slope(eps, rem):
    return float(np.polyfit(np.log(eps), np.log(rem), 1)[0])


def _direction(loss, theta, g, v, L0, u):
    """(ε tuple, r tuple, slope) along v: halve ε until r has sat under its floor for
    STOP_BELOW steps after a usable point (or ε no longer moves θ); fit the last contiguous
    run of at most WINDOW usable points (NaN if it has fewer than 3)."""
    eps, rem, usable = [], [], []
    epsilon, s = max(float(np.linalg.norm(theta)), 1.0), float(g @ v)
    smallest = u * epsilon
    while epsilon > smallest and not (usable and len(eps) - usable[-1] > STOP_BELOW):
        with np.errstate(all="ignore"):
            L = loss(theta + epsilon * v)
            r = abs(L - L0 - epsilon * s)
            floor = FLOOR_FACTOR * u * (abs(L0) + abs(L) + np.abs(g) @ (
                np.abs(theta) + epsilon * np.abs(v)))
        if np.isfinite(r) and r > floor:
            usable = usable if usable and usable[-1] == len(eps) - 1 else []
            usable.append(len(eps))
        eps.append(epsilon)
        rem.append(float(r))
        epsilon /= 2
    run = usable[-WINDOW:]
    slope = _slope([eps[i] for i in run], [rem[i] for i in run]) if len(run) >= 3 else np.nan
    return tuple(eps), tuple(rem), slope


def taylor_test(loss_fn, grad_fn, params, *, directions=4, seed=0):
    """Taylor test of ``grad_fn`` against ``loss_fn`` at ``params`` (an array or a dict of
    arrays; ``grad_fn`` returns the same structure, ``loss_fn`` a scalar) along
    ``directions`` seeded random unit directions.

    >>> import numpy as np
    >>> A = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> t = taylor_test(lambda p: 0.5 * p @ A @ p, lambda p: A @ p, np.array([1.0, -2.0]))
    >>> t.passed, [round(s, 1) for s in t.slopes]
    (True, [2.0, 2.0, 2.0, 2.0])
    >>> taylor_test(lambda p: 0.5 * p @ A @ p, lambda p: 2 * A @ p, np.ones(2)).passed
    False
    """
    if not isinstance(directions, int) or isinstance(directions, bool) or directions < 1:
        raise ValueError(f"directions must be a positive integer, got {directions!r}")
    if not callable(loss_fn) or not callable(grad_fn):
        raise ValueError("loss_fn and grad_fn must be callables")
    leaves = _leaves(params)
    theta = _flatten(params, leaves, "params")
    g = _flatten(grad_fn(params), leaves, "grad_fn(params)")
    L0, loss_dtype = _scalar(loss_fn(params))
    if not np.isfinite(L0):
        raise ValueError("loss_fn(params) is not finite")
    u = _roundoff(loss_dtype, *(to_numpy(leaf).dtype for _, leaf in leaves))

    def loss(vector):
        return _scalar(loss_fn(_unflatten(leaves, vector)))[0]

    rng = np.random.default_rng(seed)
    runs, notes = [], []
    for i in range(directions):
        v = rng.standard_normal(theta.size)
        runs.append(_direction(loss, theta, g, v / np.linalg.norm(v), L0, u))
        if not np.isfinite(runs[-1][2]):
            notes.append(f"direction {i}: the remainder stayed at the rounding floor, as for "
                         "a correct gradient of a function linear along it; no slope, counted "
                         "as passed")
    if u > 2.0 ** -40:
        notes.append("the loss or the parameters are in a precision below float64: its rounding "
                     "leaves a short range of steps to fit, so the slopes are noisy; evaluate in "
                     "float64 for a dependable verdict")
    slopes = tuple(r[2] for r in runs)
    passed = all(not np.isfinite(s) or s >= PASS_SLOPE for s in slopes)
    return TaylorTest(slopes, passed, tuple(r[0] for r in runs), tuple(r[1] for r in runs),
                      tuple(notes))
