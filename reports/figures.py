"""Figures (matplotlib, Agg): plot functions take an ``ax`` and return it; ``save`` writes
PNG and PDF with fixed metadata, so the same data give the same bytes.

(a) ``plot_gradient_vs_T``  log10|∂h_T/∂h_0| against T for several w (identity and tanh)
(b) ``plot_regime_map``     the (w, T) map of log10|∂h_T/∂h_0| with the lines |w| = 1/γ
(c) ``plot_gain_sweep``     n = 32 gain sweeps: measured log-norm per step vs log(γσ_max), log ρ
(d) ``plot_saturation``     tanh: the same w with growing input drive
"""

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from numeric import gain_sweep, random_W0, scalar_sweep  # noqa: E402

# Figures print at natural size (at most 6.5 in wide, A4's text width): text 8 pt or more.
STYLE = {"figure.figsize": (6.0, 3.6), "figure.dpi": 100, "savefig.dpi": 150,
         "axes.grid": True, "grid.alpha": 0.3, "font.size": 9, "axes.titlesize": 9,
         "axes.labelsize": 9, "xtick.labelsize": 8, "ytick.labelsize": 8,
         "legend.fontsize": 8, "legend.title_fontsize": 8, "figure.titlesize": 10,
         "svg.hashsalt": "rnngrad", "pdf.compression": 6}
_METADATA = {".png": {"Software": None}, ".pdf": {"CreationDate": None, "Producer": None,
                                                   "Creator": None}}


def gradient_vs_T_sweep(activation, w_values=(0.5, 0.9, 1.0, 1.1, 1.5), T_max=200,
                        inputs=0.0, h0=0.0):
    """The sweep that (a) plots: ``numeric.scalar_sweep`` over w_values and T = 1..T_max."""
    return scalar_sweep(activation, np.asarray(w_values, float), np.arange(1, T_max + 1),
                        inputs=inputs, h0=h0)


def plot_gradient_vs_T(ax, activation, w_values=(0.5, 0.9, 1.0, 1.1, 1.5), T_max=200,
                       inputs=0.0, h0=0.0, result=None):
    """(a) log10|∂h_T/∂h_0| against T = 1..T_max, one line per w; ``result``: the sweep, when
    the caller has it already (``gradient_vs_T_sweep`` of the same arguments)."""
    if result is None:
        result = gradient_vs_T_sweep(activation, w_values, T_max, inputs, h0)
    for w, row in zip(result.w, result.log10_abs_grad, strict=True):
        ax.plot(result.T, row, label=f"w = {w:g}")
    ax.set_xlabel("sequence length T (steps)")
    ax.set_ylabel(r"$\log_{10}\,|\partial h_T / \partial h_0|$")
    ax.set_title(f"{result.activation}: $h_t = \\varphi(w\\,h_{{t-1}} + x_t)$, "
                 f"$x_t = {inputs:g}$, $h_0 = {h0:g}$")
    ax.legend(loc="best", fontsize=8)
    return ax


def regime_map_sweep(activation, w=None, T=None, inputs=0.1, h0=0.0):
    """The sweep that (b) maps: ``numeric.scalar_sweep`` over the grid (default
    w ∈ [−3, 3] in 241 steps of 0.025, T = 1..200)."""
    w = np.linspace(-3, 3, 241) if w is None else np.asarray(w, float)
    T = np.arange(1, 201) if T is None else np.asarray(T)
    return scalar_sweep(activation, w, T, inputs=inputs, h0=h0)


def plot_regime_map(ax, activation, w=None, T=None, inputs=0.1, h0=0.0, limit=20.0,
                    result=None):
    """(b) heatmap of log10|∂h_T/∂h_0| over (w, T) (default grid: ``regime_map_sweep``),
    clipped to ±limit, with the lines |w| = 1/γ; ``result``: the sweep, when the caller has it
    already (``regime_map_sweep`` of the same arguments)."""
    if result is None:
        result = regime_map_sweep(activation, w, T, inputs, h0)
    w, T = result.w, result.T
    values = np.clip(result.log10_abs_grad, -limit, limit)
    image = ax.pcolormesh(T, w, values, cmap="RdBu_r", vmin=-limit, vmax=limit,
                          shading="nearest", rasterized=True)
    gamma = _gamma(activation)
    for sign in (-1, 1):
        ax.axhline(sign / gamma, color="k", lw=1, ls="--")
    ax.text(T[-1], 1 / gamma, r"$|w| = 1/\gamma_\varphi$ ", va="bottom", ha="right", fontsize=8,
            color="k", backgroundcolor="white")
    ax.set_xlabel("sequence length T (steps)")
    ax.set_ylabel("recurrent weight w")
    ax.set_title(f"{result.activation}: $\\log_{{10}}|\\partial h_T/\\partial h_0|$ "
                 f"(clipped to $\\pm${limit:g}), $x_t = {inputs:g}$, $h_0 = {h0:g}$")
    ax.figure.colorbar(image, ax=ax, label=r"$\log_{10}|\partial h_T/\partial h_0|$")
    return ax


def gain_sweep_run(kind, rng, n=32, gains=None, T=200, activation="tanh"):
    """(W0, the sweep that (c) plots): W0 = ``random_W0(n, kind, rng)``, then the inputs
    x_k ~ 0.5 N(0, 1) (T × n, from the same rng), swept over the gains (default 0.25..2.5 in
    steps of 0.05) at length T."""
    gains = np.linspace(0.25, 2.5, 46) if gains is None else np.asarray(gains, float)
    W0 = random_W0(n, kind, rng)
    drive = 0.5 * rng.standard_normal((T, n))
    return W0, gain_sweep(W0, gains, np.array([T]), activation=activation, inputs=drive)


def plot_gain_sweep(ax, kind, rng=None, n=32, gains=None, T=200, activation="tanh",
                    result=None):
    """(c) measured per-step log10-norm growth (1/T) log10‖∂h_T/∂h_0‖₂ against the gain (open
    markers where T is beyond the predictability horizon: one sample, its rate only), with
    the bound's log10(γ g σ_max(W0)) and log10 ρ(g W0); ``result``: the sweep, when the caller
    has it already (``gain_sweep_run`` of the same arguments), else drawn from ``rng``."""
    if result is None:
        result = gain_sweep_run(kind, rng, n, gains, T, activation)[1]
    gains, T = result.gains, int(result.T[0])
    line, = ax.plot(gains, result.log10_norm[:, 0] / T, "o-", ms=3,
                    label="measured (1/T) log10 norm")
    beyond = ~result.reliable[:, 0] if result.reliable is not None else np.zeros(len(gains), bool)
    if beyond.any():   # open markers: past the predictability horizon, only the rate holds
        ax.plot(gains[beyond], result.log10_norm[beyond, 0] / T, "o", ms=4, mfc="white",
                mec=line.get_color(), label="beyond the horizon: a sample (rate only)")
    ax.plot(gains, result.log10_bound[:, 0] / T, "--",
            label=r"bound $\log_{10}(\gamma g\sigma_{max})$")
    ax.plot(gains, np.log10(result.spectral_radius), ":", label=r"$\log_{10}\rho(gW_0)$")
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xlabel("gain g  ($W_{hh} = g W_0$)")
    ax.set_ylabel("log10 growth per step")
    ax.set_title(f"{activation}, {kind} $W_0$ (n = {n}, T = {T}, $x_k$ ~ 0.5 N(0,1))",
                 fontsize=9)
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_saturation(ax, w=0.9, drives=(0.0, 0.5, 1.0, 2.0, 4.0), T_max=200):
    """(d) tanh with the same w and a growing constant input: saturation makes φ' small."""
    T = np.arange(1, T_max + 1)
    for x in drives:
        row = scalar_sweep("tanh", np.array([w]), T, inputs=x).log10_abs_grad[0]
        ax.plot(T, row, label=f"$x_t = {x:g}$")
    ax.set_xlabel("sequence length T (steps)")
    ax.set_ylabel(r"$\log_{10}\,|\partial h_T / \partial h_0|$")
    ax.set_title(f"tanh saturation: w = {w:g}, $h_0 = 0$, growing input drive $x_t$")
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_bptt_contributions(ax, norms):
    """Per-step BPTT contributions ‖δ_k h_{k-1}^⊤‖ (and ‖δ_k‖) against the step k."""
    k = np.arange(1, len(norms["delta"]) + 1)
    ax.semilogy(k, norms["W_hh"],
                label=r"$\|\delta_k h_{k-1}^{\top}\|$ (to $\partial L/\partial W_{hh}$)")
    ax.semilogy(k, norms["delta"], "--", label=r"$\|\delta_k\|$")
    ax.set_xlabel("time step k")
    ax.set_ylabel("norm (log scale)")
    ax.set_title(r"corrected seed-000 program: tanh, $n = 20$, $\|W_{hh}\|_2 = 0.9$, $T = 100$")
    ax.legend(loc="best", fontsize=8)
    return ax


def _gamma(activation):
    import derive

    return float(derive.activation(activation).gamma)


def save(fig, stem):
    """Write ``stem``.png and ``stem``.pdf deterministically (atomic renames)."""
    paths = [save_as(fig, f"{stem}{suffix}") for suffix in _METADATA]
    plt.close(fig)
    return paths


def save_as(fig, path):
    """Write ``fig`` to ``path`` (.png or .pdf) with no date or version in it, atomically."""
    import io

    from reports.files import write_atomic

    suffix = os.path.splitext(path)[1].lower()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=suffix[1:], metadata=_METADATA[suffix])
    write_atomic(path, buffer.getvalue())
    return path


__all__ = ["plot_bptt_contributions", "plot_gain_sweep", "plot_gradient_vs_T", "plot_regime_map",
           "plot_saturation", "save"]
