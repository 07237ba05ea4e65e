"""The notes' notation table (Table "tab:notation" of the section 'sec:question'): every symbol
the notes use, as a SymPy object, with its meaning in both languages.  ``SYMBOLS`` maps a short
name to the SymPy object, so tests (and other sections) can check that a symbol is listed."""

import re

import sympy as sp
from sympy.core.function import AppliedUndef

import derive
from derive import diag, dphi, gamma_phi, k, norm2, z
from reports.doc import Display, Math, Ref, Steps, Table, tr
from reports.doc_walk import inline_parts, section_parts

n, m, T = sp.symbols("n m T", integer=True, positive=True)
A = sp.MatrixSymbol("A", n, n)
h_k, x_k, a_k, y, h_0, h_T = sp.symbols("h_k x_k a_k y h_0 h_T")
W_hh, W_xh = sp.MatrixSymbol("W_hh", n, n), sp.MatrixSymbol("W_xh", n, m)
b_h = sp.MatrixSymbol("b_h", n, 1)
varphi = sp.Function("varphi")
J = sp.Symbol("J_k")
D = sp.Symbol("D_k")
L = sp.Symbol("L")
u, v = sp.MatrixSymbol("u", n, 1), sp.MatrixSymbol("v", n, 1)
sigma_max, rho, sigma = sp.Function("sigma_max"), sp.Function("rho"), sp.Function("sigma")
LOWER, UPPER = sp.symbols("mu M", positive=True)   # the constants of the question
LOG10 = sp.Function("log_10")


def _step(reason):
    """The relation of derive's derivation whose reason starts with ``reason`` (a_k = …,
    γ_φ = sup_z |φ'(z)|), so that the table writes them as the derivations do."""
    steps = derive.derivation(derive.RNN(1, activation="tanh"), 1).steps
    return next(s.relation for s in steps if s.reason.startswith(reason))


def _size(rows, columns):
    """"with n rows and m columns" as inline parts."""
    return (tr("with ", "共 "), Math(rows), tr(" rows and ", " 行、"), Math(columns),
            tr(" columns", " 列"))


def _rows():
    """(name, SymPy symbol, meaning parts): the table's rows in reading order."""
    part = sp.Derivative
    return (
        ("n", n, (tr("number of hidden units (the size of the state)",
                     "隐藏单元个数（状态的维数）"),)),
        ("m", m, (tr("number of inputs per step", "每一步输入的维数"),)),
        ("T", T, (tr("sequence length: the number of time steps; as a superscript on a matrix, "
                     "its T-th power, ", "序列长度：时间步数；作为矩阵的上标时表示 T 次幂，"),
                  Math(sp.MatPow(A, T, evaluate=False)))),
        ("transpose", sp.Transpose(A), (tr("the transpose of ", ""), Math(A),
                                        tr(" (never written with a superscript T)",
                                           " 的转置（从不用上标 T 表示）"))),
        ("k", k, (tr("time step index, from 1 to ", "时间步下标，从 1 到 "), Math(T),
                  tr("; also ", "；有时也用 "), Math(sp.Symbol("t")))),
        ("i", sp.Symbol("i"), (tr("an index: of an earlier time step in ", "下标：在 "),
                               Math(part(sp.Symbol("h_j"), sp.Symbol("h_i"))),
                               tr(", of a unit (a row) in ", " 中指较早的时间步，在 "),
                               Math(sp.Symbol("a_{k,i}")), tr(" or ", " 或 "),
                               Math(sp.Symbol("w_ij")), tr(" (also ", "（也用 "),
                               Math(sp.Symbol("l")), tr(")", "）"),
                               tr("; in the LSTM, the input gate (below)",
                                  " 中指单元（行）；在 LSTM 中指输入门（见下）"))),
        ("j", sp.Symbol("j"), (tr("a second index: a later time step, or a column",
                                  "第二个下标：较晚的时间步，或列"),)),
        ("mu_M", sp.Tuple(LOWER, UPPER), (tr("constants: a lower and an upper bound (",
                                             "常数：下界与上界（"), Ref("sec:question"),
                                          tr(")", "）"))),
        ("x_k", x_k, (tr("input at step ", "第 "), Math(k),
                      tr(", a vector of ", " 步的输入，"), Math(m),
                      tr(" numbers", " 维向量"))),
        ("h_k", h_k, (tr("hidden state after step ", "第 "), Math(k),
                      tr(", a vector of ", " 步之后的隐藏状态，"),
                      Math(n), tr(" numbers; ", " 维向量；"),
                      Math(h_0), tr(" is the initial state", " 为初始状态"))),
        ("a_k", a_k, (tr("pre-activation at step ", "第 "), Math(k), tr(": ", " 步的预激活："),
                      Math(_step("pre-activation").rhs))),
        ("I", sp.Symbol("I"), (tr("the identity matrix", "单位矩阵"),)),
        ("W_hh", W_hh, (tr("recurrent weight matrix, ", "循环权重矩阵，"), *_size(n, n))),
        ("W_xh", W_xh, (tr("input weight matrix, ", "输入权重矩阵，"), *_size(n, m))),
        ("b_h", b_h, (tr("bias vector of ", "偏置向量，"), Math(n), tr(" numbers", " 维"))),
        ("w", sp.Symbol("w"), (tr("the recurrent weight in the scalar case ", "标量情形 "),
                               Math(sp.Eq(n, 1)), tr("; ", " 下的循环权重；"),
                               Math(sp.Symbol("w_ij")), tr(" is the entry of ", " 是 "),
                               Math(W_hh), tr(" in row i and column j", " 第 i 行第 j 列的元素"))),
        ("u", sp.Symbol("u"), (tr("the input weight in the scalar case", "标量情形下的输入权重"),)),
        ("b", sp.Symbol("b"), (tr("the bias in the scalar case", "标量情形下的偏置"),)),
        ("phi", varphi(z), (tr("activation function (tanh, ReLU, ...), applied entry by entry",
                               "激活函数（tanh、ReLU 等），逐元素作用"),)),
        ("alpha", sp.Symbol("alpha"), (tr("slope parameter of leaky relu and elu for negative "
                                          "inputs", "leaky relu 和 elu 在负输入上的斜率参数"),)),
        ("dphi", dphi(z), (tr("its derivative", "激活函数的导数"),)),
        ("gamma", gamma_phi, (tr("gain of the activation: the largest slope, ",
                                 "激活函数的增益：最大斜率，"),
                              Math(_step("the activation gain")))),
        ("diag", diag(v), (tr("the diagonal matrix with the entries of the vector ", "以向量 "),
                           Math(v),
                           tr(" on its diagonal", " 的各分量为对角元的对角矩阵"))),
        ("D_k", D, (tr("the activation's slopes at step ", "第 "), Math(k),
                    tr(": ", " 步激活函数的斜率："),
                    Math(_step("the activation derivative")))),
        ("J_k", J, (tr("step Jacobian matrix: ", "单步雅可比矩阵："),
                    Math(sp.Eq(J, part(sp.Symbol("h_k"), sp.Symbol("h_{k-1}")), evaluate=False)),
                    tr(", which equals ", "，等于 "), Math(sp.Mul(D, W_hh, evaluate=False)))),
        ("dhT_dh0", part(h_T, h_0), (tr("how the last state depends on the first: the product ",
                                        "末状态对初始状态的依赖：乘积 "),
                                     Math(sp.Product(sp.Symbol("J_k"), (k, 1, T))),
                                     tr(" of the step Jacobians", "（单步雅可比矩阵之积）"))),
        ("L", L, (tr("loss (a number), here ", "损失（一个数），此处 "),
                  Math(sp.Eq(L, sp.Rational(1, 2) * norm2(h_T - y) ** 2, evaluate=False)))),
        ("y", y, (tr("target: the value the loss wants for the last state",
                     "目标：损失希望末状态取的值"),)),
        ("g_k", sp.Symbol("g_k"), (tr("in the backward pass: the gradient ", "反向传播中：梯度 "),
                                   Math(part(L, sp.Symbol("h_k"))))),
        ("delta_k", sp.Symbol("delta_k"), (tr("in the backward pass: the gradient ",
                                              "反向传播中：梯度 "),
                                           Math(part(L, sp.Symbol("a_k"))))),
        ("norm2", norm2(A), (tr("spectral norm of a square matrix ", "方阵 "), Math(A),
                             tr(": its largest singular value; for a vector, the Euclidean length",
                                " 的谱范数，即其最大奇异值；对向量则是欧几里得长度"))),
        ("sigma_max", sigma_max(A), (tr("largest singular value of ", ""), Math(A),
                                     tr("", " 的最大奇异值"))),
        ("rho", rho(A), (tr("spectral radius of ", ""), Math(A),
                      tr(": the largest absolute value of its eigenvalues",
                         " 的谱半径：其特征值绝对值的最大者"))),
        ("gain", sp.Symbol("g"), (tr("gain: a number that scales a fixed matrix, ",
                                     "增益：缩放一个固定矩阵的数，"),
                                  Math(sp.Eq(W_hh, sp.Symbol("g") * sp.MatrixSymbol("W_0", n, n),
                                             evaluate=False)))),
        ("det", sp.Function("det")(A), (tr("the determinant of ", ""), Math(A),
                                         tr("", " 的行列式"))),
        ("S", sp.Symbol("S"), (tr("the sum of the squared entries of ", ""), Math(W_hh),
                               tr(" (in the 2 by 2 case)", " 各元素的平方和（2×2 情形）"))),
        ("log10", LOG10(z), (tr("the base-10 logarithm", "以 10 为底的对数"),)),
        ("sigmoid", sigma(z), (tr("logistic sigmoid, the gates' activation: ",
                                  "logistic sigmoid 函数，门的激活函数："),
                               Math(sp.Eq(sigma(z), 1 / (1 + sp.exp(-z)))))),
        ("lstm_i", sp.Symbol("i"), (tr("LSTM input gate", "LSTM 输入门"),)),
        ("lstm_f", sp.Symbol("f"), (tr("LSTM forget gate", "LSTM 遗忘门"),)),
        ("lstm_g", sp.Symbol("g"), (tr("LSTM candidate value (not the gain: the context tells)",
                                       "LSTM 候选值（不是增益，由上下文区分）"),)),
        ("lstm_o", sp.Symbol("o"), (tr("LSTM output gate", "LSTM 输出门"),)),
        ("lstm_c", sp.Symbol("c"), (tr("LSTM cell state; ", "LSTM 细胞状态；"),
                                    Math(sp.Eq(sp.Symbol("c'"), sp.Symbol("f") * sp.Symbol("c")
                                               + sp.Symbol("i") * sp.Symbol("g"),
                                               evaluate=False)))),
        ("gru_r", sp.Symbol("r"), (tr("GRU reset gate", "GRU 重置门"),)),
        ("gru_z", sp.Symbol("z"), (tr("GRU update gate (also z: the argument of an activation, "
                                      "the context tells)",
                                      "GRU 更新门（z 也表示激活函数的自变量，由上下文区分）"),)),
        ("gru_n", sp.Symbol("n"), (tr("GRU candidate state (not the hidden size: the context "
                                      "tells)",
                                      "GRU 候选状态（不是隐藏单元个数，由上下文区分）"),)),
        ("gate_pre", sp.Symbol("z_f"), (tr("a gate's pre-activation (here of the gate ",
                                            "门的预激活（此处为门 "),
                                        Math(sp.Symbol("f")), tr(")", " 的）"))),
        ("v_ki", sp.Symbol("v_{k,i}"), (tr("pre-activation of unit i at step k of a cell whose "
                                           "recurrence is diagonal", "循环为对角形式的单元中，"
                                           "第 i 个单元在第 k 步的预激活"),)),
        ("kronecker", sp.KroneckerDelta(sp.Symbol("i"), sp.Symbol("j")),
         (tr("Kronecker delta: 1 if ", "Kronecker 记号：当 "), Math(sp.Eq(sp.Symbol("i"),
                                                                       sp.Symbol("j"))),
          tr(", 0 otherwise", " 时为 1，否则为 0"))),
        ("theta", sp.Symbol("theta"), (tr("clipping threshold for the norm of a gradient",
                                          "梯度范数的截断阈值"),)),
        ("P_T", sp.Symbol("P_T"), (tr("a product of T step Jacobians (residual connections)",
                                      "T 个单步雅可比矩阵之积（残差连接）"),)),
        ("epsilon_k", sp.Symbol("epsilon_k"), (tr("random numbers drawn independently at step ",
                                                  "第 "), Math(k),
                                               tr(" (noise inputs)",
                                                  " 步独立抽取的随机数（噪声输入）"))),
        ("T_r", sp.Symbol("T_r"), (tr("number of steps after which a gradient has shrunk to the "
                                      "fraction r", "梯度缩小到比例 r 所需的步数"),)),
        ("J", sp.Symbol("J"), (tr("a fixed example matrix (exercises)", "练习中的固定示例矩阵"),)),
        ("prime", sp.Symbol("h'"), (tr("a prime on a state: its value after the step",
                                       "状态上的撇号：该步之后的值"),)),
    )


ROWS = _rows()
SYMBOLS = {name: symbol for name, symbol, _ in ROWS}


def table():
    """The notation table: symbol, meaning."""
    rows = tuple((Math(symbol), meaning) for _, symbol, meaning in ROWS)
    caption = (tr("Notation. The symbols of these notes, the general ones first; a symbol "
                  "used in one passage only is also defined there. Vectors are columns.",
                  "符号表。本讲义使用的符号，通用的在前；只在某一处用到的符号也在该处定义。"
                  "向量均为列向量。"),)
    return Table("tab:notation", caption, (tr("symbol", "符号"), tr("meaning", "含义")), rows,
                 align="ll", widths=(0, 0.72))


def _names(expr):
    """The base letters of the symbols and undefined functions in ``expr``: h_{k-1} → h,
    a_{k,i} → a, h' → h, log_10(x) → log (Limit's direction sign is no symbol)."""
    atoms = expr.atoms(sp.Symbol, sp.MatrixSymbol, AppliedUndef)
    names = (str(type(a).__name__ if isinstance(a, AppliedUndef) else a) for a in atoms)
    return {re.split(r"[_{'(]", name)[0] for name in names if name[:1].isalpha()}


def _section_exprs(section):
    for part in section_parts(section):
        if isinstance(part, Math):
            yield part.expr
    for block in section.blocks:
        yield from block.exprs if isinstance(block, Display) else ()
        yield from (step.relation for step in block.steps) if isinstance(block, Steps) else ()


def unlisted(section):
    """The base letters a section uses in its formulas that the notation table does not list."""
    listed = set()
    for _, symbol, meaning in ROWS:
        listed |= _names(symbol)
        listed |= {n for p in inline_parts(meaning) if isinstance(p, Math) for n in _names(p.expr)}
    used = set()
    for expr in _section_exprs(section):
        used |= _names(sp.sympify(expr))
    return used - listed
