"""The first source article's worked example in section 'sec:worked': one tanh unit,
h_t = tanh(W_hh h_{t−1} + W_xh x_t), with the loss (y − h_T)², twice our ½(h_T − y)².  For
T = 2 its gradient, written in the states h_k and pre-activations a_k,
∂L/∂w = 2 (h_2 − y) φ'(a_2) (h_1 + w φ'(a_1) h_0), equals 2 × derive.bptt_gradient of the
unrolled RNN (checked at a rational test point to 30 digits)."""

import sympy as sp

import derive
from reports.doc import Cite, Display, Heading, Math, Para, num, tr

DIGITS = 30


def local_gradient():
    """(L_seed, ∂L_seed/∂w in h_k and a_k, the symbols): the article's loss and its T = 2
    gradient, by the chain rule written in the states and pre-activations."""
    act = derive.activation("tanh")
    w, y = sp.Symbol("w", real=True), sp.Symbol("y", real=True)
    a1, a2, h0, h1, h2 = sp.symbols("a_1 a_2 h_0 h_1 h_2", real=True)
    inner = sp.Add(h1, sp.Mul(w, act.derivative_at(a1), h0, evaluate=False), evaluate=False)
    local = sp.Mul(2, h2 - y, act.derivative_at(a2), inner, evaluate=False)
    names = {"w": w, "y": y, "a_1": a1, "a_2": a2, "h_0": h0, "h_1": h1, "h_2": h2}
    return (y - h2) ** 2, local, names


def symbolic_gap(local, s):
    """|local − 2 · bptt_gradient| after substituting the unrolled a_k, h_k, at a rational
    test point, to 30 digits (0 when the two agree); ``local`` and the symbols ``s`` are
    ``local_gradient()``'s."""
    rnn = derive.RNN(1, activation="tanh", W_hh=[[s["w"]]], b_h=[0])
    unrolled = {s["a_1"]: derive.pre_activation(rnn, 1)[0],
                s["a_2"]: derive.pre_activation(rnn, 2)[0],
                s["h_1"]: derive.hidden_state(rnn, 1)[0], s["h_2"]: derive.hidden_state(rnn, 2)[0],
                s["h_0"]: rnn.h0[0]}
    gradient = 2 * derive.bptt_gradient(rnn, 2, y=[s["y"]])[0]
    symbols = sorted(gradient.free_symbols, key=str)
    probe = {symbol: sp.Rational(i + 2, 7) for i, symbol in enumerate(symbols)}
    return float(abs(sp.N((local.xreplace(unrolled) - gradient).xreplace(probe), DIGITS)))


def blocks(ours):
    """The paragraph and displays; ``ours`` is ∂L/∂w of the worked case (our loss)."""
    seed_loss, local, s = local_gradient()
    L_seed, h_T, y = sp.Symbol("L"), sp.Symbol("h_T"), sp.Symbol("y")
    gap = symbolic_gap(local, s)
    agreement = (tr("agree to all 30 digits", "在全部 30 位上一致") if gap < 1e-25 else
                 (tr("differ by ", "相差 "), num(gap, 2)))
    return (
        Heading(tr("The first source article's loss", "第一篇原文的损失")),
        Para(tr("The first source article works the same network, with one tanh unit and no "
                "bias, but with the loss ",
                "第一篇原文计算的是同一个网络（一个 tanh 单元、无偏置），但用的损失是 "),
             Math(sp.Eq(L_seed, (y - h_T) ** 2, evaluate=False)), Cite("seed000"),
             tr(", without our factor one half. For one unit it is twice our loss, so every "
                "gradient it gives is twice ours. For ",
                "，没有我们的二分之一因子。对单个单元，它是我们损失的两倍，"
                "因此它给出的每个梯度都是我们的两倍。对 "),
             Math(sp.Eq(derive.T, 2)),
             tr(" the chain rule, written in the states and the pre-activations, gives",
                "，用状态和预激活写出的链式法则给出")),
        Display(sp.Eq(sp.Derivative(L_seed, s["w"]), local, evaluate=False)),
        Para(tr("With the tanh network unrolled, this and twice the symbolically derived BPTT "
                "gradient ", "把 tanh 网络展开后，它与符号推导的 BPTT 梯度的两倍"), agreement,
             tr(" at a rational test point. With the numbers above it is ",
                "（在一个有理数测试点上）。代入上面的数值，它等于 "), num(2 * ours, 6),
             tr(", twice our ", "，是我们的 "), num(ours, 6), tr(".", " 的两倍。")),
    ), {"worked_seed000_gap": gap, "worked_seed000_gradient": 2 * ours}
