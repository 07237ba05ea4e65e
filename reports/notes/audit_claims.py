"""The claims of the two source articles, quoted (translated in ``en``, original in ``zh``),
with where they appear, the recomputed quantities and the verdict with its reason.

Every recomputed number comes from SymPy (``derive``): 0.5^100 and 1.5^100 exactly, γ_φ of
tanh, sigmoid and ReLU as derived suprema, ρ, σ_max and the powers A^k of the non-normal
A = [[1/2, 5], [0, 1/2]] exactly (σ_max(A) ≈ 5.05 > 1, yet A^k = 2^{−k}[[1, 10k], [0, 1]] → 0).
Each claim carries its ``quantities``: what was recomputed, by name and unit, as a SymPy object.
"""

from dataclasses import dataclass

import sympy as sp

import derive
from reports.doc import Math, Ref, num, tr

C, t, w = sp.Symbol("c", positive=True), sp.Symbol("t", integer=True), sp.Symbol("w")
T = sp.Symbol("T", integer=True, positive=True)
I_, J_ = sp.symbols("i j", integer=True)
SIGMA = sp.Symbol("sigma_max")
W_HH = sp.Symbol("W_hh")
Z = derive.z
NONNORMAL = sp.Matrix([[sp.Rational(1, 2), 5], [0, sp.Rational(1, 2)]])
K_ = sp.Symbol("k", integer=True, positive=True)
DIMENSIONLESS = tr("1 (dimensionless)", "1（无量纲）")


def step(top, bottom):
    """∂top/∂bottom for the hidden states h_top, h_bottom (unevaluated)."""
    return sp.Derivative(sp.Symbol(f"h_{{{top}}}"), sp.Symbol(f"h_{{{bottom}}}"), evaluate=False)


@dataclass(frozen=True)
class Quantity:
    """A recomputed quantity: ``name`` and ``unit`` (``tr`` texts) and ``exact``, the SymPy
    object computed (a number, or an expression where the recomputation is symbolic)."""

    name: object
    exact: object
    unit: object = DIMENSIONLESS


@dataclass(frozen=True)
class Claim:
    """``article``: a reference key; ``where``: the article's section; ``quote``: inline parts
    (English translation / Chinese original); ``claimed``: the number it states (or None);
    ``recomputed``: parts; ``value``: the recomputed number (or None); ``verdict``, ``reason``;
    ``quantities``: the ``Quantity`` objects recomputed (results.json stores them)."""

    article: str
    where: object
    quote: tuple
    claimed: object
    recomputed: tuple
    value: object
    verdict: object
    reason: tuple
    quantities: tuple = ()


OPEN, CLOSE = tr('"', "“"), tr('"', "”")
CORRECT = tr("correct", "正确")
WRONG = tr("wrong", "错误")
IMPRECISE = tr("imprecise", "不严谨")


class Sci(sp.Expr):
    """mantissa × 10^exponent, written with × as the source article writes it (2.4 × 10^17)."""

    def _latex(self, printer):
        mantissa, exponent = self.args
        return rf"{printer._print(mantissa)} \times 10^{{{printer._print(exponent)}}}"


class Approx(sp.Expr):
    """``lhs ≈ rhs`` (SymPy has no approximate relation)."""

    def _latex(self, printer):
        return rf"{printer._print(self.args[0])} \approx {printer._print(self.args[1])}"


class TanhPrime(sp.Function):
    """tanh'(z), the derivative of tanh as the second article writes it."""

    def _latex(self, printer):
        return rf"\tanh'\left({printer._print(self.args[0])}\right)"


def power(base, exponent=100):
    """base^exponent as an unevaluated SymPy power (0.5^{100})."""
    return sp.Pow(sp.Float(base, 2), exponent, evaluate=False)


def exact_powers():
    """(0.5^100, 1.5^100) as floats of the exact rationals."""
    return tuple(float(sp.Rational(p, 2) ** 100) for p in (1, 3))


def matrix_eq(name, matrix):
    """``name = matrix`` as an unevaluated SymPy equation (a matrix symbol on the left)."""
    matrix = sp.ImmutableMatrix(matrix)
    return sp.Eq(sp.MatrixSymbol(name, *matrix.shape), matrix, evaluate=False)


def nonnormal_powers(k=K_):
    """A^k for A = [[1/2, 5], [0, 1/2]] (k symbolic by default), exact."""
    return sp.simplify(NONNORMAL ** k)


def spectral_claim():
    """Section 2's "ρ or σ_max decides" and the sentence after it ("if the value is away from 1
    the product inevitably converges to zero or diverges"), refuted for σ_max by A."""
    rho, sigma = derive.spectral_radius(NONNORMAL), derive.spectral_norm(NONNORMAL)
    power = nonnormal_powers()
    a_is = matrix_eq("A", NONNORMAL)
    a_k = sp.Eq(sp.MatPow(a_is.lhs, K_), sp.ImmutableMatrix(power), evaluate=False)
    limit = sp.limit(power.norm(), K_, sp.oo)          # Frobenius norm of A^k as k → ∞
    far = derive.spectral_norm(nonnormal_powers(100))
    return Claim(
        "seed003", tr("2", "第 2 节"),
        (OPEN, tr("The norm of a matrix product: its long-run behaviour (as the number of "
                  "factors goes to infinity) is completely determined by the spectral radius "
                  "or the largest singular value of the matrix. If this value is away from 1, "
                  "the product inevitably converges to zero or diverges to infinity at an "
                  "exponential rate.",
                  "一个矩阵连乘积的范数，其长期行为（当连乘次数趋向无穷时）完全由该矩阵的谱半径"
                  "（spectral radius）或最大奇异值（largest singular value）决定。如果该值偏离1，"
                  "其连乘结果将不可避免地呈指数级收敛于零或发散至无穷。"), CLOSE),
        None,
        (Math(sp.Eq(sp.Symbol("rho"), rho)), ", ", Math(sp.Eq(SIGMA, sp.Float(float(sigma), 4))),
         ", ", Math(sp.Eq(derive.norm2(sp.MatPow(a_is.lhs, 100)), sp.Float(float(far), 3),
                         evaluate=False))),
        float(sigma), WRONG,
        (tr("only the spectral radius decides (Gelfand's formula); the largest singular value "
            "only bounds, and for it the next sentence is false. SymPy computes, for ",
            "起决定作用的只有谱半径（Gelfand 公式）；最大奇异值只给出上界，对它而言下一句话是错的。"
            "SymPy 算得：对于 "), Math(a_is),
         tr(", the largest singular value ", "，最大奇异值 "),
         Math(sp.Eq(SIGMA, sp.Float(float(sigma), 4))),
         tr(" is far from 1, yet ", " 远离 1，然而 "), Math(a_k),
         tr(" tends to zero, since ", " 趋于零，因为 "), Math(sp.Eq(sp.Symbol("rho"), rho)),
         tr(".", "。")),
        (Quantity(tr("largest singular value of A", "A 的最大奇异值"), sigma),
         Quantity(tr("spectral radius of A", "A 的谱半径"), rho),
         Quantity(tr("spectral norm of A^100", "A^100 的谱范数"), far),
         Quantity(tr("Frobenius norm of A^k as k goes to infinity",
                     "k 趋于无穷时 A^k 的 Frobenius 范数"), limit)))


def article_two():
    """The second source article's claims."""
    half, three_halves = exact_powers()
    tanh = derive.activation("tanh")
    off = round(100 * (1 - 2.4e17 / three_halves))
    threshold = Quantity(tr("threshold 1/gamma_phi on the largest singular value, tanh",
                            "tanh 时最大奇异值的阈值 1/gamma_phi"), 1 / tanh.gamma)
    s3 = tr("3", "第 3 节")
    s4 = tr("4", "第 4 节")
    return [
        spectral_claim(),
        Claim("seed003", s3, _power_quote("0.5", 7.9, -31), 7.9e-31, (num(half, 6),), half,
              CORRECT, (tr("the exact value rounds to the quoted one.",
                           "精确值四舍五入后与原文一致。"),),
              (Quantity(tr("0.5^100", "0.5^100"), sp.Rational(1, 2) ** 100),)),
        Claim("seed003", s3, _power_quote("1.5", 2.4, 17, large=False), 2.4e17,
              (num(three_halves, 6),),
              three_halves, WRONG,
              (tr("the true value is ", "真值约为 "), num(three_halves, 3),
               tr(f"; the quoted number is {off} percent too small. The conclusion (the "
                  "gradient explodes) is unaffected.",
                  f"，原文的数小了 {off}%。结论（梯度爆炸）不受影响。")),
              (Quantity(tr("1.5^100", "1.5^100"), sp.Rational(3, 2) ** 100),)),
        Claim("seed003", s3, (OPEN, tr("Let ", "令 "), Math(sp.Eq(sp.Abs(w), 1)),
                              tr(". The size of the gradient signal stays unchanged, and "
                                 "information can travel over long distances without loss.",
                                 "。梯度信号的大小将保持不变，信息可以无损地长距离传播。"), CLOSE),
              None, (Math(sp.Eq(sp.Abs(w) ** T, 1)),), 1.0,
              tr("correct for the linear RNN only", "仅对线性 RNN 正确"),
              (tr("the example has no activation. With tanh each step also multiplies by "
                  "the derivative of tanh, which is below 1 away from 0, so with inputs the "
                  "gradient still vanishes.", "该例子没有激活函数。若用 tanh，每一步还要乘以 tanh "
                  "的导数，它在 0 以外都小于 1，因此有输入时梯度仍会消失。"),),
              (Quantity(tr("|w|^T for the linear RNN with |w| = 1",
                           "|w| = 1 的线性 RNN 的 |w|^T"), (sp.Abs(w) ** T).subs(sp.Abs(w), 1)),)),
        Claim("seed003", s4, (OPEN, tr("For the common activation tanh, the derivative is ",
                                       "对于常用的激活函数 tanh，其导数 "),
                              Math(sp.Eq(TanhPrime(Z), tanh.dphi)),
                              tr(", hence ", "，因此 "), Math(sp.Eq(derive.gamma_phi, 1)),
                              tr(".", "。"), CLOSE),
              1.0, (Math(sp.Eq(derive.gamma_phi, tanh.gamma)),), float(tanh.gamma), CORRECT,
              (tr("SymPy derives the supremum of ", "SymPy 求得 "), Math(tanh.dphi),
               tr(", reached at z = 0.", " 的上确界，在 z = 0 处取到。")),
              (Quantity(tr("gamma_phi of tanh", "tanh 的 gamma_phi"), tanh.gamma),)),
        Claim("seed003", s4, (OPEN, tr("For tanh, this means that if the largest singular value "
                                       "of ", "对于 tanh，这意味着如果 "),
                              Math(W_HH), tr(" is above 1, there is a risk of exploding "
                                             "gradients.", " 的最大奇异值大于1，"
                                                           "就存在梯度爆炸的风险。"),
                              CLOSE),
              None, (tr("necessary, not sufficient", "必要而非充分"),), None,
              tr("correct as a risk", "作为“风险”是正确的"),
              (tr("saturation can still make the gradient vanish, as ", "饱和仍可能使梯度消失，见"),
               Ref("fig:gain-sweep"), tr(" shows.", "。")), (threshold,)),
        Claim("seed003", s4, (OPEN, tr("For tanh, this means that as long as the largest "
                                       "singular value of ", "对于 tanh，这意味着只要 "),
                              Math(W_HH), tr(" is below 1, the gradient must vanish.",
                                             " 的最大奇异值小于1，梯度就必然消失。"), CLOSE),
              None, (Math(sp.Le(derive.norm(step("j", "i")), SIGMA ** (J_ - I_))),), None, CORRECT,
              (tr("the bound goes to 0 as j - i grows; the condition is sufficient for "
                  "vanishing.", "当 j - i 增大时上界趋于 0；该条件是梯度消失的充分条件。"),),
              (threshold,)),
    ]


def _power_quote(base, mantissa, exponent, large=True):
    """The quoted sentence of section 3: w = base, T = 100, w^T = base^100 ≈ mantissa × 10^exponent
    (the vanishing case says "when T is large, for example T = 100", the exploding one does not)."""
    when = (tr("When T is large, for example T = 100, then ", "当 T 很大时，例如 T=100，则 ")
            if large else tr("When T = 100, ", "当 T=100 时，"))
    value = Approx(sp.Eq(w ** T, power(float(base)), evaluate=False),
                   Sci(sp.Float(mantissa, 2), sp.Integer(exponent)))
    return (OPEN, tr(f"Let w = {base}. ", f"令 w = {base}。"), when, Math(value), tr(".", "。"),
            CLOSE)


def article_one():
    """The first source article's claims (``claims_one`` in ``audit_claims_one``)."""
    from reports.notes.audit_claims_one import claims_one

    return claims_one()


def claims():
    """Every audited claim: the second article's, then the first's."""
    from reports.notes.audit_claims_more import with_more_claims

    return with_more_claims(article_two() + article_one())
