"""What the edge-of-chaos figure shows, read from its curves (``dynamics_chaos.chaos_numbers``)
rather than written by hand: per draw, λ_max against the gain g,

* the last gain below the first clearly positive one where λ_max < −LEVEL (clearly negative),
* the first gain where λ_max > LEVEL (the ``crossing_gain`` of the numbers),
* the largest |λ_max| at the gains strictly between the two (the edge, near zero),

and for the right panel the ratios ρ(g W0)/g and σ_max(g W0)/(2g), whose large-n limits are 1.
"""

import numpy as np

from reports.doc import num, tr

LEVEL = 0.01   # |λ_max| ≤ LEVEL is "near zero" (natural log per step)


def edge_reading(numbers, level=LEVEL):
    """{"negative_up_to": [min, max] over draws of the last clearly negative gain before the
    crossing, "positive_from": [min, max] of the first gain with λ_max > level,
    "edge_abs_max": the largest |λ_max| strictly between them (None when no gain lies there),
    "rho_over_g": [min, max], "sigma_over_2g": [min, max]} over every draw in
    ``numbers["curves"]`` (draws without a positive exponent are left out of the first three)."""
    gains = np.asarray(numbers["gains"], float)
    negative, positive, edge, rho, sigma = [], [], [], [], []
    for curve in numbers["curves"].values():
        lam = np.asarray(curve["lambda_max"], float)
        rho += list(np.asarray(curve["spectral_radius"]) / gains)
        sigma += list(np.asarray(curve["sigma_max"]) / (2 * gains))
        above = np.flatnonzero(lam > level)
        if not len(above):
            continue
        below = np.flatnonzero(lam[:above[0]] < -level)
        start = int(below[-1]) + 1 if len(below) else 0
        if len(below):
            negative.append(float(gains[below[-1]]))
        positive.append(float(gains[above[0]]))
        edge += list(np.abs(lam[start:above[0]]))
    found = {"level": level, "negative_up_to": _span(negative),
             "positive_from": _span(positive), "edge_abs_max": float(max(edge)) if edge else None,
             "rho_over_g": _span(rho), "sigma_over_2g": _span(sigma)}
    notes = {"negative_up_to": "no draw is below -level before its first positive value",
             "positive_from": "no draw has an exponent above level",
             "edge_abs_max": "no gain lies between the negative and the positive values"}
    return {**found, **{f"{key}_note": why for key, why in notes.items() if found[key] is None}}


def _span(values):
    return [float(min(values)), float(max(values))] if values else None


def _range(pair, digits=2):
    if pair[0] == pair[1]:
        return (num(pair[0], digits),)
    return (num(pair[0], digits), tr(" to ", " 到 "), num(pair[1], digits))


def edge_sentence(reading):
    """Where λ_max is clearly negative, near zero and clearly positive, as read."""
    positive, negative = reading["positive_from"], reading["negative_up_to"]
    if positive is None:
        return (tr(" No draw has an exponent above ", "没有一次抽样的指数大于 "),
                num(reading["level"], 2), tr(".", "。"))
    parts = [tr(" Over the draws the first clearly positive value (above ",
                "在各次抽样中，第一个明显为正（大于 "), num(reading["level"], 2),
             tr(") appears at g = ", "）的值出现在 g = "), *_range(positive)]
    if negative is not None:
        parts += [tr("; the exponent is below ", "；指数低于 "), num(-reading["level"], 2),
                  tr(" up to g = ", "，直到 g = "), *_range(negative)]
    if reading["edge_abs_max"] is None:
        return (*parts, tr(".", "。"))
    return (*parts, tr(", and at the gains in between it stays within ",
                       "；在两者之间的增益上，指数与零相差不超过 "),
            num(reading["edge_abs_max"], 2), tr(" of zero.", "。"))


def matrix_sentence(reading):
    """The right panel: ρ(g W0)/g and σ_max(g W0)/(2g) as measured, against their limit 1."""
    return (tr(" The right panel shows the spectral radius of g times W0 at ",
               "右图显示，g 乘以 W0 的谱半径是 g 的 "), *_range(reading["rho_over_g"], 3),
            tr(" times g and its largest singular value at ", " 倍，最大奇异值是 2g 的 "),
            *_range(reading["sigma_over_2g"], 3),
            tr(" times 2g, near the limits g and 2g for large random matrices.",
               " 倍，接近大随机矩阵的极限 g 与 2g。"))
