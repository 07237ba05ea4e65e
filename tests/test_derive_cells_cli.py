"""``rnngrad derive --cell C``: symbolic and from a case file (read exactly), its outputs, the
plain-RNN command's old messages, and exit 2 with one line for bad input."""

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from check_cases import assert_bad_input, run, write_case

import derive

LSTM = {"cell": "lstm", "weight_ih": [[0.1], [0.2], [0.3], [0.4]],
        "weight_hh": [[0.5], [-0.5], [0.25], [1]], "bias_ih": [0, 1, 0, 0],
        "bias_hh": [0, 0, 0, 0.5], "h0": [0.1], "c0": [-0.2], "x": [[0.5], [-1]], "y": [0.3]}


def test_symbolic_lstm_text_shows_the_carousel(capsys):
    status, out, err = run(capsys, "derive", "--cell", "lstm", "--hidden", "1", "--steps", "2",
                           "--format", "text")
    assert status == 0 and err == ""
    assert out.startswith("Gradients through the LSTM cell, n = 1, T = 2\n")
    assert "constant error carousel" in out and "diag(fₖ)" in out
    assert out == derive.derivation(derive.cell("lstm", 1), 2).to_text()


def test_json_is_deterministic_and_says_the_cell(capsys):
    argv = ("derive", "--cell", "gru", "--hidden", "2", "--steps", "3", "--format", "json")
    _, first, _ = run(capsys, *argv)
    _, second, _ = run(capsys, *argv)
    data = json.loads(first)
    assert first == second
    assert (data["cell"], data["hidden"], data["steps"], data["state"]) == ("gru", 2, 3, ["h"])
    assert data["concrete"] is False and data["activation"] is None


def test_latex_default_and_activation_for_indrnn(capsys):
    status, out, _ = run(capsys, "derive", "--cell", "indrnn", "--activation", "relu",
                         "--hidden", "2", "--steps", "2")
    assert status == 0 and out.startswith("\\begin{align*}")
    expected = derive.derivation(derive.cell("indrnn", 2, activation="relu"), 2).to_latex()
    assert out == expected


def test_case_file_is_read_exactly(capsys, tmp_path):
    path = write_case(tmp_path, LSTM)
    status, out, _ = run(capsys, "derive", "--case", str(path), "--format", "json")
    data = json.loads(out)
    assert status == 0 and data["concrete"] is True and (data["hidden"], data["steps"]) == (1, 2)
    relations = " ".join(s["relation"] for s in data["derivation"]["steps"]
                         if "significant digits" not in s["reason"])   # the decimal form
    assert not re.search(r"\d\.\d", relations)     # no float crept in: 0.1 is 1/10
    jacobian = next(s for s in data["derivation"]["steps"] if "Matrix.jacobian" in s["reason"])
    assert "1/10" in jacobian["relation"] or "1/20" in jacobian["relation"]
    status, text, _ = run(capsys, "derive", "--cell", "lstm", "--case", str(path), "--steps",
                          "1", "--format", "text")
    assert status == 0 and "n = 1, T = 1" in text


def test_writes_the_file_it_is_asked_for(capsys, tmp_path):
    out = tmp_path / "lstm.json"
    status, printed, _ = run(capsys, "derive", "--cell", "lstm", "--hidden", "1", "--steps",
                             "2", "--out", str(out))
    assert status == 0 and printed == "" and json.loads(out.read_text())["cell"] == "lstm"


def test_plain_rnn_command_keeps_its_messages(capsys):
    status, _, err = run(capsys, "derive", "--hidden", "1", "--steps", "2")
    assert status == 2 and err == ("rnngrad: error: one of the arguments --activation --formula "
                                   "is required\n")
    status, _, err = run(capsys, "derive", "--activation", "tanh")
    assert err == "rnngrad: error: the following arguments are required: --hidden, --steps\n"


def shape_case(**changes):
    case = dict(LSTM, h0=[0.1, 0.2], c0=[0, 0], weight_hh=[[0.1, 0.2]] * 8,
                bias_ih=[0] * 8, bias_hh=[0] * 8, weight_ih=[[0.1]] * 8, y=[0, 0])
    case.update(changes)
    return {k: v for k, v in case.items() if v is not None}


def without(case, key):
    return {k: v for k, v in case.items() if k != key}


BAD = [
    (["--cell", "foo", "--hidden", "1", "--steps", "2"], "unknown cell 'foo'"),
    (["--cell", "lstm", "--hidden", "1"], "--cell without --case needs --steps"),
    (["--cell", "lstm", "--activation", "relu", "--hidden", "1", "--steps", "2"],
     "the lstm cell has fixed gates"),
    (["--cell", "gru", "--hidden", "0", "--steps", "2"], "--hidden must be >= 1, got 0"),
    (["--cell", "lstm", "--hidden", "2", "--steps", "3", "--expanded"],
     "--expanded for the lstm cell with n=2, T=3 would exceed 200,000 operations"),
]


@pytest.mark.parametrize("argv,message", BAD, ids=[m[:30] for _, m in BAD])
def test_bad_input_exits_2_with_one_line(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if not isinstance(argv, list):
        argv = ["--case", str(write_case(tmp_path, argv))]
    status, out, err = run(capsys, "derive", *argv)
    assert_bad_input(status, out, err)
    assert message in err


BAD_CASES = [
    shape_case(weight_hh=[[0.1, 0.2]] * 6), shape_case(bias_hh=[0] * 6),
    dict(without(shape_case(), "c0"), cell="gru"), shape_case(u=[1, 1]),
    shape_case(activation="relu"), shape_case(alpha=0.1), shape_case(y=[0]), shape_case(x=[]),
    shape_case(h0=[0.1, "a"]), '{"cell": "lstm", "h0": [NaN]}', "{not json",
    without(shape_case(), "weight_ih"), shape_case(cell=None),
    {"cell": "indrnn", "weight_ih": [[1]], "u": [1], "c0": [0], "x": [[1]]},
    {"cell": "elman", "weight_ih": [[1]], "weight_hh": [[1]], "x": [[1]], "nonlinearity": "gelu"},
    {"cell": "elman", "weight_ih": [[1]], "weight_hh": [[1]], "x": [[1]], "activation": "tahn"},
]


@pytest.mark.parametrize("case", BAD_CASES, ids=range(len(BAD_CASES)))
def test_bad_case_file_gets_the_message_of_check(case, capsys, tmp_path):
    """derive --case validates with check's parser: the same one line, exit 2 for both."""
    path = str(write_case(tmp_path, case))
    status, out, err = run(capsys, "derive", "--case", path)
    assert_bad_input(status, out, err)
    assert run(capsys, "check", path) == (2, "", err)


def test_case_and_flags_that_disagree(capsys, tmp_path):
    path = str(write_case(tmp_path, LSTM))
    for argv, message in ((["--cell", "gru"], "--cell gru but the case file is a lstm cell"),
                          (["--hidden", "3"], "--hidden 3 but the case has n = 1"),
                          (["--activation", "tanh"], "the activation comes from the case file"),
                          (["--steps", "5"], "past the last step")):
        status, out, err = run(capsys, "derive", "--case", path, *argv)
        assert_bad_input(status, out, err)
        assert message in err, err


def readme_lstm():
    """The LSTM case file the README shows (no bias_ih: check's default zeros)."""
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = text.split("saved as `lstm.json`:\n\n```json\n", 1)[1].split("```", 1)[0]
    return json.loads(block)


def exact(values):
    return [exact(v) for v in values] if isinstance(values, list) else Fraction(str(values))


def test_readme_lstm_case_derives_with_check_defaults(capsys, tmp_path):
    case = readme_lstm()
    assert "bias_ih" not in case
    path = str(write_case(tmp_path, case))
    assert run(capsys, "check", path)[0] == 0
    status, out, err = run(capsys, "derive", "--case", path, "--format", "text")
    params = {k: exact(case[k]) for k in ("weight_ih", "weight_hh", "bias_hh")}
    cell = derive.cell("lstm", 2, 1, state0=exact(case["h0"] + case["c0"]), x=exact(case["x"]),
                       bias_ih=[0] * 8, **params)
    assert (status, err) == (0, "") and out == derive.derivation(cell, 3).to_text()


ELMAN = {"cell": "elman", "weight_ih": [[0.5]], "weight_hh": [[0.75]], "x": [[1], [-0.5]]}


@pytest.mark.parametrize("extra,activation", [
    ({"activation": "leaky_relu", "alpha": 0.1, "y": None},
     lambda: derive.activation("leaky_relu", alpha=Fraction(1, 10))),
    ({"activation": "x/(1+Abs(x))"}, lambda: derive.parse_activation("x/(1+Abs(x))")),
    ({"nonlinearity": "relu", "y": [0.5]}, lambda: derive.activation("relu")),
])
def test_elman_cases_check_accepts_derive_accepts(extra, activation, capsys, tmp_path):
    """alpha (read exactly), a formula φ and "y": null; biases and h0 default to 0."""
    path = str(write_case(tmp_path, dict(ELMAN, **extra)))
    assert run(capsys, "check", path)[0] == 0
    status, out, err = run(capsys, "derive", "--case", path, "--format", "text")
    cell = derive.cell("elman", 1, 1, activation=activation(), state0=[0],
                       x=exact(ELMAN["x"]), weight_ih=[[Fraction(1, 2)]],
                       weight_hh=[[Fraction(3, 4)]], bias_ih=[0], bias_hh=[0])
    assert (status, err) == (0, "") and out == derive.derivation(cell, 2).to_text()


def test_plain_case_file_has_no_cell(capsys, tmp_path):
    path = str(write_case(tmp_path, {"activation": "tanh", "W_hh": [[1]], "W_xh": [[1]],
                                     "x": [[1]]}))
    status, out, err = run(capsys, "derive", "--case", path)
    assert_bad_input(status, out, err)
    assert 'no "cell" key' in err
