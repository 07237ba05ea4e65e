"""Exercises 5-7 of 'sec:exercises': clipping and vanishing, ρ against σ_max for a Jordan
block, dead ReLU units."""

import numpy as np
import sympy as sp

import derive
import numeric
from reports.doc import Cite, Display, Heading, Math, Para, Ref, num, tr

LAMBDA = sp.Rational(9, 10)
K = sp.Symbol("k", integer=True, positive=True)


def exercise(number, en, zh):
    stop = "" if en.endswith("?") else "."
    return Heading(tr(f"Exercise {number}. {en}{stop}", f"习题 {number}：{zh}"))


def solution(*parts):
    return Para(tr("Solution. ", "解答："), *parts)


def clip(g, threshold):
    """Pascanu et al.'s rule: g ← θ g/‖g‖ when ‖g‖ ≥ θ."""
    size = np.linalg.norm(g)
    return g * (threshold / size) if size >= threshold else g


def clipping():
    """Exercise 5: clipping leaves a vanishing gradient as it is."""
    late, early = 0.5, float(sp.Rational(1, 2) * sp.Rational(9, 10) ** 100)
    g = np.array([late, early])
    clipped = clip(g, 1.0)
    big = clip(2000 * g, 1.0)
    ratio, big_ratio = float(clipped[1] / clipped[0]), float(big[1] / big[0])
    return [exercise(5, "Clipping does not cure vanishing", "裁剪治不了梯度消失"),
            Para(tr("Gradient clipping ", "梯度裁剪 "), Cite("pascanu2013"),
                 tr(" rescales the gradient to a fixed length, the threshold, whenever its norm "
                    "reaches the threshold. Why does it not help with vanishing gradients?",
                    " 在梯度的范数达到阈值时把它缩放到阈值长度。为什么它对梯度消失无济于事？")),
            solution(tr("Take a gradient with two components: 0.5 from the last step, and 0.5 "
                        "times 0.9 to the power 100 from 100 steps back, that is ",
                        "设梯度有两个分量：来自最后一步的 0.5，以及来自 100 步之前的 0.5 乘以 0.9 "
                        "的 "
                        "100 次幂，即 "),
                     num(early, 6),
                     tr(". Its norm is below the threshold 1, so clipping leaves it unchanged: "
                        "the ratio of the two components stays ",
                        "。其范数小于阈值 1，裁剪不改变它：两分量之比仍为 "),
                     num(ratio, 6),
                     tr(". Even a gradient a thousand times larger, which is clipped, keeps the "
                        "same ratio, ", "。即使梯度大一千倍、被裁剪了，比值也不变，仍为 "),
                     num(big_ratio, 6),
                     tr(": clipping multiplies every component by the same factor, so the distant "
                        "past stays as faint as before. Clipping bounds the step; it does not "
                        "change the Jacobian product (", "：裁剪把所有分量乘以同一个因子，"
                                                         "遥远过去的"
                        "信号依旧微弱。裁剪限制的是步长，并不改变雅可比矩阵的乘积（见"),
                     Ref("sec:remedies"), tr(").", "）。"))], \
        {"exercise_clip_ratio": ratio, "exercise_clip_ratio_clipped": big_ratio}


def jordan():
    """Exercise 6: ρ against σ_max for the Jordan block [[λ, 1], [0, λ]]."""
    J = sp.Matrix([[LAMBDA, 1], [0, LAMBDA]])
    rho, sigma = derive.spectral_radius(J), derive.spectral_norm(J)
    power = sp.simplify(J ** K)
    exact = [power[0, 1].subs(K, k) for k in range(1, 61)]     # rationals: ties are exact
    peaks = [k for k, entry in enumerate(exact, start=1) if entry == max(exact)]
    entries = [float(entry) for entry in exact]
    Jn = np.array(J, dtype=float)
    norms = [np.linalg.norm(np.linalg.matrix_power(Jn, k), 2) for k in range(1, 400)]
    below = next(k for k, v in enumerate(norms, start=1) if v < 1)
    return [exercise(6, "Spectral radius or largest singular value?", "谱半径还是最大奇异值？"),
            Para(tr("For the Jordan block below, compare the spectral radius with the largest "
                    "singular value, and describe the powers.",
                    "对下面的若尔当块，比较谱半径与最大奇异值，并描述其幂的行为。")),
            Display(sp.Eq(sp.Symbol("J"), J, evaluate=False)),
            solution(tr("SymPy gives ", "SymPy 给出 "), Math(sp.Eq(sp.Symbol("rho"), rho)),
                     tr(" but ", "，而 "), Math(sp.Eq(sp.Symbol("sigma_max"), sigma)),
                     tr(", about ", "，约为 "), num(float(sigma), 6),
                     tr(". The powers are", "。其幂为")),
            Display(sp.Eq(sp.Symbol("J") ** K, power, evaluate=False)),
            Para(tr("The off-diagonal entry grows and then decays; it is largest at ",
                    "非对角元先增长后衰减；它在 "), *peak_parts(peaks),
                 tr(", where it is ", " 处最大，为 "), num(entries[peaks[0] - 1], 6),
                 tr(", and the spectral norm of the power first drops below 1 at k = ",
                    "；幂的谱范数直到 k = "), str(below),
                 tr(". Only then does the spectral radius below 1 show: Gelfand's formula (",
                    " 才首次小于 1。此后谱半径小于 1 的效果才显现出来：Gelfand 公式（见"),
                 Ref("sec:dynamics"), tr(") is a statement about the long run.", "）描述的是长期行"
                                                                                 "为。"))], \
        {"exercise_jordan_sigma": float(sigma), "exercise_jordan_peak_k": peaks,
         "exercise_jordan_first_below_one": below}


def peak_parts(peaks):
    """"k = 9 and k = 10 (the two entries are equal)" for a tie, "k = 9" otherwise."""
    parts = []
    for peak in peaks:
        parts += [tr(" and ", " 和 ")] if parts else []
        parts.append(Math(sp.Eq(K, peak)))
    if len(peaks) > 1:
        parts.append(tr(" (the entries there are equal)", "（这些位置上的元素相等）"))
    return tuple(parts)


def dead_relu():
    """Exercise 7: a dead ReLU unit makes the gradient exactly zero."""
    w, x, h0 = 1.2, -1.0, -1.0
    sweep = numeric.scalar_sweep("relu", np.array([w]), np.array([200]), inputs=x, h0=h0)
    gradient = float(10 ** sweep.log10_abs_grad[0, 0])
    a1 = w * h0 + x
    return [exercise(7, "Dead ReLU units", "死亡的 ReLU 单元"),
            Para(tr("A scalar ReLU RNN has weight w = 1.2, larger than 1, constant input -1 and "
                    "initial state -1. Does its gradient over 200 steps explode?",
                    "一个标量 ReLU RNN 的权重 w = 1.2 大于 1，输入恒为 -1，初始状态为 -1。"
                    "它在 200 步上的梯度会爆炸吗？")),
            solution(tr("No. The first pre-activation is ", "不会。第一步的预激活值为 "),
                     num(a1, 3),
                     tr(", negative, so the derivative of ReLU there is 0 and the unit is dead. "
                        "Every later state is 0 and every later pre-activation is -1, so all "
                        "factors of the product are 0. The computed gradient is exactly ",
                        "，为负，ReLU 在此处的导数为 0，该单元“死亡”。此后每个状态都是 0，"
                        "每个预激活值"
                        "都是 -1，乘积的所有因子都为 0。计算得到的梯度恰好为 "),
                     num(gradient, 3),
                     tr(". A norm above 1 is necessary for exploding, not sufficient (",
                        "。范数大于 1 是梯度爆炸的必要条件，而非充分条件（见"),
                     Ref("sec:relu"), tr(").", "）。"))], {"exercise_dead_relu_gradient": gradient}
