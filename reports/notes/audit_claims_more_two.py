"""Claims of the second source article that the first audit passed over (quoted, translated in
``en``), each recomputed; ``audit_claims_more.with_more_claims`` places them in the audit.

Numbers (SymPy exact unless stated):
- back-propagation g_{k−1} = J_kᵀ g_k with J_k alternating A = [[0, 2], [0, 0]] and
  B = [[0, 0], [2, 0]] (ρ = 0 each): ‖J_1ᵀ ⋯ J_10ᵀ‖₂ = 4^5 = 1024, while A² = 0.
- J_1 = D_1 W, J_2 = D_2 W with D_1 = diag(1, 1/2), D_2 = diag(1/2, 1), W = [[1, 1], [0, 1]]:
  J_2 J_1 ≠ J_1 J_2 (‖J_2 J_1 − J_1 J_2‖₂).
- the corrected program of the audit (NumPy): the contributions 20 steps back relative to the
  most recent, ‖δ_{T−20} h_{T−21}ᵀ‖/‖δ_T h_{T−1}ᵀ‖ and ‖δ_{T−20} x_{T−20}ᵀ‖/‖δ_T x_Tᵀ‖.
- the angle between g and its clipped version, on the gradient of the exploding case of
  sec:remedies (NumPy, ``remedies_numbers.clipping_direction``): element-wise clipping turns
  it, norm clipping (g·min(1, τ/‖g‖)) does not.
- J = [[1/2, 5], [0, 1/2]]: ρ(J) = 1/2, ‖J‖₂ ≈ 5.05, ‖J^100‖₂ ≈ 7.9e-28.

Section 7's row (``audit_claims_merged``) quotes the whole rule of thumb and also holds the
bound (γ_φ‖W_hh‖₂)^{j−i} that the row added on review for the same sentence recomputed.
"""

import functools

import sympy as sp

import derive
from reports.doc import Math, Ref, num, tr
from reports.notes import remedies_numbers
from reports.notes.audit_claims import CLOSE, IMPRECISE, OPEN, W_HH, WRONG, Claim, Quantity
from reports.notes.audit_claims_merged import criterion_claim
from reports.notes.audit_claims_more import (
    FLIP_A,
    FLIP_B,
    corrected_norms,
    flip_radii,
    partial,
)

K, I_, J_ = sp.symbols("k i j", integer=True)
RHO = sp.Function("rho")
N = sp.Symbol("n", integer=True, positive=True)
NON_NORMAL = sp.Matrix([[sp.Rational(1, 2), 5], [0, sp.Rational(1, 2)]])
D_1, D_2 = sp.diag(1, sp.Rational(1, 2)), sp.diag(sp.Rational(1, 2), 1)
MIXING = sp.Matrix([[1, 1], [0, 1]])
LAG = 20
STEPS = 10   # alternating back-propagation steps (even)
DEGREES = tr("degrees", "度")


class PreAct(sp.Function):
    """h_k^{pre-act}, the pre-activation as the second article writes it."""

    def _latex(self, printer):
        return rf"h_{{{printer._print(self.args[0])}}}^{{\text{{pre-act}}}}"

    def _sympystr(self, printer):
        return f"h_{printer._print(self.args[0])}^pre-act"


class TextDiag(sp.Function):
    """diag(v) written as the second article writes it (plain parentheses, as the article's)."""

    def _latex(self, printer):
        return rf"\text{{diag}}({printer._print(self.args[0])})"

    def _sympystr(self, printer):
        return f"diag({printer._print(self.args[0])})"


class PhiPrime(sp.Function):
    """φ'(v) with plain parentheses, as the second article writes it."""

    def _latex(self, printer):
        return rf"\varphi'({printer._print(self.args[0])})"

    def _sympystr(self, printer):
        return f"phi'({printer._print(self.args[0])})"


class CDot(sp.Function):
    """(a · b), a product written with a centred dot in plain parentheses, so that a narrow
    column may break the line after the dot."""

    def _latex(self, printer):
        a, b = (printer._print(arg) for arg in self.args)
        return rf"({a} \cdot {b})"

    def _sympystr(self, printer):
        return "({}*{})".format(*(printer._print(arg) for arg in self.args))


def alternating_backprop(steps=None):
    """‖J_1ᵀ J_2ᵀ ⋯ J_stepsᵀ‖₂ with J_k = A for odd k and B for even k (exact)."""
    product = sp.eye(2)
    for k in range(1, (steps or STEPS) + 1):
        product = product * (FLIP_A if k % 2 else FLIP_B).T
    return derive.spectral_norm(product)


def commutator():
    """J_2 J_1 − J_1 J_2 for J_k = D_k W (exact)."""
    J1, J2 = D_1 * MIXING, D_2 * MIXING
    return J2 * J1 - J1 * J2


def long_range(lag=LAG):
    """(W_hh ratio, W_xh ratio): the contribution ``lag`` steps back over the most recent one,
    in the audit's corrected program (both gradients share δ_k)."""
    norms = corrected_norms()
    return tuple(float(norms[key][-1 - lag] / norms[key][-1]) for key in ("W_hh", "W_xh"))


@functools.lru_cache(maxsize=1)
def clipping_angles():
    """The angles in degrees between g and its norm-clipped and its value-clipped version, and
    how many entries value clipping changed, on the gradient of the exploding case of
    sec:remedies (``remedies_numbers.clipping_direction``): the audit and that section print
    the same numbers."""
    return remedies_numbers.clipping_direction()


def non_normal(power=100):
    """(ρ(J), ‖J‖₂, ‖J^power‖₂) of J = [[1/2, 5], [0, 1/2]] (exact)."""
    return (derive.spectral_radius(NON_NORMAL), derive.spectral_norm(NON_NORMAL),
            derive.spectral_norm(NON_NORMAL ** power))


def product_quote():
    """∂h_j/∂h_i = ∏_{k=i+1}^{j} (diag(φ'(h_k^{pre-act})) · W_hh), as the article writes it."""
    body = CDot(TextDiag(PhiPrime(PreAct(K))), W_HH)
    return sp.Eq(partial(sp.Symbol("h_{j}"), sp.Symbol("h_{i}")),
                 sp.Product(body, (K, sp.Add(I_, 1, evaluate=False), J_)), evaluate=False)


def claims_more_two():
    """The second article's added claims, in the order of its text."""
    grown = alternating_backprop()
    zero = flip_radii()[0]
    swap = commutator()
    hh, xh = long_range()
    clip = clipping_angles()
    turned, kept = clip["value_clipped_angle_degrees"], clip["norm_clipped_angle_degrees"]
    rho, sigma, far = non_normal()
    ordered = sp.Mul(*(sp.Symbol(s, commutative=False) for s in ("J_{j}", "J_{j-1}", r"\cdots",
                                                                 "J_{i+1}")), evaluate=False)
    J1, J2 = (sp.Symbol(f"J_{i}", commutative=False) for i in (1, 2))
    A, B = sp.MatrixSymbol("A", 2, 2), sp.MatrixSymbol("B", 2, 2)
    return [
        Claim("seed003", tr("2", "第 2 节"),
              (OPEN, tr("Back-propagating the gradient in an RNN is mathematically isomorphic "
                        "to the evolution of the state of this dynamical system.",
                        "RNN中梯度的反向传播过程，与这个动力系统的状态演化"
                        "在数学上是同构的。"), CLOSE),
              None, (tr(f"norm after {STEPS} steps ", f"{STEPS} 步后的范数 "), Math(grown),
                     tr(", yet ", "，而 "), Math(sp.Eq(sp.MatPow(A, 2), sp.zeros(2, 2),
                                                    evaluate=False))), float(grown), IMPRECISE,
              (tr("back-propagation is the time-varying system ", "反向传播是时变系统 "),
               Math(sp.Eq(sp.MatrixSymbol("g_k-1", N, 1),
                          sp.MatrixSymbol("J_k", N, N).T * sp.MatrixSymbol("g_k", N, 1))),
               tr(", not one fixed matrix, so the spectral radius of one factor does not decide. "
                  "Alternating the two matrices of the first article's eigenvalue row (both "
                  f"with spectral radius {zero}) gives ",
                  "，而不是一个固定矩阵，因此单个因子的谱半径并不起决定作用。交替使用第一篇原文"
                  f"特征值一行中的两个矩阵（谱半径都为 {zero}），得到 "),
               Math(sp.Eq(derive.norm2(sp.MatPow(A.T * B.T, STEPS // 2)), grown)),
               tr(", although either one repeated gives 0 after two steps.",
                  "，而只重复其中一个矩阵，两步后就为 0。")),
              (Quantity(tr(f"spectral norm of the back-propagated product over {STEPS} steps, "
                           "J_k alternating A and B", f"J_k 交替取 A、B 时 {STEPS} 步反向传播乘积的"
                           "谱范数"), grown),
               Quantity(tr("spectral radius of A = [[0, 2], [0, 0]]",
                           "A = [[0, 2], [0, 0]] 的谱半径"), zero))),
        Claim("seed003", tr("4 and 7", "第 4、7 节"),
              (OPEN, tr("Hence the long-range gradient term is ", "因此，长距离的梯度传播项为："),
               Math(product_quote()), CLOSE),
              None, (Math(sp.Ne(J2 * J1, J1 * J2, evaluate=False)),),
              float(derive.spectral_norm(swap)), IMPRECISE,
              (tr("matrices do not commute, so the product needs its order: ",
                  "矩阵乘法不可交换，乘积必须写明顺序："), Math(ordered),
               tr(" (the latest step on the left). Two steps of the form diag times W already "
                  "give different products in the two orders: ",
                  "（最近的一步在最左边）。两个形如 diag 乘 W 的单步，"
                  "按两种顺序相乘的结果就不同："),
               Math(sp.Eq(sp.Add(J2 * J1, -J1 * J2, evaluate=False), swap, evaluate=False)),
               tr(".", "。")),
              (Quantity(tr("spectral norm of J_2 J_1 - J_1 J_2", "J_2 J_1 - J_1 J_2 的谱范数"),
                        derive.spectral_norm(swap)),)),
        Claim("seed003", tr("5", "第 5 节"),
              (OPEN, tr("Vanishing gradients mainly affect the parameters that need a long "
                        "back-propagation path, especially ",
                        "梯度消失主要影响的是那些需要通过长路径反向传播的参数，"
                        "特别是 "), Math(W_HH),
               tr(". The gradient of parameters tied to recent inputs ... (such as ",
                  "。与近期输入……相关的参数（如 "), Math(sp.Symbol("W_xh")),
               tr(") may still be healthy.", "）的梯度可能仍然是健康的。"), CLOSE),
              None, (tr(f"{LAG} steps back, relative to the last step: ",
                        f"往前 {LAG} 步相对最后一步："), num(hh, 3), tr(" (", "（"),
                     Math(W_HH), tr("), ", "），"), num(xh, 3), tr(" (", "（"),
                     Math(sp.Symbol("W_xh")), tr(")", "）")), xh, WRONG,
              (tr("both gradients are sums over k of the same error ",
                  "两个梯度都是对 k 求和，且用的是同一个误差 "), Math(sp.Symbol("delta_k")),
               tr(" times the previous state or the input, so their long-range parts vanish "
                  "at the same rate and their recent parts stay healthy alike (the corrected "
                  "program of the first article).", "，分别乘以前一状态或输入，因此二者的长程部分"
                  "以相同的速率消失，近期部分同样健康（第一篇原文修正后的程序）。")),
              (Quantity(tr(f"contribution to dL/dW_xh {LAG} steps back over the last one, "
                           "corrected program", f"修正后程序中 dL/dW_xh 往前 {LAG} 步的一项与最后"
                           "一项之比"), sp.Float(xh)),
               Quantity(tr(f"contribution to dL/dW_hh {LAG} steps back over the last one, "
                           "corrected program", f"修正后程序中 dL/dW_hh 往前 {LAG} 步的一项与最后"
                           "一项之比"), sp.Float(hh)))),
        Claim("seed003", tr("5", "第 5 节"),
              (OPEN, tr("It sets a threshold that caps the norm of the gradient ... but the "
                        "direction of the gradient may already be distorted.",
                        "它通过设定一个阈值来强制限制梯度范数的上界，……但梯度的方向信息可能已经"
                        "失真。"), CLOSE),
              None, (tr("angle to g: ", "与 g 的夹角："), num(round(kept, 4), 4),
                     tr(" degrees (norm clipping), ", " 度（按范数裁剪），"),
                     num(round(turned, 4), 4), tr(" degrees (element-wise)", " 度（逐元素裁剪）")),
              turned, tr("wrong for norm clipping", "对按范数裁剪是错误的"),
              (tr("clipping the norm multiplies g by a positive number, so the direction is "
                  "kept exactly; only clipping each entry (value clipping) turns it. Measured on "
                  "the gradient of the exploding case of ", "按范数裁剪只是把 g 乘以一个正数，方向"
                  "完全不变；只有逐元素（按值）裁剪才会改变方向。在"), Ref("sec:remedies"),
               tr(f" (gain {clip['gain']:g}, threshold {clip['threshold']:g}), where value "
                  f"clipping changes {clip['value_clipped_entries']} of its {clip['entries']} "
                  "entries.", f" 中梯度爆炸的例子（增益 {clip['gain']:g}，阈值 "
                  f"{clip['threshold']:g}）的梯度上测得：逐元素裁剪改变了其 {clip['entries']} "
                  f"个分量中的 {clip['value_clipped_entries']} 个。")),
              (Quantity(tr("angle between g and g clipped element-wise",
                           "g 与逐元素裁剪后的 g 的夹角"), sp.Float(turned), DEGREES),
               Quantity(tr("angle between g and g clipped by its norm, measured in float64 "
                           "(0 up to rounding: the clipped g is a positive multiple of g)",
                           "g 与按范数裁剪后的 g 的夹角，按 float64 测得（除舍入误差外为 0："
                           "裁剪后的 g 是 g 的正数倍）"), sp.Float(kept), DEGREES),
               Quantity(tr(f"entries of g changed by value clipping, of {clip['entries']}",
                           f"逐元素裁剪改变的 g 的分量数（共 {clip['entries']} 个）"),
                        sp.Integer(clip["value_clipped_entries"]), tr("entries", "个")))),
        Claim("seed003", tr("6.3", "第 6.3 节"),
              (OPEN, tr("Convergence proofs of many numerical algorithms (such as fixed-point "
                        "iteration) rest on showing that the spectral radius of the Jacobian of "
                        "the iteration is below 1, which makes it a contraction mapping.",
                        "许多数值算法（如不动点迭代）的收敛性证明，依赖于证明迭代函数对应的雅可比矩阵"
                        "的谱半径小于1，以保证其是压缩映射（Contraction Mapping）。"), CLOSE),
              None, (Math(sp.Eq(RHO(sp.Symbol("J")), rho)), ", ",
                     Math(sp.Eq(derive.norm2(sp.Symbol("J")), sp.Float(float(sigma), 4)))),
              float(sigma), IMPRECISE,
              (tr("a spectral radius below 1 makes the map a contraction only near the fixed "
                  "point and in a norm adapted to the matrix; in the Euclidean norm ",
                  "谱半径小于 1 只保证在不动点附近、并且在适应于该矩阵的某个范数下是压缩映射；"
                  "在欧几里得范数下，"), Math(sp.Eq(sp.Symbol("J"), NON_NORMAL, evaluate=False)),
               tr(" stretches some vectors by a factor ", " 一步就把某些向量拉长为原来的 "),
               num(float(sigma), 3), tr(" in one step.", " 倍。")),
              (Quantity(tr("spectral norm of J = [[1/2, 5], [0, 1/2]]",
                           "J = [[1/2, 5], [0, 1/2]] 的谱范数"), sigma),
               Quantity(tr("spectral radius of J", "J 的谱半径"), rho))),
        criterion_claim(rho, sigma, far),
    ]
