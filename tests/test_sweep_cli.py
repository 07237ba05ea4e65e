"""rnngrad sweep: grids, JSON contract, plots, one-line errors."""

import functools
import json
import math
import subprocess
import sys

import numpy as np
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


def test_sweep_long_run_reports_progress_on_stderr_only(capsys, monkeypatch):
    """The sweep's progress reaches stderr and never the JSON on stdout.  The progress is
    shown from the start (delay 0; the 2 s delay itself is tests/test_progress.py's), so the
    run need not last seconds: T = 300000 calls progress 5 times (every 65536 steps and at the
    end), the first at 21 %, which no quarter has passed yet."""
    from reports import progress

    monkeypatch.setattr(progress, "Progress", functools.partial(progress.Progress, delay=0.0))
    status, out, err = run(capsys, "sweep", "--w", "0.5,0.9,1.1", "--T", "300000", "--json")
    assert status == 0
    json.loads(out)  # progress never enters the JSON
    lines = err.splitlines()  # not a terminal: the quarters passed, not every call
    assert 1 <= len(lines) <= 4 and all(line.startswith("rnngrad sweep: step") for line in lines)


README_SWEEP = ("sweep", "--activation", "tanh", "--w=-3:3:61", "--T", "1:1000:10")


def test_parse_w_range_gives_values_as_written():
    from decimal import Decimal

    values = parse_w("-3:3:61").tolist()
    assert values == [float(Decimal(i) / 10) for i in range(-30, 31)]  # -1.8, not -1.79...98
    assert [repr(v) for v in values][12] == "-1.8" and values[30] == 0.0
    assert parse_w("0:1:7").tolist() == np.linspace(0, 1, 7).tolist()  # 1/6: no short decimal
    assert parse_w("0.1,0.7").tolist() == [0.1, 0.7]


def test_sweep_json_carries_clean_grid_and_the_setting(capsys):
    status, out, _ = run(capsys, *README_SWEEP, "--json")
    data = json.loads(out)
    assert status == 0 and "1.7999999999999998" not in out and data["w"][12] == -1.8
    assert (data["h0"], data["x_t"], data["input"]) == (0.0, 0.0, 0.0)
    assert data["fixed_point"] == [True] * 61 and "linear regime" in data["notes"][0]
    assert "h_0 = 0, x_t = 0" in data["setting"]


def test_sweep_table_fits_100_columns_with_the_bound(capsys):
    status, out, _ = run(capsys, *README_SWEEP, "--input", "0.1")
    lines = out.splitlines()
    assert status == 0 and max(map(len, lines)) <= 100  # was 1,610 characters a line
    assert lines[0] == "tanh: h_t = phi(w h_(t-1) + x_t), h_0 = 0, x_t = 0.1"
    assert "T = 1" in lines[2] and "T = 991" in lines[2] and "bound" in lines[3]
    row = next(line.split() for line in lines if line.split()[:1] == ["-1.8"])
    # bound of the last column: T log10(γ|w|) with γ = 1, T = 991, independently
    assert float(row[-3]) == pytest.approx(991 * math.log10(1.8), abs=5e-4)
    assert float(row[-4]) < float(row[-3]) and row[-2] == "v"  # saturated: below the bound
    assert float(row[-1]) == pytest.approx(float(row[-4]) / 991, abs=5e-5)  # the rate
    assert "fixed point" not in out


def test_sweep_table_says_when_the_trajectory_sits_at_a_fixed_point(capsys):
    status, out, _ = run(capsys, *README_SWEEP)
    text = " ".join(out.split())
    assert status == 0 and "h_0 = 0, x_t = 0" in out
    assert "every w here (61) the trajectory never leaves h_0 = 0" in text
    assert "(w phi'(a*))^T exactly" in text and "linear regime" in text and "--input X" in text
    assert max(map(len, out.splitlines())) <= 100


def test_sweep_table_states_noise_and_h0(capsys):
    _, out, _ = run(capsys, "sweep", "--w", "0.5", "--T", "3", "--h0", "0.25", "--input",
                    "0.1", "--noise", "0.05", "--seed", "3")
    assert out.splitlines()[0].endswith("h_0 = 0.25, x_t = 0.1 + 0.05*N(0,1) (seed 3)")


def test_sweep_csv_long_format(capsys):
    status, out, err = run(capsys, "sweep", "--activation", "identity", "--w=-1.8,0.5,2",
                           "--T", "1,100", "--csv")
    lines = out.splitlines()
    assert status == 0 and lines[0] == ("activation,w,T,log10_abs_grad,log10_bound,regime,"
                                           "rate,reliable")
    assert len(lines) == 1 + 3 * 2 and lines[1].startswith("identity,-1.8,1,")
    for line in lines[1:]:
        name, w, T, grad, bound, regime, rate, reliable = line.split(",")
        assert reliable == "true" and float(rate) == pytest.approx(float(grad) / int(T))
        expected = int(T) * math.log10(abs(float(w)))  # identity: T log10|w|, γ = 1
        assert float(grad) == pytest.approx(expected, rel=1e-12, abs=1e-12)
        assert float(bound) == pytest.approx(expected, rel=1e-12, abs=1e-12)
        assert regime == ("vanishing" if expected <= -1 else
                          "exploding" if expected >= 1 else "stable")
    assert "fixed point" in err and "fixed point" not in out  # h_0 = 0, x_t = 0: stays at 0


def test_sweep_csv_matches_json_and_is_deterministic(capsys):
    argv = ("sweep", "--w=-3:3:13", "--T", "1,7,40", "--input", "0.2")
    csv_text = run(capsys, *argv, "--csv")[1]
    assert csv_text == run(capsys, *argv, "--csv")[1]
    data = json.loads(run(capsys, *argv, "--json")[1])
    rows = [line.split(",") for line in csv_text.splitlines()[1:]]
    assert [float(r[1]) for r in rows[::3]] == data["w"]
    json_values = [v for row in data["log10_abs_grad"] for v in row]
    assert None in json_values   # w = 0: an exact zero, null in JSON, -inf in the CSV
    assert [float(r[3]) for r in rows] == [float("-inf") if v is None else v
                                           for v in json_values]
    assert [r[5] for r in rows] == [v for row in data["regime"] for v in row]


def test_sweep_json_and_csv_together_exit_2(capsys):
    status, out, err = run(capsys, "sweep", "--w", "0.5", "--T", "1", "--json", "--csv")
    assert status == 2 and out == "" and err.startswith("rnngrad: error: ")


def test_sweep_plot_title_states_setting_and_fixed_point():
    from numeric.sweep import scalar_sweep
    from reports.sweeping import plot_title

    at_rest = scalar_sweep("tanh", np.array([0.5, 2.0]), np.array([5]))
    moving = scalar_sweep("tanh", np.array([0.5, 2.0]), np.array([5]), h0=0.5, inputs=0.1)
    assert "h_0 = 0, x_t = 0\nfixed point h_t = h_0 for every w" in plot_title(at_rest, "0")
    assert plot_title(moving, "0.1").endswith("h_0 = 0.5, x_t = 0.1")


def test_sweep_readme_example_is_off_the_fixed_point(capsys):
    """The README's command shows what the report's map shows: no fixed point, the bound
    exploding for |w| > 1 while the gradient vanishes by the last T."""
    import shlex

    from tests.readme_blocks import blocks

    command = next(line for block in blocks() if block.info == "sh"
                   for line in block.text.splitlines() if line.startswith("rnngrad sweep"))
    argv = shlex.split(command)[1:]
    status, out, _ = run(capsys, *argv, "--json")
    data = json.loads(out)
    assert status == 0 and not any(data["fixed_point"]) and data["x_t"] == 0.1
    big = [i for i, w in enumerate(data["w"]) if abs(w) > 1]
    assert all(data["log10_bound"][i][-1] >= 1 for i in big)
    assert all(data["regime"][i][-1] == "vanishing" for i in big)


def test_sweep_csv_and_table_mark_unrepresentable_values(capsys):
    """tanh from h_0 = -800: sech²(-800) underflows float64, the value is not representable."""
    csv_text = run(capsys, "sweep", "--w", "1", "--T", "2", "--h0=-800", "--csv")[1]
    assert csv_text.splitlines()[1] == "tanh,1,2,nan,0.0,unknown,nan,true"
    table = run(capsys, "sweep", "--w", "1", "--T", "2", "--h0=-800")[1]
    assert table.splitlines()[4].split() == ["1", "n/a", "0.000", "?", "n/a"]  # rate n/a


@pytest.mark.parametrize("name, linear", [("identity", True), ("relu", False), ("tanh", False),
                                          ("gelu", False)])
def test_sweep_fixed_point_note_fits_the_activation(capsys, name, linear):
    """The note speaks of the activation swept: no tanh text for identity or relu."""
    status, out, _ = run(capsys, "sweep", "--activation", name, "--w=0.5,1.5", "--T", "10,100")
    note = " ".join(out[out.index("fixed point:"):].split())
    assert status == 0 and "tanh" not in note.replace(name, "")
    assert ("is linear, so the same holds from any start" in note) == linear
    assert "exactly 0 where phi' = 0" in note


@pytest.mark.parametrize("values, log", [([10, 100], False), ([1, 3, 10, 30, 100, 1000], True),
                                         ([-3.0, -1.8, 0.0, 2.5], False), ([7], False)])
def test_sweep_plot_cells_surround_each_grid_value(values, log):
    """The map's cells sit around the swept values (not on a uniform grid that puts T < 0)."""
    from reports.sweeping import cell_edges

    grid = np.array(values)
    edges = cell_edges(grid, log)
    assert len(edges) == len(grid) + 1 and np.all(np.diff(edges) > 0)
    assert np.all(edges[:-1] < grid) and np.all(grid < edges[1:])
    if log:
        assert edges[0] > 0


def test_sweep_json_varying_input_is_null_with_a_note(capsys):
    status, out, _ = run(capsys, "sweep", "--w=0.5", "--T", "10", "--noise", "0.1", "--json")
    data = json.loads(out)
    assert status == 0 and data["x_t"] is None and "varies" in data["x_t_note"]


def test_sweep_plot_suffix_is_refused_before_the_sweep_runs(capsys, monkeypatch):
    def no_sweep(*args, **kwargs):
        raise AssertionError("the sweep ran before --plot was checked")

    monkeypatch.setattr("reports.sweeping.scalar_sweep", no_sweep)
    status, out, err = run(capsys, "sweep", "--w=0.5", "--T", "1:100000", "--plot", "x.svg")
    assert status == 2 and out == "" and "--plot must end in .png or .pdf" in err


@pytest.mark.parametrize("suffix", [".pdf", ".png"])
def test_sweep_plot_is_byte_reproducible(capsys, tmp_path, suffix):
    """No date, producer or software version in the file: the same command, the same bytes."""
    paths = [tmp_path / f"{name}{suffix}" for name in ("a", "b")]
    for path in paths:
        assert run(capsys, "sweep", "--w=0.5,1.5,1", "--T", "100,10", "--input", "0.1",
                   "--plot", str(path))[0] == 0
    data = paths[0].read_bytes()
    assert data == paths[1].read_bytes() and data[:4] in (b"%PDF", b"\x89PNG")
    assert b"Matplotlib" not in data and b"CreationDate" not in data
