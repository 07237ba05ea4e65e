"""Probes: a supplied gradient checked along K random directions instead of in full, for
cases too large for the full check (``numeric.check_cost``).

Each quantity Q of shape N is compared along its own K seeded Gaussian directions V_i (one
stream per name, so a wrong quantity is named), each side formed independently.  A matrix
parameter's directions are rank one, V_i = a_i b_iᵀ with a_i, b_i standard normal: the same
variance E⟨E, V_i⟩² = ‖E‖_F² for any error E as a full Gaussian V_i, at the memory of a row
and a column, and V_i x costs O(n) in the forward mode.

    parameter θ:        ⟨S, V_i⟩  against  dL/dθ · V_i   (forward mode, ``numeric.tangents``)
    grad_h0, grad_c0:   ⟨S, v_i⟩  against  dL/ds_0 · v_i (the same, moving s_0)
    delta:              Σ_k ⟨S_k, v_ik⟩ against the loss's response to a kick v_ik of every s_k
                        (Σ_k ⟨∂L/∂s_k, v_k⟩: one more forward-mode column, no reverse pass)
    jacobian_product:   u_iᵀ S v_i against u_iᵀ ṡ_T with ṡ_0 = v_i (ṡ_T = (∂s_T/∂s_0) v_i)
    step_jacobians:     Σ_k u_ikᵀ S_k v_ik against Σ_k u_ikᵀ (J_k v_ik), J_k v from the partials
    loss:               the value itself (one entry).

Allowed error per probe.  A correct Q computed with unit roundoff u (the supplied dtype) and
ours in float64 (u₆₄ = 2^-53) are both assumed within the first-order normwise model

    ‖Q̂ − Q‖_F ≤ c (u + u₆₄) γ ‖Q‖_F,   γ = w + T  (w: the longest inner product of a step,
    m + blocks·n; T steps of accumulation; γ = w for step_jacobians, which accumulate nothing),

and the supplied probe is a float64 dot product of N terms (error ≤ N u₆₄ Σ|S||V|).  By
Cauchy–Schwarz |⟨Q̂ − Q, V⟩| ≤ ‖Q̂ − Q‖_F ‖V‖_F, so

    allowed_i = c ((u + u₆₄) γ + N u₆₄) · scale · ‖V_i‖_F,   c = SAFETY = 4,

with scale = max(‖S‖_F, rms_i d_i) (E d_i² = ‖Q‖_F² for Gaussian V_i: the derived side's
estimate of ‖Q‖_F, so a supplied Q that is too small does not shrink the bound);
‖u_i‖‖v_i‖ in place of ‖V_i‖_F for the bilinear probes.  The loss: c (u + u₆₄) γ Σ_t ‖r_t‖
(‖h_t‖ + ‖r_t‖), the first-order error of ½‖r‖² when h_t is off by (u + u₆₄) γ ‖h_t‖.
The model alone is not enough: a chaotic case amplifies the rounding of its inputs, and a
saturated gate's derivative formed as a difference (σ(1 − σ) at 30, 1 − tanh² at 9, as torch
does) has an absolute error of u, not u times its size: 0 instead of 1e-13 in float32, a
relative error of 1e-3 in float64.  So the derived probes are recomputed RERUNS times with
the inputs perturbed by u relative and every unit partial by 3u·max(1, its row's largest)
(``numeric.tangents.perturbed``) on a few of the directions (``numeric.probe_rounding``), and
SPREAD times their relative rms departure, times ‖V_i‖, plus TINY times the dtype's smallest
normal number (underflow) is added to the allowance.
A wrong entry (p, q) of size e moves probe i by e·a_ip·b_iq: with K = 16, missed only if
every |a_ip b_iq| < allowed/e.
"""

from dataclasses import dataclass, field

import numpy as np

from numeric.cells import apply_step_jacobian
from numeric.probe_rounding import RERUN_PROBES, RERUNS, SPREAD, Plan, relative_spread, subset
from numeric.probe_targets import as_cell, generator, resolve, unit_roundoff
from numeric.tangents import Tangents, run

SAFETY = 4.0
U64 = 2.0**-53
TINY = 4.0      # the dtype's smallest normal numbers allowed (underflow)

METHODS = {
    "param": "⟨supplied, v⟩ against dL/dθ·v by forward mode, {K} random Gaussian directions v "
             "(rank one, v = a bᵀ, for a matrix)",
    "state0": "⟨supplied, v⟩ against dL/ds_0·v by forward mode, {K} random Gaussian directions",
    "delta": "Σ_k ⟨δ_k, v_k⟩ against the forward-mode response of the loss to a kick v_k of "
             "every state, {K} random Gaussian directions",
    "jacobian_product": "uᵀ(∂s_T/∂s_0)v with (∂s_T/∂s_0)v by forward mode, {K} random "
                        "Gaussian pairs (u, v)",
    "step_jacobians": "Σ_k u_kᵀ J_k v_k with J_k v_k from the step's partials, {K} random "
                      "Gaussian sets (u_k, v_k)",
    "loss": "the loss of the forward pass, compared directly",
}


@dataclass(frozen=True)
class ProbeCheck:
    """One quantity checked along K directions: supplied and derived probe values (K,), the
    allowed error of each, ``passed`` and ``worst`` (the probe of largest error/allowed)."""

    name: str
    method: str
    supplied: np.ndarray = field(hash=False)
    derived: np.ndarray = field(hash=False)
    allowed: np.ndarray = field(hash=False)
    passed: bool
    worst: int
    bound: str = ""

    def to_dict(self):
        def listed(a):
            return [float(v) if np.isfinite(v) else None for v in np.ravel(a)]
        return {"name": self.name, "method": self.method, "supplied": listed(self.supplied),
                "derived": listed(self.derived), "allowed": listed(self.allowed),
                "passed": self.passed, "worst": self.worst, "bound": self.bound}


def probe_check(case, supplied, *, probes=16, seed=0, dtype="float64"):
    """name → ``ProbeCheck`` for every supplied quantity (canonical names, float64 arrays),
    along ``probes`` directions per quantity drawn from ``seed``; ``dtype``: the precision the
    supplied values were computed in (their allowance, float64 … bfloat16).

    >>> import numpy as np, numeric
    >>> from numeric import probes
    >>> case = numeric.Case(__import__("derive").activation("tanh"), 0.5 * np.eye(2),
    ...                     np.ones((2, 1)), np.zeros(2), np.zeros(2), np.ones((3, 1)),
    ...                     np.zeros(2))
    >>> g = numeric.bptt(case.activation, case.W_hh, case.W_xh, case.b_h, case.h0, case.x,
    ...                  case.y)
    >>> probes.probe_check(case, {"W_hh": g.W_hh}, probes=4)["W_hh"].passed
    True
    """
    if isinstance(probes, bool) or not isinstance(probes, int | np.integer) or probes < 1:
        raise ValueError(f"probes must be a whole number >= 1, got {probes!r}")
    K, u = int(probes), unit_roundoff(dtype)
    view = as_cell(case)
    items = resolve(view, supplied)
    plan = _plan(view, items, K, seed)
    args = (view.kind, view.act, view.params, view.s0, view.x, view.y)
    main = run(*args, plan.tangents)
    few = subset(plan, min(K, RERUN_PROBES), {t.name: t.what for t, _ in items})
    reruns = [run(*args, few.tangents, rounding=(np.random.default_rng([seed, 53, r]), u))
              for r in range(RERUNS)]
    return {target.name: _check(view, target, value, (plan, main), (few, reruns), K, u)
            for target, value in items}


def _plan(view, items, K, seed):
    """Directions for every supplied name and the columns they take in one forward-mode run."""
    S, n, T = view.S, view.n, view.T
    params, kicks, s0_blocks, cols, dirs, C = {}, [], [], {}, {}, 0
    for target, value in items:
        if target.what in ("loss", "step_jacobians"):
            if target.what == "step_jacobians":
                g = generator(target.name, seed)
                dirs[target.name] = (g.standard_normal((T, S, K)), g.standard_normal((T, S, K)))
            continue
        g, sl = generator(target.name, seed), slice(C, C + K)
        cols[target.name], C = sl, C + K
        if target.what == "param":
            a = np.zeros((K, view.params[target.param].shape[0]))
            a[:, target.rows] = g.standard_normal((K, target.shape[0]))
            b = g.standard_normal((K, *target.shape[1:]))
            params.setdefault(target.param, []).append((sl, (a, b) if b.ndim == 2 else a))
            dirs[target.name] = (a[:, target.rows], b if b.ndim == 2 else None)
        elif target.what == "state0":
            v = np.zeros((S, K))
            v[target.part * n:(target.part + 1) * n] = g.standard_normal((n, K))
            s0_blocks.append((sl, v))
            dirs[target.name] = v[target.part * n:(target.part + 1) * n]
        elif target.what == "delta":
            E = np.zeros((T, S, K))
            width = value.shape[1]
            E[:, :width] = g.standard_normal((T, width, K))
            kicks.append((sl, E))
            dirs[target.name] = E[:, :width]
        else:   # jacobian_product
            v = g.standard_normal((S, K))
            s0_blocks.append((sl, v))
            dirs[target.name] = (g.standard_normal((S, K)), v)
    s0 = np.zeros((S, C))
    for sl, v in s0_blocks:
        s0[:, sl] = v
    return Plan(Tangents(C, params, s0, kicks), cols, dirs)


def _sides(view, target, value, plan, result):
    """(supplied probes, derived probes, weight): weight is what the normwise error is
    multiplied by, ‖V_i‖_F or ‖u_i‖‖v_i‖ per probe (for step_jacobians the whole Σ_k term,
    for the loss Σ_t ‖r_t‖(‖h_t‖ + ‖r_t‖))."""
    what, name = target.what, target.name
    if what == "loss":
        return np.array([float(value)]), np.array([result.loss_value]), \
            np.array([result.loss_scale])
    if what == "step_jacobians":
        U, V = plan.dirs[name]
        Jv = apply_step_jacobian(view.kind, view.params, result.partials, V)
        scale = np.maximum(np.linalg.norm(value, axis=(1, 2))[:, None]
                           * np.linalg.norm(V, axis=1), np.linalg.norm(Jv, axis=1))
        return (np.einsum("tsk,tsk->k", U, value @ V), np.einsum("tsk,tsk->k", U, Jv),
                np.sum(np.linalg.norm(U, axis=1) * scale, axis=0))
    sl = plan.cols[name]
    if what == "jacobian_product":
        Uo, v = plan.dirs[name]
        return (np.einsum("sk,sr,rk->k", Uo, value, v),
                np.einsum("sk,sk->k", Uo, result.final[:, sl]),
                np.linalg.norm(Uo, axis=0) * np.linalg.norm(v, axis=0))
    if what == "param":
        a, b = plan.dirs[name]
        if b is None:
            return a @ value, result.loss[sl], np.linalg.norm(a, axis=1)
        return (np.einsum("kr,kr->k", a @ value, b), result.loss[sl],
                np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    V = plan.dirs[name]
    axes = tuple(range(V.ndim - 1))
    return np.tensordot(value, V, axes=value.ndim), result.loss[sl], \
        np.sqrt(np.sum(V * V, axis=axes))


def _check(view, target, value, main, reruns, K, u):
    """The verdict on one quantity; ``main``: (plan, float64 run); ``reruns``: (the plan on
    a few directions, the runs under the supplied dtype's rounding)."""
    what = target.what
    sup, der, weight = _sides(view, target, value, *main)
    few, runs = reruns
    k = min(K, RERUN_PROBES) if what != "loss" else 1
    departures = [np.abs(_sides(view, target, value, few, run)[1] - der[:k]) for run in runs]
    spread = relative_spread(departures, np.broadcast_to(weight[:k], (len(runs), k))) * weight
    gamma = view.width + (0 if what == "step_jacobians" else view.T)
    if what == "loss":
        allowed = SAFETY * (u + U64) * gamma * weight
        bound = "c (u + u64) γ Σ_t ‖r_t‖(‖h_t‖ + ‖r_t‖)"
    else:
        scale = 1.0 if what == "step_jacobians" else max(
            float(np.linalg.norm(value)), float(np.sqrt(np.mean(der * der))))
        allowed = SAFETY * ((u + U64) * gamma + U64 * value.size) * scale * weight
        bound = "c ((u + u64) γ + N u64) max(‖S‖_F, rms d) ‖v‖"
    allowed = allowed + SPREAD * spread + TINY * _tiny(u) * weight
    bound += (f" + {SPREAD:g} × the rms departure of {RERUNS} reruns under that rounding "
              f"({RERUN_PROBES} directions each)")
    return _verdict(target.name, METHODS[what].format(K=1 if what == "loss" else K), sup, der,
                    allowed, bound)


def _tiny(u):
    """The smallest normal number of the dtype whose unit roundoff is u."""
    return {2.0**-53: float(np.finfo(np.float64).tiny), 2.0**-24: float(np.finfo(np.float32).tiny),
            2.0**-11: float(np.finfo(np.float16).tiny), 2.0**-8: 2.0**-126}[u]


def _verdict(name, method, sup, der, allowed, bound):
    err = np.abs(sup - der)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(allowed > 0, err / allowed, np.where(err > 0, np.inf, 0.0))
    return ProbeCheck(name, method, sup, der, allowed, bool(np.all(err <= allowed)),
                      int(np.argmax(ratio)), f"allowed per probe: {bound}, c = {SAFETY:g}")
