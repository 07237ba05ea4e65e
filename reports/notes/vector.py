"""Section 'sec:vector': the vector RNN.  The step Jacobian J_k = D_k W_hh with
D_k = diag(φ'(a_k)), the product ∂h_T/∂h_0 = J_T ⋯ J_1, the bound
‖∂h_j/∂h_i‖ ≤ (γ_φ‖W_hh‖₂)^{j−i}, the regime conditions it gives, the gain γ_φ = sup|φ'| of
every registered activation (``reports.notes.vector_gain``), the linear case (Gelfand), and the
worked 2×2 example of ``reports.notes.vector_example``."""

import dataclasses

import sympy as sp

import derive
from derive import T as T_
from derive import gamma_phi, k, norm, norm2, z
from reports.doc import Cite, Display, Heading, Math, Para, Ref, Section, Steps, tr
from reports.notes import vector_example, vector_gain

LABEL = 'sec:vector'
TITLE = tr('The vector case: Jacobians, products and bounds', '向量情形：雅可比矩阵、乘积与界')
N, T_SHOWN = 2, 4                      # the derivation shown: tanh, n = 2 hidden units, T = 4
W = sp.MatrixSymbol("W_hh", N, N)
GAIN = gamma_phi * norm2(W)


def derivation_steps():
    """(steps before the wide one, the wide step J_T entry by entry, steps after it): the
    n = 2 tanh derivation's Jacobian, product and norm steps for T = 4."""
    rnn = derive.RNN(N, activation="tanh")
    jacobians = derive.jacobian_steps(rnn, T_SHOWN)
    after = tuple(derive.product_steps(rnn, T_SHOWN)) + tuple(derive.norm_steps(rnn))
    return (tuple(jacobians[:-1]), jacobians[-1],
            tuple(shown for step in after for shown in readable(step)))


class max_over_units(derive.max_abs):  # noqa: N801 - reads as max_l |x| in formulas
    """max_l |v_l| over the units l (i is the earlier time step in the same derivation)."""

    template, text = r"\max_{l} \left|%s\right|", "max_l |%s|"
    pretty = ("maxₗ ", "|", "|", "")


def readable(step):
    """The derivation's step as the notes print it: every norm the spectral norm ‖·‖₂, the
    product from k = i + 1, the unit index l (not i, a time index here), and the 2×2 norm in
    its compact form ‖W_hh‖₂² = (S + √(S² − 4 det(W_hh)²))/2 with S the sum of squares."""
    relation = step.relation
    if isinstance(relation, sp.Eq) and isinstance(relation.rhs, sp.Pow) \
            and relation.lhs in (norm(W), norm2(W)):
        return compact_norm(step)
    return (dataclasses.replace(step, relation=swap(relation)),)


def swap(expr):
    """``readable``'s replacements, inside relations and implications alike."""
    if isinstance(expr, sp.core.relational.Relational):
        return type(expr)(swap(expr.lhs), swap(expr.rhs), evaluate=False)
    if isinstance(expr, sp.logic.boolalg.BooleanFunction):
        return expr.func(*(swap(arg) for arg in expr.args))
    return (expr.replace(lambda e: isinstance(e, norm), lambda e: norm2(e.args[0]))
            .replace(lambda e: isinstance(e, sp.Product), ordered_limits)
            .replace(lambda e: isinstance(e, derive.max_abs),
                     lambda e: max_over_units(e.args[0].xreplace(UNIT))))


UNIT = {sp.Symbol("a_{k,i}"): sp.Symbol("a_{k,l}")}


def ordered_limits(product):
    """∏ from k = i + 1 (SymPy's canonical order prints 1 + i)."""
    term, (index, low, high) = product.args
    return sp.Product(term, (index, sp.Add(*sorted(low.args, key=lambda a: a.is_number),
                                           evaluate=False), high))


def compact_norm(step):
    """‖W_hh‖₂² = (S + √(S² − 4 det(W_hh)²))/2 with S = Σ w_ij², for the 2×2 W_hh of entries
    w_ij: the largest eigenvalue of W_hhᵀ W_hh (trace S, determinant det(W_hh)²); the same
    value as the derivation's closed form (a test compares them)."""
    entries = step.relation.rhs.free_symbols
    squares = sp.Add(*(sp.Pow(w, 2) for w in sorted(entries, key=str)), evaluate=False)
    det = sp.Function("det")(W)
    norm_squared = sp.Eq(norm2(W) ** 2,
                         (SQUARES + sp.sqrt(SQUARES ** 2 - 4 * det ** 2)) / 2, evaluate=False)
    return (dataclasses.replace(step, relation=norm_squared),
            derive.Step(sp.Eq(SQUARES, squares, evaluate=False),
                        *derive.reason("the sum of the squared entries of ", W)))


SQUARES = sp.Symbol("S")


def opening():
    n, m = sp.symbols("n m")
    a_k, h = sp.MatrixSymbol("a_k", n, 1), sp.MatrixSymbol("h_{k-1}", n, 1)
    recurrence = sp.Eq(a_k, sp.MatAdd(sp.MatrixSymbol("W_hh", n, n) * h,
                                      sp.MatrixSymbol("W_xh", n, m) * sp.MatrixSymbol("x_k", m, 1),
                                      sp.MatrixSymbol("b_h", n, 1), evaluate=False),
                       evaluate=False)
    return (
        Para(tr("With n hidden units the state ", "当隐藏层有 n 个单元时，状态 "),
             Math(sp.Symbol("h_k")), tr(" is a vector of n numbers, the input ", " 是由 n "
                                                                                 "个数组成的向量，"
                                                                                 "第 k 步的输入 "),
             Math(sp.Symbol("x_k")), tr(" at step k a vector of m numbers, and the recurrence "
                                        "reads ", " 是由 m 个数组成的向量，递推关系为 "),
             Math(recurrence), tr(" and ", "以及 "),
             Math(sp.Eq(sp.Symbol("h_k"), sp.Function("varphi")(sp.Symbol("a_k")), evaluate=False)),
             tr(", the activation applied to every entry. Below, SymPy derives each step for a "
                "tanh RNN with ", "，激活函数逐元素作用。下面由 SymPy 对一个 "),
             Math(sp.Eq(sp.Symbol("n"), N)), tr(" units and ", "、"),
             Math(sp.Eq(sp.Symbol("T"), T_SHOWN)),
             tr(" steps, with symbolic weights: ", " 的 tanh 循环神经网络逐步推导，权重取符号："),
             Math(sp.Symbol("w_ij")), tr(" is the entry of ", " 是 "), Math(W),
             tr(" in row i and column j, ", " 第 i 行第 j 列的元素，"),
             Math(sp.Symbol("u_i")), tr(" and ", " 和 "), Math(sp.Symbol("b_i")),
             tr(" are the entries of ", " 分别是 "), Math(sp.Symbol("W_xh")), tr(" and ", " 和 "),
             Math(sp.Symbol("b_h")), tr(", and ", " 的元素，"), Math(sp.Symbol("h_{k,i}")),
             tr(" is entry i of ", " 是 "), Math(sp.Symbol("h_k")),
             tr(". The chain rule gives the step Jacobian, a diagonal matrix of derivatives "
                "times the recurrent weights:",
                " 的第 i 个元素。链式法则给出单步雅可比矩阵："
                "一个由导数构成的对角矩阵乘以循环权重："))),


def bound_paragraphs():
    return (
        Para(tr("Multiplying the step Jacobians is what the scalar case did with ",
                "把各步雅可比矩阵相乘，相当于标量情形中把 "),
             Math(sp.Symbol("w")), tr(": the factor ", " 连乘：标量情形中的因子 "),
             Math(sp.Pow(sp.Symbol("w"), T_)), tr(" becomes the matrix product above. A product "
                                                  "of matrices has no single number that "
                                                  "describes it, but its norm has an upper "
                                                  "bound: the spectral norm ",
                                                  " 变成了上面的矩阵乘积。矩阵乘积没有一个单独的数"
                                                  "能完全刻画它，但它的范数有上界：谱范数 "),
             Math(norm2(W)), tr(" (the largest singular value) is submultiplicative, and ",
                                "（最大奇异值）满足次乘性，而 "),
             Math(norm2(sp.MatrixSymbol("D_k", N, N))),
             tr(" is the largest absolute value of a derivative on the diagonal, at most ",
                " 等于对角线上导数绝对值的最大者，至多为 "),
             Math(gamma_phi),
             tr(". For two time steps ", "。对两个时间步 "),
             Math(sp.Lt(sp.Symbol("i"), sp.Symbol("j"), evaluate=False)),
             tr(" (here i and j count steps, and l counts units):",
                "（这里 i 和 j 表示时间步，l 表示单元）：")),
    ), (
        Para(tr("Two conditions follow for long sequences, T growing without end. They are "
                "the conditions that Pascanu, Mikolov and Bengio derive in their analysis of "
                "the mechanics of the problem", "由此得到关于长序列（T 无限增大）的两个条件。"
                "它们正是 Pascanu、Mikolov 与 Bengio 在分析该问题的机制时推导的条件"),
             Cite("pascanu2013"), tr(":", "：")),
        Steps(tuple(s for step in derive.implications(GAIN, N) for s in readable(step))),
        Para(tr("The first is sufficient: if ", "第一个条件是充分条件：只要 "),
             Math(sp.Lt(GAIN, 1, evaluate=False)),
             tr(", the bound itself shrinks geometrically and the gradient must vanish. The "
                "second is only necessary: the bound can grow while the true product shrinks, "
                "because the derivatives on the diagonal are often much smaller than ",
                "，界本身就按几何级数缩小，梯度必然消失。第二个条件只是必要条件：界可以增长，"
                "而真实的乘积却在缩小，因为对角线上的导数往往远小于 "),
             Math(gamma_phi), tr(" (", "（"), Ref("sec:saturation"),
             tr(" shows how). So a large recurrent weight does not by itself make the gradient "
                "explode.", "）。所以循环权重大并不意味着梯度一定爆炸。")),
    )


JORDAN = sp.Matrix([[1, 1], [0, 1]])   # the example of a Jordan block on the unit circle


def linear_case():
    rho = sp.Function("rho", real=True)(W)
    gelfand = sp.Eq(sp.Limit(norm2(W**k) ** (1 / k), k, sp.oo), rho, evaluate=False)
    growth = derive.linear_growth(JORDAN)          # ρ = 1, one block of size 2: order 1
    [eigenvalue] = JORDAN.eigenvals()
    return (
        Heading(tr("The linear RNN", "线性循环神经网络")),
        Para(tr("For the identity activation ", "对于恒等激活函数 "),
             Math(sp.Eq(sp.Function("varphi")(z), z, evaluate=False)),
             tr(" every derivative is 1, the product is exactly ",
                "，每个导数都等于 1，乘积恰好是 "),
             Math(W**T_), tr(", and Gelfand's formula", "，而 Gelfand 公式"), Cite("gelfand1941"),
             tr(" says how its norm behaves:", " 刻画了其范数的行为：")),
        Display(gelfand),
        Para(tr("Here ", "其中 "), Math(rho), tr(" is the spectral radius, the largest modulus of "
                                                "an eigenvalue. The gradient vanishes if ",
                                                " 是谱半径，即特征值模的最大值。若 "),
             Math(sp.Lt(rho, 1, evaluate=False)), tr(" and explodes if ", " 则梯度消失，若 "),
             Math(sp.Gt(rho, 1, evaluate=False)),
             tr(", both geometrically. At ", " 则梯度爆炸，两者都是几何式的。当 "),
             Math(sp.Eq(rho, 1, evaluate=False)),
             tr(" the spectral radius alone does not decide; the Jordan blocks of the eigenvalues "
                "of modulus 1 do. The product stays bounded if and only if every such eigenvalue "
                "is semisimple (all its Jordan blocks have size 1); a block of size 2 makes the "
                "norm grow like ",
                " 时谱半径本身不能决定结果，起决定作用的是模为 1 的特征值的若尔当块：乘积有界"
                "当且仅当每个这样的特征值都是半单的（它的若尔当块大小都为 1）；大小为 2 的若尔当块"
                "使范数按 "),
             Math(T_), tr(", a block of size 3 like ", " 增长，大小为 3 的按 "), Math(T_**2),
             tr(", and so on: without bound, but only polynomially. For example",
                " 增长，依此类推：没有上界，但只是多项式增长。例如")),
        Display(sp.Eq(W, JORDAN, evaluate=False),
                sp.Eq(sp.MatPow(W, T_), JORDAN**T_, evaluate=False)),
        Para(tr("Its eigenvalue ", "其特征值 "), Math(eigenvalue),
             tr(" has a Jordan block of size ", " 有一个大小为 "),
             Math(sp.Integer(growth.unit_block)),
             tr(" and the norm grows like ", " 的若尔当块，范数按 "), Math(T_ ** growth.order),
             tr(". And ", " 增长。另外，"), Math(sp.Lt(rho, 1, evaluate=False)),
             tr(" decides the limit, not the first steps: a non-normal matrix can grow for many "
                "steps before it decays. ", " 决定的是极限，而不是最初的若干步：非正规矩阵可以先"
                "增长许多步再衰减。"),
             Ref("sec:dynamics"),
             tr(" shows such a matrix and returns to this view of the product as a dynamical "
                "system.", "给出了这样一个矩阵，并将从动力系统的角度再次讨论这个乘积。")))


def build(ctx):
    """(Section, results for results.json)."""
    before, wide, after = derivation_steps()
    gain, gains = vector_gain.blocks(W)
    example, example_results = vector_example.blocks()
    bound, conditions = bound_paragraphs()
    blocks = (*opening(), Steps(before),
              Para(tr("Written out for the last step, ", "对最后一步 "),
                   Math(sp.Eq(k, T_SHOWN)), tr(", entry by entry:", " 逐元素写出：")),
              Display(wide.relation), *bound, Steps(after), *conditions,
              *gain, *linear_case(), *example)
    learn = (tr("How the scalar factor becomes a product of step Jacobians, which bound its "
                "norm obeys, which conditions for vanishing and exploding gradients follow, and "
                "how an exact 2 by 2 example is checked by numbers.",
                "标量因子如何变成单步雅可比矩阵的乘积，其范数满足什么上界，由此得到梯度消失与梯度爆炸"
                "的哪些条件，以及如何用数值核验一个精确的 2×2 例子。"),)
    takeaway = (Math(sp.Lt(GAIN, 1, evaluate=False)),
                tr(" guarantees vanishing; ", " 保证梯度消失；"),
                Math(sp.Gt(GAIN, 1, evaluate=False)),
                tr(" permits exploding but does not cause it. Only for the linear RNN do the "
                   "eigenvalues decide: the spectral radius, and where it equals 1 the Jordan "
                   "blocks of the eigenvalues of modulus 1.",
                   " 只是允许梯度爆炸，并不导致爆炸。只有对线性循环神经网络，特征值才能决定结果："
                   "谱半径决定，谱半径等于 1 时由模为 1 的特征值的若尔当块决定。"))
    return (Section(LABEL, TITLE, learn, blocks, takeaway),
            {**gains, **example_results})
