"""Hostile case files and start-up interrupts through the real ``rnngrad``: devices and FIFOs
refused before a byte is read, JSON that would mean two things or nests 500 deep refused by
name, and Ctrl-C while the command line is still importing SymPy: one line, exit 130.
(In-process: files past 10 MiB in tests/test_case_files.py, comments in formulas in
tests/test_parser_characters.py.)"""

import json
import os
import signal
import subprocess
import sys

from tests.adversarial.hostile import (
    MEMORY_LIMIT,
    ROOT,
    assert_refused,
    default_interrupt,
    rnngrad,
)

CASE = {"activation": "tanh", "W_hh": [[0.5]], "W_xh": [[1.0]], "x": [[0.1], [0.2]]}


def _write(tmp_path, text, name="case.json"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_dev_zero_is_refused_unread():
    # before: read until MemoryError (3.4 GB), a traceback
    assert_refused(rnngrad("check", "/dev/zero", memory=MEMORY_LIMIT), "/dev/zero",
                   "not a regular file", "character device")


def test_check_fifo_is_refused_without_blocking(tmp_path):
    # before: open() of a FIFO without a writer blocks forever
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    assert_refused(rnngrad("check", fifo, timeout=30), "not a regular file", "FIFO")


def test_check_duplicate_key_is_refused(tmp_path):
    # before: the last "activation" won and relu was checked, exit 0
    text = json.dumps(CASE).replace('"activation": "tanh"',
                                    '"activation": "tanh", "activation": "relu"')
    assert_refused(rnngrad("check", _write(tmp_path, text)), "'activation' appears twice")


def test_check_500_deep_array_names_the_key(tmp_path):
    # before: a RecursionError traceback
    case = json.dumps(CASE).replace('"W_hh": [[0.5]]',
                                    '"W_hh": ' + "[" * 500 + "0.5" + "]" * 500)
    assert_refused(rnngrad("check", _write(tmp_path, case)),
                   "W_hh must be a matrix (2 levels of lists), got 500 levels")


def test_ctrl_c_during_start_up_is_one_line_exit_130(tmp_path):
    """SIGINT once the child is inside SymPy's import (``-X importtime`` writes a line as
    each module finishes; the first sympy line means the import is under way), so the
    interrupt lands in the start-up imports, not before Python itself is up."""
    case = _write(tmp_path, json.dumps(CASE))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    child = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "reports", "check",
                              str(case)], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, preexec_fn=default_interrupt)
    try:
        lines = []
        for line in child.stderr:
            lines.append(line)
            if line.startswith("import time:") and "sympy" in line:
                child.send_signal(signal.SIGINT)
                break
        out, rest = child.communicate(timeout=30)
    finally:
        child.kill()
    stderr = [line for line in [*lines, *rest.splitlines(True)]
              if not line.startswith("import time:")]
    assert "Traceback" not in "".join(stderr), "".join(stderr)
    assert child.returncode == 130, "".join(stderr)
    assert [line.strip() for line in stderr] == ["rnngrad: interrupted (Ctrl-C)"]
    assert out == ""
