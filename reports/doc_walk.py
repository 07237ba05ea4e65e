"""Walking a ``reports.doc`` document: its inline parts in reading order, and the one
numbering both renderers use (sections 1, 2, … then appendices A, B, …; figures, tables and
listings in document order; citations by first use), with the words of a reference
("Figure 3", "图 3")."""

from dataclasses import dataclass

from reports.doc import Cite, Emph, Figure, Items, Listing, Para, Ref, Table


def inline_parts(parts):
    """Every inline part in ``parts``, depth first (Emph opened)."""
    for part in parts if isinstance(parts, tuple) else (parts,):
        if isinstance(part, Emph):
            yield from inline_parts(part.parts)
        elif isinstance(part, tuple):
            yield from inline_parts(part)
        else:
            yield part


def block_parts(block):
    """The inline parts held by a block, in reading order."""
    if isinstance(block, Para):
        yield from inline_parts(block.parts)
    elif isinstance(block, Table):
        yield from inline_parts(block.caption)
        for row in (block.header, *block.rows):
            for cell in row:
                yield from inline_parts(cell)
    elif isinstance(block, Figure | Listing):
        yield from inline_parts(block.caption)
    elif isinstance(block, Items):
        for item in block.items:
            yield from inline_parts(item.parts if isinstance(item, Para) else item)


def section_parts(section):
    yield from inline_parts(section.learn)
    for block in section.blocks:
        yield from block_parts(block)
    yield from inline_parts(section.takeaway)


@dataclass(frozen=True)
class Numbering:
    """Numbers of every label ("3", "A", "2") and the citation order (key -> 1, 2, …)."""

    labels: dict
    citations: dict


def numbering(document):
    """Sections 1, 2, … then appendices A, B, …; figures, tables and listings each 1, 2, … in
    document order; references numbered by first citation.  Unknown citation keys, duplicate
    labels and references to missing labels raise ValueError."""
    labels, citations, counters = {}, {}, {"fig": 0, "tab": 0, "lst": 0}
    refs = []

    def add(label, value):
        if label in labels:
            raise ValueError(f"label {label!r} used twice")
        labels[label] = value

    main = [s for s in document.sections if not s.appendix]
    appendices = [s for s in document.sections if s.appendix]
    for number, section in enumerate(main + appendices, start=1):
        letter = chr(ord("A") + number - len(main) - 1)
        add(section.label, str(number) if not section.appendix else letter)
        for block in section.blocks:
            for kind, typ in (("fig", Figure), ("tab", Table), ("lst", Listing)):
                if isinstance(block, typ):
                    counters[kind] += 1
                    add(block.label, str(counters[kind]))
        for part in section_parts(section):
            if isinstance(part, Cite):
                for key in part.keys:
                    if key not in document.references:
                        raise ValueError(f"citation of unknown reference {key!r}")
                    citations.setdefault(key, len(citations) + 1)
            elif isinstance(part, Ref):
                refs.append(part.label)
    missing = sorted(set(refs) - set(labels))
    if missing:
        raise ValueError(f"references to missing labels: {', '.join(missing)}")
    return Numbering(labels, citations)


REF_WORDS = {"en": {"sec": "Section", "app": "Appendix", "fig": "Figure", "tab": "Table",
                    "lst": "Listing"},
             "zh": {"sec": "第 {} 节", "app": "附录 {}", "fig": "图 {}", "tab": "表 {}",
                    "lst": "代码清单 {}"}}


def ref_text(label, value, lang, space=" "):
    """"Figure 3" / "图 3" for the label ``fig:...`` numbered 3; ``space`` goes between word
    and number ("~" in TeX, a no-break space in HTML).

    >>> ref_text("fig:x", "3", "en", "~"), ref_text("sec:y", "2", "zh")
    ('Figure~3', '第 2 节')
    """
    word = REF_WORDS[lang][label.split(":", 1)[0]]
    if "{}" in word:
        return word.replace(" ", space).format(value)
    return f"{word}{space}{value}"
