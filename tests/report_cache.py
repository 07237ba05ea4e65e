"""One real ``rnngrad report`` for the test session, recorded on the way, so the tests that
only read its outputs, or only vary what is done with the finished sections (format, paper,
language, a missing TeX engine), need not compute the notes again (each computation of every
section takes about 20 s of CPU; the suite is near CI's 15-minute limit).

``run_recorded(out)`` runs ``rnngrad report`` into ``out`` with every section builder of
``reports.notes.SECTIONS`` wrapped: each real ``build(ctx)`` runs once and its (section,
numbers, the figure files it drew) are recorded, and so is what ``notes.document`` returned
with its ``Context``.  ``Recorded.replaying()`` then puts every section builder except the
reproducibility appendix's (it prints the command line, which differs between runs) back as a
replay: it copies the section's recorded figure files into the new ``ctx.figure_dir``, lists
them in ``ctx.written`` in the order they were drawn and returns the recorded section and
numbers.  ``notes.document``, the renderers, ``reports.report.write_report`` and the CLI all
run for real.  Sections are pure functions of their seeds (the report is deterministic, which
tests/test_report.py checks on two real builds), so a replay gives the bytes a real build
would."""

import contextlib
import copy
import dataclasses
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

NOT_REPLAYED = ("reports.notes.reproducibility",)   # prints ctx.command


@dataclass
class Recorded:
    """``out``: the report folder; ``document``, ``results``, ``ctx``: what
    ``notes.document`` returned and the Context it drew into (figures in ``out/figures``);
    ``sections``: {module name: (section, numbers, [(figure path relative to figure_dir,
    listed as str)])}; ``figures``: a private copy of the figures the replays copy from."""

    out: Path
    figures: Path
    document: object = None
    results: dict = None
    ctx: object = None
    sections: dict = field(default_factory=dict)

    @contextlib.contextmanager
    def replaying(self):
        """Within: every recorded section builder (but NOT_REPLAYED) replays its record."""
        from reports import notes

        with pytest.MonkeyPatch.context() as patch:
            for module in notes.SECTIONS:
                if module.__name__ in self.sections and module.__name__ not in NOT_REPLAYED:
                    patch.setattr(module, "build", self._replay(module.__name__))
            yield

    def _replay(self, name):
        section, numbers, drawn = self.sections[name]

        def build(ctx):
            for relative, as_str in drawn:
                target = Path(ctx.figure_dir) / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.figures / relative, target)
                ctx.written.append(str(target) if as_str else target)
            return section, copy.deepcopy(numbers)

        return build


def run_recorded(out, figures):
    """``rnngrad report`` (the CLI's main, default options) run with its working folder the
    parent of ``out`` (``out`` is named "out", the default, so the command the report prints
    is plain ``rnngrad report``, the same as ``write_report(..., "rnngrad report")``), every
    section recorded; the figures are copied to ``figures``.  Returns ``Recorded``."""
    from reports import notes
    from reports.cli import main

    out = Path(out)
    assert out.name == "out" and not out.exists()
    record = Recorded(out, Path(figures))
    real_document = notes.document

    def document(ctx, progress=lambda step: None):
        record.document, record.results = real_document(ctx, progress)
        record.ctx = ctx
        return record.document, record.results

    def recording(module, real_build):
        def build(ctx):
            start = len(ctx.written)
            section, numbers = real_build(ctx)
            drawn = [(Path(p).relative_to(ctx.figure_dir), isinstance(p, str))
                     for p in ctx.written[start:]]
            record.sections[module.__name__] = (section, copy.deepcopy(numbers), drawn)
            return section, numbers

        return build

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(out.parent)
        patch.setattr(notes, "document", document)
        for module in notes.SECTIONS:
            patch.setattr(module, "build", recording(module, module.build))
        assert main(["report"]) == 0
    assert record.document is not None and len(record.sections) == len(notes.SECTIONS)
    ctx = record.ctx    # its paths are relative to out.parent, the run's working folder
    record.ctx = dataclasses.replace(
        ctx, figure_dir=out.parent / ctx.figure_dir,
        written=[type(p)(out.parent / p) for p in ctx.written])
    shutil.copytree(record.ctx.figure_dir, record.figures)
    return record
