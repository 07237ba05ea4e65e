"""numeric.backward without a mistake: the same numbers as numeric.bptt (legacy Elman, both
loss forms) and numeric.cells.bptt to 1e-13 normwise, and as torch autograd in float64 (the
parameters, ∂L/∂s_0 and every g_k = ∂L/∂s_k, read from retain_grad on the states)."""

import numpy as np
import pytest
from cell_cases import random_cell_case
from torch_reference import assert_close

import numeric
from numeric.backward import Mistake, backward
from tests.supplied_cases import legacy_case, torch_cell, torch_legacy

CELLS = ("elman", "lstm", "gru", "indrnn")


@pytest.mark.parametrize("per_step", [False, True])
def test_legacy_equals_numeric_bptt_and_torch(per_step):
    case = legacy_case(per_step)
    got = backward(case)
    ref = numeric.bptt(case.activation, case.W_hh, case.W_xh, case.b_h, case.h0, case.x, case.y)
    for name in ("W_hh", "W_xh", "b_h"):
        assert_close(got.params[name], getattr(ref, name), rtol=1e-13)
    assert_close(got.state0, ref.h0, rtol=1e-13)
    assert got.loss == pytest.approx(ref.loss, rel=1e-13)
    grads, h0, loss, g = torch_legacy(case)
    for name, value in grads.items():
        assert_close(got.params[name], value, rtol=1e-12)
    assert_close(got.state0, h0, rtol=1e-12)
    assert_close(got.delta, g, rtol=1e-12)
    assert got.loss == pytest.approx(loss, rel=1e-13)
    assert set(got.params) == {"W_hh", "W_xh", "b_h"}


@pytest.mark.parametrize("name", CELLS)
def test_cell_equals_cells_bptt_and_torch(name):
    case = random_cell_case(name, 3, 5, seed=7)
    got = backward(case)
    ref = case.gradients()
    for key, value in ref.params.items():
        assert_close(got.params[key], value, rtol=1e-13)
    assert_close(got.state0, ref.state0, rtol=1e-13)
    grads, s0, loss, g = torch_cell(case)
    for key, value in grads.items():
        assert_close(got.params[key], value, rtol=1e-12)
    assert_close(got.state0, s0, rtol=1e-12)
    assert_close(got.delta, g, rtol=1e-12)
    assert got.loss == pytest.approx(loss, rel=1e-13)


@pytest.mark.parametrize("name", ["lstm", "gru", "indrnn", "legacy"])
def test_identity_perturbation_changes_nothing(name):
    case = legacy_case(True) if name == "legacy" else random_cell_case(name, 2, 4, seed=2)
    plain, same = backward(case), backward(case, perturb=lambda a: a + 0.0)
    for key in plain.params:
        np.testing.assert_array_equal(plain.params[key], same.params[key])
    np.testing.assert_array_equal(plain.delta, same.delta)
    np.testing.assert_array_equal(plain.state0, same.state0)


def test_perturbation_reaches_the_result():
    case = random_cell_case("gru", 2, 4, seed=2)
    plain = backward(case)
    rounded = backward(case, perturb=lambda a: np.asarray(a, np.float32).astype(float))
    error = np.max(np.abs(rounded.params["weight_hh"] - plain.params["weight_hh"]))
    assert 0 < error < 1e-5


def test_bad_input():
    case = random_cell_case("elman", 2, 3, seed=1, y=False)
    with pytest.raises(ValueError, match="target y"):
        backward(case)
    case = random_cell_case("indrnn", 2, 3, seed=1)
    with pytest.raises(ValueError, match="no recurrent matrix"):
        backward(case, mistake=Mistake("transposed"))
    with pytest.raises(ValueError, match="truncated needs K"):
        backward(case, mistake=Mistake("truncated", 0))
    with pytest.raises(ValueError, match="unknown mistake"):
        backward(case, mistake=Mistake("sign"))
