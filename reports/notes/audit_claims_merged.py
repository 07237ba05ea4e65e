"""The three audit rows that each merge a row added on review with an added row quoting the same
sentence, so that every sentence is quoted and judged once (``audit_claims_more`` and
``audit_claims_more_two`` place them):

- the first article's section 2.1 (eigenvalues decide growth or decay): wrong. A = [[0, 2],
  [0, 0]] and B = [[0, 0], [2, 0]] have ρ = 0, ρ(AB) = 4; and even one fixed matrix,
  W = [[9/10, 5], [0, 9/10]] of tab:transient, has ρ(W) = 9/10 yet ‖W^10‖₂ ≈ 19.4 (SymPy exact).
- the first article's section 4 (|∂h_t/∂h_{t−1}| ≤ c < 1 for all t, then the c^{T−1} bound):
  wrong. The step is D_t W_hh, so tanh gives only c = γ_φ‖W_hh‖₂ = ‖W_hh‖₂; the scalar step
  w tanh'(0) is 2 for w = 2.
- the second article's section 7 (the rule of thumb on ‖W_hh‖): imprecise. The bound is
  (γ_φ‖W_hh‖₂)^{j−i}; a norm above 1 is necessary for exploding, not sufficient:
  J = [[1/2, 5], [0, 1/2]] has ‖J‖₂ ≈ 5.05, ‖J^100‖₂ ≈ 7.9e-28, since ρ(J) = 1/2.
"""

import sympy as sp

import derive
from reports.doc import Math, Ref, num, tr
from reports.notes.audit_claims import (
    CLOSE,
    IMPRECISE,
    OPEN,
    W_HH,
    WRONG,
    C,
    Claim,
    Quantity,
    T,
    TanhPrime,
    step,
)
from reports.notes.audit_claims_more import FLIP_A, FLIP_B, WIDE, flip_radii, partial, step_gain
from reports.notes.audit_claims_one import D_K, NORM_W, STEP_J
from reports.notes.dynamics import TRANSIENT_W

I_, J_ = sp.symbols("i j", integer=True)
RHO = sp.Function("rho")


def transient():
    """(ρ(W), ‖W^10‖₂) of the non-normal W = [[9/10, 5], [0, 9/10]] of tab:transient, exact."""
    W = sp.Matrix(TRANSIENT_W)
    return derive.spectral_radius(W), derive.spectral_norm(W ** 10)


def eigenvalue_claim():
    """Section 2.1's eigenvalue rule: the factors change every step, and their eigenvalues do
    not decide the product (ρ(A) = ρ(B) = 0, ρ(AB) = 4); even for one fixed matrix they decide
    only the long run (ρ(W) = 9/10, ‖W^10‖₂ ≈ 19)."""
    radii = flip_radii()
    rho = sp.Function("rho")
    radius, power = transient()
    shown = [sp.Eq(rho(sp.Symbol(n)), r) for n, r in zip(("A", "B", "AB"), radii, strict=True)]
    shown += [sp.Eq(rho(sp.Symbol("W")), radius),
              sp.Eq(derive.norm2(sp.Symbol("W") ** 10), sp.Float(float(power), 4))]
    names = ("A = [[0, 2], [0, 0]]", "B = [[0, 0], [2, 0]]", "AB")
    return Claim(
        "seed000", tr("2.1", "第 2.1 节"),
        (OPEN, tr("In BPTT the error gradient is propagated back through the time steps, so "
                  "the gradient goes through many matrix multiplications. If the eigenvalues of "
                  "these matrices are greater than 1, the gradient grows exponentially and "
                  "explodes; if they are less than 1, it decays exponentially and vanishes.",
                  "在BPTT中,误差梯度需要通过时间步反向传播,这意味着梯度会经过多次矩阵乘法运算。"
                  "如果这些矩阵的特征值(eigenvalues)大于1,梯度就会呈指数级增长,导致梯度爆炸;"
                  "如果这些矩阵的特征值小于1,梯度就会呈指数级衰减,导致梯度消失。"), CLOSE),
        None, tuple(p for f in shown for p in (Math(f), ", "))[:-1], float(radii[2]), WRONG,
        (tr("the matrices differ from step to step, and the eigenvalues of the factors say "
            "nothing about their product: ", "各步的矩阵互不相同，而各因子的特征值并不决定"
            "它们的乘积："), Math(sp.Eq(sp.Symbol("A"), FLIP_A, evaluate=False)),
         tr(" and ", " 与 "), Math(sp.Eq(sp.Symbol("B"), FLIP_B, evaluate=False)),
         tr(" have only the eigenvalue ", " 只有特征值 "), Math(radii[0]),
         tr(", yet ABAB... grows by a factor ", "，但 ABAB... 每两步增长为原来的 "),
         Math(radii[2]),
         tr(" every two steps. Even for one fixed matrix the eigenvalues decide only the long "
            "run: the W of ", " 倍。即使对同一个固定矩阵，特征值也只决定长期行为："),
         Ref("tab:transient"), tr(" has ", " 中的 W 满足 "),
         Math(sp.Eq(rho(sp.Symbol("W")), radius)),
         tr(", yet its tenth power has norm ", "，但它的十次幂的范数为 "), num(float(power), 3),
         tr(". What decides is the product itself.", "。起决定作用的是乘积本身。")),
        (Quantity(tr(f"spectral radius of {names[2]}", f"{names[2]} 的谱半径"), radii[2]),
         *(Quantity(tr(f"spectral radius of {n}", f"{n} 的谱半径"), r)
           for n, r in zip(names[:2], radii[:2], strict=True)),
         Quantity(tr("spectral radius of W", "W 的谱半径"), radius),
         Quantity(tr("spectral norm of W^10", "W^10 的谱范数"), power)))


def step_bound_claim():
    """Section 4's "|∂h_t/∂h_{t−1}| ≤ c < 1 for all t" and the c^{T−1} bound built on it,
    inferred from tanh alone: the step is D_t W_hh, so tanh gives only c = ‖W_hh‖₂ (the scalar
    step w tanh'(0) is 2 for w = 2)."""
    gain = step_gain()
    h_T, h_1 = sp.Symbol("h_{T}"), sp.Symbol("h_{1}")
    one_step = step("t", "t-1")
    chain = sp.Le(derive.norm(partial(h_T, W_HH)),
                  sp.Pow(C, sp.Add(T, -1, evaluate=False), evaluate=False)
                  * derive.norm(partial(h_1, W_HH)))
    scalar = sp.Abs(sp.Mul(WIDE["w"], TanhPrime(WIDE["a"]), evaluate=False))
    return Claim(
        "seed000", tr("4", "第 4 节"),
        (OPEN, tr("... we may assume that there is a constant c such that ",
                  "……我们可以假设存在一个常数 c,使得:"),
         Math(sp.Le(sp.Abs(one_step), C)), tr(", ", ""), Math(sp.Lt(C, 1)),
         tr(" for all t. ... ", ", ∀t ……"), Math(chain), CLOSE),
        None, (Math(sp.Le(derive.norm2(one_step), derive.gamma_phi * NORM_W)), tr("; ", "；"),
               Math(sp.Eq(scalar, gain))), float(gain), WRONG,
        (tr("the derivative of tanh bounds only ", "tanh 的导数只约束 "), Math(D_K),
         tr(" and reaches 1 at 0; the step is ", "，且在 0 处等于 1；单步是 "), Math(STEP_J),
         tr(", so tanh gives only ", "，因此由 tanh 只能得到 "), Math(sp.Eq(C, NORM_W)),
         tr(", and a c < 1 for every pre-activation needs ", "，要使 c < 1 对任何预激活都成立，"
            "需要 "), Math(sp.Lt(NORM_W, 1)),
         tr(f". With w = {WIDE['w']} the scalar step at {WIDE['a']} is ",
            f"。w = {WIDE['w']} 时，标量单步在 {WIDE['a']} 处等于 "), Math(gain),
         tr(": no such c exists, and the bound with ", "：这样的 c 不存在，含 "),
         Math(C ** (T - 1)), tr(" does not follow.", " 的界也就推不出来。")),
        (Quantity(tr("bound c on one step for tanh", "tanh 时单步的界 c"),
                  derive.activation("tanh").gamma * NORM_W),
         Quantity(tr(f"one step |w tanh'(0)| of the scalar tanh RNN with w = {WIDE['w']}",
                     f"w = {WIDE['w']} 的标量 tanh RNN 的单步 |w tanh'(0)|"), gain)))


def criterion_claim(rho, sigma, far):
    """Section 7's rule of thumb: the product γ_φ‖W_hh‖₂ of both factors decides the bound; a
    norm above 1 is necessary for exploding, not sufficient (J = [[1/2, 5], [0, 1/2]]: ‖J‖₂ ≈
    5.05 at every step, ‖J^100‖₂ ≈ 7.9e-28, since ρ(J) = 1/2)."""
    nW = derive.norm(W_HH)
    bound = sp.Le(derive.norm(partial(sp.Symbol("h_{j}"), sp.Symbol("h_{i}"))),
                  (derive.gamma_phi * derive.norm2(W_HH)) ** (J_ - I_))
    J = sp.Symbol("J")
    return Claim(
        "seed003", tr("7", "第 7 节"),
        (OPEN, tr("Roughly speaking, if ", "粗略地说，若 "), Math(nW),
         tr(" stays above 1, the gradient tends to explode; if ",
            " 持续大于1，则梯度趋向于爆炸；若 "),
         Math(nW), tr(" stays below 1, or the derivative of the activation stays below 1, the "
                      "gradient tends to vanish.", " 持续小于1，或激活函数导数持续小于1，"
                                                   "则梯度趋向于消失。"), CLOSE),
        None, (Math(bound), tr("; ", "；"), Math(sp.Eq(derive.norm2(J), sp.Float(float(sigma), 4))),
               ", ", Math(sp.Eq(derive.norm2(J ** 100), sp.Float(float(far), 3)))),
        float(far), IMPRECISE,
        (tr("what vanishes is the product of both factors below 1: a derivative below 1 alone "
            "does not suffice when the norm is large, and a norm above 1 is necessary for "
            "exploding, not sufficient (", "决定梯度消失的是两个因子之积小于 1：当范数很大时，"
            "仅有导数小于 1 并不够；而范数大于 1 只是梯度爆炸的必要条件，而非充分条件（见"),
         Ref("fig:gain-sweep"),
         tr("). The linear RNN with the matrix J of the row for section 6.3 has the norm ",
            "）。循环矩阵取第 6.3 节一行中的 J 的线性 RNN，每一步的范数都是 "),
         num(float(sigma), 3), tr(" at every step, yet its gradient vanishes, since ",
                                  "，但梯度仍然消失，因为 "), Math(sp.Eq(RHO(J), rho)),
         tr(".", "。")),
        (Quantity(tr("upper bound on the norm of dh_j/dh_i", "dh_j/dh_i 范数的上界"), bound.rhs),
         Quantity(tr("spectral norm of J^100, J = [[1/2, 5], [0, 1/2]]",
                     "J^100 的谱范数，J = [[1/2, 5], [0, 1/2]]"), far),
         Quantity(tr("spectral norm of J (every step)", "J 的谱范数（每一步）"), sigma)))


__all__ = ["criterion_claim", "eigenvalue_claim", "step_bound_claim"]
