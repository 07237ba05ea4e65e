"""numeric.check_gradients on correct and slightly wrong supplied quantities: the references are
torch float64 autograd (cells) and a hand-written NumPy BPTT (legacy cases), never the code
under test; names, aliases, gate blocks and every bad input's one-line error."""

import json

import numpy as np
import pytest
import torch

import derive
import numeric
from numeric.supplied_names import resolve
from tests.cell_cases import random_cell_case

MODULES = {"elman": lambda m, n: torch.nn.RNNCell(m, n),
           "lstm": lambda m, n: torch.nn.LSTMCell(m, n),
           "gru": lambda m, n: torch.nn.GRUCell(m, n)}


def _torch(case):
    """({name: ∂L/∂θ}, ∂L/∂s_0, L, delta (T, S): row k−1 = ∂L/∂s_k) by torch float64 autograd,
    the cell unrolled step by step with the case's parameters."""
    n, name = case.hidden, case.kind.name
    module = MODULES[name](case.x.shape[1], n).double()
    with torch.no_grad():
        for key, p in module.named_parameters():
            p.copy_(torch.as_tensor(case.params[key]))
    s0 = torch.tensor(case.s0, requires_grad=True)
    states, s = [], s0
    for x_k in torch.as_tensor(case.x):
        if name == "lstm":
            h, c = module(x_k[None], (s[None, :n], s[None, n:]))
            s = torch.cat([h[0], c[0]])
        else:
            s = module(x_k[None], s[None])[0]
        s.retain_grad()
        states.append(s)
    loss = 0.5 * torch.sum((s[:n] - torch.as_tensor(case.y)) ** 2)
    loss.backward()
    grads = {key: p.grad.numpy() for key, p in module.named_parameters()}
    delta = np.stack([s_k.grad.numpy() for s_k in states])
    return grads, s0.grad.numpy(), loss.item(), delta


def _legacy_case(per_step, T=6, n=3, m=2, seed=3):
    rng = np.random.default_rng(seed)
    y = rng.standard_normal((T, n) if per_step else n)
    return numeric.Case(derive.activation("tanh"), 0.8 * rng.standard_normal((n, n)),
                        rng.standard_normal((n, m)), rng.standard_normal(n),
                        rng.standard_normal(n), rng.standard_normal((T, m)), y)


def _hand_bptt(case):
    """A plain loop: h_k = tanh(W h + U x_k + b), g_k = ∂L/∂h_k, δ_k = (1 − h_k²) g_k."""
    W, U, b, x, y = case.W_hh, case.W_xh, case.b_h, case.x, case.y
    T = len(x)
    hs = [case.h0]
    for k in range(T):
        hs.append(np.tanh(W @ hs[-1] + U @ x[k] + b))
    targets = y if y.ndim == 2 else None
    loss = sum(0.5 * np.sum((hs[k + 1] - targets[k]) ** 2) for k in range(T)) \
        if targets is not None else 0.5 * np.sum((hs[-1] - y) ** 2)
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    g = hs[-1] - (targets[-1] if targets is not None else y)
    gs, jacobians = np.zeros((T, len(b))), []
    for k in range(T, 0, -1):
        gs[k - 1] = g
        d = (1 - hs[k] ** 2) * g
        dW += np.outer(d, hs[k - 1])
        dU += np.outer(d, x[k - 1])
        db += d
        g = W.T @ d + (hs[k - 1] - targets[k - 2] if targets is not None and k > 1 else 0)
    for k in range(1, T + 1):
        jacobians.append((1 - hs[k] ** 2)[:, None] * W)
    product = np.eye(len(b))
    for J in jacobians:
        product = J @ product
    return {"W_hh": dW, "W_xh": dU, "b_h": db, "grad_h0": g, "loss": loss, "delta": gs,
            "step_jacobians": np.stack(jacobians), "jacobian_product": product}


@pytest.mark.parametrize("name", ["elman", "lstm", "gru"])
def test_supplied_torch_gradients_of_cells_pass(name):
    case = random_cell_case(name, 3, 5, 7)
    grads, grad_s0, loss, delta = _torch(case)
    supplied = dict(grads, grad_h0=grad_s0[:3], loss=loss, delta=delta[:, :3])
    if name == "lstm":
        supplied.update(grad_c0=grad_s0[3:], delta=delta)
    result = numeric.check_gradients(case, supplied)
    assert result.passed and result.diagnosis == () and result.mode == "full"
    assert {q.name for q in result.quantities} == set(supplied) - {"delta"} | {
        "delta_state" if name == "lstm" else "delta"}
    for q in result.quantities:
        assert q.max_abs_error <= 1e-13 * max(1.0, abs(q.worst["derived"])), q


@pytest.mark.parametrize("per_step", [False, True])
def test_supplied_hand_written_bptt_of_a_legacy_case_passes(per_step):
    case = _legacy_case(per_step)
    result = numeric.check_gradients(case, _hand_bptt(case))
    assert result.passed, [q.to_dict() for q in result.quantities if not q.passed]
    assert len(result.quantities) == 8


def test_supplied_pytorch_names_for_a_legacy_case():
    """weight_hh, weight_ih, bias_ih, bias_hh: both biases' gradients are ∂L/∂b_h."""
    case = _legacy_case(False)
    ours = _hand_bptt(case)
    supplied = {"weight_hh": ours["W_hh"], "weight_ih": ours["W_xh"], "bias_ih": ours["b_h"],
                "bias_hh": ours["b_h"], "grad_h0": ours["grad_h0"]}
    assert numeric.check_gradients(case, supplied).passed
    supplied["bias_hh"] = 2 * ours["b_h"]
    result = numeric.check_gradients(case, supplied)
    assert not result.passed
    assert [q.name for q in result.quantities if not q.passed] == ["bias_hh"]


def test_supplied_one_entry_off_by_a_millionth_is_the_worst():
    case = random_cell_case("lstm", 3, 5, 7)
    grads, *_ = _torch(case)
    wrong = grads["weight_hh"].copy()
    wrong[7, 2] *= 1 + 1e-6
    result = numeric.check_gradients(case, {"weight_hh": wrong, "bias_ih": grads["bias_ih"]})
    assert not result.passed
    bad, good = result.quantities
    assert not bad.passed and good.passed
    assert bad.worst["index"] == [7, 2] and bad.worst["time_step"] is None
    assert bad.worst["supplied"] == wrong[7, 2]
    assert bad.worst["derived"] == pytest.approx(grads["weight_hh"][7, 2], rel=1e-12)
    assert bad.max_rel_error == pytest.approx(1e-6, rel=1e-4)


def test_supplied_wrong_delta_names_its_time_step():
    case = _legacy_case(True)
    delta = _hand_bptt(case)["delta"].copy()
    delta[3, 1] *= 1 + 1e-6
    q, = numeric.check_gradients(case, {"delta": delta}).quantities
    assert not q.passed and q.worst["index"] == [3, 1] and q.worst["time_step"] == 4


def test_supplied_wrong_step_jacobian_names_its_time_step():
    case = _legacy_case(False)
    J = _hand_bptt(case)["step_jacobians"].copy()
    J[2, 0, 1] += 1e-3
    q, = numeric.check_gradients(case, {"step_jacobians": J}).quantities
    assert not q.passed and q.worst["index"] == [2, 0, 1] and q.worst["time_step"] == 3


def test_supplied_gate_blocks_and_aliases():
    lstm = random_cell_case("lstm", 2, 4, 5)
    grads, grad_s0, *_ = _torch(lstm)
    f = slice(2, 4)  # gate f: the second row block of i, f, g, o
    result = numeric.check_gradients(lstm, {"weight_ih_f": grads["weight_ih"][f],
                                            "grad_bias_hh_o": grads["bias_hh"][6:],
                                            "grad_c0": grad_s0[2:]})
    assert result.passed
    assert [q.name for q in result.quantities] == ["weight_ih_f", "bias_hh_o", "grad_c0"]
    gru = random_cell_case("gru", 2, 4, 5)
    grads, *_ = _torch(gru)
    assert numeric.check_gradients(gru, {"weight_hh_z": grads["weight_hh"][2:4]}).passed
    assert not numeric.check_gradients(gru, {"weight_hh_z": grads["weight_hh"][:2]}).passed
    elman = random_cell_case("elman", 2, 4, 5)
    grads, *_ = _torch(elman)
    result = numeric.check_gradients(elman, {"W_hh": grads["weight_hh"],
                                             "grad_W_xh": grads["weight_ih"]})
    assert result.passed and [q.name for q in result.quantities] == ["weight_hh", "weight_ih"]
    legacy = _legacy_case(False)
    q, = numeric.check_gradients(legacy, {"grad_W_hh": _hand_bptt(legacy)["W_hh"]}).quantities
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
    with pytest.raises(ValueError, match="^" + _escaped(message)) as info:
        numeric.check_gradients(case, supplied)
    assert "\n" not in str(info.value)


def _escaped(text):
    import re
    return re.escape(text)


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
        numeric.check_gradients(_legacy_case(False), {"weight_hx": 1})


def test_supplied_to_dict_is_json_and_deterministic():
    case = random_cell_case("gru", 3, 4, 2)
    grads, grad_s0, loss, _ = _torch(case)
    grads["weight_ih"][4, 1] += 0.5
    runs = [json.dumps(numeric.check_gradients(case, dict(grads, grad_h0=grad_s0, loss=loss))
                       .to_dict(), sort_keys=True, allow_nan=False) for _ in range(2)]
    assert runs[0] == runs[1]
    data = json.loads(runs[0])
    assert data["passed"] is False and data["mode"] == "full"
    assert {q["name"] for q in data["quantities"]} >= {"weight_ih", "grad_h0", "loss"}


def test_supplied_rtol_tiny_fails_any_difference():
    case = _legacy_case(False)
    W = _hand_bptt(case)["W_hh"].copy()
    W[1, 2] *= 1 + 1e-12
    q, = numeric.check_gradients(case, {"W_hh": W}, rtol=1e-30).quantities
    assert not q.passed and q.worst["index"] == [1, 2] and "rtol" in q.tolerance_source
    assert numeric.check_gradients(case, {"W_hh": W}).passed


def test_supplied_mistake_is_named_and_an_unknown_one_localised():
    case = _legacy_case(False)
    ours = _hand_bptt(case)
    result = numeric.check_gradients(case, {"W_hh": ours["W_hh"].T})
    assert not result.passed and result.diagnosis == ("transposed",)
    assert result.findings[0].code == "transposed" and result.localisation is None
    delta = ours["delta"].copy()
    delta[:2] += 0.01  # ∂L/∂h_1, ∂L/∂h_2 wrong: departs first at k = 2
    result = numeric.check_gradients(case, {"delta": delta})
    assert not result.passed and result.diagnosis == ()
    assert result.localisation.time_step == 2


def test_supplied_zeros_are_said_to_be_zeros_not_placed_in_time():
    """An answer template sent back unfilled: no step is blamed, the zeros are named."""
    case = _legacy_case(False)
    ours = _hand_bptt(case)
    result = numeric.check_gradients(case, {"W_hh": np.zeros((3, 3)), "b_h": ours["b_h"]})
    assert not result.passed and result.diagnosis == ()
    where = result.localisation
    assert where.time_step is None and where.quantity == "W_hh"
    assert where.sentence.startswith("W_hh: every entry is 0")
    assert json.loads(json.dumps(result.to_dict()))["localisation"]["time_step"] is None


def _float32_elman(case):
    """torch float32 autograd of the elman case: {name: float32 gradient}."""
    module = torch.nn.RNNCell(case.x.shape[1], case.hidden)
    with torch.no_grad():
        for key, p in module.named_parameters():
            p.copy_(torch.as_tensor(case.params[key], dtype=torch.float32))
    h = torch.as_tensor(case.s0, dtype=torch.float32)
    for x_k in torch.as_tensor(case.x, dtype=torch.float32):
        h = module(x_k[None], h[None])[0]
    (0.5 * torch.sum((h - torch.as_tensor(case.y, dtype=torch.float32)) ** 2)).backward()
    return {key: p.grad.numpy() for key, p in module.named_parameters()}


def test_supplied_float32_gradient_passes_as_precision_and_a_thousandth_fails():
    case = random_cell_case("elman", 4, 8, 3)
    grads = _float32_elman(case)
    result = numeric.check_gradients(case, grads)
    assert result.dtype == "float32" and result.passed and result.diagnosis == ("precision",)
    assert result.taylor is None and "float32" in result.taylor_note
    W = grads["weight_hh"].copy()
    i = np.unravel_index(np.argmax(np.abs(W)), W.shape)
    W[i] *= np.float32(1 + 1e-3)
    q, = numeric.check_gradients(case, {"weight_hh": W}).quantities
    assert not q.passed and q.worst["index"] == [int(i[0]), int(i[1])]


def test_supplied_probes_mode_when_asked():
    case = _legacy_case(False)
    ours = _hand_bptt(case)
    result = numeric.check_gradients(case, {"W_hh": ours["W_hh"], "bias_hh": ours["b_h"]},
                                     probes=4)
    assert result.passed and result.mode == "probes" and "4" in result.mode_reason
    assert [q.shape for q in result.quantities] == [(3, 3), (3,)]
    wrong = numeric.check_gradients(case, {"W_hh": ours["W_hh"] + 0.1}, probes=4)
    q, = wrong.quantities
    assert not wrong.passed and q.worst["index"][0] in range(4) and q.worst["time_step"] is None


def test_supplied_saturated_torch_float64_gradient_is_precision_not_a_bug():
    """Biases +30: torch forms tanh' as 1 − h² from h = ±1 and gets 0 where the derivation has
    ~1e-26; beyond the cheap float64 rule, within float64's rounding model."""
    case = random_cell_case("elman", 3, 6, 4, bias=30.0)
    grads, *_ = _torch(case)
    result = numeric.check_gradients(case, grads)
    assert result.passed and result.diagnosis == ("precision",)
    assert "float64's rounding model" in result.findings[0].sentence
    assert all("a-priori" not in q.tolerance_source for q in result.quantities)


def test_supplied_taylor_test_varies_the_supplied_variables():
    """Slope 2 with torch's block, c_0 and (legacy) bias_hh gradients; slope 1 when one is off."""
    case = random_cell_case("lstm", 2, 4, 6)
    grads, grad_s0, *_ = _torch(case)
    supplied = {"weight_hh_f": grads["weight_hh"][2:4], "grad_c0": grad_s0[2:]}
    right = numeric.check_gradients(case, supplied).taylor
    assert right.passed and all(abs(s - 2) < 0.1 for s in right.slopes)
    supplied["grad_c0"] = 1.1 * grad_s0[2:]
    wrong = numeric.check_gradients(case, supplied).taylor
    assert not wrong.passed and all(abs(s - 1) < 0.1 for s in wrong.slopes)
    legacy = _legacy_case(True)
    ours = _hand_bptt(legacy)
    assert numeric.check_gradients(legacy, {"bias_hh": ours["b_h"], "W_hh": ours["W_hh"]}) \
        .taylor.passed
