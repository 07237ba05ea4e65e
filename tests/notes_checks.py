"""Shared checks for the notes' section tests: a section of the document by label, every prose
part of a section, the check of its two languages, and its LaTeX built by pdflatex (with stub
sections for the labels it refers to) so that the overfull boxes of that build can be read."""

import re

from reports import doc, doc_walk, files
from reports.references import REFERENCES
from reports.render_tex import render_tex

CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")


def notes_section(document, label):
    """The section of ``document`` labelled ``label``."""
    found = [s for s in document.sections if s.label == label]
    assert len(found) == 1, label
    return found[0]


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


def assert_both_languages(parts, where):
    """The prose (Text parts) of ``parts`` exists, each Text says something in English and in
    Chinese, and the Chinese holds CJK characters."""
    words = [p for p in doc_walk.inline_parts(parts) if isinstance(p, doc.Text)]
    assert words, f"{where}: no prose"
    assert all(w.en.strip() and w.zh.strip() for w in words), f"{where}: a language is empty"
    assert any(CJK.search(w.zh) for w in words), f"{where}: no Chinese"


def assert_languages(section):
    """learn, take-away and every caption hold prose in both languages (assert_both_languages),
    and the English of every Text is ASCII (pdflatex gets the English only: no CJK and no raw
    Unicode may reach it)."""
    assert_both_languages(section.learn, f"{section.label} learn")
    assert_both_languages(section.takeaway, f"{section.label} take-away")
    for block in section.blocks:
        if isinstance(block, doc.Figure | doc.Table | doc.Listing):
            assert_both_languages(block.caption, f"{block.label} caption")
    for text in texts(section):
        assert text.en.isascii(), f"{section.label}: non-ASCII English (CJK or Unicode " \
            f"that pdflatex cannot print): {text.en!r}"


def stray_markers(section):
    """Prose that still holds a symbol marker ($) or a TeX command (backslash)."""
    return [text.en for text in texts(section)
            if any(mark in text.en + text.zh for mark in ("$", "\\"))]


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
