"""Derivation documents (``derive.Derivation.document``) built by real TeX: no line may run
past the margin.

Each test builds one PDF holding several derivations (one per n and T, or the expanded ones)
and reads TeX's log: any overfull box wider than 1 pt fails (before line breaking,
``--expanded`` for n = 2, T = 4 had one line 10,456 pt too wide)."""

import pytest
import sympy as sp

import derive
from reports.files import build_pdf, overfull_boxes

TOLERANCE_PT = 1.0


def _too_wide(log_path):
    return [w for w in overfull_boxes(log_path.read_text(encoding="utf-8", errors="replace"))
            if w > TOLERANCE_PT]


def _overfull(derivations, tmp_path):
    first, *rest = derivations
    tex = first.document().replace(r"\end{document}",
                                   "".join(d.to_latex() for d in rest) + r"\end{document}")
    log = tmp_path / "document.log"
    build_pdf(tex, tmp_path / "document.pdf", log_path=log)
    return _too_wide(log)


@pytest.mark.parametrize("name", derive.activation_names())
def test_derivation_documents_have_no_overfull_lines(name, tmp_path):
    derivations = [derive.derivation(derive.RNN(n, activation=name), T)
                   for n in (1, 2, 3, 7) for T in (1, 3, 10)]
    assert _overfull(derivations, tmp_path) == []


def test_expanded_derivation_documents_have_no_overfull_lines(tmp_path):
    derivations = [derive.derivation(derive.RNN(n, activation=name), T, expanded=True)
                   for name, n, T in (("tanh", 2, 4), ("tanh", 1, 6), ("relu", 2, 4),
                                      ("gelu", 1, 6), ("softsign", 2, 3))]
    assert _overfull(derivations, tmp_path) == []


def test_overfull_check_sees_a_line_that_is_too_wide(tmp_path):
    """The check itself: an unbroken sum of 120 terms is reported (so a pass means something)."""
    wide = derive.Derivation("wide", (derive.Step(sp.Eq(sp.Symbol("s"), sp.Add(
        *sp.symbols("x_1:120")), evaluate=False), "unbroken"),))
    tex = wide.document().replace(wide.to_latex(), wide.to_latex(text_width=float("inf")))
    log = tmp_path / "document.log"
    build_pdf(tex, tmp_path / "document.pdf", log_path=log)
    assert max(overfull_boxes(log.read_text(encoding="utf-8", errors="replace"))) > 1000
