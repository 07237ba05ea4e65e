"""The cell bridge keeps relative precision where a naive evaluation of the unit map loses it."""

import mpmath as mp
import numpy as np

import derive
import numeric


def test_gru_update_gate_complement_keeps_relative_precision():
    """h' = (1 − z) n + z h with z = σ(30): 1 − σ(30) rounds to 9.35918e-14, 1.7e-4 off;
    the bridge evaluates σ(−30) instead.  With h = 0 the new state is (1 − z) n exactly."""
    G, _ = numeric.unit_functions(derive.cell_kind("gru"), None)
    z_r, z_z, n_x, n_h, h = (np.array([value]) for value in (0.0, 30.0, 0.5, 0.0, 0.0))
    new_h, = G(z_r, z_z, n_x, n_h, h)
    with mp.workdps(40):
        exact = (1 - 1 / (1 + mp.exp(-30))) * mp.tanh(mp.mpf(0.5))
        assert abs(new_h[0] - exact) / exact < 4e-16
    naive = (1 - 1 / (1 + np.exp(-30.0))) * np.tanh(0.5)
    assert abs(naive - float(exact)) / float(exact) > 1e-5   # what the rewrite avoids


def test_gru_partials_use_the_complement_too():
    """∂h'/∂n_h = (1 − z) r tanh'(n_x + r n_h): also evaluated through σ(−z_z)."""
    _, dG = numeric.unit_functions(derive.cell_kind("gru"), None)
    values = [np.array([v]) for v in (0.0, 30.0, 0.5, 1.0, 0.0)]
    d_n_h = dG(*values)[0][3][0]
    with mp.workdps(40):
        r, arg = mp.mpf(1) / 2, mp.mpf(0.5) + mp.mpf(1) / 2
        exact = (1 - 1 / (1 + mp.exp(-30))) * r * mp.sech(arg) ** 2
        assert abs(d_n_h - exact) / exact < 1e-15
