"""Writing files (reports.files, reports.out_paths): PDFs built until TeX's contents settle,
the same bytes on every build; temp files and scratch folders never left behind; one writer
per output folder; output paths checked before any work and any name the file system accepts
usable.  The real-process checks (two writers at once, SIGINT, SIGTERM, a full disk) are in
tests/adversarial/test_adv_files.py."""

import argparse
import errno
import fcntl
import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import types
from pathlib import Path

import pytest

from reports import cli, files, out_paths
from reports.files import TexFailed, build_pdf, folder_lock, interruptible, write_atomic
from reports.tex_text import code_text

SECTIONS = 40   # contents of 40 entries run over two pages: 4 pdflatex passes to settle
TOC_DOCUMENT = ("\\documentclass{article}\\begin{document}\\tableofcontents\\clearpage\n"
                + "".join(f"\\section{{Part {k}}}Text of part {k}.\\clearpage\n"
                          for k in range(1, SECTIONS + 1))
                + "\\end{document}\n")
# every pass writes a larger number into the .aux than it read: the passes never settle
NEVER_SETTLES = ("\\documentclass{article}\\def\\lastpass{0}\\def\\pass#1{\\gdef\\lastpass{#1}}"
                 "\\begin{document}\\makeatletter\\immediate\\write\\@auxout{\\string\\pass"
                 "{\\the\\numexpr\\lastpass+1\\relax}}\\makeatother x\\end{document}\n")
BARE = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error"]


def _pages(pdf):
    """The text of each page (pdftotext, pages split at form feeds)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")


def test_contents_pages_settle_and_two_builds_are_identical(monkeypatch, tmp_path):
    """The contents need 4 passes here (they push every section one page on); two passes,
    the old bare-pdflatex rule, listed each section a page early.  The page numbers in the
    contents are read from the PDF's text and compared with the page where each heading is
    set; two builds give the same bytes."""
    monkeypatch.setattr(files, "tex_engine", lambda: BARE)
    digests = set()
    for name in ("a.pdf", "b.pdf"):
        build_pdf(TOC_DOCUMENT, tmp_path / name)
        digests.add(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    assert len(digests) == 1
    pages = _pages(tmp_path / "a.pdf")
    listed = {int(k): int(page) for page_text in pages[:3] for k, page in
              re.findall(r"^\s*(\d+)\s+Part (?:\d+)[ .]*?(\d+)\s*$", page_text, re.MULTILINE)}
    headings = {int(k): number for number, page_text in enumerate(pages, 1)
                for k in re.findall(r"^\s*(\d+)\s+Part \1\s*$", page_text, re.MULTILINE)
                if f"Text of part {k}." in page_text}
    assert sorted(listed) == list(range(1, SECTIONS + 1))
    assert listed == headings
    assert headings[1] == 3   # the contents fill pages 1 and 2


def test_passes_that_never_settle_fail_with_the_reason(monkeypatch, tmp_path):
    monkeypatch.setattr(files, "MAX_PASSES", 3)
    with pytest.raises(TexFailed, match="still changed after 3 pdflatex passes"):
        build_pdf(NEVER_SETTLES, tmp_path / "never.pdf")
    assert list(tmp_path.iterdir()) == []


def test_another_writers_temp_file_among_the_figures_is_not_copied(tmp_path):
    """A concurrent report's temp file (here a named pipe, which cannot be copied at all)
    beside the figures: the PDF is built from the figures alone."""
    assets = tmp_path / "figures"
    assets.mkdir()
    (assets / "a.txt").write_text("figure")
    os.mkfifo(assets / ".gradient_vs_T.png.x1y2.part")
    document = ("\\documentclass{article}\\begin{document}\\input{figures/a.txt}"
                "\\end{document}\n")
    build_pdf(document, tmp_path / "out.pdf", assets=assets)
    assert "figure" in _pages(tmp_path / "out.pdf")[0]


def test_a_second_writer_into_the_folder_waits_and_no_lock_file_is_left(tmp_path):
    with folder_lock(tmp_path):
        other = os.open(tmp_path, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(other)
    other = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)   # released: free again
    os.close(other)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), OSError(errno.ENOSPC, "No space")])
def test_write_atomic_leaves_neither_temp_nor_half_file(monkeypatch, tmp_path, failure):
    (tmp_path / "kept.txt").write_text("old")

    def fail(*_):
        raise failure

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(type(failure)):
        write_atomic(tmp_path / "kept.txt", "new " * 1000)
    assert [p.name for p in tmp_path.iterdir()] == ["kept.txt"]
    assert (tmp_path / "kept.txt").read_text() == "old"


def test_sigterm_is_an_interrupt_inside_and_default_outside():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), interruptible():
        os.kill(os.getpid(), signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.parametrize("args", [["report", "--out", ""], ["exercise", "--cell", "elman",
                                                            "--out", " "],
                                  ["derive", "--activation", "tanh", "--hidden", "1",
                                   "--steps", "1", "--out", ""],
                                  ["sweep", "--w", "0.5", "--T", "1", "--plot", ""],
                                  ["lyapunov", "--cell", "elman", "--hidden", "2", "--gain",
                                   "1", "--T", "5", "--plot", ""]])
def test_empty_output_paths_are_refused_before_any_work(args, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"argument {args[-2]}: must name an output" in err
    assert list(tmp_path.iterdir()) == []


def test_a_second_writer_is_told_it_waits_then_runs_after_the_first(tmp_path):
    """folder_lock's second holder calls ``waiting`` once, blocks while the first holds the
    folder, and enters as soon as it is released (the order is checked, not the time)."""
    events = []

    def second():
        with folder_lock(tmp_path, lambda: events.append("waiting")):
            events.append("second in")

    with folder_lock(tmp_path):
        worker = threading.Thread(target=second, daemon=True)
        worker.start()
        for _ in range(2000):            # until it has said it waits (at most 20 s)
            if events:
                break
            time.sleep(0.01)
        events.append("first out")
    worker.join(20)
    assert events == ["waiting", "first out", "second in"]


def test_output_paths_that_cannot_be_written_are_refused(tmp_path):
    (tmp_path / "f").write_text("")
    for check, text, words in [(out_paths.output_folder, tmp_path / "f", "is a file"),
                               (out_paths.output_folder, tmp_path / "f" / "sub", "is a file"),
                               (out_paths.output_file, tmp_path, "is a folder"),
                               (out_paths.output_file, tmp_path / "f" / "x.pdf", "is a file")]:
        with pytest.raises(argparse.ArgumentTypeError, match=words):
            check(str(text))
    assert out_paths.output_folder(str(tmp_path / "new" / "deeper")) == str(tmp_path / "new"
                                                                            / "deeper")


NAMES = ["out", "my notes", "r_\u00fc", "r_\u6587", "/home/jos\u00e9/x", "it's", "a\nb",
         "back\\slash", "tab\there", "emoji_\U0001f600", "$HOME", "-dash", "*"]


def test_the_report_command_names_any_folder_in_ascii_that_bash_reads_back(
        monkeypatch, tmp_path):
    """The command printed in the PDF (``--out`` quoted by ``shell_word``): ASCII, settable
    by pdflatex, and bash reads it back as the folder's name (the independent check)."""
    seen = []
    fake = types.ModuleType("reports.report")   # the real one imports every section
    fake.PdfNotBuilt = RuntimeError
    fake.write_report = lambda out, command, *rest: seen.append((out, command)) or []
    monkeypatch.setitem(sys.modules, "reports.report", fake)
    monkeypatch.chdir(tmp_path)
    for name in NAMES[1:]:
        assert cli.main(["report", f"--out={name}"]) == 0
    for out, command in seen:
        word = command.removeprefix("rnngrad report --out ")
        assert command.isascii() and code_text(command)
        echoed = subprocess.run(["bash", "-c", f"printf %s {word}"], capture_output=True,
                                check=True).stdout.decode()
        assert echoed == out


def test_scratch_folders_of_dead_processes_are_removed(monkeypatch, tmp_path):
    """A SIGKILLed build leaves rnngrad-tex-<pid>-*; the next build removes those whose
    process is gone (pid 999999999 is above Linux's pid limit), not a live one's."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead, alive = tmp_path / "rnngrad-tex-999999999-ab", tmp_path / "rnngrad-tex-1-cd"
    for folder in (dead, alive):
        folder.mkdir()
        (folder / "document.tex").write_text("x")
    with files.scratch_folder() as scratch:
        assert Path(scratch).parent == tmp_path
    assert sorted(tmp_path.iterdir()) == [alive]
