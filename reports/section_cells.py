"""The report's section on gated cells: the LSTM and GRU step maps in PyTorch's gate order,
their step Jacobians derived by SymPy block by block (``derive.structured_jacobian``), the
constant error carousel, and the figure of log10‖∂h_T/∂h_0‖₂ against T (``cells_curves``).

Every formula is printed by SymPy from SymPy objects; every number is computed here and the
same values go to results.json under ``gated_cells``.
"""

import sympy as sp

import derive
from derive import diag, max_abs, norm2
from derive import to_latex as latex
from reports import cells_curves as cc
from reports.section_cells_figure import figure_tex, findings, setup_text
from reports.sections import number, table

TITLE = "Gated cells: how LSTM and GRU keep gradients alive"
ROW, COL = sp.symbols("i j", integer=True, positive=True)
k, T = sp.symbols("k T", integer=True, positive=True)
SIGMA = derive.gate(derive.activation("sigmoid"))


def primes(kind, act, keep=None):
    """{new-state expression: its primed symbol (c')} for the state parts other than ``keep``,
    so that c' stands for c σ(z_f) + σ(z_i) tanh(z_g) wherever it occurs."""
    outputs, _ = derive.unit_map(kind, act)
    return {out: sp.Symbol(f"{part}'") for part, out in zip(kind.state, outputs, strict=True)
            if part != keep and not out.is_Symbol}


def shown_blocks(kind, act=None):
    """The blocks ∂s'_{a,i}/∂s_{b,j} as the report prints them: ``derive.readable_jacobian``,
    the derived ``structured_jacobian`` with gate values named (σ(z_f) → f, the new cell state
    → c') and each gate derivative written through its value (σ' = σ(1 − σ))."""
    return derive.readable_jacobian(kind, act)


def values_tex(kind, act=None):
    """The named gate values and new state entries of a cell (f = σ(z_f), c' = f c + i g),
    inline, from ``derive.gate_values``."""
    return notation_tex(*(sp.Eq(symbol, value, evaluate=False)
                          for symbol, value in derive.gate_values(kind, act)))


def gate_rank(kind, term):
    """Where ``term`` sorts in a block: δ_ij first, then by its weight in PyTorch's gate order."""
    bases = kind.parameter("weight_hh").bases
    names = [str(atom.base) for atom in term.atoms(sp.Indexed)]
    return min((bases.index(name) for name in names if name in bases), default=-1)


def block_terms(kind, block):
    """The terms of a block, δ_ij first, then in gate order (their sum is the block)."""
    return sorted(sp.Add.make_args(block), key=lambda term: gate_rank(kind, term))


def block_lhs(new, old):
    """∂s'_{a,i}/∂s_{b,j} for state parts ``new`` and ``old`` (e.g. ∂c'_i/∂h_j)."""
    return sp.Derivative(sp.Symbol(f"{new}'_i"), sp.Symbol(f"{old}_j"), evaluate=False)


def aligned(rows):
    """An align* of (lhs, [terms]): one term per line, the first beside ``lhs =``; a page may
    break between rows, never inside one."""
    blocks = []
    for lhs, terms in rows:
        tex = [latex(term) for term in terms]
        lines = [f"{latex(lhs)} &= {tex[0]}"]
        lines += ["&\\quad " + ("" if t.startswith("-") else "+ ") + t for t in tex[1:]]
        blocks.append(" \\\\*\n".join(lines))
    return "\\begin{align*}\n" + " \\\\\n".join(blocks) + "\n\\end{align*}\n"


def jacobian_tex(kind, act=None):
    """Every block of the derived step Jacobian, one term per line."""
    return aligned([(block_lhs(*key), block_terms(kind, block))
                    for key, block in shown_blocks(kind, act).items()])


def channel_tex(kind):
    """The linear channels in vector form (z_f = W_if x + b_if + W_hf h + b_hf)."""
    n, m = sp.symbols("n m", integer=True, positive=True)
    vectors = {"x": sp.MatrixSymbol("x", m, 1), "h": sp.MatrixSymbol("h", n, 1)}
    rows = []
    for ch in kind.channels:
        terms = []
        for name, block, by in ch.terms:
            p = kind.parameter(name)
            base = sp.MatrixSymbol(p.bases[block], n, {"m": m, "n": n, 1: 1}[p.columns])
            terms.append(base * vectors[by] if by else base)
        rows.append((ch.symbol, [sp.MatAdd(*terms, evaluate=False)]))
    return aligned(rows)


def unit_tex(kind, act=None):
    """The unit map, one new state entry per line (other new entries as primed symbols)."""
    outputs, _ = derive.unit_map(kind, act)
    return aligned([(sp.Symbol(f"{part}'"), [out.xreplace(primes(kind, act, keep=part))])
                    for part, out in zip(kind.state, outputs, strict=True)])


def carousel_tex():
    """The (c, c) block as ∂c_k/∂c_{k−1} = diag(f_k), and the product along c."""
    f_k, f_ki = sp.Symbol("f_k"), sp.Symbol("f_k,i")
    step = sp.Eq(sp.Derivative(sp.Symbol("c_k"), sp.Symbol("c_k-1"), evaluate=False),
                 diag(f_k), evaluate=False)
    gate = sp.Eq(f_k, SIGMA(sp.Symbol("z_f,k")), evaluate=False)
    path = sp.Product(diag(f_k), (k, 1, T))
    product = sp.Eq(path, diag(sp.Product(f_k, (k, 1, T))), evaluate=False)
    size = sp.Eq(norm2(path), max_abs(sp.Product(f_ki, (k, 1, T))), evaluate=False)
    z = sp.Symbol("z")
    tanh_slope = sp.diff(derive.gate(derive.activation("tanh"))(z), z)
    c_T = sp.Derivative(sp.Symbol("c_T"), sp.Symbol("c_0"), evaluate=False)
    return (f"that is ${latex(step)}$ with the forget gate ${latex(gate)}$ of step $k$. No "
            f"weight matrix and no ${latex(tanh_slope)}$ enter this block: it is the constant "
            "error carousel (Hochreiter and Schmidhuber, 1997; the forget gate is Gers et al., "
            f"2000). The part of ${latex(c_T)}$ that stays on $c$ multiplies forget gates "
            "only,\n" + f"\\[ {latex(product)}, \\qquad {latex(size)}, \\]\n"
            "so it keeps its size over any $T$ as long as the gates stay near 1. ")


LOG10 = sp.Function("log_10")
B_F = sp.Symbol("b_f")


def bias_table(curves):
    """Per LSTM curve: b_f, σ(b_f) exact and decimal, log10 σ(b_f), and the measured carousel
    rate, slope and log10‖∂h_T/∂h_0‖₂ at T = T_max."""
    rows = []
    for curve in curves:
        f = derive.activation("sigmoid").at(sp.Integer(curve.forget_bias))
        values = (float(f), float(sp.log(f, 10)), curve.carousel, cc.slope(curve.log10_norm),
                  float(curve.log10_norm[-1]))
        rows.append([f"${curve.forget_bias}$", f"${latex(f)}$"]
                    + [f"${number(value, 4)}$" for value in values])
    T_max = len(curves[0].log10_norm)
    header = [f"${latex(B_F)}$", f"${latex(SIGMA(B_F))}$", "decimal",
              f"${latex(LOG10(SIGMA(B_F)))}$", "carousel rate", "slope", f"at $T = {T_max}$"]
    return table(header, rows, "r" * len(header))


def notation_tex(*relations):
    """Relations printed inline, separated by commas."""
    return ", ".join(f"${latex(r)}$" for r in relations)


def identities_tex():
    """σ' = σ(1 − σ) and tanh' = 1 − tanh², each derived and checked by SymPy
    (``derive.derivative_through_value``)."""
    z = sp.Symbol("z")
    relations = []
    for name in ("sigmoid", "tanh"):
        act = derive.activation(name)
        phi = derive.gate(act)
        relations.append(sp.Eq(sp.diff(phi(z), z), derive.derivative_through_value(act)(phi(z)),
                               evaluate=False))
    return notation_tex(*relations)


def lstm_text(curves):
    """The LSTM: step map, derived Jacobian, the carousel and the forget bias."""
    kind, tanh = derive.cell_kind("lstm"), derive.gate(derive.activation("tanh"))
    gates = [sp.Eq(sp.Symbol(g), (tanh if g == "g" else SIGMA)(sp.Symbol(f"z_{g}")))
             for g in "ifgo"]
    return ("\\paragraph{LSTM.} PyTorch's \\texttt{nn.LSTMCell} stacks its gates in the order "
            "$i, f, g, o$ (row blocks of \\texttt{weight\\_ih}, \\texttt{weight\\_hh}, "
            "\\texttt{bias\\_ih}, \\texttt{bias\\_hh}); each gate reads a linear channel\n"
            + channel_tex(kind) + "and, unit by unit ($z_f$ stands for unit $i$'s entry, "
            "$h$ and $c$ for its entries of $h_{k-1}$ and $c_{k-1}$, a prime for step $k$; "
            + notation_tex(*gates) + "),\n" + unit_tex(kind)
            + "SymPy derives the step Jacobian, $s = [h; c]$, block by block from this map "
            "and writes it in the gate values " + values_tex(kind) + " and the derivatives "
            "through them, " + identities_tex() + " (index notation: "
            f"${latex(sp.KroneckerDelta(ROW, COL))}$ is Kronecker's delta, "
            f"${latex(sp.IndexedBase('W_hf')[ROW, COL])}$ an entry of the forget gate's "
            "recurrent weights; terms in gate order):\n" + jacobian_tex(kind)
            + f"The $(c, c)$ block is ${latex(shown_blocks(kind)[('c', 'c')])}$, "
            + carousel_tex() + "The forget bias $b_f$ sets where the gate sits: near "
            f"${latex(sp.Eq(sp.Symbol('z_f'), B_F))}$ the gate is "
            f"${latex(SIGMA(B_F))}$ and the carousel keeps that fraction per step. For the "
            "three LSTMs of the figure:\n" + bias_table(curves[1:-1]))


def gru_text():
    """The GRU: step map, derived Jacobian and its update-gate carousel."""
    kind = derive.cell_kind("gru")
    delta = next(t for t in block_terms(kind, shown_blocks(kind)[("h", "h")])
                 if t.has(sp.KroneckerDelta))
    return ("\\paragraph{GRU.} \\texttt{nn.GRUCell} stacks $r, z, n$:\n" + channel_tex(kind)
            + "and, unit by unit,\n" + unit_tex(kind) + "Its derived step Jacobian, in the gate "
            "values " + values_tex(kind) + ", is\n"
            + jacobian_tex(kind) + f"Its first term, ${latex(delta)}$, is the update gate's "
            f"carousel: where ${latex(SIGMA(sp.Symbol('z_z')))}$ is near 1 the unit copies $h$ "
            "across the step. Unlike the LSTM's, it shares its block with the terms through "
            "the weights.\n\n")


def gated_cells(figure):
    """(LaTeX, results) of the section; ``figure(curves)`` draws and saves the figure."""
    curves = cc.gated_curves()
    figure(curves)
    text = ("The Elman cell's step Jacobian, derived from its step map (tanh), multiplies by a "
            "full weight matrix at every step:\n"
            + jacobian_tex(derive.cell_kind("elman"), derive.activation("tanh"))
            + "and the earlier sections showed how such products vanish or explode. Gated cells "
            "add a path whose Jacobian is diagonal, with gate values between 0 and 1 that the "
            "network can hold near 1.\n\n"
            + lstm_text(curves) + gru_text() + figure_tex() + setup_text() + findings(curves))
    return text, cc.results(curves)
