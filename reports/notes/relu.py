"""Section 'sec:relu': the second source article's closing exercise (what happens with ReLU),
stated in translation and then answered.  φ(z) = max(0, z) has φ' ∈ {0, 1}, so
J_k = diag(1[a_k > 0]) W_hh: no saturation; the gradient explodes when the active units'
restriction of W_hh grows (scalar w = 1.2, positive drive: log10|∂h_200/∂h_0| = 200 log10 1.2)
and is exactly 0 once a unit dies (results.json: null plus a note for log10 0 = −∞).
IRNN (W_hh = I, b_h = 0): J_k = I on active units, checked exactly for n = 2, T = 4."""

import math

import numpy as np
import sympy as sp

import derive
import numeric
from derive import dphi, gamma_phi, norm2, z
from reports.doc import Cite, Display, Emph, Heading, Math, Para, Ref, Section, num, tr
from reports.notes.reproducibility import finite_or_null

LABEL = 'sec:relu'
TITLE = tr('ReLU: the open question answered', 'ReLU：思考题的解答')
T_RELU, W_RELU = 200, 1.2
LOG10 = sp.Function("log_10")


def partial(top, bottom):
    return sp.Derivative(sp.Symbol(top), sp.Symbol(bottom), evaluate=False)


def sweeps():
    """log10|∂h_200/∂h_0| for h_t = relu(1.2 h_{t−1} + x_t): positive drive (x_t = 0.5,
    h_0 = 1: every unit active) and negative drive (x_t = −1, h_0 = −1: the unit dies)."""
    def value(inputs, h0):
        result = numeric.scalar_sweep("relu", np.array([W_RELU]), np.array([T_RELU]),
                                      inputs=inputs, h0=h0)
        return float(result.log10_abs_grad[0, 0])
    return value(0.5, 1.0), value(-1.0, -1.0)


IRNN = derive.RNN(2, activation="relu", W_hh=[[1, 0], [0, 1]], W_xh=[[1], [1]], b_h=[0, 0],
                  h0=[1, 1], x=[[1], [2], [1], [3]])


def irnn_product():
    """∂h_4/∂h_0 of the IRNN (W_hh = I, W_xh = (1, 1)ᵀ, b_h = 0, h_0 = (1, 1), inputs 1, 2, 1,
    3), exact."""
    return derive.jacobian_product(IRNN, 0, 4, expanded=True)


def irnn_setting():
    """W_xh and h_0 of the checked IRNN, displayed (stacked vectors inline spread the lines)."""
    return Display(*(sp.Eq(sp.MatrixSymbol(name, *value.shape), value, evaluate=False)
                     for name, value in (("W_xh", IRNN.W_xh), ("h_0", IRNN.h0))))


def question():
    relu = sp.Eq(sp.Function("varphi")(z), sp.Max(0, z), evaluate=False)
    step = partial("h_k", "h_{k-1}")
    return (
        Para(tr("The second source article", "第二篇原文"), Cite("seed003"),
             tr(" closes with an exercise (translated here from the Chinese):",
                "以一道思考题结尾（原文如下）：")),
        Para(Emph(tr("Question: consider an RNN that uses ReLU (Rectified Linear Unit, ",
                     "问题：考虑一个使用ReLU（Rectified Linear Unit, "), Math(relu),
                  tr(") as its activation function. Analyse how the vanishing and exploding "
                     "gradient problems show themselves in this case. Compared with an RNN that "
                     "uses tanh, what is fundamentally different about its behaviour?",
                     "）作为激活函数的RNN。请分析在这种情况下，梯度消失和梯度爆炸问题会如何表现？"
                     "与使用 tanh 的RNN相比，其特性有何根本不同？"))),
        Para(Emph(tr("Hint: analyse the properties of the derivative of ReLU and their effect "
                     "on the structure of the Jacobian ", "提示：分析ReLU函数的导数特性"
                     "及其对雅可比矩阵 "), Math(step), tr(".", " 结构的影响。"))),
        Para(tr("The article leaves the exercise open. Here is the answer, with every formula "
                "derived by SymPy and every number computed.",
                "原文没有给出解答。下面给出解答，其中每个公式都由 SymPy 推导，"
                "每个数值都经过计算。")),
    )


def jacobian():
    act = derive.activation("relu")
    J = derive.step_jacobian(derive.RNN(2, activation="relu"), 1, local=True)
    return (
        Heading(tr("The step Jacobian", "单步雅可比矩阵")),
        Para(tr("SymPy derives the derivative of ReLU as ", "SymPy 推导出 ReLU 的导数为 "),
             Math(sp.Eq(dphi(z), act.dphi, evaluate=False)),
             tr(": it is either 0 or exactly 1, never in between, and its gain is ",
                "：它要么是 0，要么恰好是 1，没有中间值，其增益为 "),
             Math(sp.Eq(gamma_phi, act.gamma)),
             tr(". The diagonal matrix of derivatives therefore only switches units on or off: ",
                "。因此导数构成的对角矩阵只起开关作用："),
             Math(sp.Symbol("D_k")), tr(" has 1 where the pre-activation ", " 在预激活值 "),
             Math(sp.Symbol("a_{k,i}")), tr(" is positive (the unit is active) and 0 elsewhere. "
                                            "For two units and the first step, in the symbols of ",
                                            " 为正（该单元处于激活状态）的位置为 1，其余为 0。"
                                            "对两个单元的第一步（符号同"), Ref("sec:vector"),
             tr(":", "）：")),
        Display(sp.Eq(partial("h_1", "h_0"), J, evaluate=False)),
        Para(tr("A row of ", "对于激活的单元，"), Math(sp.Symbol("J_k")),
             tr(" is the row of ", " 的一行就是 "), Math(sp.Symbol("W_hh")),
             tr(" itself for an active unit and a row of zeros for an inactive one. Unlike tanh, "
                "ReLU has no saturation: an active unit passes the gradient on undamped.",
                " 的对应行；对于未激活的单元，则是一行零。与 tanh 不同，ReLU 没有饱和："
                "激活的单元把梯度原样传递下去，不做任何衰减。")),
    )


def regimes(grow, dead):
    return (Heading(tr("Exploding and vanishing", "爆炸与消失")), explode_paragraph(grow),
            dead_paragraph(dead))


def explode_paragraph(grow):
    w = sp.Symbol("w")
    return Para(tr("Since the slopes are 1 on active units, the product of step Jacobians is the "
                "product of the restrictions of ", "由于激活单元上的斜率都是 1，单步雅可比矩阵的"
                "乘积就是 "), Math(sp.Symbol("W_hh")),
             tr(" to the units active at each step, and it explodes when the product of those "
                "restrictions grows. For one unit, ", " 在每一步激活单元上的限制的乘积；"
                "当这些限制的乘积增大时，梯度就爆炸。"
                "对单个单元 "),
             Math(sp.Eq(sp.Symbol("h_t"), sp.Max(0, sp.Add(sp.Mul(w, sp.Symbol("h_{t-1}"),
                                                                  evaluate=False),
                                                           sp.Symbol("x_t"), evaluate=False)),
                        evaluate=False)),
             tr(", with ", "，取 "), Math(sp.Eq(w, sp.Float(W_RELU, 2))),
             tr(", a positive drive ", "、正的常数输入 "),
             Math(sp.Eq(sp.Symbol("x_t"), sp.Float(0.5, 1))),
             tr(" and ", " 和 "),
             Math(sp.Eq(sp.Symbol("h_0"), 1)),
             tr(", the unit stays active at every step and ", "，该单元在每一步都保持激活，"),
             Math(sp.Eq(LOG10(sp.Abs(partial("h_200", "h_0"))), sp.Float(grow, 10),
                        evaluate=False)),
             tr(", which is ", "，这正是 "),
             Math(sp.Eq(sp.Mul(T_RELU, LOG10(sp.Float(W_RELU, 2)), evaluate=False),
                        sp.Float(T_RELU * math.log10(W_RELU), 10), evaluate=False)),
             tr(": the scalar case ", "：即标量情形的 "), Math(sp.Pow(w, sp.Symbol("T"))),
             tr(", untouched by the activation. Whether a "
                "network explodes is decided by its weights, not by ReLU; ",
                "，激活函数对它毫无影响。网络是否爆炸由权重决定，"
                "而不是由 ReLU 决定；"),
             Math(sp.Gt(gamma_phi * norm2(sp.MatrixSymbol("W_hh", 2, 2)), 1, evaluate=False)),
             tr(" is still necessary for exploding and still not sufficient.",
                " 仍然是爆炸的必要条件，而仍非充分条件。"))


def dead_paragraph(dead):
    return Para(tr("The gradient vanishes in a new way: a unit whose pre-activation is not "
                "positive at step k has derivative exactly 0 there, so every path that passes "
                "through that unit at step k is cut; paths through the other units, and "
                "through the same unit at other steps, are not. A path is cut as soon as one "
                "unit on it is inactive at its step; the whole product is cut to exactly 0 "
                "when every path is, for example when all units are inactive at one step. With "
                "a single unit, the same weight with drive ",
                "梯度还会以一种新的方式消失：在第 k 步预激活值不为正的单元，其导数在该步恰好为 0，"
                "因此在第 k 步经过该单元的每条路径都被切断；经过其他单元的路径，以及在其他时间步"
                "经过同一单元的路径，都不受影响。一条路径上只要有一个单元在其所在步未激活，这条路径就被"
                "切断；当所有路径都被切断时（例如某一步所有单元都未激活），整个乘积恰好为 0。"
                "只有一个单元时，同样的权重，输入为 "),
             Math(sp.Eq(sp.Symbol("x_t"), -1)), tr(" and ", " 且 "),
             Math(sp.Eq(sp.Symbol("h_0"), -1)),
             tr(" gives a unit that is dead from the first step on, and the gradient is exactly "
                "0, so its logarithm is ", " 时，该单元从第一步起就\u201c死亡\u201d，梯度恰好为 0，"
                "其对数为 "), num(dead),
             tr(". A dead unit is not a small "
                "gradient that a larger weight could rescue: no weight gets a signal through it.",
                "。死亡单元并不是一个可以靠更大的权重挽救的"
                "小梯度：任何权重都无法让信号穿过它。"))


def irnn(product):
    identity = sp.Eq(partial("h_4", "h_0"), product, evaluate=False)
    return (
        Heading(tr("The identity initialisation", "单位矩阵初始化")),
        Para(tr("Le, Jaitly and Hinton", "Le、Jaitly 与 Hinton"), Cite("le2015"),
             tr(" turned this into a remedy, the IRNN: start training a ReLU RNN from ",
                " 把这一点变成了一种补救方法，即 IRNN：从 "),
             Math(sp.Eq(sp.Symbol("W_hh"), sp.Symbol("I"))), tr(" (the identity matrix) and ",
                                                               "（单位矩阵）和 "),
             Math(sp.Eq(sp.Symbol("b_h"), 0)),
             tr(". Then every step Jacobian is the identity on the active units, so along "
                "active paths the gradient neither vanishes nor explodes. SymPy confirms it "
                "exactly for two units with the positive inputs ", " 开始训练 ReLU 循环神经网络。"
                                             "这样每个单步雅可比矩阵在激活"
                "单元上都是单位矩阵，因此沿着激活路径梯度既不消失也不爆炸。"
                "SymPy 对两个单元、正输入 "),
             ", ".join(str(row[0]) for row in IRNN.x),
             tr(" and this input weight matrix and initial state",
                "，以及下面的输入权重与初始状态，精确地验证了这一点：")),
        irnn_setting(),
        Para(tr("The product of the four step Jacobians is", "四个单步雅可比矩阵之积为")),
        Display(identity),
        Para(tr("Training moves the weights away from the identity, so this protects the start "
                "of training, not its end.", "训练会使权重偏离单位矩阵，所以这只保护训练的开始，"
                "而不保护训练的全过程。")),
    )


def answer():
    return (
        Heading(tr("The answer in short", "简要回答")),
        Para(tr("With tanh, each step multiplies the gradient by slopes between 0 and 1 that "
                "shrink smoothly as units saturate, so the gradient fades gradually and "
                "vanishing is the rule. With ReLU the slopes are exactly 0 or 1: an active unit "
                "passes the gradient on through ", "使用 tanh 时，每一步都把梯度乘以介于 0 和 1 "
                "之间的斜率，单元饱和时斜率平滑地变小，因此梯度逐渐衰减，梯度消失是常态。使用 ReLU "
                "时，斜率恰好是 0 或 1：激活的单元通过 "), Math(sp.Symbol("W_hh")),
             tr(" alone, so exploding and vanishing depend on the weights as in the linear RNN, "
                "while a unit inactive at a step cuts the paths through it at that step to "
                "exactly 0 (the whole gradient is cut to 0 when every path is).",
                " 原样传递梯度，所以爆炸与消失像线性循环神经网络那样只取决于权重；而在某一步未激活"
                "的单元，把在该步经过它的路径精确地切断为 0（当所有路径都被切断时，整个梯度被切断"
                "为 0）。")),
        Para(tr("The first source article", "第一篇原文"), Cite("seed000"),
             tr(" puts the blame on ReLU itself: it claims that an activation whose derivative "
                "exceeds 1 on some interval makes the gradient explode, and that ReLU, with "
                "derivative 1 for positive inputs and 0 for negative ones, may let the gradient "
                "grow without limit. ReLU's derivative never exceeds 1 (its gain is 1), so any "
                "explosion comes from the weights; ",
                " 则把问题归咎于 ReLU 本身：它认为导数在某些区间大于 1 的激活函数会导致梯度爆炸，"
                "并称 ReLU（正区间导数为 1，负区间为 0）"
                "可能使梯度无限增长。"
                "ReLU 的导数从不超过 1（增益为 1），因此任何爆炸都来自权重；"), Ref("sec:audit"),
             tr(" examines this claim.", "将详细检查这一说法。")),
    )


def build(ctx):
    """(Section, results for results.json)."""
    grow, dead = sweeps()
    product = irnn_product()
    blocks = (*question(), *jacobian(), *regimes(grow, dead), *irnn(product), *answer())
    learn = (tr("The exercise the second source article leaves open, what happens to the "
                "gradient of a ReLU RNN, and its answer: no saturation, explosion decided by the "
                "weights, and paths cut to exactly zero by inactive units.", "第二篇原文留下的"
                "思考题（ReLU 循环神经网络的梯度会怎样）及其解答：没有饱和，爆炸由权重决定，"
                "经过未激活单元的路径被精确地切断为零。"),)
    takeaway = (tr("ReLU removes saturation but not the problem: its Jacobians are the recurrent "
                   "weights with rows switched off, so the gradient explodes or vanishes as "
                   "the weights dictate, and a unit inactive at a step cuts every path through "
                   "it at that step to exactly zero (the whole gradient when every path is cut).",
                   "ReLU 消除了饱和，但没有消除问题：它的雅可比矩阵就是关掉了部分行的循环权重，"
                   "所以梯度的爆炸或消失由权重决定；在某一步未激活的单元把在该步经过它的每条路径"
                   "精确地切断为零（当所有路径都被切断时，整个梯度为零）。"),)
    results = {"relu_explode_log10": grow, "relu_explode_expected": T_RELU * math.log10(W_RELU),
               **finite_or_null("relu_dead_log10", dead,
                                "the gradient is exactly 0, so its log10 is minus infinity"),
               "relu_irnn_product": [[str(entry) for entry in row]
                                     for row in product.tolist()]}
    return Section(LABEL, TITLE, learn, blocks, takeaway), results
