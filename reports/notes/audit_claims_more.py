"""Claims of the first source article that the first audit passed over (quoted, translated in
``en``), each recomputed: the eigenvalues of the factors do not decide their product, the BPTT
sum of section 3.1, the gradient said to vanish as T grows, and c < 1 taken from tanh alone.
The rows for section 2.1 and for section 4's "c < 1 for all t" (``audit_claims_merged``) also
hold what the rows added on review for the same sentences recomputed (the non-normal W of
tab:transient; c = ‖W_hh‖₂), so each sentence is quoted and judged once.

``with_more_claims`` puts these and the second article's (``audit_claims_more_two``) into the
audit's list, each in the order of its article's text.

Numbers (SymPy exact unless stated):
- A = [[0, 2], [0, 0]] and B = [[0, 0], [2, 0]]: ρ(A) = ρ(B) = 0, ρ(AB) = 4.
- scalar tanh RNN h_k = tanh(w h_{k−1} + x_k), h_0 = 0, x_k = 1, w = 1/2, t = 3: the true
  dh_3/dw (SymPy diff of the unrolled h_3) = Σ_{k=1}^{3} (∂h_3/∂h_k)(∂⁺h_k/∂w) ≠ the article's
  Σ_{k=0}^{2} (∂h_3/∂h_k)(dh_k/dw) (total derivatives: the immediate term is missing and the
  earlier paths are counted more than once).
- the corrected program of the audit (NumPy, ``numeric.per_step_gradient_norms``): the most
  recent contribution ‖δ_T h_{T−1}ᵀ‖_F to ∂L/∂W_hh at T = 100.
- ∂h_t/∂h_{t−1} = w tanh'(a_t) = 2 for w = 2 at a_t = 0.
"""

import numpy as np
import sympy as sp

import derive
import numeric
from reports.doc import Math, Ref, num, tr
from reports.notes.audit_claims import (
    CLOSE,
    OPEN,
    W_HH,
    WRONG,
    C,
    Claim,
    Quantity,
    T,
    step,
)

K = sp.Symbol("k", integer=True, positive=True)
TT = sp.Symbol("t", integer=True, positive=True)
FLIP_A, FLIP_B = sp.Matrix([[0, 2], [0, 0]]), sp.Matrix([[0, 0], [2, 0]])
SCALAR_CASE = {"w": sp.Rational(1, 2), "x": 1, "h0": 0, "t": 3}   # h_k = tanh(w h_{k-1} + x)
CORRECTED = {"seed": 0, "n": 20, "m": 10, "T": 100, "norm": 0.9}   # as audit.corrected_program
FAR = 50          # the step k of the long-range contribution quoted beside the last one
WIDE = {"w": 2, "a": 0}   # a scalar tanh step with |w| > 1


def h(index):
    """The hidden state h_index as a symbol (h_{t-1})."""
    return sp.Symbol(f"h_{{{index}}}")


def partial(top, bottom):
    """∂top/∂bottom, unevaluated."""
    return sp.Derivative(top, bottom, evaluate=False)


class Immediate(sp.Expr):
    """∂⁺top/∂bottom: the derivative with the previous state held fixed."""

    def _latex(self, printer):
        top, bottom = (printer._print(a) for a in self.args)
        return rf"\frac{{\partial^{{+}} {top}}}{{\partial {bottom}}}"

    def _sympystr(self, printer):
        return "Derivative+({}, {})".format(*(printer._print(a) for a in self.args))


def flip_radii():
    """(ρ(A), ρ(B), ρ(AB)) for the two nilpotent factors, exact."""
    return tuple(derive.spectral_radius(M) for M in (FLIP_A, FLIP_B, FLIP_A * FLIP_B))


def scalar_bptt(case=None):
    """(the article's sum, the true dh_t/dw, the right sum) for the scalar tanh RNN of
    ``SCALAR_CASE``, as SymPy numbers.  True: diff of the unrolled h_t.  Article:
    Σ_{k=0}^{t−1} (∂h_t/∂h_k)(dh_k/dw), dh_k/dw total.  Right: Σ_{k=1}^{t} (∂h_t/∂h_k) ∂⁺h_k/∂w
    with ∂⁺h_k/∂w = tanh'(a_k) h_{k−1}."""
    case = case or SCALAR_CASE
    w, s = sp.Symbol("w"), sp.Symbol("s")
    t, x = case["t"], case["x"]

    def run(start, first, last):   # h_last as a function of h_first = start
        out = start
        for _ in range(first, last):
            out = sp.tanh(w * out + x)
        return out

    states = [run(sp.Integer(case["h0"]), 0, k) for k in range(t + 1)]
    at = {w: case["w"]}
    back = [sp.diff(run(s, k, t), s).subs(s, states[k]) for k in range(t + 1)]   # ∂h_t/∂h_k
    article = sum(back[k] * sp.diff(states[k], w) for k in range(t))
    immediate = [sp.diff(sp.tanh(w * s + x), w).subs(s, states[k - 1]) for k in range(1, t + 1)]
    right = sum(back[k] * immediate[k - 1] for k in range(1, t + 1))
    return tuple(sp.N(e.subs(at), 30) for e in (article, sp.diff(states[t], w), right))


def corrected_norms(case=None):
    """The per-step norms (``numeric.per_step_gradient_norms``) of the audit's corrected
    program: tanh, n = 20, m = 10, T = 100, W_hh ~ N(0, 1) scaled to ‖W_hh‖₂ = 0.9, then W_xh
    and x ~ N(0, 1) from ``default_rng(0)``, h_0 = b = 0, ∂L/∂h_T = ones."""
    case = case or CORRECTED
    rng = np.random.default_rng(case["seed"])
    n, m, steps = case["n"], case["m"], case["T"]
    W = rng.standard_normal((n, n))
    W *= case["norm"] / np.linalg.norm(W, 2)
    W_xh = rng.standard_normal((n, m))
    x = rng.standard_normal((steps, m))
    zeros = np.zeros(n)
    return numeric.per_step_gradient_norms(derive.activation("tanh"), W, W_xh, zeros, zeros, x,
                                           np.ones(n))


def step_gain(w=WIDE["w"], a=WIDE["a"]):
    """|∂h_t/∂h_{t−1}| = |w tanh'(a)| of the scalar tanh RNN, exact."""
    return sp.Abs(w * derive.activation("tanh").dphi.subs(derive.z, a))


def claims_more_one():
    """The first article's added claims, in the order of its text."""
    from reports.notes.audit_claims_merged import eigenvalue_claim, step_bound_claim

    article, true, _ = scalar_bptt()
    norms = corrected_norms()
    recent, far = float(norms["W_hh"][-1]), float(norms["W_hh"][FAR - 1])
    last = CORRECTED["T"]
    w_, x_, t_ = (SCALAR_CASE[key] for key in ("w", "x", "t"))
    dW = partial(h("t"), W_HH)
    terms = [sp.Mul(step("t", s), partial(h(s), W_HH), evaluate=False) for s in ("t-1", "t-2")]
    terms += [sp.Symbol(r"\cdots"), sp.Mul(step("t", 0), partial(h(0), W_HH), evaluate=False)]
    right = sp.Eq(dW, sp.Sum(step("t", "k") * Immediate(h("k"), W_HH), (K, 1, TT)))
    dL = partial(sp.Symbol("L"), W_HH)
    n = sp.Symbol("n", integer=True, positive=True)
    contribution = derive.norm2(sp.MatrixSymbol(f"delta_{last}", n, 1)
                                * sp.MatrixSymbol(f"h_{last - 1}", n, 1).T)
    return [
        eigenvalue_claim(),
        Claim("seed000", tr("3.1", "第 3.1 节"),
              (OPEN, tr("where ", "其中 "), Math(dW),
               tr(" can be expanded further as ", " 可以进一步展开为:"),
               Math(sp.Eq(dW, sp.Add(*terms, evaluate=False), evaluate=False)), CLOSE),
              None, (tr(f"scalar tanh RNN, w = {w_}, x = {x_}, t = {t_}: the sum gives ",
                        f"标量 tanh RNN，w = {w_}，x = {x_}，t = {t_}：该求和给出 "),
                     num(float(article), 4),
                     tr(", the true derivative is ", "，真实导数为 "), num(float(true), 4)),
              float(true), WRONG,
              (tr("each total derivative of an earlier state already holds every earlier path, "
                  "so the sum counts paths more than once and misses the immediate term of "
                  "step t. Right: ", "每个较早状态的全导数已经包含了所有更早的路径，因此该求和把"
                  "一些路径重复计算，又漏掉了第 t 步的直接项。正确的是："), Math(right),
               tr(", with the derivative taken with the previous state held fixed.",
                  "，其中的导数在保持前一状态不变的条件下求得。")),
              (Quantity(tr(f"dh_{t_}/dw of the scalar tanh RNN (w = {w_}, x = {x_}, h_0 = 0)",
                           f"标量 tanh RNN 的 dh_{t_}/dw（w = {w_}，x = {x_}，h_0 = 0）"), true),
               Quantity(tr(f"the article's sum for dh_{t_}/dw, same RNN",
                           f"同一 RNN 上原文求和给出的 dh_{t_}/dw"), article))),
        step_bound_claim(),
        Claim("seed000", tr("3.2 and 4", "第 3.2、4 节"),
              (OPEN, tr("As the sequence length ", "当序列长度 "), Math(T),
               tr(" grows, ", " 增加时,"), Math(C ** (T - 1)),
               tr(" quickly approaches 0, so that the gradient ", " 会迅速趋近于0,导致梯度 "),
               Math(dL), tr(" also approaches 0, and the gradient vanishes.",
                            " 也趋近于0,从而出现梯度消失的问题。"), CLOSE),
              None, (Math(sp.Eq(contribution, sp.Float(recent, 3), evaluate=False)),
                     tr(f" at T = {last} (", f"，T = {last}（"), Ref("fig:bptt-contributions"),
                     tr(")", "）")), recent, WRONG,
              (tr("the gradient is a sum over the steps, and the recent terms do not shrink as "
                  "T grows (in the corrected program the last one has norm ",
                  "梯度是对各时间步的求和，最近的几项并不随 T 增大而变小"
                  "（在修正后的程序中，最后一项的范数为 "), num(recent, 3),
               tr(f", and the one at k = {FAR} only ", f"，k = {FAR} 处的一项只有 "),
               num(far, 3),
               tr("). Only the long-range contributions vanish, so the gradient forgets the "
                  "distant past but does not go to 0.", "）。消失的只是长程贡献：梯度遗忘了遥远的"
                  "过去，但本身并不趋于 0。")),
              (Quantity(tr(f"norm of the last contribution delta_{last} h_{last - 1}^T to "
                           "dL/dW_hh, corrected program",
                           f"修正后程序中 dL/dW_hh 的最后一项 delta_{last} h_{last - 1}^T 的范数"),
                        sp.Float(recent)),
               Quantity(tr(f"norm of the contribution delta_{FAR} h_{FAR - 1}^T, same program",
                           f"同一程序中 delta_{FAR} h_{FAR - 1}^T 一项的范数"), sp.Float(far)))),
    ]


def more_claims():
    """The added claims of both articles (first article first)."""
    from reports.notes.audit_claims_more_two import claims_more_two

    return claims_more_one() + claims_more_two()


# Each added claim goes before the first existing claim of its article whose quote (Chinese)
# holds the anchor, a verbatim piece of the article; None: after the article's last claim.
ANCHORS = {"seed000": ("大部分区间都小于1", "大部分区间都小于1", "ReLU", "ReLU"),
           "seed003": ("0.5", "对于常用的激活函数", None, None, None, None)}


def _zh(parts):
    return "".join(p("zh") for p in parts if hasattr(p, "zh"))


def with_more_claims(existing):
    """``existing`` (the audit's claims) with the added ones, each placed in the order of its
    article's text (``ANCHORS``)."""
    out = list(existing)
    added = {"seed000": claims_more_one()}
    from reports.notes.audit_claims_more_two import claims_more_two

    added["seed003"] = claims_more_two()
    for article, claims in added.items():
        if len(claims) != len(ANCHORS[article]):
            raise ValueError(f"{article}: {len(claims)} added claims, {len(ANCHORS[article])} "
                             "anchors")
        for claim, anchor in zip(claims, ANCHORS[article], strict=True):
            mine = [i for i, c in enumerate(out) if c.article == article]
            at = [i for i in mine if anchor is not None and anchor in _zh(out[i].quote)]
            if anchor is not None and not at:
                raise ValueError(f"{article}: no claim quotes {anchor!r}")
            out.insert(at[0] if at else mine[-1] + 1, claim)
    return out
