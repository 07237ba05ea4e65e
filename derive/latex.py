"""Derivations: ordered steps (a SymPy relation and a one-line reason) rendered to LaTeX.

Every formula is printed by ``sympy.latex`` (through ``derive.notation.latex``) from a SymPy
object; the only hand-written TeX is the document frame and the reasons' text.
"""

import json
from dataclasses import dataclass

import sympy as sp

from derive.notation import latex

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
    reason_tex: str | None = None  # the reason with its math in math mode (see ``reason``)

    def to_latex(self):
        """``lhs &op rhs \\tag*{reason}`` for an align* environment (the reason at the right
        margin, moved below the formula by amsmath when the line is too wide)."""
        op = _RELATION_OPS.get(type(self.relation))
        if op is not None:
            body = f"{latex(self.relation.lhs)} &{op} {latex(self.relation.rhs)}"
        else:
            body = f"&{latex(self.relation)}"
        why = escape_text(self.reason) if self.reason_tex is None else self.reason_tex
        return f"{body} \\tag*{{\\small {why}}}"


def reason(*parts):
    """A step's reason from text and SymPy objects: (plain text, LaTeX with the objects in math
    mode), e.g. ``Step(relation, *reason(g, " is ", partial(L, h)))``.

    >>> reason("each ", sp.Symbol("g_k"), " is small")
    ('each g_k is small', 'each $g_{k}$ is small')
    """
    text = "".join(p if isinstance(p, str) else sp.sstr(p, order="none") for p in parts)
    tex = "".join(escape_text(p) if isinstance(p, str) else f"${latex(p)}$" for p in parts)
    return text, tex


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
        """One line per step: the relation in SymPy's string form, then the reason."""
        return "\n".join(f"{sp.sstr(s.relation, order='none')}    # {s.reason}"
                         for s in self.steps) + "\n"

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
