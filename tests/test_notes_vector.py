"""The notes' section 'sec:vector': every number it prints checked against an independent
computation (mpmath maximisation, hand-written NumPy loops); and for 'sec:vector',
'sec:saturation' and 'sec:relu' together: both languages present, no CJK in the English text,
every formula symbol in the notation table, and a TeX build without overfull boxes.  The
saturation and ReLU numbers: tests/test_notes_saturation_relu.py."""

import dataclasses
import math
import unicodedata

import mpmath
import numpy as np
import pytest
import sympy as sp

import derive
from reports import doc, doc_walk, files
from reports.notes import notation, relu, saturation, vector, vector_example
from reports.references import REFERENCES
from reports.render_tex import render_tex
from tests.notes_checks import CJK

MODULES = (vector, saturation, relu)


@pytest.fixture
def built(vector_notes):
    return vector_notes


def texts(section):
    """Every ``Text`` in the section: learn, blocks (captions, cells, emphasis), take-away."""
    parts = list(doc_walk.section_parts(section)) + [section.title]
    parts += [block.title for block in section.blocks if isinstance(block, doc.Heading)]
    return [part for part in parts if isinstance(part, doc.Text)]


# ---- sec:vector -------------------------------------------------------------------------

def mp_gain(dphi, lo=-6, hi=6):
    """max |phi'(z)| with mpmath at 30 digits: a grid of step 1e-2 on [lo, hi] (the supremum is
    attained inside), then a grid of step 1e-5 around the best point."""
    with mpmath.workdps(30):
        def best(points):
            return max(points, key=lambda z: abs(dphi(z)))
        coarse = best([mpmath.mpf(i) / 100 for i in range(lo * 100, hi * 100 + 1)])
        fine = best([coarse + mpmath.mpf(i) / 10**5 for i in range(-1000, 1001)])
        return abs(dphi(fine))


def _sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


ORACLES = {  # φ' written by hand
    "tanh": lambda z: mpmath.sech(z) ** 2,
    "sigmoid": lambda z: _sigmoid(z) * (1 - _sigmoid(z)),
    "softsign": lambda z: 1 / (1 + abs(z)) ** 2,
    "gelu": lambda z: mpmath.ncdf(z) + z * mpmath.npdf(z),
    "silu": lambda z: _sigmoid(z) * (1 + z * (1 - _sigmoid(z))),
}


@pytest.mark.parametrize("name", sorted(ORACLES))
def test_vector_gamma_matches_mpmath_grid_maximum(built, name):
    """The fine grid's maximum is within h^2 max|phi'''|/8 < 1e-10 of the supremum
    (h = 1e-5): tolerance 1e-9."""
    gamma = built[3]["gamma"][name]["decimal"]
    assert gamma == pytest.approx(float(mp_gain(ORACLES[name])), rel=1e-9)


def test_vector_gamma_table_lists_every_activation(built):
    table = next(b for b in built[2]["sec:vector"].blocks if isinstance(b, doc.Table)
                 and b.label == "tab:gamma")
    names = [row[0] if isinstance(row[0], str) else row[0][0].rstrip(", ") for row in table.rows]
    assert names == [n.replace("_", " ") for n in derive.activation_names()]
    assert set(built[3]["gamma"]) == set(derive.activation_names())
    assert built[3]["gamma"]["gelu"]["decimal"] > 1 and built[3]["gamma"]["silu"]["decimal"] > 1


def hand_product(case):
    """∂h_3/∂h_0 = J_3 J_2 J_1 with J_k = diag(1 − tanh²(a_k)) W_hh, by a plain loop."""
    W, U = np.array(case["W_hh"]), np.array(case["W_xh"])
    b, h = np.array(case["b_h"]), np.array(case["h0"])
    P = np.eye(2)
    for x in case["x"]:
        a = W @ h + U @ np.array(x) + b
        P = np.diag(1 - np.tanh(a) ** 2) @ W @ P
        h = np.tanh(a)
    return P


def test_vector_example_product_matches_hand_loop(built):
    entries = np.array([float(e) for e in built[3]["vector_example_product"]]).reshape(2, 2)
    np.testing.assert_allclose(entries, hand_product(vector_example.CASE), rtol=1e-12, atol=0)


def test_vector_example_checks_pass_and_caption_says_so(built):
    checks = built[3]["vector_example_checks"]
    assert all(check["passed"] for check in checks.values()) and len(checks) == 4
    table = next(b for b in built[2]["sec:vector"].blocks if isinstance(b, doc.Table)
                 and b.label == "tab:vector-checks")
    caption = " ".join(p.en for p in doc_walk.inline_parts(table.caption)
                       if isinstance(p, doc.Text))
    assert "All four checks pass" in caption and "tolerance" in caption


# ---- all three --------------------------------------------------------------------------

@pytest.mark.parametrize("label", [m.LABEL for m in MODULES])
def test_notes_learn_takeaway_both_languages_no_cjk_in_english(built, label):
    section = built[2][label]
    for part in (section.learn, section.takeaway):
        text = [p for p in part if isinstance(p, doc.Text)]
        assert text and all(t.en.strip() and t.zh.strip() for t in text)
    for text in texts(section):
        assert not CJK.search(text.en), text.en
        assert text.zh.strip()


def ascii_references():
    """The bibliography with ASCII text, so this build tests these sections, not the
    escaping of the bibliography (which the renderer's own tests cover)."""
    def plain(text):
        return unicodedata.normalize("NFKD", text.replace("\u2013", "-")).encode(
            "ascii", "ignore").decode()
    return {key: dataclasses.replace(ref, authors=plain(ref.authors), title=plain(ref.title),
                                     venue=plain(ref.venue)) for key, ref in REFERENCES.items()}


def test_notes_tex_builds_without_overfull_boxes(built):
    folder, _, sections, _ = built
    stubs = tuple(doc.Section(label, doc.tr(label, label), (doc.tr("x", "x"),), (),
                              (doc.tr("x", "x"),))
                  for label in ("sec:dynamics", "sec:audit"))
    document = doc.Document(doc.tr("t", "t"), doc.tr("s", "s"),
                            tuple(sections.values()) + stubs, ascii_references())
    log = folder / "notes.log"
    files.build_pdf(render_tex(document), folder / "notes.pdf", assets=folder / "figures",
                    log_path=log)
    boxes = files.overfull_boxes(log.read_text(encoding="utf-8", errors="replace"))
    assert all(width <= 1.0 for width in boxes), boxes


def test_every_formula_symbol_is_in_the_notation_table(built):
    """Each base letter of a symbol in these sections' formulas (a_{k,i} → a) has a row."""
    _, _, sections, _ = built
    for label, section in sections.items():
        assert notation.unlisted(section) == set(), label


def test_gamma_table_states_alpha_and_its_effect(built):
    """Leaky relu and elu: the table names the α it uses; with α = 3 the gain is 3 = max(1, α),
    here from the largest finite-difference slope of the formulas φ(z) = z (z > 0), α z or
    α (eᶻ − 1) (z ≤ 0) on a grid."""
    table = next(b for b in built[2]["sec:vector"].blocks if isinstance(b, doc.Table)
                 and b.label == "tab:gamma")
    shown = {row[0][0].rstrip(", "): row[0][1].expr for row in table.rows
             if not isinstance(row[0], str)}
    assert shown == {"leaky relu": sp.Eq(sp.Symbol("alpha"), sp.Rational(1, 100)),
                     "elu": sp.Eq(sp.Symbol("alpha"), 1)}
    z, alpha = np.linspace(-6, 6, 120001), 3.0
    for name, phi in (("leaky_relu", np.where(z > 0, z, alpha * z)),
                      ("elu", np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0))))):
        slope = np.max(np.abs(np.diff(phi) / np.diff(z)))
        assert float(sp.sympify(built[3]["gamma_alpha_3"][name])) == pytest.approx(slope,
                                                                                    rel=1e-3)


def test_vector_norm_steps_readable_and_right(built):
    """The bound's norms are ‖·‖₂; ‖D_k‖₂ = max_l |φ'(a_{k,l})| (unit index l, time index i);
    the product starts at k = i + 1; the compact 2×2 norm formula equals NumPy's largest
    singular value at random entries."""
    steps = [s for b in built[2]["sec:vector"].blocks if isinstance(b, doc.Steps)
             for s in b.steps]
    tex = [derive.to_latex(s.relation) for s in steps]
    assert r"\left\| D_{k} \right\|_{2} = \max_{l} \left|\varphi'\left(a_{k,l}\right)\right|" in tex
    assert any(r"\prod_{k=i + 1}^{j}" in t for t in tex)
    assert not any(r"\right\| " in t.replace(r"\right\|_{2}", "") for t in tex)
    compact = next(s.relation for s in steps if s.relation.lhs == derive.norm2(vector.W) ** 2)
    squares = next(s.relation for s in steps if s.relation.lhs == vector.SQUARES)
    rng = np.random.default_rng(5)
    for _ in range(5):
        M = rng.normal(size=(2, 2))
        entries = {sp.Symbol(f"w_{i + 1}{j + 1}"): M[i, j] for i in range(2) for j in range(2)}
        by_name = {str(s): v for s, v in entries.items()}
        S = float(squares.rhs.xreplace({s: by_name[str(s)] for s in squares.rhs.free_symbols}))
        det = sp.Float(np.linalg.det(M))
        value = compact.rhs.xreplace({vector.SQUARES: S}).replace(
            lambda e: isinstance(e, sp.Function) and e.func.__name__ == "det",
            lambda e, det=det: det)
        assert math.sqrt(float(value)) == pytest.approx(np.linalg.svd(M)[1][0], rel=1e-12)


def test_no_stacked_matrix_inline(built):
    """Column vectors and matrices are displayed, never set inline in running text."""
    _, _, sections, _ = built
    for label, section in sections.items():
        for block in section.blocks:
            if not isinstance(block, doc.Para):
                continue
            for part in doc_walk.inline_parts(block.parts):
                if isinstance(part, doc.Math) and isinstance(part.expr, sp.Basic):
                    stacked = [m for m in part.expr.atoms(sp.MatrixBase) if m.rows > 1]
                    assert not stacked, (label, part.expr)


def test_no_colon_before_a_float(built):
    """No paragraph ends with a colon right before a table or figure (floats move away)."""
    _, _, sections, _ = built
    for label, section in sections.items():
        blocks = section.blocks
        for before, block in zip(blocks, blocks[1:], strict=False):
            if isinstance(block, doc.Table | doc.Figure) and isinstance(before, doc.Para):
                last = before.parts[-1]
                text = last.en if isinstance(last, doc.Text) else str(last)
                assert not text.rstrip().endswith(":"), (label, text)
