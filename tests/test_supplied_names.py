"""numeric.check_gradients' names: the case's own, PyTorch's and grad_-prefixed parameter names,
gate blocks "<param>_<gate>", the dtype read from the arrays, and every bad input's one-line
error (references: torch float64 autograd of the cell's step, a hand-written NumPy BPTT)."""

import re

import numpy as np
import pytest
import torch

import numeric
from numeric.supplied_names import resolve
from tests.cell_cases import random_cell_case
from tests.supplied_cases import hand_bptt, legacy_case, torch_cell


def test_supplied_pytorch_names_for_a_legacy_case():
    """weight_hh, weight_ih, bias_ih, bias_hh: both biases' gradients are ∂L/∂b_h."""
    case = legacy_case(False, T=6)
    ours = hand_bptt(case)
    supplied = {"weight_hh": ours["W_hh"], "weight_ih": ours["W_xh"], "bias_ih": ours["b_h"],
                "bias_hh": ours["b_h"], "grad_h0": ours["grad_h0"]}
    assert numeric.check_gradients(case, supplied).passed
    supplied["bias_hh"] = 2 * ours["b_h"]
    result = numeric.check_gradients(case, supplied)
    assert not result.passed
    assert [q.name for q in result.quantities if not q.passed] == ["bias_hh"]


def test_supplied_gate_blocks_and_aliases():
    lstm = random_cell_case("lstm", 2, 4, 5)
    grads, grad_s0, *_ = torch_cell(lstm)
    f = slice(2, 4)  # gate f: the second row block of i, f, g, o
    result = numeric.check_gradients(lstm, {"weight_ih_f": grads["weight_ih"][f],
                                            "grad_bias_hh_o": grads["bias_hh"][6:],
                                            "grad_c0": grad_s0[2:]})
    assert result.passed
    assert [q.name for q in result.quantities] == ["weight_ih_f", "bias_hh_o", "grad_c0"]
    gru = random_cell_case("gru", 2, 4, 5)
    grads, *_ = torch_cell(gru)
    assert numeric.check_gradients(gru, {"weight_hh_z": grads["weight_hh"][2:4]}).passed
    assert not numeric.check_gradients(gru, {"weight_hh_z": grads["weight_hh"][:2]}).passed
    elman = random_cell_case("elman", 2, 4, 5)
    grads, *_ = torch_cell(elman)
    result = numeric.check_gradients(elman, {"W_hh": grads["weight_hh"],
                                             "grad_W_xh": grads["weight_ih"]})
    assert result.passed and [q.name for q in result.quantities] == ["weight_hh", "weight_ih"]
    legacy = legacy_case(False, T=6)
    q, = numeric.check_gradients(legacy, {"grad_W_hh": hand_bptt(legacy)["W_hh"]}).quantities
    assert q.name == "W_hh" and q.passed


def test_supplied_dtype_inferred_from_the_arrays():
    case = random_cell_case("elman", 2, 3, 1)
    g = np.zeros((2, 2))
    assert resolve(case, {"weight_hh": g.tolist()})[1] == "float64"
    assert resolve(case, {"weight_hh": g.astype(np.float32), "loss": 1.0})[1] == "float32"
    assert resolve(case, {"weight_hh": torch.zeros(2, 2, dtype=torch.float16)})[1] == "float16"
    assert resolve(case, {"weight_hh": g.astype(np.float32)}, np.float64)[1] == "float64"


LSTM_BAD = [
    ({}, "no supplied gradients: give at least one of weight_ih"),
    ({"weight_hx": 0}, "unknown name 'weight_hx' for this lstm case; accepted names: weight_ih"),
    ({"weight_hh": np.zeros((6, 2))}, "weight_hh must be (4n, n) = (8, 2): row blocks i, f, g, o"
                                      " as in PyTorch (n = 2, m = 2, T = 3, S = 4), got (6, 2)"),
    ({"weight_ih_f": np.zeros((8, 2))}, "weight_ih_f must be (n, m) = (2, 2): the rows of gate f"),
    ({"delta": np.zeros((3, 3))}, "delta must be (T, n) = (3, 2)"),
    ({"step_jacobians": np.zeros((3, 2, 2))}, "step_jacobians must be (T, S, S) = (3, 4, 4)"),
    ({"loss": [1.0, 2.0]}, "loss must be a single number"),
    ({"grad_h0": [1.0, np.nan]}, "grad_h0 has NaN or infinite entries"),
    ({"grad_c0": [np.inf, 0.0]}, "grad_c0 has NaN or infinite entries"),
    ({"weight_hh": "zeros"}, "weight_hh must be numbers"),
    ({"weight_hh": [[1.0, 2.0], [3.0]]}, "weight_hh must be numbers"),
    ({"loss": None}, "loss must be numbers"),
    ({"weight_hh": np.zeros((8, 2)), "grad_weight_hh": np.zeros((8, 2))},
     "'weight_hh' and 'grad_weight_hh' both name weight_hh of this lstm case; give it once"),
]


@pytest.mark.parametrize(("supplied", "message"), LSTM_BAD)
def test_supplied_bad_input_is_one_clear_line(supplied, message):
    case = random_cell_case("lstm", 2, 3, 1)
    with pytest.raises(ValueError, match="^" + re.escape(message)) as info:
        numeric.check_gradients(case, supplied)
    assert "\n" not in str(info.value)


def test_supplied_bad_options_and_cases():
    case = random_cell_case("gru", 2, 3, 1)
    good = {"loss": 1.0}
    for kwargs, message in [({"dtype": "float8"}, "dtype must be one of float64, float32"),
                            ({"rtol": -1.0}, "rtol must be a positive number"),
                            ({"probes": 2.5}, "probes must be a positive whole number")]:
        with pytest.raises(ValueError, match=message):
            numeric.check_gradients(case, good, **kwargs)
    with pytest.raises(ValueError, match="supplied gradients need the case's target y"):
        numeric.check_gradients(random_cell_case("gru", 2, 3, 1, y=False), good)
    with pytest.raises(ValueError, match="must be a mapping"):
        numeric.check_gradients(case, [("loss", 1.0)])
    with pytest.raises(ValueError, match="'weight_hx' .* accepted names: W_hh, W_xh, b_h"):
        numeric.check_gradients(legacy_case(False, T=6), {"weight_hx": 1})
