"""Shared by the ``rnngrad check`` tests: the README's example case and how to run it."""

import json
import os
from pathlib import Path

import numpy as np

import numeric
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


def chaotic_arrays(n=16, T=200, drive_seed=5):
    """(W_hh, W_xh, x, y) of a chaotic tanh RNN: W_hh = 3 W0 with W0 ~ N(0, 1/n) from
    default_rng(0); W_xh, x and y 0.1 N(0, 1) from default_rng(drive_seed), or from the same
    generator after W0 when drive_seed is None."""
    rng = np.random.default_rng(0)
    W0 = numeric.random_W0(n, "gaussian", rng)
    if drive_seed is not None:
        rng = np.random.default_rng(drive_seed)
    W_xh, x = 0.1 * rng.standard_normal((n, 1)), 0.1 * rng.standard_normal((T, 1))
    return 3 * W0, W_xh, x, 0.1 * rng.standard_normal(n)


def chaotic_case_file(drive_seed=5):
    """The case file of ``chaotic_arrays`` (h0 = 0)."""
    W, U, x, y = chaotic_arrays(drive_seed=drive_seed)
    return {"activation": "tanh", "W_hh": W.tolist(), "W_xh": U.tolist(), "x": x.tolist(),
            "y": y.tolist()}
