"""The report's document model: sections made of blocks, built once from SymPy objects and
numbers, then rendered to LaTeX/PDF (``reports.render_tex``) and to one HTML file with MathML
(``reports.render_html``).  Both renderers number sections, figures, tables and citations from
the same walk (``reports.doc_walk.numbering``), so the two formats carry the same numbers and
titles.

Prose is a ``Text`` holding English and Chinese; math is a ``Math`` holding a SymPy object
(never a TeX string); everything else is plain data.

Inline parts (the pieces of a paragraph, caption or table cell):
  str        language-neutral literal text (a name, a number already formatted)
  Text       prose, ``tr(en, zh)``
  Math       a SymPy object, printed by SymPy (``derive.to_latex``)
  Code       program text (monospace)
  Cite       citation(s) by key of ``reports.references``
  Ref        a reference to a labelled section, figure, table or listing ("Figure 3")
  Emph       emphasised parts
"""

import math
from dataclasses import dataclass, field

import sympy as sp

LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class Text:
    """Prose in English and Chinese (no markup in either: math goes in ``Math`` parts)."""

    en: str
    zh: str

    def __post_init__(self):
        for value in (self.en, self.zh):
            if not isinstance(value, str):
                raise TypeError(f"Text holds strings, not {type(value).__name__}")

    def __call__(self, lang):
        return self.zh if lang == "zh" else self.en


def tr(en, zh):
    """Prose in both languages: ``tr("the gradient vanishes", "梯度消失")``."""
    return Text(en, zh)


@dataclass(frozen=True)
class Math:
    """Inline (or, in ``Display``, displayed) math: a SymPy object printed by SymPy."""

    expr: object

    def __post_init__(self):
        if isinstance(self.expr, str):
            raise TypeError("Math holds a SymPy object, not a TeX string")


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Cite:
    keys: tuple

    def __init__(self, *keys):
        object.__setattr__(self, "keys", keys)


@dataclass(frozen=True)
class Ref:
    label: str   # "sec:...", "fig:...", "tab:...", "lst:...", "app:..."


@dataclass(frozen=True)
class Emph:
    parts: tuple

    def __init__(self, *parts):
        object.__setattr__(self, "parts", parts)


def num(value, digits=6):
    """A float as inline math, printed by SymPy (4.06561·10¹⁷); ±∞ as ±∞; NaN refused."""
    if math.isnan(value):
        raise ValueError("NaN has no place in the report")
    if not math.isfinite(value):
        return Math(sp.sign(value) * sp.oo)
    return Math(sp.Float(value, digits))


# ---- blocks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    """A paragraph of inline parts."""

    parts: tuple

    def __init__(self, *parts):
        object.__setattr__(self, "parts", parts)


@dataclass(frozen=True)
class Heading:
    """An unnumbered run-in heading inside a section (LaTeX \\paragraph)."""

    title: Text


@dataclass(frozen=True)
class Display:
    """One displayed line of formulas (several are set side by side, separated by a quad)."""

    exprs: tuple

    def __init__(self, *exprs):
        for expr in exprs:
            if isinstance(expr, str):
                raise TypeError("Display holds SymPy objects, not TeX strings")
        object.__setattr__(self, "exprs", exprs)


@dataclass(frozen=True)
class Steps:
    """A derivation: ``derive.Step`` objects (relation + reason), aligned at the relation."""

    steps: tuple


@dataclass(frozen=True)
class Aligned:
    """Rows (lhs, [terms]): ``lhs = term_1`` then one further term per line, aligned."""

    rows: tuple


@dataclass(frozen=True)
class Table:
    """A numbered table: ``header`` and ``rows`` are tuples of cells; a cell is one inline part
    or a tuple of inline parts.  ``align`` is one of l, c, r per column; ``widths`` (optional)
    gives a column's width as a fraction of the text width (wrapped text columns)."""

    label: str
    caption: tuple
    header: tuple
    rows: tuple
    align: str = ""
    widths: tuple = ()


@dataclass(frozen=True)
class Figure:
    """A numbered figure: ``figures/<stem>.pdf`` (PDF) and ``<stem>.png`` or ``.svg`` (HTML),
    drawn at the size it prints (no scaling), with a caption that says what to see."""

    label: str
    stem: str
    caption: tuple


@dataclass(frozen=True)
class Listing:
    """A numbered program listing, shown with line numbers.  ``code`` is a str, or a ``Text``
    when its comments differ by language (the PDF shows ``code.en``: pdflatex has no CJK)."""

    label: str
    caption: tuple
    code: object
    language: str = "python"


@dataclass(frozen=True)
class Verbatim:
    """Preformatted text (a case file), no line numbers."""

    text: str


@dataclass(frozen=True)
class Items:
    """A list; each item is a tuple of inline parts (or a ``Para``)."""

    items: tuple
    ordered: bool = False


@dataclass(frozen=True)
class Section:
    """A numbered section: what the reader will learn, the body, the take-away.
    ``appendix`` sections are lettered (A, B, …) and come after the bibliography."""

    label: str
    title: Text
    learn: tuple
    blocks: tuple
    takeaway: tuple
    appendix: bool = False


@dataclass(frozen=True)
class Document:
    title: Text
    subtitle: Text
    sections: tuple
    references: dict = field(default_factory=dict)   # key -> reports.references.Reference
