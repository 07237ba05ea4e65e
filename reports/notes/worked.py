"""Section 'sec:worked': a scalar tanh RNN over T = 2 steps worked by hand with exact numbers,
h_k = tanh(w h_{k−1} + u x_k + b), L = ½(h_2 − y)²: the forward pass a_1, h_1, a_2, h_2, L; the
backward pass δ_2 = (h_2 − y)(1 − h_2²), δ_1 = δ_2 w (1 − h_1²); ∂L/∂w = δ_2 h_1 + δ_1 h_0 (the
direct k = 2 term and the k = 1 path through h_1), checked against derive.bptt_gradient of the
unrolled RNN and a central finite difference.  Then the first source article's loss (y − h_T)²
(``reports.notes.worked_seed``)."""

import sympy as sp

import derive
from reports.doc import Display, Heading, Math, Para, Ref, Section, Table, num, tr
from reports.notes import worked_seed

LABEL = "sec:worked"
TITLE = tr("A hand-worked example with T = 2", "手算示例：T = 2")
S = sp.Symbol
w, u, b, h0, x1, x2, y = (S(name) for name in ("w", "u", "b", "h_0", "x_1", "x_2", "y"))
a1, a2, h1, h2, L = (S(name) for name in ("a_1", "a_2", "h_1", "h_2", "L"))
CASE = {w: sp.Rational(4, 5), u: sp.Integer(1), b: sp.Integer(0), h0: sp.Rational(1, 10),
        x1: sp.Rational(1, 2), x2: sp.Rational(-3, 10), y: sp.Rational(2, 5)}
FD_STEP = sp.Rational(1, 10**6)
DIGITS = 30


def pre(h, x):
    """w h + u x + b, kept in this order."""
    return sp.Add(sp.Mul(w, h, evaluate=False), sp.Mul(u, x, evaluate=False), b, evaluate=False)


def forward():
    """(symbol, formula in symbols, exact value) for a_1, h_1, a_2, h_2, L, in order."""
    formulas = ((a1, pre(h0, x1)), (h1, sp.tanh(a1)), (a2, pre(h1, x2)),
                (h2, sp.tanh(a2)), (L, sp.Rational(1, 2) * (h2 - y) ** 2))
    values, rows = dict(CASE), []
    for symbol, formula in formulas:
        if isinstance(formula, sp.tanh):   # keep tanh(exact argument) as it is written
            values[symbol] = sp.tanh(values[formula.args[0]], evaluate=False)
        else:
            values[symbol] = formula.xreplace(values)
        rows.append((symbol, formula, values[symbol]))
    return rows, values


BACKWARD_NAMES = ("dL_dh2", "dh2_da2", "delta_2", "da2_dh1", "dh1_da1", "delta_1", "term_2",
                  "term_1", "dL_dw")


def backward(values):
    """(name, formula, exact value) of every factor of the chain rule, then the two BPTT
    terms of ∂L/∂w and their sum."""
    dL_dh2, dh2_da2 = h2 - y, 1 - h2 ** 2
    delta2 = S("delta_2")
    dh1_da1, delta1 = 1 - h1 ** 2, S("delta_1")
    formulas = (
        (sp.Derivative(L, h2), dL_dh2), (sp.Derivative(h2, a2), dh2_da2),
        (delta2, sp.Mul(dL_dh2, dh2_da2, evaluate=False)),
        (sp.Derivative(a2, h1), w), (sp.Derivative(h1, a1), dh1_da1),
        (delta1, sp.Mul(delta2, w, dh1_da1, evaluate=False)),
        (S("term_2"), sp.Mul(delta2, h1, evaluate=False)),
        (S("term_1"), sp.Mul(delta1, h0, evaluate=False)),
        (sp.Derivative(L, w), sp.Add(sp.Mul(delta2, h1), sp.Mul(delta1, h0), evaluate=False)),
    )
    known, rows = dict(values), []
    for symbol, formula in formulas:
        value = formula.xreplace(known)
        known[symbol] = value
        rows.append((symbol, formula, value))
    return rows, known


def unrolled():
    """derive's RNN with these numbers and a symbolic w, its loss and ∂L/∂w (bptt_gradient)."""
    rnn = derive.RNN(1, activation="tanh", W_hh=[[w]], W_xh=[[CASE[u]]], b_h=[CASE[b]],
                     h0=[CASE[h0]], x=[[CASE[x1]], [CASE[x2]]])
    loss = derive.loss(rnn, 2, y=[CASE[y]])
    return rnn, loss, derive.bptt_gradient(rnn, 2, y=[CASE[y]])[0]


def checks(gradient):
    """The hand value against derive.bptt_gradient (difference at 30 digits) and against
    the central difference (L(w + ε) − L(w − ε)) / (2ε), ε = 10⁻⁶, evaluated at 30 digits."""
    _, loss, derived = unrolled()
    w0 = CASE[w]
    derived_value = derived.xreplace({w: w0})
    gap = abs(sp.N(gradient - derived_value, DIGITS))
    central = (loss.xreplace({w: w0 + FD_STEP}) - loss.xreplace({w: w0 - FD_STEP})) / (2 * FD_STEP)
    fd = sp.N(central, DIGITS)
    return {"derived": float(sp.N(derived_value, DIGITS)), "gap": float(gap), "fd": float(fd),
            "fd_rel": float(abs(fd - sp.N(gradient, DIGITS)) / abs(sp.N(gradient, DIGITS)))}


def decimal(value):
    return float(sp.N(value, DIGITS))


def shown(formula, value, values):
    """The exact value as shown: tanh of the exact argument kept unevaluated; the loss in
    terms of h_2 (whose exact value is the row above), not as a four-level fraction."""
    if isinstance(formula, sp.tanh):
        return sp.tanh(values[formula.args[0]], evaluate=False)
    if symbol_of(formula) is L:
        return sp.Mul(sp.Rational(1, 2), sp.Pow(sp.Add(h2, -values[y], evaluate=False), 2,
                                                evaluate=False), evaluate=False)
    return value


def symbol_of(formula):
    """L for the loss's formula ½(h_2 − y)², else None."""
    return L if formula == sp.Rational(1, 2) * (h2 - y) ** 2 else None


def forward_table(rows, values):
    cells = tuple((Math(symbol), Math(formula), Math(shown(formula, value, values)),
                   num(decimal(value), 6)) for symbol, formula, value in rows)
    caption = (tr("The forward pass: each quantity, its formula, its exact value and its "
                  "decimal value (6 digits). The loss is small because the last state is "
                  "already near the target.",
                  "前向计算：每个量的公式、精确值和十进制值（6 位有效数字）。"
                  "损失很小，因为末状态已接近目标。"),)
    header = (tr("quantity", "量"), tr("formula", "公式"), tr("exact", "精确值"),
              tr("decimal", "十进制值"))
    return Table("tab:worked-forward", caption, header, cells, align="llll")


TERM_NAMES = {"term_2": (tr("term ", "项 "), Math(sp.Eq(S("k"), 2)), tr(", direct", "，直接")),
              "term_1": (tr("term ", "项 "), Math(sp.Eq(S("k"), 1)), tr(", through ", "，经由 "),
                         Math(h1))}


def written(symbol):
    """A row label in words for a derivative (∂a/∂b as an inline fraction is unreadably small in
    a table): "a with respect to b"; other symbols as they are."""
    if not isinstance(symbol, sp.Derivative):
        return Math(symbol)
    (var, _), = symbol.variable_count
    return (tr("derivative of ", ""), Math(symbol.expr), tr(" with respect to ", " 对 "),
            Math(var), tr("", " 的导数"))


def backward_table(rows):
    cells = []
    for symbol, formula, value in rows:
        name = TERM_NAMES.get(str(symbol)) or written(symbol)
        cells.append((name, Math(formula), num(decimal(value), 6)))
    caption = (tr("The backward pass, one factor of the chain rule per row, from the loss back "
                  "to the first step; the last three rows are the two BPTT terms of the "
                  "gradient and their sum.",
                  "反向计算：每行是链式法则的一个因子，从损失一直回到第一步；"
                  "最后三行是梯度的两个 BPTT 项及其和。"),)
    header = (tr("quantity", "量"), tr("formula", "公式"), tr("decimal", "十进制值"))
    return Table("tab:worked-backward", caption, header, tuple(cells), align="lll")


def case_blocks():
    numbers = tuple(sp.Eq(symbol, value) for symbol, value in CASE.items())
    step = sp.Eq(S("h_k"), sp.tanh(pre(S("h_{k-1}"), S("x_k")), evaluate=False),
                 evaluate=False)
    return (
        Para(tr("Take one hidden unit with tanh, the recurrent weight ", "取一个采用 tanh 的隐藏"
                "单元，循环权重 "), Math(w), tr(", the input weight ", "，输入权重 "), Math(u),
             tr(", the bias ", "，偏置 "), Math(b), tr(" and two steps, so that ", "，共两步，即 "),
             Math(step), tr(" for ", "，其中 "), Math(sp.Eq(S("k"), 1)), tr(" and ", " 与 "),
             Math(sp.Eq(S("k"), 2)), tr(", with the loss ", "，损失为 "),
             Math(sp.Eq(L, sp.Rational(1, 2) * (h2 - y) ** 2, evaluate=False)),
             tr(". The numbers are exact fractions:", "。所用数值都是精确分数：")),
        Display(*numbers[:4]), Display(*numbers[4:]),
    )


def gap_parts(gap):
    """" digits, is 0" or " digits, is below 10⁻³⁰" or the value."""
    if gap < 10.0 ** -DIGITS:
        return (tr(" digits, is below ", " 位有效数字计算，小于 "), num(10.0 ** -DIGITS, 1))
    return (tr(" digits, is ", " 位有效数字计算，为 "), num(gap, 2))


def gradient_blocks(known):
    g = known[sp.Derivative(L, w)]
    check = checks(g)
    terms = (known[S("term_2")], known[S("term_1")])
    return (
        Para(tr("The gradient with respect to the shared weight ", "对共享权重 "), Math(w),
             tr(" collects one term per step, because ", " 的梯度每一步收集一项，因为 "), Math(w),
             tr(" enters both pre-activations:", " 同时出现在两个预激活中：")),
        Display(sp.Eq(sp.Derivative(L, w),
                      sp.Add(sp.Mul(S("delta_2"), h1), sp.Mul(S("delta_1"), h0), evaluate=False),
                      evaluate=False)),
        Para(tr("The direct term ", "直接项 "), Math(sp.Mul(S("delta_2"), h1)),
             tr(" (step 2) is ", "（第 2 步）为 "), num(decimal(terms[0]), 6),
             tr("; the path term ", "；路径项 "), Math(sp.Mul(S("delta_1"), h0)),
             tr(", which reaches step 1 through ", "（经由 "), Math(h1),
             tr(", is ", " 到达第 1 步）为 "), num(decimal(terms[1]), 6),
             tr(", smaller by a factor of ", "，小了 "), num(decimal(terms[0] / terms[1]), 3),
             tr(": the path through the earlier step carries the extra factors ",
                " 倍：经过更早一步的路径多带了因子 "),
             Math(sp.Mul(w, 1 - h1 ** 2, evaluate=False)), tr(" and ", " 和 "), Math(h0),
             tr(" in place of ", "，取代了 "), Math(h1),
             tr(". Their sum is ", "。两者之和为 "), num(decimal(g), 6),
             tr(". Two independent checks agree. The BPTT gradient of the unrolled network, "
                "derived symbolically by the computer algebra system and then evaluated, gives ",
                "。两项独立核验结果一致。由计算机代数系统对展开网络符号推导、再代入数值的 "
                "BPTT 梯度为 "),
             num(check["derived"], 6), tr(" (the difference from ours, evaluated to ",
                                          "（与我们的结果之差，按 "), str(DIGITS),
             *gap_parts(check["gap"]),
             tr("), and the central difference with step ", "）；步长为 "),
             num(float(FD_STEP), 1),
             tr(" gives ", " 的中心差分给出 "), num(check["fd"], 10),
             tr(", a relative difference of ", "，相对差为 "), num(check["fd_rel"], 2),
             tr(".", "。")),
    ), check


def build(ctx):
    """(Section, results for results.json)."""
    rows, values = forward()
    brows, known = backward(values)
    gradient_part, check = gradient_blocks(known)
    ours = decimal(known[sp.Derivative(L, w)])
    seed_part, seed_results = worked_seed.blocks(ours)
    blocks = (*case_blocks(),
              Heading(tr("Forward pass", "前向计算")),
              Para(tr("Each step computes the pre-activation, then the state; ",
                      "每一步先算预激活，再算状态；"), Ref("tab:worked-forward"),
                   tr(" lists them with the loss.", "列出了它们以及损失。")),
              forward_table(rows, values),
              Heading(tr("Backward pass", "反向计算")),
              Para(tr("The chain rule runs from the loss back to the first step. Each factor is "
                      "a local derivative: of the loss, of tanh (its slope is ",
                      "链式法则从损失一直回到第一步。每个因子都是局部导数："
                      "损失的、tanh 的（其斜率为 "),
                   Math(sp.Eq(sp.Derivative(sp.tanh(S("a")), S("a")), 1 - sp.tanh(S("a")) ** 2,
                              evaluate=False)),
                   tr("), or of a pre-activation. ", "），或预激活的。"),
                   Ref("tab:worked-backward"),
                   tr(" lists them in order.", "按顺序列出了它们。")),
              backward_table(brows),
              *gradient_part, *seed_part)
    learn = (tr("How backpropagation through time computes a gradient, number by number, for "
                "a network small enough to check by hand.",
                "时间反向传播如何一个数一个数地计算梯度，所用网络小到可以手工核对。"),)
    takeaway = (tr("The gradient is a sum of one term per step; the term of an earlier step "
                   "carries one more factor of the step Jacobian, and that is where vanishing "
                   "and exploding begin.",
                   "梯度是每一步一项之和；更早一步的项多带一个单步雅可比因子，梯度消失与爆炸正是从这里"
                   "开始的。"),)
    results = {f"worked_{symbol}": decimal(value) for symbol, _, value in rows}
    results.update({f"worked_{name}": decimal(value)
                    for name, (_, _, value) in zip(BACKWARD_NAMES, brows, strict=True)})
    results.update({"worked_check": check, **seed_results})
    return Section(LABEL, TITLE, learn, blocks, takeaway), results
