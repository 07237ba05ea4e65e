"""A new cell type costs one definition: a leaky-integrator cell written here, in a dozen lines
of data and a unit map, gets its derived step Jacobian, the numeric forward pass, product and
every gradient (unit parameter included) without touching derive/ or numeric/ — checked
against a Jacobian written out by hand and against central differences — and the checks refuse
it until it has an independent oracle."""

import numpy as np
import pytest
import sympy as sp

import derive
import numeric
from derive.cells.kind import CellKind, Parameter, channel, gated

LEAKY = CellKind(
    name="leaky", title="leaky integrator", state=("h",),
    parameters=(Parameter("weight_ih", "m", ("W_ih",)), Parameter("weight_hh", "n", ("W_hh",)),
                Parameter("bias_ih", 1, ("b_ih",)), Parameter("bias_hh", 1, ("b_hh",)),
                Parameter("leak", 1, ("a",), init=(0, 1))),
    channels=(channel("v", *gated(0)),),
    unit=lambda s, phi: {"h": (1 - s["leak"]) * s["h"] + s["leak"] * phi(s["v"])},
    unit_parameters=("leak",), takes_activation=True,
    equations="h' = (1 − a) ⊙ h + a ⊙ φ(W_ih x + b_ih + W_hh h + b_hh)")


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setitem(derive.CELLS, "leaky", LEAKY)
    return LEAKY


def test_new_cell_step_jacobian_is_derived_from_its_map(registered):
    """∂h'/∂h = diag(1 − a) + diag(a ⊙ tanh'(v)) W_hh, written out by hand for n = 2."""
    cell = derive.cell("leaky", hidden=2)
    h = derive.state_symbols(cell, 0)
    J = derive.step_jacobian(cell, 1, local=True)
    W, a = cell.parameter("weight_hh"), cell.parameter("leak")
    v = (cell.parameter("weight_ih") * cell.input_at(1) + cell.parameter("bias_ih")
         + W * h + cell.parameter("bias_hh"))
    by_hand = sp.Matrix(2, 2, lambda i, j: (1 - a[i]) * sp.KroneckerDelta(i, j)
                        + a[i] * (1 - sp.tanh(v[i]) ** 2) * W[i, j])
    assert sp.simplify(J - by_hand) == sp.zeros(2, 2)


def _case(seed=0, n=3, T=6, m=2):
    rng = np.random.default_rng(seed)
    params = numeric.default_parameters(LEAKY, n, m, seed)
    return numeric.CellCase(LEAKY, derive.activation("tanh"), params,
                            rng.standard_normal(n), rng.standard_normal((T, m)),
                            rng.standard_normal(n))


def _central(f, x, step=1e-6):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[index] = step
        grad[index] = (f(x + e) - f(x - e)) / (2 * step)
    return grad


def test_new_cell_product_and_gradients_match_central_differences():
    case = _case()
    P = case.jacobian_product().value

    def last_state(s0):
        return numeric.cell_forward(LEAKY, case.activation, case.params, s0, case.x).states[-1]

    step = 1e-6
    by_differences = np.column_stack([
        (last_state(case.s0 + step * e) - last_state(case.s0 - step * e)) / (2 * step)
        for e in np.eye(3)])
    assert np.max(np.abs(P - by_differences)) < 1e-8 * np.max(np.abs(P))
    grads = case.gradients()
    for name, value in case.params.items():
        def loss(theta, name=name):
            params = {**case.params, name: theta}
            return numeric.cell_bptt(LEAKY, case.activation, params, case.s0, case.x,
                                     case.y).loss
        expected = _central(loss, value)
        assert np.max(np.abs(grads.params[name] - expected)) < 1e-7 * (
            1 + np.max(np.abs(expected))), name


def test_new_cell_checks_need_an_independent_oracle(registered):
    """Registered without an mpmath oracle: the checks refuse, naming what is missing."""
    with pytest.raises(LookupError, match="no independent mpmath oracle.*leaky"):
        numeric.run_checks(_case(T=2))
