"""``rnngrad check`` on malformed and hostile case files: exit 2, one line on stderr, no
traceback, nothing written."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.check_cases import ENV, EXAMPLE, assert_bad_input, run, write_case


def _case(**changes):
    case = dict(EXAMPLE)
    for key, value in changes.items():
        if value is _DROP:
            del case[key]
        else:
            case[key] = value
    return json.dumps(case)


_DROP = object()
HOSTILE = "__import__('os').system('touch PWNED')"

BAD_CASES = [
    ("not json", "activation: tanh"),
    ("empty file", ""),
    ("json array", json.dumps([EXAMPLE])),
    ("json string", json.dumps("tanh")),
    ("missing activation", _case(activation=_DROP)),
    ("missing W_hh", _case(W_hh=_DROP)),
    ("missing W_xh", _case(W_xh=_DROP)),
    ("missing x", _case(x=_DROP)),
    ("unknown key W_hx", _case(W_hx=[[1.0], [0.5]])),
    ("W_hh not square", _case(W_hh=[[0.5, -0.3, 0.1], [0.2, 0.9, 0.0]])),
    ("W_hh ragged", _case(W_hh=[[0.5, -0.3], [0.2]])),
    ("W_hh 3-d", _case(W_hh=[[[0.5, -0.3], [0.2, 0.9]]])),
    ("W_hh scalar", _case(W_hh=0.5)),
    ("W_xh wrong width", _case(W_xh=[[1.0, 2.0], [0.5, 1.0]])),
    ("W_xh wrong height", _case(W_xh=[[1.0]])),
    ("b_h wrong length", _case(b_h=[0.1, -0.2, 0.3])),
    ("h0 wrong length", _case(h0=[0.3])),
    ("y wrong length", _case(y=[0.0, 0.5, 1.0])),
    ("y empty", _case(y=[])),
    ("string entry", _case(W_hh=[[0.5, "0.5"], [0.2, 0.9]])),
    ("boolean entry", _case(x=[[0.2], [True], [-0.4]])),
    ("null entry", _case(h0=[0.3, None])),
    ("object entry", _case(b_h=[0.1, {"v": 1}])),
    ("NaN token", _case(W_hh=[[0.5, -0.3], [0.2, 0.9]]).replace("0.9", "NaN")),
    ("Infinity token", _case(W_xh=[[1.0], [0.5]]).replace("0.5]]", "Infinity]]", 1)),
    ("-Infinity token", _case().replace("-0.4", "-Infinity")),
    ("1e999 overflows", _case().replace("-0.4", "1e999")),
    ("integer overflows float", _case().replace("-0.4", "1" + "0" * 400)),
    ("integer beyond int digit limit", _case().replace("-0.4", "1" * 5000)),
    ("empty x", _case(x=[])),
    ("x rows empty", _case(x=[[]])),
    ("unknown name not formula", _case(activation="tahn(x")),
    ("unknown function relu6", _case(activation="relu6(x)")),
    ("misspelled registered name", _case(activation="tahn")),
    ("bare variable is not an activation name", _case(activation="x")),
    ("empty activation", _case(activation="")),
    ("hostile import", _case(activation=HOSTILE)),
    ("hostile dunder", _case(activation="x.__class__")),
    ("hostile lambda", _case(activation="(lambda: 0)()")),
    ("activation number", _case(activation=1.5)),
    ("activation list", _case(activation=["tanh"])),
    ("alpha on tanh", _case(alpha=0.1)),
    ("alpha string", _case(activation="leaky_relu", alpha="0.1")),
    ("alpha on formula", _case(activation="x/(1+Abs(x))", alpha=0.1)),
    ("deeply nested", "[" * 100000),
    ("deeply nested object", '{"x": ' + "[" * 100000),
    ("not utf-8", None),
]


@pytest.mark.parametrize("text", [t for _, t in BAD_CASES], ids=[name for name, _ in BAD_CASES])
def test_check_bad_case_exits_2_with_one_line(text, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "case.json"
    if text is None:
        path.write_bytes(b'{"activation": "tanh\xff\xfe"}')
    else:
        path.write_text(text, encoding="utf-8")
    status, out, err = run(capsys, "check", str(path), "--json")
    assert_bad_input(status, out, err)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["case.json"]
    assert not (Path.cwd() / "PWNED").exists()


def test_check_bad_case_without_json_flag_exits_2(capsys, tmp_path):
    path = write_case(tmp_path, _case(W_hh=[[0.5, -0.3], [0.2]]))
    assert_bad_input(*run(capsys, "check", str(path)))


def test_check_nonexistent_path_exits_2(capsys, tmp_path):
    assert_bad_input(*run(capsys, "check", str(tmp_path / "missing.json"), "--json"))
    assert list(tmp_path.iterdir()) == []


def test_check_directory_path_exits_2(capsys, tmp_path):
    assert_bad_input(*run(capsys, "check", str(tmp_path), "--json"))
    assert list(tmp_path.iterdir()) == []


def test_check_missing_case_argument_exits_2(capsys):
    assert_bad_input(*run(capsys, "check", "--json"))


def test_check_subprocess_bad_input_no_traceback(tmp_path):
    path = write_case(tmp_path, _case(activation=HOSTILE))
    done = subprocess.run([sys.executable, "-m", "reports", "check", str(path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60,
                          env=ENV)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("rnngrad: error: ") and done.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json"]


