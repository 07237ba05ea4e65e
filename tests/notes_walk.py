"""Shared helpers for the notes' section tests: every ``Text`` of a section, CJK detection."""

import re

from reports import doc, doc_walk

CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")


def texts(section):
    """Every ``Text`` in a section: title, learn, blocks (headings, captions, cells, items,
    listings' code), take-away."""
    yield section.title
    for part in doc_walk.section_parts(section):
        if isinstance(part, doc.Text):
            yield part
    for block in section.blocks:
        if isinstance(block, doc.Heading):
            yield block.title
        if isinstance(block, doc.Listing) and isinstance(block.code, doc.Text):
            yield block.code


def assert_languages(section):
    """learn and take-away hold prose in both languages; no English text holds CJK."""
    for parts in (section.learn, section.takeaway):
        prose = [p for p in doc_walk.inline_parts(parts) if isinstance(p, doc.Text)]
        assert prose and all(p.en.strip() and p.zh.strip() for p in prose), section.label
    for text in texts(section):
        assert not CJK.search(text.en), text.en
        assert text.en.isascii(), text.en
