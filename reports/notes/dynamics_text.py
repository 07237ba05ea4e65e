"""The prose of 'sec:dynamics' (the numbers come from ``reports.notes.dynamics``)."""

import sympy as sp

import derive
from reports.doc import Cite, Display, Math, Para, Ref, num, tr

A_, W_ = sp.Symbol("A"), sp.Symbol("W")
K = sp.Symbol("k", integer=True, positive=True)
RHO, SIGMA = sp.Function("rho"), sp.Symbol("sigma_max")


def gelfand_text(matrix, rho, sigma):
    """The linear system, Gelfand's formula and the 3x3 example."""
    n = sp.Symbol("n", integer=True, positive=True)
    A, s_t = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("s_t", n, 1)
    system = sp.Eq(sp.MatrixSymbol("s_{t+1}", n, 1), A * s_t)
    after = sp.Eq(sp.MatrixSymbol("s_{t+k}", n, 1), A ** K * s_t)
    formula = sp.Eq(RHO(A_), sp.Limit(derive.norm(A_ ** K) ** (1 / K), K, sp.oo))
    return (
        Para(tr("The second source article ", "第二篇原文"), Cite("seed003"),
             tr(" compares back-propagation through time with a linear dynamical system: a "
                "state s is multiplied by the same matrix A at every step,",
                "把时间反向传播比作一个线性动力系统：状态 s 在每一步都乘以同一个矩阵 A，")),
        Display(system, after),
        Para(tr("In the backward pass the state is the gradient and A is a step Jacobian, "
                "transposed. When every step has the same Jacobian (a linear RNN), the "
                "gradient after k steps is exactly such a power. Which property of A decides "
                "whether its powers vanish or explode? The answer is Gelfand's formula ",
                "在反向传播中，状态就是梯度，A 是单步雅可比矩阵的转置。若每一步的雅可比矩阵都相同"
                "（线性 RNN），k 步之后的梯度恰好就是这样的幂。那么 A "
                "的什么性质决定其幂是消失还是爆炸？"
                "答案是 Gelfand 公式"),
             Cite("gelfand1941", "hornjohnson2013"),
             tr(", valid for every matrix norm:", "，它对任意矩阵范数都成立：")),
        Display(formula),
        Para(tr("Here the spectral radius is the largest modulus of an eigenvalue. If it is "
                "below 1 the powers go to zero; if it is above 1 they grow without bound. "
                "The spectral norm, the largest singular value, is never smaller than the "
                "spectral radius, so it only gives an upper bound. For example, for",
                "其中谱半径是特征值模的最大值。谱半径小于 1 时幂趋于零，大于 1 时幂无界增长。"
                "谱范数（即最大奇异值）不小于谱半径，因此它只给出一个上界。例如对")),
        Display(sp.Eq(A_, matrix, evaluate=False)),
        Para(tr("SymPy finds exactly ", "SymPy 精确求得 "), Math(sp.Eq(RHO(A_), rho)),
             tr(", while ", "，而 "), Math(sp.Eq(derive.norm2(A_), sigma)),
             tr(", which is about ", "，约为 "), num(float(sigma), 7),
             tr(". ", "。"), Ref("tab:gelfand"),
             tr(" shows the k-th root of the norm of the k-th power approaching 10.",
                " 显示 A 的 k 次幂的范数开 k 次方后逐渐趋近 10。")),
    )


def transient_text(W, rho, sigma):
    """The non-normal matrix: ρ < 1, yet the first powers have norm > 1."""
    k = K
    power = sp.Eq(W_ ** k, sp.simplify(W ** k), evaluate=False)
    return (
        Para(tr("A common confusion is to think that a spectral radius below 1 makes every "
                "power of the matrix small. It makes the powers small in the long run only. "
                "Take", "一个常见的误解是：谱半径小于 1，矩阵的每个幂就都很小。"
                "事实上它只保证长期变小。取")),
        Display(sp.Eq(W_, W, evaluate=False), power),
        Para(tr("Its eigenvalues are both ", "它的两个特征值都是 "), Math(rho),
             tr(", so its powers vanish, but its largest singular value is ",
                "，因此其幂最终消失；但它的最大奇异值为 "), Math(sigma),
             tr(", about ", "，约为 "), num(float(sigma), 6),
             tr(". The off-diagonal entry of the k-th power, displayed above, is k times a "
                "power of the eigenvalue: the factor k first outweighs the decaying power, so "
                "the entry and the norm grow for several steps and stay above 1 for many more "
                "before they decay (",
                "。上面给出的 k 次幂的非对角元等于 k 乘以特征值的幂：起初因子 k 的增长胜过幂的"
                "衰减，因此非对角元和范数会先增长若干步，并在更多步内保持大于 1，之后才衰减（"),
             Ref("tab:transient"),
             tr("). Such a matrix is called non-normal: it does not commute with its "
                "transpose. A gradient passed through it grows before it vanishes, so a short "
                "sequence can show a large gradient although a long one would show a "
                "vanishing one.", "）。这样的矩阵称为非正规矩阵：它与自身的转置不可交换。"
                "经过它传播的梯度会先增长后消失，因此短序列上可能出现很大的梯度，而长序列上梯度却会消失。")),
    )


def edge_of_chaos(numbers):
    """Random W_hh = g W0 with W0 ~ N(0, 1/n): the transition near g = 1."""
    gauss, ortho = numbers["gaussian"], numbers["orthogonal"]
    return (
        Para(tr("The edge of chaos. Random recurrent networks are usually initialised with "
                "entries of W0 drawn independently from a normal distribution with mean 0 and "
                "variance 1/n, and then scaled by a gain g. For large n the eigenvalues of W0 "
                "fill the unit disc, so the spectral radius of g times W0 is close to g. "
                "Sompolinsky, Crisanti and Sommers ", "混沌边缘。随机循环网络通常这样初始化："
                "W0 的元素独立地取自均值 0、方差 1/n 的正态分布，再乘以增益 g。n 很大时 W0 的特征值"
                "充满单位圆盘，因此 g 乘以 W0 的谱半径接近 g。Sompolinsky、Crisanti 和 Sommers "),
             Cite("sompolinsky1988"),
             tr(" showed that such a tanh network changes character at g = 1: below, its "
                "activity decays to a fixed point; above, it becomes chaotic. For gradients, "
                "g = 1 is where the linearised product switches from vanishing to exploding.",
                "证明了这样的 tanh 网络在 g = 1 处性质发生转变：g 小于 1 时活动衰减到不动点，"
                "大于 1 时进入混沌。对梯度而言，g = 1 是线性化后的乘积从消失转为爆炸的分界。")),
        Para(tr("For the draws of ", "在 "), Ref("fig:gain-sweep"),
             tr(" with n = 32, the Gaussian W0 has spectral radius ",
                " 的抽样中（n = 32），高斯 W0 的谱半径为 "), num(gauss["rho_W0"], 4),
             tr(" and the orthogonal one ", "，正交 W0 的谱半径为 "), num(ortho["rho_W0"], 4),
             tr(". Because tanh saturates, the measured gradient does not start to grow at "
                "g = 1 but only at about g = ", "。由于 tanh 会饱和，实测的梯度并不是在 g = 1 "
                                                "处开始"
                "增长，而是分别在大约 g = "), _gain(gauss["crossing_gain"]),
             tr(" (Gaussian) and g = ", "（高斯）和 g = "), _gain(ortho["crossing_gain"]),
             tr(" (orthogonal): the condition on the norm is necessary for exploding, not "
                "sufficient.", "（正交）处：范数条件对梯度爆炸是必要的，而不是充分的。")),
    )


def _gain(value):
    return tr("(none)", "（无）") if value is None else num(value, 3)
