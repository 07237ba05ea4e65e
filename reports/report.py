"""``rnngrad report``: the lecture notes as report.pdf (through report.tex) and as one
self-contained report.html, with figures/ and results.json (every number the notes show).
Files are written atomically, so an interrupted run leaves only complete files; the same
command gives the same bytes."""

import json
from pathlib import Path

from reports import notes
from reports.doc import LANGUAGES
from reports.files import (
    TexFailed,
    TexUnavailable,
    build_pdf,
    folder_lock,
    interruptible,
    write_atomic,
)
from reports.render_html import render_html
from reports.render_tex import PAPERS, render_tex

FORMATS = {"pdf": ("pdf",), "html": ("html",), "all": ("pdf", "html")}


class PdfNotBuilt(RuntimeError):
    """report.pdf was asked for and not built; ``written`` lists the files that were."""

    def __init__(self, message, written, no_tex):
        super().__init__(message)
        self.written, self.no_tex = written, no_tex


def results_json(results):
    """results.json's text: strict JSON (no Infinity or NaN: a value that is not finite is
    null with a ``<key>_note``), keys sorted."""
    return json.dumps(results, indent=2, sort_keys=True, allow_nan=False) + "\n"


def write_report(outdir, command, progress=print, formats="all", paper="a4", lang="en"):
    """Write the report into ``outdir``; returns the list of written paths.

    ``formats``: "pdf", "html" or "all"; ``paper``: "a4" or "letter" (the PDF); ``lang``:
    "en" or "zh" (the HTML; the PDF is in English).  report.tex and results.json are always
    written.  PdfNotBuilt when the PDF was asked for and not built (the other files are
    written by then)."""
    if formats not in FORMATS:
        raise ValueError(f"unknown format {formats!r}: choose pdf, html or all")
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}: choose a4 or letter")
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose en or zh")
    out = Path(outdir)
    if not str(outdir).strip():
        raise ValueError("--out must name an output folder, got an empty path")
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {outdir} is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    with interruptible(), folder_lock(out, lambda: progress(f"waiting: another report is "
                                                             f"being written into {out}")):
        return _write(out, command, progress, formats, paper, lang)


def _write(out, command, progress, formats, paper, lang):
    figure_dir = out / "figures"
    figure_dir.mkdir(parents=True, exist_ok=True)
    ctx = notes.Context(figure_dir, command)
    document, results = notes.document(ctx, progress)
    written = list(ctx.written)
    tex = render_tex(document, paper)
    write_atomic(out / "report.tex", tex)
    write_atomic(out / "results.json", results_json(results))
    written += [str(out / "report.tex"), str(out / "results.json")]
    if "html" in FORMATS[formats]:
        progress("HTML")
        write_atomic(out / "report.html", render_html(document, figure_dir, lang))
        written.append(str(out / "report.html"))
    (out / "report.pdf").unlink(missing_ok=True)   # an older PDF would not match report.tex
    if "pdf" in FORMATS[formats]:
        progress("PDF")
        try:
            build_pdf(tex, out / "report.pdf", assets=figure_dir, log_path=out / "report.log")
        except (TexUnavailable, TexFailed) as err:
            raise PdfNotBuilt(f"wrote {len(written)} files in {out} but not report.pdf: {err}",
                              written, isinstance(err, TexUnavailable)) from None
        written += [str(out / "report.pdf"), str(out / "report.log")]
    return written
