"""numeric.rnn.elman_step_jacobian: the one numeric formula J_k = diag(φ'(a_k)) W_hh, and the
fast paths that go through it (step_jacobians, product_along, the scalar sweep).

Oracles: np.diag(d) @ W written out here, and plain float loops / mpmath products."""

import math

import mpmath as mp
import numpy as np
import pytest

import derive
import numeric
from numeric.rnn import elman_step_jacobian


def test_equals_diag_times_W_for_every_step_and_batch():
    rng = np.random.default_rng(7)
    d, W = rng.uniform(0, 1, (5, 3)), rng.standard_normal((3, 3))
    J = elman_step_jacobian(d, W)
    assert J.shape == (5, 3, 3)
    for k in range(5):
        np.testing.assert_array_equal(J[k], np.diag(d[k]) @ W)
    Ws = rng.standard_normal((4, 5, 3, 3))  # leading axes broadcast: (gains, steps)
    batched = elman_step_jacobian(d, Ws)
    assert batched.shape == (4, 5, 3, 3)
    for g in range(4):
        for k in range(5):
            np.testing.assert_array_equal(batched[g, k], np.diag(d[k]) @ Ws[g, k])


def test_applied_to_a_product_is_J_times_M():
    rng = np.random.default_rng(8)
    d, W, M = rng.uniform(0, 1, 4), rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
    np.testing.assert_allclose(elman_step_jacobian(d, W @ M), (np.diag(d) @ W) @ M,
                               rtol=1e-13, atol=1e-15)


def test_step_jacobians_and_product_along_match_an_mpmath_product():
    rng = np.random.default_rng(9)
    act = derive.activation("tanh")
    W, a = rng.standard_normal((3, 3)) / 2, rng.standard_normal((40, 3))
    J = numeric.step_jacobians(act, W, a)
    P = numeric.product_along(act, W, a).value
    with mp.workdps(40):
        Wm, ref = mp.matrix(W.tolist()), mp.eye(3)
        for k in range(40):
            Jk = mp.diag([mp.sech(mp.mpf(float(v))) ** 2 for v in a[k]]) * Wm
            assert float(mp.mnorm(Jk - mp.matrix(J[k].tolist()), 1)) < 1e-15
            ref = Jk * ref
        scale = float(mp.mnorm(ref, 1))
        assert float(mp.mnorm(ref - mp.matrix(P.tolist()), 1)) < 1e-12 * scale


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_scalar_sweep_equals_a_plain_product_of_step_jacobians(name):
    act = derive.activation(name)
    w, x = np.array([-1.5, 0.3, 0.9, 2.5]), 0.1 * np.cos(np.arange(60))
    got = numeric.scalar_sweep(act, w, [7, 60], inputs=x).log10_abs_grad
    phi, dphi = numeric.activation_functions(act)
    for i, w_i in enumerate(w):
        h, log10 = 0.0, 0.0
        for t in range(60):
            a = w_i * h + x[t]
            h = float(phi(np.array([a]))[0])
            log10 += math.log10(abs(w_i * float(dphi(np.array([a]))[0])))
            if t + 1 == 7:
                assert got[i, 0] == pytest.approx(log10, abs=1e-10)
        assert got[i, 1] == pytest.approx(log10, abs=1e-10)
