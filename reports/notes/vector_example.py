"""The worked 2×2 example of 'sec:vector': a tanh RNN with n = 2, T = 3 given as a case file
(the input of ``rnngrad check``), its exact weights, the entries of the expanded product
∂h_3/∂h_0 = J_3 J_2 J_1 (J_k = diag(1 − tanh²(a_k)) W_hh) to 20 digits by mpmath, and the
derivative checks of ``numeric.run_checks`` as a table ("tab:vector-checks")."""

import json

import mpmath
import sympy as sp

import derive
import numeric
from derive import T as T_
from derive import k, norm
from reports.doc import Code, Heading, Math, Para, Ref, Table, Verbatim, num, tr

CASE = {"activation": "tanh", "W_hh": [[0.5, -0.3], [0.2, 0.9]], "W_xh": [[1.0], [0.5]],
        "b_h": [0.1, -0.2], "h0": [0.3, -0.1], "x": [[0.2], [0.7], [-0.4]], "y": [0.0, 0.5]}
DIGITS, WORKING_DIGITS = 20, 30   # digits shown, digits mpmath works with


def case_text():
    """The case file as it is written (one key per line)."""
    return "{" + ",\n ".join(f"{json.dumps(key)}: {json.dumps(value)}"
                             for key, value in CASE.items()) + "}"


def product_entries():
    """The entries of ∂h_3/∂h_0, row by row, to DIGITS digits: the exact expanded product
    (nested tanh of the case's rationals) evaluated by mpmath at WORKING_DIGITS digits."""
    rnn = derive.RNN(2, activation="tanh", **{key: value for key, value in CASE.items()
                                             if key in ("W_hh", "W_xh", "b_h", "h0", "x")})
    product = derive.jacobian_product(rnn, 0, 3, expanded=True)
    evaluate = sp.lambdify([], list(product), modules="mpmath", cse=True)
    with mpmath.workdps(WORKING_DIGITS):
        return rnn, [mpmath.nstr(value, DIGITS) for value in evaluate()]


def format_paragraph():
    h_T, y, h_k, y_k, L = sp.symbols("h_T y h_k y_k L")
    final = sp.Eq(L, sp.Rational(1, 2) * norm(h_T - y) ** 2, evaluate=False)
    summed = sp.Eq(L, sp.Rational(1, 2) * sp.Sum(norm(h_k - y_k) ** 2, (k, 1, T_)),
                   evaluate=False)
    return Para(
        tr("A case file, the input of ", "案例文件是 "), Code("rnngrad check"),
        tr(", is one JSON object. Required keys: ", " 的输入，为一个 JSON 对象。必需的键："),
        Code("activation"), tr(" (a registered name such as ", "（已注册的名称，如 "),
        Code('"tanh"'),
        tr(", or a formula in x such as ", "，或关于 x 的公式，如 "), Code('"x/(1+Abs(x))"'),
        tr("), ", "）、"), Code("W_hh"), tr(" (n rows of n numbers), ", "（n 行，每行 n 个数）、"),
        Code("W_xh"), tr(" (n rows of m numbers, m inputs per step) and ",
                         "（n 行，每行 m 个数，m 为每步的输入个数）以及 "),
        Code("x"), tr(" (T rows of m numbers, one row per step). Optional: ",
                      "（T 行，每行 m 个数，每步一行）。可选的键："),
        Code("b_h"), tr(" and ", " 和 "), Code("h0"), tr(" (n numbers each, default 0), ",
                                                         "（各 n 个数，默认为 0）、"),
        Code("alpha"), tr(" (the slope parameter of leaky relu and elu) and ",
                          "（leaky relu 和 elu 的斜率参数）以及目标 "),
        Code("y"), tr(", the target: n numbers for the loss ", "：n 个数时损失为 "), Math(final),
        tr(", or T rows of n numbers for ", "，T 行、每行 n 个数时损失为 "), Math(summed),
        tr(". Every number must be finite. The case worked here:",
           "。所有数都必须有限。这里计算的案例如下："))


METHODS_ZH = {"central": "中心差分", "richardson": "Richardson 外推", "complex_step": "复步长法",
              "mpmath": "mpmath 高精度"}


def check_table(checks):
    """The four derivative checks: method, largest relative error, tolerance, verdict."""
    words = {True: tr("pass", "通过"), False: tr("FAIL", "失败"), None: tr("n/a", "不适用")}
    rows = tuple((tr(name.replace("_", " "), METHODS_ZH.get(name, name)),
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


def exact_paragraph(rnn):
    """The case's parameters as exact rationals (SymPy reads every decimal as a fraction)."""
    x = sp.Matrix([list(row) for row in rnn.x]).T
    shown = [Math(sp.Eq(sp.MatrixSymbol(name, *value.shape), value, evaluate=False))
             for name, value in (("W_hh", rnn.W_hh), ("W_xh", rnn.W_xh), ("b_h", rnn.b_h),
                                 ("h_0", rnn.h0))]
    return Para(tr("In exact numbers (every decimal of the file read as a fraction): ",
                   "写成精确数（文件中的每个小数都读作分数）："),
                shown[0], ", ", shown[1], ", ", shown[2], ", ", shown[3],
                tr(" and the inputs ", "，输入 "),
                Math(sp.Eq(sp.MatrixSymbol("x", 3, 1).T, x, evaluate=False)),
                tr(" (one column per step).", "（每步一列）。"))


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
    out = (Heading(tr("A worked 2 by 2 example", "一个 2×2 的算例")), format_paragraph(),
           Verbatim(case_text()), exact_paragraph(rnn),
           Para(tr("SymPy multiplies the three step Jacobians exactly. ",
                   "SymPy 精确地计算三个单步雅可比矩阵的乘积。"), Ref("tab:vector-product"),
                tr(" gives the result; ", " 给出结果；"), Ref("tab:vector-checks"),
                tr(" shows that the BPTT gradient of the loss agrees with four independent "
                   "ways of computing it.", " 表明损失的 BPTT 梯度与四种独立的计算方法一致。")),
           entries_table(entries), check_table(checks))
    return out, {"vector_example_product": entries,
                 "vector_example_checks": {m: r.to_dict() for m, r in checks.items()}}
