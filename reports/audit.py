"""Section 11: every quantitative claim of the two seed articles, recomputed, with a verdict."""

import math

import sympy as sp

import derive
from derive.latex import escape_text
from derive.notation import latex
from reports.sections import number, table


def claims():
    """(seed, claim, recomputed value as LaTeX, verdict, results entry) for every claim."""
    half = float(sp.Rational(1, 2) ** 100)
    three_halves = float(sp.Rational(3, 2) ** 100)
    tanh, sigmoid, relu = (derive.activation(n) for n in ("tanh", "sigmoid", "relu"))
    A = sp.Matrix([[sp.Rational(1, 2), 5], [0, sp.Rational(1, 2)]])
    return [
        ("003", r"$0.5^{100} \approx 7.9 \times 10^{-31}$", f"${number(half, 4)}$", "correct",
         half),
        ("003", r"$1.5^{100} \approx 2.4 \times 10^{17}$", f"${number(three_halves, 4)}$",
         "wrong: the true value is 4.07e17 (2.4e17 is off by 41 percent)", three_halves),
        ("003", r"$|w| = 1$: the gradient keeps its size",
         r"$|w|^{T} = 1$ for the linear RNN", "correct for the linear RNN only", 1.0),
        ("003", r"$\gamma_\varphi = 1$ for tanh", f"${latex(tanh.gamma)}$", "correct", 1.0),
        ("003", r"$\sigma_{max}(W_{hh}) < 1 \Rightarrow$ the tanh gradient must vanish",
         r"$\|\partial h_j/\partial h_i\| \le \sigma_{max}^{j-i}$", "correct (sufficient)", 1.0),
        ("003", r"$\sigma_{max}(W_{hh}) > 1$: risk of exploding",
         r"necessary, not sufficient", "correct as a risk; saturation can still make it vanish",
         1.0),
        ("003", r"long-run behaviour completely determined by $\rho$ or $\sigma_{max}$",
         f"$\\rho = {latex(derive.spectral_radius(A))}$, $\\sigma_{{max}} = "
         f"{number(float(derive.spectral_norm(A)), 4)}$ for a Jordan-like $A$",
         "imprecise: for linear maps rho decides (Gelfand), sigma_max only bounds", 0.5),
        ("000", r"$\|\partial h_t/\partial h_{t-1}\| \le c^t$",
         r"$\|\partial h_t/\partial h_{t-1}\| \le c$; the product over $t$ steps is $\le c^t$",
         "wrong: one step is bounded by c, not c^t", None),
        ("000", r"derivatives above $c > 1$ give $\|\partial h_t/\partial h_{t-1}\| \ge c^t$",
         f"$\\gamma = {latex(tanh.gamma)}, {latex(sigmoid.gamma)}$ for tanh, sigmoid",
         "wrong twice: per step c, not c^t; and no tanh or sigmoid derivative exceeds 1", None),
        ("000", r"$\partial h_T/\partial W_{hh} = \frac{\partial h_T}{\partial h_{T-1}} \cdots "
         r"\frac{\partial h_2}{\partial h_1} \frac{\partial h_1}{\partial W_{hh}}$",
         r"$\sum_{k=1}^{T} \frac{\partial h_T}{\partial h_k} \frac{\partial^+ h_k}"
         r"{\partial W_{hh}}$ (section 1)",
         "wrong: keeps only the k = 1 path term of the BPTT sum", None),
        ("000", r"tanh and sigmoid derivatives are below 1 in most of the range",
         f"$\\gamma = {latex(tanh.gamma)}, {latex(sigmoid.gamma)}$",
         "correct (sigmoid' <= 1/4 everywhere)", float(sigmoid.gamma)),
        ("000", r"tanh's derivative lies in $(-1, 1)$", r"$\tanh'(z) \in (0, 1]$",
         "imprecise: positive, and equal to 1 at z = 0", 1.0),
        ("000", r"ReLU's derivative exceeds 1 on some interval, so gradients explode",
         f"$\\sup|\\mathrm{{relu}}'| = {latex(relu.gamma)}$",
         "wrong: relu' is 0 or 1; explosion comes from ||W_hh|| > 1", float(relu.gamma)),
        ("000", "the code sample computes per-step gradient norms",
         "six defects (section 6)", "wrong: it does not run, and the math is off", None),
    ]


def audit():
    rows, results = [], []
    for seed, claim, value, verdict, number_value in claims():
        rows.append([seed, claim, value, escape_text(verdict)])
        results.append({"seed": seed, "verdict": verdict,
                        "value": None if number_value is None or not math.isfinite(number_value)
                        else number_value})
    text = ("Each quantitative statement of the two articles (000: the Chinese overview with "
            "code; 003: the rigorous one), recomputed:\n"
            + table(["seed", "claim", "recomputed", "verdict"], rows,
                    spec="lp{0.3\\textwidth}p{0.27\\textwidth}p{0.27\\textwidth}"))
    return text, {"audit": results}
