"""What the referee of the English PDF found in print, fixed in the TeX renderer: opening
quotes printed as closing ones, a listing caption broken at the "]" of a link, and
(tests/test_latex_build.py) floats far from their section and a wrapped listing line."""

import subprocess

import pytest
import sympy as sp

from reports.doc import Code, Document, Listing, Math, Para, Ref, Section, tr
from reports.files import build_pdf
from reports.references import REFERENCES
from reports.render_tex import render_tex
from reports.tex_text import code_text, tex_text

x = sp.Symbol("x")


@pytest.mark.parametrize(("text", "before", "tex"), [
    ('"word"', "", "``word''"),
    ('say "a" and ("b")', "", "say ``a'' and (``b'')"),
    ('."', "$", ".''"),                       # closes after a formula
    ('"', " ", "``"),                         # opens after a space in the part before
    ('"', "", "``"),                          # opens a paragraph or a table cell
])
def test_straight_double_quotes_open_and_close_by_what_precedes(text, before, tex):
    assert tex_text(text, before) == tex


def test_code_keeps_straight_quotes():
    """The typewriter font has a straight quote where the roman one has the closing quote."""
    assert code_text('"tanh"') == '"tanh"'
    assert "''" not in code_text('a "key"')


def _section(blocks):
    return Section("sec:x", tr("First things", "先"), (tr("learn", "学"),), blocks,
                   (tr("done", "完"),))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(tex, pdf text): one section with quotes around a formula, a key in code and a
    listing whose caption links to the section."""
    listing = Listing("lst:x", (tr("The program.", "程序。"), " ", Ref("sec:x"),
                                tr(" cites it by line number.", "按行号引用。")), "x = 1\n")
    blocks = (Para(tr('The article says "Let ', "文"), Math(x), tr('."', "。")),
              Para(tr("The key ", "键"), Code('"tanh"'), "."), listing)
    tex = render_tex(Document(tr("T", "T"), tr("S", "S"), (_section(blocks),), REFERENCES))
    out = tmp_path_factory.mktemp("print")
    build_pdf(tex, out / "print.pdf")
    text = subprocess.run(["pdftotext", str(out / "print.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    return tex, " ".join(text.split())


def test_quotes_print_as_opening_and_closing(built):
    tex, text = built
    assert "``Let $x$.''" in tex
    assert "\u201cLet x.\u201d" in text and "The key \"tanh\"." in text


def test_listing_caption_with_a_link_prints_whole_and_once(built):
    """listings ends a caption's optional short form at the first "]" outside braces: the
    link's ``\\hyperref[sec:x]`` once cut the caption there and printed the rest twice."""
    _, text = built
    caption = "Listing 1: The program. Section 1 cites it by line number."
    assert caption in text and text.count("cites it by line number") == 1
    assert "]" not in text


def test_no_paragraph_leaves_one_line_alone_at_a_page_break():
    """The referee found a page opening with the single last line of a paragraph."""
    from reports.tex_frame import head
    frame = head("a4", "T", "S")
    for penalty in ("clubpenalty", "widowpenalty", "displaywidowpenalty"):
        assert f"\\{penalty}=10000" in frame
