"""Shared checks for the notes' section tests: every prose part of a section, the CJK check of
its English, and its LaTeX built by pdflatex (with stub sections for the labels it refers to)
so that the overfull boxes of that build can be read."""

import re

from reports import doc, doc_walk, files
from reports.references import REFERENCES
from reports.render_tex import render_tex

CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")


def texts(section):
    """Every ``Text`` of a section: title, learn, blocks (headings, captions, cells, items,
    listings' code), take-away."""
    found = [section.title]
    found += [part for part in doc_walk.section_parts(section) if isinstance(part, doc.Text)]
    for block in section.blocks:
        if isinstance(block, doc.Heading):
            found.append(block.title)
        if isinstance(block, doc.Listing) and isinstance(block.code, doc.Text):
            found.append(block.code)
    return found


def assert_languages(section):
    """learn and take-away hold prose in both languages; no English text holds CJK."""
    for parts in (section.learn, section.takeaway):
        prose = [p for p in doc_walk.inline_parts(parts) if isinstance(p, doc.Text)]
        assert prose and all(p.en.strip() and p.zh.strip() for p in prose), section.label
    for text in texts(section):
        assert not CJK.search(text.en), text.en
        assert text.en.isascii(), text.en


def english_has_no_cjk(section):
    return [text.en for text in texts(section) if CJK.search(text.en)]


def stray_markers(section):
    """Prose that still holds a symbol marker ($) or a TeX command (backslash)."""
    return [text.en for text in texts(section)
            if any(mark in text.en + text.zh for mark in ("$", "\\"))]


def both_languages(parts):
    """Whether the Text parts of ``parts`` say something in English and in Chinese."""
    words = [p for p in doc_walk.inline_parts(parts) if isinstance(p, doc.Text)]
    return bool(words) and all(w.en.strip() for w in words) and \
        any(CJK.search(w.zh) for w in words)


def _stub(label):
    word = doc.tr("Stub.", "占位。")
    return doc.Section(label, doc.tr(label, label), (word,), (doc.Para(word),), (word,))


def build_pdf(sections, folder, figure_dir):
    """Render ``sections`` (plus stubs for the labels they refer to) and build the PDF with
    ``figure_dir`` as figures/; returns the overfull box widths (pt) of TeX's log."""
    labels = {s.label for s in sections}
    for section in sections:
        for block in section.blocks:
            if isinstance(block, doc.Figure | doc.Table | doc.Listing):
                labels.add(block.label)
    refs = {p.label for s in sections for p in doc_walk.section_parts(s) if isinstance(p, doc.Ref)}
    stubs = tuple(_stub(label) for label in sorted(refs - labels))
    document = doc.Document(doc.tr("Test", "测试"), doc.tr("Sections", "各节"),
                            stubs + tuple(sections), REFERENCES)
    log = folder / "notes.log"
    files.build_pdf(render_tex(document), folder / "notes.pdf", assets=figure_dir,
                    log_path=log)
    return files.overfull_boxes(log.read_text(errors="replace"))
