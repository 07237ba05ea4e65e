"""rnngrad report end to end: real TeX build, every section in the PDF and the HTML, the
formats, paper sizes and languages, determinism, bad output folders, interrupts.

Computing the notes' sections takes about 20 s of CPU, so the real computation runs twice in
this module: the session's ``rnngrad report`` (conftest ``built``) and ``no_tex_run`` (the
same command, without TeX), which the determinism test compares.  The tests of what the
format, paper and language options do with the finished sections use ``replayed_sections``
(tests/report_cache.py: the session's sections replayed; the CLI, ``write_report`` and the
renderers run for real)."""

import contextlib
import io
import re
import shutil
import subprocess
from html import unescape

import pytest

from reports import files, notes, report
from reports.cli import main


def pdf_text(pdf):
    return subprocess.run([shutil.which("pdftotext"), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_report_pdf_and_html_have_every_section(built):
    pdf = built / "report.pdf"
    html = unescape((built / "report.html").read_text(encoding="utf-8"))
    assert pdf.read_bytes().startswith(b"%PDF")
    text = " ".join(pdf_text(pdf).replace("\u2019", "'").split())   # TeX sets ' as ’
    for module in notes.SECTIONS:
        assert module.TITLE.en in text, module.TITLE.en
        assert module.TITLE.en in html, module.TITLE.en


@pytest.fixture(scope="module")
def no_tex_run(tmp_path_factory):
    """``rnngrad report`` (default options, so the command is the session build's) run from a
    folder of its own without a TeX engine, every section computed: (out, exit status,
    stderr)."""
    cwd = tmp_path_factory.mktemp("no-tex")
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(err):
        patch.chdir(cwd)
        patch.setattr(files.shutil, "which", lambda name: None)
        status = main(["report"])
    return cwd / "out", status, err.getvalue()


def test_report_is_deterministic(built, no_tex_run):
    """The same command twice: byte-identical report.tex, report.html, results.json, figures.
    The second run is ``no_tex_run``, a separate build of every section in another folder;
    its missing TeX engine only stops the PDF, which is built after all these files."""
    again, status, _ = no_tex_run
    assert status == 0
    names = ["report.tex", "report.html", "results.json",
             *sorted(str(p.relative_to(built)) for p in (built / "figures").iterdir())]
    assert files_in(again / "figures") == files_in(built / "figures")
    for name in names:
        assert (again / name).read_bytes() == (built / name).read_bytes(), name


def test_report_out_is_a_file(tmp_path, capsys):
    target = tmp_path / "plain"
    target.write_text("x")
    assert main(["report", "--out", str(target)]) == 2
    assert "is a file" in capsys.readouterr().err


def test_report_unwritable_out(capsys):
    assert main(["report", "--out", "/proc/rnngrad-report"]) == 2
    assert capsys.readouterr().err.startswith("rnngrad: error: ")


def test_report_interrupted_leaves_only_complete_files(tmp_path, capsys, monkeypatch):
    class Interrupt:
        TITLE = notes.SECTIONS[0].TITLE

        @staticmethod
        def build(ctx):
            raise KeyboardInterrupt

    monkeypatch.setattr(notes, "SECTIONS", (*notes.SECTIONS[:2], Interrupt))
    assert main(["report", "--out", str(tmp_path), "--format", "html"]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert not (tmp_path / "report.tex").exists() and not (tmp_path / "results.json").exists()
    assert [p.name for p in tmp_path.rglob(".*")] == []       # no temporary file left behind
    for png in (tmp_path / "figures").glob("*.png"):
        assert png.read_bytes().startswith(b"\x89PNG")


def files_in(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def reported_count(err, pattern):
    match = re.search(pattern, err)
    assert match, err
    return int(match.group(1))


def no_tex(monkeypatch):
    monkeypatch.setattr(files.shutil, "which", lambda name: None)


def test_report_without_tex_writes_html_and_says_so(no_tex_run):
    """The default --format all without a TeX engine: report.html and the rest are written,
    exit 0, and the last message says report.pdf was not built and how to get it."""
    out, status, err = no_tex_run
    assert status == 0
    written = files_in(out)
    assert {"report.tex", "report.html", "results.json"} <= set(written)
    assert "report.pdf" not in written
    assert "report.pdf not built: no TeX engine" in err and "sh scripts/install.sh" in err
    assert reported_count(err, r"done: (\d+) files") == len(written)


def test_report_pdf_without_tex_exits_1(tmp_path, capsys, monkeypatch, replayed_sections):
    no_tex(monkeypatch)
    assert main(["report", "--out", str(tmp_path), "--format", "pdf"]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines()
              if not line.startswith("rnngrad report: ")]
    assert len(errors) == 1 and errors[0].startswith("rnngrad: error: wrote ")
    assert "not report.pdf: no TeX engine" in errors[0]
    written = files_in(tmp_path)
    assert "report.html" not in written and "report.pdf" not in written
    assert reported_count(errors[0], r"wrote (\d+) files") == len(written)


def test_report_html_only_builds_no_pdf(tmp_path, capsys, monkeypatch, replayed_sections):
    def no_build(*args, **kwargs):
        raise AssertionError("--format html must not build a PDF")

    monkeypatch.setattr(report, "build_pdf", no_build)
    (tmp_path / "report.pdf").write_bytes(b"%PDF an older build")   # must not survive
    for options in (["--format", "html"], ["--no-pdf"]):
        assert main(["report", "--out", str(tmp_path), *options]) == 0
        err = capsys.readouterr().err
        written = files_in(tmp_path)
        assert "report.html" in written and "report.pdf" not in written
        assert reported_count(err, r"done: (\d+) files") == len(written)


def test_report_paper_and_language(tmp_path, monkeypatch, replayed_sections):
    monkeypatch.setattr(report, "build_pdf", lambda *args, **kwargs: None)
    assert main(["report", "--out", str(tmp_path), "--format", "html", "--paper", "letter",
                 "--lang", "zh"]) == 0
    assert "letterpaper" in (tmp_path / "report.tex").read_text()
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="zh', html)
    assert notes.SECTIONS[0].TITLE.zh in html


def test_report_bad_options_exit_2(tmp_path, capsys):
    for options in (["--format", "docx"], ["--paper", "a5"], ["--lang", "fr"]):
        assert main(["report", "--out", str(tmp_path), *options]) == 2
        assert capsys.readouterr().err.startswith("rnngrad: error: ")


def test_report_pdf_has_no_overfull_box(built):
    """TeX's log of the report build: no box wider than the line by more than 1 pt, and no
    float (a table, a figure) taller than the page."""
    log = (built / "report.log").read_text(encoding="utf-8", errors="replace")
    assert "Output written" in log
    assert [width for width in files.overfull_boxes(log) if width > 1.0] == []
    assert "Float too large" not in log
