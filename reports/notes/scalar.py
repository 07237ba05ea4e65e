"""Section 'sec:scalar': one hidden unit, identity activation, no input: h_k = w h_{k−1}, so
∂L/∂h_0 = ∂L/∂h_T · w^T.  |w| < 1 vanishes geometrically, |w| = 1 keeps the size, |w| > 1
explodes.  The table of w = 1/2, 1, 3/2 at T = 100 (exact from derive's expanded product), and
the figure of log10|∂h_T/∂h_0| against T for identity and tanh (numeric.scalar_sweep)."""

import math

import numpy as np
import sympy as sp

import derive
import numeric
from derive import dphi, z
from reports import figures
from reports.doc import Cite, Emph, Figure, Items, Math, Para, Ref, Section, Steps, Table, num, tr

LABEL = "sec:scalar"
TITLE = tr("The scalar case: w to the power T", "标量情形：w 的 T 次幂")
W_TABLE = (sp.Rational(1, 2), sp.Integer(1), sp.Rational(3, 2))
T_TABLE = 100
W_FIGURE = (0.5, 0.9, 1.0, 1.1, 1.5)
T_FIGURE = 200
TANH_INPUT = 0.1
LOG10 = sp.Function("log_10")
REGIMES = {"vanishing": tr("vanishing", "梯度消失"), "stable": tr("preserved", "保持"),
           "exploding": tr("exploding", "梯度爆炸")}


def derivation():
    """J_k = w (identity: φ' = 1); ∂L/∂h_0 = ∂L/∂h_T ∏_{k=1}^T w; ∏ w = w^T."""
    w, T = sp.symbols("w T", positive=True)
    L = sp.Symbol("L")
    product = sp.Product(w, (derive.k, 1, T))
    jacobian = derive.step_jacobian(derive.RNN(1, activation="identity", W_hh=[[w]]), 1)[0]
    return (
        derive.Step(sp.Eq(sp.Symbol("J_k"), jacobian, evaluate=False),
                    *derive.reason("identity activation: ", sp.Eq(dphi(z), 1, evaluate=False))),
        derive.Step(sp.Eq(sp.Derivative(L, sp.Symbol("h_0")),
                          sp.Mul(sp.Derivative(L, sp.Symbol("h_T")), product, evaluate=False),
                          evaluate=False), *derive.reason("chain rule over ", T, " steps")),
        derive.Step(sp.Eq(product, product.doit(), evaluate=False),
                    *derive.reason("the product of ", T, " equal factors")),
    )


def power_rows():
    """(w, exact w^100, decimal, regime) for each w of the table; exact from the expanded
    product ∂h_100/∂h_0 of derive (not from w**100)."""
    rows = []
    for w in W_TABLE:
        rnn = derive.RNN(1, activation="identity", W_hh=[[w]])
        exact = derive.jacobian_product(rnn, 0, T_TABLE, expanded=True)[0]
        decimal = float(exact)
        regime = str(numeric.regime_labels(np.array([math.log10(decimal)]))[0])
        rows.append((w, sp.Rational(exact), decimal, regime))
    return rows


def table(rows):
    header = (Math(sp.Symbol("w")), Math(sp.Pow(sp.Symbol("w"), T_TABLE, evaluate=False)),
              tr("decimal", "十进制值"), tr("regime", "情形"))
    cells = tuple((Math(w), Math(sp.Pow(w, T_TABLE, evaluate=False)), num(decimal), REGIMES[r])
                  for w, _, decimal, r in rows)
    caption = (tr("The factor ", "因子 "), Math(sp.Pow(sp.Symbol("w"), T_TABLE, evaluate=False)),
               tr(" by which the gradient is multiplied over ", "：梯度经过 "), str(T_TABLE),
               tr(" steps. A weight of one half already shrinks it to about ",
                  " 步所乘的倍数。权重为二分之一时，它已缩小到约 "),
               num(rows[0][2], 2),
               tr("; a weight of three halves inflates it to about ",
                  "；权重为二分之三时，它膨胀到约 "),
               num(rows[2][2], 2), tr(".", "。"))
    return Table("tab:w-power", caption, header, cells, align="lllr")


def sweeps():
    """The figure's two sweeps (``figures.gradient_vs_T_sweep``), T = 1..T_FIGURE: identity
    with no input, tanh with the constant input TANH_INPUT."""
    return {name: figures.gradient_vs_T_sweep(name, W_FIGURE, T_FIGURE, inputs=inputs)
            for name, inputs in (("identity", 0.0), ("tanh", TANH_INPUT))}


def draw_gradient_vs_T(fig, results):
    """Two stacked panels of ``results`` (from ``sweeps``): identity (no input) and tanh
    (constant input 0.1); the top panel's y-range holds every line's value at T = T_FIGURE."""
    top, bottom = fig.subplots(2, 1)
    figures.plot_gradient_vs_T(top, "identity", result=results["identity"])
    figures.plot_gradient_vs_T(bottom, "tanh", inputs=TANH_INPUT, result=results["tanh"])
    ends = results["identity"].log10_abs_grad[:, -1]
    low, high = float(min(ends)), float(max(ends))
    margin = 0.05 * (high - low)
    top.set_ylim(low - margin, high + margin)
    top.set_title(r"identity: $h_k = w\,h_{k-1}$ (no input)", fontsize=9)
    bottom.set_title(rf"tanh: $h_k = \tanh(w\,h_{{k-1}} + {TANH_INPUT:g})$, $h_0 = 0$",
                     fontsize=9)


def sweep_ends(results):
    """log10|∂h_T/∂h_0| at T = T_FIGURE (the last column of ``results``, from ``sweeps``) for
    each w of the figure, identity and tanh."""
    return {name: {f"{w:g}": float(v) for w, v in zip(W_FIGURE, result.log10_abs_grad[:, -1],
                                                      strict=True)}
            for name, result in results.items()}


def regimes():
    w = sp.Symbol("w")
    return Items((
        (Emph(tr("Vanishing", "梯度消失")), tr(": if ", "：若 "), Math(sp.Lt(sp.Abs(w), 1)),
         tr(", then ", "，则 "), Math(sp.Pow(sp.Abs(w), derive.T)),
         tr(" falls to 0 geometrically: every step multiplies the gradient by the same factor "
            "smaller than one.", " 几何级数地趋于 0：每一步都把梯度乘以同一个小于一的因子。")),
        (Emph(tr("Preserved", "保持")), tr(": if ", "：若 "), Math(sp.Eq(sp.Abs(w), 1)),
         tr(", the size of the gradient is the same after any number of steps.",
            "，经过任意多步，梯度的大小都不变。")),
        (Emph(tr("Exploding", "梯度爆炸")), tr(": if ", "：若 "), Math(sp.Gt(sp.Abs(w), 1)),
         tr(", then ", "，则 "), Math(sp.Pow(sp.Abs(w), derive.T)),
         tr(" grows geometrically without bound.", " 几何级数地无界增长。")),
    ))


def figure_blocks(ends):
    w, T = sp.Symbol("w"), derive.T
    caption = (tr("How the gradient's size depends on the sequence length ",
                  "梯度大小如何随序列长度 "), Math(T),
               tr(", for five recurrent weights ", " 变化（五个循环权重 "), Math(w),
               tr(". Top: identity activation, no input; every line is straight, with slope ",
                  "）。上图：恒等激活、无输入；每条线都是直线，每步斜率为 "),
               Math(LOG10(sp.Abs(w))),
               tr(" per step: ", "："), Math(sp.Eq(w, sp.Float(1.5, 2))),
               tr(" climbs, ", " 上升，"), Math(sp.Eq(w, 1)), tr(" stays flat, ", " 保持水平，"),
               Math(sp.Lt(w, 1)), tr(" falls. Bottom: tanh with the constant input ",
                                     " 下降。下图：tanh，恒定输入 "), num(TANH_INPUT, 1),
               tr("; the lines bend downwards, and even ", "；各条线向下弯曲，连 "),
               Math(sp.Gt(w, 1)), tr(" vanishes.", " 也消失了。"))
    ident, tanh = ends["identity"], ends["tanh"]
    return (
        Figure("fig:gradient-vs-T", "gradient_vs_T", caption),
        Para(Ref("fig:gradient-vs-T"),
             tr(" shows the computed gradient for these cases. With the identity activation, "
                "the logarithm of the gradient's size is a straight line in ",
                " 展示了这些情形下梯度的计算结果。恒等激活时，梯度大小的对数是 "),
             Math(derive.T), tr(": at ", " 的直线：在 "),
             Math(sp.Eq(derive.T, T_FIGURE)), tr(" and ", " 且 "),
             Math(sp.Eq(sp.Symbol("w"), sp.Rational(3, 2))), tr(" it equals ", " 时，它等于 "),
             num(ident["1.5"], 4), tr(", which is ", "，即 "),
             Math(sp.Mul(T_FIGURE, LOG10(sp.Rational(3, 2)), evaluate=False)),
             tr(". With tanh the same weight gives ", "。换成 tanh，同一权重给出 "),
             num(tanh["1.5"], 4),
             tr(": the gradient does not explode but vanishes, faster than for any other "
                "weight shown. The reason is saturation: a large weight drives the state "
                "towards the flat ends of tanh, where its slope is small, and the small slopes "
                "multiply. ",
                "：梯度没有爆炸，反而消失，且比图中其他权重都快。"
                "原因是饱和：较大的权重把状态推向 tanh 平坦的两端，那里斜率很小，"
                "这些小斜率连乘起来。"),
             Ref("sec:saturation"), tr(" explains this in detail.", " 将详细解释这一现象。")),
    )


def build(ctx):
    """(Section, results for results.json)."""
    rows = power_rows()
    swept = sweeps()
    ends = sweep_ends(swept)
    ctx.draw("gradient_vs_T", draw_gradient_vs_T, swept, fig=True, figsize=(6.2, 7.0))
    w, h = sp.Symbol("w"), sp.Symbol
    blocks = (
        Para(tr("Strip the network down to one hidden unit with the identity activation ",
                "把网络简化为只有一个隐藏单元、采用恒等激活 "),
             Math(sp.Eq(sp.Function("varphi")(z), z)),
             tr(", no input and no bias, as the second source article does",
                "、无输入、无偏置，正如第二篇原文所做的那样"), Cite("seed003"),
             tr(". The recurrent weight is then one number ", "。此时循环权重只是一个数 "),
             Math(w), tr(", and each step multiplies the state by it: ",
                         "，每一步都把状态乘以它："),
             Math(sp.Eq(h("h_k"), sp.Mul(w, h("h_{k-1}"), evaluate=False))),
             tr(". The chain rule of ", "。对此网络应用 "), Ref("sec:question"),
             tr(" for this network gives:", " 中的链式法则，得到：")),
        Steps(derivation()),
        Para(tr("Everything therefore depends on the size of ", "因此一切都取决于 "),
             Math(sp.Abs(w)), tr(":", " 的大小：")),
        regimes(),
        Para(tr("Sequences of a hundred steps are common in practice. ",
                "实际中一百步的序列很常见。"), Ref("tab:w-power"),
             tr(" shows the factor at ", " 给出 "), Math(sp.Eq(derive.T, T_TABLE)),
             tr(", computed exactly by multiplying out the hundred step Jacobians.",
                " 时的因子，由一百个单步雅可比矩阵精确相乘得到。")),
        table(rows),
        *figure_blocks(ends),
    )
    learn = (tr("How a single recurrent weight ", "单个循环权重 "), Math(w),
             tr(" decides, through its power ", " 如何通过其幂 "), Math(sp.Pow(w, derive.T)),
             tr(", whether the gradient vanishes, keeps its size or explodes.",
                " 决定梯度是消失、保持还是爆炸。"))
    takeaway = (tr("Over ", "经过 "), Math(derive.T), tr(" steps the gradient is multiplied by ",
                                                          " 步，梯度被乘以 "),
                Math(sp.Pow(w, derive.T)), tr(": it vanishes for ", "："),
                Math(sp.Lt(sp.Abs(w), 1)), tr(" and explodes for ", " 时梯度消失，"),
                Math(sp.Gt(sp.Abs(w), 1)),
                tr(", geometrically fast; a saturating activation such as tanh pushes towards "
                   "vanishing.", " 时梯度爆炸，且都是几何级数地快；tanh 这类会饱和的激活函数则把它"
                   "推向消失。"))
    results = {"scalar_w_pow_100": {str(w_): {"exact": str(exact), "decimal": decimal,
                                               "regime": regime}
                                    for w_, exact, decimal, regime in rows},
               "scalar_log10_grad_T200": ends}
    return Section(LABEL, TITLE, learn, blocks, takeaway), results
