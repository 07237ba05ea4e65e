"""A derivation for a notebook: LaTeX that MathJax (Jupyter) and KaTeX accept, pure.

``Derivation.to_latex`` writes amsmath's ``align*`` with each reason in ``\\tag*{\\small …}``
and text-mode escapes (``\\_``, ``\\textbackslash{}``) for pdflatex; MathJax refuses a tag
inside ``aligned`` and shows text-mode macros literally.  ``notebook_latex`` writes instead
``$$\\begin{aligned} … \\end{aligned}$$``: the title, then for each step its numbered reason on
a row of its own (text in ``\\text{…}``, the reason's math in math mode), then the relation
aligned at its relation sign, lines broken as in the document.

>>> import sympy as sp
>>> from derive.latex import Derivation, Step
>>> print(notebook_latex(Derivation("T", (Step(sp.Eq(sp.Symbol("x"), 1), "r_1 & 50%"),))))
$$\\begin{aligned}
&\\textbf{T} \\\\
&\\text{(1) r}\\_\\text{1 }\\&\\text{ 50}\\% \\\\
x &= 1
\\end{aligned}$$
"""

import re

from derive.latex import TEXT_WIDTH

# Text-mode escapes of ``escape_text``, undone to get the reason's characters back.
_UNESCAPE = {r"\textbackslash{}": "\\", r"\textasciitilde{}": "~", r"\textasciicircum{}": "^",
             r"\&": "&", r"\%": "%", r"\$": "$", r"\#": "#", r"\_": "_", r"\{": "{", r"\}": "}"}
_UNESCAPE_RE = re.compile("|".join(re.escape(k) for k in _UNESCAPE))
# Characters that cannot stand inside \text{...} (MathJax shows macros there literally, TeX
# reads them as specials): set in math mode between text runs.
_MATH_CHARS = {"\\": r"\backslash ", "{": r"\{", "}": r"\}", "$": r"\$", "%": r"\%", "#": r"\#",
               "&": r"\&", "_": r"\_", "^": r"\hat{}", "~": r"\sim "}
_DOLLAR = re.compile(r"(?<!\\)\$")


def notebook_latex(derivation, text_width=TEXT_WIDTH):
    """``derivation`` as one ``$$\\begin{aligned}…\\end{aligned}$$`` block for Jupyter's
    ``text/latex`` (no ``\\tag``, no text-mode macros other than ``\\text`` and ``\\textbf``)."""
    steps = derivation.steps
    budget = text_width - max((s.lhs_width() for s in steps), default=0.0) - 20
    rows = [f"&{_text(derivation.title, 'textbf')}"] if derivation.title else []
    for number, step in enumerate(steps, 1):
        rows.append(f"&{_reason(step, number)}")
        rows.append(" \\\\\n".join(step.lines(budget)))
    return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"


def _reason(step, number):
    """``(number) reason``: text runs in \\text{…}, the reason's math (from ``reason_tex``)
    in math mode."""
    if step.reason_tex is None:
        return _text(f"({number}) {step.reason}")
    parts = _DOLLAR.split(step.reason_tex)
    out = [_text(f"({number}) " + _UNESCAPE_RE.sub(lambda m: _UNESCAPE[m.group()], parts[0]))]
    for index, part in enumerate(parts[1:], 1):
        text = _UNESCAPE_RE.sub(lambda m: _UNESCAPE[m.group()], part)
        out.append(part if index % 2 else _text(text))
    return "".join(out)


def _text(text, macro="text"):
    """Plain ``text`` as \\text{…} runs (or ``macro``'s), its special characters set in math
    mode between them.

    >>> _text("a_b {c}")
    '\\\\text{a}\\\\_\\\\text{b }\\\\{\\\\text{c}\\\\}'
    """
    out, run = [], []
    for char in text:
        if char in _MATH_CHARS:
            if run:
                out.append(f"\\{macro}{{{''.join(run)}}}")
                run = []
            out.append(_MATH_CHARS[char])
        else:
            run.append(char)
    if run:
        out.append(f"\\{macro}{{{''.join(run)}}}")
    return "".join(out)
