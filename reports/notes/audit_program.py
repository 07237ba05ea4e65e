"""The first source article's program, corrected (``numeric.per_step_gradient_norms``): one
shared weight set, tanh' of the pre-activation, δ_k = D_k g_k, g_{k−1} = W_hhᵀ δ_k.

Two quantities are measured per step k and never confused:

* ‖δ_k‖₂, the back-propagated error.  ‖δ_{k−1}‖ ≤ γ_φ ‖W_hh‖₂ ‖δ_k‖, so it falls by at least
  −log10(γ_φ ‖W_hh‖₂) decades per step going back: this bound is about ‖δ_k‖ only.
* ‖δ_k h_{k−1}ᵀ‖_F = ‖δ_k‖ ‖h_{k−1}‖, the contribution of step k to ∂L/∂W_hh.  It also carries
  ‖h_{k−1}‖, which the bound does not control (and which is 0 at k = 1 when h_0 = 0).

Every number the text and the caption print is computed here from the run it describes.
"""

import math

import numpy as np
import sympy as sp

import derive
import numeric
from reports import figures
from reports.doc import Figure, Math, Para, Ref, num, tr

SEEDS = {"corrected program": 0}   # numpy.random.default_rng(seed)
SEED_NAMES = {"corrected program": tr("the corrected program of the first source article",
                                      "第一篇原文修正后的程序")}
RUN = {"hidden": 20, "inputs": 10, "steps": 100, "norm": 0.9}   # n, m, T, ‖W_hh‖₂
_N = sp.Symbol("n", integer=True, positive=True)
DELTA_K = sp.MatrixSymbol("delta_k", _N, 1)
H_PREV = sp.MatrixSymbol("h_k-1", _N, 1)
CONTRIBUTION = derive.norm2(DELTA_K * H_PREV.T)
DELTA_STEP = sp.Le(derive.norm2(sp.MatrixSymbol("delta_k-1", _N, 1)),
                   derive.gamma_phi * derive.norm2(sp.Symbol("W_hh")) * derive.norm2(DELTA_K),
                   evaluate=False)
UNIT = "decades per step going back in time: log10(norm at step k) - log10(norm at step k-1)"


def corrected_run(activation="tanh"):
    """(norms, W_hh) of the corrected program for ``activation`` (the same draws for every
    activation: W_hh scaled to spectral norm RUN["norm"], W_xh and x standard normal, b_h = h_0
    = 0, ∂L/∂h_T = ones)."""
    rng = np.random.default_rng(SEEDS["corrected program"])
    n, m, T = RUN["hidden"], RUN["inputs"], RUN["steps"]
    W = rng.standard_normal((n, n))
    W *= RUN["norm"] / np.linalg.norm(W, 2)
    W_xh, x = rng.standard_normal((n, m)), rng.standard_normal((T, m))
    norms = numeric.per_step_gradient_norms(derive.activation(activation), W, W_xh,
                                            np.zeros(n), np.zeros(n), x, np.ones(n))
    return norms, W


def decay(values, name):
    """The per-step decay of ``values`` (norms at k = 1..T) in decades, going back in time, over
    the steps from the first nonzero value on: {"quantity", "unit", "from_step", "to_step",
    "mean", "min", "max"}."""
    first = int(np.flatnonzero(values)[0])
    steps = np.diff(np.log10(values[first:]))
    return {"quantity": name, "unit": UNIT, "from_step": first + 1, "to_step": len(values),
            "mean": float(np.mean(steps)), "min": float(steps.min()),
            "max": float(steps.max())}


def measured():
    """The numbers the text prints, each named by the quantity it describes."""
    norms, W = corrected_run()
    bare, _ = corrected_run("identity")
    gamma = derive.activation("tanh").gamma
    return {
        "hidden": RUN["hidden"], "steps": RUN["steps"],
        "spectral_norm_W_hh": float(np.linalg.norm(W, 2)),
        "spectral_radius_W_hh": float(max(abs(np.linalg.eigvals(W)))),
        "gamma_phi": float(gamma),
        "error": decay(norms["delta"], "||delta_k||_2, the back-propagated error at step k"),
        "error_without_derivative": decay(
            bare["delta"], "||delta_k||_2 with the derivative of tanh replaced by 1 "
            "(W_hh^T alone)"),
        "contribution": decay(norms["W_hh"], "||delta_k h_(k-1)^T||_F, the contribution of "
                                             "step k to dL/dW_hh"),
        "first_contribution": float(norms["W_hh"][0]),
        "bound_decades_per_step": -math.log10(float(gamma) * float(np.linalg.norm(W, 2))),
        "bound_applies_to": "error",
    }, norms


def corrected_program(ctx):
    """(figure, paragraph, results): the corrected program's per-step error and contributions."""
    data, norms = measured()
    ctx.draw("bptt_contributions", _plot_contributions, norms, figsize=(6.3, 3.3))
    return (Figure("fig:bptt-contributions", "bptt_contributions", caption(data)),
            paragraph(data), {"corrected_program": data})


def caption(data):
    """The figure's caption, its numbers taken from ``data``."""
    err, con = data["error"], data["contribution"]
    zero = ()
    if data["first_contribution"] == 0:
        zero = (tr(" (At k = 1 the contribution is exactly zero, because the initial state is "
                   "zero.)", "（k = 1 时贡献恰好为零，因为初始状态为零。）"),)
    return (tr("The corrected program: the contribution of each time step k to the gradient of "
               "the loss with respect to the recurrent weights (solid) and the back-propagated "
               "error (dashed), on a log scale. Going back in time the contributions fall by ",
               "修正后的程序：每个时间步 k 对损失关于循环权重的梯度的贡献（实线）以及反向传播的误差"
               "（虚线），对数坐标。随时间回溯，贡献平均每步下降 "), num(con["mean"], 4),
            tr(" and the error by ", " 个数量级，误差平均每步下降 "), num(err["mean"], 4),
            tr(" decades per step on average (single steps of the contributions: from ",
               " 个数量级（贡献的单步下降介于 "), num(con["min"], 4), tr(" to ", " 与 "),
            num(con["max"], 4),
            tr(" decades), the geometric decay of a vanishing gradient.",
               " 个数量级之间），这正是梯度消失的几何衰减。"), *zero)


def paragraph(data):
    """The paragraph on the corrected program; every number comes from ``data``."""
    err, bare, con = data["error"], data["error_without_derivative"], data["contribution"]
    less = con["min"] < err["min"]
    return Para(
        tr("Corrected, the program computes what the article meant: one shared weight set, "
           "the derivative of tanh taken at the pre-activation, and the error passed back "
           f"through it. Take n = {data['hidden']} hidden units, T = {data['steps']} steps, "
           "the recurrent matrix scaled to spectral norm ",
           "修正后，程序计算的正是原文想要的量：所有时间步共享一组权重，tanh 的导数在预激活值处"
           f"求值，误差经由它反向传播。取 n = {data['hidden']} 个隐藏单元、T = {data['steps']} "
           "步、循环权重矩阵缩放到谱范数 "), num(data["spectral_norm_W_hh"], 4),
        tr(", and the weights and inputs drawn at random from the standard normal distribution "
           "(the seed is listed in ", "，权重和输入从标准正态分布随机抽取（种子列在"),
        Ref("app:reproducibility"),
        tr("). Going back in time, the norm of the back-propagated error ",
           "中）。随时间回溯，反向传播误差 "), Math(DELTA_K),
        tr(" then falls by ", " 的范数平均每步下降 "), num(err["mean"], 4),
        tr(" decades per step on average, and by at least ", " 个数量级，且每步至少下降 "),
        num(err["min"], 4), tr(" decades in every step. The bound of ", " 个数量级。"),
        Ref("sec:vector"), tr(" applies to this error, since ", " 中的上界适用于这一误差，因为 "),
        Math(DELTA_STEP), tr(": with ", "：由于 "),
        Math(sp.Eq(derive.gamma_phi, derive.activation("tanh").gamma)),
        tr(" for tanh it promises at least ", "（tanh），它保证每步至少下降 "),
        num(data["bound_decades_per_step"], 4),
        tr(" decades per step. The run shows where the rest comes from: with the derivative of "
           "tanh replaced by 1, the same error falls by ", " 个数量级。其余的衰减来自何处，"
           "这次运行给出了答案："
           "若把 tanh 的导数换成 1，同一误差平均每步只下降 "), num(bare["mean"], 4),
        tr(" decades per step on average (the spectral radius of the recurrent matrix is ",
           " 个数量级（循环权重矩阵的谱半径为 "), num(data["spectral_radius_W_hh"], 4),
        tr("), and the derivative of tanh adds the other ", "），tanh 的导数贡献了其余的 "),
        num(err["mean"] - bare["mean"], 4),
        tr(" decades per step. The contributions ", " 个数量级。对权重梯度的贡献 "),
        Math(CONTRIBUTION),
        tr(" to the weight gradient (", "（"), Ref("fig:bptt-contributions"),
        tr(") also carry the size of the state ", "）还带有状态 "), Math(H_PREV),
        tr(", which the bound does not control: from k = ",
           " 的大小，而这个上界并不控制它：从 k = "),
        str(con["from_step"]),
        tr(" on they fall by ", " 起，它们平均每步下降 "), num(con["mean"], 4),
        tr(" decades per step on average, and by at least ", " 个数量级，每步至少下降 "),
        num(con["min"], 4),
        tr(" in every step, " + ("less" if less else "no less") + " than the error's least "
           "decay.", " 个数量级，" + ("小于" if less else "不小于") + "误差的最小单步下降。"))


def _plot_contributions(ax, norms):
    figures.plot_bptt_contributions(ax, norms)
    ax.set_title(rf"corrected program: tanh, $n = {RUN['hidden']}$, "
                 rf"$\|W_{{hh}}\|_2 = {RUN['norm']:g}$, $T = {RUN['steps']}$", fontsize=9)
