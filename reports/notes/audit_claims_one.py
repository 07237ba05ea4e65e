"""The first source article's claims, quoted, recomputed and judged (see ``audit_claims``);
section 2.1's eigenvalue rule and section 4's c < 1 "for all t" are in ``audit_claims_merged``,
each merged there with the added row that quotes the same sentence."""

import sympy as sp

import derive
from reports.doc import Math, Ref, tr
from reports.notes.audit_claims import (
    CLOSE,
    CORRECT,
    IMPRECISE,
    OPEN,
    W_HH,
    WRONG,
    C,
    Claim,
    Quantity,
    T,
    matrix_eq,
    step,
    t,
)
from reports.notes.audit_defects import DEFECTS

Z, K = derive.z, sp.Symbol("k", integer=True, positive=True)
_N = sp.Symbol("n", integer=True, positive=True)
D_K = sp.MatrixSymbol("D_t", _N, _N)
NORM_W = derive.norm2(W_HH)
STEP_J = sp.Eq(sp.MatrixSymbol("J_t", _N, _N), D_K * sp.MatrixSymbol("W_hh", _N, _N))
SIGMA_MIN = sp.Function("sigma_min")(W_HH)
NILPOTENT = sp.Matrix([[0, 1], [0, 0]])    # ‖2N‖₂ = 2 per step, yet (2N)² = 0


def gamma_quantity(name):
    """γ_φ of a registered activation, derived by SymPy, as a Quantity."""
    return Quantity(tr(f"gamma_phi of {name}", f"{name} 的 gamma_phi"),
                    derive.activation(name).gamma)


def above_one():
    """The registered activations whose derivative exceeds 1 somewhere (γ_φ > 1, derived)."""
    return tuple(n for n in derive.activation_names()
                 if bool(sp.sympify(derive.activation(n).gamma) > 1))


def bound_claims():
    """The per-step bounds of sections 3.2 and 3.3."""
    tanh, sigmoid = (derive.activation(n) for n in ("tanh", "sigmoid"))
    one_step = derive.norm(step("t", "t-1"))
    return [
        Claim("seed000", tr("3.2", "第 3.2 节"),
              (OPEN, tr("When the activation f is tanh or the sigmoid, their derivatives are "
                        "below 1 over most of the range.",
                        "当激活函数 f 是tanh或sigmoid时,它们的导数在大部分区间都小于1。"), CLOSE),
              None, (Math(sp.Le(sigmoid.dphi, sigmoid.gamma)), tr(" (sigmoid)", "（sigmoid）")),
              float(sigmoid.gamma), CORRECT,
              (tr("the derivative of tanh is below 1 except at z = 0, and that of the sigmoid "
                  "is at most ", "tanh 的导数除 z = 0 外都小于 1；sigmoid 的导数处处不超过 "),
               Math(sigmoid.gamma), tr(" everywhere.", "。")),
              (gamma_quantity("sigmoid"), gamma_quantity("tanh"))),
        Claim("seed000", tr("3.2", "第 3.2 节"),
              (OPEN, tr("Specifically, suppose the derivative of the activation is below some "
                        "constant c < 1 on some interval; then for large enough t we have ",
                        "具体来说,假设激活函数的导数在某个区间内都小于某个常数 c < 1,"
                        "那么对于足够大的时间步 t,我们有:"), Math(sp.Le(one_step, C ** t)),
               tr(".", ""), CLOSE),
              None, (Math(sp.Le(one_step, C * NORM_W)),), None, WRONG,
              (tr("the bound on the derivative bounds ", "导数的界只约束 "), Math(D_K),
               tr(", so one step is bounded by ", "，单步的界是 "), Math(C * NORM_W),
               tr(", not ", "，而不是 "), Math(C ** t),
               tr(", and only on that interval.", "，且只在该区间内成立。")),
              (Quantity(tr("bound on the norm of one step dh_t/dh_t-1",
                           "单步 dh_t/dh_t-1 范数的上界"), C * NORM_W),
               Quantity(tr("norm of one step D W_hh with D = I/2, W_hh = 3I (2 by 2)",
                           "D = I/2、W_hh = 3I（2×2）时单步 D W_hh 的范数"),
                        derive.spectral_norm(sp.eye(2) / 2 * 3 * sp.eye(2))))),
        above_claim(),
    ]


def above_claim():
    """Section 3.3's "‖∂h_t/∂h_{t−1}‖ ≥ c^t" when |φ'| ≥ c > 1: one step is bounded below by
    c‖W_hh‖₂ (‖DW‖₂ ≥ σ_min(D)‖W‖₂), t steps only by (c σ_min(W_hh))^t (norms are only
    submultiplicative: 2N with N nilpotent has norm 2, its square is 0); gelu and silu do have
    φ' > 1 on an interval."""
    one_step = derive.norm(step("t", "t-1"))
    many = derive.norm2(step("t", 0))
    names = above_one()
    step_norm = derive.spectral_norm(2 * NILPOTENT)
    product = derive.spectral_norm((2 * NILPOTENT) ** 2)
    gammas = []
    for i, name in enumerate(names):
        gammas += [tr(", " if i else "", "、" if i else ""),
                   Math(sp.Eq(derive.gamma_phi, sp.Float(float(derive.activation(name).gamma),
                                                          5))),
                   tr(f" ({name})", f"（{name}）")]
    return Claim(
        "seed000", tr("3.3", "第 3.3 节"),
        (OPEN, tr("Specifically, suppose the derivative of the activation is above some "
                  "constant c > 1 on some interval; then for large enough t we have ",
                  "具体来说,假设激活函数的导数在某个区间内都大于某个常数 c > 1,"
                  "那么对于足够大的时间步 t,我们有:"),
         Math(sp.Ge(one_step, C ** t)), tr(".", ""), CLOSE),
        None, (Math(sp.Ge(derive.norm2(step("t", "t-1")), C * NORM_W)), tr("; ", "；"),
               Math(sp.Ge(many, (C * SIGMA_MIN) ** t))),
        None, WRONG,
        (tr("with the derivative at least c on that interval, one step is bounded below by ",
            "若导数在该区间内不小于 c，单步的下界是 "), Math(C * NORM_W),
         tr(", not by ", "，而不是 "), Math(C ** t),
         tr(", since the norm of D W is at least the smallest singular value of D times the "
            "norm of W. Norms multiply only as upper bounds, so over t steps the product is "
            "bounded below only by ", "，因为 D W 的范数不小于 D 的最小奇异值乘以 W 的范数。"
            "范数的乘法只给出上界，因此 t 步乘积的下界只有 "), Math((C * SIGMA_MIN) ** t),
         tr(", which is 0 for a singular ", "；当 "), Math(W_HH),
         tr(": for ", " 奇异时它为 0。例如 "), Math(matrix_eq("W", 2 * NILPOTENT)),
         tr(" one step has norm ", " 的单步范数为 "), Math(step_norm),
         tr(", two steps have norm ", "，两步的范数却为 "), Math(product),
         tr(". Among the registered activations the hypothesis holds on an interval for ",
            "。在已注册的激活函数中，只有 "), *gammas,
         tr(" only; tanh, the sigmoid and ReLU never have a derivative above 1.",
            " 在某个区间上满足这一假设；tanh、sigmoid 和 ReLU 的导数从不大于 1。")),
        (*(gamma_quantity(name) for name in names),
         Quantity(tr("norm of one step 2N, N = [[0, 1], [0, 0]]",
                     "单步 2N 的范数，N = [[0, 1], [0, 0]]"), step_norm),
         Quantity(tr("norm of the two-step product (2N)^2", "两步乘积 (2N)^2 的范数"), product)))


def example_claims():
    """Section 4's worked example and section 5's program."""
    tanh, relu = derive.activation("tanh"), derive.activation("relu")
    sec4 = tr("4", "第 4 节")
    h_T, h_1, h_k = (sp.Symbol(f"h_{{{i}}}") for i in ("T", 1, "k"))
    chain = sp.Eq(sp.Derivative(h_T, W_HH, evaluate=False),
                  sp.Mul(step("T", "T-1"), step("T-1", "T-2"), sp.Symbol(r"\cdots"), step(2, 1),
                         sp.Derivative(h_1, W_HH, evaluate=False), evaluate=False),
                  evaluate=False)
    total = sp.Sum(step("T", "k") * sp.Derivative(h_k, W_HH, evaluate=False), (K, 1, T))
    return [
        Claim("seed000", sec4, (OPEN, Math(chain), CLOSE),
              None, (Math(total),), None, WRONG,
              (tr("the chain keeps only the k = 1 term of the sum; ", "这条链只保留了求和中 k = 1 "
                  "的一项；"), Math(W_HH),
               tr(" is used at every step, so every step contributes a term.",
                  " 在每一步都被使用，因此每一步都贡献一项。")),
              (Quantity(tr("number of terms of the sum (one per step)", "求和的项数（每步一项）"),
                        T, tr("terms", "项")),)),
        Claim("seed000", sec4,
              (OPEN, tr("Since the derivative of tanh lies in the interval (-1, 1), ...",
                        "由于tanh函数的导数在 (-1, 1) 区间内,……"), CLOSE),
              None, (Math(sp.Contains(tanh.dphi, sp.Interval.Lopen(0, 1), evaluate=False)),),
              float(tanh.gamma), IMPRECISE,
              (tr("the derivative is positive and equals ", "该导数恒为正，且在 z = 0 处等于 "),
               Math(tanh.gamma), tr(" at z = 0.", "。")),
              (gamma_quantity("tanh"),
               Quantity(tr("infimum of the derivative of tanh", "tanh 导数的下确界"),
                        sp.limit(tanh.dphi, Z, sp.oo)))),
        Claim("seed000", sec4,
              (OPEN, tr("For example, if we use ReLU as the activation, its derivative is 1 on "
                        "the positive range and 0 on the negative range. In this case the "
                        "gradient may grow without limit, leading to numerical instability and "
                        "exploding gradients.",
                        "例如,如果我们使用ReLU作为激活函数,其导数在正区间内为1,在负区间内为0。"
                        "在这种情况下,梯度可能会无限制地增长,从而导致数值不稳定和梯度爆炸。"
                        ""), CLOSE,
               tr(" (given as an example of a derivative above 1)", "（原文把它当作导数大于 1 "
                                                                    "的例子）")),
              None, (Math(sp.Eq(derive.gamma_phi, relu.gamma)),), float(relu.gamma), WRONG,
              (tr("by the article's own values (1 on the positive range, 0 on the negative) "
                  "the derivative never exceeds 1, so ReLU is no example of a derivative above "
                  "1, and the derivative cannot make the gradient grow. A step is ",
                  "按原文自己给出的值（正区间为 1，负区间为 0），导数从不大于 1，因此 ReLU "
                  "并不是导数大于 1 的例子，导数本身也不会使梯度增长。单步是 "), Math(STEP_J),
               tr(" with ", "，其中 "), Math(D_K),
               tr(" the 0/1 pattern of active units, so what can grow is the product of the "
                  "weights over the active units: while every unit stays active the product is ",
                  " 是活跃单元的 0/1 模式，因此可能增长的是权重在活跃单元上的乘积：只要所有单元"
                  "都保持活跃，乘积就是 "), Math(sp.MatPow(sp.MatrixSymbol("W_hh", _N, _N), t)),
               tr(", which grows when ", "，当 "),
               Math(sp.Gt(sp.Function("rho")(W_HH), 1)),
               tr(". A norm ", " 时它增长。范数 "), Math(sp.Gt(derive.norm(W_HH), 1)),
               tr(" is needed for any growth, but does not cause it (see ",
                  " 是任何增长的必要条件，却不是其原因（见"), Ref("sec:relu"),
               tr(").", "）。")),
              (gamma_quantity("relu"),)),
        Claim("seed000", tr("5", "第 5 节"),
              (OPEN, tr("To understand vanishing and exploding gradients better, we can "
                        "simulate the process with a simple Python code example.",
                        "为了更好地理解梯度消失和梯度爆炸的问题,我们可以通过一个简单的Python"
                        "代码示例来模拟这个过程。"), CLOSE),
              None, (Ref("lst:seed-listing"),), None, WRONG,
              (tr("the program does not run, and its mathematics is off; its defects are "
                  "listed below.", "该程序无法运行，其中的数学也有误；其缺陷列在下文。"),),
              (Quantity(tr("defects of the listing, each confirmed by running it",
                           "程序的缺陷数（每一处都经运行确认）"),
                        sp.Integer(len(DEFECTS)), tr("defects", "处")),)),
    ]


def claims_one():
    """The first article's claims, in the order they appear."""
    return bound_claims() + example_claims()
