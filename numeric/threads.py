"""One BLAS thread for loops of small matrix products.

A forward pass or a QR product multiplies small matrices once per step (a (G, n) by (n, n)
GEMM, a few MFLOP).  A multi-threaded BLAS gains nothing there, and when the cores are shared
with other work its thread pool collapses: the Lyapunov sweep of the report (24 gains, n = 256,
T = 1500) took 47 s with OpenBLAS's default threads on two busy cores and 0.33 s with one.
``small_products(macs)`` limits the BLAS to one thread for the duration of a ``with`` block
when one step's products take fewer than SMALL multiply-adds (threadpoolctl; the previous
limits are restored on exit); larger products keep the BLAS's threads.

SMALL is measured: one (n, n) by (n, m) GEMM with OpenBLAS's two threads against one, on two
cores kept busy by other processes, took 2.7× as long at 2^23 multiply-adds (n = 32, m = 8192:
the gain sweep's step for 256 gains), 2.9× at 2^25, 1.7× at 2^27, 1.2× at 2^28 and 1.0× at
2^30 (n = 256, m = 16384).  Threads that wait for a descheduled partner lose a time slice per
call, which only calls of about 2^28 multiply-adds or more amortise.  On an idle machine with
many cores threads pay below SMALL too; one thread gives that up for a time that does not
depend much on the load (workload B of ``python -m numeric.bench``: 0.6 to 1.3 times the
plain batched product in every run on two cores at load averages 3 to 9, with and without two
more CPU-bound processes, against up to 5.9 times with two threads).
"""

from contextlib import contextmanager, nullcontext
from functools import lru_cache

SMALL = 2**28  # multiply-adds per step below which one thread is as fast as many on busy cores


@lru_cache(maxsize=1)
def _controller():
    """The BLAS libraries loaded at the first call (NumPy's, loaded with NumPy), found once:
    threadpool_limits searches the loaded libraries on every call (about 1 ms), which a sweep
    that enters one_blas_thread once per call paid a thousand times in a property test."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().select(user_api="blas")


@contextmanager
def one_blas_thread():
    """Run the block with one BLAS thread."""
    with _controller().limit(limits=1):
        yield


def is_small(macs):
    """Whether products of ``macs`` multiply-adds a step run on one BLAS thread."""
    return macs < SMALL


def small_products(macs):
    """``one_blas_thread()`` when one step costs fewer than SMALL multiply-adds, else nothing."""
    return one_blas_thread() if is_small(macs) else nullcontext()
