"""The formulas of an exercise's solutions, each a SymPy object taken from the derived step
Jacobian (``derive.readable_jacobian``): nothing here is typed by hand.

For a channel L (z_f of the LSTM, z_z of the GRU, a of the Elman cell) whose recurrent block
is W_hL, the block ∂s′_{a,i}/∂h_j of the step Jacobian is Σ_L (∂G_a/∂L)_i (W_hL)_{ij} + …,
so the coefficient of (W_hL)_{ij} in it is ∂G_a/∂L.  The error that reaches the channel at
step k, per unit i, is therefore

    δ^L_k = Σ_a g^a_k ∂G_a/∂L        (g^a_k = ∂L/∂a_k, a the state parts: h, c)

and ∂L/∂W_hL = Σ_k δ^L_k h_{k−1}ᵀ, ∂L/∂W_iL = Σ_k δ^L_k x_kᵀ.  The initial state's
gradient is one more step back: ∂L/∂s_0 = J_1ᵀ g_1 (per unit for the LSTM's cell state,
whose block ∂c′/∂c and ∂h′/∂c are diagonal).

>>> import derive
>>> str(channel_error(derive.cell_kind("lstm"), "W_hf").rhs)
"c*f*(1 - f)*(g^c_k + g^h_k*o*(1 - tanh(c')**2))"
"""

import sympy as sp

import derive
from reports.notes.gated_lstm import COL, ROW, block_lhs

k, T = sp.symbols("k T", integer=True, positive=True)


def eq(lhs, rhs):
    return sp.Eq(lhs, rhs, evaluate=False)


def activation(kind):
    return derive.activation("tanh") if kind.takes_activation else None


def error_symbol(part, step="k"):
    """g^a_k: ∂L/∂a_k for state part a, per unit."""
    return sp.Symbol(f"g^{part}_{step}")


def channel(kind, base):
    """The channel whose recurrent block is ``base`` (W_hf → z_f, W_hn → n_h), from the cell
    type's own table of channels."""
    block = kind.parameter("weight_hh").bases.index(base)
    return next(ch for ch in kind.channels if ch.recurrent == ("weight_hh", block))


def input_base(kind, base):
    """The input weights of the channel with recurrent block ``base`` (W_hf → W_if)."""
    ch = channel(kind, base)
    name, block = next((name, block) for name, block, by in ch.terms if by == "x")
    return kind.parameter(name).bases[block]


def delta_name(kind, base):
    """δ^L_k's symbol name: the gate's letter for a gate channel (z_f → δ^f_k), else the
    channel's name without its underscore (a, n_h → δ^a_k, δ^nh_k)."""
    name = channel(kind, base).symbol.name
    label = name[2:] if name.startswith("z_") else name.replace("_", "")
    return f"delta^{label}_k"


def channel_error(kind, base):
    """δ^L_k = Σ_a g^a_k ∂G_a/∂L for the channel with recurrent block ``base`` (per unit i),
    with ∂G_a/∂L read off the derived step Jacobian as the coefficient of (base)_{ij}."""
    blocks = derive.readable_jacobian(kind, activation(kind))
    weight = sp.IndexedBase(base)[ROW, COL]
    total = sum(error_symbol(part) * blocks[(part, "h")].coeff(weight) for part in kind.state)
    return eq(sp.Symbol(delta_name(kind, base)), sp.factor_terms(total))


def weight_gradient(kind, base, n, by):
    """∂L/∂W = Σ_k δ^L_k vᵀ with v = h_{k−1} (recurrent block) or x_k (input block)."""
    cols = n if by == "h" else sp.Symbol("m", integer=True, positive=True)
    delta = sp.MatrixSymbol(delta_name(kind, base), n, 1)
    v = sp.MatrixSymbol("h_{k-1}" if by == "h" else "x_k", cols, 1)
    name = base if by == "h" else input_base(kind, base)
    W = sp.MatrixSymbol(name, n, cols)
    return eq(sp.Derivative(sp.Symbol("L"), W, evaluate=False), sp.Sum(delta * v.T, (k, 1, T)))


def state0_gradient(kind, part, n):
    """∂L/∂a_0 for state part ``part``, one step back from g_1: per unit when every block
    ∂s′/∂a is diagonal (the LSTM's cell state), else entry j as Σ_i (∂s′_i/∂a_j) g_{1,i}, the
    part's rows of J_1ᵀ g_1, with the Jacobian's blocks (shown beside it) at k = 1."""
    blocks = derive.readable_jacobian(kind, activation(kind))
    lhs = sp.Derivative(sp.Symbol("L"), sp.Symbol(f"{part}_0"), evaluate=False)
    column = [blocks[(new, part)] for new in kind.state]
    if all(block.atoms(sp.Indexed) == set() for block in column):
        delta = sp.KroneckerDelta(ROW, COL)
        total = sum(error_symbol(new, 1) * block.coeff(delta)
                    for new, block in zip(kind.state, column, strict=True))
        return eq(lhs, sp.factor_terms(total))
    total = sum(block_lhs(new, part) * sp.IndexedBase(f"g^{new}_1")[ROW]
                for new in kind.state)
    entry = sp.Derivative(sp.Symbol("L"), sp.IndexedBase(f"{part}_0")[COL], evaluate=False)
    return eq(entry, sp.Sum(total, (ROW, 1, n)))


def recurrent_bases(kind):
    """The row blocks of weight_hh, in PyTorch's gate order (W_hi, W_hf, W_hg, W_ho)."""
    return kind.parameter("weight_hh").bases
