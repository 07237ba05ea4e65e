"""Section 'sec:gated': gated cells.  The Elman, LSTM and GRU step maps in PyTorch's gate order,
their step Jacobians derived by SymPy block by block, the constant error carousel
∂c_k/∂c_{k−1} = diag(f_k) (LSTM) and diag(z_k) (GRU), the forget-bias table, the figure of
log10‖∂h_T/∂h_0‖₂ against T (``cells_curves``), and the IndRNN, whose step Jacobian is
diagonal: per unit the product is Π_k u_i φ'(v_{k,i}), which vanishes when |u_i| γ_φ < 1.

Results go to results.json under ``gated_cells`` (``cells_curves.results``).
"""

import sympy as sp

import derive
from reports import cells_curves as cc
from reports.doc import Cite, Code, Display, Heading, Math, Para, Ref, Section, tr
from reports.notes import gated_figure as gf
from reports.notes.gated_lstm import (
    COL,
    ROW,
    SIGMA,
    block_terms,
    channel_rows,
    jacobian_rows,
    lstm_blocks,
    unit_rows,
    values,
)
from reports.notes.prose import say

LABEL = 'sec:gated'
SEEDS = dict(cc.SEEDS)   # numpy.random.default_rng(seed): the cells' weights, the inputs
SEED_NAMES = {"parameters": tr("the cells' weights and biases, drawn as PyTorch initialises them",
                               "单元的权重与偏置，按 PyTorch 的默认初始化方式抽取"),
              "inputs": tr("the inputs of the gated-cells figure", "门控单元图的输入")}
TITLE = tr('Gated cells: a path the network can hold open',
           '门控单元：一条网络可以保持畅通的路径')
PHI = sp.Function("varphi")
INDRNN_T = 2     # the T of the IndRNN derivation shown (its lesson steps do not depend on it)


def elman_blocks():
    """The Elman cell's derived step Jacobian: a full weight matrix at every step."""
    kind = derive.cell_kind("elman")
    return (
        Para(tr("The plain recurrent cell of ", "本节从 "), Cite("elman1990"),
             tr(" (the Elman cell, PyTorch's ", " 的普通循环单元（Elman 单元，即 PyTorch 的 "),
             Code("nn.RNNCell"),
             tr(") updates each unit as ", "）开始：它把每个单元更新为 "),
             Math(sp.Eq(sp.Symbol("h'"), sp.tanh(sp.Symbol("a")))),
             *say(", where $a$ is the unit's entry of the pre-activation and a prime marks the "
                  "new state. SymPy derives its step Jacobian entry by entry; ",
                  "，其中 $a$ 是该单元的预激活值，撇号表示新状态。SymPy 逐个元素推导出它的单步"
                  "雅可比矩阵，"), Math(sp.IndexedBase("W_hh")[ROW, COL]),
             *say(" is an entry of the recurrent weight matrix (row $i$, column $j$, written "
                  "$w_ij$ in ", " 是循环权重矩阵的一个元素（第 $i$ 行第 $j$ 列，即 $w_ij$，见"),
             Ref("sec:vector"),
             *say("), and $h'$ in it is the new state of unit $i$:", "），其中的 "
                  "$h'$ 是第 $i$ 个单元的新状态：")),
        jacobian_rows(kind, derive.activation("tanh")),
        Para(tr("Every step multiplies by the full weight matrix, and ",
                "每一步都要乘以完整的权重矩阵，而 "), Ref("sec:vector"), tr(" and ", " 与 "),
             Ref("sec:saturation"),
             tr(" showed how such products vanish or explode. Gated cells add a path whose "
                "Jacobian is diagonal, with gate values between 0 and 1 that the network can "
                "hold near 1.",
                " 已经说明这样的乘积如何消失或爆炸。门控单元增加了一条路径，它的雅可比矩阵是"
                "对角的，对角元是介于 0 和 1 之间的门值，网络可以让它们保持在 1 附近。")),
    )


def indrnn_blocks():
    """The IndRNN: diagonal step Jacobian, per-unit product, the condition |u_i| γ_φ < 1."""
    cell = derive.cell("indrnn", 2)
    steps = [step.relation for step in cell.kind.lesson(cell, INDRNN_T)]
    block, product, bound, gamma, vanish = steps
    u, z = sp.Symbol("u_i", real=True), sp.Symbol("z")
    return (
        Heading(tr("IndRNN.", "IndRNN。")),
        Para(tr("The independently recurrent network (IndRNN) of ", "独立循环神经网络（IndRNN）"),
             Cite("li2018"),
             *say(" replaces the recurrent matrix by a vector $u$: each unit feeds back only "
                  "its own previous value, ", "用一个向量 $u$ 代替循环矩阵：每个单元只把自己"
                  "上一步的值反馈给自己，逐个单元为 "),
             Math(sp.Eq(sp.Symbol("h'"), PHI(sp.Symbol("a") + sp.Symbol("u") * sp.Symbol("h")))),
             *say(" per unit, where $a$ is the unit's entry of the input channel ",
                  "，其中 $a$ 是该单元在输入通道 "),
             Math(sp.Symbol("W_ih") * sp.Symbol("x") + sp.Symbol("b")),
             tr(" and ", " 中的分量，"), Math(PHI(sp.Symbol("z"))),
             *say(" the activation function. SymPy derives a diagonal step Jacobian (written "
                  "with tanh; in entry ($i$, $j$), $u$ and $h'$ are those of unit $i$):",
                  " 是激活函数。SymPy 推导出的单步雅可比矩阵是对角的（以 tanh 为例；在第 ($i$, "
                  "$j$) 个元素中，$u$ 与 $h'$ 都属于第 $i$ 个单元）：")),
        Display(block),
        Para(*say("So the product over $T$ steps is diagonal too: unit $i$'s entry is a "
                  "product of scalars, with $v_{k,i}$ its pre-activation at step $k$,",
                  "因此 $T$ 步的乘积也是对角的：第 $i$ 个单元的对角元是一串标量的乘积，其中 "
                  "$v_{k,i}$ 是它在第 $k$ 步的预激活值：")),
        Display(product, bound),
        Para(tr("where ", "其中 "), Math(derive.gamma_phi),
             tr(" is the largest value of ", " 是 "), Math(sp.Abs(sp.Derivative(PHI(z), z))),
             tr(" (", " 的最大值（"), Math(gamma),
             tr(" for tanh). Hence, unit by unit, ", "，对 tanh 而言）。因此逐个单元地有 "),
             Math(vanish),
             tr(", and a unit with ", "；而 "), Math(sp.Gt(sp.Abs(u), 1)),
             *say(" can explode. Each unit has its own regime, set by one number $u_i$, which "
                  "the training can keep near 1.",
                  " 的单元则可能爆炸。每个单元的梯度是消失还是爆炸，由它自己的一个数 $u_i$ 决定，"
                  "训练时可以"
                  "把它保持在 1 附近。")),
    )


def build(ctx):
    """(Section, results for results.json)."""
    curves = cc.gated_curves()
    blocks = (*elman_blocks(), *lstm_blocks(curves), *gru_blocks(), gf.figure(ctx, curves),
              *gf.setup(), gf.findings(curves), *indrnn_blocks())
    learn = (tr("How the LSTM and the GRU add a path whose step Jacobian is a diagonal matrix "
                "of gate values (the constant error carousel), how the forget bias sets how "
                "long a gradient survives, and why the IndRNN's diagonal recurrence makes "
                "each unit's regime a single number.",
                "LSTM 与 GRU 如何增加一条单步雅可比矩阵为门值对角矩阵的路径（恒定误差传送带），"
                "遗忘门偏置如何决定梯度能保持多久，以及 IndRNN 的对角循环为何使每个单元是消失"
                "还是爆炸只取决于一个数。"),)
    takeaway = (tr("Gates do not remove the product of Jacobians; they add a diagonal path whose "
                   "factors the network can hold near 1. At PyTorch's default initialisation "
                   "the gradient still vanishes in every gated cell; only a large forget bias "
                   "slows the loss much below that of the Elman cell.",
                   "门控并没有消除雅可比矩阵的连乘，而是增加了一条对角路径，网络可以让其因子保持"
                   "在 1 附近。在 PyTorch 默认初始化下，每种门控单元的梯度仍会消失；只有较大的"
                   "遗忘门偏置能使损失远慢于 Elman 单元。"),)
    return Section(LABEL, TITLE, learn, blocks, takeaway), cc.results(curves)


def gru_blocks():
    """The GRU: channels, unit map, derived Jacobian and its update-gate carousel."""
    kind = derive.cell_kind("gru")
    delta = next(t for t in block_terms(kind, derive.readable_jacobian(kind, None)[("h", "h")])
                 if t.has(sp.KroneckerDelta))
    return (
        Heading(tr("GRU.", "GRU。")),
        Para(tr("The gated recurrent unit (GRU) of ", "门控循环单元（GRU）"),
             Cite("cho2014"),
             *say(" carries only $h$. PyTorch's ", "只传递 $h$。PyTorch 的 "),
             Code("nn.GRUCell"),
             *say(" stacks three gates in the order $r$ (reset), $z$ (update), $n$ (candidate; "
                  "its channel has an input part $n_x$ and a recurrent part $n_h$):",
                  " 按 $r$（重置门）、$z$（更新门）、$n$（候选值；其通道分为输入部分 $n_x$ 与"
                  "循环部分 $n_h$）的顺序堆叠三个门：")),
        channel_rows(kind),
        Para(tr("Unit by unit, the step map is", "逐个单元来看，一步的映射为")),
        unit_rows(kind),
        Para(tr("Its derived step Jacobian, in the gate values ",
                "由 SymPy 推导、用门值 "), *values(kind),
             *say(" of unit $i$ (row $i$; $j$ is the column), is",
                  "（均属于第 $i$ 个单元；$i$ 为行，$j$ 为列）表示的单步雅可比矩阵为")),
        jacobian_rows(kind),
        Para(tr("Its first term, ", "第一项 "), Math(delta),
             tr(", is the update gate's carousel: where ", " 是更新门的传送带：当 "),
             Math(SIGMA(sp.Symbol("z_z"))),
             *say(" is near 1 the unit copies $h$ across the step. Unlike the LSTM's carousel, "
                "it shares its block with the terms that pass through the weights.",
                " 接近 1 时，该单元把 $h$ 原样复制到下一步。与 LSTM 的传送带不同，它与经过权重"
                "的各项共处同一块中。")),
    )
