"""The first three sections of the notes (the question, the scalar case, the worked T = 2
example), checked against independent computations: Python's Fraction and float powers, a
hand-written math.tanh loop with its own backward pass, a central finite difference; the
notation table; both languages; and a real TeX build of the three sections."""

import math
import re
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

from derive import to_latex
from reports import doc, doc_walk
from reports.notes import Context, notation, question, scalar, worked
from tests.notes_checks import CJK, assert_languages, build_pdf

SECTIONS = (question, scalar, worked)
# the worked case, typed again here: w, u, b, h_0, x_1, x_2, y
W, U, B, H0, XS, Y = 0.8, 1.0, 0.0, 0.1, (0.5, -0.3), 0.4


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    figure_dir = tmp_path_factory.mktemp("notes") / "figures"
    figure_dir.mkdir()
    ctx = Context(figure_dir)
    sections, results = [], {}
    for module in SECTIONS:
        section, numbers = module.build(ctx)
        sections.append(section)
        assert not set(numbers) & set(results)
        results.update(numbers)
    return ctx, tuple(sections), results


def hand_case(w=W):
    """Forward and backward by hand with math.tanh: (a, h, loss, dL/dw, the two terms)."""
    h, a = [H0], []
    for x in XS:
        a.append(w * h[-1] + U * x + B)
        h.append(math.tanh(a[-1]))
    loss = 0.5 * (h[2] - Y) ** 2
    delta2 = (h[2] - Y) * (1 - h[2] ** 2)
    delta1 = delta2 * w * (1 - h[1] ** 2)
    return a, h, loss, delta2 * h[1] + delta1 * h[0], (delta2 * h[1], delta1 * h[0])


def test_w_power_table_matches_fraction_powers(built):
    _, _, results = built
    table = results["scalar_w_pow_100"]
    for w, regime in ((Fraction(1, 2), "vanishing"), (Fraction(1), "stable"),
                      (Fraction(3, 2), "exploding")):
        row = table[str(w)]
        assert Fraction(row["exact"]) == w ** 100
        assert row["decimal"] == pytest.approx(float(w) ** 100, rel=1e-15)
        assert row["regime"] == regime
    assert table["1/2"]["decimal"] == pytest.approx(7.888609052210118e-31, rel=1e-15)


def test_w_power_table_prints_the_decimals(built):
    _, sections, _ = built
    table = next(b for b in sections[1].blocks if isinstance(b, doc.Table))
    printed = [float(row[2].expr) for row in table.rows]
    for value, w in zip(printed, (0.5, 1.0, 1.5), strict=True):
        assert value == pytest.approx(w ** 100, rel=1e-5)   # 6 significant digits


def test_figure_ends_match_a_float_loop(built):
    """log10|∂h_T/∂h_0| at T = 200: identity w^200; tanh by a hand loop of w (1 − h_k²)."""
    _, _, results = built
    ends = results["scalar_log10_grad_T200"]
    assert ends["identity"]["1.5"] == pytest.approx(200 * math.log10(1.5), rel=1e-12)
    h, log_grad = 0.0, 0.0
    for _ in range(200):
        h = math.tanh(1.5 * h + 0.1)
        log_grad += math.log10(1.5 * (1 - h * h))
    assert ends["tanh"]["1.5"] == pytest.approx(log_grad, rel=1e-9)
    assert ends["tanh"]["1.5"] < -100   # the tanh line bends down: it vanishes


def test_worked_forward_pass_matches_a_tanh_loop(built):
    _, _, results = built
    a, h, loss, _, _ = hand_case()
    assert results["worked_a_1"] == pytest.approx(a[0], rel=1e-14)
    assert results["worked_a_2"] == pytest.approx(a[1], rel=1e-14)
    assert results["worked_h_1"] == pytest.approx(h[1], rel=1e-14)
    assert results["worked_h_2"] == pytest.approx(h[2], rel=1e-14)
    assert results["worked_L"] == pytest.approx(loss, rel=1e-13)


def test_worked_gradient_matches_hand_backward_and_finite_difference(built):
    _, _, results = built
    _, _, _, gradient, (direct, path) = hand_case()
    assert results["worked_term_2"] == pytest.approx(direct, rel=1e-13)
    assert results["worked_term_1"] == pytest.approx(path, rel=1e-13)
    assert results["worked_dL_dw"] == pytest.approx(gradient, rel=1e-13)
    eps = 1e-6
    fd = (hand_case(W + eps)[2] - hand_case(W - eps)[2]) / (2 * eps)
    assert results["worked_dL_dw"] == pytest.approx(fd, rel=1e-7)
    check = results["worked_check"]
    assert check["gap"] < 1e-25 and check["fd_rel"] < 1e-9
    assert results["worked_seed000_gradient"] == pytest.approx(2 * gradient, rel=1e-13)
    assert results["worked_seed000_gap"] < 1e-25


def test_notation_table_lists_every_symbol(built):
    _, sections, _ = built
    table = next(b for b in sections[0].blocks
                 if isinstance(b, doc.Table) and b.label == "tab:notation")
    shown = {to_latex(row[0].expr) for row in table.rows}
    wanted = {"h_{k}", "x_{k}", "a_{k}", "W_{hh}", "W_{xh}", "b_{h}", r"\gamma_{\varphi}",
              "J_{k}", "D_{k}", r"\frac{\partial h_{T}}{\partial h_{0}}", r"\left\| A \right\|_{2}",
              r"\sigma_{max}{\left(A \right)}", r"\rho{\left(A \right)}", "T", "n", "m", "L",
              r"\delta_{k}", "g_{k}", r"\operatorname{diag}\left(v\right)", r"A^{\top}",
              "i", "j", "f", "g", "o", "c", "r", "z", "w", "u", "y", "b", r"\theta", "P_{T}",
              r"\epsilon_{k}", r"\delta_{i j}", "T_{r}", "J", r"\left( \mu, \  M\right)",
              r"\varphi'\left(z\right)", r"\sigma{\left(z \right)}"}
    assert wanted <= shown, wanted - shown
    assert any(s.startswith(r"\varphi{") for s in shown)
    assert r"u \circ v" not in shown   # the Hadamard product is used nowhere
    for row in table.rows:   # every symbol has a meaning in both languages
        meaning = [p for p in doc_walk.inline_parts(row[1]) if isinstance(p, doc.Text)]
        assert "".join(t.en for t in meaning).strip() and "".join(t.zh for t in meaning).strip()


def test_every_formula_symbol_is_in_the_notation_table(built):
    """Each base letter of a symbol in these sections' formulas (h_{k-1} → h) has a row."""
    _, sections, _ = built
    for section in sections:
        assert notation.unlisted(section) == set(), section.label


def test_transpose_and_power_never_look_alike(built):
    """The notation says a superscript T is a power; the printer writes the transpose as ⊤."""
    W = sp.MatrixSymbol("W_hh", 2, 2)
    assert to_latex(W.T) == r"W_{hh}^{\top}"
    assert to_latex(sp.MatPow(W, sp.Symbol("T"), evaluate=False)) == r"\left(W_{hh}\right)^{T}"


def test_question_constants_chained_and_gradient_ordered(built):
    _, sections, _ = built
    display = next(b for b in sections[0].blocks if isinstance(b, doc.Display))
    assert to_latex(display.exprs[0]) == (r"\mu \leq \left\| \frac{\partial h_{T}}"
                                          r"{\partial h_{0}} \right\|_{2} \leq M")
    steps = [s for b in sections[0].blocks if isinstance(b, doc.Steps) for s in b.steps]
    assert any(to_latex(s.relation) == "g_{T} = h_{T} - y" for s in steps)


def test_both_languages_and_ascii_english(built):
    """learn, take-away and captions in both languages, every English text ASCII (so no CJK),
    and no derivation reason in CJK."""
    _, sections, _ = built
    for section in sections:
        assert_languages(section)
        for block in section.blocks:
            if isinstance(block, doc.Steps):
                assert all(not CJK.search(step.reason) for step in block.steps)


def test_figure_is_drawn_at_printed_size(built):
    ctx, _, _ = built
    pdf = next(p for p in ctx.written if p.endswith("gradient_vs_T.pdf"))
    box = re.search(rb"/MediaBox \[ ?0 0 ([0-9.]+) ([0-9.]+) ?\]", Path(pdf).read_bytes())
    assert float(box.group(1)) / 72 <= 6.3


def test_three_sections_build_without_overfull_boxes(built, tmp_path):
    """pdflatex builds the three sections (a stub for sec:saturation, which the scalar
    section refers to) with no overfull box wider than 1 pt."""
    ctx, sections, _ = built
    refs = {p.label for s in sections for p in doc_walk.section_parts(s) if isinstance(p, doc.Ref)}
    assert "sec:saturation" in refs
    assert [w for w in build_pdf(sections, tmp_path, ctx.figure_dir) if w > 1.0] == []


def ends_with_colon_before_float(section):
    """The paragraphs that end with a colon right before a table or figure (the float may move
    away, leaving the colon pointing at nothing)."""
    blocks = section.blocks
    bad = []
    for before, block in zip(blocks, blocks[1:], strict=False):
        if isinstance(block, doc.Table | doc.Figure) and isinstance(before, doc.Para):
            last = before.parts[-1]
            text = last.en if isinstance(last, doc.Text) else str(last)
            if text.rstrip().endswith(":"):
                bad.append(text)
    return bad


def test_no_colon_before_a_float(built):
    _, sections, _ = built
    for section in sections:
        assert ends_with_colon_before_float(section) == [], section.label


def test_worked_tables_readable(built):
    """Table 3 gives the loss in terms of h_2 (no four-level fraction); Table 4 labels its
    derivatives in words, never as inline ∂ fractions."""
    _, sections, _ = built
    tables = {b.label: b for b in sections[2].blocks if isinstance(b, doc.Table)}
    loss_row = tables["tab:worked-forward"].rows[-1]
    assert to_latex(loss_row[2].expr) == r"\frac{\left(h_{2} - \frac{2}{5}\right)^{2}}{2}"
    for row in tables["tab:worked-backward"].rows:
        assert not any(isinstance(p, doc.Math) and p.expr.has(sp.Derivative)
                       for p in doc_walk.inline_parts(row[0]))


def test_no_relation_collapsed_to_true_or_false(built):
    """A relation SymPy evaluated (0 < μ with μ positive is True) prints as 'True'."""
    _, sections, _ = built
    for section in sections:
        for part in doc_walk.section_parts(section):
            if isinstance(part, doc.Math):
                assert part.expr not in (sp.true, sp.false), section.label
