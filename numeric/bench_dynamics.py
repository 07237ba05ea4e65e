"""Workloads D and E of ``python -m numeric.bench``: the gain sweep at research sizes on every
installed array backend, each beside a plain loop written in that backend.

D: tanh, n = 256, 64 gains in [0.25, 2.5], T = 1000;  E: tanh, n = 1024, 16 gains, T = 200.
W0 ~ N(0, 1/n) (default_rng(0)), x_k = 0.1·N(0, I) (default_rng(1)), h_0 = 0, as in workload B:
log10‖∂h_T/∂h_0‖₂ for every g.  "rnngrad": ``numeric.gain_sweep(..., backend=name)``; "plain":
about thirty lines in the same library (forward h ← tanh(g W0 h + x), P ← diag(g φ') W0 P for
all gains at once, a rescale every RESCALE_EVERY steps, σ_max at the end; JAX: jit + lax.scan).
Times are best-of-``repeat`` wall clock (the first JAX call compiles).  ``stable_max_rel_diff``
compares the two over the gains ≤ 0.9, where the dynamics are not chaotic; at larger gains
they differ as chaotic trajectories do (a rounding grows like e^{λ_max t}).
"""

import math

import numpy as np

from numeric.backends import BACKENDS
from numeric.backends import backend as get_backend
from numeric.gains import gain_sweep

RESCALE_EVERY = 50
STABLE_GAIN = 0.9


def workload(name, quick=False, steps=None):
    """(W0, gains, T, x) of workload "D" or "E"; ``steps``: T cut to that many steps (the same
    W0, gains and the first ``steps`` inputs), for machines where the full T takes too long."""
    n, G, T = {("D", False): (256, 64, 1000), ("E", False): (1024, 16, 200),
               ("D", True): (16, 8, 100), ("E", True): (48, 4, 50)}[name, quick]
    if steps is not None:
        if steps < 1 or steps > T:
            raise ValueError(f"--steps must be in 1..{T} for workload {name}, got {steps}")
        T = steps
    W0 = np.random.default_rng(0).standard_normal((n, n)) / math.sqrt(n)
    x = 0.1 * np.random.default_rng(1).standard_normal((T, n))
    return W0, np.linspace(0.25, 2.5, G), T, x


def plain_numpy(W0, gains, T, x):
    G, n = len(gains), len(W0)
    h, P, e = np.zeros((G, n)), np.tile(np.eye(n), (G, 1, 1)), np.zeros(G)
    for t in range(T):
        h = np.tanh(gains[:, None] * (h @ W0.T) + x[t])
        P = (gains[:, None] * (1 - h * h))[:, :, None] * (W0 @ P)
        if (t + 1) % RESCALE_EVERY == 0:
            s = np.abs(P).max(axis=(1, 2))
            P, e = P / s[:, None, None], e + np.log10(s)
    return np.log10(np.linalg.norm(P, 2, axis=(1, 2))) + e


def plain_torch(W0, gains, T, x, device):
    import torch

    W, g, xs = (torch.as_tensor(a, dtype=torch.float64, device=device) for a in (W0, gains, x))
    G, n = len(gains), len(W0)
    h = torch.zeros(G, n, dtype=torch.float64, device=device)
    P = torch.eye(n, dtype=torch.float64, device=device).repeat(G, 1, 1)
    e = torch.zeros(G, dtype=torch.float64, device=device)
    for t in range(T):
        h = torch.tanh(g[:, None] * (h @ W.T) + xs[t])
        P = (g[:, None] * (1 - h * h))[:, :, None] * (W @ P)
        if (t + 1) % RESCALE_EVERY == 0:
            s = P.abs().amax(dim=(1, 2))
            P, e = P / s[:, None, None], e + torch.log10(s)
    return (torch.log10(torch.linalg.matrix_norm(P, ord=2)) + e).cpu().numpy()


_PLAIN_JAX = {}


def plain_jax(W0, gains, T, x, device):
    import jax
    import jax.numpy as jnp

    if "run" not in _PLAIN_JAX:
        def run(W, g, xs):
            G, n = g.shape[0], W.shape[0]

            def step(carry, inputs):
                h, P, e = carry
                t, xt = inputs
                h = jnp.tanh(g[:, None] * (h @ W.T) + xt)
                P = (g[:, None] * (1 - h * h))[:, :, None] * (W @ P)
                s = jnp.where((t + 1) % RESCALE_EVERY == 0, jnp.abs(P).max(axis=(1, 2)), 1.0)
                return (h, P / s[:, None, None], e + jnp.log10(s)), None

            start = (jnp.zeros((G, n)), jnp.tile(jnp.eye(n), (G, 1, 1)), jnp.zeros(G))
            (h, P, e), _ = jax.lax.scan(step, start, (jnp.arange(xs.shape[0]), xs))
            return jnp.log10(jnp.linalg.norm(P, 2, axis=(1, 2))) + e

        _PLAIN_JAX["run"] = jax.jit(run)
    args = (jax.device_put(np.asarray(a, dtype=np.float64), device) for a in (W0, gains, x[:T]))
    return np.asarray(_PLAIN_JAX["run"](*args))


def plain(bk, W0, gains, T, x):
    """The plain loop of ``bk``'s library on its device."""
    if bk.name == "numpy":
        return plain_numpy(W0, gains, T, x)
    return (plain_jax if bk.name == "jax" else plain_torch)(W0, gains, T, x, bk.handle)


def installed():
    """The backends that can run here (numpy always)."""
    names = []
    for name in BACKENDS:
        try:
            names.append(get_backend(name))
        except ValueError:
            pass
    return names


def run_workload(name, quick, timed, repeat, steps=None):
    """{backend_key: value} for workload ``name``: device, both times, their ratio, and the
    largest relative difference of the two over the non-chaotic gains."""
    W0, gains, T, x = workload(name, quick, steps)
    n = len(W0)
    out = {"size": f"n = {n}, {len(gains)} gains in [0.25, 2.5], T = {T}, tanh"}
    stable = gains <= STABLE_GAIN
    for bk in installed():
        t_ours, ours = timed(lambda bk=bk: gain_sweep(W0, gains, [T], inputs=x,
                                                      backend=bk.name).log10_norm[:, 0],
                             repeat=repeat)
        t_plain, base = timed(lambda bk=bk: plain(bk, W0, gains, T, x), repeat=repeat)
        out.update({f"{bk.name}_device": bk.device, f"{bk.name}_rnngrad_s": t_ours,
                    f"{bk.name}_plain_s": t_plain,
                    f"{bk.name}_rnngrad_over_plain": t_ours / t_plain,
                    f"{bk.name}_stable_max_rel_diff":
                        float(np.max(np.abs(ours[stable] - base[stable]))) * math.log(10)})
    return out
