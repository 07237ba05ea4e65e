"""The remedies section, continued: gating (the forget-bias horizons recalled from sec:gated)
and residual connections, whose step Jacobian I + diag(φ'(a_k)) W_hh SymPy derives for a
2-unit map and whose product is compared with the plain one (``remedies_numbers``)."""

import sympy as sp

import derive
from derive import diag, dphi, gamma_phi, norm2
from reports.doc import Cite, Display, Figure, Heading, Math, Para, Ref, num, tr
from reports.notes import remedies_numbers as rn
from reports.notes.prose import say

SIGMA = derive.gate(derive.activation("sigmoid"))
B_F = sp.Symbol("b_f")


def gating_blocks(horizons):
    """Gating: the carousel and the steps until σ(b_f)^T falls to 1/1000."""
    T_r = sp.Function("T")(sp.Rational(1, 1000), B_F)
    said = []
    for bias, value in horizons.items():
        said += [tr(", ", "，") if said else "", Math(sp.Eq(B_F, int(bias))), ": ",
                 num(float(value), 4)]
    return (
        Heading(tr("Gating.", "门控。")),
        Para(tr("The gated cells of ", ""), Ref("sec:gated"),
             tr(" change the step Jacobian itself: the LSTM's cell state is carried by ",
                " 中的门控单元改变了单步雅可比矩阵本身：LSTM 的细胞状态由 "),
             Math(diag(sp.Symbol("f_k"))),
             tr(", with no weight matrix and no activation slope. With small weights the forget "
                "gate sits near ", " 传递，其中既没有权重矩阵，也没有激活函数的斜率。权重较小时，"
                "遗忘门的值在 "), Math(SIGMA(B_F)),
             tr(", and the number of steps until the carousel has fallen to a thousandth, ",
                " 附近；传送带衰减到千分之一所需的步数 "),
             Math(sp.Eq(T_r, derive.forget_bias_horizon(sp.Rational(1, 1000), B_F))),
             tr(", grows like ", "，随 "), Math(sp.exp(B_F)),
             tr(" (solved by SymPy): ", " 增长（由 SymPy 求解）："), *[p for p in said if p != ""],
             tr(" steps. Initialising the forget bias at 1 or more (",
                " 步。把遗忘门偏置初始化为 1 或更大（"), Cite("gers2000", "jozefowicz2015"),
             tr(") is the simplest of all these remedies.", "）是所有对策中最简单的一种。")),
    )


def residual_blocks(numbers):
    """Residual connections: the derived Jacobian, the bounds, the computed products."""
    J, _ = rn.residual_jacobian()
    n = sp.Symbol("n", integer=True, positive=True)
    W, eye = sp.MatrixSymbol("W_hh", n, n), sp.Identity(n)
    a_k, h, Tn = sp.Symbol("a_k"), sp.Symbol("h_k"), derive.T
    s = sp.Symbol("beta", positive=True)   # ‖W_hh‖₂ (s is the stacked LSTM state)
    bounds = (sp.Le((1 - gamma_phi * s) ** Tn, norm2(sp.Symbol("P_T"))),
              sp.Le(norm2(sp.Symbol("P_T")), (1 + gamma_phi * s) ** Tn))
    lo, hi = numbers["log10_bounds_residual"]
    return (
        Heading(tr("Skip (residual) connections.", "残差连接（跳跃连接）。")),
        Para(tr("A residual step adds the previous state to the update, as in the residual "
                "networks of ", "残差步把上一步状态加到更新上，与 "), Cite("he2016"),
             tr(": ", " 的残差网络相同："),
             Math(sp.Eq(h, sp.Symbol("h_k-1") + sp.Function("varphi")(a_k))),
             tr(" with ", "，其中 "),
             Math(sp.Eq(a_k, sp.Symbol("W_hh") * sp.Symbol("h_k-1") + sp.Symbol("W_xh")
                        * sp.Symbol("x_k") + sp.Symbol("b_h"))),
             *say(". For two units ($a_i$ is unit $i$'s pre-activation and $w_ij$ an entry of "
                  "$W_hh$), SymPy differentiates the map and gives",
                  "。对两个单元（$a_i$ 是第 $i$ 个单元的预激活值，$w_ij$ 是 "
                  "$W_hh$ 的元素），SymPy 对这一映射求导，给出")),
        Display(sp.Eq(sp.Symbol("J_k"), J, evaluate=False)),
        Para(tr("and checks that this is exactly ", "并验证它恰好等于 "),
             Math(sp.Eq(sp.Symbol("J_k"), sp.MatAdd(eye, diag(dphi(a_k)) * W), evaluate=False)),
             tr(". The identity is a path with factor 1 at every step, like a forget gate "
                "held at 1. Write ", "。单位矩阵是一条每步因子都为 1 的路径，就像遗忘门固定在 1。"
                "记 "), Math(sp.Eq(s, norm2(W))),
             *say(", $P_T$ for the product of $T$ step Jacobians and ",
                "，$P_T$ 为 $T$ 个单步雅可比矩阵的乘积，"), Math(gamma_phi),
             tr(" for the largest slope of the activation (1 for tanh). Since ",
                " 为激活函数斜率的最大值（tanh 为 1）。由于 "),
             Math(sp.Le(norm2(sp.MatMul(diag(dphi(a_k)), W, evaluate=False)), gamma_phi * s,
                        evaluate=False)),
             tr(", each step changes the norm by at most a factor ",
                "，每一步对范数的改变最多是因子 "), Math(1 + gamma_phi * s),
             tr(" up or ", " 倍（向上）或 "),
             Math(1 - gamma_phi * s), tr(" down, so", " 倍（向下），因此")),
        Display(*bounds),
        Para(tr("while the plain step allows at most ", "而普通的单步最多只允许 "),
             Math(sp.Le(norm2(sp.Symbol("P_T")), (gamma_phi * s) ** Tn)),
             *say(". Compare the two for a tanh RNN with $n$ = "
                  f"{numbers['hidden']} units, a Gaussian $W_hh$ scaled to $beta$ = "
                  f"{rn.RESIDUAL_NORM} and inputs ",
                  f"。对一个 $n$ = {numbers['hidden']} 个单元的 tanh RNN 比较两者：$W_hh$ 为"
                  f"缩放到 $beta$ = {rn.RESIDUAL_NORM} 的高斯矩阵，输入为 "),
             Math(sp.Eq(sp.Symbol("x_k"), sp.Float(rn.DRIVE, 2) * sp.Symbol("epsilon_k"))),
             *say(" (drawn at random, seed in ", "（随机抽取，种子见"), Ref("app:reproducibility"),
             *say(f"). After $T$ = {numbers['T']} steps, log10 of the product norm is ",
                  f"）。$T$ = {numbers['T']} 步之后，残差步乘积范数的 log10 为 "),
             num(numbers["log10_norm_residual"], 4),
             tr(" for the residual step (inside its bounds ", "（在界 "),
             num(lo, 4), tr(" to ", " 到 "), num(hi, 4),
             tr(") and ", " 之内），普通步为 "), num(numbers["log10_norm_plain"], 4),
             tr(" for the plain step (bound ", "（界为 "), num(numbers["log10_bound_plain"], 4),
             tr("). The residual path keeps the gradient of order 1; without it the gradient "
                "vanishes. ", "）。残差路径使梯度保持在 1 的量级；没有它，梯度就消失了。"),
             Ref("fig:remedies"),
             tr(" compares these products over T with those of the orthogonal initialisation.",
                " 把这些乘积随 T 的变化与正交初始化的乘积放在一起比较。")),
    )


CURVES = (("residual", "residual tanh, $\\|W_{hh}\\|_2 = 1/50$", "-"),
          ("linear", "linear, orthogonal $W_{hh}$", ":"),
          ("tanh_driven", "tanh, orthogonal $W_{hh}$", "--"),
          ("plain", "plain tanh, $\\|W_{hh}\\|_2 = 1/50$", "-."))


def plot(ax, curves):
    """log10‖∂h_T/∂h_0‖₂ against T, one line per setting; every font at least 8 pt."""
    for key, label, style in CURVES:
        values = curves[key]
        ax.plot(range(1, len(values) + 1), values, style, lw=1.6, label=label)
    ax.set_xlabel("sequence length T (steps)", fontsize=9)
    ax.set_ylabel(r"$\log_{10}\,\|\partial h_T / \partial h_0\|_2$", fontsize=9)
    ax.tick_params(labelsize=9)
    ax.legend(loc="lower left", fontsize=9)


def figure(ctx, orthogonal, residual):
    """The comparison figure: the products of the four settings the text computes."""
    curves = {**orthogonal["curves"], **residual["curves"]}
    ctx.draw("remedies", plot, curves, figsize=(6.3, 3.4))
    caption = (Math(sp.Function("log_10")(norm2(sp.Derivative(
        sp.Symbol("h_T"), sp.Symbol("h_0"), evaluate=False)))),
        *say(" against $T$ for the settings of this section ($n$ = 32 units, inputs ",
             " 随 $T$ 的变化，对应本节中的各个设置（$n$ = 32 个单元，输入为 "),
        Math(sp.Eq(sp.Symbol("x_k"), sp.Float(rn.DRIVE, 2) * sp.Symbol("epsilon_k"))),
        *say("; the linear RNN without input). What to see: the plain tanh RNN with small "
             "weights vanishes at once; an orthogonal $W_hh$ keeps the linear product at 1 but "
             "tanh saturation still pulls it down; the residual step stays near 1.",
             "；线性 RNN 无输入）。请注意：小权重的普通 tanh RNN 立即消失；正交的 $W_hh$ 使"
             "线性乘积保持为 1，但 tanh 的饱和仍把它往下拉；残差步则保持在 1 附近。"))
    return Figure("fig:remedies", "remedies", caption)


def blocks(ctx, orthogonal):
    """(blocks, results) of the gating and residual parts and the comparison figure."""
    horizons, numbers = rn.forget_bias(), rn.residual()
    results = {"forget_bias_steps_to_one_thousandth": {b: float(v) for b, v in horizons.items()},
               "residual": numbers}
    return (*gating_blocks(horizons), *residual_blocks(numbers),
            figure(ctx, orthogonal, numbers)), results
