"""float32 without false alarms: torch autograd in float32 on random cells (n ≤ 64, T ≤ 100,
saturated gates among them) never fails ``numeric.check_gradients``, a 10⁻³ relative error in
one entry is caught, and a float32 exercise answer (a gate block among the quantities) is right
or diagnosed."""

import numpy as np
import pytest
import torch

import numeric
from tests.cell_cases import random_cell_case
from tests.handwritten_rnn import cell_name, program
from tests.supplied_cases import CASES, assert_passed, failures, submitted, torch_gradients

TORCH32 = {  # (cell, n, T, seed, scale, bias): n ≤ 64, T ≤ 100, saturated gates among them
    "elman_64x100": ("elman", 64, 100, 10, 1.0, 0.0),
    "lstm_32x100": ("lstm", 32, 100, 11, 1.0, 0.0),
    "gru_32x100": ("gru", 32, 100, 12, 1.0, 0.0),
    "elman_saturated": ("elman", 16, 100, 13, 3.0, 0.0),
    "lstm_saturated": ("lstm", 16, 100, 14, 1.0, 30.0),
    "gru_saturated": ("gru", 16, 100, 15, 1.0, -8.0),
}


def torch32(name):
    cell, n, steps, seed, scale, bias = TORCH32[name]
    case = random_cell_case(cell, n, steps, seed, scale=scale, bias=bias)
    supplied = torch_gradients(case, torch.float32)
    assert all(value.dtype == np.float32 for value in supplied.values())
    return case, supplied


@pytest.mark.parametrize("name", TORCH32)
def test_supplied_torch_float32_autograd_never_fails(name):
    case, supplied = torch32(name)
    result = numeric.check_gradients(case, supplied)
    assert result.dtype == "float32"
    assert_passed(result)


def one_entry_off(supplied, key, relative=1e-3):
    """``supplied`` with the largest entry of ``key`` multiplied by 1 + relative."""
    wrong = dict(supplied)
    value = supplied[key].copy()
    index = np.unravel_index(np.argmax(np.abs(value)), value.shape)
    value[index] *= value.dtype.type(1 + relative)
    wrong[key] = value
    return wrong, index


@pytest.mark.parametrize("source", ["torch elman_64x100", "handwritten lstm"])
def test_supplied_float32_one_entry_off_by_one_in_a_thousand_is_caught(source):
    if source.startswith("torch"):
        case, supplied = torch32("elman_64x100")
    else:
        case = CASES["lstm"]()
        supplied = submitted(case, "float32")
    wrong, index = one_entry_off(supplied, "weight_hh")
    result = numeric.check_gradients(case, wrong)
    assert result.dtype == "float32" and not result.passed
    check = next(q for q in result.quantities if q.name == "weight_hh")
    assert not check.passed and list(check.worst["index"]) == list(index)


def answer(case, dtype, mistake=None):
    """What the exercise sheet asks for: ∂L/∂W_hh, ∂L/∂c_0 (LSTM) and one gate's ∂L/∂W_ih
    block (rows of the forget gate f, or the GRU's update gate z)."""
    grads = program(case, np.dtype(dtype), mistake)
    n, cell = len(grads["grad_h0"]), cell_name(case)
    gate = {"lstm": "f", "gru": "z"}[cell]
    row = {"lstm": "ifgo", "gru": "rzn"}[cell].index(gate)
    out = {"weight_hh": grads["weight_hh"],
           f"weight_ih_{gate}": grads["weight_ih"][row * n:(row + 1) * n]}
    if cell == "lstm":
        out["grad_c0"] = grads["grad_c0"]
    return out


@pytest.mark.parametrize("name", ["lstm", "gru"])
@pytest.mark.parametrize("mistake", [None, "missing_activation_derivative", "truncated"])
def test_supplied_exercise_answer_in_float32(name, mistake):
    """A partial answer (a gate block among the quantities), float32: right or diagnosed (two
    mistakes whose candidates need a backward pass over the block)."""
    case = CASES[name]()
    result = numeric.check_gradients(case, answer(case, "float32", mistake))
    if mistake is None:
        assert_passed(result)
    else:
        passed, diagnosis = result.passed, result.diagnosis
        assert not passed and mistake in diagnosis, (diagnosis, failures(result))
