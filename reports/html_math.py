"""Math for the HTML report: MathML converted by latex2mathml from the very LaTeX that SymPy
prints for the PDF (``derive.to_latex``), so both formats show one formula from one SymPy
object; and derivation reasons (text with ``$…$`` math) as HTML, in English or Chinese.

>>> mathml(__import__("sympy").Symbol("x"))
'<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><mi>x</mi></mrow></math>'
"""

import html
import re

from latex2mathml.converter import convert

from derive import to_latex as latex
from reports.html_reasons_zh import REASON_PATTERNS_ZH, REASONS_ZH
from reports.html_style import FULL_WIDTH


def mathml_tex(tex, display="inline"):
    """LaTeX (as SymPy prints it) as one ``<math>`` element (inline: ``_flat_fences``)."""
    out = convert(tex, display=display)
    return _flat_fences(out) if display == "inline" else out


_FENCE = re.compile(r'<mo stretchy="true" fence="true" form="(prefix|postfix)">')


def _flat_fences(markup):
    """Inline MathML whose fence pairs around flat content (no fraction, matrix, root or
    big operator) neither stretch nor take side space: tanh(a), not tanh ( a )."""
    marks, stack, flat = list(_FENCE.finditer(markup)), [], set()
    for index, mark in enumerate(marks):
        if mark.group(1) == "prefix":
            stack.append(index)
        elif stack:
            opening = stack.pop()
            inner = markup[marks[opening].end():mark.start()]
            if not re.search("<mtable|<mfrac|<msqrt|<mroot|<munderover|<mover|<munder", inner):
                flat |= {opening, index}
    out, at = [], 0
    for index, mark in enumerate(marks):
        out.append(markup[at:mark.start()])
        out.append(f'<mo stretchy="false" fence="true" lspace="0" rspace="0" '
                   f'form="{mark.group(1)}">' if index in flat else mark.group(0))
        at = mark.end()
    return "".join(out) + markup[at:]


def mathml(expr, display="inline"):
    """A SymPy object as MathML, through the LaTeX the PDF shows."""
    return mathml_tex(latex(expr), display)


def reason_chunks(step):
    """The reason of a ``derive.Step`` as (kind, text) chunks: ("text", plain text) and
    ("math", LaTeX), in order (``Step.reason_chunks``)."""
    return step.reason_chunks()


def translate_chunk(text, lang):
    """A reason's text chunk in ``lang``: Chinese through ``REASONS_ZH`` (exact chunks, stripped)
    or ``REASON_PATTERNS_ZH`` (chunks that carry a number), else the English text."""
    if lang != "zh":
        return text
    core = text.strip()
    found = zh_chunk(core)
    if found is None:
        return text
    lead = " " if text[:1].isspace() and found[:1] not in FULL_WIDTH else ""
    tail = " " if text[-1:].isspace() and found[-1:] not in FULL_WIDTH else ""
    return lead + found + tail


def zh_chunk(core):
    """The Chinese for a stripped English chunk, or None (punctuation stands for itself)."""
    if core in REASONS_ZH:
        return REASONS_ZH[core]
    for pattern, replacement in REASON_PATTERNS_ZH:
        match = re.fullmatch(pattern, core)
        if match:
            return match.expand(replacement)
    if not re.search("[A-Za-z]", core):
        return {",": "，", ";": "；", ":": "：", "(": "（", ")": "）"}.get(core, core)
    return None


def reason_html(step, lang="en"):
    """A step's reason as HTML: escaped text (translated for ``lang="zh"``) and MathML."""
    out, chunks = [], list(reason_chunks(step))
    while chunks:
        kind, chunk = chunks.pop(0)
        if kind == "math":
            out.append(mathml_tex(chunk))
            continue
        text = html.escape(translate_chunk(chunk, lang), quote=False)
        if "{math}" in text and chunks and chunks[0][0] == "math":   # the formula goes first
            text = text.strip().replace("{math}", mathml_tex(chunks.pop(0)[1]))
        out.append(text)
    return "".join(out)


__all__ = ["mathml", "mathml_tex", "reason_chunks", "reason_html", "translate_chunk",
           "zh_chunk"]
