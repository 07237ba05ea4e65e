"""Output files under hostile conditions, with real processes: two writers into one folder at
once, Ctrl-C and SIGTERM while TeX runs, a full disk (a file-size limit), an empty path.
Every file left in the output folder is complete, no temp file (``.*.part``) is left there,
no ``rnngrad-tex-*`` scratch folder is left in the temp folder, and the message is true."""

import json
import os
import resource
import signal
import subprocess
import sys
import time

import pytest

from tests.adversarial.hostile import (
    MEMORY_LIMIT,
    ROOT,
    assert_refused,
    default_interrupt,
    rnngrad,
)

EXERCISE = ("exercise", "--cell", "elman", "--hidden", "1", "--steps", "1")
FILES = ["answer.json", "case.json", "solutions.html", "solutions.md", "solutions.pdf",
         "task.html", "task.md", "task.pdf"]


def _start(args, cwd, tmpdir, file_size=None):
    """Popen of ``python -m reports ARGS`` with the temp folder ``tmpdir``; with
    ``file_size``, files may grow to that many bytes at most (and writing past it is an
    OSError, not the SIGXFSZ signal)."""
    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        default_interrupt()
        if file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmpdir), "MPLBACKEND": "Agg",
           "OPENBLAS_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen([sys.executable, "-m", "reports", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=limits)


def _finish(process):
    out, err = process.communicate(timeout=30)
    return process.returncode, out, err


def _complete(folder):
    """Every file in ``folder`` is whole: JSON parses, PDFs end in %%EOF, the rest end in a
    newline; no hidden (temp) file."""
    names = sorted(p.name for p in folder.iterdir())
    assert not [name for name in names if name.startswith(".")], names
    for name in names:
        data = (folder / name).read_bytes()
        if name.endswith(".json"):
            json.loads(data)
        elif name.endswith(".pdf"):
            assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF"), name
        else:
            assert data.endswith(b"\n"), name
    return names


def test_two_exercises_into_one_folder_both_succeed(tmp_path):
    """Both exit 0 (the second waits for the first: a lock on the folder), under a name with
    a space and Chinese characters; the folder holds the six files, each complete (without
    the PDFs, to keep the test short: the report's PDF build skips another writer's temp
    files, tests/test_output_files.py)."""
    out = tmp_path / "shared \u6587\u4ef6"
    runs = [_start([*EXERCISE, "--out", str(out), "--no-pdf"], tmp_path, tmp_path)
            for _ in range(2)]
    results = [_finish(run) for run in runs]
    for code, _, err in results:
        assert code == 0 and "wrote 6 files" in err, err
    assert _complete(out) == [name for name in FILES if not name.endswith(".pdf")]
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]   # no scratch folder


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_while_tex_runs_leaves_only_complete_files(tmp_path, sig):
    """The signal comes while pdflatex runs (its scratch folder exists): exit 130 with one
    line saying the files present are complete, which they are; no temp file, no scratch
    folder."""
    for attempt in range(3):   # a run that ends before its scratch folder is seen: again
        out, scratch = tmp_path / f"ex{attempt}", tmp_path / f"tmp{attempt}"
        scratch.mkdir()
        run = _start([*EXERCISE, "--out", str(out)], tmp_path, scratch)
        deadline = time.monotonic() + 30
        while not any(scratch.glob("rnngrad-tex-*")) and run.poll() is None:
            assert time.monotonic() < deadline, "pdflatex never started"
            time.sleep(0.005)
        if run.poll() is None:
            break
        _finish(run)
    else:
        pytest.fail("three runs ended before their scratch folder was seen")
    run.send_signal(sig)
    code, _, err = _finish(run)
    assert code == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "interrupted" in lines[0] and "are complete" in lines[0], err
    assert set(_complete(out)) < set(FILES)
    assert list(scratch.iterdir()) == []


def test_full_disk_is_one_line_and_leaves_no_file(tmp_path):
    """Files may grow to 4096 bytes; the derivation's JSON is about 8.7 kB: exit 2, one line
    naming the cause, and neither the file nor a temp file in the folder."""
    run = _start(["derive", "--activation", "tanh", "--hidden", "2", "--steps", "3", "--out",
                  "d.json"], tmp_path, tmp_path, file_size=4096)
    code, out, err = _finish(run)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "cannot write" in err and "File too large" in err
    assert list(tmp_path.iterdir()) == []


def test_empty_report_folder_is_refused_before_any_work(tmp_path):
    run = rnngrad("report", "--out", "", cwd=tmp_path, timeout=30)
    assert_refused(run, "--out", "empty")
    assert list(tmp_path.iterdir()) == []
