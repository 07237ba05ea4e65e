"""What a section builder gets: where figures go, and a way to draw one.

Figures are drawn at the size they print (the PDF includes them at natural size), so after
plotting ``Context.draw`` checks the print rules: the figure is no wider than the narrower
paper's text width (``reports.render_tex.FIGURE_MAX_WIDTH_IN``) and every visible piece of
text (titles, axis labels, tick labels, legends, colour bars, annotations) is at least
``MIN_FONT_PT`` points; a figure that breaks them is refused with ValueError."""

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from reports import figures  # noqa: E402
from reports.render_tex import FIGURE_MAX_WIDTH_IN  # noqa: E402

MIN_FONT_PT = 8.0


@dataclass
class Context:
    """``figure_dir``: the report's figures/ folder; ``command``: the command line that
    writes the report (printed in it); ``written``: every file drawn so far."""

    figure_dir: Path
    command: str = "rnngrad report"
    written: list = field(default_factory=list)

    def draw(self, stem, plot, data=None, **subplots):
        """Draw ``plot(ax, data)`` (or ``plot(fig, data)`` when ``subplots`` has ``fig=True``)
        in the report's style, laid out by matplotlib's constrained layout (unless
        ``subplots`` gives another ``layout``), check it (``check_print``) and save
        ``figures/<stem>.pdf`` and ``.png``; returns the stem."""
        subplots.setdefault("layout", "constrained")
        with plt.rc_context(figures.STYLE):
            if subplots.pop("fig", False):
                fig = plt.figure(**subplots)
                plot(fig, data)
            else:
                fig, ax = plt.subplots(**subplots)
                plot(ax, data)
            try:
                check_print(fig, stem)
            except ValueError:
                plt.close(fig)
                raise
            self.written.extend(figures.save(fig, str(Path(self.figure_dir, stem))))
        return stem


def check_print(fig, stem="figure"):
    """ValueError unless ``fig`` is at most FIGURE_MAX_WIDTH_IN wide and every visible text
    in it is at least MIN_FONT_PT points (the figure is laid out first, so tick labels
    exist)."""
    width = fig.get_size_inches()[0]
    if width > FIGURE_MAX_WIDTH_IN + 1e-9:
        raise ValueError(f"figure {stem!r} is {width:.2f} in wide; the report prints figures "
                         f"at natural size, at most {FIGURE_MAX_WIDTH_IN:.2f} in (A4's text "
                         "width): pass a smaller figsize")
    fig.canvas.draw()
    small = sorted({(text.get_fontsize(), text.get_text()) for text in visible_texts(fig)
                    if text.get_fontsize() < MIN_FONT_PT - 1e-9})
    if small:
        shown = "; ".join(f"{text!r} at {size:g} pt" for size, text in small[:5])
        raise ValueError(f"figure {stem!r} has text smaller than {MIN_FONT_PT:g} pt at the "
                         f"printed size: {shown}: use font sizes of {MIN_FONT_PT:g} or more")


def visible_texts(fig):
    """Every Text artist of ``fig`` that shows something: visible itself and in all its
    parents' chain as far as matplotlib records it, with non-empty text."""
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip() and _shown(text):
            yield text


def _shown(artist):
    axes = artist.axes
    return axes is None or axes.get_visible()
