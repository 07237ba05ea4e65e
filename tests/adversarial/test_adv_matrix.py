"""The audit's matrix of hostile input (issue 16): every class the issue names, and neighbours
it does not (other commands' numeric options with NaN, huge digit strings, zero and negative
values; case files with integers of 5000 digits, wrong types, empty arrays; formulas naming
nan or the imaginary unit).  Each must be refused with exit 2 and one line naming what is
wrong, before any output, or give a correct result.

The cheap refusals run in-process through ``reports.cli.main`` (a subprocess costs about 2 s);
the few that need a real process (warnings printed on stderr by a finished run, a device
read under an address-space limit) go through ``hostile.rnngrad``.  The inputs other files
already cover (/dev/zero, FIFOs, repeated keys, deep arrays, huge grids, --alpha 1e100000000,
nested formulas, Ctrl-C, output folders) are not repeated here: see tests/adversarial/ and
tests/test_limits.py, test_case_files.py, test_json_input.py, test_output_files.py.
"""

import json
import os

import numpy as np
import pytest

import derive
import numeric
from derive.latex import Derivation
from reports import cli
from tests.adversarial.hostile import assert_clean, assert_refused, rnngrad

CASE = {"activation": "tanh", "W_hh": [[0.5]], "W_xh": [[1.0]], "x": [[0.1], [0.2]]}
LY = ["lyapunov", "--cell", "elman", "--hidden", "2", "--gain", "1", "--T", "5"]
D = ["--hidden", "1", "--steps", "2"]


def _case(**change):
    """CASE with keys replaced (a value None drops the key), as JSON text."""
    data = {**CASE, **change}
    return json.dumps({k: v for k, v in data.items() if v is not None})


# (id, argv with {case} for a case file written from ``text``, text or None, words in the line)
REFUSED = [
    # formulas: special numbers were taken as the variable ('nan' became the identity, γ = 1)
    ("formula nan", ["derive", "--formula", "nan", *D], None, ["'nan'", "not finite"]),
    ("formula zoo", ["derive", "--formula", "zoo", *D], None, ["'zoo'"]),
    ("formula I", ["derive", "--formula", "I*x", *D], None, ["'I'", "not real"]),
    ("formula empty", ["derive", "--formula", "", *D], None, ["activation formula"]),
    ("formula huge power", ["derive", "--formula", "x**(10**100)", *D], None, ["exponent"]),
    ("formula attribute", ["derive", "--formula", "x.__class__", *D], None, ["attribute"]),
    ("formula 10000 digits", ["derive", "--formula", "9" * 10000, *D], None, ["too long"]),
    # numeric options of derive
    ("alpha 1e400", ["derive", "--activation", "elu", "--alpha", "1e400", *D], None,
     ["--alpha", "about 10^400"]),
    ("alpha nan", ["derive", "--activation", "elu", "--alpha", "nan", *D], None, ["--alpha"]),
    ("alpha 1/0", ["derive", "--activation", "elu", "--alpha", "1/0", *D], None, ["--alpha"]),
    ("hidden nan", ["derive", "--activation", "tanh", "--hidden", "nan", "--steps", "2"], None,
     ["--hidden"]),
    ("steps 1e400", ["derive", "--activation", "tanh", "--hidden", "1", "--steps", "1e400"],
     None, ["--steps"]),
    ("derive case without cell", ["derive", "--case", "{case}"], _case(), ["no \"cell\" key"]),
    # case files
    ("integer of 5000 digits", ["check", "{case}"], _case().replace("0.5", "1" + "0" * 4999),
     ["5,000 digits", "float64"]),
    ("integer of 401 digits", ["check", "{case}"], _case().replace("0.1", "1" + "0" * 400),
     ["401 digits"]),
    ("cell integer of 5000 digits", ["derive", "--cell", "elman", "--case", "{case}"],
     json.dumps({"cell": "elman", "weight_ih": [[1]], "weight_hh": [[7]], "x": [[1]]}).replace(
         "7", "1" + "0" * 4999),
     ["5,000 digits"]),
    ("1e999", ["check", "{case}"], _case().replace("0.5", "1e999"), ["W_hh", "finite"]),
    ("empty x", ["check", "{case}"], _case(x=[]), ["x", "empty"]),
    ("ragged W_hh", ["check", "{case}"], _case(W_hh=[[0.5, 1], [1]]), ["W_hh", "rectangular"]),
    ("string number", ["check", "{case}"], _case(W_hh=[["0.5"]]), ["W_hh[0][0]", "str"]),
    ("bool number", ["check", "{case}"], _case(W_hh=[[True]]),
     ["W_hh[0][0]", "must be a number, got true"]),
    ("activation number", ["check", "{case}"], _case(activation=5), ["activation", "string"]),
    ("alpha 1e300", ["check", "{case}"], _case(activation="elu", alpha=1e300),
     ["alpha", "about 10^300"]),
    ("forward overflow", ["check", "{case}"], _case(W_hh=[[1e308]], W_xh=[[1e308]],
                                                    x=[[1e308]] * 3), ["overflows"]),
    ("unknown cell", ["check", "{case}"], json.dumps({"cell": "transformer",
                                                       "weight_ih": [[1.0]], "x": [[0.1]]}),
     ["unknown cell"]),
    ("empty file", ["check", "{case}"], "", ["not valid JSON"]),
    ("JSON null", ["check", "{case}"], "null", ["JSON object", "got null"]),
    ("JSON list", ["check", "{case}"], "[1, 2]", ["JSON object", "got an array"]),
    ("100000 deep", ["check", "{case}"], "[" * 100000 + "]" * 100000, ["nested too deeply"]),
    ("a directory", ["check", "{dir}"], None, ["not a regular file", "directory"]),
    ("symlink to /dev/zero", ["check", "{zero}"], None, ["not a regular file"]),
    # check's options
    ("probes 0", ["check", "{case}", "--grads", "{case}", "--probes", "0"], _case(y=[0.1]),
     ["--probes"]),
    ("probes 1e100", ["check", "{case}", "--grads", "{case}", "--probes", "1e100"],
     _case(y=[0.1]), ["--probes"]),
    ("grads seed -1", ["check", "{case}", "--grads", "{case}", "--seed", "-1"], _case(y=[0.1]),
     ["--seed"]),
    # sweep's options
    ("T 1e400", ["sweep", "--w", "0.5", "--T", "1e400"], None, ["--T"]),
    ("T 0", ["sweep", "--w", "0.5", "--T", "0"], None, ["--T", ">= 1"]),
    ("T 3:1", ["sweep", "--w", "0.5", "--T", "3:1"], None, ["--T"]),
    ("w nan", ["sweep", "--w", "nan", "--T", "3"], None, ["--w", "finite"]),
    ("w 1,,2", ["sweep", "--w", "1,,2", "--T", "3"], None, ["--w"]),
    ("w 0:1:0", ["sweep", "--w", "0:1:0", "--T", "3"], None, ["--w", "num >= 1"]),
    ("h0 1e400", ["sweep", "--w", "0.5", "--T", "3", "--h0", "1e400"], None, ["--h0"]),
    ("input nan", ["sweep", "--w", "0.5", "--T", "3", "--input", "nan"], None, ["--input"]),
    ("noise nan", ["sweep", "--w", "0.5", "--T", "3", "--noise", "nan"], None, ["--noise"]),
    ("gain nan", ["sweep", "--cell", "elman", "--hidden", "2", "--gain", "nan", "--T", "3"],
     None, ["--gain"]),
    ("forget bias 1e400", ["sweep", "--cell", "lstm", "--hidden", "2", "--forget-bias",
                           "1e400", "--T", "3"], None, ["--forget-bias"]),
    ("cell hidden 100 digits", ["sweep", "--cell", "elman", "--hidden", "1" * 100, "--gain",
                                "1", "--T", "3"], None, ["too large"]),
    ("gain without cell", ["sweep", "--w", "0.5", "--T", "3", "--gain", "1"], None,
     ["--cell"]),
    # lyapunov's options
    ("lyapunov k 0", [*LY, "--k", "0"], None, ["--k"]),
    ("lyapunov burn-in = T", [*LY, "--burn-in", "5"], None, ["--burn-in"]),
    ("lyapunov reorth 0", [*LY, "--reorth-every", "0"], None, ["--reorth-every"]),
    ("lyapunov seed -1", [*LY, "--seed=-1"], None, ["--seed"]),
    ("lyapunov gain inf", ["lyapunov", "--cell", "elman", "--hidden", "2", "--gain", "inf",
                           "--T", "5"], None, ["--gain", "finite"]),
    ("lyapunov T 1e12", ["lyapunov", "--cell", "elman", "--hidden", "2", "--gain", "1", "--T",
                         "1000000000000"], None, ["too large"]),
    ("lyapunov hidden 100 digits", ["lyapunov", "--cell", "elman", "--hidden", "1" * 100,
                                    "--gain", "1", "--T", "5"], None, ["--hidden", "digits"]),
    ("lyapunov scheduler, one setting", [*LY, "--scheduler", "tcp://127.0.0.1:1"], None,
     ["--scheduler"]),
    # exercise's options
    ("exercise hidden 17", ["exercise", "--cell", "elman", "--hidden", "17"], None,
     ["--hidden", "1 to 16"]),
    ("exercise steps 51", ["exercise", "--cell", "elman", "--steps", "51"], None, ["--steps"]),
    ("exercise seed nan", ["exercise", "--cell", "elman", "--seed", "nan"], None, ["--seed"]),
    ("exercise indrnn", ["exercise", "--cell", "indrnn"], None, ["indrnn"]),
    # report's options
    ("report paper a5", ["report", "--paper", "a5"], None, ["--paper"]),
    # a folder access() calls writable (to root) where no file can be made: refused before work
    ("sweep plot in /proc", ["sweep", "--w", "0.5", "--T", "3", "--plot", "/proc/x.png"], None,
     ["--plot", "cannot write in /proc"]),
]


@pytest.mark.parametrize("argv, text, words", [r[1:] for r in REFUSED],
                         ids=[r[0] for r in REFUSED])
def test_hostile_input_is_refused_in_one_line(argv, text, words, capsys, tmp_path,
                                              monkeypatch):
    """Exit 2, one line on stderr naming the option, field or file, nothing on stdout, and
    no file left in the working folder (the output folders default to it)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    case = tmp_path / "case.json"
    if text is not None:
        case.write_text(text, encoding="utf-8")
    (tmp_path / "dir.json").mkdir()
    os.symlink("/dev/zero", tmp_path / "zero.json")
    places = {"{case}": str(case), "{dir}": str(tmp_path / "dir.json"),
              "{zero}": str(tmp_path / "zero.json")}
    status = cli.main([places.get(arg, arg) for arg in argv])
    out, err = capsys.readouterr()
    assert status == 2 and out == "", (status, out, err)
    assert err.count("\n") == 1 and err.startswith("rnngrad: error: "), err
    assert len(err) < 400, err   # one readable line: no number written out in full
    for word in words:
        assert word.lower() in err.lower(), (word, err)
    assert list(work.iterdir()) == []


def test_rendering_a_derivation_is_within_the_symbolic_budget(capsys, tmp_path, monkeypatch):
    """A GRU case with weights 1e300: the derivation finished, then SymPy printing its exact
    numbers ran for minutes outside the 20 s budget (no output, no refusal).  Here the
    rendering is made slow on purpose and the budget small: the refusal names the budget."""
    def slow(self):
        import time
        start = time.process_time()
        while time.process_time() - start < 30:   # busy: the budget counts processor time
            pass

    monkeypatch.setattr(derive, "BUDGET_SECONDS", 0.5)
    monkeypatch.setattr(Derivation, "to_dict", slow)
    case = tmp_path / "gru.json"
    case.write_text(json.dumps({"cell": "gru", "weight_ih": [[0.5]] * 3,
                                "weight_hh": [[0.5]] * 3, "x": [[1.0]]}), encoding="utf-8")
    for argv in (["derive", "--cell", "gru", "--case", str(case)],
                 ["derive", "--activation", "tanh", "--hidden", "1", "--steps", "1"]):
        assert cli.main(argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1
        assert "did not finish within 0.5 s of computing" in err


@pytest.mark.parametrize("y", [[float("nan")], ["a"], [[0.1], [float("inf")]]])
def test_python_case_from_lists_refuses_a_bad_target(y):
    """numeric.Case(..., y=[nan]) with lists, as the issue wrote it: a ValueError naming y
    (before: AttributeError 'list' object has no attribute 'shape')."""
    with pytest.raises(ValueError, match="^y "):
        numeric.Case(derive.activation("tanh"), [[0.5]], [[1.0]], [0.0], [0.0], [[0.1], [0.2]],
                     y=y)


def test_python_case_from_lists_equals_the_array_case():
    lists = numeric.Case(derive.activation("tanh"), [[0.5]], [[1.0]], [0.1], [0.2], [[0.3]],
                         y=[0.4])
    assert all(isinstance(getattr(lists, k), np.ndarray) and getattr(lists, k).dtype == float
               for k in ("W_hh", "W_xh", "b_h", "h0", "x", "y"))
    # forward pass by hand: h_1 = tanh(0.5·0.2 + 1.0·0.3 + 0.1)
    assert lists.trajectory().h[-1][0] == pytest.approx(np.tanh(0.5), abs=1e-15)


# ---- through the real command line (a warning printed on stderr is only seen there) ----

def test_readme_custom_activation_runs_without_warnings(tmp_path):
    """The README's `rnngrad derive --formula 'x/(1+Abs(x))' --hidden 1 --steps 5` (numpy.select
    evaluated every Piecewise branch and printed warnings and code lines): stderr empty."""
    run = rnngrad("derive", "--formula", "x/(1+Abs(x))", "--hidden", "1", "--steps", "5",
                  timeout=30)
    assert_clean(run, 0)
    assert run.stderr == "" and "\\gamma" in run.stdout


def test_extreme_weight_grid_sweeps_without_warnings():
    """--w=-1e308:1e308:3 (three finite numbers) printed RuntimeWarnings and then 'w must be
    finite': now a sweep whose JSON has the three weights and nothing but progress on
    stderr."""
    run = rnngrad("sweep", "--w=-1e308:1e308:3", "--T", "1,2", "--json", timeout=30)
    assert_clean(run, 0)
    assert json.loads(run.stdout)["w"] == [-1e308, 0.0, 1e308]
    assert all(line.startswith("rnngrad sweep:") for line in run.stderr.splitlines())


def test_dev_urandom_is_refused_under_the_memory_limit():
    """/dev/urandom grew to 10.6 GB in 60 s; now refused before a byte is read."""
    assert_refused(rnngrad("check", "/dev/urandom", timeout=30), "/dev/urandom",
                   "not a regular file")
