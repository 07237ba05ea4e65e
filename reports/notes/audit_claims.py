"""The claims of the two source articles, quoted (translated in ``en``, original in ``zh``),
with where they appear, the recomputed value and the verdict with its reason.

Every recomputed number comes from SymPy (``derive``): 0.5^100 and 1.5^100 exactly, γ_φ of
tanh, sigmoid and ReLU as derived suprema, ρ and σ_max of a Jordan-like matrix exactly.
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
JORDAN = sp.Matrix([[sp.Rational(9, 10), 5], [0, sp.Rational(9, 10)]])   # tab:transient


def step(top, bottom):
    """∂top/∂bottom for the hidden states h_top, h_bottom (unevaluated)."""
    return sp.Derivative(sp.Symbol(f"h_{{{top}}}"), sp.Symbol(f"h_{{{bottom}}}"), evaluate=False)


@dataclass(frozen=True)
class Claim:
    """``article``: a reference key; ``where``: the article's section; ``quote``: inline parts
    (English translation / Chinese original); ``claimed``: the number it states (or None);
    ``recomputed``: parts; ``value``: the recomputed number (or None); ``verdict``, ``reason``."""

    article: str
    where: object
    quote: tuple
    claimed: object
    recomputed: tuple
    value: object
    verdict: object
    reason: tuple


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


def article_two():
    """The second source article's claims."""
    half, three_halves = exact_powers()
    tanh = derive.activation("tanh")
    rho, sigma = derive.spectral_radius(JORDAN), derive.spectral_norm(JORDAN)
    off = round(100 * (1 - 2.4e17 / three_halves))
    s3 = tr("3", "第 3 节")
    s4 = tr("4", "第 4 节")
    return [
        Claim("seed003", tr("2", "第 2 节"),
              (OPEN, tr("The norm of a matrix product: its long-run behaviour (as the number of "
                        "factors goes to infinity) is completely determined by the spectral "
                        "radius or the largest singular value of the matrix.",
                        "一个矩阵连乘积的范数，其长期行为（当连乘次数趋向无穷时）完全由该矩阵的谱半径"
                        "（spectral radius）或最大奇异值（largest singular value）决定。"),
               CLOSE),
              None, (Math(sp.Eq(sp.Symbol("rho"), rho)), ", ", Math(sp.Eq(SIGMA, sp.Float(
                  float(sigma), 4)))), float(rho), IMPRECISE,
              (tr("the spectral radius decides (Gelfand's formula); the largest singular value "
                  "only bounds. For the matrix of ", "起决定作用的是谱半径（Gelfand 公式）；"
                  "最大奇异值只给出上界。对于"), Ref("tab:transient"),
               tr(" the products vanish although the largest singular value exceeds 1.",
                  " 中的矩阵，尽管最大奇异值大于 1，乘积仍趋于零。"))),
        Claim("seed003", s3, _power_quote("0.5", 7.9, -31), 7.9e-31, (num(half, 6),), half,
              CORRECT, (tr("the exact value rounds to the quoted one.",
                           "精确值四舍五入后与原文一致。"),)),
        Claim("seed003", s3, _power_quote("1.5", 2.4, 17, large=False), 2.4e17,
              (num(three_halves, 6),),
              three_halves, WRONG,
              (tr("the true value is ", "真值约为 "), num(three_halves, 3),
               tr(f"; the quoted number is {off} percent too small. The conclusion (the "
                  "gradient explodes) is unaffected.",
                  f"，原文的数小了 {off}%。结论（梯度爆炸）不受影响。"))),
        Claim("seed003", s3, (OPEN, tr("Let ", "令 "), Math(sp.Eq(sp.Abs(w), 1)),
                              tr(". The size of the gradient signal stays unchanged, and "
                                 "information can travel over long distances without loss.",
                                 "。梯度信号的大小将保持不变，信息可以无损地长距离传播。"), CLOSE),
              None, (Math(sp.Eq(sp.Abs(w) ** T, 1)),), 1.0,
              tr("correct for the linear RNN only", "仅对线性 RNN 正确"),
              (tr("the example has no activation. With tanh each step also multiplies by "
                  "the derivative of tanh, which is below 1 away from 0, so with inputs the "
                  "gradient still vanishes.", "该例子没有激活函数。若用 tanh，每一步还要乘以 tanh "
                  "的导数，它在 0 以外都小于 1，因此有输入时梯度仍会消失。"),)),
        Claim("seed003", s4, (OPEN, tr("For the common activation tanh, the derivative is ",
                                       "对于常用的激活函数 tanh，其导数 "),
                              Math(sp.Eq(TanhPrime(Z), tanh.dphi)),
                              tr(", hence ", "，因此 "), Math(sp.Eq(derive.gamma_phi, 1)),
                              tr(".", "。"), CLOSE),
              1.0, (Math(sp.Eq(derive.gamma_phi, tanh.gamma)),), float(tanh.gamma), CORRECT,
              (tr("SymPy derives the supremum of ", "SymPy 求得 "), Math(tanh.dphi),
               tr(", reached at z = 0.", " 的上确界，在 z = 0 处取到。"))),
        Claim("seed003", s4, (OPEN, tr("For tanh, this means that if the largest singular value "
                                       "of ", "对于 tanh，这意味着如果 "),
                              Math(W_HH), tr(" is above 1, there is a risk of exploding "
                                             "gradients.", " 的最大奇异值大于1，"
                                                           "就存在梯度爆炸的风险。"),
                              CLOSE),
              None, (tr("necessary, not sufficient", "必要而非充分"),), None,
              tr("correct as a risk", "作为“风险”是正确的"),
              (tr("saturation can still make the gradient vanish, as ", "饱和仍可能使梯度消失，见"),
               Ref("fig:gain-sweep"), tr(" shows.", "。"))),
        Claim("seed003", s4, (OPEN, tr("For tanh, this means that as long as the largest "
                                       "singular value of ", "对于 tanh，这意味着只要 "),
                              Math(W_HH), tr(" is below 1, the gradient must vanish.",
                                             " 的最大奇异值小于1，梯度就必然消失。"), CLOSE),
              None, (Math(sp.Le(derive.norm(step("j", "i")), SIGMA ** (J_ - I_))),), None, CORRECT,
              (tr("the bound goes to 0 as j - i grows; the condition is sufficient for "
                  "vanishing.", "当 j - i 增大时上界趋于 0；该条件是梯度消失的充分条件。"),)),
        *criterion_claims(),
    ]


def criterion_claims():
    """Section 7's rule of thumb (added after review; quoted, translated in ``en``)."""
    nW = derive.norm(W_HH)
    bound = sp.Le(derive.norm(step("j", "i")),
                  (derive.gamma_phi * derive.norm2(W_HH)) ** (J_ - I_))
    return [
        Claim("seed003", tr("7", "第 7 节"),
              (OPEN, tr("Roughly speaking, if ", "粗略地说，若 "), Math(nW),
               tr(" stays above 1, the gradient tends to explode; if ",
                  " 持续大于1，则梯度趋向于爆炸；若 "), Math(nW),
               tr(" stays below 1, or the derivative of the activation stays below 1, the "
                  "gradient tends to vanish.", " 持续小于1，或激活函数导数持续小于1，"
                  "则梯度趋向于消失。"), CLOSE),
              None, (Math(bound),), None, IMPRECISE,
              (tr("what vanishes is the product of both factors below 1: a derivative below 1 "
                  "alone does not suffice when the norm is large, and a norm above 1 is "
                  "necessary for exploding, not sufficient (",
                  "决定梯度消失的是两个因子之积小于 1：当范数很大时，仅有导数小于 1 并不够；"
                  "而范数大于 1 只是梯度爆炸的必要条件，而非充分条件（见"),
               Ref("fig:gain-sweep"), tr(").", "）。"))),
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
