"""numeric.check_gradients on correct and slightly wrong supplied quantities: the references are
torch float64 autograd of each cell's hand-written step and a hand-written NumPy BPTT (legacy
cases), never the code under test (names, blocks and bad input: test_supplied_names.py)."""

import json

import numpy as np
import pytest
import torch

import numeric
from tests.cell_cases import random_cell_case
from tests.supplied_cases import hand_bptt, legacy_case, torch_cell, torch_gradients


@pytest.mark.parametrize("name", ["elman", "lstm", "gru"])
def test_supplied_torch_gradients_of_cells_pass(name):
    case = random_cell_case(name, 3, 5, 7)
    grads, grad_s0, loss, delta = torch_cell(case)
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
    case = legacy_case(per_step, T=6)
    result = numeric.check_gradients(case, hand_bptt(case))
    assert result.passed, [q.to_dict() for q in result.quantities if not q.passed]
    assert len(result.quantities) == 8


def test_supplied_one_entry_off_by_a_millionth_is_the_worst():
    case = random_cell_case("lstm", 3, 5, 7)
    grads, *_ = torch_cell(case)
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
    case = legacy_case(True, T=6)
    delta = hand_bptt(case)["delta"].copy()
    delta[3, 1] *= 1 + 1e-6
    q, = numeric.check_gradients(case, {"delta": delta}).quantities
    assert not q.passed and q.worst["index"] == [3, 1] and q.worst["time_step"] == 4


def test_supplied_wrong_step_jacobian_names_its_time_step():
    case = legacy_case(False, T=6)
    J = hand_bptt(case)["step_jacobians"].copy()
    J[2, 0, 1] += 1e-3
    q, = numeric.check_gradients(case, {"step_jacobians": J}).quantities
    assert not q.passed and q.worst["index"] == [2, 0, 1] and q.worst["time_step"] == 3


def test_supplied_to_dict_is_json_and_deterministic():
    case = random_cell_case("gru", 3, 4, 2)
    grads, grad_s0, loss, _ = torch_cell(case)
    grads["weight_ih"][4, 1] += 0.5
    runs = [json.dumps(numeric.check_gradients(case, dict(grads, grad_h0=grad_s0, loss=loss))
                       .to_dict(), sort_keys=True, allow_nan=False) for _ in range(2)]
    assert runs[0] == runs[1]
    data = json.loads(runs[0])
    assert data["passed"] is False and data["mode"] == "full"
    assert {q["name"] for q in data["quantities"]} >= {"weight_ih", "grad_h0", "loss"}


def test_supplied_rtol_tiny_fails_any_difference():
    case = legacy_case(False, T=6)
    W = hand_bptt(case)["W_hh"].copy()
    W[1, 2] *= 1 + 1e-12
    q, = numeric.check_gradients(case, {"W_hh": W}, rtol=1e-30).quantities
    assert not q.passed and q.worst["index"] == [1, 2] and "rtol" in q.tolerance_source
    assert numeric.check_gradients(case, {"W_hh": W}).passed


def test_supplied_mistake_is_named_and_an_unknown_one_localised():
    case = legacy_case(False, T=6)
    ours = hand_bptt(case)
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
    case = legacy_case(False, T=6)
    ours = hand_bptt(case)
    result = numeric.check_gradients(case, {"W_hh": np.zeros((3, 3)), "b_h": ours["b_h"]})
    assert not result.passed and result.diagnosis == ()
    where = result.localisation
    assert where.time_step is None and where.quantity == "W_hh"
    assert where.sentence.startswith("W_hh: every entry is 0")
    assert json.loads(json.dumps(result.to_dict()))["localisation"]["time_step"] is None


def float32_elman(case):
    """torch float32 autograd of the elman case (nn.RNNCell): {parameter name: gradient}."""
    grads = torch_gradients(case, torch.float32)
    return {key: grads[key] for key in case.params}


def test_supplied_float32_gradient_passes_as_precision_and_a_thousandth_fails():
    case = random_cell_case("elman", 4, 8, 3)
    grads = float32_elman(case)
    result = numeric.check_gradients(case, grads)
    assert result.dtype == "float32" and result.passed and result.diagnosis == ("precision",)
    assert result.taylor is None and "float32" in result.taylor_note
    W = grads["weight_hh"].copy()
    i = np.unravel_index(np.argmax(np.abs(W)), W.shape)
    W[i] *= np.float32(1 + 1e-3)
    q, = numeric.check_gradients(case, {"weight_hh": W}).quantities
    assert not q.passed and q.worst["index"] == [int(i[0]), int(i[1])]


def test_supplied_probes_mode_when_asked():
    case = legacy_case(False, T=6)
    ours = hand_bptt(case)
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
    grads, *_ = torch_cell(case)
    result = numeric.check_gradients(case, grads)
    assert result.passed and result.diagnosis == ("precision",)
    assert "float64's rounding model" in result.findings[0].sentence
    assert all("a-priori" not in q.tolerance_source for q in result.quantities)


def test_supplied_taylor_test_varies_the_supplied_variables():
    """Slope 2 with torch's block, c_0 and (legacy) bias_hh gradients; slope 1 when one is off."""
    case = random_cell_case("lstm", 2, 4, 6)
    grads, grad_s0, *_ = torch_cell(case)
    supplied = {"weight_hh_f": grads["weight_hh"][2:4], "grad_c0": grad_s0[2:]}
    right = numeric.check_gradients(case, supplied).taylor
    assert right.passed and all(abs(s - 2) < 0.1 for s in right.slopes)
    supplied["grad_c0"] = 1.1 * grad_s0[2:]
    wrong = numeric.check_gradients(case, supplied).taylor
    assert not wrong.passed and all(abs(s - 1) < 0.1 for s in wrong.slopes)
    legacy = legacy_case(True, T=6)
    ours = hand_bptt(legacy)
    assert numeric.check_gradients(legacy, {"bias_hh": ours["b_h"], "W_hh": ours["W_hh"]}) \
        .taylor.passed
