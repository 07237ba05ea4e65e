"""The gated-cells section's figure: its LaTeX with caption, how its numbers were made, and
the paragraph on what it shows — every claim computed from the curves (``cells_curves``),
every formula printed from a SymPy object."""

import sympy as sp

import derive
from derive import diag, max_abs, norm2
from derive import to_latex as latex
from reports import cells_curves as cc
from reports.sections import number

k, T = sp.symbols("k T", integer=True, positive=True)
LOG10 = sp.Function("log_10")
SIGMA = derive.gate(derive.activation("sigmoid"))


def _math(expr):
    return f"${latex(expr)}$"


def _zero_states():
    return ", ".join(_math(sp.Eq(sp.Symbol(s), 0)) for s in ("h_0", "c_0"))


def _label(curve):
    """The curve's name for LaTeX text: LSTM with b_f = 1 printed by SymPy."""
    if curve.forget_bias is None:
        return {"elman": "the tanh Elman cell", "gru": "the GRU"}.get(curve.cell, curve.label)
    return f"the LSTM with {_math(sp.Eq(sp.Symbol('b_f'), curve.forget_bias))}"


def _drive():
    return sp.Eq(sp.Symbol("x_t"), sp.Float(cc.DRIVE, 2) * sp.Symbol("epsilon_t"))


def norm_symbol():
    """‖∂h_T/∂h_0‖₂ as a SymPy object."""
    return norm2(sp.Derivative(sp.Symbol("h_T"), sp.Symbol("h_0"), evaluate=False))


def figure_tex():
    """The figure with its caption."""
    drive = _drive()
    return ("\\begin{figure}[!htb]\\centering\n"
            "\\includegraphics[width=0.85\\textwidth]{figures/gated_cells.pdf}\n"
            f"\\caption{{${latex(LOG10(norm_symbol()))}$ against $T$ for an Elman cell (tanh), "
            "LSTMs with forget bias "
            f"${', '.join(latex(b) for b in sp.sympify(cc.FORGET_BIASES))}$ and a GRU, at "
            f"PyTorch's default initialisation ($n = {cc.N}$, $m = {cc.M}$, ${latex(drive)}$, "
            f"{_zero_states()}).}}\\label{{fig:gated-cells}}\n\\end{{figure}}\n")


def setup_text():
    """How the figure's numbers were made (initialisation, seeds, drive, fit)."""
    n = sp.Symbol("n", positive=True)
    uniform = sp.Function("uniform")(-1 / sp.sqrt(n), 1 / sp.sqrt(n))
    f_ki = sp.Symbol("f_k,i")
    rate = sp.Sum(LOG10(f_ki), (k, 1, T)) / T
    path = sp.Eq(norm2(sp.Product(diag(sp.Symbol("f_k")), (k, 1, T))),
                 max_abs(sp.Product(f_ki, (k, 1, T))), evaluate=False)
    return ("The figure follows the hidden-to-hidden block of the product, "
            f"${latex(norm_symbol())}$ with $c_0$ held fixed (for the LSTM the top-left "
            "$n \\times n$ block of "
            f"{_math(sp.Derivative(sp.Symbol('s_T'), sp.Symbol('s_0'), evaluate=False))}), "
            "for $T = 1, \\dots, "
            f"{cc.T_MAX}$. Every weight and bias is drawn ${latex(uniform)}$, PyTorch's "
            f"default, with $n = {cc.N}$, $m = {cc.M}$, by NumPy's "
            f"\\texttt{{default\\_rng({cc.SEEDS['parameters']})}} (the three LSTMs share this "
            "draw and differ only in $b_f$, set as the $f$ block of \\texttt{bias\\_ih}, the "
            f"$f$ block of \\texttt{{bias\\_hh}} set to 0); {_zero_states()}; the inputs are "
            f"{_math(_drive())} with $\\epsilon_t$ standard normal from "
            f"\\texttt{{default\\_rng({cc.SEEDS['inputs']})}}. A slope is the least-squares "
            f"slope of a curve over $T = {cc.FIT_FROM}, \\dots, {cc.T_MAX}$, in decades per "
            "step. The carousel rate is the decades per step of the diagonal path alone, "
            "along the same trajectory (for the GRU with the update gate "
            f"${latex(SIGMA(sp.Symbol('z_z')))}$ in place of $f$): with\n"
            f"\\[ {latex(path)}, \\qquad {latex(rate)}, \\]\nthe second at "
            f"$T = {cc.T_MAX}$, maximised over the units $i$.\n\n")


def findings(curves):
    """The paragraph on what the figure shows: the curves ranked by their computed slopes,
    the forget-bias order and the carousel comparison, each stated only as computed."""
    lstms, gru = curves[1:-1], curves[-1]
    T_max, start = len(curves[0].log10_norm), cc.ordered_from(lstms)

    def said(curve):
        return (f"{_label(curve)} (slope ${number(cc.slope(curve.log10_norm), 4)}$, "
                f"${number(float(curve.log10_norm[-1]), 6)}$ at $T = {T_max}$)")

    ranked = sorted(curves, key=lambda c: cc.slope(c.log10_norm))
    order = (f"at every $T$ from ${start}$ to ${T_max}$" if start is not None
             else f"not at $T = {T_max}$")
    slower = all(cc.slope(c.log10_norm) > c.carousel for c in (*lstms, gru))
    best, worst = ranked[-1], ranked[0]
    return ("What the figure shows (log10 values), from the fastest decay to the slowest: "
            + "; ".join(said(c) for c in ranked) + f". After {T_max} steps the gradient of "
            f"{_label(best)} has lost ${number(-float(best.log10_norm[-1]), 4)}$ decades, that of "
            f"{_label(worst)} ${number(-float(worst.log10_norm[-1]), 4)}$. The forget bias "
            f"orders the LSTM curves {order}: the larger $b_f$, the larger the gradient. "
            + ("Each gated product decays more slowly than its carousel alone (the table's "
               "slope against its carousel rate; GRU: "
               f"${number(cc.slope(gru.log10_norm), 4)}$ against "
               f"${number(gru.carousel, 4)}$): the paths through $h$ and the weights add to the "
               "diagonal path rather than cancel it.\n" if slower else
               "Not every gated product decays more slowly than its carousel alone.\n"))
