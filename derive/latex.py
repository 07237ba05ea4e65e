"""Derivations: ordered steps (a SymPy relation and a one-line reason) rendered to LaTeX.

Every formula is printed by ``sympy.latex`` (through ``derive.notation.latex``) from a SymPy
object; the only hand-written TeX is the document frame and the reasons' text.
"""

import json
from dataclasses import dataclass

import sympy as sp

from derive.notation import latex, pretty

_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                 "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                 "^": r"\textasciicircum{}", "<": r"$<$", ">": r"$>$", "|": r"$|$"}
_RELATION_OPS = {sp.Eq: "=", sp.Le: r"\leq", sp.Lt: "<", sp.Ge: r"\geq", sp.Gt: ">",
                 sp.Ne: r"\neq"}


@dataclass(frozen=True)
class Step:
    """One line of a derivation: a SymPy relation (or any SymPy object) and why it holds."""

    relation: sp.Basic
    reason: str

    def to_latex(self):
        """``lhs &op rhs \\tag*{reason}`` for an align* environment (the reason at the right
        margin, moved below the formula by amsmath when the line is too wide)."""
        op = _RELATION_OPS.get(type(self.relation))
        if op is not None:
            body = f"{latex(self.relation.lhs)} &{op} {latex(self.relation.rhs)}"
        elif isinstance(self.relation, sp.Contains):
            element, where = self.relation.args
            body = f"{latex(element)} &\\in {latex(where)}"
        else:
            body = f"&{latex(self.relation)}"
        return f"{body} \\tag*{{\\small {escape_text(self.reason)}}}"


@dataclass(frozen=True)
class Derivation:
    """An ordered, titled list of ``Step``s; renders to align*, a document, text and JSON."""

    title: str
    steps: tuple

    def to_latex(self):
        """An amsmath ``align*`` fragment, one step per line."""
        lines = " \\\\\n".join(step.to_latex() for step in self.steps)
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
                           "latex": s.to_latex().split(" \\tag*")[0].replace("&", "", 1),
                           "reason": s.reason} for s in self.steps]}

    def to_json(self):
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def _repr_latex_(self):
        return "$\\displaystyle\n" + self.to_latex().replace("align*", "aligned") + "$"


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
