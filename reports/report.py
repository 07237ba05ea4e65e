"""``rnngrad report``: the whole tool as one document — report.tex, report.pdf, figures/ and
results.json (every number the document shows).  Files are written atomically, so an
interrupted run leaves only complete files; the same command gives the same bytes.
"""

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from reports import audit, figures, sections  # noqa: E402
from reports import cells_curves as curves  # noqa: E402
from reports import section_cells as cells  # noqa: E402
from reports import sections_more as more  # noqa: E402
from reports.files import TexFailed, TexUnavailable, build_pdf, write_atomic  # noqa: E402

HEAD = r"""\documentclass[11pt]{article}
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb,graphicx,booktabs}
\allowdisplaybreaks
\title{Why RNN gradients vanish or explode:\\ exact derivations, checked by numbers}
\author{rnngrad}
\date{}
\begin{document}
\maketitle
\tableofcontents
"""


def section_list(figure_dir, written=None):
    """(title, build) of every section; figures a section draws are added to ``written``."""
    def draw(stem, plot, **size):
        def figure(data):
            with plt.rc_context(figures.STYLE):
                fig, ax = plt.subplots(**size)
                plot(ax, data)
                paths = figures.save(fig, str(Path(figure_dir, stem)))
            if written is not None:
                written.extend(paths)
        return figure

    return [
        ("Setting and notation", sections.setting),
        ("The scalar linear RNN", sections.scalar_linear),
        ("The scalar tanh RNN of seed 000", sections.seed000_tanh),
        ("The vector RNN: Jacobians, bounds and activation gains", sections.vector_rnn),
        ("A worked 2x2 example, verified", sections.worked_example),
        ("Per-step BPTT contributions and the seed program",
         lambda: more.seed_program(draw("bptt_contributions",
                                        figures.plot_bptt_contributions))),
        ("Sweeps over T and w", more.sweeps),
        ("ReLU: the open question of seed 003", more.relu),
        ("Gradient clipping: mitigation, not cure", more.clipping),
        ("The dynamical-systems view", more.gelfand),
        (cells.TITLE, lambda: cells.gated_cells(draw("gated_cells", curves.plot_gated_cells,
                                                     figsize=(7.0, 4.6)))),
        ("Audit of the seeds' claims", audit.audit),
        ("Reproducibility", None),
    ]


def results_json(results):
    """results.json's text: strict JSON (no Infinity or NaN: a value that is not finite is
    null with a ``<key>_note``, see ``sections_more.finite_or_null``), keys sorted."""
    return json.dumps(results, indent=2, sort_keys=True, allow_nan=False) + "\n"


def write_report(outdir, command, progress=print, pdf=True):
    """Write the report into ``outdir``; returns the list of written paths.  With ``pdf``,
    RuntimeError when report.pdf is not built (the other files are written by then)."""
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {outdir} is a file, not a folder")
    figure_dir = out / "figures"
    figure_dir.mkdir(parents=True, exist_ok=True)
    progress("figures")
    written = figures.write_all(str(figure_dir))
    parts, results = [HEAD], {}
    for title, build in section_list(figure_dir, written):
        progress(title)
        text, numbers = build() if build else more.reproducibility(command)
        parts.append(f"\\section{{{title}}}\n{text}\n")
        results.update(numbers)
    parts.append("\\end{document}\n")
    tex = "".join(parts)
    write_atomic(out / "report.tex", tex)
    write_atomic(out / "results.json", results_json(results))
    written += [str(out / "report.tex"), str(out / "results.json")]
    (out / "report.pdf").unlink(missing_ok=True)   # an older PDF would not match report.tex
    if pdf:
        progress("PDF")
        try:
            build_pdf(tex, out / "report.pdf", assets=figure_dir)
        except (TexUnavailable, TexFailed) as err:
            raise RuntimeError(f"wrote {len(written)} files in {out} but not report.pdf: "
                               f"{err}") from None
        written.append(str(out / "report.pdf"))
    return written
