"""Prose helpers for the notes: symbols named inside a sentence, and relations in a list."""

import sympy as sp

from reports.doc import Math, tr


def listed(relations):
    """Inline parts: the relations as Math, separated by commas."""
    parts = []
    for relation in relations:
        parts += [tr(", ", "，") if parts else "", Math(relation)]
    return tuple(part for part in parts if part != "")


def say(en, zh):
    """Prose with symbols: ``say("the bias $b_f$", "偏置 $b_f$")`` gives the parts
    (tr("the bias ", "偏置 "), Math(b_f)); both languages name the same symbols in the same
    order, each ``$name$`` becoming ``Math(Symbol(name))``.

    >>> say("at $T$ steps", "$T$ 步时")[1]
    Math(expr=T)
    """
    en_parts, zh_parts = en.split("$"), zh.split("$")
    if len(en_parts) % 2 == 0 or en_parts[1::2] != zh_parts[1::2]:
        raise ValueError(f"the two languages name different symbols: {en!r} / {zh!r}")
    parts = []
    for index, (e, z) in enumerate(zip(en_parts, zh_parts, strict=True)):
        if index % 2:
            parts.append(Math(sp.Symbol(e)))
        elif e or z:
            parts.append(tr(e, z))
    return tuple(parts)
