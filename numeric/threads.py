"""One BLAS thread for loops of small matrix products.

A forward pass or a QR product multiplies small matrices once per step (a (G, n) by (n, n)
GEMM, a few MFLOP).  A multi-threaded BLAS gains nothing there, and when the cores are shared
with other work its thread pool collapses: the Lyapunov sweep of the report (24 gains, n = 256,
T = 1500) took 47 s with OpenBLAS's default threads on two busy cores and 0.33 s with one.
``small_products(macs)`` limits the BLAS to one thread for the duration of a ``with`` block
when one step's products take fewer than SMALL multiply-adds (threadpoolctl; the previous
limits are restored on exit); larger products keep the BLAS's threads.
"""

from contextlib import contextmanager, nullcontext

SMALL = 2**23  # multiply-adds per step below which one thread is as fast as many


@contextmanager
def one_blas_thread():
    """Run the block with one BLAS thread."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def small_products(macs):
    """``one_blas_thread()`` when one step costs fewer than SMALL multiply-adds, else nothing."""
    return one_blas_thread() if macs < SMALL else nullcontext()
