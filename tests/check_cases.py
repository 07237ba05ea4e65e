"""Shared by the ``rnngrad check`` tests: the README's example case and how to run it."""

import json
import os
from pathlib import Path

from reports.cli import main

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
METHODS = ("central", "richardson", "complex_step", "mpmath")

EXAMPLE = {"activation": "tanh",
           "W_hh": [[0.5, -0.3], [0.2, 0.9]], "W_xh": [[1.0], [0.5]], "b_h": [0.1, -0.2],
           "h0": [0.3, -0.1], "x": [[0.2], [0.7], [-0.4]],
           "y": [0.0, 0.5]}


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def write_case(tmp_path, case, name="case.json"):
    path = tmp_path / name
    path.write_text(case if isinstance(case, str) else json.dumps(case), encoding="utf-8")
    return path


def check_json(capsys, tmp_path, case, *extra):
    status, out, err = run(capsys, "check", str(write_case(tmp_path, case)), "--json", *extra)
    return status, (json.loads(out) if out else None), err


def assert_bad_input(status, out, err):
    assert status == 2, (status, err)
    assert out == ""
    assert err.startswith("rnngrad: error: ") and err.count("\n") == 1 and err.endswith("\n")
    assert "Traceback" not in err
