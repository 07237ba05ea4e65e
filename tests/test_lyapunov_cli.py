"""rnngrad lyapunov: JSON, text, CSV and plots of one setting and of a grid; one-line errors."""

import json
import math

import numpy as np
import pytest

import derive
import numeric
from numeric.cell_init import recurrent_base
from reports.cli import main

TINY = ("--cell", "elman", "--hidden", "4", "--gain", "1.5", "--T", "60", "--burn-in", "10",
        "--seed", "3")


def run(capsys, *argv):
    status = main(["lyapunov", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_equals_numeric_and_is_byte_identical(capsys):
    status, out, err = run(capsys, *TINY, "--json")
    assert status == 0 and err == ""
    assert run(capsys, *TINY, "--json")[1] == out
    data = json.loads(out)
    expected = numeric.lyapunov_gain_sweep("elman", [1.5], 60, hidden=4, seed=3, burn_in=10,
                                           k=None)
    assert data["exponents"] == expected.exponents[0].tolist() and data["k"] == 4
    assert data["lambda_max"] == expected.lambda_max[0]
    assert data["convergence"] == expected.convergence[0]
    assert data["spectral_radius"] == expected.spectral_radius[0]
    assert data["sigma_max"] == expected.sigma_max[0]
    assert data["exponents"] == sorted(data["exponents"], reverse=True)
    assert {key: data[key] for key in ("cell", "activation", "hidden", "gain", "seed", "T",
                                       "burn_in", "reorth_every", "backend", "device")} == {
        "cell": "elman", "activation": "tanh", "hidden": 4, "gain": 1.5, "seed": 3, "T": 60,
        "burn_in": 10, "reorth_every": 1, "backend": "numpy", "device": "cpu"}
    assert data["init"] == expected.init and "W0 ~ N(0, 1/n)" in data["init"]
    assert data["input_drive"] == expected.drive and data["norms"] == expected.norms
    assert data["units"].startswith("natural log per step") and "_note" not in data


def test_identity_exponents_are_log_diagonal_of_the_power(capsys):
    """Identity activation: J_k = g W0 at every step, so with Q_0 = I the exponents are
    (1/T) log |diag R| of the QR of (g W0)^T (sorted), and they sum to log |det(g W0)|."""
    status, out, _ = run(capsys, "--cell", "elman", "--activation", "identity", "--hidden",
                         "5", "--gain", "0.9", "--T", "12", "--seed", "2", "--json")
    W = 0.9 * recurrent_base(derive.cell_kind("elman"), 5, 1, 2)[0]["weight_hh"]
    R = np.linalg.qr(np.linalg.matrix_power(W, 12))[1]
    expected = np.sort(np.log(np.abs(np.diag(R))) / 12)[::-1]
    exponents = np.array(json.loads(out)["exponents"])
    assert status == 0
    np.testing.assert_allclose(exponents, expected, rtol=0, atol=1e-10)
    assert exponents.sum() == pytest.approx(math.log(abs(np.linalg.det(W))), abs=1e-10)


def test_non_finite_exponents_are_null_with_a_note(capsys):
    status, out, _ = run(capsys, "--cell", "elman", "--activation", "relu", "--hidden", "20",
                         "--gain", "1", "--T", "50", "--json")
    data = json.loads(out)
    assert status == 0 and data["exponents"][-1] is None
    assert "-inf" in data["_note"] and "exponents" in data["_note"]


def test_text_states_setting_norms_meaning_and_backend(capsys):
    status, out, err = run(capsys, *TINY)
    text = " ".join(out.split())
    expected = numeric.lyapunov_gain_sweep("elman", [1.5], 60, hidden=4, seed=3, burn_in=10,
                                           k=None)
    assert status == 0 and err == ""
    for phrase in ("cell: elman (n = 4, activation tanh)", "W0 ~ N(0, 1/n) (seed 3)",
                   "x_t = 0.1*N(0, I_m)", "T = 60 steps, burn-in 10",
                   f"spectral radius rho {expected.spectral_radius[0]:.4f}",
                   f"sigma_max {expected.sigma_max[0]:.4f}",
                   f"lambda_max = {expected.lambda_max[0]:.4f} per step (natural log)",
                   "all 4 exponents (natural log per step, largest first)",
                   "ran on: numpy (cpu)"):
        assert phrase in text, phrase
    assert ("shrink like e^(lambda_max T)" if expected.lambda_max[0] < 0
            else "grow like e^(lambda_max T)") in text
    assert "array(" not in out and "np." not in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_chaotic_setting_says_so(capsys):
    status, out, _ = run(capsys, "--cell", "elman", "--hidden", "64", "--gain", "3", "--T",
                         "150", "--burn-in", "50", "--k", "2")
    text = " ".join(out.split())
    assert status == 0 and "> 0: chaotic: perturbations and gradients grow like" in text
    assert "the 2 largest of 64 exponents" in text


def test_csv_one_row_per_exponent(capsys):
    status, out, _ = run(capsys, "--cell", "lstm", "--hidden", "2", "--gain", "2", "--T",
                         "30", "--csv")
    lines = out.splitlines()
    expected = numeric.lyapunov_gain_sweep("lstm", [2.0], 30, hidden=2, k=None)
    assert status == 0 and lines[0] == "cell,gain,hidden,seed,index,exponent"
    assert len(lines) == 1 + 4   # s = [h; c]: 2n exponents
    rows = [line.split(",") for line in lines[1:]]
    assert [row[:5] for row in rows] == [["lstm", "2", "2", "0", str(i)] for i in range(1, 5)]
    assert [float(row[5]) for row in rows] == expected.exponents[0].tolist()


def test_plots_are_written(capsys, tmp_path):
    one, grid = tmp_path / "one.png", tmp_path / "grid.pdf"
    assert run(capsys, *TINY, "--plot", str(one))[0] == 0
    assert run(capsys, "--cell", "gru", "--hidden", "2,3", "--gain", "0.5,2", "--T", "20",
               "--k", "1", "--plot", str(grid))[0] == 0
    assert one.read_bytes()[:4] == b"\x89PNG" and one.stat().st_size > 1000
    assert grid.read_bytes()[:4] == b"%PDF" and grid.stat().st_size > 1000


def test_grid_json_equals_one_sweep_per_size_and_seed(capsys):
    argv = ("--cell", "elman", "--hidden", "3,5", "--seed", "0,1", "--gain", "0.5:2:3", "--T",
            "40", "--k", "2", "--json")
    status, out, _ = run(capsys, *argv)
    data = json.loads(out)
    assert status == 0 and run(capsys, *argv)[1] == out
    assert data["gains"] == [0.5, 1.25, 2.0] and data["hidden"] == [3, 5]
    assert data["seeds"] == [0, 1] and data["k"] == 2
    for h, n in enumerate((3, 5)):
        for r, seed in enumerate((0, 1)):
            expected = numeric.lyapunov_gain_sweep("elman", [0.5, 1.25, 2.0], 40, hidden=n,
                                                   seed=seed, k=2)
            assert data["lambda_max"][h][r] == expected.lambda_max.tolist()
            assert data["exponents"][h][r] == expected.exponents.tolist()
            assert data["sigma_max"][h][r] == expected.sigma_max.tolist()


def test_grid_defaults_to_lambda_max(capsys):
    status, out, _ = run(capsys, "--cell", "lstm", "--hidden", "2,3", "--gain", "1", "--T",
                         "15", "--json")
    data = json.loads(out)
    expected = numeric.lyapunov_gain_sweep("lstm", [1.0], 15, hidden=3, k=1)
    assert status == 0 and data["k"] == 1 and len(data["exponents"][1][0][0]) == 1
    assert data["lambda_max"][1][0] == expected.lambda_max.tolist()


def test_grid_text_and_csv(capsys):
    argv = ("--cell", "indrnn", "--hidden", "2", "--seed", "0,4", "--gain", "0.5,1", "--T",
            "25", "--k", "2")
    status, out, _ = run(capsys, *argv)
    assert status == 0 and "recurrent weights g * u with u ~ uniform(0, 1)" in out
    header = next(line for line in out.splitlines() if line.split()[:1] == ["g"])
    assert header.split()[1:] == ["n=2", "s=0", "n=2", "s=4"]
    assert sum(1 for line in out.splitlines() if line.split()[:1] in (["0.5"], ["1"])) == 2
    status, out, _ = run(capsys, *argv, "--csv")
    assert status == 0 and len(out.splitlines()) == 1 + 2 * 2 * 2


def test_scheduler_shards_on_a_local_cluster_and_equals_the_serial_grid(capsys):
    from distributed import LocalCluster

    argv = ("--cell", "elman", "--hidden", "2,3", "--seed", "0,1", "--gain", "1,2", "--T",
            "20", "--json")
    serial = json.loads(run(capsys, *argv)[1])
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        status, out, _ = run(capsys, *argv, "--scheduler", cluster.scheduler_address)
    sharded = json.loads(out)
    assert status == 0 and sharded.pop("scheduler") == cluster.scheduler_address
    serial.pop("scheduler")
    assert sharded == serial


def test_torch_backend_agrees(capsys):
    argv = ("--cell", "gru", "--hidden", "3", "--gain", "1.2", "--T", "30", "--json")
    numpy_run = json.loads(run(capsys, *argv)[1])
    status, out, _ = run(capsys, *argv, "--backend", "torch")
    torch_run = json.loads(out)
    assert status == 0 and torch_run["backend"] == "torch" and torch_run["device"]
    np.testing.assert_allclose(torch_run["exponents"], numpy_run["exponents"], rtol=1e-12,
                               atol=1e-12)


def test_help_is_self_contained(capsys):
    status, out, _ = run(capsys, "--help")
    text = " ".join(out.split())
    assert status == 0
    for phrase in ("average growth rate, in natural log per step",
                   "'rnngrad sweep --cell C --gain'", "W0 ~ N(0, 1/n)",
                   "units: natural log per step", "--backend {numpy,jax,torch}"):
        assert phrase in text, phrase


def test_backend_names_match_numeric():
    from reports.lyapunov_cli import BACKENDS

    assert BACKENDS == numeric.BACKENDS


BAD = [
    (("--cell", "foo"), "unknown cell 'foo'"),
    (("--activation", "relu", "--cell", "lstm"), "--activation applies to"),
    (("--activation", "nope"), "unknown activation 'nope'"),
    (("--backend", "cuda"), "invalid choice: 'cuda'"),
    (("--T", "0"), "--T must be >= 1"),
    (("--T", "ten"), "invalid int value"),
    (("--k", "5"), "--k must be between 1 and the state size 4"),
    (("--burn-in", "60"), "--burn-in must be >= 0 and below --T 60"),
    (("--gain", "x"), "--gain: 'x' is not a number"),
    (("--hidden", "4.5"), "--hidden: '4.5' is not an integer"),
    (("--seed", "0,0"), "--seed: repeated value"),
    (("--reorth-every", "0"), "--reorth-every must be >= 1"),
    (("--noise", "inf"), "--noise must be finite"),
    (("--plot", "out.svg"), "--plot must end in .png or .pdf"),
    (("--scheduler", "tcp://h:1"), "--scheduler shards a grid"),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_is_one_line_exit_2(capsys, change, message):
    argv = list(TINY)
    for flag, value in zip(change[::2], change[1::2], strict=True):
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("rnngrad: error: ")
    assert message in err


def test_huge_gain_prints_numbers_not_errors(capsys):
    status, out, _ = run(capsys, "--cell", "elman", "--activation", "identity", "--hidden", "3",
                         "--gain", "1e300", "--T", "3")
    assert status == 0 and "e+299" in out and "grows per step" in out
