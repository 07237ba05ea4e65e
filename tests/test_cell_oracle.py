"""The independent mpmath oracle of every cell: it exists for every registered cell, agrees
with numeric.cells to 1e-12, and its derivatives agree with mpmath's own numerical
differentiation (mp.diff) of its step and loss."""

import mpmath as mp
import numpy as np
import pytest

import derive
import numeric
from numeric import cell_oracle
from numeric.cell_oracle import CELL_ORACLES, Dual, Gates, cell_reference
from numeric.oracle import MissingOracle, mp_activation
from tests.cell_cases import random_cell_case


def test_every_registered_cell_has_an_oracle():
    assert set(CELL_ORACLES) == set(derive.cell_names())
    for name in derive.cell_names():
        assert cell_oracle.cell_oracle(name) is CELL_ORACLES[name]


def test_a_registered_cell_without_an_oracle_raises(monkeypatch):
    case = random_cell_case("gru", 1, 1, 0)
    monkeypatch.delitem(CELL_ORACLES, "gru")
    with pytest.raises(MissingOracle, match="no independent mpmath oracle .* 'gru'"):
        cell_reference(case)


def _normwise(value, exact):
    exact = np.array(exact.tolist() if hasattr(exact, "tolist") else exact, dtype=float)
    exact = exact.reshape(np.shape(value))
    if not np.any(exact):      # relu off: the float value must be exactly zero too
        return float(np.max(np.abs(value)))
    return np.max(np.abs(value - exact)) / np.max(np.abs(exact))


@pytest.mark.parametrize(("name", "act"), [("elman", "tanh"), ("elman", "softplus"),
                                           ("lstm", None), ("gru", None), ("indrnn", "tanh"),
                                           ("indrnn", "relu")])
def test_oracle_agrees_with_numeric_cells(name, act):
    """Exact states, every J_k, the product and every gradient to 1e-12 normwise."""
    case = random_cell_case(name, 3, 12, 21, act or "tanh", 1.5)
    ref = cell_reference(case)
    path = case.trajectory()
    assert _normwise(np.array(path.states), [[float(v) for v in s] for s in ref.states]) < 1e-12
    for J_k, exact in zip(case.step_jacobians(), ref.J, strict=True):
        assert _normwise(J_k, exact) < 1e-12
    P = case.jacobian_product()
    with mp.workdps(50):
        scaled = [[float(v * mp.ldexp(1, -P.exponent)) for v in row]
                  for row in ref.product.tolist()]
    assert _normwise(P.mantissa, scaled) < 1e-12
    grads = case.gradients()
    for key, value in grads.params.items():
        assert _normwise(value, ref.grads[key]) < 1e-12, key
    assert _normwise(grads.state0, ref.grad_s0) < 1e-12


def _step_values(case, s, k=0):
    """The oracle's step k + 1 at state s (values only): F(s)."""
    phi = None
    if case.activation is not None:
        f, df, _ = mp_activation(case.activation)
        phi = lambda i: lambda z: Dual(f(z.v))  # noqa: E731
    params = {key: [[mp.mpf(float(v)) for v in np.atleast_1d(row)] if value.ndim == 2
                    else mp.mpf(float(row)) for row in value] for key, value in case.params.items()}
    x = [mp.mpf(float(v)) for v in case.x[k]]
    return [d.v for d in CELL_ORACLES[case.kind.name](params, [Dual(v) for v in s], x,
                                                          Gates(phi))]


@pytest.mark.parametrize(("name", "act"), [("elman", "tanh"), ("lstm", None), ("gru", None),
                                           ("indrnn", "sigmoid")])
def test_oracle_jacobian_equals_mpmath_numerical_derivative(name, act):
    """∂s_1/∂s_0 of the duals equals mp.diff of the oracle's own step, column by column, to
    1e-30 at 50 digits."""
    case = random_cell_case(name, 2, 1, 31, act or "tanh", y=False)
    ref = cell_reference(case)
    with mp.workdps(50):
        s0 = [mp.mpf(float(v)) for v in case.s0]
        for j in range(len(s0)):
            for i in range(len(s0)):
                def entry(t, i=i, j=j):
                    return _step_values(case, [v + (t if q == j else 0)
                                               for q, v in enumerate(s0)])[i]
                assert abs(mp.diff(entry, 0) - ref.J[0][i, j]) < mp.mpf(10) ** -30


def test_oracle_gradient_equals_mpmath_numerical_derivative():
    """∂L/∂(weight_hh)_{ij} of an LSTM over T = 2 equals mp.diff of L computed by the oracle's
    step, to 1e-30."""
    case = random_cell_case("lstm", 1, 2, 41)
    ref = cell_reference(case)

    def loss(t, row):
        params = {k: v.copy() for k, v in case.params.items()}
        shifted = numeric.CellCase(case.kind, None, params, case.s0, case.x, case.y)
        s = [mp.mpf(float(v)) for v in case.s0]
        for k in range(case.T):
            s = _step_with(shifted, s, k, ("weight_hh", row, t))
        return (s[0] - mp.mpf(float(case.y[0]))) ** 2 / 2

    with mp.workdps(50):
        for row in range(4):
            assert abs(mp.diff(lambda t, r=row: loss(t, r), 0)
                       - ref.grads["weight_hh"][row, 0]) < mp.mpf(10) ** -30


def _step_with(case, s, k, shift):
    name, row, t = shift
    params = {key: [[mp.mpf(float(v)) for v in r] if value.ndim == 2 else mp.mpf(float(r))
                    for r in value] for key, value in case.params.items()}
    params[name][row][0] += t
    x = [mp.mpf(float(v)) for v in case.x[k]]
    return [d.v for d in CELL_ORACLES[case.kind.name](params, [Dual(v) for v in s], x, Gates())]


def test_oracle_takes_phi_prime_on_the_float_side_of_a_kink():
    """A hint whose float argument lies across relu's kink, within its bound, moves φ' there."""
    case = random_cell_case("indrnn", 1, 1, 2, "relu", y=False)
    ref = cell_reference(case)
    exact = float(ref.J[0][0, 0])
    path = case.trajectory()
    arg = float(path.channels[0][0][0] + case.params["u"][0] * case.s0[0])
    flipped = cell_reference(case, hints=[[(-arg, mp.mpf(3 * abs(arg)))]])
    assert flipped.same_side == 1
    assert float(flipped.J[0][0, 0]) == (0.0 if arg > 0 else case.params["u"][0])
    assert exact == (case.params["u"][0] if arg > 0 else 0.0)
