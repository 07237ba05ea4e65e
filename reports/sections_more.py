"""The report's sections 6–12 (see reports/sections.py for the conventions)."""

import math
import platform
import re

import numpy as np
import sympy as sp

import derive
import numeric
from derive import norm
from derive import to_latex as latex
from numeric import SEED_DEFECTS
from reports.cells_curves import SEEDS as CELL_SEEDS
from reports.sections import display, number, table

GELFAND_A = [[9, -1, 2], [-2, 8, 4], [1, 1, 8]]
SEEDS = {"seed_program": 0, "gain_sweep": 0, "clipping": 3,  # numpy.random.default_rng(seed)
         **{f"gated_cell_{use}": seed for use, seed in CELL_SEEDS.items()}}


def seed_program(figure):
    rng = np.random.default_rng(SEEDS["seed_program"])
    n, m = 20, 10
    W = rng.standard_normal((n, n))
    W *= 0.9 / np.linalg.norm(W, 2)
    norms = numeric.per_step_gradient_norms(derive.activation("tanh"), W,
                                            rng.standard_normal((n, m)), np.zeros(n),
                                            np.zeros(n), rng.standard_normal((100, m)), np.ones(n))
    figure(norms)
    steps = np.diff(np.log10(norms["delta"]))  # decades lost per step back in time
    rate = float(np.mean(steps))
    items = "\n".join(f"\\item {code_in_texttt(d)}" for d in SEED_DEFECTS)
    contribution = norm(sp.MatrixSymbol("delta_k", 20, 1) * sp.MatrixSymbol("h_{k-1}", 20, 1).T)
    text = ("The corrected program (one shared weight set, $\\tanh'$ of the pre-activation, "
            "$\\|W_{hh}\\|_2 = 0.9$, $n = 20$, $T = 100$; $W_{hh}$, $W_{xh}$ and the inputs $x_k$ "
            "drawn from the standard normal distribution by NumPy's "
            f"\\texttt{{default\\_rng({SEEDS['seed_program']})}}, $W_{{hh}}$ then scaled to "
            "norm 0.9) gives per-step contributions "
            f"${latex(contribution)}$ that decay geometrically going back in time: "
            f"on average {rate:.4f} decades per step, and every step at least "
            f"{float(steps.min()):.4f}, never less than the bound's "
            f"$-\\log_{{10}}(\\gamma_\\varphi \\|W_{{hh}}\\|_2) = {-math.log10(0.9):.4f}$.\n"
            "\\begin{center}\\includegraphics[width=0.8\\textwidth]{figures/bptt_contributions.pdf}"
            "\\end{center}\nDefects of the seed's listing:\n\\begin{enumerate}\n" + items
            + "\n\\end{enumerate}\n")
    return text, {"seed_decay_decades_per_step": rate,
                  "seed_decay_min_decades_per_step": float(steps.min())}


def finite_or_null(key, value, why):
    """``{key: value}``, or for a value that is not finite ``{key: None, key_note: why}``: the
    results.json convention for infinities (stated in the Reproducibility section).

    >>> finite_or_null("g", float("-inf"), "exact zero")
    {'g': None, 'g_note': 'exact zero'}
    """
    return {key: value} if math.isfinite(value) else {key: None, f"{key}_note": why}


NULL_CONVENTION = ("In \\texttt{results.json} every quantity that is not a finite number (such "
                   "as the $\\log_{10}$ of an exact zero, $-\\infty$) is written as "
                   "\\texttt{null}, and the key of the same name with \\texttt{\\_note} appended "
                   "says what it is; the file holds no \\texttt{Infinity}, \\texttt{NaN} or "
                   "\\texttt{\"-inf\"}.")


def code_in_texttt(text):
    r"""``text`` for LaTeX with its code words (those holding _ . [ ] ^ inside) in \texttt.

    >>> code_in_texttt("calls h.T on x_k.")
    'calls \\texttt{h.T} on \\texttt{x\\_k}.'
    """
    def word(match):
        token, tail = match.group(1), match.group(2)
        if re.search(r"[\w)][_.^\[]|[\[\]]", token):
            return f"\\texttt{{{escape(token)}}}{escape(tail)}"
        return escape(token + tail)

    return re.sub(r"(\S+?)([,.:;)]*)(?=\s|$)", word, text)


def escape(text):
    return derive.escape_text(text)


def sweeps():
    sentences = {
        "gradient_vs_T": "Linear RNN: straight lines of slope $\\log_{10}|w|$; tanh with a small "
                         "input: even $w > 1$ vanishes once the state saturates.",
        "regime_map": "The $(w, T)$ map for tanh: only a thin band near $|w| = 1/\\gamma_\\varphi"
                      " = 1$ keeps the gradient for long sequences.",
        "gain_sweep": "Gain sweeps with $n = 32$: the measured growth stays below the bound "
                      "$\\log_{10}(\\gamma g \\sigma_{max})$ and crosses zero far to the right "
                      "of $\\rho = 1$: saturation pulls the gradient down. In each panel "
                      "$W_0$, then the inputs $x_k$, are drawn by NumPy's "
                      f"\\texttt{{default\\_rng({SEEDS['gain_sweep']})}}.",
        "saturation": "The same $w = 0.9$ with a growing input drive: saturation alone makes "
                      "the gradient vanish faster.",
    }
    text = ("The curves and the map use no random numbers (constant inputs $x_t$); the gain "
            "sweeps do.\n\n")
    text += "".join(f"\\begin{{center}}\\includegraphics[width=0.85\\textwidth]"
                   f"{{figures/{name}.pdf}}\\end{{center}}\n{sentence}\n\n"
                   for name, sentence in sentences.items())
    return text, {}


def relu():
    rnn = derive.RNN(2, activation="relu")
    J = derive.step_jacobian(rnn, 1, local=True)
    T = 200
    grow = numeric.scalar_sweep("relu", np.array([1.2]), np.array([T]), inputs=0.5, h0=1.0)
    dead = numeric.scalar_sweep("relu", np.array([1.2]), np.array([T]), inputs=-1.0, h0=-1.0)
    dead_log10 = float(dead.log10_abs_grad[0, 0])
    text = ("For $\\varphi(z) = \\max(0, z)$ SymPy derives $\\varphi'(z) = "
            + latex(derive.activation("relu").dphi) + "$, so $J_k = \\mathrm{diag}(1[a_k > 0])"
            " W_{hh}$:\n" + display(sp.Eq(sp.Symbol("J_1"), J, evaluate=False))
            + "There is no saturation: on active units $J_k = W_{hh}$ restricted to them, so "
            "nothing damps the product. $\\|W_{hh}\\| > 1$ is still only necessary for "
            "exploding, not sufficient: the gradient explodes when the product of the active "
            "units' restrictions of $W_{hh}$ grows, as for a scalar $w = 1.2$ with positive drive "
            "($\\log_{10}|\\partial h_{200}/\\partial h_0| = "
            f"{grow.log10_abs_grad[0, 0]:.4f} = 200\\log_{{10}} 1.2$), and it vanishes, however "
            "large $\\|W_{hh}\\|$ is, when units die: a unit with "
            "$a_k \\le 0$ contributes exactly 0, and dead units cut every path (the same "
            "$w = 1.2$ with negative drive: the gradient is exactly 0, "
            f"$\\log_{{10}} = {number(dead_log10)}$).\n")
    return text, {"relu_explode_log10": float(grow.log10_abs_grad[0, 0]),
                  **finite_or_null("relu_dead_log10", dead_log10,
                                   "the gradient is exactly 0, so its log10 is minus infinity")}


def clipping():
    rng = np.random.default_rng(SEEDS["clipping"])
    n = 8
    W = 1.3 * numeric.random_W0(n, "orthogonal", rng)
    case = numeric.Case(derive.activation("tanh"), W, rng.standard_normal((n, 1)), np.zeros(n),
                        0.1 * rng.standard_normal(n), 0.1 * rng.standard_normal((60, 1)),
                        np.ones(n))
    g = numeric.bptt(case.activation, W, case.W_xh, case.b_h, case.h0, case.x, case.y).W_hh
    threshold = 1.0
    size = float(np.linalg.norm(g))
    clipped = g * (threshold / size) if size >= threshold else g
    cosine = float(np.sum(g * clipped) / (np.linalg.norm(g) * np.linalg.norm(clipped)))
    text = ("Pascanu et al. (2013), Algorithm 1: if $\\|g\\| \\ge \\theta$ then "
            "$g \\leftarrow \\theta g / \\|g\\|$. For a tanh RNN with $W_{hh} = 1.3\\,Q$ "
            f"($Q$ orthogonal, $n = 8$, $T = 60$; $Q$, $W_{{xh}}$, $h_0$ and the inputs drawn "
            f"by NumPy's \\texttt{{default\\_rng({SEEDS['clipping']})}}): "
            f"$\\|g\\| = {number(size)}$, clipped to "
            f"$\\theta = 1$; the cosine between $g$ and the clipped step is {cosine:.15f}. "
            "The step is bounded but its direction, and the Jacobian product that produced "
            "it, are unchanged: clipping mitigates exploding gradients, it does not cure "
            "them (and does nothing for vanishing ones).\n")
    return text, {"clip_norm_before": size, "clip_threshold": threshold,
                  "clip_cosine": cosine}


def gelfand():
    A = sp.Matrix(GELFAND_A)
    rho = derive.spectral_radius(A)
    sigma = derive.spectral_norm(A)
    rows, values = [], {}
    An = np.array(GELFAND_A, dtype=float)
    for k in (1, 10, 100, 1000):
        P = numeric.jacobian_product(np.repeat(An[None], k, axis=0))
        value = 10 ** (P.log10_norm / k)
        rows.append([str(k), f"${value:.6f}$"])
        values[str(k)] = value
    text = ("For $s_{t+1} = A s_t$ the state after $k$ steps is $A^k s_0$; Gelfand's formula "
            "$\\|A^k\\|^{1/k} \\to \\rho(A)$ says the spectral radius decides. For\n"
            + display(sp.Eq(sp.Symbol("A"), A, evaluate=False))
            + f"SymPy gives exactly $\\rho(A) = {latex(rho)}$ while $\\|A\\|_2 = {latex(sigma)}"
            f" \\approx {float(sigma):.6f}$:\n" + table(["$k$", "$\\|A^k\\|_2^{1/k}$"], rows))
    return text, {"gelfand_rho": str(rho), "gelfand_sigma": float(sigma),
                  "gelfand_norm_root": values}


def reproducibility(command):
    import matplotlib
    import mpmath
    import scipy

    versions = {"python": platform.python_version(), "sympy": sp.__version__,
                "numpy": np.__version__, "scipy": scipy.__version__,
                "matplotlib": matplotlib.__version__, "mpmath": mpmath.__version__}
    rows = [[name, version] for name, version in versions.items()]
    used = ", ".join(f"{seed} ({where.replace('_', ' ')})" for where, seed in SEEDS.items())
    text = (f"Produced by \\texttt{{{escape(command)}}}. Random draws use NumPy's "
            "\\texttt{default\\_rng} with the seed written in each section that draws: "
            f"{used}; nothing else is random. " + NULL_CONVENTION
            + " Versions:\n" + table(["package", "version"], rows))
    return text, {"versions": versions, "command": command, "seeds": SEEDS}
