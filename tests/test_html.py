"""The HTML report (reports.render_html) on a sample Document holding every block type: one
self-contained file (no network resources, figures as data: URIs), every Math as MathML, the
numbering and links of doc_walk.numbering, the Chinese page, identical bytes for the same
document in every process; and, on the real report, a Chinese translation for every
derivation reason."""

import base64
import hashlib
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sympy

import derive
from reports import doc
from reports.html_math import reason_chunks, reason_html, zh_chunk
from reports.render_html import render_html
from tests.html_sample import MATH_COUNT, TABLE_VALUES, sample_document

ROOT = str(Path(__file__).resolve().parent.parent)


class Tags(HTMLParser):
    """Every start tag of a page as (tag, attrs dict)."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    figure_dir = tmp_path_factory.mktemp("figures")
    document = sample_document(figure_dir)
    return document, figure_dir, render_html(document, figure_dir), \
        render_html(document, figure_dir, "zh")


def test_one_self_contained_file(sample):
    document, figure_dir, page, _ = sample
    tags = Tags(page)
    assert page.startswith("<!DOCTYPE html>") and page.count("<html") == 1
    assert not tags.all("script") and not tags.all("link") and not tags.all("iframe")
    bib = page[page.index('<ol class="bib">'):page.index("</ol>", page.index('<ol class="bib">'))]
    external = [a for _, a in tags.tags for key in ("src", "href") if key in a
                and re.match(r"(?i)\s*(https?:)?//", a[key])]
    linked = set(re.findall(r'href="(https?://[^"]+)"', bib))
    assert external and {a["href"] for a in external} == linked   # only the bibliography's
    images = tags.all("img")
    assert len(images) == 1
    prefix = "data:image/png;base64,"
    assert images[0]["src"].startswith(prefix)
    png = (figure_dir / "sample.png").read_bytes()
    assert base64.b64decode(images[0]["src"][len(prefix):]) == png
    assert "url(" not in page and "@import" not in page


def test_every_math_is_mathml(sample):
    document, _, page, zh = sample
    for html in (page, zh):
        assert html.count("<math ") == html.count("</math>") == MATH_COUNT
        assert "merror" not in html
        text = re.sub(r"<math .*?</math>|<style>.*?</style>|<pre.*?</pre>", "", html, flags=re.S)
        assert "$" not in text and "\\" not in text   # no TeX left outside MathML
    table = page[page.index('id="tab:sample"'):]
    table = table[:table.index("</table>")]
    shown = [m for m in re.findall(r"<mn>([0-9.]+)</mn>", table) if "." in m]
    assert shown == [format(v, ".6g").split("e")[0] for v in TABLE_VALUES]   # 2.5 (·10⁻⁷)


def test_numbering_and_links_resolve(sample):
    document, _, page, _ = sample
    ids = {a["id"] for _, a in Tags(page).tags if "id" in a}
    targets = re.findall(r'href="#([^"]+)"', page)
    assert targets and set(targets) <= ids
    headings = re.findall(r"<h2>([^<]*)</h2>", page)
    assert headings == ["Contents", "1\u2003First things", "2\u2003Second things", "References",
                        "A\u2003The code"]
    assert '<span class="label">Figure 1.</span>' in page
    assert '<span class="label">Table 1.</span>' in page
    assert '<span class="label">Listing 1.</span>' in page
    assert '<a href="#fig:sample">Figure&nbsp;1</a>' in page
    assert '<a href="#app:code">Appendix&nbsp;A</a>' in page
    cites = re.findall(r'<a href="#ref-([^"]+)">(\d+)</a>', page)
    assert cites == [("pascanu2013", "1"), ("bengio1994", "2"), ("seed000", "3")]
    assert 'Sources [<a href="#ref-bengio1994">2</a>, <a href="#ref-seed000">3</a>]' in page
    assert re.findall(r'<li id="ref-([^"]+)">', page) == ["pascanu2013", "bengio1994", "seed000"]
    assert "RNN梯度消失和梯度爆炸的原因" in page   # the source article's own title
    assert '<span class="ln">2</span>h = np.tanh(w * h)  # one step' in page
    assert "<pre class=\"verbatim\">a &lt;b&gt; &amp; c</pre>" in page


def test_chinese_page(sample):
    document, _, _, zh = sample
    assert '<html lang="zh-Hans">' in zh and "<title>示例讲义</title>" in zh
    headings = re.findall(r"<h2>([^<]*)</h2>", zh)
    assert headings == ["目录", "1\u2003第一件事", "2\u2003第二件事", "参考文献", "A\u2003代码"]
    for word in ("本节要点", "小结", "图&nbsp;1", "表&nbsp;1", "附录&nbsp;A", "# 一步",
                 '<span class="label">图\u00a01.</span>'):
        assert word in zh
    assert "First things" not in zh and "The power" not in zh
    _, _, page, _ = sample
    links = re.compile(r'(?:id|href)="#?([^"]+)"')
    assert links.findall(zh) == links.findall(page)   # the same anchors and links, in order
    numbers = re.compile(r'<span class="label">\w+\s(\d+)\.</span>')
    assert numbers.findall(zh) == numbers.findall(page) == ["1", "1", "1"]


def test_step_reasons_translated(sample):
    """Each reason of the sample's steps reads in Chinese: its text chunks are translated
    (no English word left outside the math), its math is MathML."""
    document, _, _, _ = sample
    steps = [s for b in document.sections[0].blocks if isinstance(b, doc.Steps) for s in b.steps]
    for step in steps:
        shown = re.sub(r"<math .*?</math>", "", reason_html(step, "zh"), flags=re.S)
        assert not re.search(r"\b(the|of|at|step|by)\b", shown), (step.reason, shown)
    g = sympy.Symbol("g_k")
    step = derive.Step(sympy.Eq(g, 1), *derive.reason("50% of leaky_relu & ", g, " {is} $"))
    assert reason_html(step, "en").startswith("50% of leaky_relu &amp; <math ")
    assert reason_html(step, "en").endswith("</math> {is} $")


RENDER = ("import hashlib, sys; from pathlib import Path; "
          "from tests.html_sample import sample_document; "
          "from reports.render_html import render_html; "
          "folder = Path(sys.argv[1]); document = sample_document(folder); "
          "print(*(hashlib.sha256(render_html(document, folder, lang).encode()).hexdigest() "
          "for lang in ('en', 'zh')))")


def test_same_document_same_bytes(sample, tmp_path):
    """The same document gives the same bytes in every process: two fresh interpreters with
    different string-hash seeds (set order) each draw the sample and render both pages."""
    _, _, page, zh = sample
    expected = " ".join(hashlib.sha256(html.encode()).hexdigest() for html in (page, zh))
    digests = set()
    for seed in ("1", "2"):
        folder = tmp_path / f"seed-{seed}"
        folder.mkdir()
        digests.add(subprocess.run([sys.executable, "-c", RENDER, str(folder)], check=True,
                                   capture_output=True, text=True, cwd=ROOT,
                                   env={**os.environ, "PYTHONHASHSEED": seed,
                                        "PYTHONPATH": ROOT}).stdout.strip())
    assert digests == {expected}


def test_refusals(sample, tmp_path):
    document, figure_dir, _, _ = sample
    with pytest.raises(ValueError, match="language"):
        render_html(document, figure_dir, "fr")
    with pytest.raises(FileNotFoundError, match="sample"):
        render_html(document, tmp_path)


@pytest.mark.real_report
def test_real_report_reasons_all_translated(notes_document):
    """Uses the real report (reports.notes, built once per session): every text chunk of every
    derivation reason in it, and in the derivations of the RNN (every activation) and of every
    cell, has Chinese."""
    document, _, _ = notes_document
    steps = [s for section in document.sections for b in section.blocks
             if isinstance(b, doc.Steps) for s in b.steps]
    for activation in derive.activation_names():
        steps += derive.derivation(derive.RNN(2, activation=activation), 3).steps
    for name in derive.cell_names():
        steps += derive.derivation(derive.cell(name, 2), 3).steps
    missing = {text.strip() for step in steps for kind, text in reason_chunks(step)
               if kind == "text" and zh_chunk(text.strip()) is None}
    assert not missing, sorted(missing)


@pytest.mark.parametrize("english, chinese", [
    ("; here about 14.266", "；此处约为 14.266"),
    ("activation leaky_relu", "激活函数 leaky_relu"),
    (" from 1 to ", " 从 1 到 "),
    (", ", "，"),
    ("an unknown chunk ", "an unknown chunk "),
])
def test_reason_chunk_translation(english, chinese):
    """Exact chunks, chunks with a number (the number kept), punctuation, and English kept
    for a chunk the dictionary lacks."""
    from reports.html_math import translate_chunk
    assert translate_chunk(english, "zh") == chinese
    assert translate_chunk(english, "en") == english
