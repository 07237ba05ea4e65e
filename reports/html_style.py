"""The HTML report's inline style sheet (no fonts or anything else from the network) and its
interface words in English and Chinese."""

CSS = """
:root { color-scheme: light; }
body { font-family: Georgia, "Times New Roman", "DejaVu Serif", "Liberation Serif",
  "Noto Serif CJK SC", "Songti SC", SimSun, "WenQuanYi Micro Hei", serif;
  line-height: 1.55; max-width: 46em; margin: 2em auto; padding: 0 1em; color: #1a1a1a;
  background: #fff; font-size: 17px; }
h1 { font-size: 1.8em; line-height: 1.2; margin-bottom: .2em; }
h2 { font-size: 1.35em; margin-top: 2.2em; border-bottom: 1px solid #ccc; }
h4.run-in { font-size: 1em; margin: 1.2em 0 .3em; }
p.subtitle { font-style: italic; color: #444; }
a { color: #1f4e99; text-decoration: none; }
a:hover { text-decoration: underline; }
nav.toc ol { list-style: none; padding-left: 0; }
nav.toc li { margin: .15em 0; }
span.num { display: inline-block; min-width: 2em; }
div.learn, div.takeaway { border-left: 4px solid #1f4e99; background: #f3f6fb;
  padding: .5em .9em; margin: 1em 0; }
div.takeaway { border-color: #2e7d32; background: #f2f8f2; }
div.box-title { font-weight: bold; }
div.learn p, div.takeaway p { margin: .2em 0; }
math[display="block"] { margin: .6em 0; overflow-x: auto; overflow-y: hidden; }
div.display { overflow-x: auto; }
table { border-collapse: collapse; margin: 1em auto; }
table.data { border-top: 2px solid #000; border-bottom: 2px solid #000; min-width: 70%; }
table.data thead th { border-bottom: 1px solid #000; }
table.data th, table.data td { padding: .25em .7em; vertical-align: top; }
div.table-wrap { overflow-x: auto; }
table caption { caption-side: top; margin-bottom: .4em; text-align: left; }
table.steps, table.aligned { width: 100%; margin: .8em 0; }
table.steps { table-layout: fixed; }
table.steps td.formula { width: 65%; }
table.steps td.formula div { overflow-x: auto; overflow-y: hidden; padding: .1em 0; }
table.steps td, table.aligned td { padding: .15em .4em; vertical-align: middle; }
table.steps td.why { color: #444; font-size: .9em; text-align: right; width: 35%; }
table.steps td.formula math, table.aligned td math { math-style: normal; }  /* displaystyle */
table.aligned td.lhs { text-align: right; width: 1%; white-space: nowrap; }
figure { margin: 1.5em 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption, table caption { font-size: .93em; }
figcaption { text-align: left; margin-top: .4em; }
span.label { font-weight: bold; }
span.nobr { white-space: nowrap; }
blockquote { margin: 1em 0; padding: .3em 1em; border-left: 3px solid #bbb; color: #333;
  font-style: italic; background: #fafafa; }
blockquote p { margin: .3em 0; }
html[lang="zh-Hans"] em, html[lang="zh-Hans"] blockquote, html[lang="zh-Hans"] p.subtitle
{ font-style: normal; }   /* no slanted CJK */
code, pre { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .88em; }
pre { background: #f7f7f7; border: 1px solid #ddd; padding: .6em .8em; overflow-x: auto;
  line-height: 1.4; }
pre.listing span.ln { display: inline-block; width: 2.5em; color: #888; user-select: none;
  text-align: right; margin-right: 1em; }
ol.bib { padding-left: 2.5em; }
ol.bib li { margin: .3em 0; }
@page { margin: 2cm; }
@media print {
  div.table-wrap, div.display, table.steps td.formula div { overflow: visible; }
  body { max-width: none; margin: 0; font-size: 11pt; }
  a { color: inherit; }
  nav.toc { page-break-after: always; }
  figure, table, pre, div.learn, div.takeaway { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"""

WORDS = {
    "en": {"contents": "Contents", "learn": "What you will learn", "takeaway": "Take-away",
           "references": "References", "appendix": "Appendix", "undated": "n.d.",
           "original": "original title"},
    "zh": {"contents": "目录", "learn": "本节要点", "takeaway": "小结", "references": "参考文献",
           "appendix": "附录",
           "undated": "无日期", "original": "原标题"},
}

HTML_LANG = {"en": "en", "zh": "zh-Hans"}
FULL_WIDTH = "，。；：、！？（）《》“”‘’【】"   # Chinese punctuation: no space around it

__all__ = ["CSS", "FULL_WIDTH", "HTML_LANG", "WORDS"]
