"""Section 'sec:audit': the claims of the two source articles, quoted, recomputed and judged;
the first article's program, its defects by line number, and what the corrected program shows
(``audit_program``: the back-propagated error ‖δ_k‖, whose per-step decay the bound γ_φ‖W_hh‖₂
limits, and the contributions ‖δ_k h_{k−1}ᵀ‖ to ∂L/∂W_hh, which also carry ‖h_{k−1}‖).
"""

import math
from collections import Counter

import sympy as sp

from reports.doc import (
    Cite,
    Display,
    Heading,
    Items,
    Math,
    Para,
    Ref,
    Section,
    Table,
    Text,
    num,
    tr,
)
from reports.notes.audit_claims import CORRECT, IMPRECISE, WRONG, Claim, claims, exact_powers
from reports.notes.audit_defects import defect_items, defect_lines
from reports.notes.audit_program import SEED_NAMES, SEEDS, corrected_program

LABEL = "sec:audit"
TITLE = tr("The source articles, audited", "原文审校")
WIDTHS = (0.08, 0.34, 0.18, 0.29)
COUNT_WORDS = {6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def plain(parts, lang="en"):
    """Inline parts as plain text (for results.json)."""
    out = []
    for part in parts if isinstance(parts, tuple) else (parts,):
        if isinstance(part, Text):
            out.append(part(lang))
        elif isinstance(part, Math):
            out.append(" ".join(sp.sstr(part.expr).split()))
        elif isinstance(part, Ref):
            out.append(part.label)
        elif isinstance(part, tuple):
            out.append(plain(part, lang))
        else:
            out.append(str(part))
    return "".join(out)


ROWS_PER_TABLE = 4   # the most claims one table holds and still fits an a4 or a letter page


def table_labels(label, count):
    """The labels of an article's ``count`` claims tables: label, label-continued,
    label-continued-2, ..."""
    tables = -(-count // ROWS_PER_TABLE)
    return [label] + [f"{label}-continued" + (f"-{i}" if i > 1 else "") for i in range(1, tables)]


def claim_tables(label, article, items):
    """One article's claims as numbered tables of at most ``ROWS_PER_TABLE`` rows, their sizes
    differing by at most one (``table_labels``); each continues the one before."""
    labels = table_labels(label, len(items))
    size, extra = divmod(len(items), len(labels))
    ends = [(i + 1) * size + min(i + 1, extra) for i in range(len(labels))]
    return tuple(claim_table(name, article, items[end - size - (i < extra):end],
                             continued=labels[i - 1] if i else None)
                 for i, (name, end) in enumerate(zip(labels, ends, strict=True)))


def table_refs(label, count):
    """"Table 1, Table 2 and Table 3": references to an article's claims tables."""
    refs = [Ref(name) for name in table_labels(label, count)]
    parts = [refs[0]]
    for i, ref in enumerate(refs[1:], start=2):
        parts += [tr(" and ", " 与 ") if i == len(refs) else tr(", ", "、"), ref]
    return tuple(parts)


def claim_table(label, article, items, continued=None):
    """Claims of one article as a numbered table (``continued``: the label of the table this
    one continues)."""
    caption = (tr("Claims of the ", "对"), tr(*article), tr(" source article ", "篇原文"),
               Cite(items[0].article),
               tr(", quoted in translation, with the section of the article where each appears, "
                  "the value recomputed by SymPy and the verdict. Read the last column for the "
                  "reason behind each verdict.",
                  "中论断的审校：原文章节、引文（原文）、SymPy 重新计算的结果与结论。"
                  "最后一列给出每个结论的理由。"))
    if continued:
        caption = (tr("Claims of the ", "对"), tr(*article), tr(" source article ", "篇原文"),
                   Cite(items[0].article), tr(", continued from ", "中论断的审校（续"),
                   Ref(continued), tr(".", "）。"))
    header = (tr("Sec.", "章节"), tr("Claim (quoted)", "论断（引文）"),
              tr("Recomputed", "重新计算"), tr("Verdict and reason", "结论与理由"))
    rows = tuple((c.where, c.quote, c.recomputed, (c.verdict, tr(": ", "："), *c.reason))
                 for c in items)
    return Table(label, caption, header, rows, align="llll", widths=WIDTHS)


def wrong_number():
    """The heading and paragraphs on 1.5^100."""
    _, three_halves = exact_powers()
    exact = sp.Rational(3, 2) ** 100
    return (
        Heading(tr("The one wrong number", "一个错误的数")),
        Para(tr("The second article writes ", "第二篇原文写道 "),
             Math(sp.Pow(sp.Float(1.5, 2), 100, evaluate=False)), tr(" as about ", " 约为 "),
             num(2.4e17, 2), tr(". SymPy computes it exactly:", "。SymPy 精确计算得：")),
        Display(sp.Eq(sp.Pow(sp.Rational(3, 2), 100, evaluate=False), exact, evaluate=False)),
        Para(tr("that is ", "即 "), num(three_halves, 6),
             tr("; its base-10 logarithm is ", "；其常用对数为 "),
             num(float(100 * sp.log(sp.Rational(3, 2), 10)), 6),
             tr(". The claim's conclusion, explosion, stands; only the number is off.",
                "。原文的结论（梯度爆炸）成立，只是数值有误。")))


def quantity_result(quantity):
    """One recomputed quantity for results.json: its name (both languages), unit, the exact
    SymPy object as a string, and its float where it is a finite number (else null and a note)."""
    exact = sp.sympify(quantity.exact)
    out = {"name": plain(quantity.name), "name_zh": plain(quantity.name, "zh"),
           "unit": plain(quantity.unit), "exact": " ".join(sp.sstr(exact).split())}
    if exact.free_symbols:
        return {**out, "float": None, "float_note": "symbolic: depends on "
                + ", ".join(sorted(str(s) for s in exact.free_symbols))}
    value = complex(sp.N(exact, 30))
    if value.imag or not math.isfinite(value.real):
        return {**out, "float": None, "float_note": "not a finite real number"}
    return {**out, "float": value.real}


def claim_results(items):
    """The claims for results.json: the quote, the verdict and its reason (the correction), and
    the quantities recomputed; ``value`` is the float of the first finite one (or null)."""
    out = []
    for c in items:
        quantities = [quantity_result(q) for q in c.quantities]
        value = next((q["float"] for q in quantities if q["float"] is not None), None)
        out.append({"article": c.article, "where": plain(c.where), "claim": plain(c.quote),
                    "claimed": c.claimed, "recomputed": plain(c.recomputed),
                    "quantities": quantities, "value": value, "verdict": plain(c.verdict),
                    "reason": plain(c.reason)})
    return out


def tally(items):
    """The verdicts counted: "of N claims, a are correct, b hold only in part, c are imprecise
    and d are wrong" (counted from the claims' verdicts, never typed)."""
    words = {plain(v): v for v in (CORRECT, IMPRECISE, WRONG)}
    counts = Counter(plain(c.verdict) if plain(c.verdict) in words else "part" for c in items)
    parts = (("correct", ("is", "are"), " correct, ", " 条正确，"),
             ("part", ("holds", "hold"), " only in part, ", " 条只部分成立，"),
             ("imprecise", ("is", "are"), " imprecise and ", " 条不严谨，"),
             ("wrong", ("is", "are"), " wrong.", " 条错误。"))
    out = [tr(f"of the {len(items)} claims, ", f"在 {len(items)} 条论断中，")]
    for key, verbs, en, zh in parts:
        out += [str(counts[key]), tr(f" {verbs[counts[key] != 1]}{en}", zh)]
    return tuple(out)


def build(ctx):
    """(Section, results for results.json)."""
    everything = claims()
    two = [c for c in everything if c.article == "seed003"]
    one = [c for c in everything if c.article == "seed000"]
    figure, decay, numbers = corrected_program(ctx)
    blocks = (
        Para(tr("These notes grew out of two articles in Chinese: the first source article ",
                "本讲义源于两篇中文文章：第一篇原文"), Cite("seed000"),
             tr(" and the second ", "和第二篇原文"), Cite("seed003"),
             tr(". Here their main mathematical statements are quoted, recomputed and judged: ",
                "。本节引用两文中主要的数学论断，重新计算并给出判断："), *tally(everything),
             tr(" The mistakes are instructive, because students make the same ones.",
                "错误之处很有启发性，因为学生常犯同样的错误。")),
        Heading(tr("The second article", "第二篇原文")),
        Para(*table_refs("tab:audit-two", len(two)),
             tr(" list the claims of the second article in the order of its sections.",
                " 按原文章节顺序列出了第二篇原文的论断。")),
        *claim_tables("tab:audit-two", ("second", "第二"), two),
        *wrong_number(),
        Para(tr("The second article ends with a question for the reader, which ",
                "第二篇原文以一个留给读者的问题结尾（"), Ref("sec:relu"),
             tr(" answers: ", "给出了解答）："),
             tr('"Consider an RNN that uses ReLU (...) as its activation function. Analyse how '
                'vanishing and exploding gradients show up in this case. Compared with an RNN '
                'that uses tanh, what is fundamentally different about its behaviour?"',
                "“考虑一个使用ReLU（……）作为激活函数的RNN。请分析在这种情况下，梯度消失和梯度爆炸"
                "问题会如何表现？与使用 tanh 的RNN相比，其特性有何根本不同？”")),
        Heading(tr("The first article", "第一篇原文")),
        Para(*table_refs("tab:audit-one", len(one)),
             tr(" list the claims of the first article.", " 列出了第一篇原文的论断。")),
        *claim_tables("tab:audit-one", ("first", "第一"), one),
        Heading(tr("The first article's program", "第一篇原文的程序")),
        Para(tr("The program of the first article is printed in full in ",
                "第一篇原文的程序全文见"),
             Ref("lst:seed-listing"),
             tr(f". It has {COUNT_WORDS[len(defect_lines())]} defects; the line numbers refer "
                "to ", f"。它有 {len(defect_lines())} 处缺陷；行号均指"),
             Ref("lst:seed-listing"), tr(".", "。")),
        Items(defect_items(), ordered=True),
        decay, figure,
    )
    section = Section(
        LABEL, TITLE,
        (tr("Which statements of the two source articles hold, which do not and why, and what "
            "their program computes once corrected.", "两篇原文中哪些论断成立、哪些不成立以及原因，"
            "以及原文程序修正后算出的结果。"),),
        blocks,
        (tr("Among the errors: a bound per step written as a bound over t steps, ReLU given as "
            "an example of a derivative above 1 although by the article's own values it never "
            "exceeds 1, the largest singular value said to decide what only the spectral "
            "radius decides, one wrong power, and a program that cannot run.",
            "错误包括：把单步的界写成了 t 步的界；把 ReLU 当作导数大于 1 的例子，而按原文自己给出"
            "的值它从不大于 1；说最大奇异值起决定作用，而起决定作用的只有谱半径；一个算错的幂；"
            "以及一段无法运行的程序。"),))
    return section, {"audit": claim_results(everything), "audit_defect_lines": defect_lines(),
                     **numbers}


__all__ = ["SEEDS", "SEED_NAMES", "Claim", "build", "claims", "corrected_program"]
