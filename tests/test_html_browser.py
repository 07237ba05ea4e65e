"""The HTML report in a real browser: Debian's headless chromium driven by selenium through
Debian's chromedriver (both from scripts/install.sh --test; selenium is given their paths, so
it downloads nothing).  One browser session for the module; the real report (English and
Chinese) and a sample document holding every block type are loaded from files.  And the HTML
and the PDF of one report carry the same section titles and the same numbers."""

import re
import subprocess
import unicodedata
from html import unescape

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from reports import notes
from reports.files import build_pdf
from reports.render_html import render_html
from reports.render_tex import render_tex
from reports.report import write_report
from tests.html_sample import sample_document

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"

IMAGES_DECODED = """return Array.from(document.images).map(
    img => [img.complete && img.naturalWidth > 0, img.naturalWidth, img.naturalHeight]);"""
MATH_SIZES = """return Array.from(document.getElementsByTagName('math')).map(
    m => { const r = m.getBoundingClientRect(); return [r.width, r.height]; });"""


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingOptions", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def report_en(built):
    """The real report, HTML and PDF (English): the session's ``rnngrad report``."""
    return built


@pytest.fixture(scope="module")
def pages(report_en, report_run, tmp_path_factory):
    """name -> report.html path: the real report in English and Chinese (written by
    ``write_report`` from the session's sections replayed: the language changes nothing
    before the rendering), and the sample."""
    zh = tmp_path_factory.mktemp("report_zh")
    with report_run.replaying():
        write_report(zh, "rnngrad report", progress=lambda step: None, formats="html",
                     lang="zh")
    sample = tmp_path_factory.mktemp("sample")
    (sample / "report.html").write_text(
        render_html(sample_document(sample / "figures"), sample / "figures"), encoding="utf-8")
    return {"en": report_en / "report.html", "zh": zh / "report.html",
            "sample": sample / "report.html"}


@pytest.mark.parametrize("name", ["en", "zh", "sample"])
def test_page_loads_and_lays_out(browser, pages, name, tmp_path):
    """No console message of level SEVERE; every <img> decoded; every <math> laid out with a
    non-zero width and height; the first screen saved as a screenshot (its path printed)."""
    browser.get(pages[name].as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not severe, severe
    images = browser.execute_script(IMAGES_DECODED)
    assert all(decoded for decoded, _, _ in images), images
    html = pages[name].read_text(encoding="utf-8")
    assert len(images) == html.count("<img ")
    sizes = browser.execute_script(MATH_SIZES)
    assert len(sizes) == html.count("<math ")
    assert all(width > 0 and height > 0 for width, height in sizes), sizes
    if name == "sample":
        assert len(sizes) > 30 and images
    lang = browser.execute_script("return document.documentElement.lang")
    assert lang == ("zh-Hans" if name == "zh" else "en")
    shot = tmp_path / f"first-screen-{name}.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 1000
    print(f"screenshot: {shot}")


def pdf_text(path):
    """The PDF's text in its layout (a heading's number stays on the heading's line; without
    -layout pdftotext mixes the contents' numbers and page numbers), whitespace collapsed,
    ligatures and typographic quotes made plain."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text)


def html_facts(html):
    """From the page: section headings ("1 Title", …, "A Title") in order; the caption labels
    ("Figure 1", "Table 1", "Listing 1") in order; and per data table its label with the
    decimal numbers (<mn> with a point) of its cells, in order."""
    headings = [re.sub(r"\s+", " ", unescape(h)) for h in
                re.findall(r'<section id="(?:sec|app):[^"]*">\n<h2>([^<]*)</h2>', html)]
    labels = re.findall(r'<span class="label">(\w+ \d+)\.</span>', html)
    tables = re.findall(r'<table class="data".*?</table>', html, flags=re.S)
    numbers = [(re.search(r'<span class="label">(Table \d+)\.</span>', t).group(1),
                re.findall(r"<mn>([0-9]+\.[0-9]+)</mn>", t)) for t in tables]
    return headings, labels, numbers


def in_order(needles, text):
    """Whether the strings occur in ``text`` in this order (each after the previous one)."""
    at = 0
    for needle in needles:
        at = text.find(needle, at)
        if at < 0:
            return False
        at += len(needle)
    return True


def by_kind(labels):
    """{"Figure": [1, 2, …], "Table": […], "Listing": […]}: each kind's numbers in order."""
    kinds = {}
    for label in labels:
        kind, number = label.split()
        kinds.setdefault(kind, []).append(int(number))
    return kinds


def assert_same_facts(html, pdf):
    """The HTML and PDF agree: the section headings occur in the PDF in the same order, twice
    (the contents, then the body: "3 The vector case: …"); the PDF's caption labels
    ("Figure 2:", LaTeX's caption form) are the HTML's, kind by kind in the same order, none
    more (LaTeX floats may move a figure past a table, so the kinds are compared apart);
    every decimal number of each HTML table occurs in the PDF between that table's caption
    and the next one, as often as in the HTML (pdftotext may interleave the lines of a
    table's wrapped cells, so the order within a table is not compared).  Titles and
    numbers are compared as printed text, so a renumbering, a section in another order, a
    missing caption or a number printed with other digits in one format fails."""
    headings, labels, tables = html_facts(html)
    text = pdf_text(pdf)
    assert headings and in_order(headings + headings, text), (headings, text[:2000])
    captions = list(re.finditer(r"\b((?:Figure|Table|Listing) \d+):", text))
    assert by_kind([c.group(1) for c in captions]) == by_kind(labels)
    ends = {c.group(1): (captions[i + 1].start() if i + 1 < len(captions) else len(text))
            for i, c in enumerate(captions)}
    starts = {c.group(1): c.start() for c in captions}
    for label, numbers in tables:
        window = text[starts[label]:ends[label]]
        missing = [n for n in set(numbers) if window.count(n) < numbers.count(n)]
        assert not missing, (label, missing)
    return headings, labels, [n for _, numbers in tables for n in numbers]


def test_html_and_pdf_of_the_report_agree(report_en):
    """The real report (write_report formats="all"): same titles, numbers and captions."""
    html = (report_en / "report.html").read_text(encoding="utf-8")
    headings, _, _ = assert_same_facts(html, report_en / "report.pdf")
    assert len(headings) == len(notes.SECTIONS) and headings[0].startswith("1 ")


def test_html_and_pdf_of_the_sample_agree(tmp_path):
    """The sample document (a table with decimals, a figure, a listing, an appendix) through
    both renderers: the comparison above finds every kind of fact it checks."""
    figure_dir = tmp_path / "figures"
    document = sample_document(figure_dir, ascii_references=True)
    build_pdf(render_tex(document), tmp_path / "sample.pdf", assets=figure_dir,
              log_path=tmp_path / "sample.log")
    _, labels, numbers = assert_same_facts(render_html(document, figure_dir),
                                           tmp_path / "sample.pdf")
    assert labels == ["Table 1", "Figure 1", "Listing 1"] and numbers == ["0.123456", "2.5",
                                                                           "1234.57"]
