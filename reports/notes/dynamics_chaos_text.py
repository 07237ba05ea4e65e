"""The prose of the edge-of-chaos figure and of the predictability horizon in 'sec:dynamics'
(the numbers come from ``reports.notes.dynamics_chaos``)."""

import math

import sympy as sp

import derive
from reports.doc import Cite, Code, Display, Figure, Items, Math, Para, Ref, num, tr
from reports.notes.dynamics_chaos_reading import edge_reading, edge_sentence, matrix_sentence

S = sp.Symbol("S", integer=True, positive=True)
K, I_, T = sp.Symbol("k", integer=True, positive=True), sp.Symbol("i", integer=True,
                                                                    positive=True), derive.T
LAMBDA_I, LAMBDA_MAX = sp.Symbol("lambda_i"), sp.Symbol("lambda_max")
SIGMA, GAMMA, G = sp.Symbol("sigma_max"), derive.gamma_phi, sp.Symbol("g", positive=True)
EPS, T_STAR = sp.Symbol("epsilon", positive=True), sp.Symbol("T^*")
H_T, H_0 = sp.Symbol("h_T"), sp.Symbol("h_0")
COMMAND = "rnngrad lyapunov --cell elman --hidden 256 --gain 2 --T 1000"


def qr_formulas():
    """J_k Q_{k−1} = Q_k R_k and λ_i = (1/T) Σ_k log |(R_k)_ii| (SymPy)."""
    J, Q0, Q1, R = (sp.MatrixSymbol(name, S, S) for name in ("J_k", "Q_{k-1}", "Q_k", "R_k"))
    diagonal = sp.Indexed(sp.IndexedBase("R_k"), I_, I_)
    return (sp.Eq(J * Q0, Q1 * R),
            sp.Eq(LAMBDA_I, sp.Sum(sp.log(sp.Abs(diagonal)), (K, 1, T)) / T))


def gradient_rate():
    """λ_max = lim_T (1/T) log ‖∂h_T/∂h_0‖ (SymPy)."""
    product = derive.norm(sp.Derivative(H_T, H_0, evaluate=False))
    return sp.Eq(LAMBDA_MAX, sp.Limit(sp.log(product) / T, T, sp.oo))


def horizon_formula():
    """T* = ln(1/ε)/λ_max (SymPy)."""
    return sp.Eq(T_STAR, sp.log(1 / EPS) / LAMBDA_MAX)


def horizon_steps(numbers):
    """T* rounded to whole steps (an estimate: its fraction carries no meaning)."""
    return sp.Integer(round(numbers["horizon_steps"]))


def power_of(base, value):
    """``value`` as base^e (an exact power of ``base``), unevaluated, for printing."""
    exponent = round(math.log(value, base))
    if not math.isclose(float(base) ** exponent, value, rel_tol=1e-12):
        raise ValueError(f"{value!r} is not a power of {base}")
    return sp.UnevaluatedExpr(base) ** exponent


def chaos_text(numbers, sizes, seeds, steps):
    """The paragraph on Lyapunov exponents, the figure, and what it shows."""
    low, high = num(numbers["bound_gap_min"], 3), num(numbers["bound_gap_max"], 3)
    reading = edge_reading(numbers)
    n_small, n_big = sizes
    T_small, B_small = steps[n_small]
    T_big, B_big = steps[n_big]
    return (
        Para(tr("Lyapunov exponents. The spectral radius describes one fixed matrix. A driven "
                "tanh network has a different step Jacobian at every step, the diagonal "
                "matrix of the slopes of tanh times g times W0, and what decides whether "
                "small perturbations of its trajectory, and with them the gradients, grow or "
                "shrink along that trajectory is the largest Lyapunov exponent ",
                "李雅普诺夫指数。谱半径描述的是一个固定的矩阵。受输入驱动的 tanh 网络每一步的"
                "单步雅可比矩阵都不同（tanh 斜率构成的对角矩阵乘以 g 再乘以 W0）；决定其轨迹上的"
                "微小扰动（以及随之而来的梯度）沿轨迹增长还是衰减的，是最大李雅普诺夫指数 "),
             Cite("benettin1980", "engelken2020", "vogt2022"), tr(", written ", "，记为 "),
             Math(LAMBDA_MAX),
             tr(". It is computed by the QR method of Benettin and co-authors: start from "
                "orthonormal columns, multiply by the step Jacobian, factor the product into "
                "an orthonormal Q and an upper triangular R, and repeat with Q. The exponents "
                "are the average logarithms of the diagonal of R (natural logarithm per step, "
                "largest first; the first steps, the burn-in, are run but not counted):",
                "。它用 Benettin 等人的 QR 方法计算：从一组正交归一的列向量出发，乘以单步雅可比"
                "矩阵，把乘积分解为正交归一的 Q 与上三角的 R，再用 Q 继续。各指数就是 R 的对角元"
                "取对数后的平均值（每步的自然对数，从大到小排列；最初的若干步为预热步，"
                "照常计算但不计入平均）：")),
        Display(*qr_formulas()),
        Para(tr("Re-orthonormalising at every step keeps the columns from all collapsing onto "
                "the fastest-growing direction, and the product from overflowing. The largest "
                "exponent is the growth rate of the gradient itself,",
                "每一步都重新正交化，既防止各列全部倒向增长最快的方向，也防止乘积溢出。"
                "最大指数正是梯度本身的增长率：")),
        Display(gradient_rate()),
        Para(tr("so that, for long sequences, the norm of the gradient grows or shrinks like ",
                "因此对长序列，梯度的范数大致按 "), Math(sp.exp(LAMBDA_MAX * T)),
             tr(". Since every step Jacobian has norm at most ", " 增长或衰减。由于每个单步"
                "雅可比矩阵的范数不超过 "), Math(GAMMA * SIGMA),
             tr(", the exponent can never exceed the bound's rate: ",
                "，指数永远不会超过上界的增长率："),
             Math(sp.Le(LAMBDA_MAX, sp.log(GAMMA * SIGMA))), tr(".", "。")),
        Para(Ref("fig:edge-of-chaos"),
             tr(f" shows the largest exponent against the gain for n = {n_small} and "
                f"n = {n_big}, two random draws each (T = {T_small} steps of which {B_small} "
                f"are burn-in for n = {n_small}, T = {T_big} with {B_big} for n = {n_big}; the "
                "running estimate moves by at most ",
                f" 给出了最大指数随增益的变化，n = {n_small} 与 n = {n_big} 各两次随机抽样"
                f"（n = {n_small} 时 T = {T_small} 步，其中 {B_small} 步为预热；n = {n_big} 时 "
                f"T = {T_big} 步，其中 {B_big} 步为预热；在后一半步数内运行估计值的变化不超过 "),
             num(numbers["convergence_max"], 2),
             tr(" over the last half of the steps). The exponent crosses zero near g = 1, as "
                "the theory of random networks predicts ",
                "）。指数在 g = 1 附近穿过零，正如随机网络理论所预言的 "),
             Cite("sompolinsky1988", "chen2018"),
             tr(": this is the edge of chaos.", "：这就是混沌边缘。"), *edge_sentence(reading),
             tr(" Below the edge, perturbations and gradients shrink by the factor ",
                "在混沌边缘以下，扰动和梯度每步缩小为原来的 "),
             Math(sp.exp(LAMBDA_MAX)),
             tr(" per step; above it, neighbouring trajectories separate exponentially and "
                "the network is chaotic. Mean-field theory relates this transition to "
                "trainability: signals and gradients travel furthest in networks initialised "
                "near it ", " 倍；在其以上，相邻轨迹以指数速度分离，网络处于混沌状态。平均场理论"
                "把这一转变与可训练性联系起来：初始化在其附近的网络，信号和梯度能传得最远 "),
             Cite("chen2018"),
             tr(".", "。"), *matrix_sentence(reading),
             tr(" The bound's rate lies above the exponent at every gain, by ",
                "上界的增长率在每个增益处都高于指数，差距在 "), low,
             tr(" to ", " 到 "), high,
             tr(" per step: over T steps the bound overestimates the gradient by a factor "
                "of at least ", " 之间（每步）：T 步之后，上界对梯度的高估至少是 "),
             Math(sp.exp(sp.Float(numbers["bound_gap_min"], 3) * T)),
             tr(". To compute the exponents of one setting, run ",
                " 倍。要计算某一设置下的指数，可运行 "), Code(COMMAND),
             tr(" (add ", "（加上 "), Code("--k"),
             tr(" to get more than the largest one).", " 可得到不止最大的一个指数）。")),
        Figure("fig:edge-of-chaos", "edge_of_chaos", _caption(numbers, sizes)),
    )


def _caption(numbers, sizes):
    return (
        tr(f"The edge of chaos of a tanh network with recurrent matrix g times W0, W0 with "
           f"entries drawn from a normal distribution with variance 1/n, n = {sizes[0]} "
           f"(blue) and n = {sizes[1]} (red), two draws each (solid and dashed), weakly "
           "driven. Left: the largest Lyapunov exponent (circles) and the bound's rate, the "
           "logarithm of the activation's gain times the largest singular value (dotted). "
           "See the exponent cross zero near g = 1 (the edge of chaos): below, perturbations "
           "and gradients shrink at the rate the exponent gives; above, the trajectory is "
           "chaotic. The bound lies above the exponent everywhere, loose by ",
           f"tanh 网络的混沌边缘，循环矩阵为 g 乘以 W0，W0 的元素取自方差为 1/n 的正态分布，"
           f"n = {sizes[0]}（蓝）与 n = {sizes[1]}（红），各两次抽样（实线与虚线），弱输入"
           "驱动。左图：最大李雅普诺夫指数（圆点）与上界的增长率，即激活函数增益与最大奇异值之积的"
           "对数（点线）。请看指数在 g = 1 附近穿过零（混沌边缘）：在此以下，扰动和梯度按指数"
           "给出的速率衰减；在此以上，轨迹是混沌的。上界处处高于指数，松弛量为每步 "),
        num(numbers["bound_gap_min"], 3), tr(" to ", " 到 "), num(numbers["bound_gap_max"], 3),
        tr(" per step. Right: the logarithms of the spectral radius (circles) and of the largest "
           "singular value (squares) of g times W0, with their large-n limits log g and "
           "log 2g (lines).",
           "。右图：g 乘以 W0 的谱半径（圆点）与最大奇异值（方块）的对数，以及它们在 n 很大时的"
           "极限 log g 与 log 2g（直线）。"),
        tr(" The draws use seeds listed in ", " 抽样所用的种子列在"), Ref("app:reproducibility"),
        tr(".", "中。"))


def horizon_text(numbers):
    """The predictability horizon and the rule behind the sweeps' reliable flag."""
    lam = numbers["horizon_lambda_max"]
    return (
        Para(tr("The predictability horizon. In the chaotic regime every rounding is a "
                "perturbation too. In float64 the relative spacing of numbers (the machine "
                "epsilon) is ", "可预测性时域。在混沌区，每一次舍入本身也是一个扰动。"
                "float64 中数的相对间距（机器精度）为 "),
             Math(sp.Eq(EPS, power_of(2, numbers["horizon_eps"]))),
             tr(", and a rounding error of that size grows like ", "，这一量级的舍入误差按 "),
             Math(EPS * sp.exp(LAMBDA_MAX * sp.Symbol("t"))),
             tr(". After about", " 增长。大约经过")),
        Display(horizon_formula()),
        Para(tr("steps it is as large as the state itself. For g = ",
                "步之后，它就和状态本身一样大。对 g = "),
             Math(sp.nsimplify(numbers["horizon_gain"])),
             tr(f" and n = {numbers['horizon_hidden']} the figure's exponent ",
                f" 和 n = {numbers['horizon_hidden']}，图中的指数 "),
             Math(sp.Eq(LAMBDA_MAX, sp.Float(lam, 3))), tr(" gives ", " 给出 "),
             Math(sp.Eq(T_STAR, horizon_steps(numbers))),
             tr(" steps. Past the horizon, two correct programs that differ only in the order "
                "of their roundings follow different trajectories, and the value of the "
                "logarithm of the gradient norm for one trajectory is a sample of a random "
                "quantity, not a number: only its rate, the logarithm divided by T, is "
                "meaningful (in natural logarithms it tends to the largest exponent). The "
                "sweeps of rnngrad apply one rule to every value:",
                " 步。超过这一时域，两个仅在舍入顺序上不同的正确程序会走出不同的轨迹；"
                "单条轨迹上梯度范数的对数只是一个随机量的一次抽样，而不是一个确定的数：只有它的"
                "增长率（对数除以 T）有意义（取自然对数时，它趋于最大指数）。"
                "rnngrad 的扫描对每个值都使用同一条规则：")),
        Items((
            (tr("a second forward pass, the twin, starts away from the first by ",
                "第二次前向计算（孪生轨迹）的初始状态与原初始状态相差 "),
             Math(power_of(2, numbers["horizon_perturbation"])),
             tr(" times the size of the initial state (at least 1): a few roundings;",
                " 乘以初始状态的大小（至少取 1），相当于几次舍入；")),
            (tr("the horizon is the first step at which the two differ by more than ",
                "时域是两者的相对差距首次超过 "),
             Math(power_of(10, numbers["horizon_threshold"])),
             tr(" relative to the size of the state: fewer than four significant digits are "
                "left;", " 的那一步：此时剩下的有效数字已不足四位；")),
            (tr("a value at length T is flagged reliable only when T is below the horizon; the "
                "sweep outputs (JSON, text and plots) mark the others and report the rate "
                "beside every value;", "只有当 T 小于时域时，长度 T 处的值才标记为可靠；扫描的"
                "输出（JSON、文本和图）会标出其余的值，并在每个值旁给出增长率；")),
            (tr("where the forward pass is stable (below the edge of chaos) the twin stays "
                "within roundings of the trajectory and nothing is flagged.",
                "前向计算稳定时（混沌边缘以下），孪生轨迹与原轨迹只相差舍入误差，"
                "不会标记任何值。"),),
        )),
    )
