"""The report's sections 6–12 (see reports/sections.py for the conventions)."""

import math
import platform

import numpy as np
import sympy as sp

import derive
import numeric
from derive.notation import latex
from numeric.seed import SEED_DEFECTS
from reports.sections import display, number, table

GELFAND_A = [[9, -1, 2], [-2, 8, 4], [1, 1, 8]]


def seed_program(figure):
    rng = np.random.default_rng(0)
    n, m = 20, 10
    W = rng.standard_normal((n, n))
    W *= 0.9 / np.linalg.norm(W, 2)
    norms = numeric.per_step_gradient_norms(derive.activation("tanh"), W,
                                            rng.standard_normal((n, m)), np.zeros(n),
                                            np.zeros(n), rng.standard_normal((100, m)), np.ones(n))
    figure(norms)
    steps = np.diff(np.log10(norms["delta"]))  # decades lost per step back in time
    rate = float(np.mean(steps))
    items = "\n".join(f"\\item {escape(d)}" for d in SEED_DEFECTS)
    text = ("The corrected program (one shared weight set, $\\tanh'$ of the pre-activation, "
            "$\\|W_{hh}\\|_2 = 0.9$, $n = 20$, $T = 100$) gives per-step contributions "
            "$\\|\\delta_k h_{k-1}^T\\|$ that decay geometrically going back in time: "
            f"on average {rate:.4f} decades per step, and every step at least "
            f"{float(steps.min()):.4f}, never less than the bound's "
            f"$-\\log_{{10}}(\\gamma_\\varphi \\|W_{{hh}}\\|_2) = {-math.log10(0.9):.4f}$.\n"
            "\\begin{center}\\includegraphics[width=0.8\\textwidth]{figures/bptt_contributions.pdf}"
            "\\end{center}\nDefects of the seed's listing:\n\\begin{enumerate}\n" + items
            + "\n\\end{enumerate}\n")
    return text, {"seed_decay_decades_per_step": rate,
                  "seed_decay_min_decades_per_step": float(steps.min())}


def escape(text):
    from derive.latex import escape_text

    return escape_text(text)


def sweeps():
    sentences = {
        "gradient_vs_T": "Linear RNN: straight lines of slope $\\log_{10}|w|$; tanh with a small "
                         "input: even $w > 1$ vanishes once the state saturates.",
        "regime_map": "The $(w, T)$ map for tanh: only a thin band near $|w| = 1/\\gamma_\\varphi"
                      " = 1$ keeps the gradient for long sequences.",
        "gain_sweep": "Gain sweeps with $n = 32$: the measured growth stays below the bound "
                      "$\\log_{10}(\\gamma g \\sigma_{max})$ and crosses zero far to the right "
                      "of $\\rho = 1$: saturation pulls the gradient down.",
        "saturation": "The same $w = 0.9$ with a growing input drive: saturation alone makes "
                      "the gradient vanish faster.",
    }
    text = "".join(f"\\begin{{center}}\\includegraphics[width=0.85\\textwidth]"
                   f"{{figures/{name}.pdf}}\\end{{center}}\n{sentence}\n\n"
                   for name, sentence in sentences.items())
    return text, {}


def relu():
    rnn = derive.RNN(2, activation="relu")
    J = derive.step_jacobian(rnn, 1, local=True)
    T = 200
    grow = numeric.scalar_sweep("relu", np.array([1.2]), np.array([T]), inputs=0.5, h0=1.0)
    dead = numeric.scalar_sweep("relu", np.array([1.2]), np.array([T]), inputs=-1.0, h0=-1.0)
    text = ("For $\\varphi(z) = \\max(0, z)$ SymPy derives $\\varphi'(z) = "
            + latex(derive.activation("relu").dphi) + "$, so $J_k = \\mathrm{diag}(1[a_k > 0])"
            " W_{hh}$:\n" + display(sp.Eq(sp.Symbol("J_1"), J, evaluate=False))
            + "There is no saturation: on active units $J_k = W_{hh}$ restricted to them, so "
            "$\\|W_{hh}\\| > 1$ explodes with nothing to damp it (scalar, $w = 1.2$, "
            "positive drive: $\\log_{10}|\\partial h_{200}/\\partial h_0| = "
            f"{grow.log10_abs_grad[0, 0]:.4f} = 200\\log_{{10}} 1.2$), while a unit with "
            "$a_k \\le 0$ contributes exactly 0: "
            "dead units cut every path (negative drive: the gradient is exactly 0, "
            "$\\log_{10} = -\\infty$).\n")
    return text, {"relu_explode_log10": float(grow.log10_abs_grad[0, 0]),
                  "relu_dead_log10": "-inf" if np.isneginf(dead.log10_abs_grad[0, 0]) else
                  float(dead.log10_abs_grad[0, 0])}


def clipping():
    rng = np.random.default_rng(3)
    n = 8
    W = 1.3 * numeric.random_W0(n, "orthogonal", rng)
    case = numeric.Case(derive.activation("tanh"), W, rng.standard_normal((n, 1)), np.zeros(n),
                        0.1 * rng.standard_normal(n), 0.1 * rng.standard_normal((60, 1)),
                        np.ones(n))
    g = numeric.bptt(case.activation, W, case.W_xh, case.b_h, case.h0, case.x, case.y).W_hh
    threshold = 1.0
    norm = float(np.linalg.norm(g))
    clipped = g * (threshold / norm) if norm >= threshold else g
    cosine = float(np.sum(g * clipped) / (np.linalg.norm(g) * np.linalg.norm(clipped)))
    text = ("Pascanu et al. (2013), Algorithm 1: if $\\|g\\| \\ge \\theta$ then "
            "$g \\leftarrow \\theta g / \\|g\\|$. For a tanh RNN with $W_{hh} = 1.3\\,Q$ "
            f"($Q$ orthogonal, $n = 8$, $T = 60$): $\\|g\\| = {number(norm)}$, clipped to "
            f"$\\theta = 1$; the cosine between $g$ and the clipped step is {cosine:.15f}. "
            "The step is bounded but its direction, and the Jacobian product that produced "
            "it, are unchanged: clipping mitigates exploding gradients, it does not cure "
            "them (and does nothing for vanishing ones).\n")
    return text, {"clip_norm_before": norm, "clip_threshold": threshold,
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
    text = (f"Produced by \\texttt{{{escape(command)}}}. Random draws use NumPy's "
            "\\texttt{default\\_rng} with the seeds written in each section (0, 1, 3). "
            "Versions:\n" + table(["package", "version"], rows))
    return text, {"versions": versions, "command": command}
