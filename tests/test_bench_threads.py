"""The gain sweep's BLAS threads: one thread for workload B's shape, the BLAS's own otherwise.

Workload B (256 gains, n = 32) multiplies W0 @ [P_1 … P_G], 2^23 multiply-adds, once a step.
OpenBLAS's threads made it 6× slower than the plain batched product on two busy cores (they
spin while a partner waits for a time slice), so the sweep's loop runs on one BLAS thread below
numeric.threads.SMALL multiply-adds a step, and its SVDs (LAPACK) on one thread always.  What
is checked: the thread count that threadpoolctl reports from inside the loop and the SVDs.
"""

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from numeric import gain_sweep, gains
from numeric.threads import SMALL


def _blas_threads():
    return max(lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas")


def _threads_seen(monkeypatch, G, n):
    """The BLAS threads inside the sweep's loop and inside each SVD it calls, under an outer
    limit of two threads."""
    loop_threads, svd_threads = [], []
    loop, svd = gains._gain_loop, np.linalg.svd

    def recording_loop(*args):
        loop_threads.append(_blas_threads())
        return loop(*args)

    def recording_svd(*args, **kwargs):
        svd_threads.append(_blas_threads())
        return svd(*args, **kwargs)

    monkeypatch.setattr(gains, "_gain_loop", recording_loop)
    monkeypatch.setattr(np.linalg, "svd", recording_svd)
    W0 = np.random.default_rng(0).standard_normal((n, n)) / np.sqrt(n)
    with threadpool_limits(limits=2, user_api="blas"):
        assert _blas_threads() == 2
        gain_sweep(W0, np.linspace(0.5, 1.5, G), [2])
        assert _blas_threads() == 2     # restored after the sweep
    return loop_threads, svd_threads


def test_workload_b_shape_runs_on_one_blas_thread(monkeypatch):
    assert 256 * 32**3 < SMALL
    assert _threads_seen(monkeypatch, 256, 32) == ([1], [1, 1])   # σ_min(W0), σ_max at T


def test_large_products_keep_the_blas_threads_and_svds_take_one(monkeypatch):
    """The GEMM of 16 gains at n = 256 (2^28 multiply-adds) keeps two threads; the SVDs take
    one (on two busy cores, σ_max of 16 products of size 256: 33 s on two threads, 0.9 s on
    one)."""
    assert 16 * 256**3 >= SMALL
    assert _threads_seen(monkeypatch, 16, 256) == ([2], [1, 1])
