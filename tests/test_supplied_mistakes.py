"""``numeric.check_gradients`` on hand-written submissions (tests/handwritten_rnn.py): the
correct programs equal PyTorch's float64 autograd (1e-10) and pass in float64 and float32; each
well-known mistake, made the way a student makes it, is diagnosed with its code (and K, c or the
permutation) and the Taylor test of float64 checks has slopes within 0.1 of 2 for the correct
programs and of 1 for the wrong ones; torch autograd in float32 on random cells (n ≤ 64,
T ≤ 100, saturated gates among them) never fails, and a 10⁻³ relative error in one entry is
caught in float32."""

import numpy as np
import pytest
import torch

import derive
import numeric
from tests.cell_cases import random_cell_case
from tests.handwritten_rnn import BATCH, GATE_ORDER, MISTAKES, K, applies, cell_name, program
from tests.torch_reference import assert_close

nn = torch.nn
T = 5


def legacy_case(seed, per_step=False, n=3, m=2):
    """A seeded legacy Elman case (tanh); y (T, n) gives the per-step loss Σ_t ½‖h_t − y_t‖²."""
    rng = np.random.default_rng(seed)
    return numeric.Case(derive.activation("tanh"), rng.normal(0, 0.9 / np.sqrt(n), (n, n)),
                        rng.normal(0, 0.7, (n, m)), rng.normal(0, 0.2, n), rng.normal(0, 0.5, n),
                        rng.normal(0, 1, (T, m)),
                        rng.normal(0, 1, (T, n) if per_step else n))


CASES = {  # tiny (n = 3, T = 5), seeded; "saturated": |gate pre-activations| ~ 3 and more
    "legacy": lambda: legacy_case(0),
    "legacy_per_step": lambda: legacy_case(1, per_step=True),
    "elman": lambda: random_cell_case("elman", 3, T, 2),
    "elman_saturated": lambda: random_cell_case("elman", 3, T, 3, scale=4.0),
    "lstm": lambda: random_cell_case("lstm", 3, T, 4),
    "lstm_saturated": lambda: random_cell_case("lstm", 3, T, 5, bias=3.0),
    "gru": lambda: random_cell_case("gru", 3, T, 6),
    "gru_saturated": lambda: random_cell_case("gru", 3, T, 7, bias=-3.0),
}


def torch_module(case, dtype):
    """The torch cell of ``case`` in ``dtype`` (a legacy case: an RNNCell with bias_hh = 0)."""
    cell = cell_name(case)
    if cell == "legacy":
        params = {"weight_ih": case.W_xh, "weight_hh": case.W_hh, "bias_ih": case.b_h,
                  "bias_hh": np.zeros_like(case.b_h)}
    else:
        params = case.params
    n, m = params["weight_hh"].shape[1], params["weight_ih"].shape[1]
    kind = {"legacy": nn.RNNCell, "elman": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}
    module = kind[cell](m, n, dtype=dtype)
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.as_tensor(params[name]))
    return module


def torch_gradients(case, dtype=torch.float64):
    """torch autograd's gradients of the case's loss, under the names of ``program``."""
    module, cell = torch_module(case, dtype), cell_name(case)
    s0 = torch.tensor(case.h0 if cell == "legacy" else case.s0, dtype=dtype, requires_grad=True)
    x, y = (torch.as_tensor(v, dtype=dtype) for v in (case.x, case.y))
    n = module.hidden_size
    h, c, hs = s0[:n], s0[n:], []
    for x_k in x:
        if cell == "lstm":
            h, c = module(x_k, (h, c))
        else:
            h = module(x_k, h)
        h.retain_grad()
        hs.append(h)
    residual = torch.stack(hs) - y if y.ndim == 2 else hs[-1] - y
    (0.5 * (residual * residual).sum()).backward()
    grads = {name: p.grad.numpy() for name, p in module.named_parameters()}
    if cell == "legacy":
        grads = {"W_hh": grads["weight_hh"], "W_xh": grads["weight_ih"], "b_h": grads["bias_ih"]}
    grads["grad_h0"] = s0.grad[:n].numpy()
    if cell == "lstm":
        grads["grad_c0"] = s0.grad[n:].numpy()
    grads["delta"] = torch.stack([h.grad for h in hs]).numpy()
    return grads


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


EXPECTED = {  # the program's mistake → (the diagnosis code, the detail it must report or None)
    "sign": ("sign", None),
    "transposed": ("transposed", None),
    "transposed_result": ("transposed", None),
    "scaled_mean_time": ("scaled", ("factor", 1 / T)),
    "scaled_missing_half": ("scaled", ("factor", 2.0)),
    "scaled_batch": ("scaled", ("factor", 1 / BATCH)),
    "missing_activation_derivative": ("missing_activation_derivative", None),
    "missing_gate_derivative": ("missing_activation_derivative", None),
    "time_shift_h": ("time_shift", None),
    "time_shift_x": ("time_shift", None),
    "truncated": ("truncated", ("K", K)),
    "truncated_each": ("truncated", ("K", K)),
    "missing_immediate_term_each": ("missing_immediate_term", None),
    "missing_immediate_term": ("missing_immediate_term", None),
    "gate_order": ("gate_order", ("permutation", None)),
    "gru_bias_placement": ("gru_bias_placement", None),
}
# every mistake on these (the final-loss legacy case is the elman cell's model); on the
# saturated ones the mistakes whose effect saturation changes most (the file stays < 10 s)
EVERY_MISTAKE = ("legacy_per_step", "elman", "lstm", "gru")
SATURATING = ("missing_activation_derivative", "truncated")
MATRIX = [(name, mistake, dtype) for name, case in ((name, CASES[name]()) for name in CASES)
          for mistake in MISTAKES if applies(case, mistake)
          and (name in EVERY_MISTAKE or name.endswith("_saturated") and mistake in SATURATING)
          for dtype in ("float64", "float32")]


def test_supplied_matrix_covers_every_mistake_of_every_cell():
    assert set(EXPECTED) == set(MISTAKES)
    made = {(cell_name(CASES[name]()), mistake) for name, mistake, _ in MATRIX}
    assert made == {(cell_name(CASES[name]()), mistake) for name in EVERY_MISTAKE
                    for mistake in MISTAKES if applies(CASES[name](), mistake)}
    assert {cell for cell, _ in made} == {"legacy", "elman", "lstm", "gru"}


def submitted(case, dtype, mistake=None):
    """What a student hands in: the program's arrays in its own dtype (no dtype= given)."""
    return program(case, np.dtype(dtype), mistake)


def detail_matches(finding, key, value, cell):
    if key == "permutation":
        return list(finding.detail.get("permutation", ())) == list(GATE_ORDER[cell])
    if key == "factor":  # c, under whatever key the finding names it
        return any(isinstance(v, (int, float)) and np.isclose(v, value, rtol=1e-6)
                   for v in finding.detail.values())
    return finding.detail.get(key) == value


def failures(result):
    """(name, max abs error, largest allowed, worst entry) of each failing quantity."""
    return [(q.name, q.max_abs_error, float(np.max(q.tolerance)), q.worst)
            for q in result.quantities if not q.passed]


def assert_passed(result):
    passed = result.passed
    assert passed, (result.diagnosis, failures(result))


def assert_taylor(result, dtype, slope):
    """The third verdict, run by check_gradients on small float64 cases: every slope within
    0.1 of 2 (correct) or of 1 (wrong)."""
    if dtype != "float64":
        return
    taylor = result.taylor
    assert taylor is not None and taylor.passed == (slope == 2), result.taylor_note
    assert all(abs(s - slope) <= 0.1 for s in taylor.slopes), taylor.slopes


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_supplied_correct_program_passes(name, dtype):
    case = CASES[name]()
    result = numeric.check_gradients(case, submitted(case, dtype))
    assert result.dtype == dtype  # inferred from the arrays
    assert_passed(result)
    assert_taylor(result, dtype, 2)


@pytest.mark.parametrize("name, mistake, dtype", MATRIX)
def test_supplied_mistake_is_diagnosed(name, mistake, dtype):
    case = CASES[name]()
    result = numeric.check_gradients(case, submitted(case, dtype, mistake))
    code, detail = EXPECTED[mistake]
    assert_taylor(result, dtype, 1)
    passed, diagnosis = result.passed, result.diagnosis
    assert not passed
    assert code in diagnosis, (diagnosis, failures(result))
    if detail is not None:
        findings = [f for f in result.findings if f.code == code]
        assert any(detail_matches(f, *detail, cell_name(case)) for f in findings), \
            [f.detail for f in findings]


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
        assert not passed and EXPECTED[mistake][0] in diagnosis, (diagnosis, failures(result))
