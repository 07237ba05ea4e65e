"""Notebook displays: the HTML and Markdown tables of check reports and sweeps carry the
objects' own values (parsed back and compared), escape HTML, say n/a and why where a check
was not performed; Derivation._repr_latex_ is LaTeX MathJax accepts (no \\tag in aligned, no
text-mode macros inside \\text)."""

import math
import re
from html.parser import HTMLParser

import numpy as np
import sympy as sp

import derive
import numeric
from derive import Derivation, Step


class Cells(HTMLParser):
    """Text of every <th>/<td> (entities decoded) by row, and the caption."""

    def __init__(self, markup):
        super().__init__()
        self.rows, self.caption, self._in = [], "", None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th", "caption"):
            self._in = tag
            if tag != "caption":
                self.rows[-1].append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "caption":
            self.caption += data
        elif self._in:
            self.rows[-1][-1] += data


def report(**changes):
    fields = dict(method="central", step=2.0**-18, max_abs_error=1.234567e-11,
                  max_rel_error=9.87654e-10, tolerance=1e-7, passed=True, note="")
    return numeric.CheckReport(**{**fields, **changes})


def test_check_report_html_holds_its_fields():
    r = report()
    (header, row) = Cells(r._repr_html_()).rows
    assert header[:2] == ["method", "verdict"] and row[:2] == ["central", "pass"]
    values = dict(zip(header, row, strict=True))
    for key, field in (("max abs error", r.max_abs_error), ("max rel error", r.max_rel_error),
                       ("tolerance", r.tolerance), ("step", r.step)):
        assert math.isclose(float(values[key]), field, rel_tol=5e-3), key


def test_not_performed_says_na_and_why():
    why = "not performed: every quantity lies near or below float64's underflow"
    r = report(method="mpmath", step=None, max_abs_error=None, max_rel_error=None,
               passed=None, note=why)
    (_, row) = Cells(r._repr_html_()).rows
    assert row == ["mpmath", "n/a", "n/a", "n/a", "1e-07", "n/a", why]
    assert "| mpmath | n/a | n/a | n/a |" in r._repr_markdown_()


def test_html_and_markdown_escape():
    r = report(method="<b>x</b>", note="a < b & c | d")
    markup = r._repr_html_()
    assert "<b>" not in markup and "&lt;b&gt;x&lt;/b&gt;" in markup
    assert Cells(markup).rows[1][-1] == "a < b & c | d"
    assert "a &lt; b &amp; c \\| d" in r._repr_markdown_()


def test_check_table_is_the_dict_and_shows_every_method():
    case = numeric.case_from_dict({"activation": "relu", "W_hh": [[0.5, 0.2], [-0.1, 0.8]],
                                   "W_xh": [[1.0], [0.3]], "x": [[0.4], [0.1]]})
    checks = numeric.run_checks(case)
    table = numeric.check_table(checks)
    assert table == checks and list(table) == list(checks)
    cells = Cells(table._repr_html_())
    shown = {row[0]: row[1] for row in cells.rows[1:]}
    expected = {m: {True: "pass", False: "FAIL", None: "n/a"}[r.passed]
                for m, r in checks.items()}
    assert shown == expected and shown["complex_step"] == "n/a"  # relu: not analytic
    assert "pass overall" in cells.caption
    assert checks["complex_step"].note in table._repr_html_()


def test_check_table_fails_overall_when_one_fails():
    table = numeric.check_table({"central": report(), "richardson": report(passed=False)})
    assert table.passed is False and "FAIL overall" in Cells(table._repr_html_()).caption


def test_scalar_sweep_table_values_against_closed_form():
    """h_0 = 0, x = 0 is a fixed point of tanh: log10|∂h_T/∂h_0| = T log10|w| exactly."""
    w, T = np.array([0.1, 20.0]), np.array([3, 40])
    sweep = numeric.scalar_sweep("tanh", w, T)
    cells = Cells(sweep._repr_html_())
    assert cells.rows[0] == ["w", "T = 3", "T = 40"]
    for row, w_i in zip(cells.rows[1:], w, strict=True):
        assert float(row[0]) == w_i
        for cell, t in zip(row[1:], T, strict=True):
            value, regime = re.fullmatch(r"(\S+?)~? \((\w+)\)", cell).groups()
            assert abs(float(value) - t * math.log10(w_i)) <= 0.005
            assert regime == ("vanishing" if t * math.log10(w_i) <= -1 else "exploding")
    assert "h_0 = 0" in cells.caption and "tanh" in cells.caption
    # |w| = 20 > 1: the fixed point 0 is unstable, a few roundings leave it by T = 40
    assert [row[2].endswith("~ (exploding)") for row in cells.rows[1:]] == [False, True]


def test_long_sweeps_are_subsampled_with_first_and_last():
    sweep = numeric.scalar_sweep("identity", np.linspace(0.5, 1.5, 30), np.arange(1, 51))
    rows = Cells(sweep._repr_html_()).rows
    assert len(rows) == 13 and len(rows[0]) == 13
    assert rows[1][0] == "0.5" and rows[-1][0] == "1.5" and rows[0][-1] == "T = 50"
    assert "12 of 30 rows, 12 of 50 lengths shown" in sweep._repr_markdown_()


def test_gain_and_cell_sweep_tables():
    gains = numeric.gain_sweep(np.eye(2), [0.5, 2.0], [10], activation="identity")
    rows = Cells(gains._repr_html_()).rows
    assert rows[1] == ["0.5", "-3.01 (vanishing)"] and rows[2] == ["2", "3.01 (exploding)"]
    cell = numeric.forget_bias_sweep([0.0, 3.0], [1, 50], hidden=2, seed=0)
    rows = Cells(cell._repr_html_()).rows
    assert rows[0] == ["b_f", "T = 1", "T = 50"]
    for row, values in zip(rows[1:], cell.log10_norm, strict=True):
        assert [float(c.split()[0]) for c in row[1:]] == [round(v, 2) for v in values]


def test_derivation_latex_for_mathjax():
    d = Derivation("A & B", (Step(sp.Eq(sp.Symbol("x"), 1), *derive.reason(
        "50% of ", sp.Symbol("g_k"), " {x_1}")),))
    shown = d._repr_latex_()
    assert shown == ("$$\\begin{aligned}\n&\\textbf{A }\\&\\textbf{ B} \\\\\n"
                     "&\\text{(1) 50}\\%\\text{ of }g_{k}\\text{ }\\{\\text{x}\\_\\text{1}\\} "
                     "\\\\\nx &= 1\n\\end{aligned}$$")
    texts = re.findall(r"\\text(?:bf)?\{([^{}]*)\}", shown)
    assert all("\\" not in t and "$" not in t for t in texts)


def test_long_derivation_in_blocks_mathjax_can_take():
    """MathJax refuses an input over its 5 KiB buffer once it expands a macro: the LSTM's
    derivation comes in several $$…$$ blocks, each under that, with every step in order."""
    lstm = derive.derivation(derive.cell("lstm", 2), 2)
    blocks = re.findall(r"\$\$(.*?)\$\$", lstm._repr_latex_(), re.S)
    assert len(blocks) >= 2 and all(len(b) < 5 * 1024 for b in blocks)
    assert all(b.startswith("\\begin{aligned}") and b.endswith("\\end{aligned}") for b in blocks)
    numbers = [int(n) for n in re.findall(r"\\text\{\((\d+)\) ", "".join(blocks))]
    assert numbers == list(range(1, len(lstm.steps) + 1))
