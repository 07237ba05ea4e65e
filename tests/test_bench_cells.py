"""Workload C of numeric.bench (LSTM forget-bias sweep against torch): its definition and the
agreement of ours with the three torch peers.  No timing assertions: speed is a benchmark's job."""

import json
import subprocess
import sys

import numpy as np

import numeric
from numeric import bench, bench_cells


def test_workload_c_definition():
    biases, T, n = bench_cells.workload_c()
    np.testing.assert_array_equal(biases, np.linspace(-2, 4, 64))
    assert (T, n) == (1000, 32)
    quick = bench_cells.workload_c(quick=True)
    expected = numeric.forget_bias_sweep(quick[0], [quick[1]], hidden=quick[2], seed=0)
    np.testing.assert_array_equal(bench_cells.ours_c(*quick), expected.log10_norm[:, 0])


def test_workload_c_without_torch_says_absent():
    report = bench_cells.run_c(True, bench.timed, False)
    assert report["torch"] == "absent" and report["ours_s"] > 0


def test_workload_c_peers_agree_with_ours():
    """In a subprocess (torch's threads stay out of this one): every peer, quick sizes."""
    code = ("import json; from numeric import bench, bench_cells; "
            "print(json.dumps(bench_cells.run_c(True, bench.timed, True)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    for peer in ("torch_jacrev_lstmcell", "torch_vmap_jacrev_lstmcell", "torch_vmap_jacrev"):
        assert report[f"{peer}_max_abs_diff_log10"] < 1e-12
        assert report[f"ours_over_{peer}"] == report["ours_s"] / report[f"{peer}_s"]
    assert report["torch_vmap_step_vs_nn_lstmcell_max_abs"] < 1e-15
