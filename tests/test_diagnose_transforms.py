"""numeric.diagnose, transforms of the true gradient: sign, a factor c, a transpose and a gate
order are named (quantity by quantity, c compared within the dtype's rounding), the true
gradient yields no finding; references: a hand-written NumPy BPTT and torch autograd."""

import numpy as np
import pytest
import torch
from torch_reference import assert_close

import numeric
from numeric.backward import Mistake
from numeric.diagnose_transforms import fit_tolerance
from numeric.mistakes import mistaken
from tests.cell_cases import random_cell_case
from tests.diagnose_cases import allowed_for, codes, diagnosed, elman_loop
from tests.supplied_cases import legacy_case, torch_cell


def test_true_gradient_has_no_finding_and_transforms_are_named():
    case = legacy_case(False, T=5)
    ref = elman_loop(case)
    assert diagnosed(case, dict(ref), ref) == []
    sign = codes(diagnosed(case, {k: -v for k, v in ref.items()}, ref))
    assert ("sign", {"factor": -1.0, "quantities": list(ref)}) in sign \
        and all(c != "scaled" for c, _ in sign)
    mean = diagnosed(case, {k: v / 5 for k, v in ref.items()}, ref)
    assert [(f.code, f.detail["meaning"]) for f in mean] == [("scaled", "mean over time")]
    assert "T = 5 steps instead of the sum" in mean[0].sentence
    assert codes(diagnosed(case, {k: 2 * v for k, v in ref.items()}, ref))[0][1]["meaning"] \
        == "missing half"
    assert codes(diagnosed(case, {k: 3 * v for k, v in ref.items()}, ref))[0][1]["factor"] == 3
    odd = codes(diagnosed(case, {k: 0.37 * v for k, v in ref.items()}, ref))
    assert odd == [("scaled", {"factor": pytest.approx(0.37), "meaning": None,
                               "quantities": list(ref)})]
    flipped = dict(ref, W_hh=ref["W_hh"].T.copy())
    assert codes(diagnosed(case, flipped, ref)) == [
        ("transposed", {"quantities": ["W_hh"], "where": "matrix"})]


def test_gate_order_blocks_and_forward_pass():
    case = random_cell_case("gru", 2, 4, seed=6)
    ref, _, _, _ = torch_cell(case)
    n = case.hidden
    keras = {k: np.concatenate([v[n:2 * n], v[:n], v[2 * n:]]) for k, v in ref.items()}
    found = codes(diagnosed(case, keras, ref))
    assert ("gate_order", {"permutation": ["z", "r", "n"], "where": "blocks",
                           "quantities": list(keras)}) in found
    assert "Keras" in numeric.diagnose(case, keras, ref, allowed_for(ref))[0].sentence
    # the model whose forward pass reads block 0 as z and block 1 as r, by torch autograd
    P = {k: torch.tensor(v, requires_grad=True) for k, v in case.params.items()}
    h = torch.tensor(case.s0)
    for x_k in torch.tensor(case.x):
        gi, gh = P["weight_ih"] @ x_k + P["bias_ih"], P["weight_hh"] @ h + P["bias_hh"]
        z, r = torch.sigmoid(gi[:n] + gh[:n]), torch.sigmoid(gi[n:2 * n] + gh[n:2 * n])
        h = (1 - z) * torch.tanh(gi[2 * n:] + r * gh[2 * n:]) + z * h
    (0.5 * ((h - torch.tensor(case.y)) ** 2).sum()).backward()
    read = {k: p.grad.numpy() for k, p in P.items()}
    ours = mistaken(case, Mistake("gate_order", ("z", "r", "n")), tuple(read))
    for name in read:
        assert_close(ours[name], read[name], rtol=1e-12)
    found = codes(diagnosed(case, read, ref))
    assert any(c == "gate_order" and d["where"] == "forward pass" for c, d in found), found


def test_lstm_state_delta_is_judged_without_error():
    """An LSTM's delta given as (T, S) = [∂L/∂h_k; ∂L/∂c_k] (torch autograd, retained)."""
    case = random_cell_case("lstm", 2, 4, seed=5)
    grads, s0, _, g = torch_cell(case)
    ref = dict(grads, grad_h0=s0[:2], grad_c0=s0[2:], delta=g)
    assert g.shape == (4, 4)
    found = codes(diagnosed(case, {k: -v for k, v in ref.items()}, ref))
    names = [*list(ref)[:-1], "delta_state"]  # the name of a (T, S) delta
    assert found == [("sign", {"factor": -1.0, "quantities": names})]


def test_transforms_judged_quantity_by_quantity():
    case = legacy_case(False, T=5)
    ref = elman_loop(case)
    found = diagnosed(case, dict(ref, W_hh=-ref["W_hh"]), ref)
    assert codes(found) == [("sign", {"factor": -1.0, "quantities": ["W_hh"]})]
    assert found[0].sentence.startswith("W_hh only: −1 × the true value")
    found = diagnosed(case, dict(ref, b_h=2 * ref["b_h"], W_xh=2 * ref["W_xh"]), ref)
    assert [(f.code, f.detail["factor"], f.detail["quantities"]) for f in found] == [
        ("scaled", 2.0, ["W_xh", "b_h"])]
    assert found[0].sentence.startswith("W_xh, b_h only: 2 × the true value")
    assert diagnosed(case, dict(ref, W_hh=-ref["W_hh"], W_xh=1.1 * ref["W_xh"]), ref) == []
    gru = random_cell_case("gru", 2, 4, seed=6)
    gref = torch_cell(gru)[0]
    w = gref["weight_hh"]
    keras = np.concatenate([w[2:4], w[:2], w[4:]])
    found = diagnosed(gru, dict(gref, weight_hh=keras), gref)
    assert [(f.code, f.detail["quantities"], f.sentence) for f in found] == [
        ("gate_order", ["weight_hh"], "weight_hh only: the row blocks are stacked [z, r, n] "
         "(Keras' order) instead of PyTorch's [r, z, n]")]


def test_gate_order_sentence_names_both_orders_and_keras_only_for_the_gru():
    lstm = random_cell_case("lstm", 2, 4, seed=5)
    ref = torch_cell(lstm)[0]
    swap = {k: np.concatenate([v[2:4], v[:2], v[4:]]) for k, v in ref.items()}  # [f, i, g, o]
    found = [f for f in diagnosed(lstm, swap, ref) if f.code == "gate_order"]
    assert [f.sentence for f in found] == [
        "the row blocks are stacked [f, i, g, o] instead of PyTorch's [i, f, g, o]"]


def test_float32_sign_is_reported_once():
    """A sign error computed in float32: the fitted c is −1 within the dtype's rounding."""
    case = legacy_case(False, T=5)
    ref = elman_loop(case)
    loose = {k: 1e-6 * (np.abs(v) + np.max(np.abs(v))) for k, v in ref.items()}
    supplied = {k: -v * (1 + 2.0 ** -24) for k, v in ref.items()}
    found = numeric.diagnose(case, supplied, ref, loose)
    assert [f.code for f in found] == ["sign"]
    mean = {k: v * 0.2 * (1 + 2.0 ** -24) for k, v in ref.items()}
    found = numeric.diagnose(case, mean, ref, loose, dtype="float32")
    assert [(f.code, f.detail["factor"], f.detail["meaning"]) for f in found] == [
        ("scaled", 0.2, "mean over time")]


def test_fit_tolerance_is_the_dtype_rounding_at_least():
    class Judge:
        reference = {"W": np.array([3.0, 4.0])}
        allowed = {"W": np.array([0.0, 0.0])}

    assert fit_tolerance(Judge, ["W"], "float32") == 32 * 2.0 ** -24
    Judge.allowed = {"W": np.array([0.5, 0.0])}
    assert fit_tolerance(Judge, ["W"], "float64") == pytest.approx(1.5 / 25)
