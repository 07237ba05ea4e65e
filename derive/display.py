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


from derive.latex import TEXT_WIDTH

# Characters that cannot stand inside \text{...} (MathJax shows macros there literally, TeX
# reads them as specials): set in math mode between text runs.
_MATH_CHARS = {"\\": r"\backslash ", "{": r"\{", "}": r"\}", "$": r"\$", "%": r"\%", "#": r"\#",
               "&": r"\&", "_": r"\_", "^": r"\hat{}", "~": r"\sim "}
BLOCK = 4000  # characters per $$…$$ block: under MathJax's buffer of 5 KiB


def notebook_latex(derivation, text_width=TEXT_WIDTH):
    """``derivation`` as ``$$\\begin{aligned}…\\end{aligned}$$`` blocks for Jupyter's
    ``text/latex`` (no ``\\tag``, no text-mode macros other than ``\\text`` and
    ``\\textbf``).  MathJax refuses an input longer than its buffer (5 KiB by default) once
    it expands a macro, so a long derivation is split between steps into blocks of at most
    ``BLOCK`` characters (a step longer than that between its lines)."""
    steps = derivation.steps
    budget = text_width - max((s.lhs_width() for s in steps), default=0.0) - 20
    groups = [[f"&{_text(derivation.title, 'textbf')}"]] if derivation.title else []
    for number, step in enumerate(steps, 1):
        groups.append([f"&{_reason(step, number)}", *step.lines(budget)])
    return "\n".join("$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"
                     for rows in _blocks(groups))


def _blocks(groups):
    """Rows in blocks of at most BLOCK characters, cut between groups (steps), or between the
    rows of a group longer than that (one row longer stays whole)."""
    units = []
    for group in groups:
        units += [[row] for row in group] if _size(group) > BLOCK else [group]
    blocks = [[]]
    for unit in units:
        if blocks[-1] and _size(blocks[-1] + unit) > BLOCK:
            blocks.append([])
        blocks[-1] += unit
    return blocks


def _size(rows):
    return sum(len(row) + 4 for row in rows)


def _reason(step, number):
    """``(number) reason``: text runs in \\text{…}, the reason's math in math mode."""
    chunks = list(step.reason_chunks())
    if chunks and chunks[0][0] == "text":
        chunks[0] = ("text", f"({number}) {chunks[0][1]}")
    else:
        chunks.insert(0, ("text", f"({number}) "))
    return "".join(chunk if kind == "math" else _text(chunk) for kind, chunk in chunks)


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
