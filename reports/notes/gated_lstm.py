"""The gated-cells section's formulas as document blocks: the linear channels, the unit maps and
the step Jacobians of the Elman, LSTM and GRU cells, derived by SymPy block by block
(``derive.readable_jacobian``: the structured Jacobian written in the gate values), the
constant error carousel ∂c_k/∂c_{k−1} = diag(f_k) and the forget-bias table.

Every formula is a SymPy object; every number is computed from the curves (``cells_curves``).
"""

import sympy as sp

import derive
from derive import diag, max_abs, norm2
from reports import cells_curves as cc
from reports.doc import Aligned, Cite, Code, Display, Heading, Math, Para, Ref, Table, num, tr
from reports.notes.prose import listed, say

ROW, COL = sp.symbols("i j", integer=True, positive=True)
k, T = sp.symbols("k T", integer=True, positive=True)
SIGMA = derive.gate(derive.activation("sigmoid"))
TANH = derive.gate(derive.activation("tanh"))
LOG10 = sp.Function("log_10")
B_F = sp.Symbol("b_f")


def eq(lhs, rhs):
    return sp.Eq(lhs, rhs, evaluate=False)


def primes(kind, act, keep=None):
    """{new-state expression: its primed symbol (c')} for the state parts other than ``keep``,
    so that c' stands for c σ(z_f) + σ(z_i) tanh(z_g) wherever it occurs."""
    outputs, _ = derive.unit_map(kind, act)
    return {out: sp.Symbol(f"{part}'") for part, out in zip(kind.state, outputs, strict=True)
            if part != keep and not out.is_Symbol}


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


def jacobian_rows(kind, act=None):
    """Every block of the derived step Jacobian (``derive.readable_jacobian``), one term per
    line, as Aligned rows."""
    return Aligned(tuple((block_lhs(*key), block_terms(kind, block))
                         for key, block in derive.readable_jacobian(kind, act).items()))


def channel_rows(kind):
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
    return Aligned(tuple(rows))


def unit_rows(kind, act=None):
    """The unit map, one new state entry per line (other new entries as primed symbols)."""
    outputs, _ = derive.unit_map(kind, act)
    return Aligned(tuple((sp.Symbol(f"{part}'"), [out.xreplace(primes(kind, act, keep=part))])
                         for part, out in zip(kind.state, outputs, strict=True)))


def values(kind, act=None):
    """The named gate values and new state entries (f = σ(z_f), c' = f c + i g), inline."""
    return listed(eq(symbol, value) for symbol, value in derive.gate_values(kind, act))


def identities():
    """σ' = σ(1 − σ) and tanh' = 1 − tanh², each derived by SymPy, inline."""
    z = sp.Symbol("z")
    relations = []
    for name in ("sigmoid", "tanh"):
        act = derive.activation(name)
        phi = derive.gate(act)
        relations.append(eq(sp.diff(phi(z), z), derive.derivative_through_value(act)(phi(z))))
    return listed(relations)


def carousel():
    """The carousel paragraph and display: ∂c_k/∂c_{k−1} = diag(f_k) and the product along c."""
    f_k, f_ki = sp.Symbol("f_k"), sp.Symbol("f_k,i")
    step = eq(sp.Derivative(sp.Symbol("c_k"), sp.Symbol("c_k-1"), evaluate=False), diag(f_k))
    path = sp.Product(diag(f_k), (k, 1, T))
    z = sp.Symbol("z")
    c_T = sp.Derivative(sp.Symbol("c_T"), sp.Symbol("c_0"), evaluate=False)
    return (
        Para(tr("In matrix form this block is ", "写成矩阵，这一块就是 "), Math(step),
             tr(", with the forget gate of step k, ", "，其中第 k 步的遗忘门为 "),
             Math(eq(f_k, SIGMA(sp.Symbol("z_f,k")))),
             tr(". No weight matrix and no derivative ",
                "。这一块里既没有权重矩阵，也没有激活函数的导数 "),
             Math(sp.diff(TANH(z), z)),
             tr(" enters this block. This is the constant error carousel of ",
                "。这就是 "), Cite("hochreiter1997"),
             tr(" (the forget gate itself was added by ", " 提出的恒定误差传送带（遗忘门由 "),
             Cite("gers2000"),
             tr("). The part of ", " 加入）。"), Math(c_T),
             *say(" that stays on $c$ multiplies forget gates only:",
                  " 中始终沿 $c$ 传递的那一部分只乘遗忘门：")),
        Display(eq(path, diag(sp.Product(f_k, (k, 1, T)))),
                eq(norm2(path), max_abs(sp.Product(f_ki, (k, 1, T))))),
        Para(*say("Here $f_k,i$ is unit $i$'s forget gate at step $k$. This part keeps its "
                  "size over any number of steps $T$ as long as the gates stay near 1.",
                  "其中 $f_k,i$ 是第 $i$ 个单元在第 $k$ 步的遗忘门。只要遗忘门保持在 1 附近，"
                  "这一部分在任意步数 $T$ 之后都能保持其大小。")),
    )


def bias_table(curves):
    """Per LSTM curve: b_f, σ(b_f) exact and decimal, log10 σ(b_f), the measured carousel rate,
    slope and log10‖∂h_T/∂h_0‖₂ at T = T_max."""
    T_max = len(curves[0].log10_norm)
    rows = []
    for curve in curves:
        f = derive.activation("sigmoid").at(sp.Integer(curve.forget_bias))
        numbers = (float(f), float(sp.log(f, 10)), curve.carousel, cc.slope(curve.log10_norm),
                   float(curve.log10_norm[-1]))
        rows.append((Math(sp.Integer(curve.forget_bias)), Math(f))
                    + tuple(num(value, 4) for value in numbers))
    header = (Math(B_F), Math(SIGMA(B_F)), tr("decimal", "十进制值"), Math(LOG10(SIGMA(B_F))),
              tr("carousel rate", "传送带衰减率（每步 log10）"), tr("slope", "斜率"),
              (tr("at ", ""), Math(eq(T, T_max)), tr("", " 时")))
    caption = (*say("The forget bias $b_f$ and the LSTM curves of ", "遗忘门偏置 $b_f$ 与 "),
               Ref("fig:gated-cells"),
               *say(". What to see: the larger $b_f$, the closer the gate value ",
                    " 中的 LSTM 曲线。请注意：$b_f$ 越大，门值 "), Math(SIGMA(B_F)),
               tr(" is to 1, the slower the carousel loses decades per step (carousel rate, "
                  "log10 per step) and the slower the whole product decays (slope, log10 per "
                  f"step, fitted over T = {cc.FIT_FROM} to {cc.T_MAX}).",
                  " 越接近 1，传送带每步损失的"
                  "数量级（传送带衰减率，每步的 log10）越小，整个乘积衰减得也越慢（斜率，每步的 "
                  f"log10，在 T = {cc.FIT_FROM} 到 {cc.T_MAX} 上拟合）。"))
    return Table("tab:forget-bias", caption, header, tuple(rows), "r" * len(header))


def lstm_blocks(curves):
    """The LSTM: channels, unit map, derived Jacobian, the carousel and the forget bias."""
    kind = derive.cell_kind("lstm")
    gates = [eq(sp.Symbol(g), (TANH if g == "g" else SIGMA)(sp.Symbol(f"z_{g}")))
             for g in "ifgo"]
    return (
        Heading(tr("LSTM.", "LSTM。")),
        Para(*say("An LSTM carries two vectors from step to step, the hidden state $h$ and "
                  "the cell state $c$, both with $n$ entries. PyTorch's ",
                  "LSTM 在相邻两步之间传递两个向量：隐藏状态 $h$ 与细胞状态 $c$，各有 $n$ 个"
                  "分量。PyTorch 的 "), Code("nn.LSTMCell"),
             *say(" computes four gates in the order $i$ (input), $f$ (forget), $g$ "
                  "(candidate), $o$ (output); their weights are the row blocks of ",
                  " 按 $i$（输入门）、$f$（遗忘门）、$g$（候选值）、$o$（输出门）的顺序计算"
                  "四个门，它们的权重是 "), Code("weight_ih"), tr(", ", "、"), Code("weight_hh"),
             tr(", ", "、"), Code("bias_ih"), tr(", ", "、"), Code("bias_hh"),
             *say(" in that order. Each gate reads a linear channel of the input $x$ ($m$ "
                  "entries) and the previous hidden state $h$:",
                  " 中依次排列的行块。每个门读取输入 $x$（$m$ 个分量）与上一步隐藏状态 $h$ 的"
                  "一个线性通道：")),
        channel_rows(kind),
        Para(*say("Unit by unit ($z_f$ stands for unit $i$'s entry of the forget channel, $h$ "
                  "and $c$ for its entries of the previous states, a prime marks the new "
                  "state), with ",
                  "逐个单元来看（$z_f$ 表示第 $i$ 个单元在遗忘通道中的分量，$h$ 与 $c$ 表示它在"
                  "上一步状态中的分量，撇号表示新状态），令 "), *listed(gates),
             tr(", the step map is", "，一步的映射为")),
        unit_rows(kind),
        Para(tr("SymPy derives the step Jacobian of the stacked state ",
                "SymPy 由这一映射逐块推导出堆叠状态 "),
             Math(eq(sp.Symbol("s"), sp.Matrix([sp.Symbol("h"), sp.Symbol("c")]))),
             tr(" block by block from this map, and writes it in the gate values ",
                " 的单步雅可比矩阵，并用门值 "),
             *values(kind),
             tr(" and in the derivatives through them, ", " 以及由门值表示的导数 "),
             *identities(),
             tr(". Here ", " 来书写。这里 "), Math(sp.KroneckerDelta(ROW, COL)),
             tr(" is Kronecker's delta (1 if ", " 是克罗内克 δ（"), Math(sp.Eq(ROW, COL)),
             tr(", else 0) and ", " 时为 1，否则为 0），"),
             Math(sp.IndexedBase("W_hf")[ROW, COL]),
             tr(" is an entry of the forget gate's recurrent weights. As subscripts, i and j "
                "index units: row i is the unit whose new state is differentiated, column j the "
                "unit of the previous state, and the gate values and states in a term are those "
                "of unit i. As a factor, as in i(1 - i), i is the input gate. The terms are "
                "listed in gate order:",
                " 是遗忘门循环权重的一个元素。作为下标时，i 与 j 是单元的编号：第 i 行对应被求导"
                "的新状态所属的单元，第 j 列对应上一步状态所属的单元，各项中的门值与状态都属于"
                "第 i 个单元。作为因子时（如 i(1 - i)），i 是输入门。各项按门的顺序列出：")),
        jacobian_rows(kind),
        Para(*say("The ($c$, $c$) block is ", "($c$, $c$) 块是 "),
             Math(derive.readable_jacobian(kind, None)[("c", "c")]),
             tr(": only the forget gate, on the diagonal.", "：只有遗忘门，且只在对角线上。")),
        *carousel(),
        Para(*say("The forget bias $b_f$ sets where the gate sits: near ",
                  "遗忘门偏置 $b_f$ 决定门值落在哪里：当 "), Math(eq(sp.Symbol("z_f"), B_F)),
             tr(" the gate is ", " 附近时门值为 "), Math(SIGMA(B_F)),
             tr(", and the carousel keeps that fraction per step. ",
                "，传送带每步保留这一比例。"), Ref("tab:forget-bias"),
             tr(" gives the numbers for the three LSTMs of the figure below.",
                " 给出下图中三个 LSTM 的数值。")),
        bias_table(curves[1:-1]),
    )
