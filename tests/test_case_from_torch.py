"""numeric.case_from_torch: every module kind gives a float64 cell case whose product ∂s_T/∂s_0
and gradients equal PyTorch's own float64 autograd (tests/torch_reference.py) to 1e-10
normwise; modules that are not one cell step are refused with a one-line reason."""

import sys

import numpy as np
import pytest
import torch

import numeric
from tests.torch_reference import assert_close, reference

nn = torch.nn

MODULES = {
    "RNNCell-tanh": (lambda m, n: nn.RNNCell(m, n), "elman"),
    "RNNCell-relu": (lambda m, n: nn.RNNCell(m, n, nonlinearity="relu"), "elman"),
    "LSTMCell": (lambda m, n: nn.LSTMCell(m, n), "lstm"),
    "GRUCell": (lambda m, n: nn.GRUCell(m, n), "gru"),
    "RNN-tanh": (lambda m, n: nn.RNN(m, n), "elman"),
    "RNN-relu": (lambda m, n: nn.RNN(m, n, nonlinearity="relu"), "elman"),
    "LSTM": (lambda m, n: nn.LSTM(m, n), "lstm"),
    "GRU": (lambda m, n: nn.GRU(m, n), "gru"),
    "LSTM-batch_first": (lambda m, n: nn.LSTM(m, n, batch_first=True), "lstm"),
    "GRUCell-no-bias": (lambda m, n: nn.GRUCell(m, n, bias=False), "gru"),
    "LSTM-no-bias": (lambda m, n: nn.LSTM(m, n, bias=False), "lstm"),
    "RNN-no-bias": (lambda m, n: nn.RNN(m, n, bias=False), "elman"),
}


def random_case(name, seed, n, m, T, scale=1.0):
    """A module of kind ``name`` (weights × ``scale``), inputs, s_0 and a target, seeded."""
    torch.manual_seed(seed)
    module = MODULES[name][0](m, n)
    with torch.no_grad():
        for p in module.parameters():
            p.mul_(scale)
    x, h0, c0, y = torch.randn(T, m), torch.randn(n), torch.randn(n), torch.randn(n)
    c0 = c0 if "LSTM" in name else None
    return module, x, h0, c0, y


def assert_matches_torch(case, module, x):
    product, grads, grad_s0, loss = reference(module, x, case.s0, case.y)
    value = case.jacobian_product().value
    assert_close(value, product)
    ours = case.gradients()
    assert set(grads) <= set(ours.params)
    for name, grad in grads.items():
        assert ours.params[name].shape == tuple(module.get_parameter(
            name + ("_l0" if isinstance(module, nn.RNNBase) else "")).shape)
        assert_close(ours.params[name], grad)
    assert_close(ours.state0, grad_s0)
    assert ours.loss == pytest.approx(loss, rel=1e-12)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_case_from_torch_every_module_kind_matches_autograd(name):
    for seed, (n, m, T) in enumerate([(1, 1, 1), (2, 3, 7), (4, 2, 20)]):
        module, x, h0, c0, y = random_case(name, seed, n, m, T)
        case = numeric.case_from_torch(module, x, h0, c0, y)
        assert case.kind.name == MODULES[name][1]
        assert all(v.dtype == np.float64 for v in (*case.params.values(), case.s0, case.x))
        assert_matches_torch(case, module, x)


@pytest.mark.parametrize("name", ["LSTMCell", "GRUCell", "RNNCell-tanh"])
def test_case_from_torch_saturated_gates_match_autograd(name):
    """Weights × 6: gates in saturation, the product small; still 1e-10 normwise."""
    module, x, h0, c0, y = random_case(name, 7, 3, 2, 30, scale=6.0)
    case = numeric.case_from_torch(module, x, h0, c0, y)
    assert_matches_torch(case, module, x)


def test_case_from_torch_copies_weights_in_pytorch_names_and_shapes():
    module, x, h0, c0, _ = random_case("LSTM", 3, 2, 3, 4)
    case = numeric.case_from_torch(module, x.numpy().tolist(), h0, c0)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        expected = getattr(module, name + "_l0").detach().double().numpy()
        np.testing.assert_array_equal(case.params[name], expected)
    np.testing.assert_array_equal(case.s0, np.concatenate([h0.double(), c0.double()]))
    assert case.state_names == ("h", "c") and case.y is None


def test_case_from_torch_defaults_and_no_bias():
    module = nn.GRU(2, 3, bias=False)
    case = numeric.case_from_torch(module, np.ones((2, 2)))
    np.testing.assert_array_equal(case.s0, np.zeros(3))
    np.testing.assert_array_equal(case.params["bias_ih"], np.zeros(9))
    np.testing.assert_array_equal(case.params["bias_hh"], np.zeros(9))
    relu = numeric.case_from_torch(nn.RNNCell(1, 2, nonlinearity="relu"), [[1.0]])
    assert relu.activation.name == "relu"


@pytest.mark.parametrize("module, message", [
    (lambda: nn.LSTM(2, 3, num_layers=2), "LSTM has num_layers = 2: a case is one cell"),
    (lambda: nn.GRU(2, 3, bidirectional=True), "GRU is bidirectional"),
    (lambda: nn.LSTM(2, 3, proj_size=2), "LSTM has proj_size = 2"),
])
def test_case_from_torch_refuses_modules_that_are_not_one_cell(module, message):
    with pytest.raises(ValueError, match=message):
        numeric.case_from_torch(module(), torch.zeros(3, 2))


def test_case_from_torch_refuses_other_modules():
    with pytest.raises(TypeError, match="takes nn.RNNCell, nn.LSTMCell, nn.GRUCell .*got "
                       "Linear"):
        numeric.case_from_torch(nn.Linear(2, 3), torch.zeros(3, 2))


@pytest.mark.parametrize("kwargs, message", [
    ({"c0": torch.zeros(3)}, "c0 is only for lstm: gru has no cell state"),
    ({"h0": torch.zeros(2)}, r"h0 must have shape \(n,\) = \(3,\), got \(2,\)"),
    ({"y": torch.zeros(1, 3)}, r"y must have shape \(n,\) = \(3,\), got \(1, 3\)"),
    ({"x": torch.zeros(3, 5)}, r"x must be \(T, m\) with m = 2 .* got shape \(3, 5\)"),
    ({"x": torch.zeros(0, 2)}, "x must be T >= 1 rows"),
    ({"h0": torch.tensor([0.0, float("nan"), 0.0])}, "s0 has non-finite entries"),
])
def test_case_from_torch_refuses_bad_inputs(kwargs, message):
    arguments = {"x": torch.zeros(3, 2), **kwargs}
    with pytest.raises(ValueError, match=message):
        numeric.case_from_torch(nn.GRUCell(2, 3), **arguments)


def test_case_from_torch_says_when_pytorch_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)   # import torch now raises ImportError
    with pytest.raises(ImportError, match=r"^case_from_torch needs PyTorch: pip install torch$"):
        numeric.case_from_torch(object(), [[0.0]])


def test_numeric_import_does_not_load_torch():
    import subprocess

    code = "import sys, numeric; print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("name", ["RNN-tanh", "LSTM", "GRU", "LSTM-batch_first"])
def test_case_from_torch_layer_takes_states_shaped_one_by_n(name):
    """nn.RNN/LSTM/GRU take h0, c0 of shape (1, n) for unbatched input: the case accepts them,
    its s_0 is theirs, and its h_T equals the module's own output (1e-12) and autograd."""
    module, x, h0, c0, y = random_case(name, 5, 3, 2, 6)
    h0_1n, c0_1n = h0[None], None if c0 is None else c0[None]
    case = numeric.case_from_torch(module, x, h0_1n, c0_1n, y)
    flat = numeric.case_from_torch(module, x, h0, c0, y)
    np.testing.assert_array_equal(case.s0, flat.s0)
    module = module.double()
    state = h0_1n.double() if c0 is None else (h0_1n.double(), c0_1n.double())
    _, last = module(x.double(), state)
    h_T = (last if c0 is None else last[0])[0].detach().numpy()
    np.testing.assert_allclose(case.trajectory().states[-1][:3], h_T, rtol=0, atol=1e-12)
    assert_matches_torch(case, module, x)


@pytest.mark.parametrize("module, kwargs, message", [
    (nn.GRUCell(2, 3), {"h0": torch.zeros(1, 3)},
     r"h0 must have shape \(n,\) = \(3,\), got \(1, 3\)"),
    (nn.GRU(2, 3), {"h0": torch.zeros(2, 3)},
     r"h0 must have shape \(n,\) = \(3,\) or \(1, n\) = \(1, 3\), got \(2, 3\)"),
    (nn.LSTM(2, 3), {"c0": torch.zeros(3, 1)},
     r"c0 must have shape \(n,\) = \(3,\) or \(1, n\) = \(1, 3\), got \(3, 1\)"),
])
def test_case_from_torch_refuses_other_state_shapes(module, kwargs, message):
    with pytest.raises(ValueError, match=message):
        numeric.case_from_torch(module, torch.zeros(3, 2), **kwargs)
