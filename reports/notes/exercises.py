"""Section 'sec:exercises': exercises with worked solutions, every number computed by SymPy
(``derive``) or NumPy (``numeric``).  Exercises 1-4 here, 5-7 in ``exercises_more``."""

import sympy as sp
from sympy.codegen.cfunctions import log10

import derive
from reports.doc import Cite, Display, Heading, Math, Para, Ref, Section, num, tr
from reports.notes.exercises_more import clipping, dead_relu, jordan
from reports.notes.prose import say

LABEL = "sec:exercises"
TITLE = tr("Exercises with solutions", "习题与解答")
Z = derive.z
T = sp.Symbol("T", integer=True, positive=True)
SIGMA = sp.Function("sigma")
_N = sp.Symbol("n", integer=True, positive=True)
J_K, D_K, W_K = (sp.MatrixSymbol(name, _N, _N) for name in ("J_k", "D_k", "W_hh"))


def exercise(number, en, zh):
    stop = "" if en.endswith("?") else "."
    return Heading(tr(f"Exercise {number}. {en}{stop}", f"习题 {number}：{zh}"))


def solution(*parts):
    return Para(tr("Solution. ", "解答："), *parts)


def scientific(value):
    """The number whose base-10 logarithm is ``value``, to 6 digits (printed m · 10^e)."""
    return sp.Float(10 ** value, 6)


def split_log(value):
    """(integer part, leading digits) of a base-10 logarithm: value = e + f with e = ⌊value⌋
    and 0 ≤ f < 1, so 10^value = 10^f · 10^e.

    >>> split_log(-30.103)[0]
    -31
    """
    whole = int(sp.floor(value))
    return whole, float(10 ** (value - whole))


def log_space():
    """Exercise 1: 0.5^100 and 1.5^100 through their logarithms."""
    blocks, results = [exercise(1, "Powers in log space", "在对数空间中计算幂"),
                       Para(tr("Compute 0.5 and 1.5 to the power 100 without multiplying 100 "
                               "numbers, by taking base-10 logarithms.",
                               "不做 100 次乘法，借助常用对数计算 0.5 和 1.5 的 100 次幂。"))], {}
    parts = []
    for base in (sp.Rational(1, 2), sp.Rational(3, 2)):
        value = float(100 * sp.log(base, 10))
        x = sp.Float(float(base), 2)
        parts.append(Display(sp.Eq(log10(sp.Pow(x, 100, evaluate=False), evaluate=False),
                                   sp.Mul(100, log10(x, evaluate=False), evaluate=False),
                                   evaluate=False),
                             sp.Eq(sp.Pow(x, 100, evaluate=False), scientific(value),
                                   evaluate=False)))
        whole, mantissa = split_log(value)
        parts.append(Para(tr("with ", "其中 "), Math(sp.Mul(100, log10(x, evaluate=False),
                                                           evaluate=False)),
                          tr(" = ", " = "), num(value, 6), tr(" = ", " = "),
                          Math(sp.Integer(whole)),
                          tr(" + ", " + "), num(value - whole, 3),
                          tr(": the integer part is the exponent of 10 and ",
                             "：整数部分是 10 的指数，而 "),
                          Math(sp.Eq(sp.Pow(10, sp.Float(value - whole, 3), evaluate=False),
                                     sp.Float(mantissa, 3), evaluate=False)),
                          tr(" gives the leading digits.", " 给出有效数字。")))
        results[f"exercise_log10_pow_{float(base)}"] = value
        results[f"exercise_log10_pow_{float(base)}_split"] = [whole, mantissa]
    blocks.append(solution(tr("Split the logarithm into its integer part (the exponent of 10) "
                              "and its fractional part (which gives the leading digits):",
                              "把对数拆成整数部分（10 的指数）和小数部分（给出有效数字）：")))
    return blocks + parts, results


def bound():
    """Exercise 2: the norm of the Jacobian product is at most (γ‖W‖)^T."""
    n = sp.Symbol("n", integer=True, positive=True)
    J, D, W = (sp.MatrixSymbol(name, n, n) for name in ("J_k", "D_k", "W_hh"))
    g, nW = derive.gamma_phi, derive.norm(W)
    h_T, h_0 = sp.Symbol("h_T"), sp.Symbol("h_0")
    product = derive.norm(sp.Derivative(h_T, h_0, evaluate=False))
    return [exercise(2, "The norm bound", "范数上界"),
            Para(tr("Show that the norm of the product of step Jacobians is at most the "
                    "T-th power of the activation's bound times the norm of the weights:",
                    "证明单步雅可比矩阵乘积的范数不超过激活函数导数上界与权重范数之积的 T 次幂：")),
            Display(sp.Le(product, (g * nW) ** T, evaluate=False)),
            solution(tr("Each step Jacobian is ", "每个单步雅可比矩阵为 "),
                     Math(sp.Eq(J, D * W)), tr(", and the norm is submultiplicative, so",
                                               "，且范数满足次乘性，因此")),
            Display(sp.Le(derive.norm(J), derive.norm(D) * nW, evaluate=False),
                    sp.Le(derive.norm(D), g, evaluate=False)),
            Para(tr("because the norm of a diagonal matrix is its largest entry in absolute "
                    "value, and no derivative exceeds its supremum. The product of T such "
                    "factors is bounded by the product of their bounds, which is the claim. "
                    "Note the per-step bound: a single step is bounded by ",
                    "这是因为对角矩阵的范数等于其对角元绝对值的最大值，而导数不会超过其上确界。"
                    "T 个这样的因子之积不超过各自上界之积，即得结论。注意单步的界是 "),
                 Math(g * nW), tr(", not by its T-th power (compare ",
                                  "，而不是它的 T 次幂（对照 "),
                 Ref("tab:audit-one"), tr(").", "）。"))], {}


def sigmoid_gamma():
    """Exercise 3: γ of the sigmoid is 1/4, derived."""
    sigmoid = derive.activation("sigmoid")
    second = sp.simplify(sp.diff(sigmoid.dphi, Z))
    roots = sp.solve(sp.Eq(second, 0), Z)
    top = sp.simplify(sigmoid.dphi.subs(Z, roots[0]))
    return [exercise(3, "The bound of the sigmoid", "sigmoid 的导数上界"),
            Para(tr("Find the supremum of the absolute derivative of the logistic sigmoid.",
                    "求 logistic sigmoid 导数绝对值的上确界。")),
            solution(tr("SymPy differentiates the sigmoid and then its derivative:",
                        "SymPy 先对 sigmoid 求导，再对导数求导：")),
            Display(sp.Eq(sp.Derivative(SIGMA(Z), Z), sigmoid.dphi),
                    sp.Eq(sp.Derivative(SIGMA(Z), (Z, 2)), second)),
            Para(tr("The second derivative vanishes only at ", "二阶导数只在 "),
                 Math(sp.Eq(Z, roots[0])),
                 tr(", where the derivative takes its largest value ", " 处为零，"
                                                                       "导数在那里取最大值 "),
                 Math(top), tr(". So the activation factor of a step, the diagonal matrix ",
                               "。因此一步中的激活因子，即对角矩阵 "), Math(D_K),
                 tr(", multiplies a gradient by at most ", "，至多把梯度乘以 "), Math(top),
                 tr("; the step as a whole, ", "；而整个单步 "), Math(sp.Eq(J_K, D_K * W_K)),
                 tr(", by at most ", " 至多乘以 "), Math(top * derive.norm(W_K)),
                 tr(", which exceeds 1 when the norm of the weights exceeds ",
                    "，当权重的范数大于 "), Math(1 / top),
                 tr(".", " 时它大于 1。"))], \
        {"exercise_sigmoid_gamma": str(top)}


def forget_half_life():
    """Exercise 4: the half-life of the LSTM memory for a forget-gate bias b."""
    formula = derive.forget_bias_horizon()
    b, r = sorted(formula.free_symbols, key=str)   # b_f, r
    values = {bias: float(formula.subs({r: sp.Rational(1, 2), b: bias})) for bias in (0, 1, 5)}
    parts = []
    for bias, value in values.items():
        parts += [Math(sp.Eq(b, bias)), tr(": ", "："), num(value, 4), tr("; ", "；")]
    parts[-1] = tr(".", "。")
    return [exercise(4, "The memory of an LSTM", "LSTM 的记忆"),
            Para(tr("In an LSTM the cell state is multiplied by the forget gate at every step ",
                    "在 LSTM 中，细胞状态每一步都乘以遗忘门 "), Cite("hochreiter1997", "gers2000"),
                 *say(". With inputs and recurrent weights switched off, the gate is the "
                      "sigmoid of its bias $b_f$. After how many steps has the gradient along "
                      "the cell state halved?",
                      "。若输入和循环权重均为零，遗忘门就等于其偏置 $b_f$ "
                      "的 sigmoid 值。沿细胞状态传播的梯度经过多少步会减半？")),
            solution(tr("The gradient is the gate's value to the power T; setting it equal to "
                        "the fraction r and solving for T, SymPy gives",
                        "梯度等于门值的 T 次幂；令其等于比例 r 并解出 T，SymPy 给出")),
            Display(sp.Eq(sp.Symbol("T_r"), formula)),
            Para(tr("For r = 1/2 the half-life is, for ", "取 r = 1/2，半衰期为："), *parts,
                 tr(" A bias of 5 keeps a gradient for about a hundred steps, which is why "
                    "forget-gate biases are initialised positive (", "偏置为 5 "
                                                                     "时梯度可保持约一百步，"
                    "这就是遗忘门偏置要初始化为正数的原因（见"), Ref("sec:gated"), tr(").",
                                                                  "）。"))], \
        {"exercise_forget_half_life": {str(k): v for k, v in values.items()}}


def build(ctx):
    """(Section, results for results.json)."""
    blocks, results = [], {}
    for part in (log_space, bound, sigmoid_gamma, forget_half_life, clipping, jordan,
                 dead_relu):
        more, numbers = part()
        blocks += more
        results.update(numbers)
    section = Section(
        LABEL, TITLE,
        (tr("Seven exercises that practise the computations of these notes, each with a "
            "worked solution whose numbers are computed, not typed.",
            "七道练习本讲义中计算方法的习题，每道都附有解答，其中的数值均由计算得到，而非手写。"),),
        tuple(blocks),
        (tr("Vanishing and exploding gradients come down to a few computations: a power in "
            "log space, a product of norms, a supremum, and the spectrum of a matrix.",
            "梯度消失与梯度爆炸归结为几种计算：对数空间中的幂、范数之积、上确界以及矩阵的谱。"),))
    return section, results
