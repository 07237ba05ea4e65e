"""numeric.bench smoke test: the quick workloads run and report ratios and accuracies."""

import json
import subprocess
import sys

from numeric import bench


def test_bench_quick_runs_and_reports():
    """In a subprocess: peers (torch, JAX) start threads that must not leak into this one."""
    done = subprocess.run([sys.executable, "-m", "numeric.bench", "--quick", "--json"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["blas"]["threads"] >= 1 and "blas" in report["blas"]["library"]
    for name in ("A", "B"):
        part = report[name]
        assert part["baseline_s"] > 0 and part["ours_s"] > 0
        assert part["ours_over_baseline"] == part["ours_s"] / part["baseline_s"]
        assert part["max_rel_diff_ours_baseline"] < 1e-10
        assert part["baseline_underflowed"] == part["baseline_overflowed"] == 0  # T <= 100
        assert "2.2e-308" in part["float64_range_note"]
        for peer, count in (("torch_vmap_jacrev", 100 if name == "A" else 16),
                            ("jax", 100 if name == "A" else 16), ("torch_jacobian_loop", 8)):
            assert part[f"{peer}_underflowed"] + part[f"{peer}_overflowed"] + \
                part[f"{peer}_compared"] == count
            assert part[f"{peer}_max_rel_diff"] < 1e-10
    B = report["B"]     # the default threads and one thread, in the same run
    assert B["blas_threads"] == report["blas"]["threads"] and B["sweep_blas_threads"] == 1
    assert B["baseline_1_thread_s"] > 0 and B["ours_1_thread_s"] > 0
    assert B["ours_over_baseline_1_thread"] == B["ours_1_thread_s"] / B["baseline_1_thread_s"]
    assert report["A"]["max_rel_error_vs_mpmath"] <= 1e-12
    for row in report["B"]["mpmath_subsample"]:
        assert row["rel_error_vs_mpmath"] <= 1e-12 or row["g"] > 2
    assert set(report["peers_installed"]) == {"torch", "jax"}
    assert report["C"]["ours_s"] > 0 and report["C"]["torch_vmap_jacrev_max_abs_diff_log10"] < 1e-12
    for name in ("D", "E"):     # every installed backend beside a plain loop in its library
        part = report[name]
        for lib in ("numpy", "jax", "torch"):
            assert part[f"{lib}_rnngrad_s"] > 0 and part[f"{lib}_plain_s"] > 0
            assert part[f"{lib}_rnngrad_over_plain"] == (part[f"{lib}_rnngrad_s"]
                                                        / part[f"{lib}_plain_s"])
            assert part[f"{lib}_stable_max_rel_diff"] < 1e-10
        assert part["numpy_device"] == "cpu" and part["jax_device"] in ("cpu", "gpu:0")
    F = report["F"]     # supplied gradients: torch's float64 ones pass, in the same run
    for cell in ("elman", "lstm"):
        assert F[f"{cell}_passed"] is True and F[f"{cell}_mode"] == "full"
        assert F[f"{cell}_check_over_torch"] == F[f"{cell}_check_s"] / F[f"{cell}_torch_s"]
    assert F["probes_passed_correct"] is True and F["probes_caught_wrong_entry"] is True
    assert F["probes_over_full"] == F["probes_16_s"] / F["full_check_s"]
    assert F["product_full_mode"] == "full" and F["product_probes_16_s"] > 0


def test_bench_render_is_readable():
    text = bench.render({"peers_installed": {"torch": False, "jax": False},
                         "blas": {"library": "openblas 0.3.31", "threads": 16},
                         "A": {"ours_s": 0.5, "torch": "absent"},
                         "B": {"mpmath_subsample": [{"g": 0.5, "rel_error_vs_mpmath": 1e-15}]},
                         "D": {"jax_device": "gpu:0", "jax_rnngrad_over_plain": 1.1}})
    assert "workload A" in text and "torch" in text and "g=0.5" in text
    assert "workload D" in text and "gpu:0" in text
    assert "BLAS: openblas 0.3.31, 16 threads by default" in text
