"""numeric.mistakes and numeric.diagnose, the mistakes made in the backward pass: every
candidate equals one built independently here (a hand-written NumPy BPTT with the mistake made,
or torch autograd with the mistake made in the model: a straight-through tanh drops tanh', a
detached W drops terms), and diagnose names it with the right detail; localisation in time.
Transforms of the whole gradient (sign, scale, transpose, gate order): test_diagnose_transforms."""

import numpy as np
import pytest
import torch
from torch_reference import assert_close

import numeric
from numeric import mistakes
from numeric.backward import Mistake
from numeric.mistakes import mistaken
from tests.cell_cases import random_cell_case
from tests.diagnose_cases import (
    LEGACY_NAMES,
    allowed_for,
    codes,
    diagnosed,
    elman_loop,
    hand_delta,
    per_step_truncated,
)
from tests.supplied_cases import legacy_case, torch_cell


@pytest.mark.parametrize("per_step", [False, True])
@pytest.mark.parametrize("mistake, options, detail", [
    (Mistake("transposed", "recursion"), {"transposed": True}, {"where": "recursion"}),
    (Mistake("missing_activation_derivative", "h"), {"drop": "h"}, {"form": "h"}),
    (Mistake("missing_activation_derivative", "a"), {"drop": "a"}, {"form": "a"}),
    (Mistake("time_shift", "h+1"), {"shift": "h+1"}, {"shift": "h+1"}),
    (Mistake("time_shift", "x+1"), {"shift": "x+1"}, {"shift": "x+1"}),
    (Mistake("time_shift", "x-1"), {"shift": "x-1"}, {"shift": "x-1"}),
    (Mistake("time_shift", "x-1 wrap"), {"shift": "x-1 wrap"}, {"shift": "x-1 wrap"}),
    (Mistake("missing_immediate_term"), {"immediate": False}, {}),
])
def test_elman_recursion_mistakes(per_step, mistake, options, detail):
    case = legacy_case(per_step, T=4)
    reference, supplied = elman_loop(case), elman_loop(case, **options)
    ours = mistaken(case, mistake, LEGACY_NAMES)
    for name in LEGACY_NAMES:
        assert_close(ours[name], supplied[name], rtol=1e-12)
    found = codes(diagnosed(case, supplied, reference))
    assert any(code == mistake.code and detail.items() <= d.items() for code, d in found), found
    if mistake.code == "missing_activation_derivative":
        assert any(d.get("factor") == "tanh'(a_k)" for _, d in found)


@pytest.mark.parametrize("per_step", [False, True])
def test_truncated_found_with_its_K(per_step):
    case = legacy_case(per_step, T=5)
    reference = elman_loop(case)
    supplied = per_step_truncated(case, 2) if per_step else elman_loop(case, K=2)
    supplied = {k: supplied[k] for k in ("W_hh", "W_xh", "b_h")}
    ours = mistaken(case, Mistake("truncated", 2), tuple(supplied))
    for name in supplied:
        assert_close(ours[name], supplied[name], rtol=1e-12)
    found = diagnosed(case, supplied, {k: reference[k] for k in supplied})
    assert ("truncated", 2) in [(f.code, f.detail["K"]) for f in found if f.code == "truncated"]
    assert "K = 2" in next(f.sentence for f in found if f.code == "truncated")


def straight_through(f, v):
    """f(v) in value, derivative 1: the factor f'(v) dropped from every chain through it."""
    return v + (f(v) - v).detach()


def torch_lstm(case, drop=None):
    P = {k: torch.tensor(v, requires_grad=True) for k, v in case.params.items()}
    s0 = torch.tensor(case.s0, requires_grad=True)
    n = case.hidden
    h, c = s0[:n], s0[n:]
    for x_k in torch.tensor(case.x):
        z = P["weight_ih"] @ x_k + P["bias_ih"] + P["weight_hh"] @ h + P["bias_hh"]
        i, f, g, o = z.split(n)
        sig_f = straight_through(torch.sigmoid, f) if drop == "f" else torch.sigmoid(f)
        c = sig_f * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * (straight_through(torch.tanh, c) if drop == "c"
                                else torch.tanh(c))
    (0.5 * ((h - torch.tensor(case.y)) ** 2).sum()).backward()
    out = {k: p.grad.numpy() for k, p in P.items()}
    out["grad_h0"], out["grad_c0"] = s0.grad.numpy()[:n], s0.grad.numpy()[n:]
    return out


@pytest.mark.parametrize("drop, factor", [("c", "tanh'(c_k)"), ("f", "σ'(z_f,k)")])
def test_lstm_missing_gate_derivative(drop, factor):
    case = random_cell_case("lstm", 2, 4, seed=5)
    reference, supplied = torch_lstm(case), torch_lstm(case, drop)
    names = tuple(supplied)
    ours = mistaken(case, Mistake("missing_activation_derivative", factor), names)
    for name in names:
        assert_close(ours[name], supplied[name], rtol=1e-12)
    found = codes(diagnosed(case, supplied, reference))
    assert ("missing_activation_derivative", factor,
            "h", "lstm") in [(c, d["factor"], d["form"], d["cell"]) for c, d in found
                             if c == "missing_activation_derivative"], found
    sentence = next(f.sentence for f in diagnosed(case, supplied, reference)
                    if f.code == "missing_activation_derivative")
    assert factor in sentence and "∂h_k/∂z_" in sentence


def test_gru_bias_placement():
    case = random_cell_case("gru", 2, 4, seed=8, bias=0.5)
    ref, _, _, _ = torch_cell(case)
    P = {k: torch.tensor(v, requires_grad=True) for k, v in case.params.items()}
    n, h = case.hidden, torch.tensor(case.s0)
    for x_k in torch.tensor(case.x):
        gi = P["weight_ih"] @ x_k + P["bias_ih"]
        r, z = torch.sigmoid(gi[:2 * n] + P["weight_hh"][:2 * n] @ h + P["bias_hh"][:2 * n]) \
            .split(n)
        cand = torch.tanh(gi[2 * n:] + r * (P["weight_hh"][2 * n:] @ h) + P["bias_hh"][2 * n:])
        h = (1 - z) * cand + z * h
    (0.5 * ((h - torch.tensor(case.y)) ** 2).sum()).backward()
    supplied = {k: p.grad.numpy() for k, p in P.items()}
    ours = mistaken(case, Mistake("gru_bias_placement"), tuple(supplied))
    for name in supplied:
        assert_close(ours[name], supplied[name], rtol=1e-12)
    assert ("gru_bias_placement", {}) in codes(diagnosed(case, supplied, ref))


def test_localise_from_delta_and_from_the_sum():
    case = legacy_case(False, T=5)
    ref = elman_loop(case)
    names = ("W_hh", "delta")
    reference = mistaken(case, None, names)
    supplied = mistaken(case, Mistake("truncated", 2), names)
    supplied["delta"] = reference["delta"].copy()
    supplied["delta"][:2] *= 1.5  # departs at k = 2, agrees for k = 3..5
    where = numeric.localise(case, supplied, reference, allowed_for(reference))
    assert (where.time_step, where.quantity) == (2, "delta")
    assert "departs first at step k = 2" in where.sentence
    del supplied["delta"]
    reference = {"W_hh": ref["W_hh"]}
    where = numeric.localise(case, supplied, reference, allowed_for(reference))
    assert (where.time_step, where.quantity) == (3, "W_hh")
    assert "inferred from W_hh alone" in where.sentence


def test_codes_documented():
    assert set(numeric.DIAGNOSIS_CODES) == {
        "transposed", "sign", "scaled", "missing_activation_derivative", "time_shift",
        "truncated", "missing_immediate_term", "gate_order", "gru_bias_placement", "precision"}


def test_per_step_loss_literal_truncated_and_missing_last_term():
    """Σ_t L_t: the loop over the last K steps (each δ_k exact) and the sum without step T,
    beside the per-loss-term forms."""
    case = legacy_case(True, T=5)
    reference = elman_loop(case)
    literal = elman_loop(case, K=2)
    seen = {}
    mistakes.truncations(case, LEGACY_NAMES, lambda K, c: seen.setdefault(K, c))
    for name in ("W_hh", "W_xh", "b_h"):
        assert_close(seen[2][name], literal[name], rtol=1e-12)
    found = diagnosed(case, literal, reference)
    assert [(f.code, f.detail["K"], f.detail["form"]) for f in found] == [
        ("truncated", 2, "last K steps")]
    assert "steps k = 4..5, each δ_k exact" in found[0].sentence
    found = diagnosed(case, elman_loop(case, skip_last=True), reference)
    assert [(f.code, f.detail["form"]) for f in found] == [("missing_immediate_term", "last step")]
    each = {k: v for k, v in per_step_truncated(case, 2).items()}
    found = diagnosed(case, each, {k: reference[k] for k in each})
    assert [(f.code, f.detail["form"]) for f in found] == [("truncated", "each loss term")]
    found = diagnosed(case, elman_loop(case, immediate=False), reference)
    assert [(f.code, f.detail["form"]) for f in found] == [
        ("missing_immediate_term", "each loss term")]


def test_truncated_judged_on_grad_h0_and_delta():
    """The parameter sums agree (the truncation error below the allowance, as in float32 for a
    saturated GRU): the zero ∂L/∂h_0 and the rows of delta name the truncation and K."""
    case = legacy_case(False, T=5)
    ref = dict(elman_loop(case), delta=hand_delta(case))
    supplied = dict(elman_loop(case, K=2), delta=hand_delta(case, K=2))
    assert not np.any(supplied["grad_h0"])
    allowed = allowed_for(ref)
    for name in ("W_hh", "W_xh", "b_h"):  # wide enough to hold the truncation error
        allowed[name] = allowed[name] + 2 * np.abs(supplied[name] - ref[name])
    found = numeric.diagnose(case, supplied, ref, allowed)
    assert [(f.code, f.detail["K"]) for f in found] == [("truncated", 2)]
    only = {"grad_h0": supplied["grad_h0"], "delta": supplied["delta"]}
    found = diagnosed(case, only, {k: ref[k] for k in only})
    assert [(f.code, f.detail["K"]) for f in found] == [("truncated", 2)]
