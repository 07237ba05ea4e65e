"""What the two figures of 'sec:saturation' show, stated from the values they plot.

"fig:saturation" (w = 0.9, h_0 = 0, one line per drive x_t, T = 1..DRIVE_T): the fall per step
of each line over its second half, (log10|∂h_T/∂h_0| at DRIVE_T − at DRIVE_T/2)/(DRIVE_T/2),
and whether it grows with the drive.

"fig:regime-map": log10|∂h_T/∂h_0| of the scalar tanh RNN h_t = tanh(w h_{t−1} + x_t),
x_t = MAP_INPUT, h_0 = 0, over w ∈ [−3, 3] and T = 1..MAP_T:

* the bands of w that keep the gradient: the maximal runs of consecutive grid weights w_i with
  log10|∂h_T/∂h_0| ≥ KEEP at T = MAP_T (gradient at least 10^KEEP of its size);
* the share of cells below 0 (the blue of the colour scale);
* beyond the dashed lines |w| = 1/γ = 1: the largest value, and the last T at which a cell
  there is above 0 (red).
"""

import numpy as np
import sympy as sp

import numeric
from reports import figures
from reports.doc import Math, num, tr

MAP_INPUT, MAP_T = 0.1, 200  # the regime map's constant input and longest sequence
DRIVE_W, DRIVE_T = 0.9, 200  # "fig:saturation": the weight and the longest sequence
KEEP = -3                    # a band "keeps the gradient" where log10|∂h_T/∂h_0| ≥ KEEP
W, T = sp.symbols("w T")
LOG10 = sp.Function("log_10")
GRADIENT = sp.Derivative(sp.Symbol("h_T"), sp.Symbol("h_0"), evaluate=False)


def drive_rates(drives):
    """{drive: decades per step} of the lines of "fig:saturation": the change of
    log10|∂h_T/∂h_0| from T = DRIVE_T/2 to T = DRIVE_T, divided by DRIVE_T/2."""
    half = DRIVE_T // 2
    rates = {}
    for x in drives:
        row = numeric.scalar_sweep("tanh", np.array([DRIVE_W]), np.array([half, DRIVE_T]),
                                   inputs=float(x)).log10_abs_grad[0]
        rates[f"{x:g}"] = float((row[1] - row[0]) / (DRIVE_T - half))
    return rates


def drive_sentence(rates):
    """Whether the fall per step grows with the drive, with the first and last rates."""
    values = list(rates.values())
    first, last = next(iter(rates)), list(rates)[-1]
    x = sp.Symbol("x_t")
    span = (tr(": from ", "：从 "), num(values[0], 3),
            tr(" decades per step at ", " 个数量级每步（"),
            Math(sp.Eq(x, decimal(float(first)))), tr(" to ", "）到 "), num(values[-1], 3),
            tr(" at ", "（"), Math(sp.Eq(x, decimal(float(last)))),
            tr(", measured from ", "），在 "), Math(sp.Eq(T, DRIVE_T // 2)), tr(" to ", " 到 "),
            Math(sp.Eq(T, DRIVE_T)),
            tr(". Saturation alone makes the gradient vanish faster.",
               " 之间测得。仅饱和本身就使梯度消失得更快。"))
    if all(b < a for a, b in zip(values[:-1], values[1:], strict=True)):
        return (tr(" See that the larger the drive, the steeper the fall",
                   "可以看到输入越大，下降越陡"), *span)
    return (tr(" The fall does not steepen with every larger drive",
               "下降并不是随输入增大而处处变陡"), *span[:-1], tr(".", "。"))


def map_sweep():
    """The regime map's sweep (``figures.regime_map_sweep``: w ∈ [−3, 3], T = 1..MAP_T,
    x_t = MAP_INPUT)."""
    return figures.regime_map_sweep("tanh", T=np.arange(1, MAP_T + 1), inputs=MAP_INPUT)


def _w(value):
    """A grid weight as the decimal it was meant to be (−1.025, not −1.0250000000000001)."""
    return round(float(value), 9)


def kept_bands(w, values, threshold=KEEP):
    """The maximal runs of consecutive entries of the grid ``w`` (ascending) whose ``values``
    are ≥ ``threshold`` (NaN and −∞ never are): a list of {"w_from", "w_to", "points",
    "best", "best_w"}, in the order of w."""
    keep = np.nan_to_num(np.asarray(values, float), nan=-np.inf) >= threshold
    bands, i = [], 0
    while i < len(keep):
        if not keep[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(keep) and keep[j + 1]:
            j += 1
        best = i + int(np.argmax(values[i:j + 1]))
        bands.append({"w_from": _w(w[i]), "w_to": _w(w[j]), "points": j - i + 1,
                      "best": float(values[best]), "best_w": _w(w[best])})
        i = j + 1
    return bands


def settled(w, x=MAP_INPUT, T=MAP_T):
    """{"h": h_T, "factor": w tanh'(a_T)} of h_t = tanh(w h_{t−1} + x), h_0 = 0: where the
    state is after T steps and the last factor of the product."""
    h = a = 0.0
    for _ in range(T):
        a = w * h + x
        h = float(np.tanh(a))
    return {"h": h, "factor": float(w * (1 - np.tanh(a) ** 2))}


def map_numbers(result):
    """On the regime map (``result``, from ``map_sweep``): the largest value with its w and T;
    the values at T = MAP_T for w = 1 and w = −1 and at T = 100 for w = 1; the bands kept at
    T = MAP_T (``kept_bands``); the best w > 0 there; the share of cells below 0; beyond
    |w| = 1 the largest value and the last T with a cell above 0."""
    w, lengths, values = result.w, result.T, result.log10_abs_grad
    i, j = np.unravel_index(int(np.nanargmax(values)), values.shape)
    end = values[:, -1]
    positive = np.flatnonzero(w > 0)
    best_positive = positive[int(np.nanargmax(end[positive]))]
    beyond = np.abs(w) > 1
    red = np.flatnonzero(np.any(values[beyond] > 0, axis=0))
    k, m = np.unravel_index(int(np.nanargmax(np.where(beyond[:, None], values, -np.inf))),
                            values.shape)
    t100 = int(np.flatnonzero(lengths == 100)[0])
    return {"max": float(values[i, j]), "max_w": _w(w[i]), "max_T": int(lengths[j]),
            "T_end_w_plus_1": float(end[np.argmin(abs(w - 1))]),
            "T_end_w_minus_1": float(end[np.argmin(abs(w + 1))]),
            "T100_w_plus_1": float(values[np.argmin(abs(w - 1)), t100]),
            "T_end": int(lengths[-1]), "x_t": MAP_INPUT, "keep_threshold_log10": KEEP,
            "settled_w_plus_1": settled(1.0), "settled_w_minus_1": settled(-1.0),
            "kept_bands_T_end": kept_bands(w, end), "grid_points": len(w),
            "best_positive_w_T_end": _w(w[best_positive]),
            "best_positive_T_end": float(end[best_positive]),
            "share_below_0": float(np.mean(values < 0)),
            "beyond_1_max": float(values[k, m]), "beyond_1_max_w": _w(w[k]),
            "beyond_1_max_T": int(lengths[m]),
            **({"beyond_1_last_T_above_0": int(lengths[red[-1]])} if len(red) else
               {"beyond_1_last_T_above_0": None,
                "beyond_1_last_T_above_0_note": "no cell with |w| > 1 is above 0"})}


def kept_sentence(mapped):
    """Which bands of w keep log10|∂h_T/∂h_0| ≥ KEEP at T = MAP_T, as found in ``mapped``
    (``map_numbers``), then w = 1 and the best positive weight there."""
    bands, end, grid = mapped["kept_bands_T_end"], mapped["T_end"], mapped["grid_points"]
    keep = Math(sp.Ge(LOG10(sp.Abs(GRADIENT)), mapped["keep_threshold_log10"]))
    if not bands:
        kept = (tr(" no weight of the grid keeps ", " 时，网格中没有任何权重能保持 "), keep)
    else:
        kept = [tr(" only w from ", " 时，只有 w 取 ")]
        for n, band in enumerate(bands):
            kept += [tr(" and from ", " 和 ")] if n else []
            kept += [*_band(band),
                     tr(f" ({band['points']} of the {grid} grid weights, best ",
                        f"（{grid} 个网格权重中的 {band['points']} 个，最大值 "),
                     num(band["best"], 3), tr(")", "）")]
        kept = (*kept, tr(" keeps ", "时能保持 "), keep)
    return (tr(" At ", "在 "), Math(sp.Eq(T, end)), *kept,
            tr(". The weight ", "。权重 "), Math(sp.Eq(W, 1)), tr(" is at ", " 降到 "),
            num(mapped["T_end_w_plus_1"], 3), tr(" (at ", "（在 "), Math(sp.Eq(T, 100)),
            tr(" already ", " 时已是 "), num(mapped["T100_w_plus_1"], 3),
            tr("), and the best positive weight, ", "），最好的正权重 "),
            Math(sp.Eq(W, decimal(mapped["best_positive_w_T_end"]))),
            tr(", reaches only ", " 也只达到 "), num(mapped["best_positive_T_end"], 3),
            tr(".", "。"))


def decimal(value):
    """A grid weight as SymPy prints it: an Integer when whole (−3, not −3.0), else a Float."""
    return sp.Integer(int(value)) if float(value).is_integer() else sp.Float(value, 6)


def _band(band):
    if band["points"] == 1:
        return (Math(decimal(band["w_from"])),)
    return (Math(decimal(band["w_from"])), tr(" to ", " 到 "), Math(decimal(band["w_to"])))


def colour_sentence(mapped):
    """The share of blue cells, and where red appears beyond the dashed lines |w| = 1."""
    last, end = mapped["beyond_1_last_T_above_0"], mapped["T_end"]
    where = (num(mapped["beyond_1_max"], 3), tr(" (at ", "（位于 "),
             Math(sp.Eq(W, decimal(mapped["beyond_1_max_w"]))), tr(", ", "、"),
             Math(sp.Eq(T, mapped["beyond_1_max_T"])), tr(")", "）"))
    if last is None:
        red = (tr(": no cell there is above 0, the largest value there is ",
                  "：那里没有一个格子高于 0，最大值为 "), *where)
    elif last < end:
        red = (tr(" in the end: a cell there is above 0 (red) only up to ",
                  "：那里高于 0（红色）的格子只出现在 "), Math(sp.Le(T, last)),
               tr(", and the largest value there is ", " 的范围内，最大值为 "), *where)
    else:
        red = (tr(" only in part: cells there are still above 0 (red) at ",
                  "，但并非处处如此：在 "), Math(sp.Eq(T, end)),
               tr(", and the largest value there is ",
                  " 时那里仍有高于 0（红色）的格子，最大值为 "),
               *where)
    return (tr(". See that ", "。可以看到 "), num(100 * mapped["share_below_0"], 3),
            tr("% of the cells are below 0 (blue). Beyond the dashed lines, ",
               "% 的格子低于 0（蓝色）。在虚线之外，即 "), Math(sp.Gt(sp.Abs(W), 1)),
            tr(", the bound allows exploding, but the state saturates and the gradient vanishes",
               " 时，界允许梯度爆炸，但状态会饱和，梯度最终消失"), *red, tr(".", "。"))
