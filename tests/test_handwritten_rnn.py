"""The student programs of tests/handwritten_rnn.py are what they claim to be: the correct
ones equal PyTorch's float64 autograd (1e-10) and stay within float32's rounding, the GRU with
b_hn outside r⊙(·) is the gradient of its own model, and the simple mistakes are the
transforms they name (their diagnosis: test_supplied_mistakes.py)."""

import numpy as np
import pytest
import torch

from tests.handwritten_rnn import BATCH, GATE_ORDER, program
from tests.supplied_cases import CASES, T, torch_gradients
from tests.torch_reference import assert_close


@pytest.mark.parametrize("name", CASES)
def test_handwritten_programs_equal_torch_autograd(name):
    """The oracle: the correct programs equal torch's float64 autograd to 1e-10 (normwise),
    and their float32 arithmetic stays within 1e-5 of the largest gradient entry."""
    case = CASES[name]()
    expected = torch_gradients(case)
    ours, ours32 = program(case), program(case, np.float32)
    assert set(ours) == set(ours32) == set(expected)
    scale = max(float(np.max(np.abs(value))) for value in expected.values())
    for key, value in expected.items():
        assert ours[key].dtype == np.float64 and ours32[key].dtype == np.float32
        assert_close(ours[key], value, rtol=1e-10)
        assert np.max(np.abs(ours32[key] - value)) <= 1e-5 * scale, key


def torch_gru_bias_outside(case):
    """torch autograd of the GRU with b_hn outside r⊙(·): n = tanh(W_in x + b_in + r⊙(W_hn h)
    + b_hn), the model the gru_bias_placement program differentiates."""
    p = {name: torch.tensor(v, requires_grad=True) for name, v in case.params.items()}
    h0 = torch.tensor(case.s0, requires_grad=True)
    n, h = len(case.s0), h0
    for x_k in torch.as_tensor(case.x):
        gi = p["weight_ih"] @ x_k + p["bias_ih"]
        gh = p["weight_hh"] @ h
        r, z = torch.sigmoid(gi[:n] + gh[:n] + p["bias_hh"][:n]), \
            torch.sigmoid(gi[n:2 * n] + gh[n:2 * n] + p["bias_hh"][n:2 * n])
        new = torch.tanh(gi[2 * n:] + r * gh[2 * n:] + p["bias_hh"][2 * n:])
        h = (1 - z) * new + z * h
    (0.5 * ((h - torch.as_tensor(case.y)) ** 2).sum()).backward()
    return {**{name: v.grad.numpy() for name, v in p.items()}, "grad_h0": h0.grad.numpy()}


def test_handwritten_gru_bias_placement_is_the_gradient_of_its_own_model():
    case = CASES["gru"]()
    ours = program(case, mistake="gru_bias_placement")
    for key, value in torch_gru_bias_outside(case).items():
        assert_close(ours[key], value, rtol=1e-10)


@pytest.mark.parametrize("name", ["legacy", "lstm", "gru"])
def test_handwritten_mistakes_are_the_bugs_they_name(name):
    """Self-consistency of the simple mistakes: sign = −correct, scaled = c·correct,
    transposed_result = correctᵀ, gate_order = the correct blocks restacked."""
    case, cell = CASES[name](), name
    right = program(case)
    for key, value in program(case, mistake="sign").items():
        np.testing.assert_allclose(value, -right[key], rtol=1e-12, atol=0)
    for mistake, c in (("scaled_mean_time", 1 / T), ("scaled_missing_half", 2),
                       ("scaled_batch", 1 / BATCH)):
        for key, value in program(case, mistake=mistake).items():
            np.testing.assert_allclose(value, c * right[key], rtol=1e-12, atol=1e-300)
    if cell == "legacy":
        assert np.array_equal(program(case, mistake="transposed_result")["W_hh"], right["W_hh"].T)
        return
    order = {"lstm": "ifgo", "gru": "rzn"}[cell]
    wrong = program(case, mistake="gate_order")
    blocks = np.split(right["weight_hh"], len(order))
    assert np.array_equal(wrong["weight_hh"],
                          np.concatenate([blocks[order.index(g)] for g in GATE_ORDER[cell]]))
