"""The report's document (``reports.doc``) as one self-contained HTML5 file: inline CSS, no
script, figures embedded as ``data:`` URIs, math as MathML (``reports.html_math``: converted by
latex2mathml from the LaTeX SymPy prints for the PDF), the numbering of ``doc_walk.numbering``
(the PDF's), a bibliography in order of first citation.  English or Chinese prose
(``lang="zh"``); the same document gives the same bytes."""

import base64
import html
from pathlib import Path

from derive import display_latex
from derive import to_latex as latex
from reports import doc, doc_walk
from reports.html_math import mathml, mathml_tex, reason_html
from reports.html_style import CSS, FULL_WIDTH, HTML_LANG, WORDS

_IMAGE_TYPES = (("png", "image/png"), ("svg", "image/svg+xml"))
_CLOSING = "，。；：、！？）》”’】.,;:)"   # punctuation that may not start a line
_ALIGN = {"l": "left", "c": "center", "r": "right"}


def _esc(text):
    return html.escape(text, quote=True)


def figure_uri(figure_dir, stem):
    """``figures/<stem>.png`` (or ``.svg``) as a base64 ``data:`` URI."""
    for suffix, mime in _IMAGE_TYPES:
        path = Path(figure_dir, f"{stem}.{suffix}")
        if path.exists():
            return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    raise FileNotFoundError(f"no figure {stem}.png or {stem}.svg in {figure_dir}")


class _Html:
    def __init__(self, document, numbers, figure_dir, lang):
        self.document, self.numbers, self.figure_dir, self.lang = (document, numbers,
                                                                   figure_dir, lang)
        self.words = WORDS[lang]

    # -- inline -------------------------------------------------------------------------
    def inline(self, parts):
        parts = parts if isinstance(parts, tuple) else (parts,)
        out = [self.part(part) for part in parts]
        for i, part in enumerate(parts):
            if isinstance(part, doc.Cite):
                out[i] = self.cite_spacing(out[i], out[i - 1] if i else "",
                                           out[i + 1] if i + 1 < len(out) else "")
        for i, part in enumerate(parts):
            if isinstance(part, doc.Math):
                _glue(out, i)
        return "".join(out)

    def cite_spacing(self, shown, before, after):
        """"text [1]", not "text  [1]"; in Chinese no space next to full-width punctuation
        and a space between [n] and a following Chinese character."""
        if before[-1:].isspace() or (self.lang == "zh" and before[-1:] in FULL_WIDTH):
            shown = shown.lstrip("\u00a0")
        if self.lang == "zh" and _is_cjk(after[:1]):
            shown += " "
        return shown

    def part(self, part):
        if isinstance(part, str):
            return _esc(part)
        if isinstance(part, doc.Text):
            text = part(self.lang)
            if self.lang == "zh" and text.lstrip()[:1] in FULL_WIDTH:
                text = text.lstrip()   # "x，" not "x ，": no line may start with "，"
            return _esc(text)
        if isinstance(part, doc.Math):
            return mathml(part.expr)
        if isinstance(part, doc.Code):
            return f"<code>{_esc(part.text)}</code>"
        if isinstance(part, doc.Cite):
            links = (f'<a href="#ref-{_esc(key)}">{self.numbers.citations[key]}</a>'
                     for key in part.keys)
            return "\u00a0[" + ", ".join(links) + "]"
        if isinstance(part, doc.Ref):
            text = doc_walk.ref_text(part.label, self.numbers.labels[part.label], self.lang)
            return f'<a href="#{_esc(part.label)}">{_esc(text).replace(" ", "&nbsp;")}</a>'
        if isinstance(part, doc.Emph):
            return f"<em>{self.inline(part.parts)}</em>"
        if isinstance(part, tuple):
            return self.inline(part)
        raise TypeError(f"not an inline part: {type(part).__name__}")

    def plain(self, parts):
        """Inline parts as plain text (an image's alt text): math as its LaTeX."""
        out = []
        for part in doc_walk.inline_parts(parts):
            if isinstance(part, doc.Text):
                out.append(part(self.lang))
            elif isinstance(part, doc.Math):
                out.append(latex(part.expr))
            elif isinstance(part, str | doc.Code):
                out.append(part if isinstance(part, str) else part.text)
        return "".join(out)

    def label(self, label):
        space = " " if self.lang == "en" else "\u00a0"
        text = doc_walk.ref_text(label, self.numbers.labels[label], self.lang, space)
        return f'<span class="label">{text}.</span> '

    # -- blocks -------------------------------------------------------------------------
    def block(self, block):
        return getattr(self, "block_" + type(block).__name__.lower())(block)

    def block_para(self, block):
        if len(block.parts) == 1 and isinstance(block.parts[0], doc.Emph):   # a quotation
            return f"<blockquote><p>{self.inline(block.parts[0].parts)}</p></blockquote>\n"
        return f"<p>{self.inline(block.parts)}</p>\n"

    def block_heading(self, block):
        title = block.title(self.lang)
        title = title.rstrip("。") if self.lang == "zh" else title   # "LSTM", not "LSTM。"
        return f'<h4 class="run-in">{_esc(title)}</h4>\n'

    def block_display(self, block):
        tex = display_latex(block.exprs)     # a ≤ b, b ≤ c chained: a ≤ b ≤ c
        return f'<div class="display">{mathml_tex(tex, "block")}</div>\n'

    def block_steps(self, block):
        rows = (f'<tr><td class="formula"><div>{mathml_tex(step.formula())}</div></td>'
                f'<td class="why">{reason_html(step, self.lang)}</td></tr>\n'
                for step in block.steps)
        return '<table class="steps">\n' + "".join(rows) + "</table>\n"

    def block_aligned(self, block):
        rows = []
        for lhs, terms in block.rows:
            tex = [latex(term) for term in terms]
            rows.append(f'<tr><td class="lhs">{mathml(lhs)}</td>'
                        f'<td>{mathml_tex("= " + tex[0])}</td></tr>\n')
            rows += [f'<tr><td></td><td>{mathml_tex(_continued(t))}</td></tr>\n'
                     for t in tex[1:]]
        return '<table class="aligned">\n' + "".join(rows) + "</table>\n"

    def block_table(self, block):
        columns = len(block.header)
        align = block.align or "l" * columns
        widths = block.widths or (None,) * columns
        styles = [f' style="text-align:{_ALIGN[a]}' + (f';width:{100 * w:g}%"' if w else '"')
                  for a, w in zip(align, widths, strict=True)]
        head = "".join(f"<th{s}>{self.inline(c)}</th>" for s, c in zip(styles, block.header,
                                                                        strict=True))
        body = "".join("<tr>" + "".join(f"<td{self.nowrap(s, c)}>{self.inline(c)}</td>"
                                        for s, c in zip(styles, row, strict=True)) + "</tr>\n"
                       for row in block.rows)
        return (f'<div class="table-wrap"><table class="data" id="{_esc(block.label)}">\n<caption>'
                f'{self.label(block.label)}{self.inline(block.caption)}</caption>\n'
                f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table></div>\n")

    def nowrap(self, style, cell):
        """A short Chinese label ("第 3 节") is not broken over lines."""
        short = (isinstance(cell, doc.Text) and self.lang == "zh" and len(cell("zh")) <= 8)
        return style[:-1] + ';white-space:nowrap"' if short else style

    def block_figure(self, block):
        uri = figure_uri(self.figure_dir, block.stem)
        return (f'<figure id="{_esc(block.label)}">\n<img src="{uri}" '
                f'alt="{_esc(self.plain(block.caption))}">\n<figcaption>'
                f'{self.label(block.label)}{self.inline(block.caption)}'
                "</figcaption>\n</figure>\n")

    def block_listing(self, block):
        code = block.code(self.lang) if isinstance(block.code, doc.Text) else block.code
        lines = code.rstrip("\n").split("\n")
        body = "\n".join(f'<span class="ln">{n}</span>{_esc(line)}'
                         for n, line in enumerate(lines, start=1))
        return (f'<figure class="listing" id="{_esc(block.label)}">\n<figcaption>'
                f'{self.label(block.label)}{self.inline(block.caption)}'
                f'</figcaption>\n<pre class="listing"><code>{body}</code></pre>\n</figure>\n')

    def block_verbatim(self, block):
        return f'<pre class="verbatim">{_esc(block.text.rstrip(chr(10)))}</pre>\n'

    def block_items(self, block):
        tag = "ol" if block.ordered else "ul"
        items = "".join("<li>" + self.inline(item.parts if isinstance(item, doc.Para) else item)
                        + "</li>\n" for item in block.items)
        return f"<{tag}>\n{items}</{tag}>\n"

    # -- sections -----------------------------------------------------------------------
    def heading(self, section):
        return f"{self.numbers.labels[section.label]}\u2003{section.title(self.lang)}"

    def section(self, section):
        out = [f'<section id="{_esc(section.label)}">\n<h2>{_esc(self.heading(section))}</h2>\n',
               self.box("learn", section.learn)]
        out += [self.block(block) for block in section.blocks]
        out += [self.box("takeaway", section.takeaway), "</section>\n"]
        return "".join(out)

    def box(self, kind, parts):
        return (f'<div class="{kind}"><div class="box-title">{self.words[kind]}</div>'
                f"<p>{self.inline(parts)}</p></div>\n")

    def bibliography(self):
        entries = [self.entry(key) for key in self.numbers.citations]
        return (f'<section id="references">\n<h2>{self.words["references"]}</h2>\n'
                '<ol class="bib">\n' + "".join(entries) + "</ol>\n</section>\n")

    def entry(self, key):
        ref = self.document.references[key]
        year = self.words["undated"] if ref.year is None else str(ref.year)
        if self.lang == "zh" and ref.title_zh:   # a Chinese entry: no slanted title
            return (f'<li id="ref-{_esc(key)}">{_esc(ref.authors_zh or ref.authors)}（{year}）. '
                    f"{_esc(ref.title_zh)}. {_esc(ref.venue_zh or ref.venue)}。</li>\n")
        left, colon, right = ("（", "：", "）") if self.lang == "zh" else (" (", ": ", ")")
        original = (f'{left}{self.words["original"]}{colon}<span lang="zh-Hans">'
                    f"{_esc(ref.original)}</span>{right}" if ref.original else "")
        url = f' <a href="{_esc(ref.url)}">{_esc(ref.url)}</a>' if ref.url else ""
        return (f'<li id="ref-{_esc(key)}">{_esc(ref.authors)} ({year}). '
                f"<em>{_esc(ref.title)}</em>{original}. {_esc(ref.venue)}.{url}</li>\n")

    def toc(self, main, appendices):
        def item(href, text):
            return f'<li><a href="#{_esc(href)}">{_esc(text)}</a></li>\n'
        items = [item(s.label, self.heading(s)) for s in main]
        items.append(item("references", self.words["references"]))
        items += [item(s.label, f'{self.words["appendix"]} {self.heading(s)}')
                  for s in appendices]
        return (f'<nav class="toc">\n<h2>{self.words["contents"]}</h2>\n<ol>\n'
                + "".join(items) + "</ol>\n</nav>\n")


def _is_cjk(char):
    return bool(char) and ("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf")


def _glue(out, i):
    """Keep the closing punctuation after inline math ``out[i]`` on the math's line: the math
    and that punctuation (from the following chunks) go into one unbreakable span."""
    tail, j = "", i + 1
    while j < len(out):
        run = len(out[j]) - len(out[j].lstrip(_CLOSING))
        tail, out[j] = tail + out[j][:run], out[j][run:]
        if out[j]:
            break
        j += 1
    if tail:
        out[i] = f'<span class="nobr">{out[i]}{tail}</span>'


def _continued(tex):
    """A further term of an aligned row: ``+ term`` (a leading minus stands for itself)."""
    return "\\quad " + ("" if tex.startswith("-") else "+ ") + tex


def render_html(document, figure_dir, lang="en"):
    """The whole document as one HTML page: math as MathML, figures embedded."""
    if lang not in HTML_LANG:
        raise ValueError(f"unknown language {lang!r}: choose en or zh")
    page = _Html(document, doc_walk.numbering(document), figure_dir, lang)
    main = [s for s in document.sections if not s.appendix]
    appendices = [s for s in document.sections if s.appendix]
    title = _esc(document.title(lang))
    parts = [f'<!DOCTYPE html>\n<html lang="{HTML_LANG[lang]}">\n<head>\n<meta charset="utf-8">\n'
             '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
             f'<header>\n<h1>{title}</h1>\n<p class="subtitle">{_esc(document.subtitle(lang))}'
             "</p>\n</header>\n", page.toc(main, appendices), "<main>\n"]
    parts += [page.section(s) for s in main]
    parts.append(page.bibliography())
    parts += [page.section(s) for s in appendices]
    parts.append("</main>\n</body>\n</html>\n")
    return "".join(parts)


__all__ = ["figure_uri", "render_html"]
