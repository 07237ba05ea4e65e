"""The worked 2×2 example of 'sec:vector': a tanh RNN with n = 2, T = 3 (``CASE``, in the input
format of ``rnngrad check``), its exact weights displayed, the entries of the expanded product
∂h_3/∂h_0 = J_3 J_2 J_1 (J_k = diag(1 − tanh²(a_k)) W_hh) to 20 digits by mpmath, and the
derivative checks of ``numeric.run_checks`` as a table ("tab:vector-checks")."""

import mpmath
import sympy as sp

import derive
import numeric
from derive import norm2
from reports.doc import Display, Heading, Math, Para, Ref, Table, num, tr

CASE = {"activation": "tanh", "W_hh": [[0.5, -0.3], [0.2, 0.9]], "W_xh": [[1.0], [0.5]],
        "b_h": [0.1, -0.2], "h0": [0.3, -0.1], "x": [[0.2], [0.7], [-0.4]], "y": [0.0, 0.5]}
DIGITS, WORKING_DIGITS = 20, 30   # digits shown, digits mpmath works with


def product_entries():
    """The entries of ∂h_3/∂h_0, row by row, to DIGITS digits: the exact expanded product
    (nested tanh of the case's rationals) evaluated by mpmath at WORKING_DIGITS digits."""
    rnn = derive.RNN(2, activation="tanh", **{key: value for key, value in CASE.items()
                                             if key in ("W_hh", "W_xh", "b_h", "h0", "x")})
    product = derive.jacobian_product(rnn, 0, 3, expanded=True)
    evaluate = sp.lambdify([], list(product), modules="mpmath", cse=True)
    with mpmath.workdps(WORKING_DIGITS):
        return rnn, [mpmath.nstr(value, DIGITS) for value in evaluate()]


def setting_paragraph():
    """The example in words: activation, sizes, steps and the loss."""
    h_T, y, L = sp.symbols("h_T y L")
    final = sp.Eq(L, sp.Rational(1, 2) * norm2(h_T - y) ** 2, evaluate=False)
    return Para(
        tr("Take a tanh RNN with two hidden units, one input per step and three steps, "
           "with the loss ",
           "取一个 tanh 循环神经网络：两个隐藏单元，每步一个输入，共三步，损失为 "),
        Math(final), tr(". Its weights, bias, initial state, inputs and target are given as "
                        "decimals and used as exact fractions:",
                        "。它的权重、偏置、初始状态、输入和目标以小数给出，计算时一律当作精确分数："))


METHODS = {"central": tr("central difference", "中心差分"),
           "richardson": tr("Richardson extrapolation", "Richardson 外推"),
           "complex_step": tr("complex step", "复步长法"),
           "mpmath": tr("50-digit arithmetic", "50 位精度计算")}


def check_table(checks):
    """The four derivative checks: method, largest relative error, tolerance, verdict."""
    words = {True: tr("pass", "通过"), False: tr("FAIL", "失败"), None: tr("n/a", "不适用")}
    rows = tuple((METHODS.get(name, name.replace("_", " ")),
                  tr("n/a", "不适用") if r.max_rel_error is None else num(r.max_rel_error, 3),
                  num(r.tolerance, 1), words[r.passed]) for name, r in checks.items())
    passed = [r for r in checks.values() if r.passed]
    loosest = max(r.tolerance for r in checks.values())
    everything = len(passed) == len(checks)
    verdict = (tr("All four checks pass", "四种检验全部通过") if everything else
               tr("Not every check passes", "并非所有检验都通过"))
    caption = (tr("Derivative checks of the worked 2 by 2 case: the BPTT gradient compared with "
                  "central differences, Richardson extrapolation, the complex step and a "
                  "50-digit mpmath computation. ", "2×2 案例的导数检验：BPTT 梯度分别与中心差分、"
                  "Richardson 外推、复步长法以及 50 位精度的 mpmath 计算比较。"),
               verdict, tr(", each within its tolerance (at most ", "，各自都在其容差之内（至多 "),
               num(loosest, 1), tr(" relative error).", " 的相对误差）。"))
    header = (tr("method", "方法"), tr("largest relative error", "最大相对误差"),
              tr("tolerance", "容差"), tr("result", "结果"))
    return Table("tab:vector-checks", caption, header, rows, align="lrrl")


def exact_displays(rnn):
    """The case's parameters as exact rationals (SymPy reads every decimal as a fraction),
    displayed: stacked vectors inline would spread the lines of the text."""
    x = sp.Matrix([list(row) for row in rnn.x]).T
    y = sp.Matrix([sp.nsimplify(value) for value in CASE["y"]])
    shown = [sp.Eq(sp.MatrixSymbol(name, *value.shape), value, evaluate=False)
             for name, value in (("W_hh", rnn.W_hh), ("W_xh", rnn.W_xh), ("b_h", rnn.b_h),
                                 ("h_0", rnn.h0), ("y", y))]
    inputs = sp.Eq(sp.MatrixSymbol("x", 3, 1).T, x, evaluate=False)
    return (Display(*shown[:3]), Display(shown[3], shown[4], inputs),
            Para(tr("The inputs are written as one row, the input of step k in column k.",
                    "输入写成一行，第 k 步的输入在第 k 列。")))


def entries_table(entries):
    rows = tuple((f"({i // 2 + 1}, {i % 2 + 1})", Math(sp.Float(value, DIGITS)))
                 for i, value in enumerate(entries))
    caption = (tr("The four entries of the exact product ", "精确乘积 "),
               Math(sp.Derivative(sp.Symbol("h_3"), sp.Symbol("h_0"), evaluate=False)),
               tr(f" of the worked case, to {DIGITS} significant digits. Each is a nested "
                  f"expression in tanh of the case's fractions, evaluated by mpmath with "
                  f"{WORKING_DIGITS} digits.",
                  f" 的四个元素，保留 {DIGITS} 位有效数字。每个元素都是由案例中的分数构成的嵌套 "
                  f"tanh 表达式，由 mpmath 以 {WORKING_DIGITS} 位精度求值。"))
    return Table("tab:vector-product", caption,
                 (tr("entry (row, column)", "元素（行，列）"), tr("value", "值")), rows, align="lr")


def blocks():
    """(blocks, results): the worked example of the vector section."""
    rnn, entries = product_entries()
    checks = numeric.run_checks(numeric.case_from_dict(CASE))
    out = (Heading(tr("A worked 2 by 2 example", "一个 2×2 的算例")), setting_paragraph(),
           *exact_displays(rnn),
           Para(tr("SymPy multiplies the three step Jacobians exactly. ",
                   "SymPy 精确地计算三个单步雅可比矩阵的乘积。"), Ref("tab:vector-product"),
                tr(" gives the result; ", " 给出结果；"), Ref("tab:vector-checks"),
                tr(" shows that the BPTT gradient of the loss agrees with four independent "
                   "ways of computing it.", " 表明损失的 BPTT 梯度与四种独立的计算方法一致。")),
           entries_table(entries), check_table(checks))
    return out, {"vector_example_product": entries,
                 "vector_example_checks": {m: r.to_dict() for m, r in checks.items()}}
