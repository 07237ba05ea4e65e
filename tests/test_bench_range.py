"""numeric.bench_peers.compare: a float64 product without rescaling against ours in log10 form.

The peers of workload A multiply |∂h_T/∂h_0| = Π_t |w sech²(a_t)| in float64; at T = 1000 most
of them fall below the smallest normal float64 (2.2e-308): to 0, or to a subnormal number that
keeps only a few bits (the bench once printed a max relative difference of 2.475 from such a
value).  Here the same unrescaled product is written as a loop in the test, the true log10 is
the sum of the logs of the factors (math.fsum, independent of rnngrad), and ``compare`` must
count exactly the values whose true size is below 2.2e-308 and agree with ours on the rest.
"""

import math

import numpy as np

from numeric import bench_peers, scalar_sweep

TINY = np.finfo(float).tiny


def _chains(ws, T, x):
    """(the unrescaled float64 product, log10 of the true product as a sum of logs) per w."""
    plain, log_sum = [], []
    for w in ws:
        h, p, logs = 0.0, 1.0, []
        for t in range(T):
            a = w * h + x[t]
            h = math.tanh(a)
            p *= w / math.cosh(a) ** 2
            logs.append(math.log10(abs(w)) - 2 * math.log10(math.cosh(a)))
        plain.append(p)
        log_sum.append(math.fsum(logs))
    return np.array(plain), np.array(log_sum)


def test_compare_counts_underflow_and_compares_the_rest():
    T = 400
    x = 0.1 * np.random.default_rng(0).standard_normal(T)
    ws = np.append(np.linspace(-3, 3, 24), [-2.05, 0.16, 2.04])  # the last three: subnormal
    plain, truth = _chains(ws, T, x)
    assert np.all(np.abs(truth - math.log10(TINY)) > 0.05)  # no value at the edge of the range
    ours = scalar_sweep("tanh", ws, [T], inputs=x).log10_abs_grad[:, 0]
    assert np.max(np.abs(ours - truth)) < 1e-11     # ours against the independent sum
    with np.errstate(divide="ignore"):
        peer = np.log10(np.abs(plain))
    out = bench_peers.compare("peer", peer, ours)
    below = int(np.sum(truth < math.log10(TINY)))
    assert 0 < below < len(ws) and np.any(plain == 0) and np.any((plain != 0) & (plain < TINY))
    assert out["peer_underflowed"] == below and out["peer_overflowed"] == 0
    assert out["peer_compared"] == len(ws) - below
    assert out["peer_max_rel_diff"] < 1e-11


def test_compare_counts_overflow_and_nan_and_leaves_null_when_nothing_is_left():
    ours = np.array([400.0, 1.0, -2.0, -400.0])
    peer = np.log10(np.array([np.inf, np.nan, 1e-2, 0.0]), where=[True, True, True, False],
                    out=np.full(4, -np.inf))
    out = bench_peers.compare("x", peer, ours)
    assert (out["x_overflowed"], out["x_underflowed"], out["x_compared"]) == (2, 1, 1)
    assert abs(out["x_max_rel_diff"]) < 1e-15
    none_left = bench_peers.compare("x", np.array([-np.inf]), np.array([-500.0]))
    assert none_left["x_max_rel_diff"] is None and none_left["x_underflowed"] == 1
