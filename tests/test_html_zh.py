"""The Chinese HTML page's typography: citations spaced by their neighbours, run-in headings
without "。", no line starting with full-width punctuation after math, flat inline fences,
quotations as block quotes, a Chinese bibliography entry for each source article, and a
derivation reason whose Chinese puts the formula first."""

import re

import sympy as sp

import derive
from reports import doc
from reports.html_math import mathml_tex, reason_html
from reports.references import REFERENCES
from reports.render_html import render_html

X = sp.Symbol("x")


def _page(tmp_path, *blocks, cited=("seed000", "seed003")):
    section = doc.Section("sec:one", doc.tr("One", "一"), (doc.tr("learn", "要点"),), blocks,
                          (doc.tr("end", "小结"),))
    document = doc.Document(doc.tr("T", "题"), doc.tr("S", "副题"), (section,),
                            {key: REFERENCES[key] for key in cited})
    return render_html(document, tmp_path, "zh"), render_html(document, tmp_path, "en")


def test_citations_headings_and_punctuation(tmp_path):
    zh, en = _page(
        tmp_path, doc.Heading(doc.tr("LSTM.", "LSTM。")),
        doc.Para(doc.tr("the model (RNN)", "模型（RNN）"), doc.Cite("seed000"),
                 doc.tr(" reads", "读入"), doc.Math(X), doc.tr(", then", " ，然后"),
                 doc.tr("", "第二篇原文"), doc.Cite("seed003"), doc.tr(" ends.", "。")))
    assert '<h4 class="run-in">LSTM</h4>' in zh and '<h4 class="run-in">LSTM.</h4>' in en
    assert "（RNN）[<a" in zh and "</a>] 读入" in zh       # no space after "）", one before 读
    assert "原文\u00a0[<a" in zh and "</a>]。" in zh
    assert re.search(r'<span class="nobr"><math[^>]*>.*?</math>，</span>然后', zh)
    assert " ，" not in zh


def test_flat_fences_and_quotations(tmp_path):
    flat = mathml_tex(r"\tanh{\left(a_{1} \right)}")
    assert 'stretchy="true"' not in flat and flat.count('lspace="0" rspace="0"') == 2
    tall = mathml_tex(r"\left(\frac{1}{2}\right)")
    assert tall.count('stretchy="true"') == 2
    zh, _ = _page(tmp_path, doc.Para(doc.Emph(doc.tr("Question: why?", "问题：为什么？"))))
    assert "<blockquote><p>问题：为什么？</p></blockquote>" in zh
    assert re.search(r'html\[lang="zh-Hans"\] em[^{]*\{ font-style: normal; \}', zh)


def test_chinese_bibliography_of_the_source_articles(tmp_path):
    zh, en = _page(tmp_path, doc.Para(doc.Cite("seed000", "seed003")))
    assert "佚名（无日期）. 《RNN梯度消失和梯度爆炸的原因》. 中文文章，附 Python 代码；" in zh
    assert "无标题；开篇语：“……深入剖析循环神经网络（RNN）中长期依赖问题的根源" in zh
    assert "anonymous" not in zh and "原标题" not in zh and "anonymous (n.d.)" in en


def test_reason_with_the_formula_first():
    w_hh = sp.MatrixSymbol("W_hh", 1, 1)
    step = derive.Step(sp.Eq(X, 1), *derive.reason("the largest singular value of ", w_hh))
    html = reason_html(step, "zh")
    assert html.startswith("<math") and html.endswith(" 的最大奇异值")
