"""The report's document (``reports.doc``) as LaTeX for pdflatex: numbered sections, figures,
tables and listings with captions, links, a bibliography in order of first citation, A4 or
letter paper.

Every formula is printed by SymPy from the document's SymPy objects; the only hand-written
TeX is the frame (``reports.tex_frame``).  Numbers of sections, figures, tables and listings
are set from ``reports.doc_walk.numbering``, so the PDF and the HTML carry the same numbers.
Figures are included at their natural size: they are drawn at the size they print, no wider
than ``FIGURE_MAX_WIDTH_IN`` (the narrower of the two papers' text widths)."""

import derive
from derive import TEXT_WIDTH
from derive import latex_width as width
from derive import to_latex as latex
from reports import doc, doc_walk
from reports.tex_frame import FIGURE_MAX_WIDTH_IN, PAPERS, head
from reports.tex_tables import table
from reports.tex_text import breakable_code, code_ascii, code_text, tex_text

LANGUAGES = {"python": "Python", "bash": "bash", "sh": "sh", "c": "C", "c++": "C++"}
COUNTERS = {"sec": "section", "app": "section", "fig": "figure", "tab": "table",
            "lst": "lstlisting"}


class _Tex:
    def __init__(self, document, numbers):
        self.document, self.numbers = document, numbers

    # -- inline -------------------------------------------------------------------------
    def inline(self, parts, before=""):
        """TeX for inline ``parts``; ``before`` is the TeX just before them (a straight quote
        opens or closes by what precedes it, in the parts before it too)."""
        out = ""
        for part in parts if isinstance(parts, tuple) else (parts,):
            if isinstance(part, doc.Cite):     # a tie to the word before, never a lone space
                out = out.rstrip()
                out += ("" if not out or out.endswith(("(", "[")) else "~")
            out += self.part(part, (before + out)[-1:])
        return out

    def part(self, part, before=""):
        if isinstance(part, str):
            return tex_text(part, before)
        if isinstance(part, doc.Text):
            return tex_text(part.en, before)
        if isinstance(part, doc.Math):
            return f"${latex(part.expr)}$"
        if isinstance(part, doc.Code):
            return "\\texttt{" + _breakable(code_text(part.text)) + "}"
        if isinstance(part, doc.Cite):
            return "\\cite{" + ",".join(part.keys) + "}"
        if isinstance(part, doc.Ref):
            text = doc_walk.ref_text(part.label, self.numbers.labels[part.label], "en", "~")
            # in a group: a listing's caption ends its optional short form at the first "]"
            # outside braces, and \\hyperref[label] holds one
            return f"{{\\hyperref[{part.label}]{{{text}}}}}"
        if isinstance(part, doc.Emph):
            return "\\emph{" + self.inline(part.parts, before) + "}"
        if isinstance(part, tuple):
            return self.inline(part, before)
        raise TypeError(f"not an inline part: {type(part).__name__}")

    def caption(self, block):
        """``\\caption`` with the number of ``doc_walk.numbering`` (the counter is set first)."""
        kind = block.label.split(":", 1)[0]
        number = int(self.numbers.labels[block.label])
        return (f"\\setcounter{{{COUNTERS[kind]}}}{{{number - 1}}}"
                f"\\caption{{{self.inline(block.caption)}}}\\label{{{block.label}}}")

    # -- blocks -------------------------------------------------------------------------
    def block(self, block):
        method = getattr(self, "block_" + type(block).__name__.lower())
        return method(block)

    def block_para(self, block):
        return self.inline(block.parts) + "\n\n"

    def block_heading(self, block):
        return "\\paragraph{" + tex_text(block.title.en) + "}\n"

    def block_display(self, block):
        """One displayed line.  Formulas too wide for it go on lines of their own, and one
        still too wide is broken over several lines at its sums (``derive.Step``); what is
        then still wider than the text (a wide matrix) is shrunk to the text width by TeX."""
        tex = derive.display_latex(block.exprs)     # a ≤ b, b ≤ c chained: a ≤ b ≤ c
        if width(tex) <= TEXT_WIDTH:
            return f"\\[ \\fitdisplay{{{tex}}} \\]\n"
        if len(block.exprs) > 1:
            return "".join(self.block_display(doc.Display(expr)) for expr in block.exprs)
        step = derive.Step(block.exprs[0], "")
        lines = step.lines(TEXT_WIDTH - step.lhs_width() - 20)
        if len(lines) == 1:
            return f"\\[ \\fitdisplay{{{tex}}} \\]\n"
        return "\\begin{align*}\n" + " \\\\\n".join(lines) + "\n\\end{align*}\n"

    def block_steps(self, block):
        return derive.Derivation("", tuple(block.steps)).to_latex()

    def block_aligned(self, block):
        """``lhs = term_1`` then ``+ term_k`` per line; a term too wide for what the left-hand
        side leaves is broken at its sums (``derive.Step``), indented further, and a piece
        still too wide is shrunk to fit."""
        rows = []
        for lhs, terms in block.rows:
            left = latex(lhs)
            room = TEXT_WIDTH - width(left) - 40
            lines = []
            for index, term in enumerate(terms):
                pieces = [_fit_term(piece, room) for piece in _pieces(term, room)]
                sign = "" if index == 0 or pieces[0].startswith("-") else "+ "
                lines.append((f"{left} &= " if index == 0 else "&\\quad ") + sign + pieces[0])
                lines += ["&\\qquad " + piece for piece in pieces[1:]]
            rows.append(" \\\\*\n".join(lines))
        return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n"

    def block_table(self, block):
        return table(block, self.inline, self.caption(block))

    def block_figure(self, block):
        return ("\\begin{figure}[!htbp]\\centering\n"
                f"\\includegraphics{{figures/{block.stem}.pdf}}\n"
                + self.caption(block) + "\n\\end{figure}\n")

    def block_listing(self, block):
        """Numbered lines; a long line wraps (marked by an arrow) under its own number."""
        number = int(self.numbers.labels[block.label])
        language = LANGUAGES.get(block.language.lower(), "")
        options = (f"style=numbered,{'language=' + language + ',' if language else ''}"
                   f"caption={{{self.inline(block.caption)}}},label={block.label}")
        return f"\\setcounter{{lstlisting}}{{{number - 1}}}" + _lstlisting(block.code, options)

    def block_verbatim(self, block):
        return _lstlisting(block.text, "style=plain")

    def block_items(self, block):
        env = "enumerate" if block.ordered else "itemize"
        items = [self.inline(item.parts if isinstance(item, doc.Para) else item)
                 for item in block.items]
        return f"\\begin{{{env}}}\n" + "".join(f"\\item {i}\n" for i in items) + f"\\end{{{env}}}\n"

    # -- sections -----------------------------------------------------------------------
    def section(self, section):
        number = self.numbers.labels[section.label]
        index = int(number) if number.isdigit() else ord(number) - ord("A") + 1
        out = [f"\\setcounter{{section}}{{{index - 1}}}",
               "\\section{" + tex_text(section.title.en) + "}\\label{" + section.label + "}"
               "\\suppressfloats[t]\n",     # no float of this section above its heading
               "\\learnbox{" + self.inline(section.learn) + "}\n\n"]
        out += [self.block(block) for block in section.blocks]
        out.append("\\takeawaybox{" + self.inline(section.takeaway) + "}\n\n")
        return "".join(out)

    def bibliography(self):
        """Cited references only, numbered by first citation; an undated one shows "n.d."
        (the original-script title is for the HTML: pdflatex has no CJK)."""
        entries = []
        for key in self.numbers.citations:
            ref = self.document.references[key]
            year = "n.d." if ref.year is None else str(ref.year)
            url = f" \\url{{{ref.url}}}" if ref.url else ""
            entries.append(f"\\bibitem{{{key}}} {tex_text(ref.authors)} ({year}). "
                           f"\\emph{{{tex_text(ref.title)}}}. {tex_text(ref.venue)}.{url}")
        widest = str(max(len(entries), 1))
        return (f"\\begin{{thebibliography}}{{{widest}}}\n" + "\n".join(entries)
                + "\n\\end{thebibliography}\n")


def _lstlisting(code, options):
    code = code_ascii(code.en if isinstance(code, doc.Text) else code).rstrip("\n")
    code, escape = breakable_code(code)
    if escape:
        options += f",escapechar={{{escape}}}"
    return f"\\begin{{lstlisting}}[{options}]\n{code}\n\\end{{lstlisting}}\n"


def _breakable(tex):
    """Inline code may break after an underscore, a dot, a slash or a comma."""
    for mark in ("\\_", ".", "/", ","):
        tex = tex.replace(mark, mark + "\\allowbreak{}")
    return tex


def _pieces(expr, room):
    """``expr`` as LaTeX pieces no wider than ``room`` pt where its sums allow."""
    tex = latex(expr)
    if width(tex) <= room:
        return [tex]
    lines = derive.Step(expr, "").lines(room)
    return [line.split("&", 1)[1].removeprefix("\\quad ") for line in lines]


def _fit_term(tex, room):
    if width(tex) <= room:
        return tex
    return f"\\resizebox{{{room:.0f}pt}}{{!}}{{$\\displaystyle {tex}$}}"


def render_tex(document, paper="a4"):
    """The whole document as a LaTeX source for pdflatex (``paper``: "a4" or "letter")."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}: choose one of {', '.join(PAPERS)}")
    numbers = doc_walk.numbering(document)
    tex = _Tex(document, numbers)
    parts = [head(paper, tex_text(document.title.en), tex_text(document.subtitle.en))]
    parts += [tex.section(s) for s in document.sections if not s.appendix]
    if numbers.citations:
        parts.append(tex.bibliography())
    appendices = [s for s in document.sections if s.appendix]
    if appendices:
        parts.append("\\appendix\n")
        parts += [tex.section(s) for s in appendices]
    parts.append("\\end{document}\n")
    return "".join(parts)


__all__ = ["FIGURE_MAX_WIDTH_IN", "PAPERS", "render_tex"]
