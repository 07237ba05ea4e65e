"""What each cell type does to the product ∂s_T/∂s_0, derived from its step Jacobian:

* LSTM: ∂c_k/∂c_{k−1} = diag(f_k) (the constant error carousel) plus the terms that pass
  through h; along the carousel alone the product is Π_k diag(f_k); a forget-gate bias b_f
  (with small weights and inputs f_k → σ(b_f)) makes it σ(b_f)^T per unit, which falls to a
  fraction r after T_r(b_f) = log(1/r) / log(1 + e^{−b_f}) ~ e^{b_f} log(1/r) steps.
* GRU: ∂h_k/∂h_{k−1} contains diag(z_k), the update-gate carousel.
* IndRNN (its own file, derive/cells/indrnn.py): a diagonal ∂h_k/∂h_{k−1}.
* Elman: the RNN's norm bound (γ_φ‖W_hh‖)^T.

>>> horizon(sp.Rational(1, 2), 0)
1
"""

import sympy as sp

from derive._exact import exact_number
from derive.cells.gates import gate
from derive.cells.readable import readable_jacobian, value_symbol
from derive.cells.structure import COL, ROW
from derive.latex import Step, reason
from derive.notation import T as T_
from derive.notation import diag, gamma_phi, k, norm2, partial, vector

B = sp.Symbol("b_f", real=True)          # the forget gate's total bias b_if + b_hf (one unit)
R = sp.Symbol("r", positive=True)        # the fraction the carousel product falls to
_RHO, _TAU = sp.Symbol("rho", positive=True), sp.Symbol("T", positive=True)
BIASES = (0, 1, 3)
FRACTIONS = (sp.Rational(1, 2), sp.Rational(1, 1000))


def eq(lhs, rhs):
    return sp.Eq(lhs, rhs, evaluate=False)


def horizon(fraction=R, bias=B):
    """T_r(b): the T with σ(b)^T = r, solved by SymPy: log(1/r) / log(1 + e^{−b})."""
    solved, = sp.solve(sp.Eq(_RHO ** _TAU, R), _TAU)
    sigma = gate(_sigmoid()).activation.at(B)
    exact = sp.expand_log(solved.xreplace({_RHO: sigma}), force=True)
    return exact.xreplace({R: exact_number(fraction, "fraction"), B: exact_number(bias, "bias")})


def _sigmoid():
    from derive.activations import activation
    return activation("sigmoid")


def horizon_table(biases=BIASES, fractions=FRACTIONS):
    """{(b_f, r): T_r(b_f)} exact, for the biases and fractions shown in the derivation."""
    return {(b, r): horizon(r, b) for b in biases for r in fractions}


def _h(name, index, n):
    return vector(f"{name}_{{{index}}}" if not isinstance(index, int) else f"{name}_{index}", n)


def type_steps(cell, T):
    """The steps particular to this cell type (none for a type without any)."""
    return [] if cell.kind.lesson is None else cell.kind.lesson(cell, T)


def diagonal_part(block):
    """The coefficient of δ_ij in a structured block (what stays with every weight at 0)."""
    weights = {w: 0 for w in block.atoms(sp.Indexed)}
    return sp.expand(block.xreplace(weights)).coeff(sp.KroneckerDelta(ROW, COL))


def lstm_steps(cell, T):
    n = cell.hidden
    F_k = sp.MatrixSymbol("F_k", n, n)
    f = diagonal_part(readable_jacobian(cell.kind, None)[("c", "c")])
    blocks = {name: (lambda j, name=name: sp.MatrixSymbol(f"{name}_{j}", n, n)) for name in "PQRF"}
    shown = max(2, min(T, 3))
    cc = _cc_block(blocks, shown)
    no_h = _cc_block({**blocks, "R": lambda j: sp.ZeroMatrix(n, n)}, shown)
    steps = [
        Step(eq(partial(_h("c", "k", n), _h("c", "k-1", n)), diag(vector(f"{f}_k", n))),
             *reason("the constant error carousel: the (c, c) block is ", f,
                     " times the Kronecker delta")),
        Step(eq(sp.Symbol("J_k"), sp.BlockMatrix([[blocks[x]("k") for x in "PQ"],
                                                     [blocks[x]("k") for x in "RF"]])),
             *reason("in blocks: ", eq(F_k, diag(vector("f_k", n))), ", ",
                     eq(blocks["R"]("k"), partial(_h("c", "k", n), _h("h", "k-1", n))))),
        Step(eq(partial(_h("c", shown, n), _h("c", 0, n)), cc),
             *reason(f"the (c, c) block of the product for T = {shown}: the carousel plus the "
                     "terms that pass through h")),
        Step(eq(partial(_h("c", shown, n), _h("c", 0, n)), no_h),
             *reason("without the paths through h (", eq(sp.Symbol("R_k"), 0),
                     ") only the carousel is left")),
        Step(eq(sp.Symbol("P_c"), sp.Product(diag(vector("f_k", n)), (k, 1, T_))),
             "the carousel's product: per unit, the product of its forget gates"),
    ]
    return steps + forget_bias_steps(cell)


def _cc_block(blocks, T):
    J = [sp.BlockMatrix([[blocks["P"](j), blocks["Q"](j)], [blocks["R"](j), blocks["F"](j)]])
         for j in range(T, 0, -1)]
    return sp.expand(sp.block_collapse(sp.MatMul(*J)).blocks[1, 1])


def forget_bias_steps(cell):
    """With W_if x_k + W_hf h_{k-1} small, f_k = σ(z_f) → σ(b_f): the carousel scales like
    σ(b_f)^T; the T at which it falls to r, exact and for b_f = 0, 1, 3."""
    sigma = gate(_sigmoid())
    f = value_symbol("f")
    steps = [
        Step(eq(sp.Limit(sigma(sp.Symbol("z_f")), sp.Symbol("z_f"), B, "+-"), sigma(B)),
             *reason("small weights and inputs: ", sp.Symbol("z_f"), " near the forget gate's "
                     "bias ", eq(B, sp.Symbol("b_if") + sp.Symbol("b_hf")))),
        Step(eq(sp.Product(f, (k, 1, T_)), sigma(B) ** T_),
             "per unit, along the carousel, with that forget gate at every step"),
        Step(eq(sp.Symbol("T_r"), horizon()),
             *reason("solved by SymPy for T: the number of steps until ",
                     eq(sigma(B) ** T_, R))),
        Step(eq(sp.Limit(horizon() * sp.exp(-B), B, sp.oo), sp.limit(horizon() * sp.exp(-B),
                                                                        B, sp.oo)),
             *reason("the limit of ", sp.Mul(sp.Symbol("T_r"), sp.exp(-B), evaluate=False),
                     ": a larger forget bias lengthens the memory exponentially")),
    ]
    for (b, r), value in horizon_table().items():
        steps.append(Step(eq(sp.Function("T")(r, b), value),
                          *reason(sp.Function("T")(R, B), ": steps until ", eq(sigma(B) ** T_, R),
                                  f"; here about {float(value):.6g}")))
    return steps


def gru_steps(cell, T):
    n = cell.hidden
    z = diagonal_part(readable_jacobian(cell.kind, None)[("h", "h")])
    lhs = partial(_h("h", "k", n), _h("h", "k-1", n))
    return [
        Step(eq(lhs, diag(vector(f"{z}_k", n))),
             *reason("the update-gate carousel: what is left with ",
                     *_zero_weights("W_hr", "W_hz", "W_hn"),
                     " (the block is ", z, " times the Kronecker delta)")),
        Step(eq(sp.Symbol("P_z"), sp.Product(diag(vector("z_k", n)), (k, 1, T_))),
             "along the carousel: per unit, the product of its update gates"),
        Step(eq(sp.Symbol("T_r"), horizon(R, sp.Symbol("b_z", real=True))),
             *reason("with small weights and inputs the update-gate bias ",
                     sp.Symbol("b_z", real=True), " acts as ", B, " does")),
    ]


def _zero_weights(*names):
    """Reason parts "W₁ = 0, W₂ = 0, W₃ = 0", each a SymPy equation."""
    parts = []
    for name in names:
        parts += [", " if parts else "", eq(sp.Symbol(name), 0)]
    return parts


def elman_steps(cell, T):
    from derive.derivations import implications, jacobian_steps, norm_steps
    from derive.rnn import RNN

    n = cell.hidden
    rnn = RNN(n, cell.inputs, cell.activation, W_hh=cell.parameter("weight_hh"),
              W_xh=cell.parameter("weight_ih"),
              b_h=cell.parameter("bias_ih") + cell.parameter("bias_hh"), h0=cell.state0)
    gain = gamma_phi * norm2(sp.MatrixSymbol("W_hh", n, n))
    return jacobian_steps(rnn, T)[:2] + norm_steps(rnn) + implications(gain, n)
