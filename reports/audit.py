"""Section 11: every quantitative claim of the two seed articles, recomputed, with a verdict.

Each claim is stored in full in results.json: the seed, the claim, the value it claims, the
recomputed value, the verdict and the reason (``null`` where a claim has no number).
"""

import sympy as sp

import derive
from derive import dphi, escape_text, norm, reason, z
from derive import to_latex as latex
from reports.sections import number, table

C, t = sp.symbols("c t", positive=True)
SIGMA, RHO, K = sp.Symbol("sigma_max"), sp.Symbol("rho"), sp.Symbol("k")
W_HH = sp.MatrixSymbol("W_hh", 2, 2)


def claim(seed, text, tex, claimed, recomputed, recomputed_tex, verdict, *why):
    """One audited claim: ``why`` are the parts of the reason (text and SymPy objects)."""
    why_text, why_tex = reason(*why) if why else ("", "")
    return {"seed": seed, "claim": text, "claim_tex": tex, "claimed": claimed,
            "recomputed": recomputed, "recomputed_tex": recomputed_tex, "verdict": verdict,
            "reason": why_text, "reason_tex": why_tex}


def claims():
    """Every claim of seeds 003 and 000, with its recomputation."""
    half, three_halves = (float(sp.Rational(p, 2) ** 100) for p in (1, 3))
    tanh, sigmoid, relu = (derive.activation(n) for n in ("tanh", "sigmoid", "relu"))
    A = sp.Matrix([[sp.Rational(1, 2), 5], [0, sp.Rational(1, 2)]])
    gammas = f"$\\gamma = {latex(tanh.gamma)}, {latex(sigmoid.gamma)}$"
    return [
        claim("003", "0.5^100 is about 7.9e-31", r"$0.5^{100} \approx 7.9 \times 10^{-31}$",
              7.9e-31, half, f"${number(half, 4)}$", "correct"),
        claim("003", "1.5^100 is about 2.4e17", r"$1.5^{100} \approx 2.4 \times 10^{17}$",
              2.4e17, three_halves, f"${number(three_halves, 4)}$", "wrong",
              "the true value is ", sp.Float(three_halves, 3), ", so the claim is off by "
              f"{round(100 * (1 - 2.4e17 / three_halves))} percent"),
        claim("003", "|w| = 1: the gradient keeps its size",
              r"$|w| = 1$: the gradient keeps its size", 1.0, 1.0,
              r"$|w|^{T} = 1$ for the linear RNN", "correct for the linear RNN only"),
        claim("003", "gamma = 1 for tanh", r"$\gamma_\varphi = 1$ for tanh", 1.0,
              float(tanh.gamma), f"${latex(tanh.gamma)}$", "correct"),
        claim("003", "sigma_max(W_hh) < 1 implies the tanh gradient must vanish",
              r"$\sigma_{max}(W_{hh}) < 1 \Rightarrow$ the tanh gradient must vanish",
              None, None, r"$\|\partial h_j/\partial h_i\| \le \sigma_{max}^{j-i}$",
              "correct", "the condition is sufficient"),
        claim("003", "sigma_max(W_hh) > 1: risk of exploding",
              r"$\sigma_{max}(W_{hh}) > 1$: risk of exploding", None, None,
              "necessary, not sufficient", "correct as a risk",
              "saturation can still make the gradient vanish"),
        claim("003", "the long-run behaviour is completely determined by rho or sigma_max",
              r"long-run behaviour completely determined by $\rho$ or $\sigma_{max}$", None,
              float(derive.spectral_radius(A)),
              f"$\\rho = {latex(derive.spectral_radius(A))}$, $\\sigma_{{max}} = "
              f"{number(float(derive.spectral_norm(A)), 4)}$ for a Jordan-like $A$",
              "imprecise", "for linear maps ", RHO, " decides (Gelfand); ", SIGMA,
              " only bounds"),
        claim("000", "||dh_t/dh_(t-1)|| <= c^t", r"$\|\partial h_t/\partial h_{t-1}\| \le c^t$",
              None, None, r"$\|\partial h_t/\partial h_{t-1}\| \le c$; the product over $t$ "
              r"steps is $\le c^t$", "wrong", "one step is bounded by ", C, ", not ", C**t),
        claim("000", "derivatives above c > 1 give ||dh_t/dh_(t-1)|| >= c^t",
              r"derivatives above $c > 1$ give $\|\partial h_t/\partial h_{t-1}\| \ge c^t$",
              None, None, gammas + " for tanh, sigmoid", "wrong twice",
              "per step ", C, ", not ", C**t, "; and no tanh or sigmoid derivative exceeds 1"),
        claim("000", "dh_T/dW_hh = dh_T/dh_(T-1) ... dh_2/dh_1 dh_1/dW_hh",
              r"$\partial h_T/\partial W_{hh} = \frac{\partial h_T}{\partial h_{T-1}} \cdots "
              r"\frac{\partial h_2}{\partial h_1} \frac{\partial h_1}{\partial W_{hh}}$",
              None, None, r"$\sum_{k=1}^{T} \frac{\partial h_T}{\partial h_k} \frac{\partial^+ "
              r"h_k}{\partial W_{hh}}$ (section 1)", "wrong",
              "keeps only the ", sp.Eq(K, 1, evaluate=False), " path term of the BPTT sum"),
        claim("000", "tanh and sigmoid derivatives are below 1 in most of the range",
              r"tanh and sigmoid derivatives are below 1 in most of the range", None,
              float(sigmoid.gamma), gammas, "correct",
              "for the sigmoid ", sp.Le(dphi(z), sigmoid.gamma, evaluate=False), " everywhere"),
        claim("000", "tanh's derivative lies in (-1, 1)", r"tanh's derivative lies in $(-1, 1)$",
              None, float(tanh.gamma), r"$\tanh'(z) \in (0, 1]$", "imprecise",
              "positive, and equal to 1 at ", sp.Eq(z, 0, evaluate=False)),
        claim("000", "ReLU's derivative exceeds 1 on some interval, so gradients explode",
              "ReLU's derivative exceeds 1 on some interval, so gradients explode", None,
              float(relu.gamma), f"$\\sup|\\mathrm{{relu}}'| = {latex(relu.gamma)}$", "wrong",
              "for relu ", sp.Contains(dphi(z), sp.FiniteSet(0, 1), evaluate=False),
              "; exploding needs ", sp.Gt(norm(W_HH), 1, evaluate=False),
              " (necessary, not sufficient)"),
        claim("000", "the code sample computes per-step gradient norms",
              "the code sample computes per-step gradient norms", None, None,
              "six defects (section 6)", "wrong", "it does not run, and the math is off"),
    ]


def audit():
    rows, results = [], []
    for item in claims():
        verdict = escape_text(item["verdict"])
        if item["reason"]:
            verdict += ": " + item["reason_tex"]
        rows.append([item["seed"], item["claim_tex"], item["recomputed_tex"], verdict])
        results.append({key: value for key, value in item.items()
                        if key not in ("claim_tex", "reason_tex")})
    text = ("Each quantitative statement of the two articles (000: the Chinese overview with "
            "code; 003: the rigorous one), recomputed:\n"
            + table(["seed", "claim", "recomputed", "verdict"], rows,
                    spec="lp{0.3\\textwidth}p{0.27\\textwidth}p{0.27\\textwidth}"))
    return text, {"audit": results}
