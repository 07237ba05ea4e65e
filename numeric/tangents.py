"""Forward mode (tangents) through a cell, C directions at once: the engine of the probes.

A direction moves the parameters by V (one array per parameter), the initial state by ṡ_0 and
every state s_k by e_k (the probe of δ_k).  Its tangent follows the step s_k = G(L(s_{k−1}),
s_{k−1}) unit by unit, from the cell's unit partials (``numeric.cells.step_partials``):

    L̇_j = V_ih[j] x_k + V_hh[j] h_{k−1} + v_b[j] + W_hh[j] ḣ_{k−1}
    ṡ_k,a = Σ_j ∂G_a/∂L_j ⊙ L̇_j + Σ_b ∂G_a/∂s_b ⊙ ṡ_{k−1,b} + Σ_u ∂G_a/∂u ⊙ u̇ + e_k,a

and the loss tangent is L̇ = Σ_t r_tᵀ ḣ_t over the steps with a target (r_t = h_t − y_t; the
cells' loss ½‖h_T − y‖² has only t = T).  The C tangents are the columns of an (S, C) matrix,
so each step is one product W_hh Ḣ ((blocks·n, n) by (n, C)) and a few elementwise ones; the
terms that do not depend on ṡ (V_ih x_k, V_hh h_{k−1}) are formed for a chunk of steps at once
as one matrix product.  Independent of the reverse pass: nothing here reads a gradient.
"""

from dataclasses import dataclass, field

import numpy as np

from numeric.cells import forward, hidden_size, step_partials
from numeric.threads import small_products

CHUNK = 64  # steps whose parameter terms are formed by one matrix product
PARTIAL = 3.0  # a partial's rounding error, in units of u·max(1, its row's largest)


@dataclass(frozen=True)
class Tangents:
    """C directions through one cell.  ``params``: name → list of (columns, V) for the
    K = len(columns) columns (a parameter may appear in several groups): V of shape (K, rows)
    for a vector parameter, and for a matrix (a, b) with a (K, rows), b (K, cols): the rank-one
    directions V_i = a_i b_iᵀ (as many bytes as the parameter's rows and columns, not their
    product: a 4096 × 4096 W_hh's 16 full directions would take 2 GiB); ``s0``: (S, C) initial
    tangents; ``kicks``: list of (columns, E) with E of shape (T, S, K) added to ṡ_k after
    step k."""

    C: int
    params: dict = field(default_factory=dict)
    s0: np.ndarray | None = None
    kicks: list = field(default_factory=list)


@dataclass(frozen=True)
class TangentResult:
    """``loss``: L̇ per column (C,); ``final``: ṡ_T (S, C); ``loss_value``: L;
    ``loss_scale``: Σ_t ‖r_t‖(‖h_t‖ + ‖r_t‖) (the loss's sensitivity to rounding of h_t);
    ``partials``: the unit partials of every step (``stacked_partials``)."""

    loss: np.ndarray
    final: np.ndarray
    loss_value: float
    loss_scale: float
    partials: list


def stacked_partials(kind, act, params, path):
    """The unit partials of every step at once: rows a, inputs i, each (T, n)."""
    channels = [np.stack([L[j] for L in path.channels]) for j in range(len(kind.channels))]
    return step_partials(kind, act, params, channels, np.stack(path.states[:-1]))


def run(kind, act, params, s0, x, y, tangents, rounding=None):
    """Propagate ``tangents`` (a ``Tangents``) along the trajectory from s0 with inputs x and
    target y ((n,): ½‖h_T − y‖²; (T, n): Σ_t ½‖h_t − y_t‖²).  ``rounding``: None or (rng, u),
    a rerun under the rounding of unit roundoff u (``perturbed``)."""
    if rounding is not None:
        params, s0, x = perturbed(*rounding, params, s0, x)
    path = forward(kind, act, params, s0, x)
    n, T = hidden_size(kind, params), len(x)
    parts, nch, C = len(kind.state), len(kind.channels), tangents.C
    S = n * parts
    d = stacked_partials(kind, act, params, path)
    if rounding is not None:
        d = perturbed_partials(*rounding, d)
    states = np.stack(path.states)
    residual = states[1:, :n] - y if y.ndim == 2 else None
    unit = _unit_terms(kind, tangents, n, C)
    sdot = np.zeros((S, C)) if tangents.s0 is None else np.array(tangents.s0, dtype=float)
    ldot = np.zeros(C)
    with small_products(n * C * nch):
        for t0 in range(0, T, CHUNK):
            t1 = min(T, t0 + CHUNK)
            force = _forcing(kind, tangents, x[t0:t1], states[t0:t1, :n], n, C)
            for k in range(t0, t1):
                sdot = _step(kind, params, d, k, sdot, force, k - t0, unit, n, parts, nch)
                for cols, E in tangents.kicks:
                    sdot[:, cols] += E[k]
                if residual is not None:
                    ldot += residual[k] @ sdot[:n]
    r = residual if residual is not None else (states[-1, :n] - y)[None]
    h = states[1:, :n] if residual is not None else states[-1:, :n]
    if residual is None:
        ldot = r[0] @ sdot[:n]
    rn = np.linalg.norm(r, axis=1)
    scale = float(np.sum(rn * (np.linalg.norm(h, axis=1) + rn)))
    return TangentResult(ldot, sdot, 0.5 * float(np.sum(r * r)), scale, d)


def perturbed(rng, u, params, s0, x):
    """θ (1 + u ξ), s_0 (1 + u ξ), x (1 + u ξ), ξ uniform in [−1, 1] entry by entry: the
    inputs as rounded to a dtype of unit roundoff u (a chaotic or ill-conditioned case
    shows its sensitivity here)."""
    def move(a):
        return a * (1 + u * rng.uniform(-1, 1, np.shape(a)))
    return {k: move(v) for k, v in params.items()}, move(s0), move(x)


def perturbed_partials(rng, u, d):
    """Every partial ∂G_a/∂input moved by PARTIAL·u M_a ξ, M_a = max(1, |∂G_a/∂·| over the
    inputs) unit by unit and step by step: the absolute error of a partial formed in that
    dtype from pieces of size up to M_a, the gate values (|σ|, |tanh| ≤ 1) included:
    σ'(30) = σ(1 − σ) is 0 in float32, not 9e-14, and 1 − tanh²(9) is 0, not 6e-8 (1 − t²
    with t rounded: an error up to 3u, the value of PARTIAL)."""
    out = []
    for row in d:
        M = np.maximum(1.0, np.max(np.abs(np.stack(row)), axis=0))
        out.append([p + PARTIAL * u * M * rng.uniform(-1, 1, M.shape) for p in row])
    return out


def _step(kind, params, d, k, sdot, force, i, unit, n, parts, nch):
    """ṡ_k from ṡ_{k−1} (S, C): the recursion of the module docstring."""
    hdot = sdot[:n]
    products = {}
    Ldot = []
    for j, ch in enumerate(kind.channels):
        total = force[j][i]
        if ch.recurrent:
            name, index = ch.recurrent
            if name not in products:
                products[name] = params[name] @ hdot
            total = total + products[name][index * n:(index + 1) * n]
        Ldot.append(total)
    rows = []
    for a in range(parts):
        da = d[a]
        total = sum(da[j][k][:, None] * Ldot[j] for j in range(nch))
        for b in range(parts):
            total = total + da[nch + b][k][:, None] * sdot[b * n:(b + 1) * n]
        for u, term in enumerate(unit):
            if term is not None:
                total = total + da[nch + parts + u][k][:, None] * term
        rows.append(total)
    return np.concatenate(rows, axis=0)


def _unit_terms(kind, tangents, n, C):
    """u̇ (n, C) for every unit parameter (None when no direction moves it)."""
    terms = []
    for name in kind.unit_parameters:
        groups = tangents.params.get(name, [])
        if not groups:
            terms.append(None)
            continue
        term = np.zeros((n, C))
        for cols, V in groups:
            term[:, cols] += V.T
        terms.append(term)
    return terms


def _forcing(kind, tangents, x, h_prev, n, C):
    """V_ih[j] x_k + V_hh[j] h_{k−1} + v_b[j] for the chunk's steps: per channel (L, n, C).
    A matrix direction is rank one, V = a bᵀ, so V x_k = a (bᵀ x_k): O(n) a step."""
    L = len(x)
    force = []
    for ch in kind.channels:
        total = np.zeros((L, n, C))
        for name, index, by in ch.terms:
            rows = slice(index * n, (index + 1) * n)
            for cols, V in tangents.params.get(name, []):
                if by is None:
                    total[:, :, cols] += V[:, rows].T[None]
                    continue
                a, b = V
                coefficient = (x if by == "x" else h_prev) @ b.T      # (L, K): bᵀ x_k
                total[:, :, cols] += a[:, rows].T[None] * coefficient[:, None, :]
        force.append(total)
    return force
