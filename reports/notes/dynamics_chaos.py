"""Part of 'sec:dynamics': the edge of chaos measured, and the predictability horizon.

For a tanh Elman network with W_hh = g W0, W0 ~ N(0, 1/n), driven as in the gain sweep
(``numeric.lyapunov_gain_sweep``): the maximal Lyapunov exponent λ_max by the QR method,
J_k Q_{k−1} = Q_k R_k, λ_i = (1/T) Σ_k log |(R_k)_ii|, against g for n ∈ SIZES and two seeds,
beside ρ(g W0) → g, σ_max(g W0) → 2g and the norm bound's rate log(γ σ_max) ≥ λ_max.  In the
chaotic regime (λ_max > 0) a rounding ε grows like ε e^{λ_max t}: past T* ≈ ln(1/ε)/λ_max the
value of ‖∂h_T/∂h_0‖ for one trajectory is a sample; the horizon rule of ``numeric`` flags it.
"""

import math

import numpy as np

import derive
import numeric
from reports.doc import tr
from reports.notes.dynamics_chaos_reading import edge_reading
from reports.notes.dynamics_chaos_text import chaos_text, horizon_text

SIZES = (64, 256)
SEEDS = {"edge of chaos, first draw": 0, "edge of chaos, second draw": 1}
STEPS = {64: (8000, 2000), 256: (1500, 300)}   # n -> (T, burn-in): convergence < 0.01
GAINS = tuple(k / 10 for k in range(2, 26))    # 0.2, 0.3, ..., 2.5 (0.5, 1 and 2 exactly)
HORIZON_GAIN = 2.0                              # the gain whose T* the text prints
SEED_NAMES = {  # the seed draws W0 and the input weights; the drive uses the seed plus 1
    "edge of chaos, first draw": tr("the edge of chaos, first draw (W0 and the input weights; "
                                    "the drive uses the seed plus 1)",
                                    "混沌边缘，第一次抽样（W0 与输入权重；输入驱动用种子加 1）"),
    "edge of chaos, second draw": tr("the edge of chaos, second draw (W0 and the input weights; "
                                     "the drive uses the seed plus 1)",
                                     "混沌边缘，第二次抽样（W0 与输入权重；输入驱动用种子加 1）")}
COLOURS = {64: "tab:blue", 256: "tab:red"}


def chaos_sweeps():
    """{(n, seed): numeric.lyapunov_gain_sweep("elman", GAINS, T, hidden=n, seed=seed,
    burn_in=...)} for n in SIZES and the seeds of SEEDS (tanh, the sweep's default drive)."""
    return {(n, seed): numeric.lyapunov_gain_sweep("elman", np.array(GAINS), STEPS[n][0],
                                                   hidden=n, seed=seed, burn_in=STEPS[n][1])
            for n in SIZES for seed in SEEDS.values()}


def gamma():
    """γ of tanh, max |tanh'|, from the activation registry (SymPy), as a float."""
    return float(derive.activation("tanh").gamma)


def bound_rate(result):
    """log(γ σ_max(g W0)) per gain: ‖J_k‖ ≤ γ‖g W0‖, so λ_max never exceeds it."""
    return np.log(gamma() * result.sigma_max)


EPS = float(np.finfo(float).eps)                 # 2^-52: float64's relative rounding bound


def horizon_length(lambda_max, eps=EPS):
    """T* = ln(1/ε)/λ_max (steps; ε = 2^-52, float64's machine epsilon)."""
    return math.log(1 / eps) / lambda_max


def chaos_numbers(swept):
    """The results.json entries: per (n, seed) λ_max, convergence, ρ, σ_max per gain; the gap
    between the bound's rate and λ_max; T* at HORIZON_GAIN for the largest n, first seed."""
    curves = {f"n={n},seed={seed}": {
        "T": r.T, "burn_in": r.burn_in, "lambda_max": r.lambda_max.tolist(),
        "convergence": r.convergence.tolist(), "spectral_radius": r.spectral_radius.tolist(),
        "sigma_max": r.sigma_max.tolist(), "bound_rate": bound_rate(r).tolist()}
        for (n, seed), r in swept.items()}
    gaps = np.concatenate([bound_rate(r) - r.lambda_max for r in swept.values()])
    big = swept[(SIZES[-1], min(SEEDS.values()))]
    at = GAINS.index(HORIZON_GAIN)
    crossings = {f"n={n},seed={seed}": _crossing(r) for (n, seed), r in swept.items()}
    return {"gains": list(GAINS), "gamma": gamma(), "curves": curves,
            "crossing_gain": crossings,
            "bound_gap_min": float(gaps.min()), "bound_gap_max": float(gaps.max()),
            "convergence_max": max(float(r.convergence.max()) for r in swept.values()),
            "horizon_gain": HORIZON_GAIN, "horizon_hidden": SIZES[-1],
            "horizon_lambda_max": float(big.lambda_max[at]),
            "horizon_eps": EPS,
            "horizon_steps": horizon_length(float(big.lambda_max[at])),
            "horizon_perturbation": numeric.HORIZON_PERTURBATION,
            "horizon_threshold": numeric.HORIZON_THRESHOLD,
            "edge_reading": edge_reading({"gains": list(GAINS), "curves": curves})}


def _crossing(result, level=0.01):
    """The first gain where λ_max exceeds ``level`` (a clearly positive exponent), or None."""
    above = np.flatnonzero(result.lambda_max > level)
    return None if len(above) == 0 else float(result.gains[above[0]])


def _plot(fig, swept):
    left, right = fig.subplots(1, 2)
    gains = np.array(GAINS)
    for (n, seed), r in swept.items():
        style = "-" if seed == min(SEEDS.values()) else "--"
        left.plot(gains, r.lambda_max, style, marker="o", ms=2.5, color=COLOURS[n],
                  label=rf"$\lambda_{{max}}$, n = {n}, seed {seed}")
        if seed == min(SEEDS.values()):
            left.plot(gains, bound_rate(r), ":", color=COLOURS[n],
                      label=rf"bound $\log(\gamma\sigma_{{max}})$, n = {n}")
        for values, marker, name in ((r.spectral_radius, "o", r"$\rho$"),
                                     (r.sigma_max, "s", r"$\sigma_{max}$")):
            right.plot(gains, np.log(values), marker, ms=2.5, mfc="none", color=COLOURS[n],
                       label=f"log {name}, n = {n}" if seed == min(SEEDS.values()) else None)
    right.plot(gains, np.log(gains), "k-", lw=1, label=r"$\log g$")
    right.plot(gains, np.log(2 * gains), "k--", lw=1, label=r"$\log 2g$")
    for ax in (left, right):
        ax.axhline(0, color="k", lw=0.8)
        ax.set_xlabel("gain g  ($W_{hh} = g W_0$)")
    left.axvline(1, color="grey", lw=0.8, ls=":")
    left.set_ylabel(r"natural log per step")
    left.set_title(r"tanh Elman: $\lambda_{max}$ and the bound", fontsize=9)
    right.set_title(r"$gW_0$: $\rho$ and $\sigma_{max}$ against their limits", fontsize=9)
    left.legend(loc="lower right", fontsize=8, handlelength=2.2)
    right.legend(loc="lower right", fontsize=8, ncols=1)


def edge_figure(ctx, swept):
    """Draw figures/edge_of_chaos.{pdf,png}; returns the stem."""
    return ctx.draw("edge_of_chaos", _plot, swept, fig=True, figsize=(6.3, 3.8))


def build(ctx):
    """(blocks for 'sec:dynamics', results): the figure, its paragraph and the horizon text."""
    swept = chaos_sweeps()
    numbers = chaos_numbers(swept)
    edge_figure(ctx, swept)
    blocks = (*chaos_text(numbers, SIZES, SEEDS, STEPS), *horizon_text(numbers))
    return blocks, {"edge_of_chaos": numbers}


__all__ = ["build", "chaos_sweeps", "bound_rate", "horizon_length", "SIZES", "SEEDS", "GAINS"]
