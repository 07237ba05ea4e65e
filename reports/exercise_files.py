"""Writing an exercise's folder: case.json, answer.json, task.md and solutions.md, the sheets
as HTML (``reports.render_html``) and, with a TeX engine, as PDF (``reports.render_tex`` and
``reports.files.build_pdf``, as the report builds its own).  Every file is written atomically;
the same exercise gives the same bytes, PDFs included (``build_pdf``)."""

from pathlib import Path

from reports.exercise import case_text, template_text
from reports.exercise_markdown import render_markdown
from reports.exercise_sheets import task_document
from reports.exercise_solutions import solutions_document
from reports.files import (
    NO_TEX,
    TexFailed,
    TexUnavailable,
    build_pdf,
    folder_lock,
    interruptible,
    write_atomic,
)
from reports.render_html import render_html
from reports.render_tex import render_tex

SHEETS = ("task", "solutions")


def write_exercise(outdir, ex, pdf=True):
    """Write the exercise ``ex`` into ``outdir``; returns (written paths, notes): a note says
    why the PDFs were not built (no TeX engine, or TeX failed), else none."""
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {outdir} is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    with interruptible(), folder_lock(out):   # a second writer into ``out`` waits
        return _write(out, ex, pdf)


def _write(out, ex, pdf):
    written, notes = [], []

    def write(name, text):
        write_atomic(out / name, text)
        written.append(str(out / name))

    write("case.json", case_text(ex.data))
    write("answer.json", template_text(ex.questions))
    documents = {"task": task_document(ex), "solutions": solutions_document(ex)}
    for name, document in documents.items():
        write(f"{name}.md", render_markdown(document))
        write(f"{name}.html", render_html(document, out))
    for name in SHEETS:
        (out / f"{name}.pdf").unlink(missing_ok=True)   # an older PDF would not match
    if not pdf:
        return written, notes
    for name, document in documents.items():
        try:
            build_pdf(render_tex(document), out / f"{name}.pdf")
        except TexUnavailable:
            notes.append(f"task.pdf and solutions.pdf not built: {NO_TEX}")
            break
        except TexFailed as err:
            notes.append(f"{name}.pdf not built: {err}")
            continue
        written.append(str(out / f"{name}.pdf"))
    return written, notes
