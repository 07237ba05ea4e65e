"""rnngrad sweep --cell: table, CSV and JSON of the cell sweeps; one-line errors."""

import json

import numpy as np
import pytest

import numeric
from reports.cli import main


def run(capsys, *argv):
    status = main(["sweep", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_forget_bias_json_matches_numeric_and_is_deterministic(capsys):
    argv = ("--cell", "lstm", "--forget-bias=-2:4:4", "--T", "1:30:10", "--hidden", "3",
            "--seed", "5", "--json")
    status, out, err = run(capsys, *argv)
    assert status == 0 and err == ""
    assert run(capsys, *argv)[1] == out
    data = json.loads(out)
    expected = numeric.forget_bias_sweep([-2, 0, 2, 4], [1, 11, 21], hidden=3, seed=5)
    assert data["values"] == [-2, 0, 2, 4] and data["T"] == [1, 11, 21]
    np.testing.assert_array_equal(np.array(data["log10_norm"]), expected.log10_norm)
    np.testing.assert_array_equal(np.array(data["log10_norm_h"]), expected.log10_norm_h)
    assert data["parameter"] == "forget_bias" and data["state"] == ["h", "c"]
    assert "uniform(-1/sqrt(n), 1/sqrt(n))" in data["init"] and "bias_hh to 0" in data["init"]
    assert data["input_drive"].startswith("x_t = 0.1*N(0, I_m), m = 1")
    assert data["noise"] == 0.1 and data["input"] == 0.0


def test_gain_table_states_initialisation_and_drive(capsys):
    status, out, _ = run(capsys, "--cell", "elman", "--hidden", "4", "--gain=0.5,1,2",
                         "--T", "1,10,100", "--activation", "relu")
    text = " ".join(out.split())
    assert status == 0 and "W0 ~ N(0, 1/n)" in text and "activation relu" in text
    assert "x_t = 0.1*N(0, I_m)" in text and "s = log10||ds_T/ds_0||_2" in out
    rows = [line.split() for line in out.splitlines() if line.split()[:1] in (["0.5"], ["2"])]
    expected = numeric.cell_gain_sweep("elman", [0.5, 1, 2], [1, 10, 100], hidden=4,
                                       activation="relu")
    assert float(rows[0][-3]) == pytest.approx(expected.log10_norm[0, -1], abs=5e-4)
    assert max(len(line) for line in out.splitlines()) <= 100


def test_lstm_table_shows_both_norms(capsys):
    status, out, _ = run(capsys, "--cell", "lstm", "--forget-bias=0,3", "--T", "1,50",
                         "--hidden", "2")
    assert status == 0 and "h = log10||dh_T/dh_0||_2 (s = [h; c])" in out
    assert "forget bias b_f" in out and out.splitlines()[-4].startswith("at T = 50:")


def test_csv_has_every_value_and_T(capsys):
    status, out, _ = run(capsys, "--cell", "gru", "--gain=0.25:2.5:4", "--T", "1,5",
                         "--hidden", "2", "--input", "0.2", "--noise", "0", "--csv")
    lines = out.splitlines()
    assert status == 0 and lines[0] == ("cell,activation,parameter,value,T,log10_norm,"
                                        "log10_norm_h,regime,rate,reliable")
    assert len(lines) == 1 + 4 * 2 and lines[1].startswith("gru,,gain,0.25,1,")
    expected = numeric.cell_gain_sweep("gru", [0.25, 1, 1.75, 2.5], [1, 5], hidden=2,
                                       noise=0.0, constant=0.2)
    assert float(lines[-1].split(",")[5]) == expected.log10_norm[-1, -1]


def test_null_values_in_json(capsys):
    status, out, _ = run(capsys, "--cell", "indrnn", "--gain=0,1", "--T", "3", "--hidden",
                         "2", "--activation", "relu", "--json")
    data = json.loads(out)
    assert status == 0 and data["log10_norm"][0] == [None] and "log10_norm_note" in data


BAD = [
    ["--cell", "lstmm", "--gain=1", "--T", "1"],
    ["--cell", "gru", "--forget-bias=1", "--T", "1"],
    ["--cell", "lstm", "--activation", "relu", "--gain=1", "--T", "1"],
    ["--cell", "lstm", "--gain=1", "--forget-bias=1", "--T", "1"],
    ["--cell", "lstm", "--T", "1"],
    ["--cell", "lstm", "--forget-bias=1", "--T", "0"],
    ["--cell", "elman", "--gain=1", "--T", "1", "--hidden", "0"],
    ["--cell", "elman", "--gain=1", "--T", "1", "--hidden", "two"],
    ["--gain=1", "--T", "1"],
    ["--forget-bias=1", "--T", "1"],
    ["--cell", "elman", "--gain=a", "--T", "1"],
    ["--cell", "elman", "--gain=1:2:0", "--T", "1"],
    ["--cell", "elman", "--gain=1", "--T", "1", "--w", "0.5"],
    ["--cell", "elman", "--gain=1", "--T", "1", "--plot", "x.png"],
    ["--cell", "elman", "--gain=1", "--T", "1", "--h0", "0.5"],
    ["--cell", "elman", "--gain=1", "--T", "1", "--noise", "inf"],
    ["--cell", "elman", "--gain=1", "--T", "1", "--activation", "tahn"],
    ["--cell", "lstm", "--forget-bias=0:1:1000", "--T", "100000", "--hidden", "64"],
    ["--T", "1"],
]


@pytest.mark.parametrize("argv", BAD, ids=[" ".join(a) for a in BAD])
def test_cell_sweep_bad_input_exits_2(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith("rnngrad: error: ") and list(tmp_path.iterdir()) == []


def test_error_messages_name_the_problem(capsys):
    cases = {("--cell", "gru", "--forget-bias=1", "--T", "1"): "--cell lstm only",
             ("--cell", "lstm", "--activation", "tanh", "--gain=1", "--T", "1"): "fixed gates",
             ("--cell", "x", "--gain=1", "--T", "1"): "unknown cell 'x'",
             ("--cell", "lstm", "--gain=1", "--forget-bias=1", "--T", "1"): "choose one of",
             ("--cell", "elman", "--gain=1", "--T", "1", "--hidden", "0"): "--hidden must be",
             ("--cell", "elman", "--gain=1:2:0", "--T", "1"): "--gain a:b:num needs"}
    for argv, message in cases.items():
        assert message in run(capsys, *argv)[2]
