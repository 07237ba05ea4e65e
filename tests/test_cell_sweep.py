"""numeric.cell_sweep: forget-bias and gain sweeps against per-value products and torch."""

import json
import math

import numpy as np
import pytest
import torch

import derive
import numeric
from numeric.cell_sweep import forget_bias_parameters, gain_parameters, sweep_inputs

TOL = 1e-11  # on log10 norms: ~2.5e-11 relative in the norm


def _per_value(kind, act, params, index, x, T_values, n):
    """log10 ‖∂s_T/∂s_0‖₂ and ‖∂h_T/∂h_0‖₂ for batch member ``index``, one unbatched
    ``numeric.cell_jacobian_product`` per T (an independent pass: its own forward run)."""
    one = {k: v[index] if v.ndim > (1 if kind.parameter(k).columns == 1 else 2) else v
           for k, v in params.items()}
    s_norms, h_norms = [], []
    for T in T_values:
        path = numeric.cell_forward(kind, act, one, np.zeros(len(kind.state) * n), x[:T])
        P = numeric.cell_jacobian_product(kind, act, one, path)
        s_norms.append(P.log10_norm)
        h = np.linalg.norm(P.mantissa[:n, :n], 2)
        h_norms.append(math.log10(h) + P.exponent * math.log10(2) if h else -math.inf)
    return np.array(s_norms), np.array(h_norms)


def test_forget_bias_sweep_matches_per_bias_products():
    n, biases, T = 3, [-1.5, 0.0, 0.5, 3.0], [1, 7, 40]
    result = numeric.forget_bias_sweep(biases, T, hidden=n, seed=4)
    params = forget_bias_parameters(biases, n, 1, 4)
    x, _ = sweep_inputs(40, 1, 4)
    kind = derive.cell_kind("lstm")
    for i in range(len(biases)):
        s, h = _per_value(kind, None, params, i, x, T, n)
        np.testing.assert_allclose(result.log10_norm[i], s, rtol=0, atol=TOL)
        np.testing.assert_allclose(result.log10_norm_h[i], h, rtol=0, atol=TOL)
    assert params["bias_ih"][2, n:2 * n].tolist() == [0.5] * n
    assert params["bias_hh"][n:2 * n].tolist() == [0.0] * n


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru", "indrnn"])
def test_gain_sweep_matches_per_gain_products(cell):
    n, gains, T = 3, [0.0, 0.5, 1.7], [1, 9, 30]
    kind = derive.cell_kind(cell)
    act = derive.activation("tanh") if kind.takes_activation else None
    result = numeric.cell_gain_sweep(cell, gains, T, hidden=n, seed=2)
    params = gain_parameters(kind, gains, n, 1, 2)
    x, _ = sweep_inputs(30, 1, 2)
    for i in range(len(gains)):
        s, h = _per_value(kind, act, params, i, x, T, n)
        finite = np.isfinite(s)
        np.testing.assert_allclose(result.log10_norm[i][finite], s[finite], rtol=0, atol=TOL)
        assert np.array_equal(np.isfinite(result.log10_norm[i]), finite)
        np.testing.assert_allclose(result.log10_norm_h[i][finite], h[finite], rtol=0, atol=TOL)
    base, name = numeric.recurrent_base(kind, n, 1, 2)
    np.testing.assert_array_equal(params[name][2], 1.7 * base[name])


def test_one_point_against_torch_jacrev():
    """b_f = 2, n = 3, T = 25: jacrev of 25 unrolled nn.LSTMCell steps in float64."""
    n, T, b_f = 3, 25, 2.0
    result = numeric.forget_bias_sweep([b_f], [T], hidden=n, seed=7)
    params = forget_bias_parameters([b_f], n, 1, 7)
    x, _ = sweep_inputs(T, 1, 7)
    cell = torch.nn.LSTMCell(1, n, dtype=torch.float64).requires_grad_(False)
    for name in ("weight_ih", "weight_hh", "bias_hh"):
        getattr(cell, name).copy_(torch.tensor(params[name]))
    cell.bias_ih.copy_(torch.tensor(params["bias_ih"][0]))
    xs = torch.tensor(x)

    def final(s):
        h, c = s[:n], s[n:]
        for k in range(T):
            h, c = cell(xs[k], (h, c))
        return torch.cat([h, c])

    J = torch.func.jacrev(final)(torch.zeros(2 * n, dtype=torch.float64)).numpy()
    assert result.log10_norm[0, 0] == pytest.approx(math.log10(np.linalg.norm(J, 2)),
                                                    abs=1e-12)
    assert result.log10_norm_h[0, 0] == pytest.approx(
        math.log10(np.linalg.norm(J[:n, :n], 2)), abs=1e-12)


def test_T1_and_T1000_without_overflow():
    """At b_f = -2 the product falls below 1e-308 (float64's range) by T = 1000; the carried
    exponent keeps it, and it equals the unbatched rescaled product."""
    n, biases = 8, [-2.0, 4.0]
    result = numeric.forget_bias_sweep(biases, [1, 1000], hidden=n, seed=0)
    assert np.isfinite(result.log10_norm).all() and result.log10_norm[0, 1] < -320
    params = forget_bias_parameters(biases, n, 1, 0)
    x, _ = sweep_inputs(1000, 1, 0)
    s, _ = _per_value(derive.cell_kind("lstm"), None, params, 0, x, [1, 1000], n)
    np.testing.assert_allclose(result.log10_norm[0], s, rtol=0, atol=1e-9)
    assert result.regime[0].tolist() == ["stable", "vanishing"]


def test_larger_forget_bias_slows_the_decay_of_the_c_path():
    """∂c_T/∂c_0 (the carousel, ≈ Π diag(f_k) plus terms through h) decays more slowly the
    larger b_f: checked on the c-block of per-bias products, and on the sweep's norms."""
    n, T, biases = 4, 60, [-2.0, -1.0, 0.0, 1.0, 2.0]
    result = numeric.forget_bias_sweep(biases, [T], hidden=n, seed=1)
    params = forget_bias_parameters(biases, n, 1, 1)
    x, _ = sweep_inputs(T, 1, 1)
    kind, c_block = derive.cell_kind("lstm"), []
    for i in range(len(biases)):
        one = {k: (v[i] if k == "bias_ih" else v) for k, v in params.items()}
        path = numeric.cell_forward(kind, None, one, np.zeros(2 * n), x)
        P = numeric.cell_jacobian_product(kind, None, one, path)
        c_block.append(math.log10(np.linalg.norm(P.mantissa[n:, n:], 2))
                       + P.exponent * math.log10(2))
    assert np.all(np.diff(c_block) > 1)          # at least ten times slower decay per step
    assert np.all(np.diff(result.log10_norm[:, 0]) > 1)


def test_json_is_deterministic_and_strict():
    a = numeric.cell_gain_sweep("indrnn", [0.0, 1.0], [1, 5], hidden=2, activation="relu")
    b = numeric.cell_gain_sweep("indrnn", [0.0, 1.0], [1, 5], hidden=2, activation="relu")
    text = json.dumps(a.to_dict(), sort_keys=True, allow_nan=False)
    assert text == json.dumps(b.to_dict(), sort_keys=True, allow_nan=False)
    data = json.loads(text)
    assert data["log10_norm"][0] == [None, None] and "log10_norm_note" in data
    assert data["state"] == ["h"] and data["activation"] == "relu"
    assert "u ~ uniform(0, 1)" in data["init"] and "default_rng(1)" in data["input_drive"]


def test_gain_init_text_states_only_the_swept_cells_draw():
    """Each cell's text names its own recurrent draw and no other cell's."""
    draws = {"elman": "W0 ~ N(0, 1/n)", "lstm": "W0 PyTorch's default uniform",
             "gru": "W0 PyTorch's default uniform", "indrnn": "u ~ uniform(0, 1)"}
    for cell, draw in draws.items():
        init = numeric.cell_gain_sweep(cell, [1.0], [1], hidden=2).init
        assert draw in init, (cell, init)
        others = {d for c, d in draws.items() if d != draw}
        assert not any(d in init for d in others) and "elman" not in init, (cell, init)
        assert init.endswith(f"multiplies {derive.cell_kind(cell).recurrent_parameter}")


def test_log10_product_norms_any_T_order_and_unbatched():
    kind = derive.cell_kind("gru")
    params = numeric.default_parameters(kind, 3, 1, 0)
    x, _ = sweep_inputs(12, 1, 0)
    path = numeric.cell_forward(kind, None, params, np.zeros(3), x)
    got = numeric.log10_product_norms(kind, None, params, path, [12, 3, 12])
    for value, T in zip(got, [12, 3, 12], strict=True):
        sub = numeric.cell_forward(kind, None, params, np.zeros(3), x[:T])
        assert value == pytest.approx(
            numeric.cell_jacobian_product(kind, None, params, sub).log10_norm, abs=TOL)


@pytest.mark.parametrize("call, message", [
    (lambda: numeric.cell_gain_sweep("lstm", [1], [1], activation="relu"), "fixed gates"),
    (lambda: numeric.cell_gain_sweep("lstmm", [1], [1]), "unknown cell"),
    (lambda: numeric.forget_bias_sweep([1], [1], hidden=0), "hidden"),
    (lambda: numeric.forget_bias_sweep([1], [0]), "T must be >= 1"),
    (lambda: numeric.cell_gain_sweep("gru", [math.inf], [1]), "finite"),
])
def test_bad_arguments_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
