"""The gated-cells figure's numbers: log10‖∂h_T/∂h_0‖₂ for T = 1..T_MAX of an Elman (tanh)
cell, LSTMs with forget bias b_f ∈ FORGET_BIASES and a GRU, all at PyTorch's default
initialisation (every weight and bias uniform(−1/√n, 1/√n)), n = N, m = 1, h_0 = c_0 = 0 and
inputs x_t = DRIVE · ε_t, ε_t ~ N(0, 1).

The forget bias is set as bias_ih[f block] = b_f, bias_hh[f block] = 0, so that z_f = W_if x +
W_hf h + b_f; the three LSTMs share every other parameter and run as one batch (leading
dimension 3).  Besides the product, each gated curve carries the rate of its carousel alone:
the path that stays on c (LSTM) or on h through the update gate (GRU) multiplies diagonal
gates, ‖Π_k diag(g_k)‖₂ = max_i Π_k g_{k,i}, so its log10 per step is max_i mean_k log10 g_{k,i}.

>>> [c.label for c in gated_curves(T_max=3)]
['Elman (tanh)', 'LSTM, b_f = 0', 'LSTM, b_f = 1', 'LSTM, b_f = 3', 'GRU']
"""

import math
from dataclasses import dataclass

import numpy as np

import derive
import numeric

N, M, T_MAX, DRIVE = 32, 1, 1000, 0.1
FORGET_BIASES = (0, 1, 3)
SEEDS = {"parameters": 0, "inputs": 1}   # numpy.random.default_rng(seed)
FIT_FROM = 501                           # the slope: least squares over T = FIT_FROM..T_MAX


@dataclass(frozen=True)
class Curve:
    """One curve: ``label``, ``cell`` name, ``forget_bias`` (None but for the LSTM), the
    values log10‖∂h_T/∂h_0‖₂ (T = 1..T_max) and ``carousel`` (log10 per step of the diagonal
    gate path alone; None for the Elman cell, which has none)."""

    label: str
    cell: str
    forget_bias: int | None
    log10_norm: np.ndarray
    carousel: float | None


def inputs(T_max=T_MAX):
    """x_t = DRIVE · ε_t, (T_max, M), ε from default_rng(SEEDS["inputs"])."""
    return DRIVE * np.random.default_rng(SEEDS["inputs"]).standard_normal((T_max, M))


def run(name, params, x, act=None):
    """(path, log10‖∂h_T/∂h_0‖₂ for T = 1..len(x), shape (T, ...batch))."""
    kind = derive.cell_kind(name)
    batch = params["bias_ih"].shape[:-1]
    s0 = np.zeros((*batch, len(kind.state) * N))
    path = numeric.cell_forward(kind, act, params, s0, x)
    T = np.arange(1, len(x) + 1)
    return path, numeric.log10_product_norms(kind, act, params, path, T, block="h")


def carousel_rate(kind, path, channel):
    """max_i mean_k log10 σ(L_{k,i}) for the gate channel named ``channel``: per batch member."""
    j = [ch.symbol.name for ch in kind.channels].index(channel)
    sigmoid = numeric.activation_functions(derive.activation("sigmoid"))[0]
    gates = sigmoid(np.stack([L[j] for L in path.channels]))      # (T, ...batch, n)
    return np.max(np.mean(np.log10(gates), axis=0), axis=-1)


def gated_curves(T_max=T_MAX):
    """The five curves, in the figure's order."""
    x = inputs(T_max)
    tanh = derive.activation("tanh")
    elman = numeric.default_parameters(derive.cell_kind("elman"), N, M, SEEDS["parameters"])
    _, values = run("elman", elman, x, tanh)
    curves = [Curve("Elman (tanh)", "elman", None, values, None)]
    path, values = run("lstm", numeric.forget_bias_parameters(
        FORGET_BIASES, N, M, SEEDS["parameters"]), x)
    rates = carousel_rate(derive.cell_kind("lstm"), path, "z_f")
    curves += [Curve(f"LSTM, b_f = {b}", "lstm", b, values[:, i], float(rates[i]))
               for i, b in enumerate(FORGET_BIASES)]
    gru = numeric.default_parameters(derive.cell_kind("gru"), N, M, SEEDS["parameters"])
    path, values = run("gru", gru, x)
    rate = carousel_rate(derive.cell_kind("gru"), path, "z_z")
    return curves + [Curve("GRU", "gru", None, values, float(rate))]


def slope(values, start=FIT_FROM):
    """Least-squares slope of log10 norm against T over T = start..len(values) (decades per
    step).

    >>> round(slope(np.arange(1.0, 11.0) * -0.5, start=3), 12)
    -0.5
    """
    T = np.arange(start, len(values) + 1, dtype=float)
    y = np.asarray(values[start - 1:], dtype=float)
    return float(np.polyfit(T, y, 1)[0])


def ordered_from(curves):
    """The first T from which the curves' values increase strictly with their order at every
    later T (None when they do not end so ordered)."""
    values = np.stack([c.log10_norm for c in curves])
    ordered = np.all(np.diff(values, axis=0) > 0, axis=0)
    if not ordered[-1]:
        return None
    broken = np.flatnonzero(~ordered)
    return int(broken[-1]) + 2 if broken.size else 1


def plot_gated_cells(ax, curves):
    """log10‖∂h_T/∂h_0‖₂ against T, one line per curve."""
    styles = {"elman": "-", "lstm": "-", "gru": "--"}
    for curve in curves:
        T = np.arange(1, len(curve.log10_norm) + 1)
        ax.plot(T, curve.log10_norm, styles[curve.cell], lw=1.6,
                label=curve.label.replace("b_f", "$b_f$"))
    ax.set_xlabel("sequence length T (steps)", fontsize=11)
    ax.set_ylabel(r"$\log_{10}\,\|\partial h_T / \partial h_0\|_2$", fontsize=11)
    ax.set_title(f"PyTorch default init, n = {N}, m = {M}, "
                 f"$x_t$ ~ {DRIVE:g} N(0, 1), $h_0 = c_0 = 0$", fontsize=10)
    ax.tick_params(labelsize=10)
    ax.legend(loc="lower left", fontsize=10)
    return ax


def results(curves):
    """results.json's ``gated_cells``: the setting and every curve (strict JSON)."""
    entries = []
    for curve in curves:
        entry = {"label": curve.label, "cell": curve.cell,
                 "T": list(range(1, len(curve.log10_norm) + 1)),
                 **finite_list("log10_norm", curve.log10_norm),
                 "slope": slope(curve.log10_norm),
                 **absent_or("forget_bias", curve.forget_bias,
                             f"the {curve.cell} cell has no forget gate"),
                 **absent_or("carousel_rate", curve.carousel,
                             f"the {curve.cell} cell has no gate, so no diagonal path")}
        entries.append(entry)
    return {"gated_cells": {
        "hidden": N, "inputs": M, "input_drive": DRIVE, "seeds": dict(SEEDS),
        "initialisation": "every weight and bias uniform(-1/sqrt(n), 1/sqrt(n))",
        "h0": 0.0, "c0": 0.0, "slope_fit_T": [FIT_FROM, T_MAX],
        "lstm_ordered_by_forget_bias_from_T": ordered_from(curves[1:-1]),
        "curves": entries}}


def finite_list(key, values):
    """{key: list} with every value that is not finite as None, and a note when there is one."""
    out = [float(v) if math.isfinite(v) else None for v in values]
    note = {} if None not in out else {f"{key}_note": "null: the product is exactly 0 there "
                                       "(log10 is minus infinity)"}
    return {key: out, **note}


def absent_or(key, value, why):
    """{key: value}, or {key: None, key_note: why} when the curve has no such value."""
    return {key: value} if value is not None else {key: None, f"{key}_note": why}
