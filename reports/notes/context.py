"""What a section builder gets: where figures go, and a way to draw one."""

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from reports import figures  # noqa: E402


@dataclass
class Context:
    """``figure_dir``: the report's figures/ folder; ``command``: the command line that
    writes the report (printed in it); ``written``: every file drawn so far."""

    figure_dir: Path
    command: str = "rnngrad report"
    written: list = field(default_factory=list)

    def draw(self, stem, plot, data=None, **subplots):
        """Draw ``plot(ax, data)`` (or ``plot(fig, data)`` when ``subplots`` has ``fig=True``)
        in the report's style and save ``figures/<stem>.pdf`` and ``.png``; returns the stem."""
        with plt.rc_context(figures.STYLE):
            if subplots.pop("fig", False):
                fig = plt.figure(**subplots)
                plot(fig, data)
            else:
                fig, ax = plt.subplots(**subplots)
                plot(ax, data)
            self.written.extend(figures.save(fig, str(Path(self.figure_dir, stem))))
        return stem
