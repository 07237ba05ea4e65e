"""Autograd peers for ``numeric.bench`` (optional, benchmark only: imported when installed).

Each returns {peer_s, peer_over_baseline, peer_max_rel_diff} entries, or {peer: "absent"}.
The torch loop peer is timed on a subsample and scaled to the full grid (said in the key).
The peers multiply in float64 without rescaling: ``compare`` counts the values that left
float64's normal range (``peer_underflowed``: 0 or subnormal, below 2.2e-308, where a value
keeps fewer than 53 significant bits; ``peer_overflowed``: inf or nan) where ours is finite,
and ``peer_max_rel_diff`` compares the rest (``peer_compared`` values; null when none is left).
"""

import importlib.util
import math
import time

import numpy as np

LOOP_SAMPLE = 8


def _have(module):
    return importlib.util.find_spec(module) is not None


def _guarded(name, measure, *args):
    """Run a peer; an installed peer that fails to import or run is reported, not fatal."""
    try:
        return measure(*args)
    except Exception as err:  # noqa: BLE001 - any failure of an optional peer is a result
        return {name: f"failed: {type(err).__name__}: {str(err).splitlines()[0][:120]}"}


def _log10(values):
    """log10|values|; exact zeros (a peer's underflow) become -inf without a warning."""
    with np.errstate(divide="ignore"):
        return np.log10(np.abs(np.asarray(values, dtype=float)))


TINY_LOG10 = math.log10(np.finfo(float).tiny)  # the smallest normal float64, 2.2e-308
RANGE_NOTE = ("the peers and the baseline multiply in float64 without rescaling: *_underflowed "
              "counts their values that fell below 2.2e-308 (0, or subnormal with fewer than 53 "
              "significant bits), *_overflowed those that became inf or nan, where ours (kept "
              "as log10) is finite; *_max_rel_diff compares the other *_compared values (null "
              "when none is left)")


def compare(prefix, log10_other, log10_ours):
    """{prefix}_underflowed, _overflowed, _compared and _max_rel_diff (see the module's
    docstring) of another method's log10|values| against ours (the same shape)."""
    other, ours = np.asarray(log10_other, dtype=float), np.asarray(log10_ours, dtype=float)
    finite = np.isfinite(ours)
    under = finite & (other < TINY_LOG10)               # -inf (an exact 0) included
    over = finite & (np.isnan(other) | (other == np.inf))
    rest = finite & ~under & ~over
    diff = float(np.max(np.abs(other[rest] - ours[rest]))) * math.log(10) if rest.any() else None
    return {f"{prefix}_underflowed": int(under.sum()), f"{prefix}_overflowed": int(over.sum()),
            f"{prefix}_compared": int(rest.sum()), f"{prefix}_max_rel_diff": diff}


def against_ours(log10_baseline, log10_ours, key):
    """The baseline against ours: ``key``, the max relative difference over the baseline's
    values in float64's normal range, and baseline_underflowed / _overflowed (``compare``)."""
    out = compare("baseline", log10_baseline, log10_ours)
    out[key] = out.pop("baseline_max_rel_diff")
    del out["baseline_compared"]
    return out


def scalar_peers(w, T, x, ours, t_base, quick):
    """Workload A peers at T = max(T): |∂h_T/∂h_0| for every w."""
    out, T_max, last = {}, int(T.max()), ours[:, -1]
    if _have("torch"):
        out.update(_guarded("torch", _torch_scalar, w, T_max, x, last, t_base))
    else:
        out["torch"] = "absent"
    if _have("jax"):
        out.update(_guarded("jax", _jax_scalar, w, T_max, x, last, t_base))
    else:
        out["jax"] = "absent"
    return out


def _torch_scalar(w, T_max, x, last, t_base):
    import torch

    torch.set_default_dtype(torch.float64)
    xs = torch.tensor(x[:T_max])

    def final_state(h0, w_value):
        h = h0
        for t in range(T_max):
            h = torch.tanh(w_value * h + xs[t])
        return h

    out = {}
    sample = np.linspace(0, len(w) - 1, LOOP_SAMPLE).astype(int)
    start = time.perf_counter()
    loop = [torch.autograd.functional.jacobian(lambda h, v=float(w[i]): final_state(h, v),
                                               torch.zeros(())).item() for i in sample]
    per_w = (time.perf_counter() - start) / len(sample)
    out["torch_jacobian_loop_s (scaled from 8 w)"] = per_w * len(w)
    out["torch_jacobian_loop_over_baseline"] = per_w * len(w) / t_base
    out.update(compare("torch_jacobian_loop", _log10(loop), last[sample]))
    from torch.func import jacrev, vmap

    batched = vmap(jacrev(final_state), in_dims=(None, 0))
    ws = torch.tensor(w)
    start = time.perf_counter()
    values = batched(torch.zeros(()), ws).numpy()
    elapsed = time.perf_counter() - start
    out["torch_vmap_jacrev_s"] = elapsed
    out["torch_vmap_jacrev_over_baseline"] = elapsed / t_base
    out.update(compare("torch_vmap_jacrev", _log10(values), last))
    return out


def _jax_scalar(w, T_max, x, last, t_base):
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    xs = jnp.asarray(x[:T_max])

    def final_state(h0, w_value):
        return jax.lax.fori_loop(0, T_max, lambda t, h: jnp.tanh(w_value * h + xs[t]), h0)

    function = jax.jit(jax.vmap(jax.jacfwd(final_state), in_axes=(None, 0)))
    ws = jnp.asarray(w)
    start = time.perf_counter()
    function(0.0, ws).block_until_ready()
    first = time.perf_counter() - start
    start = time.perf_counter()
    values = np.asarray(function(0.0, ws).block_until_ready())
    steady = time.perf_counter() - start
    return {"jax_compile_s": first - steady, "jax_steady_s": steady,
            "jax_end_to_end_over_baseline": first / t_base,
            "jax_steady_over_baseline": steady / t_base, **compare("jax", _log10(values), last)}


def gain_peers(W0, gains, T, x, ours, t_base, quick):
    """Workload B peers: ‖∂h_T/∂h_0‖₂ for every gain."""
    out = {}
    if _have("torch"):
        out.update(_guarded("torch", _torch_gain, W0, gains, T, x, ours, t_base))
    else:
        out["torch"] = "absent"
    if _have("jax"):
        out.update(_guarded("jax", _jax_gain, W0, gains, T, x, ours, t_base))
    else:
        out["jax"] = "absent"
    return out


def _torch_gain(W0, gains, T, x, ours, t_base):
    import torch
    from torch.func import jacrev, vmap

    torch.set_default_dtype(torch.float64)
    W, xs = torch.tensor(W0), torch.tensor(x)

    def final_state(h0, g):
        h = h0
        for t in range(T):
            h = torch.tanh(g * (W @ h) + xs[t])
        return h

    out, h0 = {}, torch.zeros(len(W0))
    sample = np.linspace(0, len(gains) - 1, LOOP_SAMPLE).astype(int)
    start = time.perf_counter()
    loop = [torch.linalg.matrix_norm(torch.autograd.functional.jacobian(
        lambda h, g=float(gains[i]): final_state(h, g), h0), 2).item() for i in sample]
    per_g = (time.perf_counter() - start) / len(sample)
    out["torch_jacobian_loop_s (scaled from 8 g)"] = per_g * len(gains)
    out["torch_jacobian_loop_over_baseline"] = per_g * len(gains) / t_base
    out.update(compare("torch_jacobian_loop", _log10(loop), ours[sample]))
    batched = vmap(jacrev(final_state), in_dims=(None, 0))
    start = time.perf_counter()
    J = batched(h0, torch.tensor(gains))
    norms = torch.linalg.matrix_norm(J, 2).numpy()
    elapsed = time.perf_counter() - start
    out["torch_vmap_jacrev_s"] = elapsed
    out["torch_vmap_jacrev_over_baseline"] = elapsed / t_base
    out.update(compare("torch_vmap_jacrev", _log10(norms), ours))
    return out


def _jax_gain(W0, gains, T, x, ours, t_base):
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    W, xs = jnp.asarray(W0), jnp.asarray(x)

    def final_state(h0, g):
        return jax.lax.fori_loop(0, T, lambda t, h: jnp.tanh(g * (W @ h) + xs[t]), h0)

    function = jax.jit(jax.vmap(jax.jacfwd(final_state), in_axes=(None, 0)))
    h0, gs = jnp.zeros(len(W0)), jnp.asarray(gains)
    start = time.perf_counter()
    function(h0, gs).block_until_ready()
    first = time.perf_counter() - start
    start = time.perf_counter()
    J = np.asarray(function(h0, gs).block_until_ready())
    steady = time.perf_counter() - start
    norms = np.linalg.norm(J, 2, axis=(1, 2))
    return {"jax_compile_s": first - steady, "jax_steady_s": steady,
            "jax_end_to_end_over_baseline": first / t_base,
            "jax_steady_over_baseline": steady / t_base, **compare("jax", _log10(norms), ours)}
