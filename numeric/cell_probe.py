"""What the derivative checks of a cell evaluate: the one-step map s ↦ F_k(s), the loss as a
function of all parameters and s_0 (batched: one forward pass perturbs every entry at once),
the arguments of the kinked gate functions, and rounding magnitudes.

θ is the flat vector of every parameter (in the kind's order, PyTorch's shapes, row-major) and
then s_0; ``entries(case)`` names its entries.  A perturbation of entry b by t σ_b (σ_b a power
of two near max(1, |θ_b|)) keeps θ_b + t σ_b exact for t a power of two.
"""

from functools import lru_cache

import numpy as np
import sympy as sp

import derive
from numeric import cells


def one_step(case, k, states, complex_values=False):
    """F_k(s) for a batch of states (..., S): step k = 1..T with input x_k."""
    return cells.forward(case.kind, case.activation, case.params, states, case.x[k - 1:k],
                         complex_values).states[-1]


def flat(case):
    """(θ, entries): θ as one float vector, entries[b] = (name, index) with name "s0" last."""
    values, names = [], []
    for p in case.kind.parameters:
        value = case.params[p.name]
        values.append(value.ravel())
        names += [(p.name, index) for index in np.ndindex(value.shape)]
    names += [("s0", (i,)) for i in range(len(case.s0))]
    return np.concatenate([*values, case.s0]), names


def unflat(case, theta):
    """(params, s0) from θ with leading batch dimensions (..., N)."""
    params, start = {}, 0
    for p in case.kind.parameters:
        shape = case.params[p.name].shape
        size = int(np.prod(shape))
        params[p.name] = theta[..., start:start + size].reshape(*theta.shape[:-1], *shape)
        start += size
    return params, theta[..., start:]


def power_scale(values):
    """σ = 2^⌊log2 max(1, |v|)⌋ per entry."""
    return 2.0 ** np.floor(np.log2(np.maximum(1.0, np.abs(values))))


def batch_path(case, theta, complex_values=False):
    """The trajectory of every row of θ (B, N): row b's parameters and s_0."""
    params, s0 = unflat(case, theta)
    return cells.forward(case.kind, case.activation, params, s0, case.x, complex_values), params


def losses(case, path):
    """L = ½ Σ (h_T − y)² per batch member (no conjugate: analytic in complex θ)."""
    residual = path.states[-1][..., :case.hidden] - case.y
    return 0.5 * np.sum(residual * residual, axis=-1)


@lru_cache(maxsize=64)
def kinked_gates(kind, act):
    """[(argument function of the unit inputs, kinks, jumps)] for every application of the
    user's φ in the unit map (found with ``derive.is_gate``), kinked or not; jumps: the kinks
    where φ' jumps.  Empty for gated cells (σ and tanh are fixed and analytic)."""
    if act is None:
        return []
    outputs, inputs = derive.unit_map(kind, act)
    found = []
    for out in outputs:
        for node in sorted(out.atoms(sp.Function), key=sp.default_sort_key):
            if derive.is_gate(node) and type(node).activation == act \
                    and node.args[0] not in found:
                found.append(node.args[0])
    points = tuple(float(p) for p in act.kinks)
    return [(sp.lambdify(inputs, arg, "numpy"), points, _jumps(act, points)) for arg in found]


def _jumps(act, points):
    from numeric.bridge import activation_functions

    dphi = activation_functions(act)[1]
    return tuple(p for p in points
                 if dphi(np.nextafter([p], np.inf))[0] != dphi(np.nextafter([p], -np.inf))[0])


def gate_arguments(case, params, channels, state):
    """Arguments of the kinked gate functions at one step: a list of (..., n) arrays."""
    inputs = cells._unit_inputs(case.kind, params, case.hidden, channels, state)
    shape = np.broadcast_shapes(*(np.shape(v) for v in inputs))
    return [np.broadcast_to(f(*inputs), shape) for f, _, _ in
            kinked_gates(case.kind, case.activation)]


def gate_arguments_all(case, path):
    """φ's arguments at every step of ``path``: a list of (gates, n) arrays."""
    return [np.array(gate_arguments(case, case.params, path.channels[k], path.states[k]))
            for k in range(case.T)]


def crossed(points, before, after):
    """Mask: a kink of ``points`` lies between ``before`` and ``after`` (or either sits on it)."""
    mask = np.zeros(np.broadcast_shapes(np.shape(before), np.shape(after)), dtype=bool)
    for p in points:
        mask |= (before - p) * (after - p) <= 0
    return mask


def unit_crossings(case, before, after):
    """Mask per unit (..., n): any kinked gate argument of the unit moved across a kink
    (lists as from ``gate_arguments``); None for a cell without kinked gates."""
    gates = kinked_gates(case.kind, case.activation)
    if not gates:
        return None
    return np.any([crossed(points, b, a) for (_, points, _), b, a
                   in zip(gates, before, after, strict=True)], axis=0)


def magnitudes(case, params, path, k):
    """|channels| bound Σ |terms| at step k (a list of (n,) arrays): the size of what each
    channel sums, whose rounding the gates carry into the new state."""
    n = case.hidden
    absolute = {name: np.abs(value) for name, value in params.items()}
    return cells.channel_values(case.kind, absolute, n, np.abs(path.states[k - 1][..., :n]),
                                np.abs(case.x[k - 1]))
