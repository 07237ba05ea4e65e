"""The gated-cells figure: log10‖∂h_T/∂h_0‖₂ against T (``cells_curves``), drawn at the size it
prints, its caption, how its numbers were made, and what it shows — every claim computed from
the curves, every formula a SymPy object."""

import numpy as np
import sympy as sp

from derive import diag, max_abs, norm2
from reports import cells_curves as cc
from reports.doc import Code, Display, Figure, Math, Para, Ref, num, tr
from reports.notes.gated_lstm import LOG10, SIGMA, eq, k
from reports.notes.prose import listed, say

T = sp.Symbol("T", integer=True, positive=True)
WIDTH, HEIGHT = 6.3, 4.0      # inches, as printed


def plot(ax, curves):
    """``cc.plot_gated_cells`` at the printed size: every font at least 8 pt."""
    cc.plot_gated_cells(ax, curves)
    ax.set_title(ax.get_title(), fontsize=9)
    ax.legend(loc="lower left", fontsize=9)
    ax.figure.set_size_inches(WIDTH, HEIGHT)


def norm_symbol():
    """‖∂h_T/∂h_0‖₂ as a SymPy object."""
    return norm2(sp.Derivative(sp.Symbol("h_T"), sp.Symbol("h_0"), evaluate=False))


def drive():
    return eq(sp.Symbol("x_t"), sp.Float(cc.DRIVE, 2) * sp.Symbol("epsilon_t"))


def zero_states():
    return listed([eq(sp.Symbol("h_0"), 0), eq(sp.Symbol("c_0"), 0)])


def name(curve):
    """The curve's name in prose: the LSTM with b_f = 1 as Math."""
    if curve.forget_bias is None:
        return {"elman": (tr("the tanh Elman cell", "tanh Elman 单元"),),
                "gru": (tr("the GRU", "GRU"),)}[curve.cell]
    return (tr("the LSTM with ", "LSTM（"), Math(eq(sp.Symbol("b_f"), curve.forget_bias)),
            tr("", "）"))


def figure(ctx, curves):
    """Draw ``figures/gated_cells`` and return its Figure block."""
    ctx.draw("gated_cells", plot, curves, figsize=(WIDTH, HEIGHT))
    biases = ", ".join(str(b) for b in cc.FORGET_BIASES)
    caption = (Math(LOG10(norm_symbol())),
               *say(" against the sequence length $T$ for a tanh Elman cell, LSTMs with forget "
                    f"bias $b_f$ = {biases} and a GRU, at PyTorch's default initialisation "
                    f"($n$ = {cc.N}, $m$ = {cc.M}, ",
                    " 随序列长度 $T$ 的变化：tanh Elman 单元、遗忘门偏置 $b_f$ = "
                    f"{biases} 的 LSTM 与 GRU，均为 PyTorch 默认初始化（$n$ = {cc.N}，"
                    f"$m$ = {cc.M}，"),
               Math(drive()), ", ", *zero_states(),
               tr("). What to see: ", "）。请注意："), *what_to_see(curves))
    return Figure("fig:gated-cells", "gated_cells", caption)


def off_line(values, start=cc.FIT_FROM):
    """The largest distance (decades) of log10‖∂h_T/∂h_0‖₂ from its least-squares line over
    T = start..len(values): how far the curve is from a constant number of decades per step."""
    T = np.arange(start, len(values) + 1, dtype=float)
    y = np.asarray(values[start - 1:], dtype=float)
    return float(np.max(np.abs(y - np.polyval(np.polyfit(T, y, 1), T))))


def what_to_see(curves):
    """The caption's reading of the figure, from the curves: how straight they are from
    T = FIT_FROM on, which falls fastest (least-squares slope), and whether the LSTM's slopes
    are ordered by the forget bias."""
    off = max(off_line(c.log10_norm) for c in curves)
    fastest = min(curves, key=lambda c: cc.slope(c.log10_norm))
    lstms = sorted((c for c in curves if c.forget_bias is not None), key=lambda c: c.forget_bias)
    slopes = [cc.slope(c.log10_norm) for c in lstms]
    ordered = all(a < b for a, b in zip(slopes[:-1], slopes[1:], strict=True))
    return (tr(f"from T = {cc.FIT_FROM} on, every curve stays within ",
               f"从 T = {cc.FIT_FROM} 起，每条曲线与其最小二乘直线的距离都不超过 "),
            num(off, 3),
            tr(" decades of its least-squares line (a constant number of decades lost per "
               "step, the slope); ", " 个数量级（每步损失的数量级恒定，即斜率）；"),
            *name(fastest), tr(" falls fastest, and ", "下降最快；"),
            tr("the LSTM falls the slower the larger its forget bias." if ordered else
               "the LSTM's slopes are not ordered by its forget bias.",
               "LSTM 的遗忘门偏置越大，下降越慢。" if ordered else
               "LSTM 的斜率并不按遗忘门偏置排序。"))


def setup():
    """How the figure's numbers were made (initialisation, seeds, drive, fit)."""
    n = sp.Symbol("n", positive=True)
    uniform = sp.Function("uniform")(-1 / sp.sqrt(n), 1 / sp.sqrt(n))
    f_ki = sp.Symbol("f_k,i")
    rate = sp.Sum(LOG10(f_ki), (k, 1, T)) / T
    path = eq(norm2(sp.Product(diag(sp.Symbol("f_k")), (k, 1, T))),
              max_abs(sp.Product(f_ki, (k, 1, T))))
    s_T = sp.Derivative(sp.Symbol("s_T"), sp.Symbol("s_0"), evaluate=False)
    return (
        Para(tr("The figure follows the hidden-to-hidden block of the product, ",
                "图中跟踪的是乘积中从隐藏状态到隐藏状态的那一块 "), Math(norm_symbol()),
             *say(", with $c_0$ held fixed (for the LSTM: the top-left $n$-by-$n$ block of ",
                  "，$c_0$ 保持不变（对 LSTM 而言即左上角的 $n$ × $n$ 块，取自 "), Math(s_T),
             *say(f"), for $T$ = 1 to {cc.T_MAX}. Every weight and bias is drawn from ",
                  f"），$T$ 取 1 到 {cc.T_MAX}。每个权重和偏置都从 "),
             Math(uniform),
             *say(f", PyTorch's default, with $n$ = {cc.N} and $m$ = {cc.M}, at random (the "
                  "seeds of this figure are listed in ",
                  f" 中随机抽取（PyTorch 的默认做法），$n$ = {cc.N}，$m$ = {cc.M}（本图的种子列在"),
             Ref("app:reproducibility"), tr(")", "中）"),
             *say(". The three LSTMs share this draw and differ only in $b_f$, which is set "
                  "as the $f$ block of ", "。三个 LSTM 共用这一次抽样，只在 $b_f$ 上不同：它被"
                  "写入 $f$ 块，即 "),
             Code("bias_ih"), *say(" (the $f$ block of ", " 的 $f$ 块（"), Code("bias_hh"),
             *say(" is set to 0). The states start at ", " 的相应块置为 0）。初始状态为 "),
             *zero_states(), tr("; the inputs are ", "；输入为 "), Math(drive()),
             tr(" with ", "，其中 "), Math(sp.Symbol("epsilon_t")),
             tr(" standard normal", " 服从标准正态分布"),
             *say(f". A slope is the least-squares slope of a curve over $T$ = {cc.FIT_FROM} "
                  f"to {cc.T_MAX}, in decades per step. The carousel rate is the decades per "
                  "step of the diagonal path alone, along the same trajectory (for the GRU "
                  "with the update gate ",
                  f"。斜率是曲线在 $T$ = {cc.FIT_FROM} 到 {cc.T_MAX} 上的最小二乘斜率，"
                  "单位为每步的数量级。传送带衰减率是只沿对角路径、在同一条轨迹上每步损失的数量级"
                  "（对 GRU 用更新门 "), Math(SIGMA(sp.Symbol("z_z"))),
             *say(" in place of $f$):", " 代替 $f$）：")),
        Display(path, rate),
        Para(*say(f"the second evaluated at $T$ = {cc.T_MAX} and maximised over the units "
                  "$i$.", f"后者在 $T$ = {cc.T_MAX} 处取值，并对单元 $i$ 取最大值。")),
    )


def default_init(lstms, gru, best):
    """The decades the GRU and the smallest-bias LSTM lose: gating alone, at the default
    initialisation, does not keep the gradient (stated only when the largest bias is best)."""
    if best is not max(lstms, key=lambda c: c.forget_bias):
        return ()
    low = min(lstms, key=lambda c: c.forget_bias)
    return (tr("At this default initialisation gating alone does not keep the gradient: ",
               "在这种默认初始化下，仅靠门控并不能保住梯度："),
            *name(gru), tr(" loses ", " 损失了 "), num(-float(gru.log10_norm[-1]), 4),
            tr(" decades and ", " 个数量级，"), *name(low), tr(" loses ", " 损失了 "),
            num(-float(low.log10_norm[-1]), 4),
            tr(" decades; only the large forget bias holds the path open. ",
               " 个数量级；只有较大的遗忘门偏置能让这条路径保持畅通。"))


def findings(curves):
    """What the figure shows: the curves ranked by their computed slopes, the forget-bias order
    and the carousel comparison, each stated only as computed."""
    lstms, gru = curves[1:-1], curves[-1]
    T_max, start = len(curves[0].log10_norm), cc.ordered_from(lstms)
    ranked = sorted(curves, key=lambda c: cc.slope(c.log10_norm))
    said = []
    for curve in ranked:
        said += [tr("; ", "；") if said else "", *name(curve), tr(" (slope ", "（斜率 "),
                 num(cc.slope(curve.log10_norm), 4), ", ", num(float(curve.log10_norm[-1]), 6),
                 tr(f" at T = {T_max})", f"，T = {T_max} 时）")]
    best, worst = ranked[-1], ranked[0]
    order = (tr(f"at every T from {start} to {T_max}", f"在 T = {start} 到 {T_max} 的每一处")
             if start is not None else tr(f"not at T = {T_max}", f"在 T = {T_max} 处并不"))
    slower = all(cc.slope(c.log10_norm) > c.carousel for c in (*lstms, gru))
    parts = [Ref("fig:gated-cells"),
             tr(" shows, from the fastest decay to the slowest (log10 values): ",
                " 中，从衰减最快到最慢（log10 值）依次为："), *[p for p in said if p != ""],
             tr(f". After {T_max} steps the gradient of ", f"。经过 {T_max} 步，"), *name(best),
             tr(" has lost ", " 的梯度损失了 "), num(-float(best.log10_norm[-1]), 4),
             tr(" decades, that of ", " 个数量级，"), *name(worst), " ",
             num(-float(worst.log10_norm[-1]), 4),
             tr(". The forget bias orders the LSTM curves ", " 个数量级。遗忘门偏置对 LSTM "
                "曲线的排序"), order,
             *say(": the larger $b_f$, the larger the gradient. ",
                  "成立：$b_f$ 越大，梯度越大。"), *default_init(lstms, gru, best)]
    if slower:
        parts += [tr("Each gated product decays more slowly than its carousel alone (compare "
                     "the slope with the carousel rate in ",
                     "每个门控乘积都比单独的传送带衰减得更慢（对比 "), Ref("tab:forget-bias"),
                  tr("; for the GRU ", " 中的斜率与传送带衰减率；GRU 为 "),
                  num(cc.slope(gru.log10_norm), 4), tr(" against ", " 对 "),
                  num(gru.carousel, 4),
                  *say("): the paths through $h$ and the weights add to the diagonal path "
                       "rather than cancel it.", "）：经过 $h$ 与权重的路径是叠加在对角路径上的，"
                       "而不是抵消它。")]
    else:
        parts.append(tr("Not every gated product decays more slowly than its carousel alone.",
                        "并非每个门控乘积都比单独的传送带衰减得慢。"))
    return Para(*parts)
