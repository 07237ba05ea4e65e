"""Print quality: figures are drawn at the size they print, so ``Context.draw`` refuses a
figure wider than A4's text width or with any visible text under 8 pt; the report style's
defaults are within those limits; a page holding one small float is caught by the page-fill
rule (tests/print_sample.py ``sparse_pages``) that the report's builds are held to."""

import re
import subprocess

import matplotlib.pyplot as plt
import pytest
from matplotlib.font_manager import FontProperties

from reports import figures
from reports.doc import Figure
from reports.files import build_pdf
from reports.notes import Context
from reports.render_tex import render_tex
from tests.print_sample import page_texts, sample_document, sparse_pages

A4_TEXT_WIDTH_PT = (210 - 2 * 22) / 25.4 * 72   # PDF points (1/72 in): 470.55


def _line(ax, _data, **legend):
    ax.plot([0, 1], [0, 1], label="w = 0.5")
    ax.set_xlabel("T")
    ax.legend(**legend)


def test_figure_with_a_6_pt_legend_is_refused(tmp_path):
    ctx = Context(tmp_path)
    with pytest.raises(ValueError, match=r"'w = 0\.5' at 6 pt"):
        ctx.draw("small", lambda ax, data: _line(ax, data, fontsize=6))
    assert list(tmp_path.iterdir()) == [] and ctx.written == []


@pytest.mark.parametrize("shrink", [
    lambda ax: ax.tick_params(labelsize=7),
    lambda ax: ax.set_title("a title", fontsize=7.5),
    lambda ax: ax.text(0.5, 0.5, "a note", fontsize=5),
    lambda ax: ax.figure.colorbar(ax.pcolormesh([[0, 1]]), ax=ax).ax.tick_params(labelsize=6),
])
def test_small_text_anywhere_is_refused(shrink, tmp_path):
    def plot(ax, data):
        _line(ax, data)
        shrink(ax)

    with pytest.raises(ValueError, match=r"smaller than 8 pt at the printed size"):
        Context(tmp_path).draw("small", plot)


def test_figure_wider_than_the_a4_text_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"7\.00 in wide.*at most 6\.54 in"):
        Context(tmp_path).draw("wide", _line, figsize=(7.0, 3.0))


def test_hidden_small_text_is_no_obstacle(tmp_path):
    def plot(ax, data):
        _line(ax, data)
        ax.text(0.5, 0.5, "hidden", fontsize=4, visible=False)

    Context(tmp_path).draw("ok", plot)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.pdf", "ok.png"]


def test_style_defaults_print_at_8_pt_or_more_and_fit_the_page():
    with plt.rc_context(figures.STYLE):
        sizes = {key: FontProperties(size=plt.rcParams[key]).get_size_in_points()
                 for key in ("font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize",
                             "ytick.labelsize", "legend.fontsize", "legend.title_fontsize",
                             "figure.titlesize")}
        width = plt.rcParams["figure.figsize"][0]
    assert min(sizes.values()) >= 8, sizes
    assert width <= 6.3


def _pdf_width_pt(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return float(re.search(r"Page size:\s+([\d.]+) x", info.stdout).group(1))


def test_default_figure_is_saved_at_its_printed_size(tmp_path):
    """The saved PDF is the figure's size (6 in = 432 pt): nothing scales it afterwards."""
    Context(tmp_path).draw("default", _line)
    assert _pdf_width_pt(tmp_path / "default.pdf") == pytest.approx(6.0 * 72, abs=0.5)


@pytest.fixture(scope="module")
def report_figures(notes_document):
    """(figure blocks of the full report, Context) with the figures drawn (the session's
    build of the notes)."""
    document, _, ctx = notes_document
    blocks = [b for s in document.sections for b in s.blocks if isinstance(b, Figure)]
    return blocks, ctx


def test_every_report_figure_is_drawn_through_the_checks_and_fits_a4(report_figures):
    blocks, ctx = report_figures
    written = {str(path) for path in ctx.written}
    for block in blocks:
        pdf = ctx.figure_dir / f"{block.stem}.pdf"
        assert str(pdf) in written and str(pdf.with_suffix(".png")) in written
        assert _pdf_width_pt(pdf) <= A4_TEXT_WIDTH_PT + 0.5


def test_page_rule_catches_a_page_holding_one_small_float(tmp_path):
    """The sample with its narrow figure forced onto a float page of its own ("p", float
    pages allowed however empty): that page, and only it, is flagged."""
    document, _ = sample_document(tmp_path / "figures")
    narrow = "\\begin{figure}[!htbp]\\centering\n\\includegraphics{figures/narrow.pdf}"
    tex = render_tex(document, "a4")
    assert narrow in tex
    tex = tex.replace(narrow, narrow.replace("!htbp", "p")).replace(
        "\\floatpagefraction}{0.8}", "\\floatpagefraction}{0.01}")
    build_pdf(tex, tmp_path / "sparse.pdf", assets=tmp_path / "figures")
    texts = page_texts(tmp_path / "sparse.pdf")
    alone = [page for page, text in enumerate(texts, start=1) if "Figure 4: A narrow" in text]
    assert sparse_pages(tmp_path / "sparse.pdf") == alone
