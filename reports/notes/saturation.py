"""Section 'sec:saturation': a saturating activation (tanh, sigmoid) has φ'(a) ≈ 0 where |a|
is large, so the factors w φ'(a_t) of the scalar product ∂h_T/∂h_0 = Π_t w φ'(a_t) shrink
whatever w is.  Figures: the (w, T) regime map of the scalar tanh RNN h_t = tanh(w h_{t−1} +
x_t) ("fig:regime-map") and the same w = 0.9 under a growing input drive ("fig:saturation");
the numbers quoted come from ``numeric.scalar_sweep``."""

import numpy as np
import sympy as sp

import derive
import numeric
from derive import dphi, gamma_phi, z
from reports import figures
from reports.doc import Display, Figure, Math, Para, Ref, Section, num, tr
from reports.notes import saturation_map as smap
from reports.notes.saturation_map import DRIVE_T, DRIVE_W, MAP_INPUT, MAP_T, map_sweep

LABEL = 'sec:saturation'
TITLE = tr('Saturation', '饱和')
SIZE = (6.2, 3.9)            # inches: the width it prints at (≤ 6.3 in)
Z_SHOWN = (0, 1, 2, 3, 5)    # where tanh' is evaluated in the text
DRIVES = (0.0, 1.0, 3.0)     # input drives x_t quoted at w = 0.9, T = 100
FIGURE_DRIVES = (0.0, 0.5, 1.0, 2.0, 3.0, 4.0)   # the lines of "fig:saturation" (⊇ DRIVES)
T_QUOTED = 100
LOG10 = sp.Function("log_10")
GRADIENT = sp.Derivative(sp.Symbol("h_T"), sp.Symbol("h_0"), evaluate=False)


def tanh_slopes():
    """tanh'(z) = 1 − tanh²(z) at Z_SHOWN (from derive's stable form sech²)."""
    act = derive.activation("tanh")
    return {str(value): float(act.dphi_stable.subs(act.variable, value)) for value in Z_SHOWN}


def sweep_value(w, inputs, h0=0.0):
    """log10|∂h_T/∂h_0| at T = T_QUOTED for h_t = tanh(w h_{t−1} + x_t), x_t = inputs."""
    result = numeric.scalar_sweep("tanh", np.array([w]), np.array([T_QUOTED]), inputs=inputs,
                                  h0=h0)
    return float(result.log10_abs_grad[0, 0])


def draw_map(ax, result=None):
    """The regime map of ``result`` (from ``map_sweep``; None: swept here), title at 10 pt
    (every other text is 8 pt or more under ``figures.STYLE``)."""
    figures.plot_regime_map(ax, "tanh", inputs=MAP_INPUT,
                            result=map_sweep() if result is None else result)
    ax.set_title(ax.get_title(), fontsize=10)


def draw_saturation(ax, _):
    """w = 0.9 under the drives FIGURE_DRIVES, title at 10 pt, legend at 9 pt."""
    figures.plot_saturation(ax, w=DRIVE_W, drives=FIGURE_DRIVES, T_max=DRIVE_T)
    ax.set_title(ax.get_title(), fontsize=10)
    ax.legend(loc="best", fontsize=9)


def opening(slopes):
    t, w = sp.symbols("t w")
    product = sp.Eq(sp.Derivative(sp.Symbol("h_T"), sp.Symbol("h_0"), evaluate=False),
                    sp.Product(w * dphi(sp.Symbol("a_t")), (t, 1, sp.Symbol("T"))),
                    evaluate=False)
    act = derive.activation("tanh")
    return (
        Para(tr("The bound of the previous section uses the largest slope ",
                "上一节的界使用的是最大斜率 "), Math(gamma_phi),
             tr(". The slope actually met at step k is ", "。第 k 步实际遇到的斜率是 "),
             Math(dphi(sp.Symbol("a_k"))), tr(", and for tanh it is ", "，对 tanh 而言它是 "),
             Math(sp.Eq(dphi(z), act.dphi, evaluate=False)),
             tr(", which falls quickly as |z| grows: ", "，随 |z| 增大而迅速下降："),
             *_slope_list(slopes),
             tr(". An activation is said to saturate where its output is nearly constant and "
                "its slope nearly zero; tanh and the logistic sigmoid saturate for large |z|.",
                "。激活函数的输出几乎不变、斜率几乎为零的区域称为饱和区；tanh 和 logistic sigmoid "
                "在 |z| 很大时都会饱和。")),
        Para(tr("Take one unit, ", "考虑单个单元 "),
             Math(sp.Eq(sp.Symbol("h_t"), sp.tanh(sp.Add(
                 sp.Mul(w, sp.Symbol("h_{t-1}"), evaluate=False), sp.Symbol("x_t"),
                 evaluate=False)),
                        evaluate=False)),
             tr(", with recurrent weight w and a constant input ", "，循环权重为 w，常数输入为 "),
             Math(sp.Symbol("x_t")), tr(" (the drive). The chain rule gives a product of one "
                                       "factor per step:", "。"
                                                           "链式法则给出每步一个因子的乘积：")),
        Display(product),
    )


def _slope_list(slopes):
    parts = []
    for i, (value, slope) in enumerate(slopes.items()):
        parts += [", " if i else "", Math(sp.Eq(dphi(sp.Integer(value)), sp.Float(slope, 3),
                                                 evaluate=False))]
    return parts


W, T, X, H0 = sp.symbols("w T x_t h_0")


def eq(symbol, value):
    """``symbol = value`` as inline math (a float shown with the digits it has)."""
    if isinstance(value, float):
        value = sp.Float(value, len(repr(value).replace("-", "").replace(".", "")))
    return Math(sp.Eq(symbol, value, evaluate=False))


def drive_paragraph(w09):
    return Para(
        tr("With ", "取 "), eq(W, 0.9), tr(" and ", "、"), eq(H0, 0),
        tr(", the state stays at 0 when the drive is ", "。当输入为 "), eq(X, 0),
        tr(", every factor is 0.9 and ", " 时，状态停留在 0，每个因子都是 0.9，"),
        Math(LOG10(sp.Abs(GRADIENT))), tr(" at ", " 在 "), eq(T, T_QUOTED), tr(" is ", " 时为 "),
        num(w09["0"], 6), tr(", the value ", "，即标量情形的 "),
        Math(sp.Mul(100, LOG10(sp.Float(0.9, 2)), evaluate=False)),
        tr(" of the scalar case. A drive of 1 pushes every pre-activation into the flat part of "
           "tanh, and the same quantity drops to ", "。输入为 1 时，每个预激活值都被推入 tanh 的"
           "平坦区，该对数值降到 "), num(w09["1"], 6),
        tr("; a drive of 3 gives ", "；输入为 3 时为 "), num(w09["3"], 6),
        tr(". The weight is the same in all three; only the slopes differ. ",
           "。三种情况的权重相同，只有斜率不同。"), Ref("fig:saturation"),
        tr(" shows the whole curves.", " 给出了完整曲线。"))


def explosion_paragraph(w15, point):
    h = sp.Symbol("h")
    return Para(
        tr("Saturation also stops the explosion that the bound allows. With ",
           "饱和还会阻止界所允许的爆炸。取 "), eq(W, 1.5), tr(", above ", "，高于 "),
        Math(sp.Eq(1 / gamma_phi, 1, evaluate=False)),
        tr(", the gradient explodes only while the state sits at the fixed point 0, where the "
           "slope is 1 (", "，只有当状态停在斜率为 1 的不动点 0 上时梯度才会爆炸（"),
        eq(H0, 0), ", ", eq(X, 0), tr(": ", "："), num(w15["0"], 6), tr(" at ", "，"),
        eq(T, T_QUOTED), tr("). Start from ", "）。从 "), eq(H0, 0.1),
        tr(" instead and the state moves to the fixed point ", " 出发，状态会移动到不动点 "),
        num(point["h"], 6), tr(" of ", "（"),
        eq(h, sp.tanh(sp.Mul(sp.Float(1.5, 2), h, evaluate=False))),
        tr(", where each factor is only ", " 的解），在那里每个因子只有 "), num(point["factor"], 6),
        tr("; the gradient vanishes (", "；梯度消失（"), num(w15["0, h0 = 0.1"], 6),
        tr("). A drive of 1 gives ", "）。输入为 1 时为 "), num(w15["1"], 6), tr(".", "。"))


def map_paragraph(mapped):
    return Para(
        Ref("fig:regime-map"), tr(" maps the whole plane of weights and lengths for a small "
                                  "drive, ", "给出了小输入（"), eq(X, MAP_INPUT),
        tr(". The largest value anywhere on it is ",
           "）下整个权重-长度平面的情况。图中的最大值为 "),
        num(mapped["max"], 6), tr(", at ", "，位于 "),
        Math(sp.Eq(W, smap.decimal(mapped["max_w"]))), tr(" and ", "、"),
        eq(T, mapped["max_T"]), tr(": a short sequence. At ", "，是一个短序列。"),
        eq(T, MAP_T), tr(" the weight ", " 时，权重 "), eq(W, 1),
        tr(" gives ", " 给出 "), num(mapped["T_end_w_plus_1"], 6),
        tr(", because the input pushes the state up to ", "，因为输入把状态推高到 "),
        *settled_at(mapped["settled_w_plus_1"]), tr(", while ", "；而 "), eq(W, -1),
        tr(" gives ", " 给出 "), num(mapped["T_end_w_minus_1"], 6),
        tr(": there the state stays small, ", "：此时状态保持很小，"),
        *settled_at(mapped["settled_w_minus_1"]), tr(".", "。"))


def settled_at(point):
    """h_T and the last factor w φ'(a_T), from ``saturation_map.settled``."""
    return (Math(sp.Eq(sp.Symbol(f"h_{{{MAP_T}}}"), sp.Float(point["h"], 3))),
            tr(", and the last factor ", "，最后一个因子 "),
            Math(sp.Mul(W, dphi(sp.Symbol(f"a_{{{MAP_T}}}")), evaluate=False)),
            tr(" is ", " 为 "), num(point["factor"], 4))


def captions(mapped, rates):
    """The two figures' captions; what they state comes from the values they plot:
    ``mapped`` (``map_numbers``) and ``rates`` (``drive_rates``)."""
    drive = (tr("Scalar tanh RNN with ", "标量 tanh 循环神经网络，"), eq(W, DRIVE_W), ", ",
             eq(H0, 0),
             tr(": the base-10 logarithm of the gradient against the sequence length T, one line "
                "per constant input drive.", "：梯度的常用对数随序列长度 T 的变化，每条线对应一个"
                "常数输入。"), *smap.drive_sentence(rates))
    plane = (tr("The base-10 logarithm of the gradient of the scalar tanh RNN over the recurrent "
                "weight w (vertical) and the sequence length T (horizontal), with ",
                "标量 tanh 循环神经网络梯度的常用对数，纵轴为循环权重 w，横轴为序列长度 T，"),
             eq(X, MAP_INPUT), ", ", eq(H0, 0),
             tr("; blue is vanishing, red exploding, and the colour scale is clipped at plus "
                "and minus 20", "；蓝色表示消失，红色表示爆炸，色标截断在正负 20"),
             *smap.colour_sentence(mapped), *smap.kept_sentence(mapped))
    return drive, plane


def body(ctx, numbers, mapped):
    """The blocks after the opening; ``mapped``: the regime map's sweep (``map_sweep``)."""
    ctx.draw("saturation", draw_saturation, figsize=SIZE)
    ctx.draw("regime_map", draw_map, mapped, figsize=SIZE)
    drive, plane = captions(numbers["saturation_map"], numbers["saturation_drive_rates"])
    return (drive_paragraph(numbers["saturation_w09_T100"]),
            Figure("fig:saturation", "saturation", drive),
            explosion_paragraph(numbers["saturation_w15_T100"], numbers["saturation_fixed_point"]),
            map_paragraph(numbers["saturation_map"]),
            Figure("fig:regime-map", "regime_map", plane))


def fixed_point(w=1.5, start=0.5, steps=200):
    """The nonzero fixed point h* = tanh(w h*) by iteration, and the factor w (1 − h*²)."""
    h = start
    for _ in range(steps):
        h = float(np.tanh(w * h))
    return {"h": h, "factor": w * (1 - h * h)}


def numbers(mapped):
    """The section's results; ``mapped``: the regime map's sweep (``map_sweep``)."""
    return {"saturation_tanh_slopes": tanh_slopes(),
            "saturation_w09_T100": {f"{x:g}": sweep_value(0.9, x) for x in DRIVES},
            "saturation_w15_T100": {"0": sweep_value(1.5, 0.0),
                                    "0, h0 = 0.1": sweep_value(1.5, 0.0, h0=0.1),
                                    "1": sweep_value(1.5, 1.0)},
            "saturation_fixed_point": fixed_point(),
            "saturation_drive_rates": smap.drive_rates(FIGURE_DRIVES),
            "saturation_map": smap.map_numbers(mapped)}


def build(ctx):
    """(Section, results for results.json)."""
    mapped = map_sweep()
    results = numbers(mapped)
    blocks = (*opening(results["saturation_tanh_slopes"]), *body(ctx, results, mapped))
    learn = (tr("What saturation is, and why it makes the gradient of a tanh RNN vanish even "
                "where the bound of the previous section would allow it to explode.",
                "什么是饱和，以及为什么即使在上一节的界允许梯度爆炸的地方，饱和也会使 tanh "
                "循环神经网络"
                "的梯度消失。"),)
    takeaway = (tr("Large pre-activations make the slopes of tanh and sigmoid nearly zero, so "
                   "saturation drives the gradient towards zero whatever the recurrent weight: "
                   "in saturating networks vanishing is the common case and exploding the rare "
                   "one.", "较大的预激活值使 tanh 和 sigmoid 的斜率几乎为零，因此无论循环权重多大，"
                   "饱和都会把梯度推向零：在会饱和的网络中，梯度消失是常态，梯度爆炸反而少见。"),)
    return Section(LABEL, TITLE, learn, blocks, takeaway), results
