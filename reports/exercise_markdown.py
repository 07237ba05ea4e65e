"""A document of the report's model (``reports.doc``) as Markdown with TeX math ($…$, $$…$$),
the form GitHub, Jupyter and most course platforms show: sections numbered as the PDF and the
HTML number them (``reports.doc_walk.numbering``), math printed by SymPy (``derive.to_latex``),
English prose.  Figures, tables, listings and citations are not used by the sheets that are
rendered here and are refused.

>>> from reports.doc import Document, Para, Section, Math, tr
>>> import sympy as sp
>>> d = Document(tr("T", "T"), tr("S", "S"), (Section("sec:a", tr("A", "A"), (tr("l", "l"),),
...     (Para(tr("x is ", "x"), Math(sp.Symbol("x_k"))),), (tr("t", "t"),)),))
>>> print(render_markdown(d).splitlines()[4])
## 1 A
"""

from derive import display_latex
from derive import to_latex as latex
from reports import doc, doc_walk


def _inline(parts):
    parts = parts if isinstance(parts, tuple) else (parts,)
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, doc.Text):
            out.append(part.en)
        elif isinstance(part, doc.Math):
            out.append(f"${latex(part.expr)}$")
        elif isinstance(part, doc.Code):
            out.append(f"`{part.text}`")
        elif isinstance(part, doc.Emph):
            out.append(f"*{_inline(part.parts)}*")
        elif isinstance(part, tuple):
            out.append(_inline(part))
        else:
            raise TypeError(f"not rendered in Markdown: {type(part).__name__}")
    return "".join(out)


def _continued(tex):
    return "\\quad " + ("" if tex.startswith("-") else "+ ") + tex


def _block(block):
    if isinstance(block, doc.Para):
        return _inline(block.parts)
    if isinstance(block, doc.Heading):
        return f"**{block.title.en}**"
    if isinstance(block, doc.Display):
        return f"$$\n{display_latex(block.exprs)}\n$$"
    if isinstance(block, doc.Aligned):
        rows = []
        for lhs, terms in block.rows:
            tex = [latex(term) for term in terms]
            rows.append(f"{latex(lhs)} &= {tex[0]}")
            rows += [f"&{_continued(t)}" for t in tex[1:]]
        return "$$\n\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}\n$$"
    if isinstance(block, doc.Steps):
        return "\n\n".join(f"$$\n{step.formula()}\n$$\n({step.reason})" for step in block.steps)
    if isinstance(block, doc.Verbatim):
        return "```\n" + block.text.rstrip("\n") + "\n```"
    if isinstance(block, doc.Items):
        return "\n".join((f"{i}. " if block.ordered else "- ")
                         + _inline(item.parts if isinstance(item, doc.Para) else item)
                         for i, item in enumerate(block.items, start=1))
    raise TypeError(f"not rendered in Markdown: {type(block).__name__}")


def render_markdown(document):
    """The whole document as Markdown (title, subtitle, then each section with its
    what-you-will-learn line, its blocks and its take-away)."""
    numbers = doc_walk.numbering(document)
    out = [f"# {document.title.en}", f"*{document.subtitle.en}*"]
    for section in document.sections:
        out += [f"## {numbers.labels[section.label]} {section.title.en}",
                f"> {_inline(section.learn)}"]
        out += [_block(block) for block in section.blocks]
        out.append(f"> **Take-away.** {_inline(section.takeaway)}")
    return "\n\n".join(out) + "\n"


__all__ = ["render_markdown"]
