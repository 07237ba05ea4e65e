"""Section 'sec:remedies': what each standard remedy changes in the product of step Jacobians,
with computed evidence: norm clipping (direction and product unchanged; value clipping, by
contrast, turns the direction: both angles measured on the same gradient), orthogonal and
identity initialisation, gating (recalled from sec:gated) and residual connections
(``remedies_more``).  Numbers from ``remedies_numbers``; results.json key ``remedies``."""

import sympy as sp

import derive
from derive import norm, norm2
from reports.doc import Cite, Display, Heading, Math, Para, Ref, Section, num, tr
from reports.notes import remedies_more
from reports.notes import remedies_numbers as rn
from reports.notes.prose import say
from reports.notes.remedies_direction import kept_direction, value_clipping

LABEL = 'sec:remedies'
SEEDS = dict(rn.SEEDS)   # numpy.random.default_rng(seed)
SEED_NAMES = {"clipping": tr("the clipping example", "梯度裁剪的例子"),
              "orthogonal": tr("the orthogonal initialisation example", "正交初始化的例子"),
              "residual": tr("the residual connection example", "残差连接的例子")}
TITLE = tr('Remedies and what they change', '对策及其作用')
G, THETA = sp.Symbol("ghat"), sp.Symbol("theta", positive=True)   # ĝ: g is the gain
PRODUCT = sp.Derivative(sp.Symbol("h_T"), sp.Symbol("h_0"), evaluate=False)


def clipping_blocks(numbers):
    """Clipping: the rule, then the exploding and the vanishing case as computed."""
    big, small = numbers["cases"]
    rule = sp.Eq(sp.Symbol("ghat_theta"), sp.Piecewise((THETA * G / norm(G), sp.Ge(norm(G), THETA)),
                                                    (G, True)), evaluate=False)
    return (
        Heading(tr("Gradient clipping.", "梯度裁剪。")),
        Para(*say("Let $ghat$ be the gradient of the loss with respect to all parameters, written "
                  "as one vector, and ", "设 $ghat$ 是损失对全部参数的梯度（写成一个向量），"),
             Math(THETA), tr(" a threshold. Algorithm 1 of ", " 是一个阈值。"), Cite("pascanu2013"),
             tr(" rescales a gradient that is too long before the update:",
                " 的算法 1 在更新之前把过长的梯度按比例缩短：")),
        Display(rule),
        Para(*say(f"Take a tanh RNN with $n$ = {rn.CLIP_N} units, $T$ = {rn.CLIP_T} steps and "
                  "a recurrent matrix 1.3 $Q$, where $Q$ is a random orthogonal matrix; $Q$, "
                  "the input weights, the initial state and the inputs are drawn at random (the "
                  "seeds are listed in ",
                  f"取一个 tanh RNN：$n$ = {rn.CLIP_N} 个单元，$T$ = {rn.CLIP_T} 步，循环矩阵为 "
                  "1.3 $Q$，其中 $Q$ 是随机正交矩阵；$Q$、输入权重、初始状态和输入都是随机抽取的"
                  "（种子列在"), Ref("app:reproducibility"),
             *say("), and let $ghat$ be the gradient with respect to $W_hh$ of the squared error "
                  "of $h_T$. Backpropagation gives ", "中），$ghat$ 是对 $W_hh$ 的梯度，损失为 "
                  "$h_T$ 的平方误差。时间反向传播给出 "),
             Math(sp.Eq(norm(G), sp.Float(big["norm_before"], 6))),
             tr(", clipped to ", "，裁剪到 "), Math(sp.Eq(THETA, sp.Float(rn.THRESHOLD, 2))),
             tr(": every part of the gradient is multiplied by the same factor ",
                "：梯度的每个部分都乘以同一个因子 "),
             Math(sp.Eq(THETA / norm(G), sp.Float(big["factor"], 4), evaluate=False)),
             *kept_direction(big),
             tr(" The gradient is a sum of one term per step (", "梯度是每步一项之和（"),
             Ref("sec:worked"),
             tr("); the term of the first step is ", "）；第一步那一项的大小是最后一步那一项的 "),
             num(big["first_to_last"], 4),
             tr(" times that of the last step before clipping and ", " 倍（裁剪前），裁剪后仍为 "),
             num(big["first_to_last_clipped"], 4),
             tr(" times after. The step is bounded, but the balance between distant and near "
                "steps is unchanged, and so is the Jacobian product that produced it: ",
                " 倍。更新步的大小受到了限制，但远近各步之间的比例没有改变，产生它的雅可比矩阵乘积"
                "也没有改变："), Math(sp.Function("log_10")(norm2(PRODUCT))),
             tr(" is ", " 仍为 "), num(big["log10_product_norm"], 4),
             tr(" with or without clipping.", "，裁剪与否都一样。")),
        Para(*say("For a vanishing gradient clipping does nothing at all. With the recurrent "
                "matrix 0.5 $Q$ (same draws) the gradient has ",
                "对于消失的梯度，裁剪完全不起作用。把循环矩阵换成 0.5 $Q$（其余抽样相同），"
                "梯度的 "),
             Math(sp.Eq(norm(G), sp.Float(small["norm_before"], 6))),
             *say(", below the threshold, so the rule returns $ghat$ unchanged, while ",
                  "，低于阈值，规则原样返回 $ghat$，而 "),
             Math(sp.Function("log_10")(norm2(PRODUCT))),
             tr(" is ", " 为 "), num(small["log10_product_norm"], 4),
             tr(" and the first step's term is ", "，第一步那一项只有最后一步那一项的 "),
             num(small["first_to_last"], 4),
             tr(" times the last's: the contributions of distant steps are lost before "
                "clipping is applied. Clipping mitigates exploding gradients; it does not cure "
                "them.", " 倍：远处各步的贡献在裁剪之前就已经丢失了。裁剪能缓解梯度爆炸，但不能"
                "根治它。")),
        value_clipping(big),
    )


def rounding_zero(numbers, tolerance=1e-12):
    """'Zero up to rounding' and 'so does the tanh RNN without input', each said only when
    the measured log10 norms are within ``tolerance`` of 0 (and of each other)."""
    linear, tanh = numbers["log10_norm_linear"], numbers["log10_norm_tanh_no_input"]
    zero = abs(linear) < tolerance
    parts = [tr(" (zero up to rounding)" if zero else "", "（在舍入误差内为零）" if zero else "")]
    if abs(tanh - linear) < tolerance:
        parts.append(tr(", and so does the tanh RNN without input (its state stays at 0, "
                        "where the slope of tanh is 1).", "，没有输入的 tanh RNN 也一样（其状态"
                        "停在 0，那里 tanh 的斜率为 1）。"))
    else:
        parts += [tr("; the tanh RNN without input gives ", "；没有输入的 tanh RNN 给出 "),
                  num(tanh, 3), tr(".", "。")]
    return tuple(p for p in parts if p.en)


def powers_claim(numbers):
    """What the exact check of Q^k found, stated only as found."""
    k = sp.Symbol("k", integer=True, positive=True)
    if numbers["rotation_powers_orthogonal"] and numbers["rotation_powers_norm_one"]:
        return (tr(" in exact rational arithmetic: every power is orthogonal, with singular "
                   "values 1 and 1, so ", "：每个幂都是正交矩阵，奇异值为 1 和 1，因此 "),
                Math(sp.Eq(norm2(sp.Symbol("Q") ** k), 1)), tr(".", "。"))
    return (tr(" in exact rational arithmetic and finds a power that is not orthogonal.",
               "，发现有一个幂不是正交矩阵。"),)


def orthogonal_blocks(numbers):
    """Orthogonal and identity initialisation: the exact rotation, the measured products."""
    Q, k = sp.Symbol("Q"), sp.Symbol("k", integer=True, positive=True)
    rnn = derive.RNN(2, activation="relu", W_hh=sp.eye(2))
    named = {a: sp.Symbol(f"a_{i + 1}") for i, a in enumerate(derive.pre_activation(rnn, 1))}
    relu = derive.step_jacobian(rnn, 1, local=True).xreplace(named)
    z, act = sp.Symbol("z"), derive.activation("relu")
    return (
        Heading(tr("Orthogonal and identity initialisation.", "正交初始化与单位矩阵初始化。")),
        Para(*say("For the linear RNN (", "对线性 RNN（"),
             Math(sp.Eq(sp.Function("varphi")(sp.Symbol("z")), sp.Symbol("z"))),
             *say(") every step Jacobian is $W_hh$, so ",
                  "），每一步的雅可比矩阵都是 $W_hh$，因此 "),
             Math(sp.Eq(PRODUCT, sp.Symbol("W_hh") ** derive.T, evaluate=False)),
             *say(". An orthogonal matrix (one whose columns are orthonormal) has all its singular "
                "values equal to 1, and so has every power of it; so the product keeps norm "
                "exactly 1 for every $T$ ", "。正交矩阵（各列标准正交）的奇异值全部等于 1，"
                "它的每个幂也一样；因此对任意 $T$，乘积的范数恰好保持为 1（"),
             Cite("saxe2014", "arjovsky2016"),
             tr(". SymPy checks this exactly for the rotation",
                "）。SymPy 对如下旋转矩阵精确地验证了这一点：")),
        Display(sp.Eq(Q, rn.ROTATION, evaluate=False),
                sp.Eq(Q ** 3, rn.ROTATION ** 3, evaluate=False)),
        Para(*say(f"For $k$ = 1 to {rn.POWERS} it computes ",
                  f"对 $k$ = 1 到 {rn.POWERS}，它用精确的有理数运算计算 "), Math(Q ** k),
             *powers_claim(numbers)),
        Para(*say(f"Numerically, with a random orthogonal $W_hh$ of {rn.N} units (seed in ",
                  f"数值上，取一个随机正交矩阵 $W_hh$，共 {rn.N} 个单元（种子见"),
             Ref("app:reproducibility"),
             tr(f"), the linear RNN gives log10 of the product norm {numbers['T']} steps back "
                "equal to ", f"），线性 RNN 在 {numbers['T']} 步后乘积范数的 log10 为 "),
             num(numbers["log10_norm_linear"], 3), *rounding_zero(numbers),
             tr(" Driven by inputs ", "当输入为 "),
             Math(sp.Eq(sp.Symbol("x_k"), sp.Float(rn.DRIVE, 2) * sp.Symbol("epsilon_k"))),
             tr(" with standard normal noise, tanh saturates and the measured growth is ",
                "（标准正态噪声）时，tanh 会饱和，测得每步变化 "),
             num(numbers["log10_growth_per_step_tanh_driven"], 4),
             tr(" decades per step, below 0: saturation (", " 个数量级（为负，即衰减）：饱和（"),
             Ref("sec:saturation"),
             tr(") still pulls the gradient down, whatever the initialisation.",
                "）依然会把梯度往下拉，无论怎样初始化。")),
        Para(tr("The IRNN of ", ""), Cite("le2015"),
             *say(" instead starts from $W_hh$ = $I$ (the identity matrix) with the ReLU, ",
                  " 提出的 IRNN 则从 $W_hh$ = $I$（单位矩阵）与 ReLU "),
             Math(sp.Eq(sp.Function("varphi")(z), sp.Max(0, z))),
             *say(". SymPy derives the slope and, for two units with pre-activations $a_1$ "
                  "and $a_2$, the first step Jacobian:",
                  " 出发。SymPy 推导出其斜率，以及两个单元（预激活值为 $a_1$ 与 $a_2$）的第一步"
                  "雅可比矩阵：")),
        Display(sp.Eq(derive.dphi(z), act.dphi.subs(act.variable, z), evaluate=False),
                sp.Eq(sp.Symbol("J_1"), relu, evaluate=False)),
        Para(tr("the identity on the units that are active (a positive pre-activation) and 0 "
                "on the others. With positive inputs (here the absolute values of the noise "
                "above, starting from the zero state) every pre-activation is positive, every "
                "unit stays active, and log10 of the product norm after "
                f"{numbers['T']} steps is ",
                "即在激活的单元（预激活值为正）上是单位矩阵，在其余单元上为 0。输入为正时"
                "（这里取上面噪声的绝对值，从零状态出发），每个预激活值都为正，每个单元都保持激活，"
                f"{numbers['T']} 步后乘积范数的 log10 为 "),
             num(numbers["log10_norm_irnn"], 3),
             *say(": nothing is lost, but nothing bounds the growth either once $W_hh$ moves "
                  "away from $I$ in training.",
                  "：没有任何损失；但训练使 $W_hh$ 偏离 $I$ 之后，也没有什么能限制它的增长。")),
    )


def build(ctx):
    """(Section, results for results.json)."""
    clip, orth = rn.clipping(), rn.orthogonal()
    more_blocks, more = remedies_more.blocks(ctx, orth)
    blocks = (Para(tr("Four remedies are in common use. For each we ask what it changes in the "
                      "product of step Jacobians, and compute an example.",
                      "常用的对策有四种。对每一种，我们都问：它改变了单步雅可比矩阵乘积中的"
                      "什么？并计算一个例子。")),
              *clipping_blocks(clip), *orthogonal_blocks(orth), *more_blocks)
    learn = (tr("What gradient clipping, orthogonal or identity initialisation, gating and "
                "residual connections each change in the product of step Jacobians, and what "
                "they leave unchanged.",
                "梯度裁剪、正交或单位矩阵初始化、门控以及残差连接，各自改变了单步雅可比矩阵乘积中"
                "的什么，又有什么没有改变。"),)
    takeaway = (tr("Clipping only bounds the update; initialisation sets where the product "
                   "starts; gates and residual connections change the step Jacobian itself, "
                   "adding an identity-like path, and are the remedies that keep distant "
                   "gradients alive.",
                   "裁剪只限制更新步的大小；初始化只决定乘积从哪里出发；门控和残差连接改变的是单步"
                   "雅可比矩阵本身，加入了一条近似单位矩阵的路径，它们才是让远处梯度保持下来的对策。"),)
    results = {"remedies": {"clipping": clip, "orthogonal": orth, **more}}
    return Section(LABEL, TITLE, learn, blocks, takeaway), results
