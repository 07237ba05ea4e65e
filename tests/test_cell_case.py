"""numeric.case_from_dict with a "cell" key (numeric.cell_parse): the values it builds, its
defaults, and the one-line message of every kind of bad input."""

import numpy as np
import pytest

import derive
import numeric
from numeric.cell_parse import required_keys

LSTM = {"cell": "lstm",
        "weight_ih": [[0.5], [-0.4], [0.3], [0.8], [0.1], [0.2], [-0.6], [0.4]],
        "weight_hh": [[0.2, -0.1], [0.4, 0.3], [0.5, -0.2], [0.1, 0.6],
                      [-0.3, 0.2], [0.7, 0.1], [0.2, 0.2], [-0.5, 0.3]],
        "bias_ih": [0.1] * 8, "bias_hh": [0, 0, 1, 1, 0, 0, 0, 0],
        "h0": [0.1, -0.2], "c0": [0.5, 0.0], "x": [[0.2], [0.7], [-0.4]], "y": [0.1, 0.3]}
GRU = {"cell": "gru", "weight_ih": [[0.1, 0.2]] * 3, "weight_hh": [[0.3]] * 3, "x": [[1, 2]]}
ELMAN = {"cell": "elman", "weight_ih": [[1.0], [0.5]], "weight_hh": [[0.5, -0.3], [0.2, 0.9]],
         "x": [[0.2], [0.7]]}
INDRNN = {"cell": "indrnn", "weight_ih": [[1.0], [0.5]], "u": [0.9, -0.5], "x": [[0.2]]}


def parse(base, **changes):
    data = {**base, **changes}
    return numeric.case_from_dict({k: v for k, v in data.items() if v is not ...})


def test_cell_case_lstm_values_in_pytorch_names():
    case = parse(LSTM)
    assert isinstance(case, numeric.CellCase) and case.kind is derive.cell_kind("lstm")
    assert case.activation is None and case.hidden == 2 and case.T == 3
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        np.testing.assert_array_equal(case.params[name], np.array(LSTM[name], dtype=float))
        assert case.params[name].dtype == np.float64
    np.testing.assert_array_equal(case.s0, [0.1, -0.2, 0.5, 0.0])
    np.testing.assert_array_equal(case.x, LSTM["x"])
    np.testing.assert_array_equal(case.y, LSTM["y"])


def test_cell_case_defaults_are_zeros_and_tanh():
    gru = parse(GRU)
    assert gru.hidden == 1 and gru.x.shape == (1, 2) and gru.y is None
    np.testing.assert_array_equal(gru.params["bias_ih"], np.zeros(3))
    np.testing.assert_array_equal(gru.params["bias_hh"], np.zeros(3))
    np.testing.assert_array_equal(gru.s0, [0.0])
    assert parse(ELMAN).activation == derive.activation("tanh")
    indrnn = parse(INDRNN)
    assert indrnn.activation == derive.activation("tanh") and indrnn.hidden == 2
    np.testing.assert_array_equal(indrnn.params["bias"], [0.0, 0.0])
    np.testing.assert_array_equal(indrnn.params["u"], [0.9, -0.5])
    np.testing.assert_array_equal(parse(LSTM, h0=..., c0=...).s0, np.zeros(4))


def test_cell_case_elman_nonlinearity_and_activation():
    assert parse(ELMAN, nonlinearity="relu").activation == derive.activation("relu")
    assert parse(ELMAN, activation="leaky_relu", alpha=0.5).activation == \
        derive.activation("leaky_relu", alpha=0.5)
    assert parse(INDRNN, activation="relu").activation == derive.activation("relu")
    formula = parse(ELMAN, activation="x/(1+Abs(x))").activation
    assert formula == derive.parse_activation("x/(1+Abs(x))")


def test_cell_case_files_without_cell_keep_the_old_format():
    old = numeric.case_from_dict({"activation": "tanh", "W_hh": [[0.5]], "W_xh": [[1.0]],
                                  "x": [[0.1]]})
    assert isinstance(old, numeric.Case)


def test_cell_case_elman_file_equals_the_old_format():
    """An elman cell file and the old file of the same RNN (W_hh = weight_hh, W_xh =
    weight_ih, b_h = bias_ih + bias_hh) give the same product and ∂L/∂W_hh."""
    cell = parse(ELMAN, bias_ih=[0.1, -0.2], bias_hh=[0.05, 0.0], h0=[0.3, -0.1],
                 y=[0.0, 0.5])
    old = numeric.case_from_dict({"activation": "tanh", "W_hh": ELMAN["weight_hh"],
                                  "W_xh": ELMAN["weight_ih"], "b_h": [0.15, -0.2],
                                  "h0": [0.3, -0.1], "x": ELMAN["x"], "y": [0.0, 0.5]})
    path = old.trajectory()
    expected = numeric.jacobian_product(numeric.step_jacobians(old.activation, old.W_hh,
                                                               path.a)).value
    np.testing.assert_allclose(cell.jacobian_product().value, expected, rtol=1e-14, atol=0)
    grads = numeric.bptt(old.activation, old.W_hh, old.W_xh, old.b_h, old.h0, old.x, old.y)
    np.testing.assert_allclose(cell.gradients().params["weight_hh"], grads.W_hh, rtol=1e-13)


def test_cell_case_required_keys():
    assert required_keys(derive.cell_kind("lstm")) == ("cell", "weight_ih", "weight_hh", "x")
    assert required_keys(derive.cell_kind("indrnn")) == ("cell", "weight_ih", "u", "x")


BAD = [
    # unknown cell, with the known ones
    (LSTM, {"cell": "rnn"}, "unknown cell 'rnn'; expected one of: elman, lstm, gru, indrnn"),
    (LSTM, {"cell": 3}, "unknown cell 3; expected one of: elman, lstm, gru, indrnn"),
    # stacked shapes: the gate blocks and the expected shape
    (LSTM, {"weight_hh": [[0.1, 0.2]] * 6},
     "weight_hh must be (4n, n) = (8, 2) for lstm with n = 2 (row blocks i, f, g, o), "
     "got (6, 2)"),
    (LSTM, {"weight_ih": [[0.1]] * 4},
     "weight_ih must be (4n, m) = (8, 1) for lstm with n = 2 (row blocks i, f, g, o), "
     "got (4, 1)"),
    (LSTM, {"bias_hh": [0.0] * 6},
     "bias_hh must be (4n) = (8,) for lstm with n = 2 (row blocks i, f, g, o), got (6,)"),
    (GRU, {"bias_ih": [[0.0]] * 3},
     "bias_ih must be (3n) = (3,) for gru with n = 1 (row blocks r, z, n), got (3, 1)"),
    (ELMAN, {"weight_hh": [[0.5, -0.3]]},
     "weight_hh must be (n, n) = (2, 2) for elman with n = 2, got (1, 2)"),
    # IndRNN's n comes from weight_ih's rows (it has no weight_hh): a wrong u is blamed on u
    (INDRNN, {"u": [0.9, -0.5, 0.1]}, "u must be (n) = (2,) for indrnn with n = 2, got (3,)"),
    (INDRNN, {"weight_ih": [[1.0]]}, "u must be (n) = (1,) for indrnn with n = 1, got (2,)"),
    (INDRNN, {"bias": [0.0]}, "bias must be (n) = (2,) for indrnn with n = 2, got (1,)"),
    (INDRNN, {"u": [[0.9, -0.5]]}, "u must be (n) = (2,) for indrnn with n = 2, got (1, 2)"),
    (LSTM, {"weight_hh": [0.1, 0.2]}, "weight_hh must have 2 dimension(s), got shape (2,)"),
    (LSTM, {"x": [[0.2, 0.1]]},
     "x must be (T, m) with m = 1 (weight_ih's columns), got shape (1, 2)"),
    (LSTM, {"h0": [0.1]}, "h0 must be n = 2 numbers (hidden state), got shape (1,)"),
    (LSTM, {"c0": [0.1, 0.2, 0.3]}, "c0 must be n = 2 numbers (cell state), got shape (3,)"),
    (LSTM, {"y": [[0.1, 0.3]] * 3}, "y must be n = 2 numbers (h_T's target), got shape (3, 2)"),
    # missing and unknown keys
    (LSTM, {"weight_hh": ...},
     "missing key 'weight_hh' for cell lstm (required: cell, weight_ih, weight_hh, x)"),
    (INDRNN, {"u": ...}, "missing key 'u' for cell indrnn (required: cell, weight_ih, u, x)"),
    (GRU, {"x": ...}, "missing key 'x' for cell gru (required: cell, weight_ih, weight_hh, x)"),
    (GRU, {"gain": 2}, "unknown key 'gain' for cell gru; expected keys: cell, weight_ih, "
     "weight_hh, bias_ih, bias_hh, h0, x, y"),
    # c0 for a cell without one; keys of another cell or of the old format
    (GRU, {"c0": [0.0]}, "c0 is only for lstm: gru has no cell state"),
    (ELMAN, {"c0": [0.0, 0.0]}, "c0 is only for lstm: elman has no cell state"),
    (LSTM, {"u": [1.0, 1.0]}, "'u' is a parameter of indrnn, not of lstm (lstm takes "
     "weight_ih, weight_hh, bias_ih, bias_hh)"),
    (INDRNN, {"weight_hh": [[1.0]]}, "'weight_hh' is a parameter of elman, lstm and gru, not "
     "of indrnn (indrnn takes weight_ih, bias, u)"),
    (GRU, {"bias": [0.0]}, "'bias' is a parameter of indrnn, not of gru (gru takes "
     "weight_ih, weight_hh, bias_ih, bias_hh)"),
    (LSTM, {"W_hh": [[1.0]]}, "'W_hh' is a key of the format without \"cell\"; cell lstm "
     "takes weight_ih, weight_hh, bias_ih, bias_hh (PyTorch's names)"),
    (ELMAN, {"b_h": [0.0, 0.0]}, "'b_h' is a key of the format without \"cell\"; cell elman "
     "takes weight_ih, weight_hh, bias_ih, bias_hh (PyTorch's names)"),
    (LSTM, {"activation": "tanh"},
     "activation is only for elman and indrnn: lstm's gates are fixed (sigmoid, tanh)"),
    (GRU, {"nonlinearity": "relu"},
     "nonlinearity is only for elman: gru's gates are fixed (sigmoid, tanh)"),
    (INDRNN, {"nonlinearity": "relu"}, "nonlinearity is only for elman: indrnn takes "
     "activation"),
    # the activation of elman and indrnn
    (ELMAN, {"nonlinearity": "gelu"}, "nonlinearity must be 'tanh' or 'relu' (as nn.RNNCell), "
     "got 'gelu'; for another phi use activation"),
    (ELMAN, {"nonlinearity": "tanh", "activation": "tanh"},
     "give nonlinearity or activation, not both"),
    (ELMAN, {"nonlinearity": "relu", "alpha": 0.1},
     "alpha goes with activation (leaky_relu or elu), not with nonlinearity"),
    (INDRNN, {"activation": "tanhh"}, "unknown activation 'tanhh'; expected one of: "),
    (INDRNN, {"activation": "tanh", "alpha": 0.1},
     "alpha applies to the registered leaky_relu and elu only, not to tanh"),
    # numbers: NaN/inf, non-numbers, T < 1, ragged rows
    (LSTM, {"bias_ih": [0.0] * 7 + [float("nan")]}, "bias_ih[7] must be finite, got nan"),
    (LSTM, {"h0": [float("inf"), 0.0]}, "h0[0] must be finite, got inf"),
    (LSTM, {"weight_hh": [[0.1, "0.2"]] * 8},
     'weight_hh[0][1] must be a number, got a string "0.2"'),
    (LSTM, {"c0": [True, 0.0]}, "c0[0] must be a number, got true"),
    (LSTM, {"x": []}, "x must have at least one row (T >= 1)"),
    (LSTM, {"x": [[0.2], [0.7, 0.1]]}, "x must be rectangular (rows of equal length)"),
    (LSTM, {"y": "0.1"}, 'y must be a list, got a string "0.1"'),
]


@pytest.mark.parametrize("base, changes, message", BAD,
                         ids=[f"{b['cell']}-{next(iter(c))}-{i}" for i, (b, c, _) in
                              enumerate(BAD)])
def test_cell_case_bad_input_one_line_naming_the_key(base, changes, message):
    with pytest.raises(ValueError) as err:
        parse(base, **changes)
    text = str(err.value)
    assert text.startswith(message) and "\n" not in text, text


def test_cell_case_old_format_hints_at_cell_keys():
    with pytest.raises(ValueError, match=r"^unknown key 'weight_hh'; expected keys: .* \("
                       r"weight_hh is a key of cell cases: add \"cell\": one of elman, lstm, "
                       r"gru, indrnn\)$"):
        numeric.case_from_dict({"activation": "tanh", "weight_hh": [[0.5]], "W_xh": [[1.0]],
                                "x": [[0.1]]})


def test_cell_case_keys_follow_the_cell_types():
    keys = {name: numeric.cell_case_keys(derive.cell_kind(name))
            for name in derive.cell_names()}
    assert keys["lstm"] == ("cell", "weight_ih", "weight_hh", "bias_ih", "bias_hh", "h0", "c0",
                            "x", "y")
    assert keys["elman"] == ("cell", "weight_ih", "weight_hh", "bias_ih", "bias_hh",
                             "nonlinearity", "activation", "alpha", "h0", "x", "y")
    assert keys["indrnn"] == ("cell", "weight_ih", "bias", "u", "activation", "alpha", "h0",
                              "x", "y")
