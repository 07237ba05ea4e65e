"""``rnngrad derive --cell C``: symbolic and from a case file (read exactly), its outputs, the
plain-RNN command's old messages, and exit 2 with one line for bad input."""

import json
import re

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
    relations = " ".join(s["relation"] for s in data["derivation"]["steps"])
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
    (shape_case(weight_hh=[[0.1, 0.2]] * 6),
     "weight_hh must be (4n, n) = (8, 2) for lstm with n = 2, m = 1, got (6, 2)"),
    (shape_case(bias_hh=[0] * 6), "bias_hh must be (4n,) = (8,) for lstm with n = 2"),
    (shape_case(c0=None), "the lstm case needs 'c0'"),
    (dict(without(shape_case(), "c0"), cell="gru"),
     "weight_ih must be (3n, m) = (6, 1) for gru with n = 2, m = 1, got (8, 1)"),
    (shape_case(u=[1, 1]), "'u' is not a key of a lstm case"),
    (shape_case(cell=None), "no \"cell\" key"),
    (shape_case(activation="relu"), "the lstm cell has fixed gates"),
    (shape_case(y=[0]), "y must have n = 2 numbers, got 1"),
    (shape_case(x=[]), "x must be T >= 1 rows of m >= 1 numbers"),
    (shape_case(h0=[0.1, "a"]), "must be a number"),
    ('{"cell": "lstm", "h0": [NaN]}', "NaN is not a finite number"),
    ("{not json", "is not valid JSON"),
    ({"cell": "indrnn", "weight_ih": [[1]], "bias": [0], "u": [1], "h0": [0], "c0": [0],
      "x": [[1]]}, "c0 belongs to the lstm cell"),
    ({"cell": "elman", "weight_ih": [[1]], "weight_hh": [[1]], "bias_ih": [0], "bias_hh": [0],
      "h0": [0], "x": [[1]], "nonlinearity": "gelu"}, "nonlinearity must be \"tanh\" or"),
]


@pytest.mark.parametrize("argv,message", BAD, ids=[m[:30] for _, m in BAD])
def test_bad_input_exits_2_with_one_line(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if not isinstance(argv, list):
        argv = ["--case", str(write_case(tmp_path, argv))]
    status, out, err = run(capsys, "derive", *argv)
    assert_bad_input(status, out, err)
    assert message in err


def test_case_and_flags_that_disagree(capsys, tmp_path):
    path = str(write_case(tmp_path, LSTM))
    for argv, message in ((["--cell", "gru"], "--cell gru but the case file is a lstm cell"),
                          (["--hidden", "3"], "--hidden 3 but the case has n = 1"),
                          (["--activation", "tanh"], "the activation comes from the case file"),
                          (["--steps", "5"], "past the last step")):
        status, out, err = run(capsys, "derive", "--case", path, *argv)
        assert_bad_input(status, out, err)
        assert message in err, err
