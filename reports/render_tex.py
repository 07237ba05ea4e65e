"""The report's document (``reports.doc``) as LaTeX: numbered sections, figures, tables and
listings with captions, a bibliography in order of first citation, A4 or letter paper.

Every formula is printed by SymPy from the document's SymPy objects; the only hand-written
TeX is the frame below."""

import derive
from derive import TEXT_WIDTH, escape_text
from derive import latex_width as width
from derive import to_latex as latex
from reports import doc

PAPERS = {"a4": "a4paper", "letter": "letterpaper"}

HEAD = r"""\documentclass[11pt,{paper}]{{article}}
\usepackage[margin=2.2cm]{{geometry}}
\usepackage[T1]{{fontenc}}
\usepackage{{amsmath,amssymb,graphicx,booktabs,array,caption}}
\usepackage{{listings}}
\usepackage[hidelinks]{{hyperref}}
\allowdisplaybreaks
\lstset{{basicstyle=\ttfamily\small,numbers=left,numberstyle=\tiny,breaklines=true,
  columns=fullflexible,keepspaces=true,upquote=true}}
\renewcommand{{\topfraction}}{{0.9}}\renewcommand{{\bottomfraction}}{{0.8}}
\renewcommand{{\textfraction}}{{0.1}}\renewcommand{{\floatpagefraction}}{{0.8}}
\title{{{title}}}
\author{{rnngrad}}
\date{{}}
\begin{{document}}
\maketitle
\begin{{abstract}}
{subtitle}
\end{{abstract}}
\tableofcontents
"""


class _Tex:
    def __init__(self, document, numbers):
        self.document, self.numbers = document, numbers

    # -- inline -------------------------------------------------------------------------
    def inline(self, parts):
        out = []
        for part in parts if isinstance(parts, tuple) else (parts,):
            out.append(self.part(part))
        return "".join(out)

    def part(self, part):
        if isinstance(part, str):
            return escape_text(part)
        if isinstance(part, doc.Text):
            return escape_text(part.en)
        if isinstance(part, doc.Math):
            return f"${latex(part.expr)}$"
        if isinstance(part, doc.Code):
            return "\\texttt{" + escape_text(part.text) + "}"
        if isinstance(part, doc.Cite):
            return "~\\cite{" + ",".join(part.keys) + "}"
        if isinstance(part, doc.Ref):
            kind = part.label.split(":", 1)[0]
            word = doc.REF_WORDS["en"][kind]
            return f"{word}~\\ref{{{part.label}}}"
        if isinstance(part, doc.Emph):
            return "\\emph{" + self.inline(part.parts) + "}"
        if isinstance(part, tuple):
            return self.inline(part)
        raise TypeError(f"not an inline part: {type(part).__name__}")

    # -- blocks -------------------------------------------------------------------------
    def block(self, block):
        method = getattr(self, "block_" + type(block).__name__.lower())
        return method(block)

    def block_para(self, block):
        return self.inline(block.parts) + "\n\n"

    def block_heading(self, block):
        return "\\paragraph{" + escape_text(block.title.en) + "}\n"

    def block_display(self, block):
        tex = ", \\qquad ".join(latex(expr) for expr in block.exprs)
        if width(tex) > TEXT_WIDTH:
            return f"\\[ \\resizebox{{\\textwidth}}{{!}}{{$\\displaystyle {tex}$}} \\]\n"
        return f"\\[ {tex} \\]\n"

    def block_steps(self, block):
        return derive.Derivation("", tuple(block.steps)).to_latex()

    def block_aligned(self, block):
        rows = []
        for lhs, terms in block.rows:
            tex = [latex(term) for term in terms]
            lines = [f"{latex(lhs)} &= {tex[0]}"]
            lines += ["&\\quad " + ("" if t.startswith("-") else "+ ") + t for t in tex[1:]]
            rows.append(" \\\\*\n".join(lines))
        return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n"

    def block_table(self, block):
        columns = len(block.header)
        align = block.align or "l" * columns
        spec = "".join(f"p{{{w}\\textwidth}}" if w else a
                       for a, w in zip(align, block.widths or (None,) * columns, strict=True))
        lines = ["\\begin{table}[!htb]\\centering",
                 "\\caption{" + self.inline(block.caption) + "}\\label{" + block.label + "}",
                 f"\\begin{{tabular}}{{{spec}}}\\toprule",
                 " & ".join(self.inline(cell) for cell in block.header) + r" \\ \midrule"]
        lines += [" & ".join(self.inline(cell) for cell in row) + r" \\" for row in block.rows]
        lines += ["\\bottomrule\\end{tabular}", "\\end{table}"]
        return "\n".join(lines) + "\n"

    def block_figure(self, block):
        return ("\\begin{figure}[!htb]\\centering\n"
                f"\\includegraphics{{figures/{block.stem}.pdf}}\n"
                "\\caption{" + self.inline(block.caption) + "}\\label{" + block.label + "}\n"
                "\\end{figure}\n")

    def block_listing(self, block):
        return ("\\begin{lstlisting}[language=Python,caption={" + self.inline(block.caption)
                + "},label=" + block.label + "]\n" + _code(block.code).rstrip("\n")
                + "\n\\end{lstlisting}\n")

    def block_verbatim(self, block):
        return "\\begin{verbatim}\n" + block.text.rstrip("\n") + "\n\\end{verbatim}\n"

    def block_items(self, block):
        env = "enumerate" if block.ordered else "itemize"
        items = [self.inline(item.parts if isinstance(item, doc.Para) else item)
                 for item in block.items]
        return f"\\begin{{{env}}}\n" + "".join(f"\\item {i}\n" for i in items) + f"\\end{{{env}}}\n"

    # -- sections -----------------------------------------------------------------------
    def section(self, section):
        out = ["\\section{" + escape_text(section.title.en) + "}\\label{" + section.label + "}\n",
               "\\noindent\\textbf{What you will learn.} " + self.inline(section.learn) + "\n\n"]
        out += [self.block(block) for block in section.blocks]
        out.append("\\noindent\\textbf{Take-away.} " + self.inline(section.takeaway) + "\n\n")
        return "".join(out)

    def bibliography(self):
        entries = []
        for key in self.numbers.citations:
            ref = self.document.references[key]
            year = "n.d." if ref.year is None else str(ref.year)
            url = f" \\url{{{ref.url}}}" if ref.url else ""
            entries.append(f"\\bibitem{{{key}}} {_bib(ref.authors)} ({year}). "
                           f"\\emph{{{_bib(ref.title)}}}. {_bib(ref.venue)}.{url}")
        return ("\\begin{thebibliography}{99}\n" + "\n".join(entries)
                + "\n\\end{thebibliography}\n")


_ACCENTS = {"\u2013": "--", "\u2014": "---", "\u00e4": '\\"a', "\u00f6": '\\"o',
            "\u00fc": '\\"u', "\u00eb": '\\"e', "\u00e9": "\\'e"}


def _bib(text):
    """A bibliography field: dashes and accented letters of names written for pdflatex."""
    return "".join(_ACCENTS.get(char) or escape_text(char) for char in text)


def _code(code):
    return code.en if isinstance(code, doc.Text) else code


def render_tex(document, paper="a4"):
    """The whole document as a LaTeX source for pdflatex."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}: choose one of {', '.join(PAPERS)}")
    numbers = doc.numbering(document)
    tex = _Tex(document, numbers)
    parts = [HEAD.format(paper=PAPERS[paper], title=escape_text(document.title.en),
                         subtitle=escape_text(document.subtitle.en))]
    parts += [tex.section(s) for s in document.sections if not s.appendix]
    parts.append(tex.bibliography())
    appendices = [s for s in document.sections if s.appendix]
    if appendices:
        parts.append("\\appendix\n")
        parts += [tex.section(s) for s in appendices]
    parts.append("\\end{document}\n")
    return "".join(parts)


__all__ = ["PAPERS", "render_tex"]
