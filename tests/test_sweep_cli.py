"""rnngrad sweep: grids, JSON contract, plots, one-line errors."""

import json
import math
import subprocess
import sys

import pytest

from reports.cli import main
from reports.sweeping import parse_T, parse_w


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_parse_grids():
    assert parse_w("0.5,1,1.5").tolist() == [0.5, 1.0, 1.5]
    assert parse_w("-3:3:7").tolist() == [-3, -2, -1, 0, 1, 2, 3]
    assert parse_T("1,10,100").tolist() == [1, 10, 100]
    assert parse_T("1:10:3").tolist() == [1, 4, 7, 10]
    assert parse_T("5:7").tolist() == [5, 6, 7]


def test_sweep_json_contract_identity(capsys):
    status, out, err = run(capsys, "sweep", "--activation", "identity", "--w=-2.7,0.5,1.5",
                           "--T", "1,100,10000000", "--json")
    assert status == 0 and err == ""
    data = json.loads(out)
    assert data["activation"] == "identity" and data["T"] == [1, 100, 10**7]
    assert data["w"] == [-2.7, 0.5, 1.5]
    for row, w in zip(data["log10_abs_grad"], data["w"], strict=True):
        for value, T in zip(row, data["T"], strict=True):
            assert value == pytest.approx(T * math.log10(abs(w)), rel=1e-12)
    assert data["regime"][1][1] == "vanishing" and data["regime"][2][1] == "exploding"


def test_sweep_json_is_deterministic(capsys):
    argv = ("sweep", "--w", "0.5,0.9", "--T", "1:50:7", "--input", "0.3", "--noise", "0.1",
            "--seed", "4", "--json")
    assert run(capsys, *argv)[1] == run(capsys, *argv)[1]


def test_sweep_table_and_plot(tmp_path, capsys):
    target = tmp_path / "map.png"
    status, out, _ = run(capsys, "sweep", "--w=-2:2:9", "--T", "1:30", "--plot", str(target))
    assert status == 0 and "log10|dh_T/dh_0|" in out
    assert target.read_bytes().startswith(b"\x89PNG")


BAD = [
    ["--w", "a,b", "--T", "1"], ["--w", "0.5", "--T", "0"], ["--w", "0.5", "--T", "1.5"],
    ["--w", "", "--T", "1"], ["--w", "0.5", "--T", ""], ["--w", "1:2:0", "--T", "1"],
    ["--w", "1:2", "--T", "1"], ["--w", "0.5", "--T", "10:1"], ["--w", "inf", "--T", "1"],
    ["--w", "nan", "--T", "1"], ["--w", "0.5", "--T", "1", "--h0", "nan"],
    ["--w", "0.5", "--T", "1", "--activation", "tahn"], ["--w", "0.5", "--T", "20000000"],
    ["--w", "0.5", "--T", "1", "--plot", "x.svg"], ["--w", "-2.7,0.5", "--T", "1"],
    ["--w", "0.5"],
]


@pytest.mark.parametrize("argv", BAD, ids=[" ".join(a) for a in BAD])
def test_sweep_bad_input_exits_2(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "sweep", *argv)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("rnngrad: error: ") and list(tmp_path.iterdir()) == []


def test_sweep_help_explains_negative_values():
    done = subprocess.run([sys.executable, "-m", "reports", "sweep", "--help"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "--w=-2.7,0.5" in done.stdout


def test_sweep_long_run_reports_progress_on_stderr_only():
    done = subprocess.run([sys.executable, "-m", "reports", "sweep", "--w", "0.5,0.9,1.1",
                           "--T", "1000000", "--json"], capture_output=True, text=True)
    assert done.returncode == 0
    json.loads(done.stdout)  # progress never enters the JSON
    assert "rnngrad sweep: step" in done.stderr
