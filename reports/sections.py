"""The report's sections 1–6: each returns (LaTeX text, results dict) computed by derive/numeric.

Every formula is printed by SymPy from SymPy objects (``derive.notation.latex``); numbers come
from the computations whose results also go to results.json.
"""

import json
import math

import numpy as np
import sympy as sp

import derive
import numeric
from derive import TEXT_WIDTH, dphi, escape_text, gamma_phi, k, norm, norm2, reason, z
from derive import T as T_
from derive import latex_width as width
from derive import to_latex as latex

WORKED_CASE = {"activation": "tanh", "W_hh": [[0.5, -0.3], [0.2, 0.9]], "W_xh": [[1.0], [0.5]],
               "b_h": [0.1, -0.2], "h0": [0.3, -0.1], "x": [[0.2], [0.7], [-0.4]],
               "y": [0.0, 0.5]}


def number(value, digits=6):
    """A float as LaTeX (4.06561 \\cdot 10^{17}), printed by SymPy; ±∞ as ±\\infty.

    >>> number(float("-inf")), number(2.5)
    ('-\\\\infty', '2.5')
    """
    if math.isnan(value):
        raise ValueError("NaN has no place in the report")
    return latex(sp.Float(value, digits)) if math.isfinite(value) else latex(sp.sign(value) * sp.oo)


def display(expr):
    """A displayed formula; one wider than the text is scaled down to the text width."""
    tex = latex(expr)
    if width(tex) > TEXT_WIDTH:
        return f"\\[ \\resizebox{{\\textwidth}}{{!}}{{$\\displaystyle {tex}$}} \\]\n"
    return f"\\[ {tex} \\]\n"


def table(header, rows, spec=None):
    spec = spec or "l" * len(header)
    lines = [f"\\begin{{center}}\\begin{{tabular}}{{{spec}}}\\toprule",
             " & ".join(header) + r" \\ \midrule"]
    lines += [" & ".join(row) + r" \\" for row in rows]
    return "\n".join(lines + [r"\bottomrule\end{tabular}\end{center}"]) + "\n"


def setting():
    rnn = derive.RNN(2, activation="tanh")
    steps = derive.derivation(rnn, 3).steps
    text = ("We study $h_k = \\varphi(a_k)$ with pre-activation $a_k$, $k = 1,\\dots,T$, and "
            "backpropagation through time (BPTT), in the notation of the source articles "
            f"(${latex(W_HH.T)}$ is the transpose of $W_{{hh}}$, ${latex(W_HH**T_)}$ its $T$-th "
            "power):\n" + derive.Derivation("", steps[:2] + steps[-5:]).to_latex())
    return text, {}


W_HH = sp.MatrixSymbol("W_hh", 2, 2)


def scalar_linear():
    w, T = sp.symbols("w T", positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    L = sp.Function("L_T")
    product = sp.Product(w, (k, 1, T))
    derivation = derive.Derivation("", (
        derive.Step(sp.Eq(sp.Symbol("J_k"), derive.step_jacobian(
            derive.RNN(1, activation="identity", W_hh=[[w]]), 1)[0], evaluate=False),
            *reason("identity activation: ", sp.Eq(dphi(z), 1, evaluate=False))),
        derive.Step(sp.Eq(sp.Derivative(L(sp.Symbol("h_0")), sp.Symbol("h_0")),
                          sp.Derivative(L(sp.Symbol("h_T")), sp.Symbol("h_T")) * product,
                          evaluate=False), *reason("chain rule over ", T, " steps")),
        derive.Step(sp.Eq(product, product.doit(), evaluate=False),
                    *reason("the product of ", T, " equal factors")),
    ))
    rows, results = [], {}
    for w_value in (sp.Rational(1, 2), sp.Integer(1), sp.Rational(3, 2)):
        exact = derive.jacobian_product(derive.RNN(1, activation="identity", W_hh=[[w_value]]),
                                        0, 100, expanded=True)[0]
        decimal = float(exact)
        regime = numeric.regime_labels(np.array([math.log10(decimal)]))[0]
        rows.append([f"${latex(w_value)}$", f"${latex(sp.Pow(w_value, 100, evaluate=False))}$",
                     f"${number(decimal)}$", regime])
        results[str(w_value)] = {"exact": str(exact), "decimal": decimal, "regime": regime}
    text = (derivation.to_latex() + "At $T = 100$ (exact values from the expanded product):\n"
            + table(["$w$", "$w^{100}$", "decimal", "regime"], rows))
    return text, {"w_pow_100": results}


def seed000_tanh():
    """L = (y − h_T)², T = 2: the BPTT gradient in the states h_k and pre-activations a_k,
    checked equal to derive.bptt_gradient of the unrolled RNN."""
    act, w, y = derive.activation("tanh"), sp.Symbol("w", real=True), sp.Symbol("y")
    a1, a2, h0, h1, h2 = sp.symbols("a_1 a_2 h_0 h_1 h_2", real=True)
    local = 2 * (h2 - y) * act.derivative_at(a2) * (h1 + w * act.derivative_at(a1) * h0)
    rnn = derive.RNN(1, activation="tanh", W_hh=[[w]], b_h=[0])
    unrolled = {a1: derive.pre_activation(rnn, 1)[0], a2: derive.pre_activation(rnn, 2)[0],
                h1: derive.hidden_state(rnn, 1)[0], h2: derive.hidden_state(rnn, 2)[0],
                h0: rnn.h0[0]}
    gradient = 2 * derive.bptt_gradient(rnn, 2, y=[y])[0]  # (y − h_T)² = 2 · ½(h_T − y)²
    probe = {s: sp.Rational(k + 2, 7) for k, s in enumerate(sorted(gradient.free_symbols, key=str))}
    gap = abs(sp.N((local.xreplace(unrolled) - gradient).xreplace(probe), 30))
    case = numeric.Case(act, np.array([[0.8]]), np.array([[1.0]]), np.zeros(1),
                        np.array([0.1]), np.array([[0.5], [-0.3], [0.9], [0.2]]),
                        np.array([0.4]))
    checks = numeric.run_checks(case)
    text = ("Seed 000's example: one hidden unit, $h_t = \\tanh(W_{hh} h_{t-1} + W_{xh} x_t)$, "
            + losses() + ", here with $W_{hh} = w$. For $T = 2$ the BPTT sum, written in the "
            "states $h_k$ and pre-activations $a_k$, is\n"
            + display(sp.Eq(sp.Derivative(sp.Symbol("L"), w), local, evaluate=False))
            + "(the same as \\texttt{bptt\\_gradient} of the unrolled RNN: "
            + ("identical to 30 digits" if gap < 1e-25 else f"off by ${number(float(gap), 2)}$")
            + " at a rational test point). "
            "For a concrete case ($W_{hh} = 0.8$, $T = 4$, with section 1's loss, the loss of "
            "every case in this report) every derivative is checked:\n"
            + check_table(checks))
    return text, {"seed000_symbolic_gap": float(gap),
                  "seed000_checks": {m: r.to_dict() for m, r in checks.items()}}


def losses():
    """Seed 000's loss (y − h_T)² against section 1's ½‖h_T − y‖², said in words."""
    L, y, h_T = sp.symbols("L y h_T")
    seed = sp.Eq(L, (y - h_T) ** 2, evaluate=False)
    ours = sp.Eq(L, sp.Rational(1, 2) * norm(h_T - y) ** 2, evaluate=False)
    return (f"with seed 000's loss ${latex(seed)}$, which is not section 1's ${latex(ours)}$: "
            "for one unit it is twice as large, and so is its gradient")


def check_table(checks):
    rows = []
    for name, report in checks.items():
        error = "n/a" if report.max_rel_error is None else f"${number(report.max_rel_error, 3)}$"
        rows.append([name.replace("_", " "), error, f"${number(report.tolerance, 1)}$",
                     {True: "pass", False: "FAIL", None: "n/a"}[report.passed]])
    return table(["method", "max rel. error", "tolerance", "result"], rows)


def vector_rnn():
    rows, gammas = [], {}
    for name in derive.activation_names():
        act = derive.activation(name)
        shown = act.gamma if act.gamma_exact else sp.Float(act.gamma, 20)
        where = act.attainment(digits=12)
        rows.append([name.replace("_", " "), f"${latex(shown)}$",
                     f"${number(float(act.gamma), 10)}$",
                     "exact" if act.gamma_exact else "numeric", f"${where['latex']}$"])
        gammas[name] = {"gamma": str(act.gamma), "decimal": float(act.gamma),
                        "exact": act.gamma_exact,
                        "attained": {key: where[key] for key in ("set", "limits")}}
    text = (aligned_with_wide(*vector_steps())
            + "The gain $\\gamma_\\varphi = \\sup_z |\\varphi'(z)|$ of every registered "
            "activation, derived by SymPy (critical points of $\\varphi'$, one-sided limits at "
            "kinks, limits at $\\pm\\infty$):\n"
            + table(["activation", "$\\gamma_\\varphi$", "decimal", "kind", "attained at"], rows)
            + linear_case()
            + "gelu and silu have $\\gamma_\\varphi > 1$: for them $\\|W_{hh}\\| < 1$ no "
            "longer guarantees vanishing; the sufficient condition is "
            "$\\|W_{hh}\\| < 1/\\gamma_\\varphi$.\n")
    return text, {"gamma": gammas}


def vector_steps():
    """The n = 2 tanh derivation's Jacobian, product and norm steps (T = 4), then the two
    conditions on γ_φ‖W_hh‖₂ (sufficient for vanishing, necessary and not sufficient for
    exploding); and the wide step (J_T entry by entry)."""
    rnn = derive.RNN(2, activation="tanh")
    jacobians = derive.jacobian_steps(rnn, 4)
    steps = (tuple(jacobians) + tuple(derive.product_steps(rnn, 4))
             + tuple(derive.norm_steps(rnn))
             + tuple(derive.implications(gamma_phi * norm2(W_HH), 2)))
    return steps, jacobians[-1]


def aligned_with_wide(steps, wide):
    """``steps`` as align* blocks, except the step ``wide``: it is displayed alone (scaled to
    the text width when wider), its reason written above it."""
    at = next(i for i, step in enumerate(steps) if step is wide)
    why = wide.reason_tex or escape_text(wide.reason)
    return (derive.Derivation("", steps[:at]).to_latex() + why[0].upper() + why[1:] + ":\n"
            + display(wide.relation) + derive.Derivation("", steps[at + 1:]).to_latex())


def linear_case():
    """For the linear RNN the spectral radius decides (Gelfand)."""
    rho = sp.Function("rho", real=True)(W_HH)
    gelfand = sp.Eq(sp.Limit(norm(W_HH**k) ** (1 / k), k, sp.oo), rho, evaluate=False)
    return ("For the linear RNN ($\\varphi(z) = z$) the product is "
            f"${latex(W_HH**T_)}$ and ${latex(gelfand)}$: the spectral radius decides, "
            f"vanishing iff ${latex(sp.Lt(rho, 1, evaluate=False))}$ and exploding iff "
            f"${latex(sp.Gt(rho, 1, evaluate=False))}$ "
            "(section 10).\n\n")


def case_file_format():
    """The case-file format (the input of ``rnngrad check``), described in full."""
    h_T, y, h_k, y_k = sp.symbols("h_T y h_k y_k")
    summed = sp.Rational(1, 2) * sp.Sum(norm(h_k - y_k) ** 2, (k, 1, T_))
    lines = ",\n ".join(f"{json.dumps(key)}: {json.dumps(value)}"
                         for key, value in WORKED_CASE.items())
    return ("A case file, the input of \\texttt{rnngrad check}, is one JSON object. Required: "
            "\\texttt{activation} (a registered name such as \\texttt{\"tanh\"}, or a formula in "
            "\\texttt{x} such as \\texttt{\"x/(1+Abs(x))\"}), \\texttt{W\\_hh} ($n \\times n$, "
            "a list of rows), \\texttt{W\\_xh} ($n \\times m$) and \\texttt{x} ($T \\times m$, one "
            "row per step). Optional: \\texttt{b\\_h} and \\texttt{h0} ($n$ numbers each, default "
            "0), \\texttt{alpha} (of \\texttt{leaky\\_relu} and \\texttt{elu}) and "
            "\\texttt{y}, the target: $n$ numbers "
            f"for ${latex(sp.Eq(sp.Symbol('L'), sp.Rational(1, 2) * norm(h_T - y) ** 2))}$, or "
            f"$T \\times n$ for ${latex(sp.Eq(sp.Symbol('L'), summed, evaluate=False))}$. "
            "Every number must be finite. The case worked here:\n"
            "\\begin{verbatim}\n{" + lines + "}\n\\end{verbatim}\n")


def worked_example():
    case = numeric.case_from_dict(WORKED_CASE)
    rnn = derive.RNN(2, activation="tanh", **{k: v for k, v in WORKED_CASE.items()
                                              if k in ("W_hh", "W_xh", "b_h", "h0", "x")})
    product = derive.jacobian_product(rnn, 0, 3, expanded=True)
    evaluate = sp.lambdify([], list(product), modules="mpmath", cse=True)
    import mpmath

    with mpmath.workdps(30):
        entries = [mpmath.nstr(v, 20) for v in evaluate()]
    checks = numeric.run_checks(case)
    x = sp.Matrix([list(row) for row in rnn.x]).T
    text = (case_file_format() + "In exact numbers: $W_{hh} = " + latex(rnn.W_hh)
            + "$, $W_{xh} = " + latex(rnn.W_xh) + "$, $b_h = " + latex(rnn.b_h) + "$, $h_0 = "
            + latex(rnn.h0) + f"$, ${latex(sp.MatrixSymbol('x', 3, 1).T)} = {latex(x)}$ (one "
            "column per step $x_1, x_2, x_3$)."
            " The expanded product $\\partial h_3/\\partial h_0$ is "
            "an exact expression in nested $\\tanh$; its entries to 20 digits:\n"
            + table(["entry", "value"], [[f"$({i // 2 + 1},{i % 2 + 1})$", f"${e}$"]
                                         for i, e in enumerate(entries)])
            + check_table(checks))
    return text, {"worked_product": entries,
                  "worked_checks": {m: r.to_dict() for m, r in checks.items()}}
