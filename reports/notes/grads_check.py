"""Section 'sec:grads-check', after the exercises: checking a gradient you wrote yourself.  The
well-known BPTT
mistakes made on the 2 × 2 tanh case of 'sec:vector' (``vector_example.CASE``, n = 2, T = 3,
L = ½‖h_3 − y‖²), each mistaken gradient checked by ``numeric.check_gradients`` (table
"tab:grads-mistakes"), then the seed program's gradient (``grads_check_seed``) and how students
use ``rnngrad exercise`` and ``rnngrad check --grads``.

Every mistaken gradient comes from the derivation: the backward passes with the mistake made in
the recursion (``numeric.backward_mistakes``, ``numeric.mistaken``; truncation to the last K = 1
term as ``numeric.Mistake("truncated", 1)``), or a transform of the derived gradient G (Gᵀ for
W_hh, −G, 2G).  The table prints the codes ``check_gradients`` finds and the worst entry's
relative error, never typed numbers.
"""

import sympy as sp

import derive
import numeric
from reports.doc import Code, Math, Para, Ref, Section, Table, num, tr
from reports.notes.grads_check_seed import seed_blocks
from reports.notes.vector_example import CASE

LABEL = "sec:grads-check"
TITLE = tr("Checking a gradient you wrote yourself", "核验自己写的梯度")
TABLE = "tab:grads-mistakes"
NAMES = ("W_hh", "W_xh", "b_h")
S = sp.Symbol
W, G = S("W_hh"), S("G")
_N = sp.Symbol("n", integer=True, positive=True)
W_M, DELTA = sp.MatrixSymbol("W_hh", _N, _N), sp.MatrixSymbol("delta_k", _N, 1)
STEP = S("k")


def case():
    """The 2 × 2 tanh case of 'sec:vector' as a ``numeric.Case``."""
    return numeric.case_from_dict(CASE)


def transforms():
    """(mistake, expected code, description, supplied from the derived G) for the mistakes made
    after the backward pass."""
    return (
        ("transposed matrix", "transposed",
         (tr("the gradient of ", "把 "), Math(W), tr(" returned transposed", " 的梯度转置后返回")),
         lambda g: {**g, "W_hh": g["W_hh"].T}),
        ("sign", "sign",
         (tr("the residual written as ", "残差写成 "), Math(S("y") - S("h_T")),
          tr(" instead of ", " 而不是 "), Math(S("h_T") - S("y"))),
         lambda g: {k: -v for k, v in g.items()}),
        ("missing half", "scaled",
         (tr("the ", "忘了损失中的 "), Math(sp.Rational(1, 2)),
          tr(" of the loss forgotten", "")), lambda g: {k: 2 * v for k, v in g.items()}),
    )


def describe(mistake):
    """Inline parts saying what a backward-pass ``mistake`` does."""
    code, detail = mistake.code, mistake.detail
    if code == "transposed":
        return (Math(W_M * DELTA), tr(" in place of ", " 代替 "), Math(W_M.T * DELTA),
                tr(" in the pass back", "（反向传递中）"))
    if code == "missing_activation_derivative":
        wrt = S("g_k") if detail[1] == "h" else S("delta_k")
        return (Math(derive.dphi(S("a_k"))), tr(" left out (the recursion in ", " 被漏掉（递推以 "),
                Math(wrt), tr(")", " 表示）"))
    if code == "time_shift":
        return shift_parts(detail)
    if code == "truncated":
        return (tr("only the last term of the BPTT sum, that of step ", "BPTT 和中只加最后一项，"
                   "即第 "), Math(sp.Eq(STEP, S("T"))), tr(" (truncated after one step)",
                                                           " 步的项（截断于一步）"))
    if code == "missing_immediate_term":
        return (tr("the term of the last step ", "漏掉最后一步 "), Math(sp.Eq(STEP, S("T"))),
                tr(" left out", " 的项"))
    raise ValueError(f"no description for the mistake {mistake!r}")


def shift_parts(shift):
    """'h_k in place of h_{k−1}' and the like, for a time_shift detail."""
    used = {"h+1": S("h_k"), "x+1": S("x_k+1"), "x-1": S("x_k-1"), "x-1 wrap": S("x_k-1")}[shift]
    meant = S("h_k-1") if shift == "h+1" else S("x_k")
    parts = (Math(used), tr(" in place of ", " 代替 "), Math(meant))
    if shift == "x-1":
        return parts + (tr(", with ", "，且 "), Math(sp.Eq(S("x_0"), 0)))
    if shift == "x-1 wrap":
        return parts + (tr(", with ", "，且 "), Math(S("x_T")), tr(" read as ", " 被当作 "),
                        Math(S("x_0")), tr(" (index -1)", "（下标 -1）"))
    return parts


def candidates(c):
    """(key, expected code, description, supplied) for every mistake of the table."""
    derived = numeric.mistaken(c, None, NAMES)
    rows = [(key, code, text, make(derived)) for key, code, text, make in transforms()]
    for mistake in [*numeric.backward_mistakes(c), numeric.Mistake("truncated", 1)]:
        detail = mistake.detail if isinstance(mistake.detail, tuple) else (mistake.detail,)
        key = " ".join([mistake.code, *(str(d) for d in detail if d is not None)])
        rows.append((key, mistake.code, describe(mistake), numeric.mistaken(c, mistake, NAMES)))
    return rows


def checked(c):
    """One result per mistake: key, expected code, diagnosis found, worst quantity and its
    largest componentwise relative error, passed."""
    out = []
    for key, code, text, supplied in candidates(c):
        check = numeric.check_gradients(c, supplied)
        worst = max(check.quantities, key=lambda q: q.max_rel_error)
        out.append({"mistake": key, "expected": code, "diagnosis": list(check.diagnosis),
                    "worst_quantity": worst.name, "max_rel_error": float(worst.max_rel_error),
                    "passed": check.passed, "text": text})
    return out


def codes(found):
    parts = []
    for code in found:
        parts += [", " if parts else "", Code(code)]
    return tuple(p for p in parts if p != "") or (tr("none", "无"),)


def mistakes_table(results):
    header = (tr("mistake", "错误"), tr("diagnosis found", "诊断结果"),
              tr("worst quantity", "最差的量"), tr("relative error", "相对误差"))
    rows = tuple((r["text"], codes(r["diagnosis"]), Math(S(r["worst_quantity"])),
                  num(r["max_rel_error"], 3)) for r in results)
    caption = (tr("Well-known BPTT mistakes made on the 2-by-2 example of ",
                  "在 "), Ref("sec:vector"),
               tr(" (tanh, three steps): the gradients of ", " 的 2 × 2 示例（tanh，三步）上犯下的"
                  "常见 BPTT 错误：每行把该错误产生的 "),
               Math(W), tr(", ", "、"), Math(S("W_xh")), tr(" and ", " 和 "), Math(S("b_h")),
               tr(" that each mistake produces, computed from the derivation with the mistake "
                  "made, checked by rnngrad: the diagnosis code it reports and the largest "
                  "relative error of one entry, in the quantity where it is largest.",
                  " 的梯度（由推导在犯下该错误的情况下算出）交给 rnngrad 核验：列出它报告的"
                  "诊断代码，以及单个元素的最大相对误差和它所在的量。"))
    return Table(TABLE, caption, header, rows, align="lllr", widths=(0.42, 0.24, 0.12, 0.12))


def blocks():
    """(blocks, results for results.json)."""
    c = case()
    results = checked(c)
    seed_part, seed_results = seed_blocks()
    named = sum(r["diagnosis"] == [r["expected"]] for r in results)
    out = [Para(tr("The derivation also checks a gradient computed by someone else. rnngrad "
                   "compares each supplied entry with the derived one and, when they differ, "
                   "with the gradient that each well-known mistake produces. ",
                   "推导同样可以核验别人算出的梯度。rnngrad 把提供的每个元素与推导出的值比较，"
                   "若不一致，再与每种常见错误所产生的梯度比较。"), Ref(TABLE),
                tr(" makes each mistake on the example of ", "在 "), Ref("sec:vector"),
                tr(" and checks the result: of ", " 的示例上逐一犯下这些错误并核验结果："),
                str(len(results)), tr(" mistakes, ", " 个错误中，"), str(named),
                tr(" are named by exactly their own code.", " 个恰好被诊断为它自己的代码。")),
           mistakes_table(results), *seed_part, *usage()]
    stored = [{k: v for k, v in r.items() if k != "text"} for r in results]
    return out, {"grads_check_mistakes": stored, "grads_check_seed": seed_results}


def usage():
    """Two sentences on ``rnngrad exercise`` and ``rnngrad check --grads``."""
    return (Para(tr("To practise, ", "练习时，"),
                 Code("rnngrad exercise --cell elman --hidden 3 --steps 4 --out ex"),
                 tr(" writes a random case (", " 会写出一个随机算例（"), Code("ex/case.json"),
                 tr("), a task sheet and an answer template ", "）、一份题目和一个答案模板 "),
                 Code("ex/answer.json"),
                 tr(" with the right names and shapes; fill in your gradients there. Then ",
                    "，其中的名称和形状都已给定；把你算出的梯度填进去。然后运行 "),
                 Code("rnngrad check ex/case.json --grads ex/answer.json"),
                 tr(" compares them with the derived ones entry by entry, names the mistake "
                    "when one matches, and exits with status 1 when a gradient is wrong.",
                    "，它会逐个元素与推导出的梯度比较，若某种错误与之吻合就指出它，"
                    "梯度有误时以状态码 1 退出。")),)


def build(ctx):
    """(Section, results for results.json)."""
    body, results = blocks()
    learn = (tr("How rnngrad checks a gradient that you computed yourself, and how it names the "
                "mistake when the gradient is wrong.",
                "rnngrad 如何核验你自己算出的梯度，以及梯度有误时它如何指出是哪种错误。"),)
    takeaway = (tr("A wrong gradient is compared with the gradient of every well-known mistake, "
                   "each computed from the derivation; the one that matches names the bug.",
                   "有误的梯度会与每种常见错误的梯度比较，而这些梯度都由推导算出；与之吻合的那一种"
                   "就指出了错误所在。"),)
    return Section(LABEL, TITLE, learn, tuple(body), takeaway), results
