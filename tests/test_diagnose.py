"""numeric.mistakes and numeric.diagnose: every mistake's candidate equals one built
independently here (a hand-written NumPy BPTT with the mistake made, or torch autograd with
the mistake made in the model: a straight-through tanh drops tanh', a detached W drops terms),
and diagnose names it with the right detail; the true gradient yields no finding."""

import numpy as np
import pytest
import torch
from cell_cases import random_cell_case
from test_backward import legacy_case, torch_cell
from torch_reference import assert_close

import numeric
from numeric import mistakes
from numeric.backward import Mistake
from numeric.diagnose_transforms import fit_tolerance
from numeric.mistakes import mistaken

LEGACY_NAMES = ("W_hh", "W_xh", "b_h", "grad_h0")


def elman_loop(case, *, transposed=False, drop=None, shift=None, K=None, immediate=True,
               skip_last=False):
    """Hand-written Elman BPTT (tanh) with a mistake made; per-step or final loss.  K: the
    loop over the last K steps only; skip_last: the term of step T left out of the sums."""
    W, U, b, x, y = case.W_hh, case.W_xh, case.b_h, case.x, case.y
    T, n = len(x), len(b)
    h = [case.h0]
    for x_k in x:
        h.append(np.tanh(W @ h[-1] + U @ x_k + b))
    e = [h[k] - y[k - 1] if y.ndim == 2 else (h[T] - y if k == T else np.zeros(n))
         for k in range(T + 1)]
    dW, dU, db, g_bp = np.zeros((n, n)), np.zeros_like(U), np.zeros(n), np.zeros(n)
    for k in range(T, 0, -1):
        D = 1 - h[k] ** 2
        delta = {None: D * (g_bp + e[k]), "h": g_bp + e[k], "a": g_bp + D * e[k]}[drop]
        term = delta if immediate else D * g_bp
        h_in = h[k] if shift == "h+1" else h[k - 1]
        x_in = {None: x[k - 1], "h+1": x[k - 1], "x+1": x[k] if k < T else 0 * x[0],
                "x-1": x[k - 2] if k > 1 else 0 * x[0], "x-1 wrap": x[k - 2]}[shift]
        if (K is None or k > T - K) and not (skip_last and k == T):
            dW, dU, db = dW + np.outer(term, h_in), dU + np.outer(term, x_in), db + term
        g_bp = (W if transposed else W.T) @ delta
    g0 = g_bp if K is None or K >= T else np.zeros(n)
    return {"W_hh": dW, "W_xh": dU, "b_h": db, "grad_h0": g0}


def per_step_truncated(case, K):
    """Σ_t L_t with each L_t backpropagated K steps (k = t − K + 1..t), hand-written."""
    W, U, b, x, y = case.W_hh, case.W_xh, case.b_h, case.x, case.y
    h = [case.h0]
    for x_k in x:
        h.append(np.tanh(W @ h[-1] + U @ x_k + b))
    out = {"W_hh": 0 * W, "W_xh": 0 * U, "b_h": 0 * b}
    for t in range(1, len(x) + 1):
        g = h[t] - y[t - 1]
        for k in range(t, max(t - K, 0), -1):
            delta = (1 - h[k] ** 2) * g
            out["W_hh"] = out["W_hh"] + np.outer(delta, h[k - 1])
            out["W_xh"] = out["W_xh"] + np.outer(delta, x[k - 1])
            out["b_h"] = out["b_h"] + delta
            g = W.T @ delta
    return out


def allowed_for(reference):
    return {k: 1e-9 * (np.abs(v) + np.max(np.abs(v))) for k, v in reference.items()}


def codes(findings):
    return [(f.code, f.detail) for f in findings]


def diagnosed(case, supplied, reference):
    return numeric.diagnose(case, supplied, reference, allowed_for(reference))


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


def hand_delta(case, K=None):
    """∂L/∂h_k (T, n) of a final-step loss by a hand-written loop; K: only the last K rows
    filled (the loop over the last K steps), the others 0."""
    h = [case.h0]
    for x_k in case.x:
        h.append(np.tanh(case.W_hh @ h[-1] + case.W_xh @ x_k + case.b_h))
    T, g = len(case.x), h[-1] - case.y
    rows = np.zeros((T, len(g)))
    for k in range(T, 0, -1):
        rows[k - 1] = g if K is None or k > T - K else 0
        g = case.W_hh.T @ ((1 - h[k] ** 2) * g)
    return rows


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
