"""Derivations: ordered steps (a SymPy relation and a one-line reason) rendered to LaTeX.

Every formula is printed by ``sympy.latex`` (through ``derive.notation.latex``) from a SymPy
object; the only hand-written TeX is the document frame and the reasons' text.
"""

import json
from dataclasses import dataclass

import sympy as sp
from sympy.printing.str import StrPrinter

from derive.breaking import break_lines, width
from derive.notation import RELATION_OPS
from derive.notation import latex_cached as latex  # printed once per subexpression
from derive.pretty import pretty

TEXT_WIDTH = 470.0  # pt: a little under A4's (483 pt) and letter's (500 pt) with 2 cm margins

_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                 "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                 "^": r"\textasciicircum{}", "<": r"$<$", ">": r"$>$", "|": r"$|$"}


@dataclass(frozen=True)
class Step:
    """One line of a derivation: a SymPy relation (or any SymPy object) and why it holds."""

    relation: sp.Basic
    reason: str
    reason_tex: str | None = None  # the reason with its math in math mode (see ``reason``)
    reason_parts: tuple = ()       # the text and SymPy objects it was made of (``reason``)

    def reason_chunks(self):
        """The reason as ("text", plain text) and ("math", LaTeX) chunks in order: from the
        parts ``reason`` kept, or the plain reason as one text chunk.

        >>> Step(sp.Symbol("x"), *reason("each ", sp.Symbol("g_k"), " is small")).reason_chunks()
        (('text', 'each '), ('math', 'g_{k}'), ('text', ' is small'))
        """
        if not self.reason_parts:
            return (("text", self.reason),) if self.reason else ()
        chunks = []
        for part in self.reason_parts:
            if not isinstance(part, str):
                chunks.append(("math", latex(part)))
            elif chunks and chunks[-1][0] == "text":     # adjacent text parts read as one
                chunks[-1] = ("text", chunks[-1][1] + part)
            elif part:
                chunks.append(("text", part))
        return tuple(chunks)

    def to_latex(self, budget=TEXT_WIDTH):
        """``lhs &op rhs \\tag*{reason}`` for an align* environment (the reason at the right
        margin, moved below the formula by amsmath when the line is too wide).  A right-hand
        side wider than ``budget`` pt is broken over several lines (``break_lines``); a wide
        matrix is set entry by entry; the reason tags the last line."""
        lines = self.lines(budget)
        why = escape_text(self.reason) if self.reason_tex is None else self.reason_tex
        lines[-1] += f" \\tag*{{\\small {why}}}"
        return " \\\\\n".join(lines)

    def formula(self):
        """The relation as one LaTeX formula, unbroken (no alignment mark)."""
        return self.lines(float("inf"))[0].replace("&", "", 1)

    def lhs_width(self):
        """Estimated width in pt of the aligned left-hand side (0 when there is none; room
        for the entry index when a matrix may be set entry by entry)."""
        lhs, _, rhs = self._sides()
        if lhs is None:
            return 0.0
        return width(latex(lhs)) + (30.0 if isinstance(rhs, sp.MatrixBase) else 0.0)

    def lines(self, budget):
        """The align* lines of this step (no tag): ``lhs &op rhs`` then ``&\\quad …``."""
        lhs, op, rhs = self._sides()
        if lhs is None:
            return _continued("&", break_lines(rhs, budget - 12))
        left = latex(lhs)
        if isinstance(rhs, sp.MatrixBase) and width(latex(rhs)) > budget:
            return _entry_lines(left, op, rhs, budget)
        return _continued(f"{left} &{op} ", break_lines(rhs, budget - 12))

    def _sides(self):
        op = RELATION_OPS.get(type(self.relation))
        if op is not None:
            return self.relation.lhs, op, self.relation.rhs
        if isinstance(self.relation, sp.Contains):
            return self.relation.args[0], r"\in", self.relation.args[1]
        return None, None, self.relation


def reason(*parts):
    """A step's reason from text and SymPy objects: (plain text, LaTeX with the objects in math
    mode, the parts themselves), e.g. ``Step(relation, *reason(g, " is ", partial(L, h)))``;
    the parts let other formats (HTML, notebooks) set the math their own way.

    >>> reason("each ", sp.Symbol("g_k"), " is small")[:2]
    ('each gₖ is small', 'each $g_{k}$ is small')
    """
    text = "".join(p if isinstance(p, str) else _inline(p) for p in parts)
    tex = "".join(escape_text(p) if isinstance(p, str) else f"${latex(p)}$" for p in parts)
    return text, tex, tuple(parts)


def _inline(expr):
    """``expr`` on one line for plain text: the Unicode pretty form when it fits on one line
    (k = 1, gₖ), else a linear form (∂L/∂hₖ, Jₖ ∈ ℝ^(n×n), Wₕₕᵀ).

    >>> _inline(sp.Derivative(sp.Symbol("L"), sp.Symbol("h_k")))
    '∂L/∂hₖ'
    """
    shown = pretty(expr)
    return shown if "\n" not in shown else _Linear({"order": "none"}).doprint(expr)


class _Linear(StrPrinter):
    """SymPy's linear string, with ∂f/∂x, a ∈ B and ℝ^(n×n) written as a reader expects."""

    def _print_Equality(self, expr):
        return f"{_inline(expr.lhs)} = {_inline(expr.rhs)}"

    def _print_Derivative(self, expr):
        (var, count), = expr.variable_count
        power = "" if count == 1 else f"^{_inline(count)}"
        return f"∂{power}{_inline(expr.expr)}/∂{_inline(var)}{power}"

    def _print_Contains(self, expr):
        return f"{_inline(expr.args[0])} ∈ {_inline(expr.args[1])}"

    def _print_Transpose(self, expr):
        return f"({_inline(expr.arg)})ᵀ" if not expr.arg.is_symbol else f"{_inline(expr.arg)}ᵀ"

    def _print_MatrixSet(self, expr):
        rows, cols, field = expr.args
        return f"{_inline(field)}^({_inline(rows)}×{_inline(cols)})"


def _continued(first, lines):
    return [first + lines[0]] + [r"&\quad " + line for line in lines[1:]]


def _entry_lines(left, op, matrix, budget):
    """A matrix too wide for the line, entry by entry: (lhs)_{ij} = entry."""
    out = []
    for r in range(matrix.rows):
        for c in range(matrix.cols):
            index = latex(r + 1) + (latex(c + 1) if matrix.cols > 1 else "")
            name = f"\\left({left}\\right)_{{{index}}}"
            out += _continued(f"{name} &{op} ", break_lines(matrix[r, c], budget - 40))
    return out


@dataclass(frozen=True)
class Derivation:
    """An ordered, titled list of ``Step``s; renders to align*, a document, text and JSON."""

    title: str
    steps: tuple

    def to_latex(self, text_width=TEXT_WIDTH):
        """An amsmath ``align*`` fragment, one step per line (or several, when a formula is
        wider than what ``text_width`` pt leaves beside the widest left-hand side)."""
        budget = text_width - max((s.lhs_width() for s in self.steps), default=0.0) - 20
        lines = " \\\\\n".join(step.to_latex(budget) for step in self.steps)
        return "\\begin{align*}\n" + lines + "\n\\end{align*}\n"

    def document(self):
        """A complete standalone LaTeX document (article class, amsmath)."""
        return (DOCUMENT_HEAD % {"title": escape_text(self.title)}
                + self.to_latex() + "\\end{document}\n")

    def to_text(self):
        """For people: the title, then each step numbered with its reason and, indented below
        it, the relation in SymPy's unicode pretty form (fractions, matrices and cases take
        several lines); a blank line between steps."""
        blocks = [self.title] if self.title else []
        for number, step in enumerate(self.steps, 1):
            rows = [row.rstrip() for row in pretty(step.relation).splitlines()]
            blocks.append("\n".join([f"({number}) {step.reason}"] + ["    " + r for r in rows]))
        return "\n\n".join(blocks) + "\n"

    def to_dict(self):
        """JSON-ready: title and steps with their relation as text and as LaTeX."""
        return {"title": self.title,
                "steps": [{"relation": sp.sstr(s.relation, order="none"),
                           "latex": s.formula(),
                           "reason": s.reason} for s in self.steps]}

    def to_json(self):
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def _repr_latex_(self):
        """For Jupyter: ``$$\\begin{aligned}…$$`` (``derive.display``; MathJax refuses the
        ``\\tag*`` of ``to_latex`` inside ``aligned``)."""
        from derive.display import notebook_latex

        return notebook_latex(self)


DOCUMENT_HEAD = r"""\documentclass[11pt]{article}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\allowdisplaybreaks
\title{%(title)s}
\author{rnngrad}
\date{}
\begin{document}
\maketitle
"""


def escape_text(text):
    """``text`` safe inside LaTeX text mode (specials escaped; ASCII only)."""
    escaped = "".join(_TEXT_ESCAPES.get(char, char) for char in text)
    if not escaped.isascii():
        raise ValueError(f"reason text must be ASCII for pdflatex, got {text!r}")
    return escaped
