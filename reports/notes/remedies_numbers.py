"""The numbers of the remedies section, each computed here (``numeric`` and plain NumPy loops)
and written to results.json under ``remedies``.

* clipping (Pascanu et al. 2013, Algorithm 1): g_θ = θ g/‖g‖ when ‖g‖ ≥ θ; every per-step term
  δ_k h_{k−1}ᵀ of g is scaled by the same factor θ/‖g‖, so the ratio of the first step's term
  to the last's, and the Jacobian product that produced g, are unchanged; the direction is
  kept (angle 0 up to rounding), while value clipping, each entry of g clipped to [−θ, θ],
  changes it (``direction``);
* orthogonal W_hh: for the linear RNN ∂h_T/∂h_0 = W_hh^T has norm 1; with tanh and a driven
  state the measured growth per step is below 0 (saturation); identity + ReLU (IRNN) keeps
  J_k = I on active units;
* residual step h_k = h_{k−1} + φ(a_k): J_k = I + diag(φ'(a_k)) W_hh, so
  (1 − γ‖W_hh‖)^T ≤ ‖∂h_T/∂h_0‖₂ ≤ (1 + γ‖W_hh‖)^T, against (γ‖W_hh‖)^T for the plain step.
"""

import math

import numpy as np
import sympy as sp

import derive
import numeric

SEEDS = {"clipping": 3, "orthogonal": 0, "residual": 4}   # numpy.random.default_rng(seed)
N, T, DRIVE = 32, 100, 0.5        # orthogonal and residual: units, steps, input drive
CLIP_N, CLIP_T, THRESHOLD = 8, 60, 1.0
CLIP_GAINS = (1.3, 0.5)           # W_hh = gain · Q: an exploding and a vanishing case
RESIDUAL_NORM = sp.Rational(1, 50)  # ‖W_hh‖₂ of the residual comparison
ROTATION = sp.Matrix([[sp.Rational(3, 5), -sp.Rational(4, 5)],
                      [sp.Rational(4, 5), sp.Rational(3, 5)]])
POWERS = 100                      # Q^k checked exactly for k = 1..POWERS


def direction(u, v):
    """(cos ∠(u, v), ∠(u, v) in degrees) of two nonzero arrays: the angle by the form
    2 atan2(‖û − v̂‖, ‖û + v̂‖), û = u/‖u‖, which stays accurate near 0 where arccos of a
    rounded cosine does not; the cosine û·v̂ clamped to [−1, 1] (rounding can put it
    just outside)."""
    u_hat, v_hat = np.ravel(u) / np.linalg.norm(u), np.ravel(v) / np.linalg.norm(v)
    angle = 2 * math.atan2(float(np.linalg.norm(u_hat - v_hat)),
                           float(np.linalg.norm(u_hat + v_hat)))
    return min(1.0, max(-1.0, float(u_hat @ v_hat))), math.degrees(angle)


def clipping_case(gain):
    """For a tanh RNN with W_hh = gain·Q and g = ∂L/∂W_hh by BPTT (L = ½‖h_T − y‖², y = 1):
    ‖g‖, ‖g_θ‖ (norm clipping), log10‖∂h_T/∂h_0‖₂, and the direction (``direction``) of g
    against its norm-clipped g_θ and its value-clipped clip(g, −θ, θ)."""
    rng = np.random.default_rng(SEEDS["clipping"])
    n = CLIP_N
    W = gain * numeric.random_W0(n, "orthogonal", rng)
    W_xh, h0 = rng.standard_normal((n, 1)), 0.1 * rng.standard_normal(n)
    x = 0.1 * rng.standard_normal((CLIP_T, 1))
    tanh = derive.activation("tanh")
    g = numeric.bptt(tanh, W, W_xh, np.zeros(n), h0, x, np.ones(n)).W_hh
    size = float(np.linalg.norm(g))
    clipped = g * (THRESHOLD / size) if size >= THRESHOLD else g
    by_value = np.clip(g, -THRESHOLD, THRESHOLD)
    norm_cosine, norm_angle = direction(g, clipped)
    value_cosine, value_angle = direction(g, by_value)
    product = numeric.gain_sweep(W, [1.0], np.array([CLIP_T]), h0=h0, inputs=x @ W_xh.T)
    factor = float(np.linalg.norm(clipped) / size)
    terms = numeric.per_step_gradient_norms(tanh, W, W_xh, np.zeros(n), h0, x,
                                            numeric.forward(tanh, W, W_xh, np.zeros(n), h0,
                                                            x).h[-1] - 1)["W_hh"]
    return {"gain": gain, "norm_before": size, "norm_after": float(np.linalg.norm(clipped)),
            "norm_clipped_cosine": norm_cosine, "norm_clipped_angle_degrees": norm_angle,
            "value_clipped_cosine": value_cosine, "value_clipped_angle_degrees": value_angle,
            "value_clipped_entries": int(np.sum(np.abs(g) > THRESHOLD)), "entries": g.size,
            "log10_product_norm": float(product.log10_norm[0, 0]),
            "factor": factor, "first_to_last": float(terms[0] / terms[-1]),
            "first_to_last_clipped": float((factor * terms[0]) / (factor * terms[-1]))}


def clipping():
    """Both cases of CLIP_GAINS; THRESHOLD is θ of both rules (norm ≤ θ, entries in [−θ, θ])."""
    return {"threshold": THRESHOLD, "hidden": CLIP_N, "T": CLIP_T, "seed": SEEDS["clipping"],
            "cases": [clipping_case(gain) for gain in CLIP_GAINS]}


def clipping_direction():
    """What clipping does to the direction of the exploding case's gradient (W_hh = 1.3 Q):
    the angle between g and its norm-clipped and its value-clipped version, in degrees, with
    the cosines and how many entries value clipping changed.  For the audit of the claim that
    clipping distorts the direction: true of value clipping, not of norm clipping."""
    case = clipping_case(CLIP_GAINS[0])
    keys = ("gain", "norm_before", "norm_clipped_cosine", "norm_clipped_angle_degrees",
            "value_clipped_cosine", "value_clipped_angle_degrees", "value_clipped_entries",
            "entries")
    return {"threshold": THRESHOLD, **{key: case[key] for key in keys}}


def rotation_powers():
    """Q^k exactly for k = 1..POWERS: (all orthogonal, all singular values 1, ‖Q^k‖₂ = 1)."""
    power, orthogonal, unit = sp.eye(2), True, True
    for _ in range(POWERS):
        power = power * ROTATION
        orthogonal &= power.T * power == sp.eye(2)
        unit &= sorted(power.singular_values()) == [1, 1] and \
            derive.spectral_norm(power) == 1
    return orthogonal, unit


def orthogonal():
    """log10‖∂h_T/∂h_0‖₂ at T for an orthogonal W_hh (n = N, gain 1): linear, tanh without
    input, tanh driven by x_k = DRIVE·ε_k, and ReLU with W_hh = I (IRNN) driven by DRIVE·|ε_k|."""
    rng = np.random.default_rng(SEEDS["orthogonal"])
    Q = numeric.random_W0(N, "orthogonal", rng)
    x = DRIVE * rng.standard_normal((T, N))
    Tn = np.arange(1, T + 1)
    runs = {"linear": numeric.gain_sweep(Q, [1.0], Tn, activation="identity"),
            "tanh_no_input": numeric.gain_sweep(Q, [1.0], Tn),
            "tanh_driven": numeric.gain_sweep(Q, [1.0], Tn, inputs=x),
            "irnn": numeric.gain_sweep(np.eye(N), [1.0], Tn, activation="relu",
                                       inputs=np.abs(x))}
    orthogonal_powers, unit_norms = rotation_powers()
    return {"hidden": N, "T": T, "input_drive": DRIVE, "seed": SEEDS["orthogonal"],
            "rotation_powers_orthogonal": orthogonal_powers,
            "rotation_powers_norm_one": unit_norms, "rotation_powers_checked": POWERS,
            **{f"log10_norm_{name}": float(run.log10_norm[0, -1]) for name, run in runs.items()},
            "log10_growth_per_step_tanh_driven": float(runs["tanh_driven"].log10_norm[0, -1]) / T,
            "curves": {name: [float(v) for v in run.log10_norm[0]]
                       for name, run in runs.items() if name in ("linear", "tanh_driven")}}


def residual_jacobian():
    """(J, J − (I + diag(tanh'(a)) W)) for the 2-unit map h ↦ h + tanh(W h + u), by SymPy."""
    h = sp.Matrix(sp.symbols("h_1 h_2", real=True))
    u = sp.Matrix(sp.symbols("u_1 u_2", real=True))
    W = sp.Matrix(2, 2, sp.symbols("w_11 w_12 w_21 w_22", real=True))
    act = derive.activation("tanh")
    a = W * h + u
    F = h + a.applyfunc(lambda entry: act.phi.subs(act.variable, entry))
    J = F.jacobian(h)
    slopes = [act.dphi.subs(act.variable, entry) for entry in a]
    difference = (J - (sp.eye(2) + sp.diag(*slopes) * W)).applyfunc(sp.simplify)
    return J.xreplace({a[i]: sp.Symbol(f"a_{i + 1}", real=True) for i in range(2)}), difference


def products(W, x):
    """log10‖∂h_T/∂h_0‖₂ for T = 1..len(x) of the plain step h_k = tanh(a_k) and the residual
    step h_k = h_{k−1} + tanh(a_k), a_k = W h_{k−1} + x_k, h_0 = 0: NumPy loops."""
    n = len(W)
    h_plain, h_res = np.zeros(n), np.zeros(n)
    P_plain, P_res = np.eye(n), np.eye(n)
    plain, res = [], []
    for x_k in x:
        a = W @ h_plain + x_k
        h_plain, P_plain = np.tanh(a), (1 - np.tanh(a) ** 2)[:, None] * W @ P_plain
        a = W @ h_res + x_k
        h_res, P_res = h_res + np.tanh(a), P_res + (1 - np.tanh(a) ** 2)[:, None] * W @ P_res
        plain.append(math.log10(np.linalg.norm(P_plain, 2)))
        res.append(math.log10(np.linalg.norm(P_res, 2)))
    return plain, res


def residual():
    """The residual against the plain step, W_hh a Gaussian draw scaled to ‖W_hh‖₂ = 1/50."""
    rng = np.random.default_rng(SEEDS["residual"])
    W = rng.standard_normal((N, N))
    W *= float(RESIDUAL_NORM) / np.linalg.norm(W, 2)
    x = DRIVE * rng.standard_normal((T, N))
    plain, res = products(W, x)
    s = float(RESIDUAL_NORM)
    return {"hidden": N, "T": T, "input_drive": DRIVE, "seed": SEEDS["residual"],
            "recurrent_norm": s, "log10_norm_plain": plain[-1], "log10_norm_residual": res[-1],
            "curves": {"plain": plain, "residual": res},
            "log10_bound_plain": T * math.log10(s),
            "log10_bounds_residual": [T * math.log10(1 - s), T * math.log10(1 + s)]}


def forget_bias():
    """Steps until the carousel σ(b_f)^T falls to 1/1000, for b_f = 0, 1, 3 (exact, SymPy)."""
    r = sp.Rational(1, 1000)
    return {str(b): derive.forget_bias_horizon(r, b) for b in (0, 1, 3)}
