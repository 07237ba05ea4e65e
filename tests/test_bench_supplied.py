"""Workload F of numeric.bench (supplied gradients): its definition, and the supplied
gradients it times are torch's float64 autograd, equal to an independent NumPy BPTT."""

import numpy as np

from numeric import bench, bench_supplied


def test_workload_f_definition():
    assert bench_supplied.SIZES == {"elman": (256, 1000), "lstm": (128, 1000)}
    assert bench_supplied.PROBES == (512, 500)
    case = bench_supplied.workload_case("lstm", 3, 4)
    assert case.params["weight_hh"].shape == (12, 3) and case.x.shape == (4, bench_supplied.M)
    assert np.all(case.s0 == 0) and case.y.shape == (3,)


def test_workload_f_supplied_gradients_are_torch_autograd():
    """The elman case's torch gradients against a hand-written NumPy BPTT."""
    case = bench_supplied.workload_case("elman", 4, 6)
    grads = bench_supplied.torch_gradients(case)
    p = case.params
    H = [case.s0]
    for x_k in case.x:
        H.append(np.tanh(p["weight_ih"] @ x_k + p["bias_ih"] + p["weight_hh"] @ H[-1]
                         + p["bias_hh"]))
    g, dW = H[-1] - case.y, np.zeros((4, 4))
    for k in range(len(case.x), 0, -1):
        delta = (1 - H[k] ** 2) * g
        dW += np.outer(delta, H[k - 1])
        g = p["weight_hh"].T @ delta
    np.testing.assert_allclose(grads["weight_hh"], dW, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grads["grad_h0"], g, rtol=1e-12, atol=1e-15)


def test_workload_f_without_torch_says_absent():
    assert bench_supplied.run_f(True, bench.timed, False) == {"torch": "absent"}
